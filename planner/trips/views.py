"""Trip pages: the list, a new trip, a trip with its legs and whom to meet on each, "who is
in town" at home, and the decisions on suggestions (accept, dismiss, not now)."""

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from planner import db
from planner.datetimes import viewer_zone
from planner.db import get_owned
from planner.events.trip_views import home_values as home_event_values
from planner.events.trip_views import page_values as trip_event_values
from planner.matching import Weights, explain
from planner.models import Contact, Decision, Meeting, Trip, TripLeg
from planner.places.service import place_text
from planner.trips import service, suggest
from planner.trips.forms import (
    ButtonForm,
    CalendarLegForm,
    CalendarTripForm,
    CalendarUploadForm,
    LegForm,
    TripForm,
)
from planner.trips.interests import refresh_interests
from planner.trips.place_time import local_times
from planner.trips.travel_calendar import (
    TravelCalendarError,
    legs_from_calendar,
)
from planner.trips.wording import wording
from planner.web import FORM_ERROR_STATUS

bp = Blueprint("trips", __name__, url_prefix="/trips")


def _locale() -> str:
    return str(get_locale() or "en")


def _context() -> suggest.MatchContext:
    weights = Weights.from_config(current_app.config.get("MATCH_WEIGHTS"))
    return suggest.match_context(
        db.session(), owner=current_user, locale=_locale(), weights=weights
    )


def _leg_input(form: LegForm) -> service.LegInput | None:
    """The form as a leg, or None with the error on the place field."""
    text = (form.place.data or "").strip()
    place = service.leg_place(text)
    if place is None:
        form.place.errors.append(
            _("'%(text)s' is not a city we know: try the nearest larger city.", text=text)
        )
        return None
    return service.LegInput(
        place_text=text,
        place=place,
        arrives=form.arrives.data,
        departs=form.departs.data,
        radius_km=float(form.radius.data or service.DEFAULT_RADIUS_KM),
    )


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    trips = service.list_trips(db.session(), owner=current_user)
    return render_template("trips/index.html", trips=trips, local_times=local_times)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = TripForm()
    if form.validate_on_submit():
        leg = _leg_input(form)
        if leg is not None:
            try:
                trip = service.create_trip(
                    db.session(), owner=current_user, title=form.title.data, legs=[leg], gettext=_
                )
            except service.TripError as error:
                form.form_errors.append(str(error))
            else:
                db.session().commit()
                flash(_("Trip created. Here is whom you could meet."), "success")
                return redirect(url_for(".show", trip_id=trip.id))
    status = FORM_ERROR_STATUS if form.is_submitted() else 200
    return render_template("trips/new.html", form=form), status


@bp.get("/<trip_id>")
@login_required
def show(trip_id: str) -> ResponseReturnValue:
    session = db.session()
    trip = get_owned(session, Trip, trip_id, owner=current_user)
    return _render_trip(trip, None)


def _render_trip(trip: Trip, leg_form: LegForm | None, status: int = 200) -> ResponseReturnValue:
    """The trip page; ``leg_form`` only when the "add a leg" form comes back with errors (an
    untouched form belongs to the body kept for the next reader, ``suggest.trip_page``)."""
    session = db.session()
    context = _context()

    def body(plans: list[suggest.LegPlan], csrf: str) -> str:
        words = wording(context.vocabulary, context.user_labels)
        return render_template(
            "trips/_trip.html",
            trip=trip,
            plans=plans,
            reasons=lambda s: explain(s, words),
            leg_form=leg_form or LegForm(formdata=None),
            has_topics=bool(context.user_topics),
            hidden=service.hidden_on_trip(session, owner=current_user, trip=trip),
            **trip_event_values(session, owner=current_user, trip=trip, match_context=context),
            legs_json=[
                {"lat": leg.lat, "lon": leg.lon, "label": leg.city or leg.place_text}
                for leg in trip.legs
            ],
            csrf=csrf,
        )

    html = suggest.trip_page(
        session,
        owner=current_user,
        trip=trip,
        context=context,
        zone=viewer_zone(),  # times at a leg name its city unless it is the reader's
        render=body,
        csrf_token=generate_csrf(),
        reuse=leg_form is None,
    )
    body_html = Markup(html)  # noqa: S704  (our own HTML, escaped when it was rendered)
    return render_template("trips/show.html", trip=trip, body=body_html), status


