"""Contacts list page under load, beside a bare Flask "hello" route measured in the same run.

Serves the app with gunicorn (2 sync workers) on 127.0.0.1, fills one user with N contacts
and measures GET /contacts/?page=N (50 rows, pages cycled) with a bounded load loop: wrk
when installed (a Lua script cycles the pages and reports percentiles), else Python threads.
The figure is the ratio list/hello; the target is >= 600 req/s with p99 < 50 ms on 2 cores.
Beside each run: CPU per request of the gunicorn workers, PostgreSQL and the generator, and
the share other processes took. After the load it times the view in-process (SQL statements
and time per request, and its stages: user load, service, template, plus the page query at
the first and deepest page with the database's plan) so a missed target comes with what
stands in the way; --profile adds cProfile.

``--baseline sign-in`` measures the list beside the app's own sign-in page (GET /login,
signed out) served by the same two workers instead of "hello": the figure of issue 19, the
list at >= 0.6x the sign-in page's req/s with p99 < 50 ms. ``--rounds N`` alternates the two
N times (the machine may be shared: each ratio compares runs seconds apart) and prints each
ratio with the load average.

    .venv/bin/python bench/pages.py [--contacts 10000] [--seconds 10] [--concurrency 8]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
        [--generator auto|wrk|python] [--max-requests 200000] [--profile]
        [--after-fill-sql "CREATE INDEX ..."]   # what-if: measure a proposed index
        [--baseline hello|sign-in] [--rounds 1]
    .venv/bin/python bench/pages.py --baseline sign-in --concurrency 16 --rounds 3

Without --database-url a fresh SQLite database in a temporary instance folder is used; with
a PostgreSQL URL a throwaway database is created beside it and dropped at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import http.cookiejar
import io
import itertools
import math
import os
import pstats
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
HOST = "127.0.0.1"
EMAIL = "bench@example.org"
PASSWORD = "correct horse battery staple"
PER_PAGE = 50
MAX_PAGES = 200
TARGET_RPS = 600.0
TARGET_P99_MS = 50.0
TARGET_SIGN_IN_RATIO = 0.6  # the list's req/s against the sign-in page's, same run
# The bench measures page serving, not password hashing: cheap Argon2 for the one login.
CHEAP_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}
ROW = re.compile(r'<td><a href="/contacts/[0-9a-f-]{36}">')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def create_hello_app() -> Flask:
    """The baseline: a bare Flask app with one route, served by gunicorn like the real one."""
    app = Flask("hello")

    @app.get("/hello")
    def hello() -> str:
        return "hello"

    return app


# ---------------------------------------------------------------------------------------------
# Database: throwaway database, migration, fill


@contextmanager
def throwaway_database(url: str | None, instance: Path) -> Iterator[str]:
    """A fresh, empty database URL: SQLite in ``instance``, or a new PostgreSQL database."""
    if url is None or url.startswith("sqlite"):
        yield url or f"sqlite:///{instance / 'bench.db'}"
        return
    import psycopg

    from planner.config import normalize_database_url

    url = normalize_database_url(url)
    admin = url.replace("postgresql+psycopg://", "postgresql://")
    name = f"planner_bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield url.rsplit("/", 1)[0] + f"/{name}"
        finally:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


FIRST_NAMES = [
    "Anna",
    "Jörg",
    "Lena",
    "Maximilian",
    "Sophie",
    "Jürgen",
    "Marie",
    "Lukas",
    "Hannah",
    "Björn",
    "Élodie",
    "François",
    "Zoë",
    "Søren",
    "Małgorzata",
    "Łukasz",
    "Ayşe",
    "Mehmet",
    "Giulia",
    "Matteo",
    "Inés",
    "José",
    "Priya",
    "Arjun",
    "Mei",
    "Hiroshi",
    "Olamide",
    "Chidi",
    "Fatima",
    "Omar",
    "Siobhán",
    "Niamh",
    "Sven",
    "Ingrid",
    "Katarzyna",
    "Dmitri",
    "Anaïs",
    "Noémie",
    "Grete",
    "Ute",
    "Wolfgang",
    "Dörte",
    "Hans-Peter",
    "Anne-Kathrin",
    "Leonie",
    "Felix",
]
LAST_NAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weiß",
    "Meyer",
    "Wagner",
    "Becker",
    "Schäfer",
    "Köhler",
    "Groß",
    "Hoffmann",
    "Schröder",
    "Krüger",
    "Lehmann",
    "Dupont",
    "Lefèvre",
    "Rossi",
    "García",
    "Fernández",
    "Nowak",
    "Wiśniewski",
    "Yılmaz",
    "Öztürk",
    "Nguyễn",
    "Tanaka",
    "Kim",
    "Okafor",
    "Adeyemi",
    "O'Brien",
    "Ó Súilleabháin",
    "Johansson",
    "Nørgaard",
    "Ivanova",
    "van der Berg",
    "de Vries",
    "von Weizsäcker",
    "Papadopoulos",
    "Kowalczyk",
    "Björklund",
]
ORGANISATIONS = [
    ("Deutsche Bahn AG", "deutschebahn.com"),
    ("Siemens AG", "siemens.com"),
    ("Fraunhofer-Gesellschaft", "fraunhofer.de"),
    ("Charité – Universitätsmedizin", "charite.de"),
    ("Zalando SE", "zalando.de"),
    ("SAP SE", "sap.com"),
    ("Technische Universität München", "tum.de"),
    ("Max-Planck-Institut für Informatik", "mpi-inf.mpg.de"),
    ("Stadtwerke Köln", "stadtwerke-koeln.de"),
    ("Müller & Söhne GmbH", "mueller-soehne.de"),
    ("Mozilla", "mozilla.org"),
    ("Wikimedia Deutschland e. V.", "wikimedia.de"),
    ("ETH Zürich", "ethz.ch"),
    ("CERN", "cern.ch"),
    ("Spotify", "spotify.com"),
    ("Ørsted", "orsted.com"),
    ("Schüco International", "schueco.com"),
    ("Bäckerei Groß", "baeckerei-gross.de"),
    ("Freelance", "example.net"),
    ("Universidad de Sevilla", "us.es"),
    ("Politecnico di Milano", "polimi.it"),
]
TITLES = [
    "Softwareentwicklerin",
    "Software Engineer",
    "Produktmanager",
    "Head of Data",
    "CTO",
    "Doktorandin",
    "Professor für Informatik",
    "UX-Designerin",
    "Journalistin",
    "Gründer",
    "Datenwissenschaftler",
    "Projektleiterin",
    "Researcher",
    None,
    None,
]
CITIES = [
    ("Berlin", "BE", "DE"),
    ("München", "BY", "DE"),
    ("Köln", "NW", "DE"),
    ("Düsseldorf", "NW", "DE"),
    ("Hamburg", "HH", "DE"),
    ("Frankfurt am Main", "HE", "DE"),
    ("Leipzig", "SN", "DE"),
    ("Nürnberg", "BY", "DE"),
    ("Göttingen", "NI", "DE"),
    ("Wien", None, "AT"),
    ("Zürich", None, "CH"),
    ("Paris", None, "FR"),
    ("Kraków", None, "PL"),
    ("København", None, "DK"),
    ("Milano", None, "IT"),
    ("Sevilla", None, "ES"),
    ("İstanbul", None, "TR"),
    ("London", None, "GB"),
    ("Lagos", None, "NG"),
    ("Tōkyō", None, "JP"),
    (None, None, None),
]
TOPICS = [
    "Python",
    "Rust",
    "Machine Learning",
    "Open Data",
    "Radverkehr",
    "Energiewende",
    "Klimaschutz",
    "Barrierefreiheit",
    "Kaffee",
    "Fotografie",
    "Datenschutz",
    "Stadtplanung",
    "Jazz",
    "Bergsteigen",
    "Typografie",
    "Open Source",
    "Kommunalpolitik",
    "Bioinformatik",
    "Brettspiele",
    "Segeln",
]
STAGES = ["online"] * 6 + ["contacted"] * 2 + ["met", "regular"]


@dataclass
class FillResult:
    user_id: uuid.UUID
    rows: dict[str, int]
    seconds: float
    build_seconds: float  # the service's helpers: display name, sort key, search text, keys
    insert_seconds: float  # one executemany per table, one transaction


def fill(app: Flask, contacts: int, seed: int = 20261123) -> FillResult:
    """One user and ``contacts`` contacts: one executemany per table, in one transaction.

    The rows come from ``contact_rows``, the service's one place for derived columns (sort
    key, search text, normalised e-mails, account and topic keys), as an import writes them.
    """
    from sqlalchemy import insert

    from planner import db
    from planner.auth.service import create_user
    from planner.contacts.service import ContactInput, contact_rows
    from planner.identifiers import Account, fold_text
    from planner.models import Contact, ContactSource

    started = time.perf_counter()
    with app.app_context():
        session = db.session()
        user = create_user(session, email=EMAIL, password=PASSWORD, locale="en")
        session.commit()
        owner = user.id

    rng = random.Random(seed)
    now = datetime.now(UTC)
    tables: dict[Any, list[dict[str, Any]]] = {Contact: [], ContactSource: []}
    import_id = uuid.uuid4()
    for n in range(contacts):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        organisation, domain = rng.choice(ORGANISATIONS)
        city, region, country = rng.choice(CITIES)
        local = fold_text(f"{first}.{last}").replace(" ", "").replace("'", "")
        data = ContactInput(
            first_name=first,
            last_name=last,
            organization=organisation,
            title=rng.choice(TITLES),
            emails=[f"{local}{n}@{domain}"],
            accounts=[
                Account(
                    "linkedin",
                    handle=f"{local}-{n}",
                    url=f"https://www.linkedin.com/in/{local}-{n}",
                )
            ],
            city=city,
            region=region,
            country=country,
            topics=rng.sample(TOPICS, rng.randint(0, 3)),
            stage=rng.choice(STAGES),
        )
        contact_id = uuid.uuid4()
        created = now - timedelta(minutes=n)
        rows = contact_rows(owner, contact_id, data)
        tables[Contact].append({**rows.contact, "created_at": created, "updated_at": created})
        for model, children in rows.children().items():
            tables.setdefault(model, []).extend(children)
        tables[ContactSource].append(
            {
                "contact_id": contact_id,
                "owner_id": owner,
                "format": "linkedin",
                "file": "Connections.csv",
                "connected_on": date(2015, 1, 1) + timedelta(days=n % 3650),
                "import_id": import_id,
                "created_at": created,
            }
        )

    built = time.perf_counter()
    with app.app_context(), db.engine().begin() as conn:
        for model, table_rows in tables.items():
            if table_rows:
                conn.execute(insert(model.__table__), table_rows)
    finished = time.perf_counter()
    return FillResult(
        owner,
        {m.__tablename__: len(v) for m, v in tables.items()},
        finished - started,
        built - started,
        finished - built,
    )


# ---------------------------------------------------------------------------------------------
# Servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def worker_cpu_seconds(self) -> float:
        """User + system CPU of the gunicorn workers so far (the master does no request work)."""
        import psutil

        total = 0.0
        for child in psutil.Process(self.process.pid).children(recursive=True):
            try:
                times = child.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def server_env(instance: Path, url: str, secret: str) -> dict[str, str]:
    """The environment of a gunicorn serving the bench's app: this process's without the
    caller's PLANNER_ settings, pointed at the bench's instance folder and database."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PLANNER_") and k not in {"DATABASE_URL", "SECRET_KEY"}
    }
    env |= {"PLANNER_INSTANCE_PATH": str(instance), "DATABASE_URL": url, "SECRET_KEY": secret}
    env |= {f"PLANNER_{k}": str(v) for k, v in CHEAP_ARGON2.items()}
    return env


