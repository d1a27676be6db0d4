"""Issue 22 from outside, with the CLI: a coffee that took place ten days ago, marked done,
makes the contact *met* with that day as last met and a follow-up due a week later
(overdue now); the timeline shows the meeting; done follow-ups leave the list; keep in
touch every 4 weeks makes one due within 4 weeks. Other users see none of it."""

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlmodel import Session

from planner.cli import main
from planner.models import Contact
from tests.places_fixtures import with_gazetteer


def run(app: Flask, *args: str) -> Any:
    result = CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))
    return result


def ok_json(app: Flask, *args: str) -> Any:
    result = run(app, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_coffee_ten_days_ago_marked_done_gives_met_and_an_overdue_follow_up(
    app: Flask, make_user: Any, make_contact: Any
) -> None:
    app = with_gazetteer(app)
    user = make_user("ada@example.org", home_city="Berlin")
    anna = make_contact(user, first_name="Anna", last_name="Berg")
    start = datetime.now(ZoneInfo("Europe/Berlin")).replace(
        hour=10, minute=0, second=0, microsecond=0
    ) - timedelta(days=10)
    made = ok_json(
        app, "meetings", "create", "--user", "ada@example.org", "--contact", str(anna.id),
        "--start", start.strftime("%Y-%m-%dT%H:%M"),
        "--end", (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "--tz", "Europe/Berlin", "--venue", "Café Einstein",
    )  # fmt: skip
    done = ok_json(app, "meetings", "done", made["id"], "--user", "ada@example.org")
    assert done["status"] == "done"
    met_on = start.date()
    due = met_on + timedelta(days=7)
    assert [f["due"] for f in done["followups"]] == [due.isoformat()]

    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        contact = session.get(Contact, anna.id)
        assert contact is not None
        assert contact.stage == "met"
        assert contact.last_met == met_on

    listed = ok_json(app, "followups", "list", "--user", "ada@example.org")
    assert len(listed) == 1
    item = listed[0]
    assert item["contact_id"] == str(anna.id)
    assert item["display_name"] == "Anna Berg"
    assert item["due"] == due.isoformat()
    assert item["overdue"] is True  # due three days ago
    assert item["kind"] == "after_meeting"
    assert "Anna Berg" in item["about"]
    # --due-by before the day it is due leaves it out
    early = (due - timedelta(days=1)).isoformat()
    assert ok_json(app, "followups", "list", "--user", "ada@example.org", "--due-by", early) == []

    # marking it done twice makes no second follow-up
    again = run(app, "meetings", "done", made["id"], "--user", "ada@example.org")
    assert again.exit_code == 1

    timeline = ok_json(app, "contacts", "timeline", str(anna.id), "--user", "ada@example.org")
    kinds = [entry["kind"] for entry in timeline]
    assert "meeting" in kinds and "stage" in kinds
    meeting_entry = next(e for e in timeline if e["kind"] == "meeting")
    assert datetime.fromisoformat(meeting_entry["at"]) == start
    assert "Café Einstein" in meeting_entry["text"]
    assert timeline == sorted(timeline, key=lambda e: datetime.fromisoformat(e["at"]), reverse=True)

    finished = ok_json(
        app, "followups", "done", item["id"], "--user", "ada@example.org", "--note", "Sent the deck"
    )
    assert finished["status"] == "done"
    assert ok_json(app, "followups", "list", "--user", "ada@example.org") == []
    timeline = ok_json(app, "contacts", "timeline", str(anna.id), "--user", "ada@example.org")
    assert timeline[0]["kind"] == "followup"
    assert "Sent the deck" in timeline[0]["text"]

    # done twice: refused with a message
    twice = run(app, "followups", "done", item["id"], "--user", "ada@example.org")
    assert twice.exit_code == 1
    assert "no longer open" in twice.output


def test_keep_in_touch_every_four_weeks_makes_one_due_within_four_weeks(
    app: Flask, make_user: Any, make_contact: Any
) -> None:
    app = with_gazetteer(app)
    user = make_user("ada@example.org", home_city="Hamburg")
    lotte = make_contact(user, first_name="Lotte", last_name="Norden")
    set_ = ok_json(
        app, "contacts", "keep-in-touch", str(lotte.id), "--user", "ada@example.org",
        "--every-weeks", "4",
    )  # fmt: skip
    today = datetime.now(ZoneInfo("Europe/Berlin")).date()
    due = date.fromisoformat(set_["due"])
    assert today <= due <= today + timedelta(weeks=4)
    listed = ok_json(app, "followups", "list", "--user", "ada@example.org")
    assert [(i["kind"], i["due"]) for i in listed] == [("keep_in_touch", set_["due"])]
    # doing it schedules the next one four weeks from today
    done = ok_json(app, "followups", "done", listed[0]["id"], "--user", "ada@example.org")
    assert done["next"]["due"] == (today + timedelta(weeks=4)).isoformat()
    # snooze moves it; a day in the past is refused
    snoozed = ok_json(
        app, "followups", "snooze", done["next"]["id"], "--user", "ada@example.org",
        "--until", (today + timedelta(weeks=6)).isoformat(),
    )  # fmt: skip
    assert snoozed["due"] == (today + timedelta(weeks=6)).isoformat()
    past = run(
        app, "followups", "snooze", done["next"]["id"], "--user", "ada@example.org",
        "--until", "2020-01-01",
    )  # fmt: skip
    assert past.exit_code == 1
    # 0 ends it: nothing left to do
    ended = ok_json(
        app, "contacts", "keep-in-touch", str(lotte.id), "--user", "ada@example.org",
        "--every-weeks", "0",
    )  # fmt: skip
    assert ended["due"] is None
    assert ok_json(app, "followups", "list", "--user", "ada@example.org") == []


def test_another_user_cannot_see_or_touch_follow_ups(
    app: Flask, make_user: Any, make_contact: Any
) -> None:
    app = with_gazetteer(app)
    owner = make_user("ada@example.org")
    make_user("eve@example.org")
    anna = make_contact(owner, first_name="Anna", last_name="Berg")
    set_ = ok_json(
        app, "contacts", "keep-in-touch", str(anna.id), "--user", "ada@example.org",
        "--every-weeks", "2",
    )  # fmt: skip
    assert ok_json(app, "followups", "list", "--user", "eve@example.org") == []
    theirs = run(app, "followups", "done", set_["followup_id"], "--user", "eve@example.org")
    assert theirs.exit_code == 1
    assert (
        run(app, "contacts", "timeline", str(anna.id), "--user", "eve@example.org").exit_code == 1
    )


def test_a_meeting_not_yet_begun_cannot_be_done(
    app: Flask, make_user: Any, make_contact: Any
) -> None:
    app = with_gazetteer(app)
    user = make_user("ada@example.org")
    anna = make_contact(user)
    start = datetime.now(UTC) + timedelta(days=2)
    made = ok_json(
        app, "meetings", "create", "--user", "ada@example.org", "--contact", str(anna.id),
        "--start", start.strftime("%Y-%m-%dT%H:%M"),
        "--end", (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "--tz", "UTC",
    )  # fmt: skip
    result = run(app, "meetings", "done", made["id"], "--user", "ada@example.org")
    assert result.exit_code == 1
    assert "not begun" in result.output
    assert ok_json(app, "followups", "list", "--user", "ada@example.org") == []
