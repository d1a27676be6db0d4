"""Event feeds (.ics) -> occurrences: every quirk real feeds hold, one test each."""

import contextlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from planner.events.parse import EventFeedError, Occurrence, ParsedFeed, parse_feed, unfold
from planner.geo.gazetteer import Gazetteer

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "events"
START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2028, 1, 1, tzinfo=UTC)


def read(name: str, gazetteer: Gazetteer | None = None, **options: object) -> ParsedFeed:
    data = (FIXTURES / name).read_bytes()
    kwargs: dict[str, object] = {"start": START, "end": END, "default_zone": "Europe/Berlin"}
    kwargs.update(options)
    return parse_feed(data, gazetteer=gazetteer, **kwargs)  # type: ignore[arg-type]


def named(feed: ParsedFeed, summary: str) -> list[Occurrence]:
    return [item for item in feed.occurrences if item.summary == summary]


def one(feed: ParsedFeed, uid: str) -> Occurrence:
    found = [item for item in feed.occurrences if item.uid == uid]
    assert len(found) == 1, [item.uid for item in feed.occurrences]
    return found[0]


def iso(value: date | datetime) -> str:
    return value.isoformat()


# --- the shared sample feed (its README's expected facts) ---------------------------------


def test_sample_feed_counts_match_the_samples_readme(gazetteer: Gazetteer) -> None:
    feed = read("barcamps.ics", gazetteer)
    assert (feed.vevents, feed.events, feed.cancelled) == (12, 20, 1)
    assert len({item.uid for item in feed.occurrences}) == 11
    assert feed.name == "Barcamps & Meetups DACH"
    assert feed.problems == []


def test_monthly_series_with_exdate_and_moved_meeting() -> None:
    feed = read("barcamps.ics")
    starts = [iso(item.start) for item in named(feed, "PyStammtisch Hamburg")]
    assert len(starts) == 11
    assert "2026-10-15T18:30:00+02:00" in starts  # moved by RECURRENCE-ID
    assert "2026-10-14T19:00:00+02:00" not in starts
    assert "2026-08-12T19:00:00+02:00" not in starts  # EXDATE (summer break)
    assert "2026-12-09T19:00:00+01:00" in starts  # after the change to winter time
    moved = next(i for i in named(feed, "PyStammtisch Hamburg") if i.start.day == 15)
    assert moved.recurrence_id == "2026-10-14T17:00:00Z"
    assert moved.end.isoformat() == "2026-10-15T21:00:00+02:00"


def test_all_day_event_with_exclusive_dtend_and_geo() -> None:
    camp = named(read("barcamps.ics"), "Barcamp Hamburg 2026")[0]
    assert camp.all_day and (camp.start, camp.end) == (date(2026, 3, 20), date(2026, 3, 22))
    assert camp.starts_at == datetime(2026, 3, 19, 23, tzinfo=UTC)  # midnight in Berlin
    assert (camp.lat, camp.lon) == (53.5287, 10.0221)
    assert camp.organizer is not None and camp.organizer.name == "Orga-Team Barcamp Hamburg"
    assert camp.organizer.email == "orga@barcamp-hamburg.example"
    assert "Barrierefreier Zugang über den Hof; Kinderbetreuung" in camp.description
    assert "\nAnreise: S-Bahn" in camp.description
    assert not camp.busy  # TRANSP:TRANSPARENT


def test_sample_feed_times_zones_and_flags() -> None:
    feed = read("barcamps.ics")
    assert iso(named(feed, "Open Data Day Wien 2026")[0].start) == "2026-03-07T09:00:00+01:00"
    workshop = named(feed, "Python-Workshop Zürich: Daten offen teilen")[0]
    assert iso(workshop.end) == "2026-11-05T17:30:00+01:00"  # DURATION:PT3H30M
    munich = named(feed, "Karriere-Barcamp München 2026")[0]
    assert (munich.start, munich.end) == (date(2026, 6, 27), date(2026, 6, 28))  # no DTEND
    assert named(feed, "Online-Sprechstunde: Karriere im Netzwerk")[0].online
    assert named(feed, "Barcamp Wien 2026 (abgesagt)")[0].status == "CANCELLED"
    assert named(feed, "Barcamp Zürich 2027")[0].status == "TENTATIVE"
    assert "Open Data" in named(feed, "Open-Data-Konferenz München 2027")[0].categories


