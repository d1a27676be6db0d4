"""Who may send through the server: the verification link and the daily limit, on SQLite
and PostgreSQL."""

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlmodel import Session

from planner.models import EmailVerification, MailKind, MailSend, User
from planner.models.types import utcnow
from planner.settings import sending


def _user(db: Session, made: Any) -> User:
    user = db.get(User, made.id)
    assert user is not None
    return user


def test_a_link_proves_the_address_it_was_sent_to_once(db: Session, make_user: Any) -> None:
    alice = _user(db, make_user("alice@example.org"))
    now = utcnow()
    token = sending.new_verification(db, owner=alice, now=now)
    assert not sending.is_verified(db, owner=alice)
    stored = db.scalars(select(EmailVerification)).one()
    assert stored.token_hash == sending.token_hash(token) and token not in stored.token_hash
    assert sending.pending_verification(db, token + "x", now=now) is None
    assert sending.pending_verification(db, "short", now=now) is None
    late = now + sending.VERIFICATION_LINK_LIFETIME
    assert sending.pending_verification(db, token, now=late) is None  # expired
    found = sending.pending_verification(db, token, now=now + timedelta(hours=47))
    assert found is not None
    sending.verify(db, verification=found, now=now)
    assert sending.is_verified(db, owner=alice)
    assert sending.pending_verification(db, token, now=now) is None  # used up


def test_an_address_proven_at_registration_counts(db: Session, make_user: Any) -> None:
    alice = _user(db, make_user("alice@example.org"))
    sending.record_proven_address(db, owner=alice)
    sending.record_proven_address(db, owner=alice)  # once is enough
    assert sending.is_verified(db, owner=alice)
    assert db.execute(select(func.count()).select_from(EmailVerification)).scalar_one() == 1


def test_a_new_address_needs_a_new_proof(db: Session, make_user: Any) -> None:
    alice = _user(db, make_user("alice@example.org"))
    first = sending.new_verification(db, owner=alice)
    link = sending.pending_verification(db, first)
    assert link is not None
    sending.verify(db, verification=link)
    pending = sending.new_verification(db, owner=alice)  # (already verified: a stray link)
    alice.email = "alice@example.net"
    db.add(alice)
    db.flush()
    assert not sending.is_verified(db, owner=alice)
    assert sending.pending_verification(db, pending) is None  # made for the old address
    with pytest.raises(sending.SendingRefused, match="Verify your e-mail address"):
        sending.check_may_send(db, owner=alice, recipients=1)
    fresh = sending.new_verification(db, owner=alice)
    link = sending.pending_verification(db, fresh)
    assert link is not None and link.address == "alice@example.net"
    sending.verify(db, verification=link)
    assert sending.is_verified(db, owner=alice)


def _verified(db: Session, made: Any) -> User:
    user = _user(db, made)
    link = sending.pending_verification(db, sending.new_verification(db, owner=user))
    assert link is not None
    sending.verify(db, verification=link)
    return user


def test_the_daily_limit_counts_recipients_of_the_last_24_hours_per_user(
    app: Flask, db: Session, make_user: Any
) -> None:
    app.config["MAIL_DAILY_RECIPIENTS"] = 5
    made = make_user("alice@example.org"), make_user("bob@example.org")
    alice, bob = (_verified(db, user) for user in made)
    now = utcnow()
    sending.record_sent(db, owner=alice, kind=MailKind.INVITE, recipients=3, now=now)
    sending.record_sent(
        db, owner=alice, kind=MailKind.INVITE, recipients=2, now=now - 2 * sending.DAY
    )
    sending.record_sent(db, owner=alice, kind=MailKind.INVITE, recipients=0, now=now)
    sending.record_sent(db, owner=bob, kind=MailKind.INVITE, recipients=4, now=now)
    assert db.execute(select(func.count()).select_from(MailSend)).scalar_one() == 3
    state = sending.allowance(db, owner=alice, now=now)
    assert (state.used, state.left, state.limit) == (3, 2, 5)
    assert state.again_at == now + sending.DAY
    sending.check_may_send(db, owner=alice, recipients=2, now=now)
    with pytest.raises(sending.SendingRefused, match=r"Daily limit reached.*5 recipients"):
        sending.check_may_send(db, owner=alice, recipients=3, now=now)
    sending.check_may_send(db, owner=alice, recipients=5, now=now + sending.DAY)


def test_verification_links_have_their_own_limit(db: Session, make_user: Any) -> None:
    alice = _user(db, make_user("alice@example.org"))
    now = utcnow()
    for _ in range(sending.VERIFICATION_LINKS_PER_DAY):
        sending.new_verification(db, owner=alice, now=now)
        sending.record_sent(db, owner=alice, kind=MailKind.VERIFICATION, recipients=1, now=now)
    with pytest.raises(sending.SendingRefused, match="verification links"):
        sending.new_verification(db, owner=alice, now=now)
    assert db.scalars(select(EmailVerification)).one()  # only the newest link is kept
    sending.new_verification(db, owner=alice, now=now + sending.DAY)


def test_deleting_the_account_deletes_its_mail_rows(
    app: Flask, db: Session, make_user: Any
) -> None:
    from planner.auth.service import delete_user

    alice = _verified(db, make_user("alice@example.org"))
    sending.record_sent(db, owner=alice, kind=MailKind.INVITE, recipients=1, now=utcnow())
    db.commit()
    delete_user(db, user=alice)
    db.commit()
    with Session(app.extensions["planner.engine"]) as fresh:
        for model in (EmailVerification, MailSend):
            assert fresh.execute(select(func.count()).select_from(model)).scalar_one() == 0
