"""The start page: whom to see next, in one view model (issue 22).

What it shows, each bounded so the page stays fast at 100,000 contacts: follow-ups due; the
next trip with its best suggestions (from the trip's cached plan); meetings coming up;
people known online for over a year who live near the user and were never met (by the
``(owner, lat, lon, stage, …)`` index, oldest connection first); recent imports; and what
other features add (``register``: get-togethers with open answers).

The page is read far more often than anything on it changes, so its body is kept as HTML per
worker process (``start_page_html``), keyed by everything it shows (``page_key``: one
statement of counts and newest stamps per table, each read by index) and fresh only until
the first moment time alone changes it (``fresh_until``: midnight, the end of a meeting or
trip shown, an import leaving the last 30 days). Registered blocks are not kept: they are
computed on every request and put in where the body leaves their place.
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select
from sqlmodel import Session

from planner.cache import BoundedCache
from planner.contacts.service import contacts_version
from planner.db import table_of
from planner.geo.distance import points_within
from planner.models import (
    Contact,
    ImportBatch,
    Meeting,
    MeetingStatus,
    Stage,
    TopicVocabulary,
    Trip,
    User,
    UserTopic,
)
from planner.models.relationship import FollowUp, FollowUpStatus
from planner.relationships import service as relationships

COMING_UP = 5
LONG_ONLINE = timedelta(days=365)
NEAR_KM = 30.0

RECENT_IMPORTS = timedelta(days=30)

CONTACT = table_of(Contact)
USERS = table_of(User)
FOLLOW_UP = table_of(FollowUp)
MEETING = table_of(Meeting)
TRIP = table_of(Trip)
VOCABULARY = table_of(TopicVocabulary)
TOPIC = table_of(UserTopic)
IMPORT = table_of(ImportBatch)

Key = tuple[Any, ...]
# Where the body leaves room for the CSRF token and for the registered blocks.
CSRF_PLACEHOLDER = "__csrf_token__"
BLOCKS_PLACEHOLDER = "<!--start-page-blocks-->"

# Contacts per stage, per worker process, by the state of all the user's contacts: a count
# over 100,000 contacts is most of the page otherwise (see bench/dashboard.py).
_COUNTS: BoundedCache[tuple[Any, ...], dict[str, int]] = BoundedCache(256)
# The page's body as HTML and until when time alone leaves it right, by ``page_key``.
PAGES: BoundedCache[Key, tuple[str, datetime]] = BoundedCache(256)
_KEY_STATEMENTS: dict[tuple[str, ...], "_KeyQuery"] = {}


def clear() -> None:
    """Empty the caches (tests and benchmarks)."""
    _COUNTS.clear()
    PAGES.clear()


# Features that add a block to the start page: (session, owner, now) -> items or None.
Block = Callable[[Session, User, datetime], Any]
_BLOCKS: dict[str, Block] = {}


def register(name: str, block: Block) -> None:
    _BLOCKS[name] = block


@dataclass(frozen=True)
class OnlineNear:
    contact_id: uuid.UUID
    display_name: str
    city: str | None
    since: date


@dataclass
class StartPage:
    counts: dict[str, int]
    followups: list[relationships.DueItem]
    followups_due: int
    meetings: list[Meeting]
    names: dict[uuid.UUID, list[Contact]]
    trips: list[Trip]
    next_trip: Trip | None
    next_trip_suggestions: list[Any]  # (TripLeg, Suggestion, reasons), best first
    online_near: list[OnlineNear]
    recent: list[Contact]
    imports: list[Any]
    blocks: dict[str, Any] = field(default_factory=dict)


def online_near(
    session: Session, *, owner: User, today: date, limit: int = COMING_UP
) -> list[OnlineNear]:
    """Never met, known online for over a year, living within ``NEAR_KM`` of home."""
    if owner.home_lat is None or owner.home_lon is None:
        return []
    from planner.places.service import box_conditions

    rows = session.execute(
        select(
            CONTACT.c.id,
            CONTACT.c.display_name,
            CONTACT.c.city,
            CONTACT.c.first_connected,
            CONTACT.c.lat,
            CONTACT.c.lon,
        )
        .where(
            *box_conditions(owner.id, owner.home_lat, owner.home_lon, NEAR_KM),
            CONTACT.c.stage == Stage.ONLINE.value,
            CONTACT.c.first_connected <= today - LONG_ONLINE,
        )
        .order_by(CONTACT.c.first_connected, CONTACT.c.id)
        .limit(limit * 4)  # the box's corners are farther than the radius
    ).all()
    near = points_within(
        ((row, row.lat, row.lon) for row in rows), owner.home_lat, owner.home_lon, NEAR_KM
    )
    kept = {row.id for row, _distance in near}
    return [
        OnlineNear(row.id, row.display_name, row.city, row.first_connected)
        for row in rows
        if row.id in kept
    ][:limit]


def stage_counts(session: Session, *, owner: User) -> dict[str, int]:
    """``contacts.count_contacts``, counted again only when a contact changed."""
    from planner.contacts.service import count_contacts

    version = contacts_version(session, owner=owner)
    key = (owner.id, *version)
    counts = _COUNTS.get(key)
    if counts is None:
        counts = count_contacts(session, owner=owner)
        _COUNTS.put(key, counts)
    return counts


def _next_trip_suggestions(session: Session, owner: User, trip: Trip, context: Any) -> list[Any]:
    """The trip's three best people: (leg, suggestion, reasons in words)."""
    from planner.matching import explain
    from planner.trips import suggest
    from planner.trips.wording import wording

    words = wording(context.vocabulary, context.user_labels)
    return [
        (leg, suggestion, explain(suggestion, words))
        for leg, suggestion in suggest.suggest_trip(
            session, owner=owner, trip=trip, context=context, limit=3
        )
    ]


