"""Events matched to a 3-leg trip for a user with 100,000 contacts (issue 20).

Target: <= 200 ms for the whole trip (candidates read, contacts named looked up, contacts
near each venue sharing its topics counted, reasons built). The network and the trip are
``bench/trips.py``'s (Hamburg - Berlin - München, interests stored); the user follows feeds
of 5,000 occurrences over a year spread over the same cities, a tenth of them during the
trip, each with a speaker list of six names (two of them the user's contacts), a handle
and an organiser address, plus cancelled and online-only ones.

    .venv/bin/python bench/events_match.py [--contacts 100000] [--events 5000] [--rounds 15]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pages import bench_app, throwaway_database  # bench/ is on the path when run as a script
from trips import CITIES, LEGS, fill, make_trip, summary, vacuum

TARGET_MS = 200.0
SUMMARIES = ["Barcamp", "New Work Meetup", "HR-Konferenz", "Podcast-Stammtisch", "Open Data Day"]
CATEGORIES = [["Barcamp"], ["New Work"], ["Personalentwicklung"], ["Podcast"], ["Open Data"]]


def fill_events(app: Flask, owner_id: uuid.UUID, events: int, seed: int = 2027) -> float:
    """``events`` occurrences in two feeds: most over the year, a tenth during the trip."""
    from sqlalchemy import insert

    from planner import db
    from planner.models.event import EventFeed, EventOccurrence

    started = time.perf_counter()
    rng = random.Random(seed)
    trip_start = datetime.fromisoformat(LEGS[0][1]).replace(tzinfo=UTC)
    trip_end = datetime.fromisoformat(LEGS[-1][2]).replace(tzinfo=UTC)
    year_start = trip_start - timedelta(days=180)
    now = datetime.now(UTC)
    feeds = [
        {"id": uuid.uuid4(), "owner_id": owner_id, "kind": "url", "title": f"Feed {i}",
         "status": "done", "refreshed_at": now, "created_at": now, "event_count": 0,
         "cancelled_count": 0}
        for i in range(2)
    ]  # fmt: skip
    rows = []
    weights = [c[3] for c in CITIES]
    for n in range(events):
        city, lat, lon, _ = rng.choices(CITIES, weights)[0]
        if n % 10 == 0:
            start = trip_start + (trip_end - trip_start) * rng.random()
        else:
            start = year_start + timedelta(minutes=rng.randint(0, 365 * 24 * 60))
        kind = rng.randrange(len(SUMMARIES))
        speakers = [f"Person{rng.randrange(100_000)} Maier" for _ in range(2)] + [
            f"Gast{rng.randrange(10**6)} Unbekannt" for _ in range(4)
        ]
        online = n % 25 == 0
        rows.append(
            {
                "id": uuid.uuid4(),
                "owner_id": owner_id,
                "feed_id": feeds[n % 2]["id"],
                "uid": f"event-{n}@bench",
                "recurrence_id": "",
                "summary": f"{SUMMARIES[kind]} {city}",
                "starts_at": start,
                "ends_at": start + timedelta(hours=rng.choice([2, 3, 8])),
                "all_day": False,
                "timezone": "Europe/Berlin",
                "status": "CANCELLED" if n % 17 == 0 else "CONFIRMED",
                "busy": True,
                "location": "" if online else f"Halle {n % 40}, {city}",
                "city": None if online else city,
                "country": "DE",
                "lat": None if online else lat + rng.uniform(-0.05, 0.05),
                "lon": None if online else lon + rng.uniform(-0.07, 0.07),
                "online": online,
                "url": f"https://events.example/{n}",
                "categories": CATEGORIES[kind],
                "description": "Programm:\n"
                + "\n".join(f"{10 + i}:00 {name} – Session {i}" for i, name in enumerate(speakers))
                + f"\nFolgen: @p{rng.randrange(100_000)}",
                "organizer": {"name": "Orga", "email": f"orga{n % 300}@events.example"},
                "attendees": [],
            }
        )
    with app.app_context(), db.engine().begin() as conn:
        conn.execute(insert(EventFeed.__table__), feeds)  # type: ignore[attr-defined]
        conn.execute(insert(EventOccurrence.__table__), rows)  # type: ignore[attr-defined]
    return time.perf_counter() - started


def time_matching(
    app: Flask, owner_id: uuid.UUID, trip_id: uuid.UUID, rounds: int, *, counts_kept: bool
) -> list[float]:
    """Milliseconds per matching of the whole trip (context included), ``rounds`` times;
    without ``counts_kept`` the counts of contacts near each leg are made afresh (as after
    any change of a contact), with it they come from the process's cache (as after a
    decision, or a feed's refresh)."""
    from planner import db
    from planner.events import suggest
    from planner.models import Trip, User

    times = []
    cpu = []  # this process's CPU time (SQLite runs in it): what load from others does not inflate
    counts: list[tuple[int, int]] = []
    with app.test_request_context():
        session = db.session()
        owner, trip = session.get(User, owner_id), session.get(Trip, trip_id)
        assert owner is not None and trip is not None
        for _ in range(rounds):
            if not counts_kept:
                suggest._COUNTS.clear()
                suggest._KEYS.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            context = suggest.event_context(session, owner=owner, locale="en")
            matches = suggest.suggest_for_trip(
                session, owner=owner, trip=trip, context=context, limit=20
            )
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            named = sum(len(m.contacts) for m in matches)
            counts.append((len(matches), named))
    print(f"matches (limit 20) and contacts named in them: {counts[-1]}")
    print(f"  CPU time of this process: {summary(cpu)}")
    return times


def candidates(app: Flask, owner_id: uuid.UUID, trip_id: uuid.UUID) -> int:
    from planner import db
    from planner.events import suggest
    from planner.models import Trip, User

    with app.test_request_context():
        session = db.session()
        owner, trip = session.get(User, owner_id), session.get(Trip, trip_id)
        assert owner is not None and trip is not None
        legs = suggest.stays_of(trip)
        return len(suggest.trip_candidates(session, owner=owner, legs=legs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    from planner.places.service import build

    with (
        tempfile.TemporaryDirectory(prefix="bench-events-match-") as tmp,
        throwaway_database(args.database_url, Path(tmp)) as url,
    ):
        app, _instance, _secret = bench_app(url, Path(tmp))
        with app.app_context():
            build()
        owner, seconds = fill(app, args.contacts)
        backend = url.split(":", 1)[0]
        print(f"database: {backend}; {args.contacts} contacts filled in {seconds:.1f} s")
        from planner import db
        from planner.models import User
        from planner.trips.interests import refresh_interests

        with app.app_context():
            session = db.session()
            user = session.get(User, owner)
            assert user is not None
            refresh_interests(session, owner=user, locale="en")
            session.commit()
        print(f"{args.events} occurrences stored in {fill_events(app, owner, args.events):.1f} s")
        if backend.startswith("postgresql"):
            vacuum(url)
        trip_id = make_trip(app, owner)
        print(f"occurrences fitting a leg in place and time: {candidates(app, owner, trip_id)}")
        for kept, label in ((False, "contacts changed"), (True, "counts kept")):
            times = time_matching(app, owner, trip_id, args.rounds, counts_kept=kept)
            median = sorted(times)[len(times) // 2]
            verdict = "ok" if median <= TARGET_MS else "MISSED"
            print(
                f"match events to 3 legs, {label}: {summary(times)}; target <= {TARGET_MS:.0f} "
                f"ms: {verdict} (median/target {median / TARGET_MS:.2f})"
            )
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
