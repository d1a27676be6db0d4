"""Reading a get-together: whom to invite from a region, and the answer matrix.

Decisions:
- The region's people are ranked exactly as on a trip (``planner.matching`` through
  ``planner.trips.service``: shared topics, never met, distance, mutual follows, a fresh
  connection), with the get-together's topics in place of the user's own (the user's own
  when it names none). People who share none of those topics come after all who share one,
  whatever their score: a get-together about a topic is for the people of that topic.
- Everyone in the radius is scored (``candidates_near``), not the bounded trip ranking: a
  region holds hundreds, not the 100,000 a trip's bound is built for, and the "sharing
  first" order is not what the bound keeps.
"""

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, and_, select, type_coerce
from sqlmodel import Session, col

from planner.cache import BoundedCache
from planner.contacts.service import contacts_version
from planner.db import table_of
from planner.matching import Suggestion, Weights, rank
from planner.models import Contact, User
from planner.models.gathering import (
    AnswerValue,
    Gathering,
    GatheringAnswer,
    GatheringInvitee,
    GatheringOption,
)
from planner.trips import suggest as trips
from planner.trips.suggest import MatchContext

INVITEE = table_of(GatheringInvitee)
ANSWER = table_of(GatheringAnswer)
CONTACT = table_of(Contact)
USERS = table_of(User)
ANSWER_VALUES = tuple(v.value for v in AnswerValue)
CSRF_PLACEHOLDER = "__csrf_token__"


def topic_context(context: MatchContext, topics: Sequence[str]) -> MatchContext:
    """The trip ranking's context with the get-together's topics as "the user's"."""
    names = [t.strip() for t in topics if t and t.strip()]
    if not names:
        return context
    vocabulary = context.vocabulary
    keys = vocabulary.topics_of(topics=names, texts=())
    labels = {vocabulary.canonical(name): name for name in names}
    return replace(context, user_topics=keys, user_labels=labels, rarity=None)


def region_context(
    session: Session, *, owner: User, locale: str, weights: Weights, topics: Sequence[str]
) -> MatchContext:
    """What ranking the region needs: the trip's context with the get-together's topics."""
    context = trips.match_context(session, owner=owner, locale=locale, weights=weights)
    return topic_context(context, topics)


def shares_a_topic(suggestion: Suggestion) -> bool:
    return any(reason.code == "topics" for reason in suggestion.reasons)


def rank_region(
    session: Session,
    *,
    owner: User,
    lat: float,
    lon: float,
    radius_km: float,
    place: str,
    context: MatchContext,
    limit: int,
    exclude: set[uuid.UUID] | None = None,
) -> list[Suggestion]:
    """The ``limit`` best people within ``radius_km`` of the place, ranked as on a trip,
    those sharing a topic of ``context`` first."""
    candidates = trips.candidates_near(
        session,
        owner=owner,
        lat=lat,
        lon=lon,
        radius_km=radius_km,
        context=context,
        exclude=exclude or set(),
    )
    if not candidates:
        return []
    ranked = rank(
        candidates,
        place=place,
        radius_km=radius_km,
        user_topics=context.user_topics,
        rarity=trips._rarity(session, owner=owner, context=context),
        today=context.today,
        weights=context.weights,
        limit=len(candidates),
    )
    ranked.sort(key=lambda s: not shares_a_topic(s))  # stable: the score order stays within
    return ranked[:limit]


# --- the answer matrix ----------------------------------------------------------------


@dataclass(frozen=True)
class OptionCount:
    option: GatheringOption
    yes: int
    maybe: int
    no: int


@dataclass(frozen=True)
class InviteeView:
    """What the matrix shows of an invitee (read as plain columns, not ORM rows)."""

    id: uuid.UUID
    revoked: bool
    language: str
    name: str | None
    comment: str | None
    answered_at: datetime | None
    attended: bool | None
    missed_last: bool


