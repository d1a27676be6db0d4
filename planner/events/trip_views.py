"""The user's decisions on the events a trip page proposes: Going, Not interested, taking
either back, and a coffee at the event with a contact it names."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlmodel import Session

from planner import db
from planner.db import get_owned
from planner.events import going, suggest
from planner.events.matching import EventMatch, explain
from planner.events.suggest import GOING, NOT_INTERESTED
from planner.events.wording import event_wording, when_text
from planner.models import Contact, Trip, TripLeg, User
from planner.models.event import EventOccurrence
from planner.models.types import utcnow
from planner.trips.forms import ButtonForm

bp = Blueprint("trip_events", __name__, url_prefix="/trips")


def _occurrence(occurrence_id: str) -> EventOccurrence:
    row = going.occurrence_of(db.session(), owner=current_user, occurrence_id=occurrence_id)
    if row is None:
        abort(404)
    return row


def _back(trip: Trip | None, anchor: str = "events") -> ResponseReturnValue:
    if trip is None:
        return redirect(url_for("trips.around", _anchor=anchor))
    return redirect(url_for("trips.show", trip_id=trip.id, _anchor=anchor))


def _trip(trip_id: str | None) -> Trip | None:
    return None if trip_id is None else get_owned(db.session(), Trip, trip_id, owner=current_user)


def _decide(trip_id: str | None, occurrence_id: str, decision: str | None) -> ResponseReturnValue:
    """Going, not interested, or (None) take either back; then back to the page."""
    session = db.session()
    trip = _trip(trip_id)
    row = _occurrence(occurrence_id)
    if ButtonForm().validate_on_submit():
        if decision is None:
            going.undo(session, owner=current_user, occurrence=row)
            message = _("%(event)s: decision taken back.", event=row.summary)
        else:
            going.decide(session, owner=current_user, occurrence=row, decision=decision)
            message = (
                _("%(event)s is in your calendar feed now.", event=row.summary)
                if decision == GOING
                else _("%(event)s will not be proposed again.", event=row.summary)
            )
        session.commit()
        flash(message, "info" if decision == NOT_INTERESTED else "success")
    return _back(trip, "events" if decision == NOT_INTERESTED else f"event-{row.id}")


@bp.post("/<trip_id>/events/<occurrence_id>/going")
@bp.post("/around/events/<occurrence_id>/going", defaults={"trip_id": None})
@login_required
def mark_going(trip_id: str | None, occurrence_id: str) -> ResponseReturnValue:
    return _decide(trip_id, occurrence_id, GOING)


@bp.post("/<trip_id>/events/<occurrence_id>/not-interested")
@bp.post("/around/events/<occurrence_id>/not-interested", defaults={"trip_id": None})
@login_required
def not_interested(trip_id: str | None, occurrence_id: str) -> ResponseReturnValue:
    return _decide(trip_id, occurrence_id, NOT_INTERESTED)


@bp.post("/<trip_id>/events/<occurrence_id>/undo")
@bp.post("/around/events/<occurrence_id>/undo", defaults={"trip_id": None})
@login_required
def undo(trip_id: str | None, occurrence_id: str) -> ResponseReturnValue:
    """Take back "Going" (the event leaves the feed) or "Not interested"."""
    return _decide(trip_id, occurrence_id, None)


@bp.post("/<trip_id>/legs/<leg_id>/events/<occurrence_id>/coffee/<contact_id>")
@bp.post(
    "/around/events/<occurrence_id>/coffee/<contact_id>",
    defaults={"trip_id": None, "leg_id": None},
)
@login_required
def coffee(
    trip_id: str | None, leg_id: str | None, occurrence_id: str, contact_id: str
) -> ResponseReturnValue:
    """Propose a coffee at the event to a contact it names: a meeting at the venue in its
    first hour (on the leg of a trip); the meeting page follows, to adjust and invite."""
    session = db.session()
    trip = _trip(trip_id)
    leg = None
    if trip is not None and leg_id is not None:
        leg = get_owned(session, TripLeg, leg_id, owner=current_user)
        if leg.trip_id != trip.id:
            abort(404)
    row = _occurrence(occurrence_id)
    contact = get_owned(session, Contact, contact_id, owner=current_user)
    if not ButtonForm().validate_on_submit():
        return _back(trip, f"event-{row.id}")
    meeting = going.propose_coffee(
        session, owner=current_user, occurrence=row, contact=contact, leg=leg
    )
    session.commit()
    flash(
        _(
            "Coffee with %(name)s at %(event)s proposed: check the time and send the invite.",
            name=contact.display_name,
            event=row.summary,
        ),
        "success",
    )
    return redirect(url_for("meetings.show", meeting_id=meeting.id))


def _urls(trip: Trip | None) -> Callable[..., str]:
    """``event_url(action, match, contact_id=None)`` for the page's forms."""

    def event_url(action: str, match: EventMatch, contact_id: Any = None) -> str:
        values: dict[str, Any] = {"occurrence_id": match.occurrence.key}
        if trip is not None:
            values["trip_id"] = trip.id
        endpoint = {
            "going": "mark_going",
            "not-interested": "not_interested",
            "undo": "undo",
            "coffee": "coffee",
        }[action]
        if action == "coffee":
            values["contact_id"] = contact_id
            if trip is not None:
                values["leg_id"] = match.stay.key
        return url_for(f"trip_events.{endpoint}", **values)

    return event_url


