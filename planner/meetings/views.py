"""Meeting pages: list, new, one meeting (time, place, people, free times, invites)."""

from collections.abc import Callable
from dataclasses import fields
from datetime import datetime

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlmodel import Session

from planner import db
from planner.datetimes import zone_name
from planner.db import get_owned
from planner.mail import MailError
from planner.meetings import invites, service
from planner.meetings.forms import (
    ANSWERS,
    AddPersonForm,
    AnswerForm,
    HalfwayForm,
    MeetingForm,
    SlotForm,
)
from planner.meetings.page import meeting_page
from planner.models import Contact, Meeting, MeetingStatus, TripLeg
from planner.models.types import utcnow
from planner.settings import sending
from planner.trips.forms import ButtonForm

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

COMMON_ZONES = (
    "Europe/Berlin",
    "Europe/Vienna",
    "Europe/Zurich",
    "Europe/London",
    "Europe/Paris",
    "Europe/Amsterdam",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Warsaw",
    "Europe/Lisbon",
    "America/New_York",
    "America/Los_Angeles",
    "Asia/Singapore",
    "UTC",
)


def _owned(meeting_id: str) -> Meeting:
    return get_owned(db.session(), Meeting, meeting_id, owner=current_user)


def _input(form: MeetingForm) -> service.MeetingInput:
    return service.MeetingInput(
        starts=form.starts.data,
        ends=form.ends.data,
        timezone=(form.timezone.data or "").strip() or None,
        venue=form.venue.data,
        title=form.title.data,
        notes=form.notes.data,
    )


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    session = db.session()
    meetings = service.list_meetings(session, owner=current_user)
    names = service.attendees_by_meeting(
        session, owner=current_user, meeting_ids=[m.id for m in meetings]
    )
    return render_template("meetings/index.html", meetings=meetings, names=names)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    session = db.session()
    contacts = [
        get_owned(session, Contact, cid, owner=current_user)
        for cid in dict.fromkeys(request.values.getlist("contact"))
    ]
    leg_id = request.values.get("leg")
    leg = get_owned(session, TripLeg, leg_id, owner=current_user) if leg_id else None
    form = MeetingForm()
    if not form.is_submitted():
        form.timezone.data = service.default_timezone(current_user, leg)
    if form.validate_on_submit():
        try:
            meeting = service.create_meeting(
                session, owner=current_user, contacts=contacts, leg=leg, data=_input(form)
            )
        except service.MeetingError as error:
            form.form_errors.append(str(error))
        else:
            session.commit()
            flash(_("Meeting saved. Pick a time and send the invite."), "success")
            return redirect(url_for(".show", meeting_id=meeting.id))
    return render_template(
        "meetings/new.html", form=form, contacts=contacts, leg=leg, zones=COMMON_ZONES
    ), (422 if form.errors or form.form_errors else 200)


def _render(
    meeting: Meeting, form: MeetingForm | None = None, status: int = 200
) -> ResponseReturnValue:
    now = utcnow()
    if form is None:
        form = MeetingForm(formdata=None)
        if meeting.starts_at and meeting.ends_at and meeting.timezone:
            tz = service.zone(meeting.timezone)
            form.starts.data = meeting.starts_at.astimezone(tz).replace(tzinfo=None)
            form.ends.data = meeting.ends_at.astimezone(tz).replace(tzinfo=None)
        form.timezone.data = meeting.timezone
        form.venue.data = meeting.venue
        form.title.data = meeting.title
        form.notes.data = meeting.notes
    page = meeting_page(
        db.session(),
        owner=current_user,
        meeting=meeting,
        now=now,
        query=request.args.get("q", ""),
        days=request.args.get("days", type=int),
    )
    more_days_url = url_for(
        ".show",
        meeting_id=meeting.id,
        days=page.shown + service.FREE_DAYS_SHOWN,
        _anchor="free-times",
    )
    values = {f.name: getattr(page, f.name) for f in fields(page)}
    values["free_zone"] = zone_name(page.free_zone) if page.free_zone else None  # named once
    return render_template(
        "meetings/show.html",
        **values,
        more_days_url=more_days_url,
        form=form,
        answer_choices=ANSWERS,
        zones=COMMON_ZONES,
        button=ButtonForm(),
        now=now,
    ), status


@bp.get("/<meeting_id>")
@login_required
def show(meeting_id: str) -> ResponseReturnValue:
    return _render(_owned(meeting_id))


