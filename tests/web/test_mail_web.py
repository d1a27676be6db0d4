"""Mail through the server only from a verified address and within a daily limit; a GET
sends nothing and marks nothing; the private feed keeps its invitees' addresses out of the
calendar host's hands. SMTP is a real aiosmtpd on 127.0.0.1."""

import email
import email.policy
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlmodel import Session

from planner.feeds.service import new_feed_token
from planner.models import Contact, ContactEmail, EmailVerification, MailSend, User
from planner.models.types import utcnow
from tests.ics_reading import read_ics
from tests.web import test_meetings_web as meetings
from tests.web.test_meetings_web import meeting_from_suggestion, slot_starts

# the meetings tests' fixtures: a user with contacts on a trip, the gazetteer, aiosmtpd
meetings_app, alice, smtp_server = meetings.meetings_app, meetings.alice, meetings.smtp_server

INVITEE = "mara@example.de"


def use_smtp(app: Flask, controller: Any, **config: Any) -> None:
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port,
        SMTP_SECURITY="none",
        MAIL_SENDER="Treffpunkt <treffpunkt@example.org>",
        **config,
    )


def meeting_with_invitee(app: Flask, web: Any, owner: Any, address: str = INVITEE) -> str:
    """A meeting with a time whose invitee has ``address``; its URL."""
    url = meeting_from_suggestion(web)
    page = web.get(url).get_data(as_text=True)
    web.submit(f"{url}/slot", {"starts_at": slot_starts(page)[0]}, form_url=url)
    found = re.search(r'href="/contacts/([0-9a-f-]+)"', web.get(url).get_data(as_text=True))
    assert found
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        session.add(
            ContactEmail(
                contact_id=uuid.UUID(found.group(1)),
                owner_id=owner.id,
                address=address,
                normalized=address,
            )
        )
        session.commit()
    return url


def link_in(envelope: Any) -> str:
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = re.search(r"http://[^/\s]+(/settings/email/verify/[A-Za-z0-9_-]+)", body.get_content())
    assert found, body.get_content()
    return found.group(1)


def verify_address(web: Any, received: list[Any]) -> None:
    """Settings → "Send verification link" → the link in the mail → "Confirm my address"."""
    before = len(received)
    sent = web.submit("/settings/email/verification", form_url="/settings/")
    assert sent.status_code == 302
    assert len(received) == before + 1
    link = link_in(received[-1])
    page = web.get(link)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    token = link.rsplit("/", 1)[1]
    confirmed = web.submit("/settings/email/verify", {"token": token}, form_url=link)
    assert confirmed.status_code == 302


def rows(app: Flask, model: Any) -> list[Any]:
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        return list(session.scalars(select(model)))


def test_an_unverified_address_sends_no_invitation_and_is_told_why(
    meetings_app: Flask, alice: Any, login: Any, smtp_server: Any
) -> None:
    controller, received = smtp_server
    use_smtp(meetings_app, controller)
    web = login(alice)
    url = meeting_with_invitee(meetings_app, web, alice)
    page = web.get(url).get_data(as_text=True)
    assert "Send invite by e-mail" not in page
    assert 'id="why-no-email"' in page and 'href="/settings/#email"' in page
    assert "Send it yourself" in page  # the prepared message to copy, meanwhile
    refused = web.submit(f"{url}/send", form_url=url)
    assert "Verify your e-mail address (alice@example.org)" in web.get(
        refused.headers["Location"]
    ).get_data(as_text=True)
    assert received == [] and rows(meetings_app, MailSend) == []

    verify_address(web, received)
    page = web.get(url).get_data(as_text=True)
    assert "Send invite by e-mail" in page and 'id="why-no-email"' not in page
    sent = web.submit(f"{url}/send", form_url=url)
    assert f"Sent to {INVITEE}" in web.get(sent.headers["Location"]).get_data(as_text=True)
    assert received[-1].rcpt_tos == [INVITEE]


def test_the_verification_link_works_once_for_its_address_and_only_by_post(
    meetings_app: Flask, alice: Any, login: Any, smtp_server: Any, client: Any
) -> None:
    controller, received = smtp_server
    use_smtp(meetings_app, controller)
    web = login(alice)
    settings = web.get("/settings/").get_data(as_text=True)
    assert "alice@example.org is not verified yet" in settings
    assert "Send verification link" in settings
    assert web.client.post("/settings/email/verification").status_code == 400  # no CSRF token
    web.submit("/settings/email/verification", form_url="/settings/")
    assert received[0].rcpt_tos == ["alice@example.org"]
    link = link_in(received[0])
    token = link.rsplit("/", 1)[1]
    (stored,) = rows(meetings_app, EmailVerification)
    assert stored.token_hash != token and token not in stored.token_hash  # only its SHA-256
    assert stored.address == "alice@example.org"
    assert stored.expires_at - stored.created_at == timedelta(hours=48)

    # Following the link (as a mail scanner would, signed out) changes nothing by itself.
    opened = client.get(link)
    assert opened.status_code == 200 and "Confirm my address" in opened.get_data(as_text=True)
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    assert "is not verified yet" in web.get("/settings/").get_data(as_text=True)
    confirmed = client.submit("/settings/email/verify", {"token": token}, form_url=link)
    assert confirmed.status_code == 302
    settings = web.get("/settings/").get_data(as_text=True)
    assert "alice@example.org is verified" in settings and "0 of 50 recipients" in settings
    # used up: once is enough
    assert client.get(link).status_code == 404
    assert "does not work" in client.get(link).get_data(as_text=True)

    # A changed address needs a new proof (the app cannot change it yet; the database can).
    with meetings_app.app_context(), Session(meetings_app.extensions["planner.engine"]) as s:
        user = s.get(User, alice.id)
        assert user is not None
        user.email = "alice@example.net"
        s.add(user)
        s.commit()
    settings = web.get("/settings/").get_data(as_text=True)
    assert "alice@example.net is not verified yet" in settings