@dataclass(frozen=True)
class ContactView:
    id: uuid.UUID
    display_name: str
    first_name: str | None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class InviteeRow:
    invitee: InviteeView
    contact: ContactView
    answers: dict[uuid.UUID, str]  # option id -> yes | maybe | no
    values: tuple[str | None, ...]  # the answer to each option, in time order

    @property
    def answered(self) -> bool:
        return self.invitee.answered_at is not None

    @property
    def first_name(self) -> str:
        """What other invitees may see: the name signed, else the first name."""
        name = self.invitee.name or self.contact.first_name or self.contact.display_name
        return name.split()[0] if name.split() else name


@dataclass(frozen=True)
class Matrix:
    gathering: Gathering
    options: list[OptionCount]  # in time order
    rows: list[InviteeRow]  # invitees by name

    @property
    def best_first(self) -> list[OptionCount]:
        """Most yes, then most if-need-be, then fewest no, then earliest."""
        return sorted(self.options, key=lambda c: (-c.yes, -c.maybe, c.no, c.option.starts_at))

    @property
    def waiting(self) -> list[InviteeRow]:
        return [r for r in self.rows if not r.answered and not r.invitee.revoked]

    def chosen(self) -> GatheringOption | None:
        for count in self.options:
            if count.option.id == self.gathering.chosen_option_id:
                return count.option
        return None


@dataclass(frozen=True)
class Centre:
    """Where the people coming to a date live, on average: "meet halfway" for a region."""

    lat: float
    lon: float
    near: str | None  # the nearest town, when the gazetteer knows one within 25 km
    people: int


def centre_of(table: Matrix, option: GatheringOption) -> Centre | None:
    """The centre of those (placed) who said yes or if need be to ``option``."""
    points = [
        (row.contact.lat, row.contact.lon)
        for row in table.rows
        if not row.invitee.revoked
        and row.answers.get(option.id) in (AnswerValue.YES.value, AnswerValue.MAYBE.value)
        and row.contact.lat is not None
        and row.contact.lon is not None
    ]
    if not points:
        return None
    lat = sum(p[0] for p in points if p[0] is not None) / len(points)
    lon = sum(p[1] for p in points if p[1] is not None) / len(points)
    from planner.places.service import gazetteer, gazetteer_ready

    place = gazetteer().nearest(lat, lon, within_km=25) if gazetteer_ready() else None
    return Centre(round(lat, 5), round(lon, 5), place.city if place else None, len(points))


def options_of(session: Session, *, gathering: Gathering) -> list[GatheringOption]:
    return list(
        session.scalars(
            select(GatheringOption)
            .where(col(GatheringOption.gathering_id) == gathering.id)
            .order_by(col(GatheringOption.starts_at), col(GatheringOption.id))
        )
    )


def _raw_keys(ids: list[uuid.UUID]) -> dict[Any, int]:
    """Index of each id by every form a driver gives it (hex text on SQLite, UUID or text
    with dashes on PostgreSQL): converting a thousand answers' ids costs more than the rest."""
    keys: dict[Any, int] = {}
    for index, ident in enumerate(ids):
        keys.update({ident: index, ident.hex: index, str(ident): index})
    return keys


