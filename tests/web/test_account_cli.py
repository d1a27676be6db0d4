"""The whole account to take along (issue 22): the demo account with a meeting, a follow-up,
a note, keep in touch, a calendar address and topics survives export -> import into a
fresh account -> export unchanged apart from ids, tokens and import times; a bad document
or a non-empty account is refused with nothing written; deleting an account leaves no row
of it in any table."""

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from planner.account.service import without_ids
from planner.cli import main
from planner.models import CalendarSource
from tests.places_fixtures import with_gazetteer


def run(app: Flask, *args: str) -> Any:
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def ok(app: Flask, *args: str) -> Any:
    result = run(app, *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _rich_account(app: Flask, make_user: Any, email: str) -> None:
    make_user(email, home_city="München", display_name="Mareike Jensen", followup_days=5)
    ok(app, "demo", "load", "--user", email, "--json")
    contacts = ok(app, "contacts", "export", "--user", email, "--json")
    first, second = contacts[0]["id"], contacts[1]["id"]
    start = datetime.now(ZoneInfo("Europe/Berlin")).replace(
        hour=15, minute=0, second=0, microsecond=0
    ) - timedelta(days=10)
    made = ok(
        app, "meetings", "create", "--user", email, "--contact", first, "--contact", second,
        "--start", start.strftime("%Y-%m-%dT%H:%M"),
        "--end", (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "--tz", "Europe/Berlin", "--venue", "Café Luitpold", "--json",
    )  # fmt: skip
    ok(app, "meetings", "done", made["id"], "--user", email, "--json")
    ok(app, "contacts", "keep-in-touch", second, "--user", email, "--every-weeks", "4", "--json")
    first_poll = ok(
        app, "gatherings", "create", "--user", email, "--title", "Stammtisch München",
        "--city", "München", "--option", "2027-03-04T18:30", "--option", "2027-03-11T18:30",
        "--tz", "Europe/Berlin", "--invite", first, "--invite", second, "--json",
    )  # fmt: skip
    ok(
        app, "gatherings", "fix", first_poll["id"], "--user", email,
        "--option", first_poll["options"][1]["id"], "--venue", "Augustiner", "--json",
    )  # fmt: skip
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        from planner.auth.service import find_user
        from planner.models.event import EventDecision, EventFeed

        user = find_user(session, email)
        assert user is not None
        session.add(
            CalendarSource(
                owner_id=user.id, name="Work", kind="url", url="https://cal.example.org/x.ics"
            )
        )
        session.add(EventFeed(owner_id=user.id, kind="url", url="https://bar.example.org/camp.ics"))
        session.add(EventDecision(owner_id=user.id, uid="camp-1@bar", decision="going"))
        session.commit()


def test_export_import_export_gives_the_same_document(
    app: Flask, make_user: Any, tmp_path: Path
) -> None:
    app = with_gazetteer(app)
    _rich_account(app, make_user, "old@example.org")
    first = run(app, "account", "export", "--user", "old@example.org")
    assert first.exit_code == 0, first.output
    document = json.loads(first.stdout)
    assert document["format"] == "treffpunkt-account"
    assert len(document["contacts"]) >= 100
    assert len(document["meetings"]) == 1 and len(document["meeting_people"]) == 2
    assert len(document["followups"]) == 3  # two after the coffee, one keep in touch
    assert document["trips"] and document["trip_legs"]
    assert document["calendars"] == [
        {
            "id": document["calendars"][0]["id"],
            "name": "Work",
            "kind": "url",
            "url": "https://cal.example.org/x.ics",
        }
    ]
    assert "password_hash" not in json.dumps(document)
    assert "token_hash" not in json.dumps(document)
    [poll] = document["gatherings"]
    assert poll["title"] == "Stammtisch München" and poll["status"] == "fixed"
    assert len(document["gathering_options"]) == 2
    assert len(document["gathering_invitees"]) == 2
    assert [f["url"] for f in document["event_feeds"]] == ["https://bar.example.org/camp.ics"]
    assert document["event_decisions"][0]["decision"] == "going"

    path = tmp_path / "account.json"
    path.write_text(first.stdout, encoding="utf-8")
    make_user("new@example.org")
    counts = ok(app, "account", "import", str(path), "--user", "new@example.org", "--json")
    assert counts["contacts"] == len(document["contacts"])
    again = json.loads(run(app, "account", "export", "--user", "new@example.org").stdout)
    assert without_ids(again) == without_ids(document)
    # references point at the right rows: the follow-ups' contacts are the meeting's people
    names = {c["id"]: c["display_name"] for c in again["contacts"]}
    people = {names[p["contact_id"]] for p in again["meeting_people"]}
    after = {names[f["contact_id"]] for f in again["followups"] if f["kind"] == "after_meeting"}
    assert people == after and len(people) == 2
    listed = ok(app, "followups", "list", "--user", "new@example.org", "--json")
    assert len(listed) == 3
    # the get-together's chosen date points at the new option, its invitees at new contacts
    [moved] = again["gatherings"]
    before = {o["id"]: o["starts_at"] for o in document["gathering_options"]}
    after = {o["id"]: o["starts_at"] for o in again["gathering_options"]}
    chosen = before[document["gatherings"][0]["chosen_option_id"]]
    assert after[moved["chosen_option_id"]] == chosen
    shown = ok(app, "gatherings", "show", moved["id"], "--user", "new@example.org", "--json")
    assert shown["status"] == "fixed" and shown["chosen_option"] == moved["chosen_option_id"]
    assert {i["display_name"] for i in shown["invitees"]} == people

    # a second import into the now full account is refused, nothing written
    refused = run(app, "account", "import", str(path), "--user", "new@example.org")
    assert refused.exit_code == 1 and "not empty" in refused.output


def test_a_broken_document_is_refused_with_nothing_written(
    app: Flask, make_user: Any, tmp_path: Path
) -> None:
    app = with_gazetteer(app)
    _rich_account(app, make_user, "old@example.org")
    document = json.loads(run(app, "account", "export", "--user", "old@example.org").stdout)
    document["followups"][0]["contact_id"] = "00000000-0000-0000-0000-000000000000"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    make_user("new@example.org")
    result = run(app, "account", "import", str(path), "--user", "new@example.org")
    assert result.exit_code == 1
    assert "followups 1" in result.output and "contact_id" in result.output
    assert ok(app, "contacts", "export", "--user", "new@example.org", "--json") == []
    path.write_text('{"format": "something else"}', encoding="utf-8")
    other = run(app, "account", "import", str(path), "--user", "new@example.org")
    assert other.exit_code == 1 and "not a Treffpunkt account export" in other.output


def test_deleting_an_account_leaves_no_row_of_it_in_any_table(app: Flask, make_user: Any) -> None:
    app = with_gazetteer(app)
    _rich_account(app, make_user, "old@example.org")
    make_user("stays@example.org")
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        from planner.auth.service import delete_user, find_user

        user = find_user(session, "old@example.org")
        assert user is not None
        owner_id = user.id
        delete_user(session, user=user)
        session.commit()
        left = {}
        for table in SQLModel.metadata.sorted_tables:
            for column in ("owner_id", "user_id"):
                if column in table.c:
                    count = session.scalar(
                        select(func.count()).select_from(table).where(table.c[column] == owner_id)
                    )
                    if count:
                        left[table.name] = count
        assert left == {}
