"""Background tasks (Huey): large imports, their follow-ups, and reading the users' calendars.

Storage: SQLite under the instance folder by default, Redis when REDIS_URL is set.
The consumer runs beside the web workers (`planner serve`, which `make run` uses).
With PLANNER_HUEY_IMMEDIATE=1 (tests) tasks run in-process at once.
"""

import logging
import os
import uuid
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey, RedisHuey, SqliteHuey, crontab

from planner.config import instance_dir

log = logging.getLogger(__name__)


def make_huey() -> Huey:
    immediate = os.environ.get("PLANNER_HUEY_IMMEDIATE", "") in ("1", "true", "yes")
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        return RedisHuey("treffpunkt", url=redis_url, immediate=immediate)
    folder = instance_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("treffpunkt", filename=str(folder / "huey.db"), immediate=immediate)


huey = make_huey()
_app: Flask | None = None


def task_app() -> Flask:
    """The app a task runs in: the caller's when run in-process, else one per consumer."""
    global _app
    if has_app_context():
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
        return app
    if _app is None:
        from planner import create_app

        _app = create_app()
    return _app


def _progress_key(batch_id: str) -> str:
    return f"import-progress:{batch_id}"


def import_progress(batch_id: uuid.UUID | str) -> dict[str, Any] | None:
    """How far a running import is, and its heartbeat: {"done", "total", "at" (ISO time),
    "attempt"}. Kept in Huey's store: the import's own transaction is not visible to other
    connections until it commits (planner.imports.lease says how a lease is judged)."""
    value: dict[str, Any] | None = huey.get(_progress_key(str(batch_id)), peek=True)
    return value


def _heartbeat(batch_id: str, attempt: int, done: int = 0, total: int = 0) -> None:
    from planner.models.types import utcnow

    entry = {"done": done, "total": total, "at": utcnow().isoformat(), "attempt": attempt}
    huey.put(_progress_key(batch_id), entry)


@huey.task()
def run_import(batch_id: str, owner_id: str, attempt: int | None = None) -> dict[str, Any]:
    """Write a confirmed import in one transaction; on any failure nothing is written and
    the batch is marked failed. ``attempt`` is the claim this run writes for (a resumed
    batch is claimed again: a delivery of an older claim writes nothing)."""
    from planner.db import session_scope
    from planner.imports import confirm
    from planner.models import ImportStatus

    app = task_app()
    engine = app.extensions["planner.engine"]
    key = _progress_key(batch_id)

    with app.app_context():
        try:
            with session_scope(engine) as session:
                found = confirm.batch_for_task(
                    session, batch_id=batch_id, owner_id=owner_id, status=ImportStatus.RUNNING
                )
                if isinstance(found, str):  # missing, delivered twice, or stale
                    return {"status": found}
                batch, owner = found
                mine = batch.attempt
                if attempt is not None and attempt != mine:  # superseded by a resume
                    return {"status": "superseded"}

                def progress(done: int, total: int) -> None:
                    _heartbeat(batch_id, mine, done, total)  # renews the lease

                progress(0, 0)
                outcomes = confirm.write_claimed(
                    session, owner=owner, batch=batch, attempt=mine, progress=progress
                )
                if outcomes is None:  # resumed meanwhile
                    session.rollback()
                    return {"status": "superseded"}
                written = batch.status
        except Exception as error:
            log.exception("import %s failed", batch_id)
            with session_scope(engine) as session:
                confirm.mark_failed(session, batch_id=uuid.UUID(batch_id), error=error)
            return {"status": ImportStatus.FAILED.value}
        finally:
            huey.get(key)  # drop the progress entry
    # committed: places, possible duplicates and topics follow as a task of their own, as
    # after an import written in the request (big web imports had none of them)
    if written == ImportStatus.DONE.value:
        after_import(batch_id, owner_id)
    return {"status": written}


def import_followups(app: Flask, batch_id: str, owner_id: str) -> dict[str, Any]:
    """What follows a written import, for the contacts it created or merged into (places,
    possible duplicates, topics), in short transactions: see planner/imports/followups.py."""
    from planner.imports import followups

    return followups.import_followups(app, batch_id, owner_id)


