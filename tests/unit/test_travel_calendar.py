"""Travel calendars (.ics) -> proposed trip legs, with a fake geocoder over a few cities."""

from __future__ import annotations

import codecs
import itertools
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from planner.geo.gazetteer import Place
from planner.trips.travel_calendar import (
    ProposedLeg,
    TravelCalendarError,
    legs_from_calendar,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "travel"

HAMBURG = Place("Hamburg", "DE", 53.55073, 9.99302, "Hamburg", 2911298, "Europe/Berlin", 1845229)
MUNICH = Place("Munich", "DE", 48.13743, 11.57549, "Bayern", 2867714, "Europe/Berlin", 1260391)
BERLIN = Place("Berlin", "DE", 52.52437, 13.41053, "Berlin", 2950159, "Europe/Berlin", 3426354)
COLOGNE = Place("Köln", "DE", 50.93333, 6.95, "Nordrhein-Westfalen", 2886242, "Europe/Berlin")
VIENNA = Place("Vienna", "AT", 48.20849, 16.37208, "Wien", 2761369, "Europe/Vienna", 1691468)
FRANKFURT = Place("Frankfurt am Main", "DE", 50.11552, 8.68417, "Hessen", 2925533, "Europe/Berlin")
# 13 km from Munich's centre; no GeoNames id, as an online geocoder might answer.
GARCHING = Place("Garching bei München", "DE", 48.24896, 11.65101, "Bayern", None, "Europe/Berlin")
# 45 km from Hamburg: inside the default 50 km home radius.
LUENEBURG = Place("Lüneburg", "DE", 53.2509, 10.41409, "Niedersachsen", 2957773, "Europe/Berlin")
# A place without a time zone, as an online geocoder might answer.
GRAZ = Place("Graz", "AT", 47.06667, 15.45, "Steiermark", 2778067, None)
GERMANY = Place(None, "DE", None, None)

PLACES = {
    "Hamburg": HAMBURG,
    "München": MUNICH,
    "Munich": MUNICH,
    "Berlin": BERLIN,
    "Köln": COLOGNE,
    "Wien": VIENNA,
    "Frankfurt": FRANKFURT,
    "Garching": GARCHING,
    "Lüneburg": LUENEBURG,
    "Graz": GRAZ,
    "Deutschland": GERMANY,
}
HOME = (53.55073, 9.99302)  # Hamburg


class FakeGeocoder:
    """Knows the names in PLACES, alone or as a comma part with a postal code ("1010 Wien")."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, text: str) -> Place | None:
        self.calls.append(text)
        for part in text.split(","):
            place = PLACES.get(re.sub(r"\d+", "", part).strip())
            if place is not None:
                return place
        return None


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def ics(*events: str, line_end: str = "\r\n") -> bytes:
    """A calendar around VEVENT bodies given as newline-separated property lines."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Treffpunkt tests//EN"]
    for number, body in enumerate(events):
        lines += ["BEGIN:VEVENT", f"UID:event-{number}@test", "DTSTAMP:20240901T120000Z"]
        lines += body.strip().splitlines()
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return (line_end.join(lines) + line_end).encode("utf-8")


def run(
    data: bytes, *, home: tuple[float, float] | None = HOME, min_distance_km: float = 50.0
) -> tuple[list[ProposedLeg], list[str]]:
    """Legs and notices, after checking the invariants every result must keep."""
    legs, notices = legs_from_calendar(
        data, place_of=FakeGeocoder(), home=home, min_distance_km=min_distance_km
    )
    assert_well_formed(legs)
    return legs, notices


def assert_well_formed(legs: list[ProposedLeg]) -> None:
    for leg in legs:
        assert leg.arrives_at.tzinfo is UTC and leg.departs_at.tzinfo is UTC
        assert leg.departs_at > leg.arrives_at
    for earlier, later in itertools.pairwise(legs):
        assert earlier.departs_at <= later.arrives_at


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def spans(legs: list[ProposedLeg]) -> list[tuple[str | None, datetime, datetime]]:
    return [(leg.place.city, leg.arrives_at, leg.departs_at) for leg in legs]


# --- provider files -----------------------------------------------------------------------


