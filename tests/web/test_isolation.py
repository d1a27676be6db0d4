"""User B can reach none of user A's contacts, and forms need their CSRF token."""

from typing import Any

import pytest
from flask import Flask

from tests.conftest import PASSWORD, count_rows


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/contacts/{id}"),
        ("GET", "/contacts/{id}/edit"),
        ("POST", "/contacts/{id}/edit"),
        ("GET", "/contacts/{id}/delete"),
        ("POST", "/contacts/{id}/delete"),
        ("GET", "/contacts/{id}/export.json"),
    ],
)
def test_another_users_contact_urls_answer_404_and_change_nothing(
    app: Flask, make_user: Any, make_contact: Any, login: Any, method: str, path: str
) -> None:
    alice, bob = make_user(), make_user()
    contact = make_contact(alice, first_name="Alice's", last_name="Secret", notes="private")
    web = login(bob)
    url = path.format(id=contact.id)
    if method == "GET":
        response = web.get(url)
    else:
        token = web.csrf_token("/contacts/new")
        response = web.client.post(
            url, data={"csrf_token": token, "first_name": "Hacked", "stage": "online"}
        )
    assert response.status_code == 404
    assert "Secret" not in response.get_data(as_text=True)
    alice_view = login(alice).get(f"/contacts/{contact.id}/export.json").get_json()
    assert alice_view["first_name"] == "Alice's" and alice_view["notes"] == "private"
    assert count_rows(app, "contact") == 1


def test_bulk_export_and_list_show_only_ones_own(
    make_user: Any, make_contact: Any, login: Any
) -> None:
    alice, bob = make_user(), make_user()
    make_contact(alice, first_name="Alicecontact")
    web = login(bob)
    assert web.get("/contacts/export.json").get_json() == []
    assert "Alicecontact" not in web.get("/contacts/?q=alice").get_data(as_text=True)


def test_malformed_ids_are_404_not_500(make_user: Any, login: Any) -> None:
    web = login(make_user())
    for bad in ("not-a-uuid", "1", "%00", "00000000-0000-0000-0000-000000000000"):
        assert web.get(f"/contacts/{bad}").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/contacts/new",
        "/settings/",
        "/settings/password",
        "/settings/delete",
        "/logout",
        "/language",
    ],
)
def test_a_post_without_csrf_token_is_refused(
    app: Flask, make_user: Any, login: Any, path: str
) -> None:
    user = make_user()
    web = login(user)
    response = web.client.post(
        path, data={"first_name": "X", "stage": "online", "password": PASSWORD, "lang": "de"}
    )
    assert response.status_code == 400
    assert count_rows(app, "contact") == 0
    assert count_rows(app, "users") == 1


def test_login_without_csrf_token_is_refused(client: Any, make_user: Any) -> None:
    user = make_user()
    response = client.client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
