"""Google Contacts "Google CSV": ``E-mail 1 - Value`` column families, `` ::: `` multi-values,
labels as topics (system groups such as ``* myContacts`` dropped)."""

from __future__ import annotations

import re

from planner.identifiers import Account, parse_account
from planner.importers.csvbase import RowBuilder, build_records, load_table, new_result
from planner.importers.decode import Decoded
from planner.importers.detect import is_google_header
from planner.importers.records import ContactRecord, Limits, ParsedFile, SourceRecord
from planner.importers.tabular import Row, Table, cell, header_key, index_of
from planner.importers.values import birthday, country_code, none_if_blank, unique

FORMAT = "google_contacts_csv"


def _multi(value: str) -> list[str]:
    return [v.strip() for v in value.split(":::") if v.strip()]


def _family(header: list[str], family: str, part: str) -> list[int]:
    """Indexes of ``<family> N - <part>`` columns, in N order."""
    pattern = re.compile(rf"^{family}(\d+){part}$")
    found: list[tuple[int, int]] = []
    for index, name in enumerate(header):
        match = pattern.match(header_key(name))
        if match:
            found.append((int(match.group(1)), index))
    return [index for _n, index in sorted(found)]


def parse(decoded: Decoded, *, file: str, limits: Limits) -> ParsedFile:
    table = load_table(decoded, file=file, format=FORMAT, limits=limits, is_header=is_google_header)
    if isinstance(table, ParsedFile):
        return table
    result = new_result(decoded, file=file, format=FORMAT, table=table)
    return build_records(
        result, table, format=FORMAT, file=file, build=_builder(table), limits=limits
    )


def _builder(table: Table) -> RowBuilder:
    h = table.header
    first = index_of(h, "First Name", "Given Name")
    middle = index_of(h, "Middle Name", "Additional Name")
    last = index_of(h, "Last Name", "Family Name")
    full = index_of(h, "Name")
    nickname = index_of(h, "Nickname")
    file_as = index_of(h, "File As")
    org = index_of(h, "Organization Name", "Organization 1 - Name")
    title = index_of(h, "Organization Title", "Organization 1 - Title")
    bday = index_of(h, "Birthday")
    notes = index_of(h, "Notes")
    labels = index_of(h, "Labels", "Group Membership")
    emails = _family(h, "email", "value")
    phones = _family(h, "phone", "value")
    websites = _family(h, "website", "value")
    cities = _family(h, "address", "city")
    regions = _family(h, "address", "region")
    postcodes = _family(h, "address", "postalcode")
    countries = _family(h, "address", "country")

    def build(row: Row, source: SourceRecord) -> ContactRecord:
        given = " ".join(p for p in (cell(row, first), cell(row, middle)) if p)
        record = ContactRecord(
            row=row.line,
            source=source,
            first_name=given or None,
            last_name=none_if_blank(cell(row, last)),
            nickname=none_if_blank(cell(row, nickname)),
            organization=none_if_blank(cell(row, org)),
            title=none_if_blank(cell(row, title)),
            birthday=birthday(cell(row, bday)),
            notes=none_if_blank(cell(row, notes)),
        )
        if not record.person_name():
            record.display_name = none_if_blank(cell(row, full)) or none_if_blank(
                cell(row, file_as)
            )
        record.emails = unique(e for i in emails for e in _multi(cell(row, i)))
        record.phones = unique(p for i in phones for p in _multi(cell(row, i)))
        for index in websites:
            for url in _multi(cell(row, index)):
                record.accounts.append(parse_account(url) or Account("website", url=url))
        record.topics = unique(t for t in _multi(cell(row, labels)) if not t.startswith("*"))
        for n, city_index in enumerate(cities):
            city = _multi(cell(row, city_index))
            if city:
                record.city = city[0]
                record.region = _first(row, regions, n)
                record.postal_code = _first(row, postcodes, n)
                record.country = country_code(_first(row, countries, n))
                break
        return record

    return build


def _first(row: Row, indexes: list[int], n: int) -> str | None:
    if n >= len(indexes):
        return None
    values = _multi(cell(row, indexes[n]))
    return values[0] if values else None
