"""The duplicates page notes a name too many contacts share, once, in the user's language."""

import json
from typing import Any

from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo

from planner.cli import main
from planner.duplicates import evidence


def _crowd(make_user: Any, make_contact: Any, **user: Any) -> Any:
    owner = make_user(**user)
    for n in range(evidence.MAX_SAME_NAME + 2):
        make_contact(owner, first_name="Anna", last_name="Müller", city=f"Ort {n}")
    make_contact(owner, first_name="Lotte", last_name="Brandt")
    return owner


def test_the_page_notes_a_crowd_once(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    owner = _crowd(make_user, make_contact)
    page = login(owner).get("/duplicates/").get_data(as_text=True)
    note = (
        f"{evidence.MAX_SAME_NAME + 2} contacts share the name “Anna Müller” — "
        "not suggested as duplicates one by one."
    )
    assert page.count(note) == 1
    assert "Lotte" not in page
    other = login(make_user()).get("/duplicates/").get_data(as_text=True)
    assert "share the name" not in other


def test_the_note_in_german(app: Flask, make_user: Any, make_contact: Any, login: Any) -> None:
    owner = _crowd(make_user, make_contact, locale="de")
    page = login(owner).get("/duplicates/").get_data(as_text=True)
    assert (
        f"{evidence.MAX_SAME_NAME + 2} Kontakte heißen „Anna Müller“ — "
        "sie werden nicht einzeln als mögliche Duplikate vorgeschlagen." in page
    )


def test_planner_import_names_the_crowd_it_did_not_pair(
    app: Flask, make_user: Any, tmp_path: Any
) -> None:
    make_user("crowd@example.org")
    rows = [f"Anna,Müller,,,Firma {n},,01 Oct 2026" for n in range(evidence.MAX_SAME_NAME + 3)]
    header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
    path = tmp_path / "Connections.csv"
    path.write_text("\n".join([header, *rows, "Lotte,Brandt,,,,,01 Oct 2026"]) + "\n")
    result = CliRunner().invoke(
        main,
        ["import", str(path), "--user", "crowd@example.org", "--json"],
        obj=ScriptInfo(create_app=lambda: app),
    )
    assert result.exit_code == 0, result.output
    crowd = {"name": "Anna Müller", "count": evidence.MAX_SAME_NAME + 3}
    assert json.loads(result.stdout)["crowds"] == [crowd]
    assert (
        f"{evidence.MAX_SAME_NAME + 3} contacts share the name 'Anna Müller': "
        "not suggested as duplicates one by one" in result.stderr
    )
