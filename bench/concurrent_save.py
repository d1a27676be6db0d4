"""Another user's saves while one user imports 30,000 contacts into the same SQLite file.

One thread imports (all-or-nothing write, then the follow-ups: places, possible duplicates,
topics), as the Huey consumer would; meanwhile a second user adds contacts through the web
app over and over ("add contact": POST /contacts/new, which writes). Prints the second
user's save latency (p50/p99/max) while the import's write runs and while its follow-ups
run, beside the import's own times and how long its write transaction held the lock.

    .venv/bin/python bench/concurrent_save.py [--rows 30000] [--database-url URL]

Target (issue 17): no failed save, p99 under 1 s during the follow-ups. The import's own
write is one transaction (all or nothing), so a save that arrives during it waits for it.
"""

import argparse
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PLANNER_HUEY_IMMEDIATE", "1")

CITIES = ["Hamburg", "München", "Köln", "Leipzig", "Bremen", "Zürich", "Wien", "Graz", "Kiel"]
FIRST = ["Anna", "Jörg", "Çağla", "Lena", "Matthias", "Dörte", "Kofi", "Søren", "Aylin", "Ömer"]
FIRST += ["Henrike", "Jonas", "Thu Hà", "François", "Wiebke", "Paulina", "Małgorzata"]
# 17 first names and 4,000 surnames: as many same-name pairs as a real address book has
LAST_START = ["Ber", "Hol", "Wan", "Kü", "Stra", "Lem", "Ob", "Has", "Thy", "Dem"]
LAST_START += ["Men", "Wiś", "Sch", "Hüb", "Nau", "Rie", "Fal", "Gott", "Bran", "Eck"]
LAST_MIDDLE = ["ge", "ter", "en", "lin", "ner", "ker", "sel", "man", "der", "ow"]
LAST_MIDDLE += ["hof", "bach", "berg", "dorf", "feld", "au", "rich", "mei", "ste", "ling"]
LAST_END = ["", "s", "er", "mann", "ski", "sen", "ic", "el", "ow", "lein"]
ORGS = ["Elbwerk GmbH", "Hanse Health Lab", "Stadt Köln", "Quellwerk Data e.V.", "Freelance"]
TITLES = ["Product Owner", "Karrierecoach", "HR Business Partner", "Consultant", "Data Engineer"]


def vcards(rows: int) -> bytes:
    """``rows`` people with a city (so placing them is work), an organisation and a title
    (topics), and names drawn from a small list (so the duplicate search finds pairs)."""
    rnd = random.Random(17)
    cards = []
    for i in range(rows):
        first = rnd.choice(FIRST)
        last = rnd.choice(LAST_START) + rnd.choice(LAST_MIDDLE) + rnd.choice(LAST_END)
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"N:{last};{first};;;",
            f"FN:{first} {last}",
            f"ORG:{rnd.choice(ORGS)}",
            f"TITLE:{rnd.choice(TITLES)}",
            f"TEL;TYPE=CELL:+49 151 {i:08d}",
            f"ADR;TYPE=WORK:;;;{CITIES[i % len(CITIES)]};;;",
            f"URL:https://www.linkedin.com/in/person-{i}",
        ]
        if rnd.random() < 0.3:
            lines.append(f"EMAIL;TYPE=INTERNET:person{i}@example.org")
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    return ("\r\n".join(cards) + "\r\n").encode()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


PHASES = ("before", "write", "follow-ups", "after")


def import_everything(
    config: dict[str, Any], owner_id: str, data: bytes, phase: Any, results: Any
) -> None:
    """In the importer's own process (as the Huey consumer is): parse, write all or
    nothing, then the follow-ups; ``phase`` says which step runs, ``results`` gets the
    times (or the error)."""
    from sqlalchemy import event

    from planner import create_app
    from planner.db import session_scope
    from planner.imports import service
    from planner.models import User
    from planner.tasks import import_followups

    times: dict[str, float] = {}
    try:
        app = create_app(config)
        engine = app.extensions["planner.engine"]
        with app.app_context():
            start = time.perf_counter()
            with session_scope(engine) as session:
                owner = session.get(User, uuid.UUID(owner_id))
                assert owner is not None
                files = [("contacts.vcf", data)]
                parsed = service.parse_uploads(files)
                batch = service.stage_import(session, owner=owner, uploads=files)
                times["parse"] = time.perf_counter() - start
                session.commit()  # the staged batch, as the web upload does
                phase.value = PHASES.index("write")
                written = time.perf_counter()
                first_write: list[float] = []
                event.listen(engine, "before_cursor_execute", _first_write(first_write))
                service.write_import(session, owner=owner, batch=batch, parsed=parsed)
                batch_id = str(batch.id)
            times["write"] = time.perf_counter() - written
            times["write: lock held"] = time.perf_counter() - first_write[0]
            phase.value = PHASES.index("follow-ups")
            started = time.perf_counter()
            done = import_followups(app, batch_id, owner_id)
            times["follow-ups"] = time.perf_counter() - started
            times["import in all"] = time.perf_counter() - start
            times["suggestions"] = float(done.get("suggestions") or 0)
        engine.dispose()
        results.put(times)
    except BaseException as error:
        results.put({"error": f"{type(error).__name__}: {error}"})
    finally:
        phase.value = PHASES.index("after")


