"""The invitee's answer page (no account) and the organiser's pages, through the test client:
the form contract of ../shared/CLI.md, 404/410, no addresses, CSRF, languages, isolation."""

import re
import uuid
from typing import Any

import pytest
from flask import Flask

from planner import db as planner_db
from planner.gatherings import service
from planner.gatherings.suggest import matrix
from planner.models import User
from planner.models.gathering import Gathering
from tests.gatherings_fixtures import PEOPLE, build_circle, poll_input
from tests.ics_reading import read_ics
from tests.places_fixtures import with_gazetteer
from tests.web import test_meetings_web as meetings_tests

ADDRESSES = [email for *_, email in PEOPLE if email] + ["organiser@example.org"]


@pytest.fixture
def places_app(app: Flask) -> Flask:
    return with_gazetteer(app)


@pytest.fixture
def setup(places_app: Flask, make_user: Any) -> dict[str, Any]:
    user = make_user(email="organiser@example.org", display_name="Mareike Jensen")
    with places_app.app_context():
        session = planner_db.session()
        owner = session.get(User, user.id)
        circle = build_circle(session, owner)  # type: ignore[arg-type]
        gathering = service.create_gathering(session, owner=owner, data=poll_input())  # type: ignore[arg-type]
        made = service.invite(
            session,
            owner=owner,  # type: ignore[arg-type]
            gathering=gathering,
            contacts=[circle.people[n] for n in ("Anke", "Bernd", "Carla")],
        )
        options = [str(c.option.id) for c in matrix(session, gathering=gathering).options]
        session.commit()
        return {
            "user": user,
            "gathering_id": str(gathering.id),
            "options": options,
            "tokens": {m.contact.first_name: m.token for m in made},
            "people": {n: str(c.id) for n, c in circle.people.items()},
        }


def _answer(client: Any, token: str, options: list[str], values: list[str], **extra: str) -> Any:
    data = {f"option-{o}": v for o, v in zip(options, values, strict=True)}
    return client.submit(f"/g/{token}", {"name": "Anke", "comment": "Gern!", **data, **extra})


