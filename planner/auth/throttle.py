"""Sign-in and registration throttling, counted where every worker sees it and a restart
keeps it: Redis when ``REDIS_URL`` is set, else the database (``sign_in_attempt``).

Decisions:

* Keys, so that one person's wrong guesses lock out nobody else (OWASP "Blocking Brute
  Force Attacks", device cookies):

  - (account, client address): ``SIGN_IN_PER_ACCOUNT_AND_ADDRESS`` and ``..._HOURLY``. The
    account is the address typed, known or not, so the answer does not tell them apart.
  - client address alone: ``SIGN_IN_PER_ADDRESS``, far looser, since a whole office or
    everyone behind a carrier's NAT shares one; it stops spraying one password over many
    accounts. IPv6 addresses count by their /64 (one line, one household).
  - a device cookie: after a successful sign-in the browser gets a signed cookie naming the
    account (``DEVICE_COOKIE``). Attempts for that account carrying it are counted under
    the device only (``SIGN_IN_PER_DEVICE``), so the owner still signs in from her own
    browser while an attacker at the same address (or behind the same proxy) is refused.
  - registrations per client address (``REGISTER_PER_ADDRESS``) and per address registered
    (``REGISTER_PER_EMAIL``: each may send a message to that inbox).

* A sliding window (a log of attempt times), not fixed windows: with a window per clock
  minute, 10 tries at :59 and 10 more at :00 would be 20 within two seconds.
* An attempt is *reserved* before the password is checked and released when it succeeds or
  is refused: two workers checking at once cannot both slip under the limit, a successful
  sign-in costs nothing, and refused attempts do not prolong the wait.
* Redis: one sorted set per key, updated by one Lua script (atomic). Database: the attempt
  row is committed first and the window counted after, on its own connection: the last of
  any racing requests sees all the others, so at most the limit get through (a race can
  refuse one too many, never let one too many in).
"""

import hashlib
import ipaddress
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from flask import Flask, Request, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Engine
from werkzeug.wrappers import Response

from planner.db import table_of
from planner.models import SignInAttempt


@dataclass(frozen=True)
class Limit:
    name: str
    count: int
    window: timedelta


SIGN_IN_PER_ACCOUNT_AND_ADDRESS = Limit("account+address", 10, timedelta(minutes=1))
SIGN_IN_PER_ACCOUNT_AND_ADDRESS_HOURLY = Limit("account+address/h", 50, timedelta(hours=1))
SIGN_IN_PER_DEVICE = Limit("device", 10, timedelta(minutes=1))
SIGN_IN_PER_ADDRESS = Limit("address", 100, timedelta(minutes=1))
REGISTER_PER_ADDRESS = Limit("register", 10, timedelta(hours=1))
REGISTER_PER_EMAIL = Limit("register/e-mail", 3, timedelta(hours=1))  # mails to one inbox
LONGEST_WINDOW = timedelta(hours=1)  # database rows older than any window are deleted

DEVICE_COOKIE = "treffpunkt_device"
DEVICE_COOKIE_AGE = timedelta(days=365)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def address_key(address: str | None) -> str:
    """The client address as counted: IPv6 by its /64 network."""
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    return str(parsed)


@dataclass
class Reservation:
    """Attempts counted for one request, to be released if it succeeds."""

    store: "Store"
    held: list[tuple[str, str]] = field(default_factory=list)  # (key, member)

    def release(self) -> None:
        for key, member in self.held:
            self.store.release(key, member)
        self.held.clear()


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after  # seconds


class Store(Protocol):
    def reserve(self, key: str, limit: Limit, now: float) -> tuple[str | None, float]:
        """Count one attempt under ``key``: (member to release, 0) if within the limit,
        else (None, seconds until the oldest counted attempt leaves the window)."""
        ...

    def release(self, key: str, member: str) -> None: ...


_RESERVE = """
local key, now, window, limit = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return {0, oldest[2]}
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, math.ceil(window * 1000))
return {1, '0'}
"""


