"""Free slots for coffee meetings inside a trip leg: grid, DST, zones, buffers, limits."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.calendar.busy import busy_times, merge
from planner.calendar.slots import Preferences, Slot, free_slots

BUSY_ICS = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / "events" / "busy.ics"
BERLIN = ZoneInfo("Europe/Berlin")
LONDON = ZoneInfo("Europe/London")
DEFAULT = Preferences()
Interval = tuple[datetime, datetime]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)


def slots(
    window_start: datetime,
    window_end: datetime,
    zone: str = "Europe/Berlin",
    busy: Sequence[Interval] = (),
    meetings: Sequence[Interval] = (),
    prefs: Preferences = DEFAULT,
    now: datetime | None = None,
    limit: int = 20,
) -> list[Slot]:
    return free_slots(
        window_start=window_start,
        window_end=window_end,
        timezone=zone,
        busy=busy,
        meetings=meetings,
        prefs=prefs,
        now=now,
        limit=limit,
    )


def walls(found: list[Slot], zone: ZoneInfo = BERLIN) -> list[str]:
    return [f"{slot.starts_at.astimezone(zone):%d %H:%M}" for slot in found]


# --- the grid and the day -------------------------------------------------------------------


def test_defaults_give_three_spaced_slots_a_day() -> None:
    found = slots(local(BERLIN, 2026, 5, 4, 0), local(BERLIN, 2026, 5, 6, 0))
    assert walls(found) == ["04 09:00", "04 10:30", "04 12:00", "05 09:00", "05 10:30", "05 12:00"]
    assert all(slot.ends_at - slot.starts_at == timedelta(hours=1) for slot in found)
    assert all(slot.timezone == "Europe/Berlin" for slot in found)
    assert all(slot.starts_at.tzinfo is UTC for slot in found)


def test_last_slot_ends_at_day_end() -> None:
    prefs = Preferences(day_start=time(16), max_per_day=5, buffer=timedelta(0))
    found = slots(local(BERLIN, 2026, 5, 4, 0), local(BERLIN, 2026, 5, 5, 0), prefs=prefs)
    assert walls(found) == ["04 16:00", "04 17:00"]


def test_leg_window_clips_the_grid() -> None:
    # arrival 14:20: the first grid time at or after it is 14:30; departure 17:10
    prefs = Preferences(buffer=timedelta(0), max_per_day=5)
    found = slots(local(BERLIN, 2026, 5, 4, 14, 20), local(BERLIN, 2026, 5, 4, 17, 10), prefs=prefs)
    assert walls(found) == ["04 14:30", "04 15:30"]


def test_grid_is_anchored_at_day_start() -> None:
    prefs = Preferences(day_start=time(9, 15), step=timedelta(minutes=45), max_per_day=1)
    found = slots(local(BERLIN, 2026, 5, 4, 9, 20), local(BERLIN, 2026, 5, 4, 18), prefs=prefs)
    assert walls(found) == ["04 10:00"]


def test_now_filters_slots_in_the_past() -> None:
    found = slots(
        local(BERLIN, 2026, 5, 4, 0),
        local(BERLIN, 2026, 5, 5, 0),
        now=local(BERLIN, 2026, 5, 4, 11, 5),
    )
    assert walls(found) == ["04 11:30", "04 13:00", "04 14:30"]


def test_now_after_the_leg_gives_nothing() -> None:
    found = slots(local(BERLIN, 2026, 5, 4, 0), local(BERLIN, 2026, 5, 5, 0), now=utc(2026, 6, 1))
    assert found == []


def test_window_shorter_than_a_meeting_or_reversed_gives_nothing() -> None:
    assert slots(local(BERLIN, 2026, 5, 4, 10), local(BERLIN, 2026, 5, 4, 10, 59)) == []
    assert slots(local(BERLIN, 2026, 5, 5), local(BERLIN, 2026, 5, 4)) == []


def test_weekdays() -> None:
    prefs = Preferences(weekdays=frozenset({1, 3}), max_per_day=1)  # Tuesday, Thursday
    found = slots(local(BERLIN, 2026, 5, 4), local(BERLIN, 2026, 5, 11), prefs=prefs)
    assert walls(found) == ["05 09:00", "07 09:00"]


# --- daylight saving ------------------------------------------------------------------------

TEN_ONCE = Preferences(day_start=time(10), max_per_day=1)


def test_spring_forward_keeps_local_time() -> None:
    found = slots(local(BERLIN, 2026, 3, 28), local(BERLIN, 2026, 3, 31), prefs=TEN_ONCE)
    assert [slot.starts_at for slot in found] == [
        utc(2026, 3, 28, 9),
        utc(2026, 3, 29, 8),
        utc(2026, 3, 30, 8),
    ]
    assert walls(found) == ["28 10:00", "29 10:00", "30 10:00"]


def test_fall_back_keeps_local_time() -> None:
    found = slots(local(BERLIN, 2026, 10, 24), local(BERLIN, 2026, 10, 27), prefs=TEN_ONCE)
    assert [slot.starts_at for slot in found] == [
        utc(2026, 10, 24, 8),
        utc(2026, 10, 25, 9),
        utc(2026, 10, 26, 9),
    ]


NIGHT = Preferences(
    day_start=time(1),
    day_end=time(4),
    duration=timedelta(minutes=30),
    buffer=timedelta(0),
    max_per_day=10,
)


def test_wall_times_skipped_in_spring_are_no_candidates() -> None:
    found = slots(local(BERLIN, 2026, 3, 29), local(BERLIN, 2026, 3, 30), prefs=NIGHT)
    assert walls(found) == ["29 01:00", "29 01:30", "29 03:00", "29 03:30"]
    # 01:30 CET plus 30 minutes is 03:00 CEST
    assert found[1].ends_at.astimezone(BERLIN).hour == 3


def test_repeated_wall_times_in_autumn_mean_the_first() -> None:
    found = slots(local(BERLIN, 2026, 10, 25), local(BERLIN, 2026, 10, 26), prefs=NIGHT)
    assert [slot.starts_at for slot in found] == [
        utc(2026, 10, 24, 23),
        utc(2026, 10, 24, 23, 30),
        utc(2026, 10, 25, 0),  # 02:00 CEST
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 25, 2),  # 03:00 CET; 02:00-03:00 CET is not offered
        utc(2026, 10, 25, 2, 30),
    ]


def test_duration_is_elapsed_time_in_the_repeated_hour() -> None:
    prefs = Preferences(day_start=time(2, 30), day_end=time(6), max_per_day=1)
    found = slots(local(BERLIN, 2026, 10, 25), local(BERLIN, 2026, 10, 26), prefs=prefs)
    assert (found[0].starts_at, found[0].ends_at) == (
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 25, 1, 30),
    )
    assert found[0].ends_at.astimezone(BERLIN).strftime("%H:%M %Z") == "02:30 CET"


# --- busy times, buffer, meetings -----------------------------------------------------------


def test_buffer_around_busy_time() -> None:
    busy = [(local(BERLIN, 2026, 5, 4, 12), local(BERLIN, 2026, 5, 4, 13))]
    prefs = Preferences(max_per_day=10, buffer=timedelta(minutes=30))
    found = slots(
        local(BERLIN, 2026, 5, 4, 10), local(BERLIN, 2026, 5, 4, 15), busy=busy, prefs=prefs
    )
    assert walls(found) == ["04 10:00", "04 13:30"]  # 10:00-11:00, then 11:30 is too close
    tight = Preferences(max_per_day=10, buffer=timedelta(0))
    found = slots(
        local(BERLIN, 2026, 5, 4, 10), local(BERLIN, 2026, 5, 4, 15), busy=busy, prefs=tight
    )
    assert walls(found) == ["04 10:00", "04 11:00", "04 13:00", "04 14:00"]


def test_cross_zone_busy_call_blocks_london_afternoon() -> None:
    # a 15:00-16:00 call in the Berlin calendar is 14:00-15:00 in London
    call = (local(BERLIN, 2026, 3, 19, 15), local(BERLIN, 2026, 3, 19, 16))
    prefs = Preferences(buffer=timedelta(0), max_per_day=10)
    found = slots(
        local(LONDON, 2026, 3, 19, 12),
        local(LONDON, 2026, 3, 19, 18),
        zone="Europe/London",
        busy=[call],
        prefs=prefs,
    )
    assert walls(found, LONDON) == ["19 12:00", "19 13:00", "19 15:00", "19 16:00", "19 17:00"]
    assert {slot.timezone for slot in found} == {"Europe/London"}


def test_cross_zone_new_york_day_hours() -> None:
    new_york = ZoneInfo("America/New_York")
    found = slots(
        utc(2026, 7, 1, 12),
        utc(2026, 7, 2, 12),
        zone="America/New_York",
        prefs=Preferences(max_per_day=1),
    )
    assert [slot.starts_at for slot in found] == [utc(2026, 7, 1, 13)]  # 09:00 EDT
    assert walls(found, new_york) == ["01 09:00"]


def test_max_per_day_counts_existing_meetings() -> None:
    def meeting(day: int, hour: int) -> Interval:
        return (local(BERLIN, 2026, 5, day, hour), local(BERLIN, 2026, 5, day, hour + 1))

    meetings = [
        meeting(4, 16),
        meeting(5, 14),
        meeting(5, 16),
        *(meeting(6, h) for h in (8, 12, 16)),
    ]
    found = slots(local(BERLIN, 2026, 5, 4), local(BERLIN, 2026, 5, 7), meetings=meetings)
    assert walls(found) == ["04 09:00", "04 10:30", "05 09:00"]  # 2 + 1 + 0 more
    # meetings also block time like busy intervals
    prefs = Preferences(max_per_day=3, day_start=time(14))
    found = slots(
        local(BERLIN, 2026, 5, 4), local(BERLIN, 2026, 5, 5), meetings=meetings, prefs=prefs
    )
    assert walls(found) == ["04 14:00"]  # 15:00 and later are within 30 minutes of 16:00


def test_slots_keep_the_buffer_across_midnight() -> None:
    prefs = Preferences(
        day_start=time(0), day_end=time(23, 30), buffer=timedelta(minutes=90), max_per_day=12
    )
    found = slots(local(BERLIN, 2026, 5, 4), local(BERLIN, 2026, 5, 6), prefs=prefs, limit=30)
    assert walls(found)[8:11] == ["04 20:00", "04 22:30", "05 01:00"]


def test_spread_round_robin_over_days() -> None:
    ten_days = (local(BERLIN, 2026, 5, 4), local(BERLIN, 2026, 5, 14))
    found = slots(*ten_days, limit=5)
    assert walls(found) == ["04 09:00", "05 09:00", "06 09:00", "07 09:00", "08 09:00"]
    found = slots(*ten_days[:1], local(BERLIN, 2026, 5, 6), limit=5)
    assert walls(found) == ["04 09:00", "04 10:30", "04 12:00", "05 09:00", "05 10:30"]
    assert len(slots(*ten_days)) == 20


def test_a_long_leg_with_few_free_days() -> None:
    # only the last day of a year-long leg is free: still found
    year = (local(BERLIN, 2026, 1, 1), local(BERLIN, 2027, 1, 1))
    busy = [(year[0], local(BERLIN, 2026, 12, 31, 12))]
    assert walls(slots(*year, busy=busy)) == ["31 12:30", "31 14:00", "31 15:30"]


# --- the Google Calendar export -------------------------------------------------------------


def test_hamburg_leg_against_busy_ics() -> None:
    arrive, leave = local(BERLIN, 2026, 3, 19, 8), local(BERLIN, 2026, 3, 20, 20)
    busy = merge(
        busy_times(BUSY_ICS.read_bytes(), start=arrive, end=leave, home_zone="Europe/Berlin")
    )
    assert busy == [
        (local(BERLIN, 2026, 3, 19, 10), local(BERLIN, 2026, 3, 19, 11, 30)),  # Kundentermin
        (local(BERLIN, 2026, 3, 20, 8), local(BERLIN, 2026, 3, 20, 8, 45)),  # Zahnarzt
    ]
    found = slots(arrive, leave, busy=busy, prefs=Preferences(max_per_day=6))
    kunde = (local(BERLIN, 2026, 3, 19, 9, 30), local(BERLIN, 2026, 3, 19, 12))  # with buffer
    assert not any(slot.starts_at < kunde[1] and kunde[0] < slot.ends_at for slot in found)
    assert walls(found) == [
        "19 12:00",
        "19 13:30",
        "19 15:00",
        "19 16:30",
        # 08:45 + 30 minutes is 09:15, the next grid time 09:30
        "20 09:30",
        "20 11:00",
        "20 12:30",
        # the transparent "Fokuszeit" 13:00-17:00 does not block
        "20 14:00",
        "20 15:30",
        "20 17:00",
    ]


# --- arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefs", "message"),
    [
        (Preferences(day_start=time(18), day_end=time(9)), "day_end must be after day_start"),
        (Preferences(day_start=time(9), day_end=time(9)), "day_end must be after day_start"),
        (Preferences(duration=timedelta(0)), "duration and step must be positive"),
        (Preferences(step=timedelta(minutes=-30)), "duration and step must be positive"),
        (Preferences(buffer=timedelta(minutes=-1)), "buffer must not be negative"),
        (Preferences(max_per_day=0), "max_per_day and limit must be at least 1"),
        (Preferences(weekdays=frozenset({7})), "weekdays are 0"),
    ],
)
def test_bad_preferences(prefs: Preferences, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        slots(utc(2026, 5, 4), utc(2026, 5, 5), prefs=prefs)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        slots(datetime(2026, 5, 4), utc(2026, 5, 5))
    with pytest.raises(ValueError, match="timezone-aware"):
        slots(utc(2026, 5, 4), utc(2026, 5, 5), now=datetime(2026, 5, 4))
    with pytest.raises(ValueError, match="timezone-aware"):
        slots(utc(2026, 5, 4), utc(2026, 5, 5), busy=[(datetime(2026, 5, 4, 9), utc(2026, 5, 4))])
    with pytest.raises(ValueError, match="unknown time zone"):
        slots(utc(2026, 5, 4), utc(2026, 5, 5), zone="Mars/Olympus")
    with pytest.raises(ValueError, match="at least 1"):
        slots(utc(2026, 5, 4), utc(2026, 5, 5), limit=0)


# --- properties -----------------------------------------------------------------------------

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"]
BASE = utc(2026, 3, 26)  # a window of up to ten days from here crosses 29 March


@st.composite
def intervals(draw: st.DrawFn) -> Interval:
    start = BASE + timedelta(minutes=draw(st.integers(-24 * 60, 12 * 24 * 60)))
    return start, start + timedelta(minutes=draw(st.integers(0, 300)))


@st.composite
def preferences(draw: st.DrawFn) -> Preferences:
    duration = draw(st.sampled_from([15, 30, 45, 60, 90, 120]))
    start = draw(st.integers(0, (24 * 60 - 15 - duration) // 15)) * 15
    end = draw(st.integers((start + duration) // 15, 24 * 4 - 1)) * 15  # up to 23:45
    return Preferences(
        day_start=time(start // 60, start % 60),
        day_end=time(end // 60, end % 60),
        duration=timedelta(minutes=duration),
        buffer=timedelta(minutes=draw(st.sampled_from([0, 10, 15, 30, 60]))),
        max_per_day=draw(st.integers(1, 4)),
        step=timedelta(minutes=draw(st.sampled_from([15, 20, 30, 60]))),
        weekdays=draw(st.just(frozenset(range(7))) | st.frozensets(st.integers(0, 6), min_size=1)),
    )


@settings(max_examples=300, deadline=None)
@given(
    offset=st.integers(0, 3 * 24 * 60),
    length=st.integers(0, 7 * 24 * 60) | st.integers(2 * 24 * 60, 7 * 24 * 60),
    zone_name=st.sampled_from(ZONES),
    busy=st.lists(intervals(), max_size=12),
    meetings=st.lists(intervals(), max_size=6),
    prefs=preferences(),
    now_offset=st.none() | st.integers(0, 5 * 24 * 60),
    limit=st.integers(1, 25),
)
def test_slots_keep_every_rule(
    offset: int,
    length: int,
    zone_name: str,
    busy: list[Interval],
    meetings: list[Interval],
    prefs: Preferences,
    now_offset: int | None,
    limit: int,
) -> None:
    zone = ZoneInfo(zone_name)
    window_start = BASE + timedelta(minutes=offset)
    window_end = window_start + timedelta(minutes=length)
    now = None if now_offset is None else BASE + timedelta(minutes=now_offset)
    found = slots(window_start, window_end, zone_name, busy, meetings, prefs, now, limit)

    assert len(found) <= limit
    assert found == sorted(found, key=lambda slot: slot.starts_at)
    for slot in found:
        start, end = slot.starts_at, slot.ends_at
        assert start.tzinfo is UTC and slot.timezone == zone_name
        assert end - start == prefs.duration
        assert window_start <= start and end <= window_end
        assert now is None or start >= now
        for other_start, other_end in (*busy, *meetings):
            assert end + prefs.buffer <= other_start or other_end + prefs.buffer <= start
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        assert local_start.date() == local_end.date()
        assert prefs.day_start <= local_start.time() and local_end.time() <= prefs.day_end
        assert local_start.weekday() in prefs.weekdays
        offset_on_grid = datetime.combine(
            local_start.date(), local_start.time()
        ) - datetime.combine(local_start.date(), prefs.day_start)
        assert offset_on_grid % prefs.step == timedelta(0)
    offered = Counter(slot.starts_at.astimezone(zone).date() for slot in found)
    booked = Counter(start.astimezone(zone).date() for start, _ in meetings)
    assert all(count + booked[day] <= prefs.max_per_day for day, count in offered.items())
    # any combination can be booked together: offered slots keep the buffer between them
    for first, second in pairwise(found):
        assert first.ends_at + prefs.buffer <= second.starts_at
