"""Accounts: create, authenticate, change password, delete with all data."""

from sqlalchemy import delete
from sqlmodel import Session, col, select

from planner.auth.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    verify_password,
)
from planner.auth.sessions import end_all_sessions
from planner.models import (
    Contact,
    ContactAccount,
    ContactEmail,
    ContactPhone,
    ContactSource,
    ContactTopic,
    ImportBatch,
    ImportChange,
    ImportFile,
    MergeSuggestion,
    User,
    UserSession,
)


class AccountError(Exception):
    """A user-facing reason why an account operation was refused."""


def normalize_login(email: str) -> str:
    return email.strip().lower()


def find_user(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalize_login(email))).first()


def create_user(session: Session, *, email: str, password: str, locale: str | None = None) -> User:
    """Create an account; caller commits. Raises AccountError if the e-mail is taken."""
    if find_user(session, email) is not None:
        raise AccountError("exists")
    user = User(email=normalize_login(email), password_hash=hash_password(password), locale=locale)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    user = find_user(session, email)
    if user is None:
        burn_verification_time(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
        session.flush()
    return user


def change_password(session: Session, *, user: User, current: str, new: str) -> None:
    """Set a new password and sign out every other session (``user`` carries this browser's
    session, as loaded for the request); caller commits."""
    if not verify_password(user.password_hash, current):
        raise AccountError("wrong password")
    user.password_hash = hash_password(new)
    session.add(user)
    end_all_sessions(session, user=user, keep_current=True)


def delete_user(session: Session, *, user: User) -> None:
    """Delete the account and everything it owns; caller commits.

    Child rows go explicitly (not only by ON DELETE CASCADE) so the result does not depend
    on the database enforcing foreign keys.
    """
    batches = select(ImportBatch.id).where(col(ImportBatch.owner_id) == user.id)
    for part in (ImportFile, ImportChange):
        session.execute(delete(part).where(col(part.import_id).in_(batches)))
    for model in (
        ContactEmail,
        ContactPhone,
        ContactAccount,
        ContactTopic,
        ContactSource,
        Contact,
        ImportBatch,
        MergeSuggestion,
    ):
        session.execute(delete(model).where(model.owner_id == user.id))  # type: ignore
    session.execute(delete(UserSession).where(col(UserSession.user_id) == user.id))
    session.execute(delete(User).where(col(User.id) == user.id))
    session.flush()
