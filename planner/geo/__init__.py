"""Offline geocoding: gazetteer, free-text location parsing, geopy adapter, distances.

Pure: no Flask, no app database. The app builds the gazetteer file once
(``build_gazetteer(instance_path / "gazetteer.sqlite")``) and opens one ``Gazetteer`` per
process; see the module docstrings for the rules.
"""

from planner.geo.distance import (
    bounding_box,
    haversine_km,
    in_bounding_box,
    longitude_ranges,
    within_radius,
)
from planner.geo.gazetteer import (
    ATTRIBUTION,
    BuildStats,
    Gazetteer,
    GazetteerError,
    Place,
    build_gazetteer,
    place_to_json,
    suggest,
)
from planner.geo.geocoder import GazetteerGeocoder, make_geocoder
from planner.geo.parse import parse_location

__all__ = [
    "ATTRIBUTION",
    "BuildStats",
    "Gazetteer",
    "GazetteerError",
    "GazetteerGeocoder",
    "Place",
    "bounding_box",
    "build_gazetteer",
    "haversine_km",
    "in_bounding_box",
    "longitude_ranges",
    "make_geocoder",
    "parse_location",
    "place_to_json",
    "suggest",
    "within_radius",
]
