"""Preferences: language, home city and topics are kept together, or (an unknown city)
not at all."""

from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session

from planner.models import User
from planner.settings import service
from tests.places_fixtures import with_gazetteer


@pytest.fixture
def places_app(app: Flask) -> Flask:
    return with_gazetteer(app)


def test_preferences_are_saved_and_read_back(
    places_app: Flask, db: Session, make_user: Any
) -> None:
    user = db.get(User, make_user().id)
    assert user is not None
    saved = service.save_preferences(
        db, user=user, locale="de", home_city="muenchen", topics="Open Data; Barcamps, Open Data"
    )
    db.commit()
    assert saved and user.locale == "de" and user.home_lat is not None
    assert service.preferences_of(db, user=user) == service.Preferences(
        locale="de", home_city="muenchen", topics="Open Data, Barcamps"
    )


def test_an_unknown_home_city_changes_nothing(
    places_app: Flask, db: Session, make_user: Any
) -> None:
    user = db.get(User, make_user().id)
    assert user is not None
    saved = service.save_preferences(
        db, user=user, locale="de", home_city="Xyzzyville", topics="Barcamps"
    )
    assert not saved
    assert user.locale is None and user.home_city is None
    assert service.preferences_of(db, user=user).topics == ""
