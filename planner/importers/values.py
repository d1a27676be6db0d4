"""Normalising single values as exports write them: countries, dates, lists, skip reasons."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from typing import Any

from planner.identifiers import fold_text
from planner.importers.records import ContactRecord
from planner.lazy_text import lazy_gettext as _

# Country names as address books write them (de, en, native), folded -> ISO 3166-1 alpha-2.
_COUNTRIES = {
    "deutschland": "DE", "germany": "DE", "bundesrepublik deutschland": "DE", "brd": "DE",
    "osterreich": "AT", "austria": "AT", "schweiz": "CH", "switzerland": "CH", "suisse": "CH",
    "svizzera": "CH", "liechtenstein": "LI", "luxemburg": "LU", "luxembourg": "LU",
    "frankreich": "FR", "france": "FR", "italien": "IT", "italy": "IT", "italia": "IT",
    "spanien": "ES", "spain": "ES", "espana": "ES", "portugal": "PT", "niederlande": "NL",
    "netherlands": "NL", "nederland": "NL", "holland": "NL", "belgien": "BE", "belgium": "BE",
    "danemark": "DK", "denmark": "DK", "danmark": "DK", "schweden": "SE", "sweden": "SE",
    "sverige": "SE", "norwegen": "NO", "norway": "NO", "norge": "NO", "finnland": "FI",
    "finland": "FI", "polen": "PL", "poland": "PL", "polska": "PL", "tschechien": "CZ",
    "czechia": "CZ", "czech republic": "CZ", "ungarn": "HU", "hungary": "HU",
    "vereinigtes konigreich": "GB", "united kingdom": "GB", "uk": "GB", "grossbritannien": "GB",
    "england": "GB", "irland": "IE", "ireland": "IE", "usa": "US", "united states": "US",
    "vereinigte staaten": "US", "united states of america": "US", "kanada": "CA", "canada": "CA",
    "turkei": "TR", "turkey": "TR", "turkiye": "TR", "griechenland": "GR", "greece": "GR",
    "kroatien": "HR", "croatia": "HR", "slowenien": "SI", "slovenia": "SI", "rumanien": "RO",
    "romania": "RO", "bulgarien": "BG", "bulgaria": "BG", "estland": "EE", "estonia": "EE",
    "lettland": "LV", "latvia": "LV", "litauen": "LT", "lithuania": "LT", "slowakei": "SK",
    "slovakia": "SK", "island": "IS", "iceland": "IS", "australien": "AU", "australia": "AU",
    "japan": "JP", "china": "CN", "indien": "IN", "india": "IN", "brasilien": "BR",
    "brazil": "BR", "mexiko": "MX", "mexico": "MX", "israel": "IL", "ukraine": "UA",
}  # fmt: skip
_ISO_CODES = set(_COUNTRIES.values())

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip


def country_code(text: str | None) -> str | None:
    """ISO code for a country name or code; None when unknown (the text is kept elsewhere)."""
    if not text:
        return None
    value = text.strip()
    if len(value) == 2 and value.isalpha():
        return value.upper()
    if len(value) == 3 and value.upper() in ("DEU", "AUT", "CHE"):
        return {"DEU": "DE", "AUT": "AT", "CHE": "CH"}[value.upper()]
    code = _COUNTRIES.get(fold_text(value))
    return code if code in _ISO_CODES else None


@lru_cache(maxsize=4096)  # connections come in by the day: a few thousand distinct dates
def english_date(text: str) -> date | None:
    """``12 Nov 2023`` (LinkedIn's ``Connected On``), independent of the process locale."""
    match = re.fullmatch(r"\s*(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*[ -](\d{4})\s*", text)
    if not match:
        return None
    month = _MONTHS.get(match.group(2).lower())
    if month is None:
        return None
    try:
        return date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        return None


_TWO_DIGIT_YEAR = 2000  # connections are recent: "5-Jan-26" is 2026


def connection_date(text: str | None) -> date | None:
    """When a connection was made, in the shapes exports and spreadsheet round trips write:
    LinkedIn's ``12 Nov 2023`` and older ``5-Jan-26``, re-saved ``4/11/18, 9:15 AM`` (US
    month first), German ``07.09.2021``, ISO ``2021-09-07`` (a time after any is ignored)."""
    if not text or not text.strip():
        return None
    value = text.strip()
    if found := english_date(value):
        return found
    value = re.split(r"[T,]|\s(?=\d{1,2}:)", value, maxsplit=1)[0].strip()
    month: int | None
    if m := re.fullmatch(r"(\d{1,2})[ -]([A-Za-z]{3})[A-Za-z]*[ -](\d{2})", value):
        month = _MONTHS.get(m.group(2).lower())
        day, year = int(m.group(1)), _TWO_DIGIT_YEAR + int(m.group(3))
    elif m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})", value):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})", value):
        month, day, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        return None
    if year < 100:
        year += _TWO_DIGIT_YEAR
    try:
        return date(year, month, day) if month else None
    except ValueError:
        return None


def unreadable_date(column: str, value: str) -> Any:
    """The notice for a date that cannot be read (the value is kept in it, never dropped)."""
    return _("column %(column)s: '%(value)s' is not a date we can read", column=column, value=value)


def birthday(text: str | None, *, omit_year: bool = False) -> str | None:
    """``YYYY-MM-DD`` or ``--MM-DD`` from the shapes exports use (ISO, basic, ``--MMDD``,
    ``d.M.yyyy``, ``M/D/YYYY``); None for Outlook's empty ``0.0.00`` and for nonsense."""
    if not text:
        return None
    value = text.strip().split("T", 1)[0]
    year: int | None
    if m := re.fullmatch(r"--(\d{2})-?(\d{2})", value):
        year, month, day = None, int(m.group(1)), int(m.group(2))
    elif m := re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", value):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})?", value):
        year = int(m.group(3)) if m.group(3) else None
        month, day = int(m.group(2)), int(m.group(1))
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value):
        year, month, day = int(m.group(3)), int(m.group(1)), int(m.group(2))
    else:
        return None
    if omit_year or (year is not None and year <= 1604):  # Apple writes 1604 for "no year"
        year = None
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: 29 Feb stays valid
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def split_list(text: str, separators: str = ",;") -> list[str]:
    """Non-empty trimmed items of a list cell, order kept, duplicates dropped."""
    items = re.split("[" + re.escape(separators) + "]", text)
    return unique(item.strip() for item in items)


def unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result: list[str] = []
    for item in items:
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            result.append(item)
    return result


def none_if_blank(text: str | None) -> str | None:
    if text is None:
        return None
    value = text.strip()
    return value or None


def skip_reason(record: ContactRecord, filled: Iterable[str] = ()) -> str:
    """Why a record that is not a contact is skipped, in user-facing words. ``filled`` names
    the columns that had a value: a notice names fields, it never quotes a row's personal
    data (the phone number alone is shown, so the user can find the person)."""
    if record.phones:
        return _("only a phone number (%(phone)s)", phone=record.phones[0])
    if columns := ", ".join(filled):
        return _(
            "no name, organisation, e-mail or account (filled only: %(columns)s)", columns=columns
        )
    return _("empty record: no name, organisation, e-mail or account")


def empty_row_reason(raw: str | None = None) -> str:
    if raw:
        return _("empty row (%(raw)s)", raw=raw)
    return _("empty row")