@bp.post("/<trip_id>/legs")
@login_required
def add_leg(trip_id: str) -> ResponseReturnValue:
    session = db.session()
    trip = get_owned(session, Trip, trip_id, owner=current_user)
    form = LegForm()
    if form.validate_on_submit():
        leg = _leg_input(form)
        if leg is not None:
            try:
                service.add_leg(session, trip=trip, owner=current_user, data=leg, gettext=_)
            except service.TripError as error:
                form.form_errors.append(str(error))
            else:
                session.commit()
                flash(_("Leg added."), "success")
                return redirect(url_for(".show", trip_id=trip.id))
    session.rollback()
    return _render_trip(trip, form, FORM_ERROR_STATUS)


def _owned_leg(trip: Trip, leg_id: str) -> TripLeg:
    leg = get_owned(db.session(), TripLeg, leg_id, owner=current_user)
    if leg.trip_id != trip.id:
        abort(404)
    return leg


@bp.route("/<trip_id>/legs/<leg_id>/edit", methods=["GET", "POST"])
@login_required
def edit_leg(trip_id: str, leg_id: str) -> ResponseReturnValue:
    session = db.session()
    trip = get_owned(session, Trip, trip_id, owner=current_user)
    leg = _owned_leg(trip, leg_id)
    if request.method == "GET":
        arrives, departs = local_times(leg)
        form = LegForm(
            formdata=None,
            data={
                "place": leg.place_text,
                "arrives": arrives.replace(tzinfo=None),
                "departs": departs.replace(tzinfo=None),
                "radius": int(leg.radius_km),
            },
        )
        return render_template("trips/edit_leg.html", trip=trip, leg=leg, form=form)
    form = LegForm()
    if form.validate_on_submit():
        data = _leg_input(form)
        if data is not None:
            try:
                service.update_leg(
                    session, trip=trip, leg=leg, owner=current_user, data=data, gettext=_
                )
            except service.TripError as error:
                form.form_errors.append(str(error))
            else:
                session.commit()
                flash(_("Leg saved."), "success")
                return redirect(url_for(".show", trip_id=trip.id))
    session.rollback()
    status = FORM_ERROR_STATUS
    return render_template("trips/edit_leg.html", trip=trip, leg=leg, form=form), status


@bp.post("/<trip_id>/legs/<leg_id>/delete")
@login_required
def delete_leg(trip_id: str, leg_id: str) -> ResponseReturnValue:
    session = db.session()
    trip = get_owned(session, Trip, trip_id, owner=current_user)
    leg = _owned_leg(trip, leg_id)
    if ButtonForm().validate_on_submit():
        service.delete_leg(session, trip=trip, leg=leg)
        session.commit()
        flash(_("Leg removed."), "info")
    return redirect(url_for(".show", trip_id=trip.id))


@bp.post("/<trip_id>/delete")
@login_required
def delete(trip_id: str) -> ResponseReturnValue:
    session = db.session()
    trip = get_owned(session, Trip, trip_id, owner=current_user)
    if ButtonForm().validate_on_submit():
        service.delete_trip(session, trip=trip)
        session.commit()
        flash(_("Trip deleted."), "info")
    return redirect(url_for(".index"))


@bp.post("/<trip_id>/legs/<leg_id>/accept/<contact_id>")
@login_required
def accept(trip_id: str, leg_id: str, contact_id: str) -> ResponseReturnValue:
    session = db.session()
    trip = get_owned(session, Trip, trip_id, owner=current_user)
    leg = _owned_leg(trip, leg_id)
    contact = get_owned(session, Contact, contact_id, owner=current_user)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for(".show", trip_id=trip.id, _anchor=f"leg-{leg.id}"))
    meeting = service.accept(session, owner=current_user, contact=contact, leg=leg)
    refresh_interests(session, owner=current_user, locale=_locale(), contact_ids=[contact.id])
    session.commit()
    flash(
        _(
            "Coffee with %(name)s proposed in %(city)s: pick a time.",
            name=contact.display_name,
            city=leg.city,
        ),
        "success",
    )
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.post("/<trip_id>/meetings/<meeting_id>/withdraw")
@login_required
def withdraw(trip_id: str, meeting_id: str) -> ResponseReturnValue:
    session = db.session()
    trip = get_owned(session, Trip, trip_id, owner=current_user)
    meeting = get_owned(session, Meeting, meeting_id, owner=current_user)
    if ButtonForm().validate_on_submit():
        try:
            service.withdraw(session, meeting=meeting)
        except service.TripError:
            flash(_("Only a proposed meeting nobody was invited to can be withdrawn."), "error")
        else:
            session.commit()
            flash(_("Meeting withdrawn."), "info")
    return redirect(url_for(".show", trip_id=trip.id))


