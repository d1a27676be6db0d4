"""The e-mail digest with a fixed "now" and a real SMTP server (aiosmtpd on 127.0.0.1): sent
once a day or once a week from 07:00 in the user's home zone, only with SMTP and a verified
address, in the user's language, with an unsubscribe link; nothing when nothing is due."""

import email
import email.policy
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlmodel import Session, col

from planner.auth.service import create_user
from planner.contacts.service import ContactInput, create_contact
from planner.models import (
    EmailVerification,
    MailKind,
    MailSend,
    Meeting,
    MeetingAttendee,
    MeetingStatus,
    User,
)
from planner.models.relationship import FollowUp, FollowUpKind
from planner.relationships import digest
from tests.places_fixtures import with_gazetteer
from tests.web.test_meetings_web import smtp_server

__all__ = ["smtp_server"]

MONDAY_8 = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)  # 08:00 in Berlin, Monday 7 December


@pytest.fixture
def subscriber(app: Flask, db: Session, smtp_server: Any) -> Any:
    """A user in Berlin with a verified address, an overdue follow-up, a coffee tomorrow,
    the daily digest and SMTP configured."""
    controller, received = smtp_server
    with_gazetteer(app)
    app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port,
        SMTP_SECURITY="none",
        MAIL_SENDER="Treffpunkt <treffpunkt@example.org>",
        BASE_URL="https://treffpunkt.example",
    )
    user = create_user(db, email="digest@example.org", password="correct horse battery")
    user.home_city = "Berlin"
    user.locale = "de"
    user.digest = "daily"
    db.add(
        EmailVerification(
            owner_id=user.id,
            address=user.email,
            token_hash="0" * 64,
            created_at=MONDAY_8 - timedelta(days=3),
            expires_at=MONDAY_8 - timedelta(days=1),
            verified_at=MONDAY_8 - timedelta(days=3),
        )
    )
    anna = create_contact(db, owner=user, data=ContactInput(first_name="Anna", last_name="Berg"))
    db.flush()
    db.add(
        FollowUp(
            owner_id=user.id,
            contact_id=anna.id,
            kind=FollowUpKind.AFTER_MEETING.value,
            due=date(2026, 12, 4),
            first_due=date(2026, 12, 4),
            about="Kaffee am Markt",
        )
    )
    coffee = Meeting(
        owner_id=user.id,
        status=MeetingStatus.CONFIRMED.value,
        starts_at=datetime(2026, 12, 8, 9, 0, tzinfo=UTC),
        ends_at=datetime(2026, 12, 8, 10, 0, tzinfo=UTC),
        timezone="Europe/Berlin",
        title="Frühstück im Einstein",
    )
    db.add(coffee)
    db.flush()
    db.add(MeetingAttendee(meeting_id=coffee.id, owner_id=user.id, contact_id=anna.id))
    db.commit()
    return user, received


def text_of(envelope: Any) -> tuple[str, str]:
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(message["Subject"]), body.get_content()


def test_the_daily_digest_goes_out_once_a_day_in_german(
    app: Flask, db: Session, subscriber: Any
) -> None:
    user, received = subscriber
    assert digest.send_digest(db, owner=user, now=MONDAY_8) is True
    [envelope] = received
    assert envelope.rcpt_tos == ["digest@example.org"]
    subject, text = text_of(envelope)
    assert subject == "Treffpunkt: 1 Nachfassen fällig"
    assert text.startswith("Guten Tag,")
    assert "• Anna Berg – Kaffee am Markt (überfällig seit 4. Dez. 2026)" in text
    assert "Frühstück im Einstein" in text
    assert "https://treffpunkt.example/followups" in text
    assert "Sie erhalten diese E-Mail täglich" in text
    found = re.search(r"https://treffpunkt\.example/digest/unsubscribe/(\S+)", text)
    assert found and digest.owner_of_unsubscribe(db, found.group(1)) == user
    assert db.get(User, user.id).digest_sent_on == date(2026, 12, 7)  # type: ignore[union-attr]
    sends = db.scalars(select(MailSend).where(col(MailSend.owner_id) == user.id)).all()
    assert [(s.kind, s.recipients) for s in sends] == [(MailKind.DIGEST.value, 1)]
    # the same day again (the task runs every hour, or twice): nothing more
    assert digest.send_digest(db, owner=user, now=MONDAY_8 + timedelta(hours=9)) is False
    assert len(received) == 1
    # the next morning: again
    assert digest.send_digest(db, owner=user, now=MONDAY_8 + timedelta(days=1)) is True
    assert len(received) == 2


