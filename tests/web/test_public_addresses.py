"""Addresses the app hands out: on a page they follow where the reader reached the app, in an
e-mail they never follow the request's Host header."""

import re
from typing import Any

from flask import Flask

from planner.web import mail_base_url


def new_feed_address(web: Any, **kwargs: Any) -> str:
    page = web.submit(
        "/settings/calendars/feed", form_url="/settings/calendars", **kwargs
    ).get_data(as_text=True)
    found = re.search(r'value="([^"]+/feed/[^"]+\.ics)"', page)
    assert found, page[:2000]
    return found.group(1)


def test_without_base_url_the_feed_address_is_where_the_app_was_reached(
    app: Flask, make_user: Any, login: Any
) -> None:
    app.config["BASE_URL"] = None
    web = login(make_user())
    address = new_feed_address(web, base_url="http://localhost:5077")
    assert address.startswith("http://localhost:5077/feed/")
    assert web.get(address.removeprefix("http://localhost:5077")).mimetype == "text/calendar"


def test_behind_a_proxy_the_feed_address_is_the_public_one(
    app: Flask, make_user: Any, login: Any
) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.config["BASE_URL"] = None
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # TRUSTED_PROXIES=1
    web = login(make_user())
    headers = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "treffpunkt.example.org",
        "Referer": "https://treffpunkt.example.org/settings/calendars",  # CSRF over HTTPS
    }
    address = new_feed_address(web, headers=headers)
    assert address.startswith("https://treffpunkt.example.org/feed/")


def test_a_configured_base_url_wins(app: Flask, make_user: Any, login: Any) -> None:
    app.config["BASE_URL"] = "https://planner.example.net/"
    web = login(make_user())
    assert new_feed_address(web).startswith("https://planner.example.net/feed/")


def test_mail_links_never_take_the_requests_host(app: Flask) -> None:
    app.config["BASE_URL"] = None
    app.config["SERVED_AT"] = "http://127.0.0.1:5077"
    with app.test_request_context("/register", base_url="http://evil.example"):
        assert mail_base_url() == "http://127.0.0.1:5077"
    app.config["BASE_URL"] = "https://treffpunkt.example.org"
    with app.test_request_context("/register", base_url="http://evil.example"):
        assert mail_base_url() == "https://treffpunkt.example.org"
