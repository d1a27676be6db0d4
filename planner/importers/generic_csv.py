"""Hand-made CSV lists: columns mapped by German and English synonyms, or by a mapping the
user chooses when no column is recognised (``map_columns`` proposes one)."""

from __future__ import annotations

import re

from planner.identifiers import (
    Account,
    fold_text,
    normalize_email,
    normalize_phone,
    parse_account,
)
from planner.importers.csvbase import RowBuilder, build_records, load_table, new_result
from planner.importers.decode import Decoded
from planner.importers.records import ContactRecord, Limits, ParsedFile, Problem, SourceRecord
from planner.importers.tabular import Row, Table, cell, header_key
from planner.importers.values import (
    birthday,
    connection_date,
    country_code,
    none_if_blank,
    split_list,
    unique,
    unreadable_date,
)
from planner.lazy_text import lazy_gettext as _

FORMAT = "generic_csv"

# Target field -> header synonyms (compared by header_key: folded, letters and digits only).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "vollständiger name", "anzeigename", "display name",
             "kontakt", "kontaktname", "contact", "person"),
    "first_name": ("first name", "firstname", "vorname", "given name", "forename"),
    "last_name": ("last name", "lastname", "nachname", "surname", "family name",
                  "familienname", "zuname"),
    "nickname": ("nickname", "spitzname", "rufname"),
    "email": ("email", "e-mail", "mail", "email address", "e-mail-adresse", "emailadresse",
              "e-mail address"),
    "phone": ("phone", "telefon", "tel", "mobile", "mobil", "handy", "phone number",
              "telefonnummer", "mobilnummer", "mobiltelefon", "cell", "cell phone", "festnetz",
              "fax"),
    "organization": ("company", "organization", "organisation", "firma", "unternehmen",
                     "arbeitgeber", "employer", "org"),
    "title": ("position", "job title", "jobtitel", "role", "rolle", "funktion", "beruf"),
    "city": ("city", "stadt", "ort", "wohnort", "town"),
    "region": ("region", "state", "bundesland", "kanton"),
    "postal_code": ("zip", "postal code", "postcode", "plz", "postleitzahl"),
    "country": ("country", "land", "country code", "staat"),
    "location": ("location", "standort", "wohnt in"),
    "topics": ("tags", "topics", "themen", "schlagwörter", "stichwörter", "labels",
               "kategorien", "categories", "interessen", "interests", "gruppen", "groups"),
    "notes": ("notes", "note", "notizen", "notiz", "bemerkung", "bemerkungen", "kommentar",
              "comment", "comments"),
    "birthday": ("birthday", "geburtstag", "birth date", "geburtsdatum", "date of birth"),
    "website": ("website", "webseite", "homepage", "url", "web"),
    "linkedin": ("linkedin", "linkedin url", "linkedin profil"),
    "xing": ("xing", "xing url", "xing profil"),
    "x": ("twitter", "x", "twitter handle", "x handle"),
    "mastodon": ("mastodon", "fediverse"),
    "connected_on": ("connected on", "connected since", "connected", "contact since",
                     "kontakt seit", "verbunden seit", "verbunden am", "vernetzt seit"),
}  # fmt: skip
# Several columns may hold these ("E-Mail (geschäftlich)", "E-Mail (privat)"): all are kept.
MULTI_FIELDS = frozenset({"email", "phone", "topics"})
# Words that qualify a header without changing its field: "Telefon (geschäftlich)", "Home
# phone", "General mobile", "E-Mail 2", "Primary Email" are phone and e-mail columns.
_QUALIFIERS = frozenset(
    header_key(word)
    for word in (
        "geschäftlich", "privat", "dienstlich", "beruflich", "persönlich", "business",
        "private", "personal", "home", "work", "office", "general", "primary", "main",
        "other", "weitere", "andere", "haupt", "büro", "zuhause", "mobile", "value", "wert",
    )
)  # fmt: skip
FIELDS: tuple[str, ...] = tuple(SYNONYMS)
IDENTITY_FIELDS = {
    "name",
    "first_name",
    "last_name",
    "email",
    "organization",
    "linkedin",
    "xing",
    "x",
    "mastodon",
    "website",
}
_LOOKUP = {header_key(s): target for target, names in SYNONYMS.items() for s in names}


def header_field(name: str) -> str | None:
    """The field a header names, its qualifiers ("(privat)", "Home", "2") left aside."""
    if target := _LOOKUP.get(header_key(name)):
        return target
    words = re.split(r"[^0-9a-z]+", fold_text(re.sub(r"\([^)]*\)", " ", name)))
    kept = [w for w in words if w and not w.isdigit() and w not in _QUALIFIERS]
    if kept:
        return _LOOKUP.get("".join(kept))
    # only qualifiers: "General mobile" is a phone, named by its last word that is a field
    return next((_LOOKUP[w] for w in reversed(words) if w in _LOOKUP), None)


