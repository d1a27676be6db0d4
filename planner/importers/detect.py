"""Format auto-detection by structure and header names, never by column positions."""

from __future__ import annotations

import json
import re

from planner.importers.tabular import head_rows, header_delimiter, header_key, sniff_delimiter

FORMATS: tuple[str, ...] = (
    "linkedin_connections_csv",
    "x_archive_js",
    "mastodon_following_csv",
    "mastodon_lists_csv",
    "google_contacts_csv",
    "outlook_csv",
    "vcard",
    "xing_csv",
    "facebook_friends_json",
    "generic_csv",
)

# Non-contact files of the same exports, recognised so they are not read as contacts.
LINKEDIN_PROFILE = "linkedin_profile_csv"
LINKEDIN_INVITATIONS = "linkedin_invitations_csv"
ICALENDAR = "icalendar"

_JS_ASSIGNMENT = re.compile(r"^\s*[A-Za-z_$][\w$.]*(?:\[[^\]]*\])*\s*=\s*[\[{]")
_FEDI = re.compile(r"^@?[^@\s,]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+$")


def is_linkedin_header(cells: list[str]) -> bool:
    keys = {header_key(c) for c in cells}
    if not {"firstname", "lastname"} <= keys or "maidenname" in keys:
        return False
    # Older or re-saved exports may lose "Connected On"; the short header is LinkedIn's own.
    return "connectedon" in keys or ({"company", "position"} <= keys and len(keys) <= 8)


def is_mastodon_following_header(cells: list[str]) -> bool:
    return "accountaddress" in {header_key(c) for c in cells}


def is_google_header(cells: list[str]) -> bool:
    keys = {header_key(c) for c in cells}
    return (
        "email1value" in keys
        or ("fileas" in keys and "givenname" in keys | {"firstname"})
        or ("groupmembership" in keys)
    )


def is_outlook_header(cells: list[str]) -> bool:
    keys = {header_key(c) for c in cells}
    english = "emailaddress" in keys and bool(keys & {"businesscity", "homecity", "jobtitle"})
    german = (
        "emailadresse" in keys
        and bool(keys & {"ortgeschaftlich", "ortprivat", "firma"})
        and "vorname" in keys
    )
    return english or german


def is_xing_header(cells: list[str]) -> bool:
    keys = {header_key(c) for c in cells}
    return "profilurl" in keys or ("vorname" in keys and "schlagworter" in keys)


def is_linkedin_profile_header(cells: list[str]) -> bool:
    keys = {header_key(c) for c in cells}
    return {"firstname", "lastname", "maidenname", "headline"} <= keys


def is_linkedin_invitations_header(cells: list[str]) -> bool:
    keys = {header_key(c) for c in cells}
    return {"from", "to", "sentat", "direction"} <= keys


CSV_HEADERS = (
    ("linkedin_connections_csv", is_linkedin_header),
    (LINKEDIN_PROFILE, is_linkedin_profile_header),
    (LINKEDIN_INVITATIONS, is_linkedin_invitations_header),
    ("mastodon_following_csv", is_mastodon_following_header),
    ("google_contacts_csv", is_google_header),
    ("outlook_csv", is_outlook_header),
    ("xing_csv", is_xing_header),
)


def detect_format(filename: str, text: str) -> str | None:
    """The format name of decoded ``text``, or None when no contact format fits. A CSV file
    with an unknown header is ``generic_csv``: its columns are mapped by synonyms."""
    stripped = text.lstrip()
    head = stripped[:200].upper()
    if head.startswith("BEGIN:VCARD"):
        return "vcard"
    if head.startswith("BEGIN:VCALENDAR"):
        return ICALENDAR
    if _JS_ASSIGNMENT.match(stripped[:500]) and "YTD" in stripped[:200]:
        return "x_archive_js"
    if stripped.startswith(("{", "[")):
        return _detect_json(stripped)
    if _JS_ASSIGNMENT.match(stripped[:500]):
        return "x_archive_js"
    return _detect_csv(text)


def _detect_json(text: str) -> str | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and any(k in data for k in ("friends_v2", "friends")):
        return "facebook_friends_json"
    return None


def _detect_csv(text: str) -> str | None:
    for name, matches in CSV_HEADERS:
        if header_delimiter(text, matches) is not None:
            return name
    rows = head_rows(text, sniff_delimiter(text), 15)
    data_rows = [r for r in rows if any(c.strip() for c in r)]
    if data_rows and all(
        len(r) == 2 and _FEDI.match(r[1].strip()) and r[0].strip() for r in data_rows
    ):
        return "mastodon_lists_csv"
    if data_rows and all(_FEDI.match(r[0].strip()) for r in data_rows):
        return "mastodon_following_csv"  # early exports: addresses without a header row
    if data_rows and len(data_rows[0]) >= 2:
        return "generic_csv"
    return None