def test_an_expired_or_replaced_link_does_not_verify(
    meetings_app: Flask, alice: Any, login: Any, smtp_server: Any
) -> None:
    controller, received = smtp_server
    use_smtp(meetings_app, controller)
    web = login(alice)
    web.submit("/settings/email/verification", form_url="/settings/")
    first = link_in(received[0])
    web.submit("/settings/email/verification", form_url="/settings/")
    second = link_in(received[1])
    assert web.get(first).status_code == 404  # replaced by the newer link
    with meetings_app.app_context(), Session(meetings_app.extensions["planner.engine"]) as s:
        (pending,) = s.scalars(select(EmailVerification)).all()
        pending.expires_at = utcnow() - timedelta(seconds=1)
        s.add(pending)
        s.commit()
    assert web.get(second).status_code == 404
    token = second.rsplit("/", 1)[1]
    refused = web.submit("/settings/email/verify", {"token": token}, form_url="/settings/")
    assert refused.status_code == 404
    assert "is not verified yet" in web.get("/settings/").get_data(as_text=True)
    web.submit("/settings/email/verification", form_url="/settings/")
    limited = web.submit("/settings/email/verification", form_url="/settings/")
    page = web.get(limited.headers["Location"]).get_data(as_text=True)
    assert "3 verification links have been sent in the last 24 hours" in page
    assert len(received) == 3


def test_the_daily_recipient_limit_is_counted_in_the_database_and_said_plainly(
    meetings_app: Flask, alice: Any, login: Any, smtp_server: Any
) -> None:
    controller, received = smtp_server
    use_smtp(meetings_app, controller, MAIL_DAILY_RECIPIENTS=2)
    web = login(alice)
    verify_address(web, received)
    url = meeting_with_invitee(meetings_app, web, alice)
    for _ in range(2):
        sent = web.submit(f"{url}/send", form_url=url)
        assert "Sent to" in web.get(sent.headers["Location"]).get_data(as_text=True)
    invites = [row.recipients for row in rows(meetings_app, MailSend) if row.kind == "invite"]
    assert invites == [1, 1]
    page = web.get(url).get_data(as_text=True)
    assert "Send invite by e-mail" not in page
    assert "you have sent invitations to 2 of 2 recipients in the last 24 hours" in page
    refused = web.submit(f"{url}/send", form_url=url)
    page = web.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Daily limit reached: you may send invitations to 2 recipients in 24 hours" in page
    assert len([e for e in received if e.rcpt_tos == [INVITEE]]) == 2
    # a day later there is room again
    with meetings_app.app_context(), Session(meetings_app.extensions["planner.engine"]) as s:
        for row in s.scalars(select(MailSend)):
            row.sent_at = row.sent_at - timedelta(hours=24)
            s.add(row)
        s.commit()
    assert "Send invite by e-mail" in web.get(url).get_data(as_text=True)


def test_downloading_the_invite_changes_nothing(
    meetings_app: Flask, alice: Any, login: Any
) -> None:
    web = login(alice)
    url = meeting_with_invitee(meetings_app, web, alice)
    with meetings_app.app_context(), Session(meetings_app.extensions["planner.engine"]) as s:
        from planner.models import Meeting

        meeting_id = uuid.UUID(url.rsplit("/", 1)[1])
        before = s.get(Meeting, meeting_id)
        assert before is not None
        state = (before.sent_sequence, before.sent_at, before.updated_at)
    for _ in range(2):
        assert web.get(f"{url}/invite.ics").status_code == 200
    with meetings_app.app_context(), Session(meetings_app.extensions["planner.engine"]) as s:
        after = s.get(Meeting, meeting_id)
        assert after is not None
        assert (after.sent_sequence, after.sent_at, after.updated_at) == state


def test_the_feed_names_invitees_without_their_addresses(
    meetings_app: Flask, alice: Any, login: Any
) -> None:
    web = login(alice)
    url = meeting_with_invitee(meetings_app, web, alice)
    web.submit(f"{url}/confirm", form_url=url)
    with meetings_app.app_context(), Session(meetings_app.extensions["planner.engine"]) as s:
        owner = s.get(User, alice.id)
        assert owner is not None
        token = new_feed_token(s, owner=owner)
        s.commit()
    feed = meetings_app.test_client().get(f"/feed/{token}.ics")
    assert feed.status_code == 200
    text = feed.get_data(as_text=True)
    assert INVITEE not in text and "ATTENDEE" not in text
    calendar = read_ics(text)
    (event,) = calendar.vevent_list
    with meetings_app.app_context(), Session(meetings_app.extensions["planner.engine"]) as s:
        address = s.scalars(select(ContactEmail).where(ContactEmail.address == INVITEE)).one()
        invitee = s.get(Contact, address.contact_id)
        assert invitee is not None
        assert f"• {invitee.display_name}" in event.description.value
    # the invite itself still names the invitee as ATTENDEE (iTIP needs it)
    invite = read_ics(web.get(f"{url}/invite.ics").get_data(as_text=True))
    assert invite.vevent.attendee.value.lower() == f"mailto:{INVITEE}"


@pytest.mark.parametrize("action", ["sent", "send"])
def test_another_user_cannot_mark_or_send_my_meeting(
    alice: Any, login: Any, make_user: Any, action: str
) -> None:
    url = meeting_from_suggestion(login(alice))
    bob = login(make_user("bob@example.org"))
    token = bob.csrf_token("/settings/calendars")
    assert bob.client.post(f"{url}/{action}", data={"csrf_token": token}).status_code == 404