def start_page(
    session: Session,
    *,
    owner: User,
    now: datetime,
    context: Callable[[], Any] | None = None,
    lease_time: timedelta = timedelta(minutes=10),
    blocks: bool = True,
) -> StartPage:
    """``context``: builds the trip ranking's match context (only when a trip is ahead);
    ``blocks``: False leaves the registered blocks out (``start_page_html`` adds them)."""
    from planner.contacts import service as contacts
    from planner.imports.history import import_history
    from planner.meetings import service as meetings
    from planner.trips import service as trips

    planned = (MeetingStatus.PROPOSED.value, MeetingStatus.CONFIRMED.value)
    upcoming = [
        m
        for m in meetings.list_meetings(session, owner=owner)
        if m.status in planned and (m.starts_at is None or m.ends_at is None or m.ends_at >= now)
    ][:COMING_UP]
    ahead = [
        t
        for t in trips.list_trips(session, owner=owner)
        # legs come by arrival and never overlap: the last one departs last
        if t.legs and t.legs[-1].departs_at >= now
    ][:COMING_UP]
    next_trip = ahead[0] if ahead else None
    best = (
        _next_trip_suggestions(session, owner, next_trip, context())
        if next_trip is not None and context is not None
        else []
    )
    today = relationships.today_of(owner, now)
    imports = [
        entry
        for entry in import_history(session, owner=owner, lease_time=lease_time, limit=3)
        if entry.batch.created_at >= now - RECENT_IMPORTS
    ]
    return StartPage(
        counts=stage_counts(session, owner=owner),
        followups=relationships.open_followups(
            session, owner=owner, due_by=today, limit=COMING_UP, now=now
        ),
        followups_due=relationships.count_due(session, owner=owner, now=now),
        meetings=upcoming,
        names=meetings.attendees_by_meeting(
            session, owner=owner, meeting_ids=[m.id for m in upcoming]
        ),
        trips=ahead,
        next_trip=next_trip,
        next_trip_suggestions=best,
        online_near=online_near(session, owner=owner, today=today),
        recent=list(contacts.recent_contacts(session, owner=owner)),
        imports=imports,
        blocks=registered_blocks(session, owner=owner, now=now) if blocks else {},
    )


def registered_blocks(session: Session, *, owner: User, now: datetime) -> dict[str, Any]:
    """What the features that ``register``ed a block show now (computed on every request)."""
    return {name: block(session, owner, now) for name, block in _BLOCKS.items()}


# --- the page kept as HTML ---------------------------------------------------------------


