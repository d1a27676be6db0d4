"""iCalendar files for meetings, read back by parsers other than the one that wrote them.

``vobject`` re-reads every file (its VTIMEZONEs go through ``dateutil.tz.tzical``), so a
wrong VTIMEZONE shows up as a wrong UTC instant; ``recurring_ical_events`` reads the feeds
a second time. Raw lines are checked where the wire format itself is the point (TZID,
folding, CRLF).
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from dateutil import tz
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.calendar.ics import (
    PRODID,
    IcsError,
    MeetingInvite,
    Person,
    cancel_ics,
    feed_ics,
    invite_ics,
)
from tests.ics_reading import read_ics

BERLIN = ZoneInfo("Europe/Berlin")
DTSTAMP = datetime(2026, 3, 1, 9, 15, 30, tzinfo=UTC)
ANNA = Person("Anna Müller", "anna@example.org")
BOB = Person("Bob Smith, Jr.", "bob@example.com", language="en", partstat="ACCEPTED")
CLARA = Person("Clara Weiß", "clara@example.de", language="de")


def local(zone: str, year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """Wall time in ``zone``, returned in UTC as the database stores it."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def meeting(**changes: Any) -> MeetingInvite:
    base = MeetingInvite(
        uid="3f2c9a1e-7b4d-4c2a-9e8f-0d1b2c3d4e5f@treffpunkt",
        sequence=2,
        summary="Kaffee mit Bob",
        starts_at=local("Europe/Berlin", 2026, 3, 30, 10, 0),
        ends_at=local("Europe/Berlin", 2026, 3, 30, 11, 30),
        timezone="Europe/Berlin",
        organizer=ANNA,
        attendees=(BOB, CLARA),
        location="Café Einstein, Unter den Linden 42; 10117 Berlin",
        geo=(52.51709, 13.38886),
        description="Über Radtouren reden.\nBitte pünktlich.",
        url="https://treffpunkt.example/meetings/42",
        alarm_minutes=30,
        created=datetime(2026, 2, 1, 8, tzinfo=UTC),
        last_modified=datetime(2026, 2, 20, 17, 45, tzinfo=UTC),
    )
    return replace(base, **changes)


def read(ics: bytes) -> Any:
    """The VCALENDAR as vobject parses and validates it."""
    return read_ics(ics)


def unfolded(ics: bytes) -> list[str]:
    return ics.decode("utf-8").replace("\r\n ", "").split("\r\n")[:-1]


def at_utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A UTC instant, short for the tables below."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def params(prop: Any) -> dict[str, str]:
    """vobject parameters as single values (vobject keeps lists)."""
    return {name: values[0] for name, values in prop.params.items() if len(values) == 1}


def by_address(event: Any) -> dict[str, Any]:
    return {attendee.value: attendee for attendee in event.contents.get("attendee", [])}


# --- invitation ----------------------------------------------------------------------


def test_invite_is_read_back_field_by_field() -> None:
    cal = read(invite_ics(meeting(), dtstamp=DTSTAMP))
    assert cal.method.value == "REQUEST"
    assert cal.version.value == "2.0"
    assert cal.prodid.value == PRODID
    assert len(cal.vevent_list) == 1
    event = cal.vevent
    assert event.uid.value == "3f2c9a1e-7b4d-4c2a-9e8f-0d1b2c3d4e5f@treffpunkt"
    assert event.sequence.value == "2"
    assert event.dtstamp.value == DTSTAMP
    assert utc(event.dtstart.value) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert utc(event.dtend.value) == datetime(2026, 3, 30, 9, 30, tzinfo=UTC)
    assert event.summary.value == "Kaffee mit Bob"
    assert event.location.value == "Café Einstein, Unter den Linden 42; 10117 Berlin"
    assert event.geo.value == "52.51709;13.38886"
    assert event.description.value == "Über Radtouren reden.\nBitte pünktlich."
    assert event.url.value == "https://treffpunkt.example/meetings/42"
    assert event.status.value == "CONFIRMED"
    assert event.created.value == datetime(2026, 2, 1, 8, tzinfo=UTC)
    assert event.last_modified.value == datetime(2026, 2, 20, 17, 45, tzinfo=UTC)

    assert event.organizer.value == "mailto:anna@example.org"
    assert params(event.organizer) == {"CN": "Anna Müller"}
    attendees = by_address(event)
    assert set(attendees) == {"mailto:bob@example.com", "mailto:clara@example.de"}
    assert params(attendees["mailto:bob@example.com"]) == {
        "CN": "Bob Smith, Jr.",
        "CUTYPE": "INDIVIDUAL",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "ACCEPTED",
        "RSVP": "TRUE",
        "LANGUAGE": "en",
    }
    assert params(attendees["mailto:clara@example.de"]) == {
        "CN": "Clara Weiß",
        "CUTYPE": "INDIVIDUAL",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
        "LANGUAGE": "de",
    }

    alarm = event.valarm
    assert alarm.action.value == "DISPLAY"
    assert alarm.trigger.value == timedelta(minutes=-30)
    assert alarm.description.value == "Kaffee mit Bob"


