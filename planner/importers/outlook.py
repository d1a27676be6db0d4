"""Outlook CSV: outlook.com (English, UTF-8 with BOM) and Outlook for Windows with a German
interface (92 German columns, Windows-1252, every field quoted, ``0.0.00`` defaults)."""

from __future__ import annotations

from planner.identifiers import Account, parse_account
from planner.importers.csvbase import RowBuilder, build_records, load_table, new_result
from planner.importers.decode import Decoded
from planner.importers.detect import is_outlook_header
from planner.importers.records import ContactRecord, Limits, ParsedFile, SourceRecord
from planner.importers.tabular import Row, Table, cell, header_key, index_of
from planner.importers.values import birthday, country_code, none_if_blank, split_list, unique

FORMAT = "outlook_csv"

# (business, home) column names, English then German.
_ADDRESS = {
    "city": (("Business City", "Ort geschäftlich"), ("Home City", "Ort privat")),
    "region": (
        ("Business State", "Region geschäftlich"),
        ("Home State", "Bundesland/Kanton privat"),
    ),
    "postal_code": (
        ("Business Postal Code", "Postleitzahl geschäftlich"),
        ("Home Postal Code", "Postleitzahl privat"),
    ),
    "country": (
        ("Business Country/Region", "Land/Region geschäftlich"),
        ("Home Country/Region", "Land/Region privat"),
    ),
}


def parse(decoded: Decoded, *, file: str, limits: Limits) -> ParsedFile:
    table = load_table(
        decoded, file=file, format=FORMAT, limits=limits, is_header=is_outlook_header
    )
    if isinstance(table, ParsedFile):
        return table
    result = new_result(decoded, file=file, format=FORMAT, table=table)
    return build_records(
        result, table, format=FORMAT, file=file, build=_builder(table), limits=limits
    )


def _phone_columns(header: list[str]) -> list[int]:
    found = []
    for index, name in enumerate(header):
        key = header_key(name)
        if ("phone" in key or "telefon" in key) and "fax" not in key and "assist" not in key:
            found.append(index)
    return found


def _builder(table: Table) -> RowBuilder:
    h = table.header
    first = index_of(h, "First Name", "Vorname")
    middle = index_of(h, "Middle Name", "Weitere Vornamen")
    last = index_of(h, "Last Name", "Nachname")
    nickname = index_of(h, "Nickname", "Spitzname")
    company = index_of(h, "Company", "Firma")
    job = index_of(h, "Job Title", "Position")
    emails = [
        i
        for i in (
            index_of(h, "E-mail Address", "E-Mail-Adresse"),
            index_of(h, "E-mail 2 Address", "E-Mail 2: Adresse"),
            index_of(h, "E-mail 3 Address", "E-Mail 3: Adresse"),
        )
        if i is not None
    ]
    phones = _phone_columns(h)
    bday = index_of(h, "Birthday", "Geburtstag")
    notes = index_of(h, "Notes", "Notizen")
    categories = index_of(h, "Categories", "Kategorien")
    web = [
        i
        for i in (index_of(h, "Web Page", "Webseite"), index_of(h, "Personal Web Page"))
        if i is not None
    ]
    address = {
        key: (index_of(h, *business), index_of(h, *home))
        for key, (business, home) in _ADDRESS.items()
    }

    def build(row: Row, source: SourceRecord) -> ContactRecord:
        given = " ".join(p for p in (cell(row, first), cell(row, middle)) if p)
        record = ContactRecord(
            row=row.line,
            source=source,
            first_name=given or None,
            last_name=none_if_blank(cell(row, last)),
            nickname=none_if_blank(cell(row, nickname)),
            organization=none_if_blank(cell(row, company)),
            title=none_if_blank(cell(row, job)),
            emails=unique(cell(row, i) for i in emails),
            phones=unique(cell(row, i) for i in phones),
            birthday=birthday(cell(row, bday)),
            notes=none_if_blank(cell(row, notes).replace("\r\n", "\n")),
            topics=split_list(cell(row, categories), ";,"),
        )
        for index in web:
            url = cell(row, index)
            if url:
                record.accounts.append(parse_account(url) or Account("website", url=url))
        # Business address first, else home: one consistent address, never a mix.
        for side in (0, 1):
            city = cell(row, address["city"][side])
            if city:
                record.city = city
                record.region = none_if_blank(cell(row, address["region"][side]))
                record.postal_code = none_if_blank(cell(row, address["postal_code"][side]))
                record.country = country_code(cell(row, address["country"][side]))
                break
        return record

    return build
