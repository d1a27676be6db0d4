"""Offline geocoding: gazetteer build, free-text lookup speed and memory, radius search.

Run: .venv/bin/python bench/geo.py [--database-url postgresql+psycopg://postgres@127.0.0.1/test]
                                    [--million]      (about a minute; no network)

Targets: lookup <= 50 us mean over a realistic mix; <= 50 MB RSS added by opening the
gazetteer and doing 10,000 lookups. The radius search compares strategies over 100,000
points spread like a German network, in memory and in the database the app uses
(``planner.places.service``: bounding box on the indexed (owner_id, lat, lon) columns, exact
distance in Python), on SQLite and, with --database-url, on a throwaway PostgreSQL database
created beside the given one. Each database also holds as many contacts of another user (the
search must ignore them). --million repeats the database search over 1,000,000 contacts
(target <= 100 ms; filling takes minutes, hence the flag).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from planner.geo.distance import EARTH_RADIUS_KM, bounding_box, within_radius
from planner.geo.gazetteer import Gazetteer, build_gazetteer
from planner.geo.parse import parse_location

LOOKUPS_FOR_RSS = 10_000
MIX_SIZE = 4_000
POINTS = 100_000
HAMBURG = (53.5507, 9.993)
RADIUS_KM = 50.0
NEAREST = 500  # what the "Who is near" page shows at most

Point = tuple[int, float, float]
RadiusSearch = Callable[[Sequence[Point], float, float, float], list[tuple[int, float]]]


def top_cities(path: Path, country: str | None, n: int) -> list[tuple[str, float, float, int]]:
    """Most populous cities of a country (None: outside Germany), read from the file itself."""
    where = "country = ?" if country else "country != 'DE'"
    params = (country, n) if country else (n,)
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute(
            f"SELECT name, lat, lon, population FROM city WHERE {where}"
            " ORDER BY population DESC LIMIT ?",
            params,
        ).fetchall()


def location_mix(path: Path, rng: random.Random) -> list[str]:
    """Strings shaped like LinkedIn/XING/X/Mastodon location fields, German-heavy."""
    german = [name for name, *_ in top_cities(path, "DE", 300)]
    world = [name for name, *_ in top_cities(path, None, 300)]
    world_templates = ["{c}", "Greater {c} Area", "{c} | he/him", "{c} 🌍"]
    templates = [
        "{c}",
        "{c}, Germany",
        "{c}, Deutschland",
        "Greater {c} Area",
        "{c} Metropolitan Area",
        "{c} 🇩🇪",
        "📍 {c}",
        "{c} | she/her",
        "{c} & remote",
        "{c}/Berlin",
        "2{z:04d} {c}",
        "Hauptstr. {n}, {z:05d} {c}",
        "Based in {c}",
        "{c}-based",
        "{C}",
        "{c} (DE)",
    ]
    non_places = [
        "remote",
        "worldwide",
        "weltweit",
        "Home Office",
        "digital nomad 🌍",
        "Internet",
        "views are my own",
        "he/him",
        "@someone@chaos.social",
        "https://example.org",
        "DACH",
        "Deutschland",
        "NRW",
        "Bayern",
        "🇩🇪",
        "Europe",
    ]
    mix = []
    for _ in range(MIX_SIZE):
        roll = rng.random()
        if roll < 0.12:
            mix.append(rng.choice(non_places))
            continue
        # contacts cluster: big cities far more often than small ones
        pool = german if roll < 0.8 else world
        city = pool[min(int(rng.expovariate(1 / 30)), len(pool) - 1)]
        template = rng.choice(templates if pool is german else world_templates)
        mix.append(
            template.format(c=city, C=city.upper(), z=rng.randrange(10000), n=rng.randrange(1, 99))
        )
    return mix


def bench_build(directory: Path) -> Path:
    path = directory / "gazetteer.sqlite"
    stats = build_gazetteer(path, force=True)
    print(
        f"build: {stats.seconds:.2f} s, {stats.bytes / 1e6:.1f} MB, "
        f"{stats.cities:,} cities, {stats.names:,} names"
    )
    started = time.perf_counter()
    build_gazetteer(path)
    print(f"build again (up to date, skipped): {(time.perf_counter() - started) * 1e3:.1f} ms")
    return path


def _time_pass(mix: Sequence[str], gazetteer: Gazetteer) -> tuple[float, int]:
    started = time.perf_counter()
    found = sum(parse_location(text, gazetteer) is not None for text in mix)
    return time.perf_counter() - started, found


def bench_lookup(path: Path) -> None:
    """Best of 3 runs each (the machine is shared): fresh gazetteer, second pass, no cache."""
    mix = location_mix(path, random.Random(42))
    cold, warm, uncached = [], [], []
    for _ in range(3):
        gazetteer = Gazetteer(path)
        cold.append(_time_pass(mix, gazetteer)[0])
        seconds, found = _time_pass(mix, gazetteer)
        warm.append(seconds)
        gazetteer.cities = gazetteer._cities  # type: ignore[method-assign]
        uncached.append(_time_pass(mix, gazetteer)[0])
        gazetteer.close()
    per = {
        name: min(runs) / len(mix) * 1e6
        for name, runs in (("cold", cold), ("warm", warm), ("uncached", uncached))
    }
    print(
        f"lookup mix: {len(mix):,} strings, {len(set(mix)):,} distinct, "
        f"{found / len(mix):.0%} placed (city or country)"
    )
    print(f"lookup, fresh gazetteer (cache cold): {per['cold']:.1f} us mean  [target <= 50 us]")
    print(f"lookup, second pass (cache warm): {per['warm']:.1f} us mean")
    print(
        f"lookup, LRU disabled: {per['uncached']:.1f} us mean "
        f"(cache gives x{per['uncached'] / per['cold']:.1f} cold, "
        f"x{per['uncached'] / per['warm']:.1f} warm)"
    )


def rss_child(path: Path) -> None:
    """Runs in a fresh interpreter so the build's memory does not hide the gazetteer's."""
    process = psutil.Process()
    rng = random.Random(7)
    mix = location_mix(path, rng)
    texts = [rng.choice(mix) for _ in range(LOOKUPS_FOR_RSS)]
    gc.collect()
    before = process.memory_info().rss
    gazetteer = Gazetteer(path)
    for text in texts:
        parse_location(text, gazetteer)
    gc.collect()
    print(json.dumps({"before": before, "after": process.memory_info().rss}))


def bench_rss(path: Path) -> None:
    out = subprocess.run(
        [sys.executable, __file__, "--rss-child", str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rss = json.loads(out)
    added = (rss["after"] - rss["before"]) / 2**20
    print(
        f"RSS added by opening + {LOOKUPS_FOR_RSS:,} lookups: {added:.1f} MB "
        f"(process {rss['after'] / 2**20:.0f} MB)  [target <= 50 MB]"
    )


def german_network(path: Path, rng: random.Random, n: int = POINTS) -> list[Point]:
    """Points clustered around German cities by population, plus 10% spread over Germany."""
    cities = top_cities(path, "DE", 80)
    weights = [pop for *_, pop in cities]
    points: list[Point] = []
    for i in range(n):
        if rng.random() < 0.1:
            points.append((i, rng.uniform(47.3, 55.0), rng.uniform(5.9, 15.0)))
            continue
        _, lat, lon, _ = rng.choices(cities, weights)[0]
        sigma = rng.uniform(0.05, 0.3)  # degrees: city centre to commuter belt
        points.append((i, rng.gauss(lat, sigma), rng.gauss(lon, sigma * 1.6)))
    return points


def numpy_haversine(
    points: Sequence[Point], lat: float, lon: float, radius_km: float
) -> list[tuple[int, float]]:
    """Brute force over every point, vectorised (arrays built outside the timing)."""
    ids, lats, lons = _ARRAYS
    phi1, phi2 = math.radians(lat), np.radians(lats)
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lons - lon) / 2) ** 2
    )
    dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    hit = np.nonzero(dist <= radius_km)[0]
    order = hit[np.argsort(dist[hit], kind="stable")]
    return [(int(ids[i]), float(dist[i])) for i in order]


def numpy_bbox_then_exact(
    points: Sequence[Point], lat: float, lon: float, radius_km: float
) -> list[tuple[int, float]]:
    """Vectorised bounding-box mask first, haversine on survivors (no antimeridian wrap)."""
    ids, lats, lons = _ARRAYS
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius_km)
    inside = np.nonzero(
        (lats >= min_lat) & (lats <= max_lat) & (lons >= min_lon) & (lons <= max_lon)
    )[0]
    phi1, phi2 = math.radians(lat), np.radians(lats[inside])
    a = (
        np.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * np.cos(phi2) * np.sin(np.radians(lons[inside] - lon) / 2) ** 2
    )
    dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    hit = np.nonzero(dist <= radius_km)[0]
    order = hit[np.argsort(dist[hit], kind="stable")]
    return [(int(ids[inside[i]]), float(dist[i])) for i in order]


def bbox_then_exact(
    points: Sequence[Point], lat: float, lon: float, radius_km: float
) -> list[tuple[int, float]]:
    """Pure Python: bounding-box prefilter, exact great-circle distance on the survivors."""
    return within_radius(points, lat, lon, radius_km)


RADIUS_STRATEGIES: dict[str, RadiusSearch] = {
    "numpy haversine, every point": numpy_haversine,
    "bbox prefilter + exact (pure python)": bbox_then_exact,
    "numpy bbox mask + haversine on survivors": numpy_bbox_then_exact,
    # "database bbox (indexed lat/lon) + exact": add here, same signature
}
_ARRAYS: tuple[np.ndarray, np.ndarray, np.ndarray]


@contextmanager
def throwaway_database(url: str | None, folder: Path) -> Iterator[str]:
    """A fresh database at head: SQLite in ``folder``, or a new PostgreSQL database."""
    from planner import migrate
    from planner.config import normalize_database_url

    if url is None:
        url = f"sqlite:///{folder / f'bench-{secrets.token_hex(4)}.db'}"
        migrate.upgrade(url)
        yield url
        return
    import psycopg

    url = normalize_database_url(url)
    admin = url.replace("postgresql+psycopg://", "postgresql://")
    name = f"planner_bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
        try:
            fresh = url.rsplit("/", 1)[0] + f"/{name}"
            migrate.upgrade(fresh)
            yield fresh
        finally:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class DatabaseNetwork:
    """The points as one user's contacts (bulk insert through ``contact_rows``, as an import
    writes them), beside up to 100,000 contacts of another user."""

    def __init__(self, url: str, points: Sequence[Point]) -> None:
        from sqlalchemy import text
        from sqlmodel import Session

        from planner.contacts.service import ContactInput, contact_rows
        from planner.db import make_engine
        from planner.imports.service import insert_contacts
        from planner.models import User
        from planner.models.types import utcnow

        self.engine = make_engine(url)
        self.backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        started = time.perf_counter()
        with Session(self.engine, expire_on_commit=False) as session:
            owner = User(email="near@example.org", password_hash="-")  # never signs in
            other = User(email="other@example.org", password_hash="-")
            session.add_all([owner, other])
            session.commit()
            self.owner = owner
            self.ids: dict[uuid.UUID, int] = {}
            now = utcnow()
            self.others = min(len(points), POINTS)
            for user, shift, mine in ((owner, 0.0, points), (other, 0.001, points[: self.others])):
                for start in range(0, len(mine), 20_000):
                    rows = []
                    for i, lat, lon in mine[start : start + 20_000]:
                        contact_id = uuid.uuid4()
                        if user is owner:
                            self.ids[contact_id] = i
                        data = ContactInput(display_name=f"Contact {i}", lat=lat + shift, lon=lon)
                        rows.append(contact_rows(user.id, contact_id, data))
                    insert_contacts(session, rows, now)
                session.commit()
            session.execute(text("ANALYZE"))
            session.commit()
            session.expunge_all()
        self.fill_seconds = time.perf_counter() - started

    def rows(
        self, points: Sequence[Point], lat: float, lon: float, radius_km: float
    ) -> list[tuple[int, float]]:
        """``places.service.near_rows`` (what near.json uses): SQL box + exact distances."""
        return self.nearest(points, lat, lon, radius_km, None)

    def nearest(
        self,
        points: Sequence[Point],
        lat: float,
        lon: float,
        radius_km: float,
        limit: int | None = NEAREST,
    ) -> list[tuple[int, float]]:
        """``near_rows`` with a limit (what the near page asks): growing circles."""
        from sqlmodel import Session

        from planner.places.service import near_rows

        with Session(self.engine) as session:
            hits = near_rows(
                session, owner=self.owner, lat=lat, lon=lon, radius_km=radius_km, limit=limit
            )
        return [(self.ids[row.id], distance) for row, distance in hits]

    def contacts(
        self, points: Sequence[Point], lat: float, lon: float, radius_km: float
    ) -> list[tuple[int, float]]:
        """``places.service.contacts_near``: the same, plus the Contact rows (what pages show)."""
        from sqlmodel import Session

        from planner.places.service import contacts_near

        with Session(self.engine) as session:
            hits = contacts_near(session, owner=self.owner, lat=lat, lon=lon, radius_km=radius_km)
            return [(self.ids[contact.id], distance) for contact, distance in hits]

    def plan(self, lat: float, lon: float, radius_km: float) -> str:
        """How the database runs the bounding-box query (does it use the index?)."""
        from sqlalchemy import or_, select, text
        from sqlalchemy.dialects import postgresql, sqlite

        from planner.geo import bounding_box, longitude_ranges
        from planner.places.service import CONTACT

        box = bounding_box(lat, lon, radius_km)
        query = select(CONTACT.c.id, CONTACT.c.lat, CONTACT.c.lon).where(
            CONTACT.c.owner_id == self.owner.id,
            CONTACT.c.lat.between(box[0], box[1]),
            or_(*(CONTACT.c.lon.between(lo, hi) for lo, hi in longitude_ranges(box))),
        )
        dialect: Any = postgresql.dialect() if self.backend == "PostgreSQL" else sqlite.dialect()
        sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
        if self.backend == "SQLite":
            sql = sql.replace(f"'{self.owner.id}'", f"'{self.owner.id.hex}'")
        explain = "EXPLAIN " if self.backend == "PostgreSQL" else "EXPLAIN QUERY PLAN "
        with self.engine.connect() as conn:
            rows = conn.execute(text(explain + sql)).all()
        return " | ".join(str(row[-1]) for row in rows)


def bench_database_radius(path: Path, database_url: str | None, n: int, folder: Path) -> None:
    """The app's radius search over ``n`` contacts per database, against numpy brute force."""
    global _ARRAYS
    points = german_network(path, random.Random(3), n)
    _ARRAYS = (
        np.array([p[0] for p in points]),
        np.array([p[1] for p in points]),
        np.array([p[2] for p in points]),
    )
    reference = numpy_haversine(points, *HAMBURG, RADIUS_KM)
    brute = _best_of(lambda: numpy_haversine(points, *HAMBURG, RADIUS_KM))
    print(
        f"database radius search, {n:,} contacts of the user (+ {min(n, POINTS):,} of another), "
        f"{RADIUS_KM:.0f} km around Hamburg ({len(reference):,} within), best of 5:"
    )
    print(f"  numpy haversine over every point (in memory, no database): {brute * 1e3:.1f} ms")
    urls: list[str | None] = [None] + ([database_url] if database_url else [])
    for url in urls:
        with throwaway_database(url, folder) as fresh:
            network = DatabaseNetwork(fresh, points)
            try:
                print(
                    f"  {network.backend}: filled in {network.fill_seconds:.1f} s "
                    f"({(n + network.others) / network.fill_seconds:,.0f} contacts/s); plan: "
                    f"{network.plan(*HAMBURG, RADIUS_KM)}"
                )
                for label, search, expected in (
                    ("near_rows: bbox in SQL + exact distances, all", network.rows, reference),
                    (
                        f"near_rows, nearest {NEAREST} (growing circles)",
                        network.nearest,
                        reference[:NEAREST],
                    ),
                    ("contacts_near: all, as Contact objects", network.contacts, reference),
                ):
                    hits = search(points, *HAMBURG, RADIUS_KM)
                    seconds = _best_of(lambda s=search: s(points, *HAMBURG, RADIUS_KM))  # type: ignore[misc]
                    same = [i for i, _ in hits] == [i for i, _ in expected]
                    target = "  [target <= 100 ms]" if n >= 1_000_000 else ""
                    print(
                        f"    {label}: {seconds * 1e3:.1f} ms, x{seconds / brute:.2f} vs numpy"
                        f"{'' if same else '  (RESULTS DIFFER)'}{target}"
                    )
            finally:
                network.engine.dispose()