def test_start_and_end_are_wall_time_with_tzid_and_a_vtimezone() -> None:
    ics = invite_ics(meeting(), dtstamp=DTSTAMP)
    lines = unfolded(ics)
    assert "DTSTART;TZID=Europe/Berlin:20260330T100000" in lines
    assert "DTEND;TZID=Europe/Berlin:20260330T113000" in lines
    assert "DTSTAMP:20260301T091530Z" in lines

    cal = read(ics)
    assert [zone.tzid.value for zone in cal.vtimezone_list] == ["Europe/Berlin"]
    zone = cal.vtimezone
    assert [(c.tzname.value, c.tzoffsetto.value) for c in zone.standard_list] == [
        ("CET", "+0100"),
        ("CET", "+0100"),
    ]
    assert [(c.tzname.value, c.tzoffsetto.value) for c in zone.daylight_list] == [("CEST", "+0200")]
    start = cal.vevent.dtstart
    assert start.params["X-VOBJ-ORIGINAL-TZID"] == ["Europe/Berlin"]
    assert start.value.replace(tzinfo=None) == datetime(2026, 3, 30, 10, 0)  # wall time
    assert start.value.utcoffset() == timedelta(hours=2)
    assert utc(start.value) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("starts_at", "wire", "expected_utc"),
    [
        # 29 March 2026: clocks go from 02:00 CET to 03:00 CEST.
        (local("Europe/Berlin", 2026, 3, 29, 10, 0), "20260329T100000", at_utc(2026, 3, 29, 8, 0)),
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "20260329T013000", at_utc(2026, 3, 29, 0, 30)),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "20260329T033000", at_utc(2026, 3, 29, 1, 30)),
        # 25 October 2026: clocks go from 03:00 CEST back to 02:00 CET.
        (
            local("Europe/Berlin", 2026, 10, 25, 10, 0),
            "20261025T100000",
            at_utc(2026, 10, 25, 9, 0),
        ),
        (
            datetime(2026, 10, 24, 23, 30, tzinfo=UTC),
            "20261025T013000",
            at_utc(2026, 10, 24, 23, 30),
        ),
        # 02:30 happens twice; the first time can be written with TZID ...
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "20261025T023000", at_utc(2026, 10, 25, 0, 30)),
    ],
)
def test_dst_change_days_keep_the_instant(
    starts_at: datetime, wire: str, expected_utc: datetime
) -> None:
    ics = invite_ics(
        meeting(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)), dtstamp=DTSTAMP
    )
    assert f"DTSTART;TZID=Europe/Berlin:{wire}" in unfolded(ics)
    start = read(ics).vevent.dtstart.value
    assert utc(start) == expected_utc


def test_second_pass_through_the_repeated_hour_is_written_in_utc() -> None:
    # ... the second 02:30 (01:30 UTC) cannot: RFC 5545 reads it as the first, an hour early.
    starts_at = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    ics = invite_ics(
        meeting(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)), dtstamp=DTSTAMP
    )
    lines = unfolded(ics)
    assert "DTSTART:20261025T013000Z" in lines
    assert "DTEND;TZID=Europe/Berlin:20261025T033000" in lines
    event = read(ics).vevent
    assert utc(event.dtstart.value) == starts_at
    assert utc(event.dtend.value) == starts_at + timedelta(hours=1)


