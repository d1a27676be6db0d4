"""`planner events import` and `planner events list` (see ../shared/CLI.md)."""

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale

from planner import db
from planner.cli_options import emit, fail, find_user_or_fail, json_option, user_option

events_group = AppGroup("events", help="Event feeds: barcamps, conferences, meetups.")

_ADDRESS_SCHEMES = ("http://", "https://", "webcal://", "webcals://")


@events_group.command("import")
@click.argument("source", metavar="FILE_OR_URL")
@user_option
@click.option("--title", default="", help="The feed's name (default: its X-WR-CALNAME).")
@json_option
def events_import(source: str, email: str, title: str, as_json: bool) -> None:
    """Read an .ics file once, or subscribe to a feed address (read now, then refreshed)."""
    from planner.events import service
    from planner.models.event import EventFeed, EventFeedStatus

    user = find_user_or_fail(email)
    session = db.session()
    with force_locale(user.locale or "en"):
        try:
            if source.strip().lower().startswith(_ADDRESS_SCHEMES):
                feed = _subscribed(session, user, source, title)
                parsed = service.refresh_feed(session, feed=feed)
                if feed.status == EventFeedStatus.ERROR.value:
                    from planner.i18n import from_stored

                    message = from_stored(feed.error_text)
                    session.rollback()
                    fail(message)
                session.commit()
                problems = [str(p) for p in parsed.problems] if parsed else []
                result = {"events": feed.event_count, "cancelled": feed.cancelled_count}
            else:
                path = Path(source)
                if not path.is_file():
                    fail(f"{source}: no such file")
                limit = int(current_app.config["CALENDAR_MAX_BYTES"])
                if path.stat().st_size > limit:
                    fail(f"{path.name}: the file is larger than {limit // (1024 * 1024)} MB")
                summary = service.add_upload(
                    session, owner=user, filename=path.name, data=path.read_bytes(), title=title
                )
                session.commit()
                feed = summary.feed
                problems = [str(p) for p in summary.problems]
                result = {"events": summary.events, "cancelled": summary.cancelled}
        except service.EventFeedProblem as error:
            session.rollback()
            fail(str(error))
    assert isinstance(feed, EventFeed)
    document: dict[str, Any] = {**result, "problems": problems, "feed": str(feed.id)}
    emit(
        document,
        as_json,
        f"{result['events']} events, {result['cancelled']} cancelled"
        + "".join(f"\n  {p}" for p in problems),
    )


def _subscribed(session: Any, user: Any, source: str, title: str) -> Any:
    """The user's feed at this address: an existing one is read again."""
    from sqlmodel import col, select

    from planner.calendar.fetch import FetchError, normalise_calendar_url
    from planner.events import service
    from planner.models.event import EventFeed

    try:
        clean = normalise_calendar_url(source)
    except FetchError as error:
        raise service.EventFeedProblem(*error.args) from None
    known = session.exec(
        select(EventFeed).where(col(EventFeed.owner_id) == user.id, col(EventFeed.url) == clean)
    ).first()
    return known or service.subscribe(session, owner=user, url=clean, title=title)


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not a date (YYYY-MM-DD)", param_hint=option
        ) from None


@events_group.command("list")
@user_option
@click.option("--from", "start", required=True, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, help="Last day, YYYY-MM-DD (included).")
@json_option
def events_list(email: str, start: str, end: str, as_json: bool) -> None:
    """The occurrences of the user's event feeds from --from to --to (whole days in the
    user's zone), repetitions expanded, cancelled ones included (status CANCELLED)."""
    from planner.events import service
    from planner.meetings.service import default_timezone

    user = find_user_or_fail(email)
    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    zone = ZoneInfo(default_timezone(user, None))
    window_start = datetime.combine(first, time(), zone).astimezone(UTC)
    window_end = datetime.combine(last + timedelta(days=1), time(), zone).astimezone(UTC)
    rows = service.occurrences(db.session(), owner=user, start=window_start, end=window_end)
    items = [service.occurrence_json(row) for row in rows]
    emit(
        items,
        as_json,
        "\n".join(f"{i['start']}  {i['summary']}  {i['city'] or ''}" for i in items),
    )
