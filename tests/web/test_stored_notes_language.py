"""An import's notes are shown in the language the reader has now, not the one of the upload."""

from io import BytesIO
from typing import Any

from flask import Flask
from sqlmodel import Session

from planner.models import User

# a Mastodon follows export with an empty line and a broken address
FOLLOWS = (
    b"Account address,Show boosts,Notify on new posts,Languages\n"
    b"lotte@norden.social,true,false,\n\nnot-an-address,true,false,\n"
)


def set_locale(app: Flask, user: Any, locale: str) -> None:
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        row = session.get(User, user.id)
        assert row is not None
        row.locale = locale
        session.add(row)
        session.commit()


def test_notes_stored_in_english_read_german_after_a_switch(
    app: Flask, make_user: Any, login: Any
) -> None:
    user = make_user(locale="en")
    web = login(user)
    preview = web.submit("/imports/", {"files": (BytesIO(FOLLOWS), "following_accounts.csv")})
    url = preview.location
    english = web.get(url).get_data(as_text=True)
    assert "empty row" in english and "not a Mastodon address: not-an-address" in english
    set_locale(app, user, "de")
    german = web.get(url).get_data(as_text=True)
    assert "leere Zeile" in german and "keine Mastodon-Adresse: not-an-address" in german
    assert "empty row" not in german
    web.submit(url + "/confirm", form_url=url)  # the written import keeps them the same way
    assert "keine Mastodon-Adresse" in web.get(url).get_data(as_text=True)
    set_locale(app, user, "en")
    assert "not a Mastodon address" in web.get(url).get_data(as_text=True)