def test_db_booking_with_tzid_makes_a_leg_from_arrival_to_the_return_train() -> None:
    legs, notices = run(fixture("db_hamburg_muenchen.ics"))

    assert notices == []
    (leg,) = legs
    assert leg.place == MUNICH
    assert leg.place_text == "München"  # "München Hbf" without the station word
    # 14:03 and 16:28 CEST
    assert (leg.arrives_at, leg.departs_at) == (utc("2024-10-15 12:03"), utc("2024-10-17 14:28"))
    assert leg.timezone == "Europe/Berlin"
    # the SUMMARY was folded inside "München": unfolded again
    assert leg.summaries == (
        "ICE 597 Hamburg Hbf → München Hbf",
        "ICE 1006 München Hbf → Hamburg Hbf",
    )


def test_lufthansa_flights_in_utc_make_a_leg_between_landing_and_take_off() -> None:
    legs, notices = run(fixture("lufthansa_hamburg_muenchen.ics"))

    assert notices == []
    assert spans(legs) == [("Munich", utc("2024-11-04 06:45"), utc("2024-11-06 17:15"))]
    assert legs[0].place_text == "München"


def test_booking_com_all_day_stay_runs_from_check_in_to_check_out_date_in_vienna() -> None:
    legs, notices = run(fixture("booking_com_wien.ics"))

    (leg,) = legs
    assert leg.place == VIENNA
    assert leg.place_text == "Hotel Sacher Wien, Philharmoniker Str. 4, 1010 Wien, Österreich"
    # midnight CET of 20 November to midnight of 23 November (DTEND is exclusive)
    assert (leg.arrives_at, leg.departs_at) == (utc("2024-11-19 23:00"), utc("2024-11-22 23:00"))
    assert leg.timezone == "Europe/Vienna"
    assert notices == ['Skipped "Motel One Berlin-Alexanderplatz" (2024-11-18): it is cancelled.']


def test_tripit_feed_with_train_hotel_train_gives_one_leg_per_city() -> None:
    legs, notices = run(fixture("tripit_muenchen_berlin.ics"))

    assert notices == []
    assert spans(legs) == [
        ("Munich", utc("2024-11-11 13:31"), utc("2024-11-13 11:54")),
        ("Berlin", utc("2024-11-13 16:02"), utc("2024-11-15 11:37")),
    ]
    # the all-day trip event widens nothing: the trains pin arrival and departure
    assert legs[0].summaries == (
        "ICE 583 Hamburg Hbf to München Hbf",
        "Check-in: Hotel Bayerischer Hof",
        "Munich, Germany, November 2024",
        "Check-out: Hotel Bayerischer Hof",
        "ICE 1004 München Hbf to Berlin Hbf",
    )


def test_windows_1252_airbnb_export_is_decoded() -> None:
    data = fixture("airbnb_koeln_cp1252.ics")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    legs, _ = run(data)

    (leg,) = legs
    assert leg.place == COLOGNE
    assert leg.place_text == "Venloer Straße 231, 50823 Köln, Deutschland"
    assert leg.summaries == ("Airbnb: Altbauwohnung in Köln-Ehrenfeld",)
    assert (leg.arrives_at, leg.departs_at) == (utc("2024-12-05 23:00"), utc("2024-12-08 23:00"))


@pytest.mark.parametrize(
    "name",
    [
        "db_hamburg_muenchen.ics",
        "lufthansa_hamburg_muenchen.ics",
        "booking_com_wien.ics",
        "tripit_muenchen_berlin.ics",
        "airbnb_koeln_cp1252.ics",
    ],
)
def test_utf8_bom_and_line_endings_do_not_change_the_result(name: str) -> None:
    data = fixture(name)
    lf = data.replace(b"\r\n", b"\n")
    crlf = lf.replace(b"\n", b"\r\n")

    expected = run(data)
    assert run(lf) == expected
    assert run(crlf) == expected
    if name != "airbnb_koeln_cp1252.ics":
        assert run(codecs.BOM_UTF8 + data) == expected


