"""Regional get-togethers, the writes: create the poll, invite, answer by link, revoke, fix,
cancel, record who came, and the next one of a series. Services flush, never commit.

Decisions:
- A personal link is ``secrets.token_urlsafe(32)`` (256 bits); only its SHA-256 is stored
  (as the private feed's), so the link is shown once: when it is made. A lost link is
  replaced by a new one (``renew_link``), which ends the old one.
- A link is scoped to one invitation: the token finds one invitee row and that row names
  its get-together, so no token can ever show or answer another get-together.
- Unknown tokens answer 404; revoked links and cancelled get-togethers 410 (``LinkGone``):
  the invitee learns the link has ended, never anything of another get-together.
- Answers are taken until the end of the deadline day at the place, and not once the date
  is fixed (the invite is what counts then).
- SEQUENCE: the first fix is the first invite (0); every later change of date, venue or
  status raises it, so calendars replace the entry they hold.
"""

import hashlib
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlmodel import Session, col

from planner.geo import Place
from planner.meetings.invites import audience_of
from planner.meetings.service import MeetingError, local_instant, zone
from planner.models import Contact, Stage, User
from planner.models.gathering import (
    AnswerValue,
    Gathering,
    GatheringAnswer,
    GatheringInvitee,
    GatheringOption,
    GatheringStatus,
)
from planner.models.types import utcnow
from planner.places.service import city_of

MAX_OPTIONS = 20
MAX_INVITEES = 500
MAX_NAME = 100
MAX_COMMENT = 2000
ANSWER_VALUES = tuple(v.value for v in AnswerValue)
TOKEN_BYTES = 32  # 256 bits


class GatheringError(ValueError):
    """What the user asked cannot be: the message says why (translated)."""


class LinkGone(Exception):
    """A revoked link or a cancelled get-together: the page answers 410."""


class AnswersClosed(GatheringError):
    """Past the deadline, or the date is fixed: answers can no longer change."""


@dataclass(frozen=True)
class GatheringInput:
    """A get-together as the user gives it; option times are wall-clock times at the place."""

    title: str
    place: Place
    options: Sequence[datetime]  # naive, local at the place
    timezone: str | None = None  # None: the place's
    radius_km: float = 30.0
    topics: Sequence[str] = ()
    minutes: int = 120
    deadline: date | None = None
    message: str | None = None
    venue: str | None = None
    show_answers: bool = False


@dataclass(frozen=True)
class Invited:
    """An invitee with the plain token of their link (only ever known at this moment)."""

    invitee: GatheringInvitee
    contact: Contact
    token: str


@dataclass
class Attendance:
    came: list[Contact] = field(default_factory=list)
    missed: list[GatheringInvitee] = field(default_factory=list)
    followups: list[Any] = field(default_factory=list)  # FollowUp rows made


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def answer_path(token: str) -> str:
    """Where an invitee answers (the blueprint's ``gatherings.answer`` route)."""
    return f"/g/{token}"


def added_by_hand() -> str:
    """The reason given for someone the user invited by hand."""
    return _("added by hand")


def _clean(text: str | None, limit: int) -> str | None:
    text = (text or "").strip()
    return text[:limit] or None


def _touch(gathering: Gathering, *, significant: bool) -> None:
    if significant and gathering.status != GatheringStatus.POLLING.value:
        gathering.sequence += 1
    gathering.updated_at = utcnow()


