"""Trips in the browser's terms and on the command line: create a trip, see whom to meet
with reasons, decide; another user's trips and contacts are out of reach."""

import json
import re
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlmodel import Session

from planner.cli import main
from planner.models import User
from tests.places_fixtures import placed, with_gazetteer
from tests.trips_fixtures import build_network

MUNICH = placed(48.1374, 11.5755, "München")


@pytest.fixture
def trips_app(app: Flask) -> Flask:
    return with_gazetteer(app)


@pytest.fixture
def alice(trips_app: Flask, make_user: Any) -> Any:
    user = make_user("alice@example.org")
    with trips_app.app_context(), Session(trips_app.extensions["planner.engine"]) as session:
        owner = session.get(User, user.id)
        build_network(session, owner, size=60)  # type: ignore[arg-type]
        session.commit()
    return user


def create_trip(web: Any, **fields: str) -> Any:
    data = {
        "place": "München",
        "arrives": "2026-12-03T09:00",
        "departs": "2026-12-05T18:00",
        "radius": "30",
        **fields,
    }
    return web.submit("/trips/new", data)


def test_a_new_trip_shows_ranked_suggestions_with_reasons(alice: Any, login: Any) -> None:
    web = login(alice)
    assert "No trips yet" in web.get("/trips/").get_data(as_text=True)
    response = create_trip(web)
    assert response.status_code == 302
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h1>Munich</h1>" in page  # the gazetteer's (GeoNames) name
    # at the leg's clock; Alice has no home city, so her clock is Germany's: no zone named
    assert "Thu, Dec 3, 9:00\u202fAM – Sat, Dec 5, 6:00\u202fPM" in page
    assert page.index("Mara Barcamp") < page.index("Max Regular")
    assert "connected since 2019, never met" in page
    assert "you follow each other on X" in page
    assert "Otto Outside" not in page  # Augsburg, 55 km
    assert "add your own topics" in page  # Alice has none yet


def test_the_trip_form_says_what_is_wrong(alice: Any, login: Any) -> None:
    web = login(alice)
    unknown = create_trip(web, place="Xyzzyville")
    assert unknown.status_code == 422
    assert "is not a city we know" in unknown.get_data(as_text=True)
    backwards = create_trip(web, departs="2026-12-01T09:00")
    assert "The departure must be after the arrival." in backwards.get_data(as_text=True)
    empty = create_trip(web, arrives="")
    assert "Enter a date and time." in empty.get_data(as_text=True)


def test_a_leg_form_with_errors_answers_422_and_keeps_what_was_typed(
    alice: Any, login: Any
) -> None:
    web = login(alice)
    trip_url = create_trip(web).headers["Location"]
    leg = {"place": "Xyzzyville", "arrives": "2026-12-06T09:00", "departs": "2026-12-07T09:00"}
    added = web.submit(f"{trip_url}/legs", {**leg, "radius": "30"}, form_url=trip_url)
    page = added.get_data(as_text=True)
    assert added.status_code == 422 and "is not a city we know" in page
    assert 'value="Xyzzyville"' in page
    edit_url = re.search(r'href="(/trips/[^"]+/legs/[^"]+/edit)"', page).group(1)  # type: ignore[union-attr]
    backwards = {"place": "München", "arrives": "2026-12-04T09:00", "departs": "2026-12-03T09:00"}
    edited = web.submit(edit_url, {**backwards, "radius": "12"}, form_url=edit_url)
    page = edited.get_data(as_text=True)
    assert edited.status_code == 422 and "The departure must be after the arrival." in page
    assert 'value="12"' in page and 'value="2026-12-04T09:00"' in page


def _ids(page: str, action: str) -> list[str]:
    return re.findall(rf'action="/trips/[^"]*/{action}/([0-9a-f-]+)"', page)


def test_accept_not_now_and_dismiss(alice: Any, login: Any) -> None:
    web = login(alice)
    trip_url = create_trip(web).headers["Location"]
    page = web.get(trip_url).get_data(as_text=True)
    first, second, third = _ids(page, "accept")[:3]
    leg_id = re.search(r'id="leg-([0-9a-f-]+)"', page).group(1)  # type: ignore[union-attr]
    accepted = web.submit(f"{trip_url}/legs/{leg_id}/accept/{first}", form_url=trip_url)
    assert accepted.status_code == 302
    web.submit(f"{trip_url}/later/{second}", form_url=trip_url)
    web.submit(f"{trip_url}/dismiss/{third}", form_url=trip_url)
    page = web.get(trip_url).get_data(as_text=True)
    suggested = _ids(page, "accept")
    assert first not in suggested and second not in suggested and third not in suggested
    assert "Proposed meetings" in page and "time and place still open" in page
    around = web.get("/trips/around").get_data(as_text=True)
    assert f'action="/trips/dismissed/{third}/restore"' in around


