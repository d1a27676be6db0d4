"""Free times on the meeting page: grouped by day with the date once, every time of the
day, "More times" for the days after the first few, a full day says so, every time shown
can be taken; and "Days I meet" in the preferences, named in the reader's language."""

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlmodel import Session

from planner.contacts.service import ContactInput, create_contact
from planner.meetings import service
from planner.models import User
from planner.models.types import utcnow

BERLIN = ZoneInfo("Europe/Berlin")
PREFERENCES = {
    "display_name": "",
    "day_start": "09:00",
    "day_end": "18:00",
    "minutes": "60",
    "buffer": "30",
    "per_day": "3",
    "alarm": "",
}


@pytest.fixture
def user(make_user: Any) -> Any:
    return make_user("zeiten@example.org")


def meeting_url(app: Flask, user_id: Any, *, booked_tomorrow: int = 0, **prefs: Any) -> str:
    """An open meeting without a trip (Europe/Berlin); ``booked_tomorrow`` planned meetings
    on the next day in Berlin, from 09:00 on."""
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        owner = session.get(User, user_id)
        assert owner is not None
        for name, value in prefs.items():
            setattr(owner, name, value)
        anna = create_contact(
            session, owner=owner, data=ContactInput(first_name="Anna", last_name="Berg")
        )
        session.flush()
        tomorrow = (utcnow().astimezone(BERLIN) + timedelta(days=1)).date()
        for n in range(booked_tomorrow):
            other = service.create_meeting(
                session, owner=owner, contacts=[anna], leg=None, data=service.MeetingInput()
            )
            service.update_meeting(
                session,
                meeting=other,
                owner=owner,
                data=service.MeetingInput(
                    starts=datetime.combine(tomorrow, datetime.min.time()) + timedelta(hours=9 + n),
                    ends=datetime.combine(tomorrow, datetime.min.time()) + timedelta(hours=10 + n),
                    timezone="Europe/Berlin",
                ),
            )
        meeting = service.create_meeting(
            session, owner=owner, contacts=[anna], leg=None, data=service.MeetingInput()
        )
        session.commit()
        return f"/meetings/{meeting.id}"


def free_days(page: str) -> list[tuple[str, list[str]]]:
    """(date heading, button texts) per day of the free-times section."""
    section = page.split('id="free-times"', 1)[1].split("</section>", 1)[0]
    days = []
    for block in section.split('<div class="free-day"')[1:]:
        heading = re.search(r"<h3>([^<]+)</h3>", block)
        assert heading
        times = re.findall(r'<button type="submit" class="outline small slot"[^>]*>([^<]+)<', block)
        days.append((heading.group(1), times))
    return days


def starts(page: str) -> list[str]:
    return re.findall(r'name="starts_at" value="([^"]+)"', page)


def test_every_free_time_of_a_day_is_shown_under_its_date_once(
    app: Flask, user: Any, login: Any
) -> None:
    web = login(user)
    url = meeting_url(app, user.id, meeting_weekdays="1234567")  # every day: no gaps
    page = web.get(url).get_data(as_text=True)
    days = free_days(page)
    assert len(days) == service.FREE_DAYS_SHOWN
    # a whole day (not today, which may have begun): 09:00 to 17:00 every half hour
    assert days[1][1] == [f"{h}:{m:02d}\u202fAM" for h in (9, 10, 11) for m in (0, 30)] + [
        "12:00\u202fPM",
        "12:30\u202fPM",
        *(f"{h}:{m:02d}\u202fPM" for h in (1, 2, 3, 4) for m in (0, 30)),
        "5:00\u202fPM",
    ]
    # the date once, as a heading, in the place's zone; each time names its day to a reader
    tomorrow = utcnow().astimezone(BERLIN) + timedelta(days=1)
    assert days[1][0] == f"{tomorrow:%a}, {tomorrow:%b} {tomorrow.day}"
    assert page.count(f">{days[1][0]}<") == 1
    assert f'aria-label="{days[1][0]}, 9:00\u202fAM–10:00\u202fAM"' in page