def _decide(trip: Trip | None, contact_id: str, decision: Decision) -> None:
    session = db.session()
    contact = get_owned(session, Contact, contact_id, owner=current_user)
    if ButtonForm().validate_on_submit():
        service.decide(session, owner=current_user, contact=contact, trip=trip, decision=decision)
        session.commit()
        if decision is Decision.DISMISSED:
            flash(_("%(name)s will not be suggested again.", name=contact.display_name), "info")
        else:
            flash(_("%(name)s: not on this trip.", name=contact.display_name), "info")


@bp.post("/<trip_id>/dismiss/<contact_id>")
@login_required
def dismiss(trip_id: str, contact_id: str) -> ResponseReturnValue:
    trip = get_owned(db.session(), Trip, trip_id, owner=current_user)
    _decide(trip, contact_id, Decision.DISMISSED)
    return redirect(url_for(".show", trip_id=trip.id))


@bp.post("/<trip_id>/later/<contact_id>")
@login_required
def later(trip_id: str, contact_id: str) -> ResponseReturnValue:
    trip = get_owned(db.session(), Trip, trip_id, owner=current_user)
    _decide(trip, contact_id, Decision.LATER)
    return redirect(url_for(".show", trip_id=trip.id))


@bp.post("/<trip_id>/later/<contact_id>/undo")
@login_required
def show_again(trip_id: str, contact_id: str) -> ResponseReturnValue:
    """Take back "not now" on this trip: the contact is suggested here again."""
    session = db.session()
    trip = get_owned(session, Trip, trip_id, owner=current_user)
    contact = get_owned(session, Contact, contact_id, owner=current_user)
    if not ButtonForm().validate_on_submit():
        abort(400)
    service.undo_decision(session, owner=current_user, contact=contact, trip=trip)
    session.commit()
    flash(_("%(name)s is suggested on this trip again.", name=contact.display_name), "success")
    return redirect(url_for(".show", trip_id=trip.id, _anchor="hidden"))


@bp.get("/around")
@login_required
def around() -> ResponseReturnValue:
    """Who is in town: the trip ranking around the home city, for get-togethers."""
    session = db.session()
    context = _context()
    suggestions = suggest.who_is_around(session, owner=current_user, context=context, limit=50)
    words = wording(context.vocabulary, context.user_labels)
    return render_template(
        "trips/around.html",
        suggestions=suggestions,
        reasons=lambda s: explain(s, words),
        dismissed=service.dismissed_contacts(session, owner=current_user),
        button=ButtonForm(),
        has_topics=bool(context.user_topics),
        radius=int(suggest.AROUND_RADIUS_KM),
        **home_event_values(session, owner=current_user, match_context=context),
    )


@bp.post("/around/accept/<contact_id>")
@login_required
def accept_around(contact_id: str) -> ResponseReturnValue:
    session = db.session()
    contact = get_owned(session, Contact, contact_id, owner=current_user)
    if not ButtonForm().validate_on_submit():
        return redirect(url_for(".around"))
    meeting = service.accept(session, owner=current_user, contact=contact, leg=None)
    refresh_interests(session, owner=current_user, locale=_locale(), contact_ids=[contact.id])
    session.commit()
    flash(_("Coffee with %(name)s proposed: pick a time.", name=contact.display_name), "success")
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


@bp.post("/around/dismiss/<contact_id>")
@login_required
def dismiss_around(contact_id: str) -> ResponseReturnValue:
    _decide(None, contact_id, Decision.DISMISSED)
    return redirect(url_for(".around"))