# --- bytes ---------------------------------------------------------------------------------


def test_a_fold_inside_a_utf8_character_is_unfolded_before_decoding(gazetteer: Gazetteer) -> None:
    data = (FIXTURES / "folded_utf8.ics").read_bytes()
    assert b"Gr\xc3\r\n \xbc" in data  # the fixture really splits the character
    item = read("folded_utf8.ics", gazetteer).occurrences[0]
    assert item.summary == "Grüße aus München – Barcamp für alle"
    assert item.description.endswith("Dörte Haßelbrink 🌊")
    assert "\ufffd" not in item.summary + item.description
    assert item.city == "Munich"


def test_unfold_joins_crlf_lf_and_tab_folds() -> None:
    assert unfold(b"A:b\r\n c\n\td\r\nE:f") == b"A:bcd\r\nE:f"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"Name,E-Mail\r\nA,b@example.com\r\n", "no BEGIN:VCALENDAR"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", "cut off"),
    ],
)
def test_files_that_are_no_calendar_are_refused_with_a_reason(data: bytes, words: str) -> None:
    with pytest.raises(EventFeedError, match=words):
        parse_feed(data, start=START, end=END)


def test_a_file_above_the_size_limit_is_refused() -> None:
    data = (FIXTURES / "barcamps.ics").read_bytes()
    with pytest.raises(EventFeedError, match="larger than"):
        parse_feed(data, start=START, end=END, max_bytes=1024)


# --- repetitions ---------------------------------------------------------------------------


def test_two_rrules_rdate_exdate_moved_and_cancelled_overrides() -> None:
    feed = read("recurrence.ics")
    got = [(iso(i.start), i.status) for i in feed.occurrences]
    assert got == [
        ("2027-01-04T18:00:00+01:00", "CONFIRMED"),  # first Monday (DTSTART)
        # 11 Jan: EXDATE
        ("2027-01-19T19:00:00+01:00", "CONFIRMED"),  # 18 Jan moved to Tuesday 19:00
        ("2027-01-20T18:00:00+01:00", "CONFIRMED"),  # the second RRULE (20th monthly)
        ("2027-01-25T18:00:00+01:00", "CANCELLED"),  # cancelled by its override: kept, marked
        ("2027-02-20T18:00:00+01:00", "CONFIRMED"),
        ("2027-03-01T09:00:00+01:00", "CONFIRMED"),  # RDATE
    ]
    moved = feed.occurrences[1]
    assert moved.summary == "Open-Source-Stammtisch (verschoben)"
    assert moved.location == "Werk1, 81671 München"
    assert moved.recurrence_id == "2027-01-18T17:00:00Z"
    assert len({(i.uid, i.recurrence_id) for i in feed.occurrences}) == 6
    assert (feed.events, feed.cancelled) == (5, 1)


def test_the_window_cuts_the_series() -> None:
    feed = parse_feed(
        (FIXTURES / "recurrence.ics").read_bytes(),
        start=datetime(2027, 1, 19, tzinfo=UTC),
        end=datetime(2027, 1, 21, tzinfo=UTC),
    )
    assert [iso(i.start)[:10] for i in feed.occurrences] == ["2027-01-19", "2027-01-20"]


