"""The demo's event feed: loaded with `planner demo load`, dated around the demo trip."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo

from planner.cli import main
from planner.demo.events import demo_feed
from planner.events.parse import parse_feed
from tests.places_fixtures import with_gazetteer


def test_the_demo_feed_is_clean_icalendar_folded_at_75_octets() -> None:
    start = datetime(2027, 1, 14, 9)  # a Thursday
    data = demo_feed(start)
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    feed = parse_feed(
        data,
        start=datetime(2026, 1, 1, tzinfo=UTC),
        end=datetime(2029, 1, 1, tzinfo=UTC),
        default_zone="Europe/Berlin",
    )
    assert feed.problems == []
    by_title = {item.summary: item for item in feed.occurrences}
    camp = by_title["Barcamp München: New Work & Community"]
    assert (camp.start, camp.end) == (
        start.date() + timedelta(days=1),
        start.date() + timedelta(days=3),
    )
    assert "Carla Kessler" in camp.description
    berlin = by_title["New Work Meetup Berlin"]
    assert berlin.start.date() == camp.start  # type: ignore[union-attr]
    assert by_title["Employer Branding Konferenz München (abgesagt)"].status == "CANCELLED"
    assert by_title["Webinar: Social Media für Recruiting"].online
    assert len([i for i in feed.occurrences if i.summary == "New-Work-Stammtisch Hamburg"]) == 11


@pytest.fixture
def demo_app(app: Flask) -> Flask:
    return with_gazetteer(app)


def test_planner_demo_load_brings_the_event_feed_once(demo_app: Flask, make_user: Any) -> None:
    user = make_user()
    runner = CliRunner()

    def run(*args: str) -> Any:
        result = runner.invoke(main, list(args), obj=ScriptInfo(create_app=lambda: demo_app))
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    first = run("demo", "load", "--user", user.email, "--json")
    assert first["events"] >= 15
    listed = run(
        "events",
        "list",
        "--user",
        user.email,
        "--from",
        "2020-01-01",
        "--to",
        "2035-12-31",
        "--json",
    )
    by_title = {item["summary"]: item for item in listed}
    camp = by_title["Barcamp München: New Work & Community"]
    assert camp["city"] == "Munich" and camp["all_day"] and not camp["online"]
    assert by_title["New Work Meetup Berlin"]["city"] == "Berlin"
    assert by_title["Employer Branding Konferenz München (abgesagt)"]["status"] == "CANCELLED"
    webinar = by_title["Webinar: Social Media für Recruiting"]
    assert webinar["online"] and webinar["city"] is None
    assert run("demo", "load", "--user", user.email, "--json")["events"] == 0
