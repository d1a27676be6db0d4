"""Server-side sessions: each signed-in browser is a ``user_session`` row that its cookies name.

Decisions:

* The session cookie and the remember-me cookie carry ``"<user id>.<token>"`` (Flask-Login's
  ``get_id``); the server keeps only SHA-256 of the token. Signing out deletes the row, so a
  copy of either cookie taken before is refused afterwards, which a signed cookie alone
  cannot do (it stays valid until it expires).
* One row per browser rather than one key per user: signing out on the phone leaves the
  laptop signed in, "Sign out everywhere" deletes all rows, a password change all but the
  current one.
* The cost per request is one query by primary key (the session row joined to its user).
  ``last_seen_at`` is written at most every ``LAST_SEEN_EVERY``, not on every request.
* A session unseen for ``IDLE_LIMIT`` is dead even with a remember-me cookie (which Flask-Login
  keeps for 365 days); rows that old are deleted when the user next signs in.
"""

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, update
from sqlmodel import Session, col, select

from planner.models import User, UserSession
from planner.models.types import utcnow

LAST_SEEN_EVERY = timedelta(minutes=5)
IDLE_LIMIT = timedelta(days=90)

# Every signed-in request's statement, built once: the user and the one column needed of
# the session row (no UserSession object to build).
_SESSION_USER = (
    select(User, UserSession.last_seen_at)
    .join(UserSession, col(UserSession.user_id) == col(User.id))
    .where(col(UserSession.id) == bindparam("digest"))
)

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))  # fmt: skip
_SYSTEMS = (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iPadOS"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Linux", "Linux"))  # fmt: skip


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def describe_agent(user_agent: str | None) -> str | None:
    """A short "Firefox on Linux" for the settings page: never the whole header."""
    if not user_agent:
        return None
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or re.sub(r"[^\w ./-]", "", user_agent)[:40] or None


def start_session(db: Session, *, user: User, user_agent: str | None) -> str:
    """A new server-side session for ``user``; its token is set on ``user`` for the cookie.
    Caller commits."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.execute(
        delete(UserSession).where(
            col(UserSession.user_id) == user.id, col(UserSession.last_seen_at) < now - IDLE_LIMIT
        )
    )
    db.add(
        UserSession(
            id=token_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            user_agent=describe_agent(user_agent),
        )
    )
    db.flush()
    user._session_token = token
    return token


def load_session_user(db: Session, cookie_id: str) -> User | None:
    """The user a cookie's ``"<user id>.<token>"`` names, if that session still exists."""
    ident, _, token = cookie_id.partition(".")
    try:
        user_id = uuid.UUID(ident)
    except ValueError:
        return None
    if not token:
        return None
    digest = token_digest(token)
    found = db.exec(_SESSION_USER, params={"digest": digest}).first()
    if found is None:
        return None
    user, last_seen_at = found
    now = utcnow()
    if user.id != user_id or last_seen_at < now - IDLE_LIMIT:
        return None
    if last_seen_at < now - LAST_SEEN_EVERY:
        db.execute(
            update(UserSession).where(col(UserSession.id) == digest).values(last_seen_at=now)
        )
        if not (db.new or db.dirty or db.deleted):  # else it goes with the view's commit
            db.commit()
    user._session_token = token
    return user


def current_digest(user: User) -> str | None:
    token: str | None = getattr(user, "_session_token", None)
    return token_digest(token) if token else None


def end_session(db: Session, *, user: User) -> None:
    """Sign this browser out on the server. Caller commits."""
    digest = current_digest(user)
    if digest:
        db.execute(delete(UserSession).where(col(UserSession.id) == digest))
        db.flush()


def end_all_sessions(db: Session, *, user: User, keep_current: bool = False) -> int:
    """Sign out every browser of ``user`` (but this one with ``keep_current``); how many
    were ended. Caller commits."""
    query = delete(UserSession).where(col(UserSession.user_id) == user.id)
    digest = current_digest(user)
    if keep_current and digest:
        query = query.where(col(UserSession.id) != digest)
    ended = db.execute(query).rowcount  # type: ignore[attr-defined]
    db.flush()
    return int(ended or 0)


@dataclass(frozen=True)
class Device:
    """A signed-in browser as the settings page lists it."""

    user_agent: str | None
    created_at: datetime
    last_seen_at: datetime
    current: bool


def devices(db: Session, *, user: User) -> list[Device]:
    """The user's signed-in browsers, most recently seen first."""
    digest = current_digest(user)
    rows = db.exec(
        select(UserSession)
        .where(col(UserSession.user_id) == user.id)
        .order_by(col(UserSession.last_seen_at).desc())
    ).all()
    return [
        Device(row.user_agent, row.created_at, row.last_seen_at, row.id == digest) for row in rows
    ]
