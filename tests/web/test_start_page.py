"""The start page says whom to see next: the next trip's best people with a reason,
follow-ups due, people known online for over a year near home and never met (not those
far away, met, or connected lately), recent imports; another user's none of it."""

from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import update
from sqlmodel import Session

from planner.models import Contact
from tests.places_fixtures import with_gazetteer


def _connected(app: Flask, contact_id: Any, day: date) -> None:
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        session.execute(update(Contact).where(Contact.id == contact_id).values(first_connected=day))
        session.commit()


def test_people_known_online_for_long_near_home_are_named(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    with_gazetteer(app)
    user = make_user(home_city="Hamburg", home_lat=53.55, home_lon=9.99)
    long_ago = date.today() - timedelta(days=800)
    old_friend = make_contact(user, first_name="Lotte", last_name="Norden", lat=53.56, lon=10.0)
    _connected(app, old_friend.id, long_ago)
    recent = make_contact(user, first_name="Neu", last_name="Lich", lat=53.56, lon=10.0)
    _connected(app, recent.id, date.today() - timedelta(days=30))
    far = make_contact(user, first_name="Fern", last_name="Weh", lat=48.14, lon=11.58)
    _connected(app, far.id, long_ago)
    met = make_contact(user, first_name="Schon", last_name="Getroffen", lat=53.56, lon=10.0)
    met_id = met.id
    _connected(app, met_id, long_ago)
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        session.execute(update(Contact).where(Contact.id == met_id).values(stage="met"))
        session.commit()

    page = login(user).get("/dashboard").get_data(as_text=True)
    assert 'id="online-near"' in page
    section = page.split('id="online-near"')[1].split("</section>")[0]
    assert "Lotte Norden" in section
    for name in ("Neu Lich", "Fern Weh", "Schon Getroffen"):
        assert name not in section

    other = login(make_user(home_city="Hamburg", home_lat=53.55, home_lon=9.99))
    assert "Lotte Norden" not in other.get("/dashboard").get_data(as_text=True)


def test_the_demo_account_shows_its_trip_and_import(app: Flask, make_user: Any, login: Any) -> None:
    with_gazetteer(app)
    web = login(make_user())
    loaded = web.submit("/demo/load", form_url="/dashboard")
    assert loaded.status_code == 302
    page = web.get("/dashboard").get_data(as_text=True)
    assert 'id="recent-imports"' in page
    assert 'id="next-trip"' in page
    section = page.split('id="next-trip"')[1].split("</section>")[0]
    assert section.count("<li>") == 3