def bench_app(url: str, tmp: Path) -> tuple[Flask, Path, str]:
    """The app on a migrated throwaway database (cheap Argon2): the app, its instance folder
    and its secret key (for ``serve_planner_and_hello``)."""
    from planner import create_app, migrate

    instance = tmp / "instance"
    secret = secrets.token_hex(32)
    migrate.upgrade(url)
    app = create_app(
        {"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": secret} | CHEAP_ARGON2
    )
    return app, instance, secret


@contextmanager
def serve_planner_and_hello(
    instance: Path, url: str, secret: str, log_dir: Path
) -> Iterator[tuple[Server, Server]]:
    """gunicorn serving the app and, beside it, the bare "hello" app; both stopped after."""
    env = server_env(instance, url, secret)
    servers: list[Server] = []
    try:
        servers.append(start_gunicorn("planner", "planner:create_app()", env, log_dir, "/login"))
        servers.append(start_gunicorn("hello", "pages:create_hello_app()", env, log_dir, "/hello"))
        yield servers[0], servers[1]
    finally:
        for server in servers:
            server.stop()


def start_gunicorn(
    name: str, app_spec: str, env: dict[str, str], log_dir: Path, probe: str, *, workers: int = 2
) -> Server:
    port = free_port()
    log = log_dir / f"gunicorn-{name}.log"
    command = [
        str(GUNICORN),
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--pythonpath",
        f"{ROOT},{BENCH_DIR}",
        "--log-level",
        "warning",
        app_spec,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = Server(name, port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn {name} exited:\n{log.read_text()[-3000:]}")
        try:
            status, _ = fetch(port, probe)
            if status < 500:
                return server
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"gunicorn {name} did not answer within 60 s:\n{log.read_text()[-3000:]}")


def log_in(port: int) -> str:
    """Sign in through the real /login form; return the Cookie header value to send."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://{HOST}:{port}"
    with opener.open(f"{base}/login", timeout=10) as page:
        found = CSRF.search(page.read().decode())
    if not found:
        raise RuntimeError("no csrf_token on /login")
    form = urllib.parse.urlencode(
        {"csrf_token": found.group(1), "email": EMAIL, "password": PASSWORD}
    ).encode()
    with opener.open(f"{base}/login", data=form, timeout=30) as answer:
        if urllib.parse.urlsplit(answer.geturl()).path == "/login":
            raise RuntimeError("sign-in failed: still on /login")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def fetch(port: int, path: str, cookie: str | None = None) -> tuple[int, str]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, body


def check_list_page(port: int, cookie: str, pages: int, contacts: int) -> None:
    """Pages 1 and the last cycled one answer 200 with the rows they should hold."""
    for page in sorted({1, pages}):
        status, body = fetch(port, f"/contacts/?page={page}", cookie)
        rows = len(ROW.findall(body))
        expected = min(PER_PAGE, contacts - (page - 1) * PER_PAGE)
        if status != 200 or rows != expected:
            raise RuntimeError(
                f"/contacts/?page={page}: status {status}, {rows} rows "
                f"(expected 200 with {expected})"
            )


# ---------------------------------------------------------------------------------------------
# Load generators


@dataclass
class LoadResult:
    label: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    connections: int = 0
    server_cpu_ms: float = math.nan  # gunicorn workers' CPU per request
    generator_cpu_ms: float = math.nan  # the load generator's CPU per request
    database_cpu_ms: float = 0.0  # PostgreSQL server processes' CPU per request
    others_cpu_share: float = 0.0  # of the machine's CPU, taken by unrelated processes

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


WRK_SCRIPT = """
local pages = {pages}
local prefix = "{prefix}"
local limit = {limit}
local counter = 0
local seen = 0

request = function()
  counter = counter + 1
  if pages > 0 then
    return wrk.format("GET", prefix .. ((counter - 1) % pages + 1))
  end
  return wrk.format("GET", prefix)
end

response = function(status, headers, body)
  seen = seen + 1
  if seen >= limit then
    wrk.thread:stop()
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def run_wrk(
    port: int,
    path_prefix: str,
    pages: int,
    cookie: str | None,
    *,
    seconds: float,
    concurrency: int,
    max_requests: int,
    script_dir: Path,
) -> LoadResult:
    # One wrk thread: it is far cheaper per request than the server and leaves it the CPU.
    script = script_dir / "cycle.lua"
    script.write_text(WRK_SCRIPT.format(pages=pages, prefix=path_prefix, limit=max_requests))
    command = [
        "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://{HOST}:{port}/")
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    found = re.search(
        r"BENCH requests=(\d+) duration_us=(\d+) p50_us=(\d+) p99_us=(\d+) "
        r"errors=(\d+)",
        done.stdout,
    )
    if not found:
        raise RuntimeError(f"unexpected wrk output:\n{done.stdout}\n{done.stderr}")
    requests, duration, p50, p99, errors = (int(g) for g in found.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    errors = max(errors, int(non2xx.group(1)) if non2xx else 0)
    return LoadResult(path_prefix, requests, duration / 1e6, p50 / 1000, p99 / 1000, errors)


def run_python(
    port: int,
    path_prefix: str,
    pages: int,
    cookie: str | None,
    *,
    seconds: float,
    concurrency: int,
    max_requests: int,
) -> LoadResult:
    """Threads, one keep-alive connection each (it reconnects when the server closes)."""
    import numpy as np

    tickets = itertools.count()
    deadline = time.perf_counter() + seconds
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    errors = [0] * concurrency
    headers = {"Cookie": cookie} if cookie else {}

    def worker(slot: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        mine = latencies[slot]
        while time.perf_counter() < deadline:
            ticket = next(tickets)
            if ticket >= max_requests:
                break
            path = f"{path_prefix}{ticket % pages + 1}" if pages else path_prefix
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[slot] += 1
            except (OSError, http.client.HTTPException):
                errors[slot] += 1
                conn.close()
                continue
            mine.append(time.perf_counter() - began)
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = np.fromiter(itertools.chain.from_iterable(latencies), dtype=float)
    p50, p99 = (np.percentile(flat, [50, 99]) * 1000) if flat.size else (math.nan, math.nan)
    return LoadResult(path_prefix, int(flat.size), elapsed, float(p50), float(p99), sum(errors))


def database_cpu_seconds() -> dict[int, float]:
    """CPU so far of each local PostgreSQL server process, by pid."""
    import psutil

    found: dict[int, float] = {}
    for process in psutil.process_iter(["name"]):
        if process.info["name"] in {"postgres", "postmaster"}:
            try:
                times = process.cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            found[process.pid] = times.user + times.system
    return found


def children_cpu_seconds() -> float:
    """CPU of waited-for child processes (wrk); gunicorn is only waited for at the end."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(
    server: Server,
    path_prefix: str,
    pages: int,
    cookie: str | None,
    args: argparse.Namespace,
    generator: str,
    script_dir: Path,
) -> LoadResult:
    def load(seconds: float, max_requests: int) -> LoadResult:
        if generator == "wrk":
            return run_wrk(
                server.port,
                path_prefix,
                pages,
                cookie,
                seconds=seconds,
                concurrency=args.concurrency,
                max_requests=max_requests,
                script_dir=script_dir,
            )
        return run_python(
            server.port,
            path_prefix,
            pages,
            cookie,
            seconds=seconds,
            concurrency=args.concurrency,
            max_requests=max_requests,
        )

    load(1, 2000)  # warm-up: imports, template compilation, connection pools in both workers
    import psutil

    server_before, machine_before = server.worker_cpu_seconds(), psutil.cpu_times()
    own_before = time.process_time() + children_cpu_seconds()
    postgres = args.database_url is not None and args.database_url.startswith("postgres")
    database_before = database_cpu_seconds() if postgres else {}
    result = load(args.seconds, args.max_requests)
    server_cpu = server.worker_cpu_seconds() - server_before
    generator_cpu = time.process_time() + children_cpu_seconds() - own_before
    # Backends alive at both ends (ours are: one pooled connection per worker); others'
    # short-lived backends then count as "others".
    database_after = database_cpu_seconds() if postgres else {}
    database_cpu = sum(
        database_after[pid] - cpu for pid, cpu in database_before.items() if pid in database_after
    )
    machine = psutil.cpu_times()
    busy = (sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)) - (
        sum(machine_before) - machine_before.idle - getattr(machine_before, "iowait", 0.0)
    )
    result.connections = args.concurrency
    if result.requests:
        result.server_cpu_ms = server_cpu * 1000 / result.requests
        result.generator_cpu_ms = generator_cpu * 1000 / result.requests
        result.database_cpu_ms = database_cpu * 1000 / result.requests
    capacity = result.seconds * (os.cpu_count() or 1)
    result.others_cpu_share = max(0.0, busy - server_cpu - generator_cpu - database_cpu) / capacity
    return result


# ---------------------------------------------------------------------------------------------
# In-process breakdown: where a request's time goes


@dataclass
class InProcess:
    label: str
    cpu_ms: float
    wall_ms: float
    queries: float
    sql_ms: float


@dataclass
class Breakdown:
    requests: list[InProcess]  # whole requests through the test client: list page, hello
    whole_ms: float  # one list request through the test client, best of three rounds
    user_ms: float  # request context, session cookie, user load (login_required)
    service_ms: float  # service.list_contacts: count + page query + ORM loading
    render_ms: float  # render_template of the page
    first_page_ms: float  # the page query alone, page 1 ...
    last_page_ms: float  # ... and the deepest cycled page (OFFSET grows with the page)
    count_ms: float  # the total count query
    plan: str  # the database's plan for the deepest page
    profile: str = ""


class StatementTimer:
    """Counts SQL statements and the time spent in them (engine events)."""

    def __init__(self, engine: Any) -> None:
        self.engine, self.queries, self.seconds, self._began = engine, 0, 0.0, 0.0

    def _before(self, *_: Any) -> None:
        self._began = time.perf_counter()

    def _after(self, *_: Any) -> None:
        self.queries += 1
        self.seconds += time.perf_counter() - self._began

    def __enter__(self) -> StatementTimer:
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *_: object) -> None:
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)


def signed_in(client_app: Flask, cookie: str | None) -> FlaskClient:
    client = client_app.test_client()
    for pair in (cookie or "").split("; "):
        if pair:
            client.set_cookie(*pair.split("=", 1))
    return client


def best_mean_ms(work: Callable[[int], object], repeat: int, rounds: int = 3) -> float:
    """Mean ms of ``work`` over ``repeat`` calls, best of ``rounds`` (others share the CPU)."""
    for i in range(10):
        work(i)
    means = []
    for _ in range(rounds):
        began = time.perf_counter()
        for i in range(repeat):
            work(i)
        means.append((time.perf_counter() - began) * 1000 / repeat)
    return min(means)


def in_process(
    app: Flask, hello: Flask, cookie: str, pages: int, *, requests: int = 300, profile: bool
) -> Breakdown:
    """Time the view with the test client, then its stages in fresh request contexts."""
    from flask import render_template
    from flask_login import current_user
    from sqlalchemy import text
    from sqlmodel import col, func, select

    from planner import db
    from planner.contacts import service
    from planner.models import Contact

    engine = app.extensions["planner.engine"]

    def run(
        label: str, client_app: Flask, path: Callable[[int], str], cookie: str | None
    ) -> InProcess:
        client = signed_in(client_app, cookie)
        for i in range(20):  # warm-up
            client.get(path(i))
        with StatementTimer(engine) as timer:
            cpu, wall = time.process_time(), time.perf_counter()
            for i in range(requests):
                response = client.get(path(i))
                if response.status_code != 200:
                    raise RuntimeError(f"in-process {path(i)}: {response.status_code}")
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        return InProcess(
            label,
            cpu * 1000 / requests,
            wall * 1000 / requests,
            timer.queries / requests,
            timer.seconds * 1000 / requests,
        )

    measured = [
        run("contacts list", app, lambda i: f"/contacts/?page={i % pages + 1}", cookie),
        run("hello", hello, lambda _: "/hello", None),
    ]

    def stages(rounds: int = 3) -> tuple[float, float, float]:
        """User load, service and template timed apart inside fresh request contexts;
        per part the best of ``rounds`` means (others share the CPU)."""
        best = [math.inf] * 3
        count = requests // 3
        for _ in range(rounds):
            spent = [0.0] * 3
            for i in range(count):
                page = i % pages + 1
                with app.test_request_context(
                    f"/contacts/?page={page}", headers={"Cookie": cookie}
                ):
                    t0 = time.perf_counter()
                    owner = current_user._get_current_object()
                    t1 = time.perf_counter()
                    result = service.list_contacts(
                        db.session(), owner=owner, page=page, per_page=PER_PAGE
                    )
                    t2 = time.perf_counter()
                    render_template(
                        "contacts/index.html", result=result, query="", batch=None, filters={}
                    )
                    t3 = time.perf_counter()
                for k, seconds in enumerate((t1 - t0, t2 - t1, t3 - t2)):
                    spent[k] += seconds
            best = [min(b, x * 1000 / count) for b, x in zip(best, spent, strict=True)]
        return best[0], best[1], best[2]

    user_ms, service_ms, render_ms = stages()
    client = signed_in(app, cookie)
    whole_ms = best_mean_ms(lambda i: client.get(f"/contacts/?page={i % pages + 1}"), requests // 3)

    with app.test_request_context("/contacts/", headers={"Cookie": cookie}):
        session = db.session()
        owner = current_user._get_current_object()

        def page_query(page: int) -> Any:
            return (
                select(Contact)
                .where(Contact.owner_id == owner.id)
                .order_by(col(Contact.sort_key), col(Contact.id))
                .offset((page - 1) * PER_PAGE)
                .limit(PER_PAGE)
            )

        def run_query(statement: Any) -> Callable[[int], object]:
            def work(_: int) -> object:
                rows = session.execute(statement).all()
                session.expunge_all()  # as in a new request: no identity-map hits
                return rows

            return work

        first_page_ms = best_mean_ms(run_query(page_query(1)), 30)
        last_page_ms = best_mean_ms(run_query(page_query(pages)), 30)
        count_ms = best_mean_ms(
            run_query(
                select(func.count()).select_from(Contact).where(Contact.owner_id == owner.id)
            ),
            30,
        )
        sql = str(
            page_query(pages).compile(
                dialect=engine.dialect, compile_kwargs={"literal_binds": True}
            )
        )
        explain = (
            "EXPLAIN QUERY PLAN "
            if engine.dialect.name == "sqlite"
            else "EXPLAIN (ANALYZE, COSTS OFF) "
        )
        plan = "\n".join(
            " | ".join(str(v) for v in row) for row in session.execute(text(explain + sql))
        )
        session.rollback()
    breakdown = Breakdown(
        measured,
        whole_ms,
        user_ms,
        service_ms,
        render_ms,
        first_page_ms,
        last_page_ms,
        count_ms,
        plan,
    )
    if profile:
        client = signed_in(app, cookie)
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(requests):
            client.get(f"/contacts/?page={i % pages + 1}")
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(20)
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        breakdown.profile = out.getvalue()
    return breakdown


# ---------------------------------------------------------------------------------------------
# Report


def print_table(results: list[LoadResult]) -> None:
    print(
        f"{'':16}{'requests':>10}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'server CPU':>12}{'database CPU':>14}{'load gen CPU':>14}  (ms/req)"
    )
    for r in results:
        print(
            f"{r.label:16}{r.requests:>10}{r.rps:>10.0f}{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}"
            f"{r.errors:>8}{r.server_cpu_ms:>12.2f}{r.database_cpu_ms:>14.2f}"
            f"{r.generator_cpu_ms:>14.2f}"
        )
    for r in results:
        if r.others_cpu_share > 0.1:
            print(
                f"note: during the {r.label} run other processes on this machine used "
                f"{r.others_cpu_share:.0%} of its CPU (figures are then low)"
            )


def verdict(page: LoadResult, hello: LoadResult, b: Breakdown, generator: str, pages: int) -> None:
    met = page.rps >= TARGET_RPS and page.p99_ms < TARGET_P99_MS and page.errors == 0
    print(
        f"\nratio list/{hello.label} req/s: {page.rps / hello.rps:.3f} "
        f"({hello.label} serves {hello.rps / page.rps:.1f}x as many, last round)"
    )
    print(
        f"target >= {TARGET_RPS:.0f} req/s and p99 < {TARGET_P99_MS:.0f} ms: "
        f"{'MET' if met else 'MISSED'} ({page.rps:.0f} req/s, p99 {page.p99_ms:.1f} ms, "
        f"{page.errors} errors)"
    )
    print("\nin-process (test client, one thread, no HTTP):")
    print(f"{'':16}{'CPU ms/req':>11}{'wall ms/req':>12}{'SQL stmts/req':>14}{'SQL ms/req':>11}")
    for r in b.requests:
        print(f"{r.label:16}{r.cpu_ms:>11.2f}{r.wall_ms:>12.2f}{r.queries:>14.1f}{r.sql_ms:>11.2f}")
    rest = max(0.0, b.whole_ms - b.user_ms - b.service_ms - b.render_ms)  # < 0: noise
    print(
        f"list request {b.whole_ms:.2f} ms = request context + session + user load "
        f"{b.user_ms:.2f} ms + service.list_contacts (SQL + ORM) {b.service_ms:.2f} ms + "
        f"render_template {b.render_ms:.2f} ms + dispatch/after-request/teardown "
        f"{rest:.2f} ms"
    )
    print(
        f"page query alone: page 1 {b.first_page_ms:.2f} ms, page {pages} "
        f"{b.last_page_ms:.2f} ms; count query {b.count_ms:.2f} ms"
    )
    print(f"plan of the page {pages} query:\n  " + b.plan.replace("\n", "\n  "))
    if met:
        return
    cores = os.cpu_count() or 1
    cost = page.server_cpu_ms + page.database_cpu_ms
    ceiling = cores * 1000 / cost if cost > 0 else math.inf
    print("\nwhat stands in the way:")
    print(
        f"- a list request costs {page.server_cpu_ms:.2f} ms of gunicorn worker CPU"
        + (f" + {page.database_cpu_ms:.2f} ms in PostgreSQL" if page.database_cpu_ms else "")
        + f", so {cores} cores serve at most ~{ceiling:.0f} req/s; {TARGET_RPS:.0f} req/s needs "
        f"< {cores * 1000 / TARGET_RPS:.1f} ms with nothing else running "
        f"(hello costs {hello.server_cpu_ms:.2f} ms)"
    )
    parts = sorted(
        [
            ("service.list_contacts (SQL + ORM)", b.service_ms),
            ("render_template", b.render_ms),
            ("context + session + user", b.user_ms),
            ("dispatch/after-request/teardown", rest),
        ],
        key=lambda p: -p[1],
    )
    print("- largest parts: " + ", ".join(f"{n} {ms:.2f} ms" for n, ms in parts))
    if b.last_page_ms > 3 * b.first_page_ms:
        print(
            f"- the page query grows with the page number (OFFSET): page 1 "
            f"{b.first_page_ms:.2f} ms, page {pages} {b.last_page_ms:.2f} ms"
        )
    print(f"- the load generator ({generator}) shares the {cores} cores with the server")
    if page.p99_ms >= TARGET_P99_MS:
        print(
            f"- p99: 2 sync workers behind {page.connections} connections: a request queues "
            f"behind ~{page.connections / 2 - 1:.0f} others; p50 {page.p50_ms:.1f} ms"
        )


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def sign_in_verdict(rounds: list[tuple[LoadResult, LoadResult, str]]) -> None:
    """Each round's list/sign-in ratio and the list's p99, then the median against the goal.

    Beside the req/s ratio, the ratio of worker CPU per request (sign-in/list): what the two
    pages cost, which other processes on a shared machine disturb far less than req/s."""
    import statistics

    print(
        f"\n{'round':>5}{'list req/s':>12}{'sign-in req/s':>15}{'ratio':>8}"
        f"{'list p99 ms':>13}{'sign-in p99 ms':>16}{'CPU ratio':>11}  load average (1, 5, 15)"
    )
    ratios, p99s, cpu_ratios = [], [], []
    for n, (page, base, load) in enumerate(rounds, 1):
        ratio = page.rps / base.rps if base.rps else 0.0
        cpu_ratio = base.server_cpu_ms / page.server_cpu_ms if page.server_cpu_ms else math.nan
        ratios.append(ratio)
        p99s.append(page.p99_ms)
        cpu_ratios.append(cpu_ratio)
        print(
            f"{n:>5}{page.rps:>12.0f}{base.rps:>15.0f}{ratio:>8.2f}{page.p99_ms:>13.1f}"
            f"{base.p99_ms:>16.1f}{cpu_ratio:>11.2f}  {load}"
        )
    ratio, p99 = statistics.median(ratios), statistics.median(p99s)
    print(
        f"worker CPU per request: list {statistics.median(r[0].server_cpu_ms for r in rounds):.2f}"
        f" ms, sign-in {statistics.median(r[1].server_cpu_ms for r in rounds):.2f} ms "
        f"(ratio {statistics.median(cpu_ratios):.2f})"
    )
    errors = sum(page.errors + base.errors for page, base, _ in rounds)
    met = ratio >= TARGET_SIGN_IN_RATIO and p99 < TARGET_P99_MS and errors == 0
    print(
        f"ratio list/sign-in req/s: {ratio:.2f} (median of {len(rounds)}), list p99 "
        f"{p99:.1f} ms; goal >= {TARGET_SIGN_IN_RATIO} and p99 < {TARGET_P99_MS:.0f} ms: "
        f"{'MET' if met else 'MISSED'} ({errors} errors)"
    )


def choose_generator(requested: str) -> str:
    if requested == "auto":
        return "wrk" if shutil.which("wrk") else "python"
    if requested == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk), use --generator python")
    return requested


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=200_000)
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL server URL: a throwaway database is made beside it",
    )
    parser.add_argument("--generator", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument("--profile", action="store_true", help="cProfile the in-process view")
    parser.add_argument(
        "--after-fill-sql",
        action="append",
        default=[],
        metavar="SQL",
        help="run this statement after the fill (what-if, e.g. an index)",
    )
    parser.add_argument(
        "--baseline",
        choices=["hello", "sign-in"],
        default="hello",
        help="what the list is measured beside: a bare Flask route, or the app's sign-in page",
    )
    parser.add_argument("--rounds", type=int, default=1, help="list/baseline runs, alternated")
    args = parser.parse_args()
    if not 1 <= args.seconds <= 600 or not 1 <= args.max_requests <= 1_000_000:
        parser.error("--seconds must be 1..600 and --max-requests 1..1000000")
    if not 1 <= args.rounds <= 20:
        parser.error("--rounds must be 1..20")
    generator = choose_generator(args.generator)
    sys.path.insert(0, str(ROOT))
    from planner import db

    pages = max(1, min(MAX_PAGES, math.ceil(args.contacts / PER_PAGE)))
    with (
        tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp,
        throwaway_database(args.database_url, Path(tmp)) as url,
    ):
        app, instance, secret = bench_app(url, Path(tmp))
        try:
            result = fill(app, args.contacts)
            if args.after_fill_sql:
                from sqlalchemy import text

                with app.app_context(), db.engine().begin() as conn:
                    for statement in args.after_fill_sql:
                        conn.execute(text(statement))
                        print(f"what-if, after the fill: {statement}")
            backend = url.split(":", 1)[0]
            print(
                f"database: {backend}; fill: {args.contacts} contacts "
                f"({', '.join(f'{k} {v}' for k, v in result.rows.items())}) "
                f"in {result.seconds:.2f} s (rows built with the service's helpers "
                f"{result.build_seconds:.2f} s, inserted {result.insert_seconds:.2f} s)"
            )
            with serve_planner_and_hello(instance, url, secret, Path(tmp)) as (planner, hello):
                cookie = log_in(planner.port)
                check_list_page(planner.port, cookie, pages, args.contacts)
                print(
                    f"generator: {generator}, concurrency {args.concurrency}, "
                    f"{args.seconds:g} s or {args.max_requests} requests per run; gunicorn "
                    f"2 sync workers each; pages 1..{pages} cycled; {os.cpu_count()} cores"
                )
                print(f"load average before: {load_average()}")
                rounds: list[tuple[LoadResult, LoadResult, str]] = []
                for _ in range(args.rounds):
                    page_result = measure(
                        planner, "/contacts/?page=", pages, cookie, args, generator, Path(tmp)
                    )
                    page_result.label = "contacts list"
                    if args.baseline == "sign-in":
                        hello_result = measure(
                            planner, "/login", 0, None, args, generator, Path(tmp)
                        )
                        hello_result.label = "sign-in page"
                    else:
                        hello_result = measure(hello, "/hello", 0, None, args, generator, Path(tmp))
                        hello_result.label = "hello"
                    rounds.append((page_result, hello_result, load_average()))
            print()
            print_table([r for pair in rounds for r in pair[:2]])
            if args.baseline == "sign-in":
                sign_in_verdict(rounds)
            breakdown = in_process(app, create_hello_app(), cookie, pages, profile=args.profile)
            verdict(page_result, hello_result, breakdown, generator, pages)
            if breakdown.profile:
                print("\ncProfile of the in-process list view:\n" + breakdown.profile)
        finally:  # before the throwaway database is dropped
            app.extensions["planner.engine"].dispose()


if __name__ == "__main__":
    main()