# --- times ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "arrives", "departs"),
    [
        pytest.param(
            "DTSTART;TZID=Europe/Berlin:20241026T150000",
            "DTEND;TZID=Europe/Berlin:20241028T110000",
            "2024-10-26 13:00",  # CEST, +02:00
            "2024-10-28 10:00",  # CET, +01:00
            id="hotel-across-the-change",
        ),
        pytest.param(
            "DTSTART;TZID=Europe/Berlin:20241027T013000",
            "DTEND;TZID=Europe/Berlin:20241027T040000",
            "2024-10-26 23:30",
            "2024-10-27 03:00",  # 2.5 wall-clock hours are 3.5 real ones
            id="night-of-the-change",
        ),
        pytest.param(
            "DTSTART;TZID=Europe/Berlin:20241027T023000",
            "DTEND;TZID=Europe/Berlin:20241027T050000",
            "2024-10-27 00:30",  # the ambiguous 02:30 is its first occurrence (RFC 5545)
            "2024-10-27 04:00",
            id="ambiguous-hour",
        ),
        pytest.param(
            "DTSTART;VALUE=DATE:20241026",
            "DTEND;VALUE=DATE:20241028",
            "2024-10-25 22:00",
            "2024-10-27 23:00",
            id="all-day",
        ),
        pytest.param(
            "DTSTART:20241026T150000",
            "DTEND:20241028T110000",
            "2024-10-26 13:00",  # floating: read in Berlin's zone
            "2024-10-28 10:00",
            id="floating",
        ),
        pytest.param(
            "DTSTART;VALUE=DATE:20241026",
            "DURATION:P2D",
            "2024-10-25 22:00",
            "2024-10-27 23:00",
            id="all-day-with-duration",
        ),
        pytest.param(
            "DTSTART;TZID=Europe/Berlin:20241026T150000",
            "DURATION:P1DT20H",
            "2024-10-26 13:00",
            "2024-10-28 10:00",  # days count on the calendar, as RFC 5545 wants
            id="duration-across-the-change",
        ),
    ],
)
def test_dst_change_in_berlin_keeps_the_right_utc_instants(
    start: str, end: str, arrives: str, departs: str
) -> None:
    data = ics(
        f"SUMMARY:Hotel Adlon Kempinski\nLOCATION:Unter den Linden 77, Berlin\n{start}\n{end}"
    )

    (leg,) = run(data)[0]

    assert (leg.arrives_at, leg.departs_at) == (utc(arrives), utc(departs))
    assert leg.timezone == "Europe/Berlin"


@pytest.mark.parametrize(
    ("start", "end", "arrives", "departs"),
    [
        pytest.param("DTSTART;VALUE=DATE:20240710", "", "2024-07-09 22:00", "2024-07-10 22:00"),
        pytest.param(
            "DTSTART:20240710T080000Z",
            "",
            "2024-07-10 08:00",
            "2024-07-10 22:00",  # a point in time: the leg lasts to the end of its day
        ),
    ],
    ids=["date-is-one-day", "date-time-is-a-point"],
)
def test_event_without_dtend(start: str, end: str, arrives: str, departs: str) -> None:
    data = ics(f"SUMMARY:Kundentermin\nLOCATION:Berlin\n{start}\n{end}")

    assert spans(run(data)[0]) == [("Berlin", utc(arrives), utc(departs))]


@pytest.mark.parametrize(
    ("lines", "zone", "arrives"),
    [
        pytest.param("DTSTART;TZID=Europe/Vienna:20240710T100000", "Europe/Vienna", "08:00"),
        pytest.param("DTSTART:20240710T100000Z", "UTC", "10:00"),
        pytest.param("DTSTART:20240710T100000", "UTC", "10:00"),
    ],
    ids=["own-tzid", "utc", "floating-without-any-zone"],
)
def test_timezone_falls_back_to_the_events_tzid_then_utc(
    lines: str, zone: str, arrives: str
) -> None:
    data = ics(f"SUMMARY:Messe\nLOCATION:Graz\n{lines}\nDURATION:PT8H")

    (leg,) = run(data)[0]

    assert leg.place == GRAZ
    assert leg.timezone == zone
    assert leg.arrives_at == utc(f"2024-07-10 {arrives}")


def test_outlook_windows_tzid_is_understood() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Microsoft Corporation//Outlook 16.0//EN\r\n"
        b"BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\n"
        b"BEGIN:STANDARD\r\nDTSTART:16011028T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
        b"TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
        b"BEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
        b"TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
        b"BEGIN:VEVENT\r\nUID:1\r\nSUMMARY:Workshop\r\nLOCATION:Graz\r\n"
        b"DTSTART;TZID=W. Europe Standard Time:20240710T100000\r\n"
        b"DTEND;TZID=W. Europe Standard Time:20240710T170000\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    (leg,) = run(data)[0]

    assert (leg.arrives_at, leg.departs_at) == (utc("2024-07-10 08:00"), utc("2024-07-10 15:00"))
    assert leg.timezone == "Europe/Berlin"