@bp.post("/<meeting_id>")
@login_required
def update(meeting_id: str) -> ResponseReturnValue:
    session = db.session()
    meeting = _owned(meeting_id)
    form = MeetingForm()
    if not form.validate_on_submit():
        return _render(meeting, form, 422)
    try:
        changed = service.update_meeting(
            session, meeting=meeting, data=_input(form), owner=current_user
        )
    except service.MeetingError as error:
        form.form_errors.append(str(error))
        session.rollback()
        return _render(meeting, form, 422)
    session.commit()
    if changed and meeting.sent_sequence is not None:
        flash(_("Time or place changed: send the updated invite."), "warning")
    else:
        flash(_("Meeting saved."), "success")
    return redirect(url_for(".show", meeting_id=meeting.id))


def _act(
    meeting_id: str, form: FlaskForm, action: Callable[[Session, Meeting], str | None]
) -> ResponseReturnValue:
    """A POST on a meeting: the meeting checked (404), the form (400), then ``action``; its
    message is flashed, or the MeetingError it raised (nothing is kept then)."""
    session = db.session()
    meeting = _owned(meeting_id)
    if not form.validate_on_submit():
        abort(400)
    try:
        done = action(session, meeting)
    except service.MeetingError as error:
        session.rollback()
        flash(str(error), "error")
    else:
        session.commit()
        if done:
            flash(done, "success")
    return redirect(url_for(".show", meeting_id=meeting_id))


def _then(action: Callable[..., None], done: str) -> Callable[[Session, Meeting], str]:
    def run(session: Session, meeting: Meeting) -> str:
        action(session, meeting=meeting)
        return done

    return run


@bp.post("/<meeting_id>/confirm")
@login_required
def confirm(meeting_id: str) -> ResponseReturnValue:
    done = _("Confirmed: it is in your calendar feed now.")
    return _act(meeting_id, ButtonForm(), _then(service.confirm, done))


@bp.post("/<meeting_id>/done")
@login_required
def done(meeting_id: str) -> ResponseReturnValue:
    return _act(
        meeting_id, ButtonForm(), _then(service.mark_done, _("Marked as done: you have met."))
    )


@bp.get("/<meeting_id>/cancel")
@login_required
def cancel_page(meeting_id: str) -> ResponseReturnValue:
    """Cancelling asks first: whom it concerns and what they will need."""
    meeting = _owned(meeting_id)
    if meeting.status not in (MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value):
        return redirect(url_for(".show", meeting_id=meeting.id))
    people = service.attendee_contacts(db.session(), meeting=meeting)
    return render_template(
        "meetings/cancel.html",
        meeting=meeting,
        people=people,
        summary=invites.summary_of(meeting, current_user, [c.display_name for c in people]),
        informed=meeting.sent_sequence is not None,
        button=ButtonForm(),
    )


@bp.post("/<meeting_id>/cancel")
@login_required
def cancel(meeting_id: str) -> ResponseReturnValue:
    done = _("Cancelled. Send the cancellation to the invitees.")
    return _act(meeting_id, ButtonForm(), _then(service.cancel, done))


@bp.post("/<meeting_id>/reopen")
@login_required
def reopen(meeting_id: str) -> ResponseReturnValue:
    done = _("Planned again: send the invite once more.")
    return _act(meeting_id, ButtonForm(), _then(service.reopen, done))


@bp.post("/<meeting_id>/slot")
@login_required
def take_slot(meeting_id: str) -> ResponseReturnValue:
    form = SlotForm()

    def take(session: Session, meeting: Meeting) -> str:
        try:
            starts_at = datetime.fromisoformat(form.starts_at.data)
        except ValueError:
            abort(400)
        if starts_at.tzinfo is None:
            abort(400)
        slot = service.slot_by_start(
            session, owner=current_user, meeting=meeting, starts_at=starts_at, now=utcnow()
        )
        if slot is None:
            raise service.MeetingError(_("That time is no longer free; pick another."))
        service.take_slot(session, meeting=meeting, slot=slot)
        return _("Time set.")

    return _act(meeting_id, form, take)


@bp.post("/<meeting_id>/halfway")
@login_required
def take_halfway(meeting_id: str) -> ResponseReturnValue:
    form = HalfwayForm()

    def take(session: Session, meeting: Meeting) -> str:
        try:
            lat, lon = float(form.lat.data), float(form.lon.data)
        except ValueError:
            raise service.MeetingError(_("Bad point.")) from None
        service.set_venue_point(
            session, meeting=meeting, venue=form.venue.data or "", lat=lat, lon=lon
        )
        return _("Venue set halfway; name the café when you know it.")

    return _act(meeting_id, form, take)


