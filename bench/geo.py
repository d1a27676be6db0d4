"""Offline geocoding: gazetteer build, free-text lookup speed and memory, radius search.

Run: .venv/bin/python bench/geo.py   (about half a minute; no network)

Targets: lookup <= 50 us mean over a realistic mix; <= 50 MB RSS added by opening the
gazetteer and doing 10,000 lookups. The radius search compares strategies over 100,000
points spread like a German network; add a database-backed strategy to RADIUS_STRATEGIES
(same signature) to measure it against the same points.
"""

from __future__ import annotations

import gc
import json
import math
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path

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


def german_network(path: Path, rng: random.Random) -> list[Point]:
    """Points clustered around German cities by population, plus 10% spread over Germany."""
    cities = top_cities(path, "DE", 80)
    weights = [pop for *_, pop in cities]
    points: list[Point] = []
    for i in range(POINTS):
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
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        path = bench_build(Path(tmp))
        bench_lookup(path)
        bench_rss(path)
        bench_radius(path)
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--rss-child":
        rss_child(Path(sys.argv[2]))
    else:
        main()
