"""Event feeds in the database: upload, subscribe, refresh with ETag, errors that keep the last
good copy, redirects, and one user's events never seen by another."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlmodel import Session, col, select
from werkzeug.exceptions import NotFound

from planner.db import get_owned
from planner.events import service
from planner.i18n import from_stored
from planner.models import User
from planner.models.event import EventFeed, EventFeedStatus, EventOccurrence
from tests.fake_http import serving
from tests.places_fixtures import with_gazetteer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "events"
BARCAMPS = (FIXTURES / "barcamps.ics").read_bytes()
NOW = datetime(2026, 1, 10, tzinfo=UTC)


@pytest.fixture
def places_app(app: Flask) -> Flask:
    return with_gazetteer(app)


def user(db: Session, make_user: Any) -> User:
    made = make_user()
    found = db.get(User, made.id)
    assert found is not None
    return found


def rows(db: Session, feed: EventFeed) -> list[EventOccurrence]:
    return list(
        db.scalars(
            select(EventOccurrence)
            .where(col(EventOccurrence.feed_id) == feed.id)
            .order_by(col(EventOccurrence.starts_at))
        )
    )


class Feed(BaseHTTPRequestHandler):
    """Serves ``body`` with an ETag; 304 when asked with it; ``status`` other than 200 fails."""

    body = BARCAMPS
    etag = '"v1"'
    status = 200
    requests: list[dict[str, str]] = []

    def do_GET(self) -> None:
        type(self).requests.append(dict(self.headers))
        if self.path == "/moved.ics":
            self.send_response(301)
            self.send_header("Location", "/feed.ics")
            self.end_headers()
            return
        if self.status != 200:
            self.send_response(self.status)
            self.end_headers()
            return
        if self.headers.get("If-None-Match") == self.etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("ETag", self.etag)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def feed_server(app: Flask) -> Iterator[str]:
    app.config["CALENDAR_ALLOW_PRIVATE_ADDRESSES"] = True
    Feed.body, Feed.etag, Feed.status, Feed.requests = BARCAMPS, '"v1"', 200, []
    with serving(Feed) as port:
        yield f"http://127.0.0.1:{port}"


def test_an_upload_keeps_every_occurrence_with_place_and_people(
    places_app: Flask, db: Session, make_user: Any
) -> None:
    owner = user(db, make_user)
    summary = service.add_upload(db, owner=owner, filename="barcamps.ics", data=BARCAMPS, now=NOW)
    db.commit()
    assert (summary.events, summary.cancelled, summary.problems) == (20, 1, [])
    feed = summary.feed
    assert feed.title == "Barcamps & Meetups DACH" and feed.status == EventFeedStatus.DONE
    stored = rows(db, feed)
    assert len(stored) == 21
    camp = next(r for r in stored if r.summary == "Barcamp Hamburg 2026")
    assert (camp.city, camp.lat, camp.all_day) == ("Hamburg", 53.5287, True)
    assert camp.organizer == {
        "name": "Orga-Team Barcamp Hamburg",
        "email": "orga@barcamp-hamburg.example",
    }
    assert service.occurrence_json(camp)["start"] == "2026-03-20"
    assert service.occurrence_json(camp)["end"] == "2026-03-22"


def test_an_unreadable_upload_is_refused_and_nothing_kept(db: Session, make_user: Any) -> None:
    owner = user(db, make_user)
    with pytest.raises(service.EventFeedProblem) as caught, force_locale("de"):
        service.add_upload(db, owner=owner, filename="kaputt.ics", data=b"BEGIN:VCALENDAR\r\n")
    with force_locale("de"):
        assert (
            str(caught.value) == "kaputt.ics: der Kalender ist abgeschnitten (kein END:VCALENDAR)"
        )
    assert service.list_feeds(db, owner=owner) == []


def test_subscribe_refresh_etag_and_not_modified(
    app: Flask, db: Session, make_user: Any, feed_server: str
) -> None:
    owner = user(db, make_user)
    feed = service.subscribe(db, owner=owner, url=f"{feed_server}/feed.ics")
    assert feed.status == EventFeedStatus.QUEUED
    parsed = service.refresh_feed(db, feed=feed, now=NOW)
    db.commit()
    assert parsed is not None and feed.event_count == 20 and feed.etag == '"v1"'
    ids = {r.id for r in rows(db, feed)}
    later = NOW + timedelta(hours=2)
    assert service.refresh_feed(db, feed=feed, now=later) is None  # 304
    db.commit()
    assert Feed.requests[-1]["If-None-Match"] == '"v1"'
    assert feed.fetched_at == later and feed.refreshed_at == NOW
    assert {r.id for r in rows(db, feed)} == ids and feed.status == EventFeedStatus.DONE
    Feed.etag = '"v2"'  # changed: read again; the same events keep their ids
    assert service.refresh_feed(db, feed=feed, now=later) is not None
    assert {r.id for r in rows(db, feed)} == ids and feed.etag == '"v2"'


def test_webcal_addresses_are_read_as_https(db: Session, make_user: Any) -> None:
    owner = user(db, make_user)
    feed = service.subscribe(db, owner=owner, url="webcal://barcamps.example/feed.ics")
    assert feed.url == "https://barcamps.example/feed.ics"
    with pytest.raises(service.EventFeedProblem, match="already"):
        service.subscribe(db, owner=owner, url="https://barcamps.example/feed.ics")
    with pytest.raises(service.EventFeedProblem, match="must start with"):
        service.subscribe(db, owner=owner, url="ftp://barcamps.example/feed.ics")


def test_a_broken_refresh_shows_its_error_and_keeps_the_last_good_copy(
    app: Flask, db: Session, make_user: Any, feed_server: str
) -> None:
    owner = user(db, make_user)
    feed = service.subscribe(db, owner=owner, url=f"{feed_server}/feed.ics")
    service.refresh_feed(db, feed=feed, now=NOW)
    db.commit()
    Feed.status = 500
    assert service.refresh_feed(db, feed=feed, now=NOW + timedelta(hours=1)) is None
    db.commit()
    assert feed.status == EventFeedStatus.ERROR and feed.refreshed_at == NOW
    assert len(rows(db, feed)) == 21 and feed.event_count == 20
    with force_locale("en"):
        assert from_stored(feed.error_text) == "server answered 500 Internal Server Error"
    with force_locale("de"):
        assert "500" in from_stored(feed.error_text)
        assert from_stored(feed.error_text) != "server answered 500 Internal Server Error"
    Feed.status, Feed.body, Feed.etag = 200, b"not a calendar at all", '"v3"'
    service.refresh_feed(db, feed=feed, now=NOW + timedelta(hours=2))
    assert feed.status == EventFeedStatus.ERROR and len(rows(db, feed)) == 21
    with force_locale("en"):
        assert "not a calendar" in from_stored(feed.error_text)
    Feed.body, Feed.etag = BARCAMPS, '"v4"'
    service.refresh_feed(db, feed=feed, now=NOW + timedelta(hours=3))
    assert feed.status == EventFeedStatus.DONE and feed.error_text is None


def test_a_redirect_is_followed(app: Flask, db: Session, make_user: Any, feed_server: str) -> None:
    owner = user(db, make_user)
    feed = service.subscribe(db, owner=owner, url=f"{feed_server}/moved.ics")
    service.refresh_feed(db, feed=feed, now=NOW)
    assert feed.status == EventFeedStatus.DONE and feed.event_count == 20
    assert [r.get("Host", "") for r in Feed.requests][:1]  # two requests: 301, then 200
    assert len(Feed.requests) == 2


def test_private_addresses_are_refused_outside_tests(db: Session, make_user: Any) -> None:
    owner = user(db, make_user)
    feed = service.subscribe(db, owner=owner, url="http://127.0.0.1:9/feed.ics")
    service.refresh_feed(db, feed=feed, now=NOW)
    assert feed.status == EventFeedStatus.ERROR
    with force_locale("en"):
        assert "only public addresses" in from_stored(feed.error_text)


def test_due_feeds_are_those_not_read_within_the_interval(db: Session, make_user: Any) -> None:
    owner = user(db, make_user)
    fresh = service.subscribe(db, owner=owner, url="https://a.example/a.ics")
    stale = service.subscribe(db, owner=owner, url="https://b.example/b.ics")
    never = service.subscribe(db, owner=owner, url="https://c.example/c.ics")
    service.add_upload(db, owner=owner, filename="x.ics", data=BARCAMPS, now=NOW)
    fresh.fetched_at, stale.fetched_at = NOW, NOW - timedelta(hours=3)
    db.flush()
    due = service.due_feeds(db, now=NOW, every=timedelta(hours=1))
    assert set(due) == {stale.id, never.id}


def test_one_users_events_are_never_anothers(
    places_app: Flask, db: Session, make_user: Any
) -> None:
    owner, other = user(db, make_user), user(db, make_user)
    feed = service.add_upload(db, owner=owner, filename="b.ics", data=BARCAMPS, now=NOW).feed
    db.commit()
    window = {"start": NOW, "end": NOW + timedelta(days=800)}
    assert len(service.occurrences(db, owner=owner, **window)) == 21
    assert service.occurrences(db, owner=other, **window) == []
    assert service.list_feeds(db, owner=other) == []
    row = rows(db, feed)[0]
    with pytest.raises(NotFound):
        get_owned(db, EventOccurrence, row.id, owner=other)
    with pytest.raises(NotFound):
        get_owned(db, EventFeed, feed.id, owner=other)


def test_filters_by_place_radius_topic_and_cancelled(
    places_app: Flask, db: Session, make_user: Any
) -> None:
    owner = user(db, make_user)
    service.add_upload(db, owner=owner, filename="b.ics", data=BARCAMPS, now=NOW)
    window = {"start": NOW, "end": NOW + timedelta(days=800)}
    munich = service.Near(48.137, 11.575, 30)
    near = service.occurrences(db, owner=owner, near=munich, **window)
    assert [r.summary for r in near] == [
        "Karriere-Barcamp München 2026",
        "Open-Data-Konferenz München 2027",
    ]
    python = service.occurrences(db, owner=owner, topic="python", **window)
    # 11 PyStammtisch, the Zürich workshop, and Barcamp Hamburg (its description names it)
    assert len(python) == 13
    assert all(
        r.status != "CANCELLED"
        for r in service.occurrences(db, owner=owner, cancelled=False, **window)
    )
    hamburg = service.Near(53.55, 9.99, 20)
    in_march = service.occurrences(
        db,
        owner=owner,
        near=hamburg,
        start=datetime(2026, 3, 1, tzinfo=UTC),
        end=datetime(2026, 4, 1, tzinfo=UTC),
    )
    assert [r.summary for r in in_march] == ["PyStammtisch Hamburg", "Barcamp Hamburg 2026"]


def test_removing_a_feed_removes_its_occurrences(db: Session, make_user: Any) -> None:
    owner = user(db, make_user)
    feed = service.add_upload(db, owner=owner, filename="b.ics", data=BARCAMPS, now=NOW).feed
    service.remove_feed(db, feed=feed)
    db.commit()
    assert (
        db.scalars(select(EventOccurrence).where(col(EventOccurrence.owner_id) == owner.id)).all()
        == []
    )


def test_the_periodic_task_reads_the_feeds_that_are_due(
    app: Flask, db: Session, make_user: Any, feed_server: str
) -> None:
    from planner.tasks import refresh_due_event_feeds

    owner = user(db, make_user)
    feed = service.subscribe(db, owner=owner, url=f"{feed_server}/feed.ics")
    service.add_upload(db, owner=owner, filename="x.ics", data=BARCAMPS, now=NOW)
    db.commit()
    assert refresh_due_event_feeds.call_local() == 1  # the address; an upload is never fetched
    db.expire_all()
    assert feed.status == EventFeedStatus.DONE and feed.event_count == 20
    assert len(Feed.requests) == 1
    assert refresh_due_event_feeds.call_local() == 0  # read just now: not due
    assert len(Feed.requests) == 1