def _option_times(
    starts: Sequence[datetime], minutes: int, tz: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    try:
        result = []
        for local in sorted(set(starts)):
            begin = local_instant(local, tz)
            result.append((begin, begin + timedelta(minutes=minutes)))
        return result
    except MeetingError as error:
        raise GatheringError(str(error)) from None


def create_gathering(session: Session, *, owner: User, data: GatheringInput) -> Gathering:
    """The poll with its options; invitees come with ``invite``."""
    place = data.place
    if place.lat is None or place.lon is None or not place.city:
        raise GatheringError(_("Name a city for the region."))
    title = _clean(data.title, 200)
    if title is None:
        raise GatheringError(_("Give the get-together a title."))
    if not data.options:
        raise GatheringError(_("Give at least one date to choose from."))
    if len(data.options) > MAX_OPTIONS:
        raise GatheringError(_("At most %(n)d dates to choose from.", n=MAX_OPTIONS))
    if not 15 <= data.minutes <= 24 * 60:
        raise GatheringError(_("A get-together lasts between 15 minutes and a day."))
    zone_name = data.timezone or place.timezone or "UTC"
    try:
        tz = zone(zone_name)
    except MeetingError as error:
        raise GatheringError(str(error)) from None
    times = _option_times(data.options, data.minutes, tz)
    gathering = Gathering(
        owner_id=owner.id,
        title=title,
        city=place.city,
        country=place.country,
        lat=place.lat,
        lon=place.lon,
        radius_km=data.radius_km,
        topics=[t.strip() for t in data.topics if t.strip()],
        timezone=tz.key,
        minutes=data.minutes,
        deadline=data.deadline,
        message=_clean(data.message, 5000),
        venue=_clean(data.venue, 300),
        show_answers=data.show_answers,
    )
    session.add(gathering)
    session.flush()
    for begin, end in times:
        session.add(
            GatheringOption(
                gathering_id=gathering.id, owner_id=owner.id, starts_at=begin, ends_at=end
            )
        )
    session.flush()
    return gathering


def invitees_of(session: Session, *, gathering: Gathering) -> list[GatheringInvitee]:
    return list(
        session.scalars(
            select(GatheringInvitee).where(col(GatheringInvitee.gathering_id) == gathering.id)
        )
    )


def invite(
    session: Session,
    *,
    owner: User,
    gathering: Gathering,
    contacts: Sequence[Contact],
    reasons: Mapping[uuid.UUID, Sequence[str]] | None = None,
) -> list[Invited]:
    """Invite these contacts (the owner's: the caller looked them up with ``get_owned``);
    someone invited already is left as they are. Returns the new links."""
    if gathering.status == GatheringStatus.CANCELLED.value:
        raise GatheringError(_("This get-together is cancelled."))
    known = {i.contact_id for i in invitees_of(session, gathering=gathering)}
    fresh = [c for c in dict((c.id, c) for c in contacts).values() if c.id not in known]
    if len(known) + len(fresh) > MAX_INVITEES:
        raise GatheringError(_("At most %(n)d people per get-together.", n=MAX_INVITEES))
    made = []
    for contact in fresh:
        if contact.owner_id != owner.id:
            raise GatheringError(_("No such contact."))
        audience = audience_of(contact, owner)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        invitee = GatheringInvitee(
            gathering_id=gathering.id,
            owner_id=owner.id,
            contact_id=contact.id,
            token_hash=token_hash(token),
            language=audience.language,
            informal=audience.informal,
            reasons=list((reasons or {}).get(contact.id, ())),
        )
        session.add(invitee)
        made.append(Invited(invitee, contact, token))
    if made:
        _touch(gathering, significant=False)
        session.add(gathering)
    session.flush()
    return made


def renew_link(session: Session, *, invitee: GatheringInvitee) -> str:
    """A new link for this invitee (the old one stops working); revoked links stay revoked."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitee.token_hash = token_hash(token)
    session.add(invitee)
    session.flush()
    return token


def remind(session: Session, *, owner: User, gathering: Gathering) -> list[Invited]:
    """New links for everyone still invited who has not answered (only hashes are kept, so
    a reminder carries a new link; the old one stops working)."""
    if gathering.status != GatheringStatus.POLLING.value:
        raise GatheringError(_("Answers are closed for this get-together."))
    waiting = [
        i
        for i in invitees_of(session, gathering=gathering)
        if i.answered_at is None and not i.revoked
    ]
    made = []
    for invitee in waiting:
        contact = session.get(Contact, invitee.contact_id)
        if contact is not None and contact.owner_id == owner.id:
            made.append(Invited(invitee, contact, renew_link(session, invitee=invitee)))
    return made


def invitee_of(session: Session, *, gathering: Gathering, contact_id: str) -> GatheringInvitee:
    try:
        cid = uuid.UUID(str(contact_id))
    except ValueError:
        raise GatheringError(_("No such invitee.")) from None
    found = session.scalars(
        select(GatheringInvitee).where(
            col(GatheringInvitee.gathering_id) == gathering.id,
            col(GatheringInvitee.contact_id) == cid,
        )
    ).first()
    if found is None:
        raise GatheringError(_("No such invitee."))
    return found


def revoke(session: Session, *, gathering: Gathering, contact_id: str) -> GatheringInvitee:
    """That person's link stops working (their answers no longer count)."""
    invitee = invitee_of(session, gathering=gathering, contact_id=contact_id)
    invitee.revoked = True
    session.add(invitee)
    _touch(gathering, significant=gathering.status == GatheringStatus.FIXED.value)
    session.add(gathering)
    session.flush()
    return invitee


# --- answering by link --------------------------------------------------------------------


def find_invitation(session: Session, token: str) -> tuple[GatheringInvitee, Gathering] | None:
    """The invitation this token is for (None: no such link). Raises ``LinkGone`` for a
    revoked link or a cancelled get-together."""
    if not 20 <= len(token) <= 100:
        return None
    found = session.execute(
        select(GatheringInvitee, Gathering)
        .join(Gathering, col(Gathering.id) == col(GatheringInvitee.gathering_id))
        .where(col(GatheringInvitee.token_hash) == token_hash(token))
    ).first()
    if found is None:
        return None
    invitee, gathering = found
    if invitee.revoked or gathering.status == GatheringStatus.CANCELLED.value:
        raise LinkGone()
    return invitee, gathering


def answers_close_at(gathering: Gathering) -> datetime | None:
    """The end of the deadline day at the place (None: no deadline)."""
    if gathering.deadline is None:
        return None
    end = datetime.combine(gathering.deadline + timedelta(days=1), time())
    return end.replace(tzinfo=ZoneInfo(gathering.timezone)).astimezone(UTC)


def open_for_answers(gathering: Gathering, now: datetime | None = None) -> bool:
    if gathering.status != GatheringStatus.POLLING.value:
        return False
    closes = answers_close_at(gathering)
    return closes is None or (now or utcnow()) < closes


def answers_of(session: Session, *, invitee: GatheringInvitee) -> dict[uuid.UUID, str]:
    rows = session.execute(
        select(col(GatheringAnswer.option_id), col(GatheringAnswer.value)).where(
            col(GatheringAnswer.invitee_id) == invitee.id
        )
    )
    return {option_id: value for option_id, value in rows}


def answer(
    session: Session,
    *,
    invitee: GatheringInvitee,
    gathering: Gathering,
    answers: Mapping[uuid.UUID, str],
    name: str | None,
    comment: str | None,
    now: datetime | None = None,
) -> None:
    """Store (or replace) an invitee's answers: one of yes / maybe / no per option."""
    if invitee.gathering_id != gathering.id:
        raise GatheringError(_("No such invitation."))
    if not open_for_answers(gathering, now):
        raise AnswersClosed(_("Answers are closed for this get-together."))
    option_ids = {o.id for o in _options(session, gathering)}
    if set(answers) - option_ids:
        raise GatheringError(_("Answer the dates of this get-together only."))
    if any(value not in ANSWER_VALUES for value in answers.values()):
        raise GatheringError(_("Answer yes, if need be or no."))
    if not answers:
        raise GatheringError(_("Answer at least one date."))
    session.execute(delete(GatheringAnswer).where(col(GatheringAnswer.invitee_id) == invitee.id))
    for option_id, value in answers.items():
        session.add(
            GatheringAnswer(
                invitee_id=invitee.id, option_id=option_id, owner_id=invitee.owner_id, value=value
            )
        )
    invitee.name = _clean(name, MAX_NAME)
    invitee.comment = _clean(comment, MAX_COMMENT)
    invitee.answered_at = now or utcnow()
    session.add(invitee)
    gathering.updated_at = invitee.answered_at
    session.add(gathering)
    session.flush()


def _options(session: Session, gathering: Gathering) -> list[GatheringOption]:
    return list(
        session.scalars(
            select(GatheringOption).where(col(GatheringOption.gathering_id) == gathering.id)
        )
    )


# --- the organiser's decisions ------------------------------------------------------------


def fix(
    session: Session,
    *,
    gathering: Gathering,
    option_id: str,
    venue: str | None = None,
    venue_lat: float | None = None,
    venue_lon: float | None = None,
) -> GatheringOption:
    """Close the poll on this option (and venue); fixing again with another date or venue
    raises SEQUENCE. ``venue`` None keeps the venue there is. A venue given without
    coordinates is placed by the offline gazetteer (the city it names: "Café Paris,
    Rathausstraße 4, 20095 Hamburg" is Hamburg); a venue naming no city has no place."""
    if gathering.status == GatheringStatus.CANCELLED.value:
        raise GatheringError(_("This get-together is cancelled."))
    option = next((o for o in _options(session, gathering) if str(o.id) == str(option_id)), None)
    if option is None:
        raise GatheringError(_("That is not one of the dates of this get-together."))
    new_venue = gathering.venue if venue is None else _clean(venue, 300)
    changed = option.id != gathering.chosen_option_id or new_venue != gathering.venue
    if venue is not None and (venue_lat is None or venue_lon is None):
        place = city_of(new_venue) if new_venue else None
        venue_lat, venue_lon = (place.lat, place.lon) if place else (None, None)
        changed = changed or (venue_lat, venue_lon) != (gathering.venue_lat, gathering.venue_lon)
        gathering.venue_lat, gathering.venue_lon = venue_lat, venue_lon
    elif venue_lat is not None and venue_lon is not None:
        changed = changed or (venue_lat, venue_lon) != (gathering.venue_lat, gathering.venue_lon)
        gathering.venue_lat, gathering.venue_lon = venue_lat, venue_lon
    was_fixed = gathering.status == GatheringStatus.FIXED.value
    gathering.chosen_option_id = option.id
    gathering.venue = new_venue
    gathering.status = GatheringStatus.FIXED.value
    _touch(gathering, significant=was_fixed and changed)
    session.add(gathering)
    session.flush()
    return option


def cancel(session: Session, *, gathering: Gathering) -> None:
    """Called off: every link answers 410, SEQUENCE rises for the CANCEL."""
    if gathering.status == GatheringStatus.CANCELLED.value:
        raise GatheringError(_("This get-together is cancelled already."))
    gathering.status = GatheringStatus.CANCELLED.value
    gathering.sequence += 1
    gathering.updated_at = utcnow()
    session.add(gathering)
    session.flush()


def chosen_option(session: Session, *, gathering: Gathering) -> GatheringOption | None:
    if gathering.chosen_option_id is None:
        return None
    return session.get(GatheringOption, gathering.chosen_option_id)


def record_attendance(
    session: Session,
    *,
    owner: User,
    gathering: Gathering,
    contact_ids: Sequence[str],
    now: datetime | None = None,
) -> Attendance:
    """After the evening: who came becomes *met* with that day as last met; every other
    invitee still invited is remembered as could not come (for the next one)."""
    option = chosen_option(session, gathering=gathering)
    if gathering.status != GatheringStatus.FIXED.value or option is None:
        raise GatheringError(_("Fix the date first."))
    if option.starts_at > (now or utcnow()):
        raise GatheringError(_("This get-together has not begun yet."))
    met_on = option.starts_at.astimezone(ZoneInfo(gathering.timezone)).date()
    came = {invitee_of(session, gathering=gathering, contact_id=c).id for c in contact_ids}
    result = Attendance()
    moved: list[tuple[Contact, str]] = []
    for invitee in invitees_of(session, gathering=gathering):
        if invitee.id in came:
            invitee.attended = True
            contact = session.get(Contact, invitee.contact_id)
            if contact is None or contact.owner_id != owner.id:
                continue
            moved.append((contact, contact.stage))
            if contact.stage in (Stage.ONLINE.value, Stage.CONTACTED.value):
                contact.stage = Stage.MET.value
            if contact.last_met is None or contact.last_met < met_on:
                contact.last_met = met_on
            contact.updated_at = utcnow()
            session.add(contact)
            result.came.append(contact)
        elif not invitee.revoked:
            invitee.attended = False
            result.missed.append(invitee)
        session.add(invitee)
    gathering.updated_at = utcnow()
    session.add(gathering)
    session.flush()
    # the timeline remembers the stage change; a follow-up falls due a week later
    from planner.relationships.service import after_gathering

    result.followups = after_gathering(
        session,
        owner=owner,
        gathering_id=gathering.id,
        day=met_on,
        at=option.starts_at,
        contacts=moved,
        about=gathering.title,
    )
    return result


def next_gathering(
    session: Session,
    *,
    owner: User,
    previous: Gathering,
    options: Sequence[datetime],
    deadline: date | None = None,
    newcomers: Sequence[Contact] = (),
    newcomer_reasons: Mapping[uuid.UUID, Sequence[str]] | None = None,
) -> tuple[Gathering, list[Invited]]:
    """The next one of a series: the same circle (minus revoked links), venue and message,
    plus ``newcomers``; who could not come last time is marked so."""
    place = Place(
        previous.city, previous.country, previous.lat, previous.lon, timezone=previous.timezone
    )
    data = GatheringInput(
        title=previous.title,
        place=place,
        options=options,
        timezone=previous.timezone,
        radius_km=previous.radius_km,
        topics=list(previous.topics or []),
        minutes=previous.minutes,
        deadline=deadline,
        message=previous.message,
        venue=previous.venue,
        show_answers=previous.show_answers,
    )
    gathering = create_gathering(session, owner=owner, data=data)
    gathering.previous_id = previous.id
    gathering.venue_lat, gathering.venue_lon = previous.venue_lat, previous.venue_lon
    session.add(gathering)
    before = [i for i in invitees_of(session, gathering=previous) if not i.revoked]
    missed = {i.contact_id for i in before if i.attended is False}
    circle = [c for c in (session.get(Contact, i.contact_id) for i in before) if c is not None]
    reasons = {cid: list(r) for cid, r in _reasons_of(before, circle).items()}
    reasons.update({cid: list(r) for cid, r in (newcomer_reasons or {}).items()})
    invited = invite(
        session,
        owner=owner,
        gathering=gathering,
        contacts=[*circle, *newcomers],
        reasons=reasons,
    )
    for item in invited:
        if item.contact.id in missed:
            item.invitee.missed_last = True
            session.add(item.invitee)
    session.flush()
    return gathering, invited


def _reasons_of(
    invitees: Sequence[GatheringInvitee], contacts: Sequence[Contact]
) -> dict[uuid.UUID, Sequence[str]]:
    by_contact = {i.contact_id: i.reasons or [] for i in invitees}
    return {c.id: by_contact.get(c.id, []) for c in contacts}
