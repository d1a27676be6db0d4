"""Places: put contacts on the map (geocoding), find them by distance, fix a place by hand.

The offline gazetteer answers every lookup; with ``GEOCODER = "nominatim"`` an online
Nominatim is asked, too, for what the gazetteer does not know, but only when the caller
says ``online=True`` (tasks and the CLI: a web request never waits on the network).
Services flush; callers commit.
"""

import math
import threading
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from geopy.extra.rate_limiter import RateLimiter
from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import selectinload
from sqlmodel import Session

from planner.db import in_chunks, table_of
from planner.geo import (
    BuildStats,
    Gazetteer,
    Place,
    bounding_box,
    build_gazetteer,
    longitude_ranges,
    make_geocoder,
    parse_location,
    suggest,
)
from planner.geo.distance import points_within
from planner.geo.gazetteer import fold
from planner.identifiers import fold_text
from planner.models import Contact, ContactTopic, GeocodeCache, LocationSource, User
from planner.models.types import utcnow

CONTACT = table_of(Contact)
TOPIC = table_of(ContactTopic)
CACHE = table_of(GeocodeCache)
_DETAILS: tuple[Any, ...] = (
    Contact.emails,
    Contact.phones,
    Contact.accounts,
    Contact.topics,
    Contact.sources,
)
_CHUNK = 1000  # ids per IN (...): far below either database's parameter limit
NOMINATIM = "nominatim"

_gazetteers: dict[Path, Gazetteer] = {}
_gazetteer_lock = threading.Lock()


def gazetteer_path() -> Path:
    return Path(current_app.config["GAZETTEER_PATH"])


def build(*, force: bool = False) -> BuildStats:
    """Build the app's gazetteer file (skipped when it is up to date)."""
    stats = build_gazetteer(gazetteer_path(), force=force)
    if stats.rebuilt:
        with _gazetteer_lock:
            stale = _gazetteers.pop(stats.path.resolve(), None)
        if stale is not None:
            stale.close()
    return stats


def gazetteer_ready() -> bool:
    """Whether places exist yet (the gazetteer file is built)."""
    return gazetteer_path().is_file()


def gazetteer() -> Gazetteer:
    """This process's gazetteer, opened once (and built first if the file is missing)."""
    path = gazetteer_path().resolve()
    found = _gazetteers.get(path)
    if found is not None:
        return found
    with _gazetteer_lock:
        if path not in _gazetteers:
            if not path.is_file():
                build_gazetteer(path)
            _gazetteers[path] = Gazetteer(path)
        return _gazetteers[path]


def place_text(text: str) -> Place | None:
    """The place a free text names (offline): a city, a country only, or None."""
    return parse_location(text, gazetteer())


def city_of(text: str) -> Place | None:
    """The city a free text names, with coordinates (None for no place or a country alone):
    what a trip leg or a home city needs."""
    place = place_text(text)
    if place is None or place.city is None or place.lat is None or place.lon is None:
        return None
    return place


def set_home(user: User, text: str) -> bool:
    """Make ``text`` the user's home city, placed by the gazetteer (empty: no home city);
    False, changing nothing, when it names no city we know."""
    text = text.strip()
    place = city_of(text) if text else None
    if text and place is None:
        return False
    user.home_city = text[:200] or None  # as the user writes it
    user.home_country = place.country if place else None
    user.home_lat, user.home_lon = (place.lat, place.lon) if place else (None, None)
    return True


def suggest_places(prefix: str, limit: int = 8) -> list[Place]:
    return suggest(prefix[:100], gazetteer(), limit)


def place_label(place: Place) -> str:
    """ "München, Bayern, DE": how a type-ahead names a place."""
    return ", ".join(dict.fromkeys(p for p in (place.city, place.region, place.country) if p))


# --- placing contacts -------------------------------------------------------------------


@dataclass
class GeocodeCounts:
    """What ``geocode_contacts`` did, for a task result, the CLI and tests."""

    considered: int = 0  # contacts with a typed location and no place yet
    placed: int = 0  # got coordinates
    country_only: int = 0  # only a country was recognised (no coordinates)
    not_found: int = 0  # nothing recognised
    failed: int = 0  # the online geocoder did not answer (tried again next time)
    online_lookups: int = 0  # requests sent to the online geocoder (cache misses)

    def to_json(self) -> dict[str, int]:
        return asdict(self)


