"""Whom to meet: the ranked suggestions of a leg, a trip and the home city.

A suggestion run reads only the contacts of a leg whose score can still reach the list
(``planner.trips.ranking`` bounds every contact's score inside one index): their place,
stage, interests restricted to the user's own topics, mutual follows and earliest
connection date, in one statement; everything else (scoring, reasons) is
``planner.matching``. ``candidates_near`` still reads everyone in reach.

Trips, legs and the decisions on suggestions are ``planner.trips.service``; this module
reads them and writes nothing.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from heapq import nlargest
from typing import Any

from sqlalchemy import String, case, cast, func, null, or_, select, true, type_coerce
from sqlmodel import Session

from planner.contacts.service import contacts_version
from planner.db import owned_rows, table_of
from planner.geo.distance import points_within
from planner.matching import (
    Candidate,
    Suggestion,
    Weights,
    rank,
    topic_rarity,
    total_points,
)
from planner.models import (
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    SuggestionDecision,
    Trip,
    TripLeg,
    User,
)
from planner.models.types import utcnow
from planner.places.service import box_conditions
from planner.topics import Vocabulary
from planner.trips import cache, ranking
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
from planner.trips.service import home_place, meetings_on_legs

DECISION = table_of(SuggestionDecision)
MEETING = table_of(Meeting)
ATTENDEE = table_of(MeetingAttendee)

AROUND_RADIUS_KM = 50.0
SUGGESTIONS_PER_LEG = 20


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
    version = contacts_version(session, owner=owner)
    return MatchContext(
        vocabulary,
        changed,
        keys,
        labels,
        weights,
        today or utcnow().date(),
        locale,
        version,
    )


def _rarity(session: Session, *, owner: User, context: MatchContext) -> dict[str, float]:
    if context.rarity is not None:
        return context.rarity
    key = cache.rarity_key(owner.id, context)
    rarity = cache.RARITY.get(key)
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
        cache.RARITY.put(key, rarity)
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
    raw_id = type_coerce(CONTACT.c.id, String()).label("id")
    stale = case((stale_sql, 1), else_=0).label("stale")  # type: ignore[arg-type]
    columns = [raw_id, CONTACT.c.lat, CONTACT.c.lon, CONTACT.c.stage, CONTACT.c.last_met, stale]
    # the few that can reach the floor: their ties read in the same statement
    columns.extend(_NO_TIES if floor is None else _tie_columns(session, context))
    # Each row is unpacked by name where it is read: "contact_id, lat, lon, stage, last_met,
    # stale, connected, mutual, topics", the labels above; as fast as row[i], while
    # row.lat costs a Python call per column and row.
    rows = session.execute(select(*columns).where(*box)).all()
    if not rows:
        return []
    excluded = {u.hex for u in exclude} | {str(u) for u in exclude} | set(exclude)
    near = points_within(_located(rows, excluded), lat, lon, radius_km)
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
        contact_id, _lat, _lon, stage, last_met, _stale, _connected, _mutual, _topics = row
        shared = topics.get(contact_id)
        result.append(
            Candidate(
                contact_id=contact_id,
                display_name="",
                distance_km=distance,
                topics=frozenset(shared) if shared else no_topics,
                stage=stage,
                last_met=last_met,
                connected_on=connected.get(contact_id),
                mutual_networks=tuple(mutual.get(contact_id, ())),
            )
        )
    return result


def _located(rows: Sequence[Any], excluded: set[Any]) -> Iterator[tuple[Any, float, float]]:
    """(row, lat, lon) of the reach rows whose contact is not excluded."""
    for row in rows:
        contact_id, lat, lon, _stage, _last_met, _stale, _connected, _mutual, _topics = row
        if contact_id not in excluded:
            yield row, lat, lon


_SEPARATOR = "\x1f"  # between the topic keys of one contact (keys never hold it)
_NO_TIES = [null().label("connected"), null().label("mutual"), null().label("topics")]


def _tie_columns(session: Session, context: MatchContext) -> list[Any]:
    """Per contact row: its earliest connection date (``connected``), its mutual follows
    as "id:network" (``mutual``) and its keys among the user's topics (``topics``; NULL
    when the user has none), each list joined by ``_SEPARATOR``."""

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
    topics: Any = null()
    if context.user_topics:
        topics = (
            select(joined(INTEREST.c.key))
            .where(INTEREST.c.contact_id == CONTACT.c.id, INTEREST.c.key.in_(context.user_topics))
            .scalar_subquery()
        )
    return [connected.label("connected"), mutual.label("mutual"), topics.label("topics")]


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
        contact_id, _lat, _lon, _stage, _last_met, _stale, connected_on, following, keys = row
        if connected_on is not None:
            connected[contact_id] = connected_on
        if following:
            accounts = sorted(
                (int(account), network)
                for account, network in (item.split(":", 1) for item in following.split(_SEPARATOR))
            )
            mutual[contact_id] = list(dict.fromkeys(network for _, network in accounts))
        if keys:
            topics[contact_id] = set(keys.split(_SEPARATOR))
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
    by_text: dict[str, Any] = {}  # the driver's id form, by its text
    for row in rows:
        contact_id, _lat, _lon, _stage, _last_met, stale, _connected, _mutual, _topics = row
        if stale:
            by_text[str(contact_id)] = contact_id
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
    place_key = cache.floor_key(
        owner.id, lat=lat, lon=lon, radius_km=radius_km, limit=limit, weights=context.weights
    )
    known = cache.FLOORS.get(place_key)
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
            cache.FLOORS.put(place_key, last[0])
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


def plan_key(
    session: Session, *, owner: User, trip: Trip, context: MatchContext, limit: int
) -> tuple[Any, ...]:
    """The key of the trip's plan and page (``planner.trips.cache.plan_key``)."""
    return cache.plan_key(session, owner=owner, trip=trip, context=context, limit=limit)


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
    plan = cache.PLANS.get(key)
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
        cache.PLANS.put(key, plan)
    meetings = meetings_on_legs(session, owner=owner, legs=trip.legs)
    return [LegPlan(leg, plan[leg.id], meetings.get(leg.id, [])) for leg in trip.legs]


def trip_page(
    session: Session,
    *,
    owner: User,
    trip: Trip,
    context: MatchContext,
    zone: str,
    render: Callable[[list[LegPlan], str], str],
    csrf_token: str,
    reuse: bool = True,
) -> str:
    """The trip page's body: ``render(plans, csrf)`` for the ``SUGGESTIONS_PER_LEG`` best
    per leg, kept per plan key and reader's zone (``planner.trips.cache.page``); ``reuse``
    False renders afresh and keeps nothing (a form with errors in it)."""
    limit = SUGGESTIONS_PER_LEG
    key = cache.plan_key(session, owner=owner, trip=trip, context=context, limit=limit)

    def fresh(csrf: str) -> str:
        plans = plan_trip(session, owner=owner, trip=trip, context=context, limit=limit, key=key)
        return render(plans, csrf)

    return cache.page(key, zone=zone, render=fresh, csrf_token=csrf_token, reuse=reuse)


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