def test_matches_recurring_ical_events_read_directly() -> None:
    """An independent reading: recurring_ical_events on icalendar's own parse of the file."""
    import icalendar
    import recurring_ical_events

    data = (FIXTURES / "barcamps.ics").read_bytes()
    calendar = icalendar.Calendar.from_ical(data)
    theirs = sorted(
        (str(c["UID"]), c["DTSTART"].dt.isoformat(), c["DTEND"].dt.isoformat())
        for c in recurring_ical_events.of(calendar).between(START, END)
    )
    feed = parse_feed(data, start=START, end=END)
    ours = sorted((i.uid, iso(i.start), iso(i.end)) for i in feed.occurrences)
    assert ours == theirs


def test_matches_vobject_rrule_expansion() -> None:
    """A second, independent reader: vobject's rruleset of the monthly series."""
    import vobject

    text = (FIXTURES / "barcamps.ics").read_text(encoding="utf-8")
    calendar = vobject.readOne(text)
    master = next(
        e
        for e in calendar.vevent_list
        if e.uid.value.startswith("pystammtisch") and not hasattr(e, "recurrence_id")
    )
    theirs = {d.isoformat() for d in master.getrruleset(addRDate=True)}
    theirs.discard("2026-10-14T19:00:00+02:00")  # the override moves it
    theirs.add("2026-10-15T18:30:00+02:00")
    ours = {iso(i.start) for i in named(read("barcamps.ics"), "PyStammtisch Hamburg")}
    assert ours == theirs


def test_unreadable_and_impossible_events_are_left_out_with_a_problem_each() -> None:
    feed = read("broken_events.ics")
    assert [i.summary for i in feed.occurrences] == ["Gutes Ereignis"]
    messages = [str(p) for p in feed.problems]
    assert len(messages) == 4, messages
    assert any('"Ohne Beginn": no DTSTART' in m for m in messages)
    assert any('"Kaputter Beginn": unreadable DTSTART' in m for m in messages)
    assert any('"Nie": RRULE' in m and "names no day that exists" in m for m in messages)
    assert any('"Jede Sekunde" repeats too often' in m for m in messages)
    assert all("left out" in m for m in messages)
    assert {p.uid for p in feed.problems} >= {"never@test.example", "every-second@test.example"}


def test_too_many_occurrences_in_the_window_refuse_the_file() -> None:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:{n}@x\r\nDTSTART:20270101T{n % 24:02d}0000Z\r\n"
        "RRULE:FREQ=HOURLY\r\nSUMMARY:Oft\r\nEND:VEVENT\r\n"
        for n in range(15)
    )
    data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n".encode()
    with pytest.raises(EventFeedError, match="too many events"):
        parse_feed(data, start=datetime(2027, 1, 1, tzinfo=UTC), end=END)


# --- times ---------------------------------------------------------------------------------


def test_all_day_without_dtend_is_one_day_and_ranges_are_exclusive() -> None:
    feed = read("times.ics")
    day = one(feed, "allday-noend@test.example")
    assert (day.start, day.end, day.all_day) == (date(2027, 2, 10), date(2027, 2, 11), True)
    three = one(feed, "allday-range@test.example")
    assert (three.start, three.end) == (date(2027, 2, 12), date(2027, 2, 15))


def test_duration_utc_and_floating_times(gazetteer: Gazetteer) -> None:
    feed = read("times.ics", gazetteer)
    duration = one(feed, "duration@test.example")
    assert iso(duration.end) == "2027-03-01T17:30:00+01:00"
    assert duration.timezone == "Europe/Vienna"
    utc = one(feed, "utc@test.example")
    assert utc.starts_at == datetime(2027, 3, 2, 8, tzinfo=UTC)
    assert utc.timezone == "Europe/Vienna"  # shown in the zone of its place
    floating = one(feed, "floating@test.example")  # wall time at the venue
    assert iso(floating.start) == "2027-03-03T19:00:00+01:00"
    assert floating.timezone == "Europe/Zurich"
    alone = one(feed, "floating-noplace@test.example")  # the user's zone
    assert iso(alone.start) == "2027-03-04T19:00:00+01:00"
    assert alone.ends_at == alone.starts_at  # no DTEND, no DURATION: a point in time