_READ = (
    CONTACT.c.id,
    CONTACT.c.location_text,
    CONTACT.c.city,
    CONTACT.c.region,
    CONTACT.c.postal_code,
    CONTACT.c.country,
)


def location_query(
    location_text: str | None,
    city: str | None,
    region: str | None,
    postal_code: str | None,
    country: str | None,
    gaz: Gazetteer,
) -> str | None:
    """The text to look up for a contact: what it typed, else its address fields."""
    if location_text and location_text.strip():
        return location_text.strip()
    country_name = (gaz.country_name(country.upper()) or country) if country else None
    parts = [p.strip() for p in (city, region, postal_code, country_name) if p and p.strip()]
    return ", ".join(parts) or None


def _candidates_where(owner: User, force: bool) -> list[Any]:
    typed = or_(
        *(
            CONTACT.c[name].isnot(None)
            for name in ("location_text", "city", "region", "postal_code", "country")
        )
    )
    source = CONTACT.c.location_source
    if force:  # everything the geocoder placed (or tried to), never user-set or imported
        return [
            CONTACT.c.owner_id == owner.id,
            typed,
            or_(source.is_(None), source == LocationSource.GEOCODED.value),
        ]
    # Not placed yet, and not tried since the contact last changed.
    return [
        CONTACT.c.owner_id == owner.id,
        typed,
        source.is_(None),
        CONTACT.c.lat.is_(None),
        or_(
            CONTACT.c.geocoded_at.is_(None),
            CONTACT.c.geocoded_at < CONTACT.c.updated_at,
        ),
    ]


def placeable(
    session: Session, *, owner: User, contact_ids: Sequence[uuid.UUID]
) -> list[uuid.UUID]:
    """Of ``contact_ids``, those ``geocode_contacts`` would place: one read of the owner's
    unplaced contacts instead of a look-up per chunk (an export without locations, such
    as LinkedIn's, has none, and its follow-up then opens no transaction at all)."""
    wanted = set(contact_ids)
    query = select(CONTACT.c.id).where(*_candidates_where(owner, False))
    return [contact_id for contact_id in session.scalars(query) if contact_id in wanted]


def geocode_contacts(
    session: Session,
    *,
    owner: User,
    contact_ids: Sequence[uuid.UUID] | None = None,
    force: bool = False,
    online: bool = False,
) -> GeocodeCounts:
    """Place the owner's contacts that have a typed location and no place yet.

    Sets city/region/country/lat/lon, ``location_source="geocoded"`` and ``geocoded_at``.
    A place set by the user or stated by an import is never touched. ``force`` places again
    what was geocoded before. Each distinct text is looked up once; the updates are one
    executemany per kind. ``online`` lets a configured Nominatim answer what the gazetteer
    cannot (tasks and CLI only).
    """
    counts = GeocodeCounts()
    where = _candidates_where(owner, force)
    if contact_ids is None:
        rows = list(session.execute(select(*_READ).where(*where)))
    else:
        unique = list(dict.fromkeys(contact_ids))
        rows = [
            row
            for chunk in in_chunks(unique, _CHUNK)
            for row in session.execute(select(*_READ).where(*where, CONTACT.c.id.in_(chunk)))
        ]
    if not rows:
        return counts
    gaz = gazetteer()
    by_text: dict[str, list[Any]] = {}
    for row in rows:
        text = location_query(
            row.location_text, row.city, row.region, row.postal_code, row.country, gaz
        )
        if text:
            by_text.setdefault(text, []).append(row)
    counts.considered = sum(len(group) for group in by_text.values())
    places: dict[str, Place | None] = {text: parse_location(text, gaz) for text in by_text}
    failed: set[str] = set()
    if online and str(current_app.config.get("GEOCODER", "")).lower() == NOMINATIM:
        unknown = [t for t, p in places.items() if p is None or p.lat is None]
        found, failed = _geocode_online(session, unknown, counts)
        for text, place in found.items():
            if place is not None:
                places[text] = place
    now = utcnow()
    placed: list[dict[str, Any]] = []
    tried: list[dict[str, Any]] = []
    for text, group in by_text.items():
        place = places[text]
        for row in group:
            if text in failed and (place is None or place.lat is None):
                counts.failed += 1
                continue
            if place is None:
                counts.not_found += 1
                tried.append({"b_id": row.id, "b_country": row.country, "b_at": now})
            elif place.lat is None or place.lon is None:
                counts.country_only += 1
                tried.append(
                    {"b_id": row.id, "b_country": row.country or place.country, "b_at": now}
                )
            else:
                counts.placed += 1
                placed.append(_placed_values(row, place, now))
    if placed:
        session.execute(
            update(CONTACT)
            .where(CONTACT.c.id == bindparam("b_id"))
            .values(
                city=bindparam("b_city"),
                region=bindparam("b_region"),
                country=bindparam("b_country"),
                lat=bindparam("b_lat"),
                lon=bindparam("b_lon"),
                location_source=LocationSource.GEOCODED.value,
                geocoded_at=bindparam("b_at"),
            ),
            placed,
        )
    if tried:
        session.execute(
            update(CONTACT)
            .where(CONTACT.c.id == bindparam("b_id"))
            .values(country=bindparam("b_country"), geocoded_at=bindparam("b_at")),
            tried,
        )
    session.flush()
    return counts


