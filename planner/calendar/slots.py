"""Free times for coffee meetings: every free start of each day, across DST and zones.

Pure: plain data in, ``FreeDay``/``Slot`` values out; no Flask, no database. All datetimes
must be aware; the result is in UTC with the zone to show it in.

Rules:

* Candidates are wall-clock times in the place's zone (``timezone``, e.g. Europe/Vienna) on
  a grid that starts at ``day_start`` every local day and moves by ``step``; so with the
  defaults 09:00, 09:30, 10:00, ... A slot's end is its start plus ``duration`` of real
  elapsed time, and must not be later than ``day_end`` on the same local day.
* Daylight saving: a wall time that does not exist (the hour clocks skip in spring) is
  no candidate; one that happens twice (autumn) means the first time (fold=0).
* A slot lies within [window_start, window_end] (arrival and departure of a leg, or the
  next two weeks) and does not start before ``now`` when given. Arriving at 14:20 gives
  14:30 with a 30-minute step as the first candidate. A window shorter than ``duration``
  (or reversed) gives no slots.
* A slot does not come closer than ``buffer`` to any busy interval or meeting (touching
  that distance is allowed).
* ``weekdays`` (0 = Monday) limits the local days.
* Every free candidate of a day is offered, not a selection: the user chooses, so two
  offered slots may overlap (09:00 and 09:30 with one-hour meetings).
* ``max_per_day`` limits booking, not choice: a local day that already holds that many
  meetings (counted by the local day of their start) offers nothing and is returned as
  ``full`` so that a page can say why; a day with fewer offers all its free times.
* Days without any free time (and not full) are left out. Days are in order.

Raises ``ValueError`` for naive datetimes, an unknown zone, ``day_end`` not after
``day_start``, a ``duration`` or ``step`` not above zero, a negative ``buffer``,
``max_per_day`` below 1, and weekdays outside 0..6.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.calendar.busy import merge_sorted

WORKING_DAYS = frozenset(range(5))  # Monday to Friday
EVERY_DAY = frozenset(range(7))


@dataclass(frozen=True)
class Preferences:
    day_start: time = time(9, 0)  # local wall time at the meeting place
    day_end: time = time(18, 0)
    duration: timedelta = timedelta(hours=1)
    buffer: timedelta = timedelta(minutes=30)  # kept free before and after busy times, meetings
    max_per_day: int = 3  # meetings per local day, including those already booked
    step: timedelta = timedelta(minutes=30)  # candidate start times on this grid (wall clock)
    weekdays: frozenset[int] = EVERY_DAY  # 0 = Monday; days meetings are allowed on


@dataclass(frozen=True)
class Slot:
    starts_at: datetime  # aware UTC
    ends_at: datetime  # aware UTC
    timezone: str  # IANA zone the slot is shown in


@dataclass(frozen=True)
class FreeDay:
    day: date  # the local day at the place
    slots: tuple[Slot, ...]  # every free start on the grid, by start; empty when full
    booked: int  # planned meetings that start on this local day
    full: bool  # ``booked`` reached ``max_per_day``: nothing more is offered


class _Blocked:
    """Busy intervals and meetings widened by the buffer, merged, for overlap tests."""

    def __init__(self, intervals: Sequence[tuple[datetime, datetime]], buffer: timedelta) -> None:
        merged = merge_sorted(sorted((start - buffer, end + buffer) for start, end in intervals))
        self.starts: list[datetime] = [start for start, _ in merged]
        self.ends: list[datetime] = [end for _, end in merged]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        index = bisect.bisect_right(self.ends, start)  # first interval ending after ``start``
        return index < len(self.starts) and self.starts[index] < end


def free_days(
    *,
    window_start: datetime,
    window_end: datetime,
    timezone: str,
    busy: Sequence[tuple[datetime, datetime]],
    meetings: Sequence[tuple[datetime, datetime]],
    prefs: Preferences,
    now: datetime | None = None,
) -> list[FreeDay]:
    """The window's days with their free times, and its full days (rules in the module doc)."""
    moments = [window_start, window_end, *([] if now is None else [now])]
    moments += [moment for interval in (*busy, *meetings) for moment in interval]
    if any(moment.tzinfo is None for moment in moments):
        raise ValueError("all datetimes must be timezone-aware")
    zone = _zone(timezone)
    _check(prefs)
    # all in UTC: comparing instants of other zones asks the zone for its offset every time
    window_start, window_end = window_start.astimezone(UTC), window_end.astimezone(UTC)
    earliest = window_start if now is None else max(window_start, now.astimezone(UTC))
    blocked = _Blocked(
        [(s.astimezone(UTC), e.astimezone(UTC)) for s, e in (*busy, *meetings)], prefs.buffer
    )
    booked = Counter(start.astimezone(zone).date() for start, _ in meetings)
    days: list[FreeDay] = []
    day = earliest.astimezone(zone).date()
    while day <= window_end.astimezone(zone).date():
        if day.weekday() in prefs.weekdays:
            if booked[day] >= prefs.max_per_day:
                days.append(FreeDay(day, (), booked[day], True))
            else:
                found = tuple(_day_slots(day, zone, timezone, prefs, earliest, window_end, blocked))
                if found:
                    days.append(FreeDay(day, found, booked[day], False))
        day += timedelta(days=1)
    return days


