"""Get-togethers, the rest of issue 21: started from "Who is near", the venue on the map, the
start page's block of polls with open answers."""

import re
from typing import Any

import pytest
from flask import Flask

from planner import db as planner_db
from planner.models.gathering import Gathering
from tests.web.test_gatherings_web import places_app, setup  # noqa: F401 (fixtures)


def _gathering(app: Flask, gathering_id: str) -> Gathering:
    with app.app_context():
        found = planner_db.session().get(Gathering, __import__("uuid").UUID(gathering_id))
        assert found is not None
        return found


def _first_option(organiser: Any, gathering_id: str) -> str:
    show = organiser.get(f"/gatherings/{gathering_id}").get_data(as_text=True)
    return re.search(r'name="option" value="([0-9a-f-]{36})"', show).group(1)  # type: ignore[union-attr]


def test_a_venue_with_its_city_is_placed_on_the_map(
    places_app: Flask,  # noqa: F811
    login: Any,
    setup: dict[str, Any],  # noqa: F811
) -> None:
    organiser = login(setup["user"])
    gathering_id = setup["gathering_id"]
    fixed = organiser.submit(
        f"/gatherings/{gathering_id}/fix",
        {
            "option": _first_option(organiser, gathering_id),
            "venue": "Café Paris, Rathausstraße 4, 20095 Hamburg",
        },
        form_url=f"/gatherings/{gathering_id}",
    )
    assert fixed.status_code == 302
    gathering = _gathering(places_app, gathering_id)
    assert gathering.venue_lat == pytest.approx(53.55, abs=0.05)
    assert gathering.venue_lon == pytest.approx(9.99, abs=0.05)
    page = organiser.get(f"/gatherings/{gathering_id}").get_data(as_text=True)
    assert 'id="trip-map"' in page and "leaflet.js" in page and "trip-map.js" in page
    assert "53.55" in page and "Café Paris, Rathausstraße 4" in page
    assert "not on the map" not in page
    # the invitation carries the place too
    ics = organiser.get(f"/gatherings/{gathering_id}/invite.ics").get_data(as_text=True)
    assert "GEO:53.55" in ics and "LOCATION:Café Paris" in ics


def test_a_venue_naming_no_city_says_so_and_loses_the_old_place(
    places_app: Flask,  # noqa: F811
    login: Any,
    setup: dict[str, Any],  # noqa: F811
) -> None:
    organiser = login(setup["user"])
    gathering_id = setup["gathering_id"]
    option = _first_option(organiser, gathering_id)
    url = f"/gatherings/{gathering_id}/fix"
    organiser.submit(url, {"option": option, "venue": "Bar Centrale, Berlin"}, form_url=url[:-4])
    assert _gathering(places_app, gathering_id).venue_lat is not None
    organiser.submit(url, {"option": option, "venue": "Café Paris"}, form_url=url[:-4])
    gathering = _gathering(places_app, gathering_id)
    assert (gathering.venue_lat, gathering.venue_lon) == (None, None)
    page = organiser.get(f"/gatherings/{gathering_id}").get_data(as_text=True)
    assert "not on the map" in page and 'id="trip-map"' not in page and "leaflet.js" not in page


def _block(page: str) -> str:
    found = re.search(r'<section id="gatherings-open">.*?</section>', page, re.S)
    return found.group(0) if found else ""