def _joined(column: Any, dialect: str) -> Any:
    """All values of ``column`` in one text (the order as the database finds them). Not
    ``func.aggregate_strings``: its separator is a parameter put in on every execution."""
    if dialect == "postgresql":
        return func.string_agg(column, literal_column("','"))
    return func.group_concat(column, literal_column("','"))


@dataclass(frozen=True)
class _KeyQuery:
    """``page_key``'s statement as the driver takes it: building and compiling it costs
    more than running it, and so would SQLAlchemy's cache key of its 25 subqueries."""

    sql: str
    names: tuple[str, ...] | None  # the parameters' order (positional drivers)
    params: dict[str, Any]  # the constants, converted for the driver
    convert: dict[str, Callable[[Any], Any]]  # owner_id, today: for the driver

    def parameters(self, owner_id: uuid.UUID, today: date) -> Any:
        values = {
            **self.params,
            "owner_id": self.convert["owner_id"](owner_id),
            "today": self.convert["today"](today),
        }
        return values if self.names is None else tuple(values[name] for name in self.names)


def _key_query(session: Session) -> _KeyQuery:
    """``page_key``'s statement for this database, built once per kind of database and set
    of the trip ranking's stamps: parameters ``owner_id`` and ``today``."""
    from planner.trips import cache as trip_cache

    dialect = session.get_bind().dialect
    names = (dialect.name, *trip_cache.stamp_names())
    query = _KEY_STATEMENTS.get(names)
    if query is None:
        query = _compiled(_key_statement(dialect.name, names[1:]), dialect)
        _KEY_STATEMENTS[names] = query
    return query


def _compiled(statement: Any, dialect: Any) -> _KeyQuery:
    compiled = statement.compile(dialect=dialect)

    def converter(name: str) -> Callable[[Any], Any]:
        process = compiled.binds[name].type.bind_processor(dialect)
        return process or (lambda value: value)

    params = {
        name: converter(name)(value)
        for name, value in compiled.params.items()
        if name not in ("owner_id", "today")
    }
    order = tuple(compiled.positiontup) if compiled.positional else None
    convert = {name: converter(name) for name in ("owner_id", "today")}
    return _KeyQuery(str(compiled), order, params, convert)


def _newest(column: Any, *where: Any) -> Any:
    """The newest value of ``column`` (None if none), read from an index on it."""
    return select(column).where(*where, column.is_not(None)).order_by(column.desc()).limit(1)


def _key_statement(dialect: str, stamps: Sequence[str]) -> Any:
    """The statement: every stamp of the page as a scalar subquery."""
    from planner.trips import cache as trip_cache

    mine: Any = bindparam("owner_id")
    follow_up = FOLLOW_UP.c.owner_id == mine
    open_ = (follow_up, FOLLOW_UP.c.status == FollowUpStatus.OPEN.value)
    due = (*open_, FOLLOW_UP.c.due <= bindparam("today"))
    imports = IMPORT.c.owner_id == mine
    queries = [
        select(USERS.c.contacts_changed_at).where(USERS.c.id == mine),
        # the newest, first and last by an index's order, not max() or min(): PostgreSQL
        # without fresh statistics (after a large import) takes any index with the owner
        # first and reads all the owner's rows for those
        _newest(CONTACT.c.updated_at, CONTACT.c.owner_id == mine),
        _newest(FOLLOW_UP.c.created_at, follow_up),
        _newest(FOLLOW_UP.c.done_at, follow_up),
        select(func.count()).select_from(FOLLOW_UP).where(*due),
        select(FOLLOW_UP.c.due).where(*open_).order_by(FOLLOW_UP.c.due).limit(1),
        select(FOLLOW_UP.c.due).where(*due).order_by(FOLLOW_UP.c.due.desc()).limit(1),
        select(func.count()).select_from(MEETING).where(MEETING.c.owner_id == mine),
        select(func.max(MEETING.c.updated_at)).where(MEETING.c.owner_id == mine),
        select(func.count()).select_from(TRIP).where(TRIP.c.owner_id == mine),
        select(func.max(TRIP.c.updated_at)).where(TRIP.c.owner_id == mine),
        select(VOCABULARY.c.updated_at).where(VOCABULARY.c.owner_id == mine),
        select(_joined(TOPIC.c.name, dialect)).where(TOPIC.c.owner_id == mine),
        select(func.count()).select_from(IMPORT).where(imports),
        select(func.max(IMPORT.c.created_at)).where(imports),
        select(_joined(IMPORT.c.status, dialect)).where(imports),
        select(func.sum(IMPORT.c.progress)).where(imports),
        select(func.max(IMPORT.c.finished_at)).where(imports),
    ]
    columns = [query.scalar_subquery() for query in queries]
    # the trip ranking's stamps (decisions, meetings, events on the way, ...): what else the
    # next trip's suggestions depend on, in the same statement
    for name in stamps:
        columns.extend(trip_cache._STAMPS[name](mine))  # its registry: no public reader
    return select(*columns)