@huey.task()
def after_import(batch_id: str, owner_id: str) -> dict[str, Any]:
    """Run the follow-ups of an import in the background (in-process for the CLI)."""
    return import_followups(task_app(), batch_id, owner_id)


@huey.task()
def refresh_interests_task(owner_id: str, locale: str) -> int:
    """Derive every stale contact's topics again (after the synonym table changed)."""
    from planner.db import session_scope
    from planner.models import User
    from planner.trips.interests import refresh_interests

    app = task_app()
    with app.app_context(), session_scope(app.extensions["planner.engine"]) as session:
        owner = session.get(User, uuid.UUID(owner_id))
        if owner is None:
            return 0
        return refresh_interests(session, owner=owner, locale=owner.locale or locale)


def _read_calendar(source_id: str, *, upload: bool) -> int:
    """Mark the calendar "reading" (committed, for its page), then read it: the uploaded
    file, or the address fetched again. Parsing and fetching come before any write, so
    the write lock is held only while its busy times are replaced."""
    from planner.db import session_scope
    from planner.feeds import service
    from planner.models import CalendarKind, CalendarSource

    app = task_app()
    with app.app_context(), session_scope(app.extensions["planner.engine"]) as session:
        source = session.get(CalendarSource, uuid.UUID(source_id))
        if source is None or (not upload and source.kind != CalendarKind.URL):
            return 0
        service.start_reading(session, source=source)
        session.commit()
        if upload:
            return service.read_upload(session, source=source)
        return service.refresh_source(session, source=source)


@huey.task()
def read_calendar_upload_task(source_id: str) -> int:
    """Read an uploaded calendar's busy times (the upload only queued it)."""
    return _read_calendar(source_id, upload=True)


@huey.task()
def refresh_calendar_task(source_id: str) -> int:
    """Read one of a user's calendar addresses again (its busy times)."""
    return _read_calendar(source_id, upload=False)


@huey.periodic_task(crontab(minute="*/15"))
def refresh_due_calendars() -> int:
    """Every quarter hour: queue the calendar addresses not read within the refresh interval
    (CALENDAR_REFRESH_MINUTES)."""
    from datetime import timedelta

    from planner.db import session_scope
    from planner.feeds.service import due_sources
    from planner.models.types import utcnow

    app = task_app()
    every = timedelta(minutes=int(app.config["CALENDAR_REFRESH_MINUTES"]))
    with app.app_context(), session_scope(app.extensions["planner.engine"]) as session:
        due = due_sources(session, now=utcnow(), every=every)
    for source_id in due:
        refresh_calendar_task(str(source_id))
    return len(due)


@huey.task()
def refresh_travel_feed_task(feed_id: str) -> int:
    """Read one travel calendar address again and propose its new journeys as trips."""
    from planner.db import session_scope
    from planner.models.travel import TravelFeed
    from planner.places.service import place_text
    from planner.trips.travel_feeds import refresh_feed

    app = task_app()
    config = app.config
    with app.app_context(), session_scope(app.extensions["planner.engine"]) as session:
        feed = session.get(TravelFeed, uuid.UUID(feed_id))
        if feed is None:
            return 0
        made = refresh_feed(
            session,
            feed=feed,
            place_of=place_text,
            max_bytes=int(config["CALENDAR_MAX_BYTES"]),
            allow_private=bool(config["CALENDAR_ALLOW_PRIVATE_ADDRESSES"]),
            user_agent=config["GEOCODER_USER_AGENT"],
        )
        session.commit()
        return made


@huey.periodic_task(crontab(minute="7,22,37,52"))
def refresh_due_travel_feeds() -> int:
    """Every quarter hour: queue the travel calendars not read within the refresh interval
    (CALENDAR_REFRESH_MINUTES, as the user's own calendars)."""
    from datetime import timedelta

    from planner.db import session_scope
    from planner.models.types import utcnow
    from planner.trips.travel_feeds import due_feeds

    app = task_app()
    every = timedelta(minutes=int(app.config["CALENDAR_REFRESH_MINUTES"]))
    with app.app_context(), session_scope(app.extensions["planner.engine"]) as session:
        due = due_feeds(session, now=utcnow(), every=every)
    for feed_id in due:
        refresh_travel_feed_task(str(feed_id))
    return len(due)