@bp.post("/dismissed/<contact_id>/restore")
@login_required
def restore(contact_id: str) -> ResponseReturnValue:
    session = db.session()
    contact = get_owned(session, Contact, contact_id, owner=current_user)
    if ButtonForm().validate_on_submit():
        service.undo_decision(session, owner=current_user, contact=contact, trip=None)
        session.commit()
        flash(_("%(name)s will be suggested again.", name=contact.display_name), "success")
    return redirect(url_for(".around", _anchor="dismissed"))


@bp.route("/import-calendar", methods=["GET", "POST"])
@login_required
def import_calendar() -> ResponseReturnValue:
    """Upload a travel calendar (.ics): its away-from-home events become proposed legs,
    shown for a check; nothing is stored until "Create trip"."""
    form = CalendarUploadForm()
    if not form.validate_on_submit():
        status = FORM_ERROR_STATUS if form.is_submitted() else 200
        return render_template("trips/import_calendar.html", form=form), status
    upload = form.file.data
    limit = int(current_app.config["CALENDAR_MAX_BYTES"])  # one limit for every calendar
    data = upload.read(limit + 1)
    home = service.home_place(current_user)
    try:
        legs, notices = legs_from_calendar(
            data,
            place_of=place_text,
            home=home[:2] if home else None,
            max_bytes=limit,
        )
    except TravelCalendarError as error:
        form.file.errors.append(
            _("%(file)s: %(reason)s", file=upload.filename or "calendar.ics", reason=str(error))
        )
        return render_template("trips/import_calendar.html", form=form), FORM_ERROR_STATUS
    found = [
        {
            "keep": True,
            "place": leg.place_text,
            "city": leg.place.city,
            "timezone": leg.timezone,
            "arrives": leg.arrives_at.astimezone(ZoneInfo(leg.timezone)).replace(tzinfo=None),
            "departs": leg.departs_at.astimezone(ZoneInfo(leg.timezone)).replace(tzinfo=None),
            "summaries": "; ".join(leg.summaries),
        }
        for leg in legs
    ]
    check = CalendarTripForm(formdata=None, data={"legs": found, "filename": upload.filename})
    return render_template(
        "trips/import_calendar.html",
        form=form,
        check=check,
        notices=notices,
        home_set=home is not None,
    )


@bp.post("/import-calendar/confirm")
@login_required
def confirm_calendar() -> ResponseReturnValue:
    """Create a trip from the legs the user kept (every value is checked again); with
    errors, the legs come back as the user left them, each with what is wrong."""
    check = CalendarTripForm()
    check.validate()  # the CSRF token, the title's length, dates that are no dates
    if check.meta.csrf and check.csrf_token.errors:
        abort(400)
    legs: list[service.LegInput] = []
    kept = 0
    for number, entry in enumerate(check.legs, 1):
        row: CalendarLegForm = entry.form
        if not row.keep.data:
            for subfield in row:
                subfield.errors = []  # a leg left out is not checked
            continue
        kept += 1
        if kept > service.MAX_LEGS:
            continue  # as many as a trip holds, in calendar order
        times = (row.arrives, row.departs)
        if any(moment.errors or moment.data is None for moment in times):
            row.arrives.errors = [_("Leg %(n)s: the dates are not valid.", n=number)]
            row.departs.errors = []
            continue
        text = (row.place.data or "")[:200]
        place = service.leg_place(text)
        if place is None:
            row.place.errors = [_("'%(text)s' is not a city we know.", text=text)]
            continue
        legs.append(service.LegInput(text, place, row.arrives.data, row.departs.data))
    if not kept:
        check.form_errors.append(_("Choose at least one leg."))
    if not check.errors:
        try:
            trip = service.create_trip(
                db.session(), owner=current_user, title=check.title.data, legs=legs, gettext=_
            )
        except service.TripError as error:
            check.form_errors.append(str(error))
        else:
            db.session().commit()
            flash(_("Trip created from your calendar."), "success")
            return redirect(url_for(".show", trip_id=trip.id))
    db.session().rollback()
    return render_template(
        "trips/import_calendar.html",
        form=CalendarUploadForm(formdata=None),
        check=check,
        home_set=service.home_place(current_user) is not None,
    ), FORM_ERROR_STATUS
