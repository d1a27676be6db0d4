"""Free slots for coffee meetings inside a trip leg.

Pure: plain data in, ``Slot`` values out; no Flask, no database. All datetimes must be
aware; the result is in UTC with the zone to show it in.

Rules:

* Candidates are wall-clock times in the leg's zone (``timezone``, e.g. Europe/Vienna) on
  a grid that starts at ``day_start`` every local day and moves by ``step``; so with the
  defaults 09:00, 09:30, 10:00, ... A slot's end is its start plus ``duration`` of real
  elapsed time, and must not be later than ``day_end`` on the same local day.
* Daylight saving: a wall time that does not exist (the hour clocks skip in spring) is
  no candidate; one that happens twice (autumn) means the first time (fold=0).
* A slot lies within [window_start, window_end] (arrival and departure of the leg) and
  does not start before ``now`` when given. The first candidate is the first grid time at
  or after the arrival: arriving at 14:20 gives 14:30 with a 30-minute step, then every
  step. Travel time from the station is not added: a caller that wants it moves
  ``window_start``. A window shorter than ``duration`` (or reversed) gives no slots.
* A slot does not come closer than ``buffer`` to any busy interval or meeting (touching
  that distance is allowed).
* ``weekdays`` (0 = Monday) limits the local days; a local day that already holds
  ``max_per_day`` meetings (counted by the local day of their start) gets no slot.
* Any combination of the returned slots can be booked together: they keep ``buffer`` from
  one another (across midnight too), and a local day has at most ``max_per_day`` minus its
  meetings of them. Within a day the earliest such slots are chosen.
* Spread over the leg: the days' slots are taken round-robin (the first slot of every day
  in day order, then every day's second, ...) until ``limit``; so with more days than
  ``limit`` every returned slot is on a different day. The result is sorted by start.

Raises ``ValueError`` for naive datetimes, an unknown zone, ``day_end`` not after
``day_start``, a ``duration`` or ``step`` not above zero, a negative ``buffer``,
``max_per_day`` or ``limit`` below 1, and weekdays outside 0..6.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice, zip_longest
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.calendar.busy import merge_sorted


@dataclass(frozen=True)
class Preferences:
    day_start: time = time(9, 0)  # local wall time at the meeting place
    day_end: time = time(18, 0)
    duration: timedelta = timedelta(hours=1)
    buffer: timedelta = timedelta(minutes=30)  # kept free before and after busy times, meetings
    max_per_day: int = 3  # meetings per local day, including those already booked
    step: timedelta = timedelta(minutes=30)  # candidate start times on this grid (wall clock)
    weekdays: frozenset[int] = frozenset(range(7))  # 0 = Monday; days meetings are allowed on


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # aware UTC
    ends_at: datetime  # aware UTC
    timezone: str  # IANA zone the slot is shown in


class _Blocked:
    """Busy intervals and meetings widened by the buffer, merged, for overlap tests."""

    def __init__(self, intervals: Sequence[tuple[datetime, datetime]], buffer: timedelta) -> None:
        merged = merge_sorted(sorted((start - buffer, end + buffer) for start, end in intervals))
        self.starts: list[datetime] = [start for start, _ in merged]
        self.ends: list[datetime] = [end for _, end in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        index = bisect.bisect_right(self.ends, start)  # first interval ending after ``start``
        return index < len(self.starts) and self.starts[index] < end


def free_slots(
    *,
    window_start: datetime,
    window_end: datetime,
    timezone: str,
    busy: Sequence[tuple[datetime, datetime]],
    meetings: Sequence[tuple[datetime, datetime]],
    prefs: Preferences,
    now: datetime | None = None,
    limit: int = 20,
) -> list[Slot]:
    """Up to ``limit`` free slots in the leg, sorted by start (rules in the module doc)."""
    moments = [window_start, window_end, *([] if now is None else [now])]
    moments += [moment for interval in (*busy, *meetings) for moment in interval]
    if any(moment.tzinfo is None for moment in moments):
        raise ValueError("all datetimes must be timezone-aware")
    zone = _zone(timezone)
    _check(prefs, limit)
    earliest = window_start if now is None else max(window_start, now)
    blocked = _Blocked([*busy, *meetings], prefs.buffer)
    booked = Counter(start.astimezone(zone).date() for start, _ in meetings)
    days: list[list[Slot]] = []
    day = earliest.astimezone(zone).date()
    # with ``limit`` days that have slots, the first round of the round-robin is full
    while day <= window_end.astimezone(zone).date() and len(days) < limit:
        room = prefs.max_per_day - booked[day]
        if day.weekday() in prefs.weekdays and room > 0:
            picks = _day_slots(day, zone, timezone, prefs, earliest, window_end, blocked, room)
            if picks:
                days.append(picks)
                earliest = picks[-1].ends_at + prefs.buffer  # for a day_end near midnight
        day += timedelta(days=1)
    spread = (slot for rank in zip_longest(*days) for slot in rank if slot is not None)
    return sorted(islice(spread, limit), key=lambda slot: slot.starts_at)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone: {name!r}") from error


def _check(prefs: Preferences, limit: int) -> None:
    if prefs.day_end <= prefs.day_start:
        raise ValueError("day_end must be after day_start")
    if prefs.duration <= timedelta(0) or prefs.step <= timedelta(0):
        raise ValueError("duration and step must be positive")
    if prefs.buffer < timedelta(0):
        raise ValueError("buffer must not be negative")
    if prefs.max_per_day < 1 or limit < 1:
        raise ValueError("max_per_day and limit must be at least 1")
    if not prefs.weekdays <= frozenset(range(7)):
        raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")


def _day_slots(
    day: date,
    zone: ZoneInfo,
    timezone: str,
    prefs: Preferences,
    earliest: datetime,
    latest: datetime,
    blocked: _Blocked,
    room: int,
) -> list[Slot]:
    """The earliest free slots of one local day not before ``earliest``, at most ``room``,
    ``buffer`` apart."""
    picks: list[Slot] = []
    day_end = datetime.combine(day, prefs.day_end)
    for wall in _grid(datetime.combine(day, prefs.day_start), day_end, prefs.step):
        start = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the first of a repeated time
        if start.astimezone(zone).replace(tzinfo=None) != wall:
            continue  # skipped by the change to summer time
        end = start + prefs.duration
        if (
            start < earliest
            or end > latest
            or end.astimezone(zone).replace(tzinfo=None) > day_end
            or blocked.overlaps(start, end)
        ):
            continue
        picks.append(Slot(start, end, timezone))
        if len(picks) == room:
            break
        earliest = end + prefs.buffer  # the next pick keeps the buffer from this one
    return picks


def _grid(first: datetime, last: datetime, step: timedelta) -> Iterator[datetime]:
    """Wall times from ``first`` on, every ``step``, before ``last``."""
    while first < last:
        yield first
        first += step
