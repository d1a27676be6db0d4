"""The start page is kept as HTML until something it shows changes: each thing on it — a
contact added, a stage changed, a meeting, a trip, an import, a follow-up due and done — shows
at once; so does time passing (a meeting over, a follow-up falling due at midnight), another
language, and a registered block; every session gets its own CSRF token."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from jinja2 import ChoiceLoader, DictLoader
from sqlmodel import Session

from planner.home import service as home
from planner.models import (
    Contact,
    ImportBatch,
    ImportFile,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    Trip,
    TripLeg,
    User,
)
from planner.models.relationship import FollowUp
from planner.relationships import service as relationships
from tests.places_fixtures import with_gazetteer


def _store(app: Flask, *rows: Any) -> None:
    engine = app.extensions["planner.engine"]
    with app.app_context(), Session(engine, expire_on_commit=False) as session:
        for row in rows:
            session.add(row)
            session.flush()
        session.commit()


def _meeting(app: Flask, user: Any, contact: Any, start: datetime) -> str:
    meeting = Meeting(
        owner_id=user.id,
        status=MeetingStatus.CONFIRMED.value,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        timezone="Europe/Berlin",
    )
    _store(
        app,
        meeting,
        MeetingAttendee(meeting_id=meeting.id, owner_id=user.id, contact_id=contact.id),
    )
    return str(meeting.id)


def _section(page: str, marker: str) -> str:
    return page.split(marker, 1)[1].split("</section>")[0] if marker in page else ""


def _stat(page: str, label: str) -> str:
    return page.split(f"</h2><p>{label}</p>")[0].rsplit("<h2>", 1)[1]


def test_each_thing_the_start_page_shows_appears_at_once(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    with_gazetteer(app)
    user = make_user(home_city="Berlin", home_lat=52.52, home_lon=13.405)
    anna = make_contact(user, first_name="Anna", last_name="Berg")
    web = login(user)
    page = web.get("/dashboard").get_data(as_text=True)
    assert _stat(page, "contacts") == "1" and _stat(page, "met in person") == "0"
    assert web.get("/dashboard").get_data(as_text=True) == page  # kept, not changed

    make_contact(user, first_name="Bruno", last_name="Neu")
    page = web.get("/dashboard").get_data(as_text=True)
    assert _stat(page, "contacts") == "2" and "Bruno Neu" in page

    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        owner, contact = session.get(User, user.id), session.get(Contact, anna.id)
        assert owner is not None and contact is not None
        relationships.set_stage(session, owner=owner, contact=contact, stage="met")
        session.commit()
    assert _stat(web.get("/dashboard").get_data(as_text=True), "met in person") == "1"

    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    meeting_id = _meeting(app, user, anna, soon)
    page = web.get("/dashboard").get_data(as_text=True)
    assert f"/meetings/{meeting_id}" in page and "No meetings planned." not in page

    trip = Trip(owner_id=user.id, title="Nordtour")
    leg = TripLeg(
        trip_id=trip.id,
        owner_id=user.id,
        place_text="Hamburg",
        city="Hamburg",
        lat=53.55,
        lon=9.99,
        timezone="Europe/Berlin",
        arrives_at=soon + timedelta(days=5),
        departs_at=soon + timedelta(days=7),
    )
    _store(app, trip, leg)
    assert "Nordtour" in web.get("/dashboard").get_data(as_text=True)

    batch = ImportBatch(owner_id=user.id, status="parsing")
    _store(app, batch, ImportFile(import_id=batch.id, name="Connections.csv"))
    page = web.get("/dashboard").get_data(as_text=True)
    assert "Connections.csv" in _section(page, 'id="recent-imports"')
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        stored = session.get(ImportBatch, batch.id)
        assert stored is not None
        stored.status = "preview"
        stored.summary = {"files": [{"created": 7, "merged": 2, "skipped": 0, "contacts": 9}]}
        session.commit()
    assert "7 new, 2 merged" in web.get("/dashboard").get_data(as_text=True)

    past = _meeting(app, user, anna, datetime.now(UTC) - timedelta(days=10))
    assert web.submit(f"/meetings/{past}/done", form_url=f"/meetings/{past}").status_code == 302
    page = web.get("/dashboard").get_data(as_text=True)
    assert "Anna Berg" in _section(page, 'id="followups-due"')
    [follow_up_id] = [
        line.split("followup-", 1)[1].split('"')[0]
        for line in web.get("/followups").get_data(as_text=True).splitlines()
        if 'id="followup-' in line
    ]
    done = web.submit(f"/followups/{follow_up_id}/done", {"note": ""}, form_url="/followups")
    assert done.status_code == 302
    assert 'id="followups-due"' not in web.get("/dashboard").get_data(as_text=True)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[datetime]]:
    """The start page's clock: ``clock[0] = moment`` moves it."""
    import planner.home.views

    moment = [datetime.now(UTC)]
    monkeypatch.setattr(planner.home.views, "utcnow", lambda: moment[0])
    yield moment