class RedisStore:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url)
        self.script = self.client.register_script(_RESERVE)

    def reserve(self, key: str, limit: Limit, now: float) -> tuple[str | None, float]:
        member = secrets.token_hex(8)
        window = limit.window.total_seconds()
        ok, oldest = self.script(keys=[f"treffpunkt:throttle:{key}"],
                                 args=[now, window, limit.count, member])  # fmt: skip
        if int(ok):
            return member, 0.0
        return None, float(oldest) + window - now

    def release(self, key: str, member: str) -> None:
        self.client.zrem(f"treffpunkt:throttle:{key}", member)


class DatabaseStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.table = table_of(SignInAttempt)

    def reserve(self, key: str, limit: Limit, now: float) -> tuple[str | None, float]:
        table = self.table
        at = datetime.fromtimestamp(now, UTC)
        with self.engine.begin() as conn:
            conn.execute(delete(table).where(table.c.at < at - LONGEST_WINDOW))
            inserted = conn.execute(insert(table).values(key=key, at=at)).inserted_primary_key
        assert inserted is not None
        row_id = inserted[0]
        since = at - limit.window
        with self.engine.connect() as conn:
            counted, oldest = conn.execute(
                select(func.count(), func.min(table.c.at)).where(
                    table.c.key == key, table.c.at > since
                )
            ).one()
        if counted <= limit.count:
            return str(row_id), 0.0
        self.release(key, str(row_id))
        if oldest is not None and oldest.tzinfo is None:  # SQLite, read through func.min
            oldest = oldest.replace(tzinfo=UTC)
        start = oldest.timestamp() if isinstance(oldest, datetime) else now
        return None, start + limit.window.total_seconds() - now

    def release(self, key: str, member: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(self.table).where(self.table.c.id == int(member)))


def store(app: Flask | None = None) -> Store:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    found: Store | None = app.extensions.get("planner.throttle")
    if found is None:
        url = app.config.get("REDIS_URL")
        found = RedisStore(url) if url else DatabaseStore(app.extensions["planner.engine"])
        app.extensions["planner.throttle"] = found
    return found


def reserve(checks: Sequence[tuple[str, Limit]]) -> Reservation:
    """Count one attempt under each (key, limit); TooManyAttempts if any is exhausted (then
    nothing stays counted)."""
    held = Reservation(store())
    if not current_app.config["RATELIMIT_ENABLED"]:
        return held
    now = time.time()
    for subject, limit in checks:
        key = _digest(f"{limit.name}:{subject}")
        member, wait = held.store.reserve(key, limit, now)
        if member is None:
            held.release()
            raise TooManyAttempts(max(1, int(wait + 0.999)))
        held.held.append((key, member))
    return held


def normalized_account(email: str) -> str:
    return email.strip().lower()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="device-cookie")


def device_of(request: Request, email: str) -> str | None:
    """The device id of a valid device cookie issued for this account, else None."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=int(DEVICE_COOKIE_AGE.total_seconds()))
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != _digest(normalized_account(email)):
        return None
    device = data.get("d")
    return device if isinstance(device, str) else None


def sign_in_attempt(request: Request, email: str) -> Reservation:
    """Count a sign-in attempt for ``email`` from this request (see Decisions)."""
    account = normalized_account(email)
    device = device_of(request, account)
    if device is not None:
        return reserve([(device, SIGN_IN_PER_DEVICE)])
    address = address_key(request.remote_addr)
    pair = f"{account}|{address}"
    return reserve(
        [
            (pair, SIGN_IN_PER_ACCOUNT_AND_ADDRESS),
            (pair, SIGN_IN_PER_ACCOUNT_AND_ADDRESS_HOURLY),
            (address, SIGN_IN_PER_ADDRESS),
        ]
    )


def registration_attempt(request: Request, email: str) -> Reservation:
    """Count a registration (kept counted: each may send an e-mail)."""
    return reserve(
        [
            (address_key(request.remote_addr), REGISTER_PER_ADDRESS),
            (normalized_account(email), REGISTER_PER_EMAIL),
        ]
    )


def remember_device(request: Request, response: Response, email: str) -> None:
    """After a successful sign-in: this browser is a known device for the account."""
    value = _serializer().dumps(
        {"a": _digest(normalized_account(email)), "d": secrets.token_urlsafe(16)}
    )
    config = current_app.config
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=int(DEVICE_COOKIE_AGE.total_seconds()),
        secure=bool(config["SESSION_COOKIE_SECURE"]) or request.is_secure,
        httponly=True,
        samesite="Lax",
    )