def test_the_start_page_lists_polls_with_open_answers(
    places_app: Flask,  # noqa: F811
    login: Any,
    make_user: Any,
    client: Any,
    setup: dict[str, Any],  # noqa: F811
) -> None:
    from datetime import date

    from planner.gatherings import service
    from planner.models import User
    from tests.gatherings_fixtures import poll_input

    with places_app.app_context():
        session = planner_db.session()
        owner = session.get(User, setup["user"].id)
        closed = service.create_gathering(
            session,
            owner=owner,  # type: ignore[arg-type]
            data=poll_input(title="Vorbei-Stammtisch", deadline=date(2020, 1, 1)),
        )
        session.commit()
        closed_id = str(closed.id)
    organiser = login(setup["user"])
    block = _block(organiser.get("/dashboard").get_data(as_text=True))
    gathering_id = setup["gathering_id"]
    assert f"/gatherings/{gathering_id}" in block and "Karriere-Stammtisch" in block
    assert "0 of 3 answered" in block
    assert closed_id not in block and "Vorbei" not in block  # its answers are closed
    # an answer shows on the next visit, though the rest of the page is kept
    options = setup["options"]
    data = {f"option-{o}": "yes" for o in options}
    assert client.submit(f"/g/{setup['tokens']['Anke']}", {"name": "Anke", **data}).status_code in (
        200,
        302,
    )
    assert "1 of 3 answered" in _block(organiser.get("/dashboard").get_data(as_text=True))
    # a revoked link no longer counts; a fixed date ends the poll
    organiser.submit(
        f"/gatherings/{gathering_id}/revoke/{setup['people']['Carla']}",
        {},
        form_url=f"/gatherings/{gathering_id}",
    )
    assert "1 of 2 answered" in _block(organiser.get("/dashboard").get_data(as_text=True))
    organiser.submit(
        f"/gatherings/{gathering_id}/fix",
        {"option": options[0], "venue": ""},
        form_url=f"/gatherings/{gathering_id}",
    )
    assert _block(organiser.get("/dashboard").get_data(as_text=True)) == ""
    # nobody else sees it
    stranger = login(make_user(email="stranger@example.org"))
    assert "Karriere" not in stranger.get("/dashboard").get_data(as_text=True)


def test_the_block_reads_one_statement(
    places_app: Flask,  # noqa: F811
    setup: dict[str, Any],  # noqa: F811
) -> None:
    from sqlalchemy import event

    from planner.gatherings.start import open_polls
    from planner.models import User
    from planner.models.types import utcnow

    with places_app.app_context():
        session = planner_db.session()
        owner = session.get(User, setup["user"].id)
        statements: list[str] = []
        engine = session.get_bind()

        def count(*_args: Any) -> None:
            statements.append("x")

        event.listen(engine, "before_cursor_execute", count)
        try:
            polls = open_polls(session, owner, utcnow())  # type: ignore[arg-type]
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert polls is not None and [p.invited for p in polls] == [3]
        assert len(statements) == 1


