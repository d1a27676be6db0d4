"""Small things a crawl or a hand-made request found (issue 17): page numbers past any
end, a leg number that is no number, and downloads a cache must not keep."""

from typing import Any

HUGE = "99999999999999999999"  # past SQLite's 64-bit OFFSET


def test_a_huge_page_number_shows_the_last_page_of_contacts(
    make_user: Any, make_contact: Any, login: Any
) -> None:
    owner = make_user()
    make_contact(owner, first_name="Anna")
    web = login(owner)
    response = web.get(f"/contacts/?page={HUGE}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/contacts/?page=1")
    searched = web.get(f"/contacts/?q=Anna&page={HUGE}")
    assert searched.status_code == 302 and "q=Anna" in searched.headers["Location"]
    assert "Anna" in web.get(response.headers["Location"]).get_data(as_text=True)


def test_a_huge_page_number_shows_the_last_page_of_duplicates(make_user: Any, login: Any) -> None:
    web = login(make_user())
    response = web.get(f"/duplicates/?page={HUGE}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/duplicates/?page=1")
    assert web.get("/duplicates/?page=-3").status_code == 200


def test_a_leg_number_that_is_no_number_is_refused_saying_what_is_missing(
    make_user: Any, login: Any
) -> None:
    web = login(make_user())
    response = web.submit(
        "/trips/import-calendar/confirm",
        {"legs-x-keep": "y", "legs-x-place": "Berlin", "keep": ["0", "x"]},
        form_url="/trips/import-calendar",
    )
    assert response.status_code == 422
    assert "Choose at least one leg." in response.get_data(as_text=True)


def test_the_contacts_export_is_never_cached(make_user: Any, make_contact: Any, login: Any) -> None:
    owner = make_user()
    contact = make_contact(owner)
    web = login(owner)
    for url in ("/contacts/export.json", f"/contacts/{contact.id}/export.json"):
        response = web.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store", url


def test_every_download_is_never_cached(app: Any) -> None:
    """Invite .ics and any later download too (the feed is inline, with its own caching)."""
    from flask import Response

    app.add_url_rule(
        "/test-download",
        "test_download",
        lambda: Response("x", headers={"Content-Disposition": 'attachment; filename="a.ics"'}),
    )
    assert app.test_client().get("/test-download").headers["Cache-Control"] == "no-store"


def test_the_feed_keeps_its_own_caching(app: Any, make_user: Any) -> None:
    from sqlmodel import Session

    from planner.feeds.service import new_feed_token
    from planner.models import User

    owner = make_user()
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        token = new_feed_token(session, owner=session.get(User, owner.id))
        session.commit()
    feed = app.test_client().get(f"/feed/{token}.ics")
    assert feed.status_code == 200
    assert feed.headers["Cache-Control"] == "private, max-age=900"
