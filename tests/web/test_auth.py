from typing import Any

import pytest
from flask import Flask

from tests.conftest import PASSWORD, WebClient, count_rows


def test_register_signs_in_and_shows_the_empty_dashboard(client: WebClient, app: Flask) -> None:
    response = client.submit(
        "/register",
        {"email": "neu@example.org", "password": PASSWORD, "confirm": PASSWORD, "locale": ""},
    )
    assert response.status_code == 302 and response.location == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Your network starts here" in page
    assert count_rows(app, "users") == 1


def test_register_explains_each_mistake(client: WebClient, make_user: Any) -> None:
    make_user("taken@example.org")
    page = client.submit(
        "/register",
        {"email": "taken@example.org", "password": "short", "confirm": "other", "locale": ""},
    ).get_data(as_text=True)
    assert "Use at least 10 characters." in page
    assert "The passwords differ." in page
    page = client.submit(
        "/register",
        {"email": "taken@example.org", "password": PASSWORD, "confirm": PASSWORD, "locale": ""},
    ).get_data(as_text=True)
    assert "An account with this e-mail address exists already." in page
    page = client.submit(
        "/register",
        {"email": "not-an-email", "password": PASSWORD, "confirm": PASSWORD, "locale": ""},
    ).get_data(as_text=True)
    assert 'aria-invalid="true"' in page


def test_sign_in_wrong_password_and_sign_out(client: WebClient, make_user: Any) -> None:
    user = make_user()
    page = client.submit("/login", {"email": user.email, "password": "nope"})
    assert page.status_code == 422 and "E-mail or password is wrong." in page.get_data(as_text=True)
    assert client.get("/contacts/").status_code == 302  # still signed out
    client.login(user.email)
    assert client.get("/contacts/").status_code == 200
    assert client.submit("/logout", form_url="/dashboard").status_code == 302
    assert client.get("/contacts/").location.startswith("/login")


def test_sign_in_returns_to_the_page_asked_for_but_never_elsewhere(
    client: WebClient, make_user: Any
) -> None:
    user = make_user()
    token = client.csrf_token("/login")
    ok = client.client.post(
        "/login?next=/contacts/new",
        data={"csrf_token": token, "email": user.email, "password": PASSWORD},
    )
    assert ok.location == "/contacts/new"
    other = WebClient(client.client.application.test_client())
    token = other.csrf_token("/login")
    evil = other.client.post(
        "/login?next=https://evil.example/",
        data={"csrf_token": token, "email": user.email, "password": PASSWORD},
    )
    assert evil.location == "/dashboard"


def test_changing_the_password_signs_out_other_devices(
    app: Flask, make_user: Any, login: Any
) -> None:
    user = make_user()
    laptop, phone = login(user), login(user)
    response = laptop.submit(
        "/settings/password",
        {
            "current": PASSWORD,
            "password": "a new long password",
            "confirm": "a new long password",
        },
        form_url="/settings/",
    )
    assert response.status_code == 302
    assert laptop.get("/contacts/").status_code == 200
    assert phone.get("/contacts/").status_code == 302
    WebClient(app.test_client()).login(user.email, "a new long password")
    assert count_rows(app, "user_session") == 2  # the laptop's and the new one


def test_wrong_current_password_changes_nothing(make_user: Any, login: Any) -> None:
    user = make_user()
    web = login(user)
    response = web.submit(
        "/settings/password",
        {
            "current": "wrong",
            "password": "a new long password",
            "confirm": "a new long password",
        },
        form_url="/settings/",
    )
    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)
    login(user)  # the old password still works


