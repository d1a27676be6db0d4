"""The duplicates page: review pairs side by side, merge, keep apart, undo; only one's own."""

from typing import Any

from flask import Flask
from sqlmodel import select

from planner import db as planner_db
from planner.duplicates import service
from planner.models import MergeSuggestion, User
from tests.conftest import count_rows


def _suggest(app: Flask, user: Any) -> list[MergeSuggestion]:
    """Find suggestions for ``user`` as an import's follow-up would (own app context)."""
    with app.app_context():
        session = planner_db.session()
        owner = session.get(User, user.id)
        assert owner is not None
        service.find_suggestions(session, owner=owner)
        session.commit()
        found = list(session.exec(select(MergeSuggestion)).all())
        session.expunge_all()
        return found


def _lotte(app: Flask, make_user: Any, make_contact: Any, **user: Any) -> tuple[Any, Any]:
    owner = make_user(**user)
    make_contact(
        owner,
        first_name="Lotte",
        last_name="Brandt",
        emails=["lotte.brandt@example.com"],
        organization="Elbwerk",
    )
    make_contact(owner, first_name=None, last_name=None, display_name="Lotte Brandt 🌊")
    make_contact(owner, first_name="Matthias", last_name="Oberländer")
    [suggestion] = _suggest(app, owner)
    return owner, suggestion


def _export(web: Any) -> list[dict[str, Any]]:
    return sorted(web.get("/contacts/export.json").get_json(), key=lambda c: c["id"])


def test_the_page_shows_both_contacts_and_the_reasons(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    owner, suggestion = _lotte(app, make_user, make_contact)
    web = login(owner)
    page = web.get("/duplicates/").get_data(as_text=True)
    assert "Lotte Brandt 🌊" in page and "lotte.brandt@example.com" in page and "Elbwerk" in page
    assert "the same name: “Lotte Brandt" in page
    assert "Matthias" not in page
    assert "Possible duplicates (1)" in web.get("/contacts/").get_data(as_text=True)
    shown = web.get(f"/contacts/{suggestion.contact_a}").get_data(as_text=True)
    assert "may be a duplicate" in shown


def test_reasons_are_shown_in_german(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    owner, _suggestion = _lotte(app, make_user, make_contact, locale="de")
    page = login(owner).get("/duplicates/").get_data(as_text=True)
    assert "derselbe Name: „Lotte Brandt" in page
    assert "Nicht dieselbe Person" in page


def test_merge_keeps_every_source_and_undo_brings_both_back(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    owner, suggestion = _lotte(app, make_user, make_contact)
    web = login(owner)
    before = _export(web)
    response = web.submit(f"/duplicates/{suggestion.id}/merge", form_url="/duplicates/")
    assert response.status_code == 302
    assert count_rows(app, "contact") == 2
    merged = next(c for c in _export(web) if c["display_name"].startswith("Lotte"))
    assert len(merged["sources"]) == 2 and merged["emails"] == ["lotte.brandt@example.com"]
    page = web.get("/duplicates/").get_data(as_text=True)
    assert "Merged into Lotte Brandt" in page and "Undo merge" in page

    response = web.submit(f"/duplicates/{suggestion.id}/revert", form_url="/duplicates/")
    assert response.status_code == 302
    assert _export(web) == before
    assert "Possible duplicates (" not in web.get("/contacts/").get_data(as_text=True)


def test_not_the_same_person_is_remembered(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    owner, suggestion = _lotte(app, make_user, make_contact)
    web = login(owner)
    response = web.submit(f"/duplicates/{suggestion.id}/dismiss", form_url="/duplicates/")
    assert response.status_code == 302
    assert count_rows(app, "contact") == 3
    assert _suggest(app, owner)[0].status == "dismissed"
    assert "Lotte Brandt 🌊" not in web.get("/duplicates/").get_data(as_text=True)
    # a second click on a stale page changes nothing
    again = web.submit(f"/duplicates/{suggestion.id}/merge", form_url="/duplicates/")
    assert again.status_code == 302 and count_rows(app, "contact") == 3


def test_another_users_suggestions_answer_404_and_change_nothing(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    alice, suggestion = _lotte(app, make_user, make_contact)
    bob = login(make_user())
    assert "Lotte" not in bob.get("/duplicates/").get_data(as_text=True)
    token = bob.csrf_token("/duplicates/")
    for action in ("merge", "dismiss", "revert"):
        response = bob.client.post(
            f"/duplicates/{suggestion.id}/{action}", data={"csrf_token": token}
        )
        assert response.status_code == 404
    assert (
        bob.client.post("/duplicates/not-a-uuid/merge", data={"csrf_token": token}).status_code
        == 404
    )
    assert count_rows(app, "contact") == 3
    assert _suggest(app, alice)[0].status == "open"


def test_decisions_need_the_csrf_token(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    owner, suggestion = _lotte(app, make_user, make_contact)
    web = login(owner)
    for action in ("merge", "dismiss"):
        assert web.client.post(f"/duplicates/{suggestion.id}/{action}").status_code == 400
    assert count_rows(app, "contact") == 3
    assert _suggest(app, owner)[0].status == "open"


def test_names_are_shown_as_text_not_markup(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    owner = make_user()
    make_contact(owner, first_name="<b>Lotte</b>", last_name="Brandt", city="Hamburg")
    make_contact(owner, first_name="<b>Lotte</b>", last_name="Brandt 🌊", city="Hamburg")
    _suggest(app, owner)
    page = login(owner).get("/duplicates/").get_data(as_text=True)
    assert "<b>Lotte</b>" not in page and "&lt;b&gt;Lotte&lt;/b&gt;" in page


def test_the_page_needs_a_sign_in(client: Any) -> None:
    assert client.get("/duplicates/").status_code == 302
