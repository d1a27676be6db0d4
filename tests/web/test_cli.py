"""The `planner` command as ../shared/CLI.md promises: JSON on stdout, exit codes 0/1/2."""

import json
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo

from planner.cli import main


@pytest.fixture
def planner(app: Flask) -> Any:
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Any:
        return runner.invoke(main, list(args), input=input, obj=ScriptInfo(create_app=lambda: app))

    return run


def test_users_create_with_password_on_stdin(planner: Any, client: Any) -> None:
    result = planner(
        "users",
        "create",
        "Cli@Example.org",
        "--password-stdin",
        "--locale",
        "de",
        "--json",
        input="a long cli password\n",
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["email"] == "cli@example.org" and doc["created"] is True
    client.login("cli@example.org", "a long cli password")


def test_users_create_generates_a_password_on_stderr(planner: Any, client: Any) -> None:
    result = planner("users", "create", "gen@example.org", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["created"] is True
    password = result.stderr.strip().rsplit(": ", 1)[1]
    assert len(password) >= 16
    client.login("gen@example.org", password)


def test_users_create_twice_fails_unless_exist_ok(planner: Any) -> None:
    assert planner("users", "create", "twice@example.org", "--json").exit_code == 0
    again = planner("users", "create", "twice@example.org", "--json")
    assert again.exit_code == 1 and "exists already" in again.stderr and again.stdout == ""
    ok = planner("users", "create", "twice@example.org", "--exist-ok", "--json")
    assert ok.exit_code == 0 and json.loads(ok.stdout)["created"] is False


def test_user_errors_exit_1_and_usage_errors_exit_2(planner: Any) -> None:
    bad = planner("users", "create", "not-an-email", "--json")
    assert bad.exit_code == 1 and "not an e-mail address" in bad.stderr
    short = planner("users", "create", "s@example.org", "--password-stdin", input="short\n")
    assert short.exit_code == 1
    assert planner("users", "create").exit_code == 2
    assert planner("users", "create", "x@example.org", "--locale", "fr").exit_code == 2
    unknown = planner("contacts", "export", "--user", "ghost@example.org", "--json")
    assert unknown.exit_code == 1 and "no user" in unknown.stderr


def test_users_create_refuses_common_passwords_and_the_address(planner: Any) -> None:
    common = planner("users", "create", "c@example.org", "--password-stdin", input="1q2w3e4r5t\n")
    assert common.exit_code == 1 and "most common passwords" in common.stderr
    own = planner("users", "create", "lena@example.org", "--password-stdin", input="lena-2026-x\n")
    assert own.exit_code == 1 and "must not contain the e-mail address" in own.stderr


def test_contacts_export_prints_only_that_users_contacts(
    planner: Any, make_user: Any, make_contact: Any
) -> None:
    alice, bob = make_user("alice@example.org"), make_user("bob@example.org")
    make_contact(
        alice,
        first_name="Annegret",
        last_name="Kühnel",
        emails=["a@example.org"],
        topics=["Barcamps"],
        birthday="1980-04-02",
    )
    make_contact(bob, first_name="Bobs", last_name="Kontakt")
    result = planner("contacts", "export", "--user", "alice@example.org", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert [c["display_name"] for c in doc] == ["Annegret Kühnel"]
    assert set(doc[0]) == {
        "id",
        "display_name",
        "first_name",
        "last_name",
        "nickname",
        "organization",
        "title",
        "emails",
        "phones",
        "accounts",
        "city",
        "region",
        "postal_code",
        "country",
        "lat",
        "lon",
        "location_text",
        "birthday",
        "topics",
        "notes",
        "sources",
        "stage",
        "last_met",
        "address_form",  # the German form of address invitations use: "sie" or "du"
    }


def test_db_upgrade_is_idempotent(planner: Any) -> None:
    result = planner("db", "upgrade", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["status"] == "ok"


def test_db_upgrade_queues_the_derived_topics_a_migration_left_stale(
    planner: Any, app: Any, make_user: Any, make_contact: Any
) -> None:
    from sqlmodel import Session

    from planner.models import Contact

    owner = make_user("stale@example.org")
    contact = make_contact(owner, title="Employer Branding")
    assert contact.interests_at is None  # as migration 0008 leaves every contact
    result = planner("db", "upgrade", "--json")
    assert json.loads(result.stdout)["interests_queued"] == 1
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        refreshed = session.get(Contact, contact.id)
        assert refreshed is not None and refreshed.interests_at is not None
        assert refreshed.interest_bits != 0  # "Employer Branding" is a topic
    assert json.loads(planner("db", "upgrade", "--json").stdout)["interests_queued"] == 0


SAMPLES = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "samples"


def test_a_dry_run_names_the_people_kept_apart(planner: Any, make_user: Any) -> None:
    make_user("apart@example.org")
    fixture = SAMPLES.parent / "dedupe" / "shared_keys_google.csv"
    result = planner("import", str(fixture), "--user", "apart@example.org", "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    [doc] = json.loads(result.stdout)["files"]
    assert (doc["created"], doc["merged"], doc["apart"]) == (14, 5, 30)
    assert {
        "name": "Peter Berg",
        "row": 3,
        "other": "Anna Berg",
        "other_row": 2,
        "existing": False,
        "same_name": False,
        "reasons": [{"code": "same_phone", "values": ["+49 40 5550140"]}],
    } in doc["held_apart"]
    assert any(m["name"] == "K. Hansen" and m["other"] == "Kai Hansen" for m in doc["merges"])
    assert "30 pairs kept apart" in result.stderr


def test_import_and_undo_speak_the_cli_contract(planner: Any, make_user: Any) -> None:
    make_user("imp@example.org")
    result = planner(
        "import",
        str(SAMPLES / "linkedin/Connections.csv"),
        str(SAMPLES / "broken/empty.csv"),
        "--user",
        "imp@example.org",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    linkedin, empty = doc["files"]
    assert set(linkedin) == {
        "file",
        "format",
        "status",
        "contacts",
        "created",
        "merged",
        "skipped",
        "problems",
        "error",
        "merges",
        "held_apart",
        "apart",
        "unlisted_merges",
    }
    assert (linkedin["format"], linkedin["status"], linkedin["created"]) == (
        "linkedin_connections_csv",
        "imported",
        15,
    )
    assert empty["status"] == "rejected" and "empty" in empty["error"]
    exported = json.loads(
        planner("contacts", "export", "--user", "imp@example.org", "--json").stdout
    )
    assert len(exported) == 15
    undo = planner("import", "undo", doc["import_id"], "--user", "imp@example.org", "--json")
    assert undo.exit_code == 0 and json.loads(undo.stdout)["removed"] == 15
    again = planner("import", "undo", doc["import_id"], "--user", "imp@example.org", "--json")
    assert again.exit_code == 1


def test_import_dry_run_and_usage_errors(planner: Any, make_user: Any) -> None:
    make_user("dry@example.org")
    csv = str(SAMPLES / "linkedin/Connections.csv")
    dry = planner("import", csv, "--user", "dry@example.org", "--dry-run", "--json")
    assert json.loads(dry.stdout)["import_id"] is None
    assert json.loads(dry.stdout)["files"][0]["created"] == 15
    assert (
        json.loads(planner("contacts", "export", "--user", "dry@example.org", "--json").stdout)
        == []
    )
    assert planner("import", csv, "--user", "dry@example.org", "--format", "nope").exit_code == 2
    assert planner("import", "--user", "dry@example.org").exit_code == 2
    only_bad = planner(
        "import", str(SAMPLES / "broken/empty.csv"), "--user", "dry@example.org", "--json"
    )
    assert only_bad.exit_code == 1 and json.loads(only_bad.stdout)["files"][0]["error"]


def test_export_then_import_json_into_a_fresh_account(
    planner: Any, make_user: Any, make_contact: Any, tmp_path: Any
) -> None:
    alice, _bob = make_user("a-json@example.org"), make_user("b-json@example.org")
    make_contact(
        alice, first_name="Annegret", emails=["a@example.org"], topics=["Barcamps"], stage="met"
    )
    exported = planner("contacts", "export", "--user", "a-json@example.org", "--json").stdout
    document = tmp_path / "contacts.json"
    document.write_text(exported)
    result = planner(
        "contacts", "import-json", str(document), "--user", "b-json@example.org", "--json"
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["created"] == 1
    again = json.loads(
        planner("contacts", "export", "--user", "b-json@example.org", "--json").stdout
    )
    strip = [{k: v for k, v in c.items() if k != "id"} for c in json.loads(exported)]
    assert [{k: v for k, v in c.items() if k != "id"} for c in again] == strip
    broken = tmp_path / "broken.json"
    broken.write_text('[{"display_name": "X", "emails": "x@example.org"}]')
    bad = planner("contacts", "import-json", str(broken), "--user", "b-json@example.org")
    assert bad.exit_code == 1 and "contact 1: 'emails' must be a list" in bad.stderr