def test_zone_without_offsets_is_written_in_utc_without_vtimezone() -> None:
    starts_at = datetime(2026, 6, 1, 9, tzinfo=UTC)
    ics = invite_ics(
        meeting(timezone="Etc/UTC", starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)),
        dtstamp=DTSTAMP,
    )
    assert "DTSTART:20260601T090000Z" in unfolded(ics)
    cal = read(ics)
    assert "vtimezone" not in cal.contents
    assert cal.vevent.dtstart.value == starts_at


def test_start_given_in_another_zone_is_written_in_the_meeting_zone() -> None:
    starts_at = datetime(2026, 7, 1, 4, 0, tzinfo=ZoneInfo("America/New_York"))  # 10:00 Berlin
    ics = invite_ics(
        meeting(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1)), dtstamp=DTSTAMP
    )
    assert "DTSTART;TZID=Europe/Berlin:20260701T100000" in unfolded(ics)
    assert utc(read(ics).vevent.dtstart.value) == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def test_optional_fields_are_left_out() -> None:
    bare = MeetingInvite(
        uid="bare@treffpunkt",
        sequence=0,
        summary="Kaffee",
        starts_at=local("Europe/Berlin", 2026, 5, 4, 15, 0),
        ends_at=local("Europe/Berlin", 2026, 5, 4, 16, 0),
        timezone="Europe/Berlin",
        organizer=ANNA,
        attendees=(Person("Bob", "bob@example.com"),),
    )
    event = read(invite_ics(bare, dtstamp=DTSTAMP)).vevent
    assert set(event.contents) == {
        "uid",
        "sequence",
        "dtstamp",
        "dtstart",
        "dtend",
        "summary",
        "status",
        "organizer",
        "attendee",
    }
    assert "LANGUAGE" not in event.attendee.params


def test_attendee_without_email_is_named_in_the_description_only() -> None:
    dora = Person("Dora Dóra", None)
    ics = invite_ics(meeting(attendees=(BOB, dora)), dtstamp=DTSTAMP)
    event = read(ics).vevent
    assert set(by_address(event)) == {"mailto:bob@example.com"}
    assert event.description.value == (
        "Über Radtouren reden.\nBitte pünktlich.\n\n• Anna Müller\n• Bob Smith, Jr.\n• Dora Dóra"
    )

    only_list = read(invite_ics(meeting(attendees=(dora,), description=None), dtstamp=DTSTAMP))
    assert "attendee" not in only_list.vevent.contents
    assert only_list.vevent.description.value == "• Anna Müller\n• Dora Dóra"


def test_names_are_one_line_and_keep_special_characters() -> None:
    odd = Person('Zoë "Zo" O\'Neil;\nPhD: Köln, DE', "zoe@example.org")
    event = read(invite_ics(meeting(attendees=(odd,)), dtstamp=DTSTAMP)).vevent
    # vobject does not decode RFC 6868 (^' for a double quote); icalendar does.
    assert params(event.attendee)["CN"] == "Zoë ^'Zo^' O'Neil; PhD: Köln, DE"
    reread = icalendar.Calendar.from_ical(invite_ics(meeting(attendees=(odd,)), dtstamp=DTSTAMP))
    assert reread.events[0]["ATTENDEE"].params["CN"] == 'Zoë "Zo" O\'Neil; PhD: Köln, DE'


def test_control_characters_are_dropped_and_newlines_kept() -> None:
    messy = meeting(
        summary="Kaffee\x00 mit\x07 Bob\x1b",
        location="Ecke\r\nStraße\x7f",
        description="eins\rzwei\tdrei\x85",
    )
    event = read(invite_ics(messy, dtstamp=DTSTAMP)).vevent
    assert event.summary.value == "Kaffee mit Bob"
    assert event.location.value == "Ecke\nStraße"
    assert event.description.value == "eins\nzwei\tdrei"