def page_key(
    session: Session, *, owner: User, today: date, locale: str, zone: str, weights: Any
) -> Key:
    """Everything the page's body shows, read in one statement (``_key_query``): the state
    of all contacts (counts, newest, people near home, names everywhere); follow-ups (the
    newest made and the last done or dismissed, by index; how many due by ``today``, the
    first open and the last due day: a snoozed one leaves the due ones); meetings and trips
    (how many, last change: a leg changed changes its trip); the synonym table and the
    user's topics; imports (how many, newest, states, progress); the trip ranking's stamps
    (decisions, meetings, events); then the reader: home, zones, language, weights, day.
    Equal keys, equal bodies (until ``fresh_until``)."""
    query = _key_query(session)
    stamps = (
        session.connection().exec_driver_sql(query.sql, query.parameters(owner.id, today)).one()
    )
    return (
        owner.id,
        *stamps,
        owner.home_city,
        owner.home_lat,
        owner.home_lon,
        str(relationships.home_zone(owner)),
        zone,
        locale,
        weights,
        today,
    )


def fresh_until(page: StartPage, *, owner: User, now: datetime) -> datetime:
    """The first moment time alone changes the page: midnight at home (due, overdue, known
    for a year) or in UTC (the trip ranking's day), the end of a meeting or trip shown, an
    import shown turning 30 days old."""
    today = relationships.today_of(owner, now)
    moments = [
        relationships.start_of_day(today + timedelta(days=1), relationships.home_zone(owner)),
        datetime.combine(now.astimezone(UTC).date() + timedelta(days=1), time(0), tzinfo=UTC),
        *(m.ends_at for m in page.meetings if m.starts_at is not None and m.ends_at is not None),
        *(trip.legs[-1].departs_at for trip in page.trips),
        *(entry.batch.created_at + RECENT_IMPORTS for entry in page.imports),
    ]
    # shown while ``moment >= now``: gone from the first instant after it
    return min(moments) + timedelta(microseconds=1)


def start_page_html(
    session: Session,
    *,
    owner: User,
    now: datetime,
    locale: str,
    zone: str,
    weights: Any,
    render: Callable[[StartPage], str],
    context: Callable[[], Any] | None = None,
    lease_time: timedelta = timedelta(minutes=10),
) -> str:
    """The page's body: ``render(page)`` (with ``CSRF_PLACEHOLDER`` for the token and
    ``BLOCKS_PLACEHOLDER`` where the registered blocks go, filled by ``fill``), kept by
    ``page_key`` until ``fresh_until``."""
    today = relationships.today_of(owner, now)
    key = page_key(session, owner=owner, today=today, locale=locale, zone=zone, weights=weights)
    kept = PAGES.get(key)
    if kept is None or now >= kept[1]:
        page = start_page(
            session, owner=owner, now=now, context=context, lease_time=lease_time, blocks=False
        )
        kept = (render(page), fresh_until(page, owner=owner, now=now))
        PAGES.put(key, kept)
    return kept[0]


def fill(html: str, *, csrf_token: Callable[[], str], blocks: Callable[[], str]) -> str:
    """The kept body with this request's CSRF token and registered blocks put in."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, csrf_token())
    if BLOCKS_PLACEHOLDER in html:
        html = html.replace(BLOCKS_PLACEHOLDER, blocks() if _BLOCKS else "")
    return html
