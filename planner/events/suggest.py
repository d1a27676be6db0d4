"""Events worth going to on a trip (or at home), read from the database and matched by
``planner.events.matching``.

A trip's candidates come in one statement: the owner's occurrences overlapping the legs'
dates widened by ``matching.DAYS_AROUND`` (and a day for zones), inside the bounding box of
a leg's circle (an occurrence placed only by its city's name is read too). Only the few
that fit a leg in place and time go on: the contacts they may name are looked up by index
(folded display names, e-mail addresses, account keys), never by reading every contact,
and the contacts near each leg that share the events' topics are counted in one grouped
statement per leg. The user's "Not interested" hides an event; "Going" marks it.

Decisions: "contacts near the venue" are those within the leg's radius of the leg's place
(the venue is within it too; one count per leg instead of one per event). Interests are
counted as stored: a contact edited a moment ago counts with its former topics until its
interests are refreshed.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, and_, case, func, literal, or_, select
from sqlmodel import Session

from planner.cache import BoundedCache
from planner.contacts.service import contacts_version
from planner.db import in_chunks, owned_rows, table_of
from planner.events import matching
from planner.events.matching import (
    ContactIndex,
    EventMatch,
    EventOccurrence,
    EventPerson,
    KnownContact,
    Stay,
)
from planner.geo.distance import bounding_box, longitude_ranges
from planner.identifiers import Account, account_key_tuple
from planner.models import (
    Contact,
    ContactAccount,
    ContactEmail,
    ContactInterest,
    Trip,
    TripLeg,
    User,
)
from planner.models.event import EventDecision, EventFeed
from planner.models.event import EventOccurrence as OccurrenceRow
from planner.places.service import box_conditions
from planner.topics import Vocabulary
from planner.trips.cache import plan_stamps
from planner.trips.interests import interest_bits, user_topics, vocabulary_of

OCCURRENCE = table_of(OccurrenceRow)
FEED = table_of(EventFeed)
DECISION = table_of(EventDecision)
CONTACT = table_of(Contact)
EMAIL = table_of(ContactEmail)
ACCOUNT = table_of(ContactAccount)
INTEREST = table_of(ContactInterest)

EVENTS_PER_TRIP = 20
# Around the legs' dates: the days matching allows, and one for zones and all-day dates.
_WINDOW = timedelta(days=matching.DAYS_AROUND + 1)
# An occurrence longer than this (an exhibition, a season) is no event to go to on a trip.
LONGEST = timedelta(days=31)
# At home: events of the coming weeks.
HOME_AHEAD = timedelta(days=60)

GOING = "going"
NOT_INTERESTED = "not_interested"


@dataclass(frozen=True)
class Decisions:
    """What the user said about events: going to these (uid, recurrence id), not
    interested in these uids (every occurrence)."""

    going: frozenset[tuple[str, str]]
    hidden: frozenset[str]


def decisions_of(session: Session, *, owner: User) -> Decisions:
    rows = session.execute(
        select(DECISION.c.uid, DECISION.c.recurrence_id, DECISION.c.decision).where(
            DECISION.c.owner_id == owner.id
        )
    )
    going: set[tuple[str, str]] = set()
    hidden: set[str] = set()
    for uid, recurrence_id, decision in rows:
        if decision == GOING:
            going.add((uid, recurrence_id))
        elif decision == NOT_INTERESTED:
            hidden.add(uid)
    return Decisions(frozenset(going), frozenset(hidden))


# --- reading occurrences ---------------------------------------------------------------------

_COLUMNS = (
    OCCURRENCE.c.id,
    OCCURRENCE.c.uid,
    OCCURRENCE.c.recurrence_id,
    OCCURRENCE.c.summary,
    OCCURRENCE.c.starts_at,
    OCCURRENCE.c.ends_at,
    OCCURRENCE.c.all_day,
    OCCURRENCE.c.start_day,
    OCCURRENCE.c.end_day,
    OCCURRENCE.c.timezone,
    OCCURRENCE.c.status,
    OCCURRENCE.c.online,
    OCCURRENCE.c.lat,
    OCCURRENCE.c.lon,
    OCCURRENCE.c.city,
    OCCURRENCE.c.location,
    OCCURRENCE.c.description,
    OCCURRENCE.c.categories,
    OCCURRENCE.c.organizer,
    OCCURRENCE.c.attendees,
    OCCURRENCE.c.url,
)


def _person(value: Any) -> EventPerson | None:
    if not isinstance(value, Mapping):
        return None
    return EventPerson(value.get("name") or None, value.get("email") or None)


def as_occurrence(row: Any) -> EventOccurrence:
    """A stored occurrence as matching reads it (its key: the row's id)."""
    people = [_person(p) for p in (row.attendees or [])]
    return EventOccurrence(
        key=row.id,
        uid=row.uid,
        summary=row.summary,
        start=row.start_day if row.all_day and row.start_day else row.starts_at,
        end=row.end_day if row.all_day and row.start_day else row.ends_at,
        timezone=row.timezone,
        status=row.status,
        online=bool(row.online),
        lat=row.lat,
        lon=row.lon,
        city=row.city,
        location=row.location or None,
        description=row.description or "",
        categories=tuple(row.categories or ()),
        organizer=_person(row.organizer),
        attendees=tuple(p for p in people if p is not None),
        url=row.url,
        recurrence_id=row.recurrence_id or "",
    )


def _box(lat: float, lon: float, radius_km: float) -> Any:
    box = bounding_box(lat, lon, radius_km)
    return and_(
        OCCURRENCE.c.lat.between(box[0], box[1]),
        or_(*(OCCURRENCE.c.lon.between(lo, hi) for lo, hi in longitude_ranges(box))),
    )


def _placed_near(stay: Stay) -> Any:
    """In the stay's circle's box, or placed only by a city's name (matching compares it)."""
    return or_(
        _box(stay.lat, stay.lon, stay.radius_km),
        and_(OCCURRENCE.c.lat.is_(None), OCCURRENCE.c.city.is_not(None)),
    )


def _read(session: Session, *, owner: User, where: Any, hidden: frozenset[str]) -> list[Any]:
    query = select(*_COLUMNS).where(
        OCCURRENCE.c.owner_id == owner.id, OCCURRENCE.c.status != matching.CANCELLED, where
    )
    return [row for row in session.execute(query) if row.uid not in hidden]


def stays_of(trip: Trip) -> list[Stay]:
    return [stay_of_leg(leg) for leg in trip.legs]


def stay_of_leg(leg: TripLeg) -> Stay:
    return Stay(
        key=leg.id,
        place=leg.city or leg.place_text,
        lat=leg.lat,
        lon=leg.lon,
        radius_km=leg.radius_km,
        timezone=leg.timezone,
        arrives=leg.arrives_at,
        departs=leg.departs_at,
    )


def trip_candidates(
    session: Session, *, owner: User, legs: Sequence[Stay], hidden: frozenset[str] = frozenset()
) -> list[EventOccurrence]:
    """The occurrences that fit a leg in place and time (not yet ranked)."""
    if not legs:
        return []
    where = or_(
        *(
            and_(
                OCCURRENCE.c.starts_at < leg.departs + _WINDOW,  # type: ignore[operator]
                # a lower bound on the start, so the (owner, start) index reads a range
                OCCURRENCE.c.starts_at > leg.arrives - _WINDOW - LONGEST,  # type: ignore[operator]
                OCCURRENCE.c.ends_at > leg.arrives - _WINDOW,  # type: ignore[operator]
                _placed_near(leg),
            )
            for leg in legs
        )
    )
    found = []
    for row in _read(session, owner=owner, where=where, hidden=hidden):
        occurrence = as_occurrence(row)
        if matching.is_proposable(occurrence) and any(_fits(occurrence, leg) for leg in legs):
            found.append(occurrence)
    return found


def _fits(occurrence: EventOccurrence, stay: Stay) -> bool:
    km = matching.distance_km(occurrence, stay)
    if km is None or km > stay.radius_km:
        return False
    return stay.arrives is None or matching.when(occurrence, stay) is not None


def home_candidates(
    session: Session,
    *,
    owner: User,
    home: Stay,
    now: datetime,
    hidden: frozenset[str] = frozenset(),
) -> list[EventOccurrence]:
    """Upcoming occurrences (from now to ``HOME_AHEAD``) within the home radius."""
    where = and_(
        OCCURRENCE.c.ends_at > now,
        OCCURRENCE.c.starts_at > now - LONGEST,
        OCCURRENCE.c.starts_at < now + HOME_AHEAD,
        _placed_near(home),
    )
    found = []
    for row in _read(session, owner=owner, where=where, hidden=hidden):
        occurrence = as_occurrence(row)
        if matching.is_proposable(occurrence) and _fits(occurrence, home):
            found.append(occurrence)
    return found


# --- the contacts an event may name ------------------------------------------------------------


def named_contacts(
    session: Session, *, owner: User, occurrences: Sequence[EventOccurrence]
) -> ContactIndex:
    """An index of the contacts these occurrences may name, looked up by index: folded
    display names equal to a capitalised phrase of the event, its e-mail addresses and
    account keys. Matching then decides precisely who is named."""
    names: set[str] = set()
    emails: set[str] = set()
    keys: set[str] = set()
    for occurrence in occurrences:
        names |= matching.name_candidates(occurrence)
        emails |= set(matching.addresses(occurrence))
        keys |= matching.account_keys(occurrence)
    ids: set[Any] = set()
    for chunk in in_chunks(sorted(names)):
        query = select(CONTACT.c.id).where(
            CONTACT.c.owner_id == owner.id, CONTACT.c.sort_key.in_(chunk)
        )
        ids.update(session.execute(query).scalars())
    for chunk in in_chunks(sorted(emails)):
        query = select(EMAIL.c.contact_id).where(
            EMAIL.c.owner_id == owner.id, EMAIL.c.normalized.in_(chunk)
        )
        ids.update(session.execute(query).scalars())
    for chunk in in_chunks(sorted(keys)):
        query = select(ACCOUNT.c.contact_id).where(
            ACCOUNT.c.owner_id == owner.id, ACCOUNT.c.key.in_(chunk)
        )
        ids.update(session.execute(query).scalars())
    # an account's key is its strongest identity (an X id before the handle): by handle too
    handles = {key.split(":", 2)[2] for key in keys if key.split(":", 2)[1:2] == ["handle"]}
    for chunk in in_chunks(sorted(handles)):
        query = select(ACCOUNT.c.contact_id).where(
            ACCOUNT.c.owner_id == owner.id,
            ACCOUNT.c.handle.is_not(None),
            func.lower(ACCOUNT.c.handle).in_(chunk),
        )
        ids.update(session.execute(query).scalars())
    return ContactIndex(_known(session, owner=owner, ids=sorted(ids, key=str)))


def _known(session: Session, *, owner: User, ids: Sequence[Any]) -> list[KnownContact]:
    if not ids:
        return []
    emails: dict[Any, list[str]] = defaultdict(list)
    accounts: dict[Any, list[str]] = defaultdict(list)
    people: list[tuple[Any, str, str | None, str | None]] = []
    columns = (CONTACT.c.id, CONTACT.c.display_name, CONTACT.c.first_name, CONTACT.c.last_name)
    people.extend(
        (r[0], r[1], r[2], r[3])
        for r in owned_rows(session, CONTACT, list(ids), *columns, owner_id=owner.id)
    )
    for chunk in in_chunks(list(ids)):
        for contact_id, address in session.execute(
            select(EMAIL.c.contact_id, EMAIL.c.normalized).where(EMAIL.c.contact_id.in_(chunk))
        ):
            emails[contact_id].append(address)
        query = select(
            ACCOUNT.c.contact_id,
            ACCOUNT.c.network,
            ACCOUNT.c.account_id,
            ACCOUNT.c.handle,
            ACCOUNT.c.url,
            ACCOUNT.c.key,
        ).where(ACCOUNT.c.contact_id.in_(chunk))
        for contact_id, network, account_id, handle, url, key in session.execute(query):
            account = Account(network, id=account_id, handle=handle, url=url)
            accounts[contact_id].extend({key, *account_key_tuple(account)})
    return [
        KnownContact(
            contact_id=cid,
            display_name=name,
            first_name=first,
            last_name=last,
            emails=tuple(emails.get(cid, ())),
            accounts=tuple(accounts.get(cid, ())),
        )
        for cid, name, first, last in people
    ]


# --- contacts near the place who share an event's topics ------------------------------------


def user_interest_keys(session: Session, *, owner: User, state: tuple[Any, ...]) -> frozenset[str]:
    """Every interest key any of the user's contacts has (kept by the contacts' state)."""
    key = (owner.id, *state)
    known = _KEYS.get(key) if state else None
    if known is None:
        query = select(INTEREST.c.key).where(INTEREST.c.owner_id == owner.id).distinct()
        known = frozenset(session.execute(query).scalars())
        if state:
            _KEYS.put(key, known)
    return known


def topic_counts_near(
    session: Session,
    *,
    owner: User,
    stay: Stay,
    topics: Iterable[str],
    known_keys: frozenset[str] | None = None,
) -> dict[str, int]:
    """How many placed contacts within the stay's radius have each topic (stored
    interests), counted by the database: the bounding box narrows by index, the circle is
    tested as an equirectangular distance (exact enough within a few hundred km).

    A topic whose bit in ``interest_bits`` no other key of the user's contacts has
    (``known_keys``) is counted from the contact index alone, all such topics in one pass;
    the others by joining each contact's interests (ten times the work)."""
    wanted = sorted(set(topics))
    if not wanted:
        return {}
    km_lat = 111.195
    km_lon = km_lat * math.cos(math.radians(stay.lat))
    dy = (CONTACT.c.lat - stay.lat) * km_lat
    dx = (CONTACT.c.lon - stay.lon) * km_lon
    near = [
        *box_conditions(owner.id, stay.lat, stay.lon, stay.radius_km),
        dy * dy + dx * dx <= stay.radius_km * stay.radius_km,
    ]
    alone: dict[str, int] = {}  # topic -> its bit, when the bit is its own
    if known_keys is not None:
        sharing: dict[int, set[str]] = defaultdict(set)
        for key in known_keys | set(wanted):
            sharing[interest_bits([key])].add(key)
        alone = {
            key: interest_bits([key]) for key in wanted if sharing[interest_bits([key])] == {key}
        }
    counts: dict[str, int] = {}
    if alone:
        has = [
            CONTACT.c.interest_bits.op("&")(literal(bit, BigInteger)) != 0 for bit in alone.values()
        ]
        row = session.execute(
            select(*(func.sum(case((one, 1), else_=0)) for one in has)).where(*near)
        ).one()
        counts.update({key: int(n or 0) for key, n in zip(alone, row, strict=True)})
    rest = [key for key in wanted if key not in alone]
    if rest:
        query = (
            select(INTEREST.c.key, func.count())
            .join(CONTACT, CONTACT.c.id == INTEREST.c.contact_id)
            .where(
                *near,
                # bits stored with the interests, in the index: only contacts that may have one
                CONTACT.c.interest_bits.op("&")(literal(interest_bits(rest), BigInteger)) != 0,
                # lower() of a lower-case key: the contacts in the box (by index) lead, each
                # one's interests found by contact; by key first would read every contact's
                func.lower(INTEREST.c.key).in_(rest),
            )
            .group_by(INTEREST.c.key)
        )
        counts.update({key: n for key, n in session.execute(query)})
    return {key: n for key, n in counts.items() if n}


# Counts of contacts near a place sharing topics, per worker process, by everything they are
# counted from: after a decision the trip page is built again, its contacts unchanged.
_COUNTS: BoundedCache[tuple[Any, ...], dict[str, int]] = BoundedCache(256)
# Every interest key of a user's contacts, per process, by their state: which topics have a
# bit of their own in ``interest_bits`` (``topic_counts_near``).
_KEYS: BoundedCache[tuple[Any, ...], frozenset[str]] = BoundedCache(64)


def nearby_counter(
    session: Session,
    *,
    owner: User,
    stays: Sequence[Stay],
    user_topics: frozenset[str],
    state: tuple[Any, ...] = (),
) -> matching.NearbyCounts:
    """Counts of contacts near the stay an event belongs to sharing each of the user's
    topics it is about: one grouped count per stay for all the user's topics, made on the
    first event there that needs it and kept per process by the state of the contacts
    (``EventContext.state``)."""
    counts: dict[Any, dict[str, int]] = {}

    def count(occurrence: EventOccurrence, keys: frozenset[str]) -> Mapping[str, int]:
        stay = _stay_for(occurrence, stays)
        if stay is None:
            return {}
        if stay.key not in counts:
            key = (owner.id, stay.lat, stay.lon, stay.radius_km, user_topics, *state)
            known = _COUNTS.get(key) if state else None
            if known is None:
                known = topic_counts_near(
                    session,
                    owner=owner,
                    stay=stay,
                    topics=user_topics,
                    known_keys=user_interest_keys(session, owner=owner, state=state),
                )
                if state:
                    _COUNTS.put(key, known)
            counts[stay.key] = known
        known = counts[stay.key]
        return {key: known[key] for key in keys if known.get(key)}

    return count


def _stay_for(occurrence: EventOccurrence, stays: Iterable[Stay]) -> Stay | None:
    """The stay an occurrence belongs to: the nearest one it fits."""
    fitting = [
        (km, stay)
        for stay in stays
        if (km := matching.distance_km(occurrence, stay)) is not None and km <= stay.radius_km
    ]
    return min(fitting, key=lambda pair: pair[0])[1] if fitting else None


# --- the whole of it -------------------------------------------------------------------------


@dataclass(frozen=True)
class EventContext:
    """The user's synonym table and topics (keys), as the trip ranking reads them, and the
    state of their contacts and synonyms (``state``; empty: counts are not kept)."""

    vocabulary: Vocabulary
    user_topics: frozenset[str]
    state: tuple[Any, ...] = ()


def event_context(session: Session, *, owner: User, locale: str) -> EventContext:
    vocabulary, changed = vocabulary_of(session, owner=owner, locale=locale)
    names = user_topics(session, owner=owner)
    contacts = contacts_version(session, owner=owner)
    keys = vocabulary.topics_of(topics=names, texts=())
    return EventContext(vocabulary, keys, (changed, *contacts))


def context_of(match_context: Any) -> EventContext:
    """The events' context from the trip ranking's (``planner.trips.suggest.MatchContext``),
    read once per request already."""
    return EventContext(
        match_context.vocabulary,
        match_context.user_topics,
        (match_context.vocabulary_changed, *match_context.contacts_version),
    )


def suggest_for_trip(
    session: Session,
    *,
    owner: User,
    trip: Trip,
    context: EventContext,
    limit: int = EVENTS_PER_TRIP,
    decisions: Decisions | None = None,
) -> list[EventMatch]:
    """The events worth going to on the trip, best first, each at the leg it fits best;
    those the user is not interested in are left out."""
    decisions = decisions or decisions_of(session, owner=owner)
    legs = stays_of(trip)
    occurrences = trip_candidates(session, owner=owner, legs=legs, hidden=decisions.hidden)
    if not occurrences:
        return []
    return matching.match_trip(
        occurrences,
        legs,
        vocabulary=context.vocabulary,
        user_topics=context.user_topics,
        contacts=named_contacts(session, owner=owner, occurrences=occurrences),
        nearby=nearby_counter(
            session,
            owner=owner,
            stays=legs,
            user_topics=context.user_topics,
            state=context.state,
        ),
        limit=limit,
    )


def suggest_at_home(
    session: Session,
    *,
    owner: User,
    home: Stay,
    context: EventContext,
    now: datetime,
    limit: int = EVENTS_PER_TRIP,
    decisions: Decisions | None = None,
) -> list[EventMatch]:
    """Upcoming events within the home radius, best first."""
    decisions = decisions or decisions_of(session, owner=owner)
    occurrences = home_candidates(session, owner=owner, home=home, now=now, hidden=decisions.hidden)
    if not occurrences:
        return []
    return matching.match_home(
        occurrences,
        home,
        vocabulary=context.vocabulary,
        user_topics=context.user_topics,
        contacts=named_contacts(session, owner=owner, occurrences=occurrences),
        nearby=nearby_counter(
            session,
            owner=owner,
            stays=[home],
            user_topics=context.user_topics,
            state=context.state,
        ),
        limit=limit,
    )


# --- the trip page ---------------------------------------------------------------------------


@plan_stamps("events")
def _event_stamps(owner_id: Any) -> list[Any]:
    """The trip page shows events: it changes with the feeds (how many, the newest good
    copy) and the decisions on events (how many, the newest)."""
    feeds = FEED.c.owner_id == owner_id
    decided = DECISION.c.owner_id == owner_id
    return [
        select(func.count()).select_from(FEED).where(feeds).scalar_subquery(),
        select(func.max(FEED.c.refreshed_at)).where(feeds).scalar_subquery(),
        select(func.count()).select_from(DECISION).where(decided).scalar_subquery(),
        select(func.max(DECISION.c.updated_at)).where(decided).scalar_subquery(),
    ]


def version(session: Session, *, owner: User) -> tuple[Any, ...]:
    """The events' stamps alone (what ``planner.trips.cache.plan_key`` reads with the rest)."""
    return tuple(session.execute(select(*_event_stamps(owner.id))).one())


@dataclass(frozen=True)
class TripEvents:
    """A trip's matched events by leg, and which of them the user is going to."""

    by_leg: Mapping[Any, list[EventMatch]]
    going: frozenset[tuple[str, str]]

    def of(self, leg_id: Any) -> list[EventMatch]:
        return self.by_leg.get(leg_id, [])

    def is_going(self, match: EventMatch) -> bool:
        return (match.occurrence.uid, match.occurrence.recurrence_id) in self.going

    def all(self) -> list[EventMatch]:
        return [m for matches in self.by_leg.values() for m in matches]


def trip_events(
    session: Session,
    *,
    owner: User,
    trip: Trip,
    context: EventContext,
    limit: int = EVENTS_PER_TRIP,
) -> TripEvents:
    """The trip's events by leg, best first, and the user's "going" decisions (the trip
    page keeps what it renders from them by its plan key, which the stamps above join)."""
    decisions = decisions_of(session, owner=owner)
    by_leg: dict[Any, list[EventMatch]] = {}
    for match in suggest_for_trip(
        session, owner=owner, trip=trip, context=context, limit=limit, decisions=decisions
    ):
        by_leg.setdefault(match.stay.key, []).append(match)
    return TripEvents(by_leg, decisions.going)
