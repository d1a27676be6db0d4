"""Who may send mail through the server, and how much: a verified address and a daily limit.

Decisions:

* Only an address proven by a link e-mailed to it may send invitations through the server.
  Without this anyone could register with any address and have the server send "meeting
  invitations" (phishing, with our server's reputation) to anyone.
* The proof is keyed to the address, not to the account: ``users.email`` changing (there is
  no way to change it yet) makes the proof count no more, with no flag on ``users`` to keep
  in step. A link made for the old address stops working as well.
* The link's token is 256 bits from ``secrets``; only its SHA-256 is stored (a copy of the
  database verifies nothing). It expires after ``VERIFICATION_LINK_LIFETIME`` and works once.
  Following the link shows a page with a button: the POST verifies, never the GET (mail
  scanners and link previews fetch every link in a message).
* Limits are counted in the database (``mail_send``), so every worker and every restart
  sees the same count, over the last 24 hours (a rolling day: no burst at midnight).
  Recipients are counted, not messages: one invite to 50 people is 50. Verification links
  have their own small limit, as they go to an address that may not be the user's.
* Only what went out is counted: the recipients the server accepted.
* The count is read before sending and written after, without a lock: two sends of the
  same user at the very same moment can both pass (the overshoot is at most one invite per
  web worker). Locking the user's row would hold it for the whole SMTP conversation (up to
  ``SMTP_TIMEOUT`` per message) and block sign-ins and settings meanwhile.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from planner.models import EmailVerification, MailKind, MailSend, User
from planner.models.types import utcnow

VERIFICATION_LINK_LIFETIME = timedelta(hours=48)
VERIFICATION_LINKS_PER_DAY = 3
DAY = timedelta(hours=24)


class SendingRefused(ValueError):
    """The server will not send this now; the message (translated) says why and what to do."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def daily_recipient_limit() -> int:
    return int(current_app.config["MAIL_DAILY_RECIPIENTS"])


def is_verified(session: Session, *, owner: User) -> bool:
    """The account's current address has been proven by a verification link."""
    found = session.execute(
        select(col(EmailVerification.id)).where(
            col(EmailVerification.owner_id) == owner.id,
            col(EmailVerification.address) == owner.email.lower(),
            col(EmailVerification.verified_at).is_not(None),
        )
    ).first()
    return found is not None


@dataclass(frozen=True)
class Sent:
    """What the user sent in the last 24 hours."""

    count: int  # recipients (or links)
    oldest: datetime | None  # when the oldest of them went out: room again 24 h after it


def sent_in_last_day(session: Session, *, owner: User, kind: MailKind, now: datetime) -> Sent:
    count, oldest = session.execute(
        select(func.coalesce(func.sum(col(MailSend.recipients)), 0), func.min(MailSend.sent_at))
        .where(col(MailSend.owner_id) == owner.id, col(MailSend.kind) == kind.value)
        .where(col(MailSend.sent_at) > now - DAY)
    ).one()
    return Sent(count=int(count), oldest=_aware(oldest))


def _aware(moment: datetime | str | None) -> datetime | None:
    """Aggregates bypass the column type: SQLite answers naive UTC text."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)


def record_sent(
    session: Session, *, owner: User, kind: MailKind, recipients: int, now: datetime
) -> None:
    if recipients > 0:
        session.add(
            MailSend(owner_id=owner.id, kind=kind.value, recipients=recipients, sent_at=now)
        )
        session.flush()


@dataclass(frozen=True)
class Allowance:
    """How much the user may still send through the server today."""

    verified: bool
    limit: int
    used: int
    again_at: datetime | None  # when room opens up again (the oldest send turns 24 h old)

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


def allowance(session: Session, *, owner: User, now: datetime | None = None) -> Allowance:
    now = now or utcnow()
    sent = sent_in_last_day(session, owner=owner, kind=MailKind.INVITE, now=now)
    return Allowance(
        verified=is_verified(session, owner=owner),
        limit=daily_recipient_limit(),
        used=sent.count,
        again_at=sent.oldest + DAY if sent.oldest else None,
    )


def check_may_send(
    session: Session, *, owner: User, recipients: int, now: datetime | None = None
) -> None:
    """Raise ``SendingRefused`` unless the address is verified and ``recipients`` more fit
    into today's limit."""
    state = allowance(session, owner=owner, now=now)
    if not state.verified:
        raise SendingRefused(
            _(
                "Verify your e-mail address (%(email)s) in the settings first: only a verified "
                "address may send invitations through this server.",
                email=owner.email,
            )
        )
    if recipients > state.left:
        raise SendingRefused(
            _(
                "Daily limit reached: you may send invitations to %(limit)d recipients in 24 "
                "hours; %(used)d have gone out, this invite would go to %(n)d more. Download "
                "the invite and send it yourself, or try again later.",
                limit=state.limit,
                used=state.used,
                n=recipients,
            )
        )


def new_verification(session: Session, *, owner: User, now: datetime | None = None) -> str:
    """A new verification link's token for the account's address (not stored: only its hash);
    earlier unused links of the account stop working."""
    now = now or utcnow()
    sent = sent_in_last_day(session, owner=owner, kind=MailKind.VERIFICATION, now=now)
    if sent.count >= VERIFICATION_LINKS_PER_DAY:
        raise SendingRefused(
            _(
                "%(n)d verification links have been sent in the last 24 hours; use the newest "
                "one, or ask for another tomorrow.",
                n=sent.count,
            )
        )
    session.execute(
        delete(EmailVerification).where(
            col(EmailVerification.owner_id) == owner.id,
            col(EmailVerification.verified_at).is_(None),
        )
    )
    token = secrets.token_urlsafe(32)
    session.add(
        EmailVerification(
            owner_id=owner.id,
            address=owner.email.lower(),
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + VERIFICATION_LINK_LIFETIME,
        )
    )
    session.flush()
    return token


def pending_verification(
    session: Session, token: str, *, now: datetime | None = None
) -> EmailVerification | None:
    """The unused, unexpired link with this token whose address is still the account's."""
    if not 20 <= len(token) <= 100:
        return None
    now = now or utcnow()
    found = session.scalars(
        select(EmailVerification).where(col(EmailVerification.token_hash) == token_hash(token))
    ).first()
    if found is None or found.verified_at is not None or found.expires_at <= now:
        return None
    owner = session.get(User, found.owner_id)
    if owner is None or owner.email.lower() != found.address:
        return None
    return found


def verify(
    session: Session, *, verification: EmailVerification, now: datetime | None = None
) -> None:
    """Mark the address proven; the link is used up."""
    verification.verified_at = now or utcnow()
    session.add(verification)
    session.flush()


def record_proven_address(session: Session, *, owner: User, now: datetime | None = None) -> None:
    """The account's address was proven another way (the registration link, opened from that
    mailbox): record it as verified, with a token nobody knows."""
    if is_verified(session, owner=owner):
        return
    now = now or utcnow()
    session.add(
        EmailVerification(
            owner_id=owner.id,
            address=owner.email.lower(),
            token_hash=token_hash(secrets.token_urlsafe(32)),
            created_at=now,
            expires_at=now,
            verified_at=now,
        )
    )
    session.flush()
