"""Demo data: from the empty overview (or `planner demo load`) to a trip with suggestions;
undone like any import."""

import json
import re
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo

from planner.cli import main
from tests.places_fixtures import with_gazetteer


@pytest.fixture
def demo_app(app: Flask) -> Flask:
    return with_gazetteer(app)


def test_the_empty_overview_loads_demo_data_and_shows_a_trip(
    demo_app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user("neu@example.org"))
    overview = web.get("/dashboard").get_data(as_text=True)
    assert "Try it with demo data" in overview
    assert web.client.post("/demo/load").status_code == 400  # no CSRF token
    loaded = web.submit("/demo/load", form_url="/dashboard")
    assert loaded.status_code == 302 and loaded.headers["Location"].startswith("/trips/")
    trip = web.get(loaded.headers["Location"]).get_data(as_text=True)
    assert "Demo data loaded: 122 invented contacts" in trip  # 2 without a shared e-mail
    assert "<h1>München (Demo)</h1>" in trip
    suggestions = re.findall(r'<article class="suggestion"', trip)
    assert len(suggestions) == 20
    assert "never met" in trip and "shares " in trip and "in Munich" in trip
    overview = web.get("/dashboard").get_data(as_text=True)
    assert "Try it with demo data" not in overview and "München (Demo)" in overview
    # The two people LinkedIn gave no e-mail are possible duplicates of their other row.
    duplicates = web.get("/duplicates/").get_data(as_text=True)
    assert len(set(re.findall(r'action="/duplicates/([0-9a-f-]+)/merge"', duplicates))) == 2
    settings = web.get("/settings/").get_data(as_text=True)
    assert 'value="Hamburg"' in settings and "Employer Branding" in settings
    # Undone like any import: no contacts left, the trip stays (it was planned, not imported).
    imports = web.get("/imports/").get_data(as_text=True)
    batches = set(re.findall(r'href="(/imports/[0-9a-f-]+)"', imports))
    assert len(batches) == 1
    [batch] = batches
    assert "Connections.csv" in web.get(batch).get_data(as_text=True)
    assert web.submit(f"{batch}/undo", form_url=batch).status_code == 302
    assert "Try it with demo data" in web.get("/dashboard").get_data(as_text=True)


def test_planner_demo_load(demo_app: Flask, make_user: Any) -> None:
    user = make_user("skript@example.org")
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(main, list(args), obj=ScriptInfo(create_app=lambda: demo_app))

    first = run("demo", "load", "--user", user.email, "--json")
    assert first.exit_code == 0, first.output
    document = json.loads(first.stdout)
    assert set(document) == {"import_id", "files", "trip_id", "topics_set", "home_set", "events"}
    assert [(f["file"], f["status"]) for f in document["files"]] == [
        ("Connections.csv", "imported"),
        ("Kontakte.csv", "imported"),
    ]
    assert [(f["created"], f["merged"]) for f in document["files"]] == [(120, 0), (2, 118)]
    assert document["trip_id"] and document["topics_set"] and document["home_set"]
    suggested = run("trips", "suggest", document["trip_id"], "--user", user.email, "--json")
    meetings = json.loads(suggested.stdout)["meetings"]
    assert len(meetings) == 20 and all(m["city"] == "Munich" for m in meetings)
    # people live around Munich, not all at its centre: distances read true
    distances = sorted(m["distance_km"] for m in meetings)
    assert distances[-1] > 10 and len({round(d) for d in distances}) > 5, distances
    again = json.loads(run("demo", "load", "--user", user.email, "--json").stdout)
    assert [(f["created"], f["merged"]) for f in again["files"]] == [(0, 120), (0, 120)]
    assert again["trip_id"] is None and not again["topics_set"] and not again["home_set"]
    assert run("demo", "load", "--user", "nobody@example.org").exit_code == 1
