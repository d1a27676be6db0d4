"""XING contact list CSV (``;``-separated, German headers, profile URLs)."""

from __future__ import annotations

from planner.identifiers import Account, parse_account
from planner.importers.csvbase import RowBuilder, build_records, load_table, new_result
from planner.importers.decode import Decoded
from planner.importers.detect import is_xing_header
from planner.importers.records import ContactRecord, Limits, ParsedFile, SourceRecord
from planner.importers.tabular import Row, Table, cell, index_of
from planner.importers.values import none_if_blank, split_list

FORMAT = "xing_csv"


def parse(decoded: Decoded, *, file: str, limits: Limits) -> ParsedFile:
    table = load_table(decoded, file=file, format=FORMAT, limits=limits, is_header=is_xing_header)
    if isinstance(table, ParsedFile):
        return table
    result = new_result(decoded, file=file, format=FORMAT, table=table)
    return build_records(
        result, table, format=FORMAT, file=file, build=_builder(table), limits=limits
    )


def _builder(table: Table) -> RowBuilder:
    h = table.header
    first = index_of(h, "Vorname", "First Name")
    last = index_of(h, "Nachname", "Last Name")
    company = index_of(h, "Firma", "Unternehmen", "Company")
    position = index_of(h, "Position", "Job Title")
    city = index_of(h, "Ort", "Stadt", "City")
    email = index_of(h, "E-Mail", "Email")
    url = index_of(h, "Profil-URL", "Profile URL", "XING")
    tags = index_of(h, "Schlagwörter", "Tags")

    def build(row: Row, source: SourceRecord) -> ContactRecord:
        accounts: list[Account] = []
        profile = cell(row, url)
        if profile:
            accounts.append(parse_account(profile, "xing") or Account("xing", url=profile))
        return ContactRecord(
            row=row.line,
            source=source,
            first_name=none_if_blank(cell(row, first)),
            last_name=none_if_blank(cell(row, last)),
            organization=none_if_blank(cell(row, company)),
            title=none_if_blank(cell(row, position)),
            city=none_if_blank(cell(row, city)),
            emails=[e for e in [cell(row, email)] if e],
            accounts=accounts,
            topics=split_list(cell(row, tags), ","),
        )

    return build