# --- where an event is ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("summary", "location", "calls", "city"),
    [
        pytest.param("Zug nach Köln", "Hamburg Hbf", ["Köln"], "Köln", id="nach"),
        pytest.param("Train to Berlin", "", ["Berlin"], "Berlin", id="to"),
        pytest.param("Flug nach München", "Hamburg Airport", ["München"], "Munich", id="flug"),
        pytest.param(
            "ICE 597 Hamburg Hbf → München Hbf",
            "Hamburg Hbf",
            ["München Hbf", "München"],
            "Munich",
            id="arrow-and-station",
        ),
        pytest.param(
            "Flight LH 2034 HAM -> MUC", "Hamburg → Wien", ["MUC", "Wien"], "Vienna", id="arrow"
        ),
        pytest.param(
            "Amtrak - Hamburg, DE to Berlin, DE", "", ["Berlin, DE"], "Berlin", id="to-after-dash"
        ),
        pytest.param(
            "Team-Offsite in Berlin",
            "Schloss Elmau",
            ["Schloss Elmau", "Berlin"],
            "Berlin",
            id="location-then-summary",
        ),
        pytest.param("Hotel", "Grunerstraße 11, 10179 Berlin", None, "Berlin", id="address"),
        pytest.param(
            "Trip to Munich in October", "", ["Munich"], "Munich", id="phrase-up-to-next-word"
        ),
        pytest.param(
            "Konferenz",
            "Deutschland, Köln",
            ["Deutschland, Köln", "Deutschland"],
            None,
            id="country-only-answer-is-not-a-place",
        ),
    ],
)
def test_place_candidates_are_tried_destination_first(
    summary: str, location: str, calls: list[str] | None, city: str | None
) -> None:
    geocoder = FakeGeocoder()
    data = ics(
        f"SUMMARY:{summary}\nLOCATION:{location.replace(',', chr(92) + ',')}\n"
        "DTSTART:20240710T080000Z\nDTEND:20240710T120000Z"
    )

    legs, notices = legs_from_calendar(data, place_of=geocoder, home=HOME)

    if calls is not None:
        assert geocoder.calls == calls
    assert [leg.place.city for leg in legs] == ([city] if city else [])
    assert (notices == []) == (city is not None)


def test_transport_is_placed_at_its_destination_and_starts_on_arrival() -> None:
    data = ics(
        "SUMMARY:Zug nach Köln\nLOCATION:Hamburg Hbf\n"
        "DTSTART:20241203T091500\nDTEND:20241203T133000"
    )

    # floating times, read in Köln's zone; no stay and no onward train: until the day's end
    assert spans(run(data)[0]) == [("Köln", utc("2024-12-03 12:30"), utc("2024-12-03 23:00"))]


@pytest.mark.parametrize(
    ("location", "notice"),
    [
        pytest.param(
            "Schloss Elmau",
            'Skipped "Sommerfest" (2024-07-10): could not place "Schloss Elmau".',
            id="unknown-place",
        ),
        pytest.param(
            "", 'Skipped "Sommerfest" (2024-07-10): it has no location.', id="no-location"
        ),
    ],
)
def test_unplaceable_event_gives_a_notice(location: str, notice: str) -> None:
    data = ics(f"SUMMARY:Sommerfest\nLOCATION:{location}\nDTSTART;VALUE=DATE:20240710")

    assert run(data) == ([], [notice])


# --- home -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "home", "min_distance_km", "cities"),
    [
        pytest.param("Hamburg", HOME, 50.0, [], id="home-city"),
        pytest.param("Lüneburg", HOME, 50.0, [], id="within-radius"),
        pytest.param("Lüneburg", HOME, 30.0, ["Lüneburg"], id="outside-smaller-radius"),
        pytest.param("Hamburg", None, 50.0, ["Hamburg"], id="no-home"),
        pytest.param("München", HOME, 50.0, ["Munich"], id="away"),
    ],
)
def test_events_near_home_are_quietly_ignored(
    location: str,
    home: tuple[float, float] | None,
    min_distance_km: float,
    cities: list[str],
) -> None:
    data = ics(f"SUMMARY:Zahnarzt\nLOCATION:{location}\nDTSTART;VALUE=DATE:20240710")

    legs, notices = run(data, home=home, min_distance_km=min_distance_km)

    assert [leg.place.city for leg in legs] == cities
    assert notices == []