def _placed_values(row: Any, place: Place, now: Any) -> dict[str, Any]:
    """A typed location text names the place; typed address fields are kept as written
    ("München" stays, the gazetteer would say "Munich") and only completed."""
    from_text = bool(row.location_text and row.location_text.strip())
    city = place.city if from_text else (row.city or place.city)
    region = place.region if from_text else (row.region or place.region)
    country = place.country if from_text else (row.country or place.country)
    return {
        "b_id": row.id,
        "b_city": city[:200] if city else None,
        "b_region": region[:200] if region else None,
        "b_country": country,
        "b_lat": place.lat,
        "b_lon": place.lon,
        "b_at": now,
    }


def _geocode_online(
    session: Session, texts: Sequence[str], counts: GeocodeCounts
) -> tuple[dict[str, Place | None], set[str]]:
    """Ask the configured Nominatim for ``texts``, through the shared cache (folded text)."""
    found: dict[str, Place | None] = {}
    failed: set[str] = set()
    if not texts:
        return found, failed
    keys = {text: fold(text)[:500] for text in texts}
    cached: dict[str, dict[str, Any] | None] = {}
    distinct = list(dict.fromkeys(k for k in keys.values() if k))
    for chunk in in_chunks(distinct, _CHUNK):
        for query, result in session.execute(
            select(CACHE.c.query, CACHE.c.result).where(
                CACHE.c.provider == NOMINATIM,
                CACHE.c.query.in_(chunk),
            )
        ):
            cached[query] = result
    geocode = None
    for text in texts:
        key = keys[text]
        if not key:
            continue
        if key not in cached:
            if geocode is None:
                geocode = _online_geocoder()
            counts.online_lookups += 1
            try:
                location = geocode(text, exactly_one=True, addressdetails=True)
            except Exception:  # geopy raises many kinds (timeouts, HTTP, parsing): retry later
                failed.add(text)
                continue
            cached[key] = _location_result(location)
            session.add(GeocodeCache(provider=NOMINATIM, query=key, result=cached[key]))
            session.flush()
        found[text] = _place_from_result(cached[key])
    return found, failed


def _online_geocoder() -> Any:
    """The configured geocoder, raising on errors: a failure must not pass for "nothing
    found" (geopy's RateLimiter would swallow it, and the miss would be cached)."""
    geocode = make_geocoder(current_app.config, gazetteer=gazetteer())
    if isinstance(geocode, RateLimiter):
        geocode.swallow_exceptions = False
        geocode.error_wait_seconds = float(
            current_app.config.get("GEOCODER_ERROR_WAIT_SECONDS", 5.0)
        )
    return geocode


