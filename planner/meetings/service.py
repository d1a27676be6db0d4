"""Meetings: a coffee with one or more contacts, from proposed to confirmed, done or cancelled.

Times are stored as UTC instants with the IANA zone of the meeting place beside them; forms
and the CLI speak wall-clock time at that place. Every change of time or place raises the
iCalendar SEQUENCE, so a calendar that already holds the invite replaces it instead of adding
a second one; a cancellation raises it once more.
"""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from functools import cache, lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask_babel import gettext as _
from sqlalchemy import delete, exists, select, update
from sqlmodel import Session, col

from planner.calendar.slots import EVERY_DAY, FreeDay, Preferences, Slot, free_days
from planner.db import in_chunks
from planner.geo.distance import haversine_km
from planner.models import (
    BusyTime,
    CalendarSource,
    Contact,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    Stage,
    TripLeg,
    User,
)
from planner.models.types import utcnow
from planner.trips.place_time import exists_at, to_utc

MAX_ATTENDEES = 20
DEFAULT_TIMEZONE = "Europe/Berlin"  # most users are in Germany; a home city overrides it
# Without a trip leg, free times are looked for this far ahead.
OPEN_WINDOW = timedelta(days=14)
# The meeting page lists the free times of this many days; "More times" adds as many again.
FREE_DAYS_SHOWN = 5
# The answers (iCalendar PARTSTAT) the user can record, in the order the meeting page lists
# them (``planner.meetings.forms.ANSWERS`` gives each its label).
PARTSTATS = ("NEEDS-ACTION", "ACCEPTED", "TENTATIVE", "DECLINED")


class MeetingError(ValueError):
    """A meeting the user asked for cannot be: the message says why (translated)."""


@dataclass(frozen=True)
class MeetingInput:
    """What a form or the CLI gives: wall-clock times at the meeting place."""

    starts: datetime | None = None  # naive local time
    ends: datetime | None = None
    timezone: str | None = None
    venue: str | None = None
    title: str | None = None
    notes: str | None = None


