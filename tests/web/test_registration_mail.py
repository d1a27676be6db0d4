"""With SMTP configured, registering answers alike for new and taken addresses: both get
"check your mail", and the account is created only from the e-mailed link."""

import re
from email import message_from_bytes, policy
from typing import Any

import pytest
from flask import Flask

from tests.conftest import PASSWORD, WebClient, count_rows
from tests.web.test_meetings_web import smtp_server  # noqa: F401  (the fixture)


@pytest.fixture
def mail_app(app: Flask, smtp_server: Any) -> tuple[Flask, list[Any]]:  # noqa: F811
    controller, received = smtp_server
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port,
        SMTP_SECURITY="none",
        MAIL_SENDER="Treffpunkt <treffpunkt@example.org>",
        BASE_URL="https://treffpunkt.example.org",
    )
    return app, received


def register(web: WebClient, email: str) -> Any:
    return web.submit("/register", {"email": email, "password": PASSWORD, "confirm": PASSWORD})


def body(envelope: Any) -> str:
    text: str = message_from_bytes(envelope.content, policy=policy.default).get_body().get_content()
    return text


def page_text(response: Any) -> str:
    page = response.get_data(as_text=True)
    return re.sub(r'value="[^"]*"', "", page).replace("taken@", "@").replace("fresh@", "@")


def test_new_and_taken_addresses_get_the_same_answer(
    mail_app: tuple[Flask, list[Any]], make_user: Any, client: WebClient
) -> None:
    app, received = mail_app
    make_user("taken@example.org")
    taken = register(client, "taken@example.org")
    fresh = register(WebClient(app.test_client()), "fresh@example.org")
    assert taken.status_code == fresh.status_code == 200
    assert page_text(taken) == page_text(fresh)
    assert "Check your mail" in page_text(fresh)
    assert count_rows(app, "users") == 1  # nothing created before the link is opened
    assert [e.rcpt_tos for e in received] == [["taken@example.org"], ["fresh@example.org"]]
    assert "You have one already" in body(received[0])
    assert "/register/confirm/" not in body(received[0])


def test_the_link_creates_the_account_and_signs_in_once(
    mail_app: tuple[Flask, list[Any]], client: WebClient
) -> None:
    app, received = mail_app
    forged = {"base_url": "http://evil.example"}  # the Host header whoever posts chooses
    page = client.client.get("/register", **forged).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token
    form = {"csrf_token": token.group(1), "email": "fresh@example.org"}
    client.client.post(
        "/register", data=form | {"password": PASSWORD, "confirm": PASSWORD}, **forged
    )
    link = re.search(r"https://treffpunkt.example.org(/register/confirm/\S+)", body(received[0]))
    assert link, body(received[0])  # the configured address, not the forged Host header
    browser = WebClient(app.test_client())  # opened from the mail, maybe elsewhere
    page = browser.get(link.group(1))
    assert page.status_code == 200 and "fresh@example.org" in page.get_data(as_text=True)
    assert count_rows(app, "users") == 0  # a GET creates nothing (mail scanners open links)
    done = browser.submit(link.group(1), {"password": PASSWORD})
    assert done.status_code == 302 and done.location == "/dashboard"
    assert browser.get("/contacts/").status_code == 200
    assert count_rows(app, "users") == 1
    assert count_rows(app, "pending_registration") == 0
    assert count_rows(app, "email_verification") == 1  # the link proved the address
    assert WebClient(app.test_client()).get(link.group(1)).status_code == 404  # used up
    WebClient(app.test_client()).login("fresh@example.org")  # the password chosen at first


def test_a_link_for_an_address_taken_meanwhile_creates_nothing(
    mail_app: tuple[Flask, list[Any]], make_user: Any, client: WebClient
) -> None:
    app, received = mail_app
    register(client, "fresh@example.org")
    make_user("fresh@example.org")
    link = re.search(r"https://treffpunkt.example.org(/register/confirm/\S+)", body(received[0]))
    assert link
    done = WebClient(app.test_client()).submit(link.group(1), {"password": PASSWORD})
    assert done.location == "/login"
    assert count_rows(app, "users") == 1


def test_only_who_registered_can_finish_not_the_mailbox_owner_tricked_into_it(
    mail_app: tuple[Flask, list[Any]], client: WebClient
) -> None:
    """Someone registers another person's address with a password of their own; she clicks
    the link. Without the password nothing is created, so the stranger cannot sign in to
    an account in her name."""
    app, received = mail_app
    register(client, "victim@example.org")
    link = re.search(r"https://treffpunkt.example.org(/register/confirm/\S+)", body(received[0]))
    assert link
    hers = WebClient(app.test_client())
    answer = hers.submit(link.group(1), {"password": "I never chose one"})
    assert answer.status_code == 422
    assert "not the password you chose" in answer.get_data(as_text=True)
    assert count_rows(app, "users") == 0


def test_both_answers_cost_one_hash_and_one_message(
    mail_app: tuple[Flask, list[Any]], make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from argon2 import PasswordHasher

    app, received = mail_app
    make_user("taken@example.org")
    calls: list[str] = []
    original = PasswordHasher.hash
    monkeypatch.setattr(
        PasswordHasher,
        "hash",
        lambda self, *a, **k: calls.append("hash") or original(self, *a, **k),
    )
    register(WebClient(app.test_client()), "taken@example.org")
    taken, calls[:] = list(calls), []
    register(WebClient(app.test_client()), "fresh@example.org")
    assert taken == calls == ["hash"]
    assert len(received) == 2


def test_without_smtp_a_taken_address_is_said_plainly(client: WebClient, make_user: Any) -> None:
    make_user("taken@example.org")
    answer = register(client, "taken@example.org")
    assert answer.status_code == 422
    assert "An account with this e-mail address exists already." in answer.get_data(as_text=True)


def test_guessing_the_password_behind_a_link_is_throttled(
    mail_app: tuple[Flask, list[Any]], client: WebClient
) -> None:
    from planner.auth import throttle

    app, received = mail_app
    app.config["RATELIMIT_ENABLED"] = True
    register(client, "victim@example.org")
    link = re.search(r"https://treffpunkt.example.org(/register/confirm/\S+)", body(received[0]))
    assert link
    guesser = WebClient(app.test_client())
    codes = [
        guesser.submit(link.group(1), {"password": f"guess {i}"}).status_code
        for i in range(throttle.SIGN_IN_PER_ACCOUNT_AND_ADDRESS.count + 1)
    ]
    assert codes[-1] == 429 and set(codes[:-1]) == {422}
    assert count_rows(app, "users") == 0