def map_columns(headers: list[str]) -> dict[str, str]:
    """Proposed mapping header -> field (one of FIELDS) for the headers that are recognised;
    the first column wins when two map to the same field, except for e-mail addresses, phones
    and topics, which every such column adds to."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for name in headers:
        target = header_field(name)
        if target and (target in MULTI_FIELDS or target not in taken) and name not in mapping:
            mapping[name] = target
            taken.add(target)
    return mapping


_SAMPLE_ROWS = 200
_MOSTLY = 0.8
_DATE_LIKE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")


def _looks_like(values: list[str]) -> str | None:
    """``email`` or ``phone`` when most non-empty ``values`` are e-mail addresses or phone
    numbers, whatever the column is called; None otherwise."""
    filled = [v for v in values if v]
    if len(filled) < 2:
        return None
    emails = sum(1 for v in filled if normalize_email(v))
    if emails >= _MOSTLY * len(filled):
        return "email"
    phones = sum(
        1
        for v in filled
        if len(re.sub(r"\D", "", v)) >= 7 and not _DATE_LIKE.fullmatch(v) and normalize_phone(v)
    )
    return "phone" if phones >= _MOSTLY * len(filled) else None


def _columns_by_content(table: Table, columns: dict[str, str]) -> dict[str, str]:
    """Unmapped columns whose values are mostly e-mail addresses or phone numbers."""
    found: dict[str, str] = {}
    rows = table.rows[:_SAMPLE_ROWS]
    for i, name in enumerate(table.header):
        if name and name not in columns:
            kind = _looks_like([cell(row, i) for row in rows])
            if kind is not None:
                found[name] = kind
    return found


def parse(
    decoded: Decoded,
    *,
    file: str,
    limits: Limits,
    mapping: dict[str, str] | None = None,
) -> ParsedFile:
    table = load_table(decoded, file=file, format=FORMAT, limits=limits, is_header=None)
    if isinstance(table, ParsedFile):
        return table
    result = new_result(decoded, file=file, format=FORMAT, table=table)
    columns = mapping if mapping is not None else map_columns(table.header)
    columns = {h: f for h, f in columns.items() if f in SYNONYMS and h in table.header}
    if mapping is None and columns:  # nothing recognised at all: the user maps the columns
        columns.update(_columns_by_content(table, columns))
    if not set(columns.values()) & IDENTITY_FIELDS:
        result.needs_mapping = True
        shown = ", ".join(table.header)
        if not columns:
            result.error = _(
                "no known column (%(columns)s): choose a column mapping", columns=shown
            )
        else:
            result.error = _(
                "no name, organisation, e-mail or account column (%(columns)s): "
                "choose a column mapping",
                columns=shown,
            )
        return result
    build_records(
        result, table, format=FORMAT, file=file, build=_builder(table, columns), limits=limits
    )
    left_out = [h for h in table.header if h and h not in columns]
    if left_out and result.error is None:
        result.problems.append(
            Problem(
                row=None,
                skipped=False,
                message=_("columns not imported: %(columns)s", columns=", ".join(left_out)),
            )
        )
    return result


def _builder(table: Table, columns: dict[str, str]) -> RowBuilder:
    index: dict[str, list[int]] = {}
    for i, name in enumerate(table.header):
        if name in columns:
            index.setdefault(columns[name], []).append(i)

    def get(row: Row, field: str) -> str:
        found = index.get(field)
        if found is None:  # most fields have no column
            return ""
        if len(found) == 1:
            return cell(row, found[0])
        return ";".join(v for i in found if (v := cell(row, i)))

    def build(row: Row, source: SourceRecord) -> ContactRecord:
        record = ContactRecord(
            row=row.line,
            source=source,
            display_name=none_if_blank(get(row, "name")),
            first_name=none_if_blank(get(row, "first_name")),
            last_name=none_if_blank(get(row, "last_name")),
            nickname=none_if_blank(get(row, "nickname")),
            organization=none_if_blank(get(row, "organization")),
            title=none_if_blank(get(row, "title")),
            emails=unique(split_list(get(row, "email"), ",;")),
            phones=unique(split_list(get(row, "phone"), ",;")),
            city=none_if_blank(get(row, "city")),
            region=none_if_blank(get(row, "region")),
            postal_code=none_if_blank(get(row, "postal_code")),
            country=country_code(get(row, "country")),
            location_text=none_if_blank(get(row, "location")),
            birthday=birthday(get(row, "birthday")),
            topics=split_list(get(row, "topics"), ",;|"),
            notes=none_if_blank(get(row, "notes")),
        )
        source.connected_on = connection_date(get(row, "connected_on"))
        for field, read in (("connected_on", source.connected_on), ("birthday", record.birthday)):
            if (written := get(row, field)) and read is None:
                column = table.header[index[field][0]]
                record.unread.append(unreadable_date(column, written))
        for network in ("linkedin", "xing", "x", "mastodon", "website"):
            value = get(row, network)
            if value:
                hint = None if network == "website" else network
                account = parse_account(value, hint)
                record.accounts.append(account or Account(network, url=value))
        return record

    return build
