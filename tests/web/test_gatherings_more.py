"""Get-togethers, the rest of issue 21: started from "Who is near", the venue on the map, the
start page's block of polls with open answers."""

import re
from typing import Any

import pytest
from flask import Flask

from planner import db as planner_db
from planner.models.gathering import Gathering
from tests.web.test_gatherings_web import places_app, setup  # noqa: F401 (fixtures)


def _gathering(app: Flask, gathering_id: str) -> Gathering:
    with app.app_context():
        found = planner_db.session().get(Gathering, __import__("uuid").UUID(gathering_id))
        assert found is not None
        return found


def _first_option(organiser: Any, gathering_id: str) -> str:
    show = organiser.get(f"/gatherings/{gathering_id}").get_data(as_text=True)
    return re.search(r'name="option" value="([0-9a-f-]{36})"', show).group(1)  # type: ignore[union-attr]


def test_a_venue_with_its_city_is_placed_on_the_map(
    places_app: Flask,  # noqa: F811
    login: Any,
    setup: dict[str, Any],  # noqa: F811
) -> None:
    organiser = login(setup["user"])
    gathering_id = setup["gathering_id"]
    fixed = organiser.submit(
        f"/gatherings/{gathering_id}/fix",
        {
            "option": _first_option(organiser, gathering_id),
            "venue": "Café Paris, Rathausstraße 4, 20095 Hamburg",
        },
        form_url=f"/gatherings/{gathering_id}",
    )
    assert fixed.status_code == 302
    gathering = _gathering(places_app, gathering_id)
    assert gathering.venue_lat == pytest.approx(53.55, abs=0.05)
    assert gathering.venue_lon == pytest.approx(9.99, abs=0.05)
    page = organiser.get(f"/gatherings/{gathering_id}").get_data(as_text=True)
    assert 'id="trip-map"' in page and "leaflet.js" in page and "trip-map.js" in page
    assert "53.55" in page and "Café Paris, Rathausstraße 4" in page
    assert "not on the map" not in page


def test_a_venue_naming_no_city_says_so_and_loses_the_old_place(
    places_app: Flask,  # noqa: F811
    login: Any,
    setup: dict[str, Any],  # noqa: F811
) -> None:
    organiser = login(setup["user"])
    gathering_id = setup["gathering_id"]
    option = _first_option(organiser, gathering_id)
    url = f"/gatherings/{gathering_id}/fix"
    organiser.submit(url, {"option": option, "venue": "Bar Centrale, Berlin"}, form_url=url[:-4])
    assert _gathering(places_app, gathering_id).venue_lat is not None
    organiser.submit(url, {"option": option, "venue": "Café Paris"}, form_url=url[:-4])
    gathering = _gathering(places_app, gathering_id)
    assert (gathering.venue_lat, gathering.venue_lon) == (None, None)
    page = organiser.get(f"/gatherings/{gathering_id}").get_data(as_text=True)
    assert "not on the map" in page and 'id="trip-map"' not in page and "leaflet.js" not in page