def test_floating_times_follow_x_wr_timezone() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-TIMEZONE:America/New_York\r\n"
        b"BEGIN:VEVENT\r\nUID:a@x\r\nDTSTART:20270110T180000\r\nSUMMARY:NYC\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART:20270111T230000Z\r\nSUMMARY:UTC\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    feed = parse_feed(data, start=START, end=END, default_zone="Europe/Berlin")
    assert [iso(i.start) for i in feed.occurrences] == [
        "2027-01-10T18:00:00-05:00",
        "2027-01-11T18:00:00-05:00",
    ]


def test_unknown_zone_is_read_in_the_event_zone_and_said(gazetteer: Gazetteer) -> None:
    feed = read("times.ics", gazetteer)
    item = one(feed, "unknown-zone@test.example")
    assert iso(item.start) == "2027-03-05T10:00:00+01:00"  # Hamburg: Europe/Berlin
    messages = [str(p) for p in feed.problems if p.uid == "unknown-zone@test.example"]
    assert messages == [
        'event "Unbekannte Zone": time zone "Erdzeit Mitte" is not known; its times are read '
        "as Europe/Berlin"
    ]


def test_common_zone_names_outside_the_tz_database_are_mapped() -> None:
    feed = read("times.ics", default_zone="America/New_York")
    mapped = one(feed, "mapped-zone@test.example")
    assert iso(mapped.start) == "2027-07-05T10:00:00+02:00"
    assert mapped.timezone == "Europe/Berlin"
    assert iso(one(feed, "windows-zone@test.example").start) == "2027-07-06T10:00:00+02:00"
    assert not [p for p in feed.problems if p.uid in ("mapped-zone@test.example",)]


def test_naive_window_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_feed(b"BEGIN:VCALENDAR", start=datetime(2027, 1, 1), end=END)


# --- status, places, people ------------------------------------------------------------------


def test_method_cancel_cancels_every_event() -> None:
    feed = read("method_cancel.ics")
    assert [i.status for i in feed.occurrences] == ["CANCELLED"]
    assert (feed.events, feed.cancelled) == (0, 1)


def test_geo_gives_coordinates_and_the_nearest_city(gazetteer: Gazetteer) -> None:
    item = one(read("places.ics", gazetteer), "geo@test.example")
    assert (item.lat, item.lon, item.city, item.online) == (48.1372, 11.5756, "Munich", False)


def test_a_venue_address_with_postal_code_finds_the_city(gazetteer: Gazetteer) -> None:
    item = one(read("places.ics", gazetteer), "address@test.example")
    assert (item.city, item.country) == ("Berlin", "DE")
    assert item.lat == pytest.approx(52.52, abs=0.05)


def test_geo_off_the_earth_is_ignored_and_the_location_text_used(gazetteer: Gazetteer) -> None:
    feed = read("places.ics", gazetteer)
    item = one(feed, "bad-geo@test.example")
    assert item.city == "Köln" or item.city == "Cologne"
    assert item.lat == pytest.approx(50.93, abs=0.05)
    assert any("not a place on Earth" in str(p) for p in feed.problems)


def test_online_events(gazetteer: Gazetteer) -> None:
    feed = read("places.ics", gazetteer)
    for uid in ("online-url@test.example", "online-word@test.example", "online-noloc@test.example"):
        item = one(feed, uid)
        assert item.online and item.city is None and item.lat is None, uid
    assert one(feed, "online-url@test.example").url == "https://meet.example/abc"
    assert one(feed, "online-noloc@test.example").url == "https://webinar.example/c"


def test_a_place_not_found_is_said_and_not_online(gazetteer: Gazetteer) -> None:
    feed = read("places.ics", gazetteer)
    item = one(feed, "unknown-place@test.example")
    assert (item.city, item.online, item.location) == (None, False, "Bei Tante Erna")
    assert any('"Bei Tante Erna" was not found' in str(p) for p in feed.problems)


