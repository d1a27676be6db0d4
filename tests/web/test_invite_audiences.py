"""What invitees receive, from their side: the language of their country (not the user's
interface), "Sie" unless the user marked them "du", a title that names the user rather
than the reader; one text (and one e-mail, through a real SMTP server) per audience."""

import email
import email.policy
import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlmodel import Session, select

from planner.cli import main
from planner.contacts.service import ContactInput, create_contact
from planner.meetings.service import MeetingInput, create_meeting
from planner.models import Contact, User
from tests.ics_reading import read_ics
from tests.web import test_meetings_web as meetings
from tests.web.test_mail_web import use_smtp, verify_address

smtp_server = meetings.smtp_server

STARTS = datetime.combine(meetings.DAY, datetime.min.time()).replace(hour=15)

# name -> (city, country, form of address, e-mail)
PEOPLE = {
    "Lisa Ullrich": ("Hamburg", "DE", "sie", "lisa@example.de"),
    "Jonas Berg": ("Kiel", "DE", "du", "jonas@example.de"),
    "Anna Reid": ("London", "GB", "du", "anna@example.co.uk"),
}


@pytest.fixture
def mareike(make_user: Any) -> Any:
    """A user whose interface is English, with a name for invites."""
    return make_user("mareike@example.org", display_name="Mareike Jensen", locale="en")


def plan(app: Flask, owner: Any, *names: str) -> str:
    """A meeting at STARTS in Hamburg with these people (made from PEOPLE); its URL."""
    with app.test_request_context(), Session(app.extensions["planner.engine"]) as session:
        user = session.get(User, owner.id)
        assert user is not None
        contacts = []
        for name in names:
            city, country, form, address = PEOPLE[name]
            first, last = name.split()
            contact = create_contact(
                session,
                owner=user,
                data=ContactInput(
                    first_name=first, last_name=last, city=city, country=country, emails=[address]
                ),
            )
            contact.address_form = form
            contacts.append(contact)
        meeting = create_meeting(
            session,
            owner=user,
            contacts=contacts,
            leg=None,
            data=MeetingInput(
                starts=STARTS, ends=STARTS + timedelta(hours=1), timezone="Europe/Berlin"
            ),
        )
        session.commit()
        return f"/meetings/{meeting.id}"


def prepared(page: str, key: str) -> str:
    found = re.search(rf'<article class="prepared" id="prepared-{key}">(.*?)</article>', page, re.S)
    assert found, f"no prepared text for {key}"
    return found.group(1)


def test_a_hamburg_contact_gets_german_text_that_says_sie(
    app: Flask, mareike: Any, login: Any
) -> None:
    web = login(mareike)
    url = plan(app, mareike, "Lisa Ullrich")
    page = web.get(url).get_data(as_text=True)
    assert "<h1>Coffee: Lisa Ullrich</h1>" in page  # the user's page, in the user's language
    text = prepared(page, "de")
    assert 'value="Einladung: Kaffee mit Mareike Jensen"' in text
    assert "Guten Tag," in text and "Sie persönlich zu treffen" in text
    assert "Ihren Kalender" in text and "Passt Ihnen die Zeit?" in text
    assert "Freundliche Grüße\nMareike Jensen" in text
    assert "Hello" not in text and "dich" not in text
    assert "Lisa Ullrich" not in text.split("</h3>")[1]  # she never reads her own name


def test_a_contact_marked_du_gets_du(app: Flask, mareike: Any, login: Any) -> None:
    web = login(mareike)
    url = plan(app, mareike, "Jonas Berg")
    text = prepared(web.get(url).get_data(as_text=True), "de-du")
    assert "Hallo," in text and "dich persönlich zu treffen" in text
    assert "Passt dir die Zeit?" in text and "Sie " not in text


def test_one_prepared_text_per_language_and_form(app: Flask, mareike: Any, login: Any) -> None:
    web = login(mareike)
    url = plan(app, mareike, "Lisa Ullrich", "Jonas Berg", "Anna Reid")
    page = web.get(url).get_data(as_text=True)
    assert page.count('<article class="prepared"') == 3
    formal, informal, english = (prepared(page, k) for k in ("de", "de-du", "en"))
    assert "For Lisa Ullrich" in formal and "lisa@example.de" in formal
    assert "jonas@example.de" not in formal and "anna@example.co.uk" not in formal
    assert "For Jonas Berg" in informal and "Hallo," in informal
    assert "For Anna Reid" in english and "Hello," in english
    # three invitees: each reads the user's name and "2 others", never their own name
    assert "Kaffee mit Mareike Jensen und 2 weiteren Personen" in formal
    assert "Coffee with Mareike Jensen and 2 others" in english
    assert 'href="' + url + '/invite.ics?lang=en"' in english