def _location_result(location: Any) -> dict[str, Any] | None:
    if location is None:
        return None
    address = (getattr(location, "raw", None) or {}).get("address") or {}
    city = next(
        (address[k] for k in ("city", "town", "village", "municipality") if address.get(k)), None
    )
    country = address.get("country_code")
    return {
        "lat": float(location.latitude),
        "lon": float(location.longitude),
        "city": city,
        "region": address.get("state"),
        "country": country.upper() if country else None,
        "address": getattr(location, "address", None),
    }


def _place_from_result(result: dict[str, Any] | None) -> Place | None:
    if result is None:
        return None
    return Place(
        city=result.get("city"),
        country=result.get("country"),
        lat=result["lat"],
        lon=result["lon"],
        region=result.get("region"),
    )


def set_place(session: Session, *, contact: Contact, place: Place) -> Contact:
    """The user's choice of place for a contact: never overwritten by geocoding."""
    contact.city = place.city[:200] if place.city else None
    contact.region = place.region[:200] if place.region else None
    contact.country = place.country
    contact.lat, contact.lon = place.lat, place.lon
    contact.location_source = LocationSource.USER.value
    contact.updated_at = utcnow()
    session.add(contact)
    session.flush()
    return contact


# --- finding contacts by distance -------------------------------------------------------


def contacts_near(
    session: Session,
    *,
    owner: User,
    lat: float,
    lon: float,
    radius_km: float,
    limit: int | None = None,
    with_details: bool = False,
) -> list[tuple[Contact, float]]:
    """The owner's placed contacts within ``radius_km`` of (lat, lon), nearest first.

    The bounding box narrows by the (owner_id, lat, lon) index in SQL, the same statement on
    SQLite and PostgreSQL; the exact great-circle distance is computed here for the rows
    left (the box's corners are farther than the radius). ``with_details`` loads the child
    collections (e-mails, accounts ...) for an export-shaped answer.
    """
    hits = _near(session, owner, lat, lon, radius_km, (CONTACT.c.id,), limit)
    if not hits:
        return []
    contacts: dict[uuid.UUID, Contact] = {}
    ids = [row.id for row, _ in hits]
    options = [selectinload(rel) for rel in _DETAILS] if with_details else []
    for chunk in in_chunks(ids, _CHUNK):
        query = select(Contact).where(CONTACT.c.id.in_(chunk)).options(*options)
        for contact in session.execute(query).scalars():
            contacts[contact.id] = contact
    return [(contacts[row.id], d) for row, d in hits if row.id in contacts]


def near_rows(
    session: Session,
    *,
    owner: User,
    lat: float,
    lon: float,
    radius_km: float,
    limit: int | None = None,
) -> list[tuple[Any, float]]:
    """Like ``contacts_near``, as plain rows (id, display_name, city): one query, for JSON."""
    columns = (CONTACT.c.id, CONTACT.c.display_name, CONTACT.c.city)
    return _near(session, owner, lat, lon, radius_km, columns, limit)


def _near(
    session: Session,
    owner: User,
    lat: float,
    lon: float,
    radius_km: float,
    columns: Sequence[Any],
    limit: int | None,
) -> list[tuple[Any, float]]:
    """``(row, distance_km)`` within the radius, nearest first (rows: ``columns``).

    With a ``limit``, smaller circles are tried first (from 1/16 of the radius, grown by the
    density found so far): once one holds ``limit`` contacts, the nearest ``limit`` are all
    in it, so a dense city answers from a small box. Exact either way.
    """
    if limit is None:
        return _within(session, owner, lat, lon, radius_km, columns)
    if limit <= 0:
        return []
    step = radius_km / 16
    while True:
        hits = _within(session, owner, lat, lon, min(step, radius_km), columns)
        if len(hits) >= limit or step >= radius_km:
            return hits[:limit]
        # the area needed for ``limit`` at this density, a little more, at most 4x the radius
        step *= min(4.0, max(1.25, 1.1 * math.sqrt(limit / max(len(hits), 1))))