def matrix(session: Session, *, gathering: Gathering) -> Matrix:
    """Every option with its counts and every invitee with their answers (three queries,
    plain columns: the page shows hundreds of invitees times a dozen options)."""
    options = options_of(session, gathering=gathering)
    people = session.execute(
        select(
            type_coerce(INVITEE.c.id, String()).label("raw_id"),
            INVITEE.c.id,
            INVITEE.c.revoked,
            INVITEE.c.language,
            INVITEE.c.name,
            INVITEE.c.comment,
            INVITEE.c.answered_at,
            INVITEE.c.attended,
            INVITEE.c.missed_last,
            CONTACT.c.id.label("contact_id"),
            CONTACT.c.display_name,
            CONTACT.c.first_name,
            CONTACT.c.lat,
            CONTACT.c.lon,
        )
        .join(CONTACT, CONTACT.c.id == INVITEE.c.contact_id)
        .where(INVITEE.c.gathering_id == gathering.id)
        .order_by(CONTACT.c.sort_key, CONTACT.c.id)
    ).all()
    by_raw = {str(p.raw_id): index for index, p in enumerate(people)}
    values: list[list[str | None]] = [[None] * len(options) for _ in people]
    if options and people:
        option_index = _raw_keys([o.id for o in options])
        rows = session.execute(
            select(
                type_coerce(ANSWER.c.invitee_id, String()),
                type_coerce(ANSWER.c.option_id, String()),
                ANSWER.c.value,
            )
            .join(INVITEE, INVITEE.c.id == ANSWER.c.invitee_id)
            .where(INVITEE.c.gathering_id == gathering.id)
        ).all()  # one fetchall: a thousand fetchone calls cost more than the query
        for invitee_id, option_id, value in rows:
            at = by_raw.get(str(invitee_id))
            column = option_index.get(option_id)
            if column is None:
                column = option_index.get(str(option_id))
            if at is not None and column is not None:
                values[at][column] = value
    tally = [dict.fromkeys(ANSWER_VALUES, 0) for _ in options]
    for person, said in zip(people, values, strict=True):
        if not person.revoked:  # a revoked link's answers no longer count
            for index, value in enumerate(said):
                if value is not None:
                    tally[index][value] += 1
    counts = [
        OptionCount(
            option, t[AnswerValue.YES.value], t[AnswerValue.MAYBE.value], t[AnswerValue.NO.value]
        )
        for option, t in zip(options, tally, strict=True)
    ]
    rows_out = []
    for person, said in zip(people, values, strict=True):
        rows_out.append(
            InviteeRow(
                InviteeView(
                    person.id,
                    bool(person.revoked),
                    person.language,
                    person.name,
                    person.comment,
                    person.answered_at,
                    person.attended,
                    bool(person.missed_last),
                ),
                ContactView(
                    person.contact_id,
                    person.display_name,
                    person.first_name,
                    person.lat,
                    person.lon,
                ),
                {o.id: v for o, v in zip(options, said, strict=True) if v is not None},
                tuple(said),
            )
        )
    return Matrix(gathering, counts, rows_out)


def list_gatherings(session: Session, *, owner: User) -> list[Gathering]:
    return list(
        session.scalars(
            select(Gathering)
            .where(col(Gathering.owner_id) == owner.id)
            .order_by(col(Gathering.created_at).desc())
        )
    )


def local_day(moment: datetime, zone_name: str) -> date:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone_name)).date()


# --- the invitee's answer page --------------------------------------------------------


@dataclass(frozen=True)
class AnswerPage:
    """What one invitee's page shows: never anyone's address; others' first names and
    answers only when the organiser allows it."""

    options: list[GatheringOption]
    own: dict[uuid.UUID, str]  # option id -> the invitee's answer
    first_name: str | None
    others: list[InviteeRow]
    chosen: GatheringOption | None
    organiser: str
    open: bool
    closes: datetime | None
    # The zone of the invitee's city when its clocks differ from the place's on a date
    # asked about (the options are shown in it too); None otherwise.
    own_zone: str | None = None


@lru_cache(maxsize=4096)
def _city_zone(gazetteer_file: str, city: str) -> str | None:
    """The zone of the city a contact's city text names (None: no city or zone)."""
    from planner.meetings.service import is_zone
    from planner.places.service import city_of

    place = city_of(city)
    if place is not None and place.timezone and is_zone(place.timezone):
        return place.timezone
    return None


