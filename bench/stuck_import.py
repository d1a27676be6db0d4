"""A background import whose worker is killed with SIGKILL mid-write, checked from outside.

gunicorn (2 workers) and a Huey consumer serve the app on 127.0.0.1 (SQLite, a throwaway
instance; the lease shortened to --lease seconds through PLANNER_IMPORT_LEASE_SECONDS). A
signed-in user uploads a LinkedIn Connections.csv of --rows contacts through the form (its
preview is read by the worker), confirms it (written by the worker), and the consumer is
killed with SIGKILL once the page's progress passes --kill-at. Then: what the page says
before and after the lease runs out, "Run it again" with a new consumer, and the number of
contacts in the database at the end (must be --rows: the killed transaction wrote nothing,
the second run wrote everything once).

    .venv/bin/python bench/stuck_import.py [--rows 60000] [--kill-at 11000] [--lease 8]
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from hostile_uploads import multipart, request
from pages import CSRF, EMAIL, PASSWORD, bench_app, log_in, server_env, start_gunicorn

ROOT = Path(__file__).resolve().parent.parent
CONSUMER = Path(sys.executable).parent / "huey_consumer"
LIMIT_SECONDS = 600.0  # every wait below is bounded by this


def connections_csv(rows: int) -> bytes:
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [
        f"P{i},Muster,https://www.linkedin.com/in/p{i},p{i}@example.org,Firma {i % 97},Role,"
        "01 Nov 2026"
        for i in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def start_consumer(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                str(CONSUMER),
                "planner.tasks.huey",
                *("--workers", "1", "--worker-type", "thread"),
                *("--delay", "0.05", "--max-delay", "0.2"),  # poll fast: the bench waits
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )


def post_button(port: int, cookie: str, action: str, page_path: str) -> int:
    _s, _h, page = request(port, "GET", page_path, cookie)
    found = CSRF.search(page)
    assert found, f"no csrf_token on {page_path}"
    body = f"csrf_token={found.group(1)}".encode()
    status, _h, _t = request(
        port, "POST", action, cookie, body, "application/x-www-form-urlencoded"
    )
    return status


def wait_for(port: int, cookie: str, path: str, done: str, started: float) -> str:
    while time.perf_counter() - started < LIMIT_SECONDS:
        page = request(port, "GET", path, cookie)[2]
        if done in page:
            return page
        time.sleep(0.05)
    raise RuntimeError(f"{path}: {done!r} not shown within {LIMIT_SECONDS} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=60_000)
    parser.add_argument("--kill-at", type=int, default=11_000)
    parser.add_argument("--lease", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        database = tmp / "bench.db"
        url = f"sqlite:///{database}"
        app, instance, secret = bench_app(url, tmp)
        with app.app_context():
            from planner import db
            from planner.auth.service import create_user

            create_user(db.session(), email=EMAIL, password=PASSWORD, locale="en")
            db.session().commit()
        env = server_env(instance, url, secret) | {"PLANNER_IMPORT_LEASE_SECONDS": str(args.lease)}
        first = start_consumer(env, tmp / "consumer-1.log")
        second: subprocess.Popen[bytes] | None = None
        server = None
        try:  # the consumer is stopped even when gunicorn does not come up
            server = start_gunicorn("planner", "planner:create_app()", env, tmp, "/login")
            port = server.port
            cookie = log_in(port)
            page = request(port, "GET", "/imports/", cookie)[2]
            token = CSRF.search(page)
            assert token
            body, content_type = multipart(
                {"csrf_token": token.group(1), "format": ""},
                "Connections.csv",
                connections_csv(args.rows),
            )
            started = time.perf_counter()
            _s, headers, _t = request(port, "POST", "/imports/", cookie, body, content_type)
            location = headers["Location"]
            path = location if location.startswith("/") else "/" + location.split("/", 3)[3]
            wait_for(port, cookie, path, "Confirm and import", started)
            print(
                f"{args.rows} rows: preview read by the worker in "
                f"{time.perf_counter() - started:.1f} s"
            )
            post_button(port, cookie, path + "/confirm", path)
            confirmed = time.perf_counter()
            while time.perf_counter() - confirmed < LIMIT_SECONDS:
                page = request(port, "GET", path, cookie)[2]
                progress = re.search(r'<progress value="(\d+)" max="(\d+)">', page)
                if progress and int(progress.group(1)) >= args.kill_at:
                    os.kill(first.pid, signal.SIGKILL)
                    first.wait()
                    killed = time.perf_counter()
                    print(
                        f"consumer killed with SIGKILL at {progress.group(1)} of "
                        f"{progress.group(2)}"
                    )
                    break
                if "Undo this import" in page:
                    raise RuntimeError("the import finished before the kill: raise --rows")
                time.sleep(0.02)
            else:
                raise RuntimeError("no progress within the limit")
            page = request(port, "GET", path, cookie)[2]
            refreshing = 'http-equiv="refresh"' in page
            print(f"  right after: still shown as importing (refreshing): {refreshing}")
            stopped = wait_for(port, cookie, path, "The import stopped", killed)
            print(
                f"  'The import stopped' shown {time.perf_counter() - killed:.1f} s after the "
                f"kill (lease {args.lease} s); contacts in the database: "
                f"{sqlite3.connect(database).execute('SELECT count(*) FROM contact').fetchone()[0]}"
            )
            assert "Run it again" in stopped
            second = start_consumer(env, tmp / "consumer-2.log")
            resumed = time.perf_counter()
            post_button(port, cookie, path + "/resume", path)
            done = wait_for(port, cookie, path, "Undo this import", resumed)
            summary = re.search(r"Imported: [^<]*", done)
            count = sqlite3.connect(database).execute("SELECT count(*) FROM contact").fetchone()[0]
            print(
                f"run again: done in {time.perf_counter() - resumed:.1f} s; "
                f"{summary.group(0) if summary else '?'}; contacts in the database: {count} "
                f"({'every one once' if count == args.rows else 'WRONG'})"
            )
        finally:
            if server is not None:
                server.stop()
            for consumer in (first, second):
                if consumer is not None and consumer.poll() is None:
                    consumer.terminate()
                    consumer.wait(timeout=15)


if __name__ == "__main__":
    main()
