"""`planner gatherings ...` and `planner calendar export GATHERING_ID` as ../shared/CLI.md
promises: the JSON shapes, absolute links, REQUEST then CANCEL."""

import json
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo

from planner import db as planner_db
from planner.cli import main
from planner.gatherings import service
from planner.models import User
from tests.gatherings_fixtures import SHARING_NEARBY, TOPIC, build_circle
from tests.ics_reading import read_ics
from tests.places_fixtures import with_gazetteer


@pytest.fixture
def places_app(app: Flask) -> Flask:
    app.config["BASE_URL"] = "https://treffpunkt.example"
    return with_gazetteer(app)


@pytest.fixture
def planner(places_app: Flask) -> Any:
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(main, list(args), obj=ScriptInfo(create_app=lambda: places_app))

    return run


@pytest.fixture
def people(places_app: Flask, make_user: Any) -> dict[str, str]:
    user = make_user(email="organiser@example.org")
    with places_app.app_context():
        session = planner_db.session()
        circle = build_circle(session, session.get(User, user.id))  # type: ignore[arg-type]
        session.commit()
        return {name: str(c.id) for name, c in circle.people.items()}


def run_json(planner: Any, *args: str) -> Any:
    result = planner(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def create(planner: Any, *extra: str) -> Any:
    return run_json(
        planner,
        "gatherings",
        "create",
        "--user",
        "organiser@example.org",
        "--title",
        "Karriere-Stammtisch",
        "--city",
        "Hamburg",
        "--topic",
        TOPIC,
        "--option",
        "2027-03-04T18:30",
        "--option",
        "2027-03-11T18:30",
        "--tz",
        "Europe/Berlin",
        "--deadline",
        "2027-02-25",
        *extra,
    )


def test_create_invites_the_best_five_with_reasons_and_absolute_links(
    planner: Any, people: dict[str, str]
) -> None:
    document = create(planner, "--invite-best", "5")
    assert document["status"] == "polling" and document["deadline"] == "2027-02-25"
    assert [o["start"] for o in document["options"]] == [
        "2027-03-04T18:30:00+01:00",
        "2027-03-11T18:30:00+01:00",
    ]
    assert document["options"][0]["end"] == "2027-03-04T20:30:00+01:00"
    names = {i["display_name"].split()[0] for i in document["invitees"]}
    assert len(names) == 5 and names <= SHARING_NEARBY
    for invitee in document["invitees"]:
        assert invitee["link"].startswith("https://treffpunkt.example/g/")
        assert len(invitee["link"].rsplit("/", 1)[1]) >= 43
        assert any(TOPIC in reason for reason in invitee["reasons"]), invitee["reasons"]


def test_show_revoke_fix_export_cancel(
    planner: Any, people: dict[str, str], places_app: Flask
) -> None:
    document = create(
        planner, "--invite", people["Anke"], "--invite", people["Bernd"], "--venue", "Café"
    )
    gathering_id = document["id"]
    first = document["options"][0]["id"]
    token = next(
        i["link"].rsplit("/", 1)[1]
        for i in document["invitees"]
        if i["contact_id"] == people["Bernd"]
    )
    with places_app.app_context():
        session = planner_db.session()
        found = service.find_invitation(session, token)
        assert found is not None
        invitee, gathering = found
        option = next(o for o in service._options(session, gathering) if str(o.id) == first)
        service.answer(
            session,
            invitee=invitee,
            gathering=gathering,
            answers={option.id: "no"},
            name="Bernd",
            comment="Leider nicht",
        )
        session.commit()

    shown = run_json(planner, "gatherings", "show", gathering_id, "--user", "organiser@example.org")
    assert set(shown) >= {
        "id",
        "title",
        "status",
        "options",
        "invitees",
        "chosen_option",
        "venue",
        "sequence",
    }
    assert shown["options"][0] == {**shown["options"][0], "yes": 0, "maybe": 0, "no": 1}
    bernd = next(i for i in shown["invitees"] if i["contact_id"] == people["Bernd"])
    assert bernd["answered"] and bernd["answers"] == {first: "no"}
    assert bernd["comment"] == "Leider nicht" and bernd["revoked"] is False

    fixed = run_json(
        planner,
        "gatherings",
        "fix",
        gathering_id,
        "--user",
        "organiser@example.org",
        "--option",
        first,
        "--venue",
        "Café Paris",
    )
    assert fixed["status"] == "fixed" and fixed["chosen_option"] == first
    assert fixed["venue"] == "Café Paris" and fixed["sequence"] == 0
    exported = planner("calendar", "export", gathering_id, "--user", "organiser@example.org")
    assert exported.exit_code == 0, exported.output
    calendar = read_ics(exported.stdout_bytes)
    assert calendar.method.value == "REQUEST"
    assert [a.value for a in calendar.vevent.attendee_list] == ["mailto:anke@example.org"]

    cancelled = run_json(
        planner, "gatherings", "cancel", gathering_id, "--user", "organiser@example.org"
    )
    assert cancelled["status"] == "cancelled" and cancelled["sequence"] == 1
    refused = planner("calendar", "export", gathering_id, "--user", "organiser@example.org")
    assert refused.exit_code == 1
    exported = planner(
        "calendar", "export", gathering_id, "--user", "organiser@example.org", "--cancel"
    )
    assert exported.exit_code == 0, exported.output
    assert read_ics(exported.stdout_bytes).method.value == "CANCEL"


def test_revoke_attended_and_strangers(
    planner: Any, people: dict[str, str], make_user: Any
) -> None:
    document = create(planner, "--invite", people["Anke"])
    gathering_id = document["id"]
    revoked = run_json(
        planner,
        "gatherings",
        "revoke",
        gathering_id,
        "--user",
        "organiser@example.org",
        "--contact",
        people["Anke"],
    )
    assert revoked["invitees"][0]["revoked"] is True
    early = planner(
        "gatherings",
        "attended",
        gathering_id,
        "--user",
        "organiser@example.org",
        "--contact",
        people["Anke"],
    )
    assert early.exit_code == 1  # not fixed, not yet
    make_user(email="stranger@example.org")
    for args in (
        ("gatherings", "show", gathering_id),
        ("calendar", "export", gathering_id),
    ):
        result = planner(*args, "--user", "stranger@example.org")
        assert result.exit_code == 1
        assert "Karriere" not in result.output
