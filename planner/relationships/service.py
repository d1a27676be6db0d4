"""Follow-ups, keep in touch, stage changes and notes (issue 22).

Decisions:

* A follow-up falls due ``owner.followup_days`` (7 by default) calendar days after the day a
  meeting or get-together took place *at its place*, and "overdue" compares with today in
  the user's home zone: a coffee in Vienna on the last Sunday of March is due the Sunday
  after, whatever the clock change did in between.
* Marking a meeting done twice, or a meeting whose contact already has an open follow-up
  about it, makes no second follow-up.
* Keep in touch every N weeks: one open ``keep_in_touch`` follow-up per contact, due N weeks
  after the last contact (the latest of last met and the last follow-up done), or N weeks
  from today for someone never met. Doing it schedules the next one N weeks later; 0 ends it.
* Every change of stage is remembered with who made it (by hand, a meeting, a get-together),
  so the timeline can show it; a "last met" typed by hand is remembered the same way.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlmodel import Session, col

from planner.models import Contact, User
from planner.models.relationship import (
    EntryKind,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    KeepInTouch,
    TimelineEntry,
)
from planner.models.types import utcnow

MAX_NOTE = 5000
MAX_KEEP_IN_TOUCH_WEEKS = 520


class RelationshipError(ValueError):
    """What the user asked cannot be done; the message says why (translated)."""


def home_zone(owner: User) -> ZoneInfo:
    from planner.meetings.service import default_timezone  # meetings imports this module

    return ZoneInfo(default_timezone(owner, None))


def today_of(owner: User, now: datetime | None = None) -> date:
    """Today in the user's home zone."""
    return (now or utcnow()).astimezone(home_zone(owner)).date()


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)


# --- stage changes and notes -------------------------------------------------------------


def record_stage(
    session: Session,
    *,
    contact: Contact,
    before: str,
    at: datetime,
    by: str,
) -> None:
    """Remember that ``contact`` went from ``before`` to its current stage (caller set it)."""
    if before == contact.stage:
        return
    session.add(
        TimelineEntry(
            owner_id=contact.owner_id,
            contact_id=contact.id,
            at=at,
            kind=EntryKind.STAGE.value,
            data={"from": before, "to": contact.stage, "by": by},
        )
    )


def set_stage(
    session: Session, *, owner: User, contact: Contact, stage: str, now: datetime | None = None
) -> None:
    """The user moves a contact to another stage by hand."""
    before = contact.stage
    if before == stage:
        return
    contact.stage = stage
    contact.updated_at = utcnow()
    session.add(contact)
    record_stage(session, contact=contact, before=before, at=now or utcnow(), by="hand")
    session.flush()


def record_last_met(session: Session, *, contact: Contact, before: date | None) -> None:
    """A "last met" typed by hand shows in the timeline (the day it names)."""
    if contact.last_met is None or contact.last_met == before:
        return
    session.add(
        TimelineEntry(
            owner_id=contact.owner_id,
            contact_id=contact.id,
            at=utcnow(),
            kind=EntryKind.LAST_MET.value,
            data={"day": contact.last_met.isoformat()},
        )
    )


def add_note(
    session: Session, *, owner: User, contact: Contact, text: str, day: date | None = None
) -> TimelineEntry:
    """A dated note on the timeline (``day``: what it is about; default today)."""
    text = text.strip()
    if not text:
        raise RelationshipError(_("Write something for the note."))
    if len(text) > MAX_NOTE:
        raise RelationshipError(_("A note can be at most %(n)d characters.", n=MAX_NOTE))
    zone = home_zone(owner)
    at = utcnow() if day is None or day == today_of(owner) else start_of_day(day, zone)
    entry = TimelineEntry(
        owner_id=owner.id, contact_id=contact.id, at=at, kind=EntryKind.NOTE.value, text=text
    )
    session.add(entry)
    session.flush()
    return entry


def delete_note(session: Session, *, owner: User, entry_id: int) -> bool:
    entry = session.get(TimelineEntry, entry_id)
    if entry is None or entry.owner_id != owner.id or entry.kind != EntryKind.NOTE.value:
        return False
    session.delete(entry)
    session.flush()
    return True


# --- follow-ups --------------------------------------------------------------------------


def _open_about(
    session: Session, owner_id: uuid.UUID, contact_id: uuid.UUID, **about: Any
) -> FollowUp | None:
    query = select(FollowUp).where(
        col(FollowUp.owner_id) == owner_id,
        col(FollowUp.contact_id) == contact_id,
        col(FollowUp.status) == FollowUpStatus.OPEN.value,
    )
    for name, value in about.items():
        query = query.where(getattr(FollowUp, name) == value)
    return session.scalars(query.limit(1)).first()


