"""Import throughput: 30,000 LinkedIn rows and 30,000 vCards into an empty account, then
again into the account that already holds them (every record merges). Each run happens in a
fresh process (so its peak memory is its own) against a fresh SQLite database, beside a raw
sqlite3 executemany insert of the same rows measured in the same run.

    .venv/bin/python bench/import.py [--rows 30000] [--database-url postgresql+psycopg://...]

Targets (issue 4): <= 1 s for 30k new rows (<= 4x raw sqlite3), <= 5 s all-merge,
peak memory <= 300 MB.

End to end (issue 19): what `planner import` waits for (parse, write, places, duplicate
search, topics) on two LinkedIn files of the same size, beside the floor of plain Python
(csv parse + sqlite3 executemany of the same rows), all in one run:

- realistic: names drawn Zipf-weighted from 2,000 first x 400 last names;
- degenerate: every person one of 120 names (250 people per name).

    .venv/bin/python bench/import.py --only end-to-end [--repeat 3]

Targets: realistic <= 15x the floor; degenerate <= 2x realistic.
"""

import argparse
import multiprocessing as mp
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FIRST = [
    "Anna",
    "Jörg",
    "Çağla",
    "Lena",
    "Matthias",
    "Dörte",
    "Kofi",
    "Małgorzata",
    "Søren",
    "Henrike",
    "Jonas",
    "Aylin",
    "Thu Hà",
    "François",
    "Wiebke",
    "Ömer",
    "Paulina",
]
LAST = [
    "Kühnel",
    "Straßmann",
    "Yıldırım",
    "Schmidt",
    "Oberländer",
    "Haßelbrink",
    "Mensah",
    "Wiśniewska",
    "Thygesen",
    "Staßfurt",
    "Hübscher",
    "Demirtaş",
    "Nguyễn",
    "Lemaître",
]
ORGS = [
    "Elbwerk GmbH",
    "Hanse Health Lab",
    "Brückner, Kaya & Partner mbB",
    "Stadt Köln",
    "Quellwerk Data e.V.",
    "Barcamp Hamburg",
    "Freelance",
    "Deutsche Bahn",
]
TITLES = [
    "Social Media Managerin",
    "Karrierecoach",
    "Product Owner",
    "Community Builder 🚀",
    'Partnerin "Digitale Verwaltung"',
    "HR Business Partner",
    "Consultant",
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def people(n: int) -> list[dict[str, str]]:
    rnd = random.Random(42)
    out = []
    for i in range(n):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        out.append(
            {
                "first": first,
                "last": last,
                "org": rnd.choice(ORGS),
                "title": rnd.choice(TITLES),
                "email": f"person{i}@example.org" if rnd.random() < 0.3 else "",
                "url": f"https://www.linkedin.com/in/person-{i}-{rnd.randrange(10**6):06d}",
                "phone": f"+49 151 {i:08d}",
                "connected": (
                    f"{rnd.randrange(1, 29):02d} {rnd.choice(MONTHS)} {rnd.randrange(2010, 2026)}"
                ),
            }
        )
    return out


def linkedin_csv(rows: list[dict[str, str]]) -> bytes:
    import csv
    import io

    buffer = io.StringIO()
    buffer.write(
        'Notes:\n"When exporting your connection data, you may notice that some of the '
        'email addresses are missing."\n\n'
    )
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
    )
    for p in rows:
        writer.writerow(
            [p["first"], p["last"], p["url"], p["email"], p["org"], p["title"], p["connected"]]
        )
    return buffer.getvalue().encode()