def test_a_post_without_csrf_token_is_refused(alice: Any, login: Any) -> None:
    web = login(alice)
    assert web.client.post("/trips/new", data={"place": "München"}).status_code == 400


def test_another_users_trip_is_not_found(alice: Any, login: Any, make_user: Any) -> None:
    trip_url = create_trip(login(alice)).headers["Location"]
    trip_id = trip_url.rstrip("/").rsplit("/", 1)[1]
    bob = login(make_user("bob@example.org"))
    token = bob.csrf_token("/trips/new")
    assert bob.get(trip_url).status_code == 404
    for path in (
        f"/trips/{trip_id}/delete",
        f"/trips/{trip_id}/legs",
        f"/trips/{trip_id}/later/{trip_id}",
    ):
        assert bob.client.post(path, data={"csrf_token": token}).status_code == 404
    assert login(alice).get(trip_url).status_code == 200


def test_settings_place_the_home_city_and_keep_topics(alice: Any, login: Any) -> None:
    web = login(alice)
    saved = web.submit(
        "/settings/", {"locale": "en", "home_city": "muenchen", "topics": "Open Data, Barcamps"}
    )
    assert saved.status_code == 302
    page = web.get("/settings/").get_data(as_text=True)
    assert 'value="muenchen"' in page and "Open Data, Barcamps" in page
    around = web.get("/trips/around").get_data(as_text=True)
    assert around.index("Mara Barcamp") < around.index("Max Regular")
    assert "shares" in around
    bad = web.submit("/settings/", {"locale": "en", "home_city": "Xyzzyville", "topics": ""})
    assert bad.status_code == 422 and "is not a city we know" in bad.get_data(as_text=True)


def test_the_synonym_table_is_editable_and_checked(alice: Any, login: Any) -> None:
    web = login(alice)
    page = web.get("/settings/topics").get_data(as_text=True)
    assert "Employer branding" in page
    bad = web.submit("/settings/topics", {"text": "Foo: bar\nBaz: bar\n"})
    assert bad.status_code == 422 and "Line 2" in bad.get_data(as_text=True)
    good = web.submit("/settings/topics", {"text": "Kaffee: Coffee, Espresso\n"})
    assert good.status_code == 302
    assert "Espresso" in web.get("/settings/topics").get_data(as_text=True)
    web.submit("/settings/topics/reset", form_url="/settings/topics")
    assert "Employer branding" in web.get("/settings/topics").get_data(as_text=True)


def test_german_trip_page(alice: Any, login: Any) -> None:
    web = login(alice)
    web.submit("/settings/", {"locale": "de", "home_city": "", "topics": ""})
    page = web.get(create_trip(web).headers["Location"]).get_data(as_text=True)
    assert "Vorschläge" in page and "seit 2019 verbunden, nie getroffen" in page


def test_cli_trips_create_and_suggest(trips_app: Flask, alice: Any) -> None:
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(main, list(args), obj=ScriptInfo(create_app=lambda: trips_app))

    created = run(
        "trips",
        "create",
        "--user",
        alice.email,
        "--city",
        "München",
        "--from",
        "2026-12-03",
        "--to",
        "2026-12-05",
        "--json",
    )
    assert created.exit_code == 0, created.output
    document = json.loads(created.stdout)
    assert document["legs"][0]["timezone"] == "Europe/Berlin"
    assert document["legs"][0]["arrives"] == "2026-12-02T23:00:00+00:00"
    assert document["legs"][0]["departs"] == "2026-12-05T23:00:00+00:00"  # the whole 5th
    suggested = run("trips", "suggest", document["id"], "--user", alice.email, "--json")
    assert suggested.exit_code == 0, suggested.output
    result = json.loads(suggested.stdout)
    assert set(result) == {"meetings", "events"}
    first = result["meetings"][0]
    assert first["display_name"] == "Mara Barcamp"
    assert {"contact_id", "display_name", "distance_km", "score", "reasons"} <= set(first)
    assert "connected since 2019, never met" in first["reasons"]
    assert run("trips", "suggest", document["id"], "--user", "nobody@example.org").exit_code == 1
    unknown = run(
        "trips",
        "create",
        "--user",
        alice.email,
        "--city",
        "Xyzzyville",
        "--from",
        "2026-12-03",
        "--to",
        "2026-12-05",
    )
    assert unknown.exit_code == 1 and "not a city we know" in unknown.output
    assert (
        run(
            "trips",
            "create",
            "--user",
            alice.email,
            "--city",
            "Wien",
            "--from",
            "someday",
            "--to",
            "2026-12-05",
        ).exit_code
        == 2
    )