def test_time_passing_changes_the_kept_page(
    app: Flask, make_user: Any, make_contact: Any, login: Any, clock: list[datetime]
) -> None:
    with_gazetteer(app)
    user = make_user(home_city="Berlin")
    anna = make_contact(user, first_name="Anna", last_name="Berg")
    start = clock[0].replace(microsecond=0) + timedelta(hours=1)
    meeting_id = _meeting(app, user, anna, start)  # over at start + 1 h
    with app.app_context():
        tomorrow = relationships.today_of(user, clock[0]) + timedelta(days=1)
        midnight = relationships.start_of_day(tomorrow, relationships.home_zone(user))
    _store(
        app,
        FollowUp(
            owner_id=user.id,
            contact_id=anna.id,
            kind="keep_in_touch",
            due=tomorrow,
            first_due=tomorrow,
            about="Ask about the book",
        ),
    )
    web = login(user)
    page = web.get("/dashboard").get_data(as_text=True)
    assert f"/meetings/{meeting_id}" in page
    assert 'id="followups-due"' not in page

    clock[0] = start + timedelta(hours=1)  # the meeting's last moment: still coming up
    assert f"/meetings/{meeting_id}" in web.get("/dashboard").get_data(as_text=True)
    clock[0] = start + timedelta(hours=1, seconds=1)
    assert f"/meetings/{meeting_id}" not in web.get("/dashboard").get_data(as_text=True)

    clock[0] = midnight - timedelta(seconds=1)
    assert 'id="followups-due"' not in web.get("/dashboard").get_data(as_text=True)
    clock[0] = midnight
    page = web.get("/dashboard").get_data(as_text=True)
    assert "Ask about the book" in _section(page, 'id="followups-due"')


def test_another_language_is_another_page(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    user = make_user()
    make_contact(user)
    web = login(user)
    assert "Overview" in web.get("/dashboard").get_data(as_text=True)
    switched = web.submit("/language", {"lang": "de", "next": "/dashboard"}, form_url="/dashboard")
    assert switched.status_code == 302
    page = web.get("/dashboard").get_data(as_text=True)
    assert "Übersicht" in page and "persönlich getroffen" in page


def test_every_session_gets_its_own_csrf_token(app: Flask, make_user: Any, login: Any) -> None:
    user = make_user()  # no contacts: the page offers the demo, a form
    first, second = login(user), login(user)
    tokens = [web.csrf_token("/dashboard") for web in (first, second)]
    assert tokens[0] != tokens[1]
    for web in (first, second):
        assert home.CSRF_PLACEHOLDER not in web.get("/dashboard").get_data(as_text=True)
    with_gazetteer(app)
    assert second.submit("/demo/load", form_url="/dashboard").status_code == 302


def test_a_registered_block_is_fresh_on_every_request(
    app: Flask, make_user: Any, make_contact: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"probe/_start.html": '<p id="probe">{{ block }}</p>'}), app.jinja_loader]
    )
    calls: list[date] = []

    def probe(session: Session, owner: Any, now: datetime) -> str:
        calls.append(now.date())
        return f"probe {len(calls)}"

    monkeypatch.setitem(home._BLOCKS, "probe", probe)
    user = make_user()
    make_contact(user)
    web = login(user)
    assert '<p id="probe">probe 1</p>' in web.get("/dashboard").get_data(as_text=True)
    assert '<p id="probe">probe 2</p>' in web.get("/dashboard").get_data(as_text=True)


def test_a_follow_up_snoozed_or_dismissed_leaves_the_page(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    user = make_user()
    anna = make_contact(user, first_name="Anna", last_name="Berg")
    yesterday = date.today() - timedelta(days=1)
    items = [
        FollowUp(
            owner_id=user.id,
            contact_id=anna.id,
            kind="keep_in_touch",
            due=yesterday,
            first_due=yesterday,
            about=about,
        )
        for about in ("Send the slides", "Ask about the book")
    ]
    _store(app, *items)
    web = login(user)
    section = _section(web.get("/dashboard").get_data(as_text=True), 'id="followups-due"')
    assert "Send the slides" in section and "Ask about the book" in section

    later = (date.today() + timedelta(days=3)).isoformat()
    snoozed = web.submit(
        f"/followups/{items[0].id}/snooze", {"until": later}, form_url="/followups"
    )
    assert snoozed.status_code == 302
    section = _section(web.get("/dashboard").get_data(as_text=True), 'id="followups-due"')
    assert "Send the slides" not in section and "Ask about the book" in section

    dismissed = web.submit(f"/followups/{items[1].id}/dismiss", form_url="/followups")
    assert dismissed.status_code == 302
    assert 'id="followups-due"' not in web.get("/dashboard").get_data(as_text=True)
