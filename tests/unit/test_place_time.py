"""Time at a place, without Flask or a database: the instants wall-clock times mean."""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from planner.geo import Place
from planner.trips.place_time import exists_at, local_times, to_utc, zone_of

VIENNA = ZoneInfo("Europe/Vienna")


def test_the_earlier_of_the_autumn_hour_that_happens_twice_is_meant() -> None:
    assert to_utc(datetime(2026, 10, 25, 2, 30), VIENNA) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


def test_a_time_in_the_spring_gap_does_not_exist_and_moves_forward() -> None:
    gap = datetime(2026, 3, 29, 2, 30)
    assert not exists_at(gap, VIENNA)
    assert exists_at(datetime(2026, 3, 29, 3, 30), VIENNA)
    assert to_utc(gap, VIENNA) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)


def test_a_place_without_a_known_zone_is_on_utc() -> None:
    assert zone_of(Place("Wien", "AT", 48.2, 16.4, timezone="Europe/Vienna")).key == "Europe/Vienna"
    assert zone_of(Place("Nowhere", None, 0.0, 0.0, timezone="Mars/Olympus")).key == "UTC"
    assert zone_of(Place("Nowhere", None, 0.0, 0.0)).key == "UTC"


@dataclass
class _Stay:
    timezone: str
    arrives_at: datetime
    departs_at: datetime


def test_a_stay_is_shown_on_the_clock_of_its_place() -> None:
    stay = _Stay(
        "Europe/Vienna",
        datetime(2026, 12, 3, 8, 0, tzinfo=UTC),
        datetime(2026, 12, 5, 17, 0, tzinfo=UTC),
    )
    arrives, departs = local_times(stay)
    assert (arrives.hour, departs.hour) == (9, 18) and arrives.tzinfo == VIENNA