def page_values(session: Session, *, owner: User, trip: Trip, match_context: Any) -> dict[str, Any]:
    """What the trip page's body needs to show each leg's events (``events/_trip_events.html``),
    from the trip ranking's context (``planner.trips.suggest.MatchContext``)."""
    events = suggest.trip_events(
        session, owner=owner, trip=trip, context=suggest.context_of(match_context)
    )
    words = event_wording(match_context.vocabulary, match_context.user_labels)
    return {
        "events": events,
        "event_reasons": lambda match: explain(match, words),
        "event_when": lambda match: when_text(match.occurrence, match.stay.timezone),
        "event_url": _urls(trip),
    }


def home_values(session: Session, *, owner: User, match_context: Any) -> dict[str, Any]:
    """What "Who is in town" needs to show the coming events near home (none without a
    home city): within the same radius as the contacts there, the next ``HOME_AHEAD``."""
    from planner.meetings.service import default_timezone
    from planner.trips.suggest import AROUND_RADIUS_KM

    if owner.home_lat is None or owner.home_lon is None:
        return {"events": suggest.TripEvents({}, frozenset())}
    home = suggest.Stay(
        "home",
        owner.home_city or "",
        owner.home_lat,
        owner.home_lon,
        AROUND_RADIUS_KM,
        default_timezone(owner, None),
    )
    context = suggest.context_of(match_context)
    decisions = suggest.decisions_of(session, owner=owner)
    matches = suggest.suggest_at_home(
        session, owner=owner, home=home, context=context, now=utcnow(), decisions=decisions
    )
    words = event_wording(match_context.vocabulary, match_context.user_labels)
    return {
        "events": suggest.TripEvents({"home": matches}, decisions.going),
        "event_reasons": lambda match: explain(match, words),
        "event_when": lambda match: when_text(match.occurrence, match.stay.timezone),
        "event_url": _urls(None),
    }


def json_rows(
    session: Session, *, owner: User, trip: Trip, match_context: Any
) -> list[dict[str, Any]]:
    """The trip's events as ``planner trips suggest --json`` gives them (../shared/CLI.md:
    uid, summary, start, reasons; the rest added), best first, in the current locale."""
    events = suggest.trip_events(
        session, owner=owner, trip=trip, context=suggest.context_of(match_context)
    )
    words = event_wording(match_context.vocabulary, match_context.user_labels)
    matches = sorted(events.all(), key=lambda m: -m.score)
    return [
        {
            "uid": m.occurrence.uid,
            "summary": m.occurrence.summary,
            "start": _iso(m.occurrence.start, m.occurrence.timezone),
            "end": _iso(m.occurrence.end, m.occurrence.timezone),
            "all_day": m.occurrence.all_day,
            "reasons": explain(m, words),
            "score": m.score,
            "occurrence_id": str(m.occurrence.key),
            "recurrence_id": m.occurrence.recurrence_id,
            "leg_id": str(m.stay.key),
            "city": m.stay.place,
            "location": m.occurrence.location,
            "url": m.occurrence.url,
            "going": events.is_going(m),
            "contacts": [
                {"contact_id": str(c.contact_id), "display_name": c.display_name, "role": c.role}
                for c in m.contacts
            ],
        }
        for m in matches
    ]


def _iso(value: datetime | date | None, zone: str | None) -> str | None:
    """ISO 8601 at the event's place (with its offset), or a date for an all-day event."""
    if value is None:
        return None
    if isinstance(value, datetime) and zone:
        try:
            return value.astimezone(ZoneInfo(zone)).isoformat()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return value.isoformat()
