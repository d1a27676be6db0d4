"""The events pages: follow feeds (subscribe, upload, read again, remove), the list with its
filters, the month, one event with its map; escaped, in German too, and owner-scoped."""

import io
import re
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, col, select

from planner.models.event import EventFeed, EventOccurrence
from tests.fake_http import serving
from tests.places_fixtures import with_gazetteer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "events"
BARCAMPS = (FIXTURES / "barcamps.ics").read_bytes()
HOSTILE = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x@evil.example\r\n"
    b"DTSTART:20270301T100000Z\r\nDURATION:PT1H\r\nSUMMARY:<script>alert(1)</script> Camp\r\n"
    b"DESCRIPTION:Zeile <b>eins</b>\\nZeile zwei\r\nLOCATION:M\xc3\xbcnchen\r\n"
    b"URL:https://camp.example/?a=1&b=<2>\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def places_app(app: Flask) -> Flask:
    return with_gazetteer(app)


def upload(web: Any, data: bytes, filename: str = "barcamps.ics", title: str = "") -> Any:
    token = web.csrf_token("/events/feeds")
    return web.client.post(
        "/events/feeds/upload",
        data={"csrf_token": token, "title": title, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def titles(page: str) -> list[str]:
    """The events' titles on the list page, in order."""
    return re.findall(r'<a href="/events/[0-9a-f-]+"><strong>([^<]+)</strong>', page)


def text(response: Any) -> str:
    return str(response.get_data(as_text=True))


def rows(app: Flask, summary: str | None = None) -> list[EventOccurrence]:
    with app.app_context():
        from planner import db

        query = select(EventOccurrence).order_by(col(EventOccurrence.starts_at))
        if summary:
            query = query.where(col(EventOccurrence.summary) == summary)
        found = list(db.session().scalars(query))
        db.session().expunge_all()
        return found


def feeds(app: Flask) -> list[EventFeed]:
    with app.app_context():
        from planner import db

        session: Session = db.session()
        found = list(session.scalars(select(EventFeed)))
        session.expunge_all()
        return found


def test_upload_then_list_month_and_event_page(
    places_app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user())
    assert "You follow no event feeds yet." in text(web.get("/events"))
    done = upload(web, BARCAMPS)
    assert done.status_code == 302
    page = text(web.get("/events/feeds"))
    assert "Barcamps &amp; Meetups DACH" in page and "20 events" in page and "1 cancelled" in page
    listed = text(web.get("/events?start=2026-01-01&end=2027-12-31"))
    assert listed.count('class="is-cancelled"') == 1
    assert "Barcamp Hamburg 2026" in listed and "Python-Workshop Zürich" in listed
    month = text(web.get("/events/month?month=2026-03"))
    assert month.count(">Barcamp Hamburg 2026</a>") == 2  # 20 and 21 March, not the 22nd
    assert "March 2026" in month
    camp = rows(places_app, "Barcamp Hamburg 2026")[0]
    event = text(web.get(f"/events/{camp.id}"))
    assert 'id="event-map"' in event and "53.5287" in event and "Orga-Team Barcamp Hamburg" in event
    assert "Friday, March 20, 2026 – Saturday, March 21, 2026" in event


def test_filters_place_radius_topic_and_dates(
    places_app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user())
    upload(web, BARCAMPS)
    wide = "start=2026-01-01&end=2027-12-31"
    munich = text(web.get(f"/events?{wide}&place=M%C3%BCnchen&radius=30"))
    found = titles(munich)
    assert found == ["Karriere-Barcamp München 2026", "Open-Data-Konferenz München 2027"]
    assert "Within 30 km of Munich." in munich
    python = text(web.get(f"/events?{wide}&topic=Python&place=Z%C3%BCrich&radius=20"))
    assert titles(python) == ["Python-Workshop Zürich: Daten offen teilen"]
    few = text(web.get("/events?start=2026-06-01&end=2026-06-30"))
    assert titles(few) == [
        "Online-Sprechstunde: Karriere im Netzwerk",
        "PyStammtisch Hamburg",
        "Karriere-Barcamp München 2026",
    ]
    unknown = text(web.get(f"/events?{wide}&place=Xyzzyqwv"))
    assert "is not a city we know" in unknown
    bad = web.get("/events?start=soon&radius=9999")
    assert bad.status_code == 200  # bad values are shown beside their fields, not a 500


def test_text_from_a_feed_is_escaped(places_app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user())
    upload(web, HOSTILE, "evil.ics")
    row = rows(places_app)[0]
    page = text(web.get(f"/events/{row.id}"))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "Zeile &lt;b&gt;eins&lt;/b&gt;<br>Zeile zwei" in page
    assert 'href="https://camp.example/?a=1&amp;b=&lt;2&gt;"' in page
    listed = text(web.get("/events?start=2027-01-01&end=2027-12-31"))
    assert "<script>alert" not in listed


def test_an_unreadable_upload_says_why_in_german(app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user(locale="de"))
    refused = upload(web, b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n", "kaputt.ics")
    assert refused.status_code == 422
    assert "kaputt.ics: der Kalender ist abgeschnitten (kein END:VCALENDAR)" in text(refused)
    assert feeds(app) == []


class Feed(BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        if type(self).status != 200:
            self.send_response(type(self).status)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(BARCAMPS)))
        self.end_headers()
        self.wfile.write(BARCAMPS)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def feed_url(app: Flask) -> Iterator[str]:
    app.config["CALENDAR_ALLOW_PRIVATE_ADDRESSES"] = True
    Feed.status = 200
    with serving(Feed) as port:
        yield f"http://127.0.0.1:{port}/barcamps.ics"


def test_subscribe_read_again_broken_and_remove(
    app: Flask, make_user: Any, login: Any, feed_url: str
) -> None:
    web = login(make_user())
    added = web.submit(
        "/events/feeds/subscribe", {"url": feed_url, "title": "Barcamps"}, form_url="/events/feeds"
    )
    assert added.status_code == 302  # read at once by the in-process worker (tests)
    [feed] = feeds(app)
    assert feed.event_count == 20 and feed.status == "done"
    Feed.status = 503
    again = web.submit(f"/events/feeds/{feed.id}/refresh", form_url="/events/feeds")
    assert again.status_code == 302
    english = text(web.get("/events/feeds"))
    assert "The last reading failed: server answered 503" in english
    assert "The events read before are kept." in english and "20 events" in english
    web.submit("/language", {"lang": "de", "next": "/events/feeds"}, form_url="/events/feeds")
    german = text(web.get("/events/feeds"))
    assert "Das letzte Lesen ist fehlgeschlagen: " in german and "503" in german
    assert "The last reading failed" not in german and "20 Veranstaltungen" in german
    assert len(rows(app)) == 21
    removed = web.submit(f"/events/feeds/{feed.id}/remove", form_url="/events/feeds")
    assert removed.status_code == 302 and feeds(app) == [] and rows(app) == []


def test_a_bad_address_is_shown_beside_the_field(app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user())
    page = web.submit(
        "/events/feeds/subscribe", {"url": "ftp://x.example/a.ics"}, form_url="/events/feeds"
    )
    assert page.status_code == 422 and "must start with https://" in text(page)


def test_forms_need_their_csrf_token(app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user())
    refused = web.client.post("/events/feeds/subscribe", data={"url": "https://a.example/a.ics"})
    assert refused.status_code == 400 and feeds(app) == []


def test_another_users_events_and_feeds_are_404(
    places_app: Flask, make_user: Any, login: Any
) -> None:
    owner = login(make_user())
    upload(owner, BARCAMPS)
    [feed] = feeds(places_app)
    event = rows(places_app)[0]
    other = login(make_user())
    assert other.get(f"/events/{event.id}").status_code == 404
    assert titles(text(other.get("/events?start=2026-01-01&end=2027-12-31"))) == []
    assert "Barcamp Hamburg" not in text(other.get("/events/month?month=2026-03"))
    for action in ("refresh", "remove"):
        refused = other.submit(f"/events/feeds/{feed.id}/{action}", form_url="/events/feeds")
        assert refused.status_code == 404
    assert len(feeds(places_app)) == 1


def test_pages_need_a_sign_in(client: Any) -> None:
    for url in ("/events", "/events/month", "/events/feeds"):
        assert client.get(url).status_code == 302


def test_an_empty_month_says_so(app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user())
    upload(web, BARCAMPS)
    # August: the monthly meetup's summer break (EXDATE), nothing else
    assert "No events this month." in text(web.get("/events/month?month=2026-08"))
    assert "No events this month." not in text(web.get("/events/month?month=2026-03"))
    assert web.get("/events/month?month=99999-01").status_code == 200


def test_the_event_page_names_the_contacts_it_mentions(
    places_app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    owner = make_user()
    lotte = make_contact(owner, first_name="Lotte", last_name="Brandt")
    make_contact(owner, first_name="Kofi", last_name="Mensah-Bauer", emails=["kofi@example.com"])
    web = login(owner)
    upload(web, (FIXTURES / "places.ics").read_bytes(), "places.ics")
    [row] = [r for r in rows(places_app) if r.summary == "Mit Leuten"]
    page = text(web.get(f"/events/{row.id}"))
    assert "People you know there" in page
    assert f'href="/contacts/{lotte.id}">Lotte Brandt</a>' in page
    assert "(takes part)" in page and "Kofi Mensah-Bauer" in page  # by his address
    other = login(make_user())
    assert other.get(f"/events/{row.id}").status_code == 404
