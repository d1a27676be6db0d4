"""The trips feature's caches, per worker process, and the keys that make them right.

Nothing here is ever invalidated: each key holds everything its entry depends on, so a
change makes a new key and the old entry leaves once its cache is full
(``planner.cache.BoundedCache``). Four caches:

- ``RARITY``: how rare each of the user's topics is among their contacts (two counts over
  all of a user's contacts, 20-30 ms at 100,000: the largest part of a ranking);
- ``FLOORS``: per place, the score of the last suggestion there, the first floor to try
  next time; only ever a guess, right or not the ranking is exact;
- ``PLANS``: a trip's ranked suggestions per leg;
- ``PAGES``: the trip page's body as HTML, with a placeholder where the CSRF token goes.

The trip page is read far more often than anything it depends on changes; its key
(``plan_key``) is the trip, the match context (contacts, topics, synonyms, weights,
language, day) and the user's *version stamps*.

Version stamps are the hook for anything else the trip's suggestions or page show: a
feature registers a function that, given the owner's id, returns scalar subqueries
(typically a row count and the newest id or ``updated_at`` of its rows for that owner,
both read by index). ``version_stamps`` reads every registered stamp in one statement, so
a feature joining the key costs no extra round trip. Decisions and meetings are
registered below; events on the way join the same way::

    from planner.trips.cache import plan_stamps

    @plan_stamps("events")
    def _event_stamps(owner_id):
        mine = EVENT.c.owner_id == owner_id
        return [
            select(func.count()).select_from(EVENT).where(mine).scalar_subquery(),
            select(func.max(EVENT.c.updated_at)).where(mine).scalar_subquery(),
        ]

Register at import of a module the app always loads (a feature's service, imported by its
views when ``create_app`` registers the blueprints), so every request and CLI command sees
the same stamps.
"""

import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlmodel import Session

from planner.cache import BoundedCache
from planner.db import table_of
from planner.matching import Suggestion, Weights
from planner.models import Meeting, SuggestionDecision, Trip, User

if TYPE_CHECKING:
    from planner.trips.suggest import MatchContext

DECISION = table_of(SuggestionDecision)
MEETING = table_of(Meeting)

Key = tuple[Any, ...]

RARITY: BoundedCache[Key, dict[str, float]] = BoundedCache(256)
FLOORS: BoundedCache[Key, float] = BoundedCache(1024)
PLANS: BoundedCache[Key, dict[uuid.UUID, list[Suggestion]]] = BoundedCache(256)
PAGES: BoundedCache[Key, str] = BoundedCache(256)

CSRF_PLACEHOLDER = "__csrf_token__"


def clear() -> None:
    """Empty every cache (tests and benchmarks)."""
    for cache in (RARITY, FLOORS, PLANS, PAGES):
        cache.clear()


# --- version stamps ----------------------------------------------------------------------

Stamps = Callable[[Any], Sequence[Any]]  # owner id -> scalar subqueries, one value each
_STAMPS: dict[str, Stamps] = {}


def plan_stamps(name: str) -> Callable[[Stamps], Stamps]:
    """Register ``name``'s per-user version stamps (see the module's docstring); the same
    name registered again replaces the earlier function."""

    def register(stamps: Stamps) -> Stamps:
        _STAMPS[name] = stamps
        return stamps

    return register


def stamp_names() -> list[str]:
    return sorted(_STAMPS)


def version_stamps(session: Session, *, owner_id: Any) -> Key:
    """Every registered stamp of the user, by name, read in one statement."""
    columns = [column for name in stamp_names() for column in _STAMPS[name](owner_id)]
    if not columns:
        return ()
    return tuple(session.execute(select(*columns)).one())


@plan_stamps("decisions")
def _decision_stamps(owner_id: Any) -> list[Any]:
    """Accept, dismiss, not now (and undo): how many, and the newest."""
    mine = DECISION.c.owner_id == owner_id
    return [
        select(func.count()).select_from(DECISION).where(mine).scalar_subquery(),
        select(func.max(DECISION.c.id)).where(mine).scalar_subquery(),
    ]


@plan_stamps("meetings")
def _meeting_stamps(owner_id: Any) -> list[Any]:
    """Meetings proposed, changed, cancelled or withdrawn: how many, and the last change."""
    mine = MEETING.c.owner_id == owner_id
    return [
        select(func.count()).select_from(MEETING).where(mine).scalar_subquery(),
        select(func.max(MEETING.c.updated_at)).where(mine).scalar_subquery(),
    ]


# --- keys ----------------------------------------------------------------------------------


def rarity_key(owner_id: Any, context: "MatchContext") -> Key:
    """Everything topic rarity is counted from: the user's topics, the synonym table and
    the state of all their contacts."""
    return (owner_id, context.user_topics, context.vocabulary_changed, *context.contacts_version)


def floor_key(
    owner_id: Any, *, lat: float, lon: float, radius_km: float, limit: int, weights: Weights
) -> Key:
    return (owner_id, lat, lon, radius_km, limit, weights)


def plan_key(
    session: Session, *, owner: User, trip: Trip, context: "MatchContext", limit: int
) -> Key:
    """Everything a trip's suggestions and its page depend on: the state of all contacts
    (``MatchContext.contacts_version``: edits, imports, merges, deletions, stage changes),
    the version stamps (decisions, meetings and whatever else registered), the user's
    topics, the synonym table, the trip and its legs, the weights, the language and the
    day. Equal keys, equal plans and pages."""
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
        *version_stamps(session, owner_id=owner.id),
    )


def page(
    key: Key, *, zone: str, render: Callable[[str], str], csrf_token: str, reuse: bool = True
) -> str:
    """The page body for a plan ``key`` read on the clock of ``zone`` (times at a leg name
    its city unless it is the reader's): ``render(csrf)`` called with a placeholder for the
    CSRF token and kept, unless ``reuse`` is False (a form coming back with errors belongs
    to one request only); the request's own token put in on every call."""
    page_key = (*key, zone)
    html = PAGES.get(page_key) if reuse else None
    if html is None:
        html = render(CSRF_PLACEHOLDER)
        if reuse:
            PAGES.put(page_key, html)
    return html.replace(CSRF_PLACEHOLDER, csrf_token)