def vcards(rows: list[dict[str, str]]) -> bytes:
    cards = []
    for p in rows:
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"N:{p['last']};{p['first']};;;",
            f"FN:{p['first']} {p['last']}",
            f"ORG:{p['org'].replace(',', chr(92) + ',')}",
            f"TITLE:{p['title'].replace(',', chr(92) + ',')}",
            f"TEL;TYPE=CELL:{p['phone']}",
            f"URL:{p['url']}",
        ]
        if p["email"]:
            lines.append(f"EMAIL;TYPE=INTERNET:{p['email']}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    return ("\r\n".join(cards) + "\r\n").encode()


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_import(
    url: str, instance: str, files: list[tuple[str, bytes]], times: int, queue: Any
) -> None:
    """In a fresh process: import ``files`` ``times`` times; report seconds per run."""
    os.environ["PLANNER_INSTANCE_PATH"] = instance
    from planner import create_app
    from planner.auth.service import create_user, find_user
    from planner.db import session_scope
    from planner.imports import service

    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 8,
            "ARGON2_PARALLELISM": 1,
        }
    )
    engine = app.extensions["planner.engine"]
    results = []
    with app.app_context():
        with session_scope(engine) as session:
            if find_user(session, "bench@example.org") is None:
                create_user(session, email="bench@example.org", password="bench-password")
        base = _peak_mb()
        for _ in range(times):
            start = time.perf_counter()
            with session_scope(engine) as session:
                owner = find_user(session, "bench@example.org")
                assert owner is not None
                parsed = service.parse_uploads(files)
                batch = service.stage_import(session, owner=owner, uploads=files)
                outcomes = service.write_import(session, owner=owner, batch=batch, parsed=parsed)
            results.append(
                {
                    "seconds": time.perf_counter() - start,
                    "created": sum(o.created for o in outcomes),
                    "merged": sum(o.merged for o in outcomes),
                }
            )
    engine.dispose()
    queue.put({"runs": results, "peak_mb": _peak_mb(), "base_mb": base})


def raw_sqlite(rows: list[dict[str, str]]) -> float:
    """The floor: the same contacts, e-mails and profiles with sqlite3.executemany."""
    return _raw_sqlite(rows)[0]


def _raw_sqlite(rows: list[dict[str, str]]) -> tuple[float, float]:
    """``raw_sqlite`` in seconds of the clock and of this process's CPU."""
    with tempfile.TemporaryDirectory() as folder:
        conn = sqlite3.connect(Path(folder) / "raw.db")
        conn.executescript("""
            CREATE TABLE contact (id BLOB PRIMARY KEY, owner_id BLOB, display_name TEXT,
              first_name TEXT, last_name TEXT, organization TEXT, title TEXT, sort_key TEXT,
              search_text TEXT);
            CREATE INDEX ix_c ON contact (owner_id, sort_key);
            CREATE TABLE contact_email (id INTEGER PRIMARY KEY, contact_id BLOB, owner_id BLOB,
              address TEXT, normalized TEXT);
            CREATE INDEX ix_e ON contact_email (owner_id, normalized);
            CREATE TABLE contact_account (id INTEGER PRIMARY KEY, contact_id BLOB,
              owner_id BLOB, network TEXT, url TEXT, key TEXT);
            CREATE INDEX ix_a ON contact_account (owner_id, key);
            CREATE TABLE contact_source (id INTEGER PRIMARY KEY, contact_id BLOB,
              owner_id BLOB, format TEXT, file TEXT, connected_on TEXT);
        """)
        owner = uuid.uuid4().bytes
        cpu = time.process_time()
        start = time.perf_counter()
        ids = [uuid.uuid4().bytes for _ in rows]
        with conn:
            conn.executemany(
                "INSERT INTO contact VALUES (?,?,?,?,?,?,?,?,?)",
                [
                    (
                        i,
                        owner,
                        f"{p['first']} {p['last']}",
                        p["first"],
                        p["last"],
                        p["org"],
                        p["title"],
                        p["last"].lower(),
                        p["first"].lower(),
                    )
                    for i, p in zip(ids, rows, strict=True)
                ],
            )
            conn.executemany(
                "INSERT INTO contact_email (contact_id, owner_id, address, normalized) "
                "VALUES (?,?,?,?)",
                [
                    (i, owner, p["email"], p["email"])
                    for i, p in zip(ids, rows, strict=True)
                    if p["email"]
                ],
            )
            conn.executemany(
                "INSERT INTO contact_account (contact_id, owner_id, network, url, key) "
                "VALUES (?,?,?,?,?)",
                [
                    (i, owner, "linkedin", p["url"], p["url"])
                    for i, p in zip(ids, rows, strict=True)
                ],
            )
            conn.executemany(
                "INSERT INTO contact_source (contact_id, owner_id, format, file, connected_on) "
                "VALUES (?,?,?,?,?)",
                [
                    (i, owner, "linkedin_connections_csv", "Connections.csv", p["connected"])
                    for i, p in zip(ids, rows, strict=True)
                ],
            )
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        conn.close()
        return seconds, cpu