def after_meeting(
    session: Session,
    *,
    owner: User,
    meeting_id: uuid.UUID,
    met_on: date,
    at: datetime,
    contacts: Iterable[tuple[Contact, str]],
    about: str,
) -> list[FollowUp]:
    """A meeting took place on ``met_on``: each (contact, stage before) gets its stage change
    remembered and a follow-up ``owner.followup_days`` later (none twice for one meeting)."""
    return _took_place(
        session,
        owner=owner,
        day=met_on,
        at=at,
        contacts=contacts,
        about=about,
        by="meeting",
        kind=FollowUpKind.AFTER_MEETING,
        about_row={"meeting_id": meeting_id},
    )


def after_gathering(
    session: Session,
    *,
    owner: User,
    gathering_id: uuid.UUID,
    day: date,
    at: datetime,
    contacts: Iterable[tuple[Contact, str]],
    about: str,
) -> list[FollowUp]:
    """Who came to a get-together on ``day``: as ``after_meeting``, kind after_gathering."""
    return _took_place(
        session,
        owner=owner,
        day=day,
        at=at,
        contacts=contacts,
        about=about,
        by="gathering",
        kind=FollowUpKind.AFTER_GATHERING,
        about_row={"gathering_id": gathering_id},
    )


def _took_place(
    session: Session,
    *,
    owner: User,
    day: date,
    at: datetime,
    contacts: Iterable[tuple[Contact, str]],
    about: str,
    by: str,
    kind: FollowUpKind,
    about_row: dict[str, uuid.UUID],
) -> list[FollowUp]:
    """Stage changes remembered; a follow-up ``owner.followup_days`` after ``day`` for each
    contact without an open one about the same meeting or get-together (``about_row``)."""
    made = []
    for contact, before in contacts:
        record_stage(session, contact=contact, before=before, at=at, by=by)
        if _open_about(session, owner.id, contact.id, **about_row) is not None:
            continue
        due = day + timedelta(days=owner.followup_days)
        follow_up = FollowUp(
            owner_id=owner.id,
            contact_id=contact.id,
            kind=kind.value,
            due=due,
            first_due=due,
            about=about[:300],
            meeting_id=about_row.get("meeting_id"),
            gathering_id=about_row.get("gathering_id"),
        )
        session.add(follow_up)
        made.append(follow_up)
    session.flush()
    return made


@dataclass(frozen=True)
class DueItem:
    follow_up: FollowUp
    display_name: str
    overdue: bool

    def to_json(self) -> dict[str, Any]:
        f = self.follow_up
        return {
            "id": str(f.id),
            "contact_id": str(f.contact_id),
            "display_name": self.display_name,
            "due": f.due.isoformat(),
            "overdue": self.overdue,
            "kind": f.kind,
            "about": f.about,
        }


def open_followups(
    session: Session,
    *,
    owner: User,
    due_by: date | None = None,
    contact_id: uuid.UUID | None = None,
    limit: int | None = None,
    now: datetime | None = None,
) -> list[DueItem]:
    """Open follow-ups, soonest first (``due_by``: only those due by that day)."""
    today = today_of(owner, now)
    query = (
        select(FollowUp, col(Contact.display_name))
        .join(Contact, col(Contact.id) == col(FollowUp.contact_id))
        .where(
            col(FollowUp.owner_id) == owner.id,
            col(FollowUp.status) == FollowUpStatus.OPEN.value,
        )
        .order_by(col(FollowUp.due), col(Contact.sort_key), col(FollowUp.id))
    )
    if due_by is not None:
        query = query.where(col(FollowUp.due) <= due_by)
    if contact_id is not None:
        query = query.where(col(FollowUp.contact_id) == contact_id)
    if limit is not None:
        query = query.limit(limit)
    return [
        DueItem(follow_up=row[0], display_name=row[1], overdue=row[0].due < today)
        for row in session.execute(query)
    ]