# --- merging ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param(
            [
                "SUMMARY:Airbnb Schwabing\nLOCATION:München\n"
                "DTSTART;VALUE=DATE:20241001\nDTEND;VALUE=DATE:20241004",
                "SUMMARY:Workshop bei Acme\nLOCATION:München\n"
                "DTSTART;TZID=Europe/Berlin:20241002T100000\n"
                "DTEND;TZID=Europe/Berlin:20241002T160000",
            ],
            [("Munich", "2024-09-30 22:00", "2024-10-03 22:00")],
            id="overlapping",
        ),
        pytest.param(
            [
                "SUMMARY:Hotel A\nLOCATION:München\n"
                "DTSTART;VALUE=DATE:20241001\nDTEND;VALUE=DATE:20241003",
                "SUMMARY:Hotel B\nLOCATION:München\n"
                "DTSTART;VALUE=DATE:20241004\nDTEND;VALUE=DATE:20241006",
            ],
            [("Munich", "2024-09-30 22:00", "2024-10-05 22:00")],
            id="a-day-apart",
        ),
        pytest.param(
            [
                "SUMMARY:Hotel A\nLOCATION:München\n"
                "DTSTART;VALUE=DATE:20241001\nDTEND;VALUE=DATE:20241003",
                "SUMMARY:Hotel B\nLOCATION:München\n"
                "DTSTART;VALUE=DATE:20241010\nDTEND;VALUE=DATE:20241012",
            ],
            [
                ("Munich", "2024-09-30 22:00", "2024-10-02 22:00"),
                ("Munich", "2024-10-09 22:00", "2024-10-11 22:00"),
            ],
            id="a-week-apart",
        ),
        pytest.param(
            [
                "SUMMARY:Hotel\nLOCATION:München\n"
                "DTSTART;VALUE=DATE:20241001\nDTEND;VALUE=DATE:20241003",
                "SUMMARY:Vortrag an der TU\nLOCATION:Garching\n"
                "DTSTART:20241002T080000Z\nDTEND:20241002T170000Z",
            ],
            [("Munich", "2024-09-30 22:00", "2024-10-02 22:00")],
            id="within-30-km",
        ),
        pytest.param(
            [
                "SUMMARY:Hotel A\nLOCATION:München\n"
                "DTSTART;VALUE=DATE:20241001\nDTEND;VALUE=DATE:20241003",
                "SUMMARY:Geburtstag\nLOCATION:Hamburg\nDTSTART;VALUE=DATE:20241003",
                "SUMMARY:Hotel B\nLOCATION:München\n"
                "DTSTART;VALUE=DATE:20241004\nDTEND;VALUE=DATE:20241006",
            ],
            [
                ("Munich", "2024-09-30 22:00", "2024-10-02 22:00"),
                ("Munich", "2024-10-03 22:00", "2024-10-05 22:00"),
            ],
            id="home-in-between",
        ),
        pytest.param(
            [
                "SUMMARY:ICE 597 Hamburg Hbf → München Hbf\n"
                "DTSTART:20241001T054600Z\nDTEND:20241001T120300Z",
                "SUMMARY:Hotel Bayerischer Hof\n"
                "LOCATION:Promenadeplatz 2-6\\, 80333 München\n"
                "DTSTART;VALUE=DATE:20241001\nDTEND;VALUE=DATE:20241003",
                "SUMMARY:ICE 1004 München Hbf → Berlin Hbf\n"
                "DTSTART:20241003T075400Z\nDTEND:20241003T120200Z",
            ],
            [
                ("Munich", "2024-10-01 12:03", "2024-10-03 07:54"),
                ("Berlin", "2024-10-03 12:02", "2024-10-03 22:00"),
            ],
            id="train-hotel-train",
        ),
        pytest.param(
            [
                "SUMMARY:Hotel München\nLOCATION:München\n"
                "DTSTART;VALUE=DATE:20241001\nDTEND;VALUE=DATE:20241006",
                "SUMMARY:Zug nach Berlin\nDTSTART:20241003T080000Z\nDTEND:20241003T120000Z",
                "SUMMARY:Zug nach Hamburg\nDTSTART:20241004T150000Z\nDTEND:20241004T170000Z",
            ],
            [
                ("Munich", "2024-09-30 22:00", "2024-10-03 08:00"),
                ("Berlin", "2024-10-03 12:00", "2024-10-04 15:00"),
            ],
            id="transport-cuts-a-longer-booking",
        ),
        pytest.param(
            [
                "SUMMARY:Flug nach München\nDTSTART:20241001T060000Z\nDTEND:20241001T071500Z",
                "SUMMARY:Flug nach Hamburg\nDTSTART:20241008T170000Z\nDTEND:20241008T181500Z",
            ],
            [("Munich", "2024-10-01 07:15", "2024-10-08 17:00")],
            id="transport-only-until-next-transport",
        ),
        pytest.param(
            [
                "SUMMARY:Flug nach München\nDTSTART:20241001T060000Z\nDTEND:20241001T071500Z",
                "SUMMARY:Kundentermin\nLOCATION:München\n"
                "DTSTART:20241004T080000Z\nDTEND:20241004T100000Z",
                "SUMMARY:Flug nach Hamburg\nDTSTART:20241005T170000Z\nDTEND:20241005T181500Z",
            ],
            [("Munich", "2024-10-01 07:15", "2024-10-05 17:00")],
            id="open-leg-takes-later-events-of-its-city",
        ),
    ],
)
def test_events_merge_into_legs(events: list[str], expected: list[tuple[str, str, str]]) -> None:
    legs, notices = run(ics(*events))

    assert notices == []
    assert spans(legs) == [(city, utc(start), utc(end)) for city, start, end in expected]


