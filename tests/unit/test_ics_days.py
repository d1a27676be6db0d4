"""Whole-day entries (follow-ups) in the feed, read back by vobject and by
recurring_ical_events: DATE values, the end the next day, beside meetings whose lines
do not change."""

from datetime import UTC, date, datetime

import pytest
import recurring_ical_events
from icalendar import Calendar

from planner.calendar.ics import DayEntry, IcsError, MeetingInvite, Person, feed_ics
from tests.ics_reading import read_ics

DTSTAMP = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ME = Person("Paula Planer", "paula@example.org")
COFFEE = MeetingInvite(
    uid="coffee@treffpunkt",
    sequence=0,
    summary="Kaffee",
    starts_at=datetime(2026, 12, 3, 9, 0, tzinfo=UTC),
    ends_at=datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
    timezone="Europe/Berlin",
    organizer=ME,
    attendees=(),
)
REMINDER = DayEntry(
    uid="followup-1@treffpunkt",
    summary="Follow up with Anna Berg: Kaffee",
    day=date(2026, 12, 31),
    organizer=ME,
    description="Mark it done: https://example.org/followups",
    url="https://example.org/followups",
    last_modified=DTSTAMP,
)


def test_a_day_entry_is_an_all_day_event_read_alike_by_two_parsers() -> None:
    data = feed_ics([COFFEE], name="Treffpunkt", dtstamp=DTSTAMP, days=[REMINDER])
    assert b"DTSTART;VALUE=DATE:20261231\r\n" in data
    assert b"DTEND;VALUE=DATE:20270101\r\n" in data  # exclusive, across the year's end
    calendar = read_ics(data)
    [event] = [e for e in calendar.vevent_list if e.uid.value == REMINDER.uid]
    assert event.dtstart.value == date(2026, 12, 31)
    assert event.dtend.value == date(2027, 1, 1)
    assert event.summary.value == REMINDER.summary
    on_day = recurring_ical_events.of(Calendar.from_ical(data)).at(date(2026, 12, 31))
    assert [str(e["UID"]) for e in on_day] == [REMINDER.uid]
    assert recurring_ical_events.of(Calendar.from_ical(data)).at(date(2027, 1, 1)) == []


def test_meetings_are_written_as_before_with_or_without_day_entries() -> None:
    alone = feed_ics([COFFEE], name="Treffpunkt", dtstamp=DTSTAMP)
    beside = feed_ics([COFFEE], name="Treffpunkt", dtstamp=DTSTAMP, days=[REMINDER])
    assert beside.startswith(alone.removesuffix(b"END:VCALENDAR\r\n"))


def test_a_uid_twice_and_a_bad_url_are_refused() -> None:
    with pytest.raises(IcsError, match="appears twice"):
        feed_ics([], name="T", dtstamp=DTSTAMP, days=[REMINDER, REMINDER])
    with pytest.raises(IcsError, match="url"):
        feed_ics(
            [],
            name="T",
            dtstamp=DTSTAMP,
            days=[DayEntry(uid="x@t", summary="x", day=date(2027, 1, 1), organizer=ME, url="a b")],
        )
