"""Whom to meet: score a contact for a place and the user's topics, and say why.

Pure: plain data in, plain data out. Every part of the score comes with a ``Reason`` that
the edge puts into words in the user's language (``describe``), so no suggestion is ever
shown without its explanation, and the explanation is exactly what was scored.

The score is the sum of its parts, each between 0 and its weight in ``Weights``; the
weights are the one place to tune the ranking (``MATCH_WEIGHTS`` in the configuration
overrides any of them by name).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date
from heapq import nlargest
from typing import Any


@dataclass(frozen=True)
class Weights:
    """How much each kind of evidence can add to a suggestion's score (0-100 in all)."""

    # Near the place: full weight at the place itself, nothing at the edge of the radius.
    distance: float = 25.0
    # Shared topics: each shared topic adds its rarity (log inverse frequency among the
    # user's contacts), so "Open Data" shared by few counts more than "Marketing" shared
    # by many; the part is full once the rarities add up to ``topics_full``.
    topics: float = 30.0
    topics_full: float = 4.0
    # Known online, never met: the tie the product exists to turn into a meeting.
    never_met: float = 25.0
    # Met before, but longer ago than ``overdue_after_days``: worth a coffee again.
    overdue: float = 15.0
    overdue_after_days: int = 365
    # Meets regularly, or a meeting is already proposed: little to gain from another.
    regular: float = 2.0
    # Following each other somewhere is a two-way tie, more likely to say yes.
    mutual: float = 10.0
    # Connected lately: the connection is fresh, a meeting seals it. Fades over the years.
    recent_connection: float = 10.0
    recent_half_life_days: float = 365.0

    @classmethod
    def from_config(cls, overrides: Mapping[str, Any] | None) -> Weights:
        """The defaults with the named weights replaced; an unknown name is an error."""
        if not overrides:
            return cls()
        names = {f.name: f.type for f in fields(cls)}
        unknown = set(overrides) - set(names)
        if unknown:
            raise ValueError(f"unknown match weight(s): {', '.join(sorted(unknown))}")
        values: dict[str, Any] = {
            k: int(v) if names[k] in ("int", int) else float(v) for k, v in overrides.items()
        }
        return replace(cls(), **values)


@dataclass(frozen=True)
class Candidate:
    """What matching needs to know of one contact."""

    contact_id: Any
    display_name: str
    distance_km: float
    topics: frozenset[str] = frozenset()  # canonical topic keys
    stage: str = "online"
    last_met: date | None = None
    connected_on: date | None = None  # earliest connection date over all sources
    mutual_networks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reason:
    """One piece of evidence: ``code`` says which, ``values`` what to put in the words."""

    code: str  # distance | topics | never_met | overdue | regular | contacted | mutual | connected
    points: float
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Suggestion:
    contact_id: Any
    display_name: str
    distance_km: float
    score: float  # 0-100
    reasons: tuple[Reason, ...]


def topic_rarity(frequencies: Mapping[str, int], total: int) -> dict[str, float]:
    """Inverse document frequency of each topic among ``total`` contacts (smoothed, > 0)."""
    return {k: math.log((1 + total) / (1 + n)) + 0.1 for k, n in frequencies.items()}


def nearness_points(distance_km: float, radius_km: float, weights: Weights) -> float:
    nearness = max(0.0, 1.0 - distance_km / radius_km) if radius_km > 0 else 0.0
    return weights.distance * nearness


def topic_points(shared: Iterable[str], rarity: Mapping[str, float], weights: Weights) -> float:
    total = sum(rarity.get(k, 0.0) for k in shared)
    return weights.topics * min(1.0, total / weights.topics_full)


def relationship_points(stage: str, last_met: date | None, today: date, weights: Weights) -> float:
    return _relationship(stage, last_met, None, today=today, weights=weights).points


def recency_points(
    connected_on: date | None, stage: str, today: date, weights: Weights
) -> tuple[float, int]:
    """Points for a fresh connection (fading with its age) and the age in days."""
    if connected_on is None or stage != "online":
        return 0.0, 0
    age = max(0, (today - connected_on).days)
    return weights.recent_connection * 0.5 ** (age / weights.recent_half_life_days), age


def total_points(
    candidate: Candidate,
    *,
    radius_km: float,
    user_topics: frozenset[str],
    rarity: Mapping[str, float],
    today: date,
    weights: Weights,
) -> float:
    """``score(...).score`` without building the reasons: for ranking thousands."""
    points = nearness_points(candidate.distance_km, radius_km, weights)
    shared = candidate.topics & user_topics
    if shared:
        points += topic_points(shared, rarity, weights)
    points += relationship_points(candidate.stage, candidate.last_met, today, weights)
    if candidate.mutual_networks:
        points += weights.mutual
    points += recency_points(candidate.connected_on, candidate.stage, today, weights)[0]
    return round(points, 1)


