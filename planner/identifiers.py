"""Pure normalisation of the identifiers by which a contact is recognised.

E-mail addresses, phone numbers and social-network accounts are the strong evidence used to
deduplicate contacts; ``fold_text`` gives the weak, name-based search and comparison key.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, quote, unquote, urlsplit

import phonenumbers
from email_validator import EmailNotValidError, validate_email

NETWORKS = ("linkedin", "x", "mastodon", "xing", "facebook", "github", "website")

_NETWORK_ALIASES = {
    "twitter": "x",
    "x": "x",
    "linkedin": "linkedin",
    "xing": "xing",
    "facebook": "facebook",
    "fb": "facebook",
    "github": "github",
    "mastodon": "mastodon",
    "fediverse": "mastodon",
    "website": "website",
    "web": "website",
    "homepage": "website",
}

_HOSTS = {
    "linkedin.com": "linkedin",
    "twitter.com": "x",
    "x.com": "x",
    "mobile.twitter.com": "x",
    "xing.com": "xing",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "m.facebook.com": "facebook",
    "github.com": "github",
}

_HANDLE_RE = re.compile(r"^@?([A-Za-z0-9_.\-]+)$")
_FEDI_RE = re.compile(r"^@?([A-Za-z0-9_.\-]+)@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)$")
_X_RESERVED = {"intent", "i", "home", "search", "share", "hashtag", "settings"}


@dataclass(frozen=True, slots=True)
class Account:
    """An account on a network; at least one of ``id``, ``handle`` and ``url`` is set."""

    network: str
    id: str | None = None
    handle: str | None = None
    url: str | None = None


# The Unicode blocks of combining diacritical marks (what NFKD splits off accented letters).
_COMBINING_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters that do not decompose into base letter + mark.
_UNDECOMPOSED = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "\u0131": "i", "æ": "ae", "œ": "oe"})


def fold_text(text: str) -> str:
    """Casefold, strip diacritics and map ß to ss: the key for search and name comparison."""
    if text.isascii():
        return " ".join(text.casefold().split())
    # Word by word: the words of names, organisations and cities repeat across a network,
    # whole texts (a contact's search text) do not. Whitespace survives every step below.
    return " ".join(filter(None, map(_fold_word, text.split())))


@lru_cache(maxsize=1 << 16)
def _fold_word(word: str) -> str:
    if word.isascii():
        return word.casefold()
    stripped = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", word.casefold()))
    return " ".join(unicodedata.normalize("NFC", stripped.translate(_UNDECOMPOSED)).split())


# Plain ASCII addresses (dot-atoms, a dotted domain): valid as they are, only lower-cased.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


@lru_cache(maxsize=1 << 16)  # an import asks up to three times per address (plan, merge, rows)
def normalize_email(text: str) -> str | None:
    """Trimmed, ``mailto:``-less, lower-cased address, or None if ``text`` is not an e-mail."""
    value = text.strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    value = value.split("?", 1)[0].strip()
    if not value or "@" not in value:
        return None
    if _PLAIN_EMAIL.fullmatch(value):  # the common case, without the full validator's cost
        return value.lower()
    try:
        result = validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return None
    return str(result.normalized).lower()


@lru_cache(maxsize=1 << 16)  # an import asks twice per number (plan, then rows)
def normalize_phone(text: str, default_region: str = "DE") -> str | None:
    """The number in E.164 (``+491711234567``), or None if it cannot be a valid number."""
    value = text.strip()
    if value.lower().startswith("tel:"):
        value = value[4:]
    # "+49 (0)30 123456": the national trunk prefix in brackets must go with an international one.
    value = re.sub(r"^(\+\d{1,3})\s*\(0\)", r"\1", value)
    if not re.search(r"\d", value):
        return None
    try:
        number = phonenumbers.parse(value, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _network_name(network: str | None) -> str | None:
    if network is None:
        return None
    key = network.strip().lower()
    return _NETWORK_ALIASES.get(key, key or None)


def _host_network(host: str) -> str | None:
    host = host.lower().removeprefix("www.")
    if host in _HOSTS:
        return _HOSTS[host]
    for known, network in _HOSTS.items():
        if host.endswith("." + known):
            return network
    return None


def parse_account(text: str, network: str | None = None) -> Account | None:
    """An account from a profile URL or a handle; ``network`` is a hint for bare handles."""
    value = text.strip()
    hint = _network_name(network)
    if not value:
        return None
    if value.lower().startswith("x-apple:"):  # Apple's X-SOCIALPROFILE without a URL
        value = value[len("x-apple:") :]
    fedi = _FEDI_RE.match(value)
    if fedi and (value.startswith("@") or hint in (None, "mastodon")):
        return Account("mastodon", handle=f"{fedi.group(1)}@{fedi.group(2)}")
    if "://" in value or re.match(r"^(www\.)?[\w\-]+(\.[\w\-]+)+/", value):
        return _account_from_url(value if "://" in value else "https://" + value, hint)
    handle = _HANDLE_RE.match(value)
    if handle and hint and hint != "website":
        return Account(hint, handle=handle.group(1))
    return None


# A URL that urlsplit would take apart the plain way: an http(s) scheme, a host without
# user, port or brackets, a path of characters percent-encoding leaves as they are, no
# query or fragment. Matched directly: urlsplit costs more than the rest of an import row.
_PLAIN_URL = re.compile(r"https?://([A-Za-z0-9.\-]+)(/[A-Za-z0-9/:@!$&'()*+,;=\-._~]*)?")


def _split_url(url: str) -> tuple[str, str, str] | None:
    """Lower-case host, path and query as urlsplit gives them; None when it refuses."""
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None:
        return plain.group(1).lower(), plain.group(2) or "", ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return (parts.hostname or "").lower(), parts.path, parts.query


def _account_from_url(url: str, hint: str | None) -> Account | None:
    split = _split_url(url)
    if split is None:
        return None
    host, path, query_text = split
    if not host or "." not in host:
        return None
    segments = [s for s in path.split("/") if s]
    network = _host_network(host)
    if network == "x":
        query = parse_qs(query_text)
        if "user_id" in query:
            return Account("x", id=query["user_id"][0], url=url)
        if "screen_name" in query:
            return Account("x", handle=query["screen_name"][0], url=url)
        if segments and segments[0].lower() not in _X_RESERVED:
            return Account("x", handle=segments[0].lstrip("@"), url=url)
        return Account("x", url=url)
    if network == "linkedin":
        if len(segments) >= 2 and segments[0] in ("in", "pub"):
            return Account("linkedin", handle=unquote(segments[1]), url=url)
        return Account("linkedin", url=url)
    if network == "xing":
        if len(segments) >= 2 and segments[0] == "profile":
            return Account("xing", handle=segments[1], url=url)
        return Account("xing", url=url)
    if network == "facebook":
        query = parse_qs(query_text)
        if segments and segments[0] == "profile.php" and "id" in query:
            return Account("facebook", id=query["id"][0], url=url)
        if segments:
            return Account("facebook", handle=segments[0], url=url)
        return Account("facebook", url=url)
    if network == "github":
        return Account("github", handle=segments[0] if segments else None, url=url)
    if segments and segments[0].startswith("@") and len(segments[0]) > 1:
        # https://instance/@user is Mastodon (and other fediverse software).
        return Account("mastodon", handle=f"{segments[0][1:]}@{host}", url=url)
    if hint == "mastodon" and len(segments) >= 2 and segments[0] == "users":
        return Account("mastodon", handle=f"{segments[1]}@{host}", url=url)
    return Account(hint if hint and hint != "x" else "website", url=url)


def normalize_url(url: str) -> str:
    """Comparable URL: no scheme, no ``www.``, lower-case host, no trailing slash or fragment,
    percent-encoding in one canonical form (upper-case escapes, unreserved characters decoded)."""
    value = url.strip()
    if "://" not in value:
        value = "https://" + value
    plain = _PLAIN_URL.fullmatch(value)
    if plain is not None:  # nothing to decode or re-encode
        host = plain.group(1).lower().removeprefix("www.")
        return host + (plain.group(2) or "").rstrip("/")
    parts = urlsplit(value)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~")
    path = path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{path}{query}"


def account_keys(account: Account) -> list[str]:
    """Strong-evidence keys for deduplication, e.g. ``x:id:1234`` or ``x:handle:jane``."""
    return list(account_key_tuple(account))


@lru_cache(maxsize=1 << 16)  # an import asks twice per account (plan, then rows)
def account_key_tuple(account: Account) -> tuple[str, ...]:
    """``account_keys`` as a shared tuple, for bulk work that only reads them."""
    network = account.network.lower()
    keys: list[str] = []
    if account.id:
        keys.append(f"{network}:id:{account.id.strip()}")
    if account.handle:
        handle = account.handle.strip().lstrip("@")
        if network == "mastodon" and "@" in handle:
            user, host = handle.rsplit("@", 1)
            handle = f"{user}@{host}"
        keys.append(f"{network}:handle:{handle.casefold()}")
    if account.url:
        keys.append(f"{network}:url:{normalize_url(account.url).casefold()}")
    return tuple(keys)