# --- cancellation --------------------------------------------------------------------


def test_cancel_has_same_uid_higher_sequence_and_all_attendees() -> None:
    original = meeting()
    cancelled = replace(original, sequence=original.sequence + 1)  # status still CONFIRMED
    invite = read(invite_ics(original, dtstamp=DTSTAMP)).vevent
    cal = read(cancel_ics(cancelled, dtstamp=DTSTAMP + timedelta(days=2)))
    assert cal.method.value == "CANCEL"
    event = cal.vevent
    assert event.uid.value == invite.uid.value
    assert int(event.sequence.value) == int(invite.sequence.value) + 1 == 3
    assert event.status.value == "CANCELLED"
    assert event.dtstamp.value == DTSTAMP + timedelta(days=2)
    assert event.organizer.value == "mailto:anna@example.org"
    assert utc(event.dtstart.value) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    attendees = by_address(event)
    assert set(attendees) == {"mailto:bob@example.com", "mailto:clara@example.de"}
    assert all("RSVP" not in attendee.params for attendee in attendees.values())
    assert "valarm" not in event.contents


# --- feed ----------------------------------------------------------------------------


def test_feed_header_and_events() -> None:
    first = meeting(uid="a@treffpunkt")
    second = meeting(
        uid="b@treffpunkt",
        starts_at=local("Europe/Berlin", 2026, 4, 2, 9, 0),
        ends_at=local("Europe/Berlin", 2026, 4, 2, 10, 0),
        status="TENTATIVE",
    )
    ics = feed_ics(
        [first, second], name="Treffen, Kaffee; Anna", dtstamp=DTSTAMP, refresh_minutes=90
    )
    lines = unfolded(ics)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H30M" in lines
    assert "X-PUBLISHED-TTL:PT1H30M" in lines
    cal = read(ics)
    assert cal.method.value == "PUBLISH"
    assert cal.contents["x-wr-calname"][0].value == "Treffen, Kaffee; Anna"
    assert cal.contents["name"][0].value == "Treffen, Kaffee; Anna"
    assert [e.uid.value for e in cal.vevent_list] == ["a@treffpunkt", "b@treffpunkt"]
    assert [e.status.value for e in cal.vevent_list] == ["CONFIRMED", "TENTATIVE"]
    assert [utc(e.dtstart.value) for e in cal.vevent_list] == [
        datetime(2026, 3, 30, 8, 0, tzinfo=UTC),
        datetime(2026, 4, 2, 7, 0, tzinfo=UTC),
    ]
    assert len(cal.vtimezone_list) == 1  # one per zone, not one per event
    for event in cal.vevent_list:
        assert event.valarm.trigger.value == timedelta(minutes=-30)


def test_the_feed_names_the_invitees_but_gives_no_addresses() -> None:
    """Whoever hosts the subscribed calendar reads the feed: no ATTENDEE, no invitee address;
    the people are listed by name in the description. The invite keeps its attendees."""
    ics = feed_ics([meeting()], name="Treffen", dtstamp=DTSTAMP)
    text = ics.decode()
    assert "ATTENDEE" not in text
    for person in (BOB, CLARA):
        assert person.email and person.email not in text
    event = read(ics).vevent
    assert "attendee" not in event.contents
    assert event.description.value.startswith("Über Radtouren reden.")
    assert f"• {BOB.name}" in event.description.value
    assert f"• {CLARA.name}" in event.description.value
    assert event.organizer.value == f"mailto:{ANNA.email}"  # the user's own address
    invite = read(invite_ics(meeting(), dtstamp=DTSTAMP)).vevent
    assert len(invite.contents["attendee"]) == 2


