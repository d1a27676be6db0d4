"""Hand-made CSV lists: columns mapped by German and English synonyms, or by a mapping the
user chooses when no column is recognised (``map_columns`` proposes one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _

from planner.identifiers import Account, parse_account
from planner.importers.csvbase import RowBuilder, build_records, load_table, new_result
from planner.importers.decode import Decoded
from planner.importers.records import ContactRecord, Limits, ParsedFile, SourceRecord
from planner.importers.tabular import Row, Table, cell, header_key
from planner.importers.values import birthday, country_code, none_if_blank, split_list, unique

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
              "telefonnummer", "mobilnummer"),
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
}  # fmt: skip
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


def map_columns(headers: list[str]) -> dict[str, str]:
    """Proposed mapping header -> field (one of FIELDS) for the headers that are recognised;
    the first column wins when two map to the same field."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for name in headers:
        target = _LOOKUP.get(header_key(name))
        if target and target not in taken and name not in mapping:
            mapping[name] = target
            taken.add(target)
    return mapping


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
    if not set(columns.values()) & IDENTITY_FIELDS:
        result.needs_mapping = True
        shown = ", ".join(table.header)
        if not columns:
            result.error = _("no known column (%(columns)s): choose a column mapping") % {
                "columns": shown
            }
        else:
            result.error = _(
                "no name, organisation, e-mail or account column (%(columns)s): "
                "choose a column mapping"
            ) % {"columns": shown}
        return result
    return build_records(
        result, table, format=FORMAT, file=file, build=_builder(table, columns), limits=limits
    )


def _builder(table: Table, columns: dict[str, str]) -> RowBuilder:
    index = {field: table.header.index(h) for h, field in columns.items()}

    def get(row: Row, field: str) -> str:
        return cell(row, index.get(field))

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
        for network in ("linkedin", "xing", "x", "mastodon", "website"):
            value = get(row, network)
            if value:
                hint = None if network == "website" else network
                account = parse_account(value, hint)
                record.accounts.append(account or Account(network, url=value))
        return record

    return build
