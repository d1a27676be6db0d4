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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from planner.matching import Suggestion, Weights, rank
from planner.models import Contact, User
from planner.models.gathering import (
    AnswerValue,
    Gathering,
    GatheringAnswer,
    GatheringInvitee,
    GatheringOption,
)

try:  # the trip ranking moves from trips.service to trips.suggest (another change, in flight)
    from planner.trips import suggest as trips
except ImportError:  # pragma: no cover
    from planner.trips import service as trips  # type: ignore[no-redef]

MatchContext = trips.MatchContext


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
class InviteeRow:
    invitee: GatheringInvitee
    contact: Contact
    answers: dict[uuid.UUID, str]  # option id -> yes | maybe | no

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


def options_of(session: Session, *, gathering: Gathering) -> list[GatheringOption]:
    return list(
        session.scalars(
            select(GatheringOption)
            .where(col(GatheringOption.gathering_id) == gathering.id)
            .order_by(col(GatheringOption.starts_at), col(GatheringOption.id))
        )
    )


def matrix(session: Session, *, gathering: Gathering) -> Matrix:
    """Every option with its counts and every invitee with their answers (three queries)."""
    options = options_of(session, gathering=gathering)
    pairs = session.execute(
        select(GatheringInvitee, Contact)
        .join(Contact, col(Contact.id) == col(GatheringInvitee.contact_id))
        .where(col(GatheringInvitee.gathering_id) == gathering.id)
        .order_by(col(Contact.sort_key), col(Contact.id))
    ).all()
    answers: dict[uuid.UUID, dict[uuid.UUID, str]] = {}
    if options:
        rows = session.execute(
            select(
                col(GatheringAnswer.invitee_id),
                col(GatheringAnswer.option_id),
                col(GatheringAnswer.value),
            ).where(col(GatheringAnswer.option_id).in_([o.id for o in options]))
        )
        for invitee_id, option_id, value in rows:
            answers.setdefault(invitee_id, {})[option_id] = value
    revoked = {invitee.id for invitee, _ in pairs if invitee.revoked}
    counts = []
    for option in options:
        said = [
            a[option.id]
            for invitee_id, a in answers.items()
            if option.id in a and invitee_id not in revoked
        ]
        counts.append(
            OptionCount(
                option,
                said.count(AnswerValue.YES.value),
                said.count(AnswerValue.MAYBE.value),
                said.count(AnswerValue.NO.value),
            )
        )
    return Matrix(
        gathering,
        counts,
        [InviteeRow(invitee, contact, answers.get(invitee.id, {})) for invitee, contact in pairs],
    )


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