def _measure(url_for: Any, files: list[tuple[str, bytes]]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        url = url_for(folder)
        from planner import migrate

        migrate.upgrade(url)
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        process = ctx.Process(target=run_import, args=(url, folder, files, 2, queue))
        process.start()
        result: dict[str, Any] = queue.get(timeout=600)
        process.join()
        return result


_ONSETS = [
    "B",
    "Br",
    "D",
    "F",
    "G",
    "Gr",
    "H",
    "J",
    "K",
    "Kl",
    "L",
    "M",
    "N",
    "P",
    "R",
    "S",
    "Sch",
    "St",
    "T",
    "W",
    "Z",
]
_VOWELS = "a e i o u ä ö ü ie au ei".split()  # noqa: SIM905
_CODAS = [
    "n",
    "nn",
    "l",
    "ll",
    "r",
    "rt",
    "ck",
    "ke",
    "ne",
    "na",
    "ra",
    "ta",
    "hm",
    "ß",
    "ng",
    "nd",
    "ld",
]
_LAST_ENDS = "er mann ner ler ke berg feld hof stein bach rich s".split()  # noqa: SIM905


def _name_pool(n: int, ends: list[str], seed: int) -> list[str]:
    """``n`` distinct German-looking words, most common first."""
    rnd = random.Random(seed)
    pool: dict[str, None] = {}
    while len(pool) < n:
        word = rnd.choice(_ONSETS) + rnd.choice(_VOWELS) + rnd.choice(_CODAS)
        if rnd.random() < 0.5:
            word += rnd.choice(_VOWELS) + rnd.choice(ends)
        pool[word] = None
    return list(pool)


def _zipf(n: int) -> list[float]:
    """Cumulative Zipf weights (rank r weighs 1/r) for ``random.choices``."""
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += 1 / rank
        out.append(total)
    return out


def named_people(n: int, *, names: int | None) -> list[dict[str, str]]:
    """``people(n)`` renamed: Zipf-weighted from 2,000 first x 400 last names, or (with
    ``names``) each person one of that many names, evenly."""
    rows = people(n)
    rnd = random.Random(19)
    firsts = _name_pool(2000, ["a", "e", "o", "i", "as", "us"], 1)
    lasts = _name_pool(400, _LAST_ENDS, 2)
    first_weights, last_weights = _zipf(len(firsts)), _zipf(len(lasts))
    if names is None:
        chosen = list(
            zip(
                rnd.choices(firsts, cum_weights=first_weights, k=n),
                rnd.choices(lasts, cum_weights=last_weights, k=n),
                strict=True,
            )
        )
    else:
        pool = [(firsts[i], lasts[i % len(lasts)]) for i in range(names)]
        chosen = [pool[i % names] for i in range(n)]
    for row, (first, last) in zip(rows, chosen, strict=True):
        row["first"], row["last"] = first, last
    return rows


def floor(data: bytes) -> float:
    """Plain Python: parse the CSV and insert its rows with sqlite3.executemany."""
    return _floor(data)[0]


def _floor(data: bytes) -> tuple[float, float]:
    """``floor`` in seconds of the clock and of this process's CPU."""
    import csv
    import io

    cpu = time.process_time()
    start = time.perf_counter()
    lines = data.decode().splitlines()[4:]  # the notes above the header
    parsed = [
        {"first": r[0], "last": r[1], "url": r[2], "email": r[3], "org": r[4], "title": r[5]}
        | {"connected": r[6]}
        for r in csv.reader(io.StringIO("\n".join(lines)))
    ][1:]
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    insert_seconds, insert_cpu = _raw_sqlite(parsed)
    return seconds + insert_seconds, cpu + insert_cpu


def run_end_to_end(url: str, instance: str, files: list[tuple[str, bytes]], queue: Any) -> None:
    """In a fresh process: what `planner import` waits for, step by step."""
    os.environ["PLANNER_INSTANCE_PATH"] = instance
    from planner import create_app
    from planner.auth.service import create_user, find_user
    from planner.db import session_scope
    from planner.imports import followups, service

    gazetteer = Path(__file__).resolve().parent.parent / "instance" / "gazetteer.sqlite"
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 8,
            "ARGON2_PARALLELISM": 1,
            **({"GAZETTEER_PATH": str(gazetteer)} if gazetteer.is_file() else {}),
        }
    )
    engine = app.extensions["planner.engine"]
    with app.app_context():
        with session_scope(engine) as session:
            user = create_user(session, email="bench@example.org", password="bench-password")
            owner_id = str(user.id)
        cpu = time.process_time()
        start = time.perf_counter()
        with session_scope(engine) as session:
            owner = find_user(session, "bench@example.org")
            assert owner is not None
            parsed = service.parse_uploads(files)
            batch = service.stage_import(session, owner=owner, uploads=files)
            service.write_import(session, owner=owner, batch=batch, parsed=parsed)
            batch_id = str(batch.id)
        written = time.perf_counter()
        done = followups.import_followups(app, batch_id, owner_id)
        end = time.perf_counter()
        cpu = time.process_time() - cpu
    engine.dispose()
    queue.put(
        {
            "write": written - start,
            "followups": end - written,
            "seconds": end - start,
            "cpu": cpu,
            "suggestions": done.get("suggestions"),
            "crowds": len(done.get("crowds") or []),
        }
    )


