"""LinkedIn ``Connections.csv``: a preamble before the header, columns found by name."""

from __future__ import annotations

from planner.identifiers import Account, parse_account
from planner.importers.csvbase import RowBuilder, build_records, load_table, new_result
from planner.importers.decode import Decoded
from planner.importers.detect import is_linkedin_header
from planner.importers.records import ContactRecord, Limits, ParsedFile, SourceRecord
from planner.importers.tabular import Row, Table, cell, index_of
from planner.importers.values import connection_date, unreadable_date

FORMAT = "linkedin_connections_csv"


def parse(decoded: Decoded, *, file: str, limits: Limits) -> ParsedFile:
    table = load_table(
        decoded, file=file, format=FORMAT, limits=limits, is_header=is_linkedin_header
    )
    if isinstance(table, ParsedFile):
        return table
    result = new_result(decoded, file=file, format=FORMAT, table=table)
    return build_records(
        result, table, format=FORMAT, file=file, build=_builder(table), limits=limits
    )


def _builder(table: Table) -> RowBuilder:
    header = table.header
    first = index_of(header, "First Name")
    last = index_of(header, "Last Name")
    url = index_of(header, "URL", "Profile URL")
    email = index_of(header, "Email Address", "E-mail Address")
    company = index_of(header, "Company")
    position = index_of(header, "Position")
    connected = index_of(header, "Connected On")

    def build(row: Row, source: SourceRecord) -> ContactRecord:
        profile = cell(row, url)
        accounts: list[Account] = []
        if profile:
            accounts.append(parse_account(profile, "linkedin") or Account("linkedin", url=profile))
        written = cell(row, connected)
        source.connected_on = connection_date(written)
        record = ContactRecord(
            row=row.line,
            source=source,
            first_name=cell(row, first) or None,  # cells come trimmed
            last_name=cell(row, last) or None,
            organization=cell(row, company) or None,
            title=cell(row, position) or None,
            emails=[e for e in [cell(row, email)] if e],
            accounts=accounts,
        )
        if written and source.connected_on is None:
            record.unread.append(unreadable_date("Connected On", written))
        return record

    return build