def test_categories_people_description_and_no_script_urls(gazetteer: Gazetteer) -> None:
    item = one(read("places.ics", gazetteer), "people@test.example")
    assert item.categories == ("New Work", "Karriere", "Barcamp")  # merged, case folded
    assert item.organizer is not None
    assert (item.organizer.name, item.organizer.email) == ("Orga, Team", "orga@example.org")
    assert [(p.name, p.email) for p in item.attendees] == [
        ("Lotte Brandt", "lotte@example.net"),
        ("", "kofi@example.com"),
    ]
    assert item.description == "Mit @lotte@norden.social\nund Kofi"
    assert item.url is None  # javascript: is never kept


def test_without_a_gazetteer_geo_still_places_the_event() -> None:
    item = one(read("places.ics"), "geo@test.example")
    assert (item.lat, item.city) == (48.1372, None)


def test_long_descriptions_with_parameters_and_escapes_survive_intact() -> None:
    long = "Sessions\\, Vorträge\\; Gespräche\\nZweite Zeile mit Doppelpunkt: ja. " * 10
    data = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:long@x\r\n"
        "DTSTAMP:20261101T090000Z\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:Lang\r\n"
        f'DESCRIPTION;ALTREP="cid:part1.0001@example.org";LANGUAGE=de:{long}\r\n'
        "X-ALT-DESC;FMTTYPE=text/html:<p>HTML</p>\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    [item] = parse_feed(data, start=START, end=END).occurrences
    expected = ("Sessions, Vorträge; Gespräche\nZweite Zeile mit Doppelpunkt: ja. " * 10).strip()
    assert item.description == expected


def test_the_city_after_the_postal_code_wins(gazetteer: Gazetteer) -> None:
    data = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:wien@x\r\n"
        "DTSTART;VALUE=DATE:20270101\r\nSUMMARY:Wien\r\n"
        "LOCATION:Haus Berlin\\, Hauptstraße 5\\, 1010 Wien\\, Österreich\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    [item] = parse_feed(data, start=START, end=END, gazetteer=gazetteer).occurrences
    assert (item.city, item.country) == ("Vienna", "AT")


def test_outlook_custom_zone_windows_uid_and_a_weekly_series(gazetteer: Gazetteer) -> None:
    feed = read("outlook_custom_zone.ics", gazetteer)
    conference = named(feed, "Fachkonferenz HR Digital")[0]
    assert conference.starts_at == datetime(2027, 6, 10, 7, tzinfo=UTC)  # +02:00 in June
    assert conference.timezone == "Europe/Berlin"  # the zone of Köln, where it takes place
    assert (conference.city, conference.description) == ("Köln", "Agenda folgt.")
    series = [iso(i.start) for i in named(feed, "HR-Stammtisch")]
    assert series == [
        "2027-01-05T18:00:00+01:00",
        "2027-01-19T18:00:00+01:00",
        "2027-01-26T18:00:00+01:00",
    ]
    assert feed.problems == []


def test_meetup_group_feed(gazetteer: Gazetteer) -> None:
    feed = read("meetup_group.ics", gazetteer)
    assert feed.name == "Events - Python Munich"
    meetup, office_hour = feed.occurrences
    assert (meetup.city, meetup.lat, meetup.online) == ("Munich", 48.14, False)
    assert "Kofi Mensah-Bauer" in meetup.description
    assert meetup.url == "https://www.meetup.example/python-munich/events/301234567/"
    assert office_hour.online and office_hour.city is None
    assert iso(office_hour.start) == "2027-02-10T18:00:00+01:00"  # UTC, shown at home


