"""Trips, their legs, and the ranked suggestions of whom to meet there.

A suggestion run reads only the contacts of a leg whose score can still reach the list
(``planner.trips.ranking`` bounds every contact's score inside one index): their place,
stage, interests restricted to the user's own topics, mutual follows and earliest
connection date, in one statement; everything else (scoring, reasons) is
``planner.matching``. ``candidates_near`` still reads everyone in reach.
"""

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from heapq import nlargest
from typing import Any

from sqlalchemy import String, and_, case, cast, func, or_, select, true, type_coerce
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from planner.cache import BoundedCache
from planner.db import owned_rows, table_of
from planner.geo import Place
from planner.geo.distance import points_within
from planner.matching import (
    Candidate,
    Suggestion,
    Weights,
    rank,
    topic_rarity,
    total_points,
)
from planner.meetings.service import MeetingInput, create_meeting
from planner.models import (
    Contact,
    Decision,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    SuggestionDecision,
    Trip,
    TripLeg,
    User,
)
from planner.models.types import utcnow
from planner.places.service import box_conditions, city_of
from planner.topics import Vocabulary
from planner.trips import ranking
from planner.trips.interests import (
    ACCOUNT,
    CONTACT,
    INTEREST,
    SOURCE,
    interests_of,
    stale_condition,
    user_topics,
    vocabulary_of,
)
from planner.trips.place_time import to_utc, zone_of
from planner.trips.travel_calendar import without_facility

DECISION = table_of(SuggestionDecision)
USERS = table_of(User)
MEETING = table_of(Meeting)
ATTENDEE = table_of(MeetingAttendee)

DEFAULT_RADIUS_KM = 30.0
AROUND_RADIUS_KM = 50.0
MAX_LEGS = 20
SUGGESTIONS_PER_LEG = 20


class TripError(ValueError):
    """A trip or leg the user asked for cannot be: the message says why (translated)."""


@dataclass(frozen=True)
class LegInput:
    """A leg as the user gives it: the place and wall-clock times at that place."""

    place_text: str
    place: Place
    arrives: datetime  # naive: local time at the place
    departs: datetime
    radius_km: float = DEFAULT_RADIUS_KM


def leg_place(text: str) -> Place | None:
    """The city a leg's text names; a station or airport names its city ("Zürich HB",
    "München Hbf", "Flughafen Wien")."""
    return city_of(text) or city_of(without_facility(text))


def _leg_values(owner: User, data: LegInput, gettext: Any) -> dict[str, Any]:
    place = data.place
    if place.lat is None or place.lon is None or not place.city:
        raise TripError(gettext("'%(text)s' is not a city we know.", text=data.place_text))
    zone = zone_of(place)
    arrives, departs = to_utc(data.arrives, zone), to_utc(data.departs, zone)
    if departs <= arrives:
        raise TripError(gettext("The departure must be after the arrival."))
    if not 1 <= data.radius_km <= 500:
        raise TripError(gettext("The radius must be between 1 and 500 km."))
    return {
        "owner_id": owner.id,
        "place_text": data.place_text.strip()[:300],
        "city": place.city,
        "region": place.region,
        "country": place.country,
        "lat": place.lat,
        "lon": place.lon,
        "timezone": zone.key,
        "arrives_at": arrives,
        "departs_at": departs,
        "radius_km": float(data.radius_km),
    }


def _check_overlap(trip: Trip, values: dict[str, Any], gettext: Any, skip: Any = None) -> None:
    for other in trip.legs:
        if other.id == skip:
            continue
        if values["arrives_at"] < other.departs_at and other.arrives_at < values["departs_at"]:
            raise TripError(
                gettext(
                    "This leg overlaps the leg in %(city)s: a trip is in one place at a time.",
                    city=other.city or other.place_text,
                )
            )


def default_title(legs: Sequence[LegInput]) -> str:
    cities = list(dict.fromkeys(leg.place.city or leg.place_text for leg in legs))
    return " – ".join(cities)[:200]


def create_trip(
    session: Session, *, owner: User, title: str | None, legs: Sequence[LegInput], gettext: Any
) -> Trip:
    """A trip with its first legs; caller commits."""
    if not legs:
        raise TripError(gettext("A trip needs at least one leg."))
    trip = Trip(owner_id=owner.id, title=(title or "").strip()[:200] or default_title(legs))
    session.add(trip)
    for data in legs:
        add_leg(session, trip=trip, owner=owner, data=data, gettext=gettext)
    session.flush()
    return trip


