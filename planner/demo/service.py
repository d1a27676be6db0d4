"""Load the bundled demo data for a user: 120 invented people from the German-speaking
countries as two real-looking exports (a LinkedIn ``Connections.csv`` and a semicolon CSV
with German headers, city or district and topics; 122 contacts, as two LinkedIn rows
without an e-mail address stay apart as possible duplicates), imported through the normal
import, so they are deduplicated across the two files, placed, and can be undone like any
import; topics and a home city for the user when they have none; and a trip to Munich next month.

The people, companies and e-mail addresses (all at example.org) are invented.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from planner.imports import service as imports
from planner.models import ImportBatch, Trip, User
from planner.models.types import utcnow
from planner.places.service import city_of, set_home
from planner.trips import service as trips
from planner.trips.interests import set_user_topics, user_topics

DATA = Path(__file__).resolve().parent / "data"
FILES = ("Connections.csv", "Kontakte.csv")
TOPICS = ("Employer Branding", "Barcamps", "Social Media", "New Work")
HOME = "Hamburg"
TRIP_CITY = "München"
TRIP_TITLE = "München (Demo)"  # the same in German and English


@dataclass
class DemoResult:
    batch: ImportBatch
    outcomes: list[imports.FileOutcome]
    trip: Trip | None  # None: the demo trip existed already
    topics_set: bool
    home_set: bool
    events: int = 0  # occurrences of the demo event feed (0: it was there already)

    def to_json(self) -> dict[str, Any]:
        return {
            "import_id": str(self.batch.id),
            "files": [o.to_json() for o in self.outcomes],
            "trip_id": str(self.trip.id) if self.trip else None,
            "topics_set": self.topics_set,
            "home_set": self.home_set,
            "events": self.events,
        }


def uploads() -> list[tuple[str, bytes]]:
    return [(name, (DATA / name).read_bytes()) for name in FILES]


def trip_dates(today: date) -> tuple[datetime, datetime]:
    """Thursday 09:00 to Saturday 18:00 (local time) in the week four weeks ahead."""
    thursday = today + timedelta(days=28 + (3 - today.weekday()) % 7)
    return datetime.combine(thursday, time(9)), datetime.combine(
        thursday + timedelta(days=2), time(18)
    )


def load_demo(session: Session, *, owner: User, gettext: Any) -> DemoResult:
    """Import the demo files and add what makes them useful at once; the caller commits
    and runs the import's follow-ups (places, duplicates, topics), as after any import."""
    files = uploads()
    batch = imports.stage_import(session, owner=owner, uploads=files)
    outcomes = imports.write_import(
        session, owner=owner, batch=batch, parsed=imports.parse_uploads(files)
    )
    topics_set = not user_topics(session, owner=owner)
    if topics_set:
        set_user_topics(session, owner=owner, names=list(TOPICS))
    home_set = not owner.home_city and set_home(owner, HOME)
    if home_set:
        session.add(owner)
    trip = None
    exists = session.exec(
        select(Trip.id).where(col(Trip.owner_id) == owner.id, col(Trip.title) == TRIP_TITLE)
    ).first()
    place = city_of(TRIP_CITY)
    if exists is None and place is not None:
        arrives, departs = trip_dates(utcnow().date())
        leg = trips.LegInput(TRIP_CITY, place, arrives, departs)
        trip = trips.create_trip(
            session, owner=owner, title=TRIP_TITLE, legs=[leg], gettext=gettext
        )
    session.flush()
    events = _demo_events(session, owner=owner, today=utcnow().date())
    return DemoResult(batch, outcomes, trip, topics_set, home_set, events)


def _demo_events(session: Session, *, owner: User, today: date) -> int:
    """The demo event feed (planner/demo/events.py), dated from the demo trip; once."""
    from planner.demo.events import FILENAME, TITLE, demo_feed
    from planner.events.service import add_upload
    from planner.models.event import EventFeed

    exists = session.exec(
        select(EventFeed.id).where(
            col(EventFeed.owner_id) == owner.id, col(EventFeed.title) == TITLE
        )
    ).first()
    if exists is not None:
        return 0
    arrives, _departs = trip_dates(today)
    data = demo_feed(arrives)
    return add_upload(session, owner=owner, filename=FILENAME, data=data, title=TITLE).events