def test_hotel_after_train_keeps_the_train_arrival_and_both_summaries() -> None:
    data = ics(
        "SUMMARY:Hotel Bayerischer Hof\nLOCATION:München\n"
        "DTSTART;VALUE=DATE:20241001\nDTEND;VALUE=DATE:20241003",
        "SUMMARY:ICE 597 Hamburg Hbf → München Hbf\n"
        "DTSTART:20241001T054600Z\nDTEND:20241001T120300Z",
    )

    (leg,) = run(data)[0]

    assert leg.arrives_at == utc("2024-10-01 12:03")
    assert leg.summaries == ("ICE 597 Hamburg Hbf → München Hbf", "Hotel Bayerischer Hof")
    assert leg.place_text == "München"


def test_change_of_planes_is_not_a_leg() -> None:
    data = ics(
        "SUMMARY:Flight LH 9 HAM → Frankfurt\nDTSTART:20241104T060000Z\nDTEND:20241104T070500Z",
        "SUMMARY:Flight LH 1234 Frankfurt → Wien\nDTSTART:20241104T081000Z\nDTEND:20241104T094000Z",
        "SUMMARY:Hotel Sacher\nLOCATION:Wien\nDTSTART;VALUE=DATE:20241104\n"
        "DTEND;VALUE=DATE:20241106",
    )

    legs, notices = run(data)

    assert spans(legs) == [("Vienna", utc("2024-11-04 09:40"), utc("2024-11-05 23:00"))]
    assert notices == [
        'Skipped the stop in Frankfurt am Main between "Flight LH 9 HAM → Frankfurt" and '
        '"Flight LH 1234 Frankfurt → Wien": it is a change of planes or trains, not a stay.'
    ]


def test_overlapping_bookings_in_two_cities_do_not_overlap_as_legs() -> None:
    data = ics(
        "SUMMARY:Hotel Wien\nLOCATION:Wien\nDTSTART;VALUE=DATE:20241001\nDTEND;VALUE=DATE:20241005",
        "SUMMARY:Konferenz Graz\nLOCATION:Graz\nDTSTART;TZID=Europe/Vienna:20241003T090000\n"
        "DTEND;TZID=Europe/Vienna:20241003T180000",
    )

    assert spans(run(data)[0]) == [
        ("Vienna", utc("2024-09-30 22:00"), utc("2024-10-03 07:00")),
        ("Graz", utc("2024-10-03 07:00"), utc("2024-10-03 16:00")),
    ]


