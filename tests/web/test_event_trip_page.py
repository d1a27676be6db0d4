"""Events on the trip page and on the command line: the event with the contact it names,
Going puts it in the private feed, Not interested hides it, a coffee at the event; another
user's trip, events and contacts are out of reach."""

import json
import re
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlmodel import Session, select

from planner.cli import main
from planner.contacts.service import ContactInput, create_contact
from planner.models import Meeting, User
from planner.models.event import EventOccurrence
from tests.events_match_fixtures import store_ics
from tests.ics_reading import read_ics
from tests.places_fixtures import with_gazetteer

BARCAMP = "Barcamp München"


@pytest.fixture
def events_app(app: Flask) -> Flask:
    return with_gazetteer(app)


@pytest.fixture
def alice(events_app: Flask, make_user: Any) -> Any:
    """Alice follows a feed with the Munich barcamp (Lotte Berg on its programme), a Berlin
    meetup at the same time, a cancelled conference and an online-only webinar."""
    user = make_user("alice@example.org")
    with events_app.app_context(), Session(events_app.extensions["planner.engine"]) as session:
        owner = session.get(User, user.id)
        assert owner is not None
        for first, last, email in (
            ("Lotte", "Berg", "lotte@example.org"),
            ("Lotte", "Bergmann", None),
        ):
            data = ContactInput(first_name=first, last_name=last, emails=[email] if email else [])
            create_contact(session, owner=owner, data=data)
        from datetime import date

        store_ics(session, owner, "munich_trip.ics", around=date(2027, 9, 25))
        session.commit()
    return user


def create_trip(web: Any) -> str:
    data = {
        "place": "München",
        "arrives": "2027-09-24T10:00",
        "departs": "2027-09-27T18:00",
        "radius": "30",
    }
    response = web.submit("/trips/new", data)
    assert response.status_code == 302
    return str(response.headers["Location"])


def occurrence_id(app: Flask, summary: str) -> str:
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        row = session.exec(select(EventOccurrence).where(EventOccurrence.summary == summary)).one()
        return str(row.id)


def test_the_trip_page_shows_the_barcamp_with_the_contact_on_its_programme(
    events_app: Flask, alice: Any, login: Any
) -> None:
    web = login(alice)
    page = web.get(create_trip(web)).get_data(as_text=True)
    assert BARCAMP in page
    assert "in Munich during your stay" in page
    assert "your contact Lotte Berg is on the programme" in page
    assert "Lotte Bergmann" not in page.split("Events")[-1]  # not named: another surname
    for other in ("New Work Meetup Berlin", "HR-Konferenz Süd", "Webinar: New Work"):
        assert other not in page


def test_going_puts_the_event_in_the_private_feed_and_offers_a_coffee(
    events_app: Flask, alice: Any, login: Any
) -> None:
    web = login(alice)
    trip_url = create_trip(web)
    event = occurrence_id(events_app, BARCAMP)
    going = web.submit(f"{trip_url}/events/{event}/going", form_url=trip_url)
    assert going.status_code == 302
    page = web.get(trip_url).get_data(as_text=True)
    assert "Propose a coffee at the event to Lotte Berg" in page

    made = web.submit("/settings/calendars/feed", form_url="/settings/calendars")
    token = re.search(r"/feed/([^\"/]+)\.ics", made.get_data(as_text=True))
    assert token
    feed = web.client.application.test_client().get(f"/feed/{token.group(1)}.ics")
    calendar = read_ics(feed.get_data())
    [entry] = calendar.vevent_list
    assert entry.summary.value == BARCAMP
    assert entry.status.value == "CONFIRMED"
    assert "Werksviertel" in entry.location.value

    coffee = re.search(
        rf'action="({re.escape(trip_url)}/legs/[^"]+/events/{event}/coffee/[^"]+)"', page
    )
    assert coffee
    proposed = web.submit(coffee.group(1), form_url=trip_url)
    assert proposed.status_code == 302 and "/meetings/" in proposed.headers["Location"]
    with events_app.app_context(), Session(events_app.extensions["planner.engine"]) as session:
        meeting = session.exec(select(Meeting)).one()
        assert meeting.title == f"Coffee at {BARCAMP}"
        assert meeting.venue and "Werksviertel" in meeting.venue

    web.submit(f"{trip_url}/events/{event}/undo", form_url=trip_url)
    feed = web.client.application.test_client().get(f"/feed/{token.group(1)}.ics")
    assert read_ics(feed.get_data()).contents.get("vevent", []) == []


def test_not_interested_hides_the_event(events_app: Flask, alice: Any, login: Any) -> None:
    web = login(alice)
    trip_url = create_trip(web)
    event = occurrence_id(events_app, BARCAMP)
    assert 'data-uid="barcamp-muenchen-2027' in web.get(trip_url).get_data(as_text=True)
    web.submit(f"{trip_url}/events/{event}/not-interested", form_url=trip_url)
    page = web.get(trip_url).get_data(as_text=True)
    assert f"{BARCAMP} will not be proposed again." in page  # the flash, once
    assert 'data-uid="barcamp-muenchen-2027' not in page
    assert "your contact Lotte Berg is on the programme" not in page