def _hidden(page: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([^"]*)"', page)


def _stranger_contact(app: Flask, make_user: Any) -> str:
    from planner.contacts.service import ContactInput, create_contact
    from planner.models import User

    stranger = make_user(email="stranger@example.org")
    with app.app_context():
        session = planner_db.session()
        owner = session.get(User, stranger.id)
        contact = create_contact(
            session,
            owner=owner,  # type: ignore[arg-type]
            data=ContactInput(first_name="Xaver", last_name="Fremd", lat=53.55, lon=9.99),
        )
        session.commit()
        return str(contact.id)


def test_who_is_near_invites_these_people_to_a_get_together(
    places_app: Flask,  # noqa: F811
    login: Any,
    make_user: Any,
    setup: dict[str, Any],  # noqa: F811
) -> None:
    organiser = login(setup["user"])
    near = organiser.get("/places/near?place=Hamburg&radius=25").get_data(as_text=True)
    assert 'action="/gatherings/new/near"' in near
    assert "Invite these people to a get-together" in near
    shown = _hidden(near, "contact")
    people = setup["people"]
    assert people["Anke"] in shown and people["Ida"] not in shown  # Berlin is not near
    others = _stranger_contact(places_app, make_user)
    form = organiser.submit(
        "/gatherings/new/near",
        {"city": "Hamburg", "radius": "25", "contact": [*shown, others, "not-an-id"]},
        form_url="/places/near?place=Hamburg&radius=25",
    )
    assert form.status_code == 200
    page = form.get_data(as_text=True)
    assert 'name="city"' in page and 'value="Hamburg"' in page and 'value="25"' in page
    assert sorted(_hidden(page, "invitees")) == sorted(shown)
    assert "Anke Albers" in page and "Xaver" not in page and others not in page
    # the new get-together keeps them ticked on the invite page; others' ids are dropped
    created = organiser.submit(
        "/gatherings/new",
        {
            "title": "Stammtisch aus der Umgebung",
            "city": "Hamburg",
            "radius": "25",
            "options-0": "2027-03-04T18:30",
            "minutes": "120",
            "invitees": [people["Gerd"], people["Hanna"], others],
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)[:1000]
    invite_url = created.headers["Location"]
    assert others not in invite_url and people["Gerd"] in invite_url
    invite = organiser.get(invite_url).get_data(as_text=True)
    ticked = re.findall(r'name="contacts" value="([0-9a-f-]{36})" checked', invite)
    assert sorted(ticked) == sorted([people["Gerd"], people["Hanna"]])  # not the default ten
    assert "Xaver" not in invite


def test_the_start_from_near_needs_the_csrf_token(
    places_app: Flask,  # noqa: F811
    login: Any,
    setup: dict[str, Any],  # noqa: F811
) -> None:
    organiser = login(setup["user"])
    places_app.config["WTF_CSRF_ENABLED"] = True
    answer = organiser.client.post(
        "/gatherings/new/near", data={"city": "Hamburg", "contact": [setup["people"]["Anke"]]}
    )
    assert answer.status_code == 400


def test_who_is_in_town_offers_the_same(
    places_app: Flask,  # noqa: F811
    login: Any,
    setup: dict[str, Any],  # noqa: F811
) -> None:
    organiser = login(setup["user"])
    organiser.submit("/settings/", {"locale": "en", "home_city": "Hamburg", "topics": ""})
    around = organiser.get("/trips/around").get_data(as_text=True)
    assert 'action="/gatherings/new/near"' in around
    form = re.search(r'<form method="post" action="/gatherings/new/near">.*?</form>', around, re.S)
    assert form is not None
    assert _hidden(form.group(0), "city") == ["Hamburg"] and _hidden(form.group(0), "radius") == [
        "50"
    ]
    assert setup["people"]["Anke"] in _hidden(form.group(0), "contact")


def test_the_answer_page_shows_the_invitees_own_time_when_it_differs(
    places_app: Flask,  # noqa: F811
    client: Any,
    setup: dict[str, Any],  # noqa: F811
) -> None:
    from planner.contacts.service import ContactInput, create_contact
    from planner.gatherings import service
    from planner.models import User

    with places_app.app_context():
        session = planner_db.session()
        owner = session.get(User, setup["user"].id)
        gathering = session.get(Gathering, __import__("uuid").UUID(setup["gathering_id"]))
        people = [
            create_contact(
                session,
                owner=owner,  # type: ignore[arg-type]
                data=ContactInput(first_name=first, last_name="Gast", city=city),
            )
            for first, city in (("Liam", "London"), ("Wim", "Wien"))
        ]
        made = service.invite(session, owner=owner, gathering=gathering, contacts=people)  # type: ignore[arg-type]
        session.commit()
        tokens = {m.contact.first_name: m.token for m in made}
    london = client.get(f"/g/{tokens['Liam']}").get_data(as_text=True)
    assert "Europe/London" in london
    assert london.count('class="own-zone"') == 3  # one per date
    assert "5:30" in london and "6:30" in london  # 18:30 in Hamburg is 17:30 in London
    vienna = client.get(f"/g/{tokens['Wim']}").get_data(as_text=True)  # same clocks
    assert "own-zone" not in vienna and "Europe/Vienna" not in vienna
    hamburg = client.get(f"/g/{setup['tokens']['Anke']}").get_data(as_text=True)
    assert "own-zone" not in hamburg


def test_the_cli_fix_places_the_venue_too(
    places_app: Flask,  # noqa: F811
    setup: dict[str, Any],  # noqa: F811
) -> None:
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from planner.cli import main
    from tests.web.test_gatherings_cli import run_json

    runner = CliRunner()

    def planner(*args: str) -> Any:
        return runner.invoke(main, list(args), obj=ScriptInfo(create_app=lambda: places_app))

    gathering_id = setup["gathering_id"]
    fixed = run_json(
        planner,
        "gatherings",
        "fix",
        gathering_id,
        "--user",
        "organiser@example.org",
        "--option",
        setup["options"][0],
        "--venue",
        "Mojo Club, Reeperbahn 1, 20359 Hamburg",
    )
    assert fixed["venue_lat"] == pytest.approx(53.55, abs=0.05)
    shown = run_json(planner, "gatherings", "show", gathering_id, "--user", "organiser@example.org")
    assert shown["venue_lon"] == pytest.approx(9.99, abs=0.05)
