from typing import Any

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
    assert page.status_code == 200 and "E-mail or password is wrong." in page.get_data(as_text=True)
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


def test_sign_in_is_rate_limited(app: Flask, make_user: Any) -> None:
    from planner import create_app

    limited = create_app(
        {**app.config, "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"}
    )
    user = make_user()
    web = WebClient(limited.test_client())
    codes = [
        web.submit("/login", {"email": user.email, "password": "wrong"}).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    limited.extensions["planner.engine"].dispose()


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
    assert response.status_code == 400
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
        == 400
    )
    assert count_rows(app, "contact") == 2
    response = web.submit("/settings/delete", {"password": PASSWORD}, form_url="/settings/")
    assert response.status_code == 302
    assert count_rows(app, "users") == 1
    assert count_rows(app, "contact") == 1
    assert count_rows(app, "contact_source") == 1
    assert web.get("/contacts/").status_code == 302
