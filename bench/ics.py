"""Calendar feed: build and serialise 1,000 meetings x 5 attendees, and the feed endpoint
under gunicorn with and without a matching ETag, beside a bare Flask route in the same run.

    .venv/bin/python bench/ics.py [--meetings 1000] [--attendees 5] [--seconds 8]
        [--concurrency 8] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Targets (issue 7): building and serialising the feed <= 1 s. The endpoint figures are
reported as requests/s: a calendar app polling an unchanged feed sends If-None-Match and
gets 304 after one aggregate query; a full answer comes from the worker's cache while
nothing changed, so the first request per worker pays for the build.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ics_build import TARGET_SECONDS, build_feed_figures
from pages import (
    EMAIL,
    HOST,
    PASSWORD,
    bench_app,
    serve_planner_and_hello,
    throwaway_database,
)


def fill(app, meetings: int, attendees: int) -> tuple[uuid.UUID, str, float]:  # type: ignore[no-untyped-def]
    """One user with ``meetings`` confirmed meetings of ``attendees`` contacts each."""
    from sqlalchemy import insert

    from planner import db
    from planner.auth.service import create_user
    from planner.contacts.service import ContactInput, create_contact
    from planner.feeds.service import new_feed_token
    from planner.models import Meeting, MeetingAttendee, MeetingStatus
    from planner.models.meeting import new_meeting_uid

    started = time.perf_counter()
    with app.app_context():
        session = db.session()
        owner = create_user(session, email=EMAIL, password=PASSWORD)
        owner.display_name = "Mareike Brandstätter"
        people = [
            create_contact(
                session,
                owner=owner,
                data=ContactInput(
                    first_name=f"Person{i}",
                    last_name="Müller",
                    emails=[f"person{i}@example.org"],
                    country="DE" if i % 3 else "GB",
                ),
            )
            for i in range(max(attendees * 20, 100))
        ]
        session.flush()
        first = datetime(2026, 3, 2, 8, tzinfo=UTC)
        zones = ("Europe/Berlin", "Europe/Vienna", "Europe/London", "America/New_York")
        rows, links = [], []
        for i in range(meetings):
            meeting_id = uuid.uuid4()
            starts = first + timedelta(hours=7 * i)
            rows.append(
                {
                    "id": meeting_id,
                    "owner_id": owner.id,
                    "uid": new_meeting_uid(),
                    "sequence": i % 3,
                    "status": MeetingStatus.CONFIRMED.value,
                    "venue": f"Café {i}, Hauptstraße {i % 90 + 1}, Hamburg",
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=1),
                    "timezone": zones[i % len(zones)],
                    "created_at": first,
                    "updated_at": first,
                }
            )
            for j in range(attendees):
                person = people[(i * attendees + j) % len(people)]
                links.append(
                    {"meeting_id": meeting_id, "owner_id": owner.id, "contact_id": person.id}
                )
        session.execute(insert(Meeting), rows)
        session.execute(insert(MeetingAttendee), links)
        token = new_feed_token(session, owner=owner)
        session.commit()
        return owner.id, token, time.perf_counter() - started


def load(
    port: int, path: str, headers: dict[str, str], expect: int, seconds: float, concurrency: int
) -> tuple[float, float, float, int]:
    """Keep-alive threads for ``seconds``: (req/s, p50 ms, p99 ms, unexpected answers)."""
    deadline = time.perf_counter() + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list[float] = []
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                with lock:
                    errors[0] += 1
                continue
            if response.status != expect:
                with lock:
                    errors[0] += 1
            mine.append(time.perf_counter() - began)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        return 0.0, float("nan"), float("nan"), errors[0]
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000
    return len(latencies) / elapsed, p50, p99, errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=1000)
    parser.add_argument("--attendees", type=int, default=5)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    figures = build_feed_figures(args.meetings, args.attendees, runs=args.runs)
    median = figures["median_s"]
    verdict = "meets" if median <= TARGET_SECONDS else "misses"
    print(
        f"feed_ics, {args.meetings} meetings x {args.attendees} attendees: median "
        f"{median * 1000:.0f} ms, min {figures['min_s'] * 1000:.0f} ms, "
        f"{figures['bytes'] / 1e6:.2f} MB -> {verdict} the {TARGET_SECONDS:.0f} s target "
        f"(ratio {median / TARGET_SECONDS:.2f})"
    )

    with (
        tempfile.TemporaryDirectory(prefix="bench-ics-") as tmp,
        throwaway_database(args.database_url, Path(tmp)) as url,
    ):
        app, instance, secret = bench_app(url, Path(tmp))
        owner_id, token, seconds = fill(app, args.meetings, args.attendees)
        print(f"database: {url.split(':', 1)[0]}; filled in {seconds:.1f} s")

        # The whole endpoint path in-process: version query + build + serialise (cold).
        from planner import db
        from planner.feeds import service
        from planner.models import User

        with app.app_context():
            session = db.session()
            owner = session.get(User, owner_id)
            assert owner is not None
            started = time.perf_counter()
            version = service.feed_version(session, owner=owner)
            version_ms = (time.perf_counter() - started) * 1000
            cold = []
            for _ in range(3):
                service._FEEDS.clear()
                started = time.perf_counter()
                data = service.feed_bytes(session, owner=owner, version=version)
                cold.append(time.perf_counter() - started)
        print(
            f"feed from the database (load + build + serialise, cold): median "
            f"{statistics.median(cold) * 1000:.0f} ms for {len(data) / 1e6:.2f} MB; "
            f"version query {version_ms:.1f} ms"
        )
        app.extensions["planner.engine"].dispose()

        with serve_planner_and_hello(instance, url, secret, Path(tmp)) as (planner, hello):
            path = f"/feed/{token}.ics"
            conn = http.client.HTTPConnection(HOST, planner.port, timeout=60)
            conn.request("GET", path)
            first = conn.getresponse()
            first.read()
            etag = first.getheader("ETag") or ""
            conn.close()
            results = [
                (
                    "feed, full answer",
                    load(planner.port, path, {}, 200, args.seconds, args.concurrency),
                ),
                (
                    "feed, If-None-Match (304)",
                    load(
                        planner.port,
                        path,
                        {"If-None-Match": etag},
                        304,
                        args.seconds,
                        args.concurrency,
                    ),
                ),
                ("hello", load(hello.port, "/hello", {}, 200, args.seconds, args.concurrency)),
            ]
    hello_rps = results[-1][1][0]
    print()
    print(f"{'endpoint':28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'x hello':>8}")
    for label, (rps, p50, p99, errors) in results:
        ratio = rps / hello_rps if hello_rps else float("nan")
        print(f"{label:28} {rps:8.0f} {p50:8.1f} {p99:8.1f} {errors:7d} {ratio:8.3f}")


if __name__ == "__main__":
    main()