def own_zone(city: str | None, gathering: Gathering, options: list[GatheringOption]) -> str | None:
    """The invitee's zone (by the city of their contact) when a date asked about reads
    differently there than at the place; never builds the gazetteer inside a request."""
    from planner.places.service import gazetteer_path, gazetteer_ready

    if not city or not options or not gazetteer_ready():
        return None
    zone = _city_zone(str(gazetteer_path()), city)
    if zone is None or zone == gathering.timezone:
        return None
    here, there = ZoneInfo(gathering.timezone), ZoneInfo(zone)
    differs = any(
        o.starts_at.astimezone(here).utcoffset() != o.starts_at.astimezone(there).utcoffset()
        for o in options
    )
    return zone if differs else None


def answer_page(session: Session, *, invitee: GatheringInvitee, gathering: Gathering) -> AnswerPage:
    from planner.gatherings import service

    # the options with this invitee's answers, and the two names shown: two statements
    rows = session.execute(
        select(GatheringOption, ANSWER.c.value)
        .outerjoin(
            ANSWER,
            and_(
                ANSWER.c.option_id == col(GatheringOption.id),
                ANSWER.c.invitee_id == invitee.id,
            ),
        )
        .where(col(GatheringOption.gathering_id) == gathering.id)
        .order_by(col(GatheringOption.starts_at), col(GatheringOption.id))
    ).all()
    options = [option for option, _ in rows]
    first_name, city, organiser = session.execute(
        select(
            select(CONTACT.c.first_name)
            .where(CONTACT.c.id == invitee.contact_id)
            .scalar_subquery(),
            select(CONTACT.c.city).where(CONTACT.c.id == invitee.contact_id).scalar_subquery(),
            select(USERS.c.display_name).where(USERS.c.id == gathering.owner_id).scalar_subquery(),
        )
    ).one()
    others: list[InviteeRow] = []
    if gathering.show_answers:  # the whole matrix only when it is shown
        own_id = invitee.id
        others = [
            row
            for row in matrix(session, gathering=gathering).rows
            if row.answered and not row.invitee.revoked and row.invitee.id != own_id
        ]
    return AnswerPage(
        options=options,
        own={option.id: value for option, value in rows if value is not None},
        first_name=first_name,
        others=others,
        chosen=next((o for o in options if o.id == gathering.chosen_option_id), None),
        organiser=organiser or "",
        open=service.open_for_answers(gathering),
        closes=service.answers_close_at(gathering),
        own_zone=own_zone(city, gathering, options),
    )


# --- the organiser's page, kept per version -------------------------------------------

# The organiser page's body per version of everything it shows, per worker process: 200
# invitees times 10 options is 2,000 cells, far more often read than changed. As the trip
# page (``planner.trips.cache.page``): never invalidated, a change makes a new key.
PAGES: BoundedCache[tuple[Any, ...], str] = BoundedCache(128)


def organiser_key(
    session: Session, *, owner: User, gathering: Gathering, locale: str, zone: str, now: datetime
) -> tuple[Any, ...]:
    """Everything the page depends on: the get-together's own change stamp (every invite,
    answer, revocation, fix and attendance touches ``updated_at``), the owner's contacts
    (names), the language and clock of the reader, and whether the evening has begun."""
    newest, renamed = contacts_version(session, owner=owner)
    chosen = (
        session.get(GatheringOption, gathering.chosen_option_id)
        if gathering.chosen_option_id
        else None
    )
    begun = chosen is not None and chosen.starts_at <= now
    return (
        gathering.id,
        gathering.updated_at,
        gathering.status,
        gathering.sequence,
        gathering.venue,
        gathering.venue_lat,
        gathering.venue_lon,
        newest,
        renamed,
        locale,
        zone,
        begun,
    )


def organiser_page(key: tuple[Any, ...], *, render: Callable[[str], str], csrf_token: str) -> str:
    """The page body for ``key``: ``render(placeholder)`` once, the request's CSRF token put
    in on every call."""
    html = PAGES.get(key)
    if html is None:
        html = render(CSRF_PLACEHOLDER)
        PAGES.put(key, html)
    return html.replace(CSRF_PLACEHOLDER, csrf_token)
