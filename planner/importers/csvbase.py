"""The loop every CSV format shares: read the table, turn rows into records, and turn blank
rows and non-contacts into per-row notices."""

from __future__ import annotations

import csv
from collections.abc import Callable

from planner.importers.decode import Decoded, encoding_notice
from planner.importers.records import ContactRecord, Limits, ParsedFile, Problem, SourceRecord
from planner.importers.tabular import FieldTooLarge, Row, Table, is_blank, read_table
from planner.importers.values import empty_row_reason, skip_reason
from planner.lazy_text import lazy_gettext as _

RowBuilder = Callable[[Row, SourceRecord], ContactRecord]


def load_table(
    decoded: Decoded,
    *,
    file: str,
    format: str,
    limits: Limits,
    is_header: Callable[[list[str]], bool] | None,
    delimiter: str | None = None,
    headerless: bool = False,
) -> Table | ParsedFile:
    """The table, or a rejected ParsedFile (field too large, unreadable CSV)."""
    try:
        return read_table(
            decoded.text,
            max_field_chars=limits.max_field_chars,
            is_header=is_header,
            delimiter=delimiter,
            headerless=headerless,
        )
    except FieldTooLarge as exc:
        return ParsedFile(file=file, format=format, error=str(exc), encoding=decoded.encoding)
    except csv.Error as exc:
        return ParsedFile(
            file=file,
            format=format,
            error=_("not a readable CSV file: %(reason)s", reason=str(exc)),
            encoding=decoded.encoding,
        )


def new_result(decoded: Decoded, *, file: str, format: str, table: Table | None) -> ParsedFile:
    result = ParsedFile(
        file=file,
        format=format,
        encoding=decoded.encoding,
        headers=list(table.header) if table else None,
    )
    notice = encoding_notice(decoded)
    if notice:
        result.problems.append(Problem(row=None, message=notice, skipped=False))
    return result


def build_records(
    result: ParsedFile,
    table: Table,
    *,
    format: str,
    file: str,
    build: RowBuilder,
    limits: Limits,
) -> ParsedFile:
    """Run ``build`` over every row; blank and non-contact rows become skipped notices."""
    for index, row in enumerate(table.rows):
        number = index + 1
        if is_blank(row):
            raw = table.delimiter.join(row.cells) if any(row.cells) or len(row.cells) > 1 else ""
            result.problems.append(
                Problem(row=row.line, record=number, message=empty_row_reason(raw or None))
            )
            continue
        record = build(row, SourceRecord(format=format, file=file))
        record.row = row.line
        for message in record.unread:
            result.problems.append(
                Problem(row=row.line, record=number, message=message, skipped=False)
            )
        if not record.is_contact():
            filled = [
                table.header[i]
                for i, c in enumerate(row.cells)
                if c.strip() and i < len(table.header)
            ]
            reason = skip_reason(record, filled)
            result.problems.append(Problem(row=row.line, record=number, message=reason))
            continue
        if len(result.records) >= limits.max_records:
            result.records = []
            result.error = _("more than %(n)d records: split the file", n=limits.max_records)
            return result
        result.records.append(record)
    return result