def test_booking_starting_with_another_city_s_booking_is_dropped_with_a_notice() -> None:
    data = ics(
        "SUMMARY:Hotel München\nLOCATION:München\nDTSTART;VALUE=DATE:20241001\n"
        "DTEND;VALUE=DATE:20241003",
        "SUMMARY:Hotel Berlin\nLOCATION:Berlin\nDTSTART;VALUE=DATE:20241001\n"
        "DTEND;VALUE=DATE:20241002",
    )

    legs, notices = run(data)

    assert spans(legs) == [("Berlin", utc("2024-09-30 22:00"), utc("2024-10-01 22:00"))]
    assert notices == [
        'Skipped the stay in Munich from "Hotel München": it overlaps "Hotel Berlin" '
        "in another place."
    ]


# --- skipped events -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "notice"),
    [
        pytest.param(
            "STATUS:CANCELLED\nDTSTART;VALUE=DATE:20241001",
            'Skipped "Hotel" (2024-10-01): it is cancelled.',
            id="cancelled",
        ),
        pytest.param("", 'Skipped "Hotel": it has no start time.', id="no-dtstart"),
        pytest.param(
            "DTSTART:morgen früh", 'Skipped "Hotel": its DTSTART is unreadable.', id="bad-dtstart"
        ),
        pytest.param(
            "DTSTART;VALUE=DATE:20241001\nRRULE:FREQ=WEEKLY",
            'Skipped "Hotel" (2024-10-01): it repeats, and a repeating event is not a journey.',
            id="recurring",
        ),
        pytest.param(
            "DTSTART;VALUE=DATE:20241003\nDTEND;VALUE=DATE:20241001",
            'Skipped "Hotel" (2024-10-03): it ends before it starts.',
            id="backwards",
        ),
    ],
)
def test_unusable_event_is_skipped_with_a_notice(lines: str, notice: str) -> None:
    data = ics(
        f"SUMMARY:Hotel\nLOCATION:München\n{lines}",
        "SUMMARY:Hotel Adlon\nLOCATION:Berlin\nDTSTART;VALUE=DATE:20241010",
    )

    legs, notices = run(data)

    assert [leg.summaries for leg in legs] == [("Hotel Adlon",)]
    assert notices == [notice]


def test_event_without_summary_is_named_in_its_notice() -> None:
    data = ics("LOCATION:Atlantis\nDTSTART;VALUE=DATE:20241001")

    assert run(data)[1] == ['Skipped "(untitled event)" (2024-10-01): could not place "Atlantis".']


# --- whole-file problems -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(codecs.BOM_UTF8 + b"\r\n", "empty", id="bom-only"),
        pytest.param(b"Name;E-Mail\r\nJana;jana@example.org\r\n", "not an iCalendar", id="csv"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "not an iCalendar", id="pdf"),
        # icalendar would read a one-line str as a file path: it must never get one
        pytest.param(b"/etc/hostname", "not an iCalendar", id="looks-like-a-path"),
        pytest.param(
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jana Petersen\r\nEND:VCARD\r\n",
            "holds no VCALENDAR (found VCARD)",
            id="vcard",
        ),
        pytest.param(
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nEND:VCALENDAR\r\n",
            "no events",
            id="empty-vcalendar",
        ),
        pytest.param(
            b"BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nSUMMARY:Koffer packen\r\nEND:VTODO\r\n"
            b"END:VCALENDAR\r\n",
            "no events",
            id="only-todos",
        ),
        pytest.param(
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n",
            "not an iCalendar",
            id="truncated",
        ),
    ],
)
def test_unusable_file_raises_travel_calendar_error(data: bytes, message: str) -> None:
    with pytest.raises(TravelCalendarError, match=re.escape(message)):
        legs_from_calendar(data, place_of=FakeGeocoder(), home=HOME)


def test_file_over_the_size_limit_is_refused_before_parsing() -> None:
    geocoder = FakeGeocoder()
    data = fixture("db_hamburg_muenchen.ics")

    with pytest.raises(TravelCalendarError, match=r"1,283 bytes; the limit is 1,000 bytes"):
        legs_from_calendar(data, place_of=geocoder, home=HOME, max_bytes=1000)
    assert geocoder.calls == []
    assert legs_from_calendar(data, place_of=geocoder, home=HOME, max_bytes=len(data))[0]


def test_travel_calendar_error_is_a_value_error() -> None:
    assert issubclass(TravelCalendarError, ValueError)