@pytest.mark.parametrize(
    ("zone", "wall", "expected_utc"),
    [
        ("America/New_York", datetime(2026, 3, 30, 10, 0), at_utc(2026, 3, 30, 14, 0)),  # EDT, -4
        ("Europe/London", datetime(2026, 3, 30, 10, 0), at_utc(2026, 3, 30, 9, 0)),  # BST, +1
        (
            "America/New_York",
            datetime(2026, 3, 10, 10, 0),
            at_utc(2026, 3, 10, 14, 0),
        ),  # US already EDT
        ("Europe/London", datetime(2026, 12, 1, 10, 0), at_utc(2026, 12, 1, 10, 0)),  # GMT
    ],
)
def test_feed_across_zones_has_one_vtimezone_per_zone(
    zone: str, wall: datetime, expected_utc: datetime
) -> None:
    berlin = [
        meeting(
            uid=f"berlin-{day}@treffpunkt", starts_at=local("Europe/Berlin", 2026, 3, day, 10, 0)
        )
        for day in (30, 31)
    ]
    berlin = [replace(m, ends_at=m.starts_at + timedelta(hours=1)) for m in berlin]
    starts_at = wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    abroad = meeting(
        uid="abroad@treffpunkt",
        timezone=zone,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
    )
    ics = feed_ics([berlin[0], abroad, berlin[1]], name="Treffen", dtstamp=DTSTAMP)
    assert f"DTSTART;TZID={zone}:{wall:%Y%m%dT%H%M%S}" in unfolded(ics)

    cal = read(ics)
    assert sorted(z.tzid.value for z in cal.vtimezone_list) == sorted(["Europe/Berlin", zone])
    starts = {e.uid.value: utc(e.dtstart.value) for e in cal.vevent_list}
    assert starts == {
        "berlin-30@treffpunkt": datetime(2026, 3, 30, 8, 0, tzinfo=UTC),
        "berlin-31@treffpunkt": datetime(2026, 3, 31, 8, 0, tzinfo=UTC),
        "abroad@treffpunkt": expected_utc,
    }

    # The same instants through a second reader.
    occurrences = recurring_ical_events.of(icalendar.Calendar.from_ical(ics)).between(
        datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert {str(o["UID"]): o.start.astimezone(UTC) for o in occurrences} == starts


def test_feed_vtimezone_covers_every_year_used() -> None:
    meetings = [
        meeting(
            uid=f"{year}@treffpunkt",
            starts_at=local("Europe/Berlin", year, 7, 1, 10, 0),
            ends_at=local("Europe/Berlin", year, 7, 1, 11, 0),
        )
        for year in (2026, 2028)
    ]
    ics = feed_ics(meetings, name="Treffen", dtstamp=DTSTAMP)
    cal = read(ics)
    assert {e.uid.value: utc(e.dtstart.value) for e in cal.vevent_list} == {
        "2026@treffpunkt": datetime(2026, 7, 1, 8, 0, tzinfo=UTC),
        "2028@treffpunkt": datetime(2028, 7, 1, 8, 0, tzinfo=UTC),
    }
    # Summer and winter 2028 come from the file's VTIMEZONE (read by dateutil alone).
    berlin = tz.tzical(io.StringIO(ics.decode())).get("Europe/Berlin")
    assert datetime(2028, 7, 1, 10, tzinfo=berlin).utcoffset() == timedelta(hours=2)
    assert datetime(2028, 12, 1, 10, tzinfo=berlin).utcoffset() == timedelta(hours=1)


def test_empty_feed_is_a_valid_calendar() -> None:
    """RFC 5545: a calendar holds at least one component; an empty feed has the owner's zone."""
    ics = feed_ics([], name="Treffen", dtstamp=DTSTAMP, timezone="Europe/Vienna")
    cal = read(ics)
    assert cal.method.value == "PUBLISH"
    assert "vevent" not in cal.contents
    assert [z.tzid.value for z in cal.contents["vtimezone"]] == ["Europe/Vienna"]
    parsed = icalendar.Calendar.from_ical(ics)
    assert [c.name for c in parsed.subcomponents] == ["VTIMEZONE"]
    utc = feed_ics([], name="Treffen", dtstamp=DTSTAMP)  # no zone known: UTC's
    assert [c["TZID"] for c in icalendar.Calendar.from_ical(utc).subcomponents] == ["UTC"]


# --- wire format ---------------------------------------------------------------------


def test_lines_end_in_crlf_and_are_folded_at_75_octets() -> None:
    summary = "Kaffee, Kuchen; Gespräch über Fahrräder und Wörter " * 5
    ics = invite_ics(meeting(summary=summary), dtstamp=DTSTAMP)
    assert ics.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in ics.replace(b"\r\n", b"")
    assert b"\r" not in ics.replace(b"\r\n", b"")
    physical = ics.split(b"\r\n")[:-1]
    assert max(len(line) for line in physical) <= 75
    continuations = [line for line in physical if line.startswith(b" ")]
    assert len(continuations) >= 4  # the summary and its alarm copy are long
    for line in physical:
        line.decode("utf-8")  # never split inside a UTF-8 sequence
    assert read(ics).vevent.summary.value == summary


@settings(max_examples=150, deadline=None)
@given(
    summary=st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=120),
    location=st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=120),
)
def test_any_text_survives_the_round_trip(summary: str, location: str) -> None:
    ics = invite_ics(meeting(summary=summary, location=location), dtstamp=DTSTAMP)
    event = read(ics).vevent
    assert event.summary.value == summary
    assert event.location.value == location


