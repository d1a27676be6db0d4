"""Stored event feeds for the event-matching tests: occurrences written as the feed reader
stores them, from a parsed .ics (``store_ics``) or from a few fields (``store_events``)."""

import uuid
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from planner.models import User
from planner.models.event import EventFeed, EventOccurrence

FIXTURES = Path(__file__).parent / "fixtures" / "events_match"
MUNICH = (48.1374, 11.5755)
BERLIN = (52.5244, 13.4105)


def _feed(session: Session, owner: User, title: str) -> EventFeed:
    feed = EventFeed(owner_id=owner.id, kind="upload", title=title, status="done")
    feed.refreshed_at = datetime.now(UTC)
    session.add(feed)
    session.flush()
    return feed


def store_events(
    session: Session, owner: User, events: list[dict[str, Any]], title: str = "Test feed"
) -> EventFeed:
    """One feed holding these events: each a dict of EventOccurrence fields (uid, summary,
    starts_at and ends_at at least; lat/lon default to Munich). Caller commits."""
    feed = _feed(session, owner, title)
    for values in events:
        row = {
            "recurrence_id": "",
            "timezone": "Europe/Berlin",
            "status": "CONFIRMED",
            "lat": MUNICH[0],
            "lon": MUNICH[1],
            "city": "Munich",
            "country": "DE",
            **values,
        }
        row.setdefault("id", uuid.uuid5(feed.id, f"{row['uid']}|{row['recurrence_id']}"))
        session.add(EventOccurrence(owner_id=owner.id, feed_id=feed.id, **row))
    session.flush()
    feed.event_count = len(events)
    return feed


def store_ics(session: Session, owner: User, name: str, *, around: date) -> EventFeed:
    """The fixture file ``name`` read by the feed parser (a year around ``around``) and
    stored as one feed. Caller commits."""
    from planner.events.parse import parse_feed

    start = datetime.combine(around, datetime.min.time(), tzinfo=UTC) - timedelta(days=180)
    parsed = parse_feed(
        (FIXTURES / name).read_bytes(), start=start, end=start + timedelta(days=365)
    )
    rows = []
    for occurrence in parsed.occurrences:
        values = asdict(occurrence)
        values["organizer"] = values["organizer"] or None
        values["categories"] = list(values["categories"])
        values["attendees"] = list(values["attendees"])
        rows.append({k: v for k, v in values.items() if k in EventOccurrence.model_fields})
    return store_events(session, owner, rows, title=parsed.name or name)