def _legs_form(page: str) -> dict[str, str]:
    """What a browser sends from the legs found: the check form's inputs, a checkbox only
    when it is checked."""
    start = page.index('action="/trips/import-calendar/confirm"')
    form: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page[start:]):
        attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
        if "name" in attrs and (attrs.get("type") != "checkbox" or " checked" in tag):
            form[attrs["name"]] = attrs.get("value", "")
    form.pop("csrf_token", None)  # web.submit sends a fresh one
    return form


def test_a_travel_calendar_becomes_a_trip_after_a_check(
    alice: Any, login: Any, trips_app: Flask
) -> None:
    from pathlib import Path

    web = login(alice)
    web.submit("/settings/", {"locale": "en", "home_city": "Hamburg", "topics": ""})
    calendar = Path(__file__).parents[1] / "fixtures" / "travel" / "tripit_muenchen_berlin.ics"
    preview = web.submit(
        "/trips/import-calendar",
        {"file": (calendar.open("rb"), "tripit.ics")},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    page = preview.get_data(as_text=True)
    assert "Legs found in tripit.ics" in page
    form = _legs_form(page)
    assert sorted(name for name in form if name.endswith("-keep")) == ["legs-0-keep", "legs-1-keep"]
    form["title"] = "Süd-Tour"
    created = web.submit("/trips/import-calendar/confirm", form, form_url="/trips/import-calendar")
    assert created.status_code == 302 and "/trips/" in created.headers["Location"]
    trip = web.get(created.headers["Location"]).get_data(as_text=True)
    assert "Süd-Tour" in trip and trip.index("<h2>Munich") < trip.index("<h2>Berlin")


def test_legs_from_a_calendar_with_errors_come_back_as_the_user_left_them(
    alice: Any, login: Any
) -> None:
    from pathlib import Path

    web = login(alice)
    calendar = Path(__file__).parents[1] / "fixtures" / "travel" / "tripit_muenchen_berlin.ics"
    preview = web.submit(
        "/trips/import-calendar",
        {"file": (calendar.open("rb"), "tripit.ics")},
        content_type="multipart/form-data",
    )
    form = _legs_form(preview.get_data(as_text=True))
    confirm = "/trips/import-calendar/confirm"
    typed = {**form, "legs-0-arrives": "someday", "title": "Süd-Tour"}
    del typed["legs-1-keep"]  # the second leg left out
    wrong = web.submit(confirm, typed, form_url="/trips/import-calendar")
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "Leg 1: the dates are not valid." in page
    assert 'value="someday"' in page and 'value="Süd-Tour"' in page
    again = _legs_form(page)
    assert "legs-0-keep" in again and "legs-1-keep" not in again  # as the user left them
    assert again["legs-1-departs"] == form["legs-1-departs"]
    backwards = {**form, "legs-0-departs": "2020-01-01T09:00"}
    refused = web.submit(confirm, backwards, form_url="/trips/import-calendar")
    assert refused.status_code == 422
    assert "The departure must be after the arrival." in refused.get_data(as_text=True)
    none = {name: value for name, value in form.items() if not name.endswith("-keep")}
    empty = web.submit(confirm, none, form_url="/trips/import-calendar")
    assert empty.status_code == 422 and "Choose at least one leg." in empty.get_data(as_text=True)
    assert "No trips yet" in web.get("/trips/").get_data(as_text=True)  # nothing was kept


def test_a_file_that_is_no_calendar_is_named_and_refused(alice: Any, login: Any) -> None:
    import io

    web = login(alice)
    refused = web.submit(
        "/trips/import-calendar",
        {"file": (io.BytesIO(b"BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n"), "contacts.ics")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "contacts.ics: " in refused.get_data(as_text=True)


def test_a_station_or_airport_names_its_city(alice: Any, login: Any) -> None:
    web = login(alice)
    for typed, city in (
        ("Zürich HB", "Zürich"),
        ("München Hbf", "Munich"),
        ("Flughafen Wien", "Vienna"),
    ):
        created = create_trip(web, place=typed)
        assert created.status_code == 302, typed
        assert f"<h1>{city}</h1>" in web.get(created.headers["Location"]).get_data(as_text=True)
    alone = create_trip(web, place="Hbf")
    assert alone.status_code == 422 and "is not a city we know" in alone.get_data(as_text=True)


def test_the_command_line_places_a_station_like_the_form(trips_app: Flask, alice: Any) -> None:
    runner = CliRunner()
    args = ["trips", "create", "--user", alice.email, "--city", "München Hbf"]
    created = runner.invoke(
        main,
        [*args, "--from", "2026-12-03", "--to", "2026-12-05", "--json"],
        obj=ScriptInfo(create_app=lambda: trips_app),
    )
    assert created.exit_code == 0, created.output
    assert json.loads(created.stdout)["legs"][0]["timezone"] == "Europe/Berlin"