# --- errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"starts_at": datetime(2026, 3, 30, 10, 0)}, "starts_at must be an aware datetime"),
        ({"ends_at": datetime(2026, 3, 30, 11, 0)}, "ends_at must be an aware datetime"),
        ({"created": datetime(2026, 3, 1)}, "created must be an aware datetime"),
        ({"timezone": "Mars/Base"}, "unknown time zone 'Mars/Base'"),
        ({"timezone": "../etc/passwd"}, "unknown time zone"),
        ({"ends_at": local("Europe/Berlin", 2026, 3, 30, 9, 0)}, "must be after starts_at"),
        ({"ends_at": local("Europe/Berlin", 2026, 3, 30, 10, 0)}, "must be after starts_at"),
        ({"starts_at": datetime(1, 1, 1, tzinfo=UTC)}, "within the years 2 to 9997"),
        ({"ends_at": datetime(9999, 12, 31, 23, 59, tzinfo=UTC)}, "within the years"),
        ({"organizer": Person("Anna", None)}, "organizer 'Anna' has no e-mail address"),
        ({"organizer": Person("Anna", "anna at example")}, "not an e-mail address"),
        ({"attendees": (Person("Bob", "bob@x\r\nBEGIN:VEVENT"),)}, "not an e-mail address"),
        ({"attendees": (Person("Bob", "bob@x.de", partstat="YES"),)}, "partstat must be"),
        ({"attendees": (Person("Bob", "bob@x.de", language="de;x"),)}, "language must be"),
        ({"status": "DONE"}, "status must be one of"),
        ({"sequence": -1}, "sequence must not be negative"),
        ({"alarm_minutes": -5}, "alarm_minutes must not be negative"),
        ({"geo": (91.0, 13.0)}, "latitude"),
        ({"geo": (52.0, float("nan"))}, "longitude"),
        ({"url": "not a url"}, "url must be an absolute URI"),
        ({"uid": "  "}, "uid must be non-blank"),
    ],
)
def test_bad_input_raises_ics_error_naming_the_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(IcsError, match=message.replace("(", r"\(")):
        invite_ics(meeting(**changes), dtstamp=DTSTAMP)


def test_naive_dtstamp_is_refused() -> None:
    with pytest.raises(IcsError, match="dtstamp must be an aware datetime"):
        invite_ics(meeting(), dtstamp=datetime(2026, 3, 1, 9, 0))


def test_feed_refuses_duplicate_uids_and_zero_refresh() -> None:
    with pytest.raises(IcsError, match="appears twice"):
        feed_ics([meeting(), meeting()], name="Treffen", dtstamp=DTSTAMP)
    with pytest.raises(IcsError, match="refresh_minutes must be at least 1"):
        feed_ics([meeting()], name="Treffen", dtstamp=DTSTAMP, refresh_minutes=0)


def test_ics_error_is_a_value_error() -> None:
    assert issubclass(IcsError, ValueError)
