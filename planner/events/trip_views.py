"""The user's decisions on the events a trip page proposes: Going, Not interested, taking
either back, and a coffee at the event with a contact it names."""

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
from planner.events.matching import explain
from planner.events.suggest import GOING, NOT_INTERESTED
from planner.events.wording import event_wording, when_text
from planner.models import Contact, Trip, TripLeg, User
from planner.models.event import EventOccurrence
from planner.trips.forms import ButtonForm

bp = Blueprint("trip_events", __name__, url_prefix="/trips")


def _occurrence(occurrence_id: str) -> EventOccurrence:
    row = going.occurrence_of(db.session(), owner=current_user, occurrence_id=occurrence_id)
    if row is None:
        abort(404)
    return row


def _back(trip: Trip, anchor: str = "events") -> ResponseReturnValue:
    return redirect(url_for("trips.show", trip_id=trip.id, _anchor=anchor))


@bp.post("/<trip_id>/events/<occurrence_id>/going")
@login_required
def mark_going(trip_id: str, occurrence_id: str) -> ResponseReturnValue:
    session = db.session()
    trip = get_owned(session, Trip, trip_id, owner=current_user)
    row = _occurrence(occurrence_id)
    if ButtonForm().validate_on_submit():
        going.decide(session, owner=current_user, occurrence=row, decision=GOING)
        session.commit()
        flash(_("%(event)s is in your calendar feed now.", event=row.summary), "success")
    return _back(trip, f"event-{row.id}")


@bp.post("/<trip_id>/events/<occurrence_id>/not-interested")
@login_required
def not_interested(trip_id: str, occurrence_id: str) -> ResponseReturnValue:
    session = db.session()
    trip = get_owned(session, Trip, trip_id, owner=current_user)
    row = _occurrence(occurrence_id)
    if ButtonForm().validate_on_submit():
        going.decide(session, owner=current_user, occurrence=row, decision=NOT_INTERESTED)
        session.commit()
        flash(_("%(event)s will not be proposed again.", event=row.summary), "info")
    return _back(trip)


@bp.post("/<trip_id>/events/<occurrence_id>/undo")
@login_required
def undo(trip_id: str, occurrence_id: str) -> ResponseReturnValue:
    """Take back "Going" (the event leaves the feed) or "Not interested"."""
    session = db.session()
    trip = get_owned(session, Trip, trip_id, owner=current_user)
    row = _occurrence(occurrence_id)
    if ButtonForm().validate_on_submit():
        going.undo(session, owner=current_user, occurrence=row)
        session.commit()
        flash(_("%(event)s: decision taken back.", event=row.summary), "info")
    return _back(trip, f"event-{row.id}")


@bp.post("/<trip_id>/legs/<leg_id>/events/<occurrence_id>/coffee/<contact_id>")
@login_required
def coffee(trip_id: str, leg_id: str, occurrence_id: str, contact_id: str) -> ResponseReturnValue:
    """Propose a coffee at the event to a contact it names: a meeting at the venue in its
    first hour, on the leg; the meeting page follows, to adjust and send the invite."""
    session = db.session()
    trip = get_owned(session, Trip, trip_id, owner=current_user)
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
