"""The meeting page as one view model: who comes, where, when the user is free, how the
invite goes out. The view adds only what belongs to the request (the form, links)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlmodel import Session

from planner.calendar.slots import FreeDay
from planner.contacts.service import list_contacts
from planner.meetings import invites, service
from planner.meetings.service import Halfway
from planner.models import Contact, Meeting, MeetingStatus, TripLeg, User
from planner.settings import sending

FOUND_PER_PAGE = 10  # contacts found by the "add a person" search


@dataclass
class MeetingPage:
    meeting: Meeting
    contacts: list[Contact]
    emails: dict[uuid.UUID, str]
    answers: dict[uuid.UUID, str]  # contact id -> iCalendar PARTSTAT
    leg: TripLeg | None
    # proposed or confirmed: times, the halfway spot and new people can still be chosen
    planned: bool
    halfway: Halfway | None
    query: str
    found: list[Any]  # contacts matching ``query``, not yet invited
    smtp: bool  # the server can send e-mail
    allowance: sending.Allowance | None
    by_server: bool  # the invite goes out from this server (verified, within the limit)
    sendable: bool
    needs_sending: bool
    prepared: list[invites.Prepared]  # texts for the user to send themselves
    summary: str
    has_calendars: bool
    map_points: list[dict[str, Any]]  # the leg, the venue and the people, when 2 or more
    # the free times of the first ``shown`` days; ``more_days`` follow
    free_days: list[FreeDay] = field(default_factory=list)
    shown: int = 0
    more_days: int = 0
    free_zone: str | None = None  # the IANA zone of the free times, named once


def meeting_page(
    session: Session,
    *,
    owner: User,
    meeting: Meeting,
    now: datetime,
    query: str = "",
    days: int | None = None,
) -> MeetingPage:
    """All the meeting page shows: ``query`` searches contacts to add, ``days`` asks for
    free times on more days than ``FREE_DAYS_SHOWN``."""
    planned = meeting.status in (MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value)
    contacts = service.attendee_contacts(session, meeting=meeting)
    emails = invites.first_emails(session, (c.id for c in contacts))
    leg = session.get(TripLeg, meeting.trip_leg_id) if meeting.trip_leg_id else None
    query = query.strip()[:200]
    found = (
        list_contacts(session, owner=owner, query=query, per_page=FOUND_PER_PAGE).items
        if query and planned
        else []
    )
    answers = {a.contact_id: a.partstat for a in meeting.attendees}
    smtp = invites.smtp_settings() is not None
    sendable = invites.sendable(meeting)
    allowance = sending.allowance(session, owner=owner, now=now) if smtp else None
    by_server = allowance is not None and allowance.verified and allowance.left > 0
    prepared = (
        invites.prepared_messages(
            session, owner=owner, meeting=meeting, contacts=contacts, emails=emails, answers=answers
        )
        if sendable and not by_server
        else []
    )
    page = MeetingPage(
        meeting=meeting,
        contacts=contacts,
        emails=emails,
        answers=answers,
        leg=leg,
        planned=planned,
        halfway=service.halfway(session, meeting=meeting, leg=leg, contacts=contacts)
        if planned
        else None,
        query=query,
        found=[row for row in found if row.id not in answers],
        smtp=smtp,
        allowance=allowance,
        by_server=by_server,
        sendable=sendable,
        needs_sending=invites.needs_sending(meeting),
        prepared=prepared,
        summary=invites.summary_of(meeting, owner, [c.display_name for c in contacts]),
        has_calendars=service.has_own_calendars(session, owner=owner),
        map_points=_map_points(meeting, leg, contacts),
    )
    if planned:
        _add_free_times(session, page, owner=owner, now=now, days=days)
    return page


def _map_points(
    meeting: Meeting, leg: TripLeg | None, contacts: list[Contact]
) -> list[dict[str, Any]]:
    points = []
    if leg is not None and leg.lat is not None and leg.lon is not None:
        points.append({"lat": leg.lat, "lon": leg.lon, "label": _("You: %(city)s", city=leg.city)})
    if meeting.venue_lat is not None and meeting.venue_lon is not None:
        points.append(
            {
                "lat": meeting.venue_lat,
                "lon": meeting.venue_lon,
                "label": meeting.venue or _("Venue"),
            }
        )
    points += [
        {"lat": c.lat, "lon": c.lon, "label": c.display_name}
        for c in contacts
        if c.lat is not None and c.lon is not None
    ]
    return points if len(points) > 1 else []


def _add_free_times(
    session: Session, page: MeetingPage, *, owner: User, now: datetime, days: int | None
) -> None:
    """The first days with their times (``days`` shows more), how many days follow, and the
    place's zone."""
    found = service.free_times(session, owner=owner, meeting=page.meeting, now=now)
    wanted = days or service.FREE_DAYS_SHOWN
    shown = max(service.FREE_DAYS_SHOWN, min(wanted, len(found)))
    page.free_days = found[:shown]
    page.shown = shown
    page.more_days = max(0, len(found) - shown)
    page.free_zone = next((slot.timezone for day in found for slot in day.slots), None)