def _first_write(moments: list[float]) -> Any:
    """A cursor hook noting when the first INSERT/UPDATE/DELETE runs: on SQLite the write
    lock is taken then (the driver begins the transaction at the first write)."""

    def hook(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not moments and statement.lstrip()[:6].upper() in ("INSERT", "UPDATE", "DELETE"):
            moments.append(time.perf_counter())

    return hook


def measure(config: dict[str, Any], owner_id: str, data: bytes, web: Any) -> dict[str, Any]:
    """The other user's saves through ``web`` (a signed-in test client) while another
    process imports ``data`` for ``owner_id``: latencies by the phase a save began in."""
    context = mp.get_context("fork")
    phase = context.Value("i", 0)
    results = context.Queue()
    worker = context.Process(
        target=import_everything, args=(config, owner_id, data, phase, results)
    )
    saves: dict[str, list[float]] = {"write": [], "follow-ups": []}
    statuses: dict[int, int] = {}
    worker.start()
    n = 0
    while worker.is_alive() and PHASES[phase.value] != "after":
        now = PHASES[phase.value]
        n += 1
        start = time.perf_counter()
        try:
            response = web.post("/contacts/new", data={"first_name": f"Saved {n}", "stage": "met"})
            status = response.status_code
        except Exception:  # the test client raises what a served app answers with a 500
            status = 500
        took = time.perf_counter() - start
        with web.session_transaction() as cookie:  # unread flashes would fill the cookie
            cookie.pop("_flashes", None)
        statuses[status] = statuses.get(status, 0) + 1
        if now in saves:  # counted in the phase it began in
            saves[now].append(took)
    times = results.get(timeout=600)
    worker.join()
    if "error" in times:
        raise RuntimeError(f"the import failed: {times['error']}")
    return {"times": times, "saves": saves, "statuses": statuses}


def run(database_url: str, rows: int, gazetteer: str | None) -> dict[str, Any]:
    from planner import create_app, migrate
    from planner.auth.service import create_user
    from planner.db import session_scope

    migrate.upgrade(database_url)
    config: dict[str, Any] = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 8,
        "ARGON2_PARALLELISM": 1,
    }
    if gazetteer:
        config["GAZETTEER_PATH"] = gazetteer
    app = create_app(config)
    engine = app.extensions["planner.engine"]
    with app.app_context(), session_scope(engine) as session:
        importer_id = create_user(session, email="importer@example.org", password="x" * 12).id
        create_user(session, email="other@example.org", password="y" * 12)
    web = app.test_client()
    signed_in = web.post("/login", data={"email": "other@example.org", "password": "y" * 12})
    assert signed_in.status_code == 302, signed_in.status_code
    result = measure(config, str(importer_id), vcards(rows), web)
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--gazetteer", help="a built gazetteer.sqlite (places the contacts)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("PLANNER_INSTANCE_PATH", folder)
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.db'}"
        result = run(url, args.rows, args.gazetteer)
    print(f"{args.rows} contacts imported by one user; {url.split(':', 1)[0]}")
    for name, seconds in result["times"].items():
        print(f"  {name:<20} {seconds:8.2f}" + ("" if name == "suggestions" else " s"))
    print(f"other user's saves (status: count) {result['statuses']}")
    for name, values in result["saves"].items():
        if not values:
            print(f"  during {name:<11} no save")
            continue
        print(
            f"  during {name:<11} n={len(values):4d}  p50 {statistics.median(values):.3f} s"
            f"  p99 {percentile(values, 0.99):.3f} s  max {max(values):.3f} s"
        )


if __name__ == "__main__":
    main()
