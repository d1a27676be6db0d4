"""Places in the browser and on the command line: radius search, map data, "Change place",
contacts without a place; nobody ever sees another user's contacts."""

import json
import re
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo

from planner.cli import main
from tests.conftest import WebClient
from tests.places_fixtures import placed, with_gazetteer

HAMBURG = placed(53.5507, 9.993, "Hamburg")
LUENEBURG = placed(53.2509, 10.4142, "Lüneburg")
MUNICH = placed(48.1374, 11.5755, "München")


@pytest.fixture
def places_app(app: Flask) -> Flask:
    return with_gazetteer(app)


@pytest.fixture
def two_users(places_app: Flask, make_user: Any, make_contact: Any) -> dict[str, Any]:
    alice, bob = make_user("alice@example.org"), make_user("bob@example.org")
    contacts = {
        "ada": make_contact(alice, display_name="Ada Hafen", topics=["Barcamps"], **HAMBURG),
        "lea": make_contact(alice, display_name="Lea Heide", stage="met", **LUENEBURG),
        "max": make_contact(alice, display_name="Max Süd", **MUNICH),
        "typed": make_contact(alice, display_name="Tim Typed", location_text="somewhere nice"),
        "none": make_contact(alice, display_name="Nina Nothing"),
        "bobs": make_contact(bob, display_name="Bobs Friend <b>", **HAMBURG),
    }
    return {"alice": alice, "bob": bob, **contacts}


def test_near_page_lists_contacts_by_distance(two_users: dict[str, Any], login: Any) -> None:
    web = login(two_users["alice"])
    page = web.get("/places/near?place=Hamburg&radius=50").get_data(as_text=True)
    assert page.index("Ada Hafen") < page.index("Lea Heide")
    assert "Max Süd" not in page and "Bobs Friend" not in page
    assert "0.0 km" in page and f"/contacts/{two_users['ada'].id}" in page
    assert re.search(r'<option value="50" selected', page)
    wide = web.get("/places/near?place=Hamburg&radius=200").get_data(as_text=True)
    assert "Max Süd" not in wide and "Lea Heide" in wide


def test_near_page_says_when_a_place_is_unknown(two_users: dict[str, Any], login: Any) -> None:
    web = login(two_users["alice"])
    page = web.get("/places/near?place=Xyzzyville&radius=50").get_data(as_text=True)
    assert "&#39;Xyzzyville&#39; is not a place we know" in page
    empty = web.get("/places/near")
    assert empty.status_code == 200 and "not a place we know" not in empty.get_data(as_text=True)


def test_near_json(two_users: dict[str, Any], login: Any) -> None:
    web = login(two_users["alice"])
    doc = web.get("/places/near.json?place=Hamburg&radius_km=50").get_json()
    assert doc["place"]["city"] == "Hamburg" and doc["place"]["country"] == "DE"
    assert [c["display_name"] for c in doc["contacts"]] == ["Ada Hafen", "Lea Heide"]
    assert set(doc["contacts"][0]) == {"id", "display_name", "city", "distance_km"}
    assert doc["contacts"][1]["distance_km"] == pytest.approx(43, abs=3)
    unknown = web.get("/places/near.json?place=Xyzzyville")
    assert unknown.status_code == 404 and "not a place we know" in unknown.get_json()["error"]
    assert web.get("/places/near.json?place=Hamburg&radius_km=-1").status_code == 400
    assert web.get("/places/near.json").status_code == 400


def test_suggestions(two_users: dict[str, Any], login: Any) -> None:
    web = login(two_users["alice"])
    found = web.get("/places/suggest.json?q=Mün").get_json()
    assert found[0]["label"] == "Munich, Bayern, DE"
    assert set(found[0]) == {"label", "city", "country", "lat", "lon"}
    assert web.get("/places/suggest.json?q=M").get_json() == []