# Meetings still to happen: they hold their invitees at "meeting proposed".
_PLANNED = (MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise MeetingError(_("'%(zone)s' is not a time zone.", zone=name)) from None


def is_zone(name: str) -> bool:
    return name in _zones()


@cache
def _zones() -> set[str]:
    return available_timezones()  # reads the tz database: once per process


def local_instant(local: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time at the place as a UTC instant; a time that does not exist (the
    spring gap) is refused rather than silently moved."""
    if not exists_at(local, tz):
        raise MeetingError(
            _(
                "%(time)s does not exist in %(zone)s (the clocks go forward).",
                time=local.strftime("%Y-%m-%d %H:%M"),
                zone=tz.key,
            )
        )
    return to_utc(local, tz)


def default_timezone(owner: User, leg: TripLeg | None) -> str:
    """The leg's zone; else the home city's; else Germany's."""
    if leg is not None:
        return leg.timezone
    if owner.home_city:
        from planner.places.service import gazetteer_path, gazetteer_ready

        # every signed-in request asks (the reader's clock): parse a home city once per
        # process, and never build the gazetteer inside a request
        if gazetteer_ready():
            zone = _home_zone(str(gazetteer_path()), owner.home_city)
            if zone is not None:
                return zone
    return DEFAULT_TIMEZONE


@lru_cache(maxsize=4096)
def _home_zone(gazetteer_file: str, home_city: str) -> str | None:
    """The zone of the city ``home_city`` names in that gazetteer (None: no city or zone)."""
    from planner.places.service import city_of

    place = city_of(home_city)
    if place is not None and place.timezone and is_zone(place.timezone):
        return place.timezone
    return None


def _times(data: MeetingInput, tz_name: str) -> tuple[datetime | None, datetime | None]:
    if data.starts is None and data.ends is None:
        return None, None
    if data.starts is None or data.ends is None:
        raise MeetingError(_("Give both a start and an end time."))
    tz = zone(tz_name)
    starts, ends = local_instant(data.starts, tz), local_instant(data.ends, tz)
    if ends <= starts:
        raise MeetingError(_("The end must be after the start."))
    if ends - starts > timedelta(hours=24):
        raise MeetingError(_("A meeting lasts at most 24 hours."))
    return starts, ends


def _clean(text: str | None, limit: int) -> str | None:
    value = " ".join((text or "").split())[:limit]
    return value or None


def create_meeting(
    session: Session,
    *,
    owner: User,
    contacts: Sequence[Contact],
    leg: TripLeg | None,
    data: MeetingInput,
) -> Meeting:
    """A new meeting (proposed) with these contacts; times optional until confirmed."""
    if not contacts:
        raise MeetingError(_("A meeting needs at least one person."))
    if len(contacts) > MAX_ATTENDEES:
        raise MeetingError(_("A meeting has at most %(n)s people.", n=MAX_ATTENDEES))
    tz_name = data.timezone or default_timezone(owner, leg)
    zone(tz_name)
    starts, ends = _times(data, tz_name)
    meeting = Meeting(
        owner_id=owner.id,
        trip_leg_id=leg.id if leg else None,
        title=_clean(data.title, 200),
        notes=(data.notes or "").strip() or None,
        venue=_clean(data.venue, 300),
        starts_at=starts,
        ends_at=ends,
        timezone=tz_name,
    )
    unique = {contact.id: contact for contact in contacts}
    for contact in unique.values():
        meeting.attendees.append(
            MeetingAttendee(
                meeting_id=meeting.id,
                owner_id=owner.id,
                contact_id=contact.id,
                stage_before=_now_contacted(session, contact),
            )
        )
    session.add(meeting)
    session.flush()
    return meeting


def _now_contacted(session: Session, contact: Contact) -> str | None:
    """Known online -> meeting proposed; returns the stage it had when it moved."""
    if contact.stage != Stage.ONLINE.value:
        return None
    contact.stage = Stage.CONTACTED.value
    contact.updated_at = utcnow()
    session.add(contact)
    return Stage.ONLINE.value


def _give_back_stages(
    session: Session, meeting: Meeting, attendees: Sequence[MeetingAttendee]
) -> None:
    """The meeting no longer holds these invitees: those it moved to "meeting proposed" get
    the stage they had back, unless they have met since (a later stage) or another planned
    meeting still holds them."""
    moved = {a.contact_id: a.stage_before for a in attendees if a.stage_before}
    if not moved:
        return
    held = set(
        session.execute(
            select(col(MeetingAttendee.contact_id))
            .join(Meeting, col(Meeting.id) == col(MeetingAttendee.meeting_id))
            .where(
                col(MeetingAttendee.contact_id).in_(list(moved)),
                col(Meeting.id) != meeting.id,
                col(Meeting.status).in_(_PLANNED),
            )
        ).scalars()
    )
    for contact_id, before in moved.items():
        contact = session.get(Contact, contact_id)
        if contact is None or contact_id in held or contact.stage != Stage.CONTACTED.value:
            continue
        contact.stage = before
        contact.updated_at = utcnow()
        session.add(contact)


def _editable(meeting: Meeting) -> None:
    if meeting.status in (MeetingStatus.CANCELLED.value, MeetingStatus.DONE.value):
        raise MeetingError(_("This meeting is over; it cannot be changed any more."))


def _touch(meeting: Meeting, *, significant: bool) -> None:
    if significant:
        meeting.sequence += 1
    meeting.updated_at = utcnow()


def update_meeting(session: Session, *, meeting: Meeting, data: MeetingInput, owner: User) -> bool:
    """Change time, zone, venue, title or notes; True when the invitees must hear of it
    (time or place changed: SEQUENCE rose)."""
    _editable(meeting)
    tz_name = data.timezone or meeting.timezone or default_timezone(owner, None)
    zone(tz_name)
    starts, ends = _times(data, tz_name)
    if meeting.status == MeetingStatus.CONFIRMED.value and starts is None:
        raise MeetingError(_("A confirmed meeting needs a time."))
    venue = _clean(data.venue, 300)
    significant = (
        starts != meeting.starts_at
        or ends != meeting.ends_at
        or venue != meeting.venue
        or (starts is not None and tz_name != meeting.timezone)
    )
    if venue != meeting.venue:
        meeting.venue_lat = meeting.venue_lon = None  # a typed venue is not a map point
    meeting.starts_at, meeting.ends_at, meeting.timezone = starts, ends, tz_name
    meeting.venue = venue
    meeting.title = _clean(data.title, 200)
    meeting.notes = (data.notes or "").strip() or None
    _touch(meeting, significant=significant)
    session.add(meeting)
    session.flush()
    return significant


def take_slot(session: Session, *, meeting: Meeting, slot: Slot) -> None:
    """Use one of the proposed free times."""
    _editable(meeting)
    significant = (slot.starts_at, slot.ends_at) != (meeting.starts_at, meeting.ends_at)
    meeting.starts_at, meeting.ends_at, meeting.timezone = (
        slot.starts_at,
        slot.ends_at,
        slot.timezone,
    )
    _touch(meeting, significant=significant)
    session.add(meeting)
    session.flush()


def set_venue_point(
    session: Session, *, meeting: Meeting, venue: str, lat: float, lon: float
) -> None:
    """A venue with a point on the map (the halfway suggestion)."""
    _editable(meeting)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise MeetingError(_("That is not a point on the map."))
    venue = _clean(venue, 300) or ""
    significant = (venue, lat, lon) != (meeting.venue, meeting.venue_lat, meeting.venue_lon)
    meeting.venue, meeting.venue_lat, meeting.venue_lon = venue or None, lat, lon
    _touch(meeting, significant=significant)
    session.add(meeting)
    session.flush()


def confirm(session: Session, *, meeting: Meeting) -> None:
    """Proposed → confirmed: it has a time; it goes into the calendar feed."""
    if meeting.status != MeetingStatus.PROPOSED.value:
        raise MeetingError(_("Only a proposed meeting can be confirmed."))
    if meeting.starts_at is None or meeting.ends_at is None:
        raise MeetingError(_("Pick a time before confirming."))
    meeting.status = MeetingStatus.CONFIRMED.value
    _touch(meeting, significant=False)
    session.add(meeting)
    session.flush()


def mark_done(session: Session, *, meeting: Meeting) -> None:
    """It happened: every attendee is now "met", with the meeting's day as last met."""
    if meeting.status not in (MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value):
        raise MeetingError(_("Only a planned meeting can be marked as done."))
    if meeting.starts_at is None or meeting.timezone is None:
        raise MeetingError(_("A meeting without a time cannot have happened yet."))
    if meeting.starts_at > utcnow():
        raise MeetingError(_("This meeting has not begun yet."))
    met_on = meeting.starts_at.astimezone(zone(meeting.timezone)).date()
    meeting.status = MeetingStatus.DONE.value
    _touch(meeting, significant=False)
    session.add(meeting)
    moved = []
    for contact in attendee_contacts(session, meeting=meeting):
        moved.append((contact, contact.stage))
        if contact.stage in (Stage.ONLINE.value, Stage.CONTACTED.value):
            contact.stage = Stage.MET.value
        if contact.last_met is None or contact.last_met < met_on:
            contact.last_met = met_on
        contact.updated_at = utcnow()
        session.add(contact)
    session.flush()
    # the timeline remembers the stage change; a follow-up falls due a week later
    from planner.relationships.service import after_meeting

    owner = session.get(User, meeting.owner_id)
    if owner is not None and moved:
        names = ", ".join(contact.display_name for contact, _stage in moved)
        after_meeting(
            session,
            owner=owner,
            meeting_id=meeting.id,
            met_on=met_on,
            at=meeting.starts_at,
            contacts=moved,
            about=meeting.title or _("Coffee: %(names)s", names=names),
        )


def cancel(session: Session, *, meeting: Meeting) -> None:
    """Called off: SEQUENCE rises once more so calendars take the cancellation; the invitees
    it moved to "meeting proposed" get their stage back."""
    if meeting.status not in _PLANNED:
        raise MeetingError(_("Only a planned meeting can be cancelled."))
    meeting.status = MeetingStatus.CANCELLED.value
    _touch(meeting, significant=True)
    session.add(meeting)
    _give_back_stages(session, meeting, meeting.attendees)
    session.flush()


def reopen(session: Session, *, meeting: Meeting) -> None:
    """A cancelled meeting is planned again (proposed): SEQUENCE rises so calendars that took
    the cancellation take the meeting back; its invitees are "meeting proposed" again."""
    if meeting.status != MeetingStatus.CANCELLED.value:
        raise MeetingError(_("Only a cancelled meeting can be planned again."))
    meeting.status = MeetingStatus.PROPOSED.value
    _touch(meeting, significant=True)
    session.add(meeting)
    for attendee in meeting.attendees:
        contact = session.get(Contact, attendee.contact_id)
        if contact is not None:
            attendee.stage_before = _now_contacted(session, contact)
    session.flush()


def attendee_contacts(session: Session, *, meeting: Meeting) -> list[Contact]:
    """The meeting's invitees, by name (``Contact.sort_key``)."""
    return _attendees(session, meeting.owner_id, [meeting.id])[meeting.id]


def attendees_by_meeting(
    session: Session, *, owner: User, meeting_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[Contact]]:
    """The invitees of each of these meetings, by name (``Contact.sort_key``): one query per
    chunk of ids, every id in the answer (a meeting without invitees has an empty list)."""
    return _attendees(session, owner.id, meeting_ids)


def _attendees(
    session: Session, owner_id: uuid.UUID, meeting_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[Contact]]:
    found: dict[uuid.UUID, list[Contact]] = {mid: [] for mid in meeting_ids}
    for chunk in in_chunks(list(found)):
        rows = session.execute(
            select(col(MeetingAttendee.meeting_id), Contact)
            .join(Contact, col(Contact.id) == col(MeetingAttendee.contact_id))
            .where(col(MeetingAttendee.meeting_id).in_(chunk), col(Contact.owner_id) == owner_id)
            .order_by(col(Contact.sort_key), col(MeetingAttendee.id))
        )
        for meeting_id, contact in rows:
            found[meeting_id].append(contact)
    return found


def add_attendee(session: Session, *, meeting: Meeting, contact: Contact) -> bool:
    """False when the contact is already invited."""
    _editable(meeting)
    if any(a.contact_id == contact.id for a in meeting.attendees):
        return False
    if len(meeting.attendees) >= MAX_ATTENDEES:
        raise MeetingError(_("A meeting has at most %(n)s people.", n=MAX_ATTENDEES))
    meeting.attendees.append(
        MeetingAttendee(
            meeting_id=meeting.id,
            owner_id=meeting.owner_id,
            contact_id=contact.id,
            stage_before=_now_contacted(session, contact),
        )
    )
    _touch(meeting, significant=False)
    session.add(meeting)
    session.flush()
    return True


def remove_attendee(session: Session, *, meeting: Meeting, contact_id: uuid.UUID) -> None:
    _editable(meeting)
    keep = [a for a in meeting.attendees if a.contact_id != contact_id]
    if len(keep) == len(meeting.attendees):
        return
    if not keep:
        raise MeetingError(_("A meeting needs at least one person; cancel it instead."))
    _give_back_stages(
        session, meeting, [a for a in meeting.attendees if a.contact_id == contact_id]
    )
    meeting.attendees[:] = keep
    _touch(meeting, significant=False)
    session.add(meeting)
    session.flush()


def set_partstat(
    session: Session, *, meeting: Meeting, contact_id: uuid.UUID, partstat: str
) -> None:
    """What an invitee answered (the user records it; replies go to the user's mailbox)."""
    if partstat not in PARTSTATS:
        raise MeetingError(_("Unknown answer."))
    for attendee in meeting.attendees:
        if attendee.contact_id == contact_id:
            attendee.partstat = partstat
            session.add(attendee)
    _touch(meeting, significant=False)
    session.flush()


def move_attendance(session: Session, *, owner: User, removed: uuid.UUID, kept: uuid.UUID) -> int:
    """Two contacts became one (a merge): the meetings of the removed one are the kept one's
    now (once per meeting). Returns how many meetings changed."""
    kept_in = select(col(MeetingAttendee.meeting_id)).where(col(MeetingAttendee.contact_id) == kept)
    moved = list(
        session.scalars(
            select(col(MeetingAttendee.meeting_id)).where(
                col(MeetingAttendee.owner_id) == owner.id,
                col(MeetingAttendee.contact_id) == removed,
            )
        )
    )
    if not moved:
        return 0
    session.execute(
        delete(MeetingAttendee).where(
            col(MeetingAttendee.contact_id) == removed,
            col(MeetingAttendee.meeting_id).in_(kept_in),
        )
    )
    session.execute(
        update(MeetingAttendee)
        .where(col(MeetingAttendee.contact_id) == removed)
        .values(contact_id=kept)
    )
    session.execute(update(Meeting).where(col(Meeting.id).in_(moved)).values(updated_at=utcnow()))
    return len(moved)


def attendance_of(
    session: Session, *, owner: User, removed: uuid.UUID, kept: uuid.UUID
) -> list[dict[str, Any]]:
    """Before a merge: the meetings of the contact about to be removed (with the answer
    recorded for it, and whether the kept contact is invited too), for
    ``restore_attendance`` when the merge is reverted."""
    kept_in = set(
        session.scalars(
            select(col(MeetingAttendee.meeting_id)).where(col(MeetingAttendee.contact_id) == kept)
        )
    )
    rows = session.execute(
        select(col(MeetingAttendee.meeting_id), col(MeetingAttendee.partstat)).where(
            col(MeetingAttendee.owner_id) == owner.id,
            col(MeetingAttendee.contact_id) == removed,
        )
    )
    return [
        {"meeting_id": str(meeting_id), "partstat": partstat, "kept_too": meeting_id in kept_in}
        for meeting_id, partstat in rows
    ]


def restore_attendance(
    session: Session,
    *,
    owner: User,
    removed: uuid.UUID,
    kept: uuid.UUID,
    attendance: Sequence[dict[str, Any]],
) -> int:
    """A merge reverted (``removed`` exists again): its meetings are its own again. A
    meeting the kept contact had been moved into goes back; one both were invited to gets
    the removed contact back; meetings deleted since are skipped. Returns how many changed."""
    changed: list[uuid.UUID] = []
    for row in attendance:
        meeting_id = uuid.UUID(row["meeting_id"])
        if session.get(Meeting, meeting_id) is None:
            continue
        present = set(
            session.scalars(
                select(col(MeetingAttendee.contact_id)).where(
                    col(MeetingAttendee.meeting_id) == meeting_id
                )
            )
        )
        if removed in present:
            continue
        if not row["kept_too"] and kept in present:
            session.execute(
                update(MeetingAttendee)
                .where(
                    col(MeetingAttendee.meeting_id) == meeting_id,
                    col(MeetingAttendee.contact_id) == kept,
                )
                .values(contact_id=removed, partstat=row["partstat"])
            )
        else:
            session.add(
                MeetingAttendee(
                    meeting_id=meeting_id,
                    owner_id=owner.id,
                    contact_id=removed,
                    partstat=row["partstat"],
                )
            )
        changed.append(meeting_id)
    session.flush()
    if changed:
        session.execute(
            update(Meeting).where(col(Meeting.id).in_(changed)).values(updated_at=utcnow())
        )
    return len(changed)


def list_meetings(session: Session, *, owner: User) -> list[Meeting]:
    """Planned first (soonest first, unscheduled last), then the past and cancelled."""
    meetings = list(session.scalars(select(Meeting).where(col(Meeting.owner_id) == owner.id)))
    planned = (MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value)

    def order(m: Meeting) -> tuple[int, float]:
        if m.status in planned:
            return (0, m.starts_at.timestamp() if m.starts_at else float("inf"))
        return (1, -(m.starts_at or m.updated_at).timestamp())

    return sorted(meetings, key=order)


# --- the place: halfway -------------------------------------------------------------------


@dataclass(frozen=True)
class Halfway:
    lat: float
    lon: float
    near: str | None  # the nearest town's name
    km_each: float  # how far each side travels (to the midpoint)


def halfway(
    session: Session,
    *,
    meeting: Meeting,
    leg: TripLeg | None = None,
    contacts: Sequence[Contact] | None = None,
) -> Halfway | None:
    """A spot halfway between where the user is (the leg's place) and the invitees who have
    coordinates (their centre): None when either side is unknown or they are within 2 km.
    ``leg`` and ``contacts`` are the meeting's, when the caller has them already."""
    if meeting.trip_leg_id is None:
        return None
    if leg is None:
        leg = session.get(TripLeg, meeting.trip_leg_id)
    if leg is None or leg.lat is None or leg.lon is None:
        return None
    if contacts is None:
        contacts = attendee_contacts(session, meeting=meeting)
    points = [(c.lat, c.lon) for c in contacts if c.lat is not None and c.lon is not None]
    if not points:
        return None
    clat = sum(p[0] for p in points) / len(points)
    clon = sum(p[1] for p in points) / len(points)
    if haversine_km(leg.lat, leg.lon, clat, clon) < 2:
        return None
    # Midpoint on the sphere is within metres of the plain average at city distances.
    lat, lon = (leg.lat + clat) / 2, (leg.lon + clon) / 2
    from planner.places.service import gazetteer

    place = gazetteer().nearest(lat, lon, within_km=25)
    return Halfway(
        lat=round(lat, 5),
        lon=round(lon, 5),
        near=place.city if place else None,
        km_each=round(haversine_km(lat, lon, leg.lat, leg.lon), 1),
    )


# --- free times ---------------------------------------------------------------------------


def weekdays_of(owner: User) -> frozenset[int]:
    """The days the user meets on without a trip (0 = Monday), from ISO numbers "12345"."""
    days = frozenset(int(c) - 1 for c in owner.meeting_weekdays or "" if c in "1234567")
    return days or EVERY_DAY  # an empty choice is refused by the form; never offer nothing


def weekdays_text(days: Iterable[int]) -> str:
    """Weekdays (0 = Monday) as stored: ISO numbers in order, "12345"."""
    return "".join(str(day + 1) for day in sorted(set(days)) if 0 <= day <= 6)


def preferences_of(owner: User) -> Preferences:
    def clock(minutes: int) -> time:
        minutes = max(0, min(minutes, 24 * 60 - 1))
        return time(minutes // 60, minutes % 60)

    return Preferences(
        day_start=clock(owner.meeting_day_start),
        day_end=clock(owner.meeting_day_end),
        duration=timedelta(minutes=owner.meeting_minutes),
        buffer=timedelta(minutes=owner.meeting_buffer_minutes),
        max_per_day=owner.meetings_per_day,
        weekdays=weekdays_of(owner),
    )


def has_own_calendars(session: Session, *, owner: User) -> bool:
    found = session.scalar(select(exists().where(col(CalendarSource.owner_id) == owner.id)))
    return bool(found)


def busy_between(
    session: Session, *, owner: User, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Busy intervals from the user's own calendars that touch [start, end)."""
    rows = session.execute(
        select(col(BusyTime.starts_at), col(BusyTime.ends_at)).where(
            col(BusyTime.owner_id) == owner.id,
            col(BusyTime.starts_at) < end,
            col(BusyTime.ends_at) > start,
            # an all-day block starts at most a few days before; bounds the index walk
            col(BusyTime.starts_at) > start - timedelta(days=62),
        )
    )
    return [(s, e) for s, e in rows]


def booked_between(
    session: Session, *, owner: User, start: datetime, end: datetime, skip: uuid.UUID | None
) -> list[tuple[datetime, datetime]]:
    """The user's other planned meetings in [start, end)."""
    query = select(col(Meeting.starts_at), col(Meeting.ends_at), col(Meeting.id)).where(
        col(Meeting.owner_id) == owner.id,
        col(Meeting.status).in_([MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value]),
        col(Meeting.starts_at).is_not(None),
        col(Meeting.starts_at) < end,
        col(Meeting.ends_at) > start,
    )
    return [(s, e) for s, e, mid in session.execute(query) if mid != skip and s and e]


def slot_window(
    session: Session, *, owner: User, meeting: Meeting, now: datetime
) -> tuple[datetime, datetime, str, bool]:
    """Where free times are looked for: the leg's stay, else the next two weeks; and whether
    that is a trip leg (every day of it counts, see ``free_times``)."""
    leg = session.get(TripLeg, meeting.trip_leg_id) if meeting.trip_leg_id else None
    if leg is not None:
        return leg.arrives_at, leg.departs_at, leg.timezone, True
    tz_name = meeting.timezone or default_timezone(owner, None)
    return now, now + OPEN_WINDOW, tz_name, False


def free_times(session: Session, *, owner: User, meeting: Meeting, now: datetime) -> list[FreeDay]:
    """Free times for this meeting, by day: inside the window, outside busy times and other
    meetings (with the user's buffer), within the user's hours and days; a day that already
    holds the user's daily maximum of meetings comes back ``full``, without times.

    Decisions:
    - Every free time of a day is offered, not a selection: "meetings a day" limits booking
      (a day holding that many planned meetings offers none and says so), not choice. The
      earlier pick of three a day, a buffer apart, filled a trip day's morning and hid its
      afternoon; without a trip it spread twelve 09:00 slots over twelve days.
    - "Days I meet" (``User.meeting_weekdays``, Monday to Friday unless changed) applies
      without a trip, to the next two weeks. On a trip leg every day of the leg counts,
      weekends too: the user chose to be there on those days, a leg over a weekend is often
      one for meeting people, and a weekend-only leg would otherwise offer nothing without
      saying why. The list is a choice, so a Saturday offered costs nothing (the user just
      does not take it); the preference's help text says so. A second "on trips too"
      setting was left out: one more field for a case the list already handles.
    """
    start, end, tz_name, on_trip = slot_window(session, owner=owner, meeting=meeting, now=now)
    if end <= now:
        return []
    prefs = preferences_of(owner)
    if on_trip:
        prefs = replace(prefs, weekdays=EVERY_DAY)
    return free_days(
        window_start=start,
        window_end=end,
        timezone=tz_name,
        busy=busy_between(session, owner=owner, start=start, end=end),
        meetings=booked_between(session, owner=owner, start=start, end=end, skip=meeting.id),
        prefs=prefs,
        now=now,
    )


def slot_by_start(
    session: Session, *, owner: User, meeting: Meeting, starts_at: datetime, now: datetime
) -> Slot | None:
    """The free slot starting at this instant, on any day of the window (a posted choice is
    checked again; every time the page offers, on any of its pages, is accepted)."""
    for day in free_times(session, owner=owner, meeting=meeting, now=now):
        for slot in day.slots:
            if slot.starts_at == starts_at:
                return slot
    return None