def add_leg(session: Session, *, trip: Trip, owner: User, data: LegInput, gettext: Any) -> TripLeg:
    if len(trip.legs) >= MAX_LEGS:
        raise TripError(gettext("A trip has at most %(n)s legs.", n=MAX_LEGS))
    values = _leg_values(owner, data, gettext)
    _check_overlap(trip, values, gettext)
    leg = TripLeg(trip_id=trip.id, **values)
    trip.legs.append(leg)
    trip.legs.sort(key=lambda leg: leg.arrives_at)
    trip.updated_at = utcnow()
    session.flush()
    return leg


def update_leg(
    session: Session, *, trip: Trip, leg: TripLeg, owner: User, data: LegInput, gettext: Any
) -> TripLeg:
    values = _leg_values(owner, data, gettext)
    _check_overlap(trip, values, gettext, skip=leg.id)
    for name, value in values.items():
        setattr(leg, name, value)
    trip.legs.sort(key=lambda leg: leg.arrives_at)
    trip.updated_at = utcnow()
    session.flush()
    return leg


def delete_leg(session: Session, *, trip: Trip, leg: TripLeg) -> None:
    trip.legs.remove(leg)
    session.delete(leg)
    trip.updated_at = utcnow()
    session.flush()


def delete_trip(session: Session, *, trip: Trip) -> None:
    session.delete(trip)
    session.flush()


def list_trips(session: Session, *, owner: User) -> list[Trip]:
    """The user's trips, the next or current one first, past ones last."""
    trips = list(
        session.scalars(
            select(Trip).where(col(Trip.owner_id) == owner.id).options(selectinload(Trip.legs))  # type: ignore[arg-type]
        )
    )
    now = utcnow()

    def order(trip: Trip) -> tuple[int, datetime]:
        if not trip.legs:
            return (1, trip.created_at)
        end = max(leg.departs_at for leg in trip.legs)
        start = min(leg.arrives_at for leg in trip.legs)
        return (0, start) if end >= now else (2, datetime.max.replace(tzinfo=UTC) - (now - end))

    return sorted(trips, key=order)


# --- matching -------------------------------------------------------------------------


@dataclass
class MatchContext:
    """What every leg's ranking shares within one request."""

    vocabulary: Vocabulary
    vocabulary_changed: datetime | None
    user_topics: frozenset[str]
    # The user's own spelling of their topics: reasons name a topic as the user writes it.
    user_labels: dict[str, str]
    weights: Weights
    today: date
    locale: str
    # The state of all the user's contacts: (newest ``updated_at``, ``contacts_changed_at``).
    contacts_version: tuple[Any, ...]
    # How rare each of the user's topics is among their contacts: read on first need (a
    # cached trip page never needs it).
    rarity: dict[str, float] | None = None


def match_context(
    session: Session, *, owner: User, locale: str, weights: Weights, today: date | None = None
) -> MatchContext:
    vocabulary, changed = vocabulary_of(session, owner=owner, locale=locale)
    names = user_topics(session, owner=owner)
    keys = vocabulary.topics_of(topics=names, texts=())
    labels = {vocabulary.canonical(name): name for name in names}
    contacts_version = session.execute(
        select(
            select(func.max(CONTACT.c.updated_at))
            .where(CONTACT.c.owner_id == owner.id)
            .scalar_subquery(),
            select(USERS.c.contacts_changed_at).where(USERS.c.id == owner.id).scalar_subquery(),
        )
    ).one()
    return MatchContext(
        vocabulary,
        changed,
        keys,
        labels,
        weights,
        today or utcnow().date(),
        locale,
        tuple(contacts_version),
    )


# Topic rarity per user, per worker process, by everything it is counted from: two counts
# over all of a user's contacts (20-30 ms at 100,000) are the largest part of a ranking.
_RARITY: BoundedCache[tuple[Any, ...], dict[str, float]] = BoundedCache(256)


