"""Free times for coffee meetings: every free start of a day, grid, DST, zones, buffers,
full days."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.calendar.busy import busy_times, merge
from planner.calendar.slots import FreeDay, Preferences, Slot, free_days, free_slots

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
) -> list[Slot]:
    return free_slots(
        window_start=window_start,
        window_end=window_end,
        timezone=zone,
        busy=busy,
        meetings=meetings,
        prefs=prefs,
        now=now,
    )


def days(
    window_start: datetime,
    window_end: datetime,
    meetings: Sequence[Interval] = (),
    prefs: Preferences = DEFAULT,
    now: datetime | None = None,
) -> list[FreeDay]:
    return free_days(
        window_start=window_start,
        window_end=window_end,
        timezone="Europe/Berlin",
        busy=(),
        meetings=meetings,
        prefs=prefs,
        now=now,
    )


def walls(found: list[Slot], zone: ZoneInfo = BERLIN) -> list[str]:
    return [f"{slot.starts_at.astimezone(zone):%d %H:%M}" for slot in found]


# --- the grid and the day -------------------------------------------------------------------


def test_every_free_time_of_the_day_is_offered() -> None:
    # not only the first three (09:00, 10:30, 12:00): the whole day, 09:00 to 17:00
    found = slots(local(BERLIN, 2026, 5, 4, 0), local(BERLIN, 2026, 5, 6, 0))
    day = [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)] + ["17:00"]
    assert walls(found) == [f"04 {t}" for t in day] + [f"05 {t}" for t in day]
    assert all(slot.ends_at - slot.starts_at == timedelta(hours=1) for slot in found)
    assert all(slot.timezone == "Europe/Berlin" for slot in found)
    assert all(slot.starts_at.tzinfo is UTC for slot in found)


def test_last_slot_ends_at_day_end() -> None:
    prefs = Preferences(day_start=time(16), max_per_day=5, buffer=timedelta(0))
    found = slots(local(BERLIN, 2026, 5, 4, 0), local(BERLIN, 2026, 5, 5, 0), prefs=prefs)
    assert walls(found) == ["04 16:00", "04 16:30", "04 17:00"]


def test_leg_window_clips_the_grid() -> None:
    # arrival 14:20: the first grid time at or after it is 14:30; departure 17:10
    prefs = Preferences(buffer=timedelta(0), max_per_day=5)
    found = slots(local(BERLIN, 2026, 5, 4, 14, 20), local(BERLIN, 2026, 5, 4, 17, 10), prefs=prefs)
    assert walls(found) == ["04 14:30", "04 15:00", "04 15:30", "04 16:00"]


def test_grid_is_anchored_at_day_start() -> None:
    prefs = Preferences(day_start=time(9, 15), step=timedelta(minutes=45), max_per_day=1)
    found = slots(local(BERLIN, 2026, 5, 4, 9, 20), local(BERLIN, 2026, 5, 4, 18), prefs=prefs)
    assert walls(found)[:3] == ["04 10:00", "04 10:45", "04 11:30"]
    assert walls(found)[-1] == "04 16:45"  # 17:30 would end after 18:00


def test_now_filters_slots_in_the_past() -> None:
    found = slots(
        local(BERLIN, 2026, 5, 4, 0),
        local(BERLIN, 2026, 5, 5, 0),
        now=local(BERLIN, 2026, 5, 4, 11, 5),
    )
    assert walls(found)[:3] == ["04 11:30", "04 12:00", "04 12:30"]
    assert len(found) == 12  # 11:30 to 17:00


def test_now_after_the_leg_gives_nothing() -> None:
    found = slots(local(BERLIN, 2026, 5, 4, 0), local(BERLIN, 2026, 5, 5, 0), now=utc(2026, 6, 1))
    assert found == []


def test_window_shorter_than_a_meeting_or_reversed_gives_nothing() -> None:
    assert slots(local(BERLIN, 2026, 5, 4, 10), local(BERLIN, 2026, 5, 4, 10, 59)) == []
    assert slots(local(BERLIN, 2026, 5, 5), local(BERLIN, 2026, 5, 4)) == []


def test_weekdays() -> None:
    prefs = Preferences(weekdays=frozenset({1, 3}), day_end=time(10))  # Tuesday, Thursday
    found = slots(local(BERLIN, 2026, 5, 4), local(BERLIN, 2026, 5, 11), prefs=prefs)
    assert walls(found) == ["05 09:00", "07 09:00"]


# --- daylight saving ------------------------------------------------------------------------

TEN_ONCE = Preferences(day_start=time(10), day_end=time(11))


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
    # 10:30-11:30 touches the buffer before 12:00; 11:00 would come too close
    assert walls(found) == ["04 10:00", "04 10:30", "04 13:30", "04 14:00"]
    tight = Preferences(max_per_day=10, buffer=timedelta(0))
    found = slots(
        local(BERLIN, 2026, 5, 4, 10), local(BERLIN, 2026, 5, 4, 15), busy=busy, prefs=tight
    )
    assert walls(found) == ["04 10:00", "04 10:30", "04 11:00", "04 13:00", "04 13:30", "04 14:00"]


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
    assert walls(found, LONDON) == [
        "19 12:00",
        "19 12:30",
        "19 13:00",
        "19 15:00",
        "19 15:30",
        "19 16:00",
        "19 16:30",
        "19 17:00",
    ]
    assert {slot.timezone for slot in found} == {"Europe/London"}


def test_cross_zone_new_york_day_hours() -> None:
    new_york = ZoneInfo("America/New_York")
    found = slots(
        utc(2026, 7, 1, 12),
        utc(2026, 7, 2, 12),
        zone="America/New_York",
        prefs=Preferences(max_per_day=1),
    )
    assert found[0].starts_at == utc(2026, 7, 1, 13)  # 09:00 EDT
    assert walls(found, new_york)[0] == "01 09:00" and walls(found, new_york)[-1] == "01 17:00"


def meeting(day: int, hour: int) -> Interval:
    return (local(BERLIN, 2026, 5, day, hour), local(BERLIN, 2026, 5, day, hour + 1))


MEETINGS = [meeting(4, 16), meeting(5, 14), meeting(5, 16), *(meeting(6, h) for h in (8, 12, 16))]


def test_meetings_per_day_limits_booking_not_choice() -> None:
    # a day with fewer meetings than the maximum offers every free time it has; a day with
    # the maximum offers none and says so (full)
    found = days(local(BERLIN, 2026, 5, 4), local(BERLIN, 2026, 5, 7), meetings=MEETINGS)
    assert [(d.day.day, len(d.slots), d.booked, d.full) for d in found] == [
        (4, 12, 1, False),  # 09:00 to 14:30; 16:00-17:00 with its buffer blocks the rest
        (5, 8, 2, False),  # 09:00 to 12:30
        (6, 0, 3, True),
    ]
    one = days(
        local(BERLIN, 2026, 5, 4), local(BERLIN, 2026, 5, 7), MEETINGS, Preferences(max_per_day=1)
    )
    assert [(d.day.day, d.full) for d in one] == [(4, True), (5, True), (6, True)]


def test_meetings_block_their_time() -> None:
    # meetings block time like busy intervals, with the buffer
    prefs = Preferences(max_per_day=3, day_start=time(14))
    found = slots(
        local(BERLIN, 2026, 5, 4), local(BERLIN, 2026, 5, 5), meetings=MEETINGS, prefs=prefs
    )
    assert walls(found) == ["04 14:00", "04 14:30"]  # 15:00 on come within 30 min of 16:00


def test_the_buffer_holds_across_midnight() -> None:
    prefs = Preferences(day_start=time(0), day_end=time(6), buffer=timedelta(hours=1))
    late = [(local(BERLIN, 2026, 5, 4, 23), local(BERLIN, 2026, 5, 5, 0, 30))]
    found = slots(local(BERLIN, 2026, 5, 5), local(BERLIN, 2026, 5, 5, 6), busy=late, prefs=prefs)
    assert walls(found)[0] == "05 01:30"


def test_days_come_in_order_and_days_without_free_time_are_left_out() -> None:
    week = (local(BERLIN, 2026, 5, 4), local(BERLIN, 2026, 5, 11))
    tuesday = [(local(BERLIN, 2026, 5, 5, 8), local(BERLIN, 2026, 5, 5, 19))]
    found = free_days(
        window_start=week[0],
        window_end=week[1],
        timezone="Europe/Berlin",
        busy=tuesday,
        meetings=(),
        prefs=DEFAULT,
    )
    assert [d.day.day for d in found] == [4, 6, 7, 8, 9, 10]  # 11 begins at midnight: no time
    assert all(len(d.slots) == 17 and not d.full and d.booked == 0 for d in found)


def test_a_long_leg_with_few_free_days() -> None:
    # only the last day of a year-long leg is free: still found
    year = (local(BERLIN, 2026, 1, 1), local(BERLIN, 2027, 1, 1))
    busy = [(year[0], local(BERLIN, 2026, 12, 31, 12))]
    found = walls(slots(*year, busy=busy))
    assert (found[0], found[-1], len(found)) == ("31 12:30", "31 17:00", 10)


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
    found = slots(arrive, leave, busy=busy)
    kunde = (local(BERLIN, 2026, 3, 19, 9, 30), local(BERLIN, 2026, 3, 19, 12))  # with buffer
    assert not any(slot.starts_at < kunde[1] and kunde[0] < slot.ends_at for slot in found)
    half_hours = [f"{h:02d}:{m:02d}" for h in range(9, 18) for m in (0, 30)][:-1]  # to 17:00
    assert walls(found) == [
        *(f"19 {t}" for t in half_hours if t >= "12:00"),
        # 08:45 + 30 minutes is 09:15, the next grid time 09:30; the transparent
        # "Fokuszeit" 13:00-17:00 does not block
        *(f"20 {t}" for t in half_hours if t >= "09:30"),
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
        (Preferences(max_per_day=0), "max_per_day must be at least 1"),
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
)
def test_slots_keep_every_rule(
    offset: int,
    length: int,
    zone_name: str,
    busy: list[Interval],
    meetings: list[Interval],
    prefs: Preferences,
    now_offset: int | None,
) -> None:
    zone = ZoneInfo(zone_name)
    window_start = BASE + timedelta(minutes=offset)
    window_end = window_start + timedelta(minutes=length)
    now = None if now_offset is None else BASE + timedelta(minutes=now_offset)
    found = slots(window_start, window_end, zone_name, busy, meetings, prefs, now)

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
    assert all(booked[day] < prefs.max_per_day for day in offered)  # a full day offers none
    # nothing free is left out: every grid time that keeps the rules is offered, checked
    # naively against every interval
    earliest = window_start if now is None else max(window_start, now)
    buffer, expected = prefs.buffer, []
    day = earliest.astimezone(zone).date()
    while day <= window_end.astimezone(zone).date():
        wall, day_end = datetime.combine(day, prefs.day_start), datetime.combine(day, prefs.day_end)
        while wall < day_end:
            start = wall.replace(tzinfo=zone).astimezone(UTC)
            end = start + prefs.duration
            if (
                start.astimezone(zone).replace(tzinfo=None) == wall
                and day.weekday() in prefs.weekdays
                and booked[day] < prefs.max_per_day
                and earliest <= start
                and end <= window_end
                and end.astimezone(zone).replace(tzinfo=None) <= day_end
                and all(end + buffer <= s or e + buffer <= start for s, e in (*busy, *meetings))
            ):
                expected.append(start)
            wall += prefs.step
        day += timedelta(days=1)
    assert [slot.starts_at for slot in found] == expected