def score(
    candidate: Candidate,
    *,
    place: str,
    radius_km: float,
    user_topics: frozenset[str],
    rarity: Mapping[str, float],
    today: date,
    weights: Weights,
) -> Suggestion:
    """Score one contact for a place within ``radius_km`` and explain every point of it."""
    reasons: list[Reason] = [
        Reason(
            "distance",
            nearness_points(candidate.distance_km, radius_km, weights),
            {"km": candidate.distance_km, "place": place},
        )
    ]
    shared = candidate.topics & user_topics
    if shared:
        ordered = sorted(shared, key=lambda k: (-rarity.get(k, 0.0), k))
        points = topic_points(shared, rarity, weights)
        reasons.append(Reason("topics", points, {"topics": tuple(ordered)}))
    reasons.append(
        _relationship(
            candidate.stage,
            candidate.last_met,
            candidate.connected_on,
            today=today,
            weights=weights,
        )
    )
    if candidate.mutual_networks:
        reasons.append(
            Reason("mutual", weights.mutual, {"networks": tuple(candidate.mutual_networks)})
        )
    if candidate.connected_on is not None and candidate.stage == "online":
        points, age = recency_points(candidate.connected_on, candidate.stage, today, weights)
        reasons.append(Reason("connected", points, {"since": candidate.connected_on, "days": age}))
    total_points = sum(r.points for r in reasons)
    reasons.sort(key=lambda r: -r.points)
    return Suggestion(
        candidate.contact_id,
        candidate.display_name,
        candidate.distance_km,
        round(total_points, 1),
        tuple(reasons),
    )


def _relationship(
    stage: str, last_met: date | None, connected_on: date | None, *, today: date, weights: Weights
) -> Reason:
    if stage == "online":
        return Reason("never_met", weights.never_met, {"since": connected_on})
    if stage == "contacted":
        return Reason("contacted", weights.regular, {})
    if stage == "regular":
        return Reason("regular", weights.regular, {"last_met": last_met})
    if last_met is None:  # met, date unknown: count it as overdue, say so
        return Reason("overdue", weights.overdue, {"last_met": None})
    if (today - last_met).days > weights.overdue_after_days:
        return Reason("overdue", weights.overdue, {"last_met": last_met})
    return Reason("recently_met", 0.0, {"last_met": last_met})


def rank(
    candidates: Iterable[Candidate],
    *,
    place: str,
    radius_km: float,
    user_topics: frozenset[str],
    rarity: Mapping[str, float],
    today: date,
    weights: Weights,
    limit: int,
) -> list[Suggestion]:
    """The ``limit`` best suggestions, best first; ties broken by distance, then name."""
    scored = (
        score(
            c,
            place=place,
            radius_km=radius_km,
            user_topics=user_topics,
            rarity=rarity,
            today=today,
            weights=weights,
        )
        for c in candidates
    )
    return nlargest(limit, scored, key=lambda s: (s.score, -s.distance_km, _neg(s.display_name)))


def _neg(text: str) -> tuple[int, ...]:
    """Sorts names A..Z inside a descending sort."""
    return tuple(-ord(ch) for ch in text.casefold())


@dataclass(frozen=True)
class Wording:
    """The edge's language tools: gettext with %(name)s formatting, a list joiner
    ("A, B and C"), a date formatter, and the display label of a topic key."""

    gettext: Callable[..., str]
    join: Callable[[Sequence[str]], str]
    format_date: Callable[[date], str]
    topic_label: Callable[[str], str]
    network_label: Callable[[str], str]


MAX_TOPICS_NAMED = 3


def describe(reason: Reason, wording: Wording) -> str | None:
    """The reason in words, or None for a reason not worth saying."""
    _ = wording.gettext
    v = reason.values
    if reason.code == "distance":
        if v["km"] < 1:
            return _("in %(place)s, less than 1 km away", place=v["place"])
        return _("%(km)s km from %(place)s", km=f"{v['km']:.0f}", place=v["place"])
    if reason.code == "topics":
        labels = [wording.topic_label(k) for k in v["topics"][:MAX_TOPICS_NAMED]]
        more = len(v["topics"]) - len(labels)
        if more:
            labels.append(_("%(n)s more", n=more))
        return _("shares %(topics)s", topics=wording.join(labels))
    if reason.code == "never_met":
        if v["since"] is not None:
            return _("connected since %(year)s, never met", year=v["since"].year)
        return _("known online, never met")
    if reason.code == "overdue":
        if v["last_met"] is None:
            return _("met before, not recently")
        return _("last met on %(date)s", date=wording.format_date(v["last_met"]))
    if reason.code == "recently_met":
        return _("met recently, on %(date)s", date=wording.format_date(v["last_met"]))
    if reason.code == "contacted":
        return _("a meeting is already proposed")
    if reason.code == "regular":
        return _("you meet regularly")
    if reason.code == "mutual":
        networks = wording.join([wording.network_label(n) for n in v["networks"]])
        return _("you follow each other on %(networks)s", networks=networks)
    if reason.code == "connected":
        if v["days"] <= 90:
            return _("connected recently, on %(date)s", date=wording.format_date(v["since"]))
        return None  # the year is already in "connected since …, never met"
    return None


def explain(suggestion: Suggestion, wording: Wording) -> list[str]:
    """Every reason of a suggestion in words, strongest first."""
    words = (describe(r, wording) for r in suggestion.reasons)
    return [w for w in words if w]
