"""Password hashing with Argon2id (argon2-cffi), parameters from the app config, and the
rules a new password must pass.

Decisions:

* An unknown e-mail at sign-in is checked against a dummy hash made once per process with
  the same parameters, so it costs one verification like a known one (hashing a fresh
  password each time, as before, cost a hash *and* a verification: measurably slower).
* Common passwords: ``common_passwords.txt`` holds the 1,090 entries of 10 or more
  characters among the 30,000 most common passwords of zxcvbn's frequency list (MIT;
  shorter ones are refused by the length rule anyway): 13 kB instead of a dependency of
  1 MB. Regenerate::

      from zxcvbn.frequency_lists import FREQUENCY_LISTS
      [p for p in FREQUENCY_LISTS["passwords"] if len(p) >= 10]

* A password containing the account's address or its local part (from four characters:
  "max", "eva" or "tom" are words in many a good passphrase) is refused too: it is the
  first thing an attacker who knows the address tries.
"""

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
LOCAL_PART_MIN = 4  # a shorter local part ("max@...") is not refused inside a password


def _hasher() -> PasswordHasher:
    hasher = current_app.extensions.get("planner.password_hasher")
    if hasher is None:
        config = current_app.config
        hasher = PasswordHasher(
            time_cost=config["ARGON2_TIME_COST"],
            memory_cost=config["ARGON2_MEMORY_COST"],
            parallelism=config["ARGON2_PARALLELISM"],
        )
        current_app.extensions["planner.password_hasher"] = hasher
    return hasher


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


def _dummy_hash() -> str:
    dummy: str | None = current_app.extensions.get("planner.dummy_hash")
    if dummy is None:
        dummy = hash_password("not a user's password")
        current_app.extensions["planner.dummy_hash"] = dummy
    return dummy


def burn_verification_time(password: str) -> None:
    """Spend what a real check would (one verification), so unknown e-mails cannot be told
    by timing."""
    verify_password(_dummy_hash(), password)


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_common(password: str) -> bool:
    return password.casefold() in common_passwords()


def contains_address(password: str, email: str) -> bool:
    """True if the password holds the e-mail address or its local part."""
    folded = password.casefold()
    address = email.strip().casefold()
    if not address:
        return False
    local = address.partition("@")[0]
    return address in folded or (len(local) >= LOCAL_PART_MIN and local in folded)
