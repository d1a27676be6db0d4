from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col

from planner.auth import sessions
from planner.models import User, UserSession
from planner.models.types import utcnow


def _age(db: Session, token: str, by: Any) -> None:
    db.execute(
        update(UserSession)
        .where(col(UserSession.id) == sessions.token_digest(token))
        .values(last_seen_at=utcnow() - by)
    )
    db.commit()


def test_a_session_is_found_by_its_token_only(db: Session, make_user: Any) -> None:
    user, other = db.get(User, make_user().id), db.get(User, make_user().id)
    assert user is not None and other is not None
    token = sessions.start_session(db, user=user, user_agent=None)
    db.commit()
    assert sessions.load_session_user(db, f"{user.id}.{token}") is user
    assert sessions.load_session_user(db, f"{other.id}.{token}") is None  # not hers
    assert sessions.load_session_user(db, f"{user.id}.{token}x") is None
    assert sessions.load_session_user(db, f"{user.id}.") is None
    assert sessions.load_session_user(db, "not-a-uuid.abc") is None


def test_last_seen_is_written_now_and_then_and_idle_sessions_die(
    db: Session, make_user: Any
) -> None:
    user = db.get(User, make_user().id)
    assert user is not None
    token = sessions.start_session(db, user=user, user_agent=None)
    db.commit()
    _age(db, token, sessions.LAST_SEEN_EVERY * 2)
    assert sessions.load_session_user(db, f"{user.id}.{token}") is user
    row = db.get(UserSession, sessions.token_digest(token))
    assert row is not None and utcnow() - row.last_seen_at < sessions.LAST_SEEN_EVERY
    _age(db, token, sessions.IDLE_LIMIT * 1.01)
    assert sessions.load_session_user(db, f"{user.id}.{token}") is None


def test_the_browser_is_named_briefly() -> None:
    chrome = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
    )
    assert sessions.describe_agent(chrome) == "Chrome on Windows"
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Safari/604.1"
    assert sessions.describe_agent(iphone) == "Safari on iOS"
    assert sessions.describe_agent("curl/8.5.0") == "curl/8.5.0"
    assert sessions.describe_agent(None) is None