def test_the_weekly_digest_goes_out_once_a_week(app: Flask, db: Session, subscriber: Any) -> None:
    user, received = subscriber
    user.digest = "weekly"
    db.commit()
    assert digest.send_digest(db, owner=user, now=MONDAY_8 + timedelta(days=2)) is True
    for later in (3, 4, 5):  # the rest of that week
        assert digest.send_digest(db, owner=user, now=MONDAY_8 + timedelta(days=later)) is False
    assert digest.send_digest(db, owner=user, now=MONDAY_8 + timedelta(days=7)) is True
    assert len(received) == 2
    assert "wöchentlich" in text_of(received[0])[1]


def test_no_digest_before_seven_without_smtp_unverified_or_off(
    app: Flask, db: Session, subscriber: Any
) -> None:
    user, received = subscriber
    six = datetime(2026, 12, 7, 5, 59, tzinfo=UTC)  # 06:59 in Berlin
    assert digest.send_digest(db, owner=user, now=six) is False
    smtp_host = app.config["SMTP_HOST"]
    app.config["SMTP_HOST"] = None
    assert digest.send_digest(db, owner=user, now=MONDAY_8) is False
    app.config["SMTP_HOST"] = smtp_host
    user.email = "changed@example.org"  # the proof was for the old address
    assert digest.send_digest(db, owner=user, now=MONDAY_8) is False
    user.email = "digest@example.org"
    user.digest = "off"
    assert digest.send_digest(db, owner=user, now=MONDAY_8) is False
    assert received == []
    assert db.get(User, user.id).digest_sent_on is None  # type: ignore[union-attr]


def test_nothing_due_and_nothing_coming_sends_nothing(
    app: Flask, db: Session, subscriber: Any
) -> None:
    user, received = subscriber
    a_month_later = MONDAY_8 + timedelta(days=30)
    for follow_up in db.scalars(select(FollowUp)).all():
        db.delete(follow_up)
    db.commit()
    assert digest.send_digest(db, owner=user, now=a_month_later) is False
    assert received == []


def test_english_and_a_tampered_unsubscribe_link(app: Flask, db: Session, subscriber: Any) -> None:
    user, received = subscriber
    user.locale = "en"
    db.commit()
    assert digest.send_digest(db, owner=user, now=MONDAY_8) is True
    subject, text = text_of(received[0])
    assert subject == "Treffpunkt: 1 follow-up due"
    assert "overdue since" in text
    token = digest.unsubscribe_token(user)
    assert digest.owner_of_unsubscribe(db, token[:-2] + "xx") is None
    assert digest.owner_of_unsubscribe(db, "nonsense") is None


def test_the_hourly_run_sends_each_due_digest_once(
    app: Flask, db: Session, subscriber: Any
) -> None:
    _, received = subscriber
    other = create_user(db, email="quiet@example.org", password="correct horse battery")
    other.digest = "weekly"  # unverified: never sent
    db.commit()
    assert digest.send_due(db, now=MONDAY_8) == 1
    assert digest.send_due(db, now=MONDAY_8 + timedelta(minutes=60)) == 0
    assert [e.rcpt_tos for e in received] == [["digest@example.org"]]


def test_the_task_runs_in_the_app(app: Flask, db: Session) -> None:
    from planner.tasks import send_due_digests

    assert send_due_digests.call_local() == 0  # nobody chose a digest
