"""What is wrong with a calendar is said in the user's language: an uploaded busy calendar,
a travel calendar, and a calendar address read by the background task (no request there:
the owner's language is stored)."""

import html
import io
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session

from planner.models import CalendarSource, User
from tests.fake_http import serving
from tests.places_fixtures import with_gazetteer

CUT_OFF = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\n"
BAD_RULE = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:2\r\n"
    b"DTSTART:20300506T100000Z\r\nDTEND:20300506T110000Z\r\n"
    b"RRULE:FREQ=DAILY;INTERVAL=0\r\nSUMMARY:Jour fixe\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
CANCELLED = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:3\r\n"
    b"DTSTART;VALUE=DATE:20301001\r\nDTEND;VALUE=DATE:20301003\r\nSTATUS:CANCELLED\r\n"
    b"SUMMARY:Hotel\r\nLOCATION:Wien\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


@pytest.fixture
def calendars_app(app: Flask) -> Flask:
    return with_gazetteer(app)


def german(login: Any, make_user: Any) -> Any:
    """A signed-in user who chose German in the settings form."""
    web = login(make_user())
    saved = web.submit("/settings/", {"locale": "de", "home_city": "", "topics": ""})
    assert saved.status_code == 302
    return web


def upload(web: Any, url: str, data: bytes, filename: str, **fields: str) -> Any:
    token = web.csrf_token(url)
    return web.client.post(
        url,
        data={"csrf_token": token, **fields, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def text_of(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_broken_busy_calendar_is_explained_in_german(
    calendars_app: Flask, login: Any, make_user: Any
) -> None:
    web = german(login, make_user)
    url = "/settings/calendars/upload"
    cut = upload(web, url, CUT_OFF, "busy.ics", name="")
    assert cut.status_code == 302  # read by the worker (here at once), shown on the page
    page = text_of(web.get("/settings/calendars"))
    assert "busy.ics: der Kalender ist abgeschnitten (kein END:VCALENDAR)" in page
    assert "cut off" not in page
    # nested messages: the event's line and SUMMARY, the rule, the problem
    upload(web, url, BAD_RULE, "team.ics", name="Team")
    rule = text_of(web.get("/settings/calendars"))
    assert (
        "Team: Zeile 3: Termin „Jour fixe“: RRULE FREQ=DAILY;INTERVAL=0 hat ein INTERVAL unter 1"
    ) in rule


def test_a_broken_travel_calendar_is_explained_in_german(
    calendars_app: Flask, login: Any, make_user: Any
) -> None:
    web = german(login, make_user)
    url = "/trips/import-calendar"
    refused = upload(web, url, b"BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n", "contacts.ics")
    assert refused.status_code == 422
    assert (
        "contacts.ics: Das ist keine iCalendar-Datei (.ics): Sie enthält keinen VCALENDAR "
        "(gefunden: VCARD)."
    ) in text_of(refused)
    limit = calendars_app.config["CALENDAR_MAX_BYTES"]  # the one limit of every calendar
    too_large = upload(web, url, b"BEGIN:VCALENDAR\r\n" + b" " * limit, "big.ics")
    assert too_large.status_code == 422
    said = f"hat {limit + 1:,} Bytes; erlaubt sind höchstens {limit:,} Bytes.".replace(",", ".")
    assert said in text_of(too_large)
    skipped = upload(web, url, CANCELLED, "hotel.ics")
    assert skipped.status_code == 200
    assert "„Hotel“ (2030-10-01) übersprungen: er ist abgesagt." in text_of(skipped)


class GarbageServer(BaseHTTPRequestHandler):
    """Answers with a calendar that is cut off."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(CUT_OFF)))
        self.end_headers()
        self.wfile.write(CUT_OFF)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def garbage_url() -> Iterator[str]:
    with serving(GarbageServer) as port:
        yield f"http://127.0.0.1:{port}/private-abc123/basic.ics"


def add_address(app: Flask, user: Any, url: str) -> str:
    from planner.feeds.service import add_url

    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        owner = session.get(User, user.id)
        assert owner is not None
        source = add_url(session, owner=owner, name="Google", url=url)
        session.commit()
        return str(source.id)


def stored_error(app: Flask, source_id: str) -> str | None:
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        source = session.get(CalendarSource, uuid.UUID(source_id))
        assert source is not None
        return source.error


def test_the_background_refresh_stores_the_error_in_the_owners_language(
    calendars_app: Flask, make_user: Any, garbage_url: str
) -> None:
    from planner.feeds.service import refresh_source
    from planner.tasks import refresh_calendar_task

    app = calendars_app
    assert app.config["CALENDAR_ALLOW_PRIVATE_ADDRESSES"] is False
    # None follows the browser; a background task has none, so it speaks English
    users = {locale: make_user(locale=locale) for locale in ("de", "en", None)}
    sources = {locale: add_address(app, user, garbage_url) for locale, user in users.items()}
    # as Huey runs it: an app context, no request
    with app.app_context():
        for source_id in sources.values():
            refresh_calendar_task.call_local(source_id)
    assert stored_error(app, sources["de"]) == (
        "die Adresse 127.0.0.1 ist eine Loopback-Adresse (dieser Server); "
        "nur öffentliche Adressen werden gelesen"
    )
    assert stored_error(app, sources["en"]) == (
        "address 127.0.0.1 is a loopback address (this server); only public addresses are read"
    )
    assert stored_error(app, sources[None]) == stored_error(app, sources["en"])

    # the address is read, but the calendar is cut off: the parser's message, named
    app.config["CALENDAR_ALLOW_PRIVATE_ADDRESSES"] = True
    engine = app.extensions["planner.engine"]
    for locale, expected in (
        ("de", "Google: der Kalender ist abgeschnitten (kein END:VCALENDAR)"),
        ("en", "Google: the calendar is cut off (no END:VCALENDAR)"),
    ):
        with app.app_context(), Session(engine) as session:
            source = session.get(CalendarSource, uuid.UUID(sources[locale]))
            assert source is not None
            assert refresh_source(session, source=source) == 0
            session.commit()
        assert stored_error(app, sources[locale]) == expected


def test_a_stored_error_and_the_default_name_speak_the_readers_language_today(
    calendars_app: Flask, make_user: Any, login: Any, garbage_url: str
) -> None:
    from planner.feeds.service import add_url
    from planner.tasks import refresh_calendar_task

    app = calendars_app
    user = make_user(locale="de")
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        owner = session.get(User, user.id)
        assert owner is not None
        source_id = str(add_url(session, owner=owner, name="", url=garbage_url).id)
        session.commit()
    with app.app_context():
        refresh_calendar_task.call_local(source_id)  # refused: a loopback address
    web = login(user)
    german_page = text_of(web.get("/settings/calendars"))
    assert "ist eine Loopback-Adresse" in german_page and ">Kalender<" in german_page
    assert web.submit("/settings/", {"locale": "en", "home_city": "", "topics": ""})
    english_page = text_of(web.get("/settings/calendars"))
    assert "address 127.0.0.1 is a loopback address" in english_page
    assert "Loopback-Adresse" not in english_page and ">Calendar<" in english_page
