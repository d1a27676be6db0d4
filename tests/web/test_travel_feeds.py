"""Travel calendars by address (issue 20): a TripIt-like feed served on 127.0.0.1 is read by
the worker; each journey still ahead is proposed as a trip (legs within 36 hours are one
journey); "Create trip" makes it a trip, "Not a trip" dismisses it, and reading again
proposes neither anew; a broken address shows its error and keeps the proposals; another
user's proposal is a 404."""

from collections.abc import Iterator
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, select

from planner.models import Trip
from planner.models.travel import TripProposal
from tests.fake_http import serving
from tests.places_fixtures import with_gazetteer

START = date.today() + timedelta(days=60)
LATER = START + timedelta(days=30)


def _feed() -> bytes:
    def day(d: date) -> str:
        return f"{d:%Y%m%d}"

    def stay(uid: str, first: date, nights: int, place: str) -> tuple[str, ...]:
        end = first + timedelta(days=nights)
        return (
            uid,
            f"DTSTART;VALUE=DATE:{day(first)}",
            f"DTEND;VALUE=DATE:{day(end)}",
            place,
            place,
        )

    events = [
        stay("munich", START, 3, "München, Germany"),
        stay("berlin", START + timedelta(days=3), 2, "Berlin, Germany"),
        stay("vienna", LATER, 2, "Wien, Österreich"),
    ]
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//TripIt//EN"]
    for uid, start, end, summary, location in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}@tripit.example",
            "DTSTAMP:20261101T080000Z",
            start,
            end,
            f"SUMMARY:{summary}",
            f"LOCATION:{location}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


class Feed(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        if type(self).status != 200:
            self.send_response(type(self).status)
            self.end_headers()
            return
        body = _feed()
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def feed_url(app: Flask) -> Iterator[str]:
    with_gazetteer(app)
    app.config["CALENDAR_ALLOW_PRIVATE_ADDRESSES"] = True
    Feed.status = 200
    with serving(Feed) as port:
        yield f"http://127.0.0.1:{port}/tripit.ics"


def _proposals(app: Flask) -> list[TripProposal]:
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        return list(session.scalars(select(TripProposal)))


def _trips(app: Flask) -> list[Trip]:
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        trips = list(session.scalars(select(Trip)))
        for trip in trips:
            _ = trip.legs
        return trips


PAGE = "/trips/travel-calendars/"


def test_journeys_are_proposed_and_confirmed_once(
    app: Flask, make_user: Any, login: Any, feed_url: str
) -> None:
    user = make_user(home_city="Hamburg", home_lat=53.55, home_lon=9.99)
    web = login(user)
    added = web.submit(PAGE, {"url": feed_url, "name": "TripIt"})
    assert added.status_code == 302
    proposals = sorted(_proposals(app), key=lambda p: p.legs[0]["arrives_at"])
    cities = [[leg["city"] for leg in p.legs] for p in proposals]
    assert len(cities) == 2 and cities[0][1] == "Berlin" and len(cities[1]) == 1
    assert cities[0][0] in ("München", "Munich") and cities[1][0] in ("Wien", "Vienna")
    page = web.get(PAGE).get_data(as_text=True)
    assert cities[0][0] in page and cities[1][0] in page
    assert "tripit.ics" not in page  # the secret address is shown masked

    created = web.submit(f"{PAGE}proposals/{proposals[0].id}/accept", form_url=PAGE)
    assert created.status_code == 302 and "/trips/" in created.headers["Location"]
    [trip] = _trips(app)
    assert [leg.city for leg in trip.legs] == cities[0]
    web.submit(f"{PAGE}proposals/{proposals[1].id}/dismiss", form_url=PAGE)

    [feed_id] = {p.feed_id for p in proposals}
    web.submit(f"{PAGE}{feed_id}/refresh", form_url=PAGE)
    assert len(_proposals(app)) == 2  # read again: nothing proposed anew
    assert "No new journeys." in web.get(PAGE).get_data(as_text=True)

    # a broken address: the error is shown, what was proposed stays
    Feed.status = 500
    web.submit(f"{PAGE}{feed_id}/refresh", form_url=PAGE)
    assert "500" in web.get(PAGE).get_data(as_text=True)
    assert len(_proposals(app)) == 2

    # another user: not theirs
    other = login(make_user())
    assert (
        other.submit(f"{PAGE}proposals/{proposals[1].id}/accept", form_url=PAGE).status_code == 404
    )
    assert other.submit(f"{PAGE}{feed_id}/delete", form_url=PAGE).status_code == 404
    assert cities[0][0] not in other.get(PAGE).get_data(as_text=True)


def test_a_bad_address_is_named_at_the_field(app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user())
    page = web.submit(PAGE, {"url": "ftp://example.org/trips.ics"})
    assert page.status_code == 422
    assert "https://" in page.get_data(as_text=True)
    assert web.client.post(PAGE, data={"url": "https://example.org/x.ics"}).status_code == 400
