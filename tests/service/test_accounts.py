from typing import Any

import pytest
from sqlmodel import Session, select

from planner.auth import service
from planner.models import Contact, ContactEmail, User
from tests.conftest import PASSWORD


def test_emails_are_stored_lowercase_and_unique(db: Session) -> None:
    user = service.create_user(db, email="  Jana@Example.ORG ", password=PASSWORD)
    assert user.email == "jana@example.org"
    with pytest.raises(service.AccountError):
        service.create_user(db, email="jana@example.org", password=PASSWORD)


def test_passwords_are_argon2id_hashes_and_verify(db: Session, make_user: Any) -> None:
    user = make_user("kai@example.org")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert service.authenticate(db, email="KAI@example.org", password=PASSWORD).id == user.id
    assert service.authenticate(db, email="kai@example.org", password="wrong") is None
    assert service.authenticate(db, email="nobody@example.org", password=PASSWORD) is None


def test_changing_the_password_ends_every_other_session(db: Session, make_user: Any) -> None:
    from planner.auth import sessions

    user = db.get(User, make_user().id)
    phone = sessions.start_session(db, user=user, user_agent=None)
    sessions.start_session(db, user=user, user_agent="Mozilla/5.0 (X11; Linux) Firefox/133.0")
    with pytest.raises(service.AccountError):
        service.change_password(db, user=user, current="wrong", new="another password")
    service.change_password(db, user=user, current=PASSWORD, new="another password")
    db.commit()
    assert sessions.load_session_user(db, user.get_id()) is user  # this browser stays
    assert sessions.load_session_user(db, f"{user.id}.{phone}") is None
    assert [d.user_agent for d in sessions.devices(db, user=user)] == ["Firefox on Linux"]
    assert service.authenticate(db, email=user.email, password="another password") is user


def test_deleting_a_user_removes_all_their_data_and_nothing_else(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    gone, kept = make_user(), make_user()
    make_contact(gone, emails=["a@example.org"])
    make_contact(kept, emails=["b@example.org"])
    service.delete_user(db, user=gone)
    db.commit()
    assert [u.id for u in db.exec(select(User)).all()] == [kept.id]
    assert [c.owner_id for c in db.exec(select(Contact)).all()] == [kept.id]
    assert [e.normalized for e in db.exec(select(ContactEmail)).all()] == ["b@example.org"]