def test_map_data_is_compact_filtered_and_only_the_users(
    two_users: dict[str, Any], login: Any
) -> None:
    web = login(two_users["alice"])
    markers = web.get("/places/map.json").get_json()
    assert sorted(m[3] for m in markers) == ["Ada Hafen", "Lea Heide", "Max Süd"]
    ada = next(m for m in markers if m[3] == "Ada Hafen")
    assert ada[:3] == [53.5507, 9.993, str(two_users["ada"].id)]
    assert [m[3] for m in web.get("/places/map.json?topic=Barcamps").get_json()] == ["Ada Hafen"]
    assert [m[3] for m in web.get("/places/map.json?stage=met").get_json()] == ["Lea Heide"]
    bob = login(two_users["bob"]).get("/places/map.json").get_json()
    assert [m[3] for m in bob] == ["Bobs Friend <b>"]


def test_map_page_uses_vendored_leaflet_and_configured_tiles(
    two_users: dict[str, Any], login: Any
) -> None:
    response = login(two_users["alice"]).get("/places/map")
    page = response.get_data(as_text=True)
    assert "vendor/leaflet-1.9.4/leaflet.js" in page and "leaflet.markercluster.js" in page
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in page
    assert "<script>" not in page  # no inline code: the CSP forbids it
    csp = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tile.openstreetmap.org" in csp
    assert "script-src 'self';" in csp


