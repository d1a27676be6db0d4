"""Free times of a meeting on both databases: every free time of a day, "days I meet" at
home, every day of a trip leg, a day with the daily maximum of meetings offers none, and a
time is taken from any day the page offers."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from planner.meetings import service
from planner.models import Meeting, User
from tests.service.test_meetings import HAMBURG, contact, leg_in

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 7 December 2026, 07:00 in Berlin: the whole working day is still ahead.
NOW = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
HALF_HOURS = [f"{h:02d}:{m:02d}" for h in range(9, 17) for m in (0, 30)] + ["17:00"]


@pytest.fixture
def owner(db: Session, make_user: Any) -> User:
    user = make_user(email="frei@example.org")
    return db.get(User, user.id)  # type: ignore[return-value]


def open_meeting(db: Session, owner: User, leg: Any = None) -> Meeting:
    anna = contact(db, owner, "Anna", "Berg")
    return service.create_meeting(
        db, owner=owner, contacts=[anna], leg=leg, data=service.MeetingInput()
    )


def walls(day: Any) -> list[str]:
    return [f"{slot.starts_at.astimezone(BERLIN):%H:%M}" for slot in day.slots]


def test_without_a_trip_the_next_two_weeks_on_weekdays_with_every_free_time(
    db: Session, owner: User
) -> None:
    assert owner.meeting_weekdays == "12345"  # Monday to Friday unless the user changes it
    days = service.free_times(db, owner=owner, meeting=open_meeting(db, owner), now=NOW)
    assert [d.day for d in days] == [
        date(2026, 12, 7) + timedelta(days=n) for n in range(14) if n % 7 < 5
    ]
    assert all(walls(day) == HALF_HOURS for day in days)  # not one 09:00 slot a day


def test_the_days_i_meet_preference_chooses_the_weekdays(db: Session, owner: User) -> None:
    owner.meeting_weekdays = service.weekdays_text([1, 5])  # Tuesday and Saturday
    assert owner.meeting_weekdays == "26"
    days = service.free_times(db, owner=owner, meeting=open_meeting(db, owner), now=NOW)
    assert [d.day.strftime("%a %d") for d in days] == ["Tue 08", "Sat 12", "Tue 15", "Sat 19"]


def test_on_a_trip_every_day_of_the_leg_counts_weekends_too(db: Session, owner: User) -> None:
    # Friday 11 December 14:00 to Sunday 13 December 16:00 in Hamburg; Monday to Friday at home
    leg = leg_in(db, owner, HAMBURG, "2026-12-11T14:00", "2026-12-13T16:00")
    days = service.free_times(db, owner=owner, meeting=open_meeting(db, owner, leg), now=NOW)
    assert [d.day.day for d in days] == [11, 12, 13]
    friday, saturday, sunday = days
    assert walls(friday) == [t for t in HALF_HOURS if t >= "14:00"]  # the afternoon, all of it
    assert walls(saturday) == HALF_HOURS
    assert walls(sunday) == [t for t in HALF_HOURS if t <= "15:00"]  # ends by departure


def test_a_day_with_the_daily_maximum_offers_none_and_others_offer_every_free_time(
    db: Session, owner: User
) -> None:
    owner.meetings_per_day = 2
    for hour in (9, 14):  # two planned meetings on Tuesday the 8th
        booked = open_meeting(db, owner)
        service.update_meeting(
            db,
            meeting=booked,
            owner=owner,
            data=service.MeetingInput(
                starts=datetime(2026, 12, 8, hour),
                ends=datetime(2026, 12, 8, hour + 1),
                timezone="Europe/Berlin",
            ),
        )
    one = open_meeting(db, owner)  # one on Wednesday the 9th at 12:00
    service.update_meeting(
        db,
        meeting=one,
        owner=owner,
        data=service.MeetingInput(
            starts=datetime(2026, 12, 9, 12),
            ends=datetime(2026, 12, 9, 13),
            timezone="Europe/Berlin",
        ),
    )
    meeting = open_meeting(db, owner)
    days = {d.day.day: d for d in service.free_times(db, owner=owner, meeting=meeting, now=NOW)}
    assert days[8].full and days[8].slots == () and days[8].booked == 2
    assert not days[9].full and days[9].booked == 1
    assert walls(days[9]) == [t for t in HALF_HOURS if not "10:30" < t < "13:30"]
    tuesday_free = datetime(2026, 12, 8, 16, tzinfo=BERLIN).astimezone(UTC)
    assert (
        service.slot_by_start(db, owner=owner, meeting=meeting, starts_at=tuesday_free, now=NOW)
        is None
    )


def test_every_offered_time_can_be_taken_the_afternoon_and_the_last_day_too(
    db: Session, owner: User
) -> None:
    meeting = open_meeting(db, owner)
    days = service.free_times(db, owner=owner, meeting=meeting, now=NOW)
    for slot in (days[0].slots[-1], days[-1].slots[0], days[-1].slots[-1]):
        found = service.slot_by_start(
            db, owner=owner, meeting=meeting, starts_at=slot.starts_at, now=NOW
        )
        assert found == slot
    service.take_slot(db, meeting=meeting, slot=days[-1].slots[-1])
    assert meeting.starts_at == days[-1].slots[-1].starts_at
    saturday = datetime(2026, 12, 12, 10, tzinfo=BERLIN).astimezone(UTC)  # not a day I meet
    assert (
        service.slot_by_start(db, owner=owner, meeting=meeting, starts_at=saturday, now=NOW) is None
    )
