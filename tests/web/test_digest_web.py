"""The digest in the browser: the choice in the settings (off by default), and the e-mail's
unsubscribe link, whose GET only asks and whose POST turns it off without signing in."""

import re
from typing import Any

from flask import Flask
from sqlmodel import Session

from planner.models import User
from planner.relationships.digest import unsubscribe_token


def digest_of(app: Flask, user_id: Any) -> str:
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        found = session.get(User, user_id)
        assert found is not None
        return found.digest


def test_the_settings_offer_the_digest_off_by_default_and_save_the_choice(
    app: Flask, make_user: Any, login: Any
) -> None:
    user = make_user()
    web = login(user)
    page = web.get("/settings/").get_data(as_text=True)
    assert 'id="digest"' in page
    assert re.search(r'<input checked[^>]* value="off"', page)
    assert "SMTP is not set up" in page
    saved = web.submit("/settings/digest", {"choice": "weekly"}, form_url="/settings/")
    assert saved.status_code == 302
    assert digest_of(app, user.id) == "weekly"
    refused = web.submit("/settings/digest", {"choice": "hourly"}, form_url="/settings/")
    assert refused.status_code == 302
    assert digest_of(app, user.id) == "weekly"


def test_the_unsubscribe_link_asks_first_and_works_without_signing_in(
    app: Flask, make_user: Any, client: Any
) -> None:
    user = make_user(digest="daily")
    with app.test_request_context():
        token = unsubscribe_token(user)
    url = f"/digest/unsubscribe/{token}"
    asked = client.get(url)
    assert asked.status_code == 200
    assert asked.headers["Cache-Control"] == "no-store"
    assert asked.headers["Referrer-Policy"] == "no-referrer"
    assert "Turn the digest off" in asked.get_data(as_text=True)
    assert digest_of(app, user.id) == "daily"  # a GET (a mail scanner) changes nothing
    done = client.submit(url)
    assert done.status_code == 302
    assert digest_of(app, user.id) == "off"
    assert 'id="digest-off"' in client.get(url).get_data(as_text=True)


def test_a_tampered_or_foreign_unsubscribe_link_is_not_found(
    app: Flask, make_user: Any, client: Any
) -> None:
    user = make_user(digest="daily")
    with app.test_request_context():
        token = unsubscribe_token(user)
    assert client.get(f"/digest/unsubscribe/{token[:-3]}abc").status_code == 404
    assert client.get("/digest/unsubscribe/x").status_code == 404
    raw = client.client.post(f"/digest/unsubscribe/{token}")  # no CSRF token
    assert raw.status_code == 400
    assert digest_of(app, user.id) == "daily"


def test_the_unsubscribe_token_is_masked_in_the_logs() -> None:
    from planner.access_log import mask_secrets

    line = '"GET /digest/unsubscribe/ImFiYyI.SDW1DyJRJItaz HTTP/1.1" 200'
    assert mask_secrets(line) == '"GET /digest/unsubscribe/… HTTP/1.1" 200'
    assert mask_secrets("/feed/abcdefgh.ics?x") == "/feed/….ics?x"  # as before
