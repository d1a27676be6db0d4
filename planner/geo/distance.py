"""Great-circle distances and the bounding boxes that make radius searches cheap.

A radius search is: prefilter with ``bounding_box`` (an index-friendly range on lat/lon,
e.g. in SQL), then keep and sort by the exact ``haversine_km``. The box always contains the
whole circle, so the prefilter never loses a point:

* near a pole (the circle reaches it) the box spans every longitude, latitude clamped to ±90;
* across the antimeridian the box wraps: ``min_lon > max_lon`` then means
  "lon >= min_lon or lon <= max_lon" (``in_bounding_box`` and ``longitude_ranges`` handle it);
* a radius of half the Earth's circumference or more gives the whole globe.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TypeVar

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius

K = TypeVar("K")
BoundingBox = tuple[float, float, float, float]  # min_lat, max_lat, min_lon, max_lon


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """Smallest lat/lon box holding every point within ``radius_km`` of (lat, lon), degrees."""
    if radius_km < 0:
        raise ValueError(f"radius_km must not be negative, got {radius_km}")
    angular = radius_km / EARTH_RADIUS_KM
    lat_r, lon_r = math.radians(lat), math.radians(lon)
    min_lat, max_lat = lat_r - angular, lat_r + angular
    if angular >= math.pi or min_lat <= -math.pi / 2 or max_lat >= math.pi / 2:
        # a pole lies inside the circle: every longitude is in reach
        return (
            math.degrees(max(min_lat, -math.pi / 2)),
            math.degrees(min(max_lat, math.pi / 2)),
            -180.0,
            180.0,
        )
    dlon = math.asin(math.sin(angular) / math.cos(lat_r))
    min_lon, max_lon = lon_r - dlon, lon_r + dlon
    if min_lon < -math.pi:
        min_lon += 2 * math.pi
    if max_lon > math.pi:
        max_lon -= 2 * math.pi
    return (
        math.degrees(min_lat),
        math.degrees(max_lat),
        math.degrees(min_lon),
        math.degrees(max_lon),
    )


def longitude_ranges(box: BoundingBox) -> list[tuple[float, float]]:
    """The box's longitudes as one or two non-wrapping ranges (for ``BETWEEN`` in SQL)."""
    _, _, min_lon, max_lon = box
    if min_lon <= max_lon:
        return [(min_lon, max_lon)]
    return [(min_lon, 180.0), (-180.0, max_lon)]


def in_bounding_box(lat: float, lon: float, box: BoundingBox) -> bool:
    min_lat, max_lat, min_lon, max_lon = box
    if not min_lat <= lat <= max_lat:
        return False
    if min_lon <= max_lon:
        return min_lon <= lon <= max_lon
    return lon >= min_lon or lon <= max_lon


def within_radius(
    rows: Iterable[tuple[K, float | None, float | None]],
    lat: float,
    lon: float,
    radius_km: float,
) -> list[tuple[K, float]]:
    """``(id, distance_km)`` for rows within ``radius_km`` of (lat, lon), nearest first.

    Rows without coordinates are skipped; ties keep the input order.
    """
    box = bounding_box(lat, lon, radius_km)
    min_lat, max_lat, min_lon, max_lon = box
    wraps = min_lon > max_lon
    hits: list[tuple[K, float]] = []
    for key, row_lat, row_lon in rows:
        if row_lat is None or row_lon is None or not min_lat <= row_lat <= max_lat:
            continue
        if wraps:
            if max_lon < row_lon < min_lon:
                continue
        elif not min_lon <= row_lon <= max_lon:
            continue
        distance = haversine_km(lat, lon, row_lat, row_lon)
        if distance <= radius_km:
            hits.append((key, distance))
    hits.sort(key=lambda hit: hit[1])
    return hits


def points_within(
    points: Iterable[tuple[K, float, float]], lat: float, lon: float, radius_km: float
) -> list[tuple[K, float]]:
    """``(key, distance_km)`` of the points within ``radius_km`` of (lat, lon), in input
    order. For the tens of thousands of rows a bounding box already narrowed in SQL:
    ``haversine_km`` inlined, constants hoisted, compared before the arcsine."""
    phi0, lam0 = math.radians(lat), math.radians(lon)
    cos0 = math.cos(phi0)
    limit_a = math.sin(min(radius_km / EARTH_RADIUS_KM, math.pi) / 2) ** 2
    sin, cos, rad, asin, sqrt = math.sin, math.cos, math.radians, math.asin, math.sqrt
    hits: list[tuple[K, float]] = []
    for key, p_lat, p_lon in points:
        phi = rad(p_lat)
        a = sin((phi - phi0) / 2) ** 2 + cos0 * cos(phi) * sin((rad(p_lon) - lam0) / 2) ** 2
        if a <= limit_a:
            hits.append((key, 2 * EARTH_RADIUS_KM * asin(min(1.0, sqrt(a)))))
    return hits