def test_more_times_shows_the_days_after_and_their_times_can_be_taken(
    app: Flask, user: Any, login: Any
) -> None:
    web = login(user)
    url = meeting_url(app, user.id)
    page = web.get(url).get_data(as_text=True)
    more = re.search(r'<a href="([^"]+)" id="more-times">More times: (\d+) more days?</a>', page)
    assert more, "a long list offers more times"
    assert more.group(1) == f"{url}?days={2 * service.FREE_DAYS_SHOWN}#free-times"
    rest = web.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    first, everything = starts(page), starts(rest)
    assert everything[: len(first)] == first and len(everything) > len(first)
    later = everything[-1]  # the afternoon of a day that only "More times" shows
    assert later not in first
    taken = web.submit(f"{url}/slot", {"starts_at": later}, form_url=url)
    assert "Time set." in web.get(taken.headers["Location"]).get_data(as_text=True)
    assert datetime.fromisoformat(later) > utcnow() + timedelta(days=6)


def test_without_a_trip_saturdays_and_sundays_are_left_out_by_default(
    app: Flask, user: Any, login: Any
) -> None:
    web = login(user)
    url = meeting_url(app, user.id)
    page = web.get(f"{url}?days=20").get_data(as_text=True)
    weekdays = {datetime.fromisoformat(s).astimezone(BERLIN).strftime("%a") for s in starts(page)}
    assert weekdays <= {"Mon", "Tue", "Wed", "Thu", "Fri"}
    assert len(free_days(page)) >= 9  # two weeks of working days, today perhaps over
    assert "More times" not in page


def test_a_day_with_the_daily_maximum_says_so_and_offers_none(
    app: Flask, user: Any, login: Any
) -> None:
    web = login(user)
    url = meeting_url(
        app, user.id, booked_tomorrow=2, meetings_per_day=2, meeting_weekdays="1234567"
    )
    page = web.get(url).get_data(as_text=True)
    heading, times = free_days(page)[1]
    assert times == []
    full = page.split(f"<h3>{heading}</h3>", 1)[1].split("</div>", 1)[0]
    assert "2 meetings planned already: the most you want on one day." in full


def test_days_i_meet_in_the_preferences_in_german(app: Flask, user: Any, login: Any) -> None:
    web = login(user)
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        owner = session.get(User, user.id)
        assert owner is not None
        owner.locale = "de"
        session.commit()
    page = web.get("/settings/calendars").get_data(as_text=True)
    boxes = re.findall(
        r'<input( checked)? id="weekdays-\d" name="weekdays" type="checkbox" value="(\d)"> (\w+)',
        page,
    )
    assert [(bool(c), v, name) for c, v, name in boxes] == [
        (True, "0", "Montag"),
        (True, "1", "Dienstag"),
        (True, "2", "Mittwoch"),
        (True, "3", "Donnerstag"),
        (True, "4", "Freitag"),
        (False, "5", "Samstag"),
        (False, "6", "Sonntag"),
    ]
    assert "Tage, an denen Sie sich treffen" in page
    none = web.submit(
        "/settings/calendars/preferences", PREFERENCES, form_url="/settings/calendars"
    )
    assert none.status_code == 422
    assert "Kreuzen Sie mindestens einen Tag an." in none.get_data(as_text=True)
    saved = web.submit(
        "/settings/calendars/preferences",
        {**PREFERENCES, "weekdays": ["1", "5"]},
        form_url="/settings/calendars",
    )
    assert saved.status_code == 302
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        owner = session.get(User, user.id)
        assert owner is not None and owner.meeting_weekdays == "26"
    url = meeting_url(app, user.id)
    page = web.get(f"{url}?days=20").get_data(as_text=True)
    assert {datetime.fromisoformat(s).astimezone(BERLIN).strftime("%a") for s in starts(page)} == {
        "Tue",
        "Sat",
    }
    # German dates: the day's dot, German weekday
    assert re.search(r"<h3>(Di|Sa)\., \d{1,2}\. \w+\.?</h3>", page)
