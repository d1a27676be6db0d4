"""Registration without telling who has an account.

Decisions:

* With SMTP configured (``PLANNER_SMTP_HOST``) a registration answers the same for a new and
  a taken address: "we sent you a message". A new address gets a link that creates the
  account (``pending_registration``; nothing exists until the link is opened, so nobody can
  claim an address they cannot read); a taken one gets "you already have an account: sign
  in". Both hash the password once and send one message, so they also take about the same
  time. The link proves the address, so the new account starts verified.
* Without SMTP there is no way to answer alike: a new address is signed in at once, a taken
  one cannot be (anything else would sign a stranger into the account). A uniform "check
  your mail" would be a lie, and a uniform "now sign in" only moves the difference to the
  sign-in page. So the taken address is said plainly (the person may simply have forgotten
  the account), and what limits guessing is the registration throttle
  (``throttle.REGISTER_PER_ADDRESS``: 10 addresses an hour from one network). Operators who
  care set up SMTP; the README says so.
* The confirmation link shows a page asking for the password chosen at registration: a GET
  never creates the account (mail scanners open links), and someone who registered another
  person's address cannot have her finish it by clicking (she would create an account whose
  password the stranger knows). Wrong passwords there count as sign-in attempts. Links live
  ``LINK_LIFETIME`` and work once; only SHA-256 of the token is stored.
* The link proves the address, so the new account may send invitations through the server
  at once (``settings.sending.record_proven_address``).
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, col

from planner.auth.passwords import hash_password
from planner.auth.service import find_user, normalize_login
from planner.auth.sessions import token_digest
from planner.models import PendingRegistration, User
from planner.models.types import utcnow
from planner.settings.sending import record_proven_address

LINK_LIFETIME = timedelta(hours=48)


@dataclass(frozen=True)
class Requested:
    """What to e-mail: a confirmation ``token`` for a new address, None for a taken one."""

    email: str
    token: str | None


def request_registration(
    db: Session, *, email: str, password: str, locale: str | None
) -> Requested:
    """Remember a registration until its link is opened; caller commits and sends the mail."""
    email = normalize_login(email)
    password_hash = hash_password(password)  # also for a taken address: the same time
    now = utcnow()
    db.execute(
        delete(PendingRegistration).where(col(PendingRegistration.created_at) < now - LINK_LIFETIME)
    )
    if find_user(db, email) is not None:
        db.flush()
        return Requested(email=email, token=None)
    token = secrets.token_urlsafe(32)
    db.add(
        PendingRegistration(
            id=token_digest(token),
            email=email,
            password_hash=password_hash,
            locale=locale,
            created_at=now,
        )
    )
    db.flush()
    return Requested(email=email, token=token)


def pending(db: Session, token: str) -> PendingRegistration | None:
    """The unexpired registration this link names."""
    if not 20 <= len(token) <= 100:
        return None
    found = db.get(PendingRegistration, token_digest(token))
    if found is None or found.created_at < utcnow() - LINK_LIFETIME:
        return None
    return found


def complete_registration(db: Session, *, registration: PendingRegistration) -> User | None:
    """Create the account the link confirms (None if the address was taken meanwhile); every
    pending registration of the address ends. Caller commits."""
    email = registration.email
    taken = find_user(db, email) is not None
    user = None
    if not taken:
        user = User(
            email=email, password_hash=registration.password_hash, locale=registration.locale
        )
        db.add(user)
        db.flush()
        record_proven_address(db, owner=user)  # the link came from that mailbox
    db.execute(delete(PendingRegistration).where(col(PendingRegistration.email) == email))
    db.flush()
    return user
