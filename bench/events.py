"""Reading a big event feed: a generated 5 MB .ics with 5,000 events, expanded for one year.

The feed is what a busy conference aggregator publishes: 4,500 single events (timed and
all-day, some with DURATION, some in UTC) and 500 series (weekly, monthly, with EXDATEs and
a moved occurrence each), long folded descriptions with umlauts, 300 venues in 30 cities
(half with GEO), categories, organisers and attendees. Prints the time to parse and expand
it (``planner.events.parse.parse_feed``), with and without placing the events with the
gazetteer, and the occurrences found.

    .venv/bin/python bench/events.py [--events 5000] [--megabytes 5] [--runs 3]

Target (issue 20): at most 5 s for the 5 MB feed and one year.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.demo.events import _folded
from planner.events.parse import parse_feed
from planner.geo.gazetteer import Gazetteer, build_gazetteer

CITIES = [
    ("Hamburg", "20457", 53.55, 9.99),
    ("München", "80331", 48.14, 11.58),
    ("Berlin", "10119", 52.52, 13.40),
    ("Köln", "50667", 50.94, 6.96),
    ("Frankfurt am Main", "60311", 50.11, 8.68),
    ("Stuttgart", "70173", 48.78, 9.18),
    ("Düsseldorf", "40213", 51.23, 6.78),
    ("Leipzig", "04109", 51.34, 12.37),
    ("Dresden", "01067", 51.05, 13.74),
    ("Hannover", "30159", 52.37, 9.74),
    ("Nürnberg", "90403", 49.45, 11.08),
    ("Bremen", "28195", 53.08, 8.80),
    ("Wien", "1010", 48.21, 16.37),
    ("Graz", "8010", 47.07, 15.44),
    ("Zürich", "8001", 47.37, 8.54),
    ("Basel", "4051", 47.56, 7.59),
    ("Bern", "3011", 46.95, 7.45),
    ("Linz", "4020", 48.31, 14.29),
    ("Salzburg", "5020", 47.80, 13.04),
    ("Innsbruck", "6020", 47.27, 11.39),
    ("Münster", "48143", 51.96, 7.63),
    ("Kiel", "24103", 54.32, 10.14),
    ("Lübeck", "23552", 53.87, 10.69),
    ("Freiburg im Breisgau", "79098", 47.99, 7.85),
    ("Mannheim", "68159", 49.49, 8.47),
    ("Karlsruhe", "76133", 49.01, 8.40),
    ("Bonn", "53111", 50.73, 7.10),
    ("Aachen", "52062", 50.78, 6.08),
    ("Rostock", "18055", 54.09, 12.14),
    ("Erfurt", "99084", 50.98, 11.03),
]
TOPICS = ["Barcamp", "New Work", "Open Data", "Python", "Karriere", "Community", "Ehrenamt"]
WORDS = [
    "Barcamp",
    "Themen",
    "Sessionplanung",
    "Kaffee",
    "Mittagessen",
    "Austausch",
    "Vortrag",
    "Workshop",
    "Gespräch",
    "Förderung",
    "Gemeinschaft",
    "Zukunft",
    "Arbeit",
    "Daten",
    "offen",
    "Verwaltung",
    "Bürgerinnen",
    "Straße",
    "Größe",
    "Übergang",
    "Äpfel",
    "Öffentlichkeit",
    "Programm",
    "Anmeldung",
    "kostenlos",
    "Spenden",
    "willkommen",
]


def venues(rng: random.Random) -> list[tuple[str, float, float]]:
    found = []
    for n in range(300):
        city, code, lat, lon = CITIES[n % len(CITIES)]
        street = f"{rng.choice(WORDS).capitalize()}straße {rng.randint(1, 120)}"
        text = f"Halle {n}\\, {street}\\, {code} {city}"
        found.append((text, lat + rng.uniform(-0.05, 0.05), lon + rng.uniform(-0.05, 0.05)))
    return found


def _second(day: date, weekly: bool) -> date:
    """The next meeting of a weekly or monthly series (day of month at most 28)."""
    if weekly:
        return day + timedelta(days=7)
    return (day.replace(day=1) + timedelta(days=32)).replace(day=day.day)


def feed(events: int, megabytes: float, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    places = venues(rng)
    target = int(megabytes * 1024 * 1024)
    description_size = max(200, target // events - 500)
    start = date(2027, 1, 1)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Treffpunkt bench//Events//DE",
        "X-WR-CALNAME:Bench-Veranstaltungen",
        "X-WR-TIMEZONE:Europe/Berlin",
    ]
    for n in range(events):
        day = start + timedelta(days=rng.randrange(365))
        venue, lat, lon = rng.choice(places)
        uid = f"event-{n}@bench.example"
        text = " ".join(rng.choice(WORDS) for _ in range(description_size // 8))
        body = [
            f"UID:{uid}",
            "DTSTAMP:20261201T090000Z",
            f"SUMMARY:{rng.choice(TOPICS)} {n}: {rng.choice(WORDS)} und {rng.choice(WORDS)}",
            f"LOCATION:{venue}",
            f"CATEGORIES:{','.join(rng.sample(TOPICS, 2))}",
            f"DESCRIPTION:{text[:description_size]}",
            f'ORGANIZER;CN="Orga {n}":mailto:orga{n}@bench.example',
            f"ATTENDEE;CN=Person {n}:mailto:person{n}@bench.example",
        ]
        if n % 2:
            body.append(f"GEO:{lat:.4f};{lon:.4f}")
        kind = n % 10
        hour = 18 + n % 3
        weekly = n % 20 == 0
        if kind == 0:  # a series: weekly or monthly, one EXDATE
            day = day.replace(day=min(day.day, 28))
            body += [
                f"DTSTART;TZID=Europe/Berlin:{day:%Y%m%d}T{hour:02d}0000",
                "DURATION:PT2H",
                "RRULE:FREQ=WEEKLY;COUNT=20" if weekly else "RRULE:FREQ=MONTHLY;COUNT=12",
                f"EXDATE;TZID=Europe/Berlin:{_second(day, weekly):%Y%m%d}T{hour:02d}0000",
            ]
        elif kind < 4:  # all-day, one to three days
            body += [
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + timedelta(days=1 + n % 3):%Y%m%d}",
            ]
        elif kind < 6:  # UTC
            body += [f"DTSTART:{day:%Y%m%d}T090000Z", f"DTEND:{day:%Y%m%d}T170000Z"]
        else:
            body += [
                f"DTSTART;TZID=Europe/Berlin:{day:%Y%m%d}T100000",
                f"DTEND;TZID=Europe/Berlin:{day:%Y%m%d}T163000",
            ]
        lines += ["BEGIN:VEVENT", *body, "END:VEVENT"]
        if kind == 0:  # the series' third meeting moved by a day
            moved = _second(_second(day, weekly), weekly)
            lines += [
                "BEGIN:VEVENT",
                f"UID:{uid}",
                "DTSTAMP:20261201T090000Z",
                f"RECURRENCE-ID;TZID=Europe/Berlin:{moved:%Y%m%d}T{hour:02d}0000",
                f"DTSTART;TZID=Europe/Berlin:{moved + timedelta(days=1):%Y%m%d}T{hour:02d}0000",
                "DURATION:PT2H",
                "SUMMARY:Verschoben",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_folded(line) for line in lines) + "\r\n").encode("utf-8")


def store_time(parsed: Any, folder: Path, runs: int) -> str:
    """How long replacing a feed's occurrences holds the SQLite write lock (a refresh)."""
    from sqlmodel import Session

    from planner import migrate
    from planner.db import make_engine
    from planner.events.service import store
    from planner.models import User
    from planner.models.event import EventFeed

    url = f"sqlite:///{folder / 'bench.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        user = User(email="bench@example.org", password_hash="x")
        session.add(user)
        session.flush()
        feed = EventFeed(owner_id=user.id, kind="url", url="https://bench.example/feed.ics")
        session.add(feed)
        session.commit()
        times, cpu = [], []
        for _run in range(runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            store(session, feed=feed, parsed=parsed, now=datetime.now(UTC))
            session.commit()
            times.append(time.perf_counter() - began)
            cpu.append(time.process_time() - began_cpu)
    engine.dispose()
    return (
        f"refresh write (delete + insert {len(parsed.occurrences)} occurrences, SQLite): "
        f"median {statistics.median(times):.2f} s, max {max(times):.2f} s "
        f"(CPU {statistics.median(cpu):.2f} s; load {os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--megabytes", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    data = feed(args.events, args.megabytes)
    print(
        f"feed: {len(data) / 1024 / 1024:.2f} MB, {args.events} events "
        f"(generated in {time.perf_counter() - started:.1f} s)"
    )
    window = {
        "start": datetime(2027, 1, 1, tzinfo=UTC),
        "end": datetime(2028, 1, 1, tzinfo=UTC),
        "default_zone": "Europe/Berlin",
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gazetteer.sqlite"
        build_gazetteer(path)
        with Gazetteer(path) as gazetteer:
            parsed = None
            for label, places in (("without places", None), ("placed (gazetteer)", gazetteer)):
                times, cpu = [], []
                for _run in range(args.runs):
                    began, began_cpu = time.perf_counter(), time.process_time()
                    parsed = parse_feed(data, gazetteer=places, **window)  # type: ignore[arg-type]
                    times.append(time.perf_counter() - began)
                    cpu.append(time.process_time() - began_cpu)
                placed = sum(1 for item in parsed.occurrences if item.city)
                print(
                    f"parse + expand one year, {label}: median {statistics.median(times):.2f} s, "
                    f"max {max(times):.2f} s over {args.runs} runs "
                    f"(CPU {statistics.median(cpu):.2f} s; load {os.getloadavg()[0]:.1f}); "
                    f"{len(parsed.occurrences)} occurrences, {placed} with a city, "
                    f"{len(parsed.problems)} problems (target <= 5 s)"
                )
            assert parsed is not None
            print(store_time(parsed, Path(folder), args.runs))


if __name__ == "__main__":
    main()
