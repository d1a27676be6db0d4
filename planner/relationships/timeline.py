"""A contact's timeline, newest first: read from where each thing lives.

Connections (the networks' dates), imports and merges, meetings, get-togethers are read
from their own tables; stage changes, notes, follow-ups done and a hand-typed "last met"
from ``timeline_entry``. Texts are made in the reader's language when read.

Decisions: a day without a time (connected on, a note about a day, last met typed by hand)
is placed at midnight in the user's home zone; a meeting at its start in its own zone; the
JSON gives each as ISO 8601 with that offset.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlmodel import Session, col

from planner.models import (
    Contact,
    ContactSource,
    ImportBatch,
    ImportChange,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    User,
)
from planner.models.relationship import EntryKind, FollowUpKind, TimelineEntry
from planner.relationships.service import home_zone, start_of_day

# Get-togethers add their entries here (``register``), so this module needs no import of
# their tables: each reader gives (owner, contact, home zone) -> items.
Reader = Callable[[Session, User, Contact, ZoneInfo], list["Item"]]
_READERS: list[Reader] = []


def register(reader: Reader) -> Reader:
    _READERS.append(reader)
    return reader


@dataclass(frozen=True)
class Item:
    at: datetime  # aware, in the zone it is shown in
    kind: str  # connected | imported | stage | meeting | gathering | followup | note
    text: str
    entry_id: int | None = None  # a note the user may delete
    # the page it links to: (endpoint, arguments) for url_for in the template
    link: tuple[str, dict[str, str]] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "kind": self.kind, "text": self.text}


def _stage_label(stage: str) -> str:
    from planner.contacts.forms import stage_choices

    return str(dict(stage_choices()).get(stage, stage))


def _network(format_name: str) -> str:
    from planner.imports.forms import format_label

    return format_label(format_name)


def _day(day: date, zone: ZoneInfo) -> datetime:
    return start_of_day(day, zone).astimezone(zone)


def _connected(session: Session, contact: Contact, zone: ZoneInfo) -> list[Item]:
    rows = session.execute(
        select(col(ContactSource.format), col(ContactSource.connected_on)).where(
            col(ContactSource.contact_id) == contact.id,
            col(ContactSource.owner_id) == contact.owner_id,
            col(ContactSource.connected_on).is_not(None),
        )
    ).all()
    return [
        Item(_day(day, zone), "connected", _("Connected (%(source)s)", source=_network(fmt)))
        for fmt, day in rows
    ]


def _imported(session: Session, contact: Contact, zone: ZoneInfo) -> list[Item]:
    rows = session.execute(
        select(col(ImportChange.action), col(ImportBatch.created_at), col(ImportBatch.id))
        .join(ImportBatch, col(ImportBatch.id) == col(ImportChange.import_id))
        .where(
            col(ImportChange.contact_id) == contact.id,
            col(ImportBatch.owner_id) == contact.owner_id,
            col(ImportBatch.undone_at).is_(None),
            col(ImportChange.action).in_(("created", "merged")),
        )
    ).all()
    items = []
    for action, at, _batch in rows:
        text = _("Imported") if action == "created" else _("Details merged in from an import")
        items.append(Item(at.astimezone(zone), "imported", text))
    return items


def _meetings(session: Session, contact: Contact, zone: ZoneInfo) -> list[Item]:
    from planner.meetings.service import zone as meeting_zone

    rows = session.scalars(
        select(Meeting)
        .join(MeetingAttendee, col(MeetingAttendee.meeting_id) == col(Meeting.id))
        .where(
            col(MeetingAttendee.contact_id) == contact.id,
            col(Meeting.owner_id) == contact.owner_id,
            col(Meeting.status).in_((MeetingStatus.CONFIRMED.value, MeetingStatus.DONE.value)),
            col(Meeting.starts_at).is_not(None),
        )
    ).all()
    items = []
    for meeting in rows:
        assert meeting.starts_at is not None
        where = meeting_zone(meeting.timezone) if meeting.timezone else zone
        title = meeting.title or _("Coffee")
        if meeting.status == MeetingStatus.DONE.value:
            text = _("Met: %(title)s", title=title)
        else:
            text = _("Meeting planned: %(title)s", title=title)
        if meeting.venue:
            text = _("%(what)s at %(venue)s", what=text, venue=meeting.venue)
        items.append(
            Item(
                meeting.starts_at.astimezone(where),
                "meeting",
                text,
                link=("meetings.show", {"meeting_id": str(meeting.id)}),
            )
        )
    return items


def _entries(session: Session, contact: Contact, zone: ZoneInfo) -> list[Item]:
    rows = session.scalars(
        select(TimelineEntry).where(
            col(TimelineEntry.owner_id) == contact.owner_id,
            col(TimelineEntry.contact_id) == contact.id,
        )
    ).all()
    items = []
    for entry in rows:
        data = entry.data or {}
        at = entry.at.astimezone(zone)
        if entry.kind == EntryKind.STAGE.value:
            by = {
                "hand": _("changed by hand"),
                "meeting": _("after a meeting"),
                "gathering": _("after a get-together"),
            }.get(str(data.get("by")), "")
            text = _(
                "Stage: %(before)s → %(after)s (%(by)s)",
                before=_stage_label(str(data.get("from"))),
                after=_stage_label(str(data.get("to"))),
                by=by,
            )
            items.append(Item(at, "stage", text))
        elif entry.kind == EntryKind.NOTE.value:
            items.append(Item(at, "note", entry.text or "", entry_id=entry.id))
        elif entry.kind == EntryKind.FOLLOWUP.value:
            kind = data.get("kind")
            what = (
                _("Kept in touch")
                if kind == FollowUpKind.KEEP_IN_TOUCH.value
                else _("Followed up: %(about)s", about=str(data.get("about") or ""))
            )
            text = f"{what}: {entry.text}" if entry.text else what
            items.append(Item(at, "followup", text))
        elif entry.kind == EntryKind.LAST_MET.value:
            day = date.fromisoformat(str(data.get("day")))
            items.append(Item(_day(day, zone), "meeting", _("Met (date entered by hand)")))
    return items


def timeline(session: Session, *, owner: User, contact: Contact) -> list[Item]:
    """Everything known about the relationship with ``contact``, newest first."""
    if contact.owner_id != owner.id:
        raise PermissionError("not the owner's contact")
    zone = home_zone(owner)
    items = (
        _entries(session, contact, zone)
        + _meetings(session, contact, zone)
        + _imported(session, contact, zone)
        + _connected(session, contact, zone)
    )
    for reader in _READERS:
        items.extend(reader(session, owner, contact, zone))
    # newest first; on one instant, what happened later in the story first
    order = {"note": 0, "followup": 1, "stage": 2, "meeting": 3, "gathering": 3}
    order |= {"imported": 4, "connected": 5}
    return sorted(items, key=lambda item: (item.at, -order.get(item.kind, 9)), reverse=True)