def _rarity(session: Session, *, owner: User, context: MatchContext) -> dict[str, float]:
    if context.rarity is not None:
        return context.rarity
    key = (owner.id, context.user_topics, context.vocabulary_changed, *context.contacts_version)
    rarity = _RARITY.get(key)
    if rarity is None:
        frequencies = {topic: 0 for topic in context.user_topics}
        if context.user_topics:
            counts = session.execute(
                select(INTEREST.c.key, func.count())
                .where(INTEREST.c.owner_id == owner.id, INTEREST.c.key.in_(context.user_topics))
                .group_by(INTEREST.c.key)
            )
            frequencies.update({topic: n for topic, n in counts})
        total = session.execute(
            select(func.count()).select_from(CONTACT).where(CONTACT.c.owner_id == owner.id)
        ).scalar_one()
        rarity = topic_rarity(frequencies, total)
        _RARITY.put(key, rarity)
    context.rarity = rarity
    return rarity


def _uuid(raw: Any) -> uuid.UUID:
    return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))


def _in_reach(
    session: Session,
    *,
    owner: User,
    lat: float,
    lon: float,
    radius_km: float,
    context: MatchContext,
    exclude: set[uuid.UUID],
    floor: float | None = None,
) -> list[Candidate]:
    """Everyone within ``radius_km`` with all that scoring needs except the name (read for
    the best few only); with ``floor``, only those whose score can reach it (a superset of
    those whose score does, see ``planner.trips.ranking``). Ids stay as the driver gives
    them (hex text on SQLite, UUID on PostgreSQL): converting tens of thousands of them
    costs more than the scoring."""
    stale_sql = stale_condition(context.vocabulary_changed)
    if floor is None:
        box = box_conditions(owner.id, lat, lon, radius_km)
    else:
        bounded = ranking.reach_conditions(
            owner_id=owner.id,
            lat=lat,
            lon=lon,
            radius_km=radius_km,
            floor=floor,
            weights=context.weights,
            user_topics=context.user_topics,
            rarity=_rarity(session, owner=owner, context=context),
            today=context.today,
            stale=stale_sql,  # type: ignore[arg-type]
        )
        if bounded is None:
            return []
        box = bounded
    raw_id = type_coerce(CONTACT.c.id, String())
    stale = case((stale_sql, 1), else_=0)  # type: ignore[arg-type]
    columns = [raw_id, CONTACT.c.lat, CONTACT.c.lon, CONTACT.c.stage, CONTACT.c.last_met, stale]
    if floor is not None:
        # the few that can reach the floor: their ties read in the same statement
        columns.extend(_tie_columns(session, context))
    rows = session.execute(select(*columns).where(*box)).all()
    if not rows:
        return []
    excluded = {u.hex for u in exclude} | {str(u) for u in exclude} | set(exclude)
    near = points_within(
        ((row, row[1], row[2]) for row in rows if row[0] not in excluded), lat, lon, radius_km
    )
    if floor is None:
        topics, mutual, connected = _ties_in_box(
            session, owner=owner, box=box, context=context, rows=rows
        )
    else:
        topics, mutual, connected = _ties_of(
            session, owner=owner, context=context, rows=[row for row, _ in near]
        )
    no_topics: frozenset[str] = frozenset()
    result: list[Candidate] = []
    for row, distance in near:
        contact_id = row[0]
        shared = topics.get(contact_id)
        result.append(
            Candidate(
                contact_id=contact_id,
                display_name="",
                distance_km=distance,
                topics=frozenset(shared) if shared else no_topics,
                stage=row[3],
                last_met=row[4],
                connected_on=connected.get(contact_id),
                mutual_networks=tuple(mutual.get(contact_id, ())),
            )
        )
    return result


_SEPARATOR = "\x1f"  # between the topic keys of one contact (keys never hold it)


def _tie_columns(session: Session, context: MatchContext) -> list[Any]:
    """Per contact row: its earliest connection date, its mutual follows as "id:network"
    and its keys among the user's topics (each list joined by ``_SEPARATOR``)."""

    def joined(column: Any) -> Any:
        if session.get_bind().dialect.name == "postgresql":
            return func.string_agg(column, _SEPARATOR)
        return func.group_concat(column, _SEPARATOR)

    connected = (
        select(func.min(SOURCE.c.connected_on))
        .where(SOURCE.c.contact_id == CONTACT.c.id, SOURCE.c.connected_on.is_not(None))
        .scalar_subquery()
    )
    mutual = (
        select(joined(cast(ACCOUNT.c.id, String()) + ":" + ACCOUNT.c.network))
        .where(ACCOUNT.c.contact_id == CONTACT.c.id, ACCOUNT.c.mutual == true())
        .scalar_subquery()
    )
    columns: list[Any] = [connected, mutual]
    if context.user_topics:
        columns.append(
            select(joined(INTEREST.c.key))
            .where(INTEREST.c.contact_id == CONTACT.c.id, INTEREST.c.key.in_(context.user_topics))
            .scalar_subquery()
        )
    return columns


