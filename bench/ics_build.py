"""Building and serialising a large calendar feed with ``planner.calendar.ics.feed_ics``.

Run: .venv/bin/python bench/ics_build.py [--meetings 1000] [--attendees 5] [--runs 7]

Target: 1,000 meetings x 5 attendees built and serialised well under 1 s on a slow
2-core machine. The meetings are realistic: one every 9 hours from March 2026 on (so the
feed crosses both DST changes and a year end: two years per VTIMEZONE), three zones
(Berlin, London, New York), text with commas and umlauts, a location, GEO, a
description, a URL and an alarm. Every attendee is a different person, so the module's
memo of ORGANIZER/ATTENDEE lines only helps with the organizer: the worst case (real
feeds repeat their contacts). ``build_feed_figures`` is importable (``bench/ics.py``
reuses it for the HTTP endpoint).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.calendar.ics import MeetingInvite, Person, feed_ics

TARGET_SECONDS = 1.0
ZONES = ("Europe/Berlin", "Europe/London", "America/New_York")
DTSTAMP = datetime(2026, 3, 1, 12, tzinfo=UTC)


def sample_meetings(n_meetings: int = 1000, attendees: int = 5) -> list[MeetingInvite]:
    """``n_meetings`` distinct meetings of one organizer with ``attendees`` invitees each."""
    organizer = Person("Anna Müller", "anna.mueller@example.org")
    first = datetime(2026, 3, 2, 8, tzinfo=UTC)
    meetings = []
    for i in range(n_meetings):
        starts_at = first + timedelta(hours=9 * i)
        meetings.append(
            MeetingInvite(
                uid=f"{i:08x}-5c1e-4f3a-9d2b-treffpunkt@treffpunkt",
                sequence=i % 3,
                summary=f"Kaffee mit Jörg Weiß, Teil {i}",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=90),
                timezone=ZONES[i % len(ZONES)],
                organizer=organizer,
                attendees=tuple(
                    Person(
                        f"Gast {j}, Köln",
                        f"gast{j}.{i}@example.com",
                        language="de" if j % 2 else "en",
                        partstat="ACCEPTED" if j % 3 == 0 else "NEEDS-ACTION",
                    )
                    for j in range(attendees)
                ),
                location="Café Einstein, Unter den Linden 42; 10117 Berlin",
                geo=(52.51709, 13.38886),
                description="Über Radtouren reden.\nBitte pünktlich; der Tisch ist reserviert.",
                url=f"https://treffpunkt.example/meetings/{i}",
                alarm_minutes=30,
                created=DTSTAMP - timedelta(days=30),
                last_modified=DTSTAMP - timedelta(days=1),
            )
        )
    return meetings


def build_feed_figures(n_meetings: int = 1000, attendees: int = 5, runs: int = 7) -> dict[str, Any]:
    """Median and minimum seconds of ``feed_ics`` (build + serialise) over ``runs`` runs.

    The meetings are created once, outside the timing; a first, uncounted run fills the
    VTIMEZONE memo as the first request of a running app would.
    """
    meetings = sample_meetings(n_meetings, attendees)
    feed_ics(meetings, name="Treffpunkt", dtstamp=DTSTAMP)
    seconds = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        body = feed_ics(meetings, name="Treffpunkt", dtstamp=DTSTAMP)
        seconds.append(time.perf_counter() - started)
        size = len(body)
    median = statistics.median(seconds)
    return {
        "meetings": n_meetings,
        "attendees": attendees,
        "runs": runs,
        "median_s": median,
        "min_s": min(seconds),
        "bytes": size,
        "target_s": TARGET_SECONDS,
        "median_of_target": median / TARGET_SECONDS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--attendees", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    figures = build_feed_figures(args.meetings, args.attendees, args.runs)
    print(
        f"feed_ics: {figures['meetings']} meetings x {figures['attendees']} attendees, "
        f"{figures['runs']} runs"
    )
    print(f"  median {figures['median_s'] * 1000:.0f} ms, min {figures['min_s'] * 1000:.0f} ms")
    print(f"  {figures['bytes']:,} bytes")
    print(f"  median / {figures['target_s']:.0f} s target = {figures['median_of_target']:.2f}")


if __name__ == "__main__":
    main()
