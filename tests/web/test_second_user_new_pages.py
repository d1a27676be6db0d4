"""A second user, each with the demo data, tries the first one's ids in the new pages' URLs,
also inside their own trip, leg or contact: every such URL answers 404 and changes nothing."""

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from tests.conftest import count_rows


def _ids(app: Flask, user: Any) -> dict[str, str]:
    """One of each of the user's things: contact, event, trip, leg, timeline note."""
    engine = app.extensions["planner.engine"]
    owner = user.id.hex if engine.dialect.name == "sqlite" else str(user.id)
    queries = {
        "contact": "SELECT id FROM contact WHERE owner_id = :o ORDER BY id",
        "event": "SELECT id FROM event_occurrence WHERE owner_id = :o ORDER BY id",
        "trip": "SELECT id FROM trip WHERE owner_id = :o",
        "leg": "SELECT l.id FROM trip_leg l JOIN trip t ON t.id = l.trip_id WHERE t.owner_id = :o",
        "note": "SELECT id FROM timeline_entry WHERE owner_id = :o AND kind = 'note'",
    }
    found = {}
    with engine.connect() as connection:
        for name, sql in queries.items():
            value = connection.execute(text(sql), {"o": owner}).scalar()
            if value is not None:
                found[name] = str(value)
    return found


def _as_uuid(value: str) -> str:
    value = value.replace("-", "")
    if len(value) != 32:
        return value
    return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"


@pytest.fixture
def two(app: Flask, make_user: Any, login: Any) -> dict[str, Any]:
    users = {}
    for name in ("alice", "bob"):
        user = make_user()
        web = login(user)
        assert web.submit("/demo/load", form_url="/dashboard").status_code == 302
        users[name] = (user, web)
    alice, alice_web = users["alice"]
    contact = _as_uuid(_ids(app, alice)["contact"])
    note = alice_web.submit(
        f"/contacts/{contact}/notes",
        {"text": "Alice's private note"},
        form_url=f"/contacts/{contact}",
    )
    assert note.status_code == 302
    mine = {k: _as_uuid(v) for k, v in _ids(app, alice).items()}
    theirs = {k: _as_uuid(v) for k, v in _ids(app, users["bob"][0]).items()}
    assert {"contact", "event", "trip", "leg", "note"} <= set(mine)
    return {"alice": mine, "bob": theirs, "web": users["bob"][1], "alice_web": alice_web}


URLS = [
    "/contacts/{a[contact]}/notes",
    "/contacts/{a[contact]}/keep-in-touch",
    "/contacts/{b[contact]}/notes/{a[note]}/delete",
    "/trips/{b[trip]}/events/{a[event]}/going",
    "/trips/{b[trip]}/events/{a[event]}/not-interested",
    "/trips/{b[trip]}/events/{a[event]}/undo",
    "/trips/around/events/{a[event]}/going",
    "/trips/around/events/{a[event]}/not-interested",
    "/trips/{a[trip]}/events/{b[event]}/going",
    "/trips/{b[trip]}/legs/{b[leg]}/events/{a[event]}/coffee/{b[contact]}",
    "/trips/{b[trip]}/legs/{b[leg]}/events/{b[event]}/coffee/{a[contact]}",
    "/trips/{b[trip]}/legs/{a[leg]}/events/{b[event]}/coffee/{b[contact]}",
    "/trips/around/events/{b[event]}/coffee/{a[contact]}",
]


def test_another_users_ids_in_new_urls_are_404(app: Flask, two: dict[str, Any]) -> None:
    tables = ("timeline_entry", "event_decision", "meeting", "follow_up")
    before = {t: count_rows(app, t) for t in tables}
    answered = {}
    for url in URLS:  # one setup for all: two demo loads are slow
        path = url.format(a=two["alice"], b=two["bob"])
        response = two["web"].submit(
            path,
            {"text": "Bob was here", "every_weeks": "2"},
            form_url=f"/contacts/{two['bob']['contact']}",
        )
        answered[url] = response.status_code
    assert {u: s for u, s in answered.items() if s != 404} == {}
    assert {t: count_rows(app, t) for t in tables} == before
    page = two["alice_web"].get(f"/contacts/{two['alice']['contact']}").get_data(as_text=True)
    assert "private note" in page and "Bob was here" not in page


def test_another_users_pages_are_404(two: dict[str, Any]) -> None:
    a = two["alice"]
    for path in (f"/events/{a['event']}", f"/trips/{a['trip']}", f"/contacts/{a['contact']}"):
        assert two["web"].get(path).status_code == 404, path


def _new_gathering(web: Any) -> str:
    from datetime import date

    year = date.today().year + 1
    response = web.submit(
        "/gatherings/new",
        {
            "title": "Stammtisch",
            "city": "Hamburg",
            "radius": "30",
            "topics": "Employer Branding",
            "options-0": f"{year}-03-04T18:30",
            "options-1": f"{year}-03-11T18:30",
            "minutes": "120",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].split("/gatherings/")[1].split("/")[0]


def test_a_get_together_takes_no_one_elses_contacts(app: Flask, two: dict[str, Any]) -> None:
    """Bob's own get-together, with Alice's contact ids in the invite, renew, revoke and
    who-came forms: 404 or nobody of Alice's is touched."""
    bob = two["web"]
    gathering = _new_gathering(bob)
    page = f"/gatherings/{gathering}/invite"
    alice_contact = two["alice"]["contact"]
    invited = bob.submit(page, {"contacts": [alice_contact]})
    assert invited.status_code == 404
    assert count_rows(app, "gathering_invitee") == 0
    for action in ("link", "revoke"):
        path = f"/gatherings/{gathering}/{action}/{alice_contact}"
        assert bob.submit(path, form_url=page).status_code == 404, path
    came = bob.submit(
        f"/gatherings/{gathering}/attended", {"contacts": [alice_contact]}, form_url=page
    )
    assert came.status_code in (302, 400, 404)
    assert count_rows(app, "gathering_invitee") == 0
    body = bob.get(f"/gatherings/{gathering}").get_data(as_text=True)
    assert alice_contact not in body
    # the same form with Bob's own contact does invite: the refusal above was not the form's
    own = bob.submit(page, {"contacts": [two["bob"]["contact"]]})
    assert own.status_code == 200 and "/g/" in own.get_data(as_text=True)  # the links page
    assert count_rows(app, "gathering_invitee") == 1
