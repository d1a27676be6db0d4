"""`planner import undo` keeps later work as the web does, and says which contacts it kept."""

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo

from planner.cli import main


@pytest.fixture
def planner(app: Flask) -> Any:
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))

    return run


def _import(planner: Any, path: Path, text: str) -> str:
    path.write_text(text)
    result = planner("import", str(path), "--user", "undo@example.org", "--json")
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["import_id"])


def test_undo_keeps_a_contact_a_later_import_holds_and_says_so(
    planner: Any, make_user: Any, tmp_path: Path
) -> None:
    make_user("undo@example.org")
    first = _import(planner, tmp_path / "a.csv", "Name,E-Mail\nAnna Beispiel,anna@example.org\n")
    _import(
        planner,
        tmp_path / "b.csv",
        "Name,E-Mail,Firma\nAnna Beispiel,anna@example.org,Elbwerk\n",
    )
    dry = planner("import", "undo", first, "--user", "undo@example.org", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["status"] == "done"  # nothing written
    undo = planner("import", "undo", first, "--user", "undo@example.org", "--json")
    assert undo.exit_code == 0, undo.output
    doc = json.loads(undo.stdout)
    assert (doc["status"], doc["removed"], doc["restored"], doc["kept"]) == ("undone", 0, 0, 1)
    assert [(c["name"], c["outcome"], c["reasons"]) for c in doc["contacts"]] == [
        ("Anna Beispiel", "keep", ["source"])
    ]
    exported = json.loads(
        planner("contacts", "export", "--user", "undo@example.org", "--json").stdout
    )
    assert [(c["display_name"], c["organization"]) for c in exported] == [
        ("Anna Beispiel", "Elbwerk")
    ]
    human = planner("import", "undo", first, "--user", "undo@example.org")
    assert human.exit_code == 1 and "it is undone" in human.output