def test_another_user_cannot_decide_on_alices_events(
    events_app: Flask, alice: Any, login: Any, make_user: Any
) -> None:
    web = login(alice)
    trip_url = create_trip(web)
    event = occurrence_id(events_app, BARCAMP)
    bob = login(make_user("bob@example.org"))
    bob_trip = create_trip(bob)
    token = bob.csrf_token(bob_trip)
    for action in ("going", "not-interested", "undo"):
        answer = bob.client.post(f"{bob_trip}/events/{event}/{action}", data={"csrf_token": token})
        assert answer.status_code == 404
        answer = bob.client.post(f"{trip_url}/events/{event}/{action}", data={"csrf_token": token})
        assert answer.status_code == 404
    assert BARCAMP not in bob.get(bob_trip).get_data(as_text=True)
    assert web.client.post(f"{trip_url}/events/{event}/going").status_code == 400  # no token


def run(app: Flask, *args: str) -> Any:
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_trips_suggest_fills_events(events_app: Flask, alice: Any) -> None:
    created = run(
        events_app, "trips", "create", "--user", "alice@example.org", "--city", "München",
        "--from", "2027-09-24", "--to", "2027-09-27", "--json",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    trip_id = json.loads(created.stdout)["id"]
    result = run(events_app, "trips", "suggest", trip_id, "--user", "alice@example.org", "--json")
    assert result.exit_code == 0, result.output
    [event] = json.loads(result.stdout)["events"]
    assert event["uid"] == "barcamp-muenchen-2027@barcamps.example"
    assert event["summary"] == BARCAMP
    assert event["start"] == "2027-09-25"  # all-day: a date
    assert "your contact Lotte Berg is on the programme" in event["reasons"]
    assert event["contacts"][0]["display_name"] == "Lotte Berg"


def test_who_is_in_town_shows_coming_events_near_home(
    events_app: Flask, make_user: Any, login: Any
) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.events_match_fixtures import BERLIN, store_events

    user = make_user(home_city="München", home_lat=48.1374, home_lon=11.5755)
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    with events_app.app_context(), Session(events_app.extensions["planner.engine"]) as session:
        owner = session.get(User, user.id)
        assert owner is not None
        create_contact(
            session, owner=owner, data=ContactInput(first_name="Lotte", last_name="Berg")
        )
        store_events(
            session,
            owner,
            [
                {"uid": "near", "summary": "Stammtisch Schwabing", "starts_at": soon,
                 "ends_at": soon + timedelta(hours=2), "description": "mit Lotte Berg"},
                {"uid": "far", "summary": "Stammtisch Berlin", "starts_at": soon,
                 "ends_at": soon + timedelta(hours=2), "lat": BERLIN[0], "lon": BERLIN[1]},
            ],
        )  # fmt: skip
        session.commit()
    web = login(user)
    page = web.get("/trips/around").get_data(as_text=True)
    assert "Stammtisch Schwabing" in page and "Stammtisch Berlin" not in page
    assert "in München, where you live" in page
    assert "your contact Lotte Berg is on the programme" in page
    event = occurrence_id(events_app, "Stammtisch Schwabing")
    going = web.submit(f"/trips/around/events/{event}/going", form_url="/trips/around")
    assert going.status_code == 302 and going.headers["Location"].startswith("/trips/around")
    page = web.get("/trips/around").get_data(as_text=True)
    assert "Propose a coffee at the event to Lotte Berg" in page


def test_acceptance_from_outside_with_the_command_line(events_app: Flask, make_user: Any) -> None:
    """Issue 20's check, with the commands alone: a feed imported, a contact on the
    barcamp's programme, a Munich trip; the barcamp with a reason naming the contact, and
    not the Berlin meetup at the same time, the cancelled conference or the webinar."""
    from tests.events_match_fixtures import FIXTURES

    user = make_user("carla@example.org")
    with events_app.app_context(), Session(events_app.extensions["planner.engine"]) as session:
        owner = session.get(User, user.id)
        assert owner is not None
        create_contact(
            session, owner=owner, data=ContactInput(first_name="Lotte", last_name="Berg")
        )
        session.commit()
    feed = str(FIXTURES / "munich_trip.ics")
    imported = run(events_app, "events", "import", feed, "--user", "carla@example.org", "--json")
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["cancelled"] == 1
    created = run(
        events_app, "trips", "create", "--user", "carla@example.org", "--city", "München",
        "--from", "2027-09-24", "--to", "2027-09-27", "--json",
    )  # fmt: skip
    trip_id = json.loads(created.stdout)["id"]
    result = run(events_app, "trips", "suggest", trip_id, "--user", "carla@example.org", "--json")
    assert result.exit_code == 0, result.output
    events = json.loads(result.stdout)["events"]
    assert [e["summary"] for e in events] == [BARCAMP]
    assert "your contact Lotte Berg is on the programme" in events[0]["reasons"]
