"""Mastodon exports: ``following_accounts.csv`` (header) and ``lists.csv`` (no header)."""

from __future__ import annotations

import re

from planner.identifiers import Account
from planner.importers.csvbase import load_table, new_result
from planner.importers.decode import Decoded
from planner.importers.detect import is_mastodon_following_header
from planner.importers.records import ContactRecord, Limits, ParsedFile, Problem, SourceRecord
from planner.importers.tabular import cell, index_of, is_blank
from planner.lazy_text import lazy_gettext as _

FOLLOWING = "mastodon_following_csv"
LISTS = "mastodon_lists_csv"
_ADDRESS = re.compile(r"^@?([^@\s]+)@([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)$")


def _account(address: str) -> Account | None:
    match = _ADDRESS.match(address.strip())
    if not match:
        return None
    return Account("mastodon", handle=f"{match.group(1)}@{match.group(2)}")


def parse_following(decoded: Decoded, *, file: str, limits: Limits) -> ParsedFile:
    """Since Mastodon 2.x with the header ``Account address,Show boosts,...``; the earliest
    exports are one address a line without a header. An account listed twice is kept twice,
    so the import reports it as merged, as for every other format."""
    first = next((line for line in decoded.text.splitlines() if line.strip()), "")
    headerless = _account(first.split(",", 1)[0]) is not None
    table = load_table(
        decoded,
        file=file,
        format=FOLLOWING,
        limits=limits,
        is_header=None if headerless else is_mastodon_following_header,
        delimiter=",",
        headerless=headerless,
    )
    if isinstance(table, ParsedFile):
        return table
    result = new_result(decoded, file=file, format=FOLLOWING, table=None if headerless else table)
    column = 0 if headerless else index_of(table.header, "Account address")
    for number, row in enumerate(table.rows, start=1):
        if is_blank(row):
            result.problems.append(Problem(row=row.line, record=number, message=_("empty row")))
            continue
        account = _account(cell(row, column))
        if account is None or account.handle is None:
            result.problems.append(
                Problem(
                    row=row.line,
                    record=number,
                    message=_("not a Mastodon address: %(value)s", value=cell(row, column)),
                    malformed=True,
                )
            )
            continue
        result.records.append(
            ContactRecord(
                row=row.line,
                source=SourceRecord(format=FOLLOWING, file=file),
                accounts=[account],
            )
        )
    if not result.records and not result.problems:
        result.problems.append(
            Problem(row=None, message=_("you follow nobody in this export"), skipped=False)
        )
    return result


def parse_lists(decoded: Decoded, *, file: str, limits: Limits) -> ParsedFile:
    """Rows are ``list title,account address``; one account in several lists is one record
    with several topics."""
    table = load_table(
        decoded,
        file=file,
        format=LISTS,
        limits=limits,
        is_header=None,
        delimiter=",",
        headerless=True,
    )
    if isinstance(table, ParsedFile):
        return table
    result = new_result(decoded, file=file, format=LISTS, table=None)
    rows = table.rows
    by_handle: dict[str, ContactRecord] = {}
    for number, row in enumerate(rows, start=1):
        if is_blank(row):
            result.problems.append(Problem(row=row.line, record=number, message=_("empty row")))
            continue
        title, address = cell(row, 0), cell(row, 1)
        account = _account(address)
        if account is None or account.handle is None:
            result.problems.append(
                Problem(
                    row=row.line,
                    record=number,
                    message=_("not a Mastodon address: %(value)s", value=address),
                    malformed=True,
                )
            )
            continue
        key = account.handle.casefold()
        record = by_handle.get(key)
        if record is None:
            record = ContactRecord(
                row=row.line, source=SourceRecord(format=LISTS, file=file), accounts=[account]
            )
            by_handle[key] = record
            result.records.append(record)
        if title and title.casefold() not in {t.casefold() for t in record.topics}:
            record.topics.append(title)
    return result