def test_tile_host_in_the_csp_follows_the_configuration(
    two_users: dict[str, Any], login: Any, places_app: Flask
) -> None:
    from planner.web import content_security_policy

    policy = content_security_policy("https://{s}.tile.example.net/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tile.example.net;" in policy


def test_unplaced_page(two_users: dict[str, Any], login: Any) -> None:
    page = login(two_users["alice"]).get("/places/unplaced").get_data(as_text=True)
    assert "Tim Typed" in page and "somewhere nice" in page and "Nina Nothing" in page
    assert "Ada Hafen" not in page and "Bobs Friend" not in page
    assert f"/places/contacts/{two_users['none'].id}/place" in page


def test_contact_page_shows_the_place_and_its_source(two_users: dict[str, Any], login: Any) -> None:
    web = login(two_users["alice"])
    page = web.get(f"/contacts/{two_users['ada'].id}").get_data(as_text=True)
    assert "from the import" in page and "Change place" in page
    assert 'list="place-suggestions"' in page and "js/place-suggest.js" in page


def test_change_place_sets_a_user_place(two_users: dict[str, Any], login: Any) -> None:
    web = login(two_users["alice"])
    url = f"/places/contacts/{two_users['typed'].id}/place"
    response = web.submit(url, {"place": "Munich, Bayern, DE"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/contacts/{two_users['typed'].id}")
    page = web.get(f"/contacts/{two_users['typed'].id}").get_data(as_text=True)
    assert "set by you" in page and "Munich, Bayern, DE" in page
    near = web.get("/places/near.json?place=München&radius_km=10").get_json()
    assert {c["display_name"] for c in near["contacts"]} == {"Max Süd", "Tim Typed"}


def test_change_place_refuses_unknown_places(two_users: dict[str, Any], login: Any) -> None:
    web = login(two_users["alice"])
    url = f"/places/contacts/{two_users['typed'].id}/place"
    answer = web.submit(url, {"place": "Xyzzyville"})
    assert answer.status_code == 422  # a form with errors: planner.web.FORM_ERROR_STATUS
    assert "is not a place we know" in answer.get_data(as_text=True)


def test_change_place_needs_the_csrf_token(two_users: dict[str, Any], login: Any) -> None:
    web = login(two_users["alice"])
    url = f"/places/contacts/{two_users['typed'].id}/place"
    assert web.client.post(url, data={"place": "Hamburg"}).status_code == 400
    doc = web.get("/places/near.json?place=Hamburg&radius_km=5").get_json()
    assert "Tim Typed" not in {c["display_name"] for c in doc["contacts"]}


def test_another_users_contact_is_not_found(two_users: dict[str, Any], login: Any) -> None:
    web = login(two_users["alice"])
    url = f"/places/contacts/{two_users['bobs'].id}/place"
    assert web.get(url).status_code == 404
    token = web.csrf_token(f"/places/contacts/{two_users['typed'].id}/place")
    response = web.client.post(url, data={"csrf_token": token, "place": "Hamburg"})
    assert response.status_code == 404


def test_places_pages_need_a_sign_in(client: WebClient, places_app: Flask) -> None:
    for url in ("/places/near", "/places/map", "/places/map.json", "/places/unplaced"):
        assert client.get(url).status_code == 302


def test_editing_the_city_places_the_contact_again(two_users: dict[str, Any], login: Any) -> None:
    web = login(two_users["alice"])
    url = f"/contacts/{two_users['max'].id}/edit"
    response = web.submit(url, {"display_name": "Max Süd", "city": "Köln", "stage": "online"})
    assert response.status_code == 302
    doc = web.get("/places/near.json?place=Köln&radius_km=10").get_json()
    assert [c["display_name"] for c in doc["contacts"]] == ["Max Süd"]


# --- command line ----------------------------------------------------------------------------


@pytest.fixture
def planner(places_app: Flask) -> Any:
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Any:
        return runner.invoke(
            main, list(args), input=input, obj=ScriptInfo(create_app=lambda: places_app)
        )

    return run


def test_cli_geocode_json_shapes(planner: Any) -> None:
    city = json.loads(planner("geocode", "Hamburg", "--json").stdout)
    assert city == {
        "city": "Hamburg",
        "country": "DE",
        "lat": 53.5507,
        "lon": 9.993,
        "source": "gazetteer",
    }
    country = json.loads(planner("geocode", "Deutschland", "--json").stdout)
    assert {k: country[k] for k in ("city", "country", "lat", "lon")} == {
        "city": None,
        "country": "DE",
        "lat": None,
        "lon": None,
    }
    nothing = json.loads(planner("geocode", "remote", "--json").stdout)
    assert {k: nothing[k] for k in ("city", "country", "lat", "lon")} == dict.fromkeys(
        ("city", "country", "lat", "lon")
    )


def test_cli_geocode_stdin_keeps_the_order(planner: Any) -> None:
    result = planner("geocode", "--stdin", "--json", input="München\n\nremote\nGreater Paris\n")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [d["city"] for d in doc] == ["Munich", None, None, "Paris"]
    assert planner("geocode", "--json").exit_code == 2
    assert planner("geocode", "x", "--stdin").exit_code == 2


def test_cli_contacts_near(planner: Any, two_users: dict[str, Any]) -> None:
    result = planner(
        "contacts", "near", "Hamburg", "--user", "alice@example.org", "--radius-km", "50", "--json"
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [d["display_name"] for d in doc] == ["Ada Hafen", "Lea Heide"]
    assert doc[0]["distance_km"] == 0.0 and doc[0]["topics"] == ["Barcamps"]
    assert {"emails", "accounts", "sources", "lat", "lon"} <= set(doc[0])
    unknown = planner("contacts", "near", "Xyzzyville", "--user", "alice@example.org", "--json")
    assert unknown.exit_code == 1 and "not a place we know" in unknown.stderr
    assert unknown.stdout == ""


def test_cli_import_places_new_contacts_before_it_returns(
    planner: Any, make_user: Any, tmp_path: Any
) -> None:
    make_user("carla@example.org")
    export = tmp_path / "people.csv"
    export.write_text("name,email,location\nCarla Kiel,carla.k@example.org,Kiel\n")
    imported = planner("import", str(export), "--user", "carla@example.org", "--json")
    assert imported.exit_code == 0, imported.output
    near = planner("contacts", "near", "Kiel", "--user", "carla@example.org", "--json")
    assert [d["display_name"] for d in json.loads(near.stdout)] == ["Carla Kiel"]


def test_cli_geo_build_and_place(planner: Any, two_users: dict[str, Any]) -> None:
    built = planner("geo", "build", "--json")
    assert built.exit_code == 0 and json.loads(built.stdout)["rebuilt"] is False
    placed = planner("geo", "place", "--user", "alice@example.org", "--json")
    assert placed.exit_code == 0, placed.output
    assert json.loads(placed.stdout)["not_found"] == 1  # "somewhere nice"
