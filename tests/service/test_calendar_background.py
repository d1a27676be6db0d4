"""Slow calendar work leaves the web request (issue 17): an upload and "read again" only
queue the calendar; the worker reads it, and the page says how far it is. Busy times keep
no event titles."""

import html
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import inspect, text
from sqlmodel import Session, select

from planner import tasks
from planner.models import CalendarSource, CalendarStatus
from tests.conftest import count_rows
from tests.fake_http import serving

DAY = (datetime.now(UTC) + timedelta(days=30)).date()
TITLE = "Therapie bei Dr. Vertraulich"
CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
    "BEGIN:VEVENT\r\nUID:weekly@example.org\r\nDTSTAMP:20261101T090000Z\r\n"
    f"DTSTART;TZID=Europe/Berlin:{DAY:%Y%m%d}T100000\r\n"
    f"DTEND;TZID=Europe/Berlin:{DAY:%Y%m%d}T113000\r\n"
    f"RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:{TITLE}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()
CUT_OFF = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\n"
READ_UPLOAD, REFRESH = tasks.read_calendar_upload_task, tasks.refresh_calendar_task  # the real


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tasks the web app queued (instead of running them at once, as in other tests)."""
    calls: list[str] = []
    for name in ("read_calendar_upload_task", "refresh_calendar_task"):
        monkeypatch.setattr(tasks, name, lambda source_id, name=name: calls.append(name))
    return calls


def worker(app: Flask, task: Any, source: CalendarSource) -> int:
    """Run a queued task as the consumer would, on the test's database."""
    with app.app_context():
        result: int = task.call_local(str(source.id))
        return result


def upload(web: Any, data: bytes, filename: str) -> Any:
    token = web.csrf_token("/settings/calendars")
    return web.client.post(
        "/settings/calendars/upload",
        data={"csrf_token": token, "name": "", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def the_source(app: Flask) -> CalendarSource:
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        (source,) = session.exec(select(CalendarSource)).all()
        session.expunge(source)
        return source


def page(web: Any) -> str:
    return html.unescape(web.get("/settings/calendars").get_data(as_text=True))


def test_an_upload_is_read_by_the_worker_and_the_page_shows_how_far(
    app: Flask, make_user: Any, login: Any, queued: list[str]
) -> None:
    web = login(make_user())
    response = upload(web, CALENDAR, "praxis.ics")
    assert response.status_code == 302 and queued == ["read_calendar_upload_task"]
    assert count_rows(app, "busy_time") == 0 and count_rows(app, "calendar_upload") == 1
    waiting = page(web)
    assert "praxis.ics is read in the background." in waiting
    assert "waiting to be read" in waiting and 'http-equiv="refresh"' in waiting

    source = the_source(app)
    assert worker(app, READ_UPLOAD, source) == 3
    assert the_source(app).status == CalendarStatus.DONE
    assert count_rows(app, "calendar_upload") == 0  # the file is not kept
    done = page(web)
    assert "waiting to be read" not in done and 'http-equiv="refresh"' not in done
    assert worker(app, READ_UPLOAD, source) == 3  # twice: harmless


def test_an_unreadable_upload_shows_its_error_on_the_page(
    app: Flask, make_user: Any, login: Any, queued: list[str]
) -> None:
    web = login(make_user())
    assert upload(web, CUT_OFF, "kaputt.ics").status_code == 302
    source = the_source(app)
    assert worker(app, READ_UPLOAD, source) == 0
    assert the_source(app).status == CalendarStatus.ERROR
    assert count_rows(app, "calendar_upload") == 0
    assert "kaputt.ics: the calendar is cut off" in page(web)


def test_an_upload_with_the_worker_running_at_once_is_read_in_the_same_request(
    app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user())
    assert upload(web, CALENDAR, "praxis.ics").status_code == 302  # PLANNER_HUEY_IMMEDIATE
    assert the_source(app).busy_count == 3 and the_source(app).status == CalendarStatus.DONE


class Calendar(BaseHTTPRequestHandler):
    requests = 0

    def do_GET(self) -> None:
        type(self).requests += 1
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(CALENDAR)))
        self.end_headers()
        self.wfile.write(CALENDAR)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def calendar_url() -> Iterator[str]:
    Calendar.requests = 0
    with serving(Calendar) as port:
        yield f"http://127.0.0.1:{port}/private/basic.ics"


def test_read_again_only_queues_the_fetch(
    app: Flask, make_user: Any, login: Any, queued: list[str], calendar_url: str
) -> None:
    app.config["CALENDAR_ALLOW_PRIVATE_ADDRESSES"] = True
    web = login(make_user())
    assert web.submit("/settings/calendars/url", {"url": calendar_url}).status_code == 302
    source = the_source(app)
    assert source.status == CalendarStatus.QUEUED and queued == ["refresh_calendar_task"]
    assert "waiting to be read" in page(web)
    assert worker(app, REFRESH, source) == 3
    assert the_source(app).status == CalendarStatus.DONE and Calendar.requests == 1
    queued.clear()
    again = web.submit(f"/settings/calendars/{source.id}/refresh", form_url="/settings/calendars")
    assert again.status_code == 302 and queued == ["refresh_calendar_task"]
    assert Calendar.requests == 1  # the request did not fetch
    assert the_source(app).status == CalendarStatus.QUEUED
    assert "waiting to be read" in page(web)
    assert worker(app, REFRESH, source) == 3
    assert Calendar.requests == 2 and the_source(app).status == CalendarStatus.DONE


def test_read_again_of_another_users_calendar_is_404(
    app: Flask, make_user: Any, login: Any, queued: list[str]
) -> None:
    owner = login(make_user())
    assert upload(owner, CALENDAR, "praxis.ics").status_code == 302
    source = the_source(app)
    other = login(make_user())
    refused = other.submit(
        f"/settings/calendars/{source.id}/refresh", form_url="/settings/calendars"
    )
    assert refused.status_code == 404
    # an upload has no address to read again
    assert (
        owner.submit(
            f"/settings/calendars/{source.id}/refresh", form_url="/settings/calendars"
        ).status_code
        == 404
    )
    assert queued == ["read_calendar_upload_task"]


def test_busy_times_keep_no_event_titles(app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user())
    assert upload(web, CALENDAR, "praxis.ics").status_code == 302
    engine = app.extensions["planner.engine"]
    columns = {c["name"] for c in inspect(engine).get_columns("busy_time")}
    assert columns == {"id", "owner_id", "source_id", "starts_at", "ends_at", "all_day"}
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM busy_time")).all()
    assert len(rows) == 3
    assert all(TITLE not in str(row) for row in rows)