@huey.task()
def refresh_event_feed_task(feed_id: str) -> int:
    """Read one event feed address again: mark it "reading" (committed, for its page), then
    fetch and parse before the write that replaces its occurrences (planner.events.service)."""
    from planner.db import session_scope
    from planner.events import service
    from planner.models.event import EventFeed, EventFeedKind

    app = task_app()
    with app.app_context(), session_scope(app.extensions["planner.engine"]) as session:
        feed = session.get(EventFeed, uuid.UUID(feed_id))
        if feed is None or feed.kind != EventFeedKind.URL.value:
            return 0
        service.start_reading(session, feed=feed)
        session.commit()
        service.refresh_feed(session, feed=feed)
        return feed.event_count


@huey.periodic_task(crontab(minute="*/15"))
def refresh_due_event_feeds() -> int:
    """Every quarter hour: queue the event feed addresses not read within the refresh
    interval (CALENDAR_REFRESH_MINUTES, as for the user's own calendars)."""
    from datetime import timedelta

    from planner.db import session_scope
    from planner.events.service import due_feeds
    from planner.models.types import utcnow

    app = task_app()
    every = timedelta(minutes=int(app.config["CALENDAR_REFRESH_MINUTES"]))
    with app.app_context(), session_scope(app.extensions["planner.engine"]) as session:
        due = due_feeds(session, now=utcnow(), every=every)
    for feed_id in due:
        refresh_event_feed_task(str(feed_id))
    return len(due)


@huey.task()
def preview_batch(batch_id: str, owner_id: str) -> dict[str, Any]:
    """Parse a big upload once and keep its preview on the batch (planner.imports.previews),
    in the owner's language; a failure leaves the batch failed with the reason."""
    from flask_babel import force_locale

    from planner.db import session_scope
    from planner.imports import confirm, previews, service
    from planner.models import ImportStatus

    app = task_app()
    engine = app.extensions["planner.engine"]
    with app.app_context():
        try:
            with session_scope(engine) as session:
                found = confirm.batch_for_task(
                    session, batch_id=batch_id, owner_id=owner_id, status=ImportStatus.PARSING
                )
                if isinstance(found, str):  # missing, delivered twice, or discarded
                    return {"status": found}
                batch, owner = found
                with force_locale(owner.locale or app.config["BABEL_DEFAULT_LOCALE"]):
                    parsed = service.parse_batch(batch)
                    previews.store_preview(session, owner=owner, batch=batch, parsed=parsed)
                return {"status": batch.status}
        except Exception as error:
            log.exception("preview of import %s failed", batch_id)
            with session_scope(engine) as session:
                confirm.mark_failed(
                    session,
                    batch_id=uuid.UUID(batch_id),
                    error=error,
                    only_from=ImportStatus.PARSING.value,
                )
            return {"status": ImportStatus.FAILED.value}


@huey.periodic_task(crontab(minute="17"))
def expire_unconfirmed_uploads() -> int:
    """Every hour: delete the files of uploads left unconfirmed for IMPORT_UPLOAD_TTL_HOURS."""
    from datetime import timedelta

    from planner.db import session_scope
    from planner.imports.uploads import expire_uploads
    from planner.models.types import utcnow

    app = task_app()
    ttl = timedelta(hours=float(app.config["IMPORT_UPLOAD_TTL_HOURS"]))
    with app.app_context(), session_scope(app.extensions["planner.engine"]) as session:
        return expire_uploads(session, now=utcnow(), ttl=ttl)


@huey.periodic_task(crontab(minute="3"))
def send_due_digests() -> int:
    """Every hour: e-mail the follow-up digests that are due (daily or weekly, from 07:00 in
    each user's home zone; planner.relationships.digest)."""
    from planner.db import session_scope
    from planner.models.types import utcnow
    from planner.relationships.digest import send_due

    app = task_app()
    with app.app_context(), session_scope(app.extensions["planner.engine"]) as session:
        return send_due(session, now=utcnow())