def test_the_answer_page_keeps_the_form_contract(client: Any, setup: dict[str, Any]) -> None:
    token = setup["tokens"]["Anke"]
    page = client.get(f"/g/{token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for option in setup["options"]:
        for value in ("yes", "maybe", "no"):
            assert re.search(rf'name="option-{option}" value="{value}"', html), (option, value)
    assert 'name="name"' in html and "<textarea" in html and 'name="comment"' in html
    assert 'name="csrf_token"' in html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page.headers["Cache-Control"]
    # German for a contact in Germany, formal
    assert "Wenn nötig" in html and "Antwort speichern" in html
    assert not any(address in html for address in ADDRESSES)


def test_answers_are_saved_changed_and_seen_by_the_organiser(
    client: Any, login: Any, setup: dict[str, Any], places_app: Flask
) -> None:
    token = setup["tokens"]["Anke"]
    options = setup["options"]
    response = _answer(client, token, options, ["yes", "maybe", "no"])
    assert response.status_code == 302
    again = _answer(client, token, options, ["no", "no", "yes"])
    assert again.status_code == 302
    page = client.get(f"/g/{token}").get_data(as_text=True)
    assert re.search(rf'name="option-{options[2]}" value="yes" checked', page)
    with places_app.app_context():
        session = planner_db.session()
        gathering = session.get(Gathering, uuid.UUID(setup["gathering_id"]))
        counts = [(c.yes, c.maybe, c.no) for c in matrix(session, gathering=gathering).options]  # type: ignore[arg-type]
    assert counts == [(0, 0, 1), (0, 0, 1), (1, 0, 0)]
    organiser = login(setup["user"])
    shown = organiser.get(f"/gatherings/{setup['gathering_id']}")
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert "Gern!" in html and "Bernd Brandt" in html
    # meet halfway: where those who can come to the best date live
    assert "the person who can come lives near Hamburg" in html


def test_csrf_is_required_on_the_answer_form(places_app: Flask, setup: dict[str, Any]) -> None:
    places_app.config["WTF_CSRF_ENABLED"] = True
    raw = places_app.test_client()
    token = setup["tokens"]["Anke"]
    response = raw.post(f"/g/{token}", data={f"option-{setup['options'][0]}": "yes"})
    assert response.status_code in (400, 422)
    with places_app.app_context():
        session = planner_db.session()
        found = service.find_invitation(session, token)
        assert found is not None and found[0].answered_at is None


def test_unknown_revoked_and_cancelled_links_say_so_plainly(
    client: Any, setup: dict[str, Any], places_app: Flask
) -> None:
    forged = "A" * 43
    response = client.get(f"/g/{forged}")
    assert response.status_code == 404
    assert "Karriere" not in response.get_data(as_text=True)
    assert client.client.post(f"/g/{forged}", data={}).status_code in (400, 404)
    with places_app.app_context():
        session = planner_db.session()
        gathering = session.get(Gathering, uuid.UUID(setup["gathering_id"]))
        service.revoke(session, gathering=gathering, contact_id=setup["people"]["Anke"])  # type: ignore[arg-type]
        session.commit()
    gone = client.get(f"/g/{setup['tokens']['Anke']}")
    assert gone.status_code == 410
    assert "Karriere" not in gone.get_data(as_text=True)
    assert client.get(f"/g/{setup['tokens']['Bernd']}").status_code == 200
    with places_app.app_context():
        session = planner_db.session()
        gathering = session.get(Gathering, uuid.UUID(setup["gathering_id"]))
        service.cancel(session, gathering=gathering)  # type: ignore[arg-type]
        session.commit()
    assert client.get(f"/g/{setup['tokens']['Bernd']}").status_code == 410


def test_others_answers_only_when_the_organiser_allows_and_never_addresses(
    client: Any, setup: dict[str, Any], places_app: Flask
) -> None:
    options = setup["options"]
    _answer(client, setup["tokens"]["Bernd"], options, ["yes", "yes", "yes"], name="Bernd B.")
    page = client.get(f"/g/{setup['tokens']['Anke']}").get_data(as_text=True)
    assert "Bernd" not in page
    with places_app.app_context():
        session = planner_db.session()
        gathering = session.get(Gathering, uuid.UUID(setup["gathering_id"]))
        gathering.show_answers = True  # type: ignore[union-attr]
        session.commit()
    page = client.get(f"/g/{setup['tokens']['Anke']}").get_data(as_text=True)
    assert "Bernd" in page and "Brandt" not in page
    assert not any(address in page for address in ADDRESSES)


def test_the_organiser_creates_invites_fixes_and_downloads(
    login: Any, setup: dict[str, Any]
) -> None:
    organiser = login(setup["user"])
    created = organiser.submit(
        "/gatherings/new",
        {
            "title": "Karriere-Stammtisch",
            "city": "Hamburg",
            "radius": "30",
            "topics": "Karriereberatung",
            "options-0": "2027-03-04T18:30",
            "options-1": "2027-03-11T18:30",
            "minutes": "120",
        },
    )
    assert created.status_code == 302, created.get_data(as_text=True)[:2000]
    invite_url = created.headers["Location"]
    page = organiser.get(invite_url).get_data(as_text=True)
    assert "Anke Albers" in page and "never met" in page
    anke = setup["people"]["Anke"]
    links = organiser.submit(invite_url, {"contacts": [anke]})
    assert links.status_code == 200
    html = links.get_data(as_text=True)
    token = re.search(r"/g/([A-Za-z0-9_-]{43,})", html).group(1)  # type: ignore[union-attr]
    gathering_id = invite_url.split("/")[-2]
    show = organiser.get(f"/gatherings/{gathering_id}").get_data(as_text=True)
    option = re.search(r'name="option" value="([0-9a-f-]{36})"', show).group(1)  # type: ignore[union-attr]
    fixed = organiser.submit(
        f"/gatherings/{gathering_id}/fix",
        {"option": option, "venue": "Café Paris"},
        form_url=f"/gatherings/{gathering_id}",
    )
    assert fixed.status_code == 302
    ics = organiser.get(f"/gatherings/{gathering_id}/invite.ics")
    assert ics.status_code == 200
    calendar = read_ics(ics.data)
    assert calendar.method.value == "REQUEST"
    assert [a.value for a in calendar.vevent.attendee_list] == ["mailto:anke@example.org"]
    assert organiser.get(f"/g/{token}").status_code == 200  # the answer page, now read-only


def test_another_user_sees_nothing_of_it(login: Any, make_user: Any, setup: dict[str, Any]) -> None:
    stranger = login(make_user(email="stranger@example.org"))
    gathering_id = setup["gathering_id"]
    assert stranger.get(f"/gatherings/{gathering_id}").status_code == 404
    assert stranger.get(f"/gatherings/{gathering_id}/invite").status_code == 404
    assert stranger.get(f"/gatherings/{gathering_id}/invite.ics").status_code == 404
    assert "Karriere" not in stranger.get("/gatherings/").get_data(as_text=True)


smtp_server = meetings_tests.smtp_server


def test_links_go_out_by_mail_from_a_verified_sender_else_to_copy(
    places_app: Flask, login: Any, setup: dict[str, Any], smtp_server: Any
) -> None:
    from email import message_from_bytes, policy

    from planner.settings import sending

    controller, received = smtp_server
    places_app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port,
        SMTP_SECURITY="none",
        MAIL_SENDER="Treffpunkt <treffpunkt@example.org>",
    )
    organiser = login(setup["user"])
    invite_url = f"/gatherings/{setup['gathering_id']}/invite"
    people = setup["people"]
    # not verified yet: nothing is sent, the links are there to copy
    shown = organiser.submit(invite_url, {"contacts": [people["Elke"]]})
    assert shown.status_code == 200 and not received
    assert "/g/" in shown.get_data(as_text=True)
    with places_app.app_context():
        session = planner_db.session()
        sending.record_proven_address(session, owner=session.get(User, setup["user"].id))  # type: ignore[arg-type]
        session.commit()
    page = organiser.submit(invite_url, {"contacts": [people["Frauke"], people["Dirk"]]})
    html = page.get_data(as_text=True)
    assert html.count("/g/") == 2  # both links shown; Frauke's also went by mail
    assert [e.rcpt_tos for e in received] == [["frauke@example.org"]]
    mail = message_from_bytes(received[0].content, policy=policy.default)
    text = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    token = re.search(r"/g/([A-Za-z0-9_-]{43,})", text).group(1)  # type: ignore[union-attr]
    assert token in html
    assert "Welcher Termin passt Ihnen?" in mail["Subject"] and "Sie" in text
    assert not any(
        a in received[0].content.decode() for a in ADDRESSES if a != "frauke@example.org"
    )
    assert organiser.get(f"/g/{token}").status_code == 200


