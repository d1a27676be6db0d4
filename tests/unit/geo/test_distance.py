"""Great-circle distance, bounding boxes near poles and the antimeridian, radius filtering."""

import math
import random

import pytest

from planner.geo.distance import (
    bounding_box,
    haversine_km,
    in_bounding_box,
    longitude_ranges,
    within_radius,
)

HAMBURG = (53.5507, 9.993)
BERLIN = (52.5244, 13.4105)


def test_haversine_matches_known_distances() -> None:
    assert haversine_km(*HAMBURG, *BERLIN) == pytest.approx(255.4, abs=1.0)
    assert haversine_km(*HAMBURG, *HAMBURG) == 0.0
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371.0088)
    assert haversine_km(90, 0, -90, 0) == pytest.approx(math.pi * 6371.0088)


def test_haversine_is_symmetric_across_the_antimeridian() -> None:
    assert haversine_km(0, 179.5, 0, -179.5) == pytest.approx(111.2, abs=0.2)
    assert haversine_km(0, -179.5, 0, 179.5) == haversine_km(0, 179.5, 0, -179.5)


def test_bounding_box_of_a_mid_latitude_circle() -> None:
    min_lat, max_lat, min_lon, max_lon = bounding_box(*HAMBURG, 50)
    assert min_lat < HAMBURG[0] < max_lat
    assert max_lat - min_lat == pytest.approx(2 * 50 / 111.195, rel=1e-3)
    assert min_lon < HAMBURG[1] < max_lon
    assert max_lon - min_lon > max_lat - min_lat  # meridians converge towards the pole


def test_bounding_box_wraps_across_the_antimeridian() -> None:
    box = bounding_box(-17.7, 179.9, 100)  # Fiji
    assert box[2] > box[3]
    assert in_bounding_box(-17.7, -179.5, box)
    assert in_bounding_box(-17.7, 179.5, box)
    assert not in_bounding_box(-17.7, 0.0, box)
    assert longitude_ranges(box) == [(box[2], 180.0), (-180.0, box[3])]


def test_bounding_box_reaching_a_pole_spans_every_longitude() -> None:
    assert bounding_box(89.5, 10, 100)[1:] == (90.0, -180.0, 180.0)
    assert bounding_box(-89.9, 10, 50)[0] == -90.0
    assert bounding_box(0, 0, 30_000) == (-90.0, 90.0, -180.0, 180.0)


def test_zero_radius_box_is_the_point_and_negative_is_an_error() -> None:
    assert bounding_box(10, 20, 0) == pytest.approx((10, 10, 20, 20))
    with pytest.raises(ValueError, match="negative"):
        bounding_box(10, 20, -1)


@pytest.mark.parametrize(
    "center", [HAMBURG, (0.0, 179.8), (-0.5, -179.9), (89.0, 45.0), (-88.0, 0)]
)
def test_box_never_loses_a_point_inside_the_circle(center: tuple[float, float]) -> None:
    rng = random.Random(7)
    radius = 300.0
    box = bounding_box(*center, radius)
    for _ in range(2000):
        lat = max(-90.0, min(90.0, center[0] + rng.uniform(-4, 4)))
        lon = (center[1] + rng.uniform(-60, 60) + 180) % 360 - 180
        if haversine_km(*center, lat, lon) <= radius:
            assert in_bounding_box(lat, lon, box), (lat, lon)


def test_within_radius_filters_exactly_and_sorts_nearest_first() -> None:
    rows = [
        ("berlin", *BERLIN),
        ("hamburg", *HAMBURG),
        ("lueneburg", 53.2509, 10.4142),
        ("kiel", 54.3213, 10.1349),
        ("nowhere", None, None),
        ("pinneberg", 53.6603, 9.7995),
    ]
    hits = within_radius(rows, *HAMBURG, 90)
    assert [key for key, _ in hits] == ["hamburg", "pinneberg", "lueneburg", "kiel"]
    assert hits[0][1] == 0.0
    assert all(d <= 90 for _, d in hits)
    assert [d for _, d in hits] == sorted(d for _, d in hits)


def test_within_radius_agrees_with_brute_force_across_the_antimeridian() -> None:
    rng = random.Random(1)
    rows = [(i, rng.uniform(-30, 30), rng.uniform(-180, 180)) for i in range(5000)]
    center = (-10.0, 178.0)
    brute = sorted(
        (
            (i, haversine_km(*center, la, lo))
            for i, la, lo in rows
            if haversine_km(*center, la, lo) <= 800
        ),
        key=lambda hit: hit[1],
    )
    assert within_radius(rows, *center, 800) == brute
    assert any(lon < 0 for i, _, lon in rows if i in {k for k, _ in brute})


def test_points_within_agrees_with_haversine_and_keeps_the_input_order() -> None:
    import random

    from planner.geo.distance import haversine_km, points_within

    rng = random.Random(5)
    points = [(i, 53.55 + rng.uniform(-1, 1), 9.99 + rng.uniform(-1.5, 1.5)) for i in range(500)]
    hits = points_within(points, 53.55, 9.99, 50.0)
    expected = [
        (i, haversine_km(53.55, 9.99, la, lo))
        for i, la, lo in points
        if haversine_km(53.55, 9.99, la, lo) <= 50.0
    ]
    assert [i for i, _ in hits] == [i for i, _ in expected]
    assert all(abs(d - e) < 1e-9 for (_, d), (_, e) in zip(hits, expected, strict=True))