@bp.post("/<meeting_id>/people")
@login_required
def add_person(meeting_id: str) -> ResponseReturnValue:
    form = AddPersonForm()

    def add(session: Session, meeting: Meeting) -> str:
        contact = get_owned(session, Contact, form.contact_id.data, owner=current_user)
        service.add_attendee(session, meeting=meeting, contact=contact)
        return _("%(name)s added.", name=contact.display_name)

    return _act(meeting_id, form, add)


@bp.post("/<meeting_id>/people/<contact_id>/remove")
@login_required
def remove_person(meeting_id: str, contact_id: str) -> ResponseReturnValue:
    def remove(session: Session, meeting: Meeting) -> None:
        contact = get_owned(session, Contact, contact_id, owner=current_user)
        service.remove_attendee(session, meeting=meeting, contact_id=contact.id)

    return _act(meeting_id, ButtonForm(), remove)


@bp.post("/<meeting_id>/people/<contact_id>/answer")
@login_required
def answer(meeting_id: str, contact_id: str) -> ResponseReturnValue:
    form = AnswerForm()

    def record(session: Session, meeting: Meeting) -> None:
        contact = get_owned(session, Contact, contact_id, owner=current_user)
        service.set_partstat(
            session, meeting=meeting, contact_id=contact.id, partstat=form.partstat.data
        )

    return _act(meeting_id, form, record)


@bp.get("/<meeting_id>/invite.ics")
@login_required
def invite_file(meeting_id: str) -> ResponseReturnValue:
    """The invite (or, once cancelled, the cancellation) to send by hand. A GET changes
    nothing (browsers prefetch, a download may fail): "I sent it" records the sending."""
    session = db.session()
    meeting = _owned(meeting_id)
    language = request.args.get("lang")  # the title's language (one per prepared text)
    if language not in current_app.config["LANGUAGES"]:
        language = None
    try:
        data = invites.invite_file(session, owner=current_user, meeting=meeting, language=language)
    except service.MeetingError as error:
        flash(str(error), "error")
        return redirect(url_for(".show", meeting_id=meeting.id))
    cancelled = meeting.status == MeetingStatus.CANCELLED.value
    method = "CANCEL" if cancelled else "REQUEST"
    name = "cancel.ics" if cancelled else "invite.ics"
    return Response(
        data,
        content_type=f"text/calendar; charset=utf-8; method={method}",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/<meeting_id>/sent")
@login_required
def mark_sent(meeting_id: str) -> ResponseReturnValue:
    """The user sent the downloaded invite (or cancellation) themselves."""

    def record(session: Session, meeting: Meeting) -> str:
        if not invites.sendable(meeting):
            raise service.MeetingError(_("Pick a time first: an invite needs one."))
        invites.mark_sent(session, meeting=meeting)
        if meeting.status == MeetingStatus.CANCELLED.value:
            return _("Noted: the invitees know of the cancellation.")
        return _("Noted: the invitees have the invite.")

    return _act(meeting_id, ButtonForm(), record)


@bp.post("/<meeting_id>/send")
@login_required
def send(meeting_id: str) -> ResponseReturnValue:
    session = db.session()
    meeting = _owned(meeting_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    settings = invites.smtp_settings()
    if settings is None:
        flash(_("E-mail is not set up on this server: download the invite instead."), "error")
        return redirect(url_for(".show", meeting_id=meeting.id))
    try:
        sent = invites.send(session, owner=current_user, meeting=meeting, settings=settings)
    except (service.MeetingError, sending.SendingRefused) as error:
        session.rollback()
        flash(str(error), "error")
    except MailError as error:
        session.commit()  # what did go out counts towards the daily limit
        flash(_("The e-mail could not be sent: %(problem)s", problem=str(error)), "error")
    else:
        session.commit()
        flash(_("Sent to %(people)s.", people=", ".join(sent.recipients)), "success")
        if sent.without_email:
            flash(
                _(
                    "No e-mail address for %(names)s: send them the invite yourself.",
                    names=", ".join(sent.without_email),
                ),
                "warning",
            )
    return redirect(url_for(".show", meeting_id=meeting.id))
