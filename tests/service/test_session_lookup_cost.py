"""Every signed-in request finds its user with one statement and builds no session object."""

from typing import Any

from sqlalchemy import event
from sqlmodel import Session

from planner.auth import sessions
from planner.models import User, UserSession


def test_the_session_lookup_builds_only_the_user(db: Session, make_user: Any) -> None:
    user = db.get(User, make_user().id)
    assert user is not None
    token = sessions.start_session(db, user=user, user_agent=None)
    db.commit()
    cookie_id = f"{user.id}.{token}"
    db.expunge_all()  # a new request
    built: list[str] = []

    def loaded(target: Any, _context: Any) -> None:
        built.append(type(target).__name__)

    for model in (User, UserSession):
        event.listen(model, "load", loaded)
    try:
        found = sessions.load_session_user(db, cookie_id)
    finally:
        for model in (User, UserSession):
            event.remove(model, "load", loaded)
    assert found is not None and found.id == user.id
    assert built == ["User"]