def test_answers_are_rate_limited_per_link(
    client: Any, setup: dict[str, Any], places_app: Flask
) -> None:
    from planner.gatherings.views import ANSWERS_PER_LINK

    places_app.config["RATELIMIT_ENABLED"] = True
    token, options = setup["tokens"]["Anke"], setup["options"]
    for _ in range(ANSWERS_PER_LINK.count):
        assert _answer(client, token, options, ["yes", "no", "maybe"]).status_code == 302
    refused = _answer(client, token, options, ["no", "no", "no"])
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    # another invitee's link has its own count
    other = _answer(client, setup["tokens"]["Bernd"], options, ["yes", "yes", "yes"])
    assert other.status_code == 302


def test_the_organiser_page_follows_every_change_though_it_is_kept(
    client: Any, login: Any, setup: dict[str, Any], places_app: Flask
) -> None:
    organiser = login(setup["user"])
    url = f"/gatherings/{setup['gathering_id']}"
    first = organiser.get(url).get_data(as_text=True)
    assert "Bernd Brandt" in first and "Spät, aber gern" not in first
    assert organiser.get(url).get_data(as_text=True).count("Bernd Brandt") == first.count(
        "Bernd Brandt"
    )
    _answer(
        client,
        setup["tokens"]["Bernd"],
        setup["options"],
        ["yes", "no", "no"],
        comment="Spät, aber gern",
    )
    assert "Spät, aber gern" in organiser.get(url).get_data(as_text=True)
    with places_app.app_context():
        from planner.contacts.service import ContactInput, update_contact
        from planner.models import Contact

        session = planner_db.session()
        bernd = session.get(Contact, uuid.UUID(setup["people"]["Bernd"]))
        update_contact(
            session,
            contact=bernd,  # type: ignore[arg-type]
            data=ContactInput(first_name="Bernhard", last_name="Brandt"),
        )
        session.commit()
    again = organiser.get(url).get_data(as_text=True)
    assert "Bernhard Brandt" in again
    # each request carries its own CSRF token: a revoke from the kept page works
    token = re.search(r'name="csrf_token" value="([^"]+)"', again).group(1)  # type: ignore[union-attr]
    revoked = organiser.client.post(
        f"{url}/revoke/{setup['people']['Anke']}", data={"csrf_token": token}
    )
    assert revoked.status_code == 302
    assert "link revoked" in organiser.get(url).get_data(as_text=True)