def test_the_invite_is_titled_from_the_invitees_side(app: Flask, mareike: Any, login: Any) -> None:
    web = login(mareike)
    url = plan(app, mareike, "Lisa Ullrich")
    german = read_ics(web.get(f"{url}/invite.ics").get_data())  # Lisa's language
    assert german.vevent.summary.value == "Kaffee mit Mareike Jensen"
    assert german.vevent.attendee.params["LANGUAGE"] == ["de"]
    english = read_ics(web.get(f"{url}/invite.ics?lang=en").get_data())
    assert english.vevent.summary.value == "Coffee with Mareike Jensen"
    # the user's own page keeps naming whom they meet, and says who sees which title
    page = web.get(url).get_data(as_text=True)
    assert "<h1>Coffee: Lisa Ullrich</h1>" in page
    assert "they see “Coffee with …” and your name for invites" in page


def test_emails_go_out_one_per_language_and_form(
    app: Flask, mareike: Any, login: Any, smtp_server: Any
) -> None:
    controller, received = smtp_server
    use_smtp(app, controller)
    web = login(mareike)
    verify_address(web, received)
    url = plan(app, mareike, "Lisa Ullrich", "Jonas Berg", "Anna Reid")
    before = len(received)
    sent = web.submit(f"{url}/send", form_url=url)
    assert sent.status_code == 302
    mails = {}
    for envelope in received[before:]:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        calendar = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        summary = read_ics(calendar.get_content()).vevent.summary.value
        mails[tuple(envelope.rcpt_tos)] = (message["Subject"], body.get_content(), summary)
    assert set(mails) == {("lisa@example.de",), ("jonas@example.de",), ("anna@example.co.uk",)}
    subject, text, summary = mails[("lisa@example.de",)]
    assert subject == "Einladung: Kaffee mit Mareike Jensen und 2 weiteren Personen"
    assert summary == "Kaffee mit Mareike Jensen und 2 weiteren Personen"
    assert "Guten Tag," in text and "Passt Ihnen die Zeit?" in text
    subject, text, summary = mails[("jonas@example.de",)]
    assert subject.startswith("Einladung: Kaffee mit") and "Passt dir die Zeit?" in text
    subject, text, summary = mails[("anna@example.co.uk",)]
    assert subject == "Invitation: Coffee with Mareike Jensen and 2 others"
    assert summary == "Coffee with Mareike Jensen and 2 others" and "Hello," in text


def test_the_form_of_address_is_set_on_the_contact_and_exported(
    app: Flask, mareike: Any, login: Any
) -> None:
    web = login(mareike)
    form = web.get("/contacts/new").get_data(as_text=True)
    assert re.search(r'<option selected value="sie">|<option value="sie" selected', form)
    added = web.submit(
        "/contacts/new", {"first_name": "Jonas", "country": "DE", "address_form": "du"}
    )
    assert added.status_code == 302
    show = web.get(added.headers["Location"]).get_data(as_text=True)
    assert re.search(r'id="address-form">du \(informal\)<', show)
    edit = web.get(added.headers["Location"] + "/edit").get_data(as_text=True)
    assert re.search(r'<option selected value="du">|<option value="du" selected', edit)

    runner = CliRunner()
    info = ScriptInfo(create_app=lambda: app)
    exported = runner.invoke(
        main, ["contacts", "export", "--user", mareike.email, "--json"], obj=info
    )
    assert exported.exit_code == 0, exported.output
    document = json.loads(exported.stdout)
    assert [c["address_form"] for c in document] == ["du"]


def test_contacts_import_json_reads_the_form_of_address(
    app: Flask, mareike: Any, make_user: Any, tmp_path: Any
) -> None:
    other = make_user("other@example.org")
    document = [
        {"display_name": "Jonas Berg", "address_form": "du"},
        {"display_name": "Lisa Ullrich"},  # exports from before the field: "sie"
    ]
    path = tmp_path / "contacts.json"
    path.write_text(json.dumps(document))
    runner = CliRunner()
    info = ScriptInfo(create_app=lambda: app)
    done = runner.invoke(
        main, ["contacts", "import-json", str(path), "--user", other.email], obj=info
    )
    assert done.exit_code == 0, done.output
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        forms = {
            c.display_name: c.address_form
            for c in session.exec(select(Contact).where(Contact.owner_id == other.id))
        }
    assert forms == {"Jonas Berg": "du", "Lisa Ullrich": "sie"}
    path.write_text(json.dumps([{"display_name": "X", "address_form": "ihr"}]))
    refused = runner.invoke(
        main, ["contacts", "import-json", str(path), "--user", other.email], obj=info
    )
    assert refused.exit_code != 0 and "contact 1: address_form 'ihr'" in refused.output