def _best_of(run: Callable[[], object], times: int = 5) -> float:
    runs = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        runs.append(time.perf_counter() - started)
    return min(runs)


def bench_radius(path: Path) -> None:
    global _ARRAYS
    points = german_network(path, random.Random(3))
    _ARRAYS = (
        np.array([p[0] for p in points]),
        np.array([p[1] for p in points]),
        np.array([p[2] for p in points]),
    )
    results: dict[str, tuple[float, list[tuple[int, float]]]] = {}
    for name, search in RADIUS_STRATEGIES.items():
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            hits = search(points, *HAMBURG, RADIUS_KM)
            runs.append(time.perf_counter() - started)
        results[name] = (min(runs), hits)
    baseline_name = next(iter(results))
    baseline, reference = results[baseline_name]
    print(
        f"radius {RADIUS_KM:.0f} km around Hamburg over {len(points):,} points "
        f"({len(reference):,} within), best of 5:"
    )
    for name, (seconds, hits) in results.items():
        same = [i for i, _ in hits] == [i for i, _ in reference]
        print(
            f"  {name}: {seconds * 1e3:.1f} ms, x{seconds / baseline:.2f} vs {baseline_name}"
            f"{'' if same else '  (RESULTS DIFFER)'}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="also PostgreSQL (a throwaway database beside it)")
    parser.add_argument("--million", action="store_true", help="also 1,000,000 contacts")
    parser.add_argument("--only-database", action="store_true", help="skip the gazetteer parts")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if args.only_database:
            path = Path(tmp) / "gazetteer.sqlite"
            build_gazetteer(path)
        else:
            path = bench_build(Path(tmp))
            bench_lookup(path)
            bench_rss(path)
            bench_radius(path)
        bench_database_radius(path, args.database_url, POINTS, Path(tmp))
        if args.million:
            bench_database_radius(path, args.database_url, 1_000_000, Path(tmp))
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--rss-child":
        rss_child(Path(sys.argv[2]))
    else:
        main()