_Ties = tuple[dict[Any, set[str]], dict[Any, list[str]], dict[Any, date]]


def _ties_in_box(
    session: Session, *, owner: User, box: list[Any], context: MatchContext, rows: Sequence[Any]
) -> _Ties:
    """Topics among the user's, mutual follows and the earliest connection of everyone in
    the box: three statements over it."""
    topics: dict[Any, set[str]] = defaultdict(set)
    if context.user_topics:
        query = (
            select(type_coerce(INTEREST.c.contact_id, String()), INTEREST.c.key)
            .join(CONTACT, CONTACT.c.id == INTEREST.c.contact_id)
            .where(*box, INTEREST.c.owner_id == owner.id, INTEREST.c.key.in_(context.user_topics))
        )
        for contact_id, key in session.execute(query):
            topics[contact_id].add(key)
        _stale_topics(session, owner=owner, context=context, rows=rows, topics=topics)
    mutual: dict[Any, list[str]] = defaultdict(list)
    query = (
        select(type_coerce(ACCOUNT.c.contact_id, String()), ACCOUNT.c.network)
        .join(CONTACT, CONTACT.c.id == ACCOUNT.c.contact_id)
        .where(*box, ACCOUNT.c.mutual == true())
        .order_by(ACCOUNT.c.id)
    )
    for contact_id, network in session.execute(query):
        if network not in mutual[contact_id]:
            mutual[contact_id].append(network)
    query = (
        select(type_coerce(SOURCE.c.contact_id, String()), func.min(SOURCE.c.connected_on))
        .join(CONTACT, CONTACT.c.id == SOURCE.c.contact_id)
        .where(*box, SOURCE.c.connected_on.is_not(None))
        .group_by(SOURCE.c.contact_id)
    )
    connected = {contact_id: day for contact_id, day in session.execute(query)}
    return topics, mutual, connected


def _ties_of(session: Session, *, owner: User, context: MatchContext, rows: Sequence[Any]) -> _Ties:
    """The same from rows with ``_tie_columns``: mutual networks in the order of the
    accounts, as ``_ties_in_box`` reads them."""
    topics: dict[Any, set[str]] = {}
    connected: dict[Any, date] = {}
    mutual: dict[Any, list[str]] = {}
    for row in rows:
        if row[6] is not None:
            connected[row[0]] = row[6]
        if row[7]:
            accounts = sorted(
                (int(account), network)
                for account, network in (item.split(":", 1) for item in row[7].split(_SEPARATOR))
            )
            mutual[row[0]] = list(dict.fromkeys(network for _, network in accounts))
        if len(row) > 8 and row[8]:
            topics[row[0]] = set(row[8].split(_SEPARATOR))
    if context.user_topics:
        _stale_topics(session, owner=owner, context=context, rows=rows, topics=topics)
    return topics, mutual, connected


def _stale_topics(
    session: Session,
    *,
    owner: User,
    context: MatchContext,
    rows: Sequence[Any],
    topics: dict[Any, set[str]],
) -> None:
    """Derive on the spot the topics of contacts whose stored interests are stale."""
    by_text = {str(row[0]): row[0] for row in rows if row[5]}  # the driver's id form
    if not by_text:
        return
    ids = [_uuid(raw) for raw in by_text.values()]
    columns = (CONTACT.c.id, CONTACT.c.title, CONTACT.c.organization)
    stale_rows = list(owned_rows(session, CONTACT, ids, *columns, owner_id=owner.id))
    fresh = interests_of(session, owner=owner, vocabulary=context.vocabulary, contacts=stale_rows)
    for contact_id, keys in fresh.items():
        raw = by_text.get(str(contact_id), by_text.get(contact_id.hex, contact_id))
        topics[raw] = set(keys & context.user_topics)


