"""Bounds that let a leg's ranking read only the contacts that can still make the list.

The best ``limit`` contacts near a place usually score far above most of the thousands in
reach. Every part of a score but the distance depends on little: the stage, a mutual
follow, shared topics, the earliest connection date. With those stored on the contact
(``interest_bits``, ``mutual``, ``first_connected``, derived with the interests) and in one
index beside lat and lon, one SQL condition keeps exactly the contacts whose score *can*
reach a floor, evaluated inside the index: everyone else scores below it for sure.

The bound is an upper bound, never the score: the contacts it keeps are scored from the
child tables as before, so the ranking is the same as scoring everyone (the caller makes
sure at least ``limit`` contacts reach the floor, else it lowers the floor). A contact whose
derived columns are stale is bounded as if it followed mutually, shared a topic and had
connected today; an unknown first connection date counts as today too (a source added
later can only make it earlier: a lower score).
"""

import math
from collections.abc import Mapping
from dataclasses import fields
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, and_, literal, or_, true
from sqlalchemy.sql.elements import ColumnElement

from planner.db import table_of
from planner.matching import Weights, topic_points
from planner.models import Contact
from planner.places.service import box_conditions
from planner.trips.interests import interest_bits

CONTACT = table_of(Contact)

# A score is the sum rounded to 0.1: it can exceed the exact sum by 0.05 (and a float sum
# by a hair more). The bound keeps whatever is within this of the floor.
SLACK = 0.1
# Floors tried in turn, as shares of the highest score there is; None: everyone.
FLOOR_SHARES: tuple[float | None, ...] = (0.9, 0.75, 0.5, None)
_ONLINE = "online"
_LOW = ("contacted", "regular")


def can_bound(weights: Weights) -> bool:
    """Bounds need every weight to add, never subtract (true of any sane configuration)."""
    parts = [getattr(weights, f.name) for f in fields(weights)]
    return (
        all(isinstance(p, int | float) and math.isfinite(p) and p >= 0 for p in parts)
        and weights.topics_full > 0
        and weights.recent_half_life_days > 0
    )


def topics_bound(
    user_topics: frozenset[str], rarity: Mapping[str, float], weights: Weights
) -> float:
    """The most that shared topics can add (all of the user's topics shared)."""
    return topic_points(user_topics, rarity, weights)


def _one_bit_bound(
    user_topics: frozenset[str], rarity: Mapping[str, float], weights: Weights
) -> float:
    """The most that the user's topics behind one bit of ``interest_bits`` can add (two
    topics may share a bit)."""
    by_bit: dict[int, list[str]] = {}
    for key in user_topics:
        by_bit.setdefault(interest_bits([key]), []).append(key)
    return max((topic_points(keys, rarity, weights) for keys in by_bit.values()), default=0.0)


def highest_score(topics_most: float, weights: Weights) -> float:
    relationship = max(weights.never_met, weights.regular, weights.overdue, 0.0)
    return (
        weights.distance + topics_most + relationship + weights.mutual + weights.recent_connection
    )


def floors(topics_most: float, weights: Weights) -> list[float | None]:
    top = highest_score(topics_most, weights)
    return [None if share is None else share * top for share in FLOOR_SHARES]


def reach_conditions(
    *,
    owner_id: Any,
    lat: float,
    lon: float,
    radius_km: float,
    floor: float,
    weights: Weights,
    user_topics: frozenset[str],
    rarity: Mapping[str, float],
    today: date,
    stale: ColumnElement[bool],
) -> list[Any] | None:
    """SQL conditions met by every contact within ``radius_km`` whose score can reach
    ``floor`` (None: nobody's can). A relaxation per kind of contact (stage, mutual or not,
    sharing none, one or more of the user's topics), each narrowing the circle to where the
    distance still adds enough, and for contacts known only online the connection date to
    one recent enough."""
    mutual_or_stale = or_(CONTACT.c.mutual == true(), stale)
    # What shared topics can add: nothing without a bit of the user's topics, the most one
    # bit's topics can add with one, everything with two or more (x & (x - 1) drops the
    # lowest bit of x).
    shared = CONTACT.c.interest_bits.op("&")(literal(interest_bits(user_topics), BigInteger))
    topic_levels: list[tuple[Any, float]] = [(None, 0.0)]
    topics_most = topics_bound(user_topics, rarity, weights)
    if topics_most > 0:
        topic_levels += [
            (or_(shared != 0, stale), _one_bit_bound(user_topics, rarity, weights)),
            (or_(shared.op("&")(shared - 1) != 0, stale), topics_most),
        ]
    stages = [
        (CONTACT.c.stage == _ONLINE, weights.never_met, weights.recent_connection),
        (CONTACT.c.stage.in_(_LOW), weights.regular, 0.0),
        (CONTACT.c.stage.not_in((_ONLINE, *_LOW)), weights.overdue, 0.0),
    ]
    terms: list[Any] = []
    outer = 0.0
    for stage_condition, relationship, recency_most in stages:
        for mutual in (True, False):
            for topic_condition, from_topics in topic_levels:
                fixed = relationship + (weights.mutual if mutual else 0.0) + from_topics
                need = floor - SLACK - fixed
                if need > weights.distance + recency_most:
                    continue  # out of reach however near
                conditions: list[Any] = [stage_condition]
                if mutual:
                    conditions.append(mutual_or_stale)
                if topic_condition is not None:
                    conditions.append(topic_condition)
                radius = radius_km
                from_distance = need - recency_most
                if from_distance > 0:
                    # weights.distance * (1 - d / r) >= from_distance
                    radius = radius_km * (1 - from_distance / weights.distance)
                    radius = radius * (1 + 1e-9) + 1e-6
                    conditions.extend(box_conditions(owner_id, lat, lon, radius)[1:])
                from_recency = need - weights.distance
                if recency_most > 0 and from_recency > 0:
                    since = _connected_since(from_recency, weights, today)
                    if since is not None:
                        conditions.append(
                            or_(
                                CONTACT.c.first_connected.is_(None),
                                CONTACT.c.first_connected >= since,
                                stale,
                            )
                        )
                outer = max(outer, radius)
                terms.append(and_(*conditions))
    if not terms:
        return None
    return [*box_conditions(owner_id, lat, lon, outer), or_(*terms)]


def _connected_since(points: float, weights: Weights, today: date) -> date | None:
    """The earliest connection date that still earns ``points`` for recency (None: any)."""
    # recent_connection * 0.5 ** (age / half_life) >= points
    ratio = weights.recent_connection / points
    if ratio <= 1:
        return today  # only a connection made today or later earns that much
    days = math.floor(weights.recent_half_life_days * math.log2(ratio) + 1e-6)
    try:
        return today - timedelta(days=days)
    except OverflowError:
        return None