def end_to_end(rows: int, repeat: int) -> None:
    files = {
        "realistic": linkedin_csv(named_people(rows, names=None)),
        "120 names": linkedin_csv(named_people(rows, names=120)),
    }
    print(f"end to end, {rows:,} LinkedIn rows; load average {os.getloadavg()[0]:.1f}")
    print(
        f"{'run':>4} {'file':<11}{'floor s':>8}{'write s':>8}{'follow s':>9}{'total s':>8}"
        f"{'x floor':>8}{'x real':>7}{'suggested':>10}{'crowds':>7}{'cpu x floor':>12}"
    )
    for run in range(1, repeat + 1):
        totals: dict[str, float] = {}
        for name, data in files.items():
            # the least of three: a shared machine (CPU seconds too: they hold under load)
            floors = [_floor(data) for _ in range(3)]
            low, low_cpu = min(f[0] for f in floors), min(f[1] for f in floors)
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{folder}/bench.db"
                from planner import migrate

                migrate.upgrade(url)
                ctx = mp.get_context("spawn")
                queue = ctx.Queue()
                process = ctx.Process(
                    target=run_end_to_end, args=(url, folder, [("Connections.csv", data)], queue)
                )
                process.start()
                result: dict[str, Any] = queue.get(timeout=1200)
                process.join()
            totals[name] = result["seconds"]
            print(
                f"{run:>4} {name:<11}{low:>8.3f}{result['write']:>8.2f}"
                f"{result['followups']:>9.2f}{result['seconds']:>8.2f}"
                f"{result['seconds'] / low:>8.1f}"
                f"{result['seconds'] / totals['realistic']:>7.2f}"
                f"{result['suggestions'] or 0:>10,}{result['crowds']:>7}"
                f"{result['cpu'] / low_cpu:>12.1f}"
            )
    print(
        f"load average {os.getloadavg()[0]:.1f}; "
        "targets: realistic <= 15x floor, 120 names <= 2x realistic; "
        "cpu x floor: the same ratio in CPU seconds of each process (steadier under load)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument(
        "--only", choices=["throughput", "end-to-end"], default=None, help="one part of the bench"
    )
    parser.add_argument("--repeat", type=int, default=1, help="end-to-end runs, side by side")
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL URL to measure there too (a throwaway database is created beside it)",
    )
    args = parser.parse_args()
    if args.only != "throughput":
        end_to_end(args.rows, args.repeat)
        if args.only == "end-to-end":
            return
    rows = people(args.rows)
    workloads = {
        "LinkedIn CSV": [("Connections.csv", linkedin_csv(rows))],
        "vCard 3.0": [("contacts.vcf", vcards(rows))],
    }
    raw = raw_sqlite(rows)
    print(f"{args.rows:,} rows; raw sqlite3 executemany (4 tables): {raw:.3f} s")
    backends: dict[str, Any] = {"SQLite": lambda folder: f"sqlite:///{folder}/bench.db"}
    if args.database_url:
        backends["PostgreSQL"] = _postgres(args.database_url)
    print(
        f"{'backend':<11}{'file':<14}{'new s':>8}{'x raw':>7}{'merge s':>9}"
        f"{'created':>9}{'merged':>9}{'peak MB':>9}"
    )
    for backend, url_for in backends.items():
        for name, files in workloads.items():
            result = _measure(url_for, files)
            new, again = result["runs"]
            print(
                f"{backend:<11}{name:<14}{new['seconds']:>8.2f}{new['seconds'] / raw:>7.1f}"
                f"{again['seconds']:>9.2f}{new['created']:>9,}{again['merged']:>9,}"
                f"{result['peak_mb']:>9.0f}"
            )
    print("targets: new <= 1 s and <= 4x raw sqlite3; all-merge <= 5 s; peak <= 300 MB")


def _postgres(admin_url: str) -> Any:
    import psycopg

    def url_for(folder: str) -> str:
        name = f"bench_{Path(folder).name.lower().replace('-', '_')}"
        plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return admin_url.rsplit("/", 1)[0] + f"/{name}"

    return url_for


if __name__ == "__main__":
    main()
