"""The trips caches' keys: what joins the plan key, and the page body kept per key."""

from datetime import datetime
from typing import Any

import pytest
from flask_babel import gettext
from sqlalchemy import literal
from sqlmodel import Session

from planner.geo import Place
from planner.matching import Weights
from planner.models import Contact, Decision, User
from planner.trips import cache, service, suggest

MUNICH = Place("München", "DE", 48.1374, 11.5755, "Bavaria", 2867714, "Europe/Berlin", 1260391)


@pytest.fixture
def owner(db: Session, make_user: Any) -> User:
    user = make_user()
    return db.get(User, user.id)  # type: ignore[return-value]


def _trip_and_key(db: Session, owner: User) -> tuple[Any, Any]:
    leg = service.LegInput("München", MUNICH, datetime(2026, 12, 3, 9), datetime(2026, 12, 5, 18))
    trip = service.create_trip(db, owner=owner, title=None, legs=[leg], gettext=gettext)
    db.commit()
    context = suggest.match_context(db, owner=owner, locale="en", weights=Weights())

    def key() -> Any:
        return cache.plan_key(db, owner=owner, trip=trip, context=context, limit=20)

    return trip, key


def test_a_decision_and_a_meeting_change_the_plan_key(
    db: Session, owner: User, make_contact: Any
) -> None:
    trip, key = _trip_and_key(db, owner)
    contact = db.get(Contact, make_contact(owner, first_name="Mara").id)
    assert contact is not None
    first = key()
    assert key() == first
    service.decide(db, owner=owner, contact=contact, trip=trip, decision=Decision.LATER)
    db.commit()
    decided = key()
    assert decided != first
    service.accept(db, owner=owner, contact=contact, leg=trip.legs[0])
    db.commit()
    assert key() not in (first, decided)


def test_a_registered_stamp_joins_the_plan_key(
    db: Session, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """How another feature (events on the way) makes the trip page follow its rows."""
    _trip, key = _trip_and_key(db, owner)
    version = {"n": 1}
    seen: list[Any] = []

    def stamps(owner_id: Any) -> list[Any]:
        seen.append(owner_id)
        return [literal(version["n"])]

    monkeypatch.setitem(cache._STAMPS, "zz-test", stamps)
    assert cache.stamp_names()[-1] == "zz-test"
    assert {"decisions", "meetings"} <= set(cache.stamp_names())
    before = key()
    assert key() == before and seen[-1] == owner.id
    version["n"] = 2
    assert key() != before
    assert cache.version_stamps(db, owner_id=owner.id)[-1] == 2


def test_a_kept_page_carries_each_requests_csrf_token() -> None:
    cache.PAGES.clear()
    rendered: list[str] = []

    def render(csrf: str) -> str:
        rendered.append(csrf)
        return f'<input name="csrf_token" value="{csrf}">'

    key = ("trip", 1)
    first = cache.page(key, zone="Europe/Berlin", render=render, csrf_token="one")
    second = cache.page(key, zone="Europe/Berlin", render=render, csrf_token="two")
    assert (first, second) == ('<input name="csrf_token" value="one">', first.replace("one", "two"))
    assert rendered == [cache.CSRF_PLACEHOLDER]  # rendered once, with the placeholder
    cache.page(key, zone="Europe/Vienna", render=render, csrf_token="x")
    assert len(rendered) == 2  # another reader's clock: another body


def test_a_form_with_errors_is_rendered_afresh_and_not_kept() -> None:
    cache.PAGES.clear()
    key = ("trip", 2)
    page = cache.page(key, zone="UTC", render=lambda c: "errors " + c, csrf_token="t", reuse=False)
    assert page == "errors t"
    kept = cache.page(key, zone="UTC", render=lambda c: "clean " + c, csrf_token="t")
    assert kept == "clean t"