def test_a_time_given_twice_leaves_the_event_out_other_doubles_keep_the_first() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        b"BEGIN:VEVENT\r\nUID:a@x\r\nUID:b@x\r\nDTSTART;VALUE=DATE:20270101\r\n"
        b"SUMMARY:Erster\r\nSUMMARY:Zweiter\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:c@x\r\nDTSTART;VALUE=DATE:20270102\r\n"
        b"DTSTART;VALUE=DATE:20270103\r\nSUMMARY:Doppelt\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    feed = parse_feed(data, start=START, end=END)
    assert [(i.uid, i.summary) for i in feed.occurrences] == [("a@x", "Erster")]
    assert [str(p) for p in feed.problems] == [
        'event "Doppelt": DTSTART is given more than once; the event is left out'
    ]


def test_mangled_feeds_never_crash() -> None:
    """Lines dropped, doubled, cut or with a character changed: an EventFeedError for the
    file, or events and problems, never another exception (found by this test: doubled
    UIDs and times, a DTSTART that is a time, parameters icalendar itself trips over)."""
    import random

    rng = random.Random(20)
    names = ["barcamps.ics", "recurrence.ics", "times.ics", "places.ics", "meetup_group.ics"]
    for _ in range(300):
        lines = (FIXTURES / rng.choice(names)).read_bytes().split(b"\r\n")
        for _change in range(rng.randint(1, 4)):
            at = rng.randrange(len(lines))
            kind = rng.randrange(4)
            if kind == 0:
                del lines[at]
            elif kind == 1:
                lines.insert(at, rng.choice(lines))
            elif kind == 2 and lines[at]:
                line = bytearray(lines[at])
                line[rng.randrange(len(line))] = rng.choice(b':;=,\\"0123456789TZ')
                lines[at] = bytes(line)
            else:
                lines[at] = lines[at][: rng.randrange(len(lines[at]) + 1)]
        with contextlib.suppress(EventFeedError):
            parse_feed(b"\r\n".join(lines), start=START, end=END)


def _as_instant(value: date | datetime, wall_zone: str) -> date | datetime:
    """A date stays a date; a date-time becomes UTC (naive ones as wall time in the zone)."""
    from zoneinfo import ZoneInfo

    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(wall_zone))
    return value.astimezone(UTC)


@pytest.mark.parametrize(
    "name",
    [
        "barcamps.ics",
        "busy.ics",
        "recurrence.ics",
        "outlook_custom_zone.ics",
        "meetup_group.ics",
        "folded_utf8.ics",
        "method_cancel.ics",
    ],
)
def test_every_occurrence_equals_an_independent_reading(name: str) -> None:
    """recurring_ical_events on icalendar's reading of the untouched file: the same events,
    times, all-day ranges, moves, exclusions and cancellations (floating times compared as
    the wall time we read them in)."""
    import icalendar
    import recurring_ical_events

    data = (FIXTURES / name).read_bytes()
    ours = parse_feed(data, start=START, end=END, default_zone="Europe/Berlin").occurrences
    zone_of = {item.uid: item.timezone for item in ours}
    if name == "folded_utf8.ics":  # icalendar alone breaks the split character ...
        assert "\ufffd" in str(icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["SUMMARY"])
        data = unfold(data)  # ... so it reads the bytes unfolded, as we do
    calendar = icalendar.Calendar.from_ical(data)
    theirs = sorted(
        (
            str(c["UID"]),
            _as_instant(c["DTSTART"].dt, zone_of.get(str(c["UID"]), "UTC")),
            _as_instant(c["DTEND"].dt, zone_of.get(str(c["UID"]), "UTC")),
            str(c.get("STATUS", "CONFIRMED")).upper(),
            str(c.get("SUMMARY", "")),
        )
        for c in recurring_ical_events.of(calendar).between(START, END)
    )
    mine = sorted(
        (
            item.uid,
            item.start if item.all_day else item.starts_at,
            item.end if item.all_day else item.ends_at,
            "CONFIRMED" if name == "method_cancel.ics" else item.status,
            item.summary,
        )
        for item in ours
    )
    assert mine == theirs
    assert all("\ufffd" not in item.summary + item.description for item in ours)