def free_slots(
    *,
    window_start: datetime,
    window_end: datetime,
    timezone: str,
    busy: Sequence[tuple[datetime, datetime]],
    meetings: Sequence[tuple[datetime, datetime]],
    prefs: Preferences,
    now: datetime | None = None,
) -> list[Slot]:
    """Every free slot of the window, by start: the days of ``free_days`` in one list."""
    days = free_days(
        window_start=window_start,
        window_end=window_end,
        timezone=timezone,
        busy=busy,
        meetings=meetings,
        prefs=prefs,
        now=now,
    )
    return [slot for day in days for slot in day.slots]


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone: {name!r}") from error


def _check(prefs: Preferences) -> None:
    if prefs.day_end <= prefs.day_start:
        raise ValueError("day_end must be after day_start")
    if prefs.duration <= timedelta(0) or prefs.step <= timedelta(0):
        raise ValueError("duration and step must be positive")
    if prefs.buffer < timedelta(0):
        raise ValueError("buffer must not be negative")
    if prefs.max_per_day < 1:
        raise ValueError("max_per_day must be at least 1")
    if not prefs.weekdays <= EVERY_DAY:
        raise ValueError("weekdays are 0 (Monday) to 6 (Sunday)")


def _day_slots(
    day: date,
    zone: ZoneInfo,
    timezone: str,
    prefs: Preferences,
    earliest: datetime,
    latest: datetime,
    blocked: _Blocked,
) -> Iterator[Slot]:
    """Every free slot of one local day, from ``earliest`` to ``latest``."""
    day_start, day_end = (
        datetime.combine(day, prefs.day_start),
        datetime.combine(day, prefs.day_end),
    )
    offset = day_start.replace(tzinfo=zone).utcoffset() or timedelta(0)
    # Clocks change at most once a day: when the instants the hours begin and end at (taken
    # with the offset of their beginning), and the end of a meeting begun then, all have that
    # offset, it holds for every candidate, and plain arithmetic replaces the zone's (slow)
    # lookups. Otherwise (a day the clocks change on) every time goes through the zone.
    first, last = day_start - offset, day_end - offset
    steady = all(
        moment.replace(tzinfo=UTC).astimezone(zone).utcoffset() == offset
        for moment in (first, last, last + prefs.duration)
    )
    for wall in _grid(day_start, day_end, prefs.step):
        if steady:
            start = (wall - offset).replace(tzinfo=UTC)
            end = start + prefs.duration
            local_end = end.replace(tzinfo=None) + offset
        else:
            start = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the first of a repeat
            if start.astimezone(zone).replace(tzinfo=None) != wall:
                continue  # skipped by the change to summer time
            end = start + prefs.duration
            local_end = end.astimezone(zone).replace(tzinfo=None)
        if start < earliest or end > latest or local_end > day_end or blocked.overlaps(start, end):
            continue
        yield Slot(start, end, timezone)


def _grid(first: datetime, last: datetime, step: timedelta) -> Iterator[datetime]:
    """Wall times from ``first`` on, every ``step``, before ``last``."""
    while first < last:
        yield first
        first += step
