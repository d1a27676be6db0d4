"""`planner events import` and `planner events list` as ../shared/CLI.md promises, checked
against the facts the samples' EXPECTED.json gives for the shared event feeds."""

import json
import unicodedata
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo

from planner.cli import main
from tests.fake_http import serving
from tests.places_fixtures import with_gazetteer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXPECTED = json.loads((FIXTURES / "samples" / "EXPECTED.json").read_text(encoding="utf-8"))
LIST_KEYS = {"uid", "summary", "start", "end", "all_day", "status", "city", "lat", "lon", "url"}
LIST_KEYS |= {"online", "categories"}


@pytest.fixture
def planner(app: Flask) -> Any:
    with_gazetteer(app)
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))

    return run


def _json(result: Any) -> Any:
    assert result.exit_code == 0, result.output + result.stderr
    return json.loads(result.stdout)


def _name(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _holds(items: list[dict[str, Any]], check: dict[str, Any]) -> bool:
    mine = [i for i in items if _name(i["summary"]) == _name(check["name"])]
    field, op, value = check["field"], check["op"], check["value"]
    if field == "occurrences":
        return op == "equals" and len(mine) == value
    values = [i[field] for i in mine]
    if op == "equals":
        return bool(values) and all(v == value for v in values)
    if op == "contains":
        return any(value == v or (isinstance(v, list) and value in v) for v in values)
    if op == "not_contains":
        return all(value != v and not (isinstance(v, list) and value in v) for v in values)
    raise AssertionError(f"unknown op {op}")


@pytest.mark.parametrize("sample", ["events/barcamps.ics", "events/busy.ics"])
def test_import_and_list_give_the_samples_expected_facts(
    planner: Any, make_user: Any, sample: str
) -> None:
    expected = EXPECTED[sample]
    owner = make_user()
    path = FIXTURES / "samples" / sample
    imported = _json(planner("events", "import", str(path), "--user", owner.email, "--json"))
    first, last = expected["range"]
    listed = _json(
        planner("events", "list", "--user", owner.email, "--from", first, "--to", last, "--json")
    )
    assert imported["problems"] == []
    assert len([i for i in listed if i["status"] != "CANCELLED"]) == expected["events"]
    assert len([i for i in listed if i["status"] == "CANCELLED"]) == expected["cancelled"]
    if "uids" in expected:
        assert len({i["uid"] for i in listed}) == expected["uids"]
    if "transparent" in expected:
        assert len([i for i in listed if not i["busy"]]) == expected["transparent"]
    for item in listed:
        assert set(item) >= LIST_KEYS
        assert "\ufffd" not in item["summary"]
    for check in expected["checks"]:
        assert _holds(listed, check), check


def test_the_import_counts_and_names_the_events_problems(planner: Any, make_user: Any) -> None:
    owner = make_user()
    path = FIXTURES / "events" / "broken_events.ics"
    doc = _json(planner("events", "import", str(path), "--user", owner.email, "--json"))
    assert (doc["events"], doc["cancelled"]) == (1, 0)
    assert len(doc["problems"]) == 4 and all("left out" in p for p in doc["problems"])


def test_list_limits_to_the_days_asked(planner: Any, make_user: Any) -> None:
    owner = make_user()
    path = FIXTURES / "events" / "barcamps.ics"
    _json(planner("events", "import", str(path), "--user", owner.email, "--json"))
    listed = _json(
        planner(
            "events",
            "list",
            "--user",
            owner.email,
            "--from",
            "2026-03-20",
            "--to",
            "2026-03-20",
            "--json",
        )
    )
    assert [i["summary"] for i in listed] == ["Barcamp Hamburg 2026"]
    other = make_user()
    assert (
        _json(
            planner(
                "events",
                "list",
                "--user",
                other.email,
                "--from",
                "2026-01-01",
                "--to",
                "2027-12-31",
                "--json",
            )
        )
        == []
    )


def test_errors_exit_1_with_a_message(planner: Any, make_user: Any, tmp_path: Path) -> None:
    owner = make_user()
    missing = planner("events", "import", str(tmp_path / "nope.ics"), "--user", owner.email)
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    broken = tmp_path / "kaputt.ics"
    broken.write_bytes(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n")
    result = planner("events", "import", str(broken), "--user", owner.email, "--json")
    assert result.exit_code == 1 and "kaputt.ics: the calendar is cut off" in result.stderr
    nobody = planner(
        "events",
        "list",
        "--user",
        "nobody@example.org",
        "--from",
        "2026-01-01",
        "--to",
        "2026-02-01",
    )
    assert nobody.exit_code == 1
    bad = planner("events", "list", "--user", owner.email, "--from", "soon", "--to", "2026-02-01")
    assert bad.exit_code == 2


class Feed(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/barcamps.ics":
            self.send_response(404)
            self.end_headers()
            return
        body = (FIXTURES / "events" / "barcamps.ics").read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def feed_port(app: Flask) -> Iterator[int]:
    app.config["CALENDAR_ALLOW_PRIVATE_ADDRESSES"] = True
    with serving(Feed) as port:
        yield port


def test_import_of_an_address_subscribes_and_reads_it(
    planner: Any, make_user: Any, feed_port: int
) -> None:
    owner = make_user()
    url = f"http://127.0.0.1:{feed_port}/barcamps.ics"
    doc = _json(planner("events", "import", url, "--user", owner.email, "--json"))
    assert (doc["events"], doc["cancelled"]) == (20, 1)
    again = _json(planner("events", "import", url, "--user", owner.email, "--json"))
    assert again["feed"] == doc["feed"]  # the same subscription, read again
    gone = planner(
        "events",
        "import",
        f"http://127.0.0.1:{feed_port}/gone.ics",
        "--user",
        owner.email,
        "--json",
    )
    assert gone.exit_code == 1 and "404" in gone.stderr