def _within(
    session: Session,
    owner: User,
    lat: float,
    lon: float,
    radius_km: float,
    columns: Sequence[Any],
) -> list[tuple[Any, float]]:
    query = select(*columns, CONTACT.c.lat.label("p_lat"), CONTACT.c.lon.label("p_lon")).where(
        *box_conditions(owner.id, lat, lon, radius_km)
    )
    rows = session.execute(query).all()
    hits = points_within(((row, row.p_lat, row.p_lon) for row in rows), lat, lon, radius_km)
    hits.sort(key=lambda hit: hit[1])
    return hits


def box_conditions(owner_id: uuid.UUID, lat: float, lon: float, radius_km: float) -> list[Any]:
    """SQL: the owner's contacts inside the bounding box of the circle (latitude narrows by
    the (owner_id, lat, lon) index; a box across the antimeridian is two longitude ranges)."""
    box = bounding_box(lat, lon, radius_km)
    return [
        CONTACT.c.owner_id == owner_id,
        CONTACT.c.lat.between(box[0], box[1]),
        or_(*(CONTACT.c.lon.between(lo, hi) for lo, hi in longitude_ranges(box))),
    ]


# --- the map and the list of contacts without a place -----------------------------------


def map_markers(
    session: Session, *, owner: User, topic: str | None = None, stage: str | None = None
) -> list[list[Any]]:
    """``[[lat, lon, id, name], ...]`` of the owner's placed contacts (compact for 10,000)."""
    where: list[Any] = [
        CONTACT.c.owner_id == owner.id,
        CONTACT.c.lat.isnot(None),
        CONTACT.c.lon.isnot(None),
    ]
    if stage:
        where.append(CONTACT.c.stage == stage)
    if topic:
        where.append(
            CONTACT.c.id.in_(
                select(TOPIC.c.contact_id).where(
                    and_(TOPIC.c.owner_id == owner.id, TOPIC.c.key == fold_text(topic)[:100])
                )
            )
        )
    rows = session.execute(
        select(CONTACT.c.lat, CONTACT.c.lon, CONTACT.c.id, CONTACT.c.display_name).where(*where)
    )
    return [[round(la, 5), round(lo, 5), str(i), name] for la, lo, i, name in rows]


@dataclass
class Unplaced:
    """Contacts the map cannot show: a typed location we could not place, or none at all."""

    typed: list[Any]  # rows: id, display_name, location (text as typed)
    missing: list[Any]  # rows: id, display_name
    typed_total: int
    missing_total: int


def unplaced_contacts(session: Session, *, owner: User, limit: int = 200) -> Unplaced:
    has_text = or_(
        *(
            CONTACT.c[name].isnot(None)
            for name in ("location_text", "city", "region", "postal_code", "country")
        )
    )
    base = [CONTACT.c.owner_id == owner.id, CONTACT.c.lat.is_(None)]
    order = (CONTACT.c.sort_key, CONTACT.c.id)
    typed = session.execute(
        select(
            CONTACT.c.id,
            CONTACT.c.display_name,
            CONTACT.c.location_text,
            CONTACT.c.postal_code,
            CONTACT.c.city,
            CONTACT.c.region,
            CONTACT.c.country,
        )
        .where(*base, has_text)
        .order_by(*order)
        .limit(limit)
    ).all()
    missing = session.execute(
        select(CONTACT.c.id, CONTACT.c.display_name)
        .where(*base, ~has_text)
        .order_by(*order)
        .limit(limit)
    ).all()

    def count(*where: Any) -> int:
        return int(
            session.execute(select(func.count()).select_from(CONTACT).where(*where)).scalar_one()
        )

    return Unplaced(
        typed=list(typed),
        missing=list(missing),
        typed_total=count(*base, has_text),
        missing_total=count(*base, ~has_text),
    )


def topic_names(session: Session, *, owner: User, limit: int = 300) -> list[str]:
    """The owner's topics, for the map's filter."""
    rows = session.execute(
        select(TOPIC.c.name, TOPIC.c.key)
        .where(TOPIC.c.owner_id == owner.id)
        .distinct()
        .order_by(TOPIC.c.key)
        .limit(limit)
    )
    return list(dict.fromkeys(name for name, _key in rows))