def count_due(session: Session, *, owner: User, now: datetime | None = None) -> int:
    """How many open follow-ups are due today or earlier."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(FollowUp)
            .where(
                col(FollowUp.owner_id) == owner.id,
                col(FollowUp.status) == FollowUpStatus.OPEN.value,
                col(FollowUp.due) <= today_of(owner, now),
            )
        )
        or 0
    )


def get_followup(session: Session, *, owner: User, followup_id: str | uuid.UUID) -> FollowUp:
    try:
        key = followup_id if isinstance(followup_id, uuid.UUID) else uuid.UUID(followup_id)
    except ValueError as error:
        raise RelationshipError(_("There is no such follow-up.")) from error
    follow_up = session.get(FollowUp, key)
    if follow_up is None or follow_up.owner_id != owner.id:
        raise RelationshipError(_("There is no such follow-up."))
    return follow_up


def _open(follow_up: FollowUp) -> None:
    if follow_up.status != FollowUpStatus.OPEN.value:
        raise RelationshipError(_("This follow-up is no longer open."))


def mark_done(
    session: Session,
    *,
    owner: User,
    follow_up: FollowUp,
    note: str | None = None,
    now: datetime | None = None,
) -> FollowUp | None:
    """Done (with a note, shown on the timeline). For keep in touch, the next one falls due
    N weeks from today; it is returned."""
    _open(follow_up)
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise RelationshipError(_("A note can be at most %(n)d characters.", n=MAX_NOTE))
    moment = now or utcnow()
    follow_up.status = FollowUpStatus.DONE.value
    follow_up.note = note
    follow_up.done_at = moment
    follow_up.updated_at = utcnow()
    session.add(follow_up)
    session.add(
        TimelineEntry(
            owner_id=owner.id,
            contact_id=follow_up.contact_id,
            at=moment,
            kind=EntryKind.FOLLOWUP.value,
            text=note,
            data={"kind": follow_up.kind, "about": follow_up.about},
        )
    )
    following = None
    if follow_up.kind == FollowUpKind.KEEP_IN_TOUCH.value:
        rule = session.get(KeepInTouch, follow_up.contact_id)
        if rule is not None and rule.owner_id == owner.id:
            following = _schedule(
                session, owner, follow_up.contact_id, today_of(owner, moment), rule.every_weeks
            )
    session.flush()
    return following


def snooze(
    session: Session,
    *,
    owner: User,
    follow_up: FollowUp,
    until: date,
    now: datetime | None = None,
) -> None:
    _open(follow_up)
    if until <= today_of(owner, now):
        raise RelationshipError(_("Snooze until a day after today."))
    follow_up.due = until
    follow_up.updated_at = utcnow()
    session.add(follow_up)
    session.flush()


def dismiss(session: Session, *, owner: User, follow_up: FollowUp) -> None:
    _open(follow_up)
    follow_up.status = FollowUpStatus.DISMISSED.value
    follow_up.done_at = follow_up.updated_at = utcnow()
    session.add(follow_up)
    session.flush()


def last_contact(session: Session, *, owner: User, contact: Contact) -> date | None:
    """The latest of last met and the last follow-up done (in the user's zone)."""
    done_at = session.scalar(
        select(func.max(FollowUp.done_at)).where(
            col(FollowUp.owner_id) == owner.id,
            col(FollowUp.contact_id) == contact.id,
            col(FollowUp.status) == FollowUpStatus.DONE.value,
        )
    )
    days = [contact.last_met] if contact.last_met else []
    if done_at is not None:
        if done_at.tzinfo is None:  # SQLite's max() bypasses the column type
            done_at = datetime.fromisoformat(str(done_at)).replace(tzinfo=UTC)
        days.append(done_at.astimezone(home_zone(owner)).date())
    return max(days) if days else None


def _schedule(
    session: Session, owner: User, contact_id: uuid.UUID, since: date, weeks: int
) -> FollowUp:
    due = since + timedelta(weeks=weeks)
    existing = _open_about(session, owner.id, contact_id, kind=FollowUpKind.KEEP_IN_TOUCH.value)
    if existing is not None:
        existing.due = due
        existing.first_due = due
        existing.updated_at = utcnow()
        session.add(existing)
        return existing
    follow_up = FollowUp(
        owner_id=owner.id,
        contact_id=contact_id,
        kind=FollowUpKind.KEEP_IN_TOUCH.value,
        due=due,
        first_due=due,
        about=_("Keep in touch every %(n)d weeks", n=weeks)[:300],
    )
    session.add(follow_up)
    return follow_up


def keep_in_touch(
    session: Session,
    *,
    owner: User,
    contact: Contact,
    every_weeks: int,
    now: datetime | None = None,
) -> FollowUp | None:
    """Keep in touch with ``contact`` every ``every_weeks`` weeks (0 ends it). Returns the open
    follow-up it made or moved."""
    if every_weeks < 0 or every_weeks > MAX_KEEP_IN_TOUCH_WEEKS:
        raise RelationshipError(_("Choose between 0 and %(n)d weeks.", n=MAX_KEEP_IN_TOUCH_WEEKS))
    rule = session.get(KeepInTouch, contact.id)
    if every_weeks == 0:
        if rule is not None:
            session.delete(rule)
        pending = _open_about(session, owner.id, contact.id, kind=FollowUpKind.KEEP_IN_TOUCH.value)
        if pending is not None:
            session.delete(pending)
        session.flush()
        return None
    if rule is None:
        rule = KeepInTouch(contact_id=contact.id, owner_id=owner.id, every_weeks=every_weeks)
    rule.every_weeks = every_weeks
    session.add(rule)
    since = last_contact(session, owner=owner, contact=contact) or today_of(owner, now)
    follow_up = _schedule(session, owner, contact.id, since, every_weeks)
    session.flush()
    return follow_up


def keep_in_touch_weeks(session: Session, *, contact: Contact) -> int:
    rule = session.get(KeepInTouch, contact.id)
    return rule.every_weeks if rule is not None and rule.owner_id == contact.owner_id else 0
