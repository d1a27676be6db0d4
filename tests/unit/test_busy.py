"""Busy times from the user's own calendar (.ics): expansion, time zones, errors, limits."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime
from pathlib import Path

import pytest

from planner.calendar import busy as busy_module
from planner.calendar.busy import (
    Busy,
    CalendarReadError,
    busy_times,
    merge,
)

BUSY_ICS = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / "events" / "busy.ics"
BERLIN = "Europe/Berlin"
YEAR_START = datetime(2026, 1, 1, tzinfo=UTC)
YEAR_END = datetime(2027, 1, 1, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def event(*lines: str, summary: str = "Termin", uid: str = "1@test") -> str:
    body = "".join(f"{line}\r\n" for line in lines)
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:{summary}\r\n"
        f"{body}END:VEVENT\r\n"
    )


def calendar(*events: str, head: str = "") -> bytes:
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{head}"
    return (text + "".join(events) + "END:VCALENDAR\r\n").encode("utf-8")


def read(
    data: bytes,
    start: datetime = YEAR_START,
    end: datetime = YEAR_END,
    home_zone: str = BERLIN,
) -> list[Busy]:
    return busy_times(data, start=start, end=end, home_zone=home_zone)


def spans(found: list[Busy]) -> list[tuple[datetime, datetime]]:
    return [(busy.starts_at, busy.ends_at) for busy in found]


# --- the Google Calendar export -------------------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> list[Busy]:
    return read(BUSY_ICS.read_bytes(), YEAR_START, utc(2028, 1, 1))


def test_sample_has_ten_busy_occurrences(sample: list[Busy]) -> None:
    # 11 occurrences of 6 VEVENTs; the transparent "Fokuszeit" is not busy
    assert len(sample) == 10
    assert [busy.summary for busy in sample].count("Jour fixe Team") == 6
    assert all("Fokuszeit" not in busy.summary for busy in sample)
    assert sample == sorted(sample, key=lambda busy: busy.starts_at)
    assert all(busy.starts_at.tzinfo is UTC and busy.ends_at.tzinfo is UTC for busy in sample)
    data = BUSY_ICS.read_bytes()
    assert data.count(b"BEGIN:VEVENT") == 6
    all_opaque = data.replace(b"TRANSP:TRANSPARENT", b"TRANSP:OPAQUE")
    assert len(read(all_opaque, YEAR_START, utc(2028, 1, 1))) == 11


def test_sample_weekly_rule_keeps_local_time_across_dst(sample: list[Busy]) -> None:
    jour_fixe = [busy.starts_at for busy in sample if busy.summary == "Jour fixe Team"]
    assert jour_fixe[0] == utc(2026, 3, 2, 8)  # 09:00 CET
    assert jour_fixe[-1] == utc(2026, 4, 6, 7)  # 09:00 CEST
    assert jour_fixe[-1] == datetime.fromisoformat("2026-04-06T09:00:00+02:00")
    assert utc(2026, 3, 23, 8) in jour_fixe and utc(2026, 3, 30, 7) in jour_fixe


def test_sample_utc_event_and_all_day_event(sample: list[Busy]) -> None:
    toronto = next(busy for busy in sample if busy.summary == "Call mit Toronto")
    assert (toronto.starts_at, toronto.ends_at) == (utc(2026, 3, 11, 16), utc(2026, 3, 11, 17))
    party = next(busy for busy in sample if busy.summary == "Familienfeier in Lübeck")
    assert party.all_day
    assert (party.starts_at, party.ends_at) == (utc(2026, 5, 8, 22), utc(2026, 5, 9, 22))
    assert sum(busy.all_day for busy in sample) == 1


def test_sample_on_20_march_only_the_dentist(sample: list[Busy]) -> None:
    day = [busy for busy in sample if busy.starts_at.date() == datetime(2026, 3, 20).date()]
    assert [(busy.summary, busy.starts_at, busy.ends_at) for busy in day] == [
        ("Zahnarzt", utc(2026, 3, 20, 7), utc(2026, 3, 20, 7, 45))
    ]


def test_sample_all_day_event_is_read_in_home_zone() -> None:
    found = read(BUSY_ICS.read_bytes(), utc(2026, 5, 1), utc(2026, 6, 1), "America/New_York")
    assert spans(found) == [(utc(2026, 5, 9, 4), utc(2026, 5, 10, 4))]


def test_occurrences_are_clipped_to_the_window() -> None:
    found = read(BUSY_ICS.read_bytes(), utc(2026, 3, 19, 10), utc(2026, 3, 20, 7, 30))
    assert spans(found) == [
        (utc(2026, 3, 19, 10), utc(2026, 3, 19, 10, 30)),
        (utc(2026, 3, 20, 7), utc(2026, 3, 20, 7, 30)),
    ]
    assert read(BUSY_ICS.read_bytes(), utc(2026, 3, 19, 10, 30), utc(2026, 3, 20, 7)) == []


# --- repetitions ----------------------------------------------------------------------------

WEEKLY = (
    "DTSTART;TZID=Europe/Berlin:20260302T090000",
    "DTEND;TZID=Europe/Berlin:20260302T100000",
    "RRULE:FREQ=WEEKLY;COUNT=4",
)


def test_exdate_removes_an_occurrence() -> None:
    found = read(calendar(event(*WEEKLY, "EXDATE;TZID=Europe/Berlin:20260309T090000")))
    assert [busy.starts_at for busy in found] == [
        utc(2026, 3, 2, 8),
        utc(2026, 3, 16, 8),
        utc(2026, 3, 23, 8),
    ]


def test_recurrence_id_override_moves_one_occurrence() -> None:
    moved = event(
        "RECURRENCE-ID;TZID=Europe/Berlin:20260309T090000",
        "DTSTART;TZID=Europe/Berlin:20260310T140000",
        "DTEND;TZID=Europe/Berlin:20260310T150000",
        summary="Jour fixe (verschoben)",
    )
    found = read(calendar(event(*WEEKLY, summary="Jour fixe"), moved))
    assert [(busy.summary, busy.starts_at) for busy in found] == [
        ("Jour fixe", utc(2026, 3, 2, 8)),
        ("Jour fixe (verschoben)", utc(2026, 3, 10, 13)),
        ("Jour fixe", utc(2026, 3, 16, 8)),
        ("Jour fixe", utc(2026, 3, 23, 8)),
    ]


def test_override_cancelling_one_occurrence() -> None:
    cancelled = event(
        "RECURRENCE-ID;TZID=Europe/Berlin:20260316T090000",
        "DTSTART;TZID=Europe/Berlin:20260316T090000",
        "DTEND;TZID=Europe/Berlin:20260316T100000",
        "STATUS:CANCELLED",
    )
    found = read(calendar(event(*WEEKLY), cancelled))
    assert utc(2026, 3, 16, 8) not in [busy.starts_at for busy in found]
    assert len(found) == 3


def test_rdate_adds_occurrences() -> None:
    found = read(
        calendar(
            event(
                "DTSTART:20260302T090000Z",
                "DTEND:20260302T100000Z",
                "RDATE:20260305T090000Z,20260307T090000Z",
            )
        )
    )
    assert [busy.starts_at.day for busy in found] == [2, 5, 7]


def test_rule_without_end_is_expanded_in_the_window_only() -> None:
    rule = ("DTSTART;TZID=Europe/Berlin:20200106T090000", "DURATION:PT1H", "RRULE:FREQ=DAILY")
    found = read(calendar(event(*rule)), utc(2026, 7, 1), utc(2026, 7, 4))
    assert [busy.starts_at for busy in found] == [utc(2026, 7, d, 7) for d in (1, 2, 3)]


# --- what is not busy -----------------------------------------------------------------------

ONE_HOUR = ("DTSTART:20260302T090000Z", "DTEND:20260302T100000Z")


def test_cancelled_and_transparent_events_are_not_busy() -> None:
    data = calendar(
        event(*ONE_HOUR, "STATUS:CANCELLED", uid="a"),
        event(*ONE_HOUR, "TRANSP:TRANSPARENT", uid="b"),
        event(*ONE_HOUR, "STATUS:TENTATIVE", summary="Vielleicht", uid="c"),
    )
    assert [busy.summary for busy in read(data)] == ["Vielleicht"]


def test_declined_invitations_are_still_busy() -> None:
    declined = event(
        *ONE_HOUR,
        "ORGANIZER:mailto:chef@example.org",
        "ATTENDEE;PARTSTAT=DECLINED:mailto:mareike@example.org",
    )
    assert len(read(calendar(declined))) == 1


def test_date_time_without_end_is_not_busy_unless_duration() -> None:
    data = calendar(
        event("DTSTART:20260302T090000Z", summary="Erinnerung", uid="a"),
        event("DTSTART:20260302T120000Z", "DURATION:PT90M", summary="Mittag", uid="b"),
    )
    assert [(busy.summary, busy.starts_at, busy.ends_at) for busy in read(data)] == [
        ("Mittag", utc(2026, 3, 2, 12), utc(2026, 3, 2, 13, 30))
    ]


def test_all_day_without_end_is_one_day_and_dtend_is_exclusive() -> None:
    data = calendar(
        event("DTSTART;VALUE=DATE:20260302", uid="a"),
        event("DTSTART;VALUE=DATE:20260310", "DTEND;VALUE=DATE:20260313", uid="b"),
    )
    assert spans(read(data)) == [
        (utc(2026, 3, 1, 23), utc(2026, 3, 2, 23)),
        (utc(2026, 3, 9, 23), utc(2026, 3, 12, 23)),
    ]
    assert all(busy.all_day for busy in read(data))


# --- time zones -----------------------------------------------------------------------------


def test_floating_time_is_read_in_home_zone() -> None:
    data = calendar(event("DTSTART:20260702T090000", "DTEND:20260702T100000"))
    assert spans(read(data)) == [(utc(2026, 7, 2, 7), utc(2026, 7, 2, 8))]
    assert spans(read(data, home_zone="America/New_York")) == [
        (utc(2026, 7, 2, 13), utc(2026, 7, 2, 14))
    ]


def test_floating_time_follows_x_wr_timezone() -> None:
    data = calendar(
        event("DTSTART:20260702T090000", "DTEND:20260702T100000"),
        head="X-WR-TIMEZONE:Europe/London\r\n",
    )
    assert spans(read(data)) == [(utc(2026, 7, 2, 8), utc(2026, 7, 2, 9))]


def test_unknown_x_wr_timezone_is_ignored() -> None:
    data = calendar(
        event("DTSTART:20260702T090000", "DTEND:20260702T100000"),
        head="X-WR-TIMEZONE:Mars/Olympus\r\n",
    )
    assert spans(read(data)) == [(utc(2026, 7, 2, 7), utc(2026, 7, 2, 8))]


def test_utc_value_repeats_in_x_wr_timezone_local_time() -> None:
    # Google writes some recurring events in UTC and means the calendar's zone
    data = calendar(
        event("DTSTART:20260323T080000Z", "DTEND:20260323T083000Z", "RRULE:FREQ=WEEKLY;COUNT=2"),
        head="X-WR-TIMEZONE:Europe/Berlin\r\n",
    )
    assert [busy.starts_at for busy in read(data)] == [utc(2026, 3, 23, 8), utc(2026, 3, 30, 7)]


def test_utc_value_is_exact() -> None:
    found = read(calendar(event(*ONE_HOUR)), home_zone="Asia/Tokyo")
    assert spans(found) == [(utc(2026, 3, 2, 9), utc(2026, 3, 2, 10))]


def test_windows_zone_name() -> None:
    data = calendar(
        event(
            "DTSTART;TZID=W. Europe Standard Time:20260702T090000",
            "DTEND;TZID=W. Europe Standard Time:20260702T100000",
        )
    )
    assert spans(read(data, home_zone="Asia/Tokyo")) == [(utc(2026, 7, 2, 7), utc(2026, 7, 2, 8))]


def test_custom_tzid_uses_the_files_vtimezone() -> None:
    zone = (
        "BEGIN:VTIMEZONE\r\nTZID:Büro-Zeit\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
        "TZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    )
    data = calendar(
        event("DTSTART;TZID=Büro-Zeit:20260702T090000", "DTEND;TZID=Büro-Zeit:20260702T100000"),
        head=zone,
    )
    assert spans(read(data)) == [(utc(2026, 7, 2, 6), utc(2026, 7, 2, 7))]


def test_unknown_tzid_without_vtimezone_falls_back_to_home_zone() -> None:
    data = calendar(
        event(
            "DTSTART;TZID=Mars/Olympus:20260702T090000", "DTEND;TZID=Mars/Olympus:20260702T100000"
        )
    )
    assert spans(read(data, home_zone="Europe/London")) == [
        (utc(2026, 7, 2, 8), utc(2026, 7, 2, 9))
    ]


# --- encodings and line endings -------------------------------------------------------------


def test_crlf_lf_and_bom_read_the_same() -> None:
    crlf = BUSY_ICS.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    lf = crlf.replace(b"\r\n", b"\n")
    expected = read(crlf)
    assert len(expected) == 10
    assert read(lf) == expected
    assert read(codecs.BOM_UTF8 + crlf) == expected


def test_folded_lines_are_unfolded() -> None:
    data = calendar(event(*ONE_HOUR, summary="Kaffee mit\r\n  Anna"))
    assert read(data)[0].summary == "Kaffee mit Anna"


def test_cp1252_file() -> None:
    data = calendar(event(*ONE_HOUR, summary="Müller – Café")).decode().encode("cp1252")
    assert read(data)[0].summary == "Müller – Café"


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"  \r\n\n", "the file is empty"),
        (b"hello world\nthis is not a calendar\n", "no BEGIN:VCALENDAR"),
        (b"PK\x03\x04\x00\x00binary", "binary data"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        (b"<html><body>BEGIN:VCALENDAR</body></html>", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\n", "cut off"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nEND:VCALENDAR\r\n",
            "incomplete",
        ),
    ],
)
def test_unreadable_files(data: bytes, message: str) -> None:
    with pytest.raises(CalendarReadError, match=message):
        read(data)


def test_unreadable_start_names_event_and_line() -> None:
    data = calendar(event(*ONE_HOUR, uid="a"), event("DTSTART:2026-03-02 neun", summary="Kaputt"))
    with pytest.raises(CalendarReadError, match=r'^line 11: event "Kaputt": unreadable DTSTART'):
        read(data)


def test_unreadable_rule_names_event() -> None:
    data = calendar(event(*ONE_HOUR, "RRULE:FREQ=SOMETIMES"))
    with pytest.raises(CalendarReadError, match=r'^line 4: event "Termin": unreadable RRULE'):
        read(data)


def test_event_without_start() -> None:
    with pytest.raises(CalendarReadError, match='event "Termin": no DTSTART'):
        read(calendar(event("DTEND:20260302T100000Z")))


def test_end_before_start_is_read_as_the_time_between() -> None:
    data = calendar(event("DTSTART:20260302T100000Z", "DTEND:20260302T090000Z"))
    assert spans(read(data)) == [(utc(2026, 3, 2, 9), utc(2026, 3, 2, 10))]


def test_other_unreadable_lines_are_skipped() -> None:
    data = calendar(event(*ONE_HOUR, "this line is garbage", "X-ODD;=:?"))
    assert len(read(data)) == 1


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "names no day that exists"),
        ("FREQ=MINUTELY;BYMONTH=4,6;BYMONTHDAY=-31", "names no day that exists"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY 32 outside -31..31"),
        ("FREQ=YEARLY;BYWEEKNO=0", "BYWEEKNO 0 outside"),
        ("FREQ=DAILY;BYHOUR=24", "BYHOUR 24 outside 0..23"),
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL below 1"),
        ("FREQ=DAILY;COUNT=-3", "COUNT below 1"),
        ("COUNT=5", "has no FREQ"),
    ],
)
def test_rules_that_cannot_occur_are_refused(rule: str, message: str) -> None:
    with pytest.raises(CalendarReadError, match=message):
        read(calendar(event(*ONE_HOUR, f"RRULE:{rule}")))


def test_february_29_is_a_day_that_exists() -> None:
    leap_day = ("DTSTART:20240229T090000Z", "DURATION:PT1H")
    rule = "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"
    found = read(calendar(event(*leap_day, rule)), YEAR_START, utc(2029, 1, 1))
    assert [busy.starts_at.date().isoformat() for busy in found] == ["2028-02-29"]


def test_every_minute_without_end_hits_the_occurrence_limit() -> None:
    data = calendar(event("DTSTART:20260101T000000Z", "DURATION:PT1M", "RRULE:FREQ=MINUTELY"))
    with pytest.raises(
        CalendarReadError,
        match=r"^too many events: up to 52\d,\d{3} between 2026-01-01 and 2027-01-01 \(the "
        r'limit is 100,000\), most of them "Termin"$',
    ):
        read(data)
    # a short window stays under the limit
    assert len(read(data, utc(2026, 3, 2), utc(2026, 3, 2, 1))) == 60


def test_every_minute_since_years_is_refused_even_for_a_short_window() -> None:
    # dateutil would walk every minute from 2020 to reach the window
    data = calendar(event("DTSTART:20200101T000000Z", "DURATION:PT1M", "RRULE:FREQ=MINUTELY"))
    with pytest.raises(
        CalendarReadError,
        match=r'^too many events: "Termin" repeats too often since 2020-01-01 \(FREQ=MINUTELY\)$',
    ):
        read(data, utc(2026, 3, 2), utc(2026, 3, 2, 1))


def test_count_bounds_the_estimate() -> None:
    data = calendar(
        event("DTSTART:20200101T000000Z", "DURATION:PT1M", "RRULE:FREQ=MINUTELY;COUNT=5")
    )
    assert read(data, utc(2026, 3, 2), utc(2026, 3, 2, 1)) == []
    assert len(read(data, utc(2020, 1, 1), utc(2020, 1, 2))) == 5


def test_expansions_by_hour_and_minute_count_towards_the_limit() -> None:
    hours = ",".join(str(hour) for hour in range(24))
    minutes = ",".join(str(minute) for minute in range(60))
    days = ",".join(str(day) for day in range(1, 101))
    rule = f"RRULE:FREQ=YEARLY;BYYEARDAY={days};BYHOUR={hours};BYMINUTE={minutes}"
    with pytest.raises(CalendarReadError, match="too many events"):
        read(calendar(event("DTSTART:20260101T000000Z", rule)))


def test_rdates_and_events_count_towards_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(busy_module, "MAX_OCCURRENCES", 10)
    dates = ",".join(f"202603{day:02}T090000Z" for day in range(2, 11))  # 9 RDATEs
    rdates = event("DTSTART:20260301T090000Z", "DURATION:PT1H", f"RDATE:{dates}", uid="a")
    assert len(read(calendar(rdates))) == 10
    later = dates.replace("2026", "2027")
    outside = event("DTSTART:20270301T090000Z", "DURATION:PT1H", f"RDATE:{later}", uid="b")
    assert len(read(calendar(rdates, outside))) == 10  # only what is in the window counts
    with pytest.raises(CalendarReadError, match=r'up to 11 between .* most of them "Termin"'):
        read(calendar(rdates, event(*ONE_HOUR, uid="c")))


# --- arguments and merge --------------------------------------------------------------------


def test_bad_arguments() -> None:
    data = BUSY_ICS.read_bytes()
    with pytest.raises(ValueError, match="timezone-aware"):
        busy_times(data, start=datetime(2026, 1, 1), end=YEAR_END, home_zone=BERLIN)
    with pytest.raises(ValueError, match="end must be after start"):
        busy_times(data, start=YEAR_END, end=YEAR_START, home_zone=BERLIN)
    with pytest.raises(ValueError, match="unknown time zone"):
        busy_times(data, start=YEAR_START, end=YEAR_END, home_zone="Mars/Olympus")


def test_merge_joins_overlapping_and_touching_intervals() -> None:
    def busy(start: int, end: int) -> Busy:
        return Busy(utc(2026, 3, 2, start), utc(2026, 3, 2, end), "x", all_day=False)

    assert merge([busy(14, 15), busy(9, 11), busy(10, 12), busy(12, 13), busy(16, 17)]) == [
        (utc(2026, 3, 2, 9), utc(2026, 3, 2, 13)),
        (utc(2026, 3, 2, 14), utc(2026, 3, 2, 15)),
        (utc(2026, 3, 2, 16), utc(2026, 3, 2, 17)),
    ]
    assert merge([busy(9, 17), busy(10, 11)]) == [(utc(2026, 3, 2, 9), utc(2026, 3, 2, 17))]
    assert merge([]) == []