def _named(session: Session, *, owner: User, candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates with real ids and their names (a deleted one drops out)."""
    ids = [_uuid(c.contact_id) for c in candidates]
    names: dict[uuid.UUID, str] = dict(
        owned_rows(session, CONTACT, ids, CONTACT.c.id, CONTACT.c.display_name, owner_id=owner.id)
    )
    return [
        replace(c, contact_id=cid, display_name=names[cid])
        for cid, c in zip(ids, candidates, strict=True)
        if cid in names
    ]


def candidates_near(
    session: Session,
    *,
    owner: User,
    lat: float,
    lon: float,
    radius_km: float,
    context: MatchContext,
    exclude: set[uuid.UUID],
) -> list[Candidate]:
    """Every contact within ``radius_km`` of (lat, lon) with all that matching needs of it."""
    reach = _in_reach(
        session,
        owner=owner,
        lat=lat,
        lon=lon,
        radius_km=radius_km,
        context=context,
        exclude=exclude,
    )
    return _named(session, owner=owner, candidates=reach)


# Per place, per worker process: the score of the last suggestion there, the first floor
# to try next time (``suggest_near``); only ever a guess, right or not the ranking is exact.
_FLOORS: BoundedCache[tuple[Any, ...], float] = BoundedCache(1024)


def suggest_near(
    session: Session,
    *,
    owner: User,
    lat: float,
    lon: float,
    radius_km: float,
    place: str,
    context: MatchContext,
    exclude: set[uuid.UUID],
    limit: int = SUGGESTIONS_PER_LEG,
) -> list[Suggestion]:
    """The ``limit`` best contacts near (lat, lon): everyone who can reach a floor is scored
    (numbers only), the best and whoever ties with the last of them are named and
    explained. The floor is lowered until at least ``limit`` contacts score at or above it:
    then nobody left out could have made the list or tied with its last."""
    rarity = _rarity(session, owner=owner, context=context)
    options: dict[str, Any] = {
        "radius_km": radius_km,
        "user_topics": context.user_topics,
        "rarity": rarity,
        "today": context.today,
        "weights": context.weights,
    }
    if ranking.can_bound(context.weights) and not any(
        _SEPARATOR in key for key in context.user_topics
    ):
        topics_most = ranking.topics_bound(context.user_topics, rarity, context.weights)
        tries = ranking.floors(topics_most, context.weights)
    else:
        tries = [None]
    place_key = (owner.id, lat, lon, radius_km, limit, context.weights)
    known = _FLOORS.get(place_key)
    if known is not None and tries[0] is not None:
        # the floor that ended the last ranking here: most often right again at once
        tries = [known, *(t for t in tries if t is None or t < known)]
    floor = tries.pop(0)
    while True:
        reach = _in_reach(
            session,
            owner=owner,
            lat=lat,
            lon=lon,
            radius_km=radius_km,
            context=context,
            exclude=exclude,
            floor=floor,
        )
        keyed = [((total_points(c, **options), -c.distance_km), c) for c in reach]
        best = nlargest(limit, keyed, key=lambda pair: pair[0])
        if floor is None or limit <= 0 or (len(best) == limit and best[-1][0][0] >= floor):
            break  # all that score at least the floor are here, and the best ``limit`` do
        # too few above the floor: the last of the best found is one at least ``limit``
        # real scores reach; fewer than ``limit`` found at all: the next lower floor
        floor = best[-1][0][0] if len(best) == limit else tries.pop(0)
    if best:
        last = best[-1][0]
        best += [pair for pair in keyed if pair[0] == last and pair not in best]
        if len(best) >= limit:
            _FLOORS.put(place_key, last[0])
    named = _named(session, owner=owner, candidates=[c for _, c in best])
    return rank(named, place=place, limit=limit, **options)


def excluded_contacts(session: Session, *, owner: User, trip: Trip | None) -> set[uuid.UUID]:
    """Dismissed everywhere; for a trip also "not now" there and whoever already has a
    meeting on one of its legs."""
    decided = (
        or_(DECISION.c.trip_id.is_(None), DECISION.c.trip_id == trip.id)
        if trip
        else (DECISION.c.trip_id.is_(None))
    )
    query = select(DECISION.c.contact_id).where(DECISION.c.owner_id == owner.id, decided)
    excluded = set(session.execute(query).scalars())
    if trip is not None and trip.legs:
        query = (
            select(ATTENDEE.c.contact_id)
            .join(MEETING, MEETING.c.id == ATTENDEE.c.meeting_id)
            .where(
                MEETING.c.owner_id == owner.id,
                MEETING.c.trip_leg_id.in_([leg.id for leg in trip.legs]),
                MEETING.c.status != MeetingStatus.CANCELLED.value,
            )
        )
        excluded.update(session.execute(query).scalars())
    return excluded


@dataclass
class LegPlan:
    """One leg as the trip page shows it."""

    leg: TripLeg
    suggestions: list[Suggestion]
    meetings: list[tuple[Meeting, list[tuple[uuid.UUID, str]]]] = field(default_factory=list)


# Ranked suggestions per trip, per worker process: the trip page is read far more often
# than anything it depends on changes (see ``plan_key``).
_PLANS: BoundedCache[tuple[Any, ...], dict[uuid.UUID, list[Suggestion]]] = BoundedCache(256)


def plan_key(
    session: Session, *, owner: User, trip: Trip, context: MatchContext, limit: int
) -> tuple[Any, ...]:
    """Everything a trip's suggestions and its page depend on: the state of all contacts
    (``MatchContext.contacts_version``: edits, imports, merges, deletions, stage changes),
    decisions and meetings (count and newest, read in one statement by indexes), the user's
    topics, the synonym table, the trip and its legs, the weights, the language and the
    day. Equal keys, equal plans and pages."""
    decided = DECISION.c.owner_id == owner.id
    met = MEETING.c.owner_id == owner.id
    version = session.execute(
        select(
            select(func.count()).select_from(DECISION).where(decided).scalar_subquery(),
            select(func.max(DECISION.c.id)).where(decided).scalar_subquery(),
            select(func.count()).select_from(MEETING).where(met).scalar_subquery(),
            select(func.max(MEETING.c.updated_at)).where(met).scalar_subquery(),
        )
    ).one()
    return (
        owner.id,
        trip.id,
        trip.updated_at,
        limit,
        context.locale,
        context.vocabulary_changed,
        context.user_topics,
        context.weights,
        context.today,
        context.contacts_version,
        *version,
    )


def plan_trip(
    session: Session,
    *,
    owner: User,
    trip: Trip,
    context: MatchContext,
    limit: int,
    key: tuple[Any, ...] | None = None,
) -> list[LegPlan]:
    """Per leg: the meetings already proposed there and the best new suggestions
    (``key``: the trip's ``plan_key`` when the caller read it already)."""
    if key is None:
        key = plan_key(session, owner=owner, trip=trip, context=context, limit=limit)
    plan = _PLANS.get(key)
    if plan is None:
        exclude = excluded_contacts(session, owner=owner, trip=trip)
        plan = {
            leg.id: suggest_near(
                session,
                owner=owner,
                lat=leg.lat,
                lon=leg.lon,
                radius_km=leg.radius_km,
                place=leg.city or leg.place_text,
                context=context,
                exclude=exclude,
                limit=limit,
            )
            for leg in trip.legs
        }
        _PLANS.put(key, plan)
    meetings = meetings_on_legs(session, owner=owner, legs=trip.legs)
    return [LegPlan(leg, plan[leg.id], meetings.get(leg.id, [])) for leg in trip.legs]


def suggest_trip(
    session: Session, *, owner: User, trip: Trip, context: MatchContext, limit: int
) -> list[tuple[TripLeg, Suggestion]]:
    """The trip's suggestions over all legs, each contact once (at its best leg), best first."""
    best: dict[uuid.UUID, tuple[TripLeg, Suggestion]] = {}
    for plan in plan_trip(session, owner=owner, trip=trip, context=context, limit=limit):
        for suggestion in plan.suggestions:
            known = best.get(suggestion.contact_id)
            if known is None or suggestion.score > known[1].score:
                best[suggestion.contact_id] = (plan.leg, suggestion)
    ordered = sorted(best.values(), key=lambda pair: (-pair[1].score, pair[1].distance_km))
    return ordered[:limit]


def meetings_on_legs(
    session: Session, *, owner: User, legs: Sequence[TripLeg]
) -> dict[uuid.UUID, list[tuple[Meeting, list[tuple[uuid.UUID, str]]]]]:
    if not legs:
        return {}
    meetings = list(
        session.scalars(
            select(Meeting)
            .where(
                col(Meeting.owner_id) == owner.id,
                col(Meeting.trip_leg_id).in_([leg.id for leg in legs]),
                col(Meeting.status) != MeetingStatus.CANCELLED.value,
            )
            .order_by(col(Meeting.created_at))
        )
    )
    if not meetings:
        return {}
    names: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = defaultdict(list)
    query = (
        select(ATTENDEE.c.meeting_id, CONTACT.c.id, CONTACT.c.display_name)
        .join(CONTACT, CONTACT.c.id == ATTENDEE.c.contact_id)
        .where(ATTENDEE.c.meeting_id.in_([m.id for m in meetings]))
        .order_by(CONTACT.c.sort_key)
    )
    for meeting_id, contact_id, name in session.execute(query):
        names[meeting_id].append((contact_id, name))
    result: dict[uuid.UUID, list[tuple[Meeting, list[tuple[uuid.UUID, str]]]]] = defaultdict(list)
    for meeting in meetings:
        if meeting.trip_leg_id is not None:
            result[meeting.trip_leg_id].append((meeting, names[meeting.id]))
    return result


def home_place(owner: User) -> tuple[float, float, str] | None:
    if owner.home_lat is None or owner.home_lon is None:
        return None
    return owner.home_lat, owner.home_lon, owner.home_city or ""


def who_is_around(
    session: Session, *, owner: User, context: MatchContext, limit: int
) -> list[Suggestion] | None:
    """The same ranking around the user's home city (None: no home city set)."""
    home = home_place(owner)
    if home is None:
        return None
    lat, lon, city = home
    return suggest_near(
        session,
        owner=owner,
        lat=lat,
        lon=lon,
        radius_km=AROUND_RADIUS_KM,
        place=city,
        context=context,
        exclude=excluded_contacts(session, owner=owner, trip=None),
        limit=limit,
    )


# --- decisions ----------------------------------------------------------------------------


def decide(
    session: Session, *, owner: User, contact: Contact, trip: Trip | None, decision: Decision
) -> None:
    """Remember "dismissed" (everywhere) or "not now" (this trip)."""
    trip_id = None if decision is Decision.DISMISSED else (trip.id if trip else None)
    if decision is Decision.LATER and trip_id is None:
        raise ValueError("'not now' belongs to a trip")
    same = and_(
        DECISION.c.owner_id == owner.id,
        DECISION.c.contact_id == contact.id,
        DECISION.c.trip_id.is_(None) if trip_id is None else DECISION.c.trip_id == trip_id,
    )
    session.execute(DECISION.delete().where(same))
    session.add(
        SuggestionDecision(
            owner_id=owner.id, contact_id=contact.id, trip_id=trip_id, decision=decision.value
        )
    )
    session.flush()


def undo_decision(session: Session, *, owner: User, contact: Contact, trip: Trip | None) -> None:
    """Suggest the contact again (a dismissal, or "not now" on ``trip``)."""
    where = DECISION.c.trip_id.is_(None) if trip is None else DECISION.c.trip_id == trip.id
    session.execute(
        DECISION.delete().where(
            DECISION.c.owner_id == owner.id, DECISION.c.contact_id == contact.id, where
        )
    )
    session.flush()


def dismissed_contacts(session: Session, *, owner: User) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of the contacts dismissed everywhere, by name."""
    return _decided(session, owner, None, Decision.DISMISSED)


def hidden_on_trip(session: Session, *, owner: User, trip: Trip) -> list[tuple[uuid.UUID, str]]:
    """(id, name) of the contacts put aside with "not now" on this trip, by name."""
    return _decided(session, owner, trip.id, Decision.LATER)


def _decided(
    session: Session, owner: User, trip_id: uuid.UUID | None, decision: Decision
) -> list[tuple[uuid.UUID, str]]:
    on_trip = DECISION.c.trip_id.is_(None) if trip_id is None else DECISION.c.trip_id == trip_id
    query = (
        select(CONTACT.c.id, CONTACT.c.display_name)
        .join(DECISION, DECISION.c.contact_id == CONTACT.c.id)
        .where(DECISION.c.owner_id == owner.id, on_trip, DECISION.c.decision == decision.value)
        .order_by(CONTACT.c.sort_key)
    )
    return [(cid, name) for cid, name in session.execute(query)]


def accept(session: Session, *, owner: User, contact: Contact, leg: TripLeg | None) -> Meeting:
    """Turn a suggestion into a proposed coffee meeting on the leg (time and venue come on
    the meeting's page); a contact known only online is now "contacted"."""
    return create_meeting(session, owner=owner, contacts=[contact], leg=leg, data=MeetingInput())


def withdraw(session: Session, *, meeting: Meeting) -> None:
    """Take back a proposed meeting (it was never sent to anyone): it is deleted."""
    if meeting.status != MeetingStatus.PROPOSED.value or meeting.sent_sequence is not None:
        raise TripError("only a proposed meeting nobody was invited to can be withdrawn")
    session.delete(meeting)
    session.flush()
