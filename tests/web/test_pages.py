"""Security headers, languages, error pages."""

from typing import Any

from flask import Flask

from tests.conftest import WebClient
from tests.places_fixtures import with_gazetteer


def test_security_headers_on_every_page(client: WebClient) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_pages_have_no_inline_scripts_or_styles(
    make_user: Any, make_contact: Any, login: Any
) -> None:
    user = make_user()
    contact = make_contact(user)
    web = login(user)
    for url in (
        "/dashboard",
        "/contacts/",
        f"/contacts/{contact.id}",
        "/contacts/new",
        "/settings/",
        "/about",
    ):
        page = web.get(url).get_data(as_text=True)
        assert "<script>" not in page and " style=" not in page and "onclick" not in page, url


def test_browser_language_decides_until_the_user_chooses(
    make_user: Any, login: Any, client: WebClient
) -> None:
    german = client.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert 'lang="de"' in german.get_data(as_text=True)
    assert "Anmelden" in german.get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-US"})
    assert "Sign in" in english.get_data(as_text=True)

    user = make_user(locale="en")
    web = login(user)
    page = web.get("/contacts/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Add contact" in page  # the setting beats the browser
    web.submit("/settings/", {"locale": "de", "home_city": "Hamburg"})
    page = web.get("/contacts/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Kontakt" in page and 'lang="de"' in page


def test_visitors_switch_language_with_a_cookie(client: WebClient) -> None:
    response = client.submit("/language", {"lang": "de", "next": "/register"}, form_url="/login")
    assert response.status_code == 302 and response.location == "/register"
    page = client.get("/register", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="de"' in page


def test_unknown_pages_get_a_friendly_404(client: WebClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is nothing here" in response.get_data(as_text=True)


def test_settings_save_home_city(app: Flask, make_user: Any, login: Any) -> None:
    with_gazetteer(app)
    user = make_user()
    web = login(user)
    response = web.submit("/settings/", {"locale": "", "home_city": "Köln"})
    assert response.status_code == 302
    assert 'value="Köln"' in web.get("/settings/").get_data(as_text=True)
    unknown = web.submit("/settings/", {"locale": "", "home_city": "Xyzzyville"})
    assert "is not a city we know" in unknown.get_data(as_text=True)