def test_delete_account_needs_the_password_and_removes_everything(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    user, other = make_user(), make_user()
    make_contact(user)
    make_contact(other)
    web = login(user)
    assert (
        web.submit("/settings/delete", {"password": "wrong"}, form_url="/settings/").status_code
        == 422
    )
    assert count_rows(app, "contact") == 2
    response = web.submit("/settings/delete", {"password": PASSWORD}, form_url="/settings/")
    assert response.status_code == 302
    assert count_rows(app, "users") == 1
    assert count_rows(app, "contact") == 1
    assert count_rows(app, "contact_source") == 1
    assert web.get("/contacts/").status_code == 302


def copy_of(web: WebClient, app: Flask) -> WebClient:
    """Another browser holding a copy of ``web``'s cookies (as someone who copied them)."""
    thief = WebClient(app.test_client())
    for cookie in web.client._cookies.values():
        thief.client.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    return thief


def test_a_copy_of_the_cookies_is_dead_after_sign_out(app: Flask, make_user: Any) -> None:
    user = make_user()
    web = WebClient(app.test_client())
    web.submit("/login", {"email": user.email, "password": PASSWORD, "remember": "y"})
    remember = web.client.get_cookie("remember_token")
    assert remember is not None
    thief = copy_of(web, app)
    remembered = WebClient(app.test_client())  # only the remember-me cookie
    remembered.client.set_cookie("remember_token", remember.value)
    assert thief.get("/contacts/").status_code == 200
    assert remembered.get("/contacts/").status_code == 200
    web.submit("/logout", form_url="/dashboard")
    assert thief.get("/contacts/").status_code == 302
    remembered.client.delete_cookie("treffpunkt_session")  # what the last visit left
    assert remembered.get("/contacts/").status_code == 302
    assert count_rows(app, "user_session") == 0


def test_sign_out_ends_only_this_browser(app: Flask, make_user: Any, login: Any) -> None:
    user = make_user()
    laptop, phone = login(user), login(user)
    phone.submit("/logout", form_url="/dashboard")
    assert laptop.get("/contacts/").status_code == 200
    assert phone.get("/contacts/").status_code == 302


def test_sign_out_everywhere_ends_every_session(app: Flask, make_user: Any, login: Any) -> None:
    user, other = make_user(), make_user()
    laptop, phone, someone = login(user), login(user), login(other)
    page = laptop.get("/settings/").get_data(as_text=True)
    assert "Signed-in devices" in page and page.count("<li>") >= 2 and "this device" in page
    answer = laptop.submit("/logout/everywhere", form_url="/settings/")
    assert answer.status_code == 302 and answer.location == "/login"
    assert "Signed out on all 2 devices." in laptop.get("/login").get_data(as_text=True)
    for web in (laptop, phone):
        assert web.get("/contacts/").status_code == 302
    assert someone.get("/contacts/").status_code == 200


def test_sign_out_everywhere_needs_the_form_token(make_user: Any, login: Any) -> None:
    web = login(make_user())
    assert web.client.post("/logout/everywhere").status_code == 400
    assert web.get("/contacts/").status_code == 200


def test_unknown_and_known_addresses_cost_one_verification_each(
    app: Flask, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from argon2 import PasswordHasher

    user = make_user()
    web = WebClient(app.test_client())
    web.get("/login")  # the dummy hash may be made once per process
    attempt(web, "nobody@example.org")
    calls: list[str] = []
    for name in ("hash", "verify"):
        original = getattr(PasswordHasher, name)
        monkeypatch.setattr(
            PasswordHasher,
            name,
            lambda self, *a, _n=name, _o=original, **k: calls.append(_n) or _o(self, *a, **k),
        )
    known = attempt(web, user.email)
    known_calls, calls[:] = list(calls), []
    unknown = attempt(web, "nobody-else@example.org")
    assert known_calls == calls == ["verify"]
    assert known.status_code == unknown.status_code == 422
    assert _flashes(known) == _flashes(unknown) == ["E-mail or password is wrong."]


def attempt(web: WebClient, email: str, password: str = "wrong password") -> Any:
    return web.submit("/login", {"email": email, "password": password})


def _flashes(response: Any) -> list[str]:
    import re

    return re.findall(r'class="flash[^"]*"[^>]*>([^<]+)<', response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("1234567890", "one of the most common passwords"),
        ("QwertyUIOP", "one of the most common passwords"),
        ("mara.kessler-2026", "must not contain your e-mail address"),
        ("xx MARA.KESSLER@EXAMPLE.ORG", "must not contain your e-mail address"),
    ],
)
def test_register_refuses_common_passwords_and_the_address(
    client: WebClient, app: Flask, password: str, message: str
) -> None:
    answer = client.submit(
        "/register",
        {"email": "mara.kessler@example.org", "password": password, "confirm": password},
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert message in page and 'id="password-error"' in page
    assert count_rows(app, "users") == 0


def test_a_new_password_is_checked_against_the_account_address(make_user: Any, login: Any) -> None:
    user = make_user("jonas.weber@example.org")
    web = login(user)
    answer = web.submit(
        "/settings/password",
        {"current": PASSWORD, "password": "jonas.weber1", "confirm": "jonas.weber1"},
        form_url="/settings/",
    )
    assert answer.status_code == 422
    assert "must not contain your e-mail address" in answer.get_data(as_text=True)


def test_behind_a_trusted_proxy_the_forwarded_address_scheme_and_host_count(
    app: Flask, make_user: Any
) -> None:
    from flask import request, url_for

    from planner import create_app

    def probe() -> str:
        return f"{request.remote_addr} {url_for('auth.login', _external=True)}"

    proxied = create_app({**app.config, "TRUSTED_PROXIES": 1, "RATELIMIT_ENABLED": True})
    direct = create_app({**app.config, "RATELIMIT_ENABLED": True})
    for one in (proxied, direct):
        one.add_url_rule("/_probe", view_func=probe)
    forwarded = {
        "X-Forwarded-For": "203.0.113.50",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "treffpunkt.example.org",
    }
    try:
        seen = proxied.test_client().get("/_probe", headers=forwarded).get_data(as_text=True)
        assert seen == "203.0.113.50 https://treffpunkt.example.org/login"
        page = proxied.test_client().get("/login", headers=forwarded)
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
        # without trusted proxies the headers are anyone's to forge: ignored
        seen = direct.test_client().get("/_probe", headers=forwarded).get_data(as_text=True)
        assert seen == "127.0.0.1 http://localhost/login"
        assert (
            "Strict-Transport-Security"
            not in direct.test_client().get("/login", headers=forwarded).headers
        )
        # two users behind the proxy: one's guesses do not lock out the other
        user = make_user()
        guesser, owner = WebClient(proxied.test_client()), WebClient(proxied.test_client())
        codes = [
            guesser.submit(
                "/login",
                {"email": user.email, "password": "wrong"},
                headers={"X-Forwarded-For": "203.0.113.50"},
            ).status_code
            for _ in range(11)
        ]
        assert codes[-1] == 429
        mine = owner.submit(
            "/login",
            {"email": user.email, "password": PASSWORD},
            headers={"X-Forwarded-For": "198.51.100.23"},
        )
        assert mine.status_code == 302
    finally:
        for one in (proxied, direct):
            one.extensions["planner.engine"].dispose()
