"""Reading delimited text into rows that remember their physical line, and finding the header.

Decisions:
- Detection reads a bounded head (``head_text``: the first lines, at most ``HEAD_CHARS``
  characters), found with ``str.find``: splitting the whole text into lines for each of the
  ~30 looks detection takes cost 4 s on a CSV with one 10 MB field, which then ended as
  "unknown format" because the csv module refused the head. Rows read before such a field
  still count (the header comes first), so the file is recognised and refused for its field,
  in well under a second, naming the limit and the record.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from planner.i18n import lazy_number
from planner.identifiers import fold_text
from planner.lazy_text import lazy_gettext as _

DELIMITERS = (",", ";", "\t")
HEAD_CHARS = 256 * 1024  # of the text that detection looks at; a header line is far shorter


class FieldTooLarge(ValueError):
    """A cell exceeds the limit; the message names record, line and column."""


@dataclass(slots=True)
class Row:
    line: int  # physical line where the record starts, 1-based
    cells: list[str]


@dataclass
class Table:
    delimiter: str
    header: list[str]
    header_line: int
    rows: list[Row]  # records after the header


def header_key(name: str) -> str:
    """Header comparison key: folded, letters and digits only (``E-Mail`` -> ``email``)."""
    return re.sub(r"[^0-9a-z]", "", fold_text(name))


def sniff_delimiter(text: str) -> str:
    """The delimiter of the first records, quote-aware. Usually the header is the first record:
    prefer the candidate that splits it and gives most records its field count. Behind a
    one-cell preamble (LinkedIn's "Notes:"), take the candidate giving most records one common
    field count of at least two."""
    head = head_text(text, 50)
    parsed: dict[str, list[int]] = {}
    for delim in DELIMITERS:
        rows = _rows_until_error(head, delim)
        parsed[delim] = [len(cells) for cells in rows if any(c.strip() for c in cells)]
    best, best_score = ",", (0, 0)
    for delim, counts in parsed.items():
        if counts and counts[0] >= 2:
            score = (counts.count(counts[0]), counts[0])
            if score > best_score:
                best, best_score = delim, score
    if best_score > (0, 0):
        return best
    for delim, counts in parsed.items():
        wide = [c for c in counts if c >= 2]
        if not wide:
            continue
        mode = max(set(wide), key=lambda c: (wide.count(c), c))
        score = (wide.count(mode), mode)
        if score > best_score:
            best, best_score = delim, score
    return best


def head_text(text: str, lines: int, max_chars: int | None = HEAD_CHARS) -> str:
    """The first ``lines`` physical lines of ``text`` (line ends kept), cut at ``max_chars``."""
    limit = len(text) if max_chars is None else min(len(text), max_chars)
    end = 0
    for _line in range(lines):
        found = _LINE_END.search(text, end, limit)
        if found is None:
            return text[:limit]
        end = found.end()
    return text[:end]


_LINE_END = re.compile(r"\r\n?|\n")


def _rows_until_error(head: str, delimiter: str) -> list[list[str]]:
    """The records of ``head`` up to the first one csv cannot read (a field beyond csv's
    limit: what came before it, the header, still counts)."""
    rows: list[list[str]] = []
    with contextlib.suppress(csv.Error):
        rows.extend(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
    return rows


def head_rows(text: str, delimiter: str, lines: int = 50) -> list[list[str]]:
    """The records of the first ``lines`` physical lines (for detection)."""
    return _rows_until_error(head_text(text, lines), delimiter)


def header_delimiter(text: str, is_header: Callable[[list[str]], bool]) -> str | None:
    """The delimiter under which one of the first records is a header ``is_header`` accepts:
    the header names are better evidence than counting fields."""
    sniffed = sniff_delimiter(text)
    for delim in (sniffed, *(d for d in DELIMITERS if d != sniffed)):
        if any(is_header(row) for row in head_rows(text, delim, 15)):
            return delim
    return None


def read_rows(text: str, delimiter: str, max_field_chars: int) -> list[Row]:
    """All rows with their start lines. Raises FieldTooLarge (line numbers only; the caller
    knows the header and completes the message)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[Row] = []
    previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                column, length = _locate_large_field(text, previous + 1, delimiter, max_field_chars)
                raise _TooLargeAt(previous + 1, column, length) from exc
            raise
        start = previous + 1
        previous = reader.line_num
        if cells and max(map(len, cells)) > max_field_chars:  # the check at C speed first
            index = next(i for i, c in enumerate(cells) if len(c) > max_field_chars)
            raise _TooLargeAt(start, index, len(cells[index]))
        rows.append(Row(start, cells))
    return rows


class _TooLargeAt(ValueError):
    def __init__(self, line: int, column: int, length: int) -> None:
        super().__init__(line, column, length)
        self.line, self.column, self.length = line, column, length


def _locate_large_field(text: str, line: int, delimiter: str, limit: int) -> tuple[int, int]:
    """Column index and length of the first over-long field of the record starting at ``line``,
    found with a quote-aware scan (the csv module stops before telling us)."""
    pos = 0
    for _i in range(line - 1):
        nl = text.find("\n", pos)
        if nl < 0:
            return 0, 0
        pos = nl + 1
    quoted = re.compile(r'"(?:[^"]*"")*[^"]*"', re.S)
    field_end = re.compile(f"[{re.escape(delimiter)}\r\n]")  # C speed over megabytes

    def stop_after(start: int) -> int:
        found = field_end.search(text, start)
        return found.start() if found else len(text)

    column = 0
    while pos < len(text):
        if text[pos] == '"':
            match = quoted.match(text, pos)
            end = match.end() if match else len(text)
            length = end - pos - 2 - text.count('""', pos + 1, end - 1)
            stop = stop_after(end)
            length += stop - end
        else:
            stop = stop_after(pos)
            length = stop - pos
        if length > limit:
            return column, length
        if stop >= len(text) or text[stop] != delimiter:
            break
        column += 1
        pos = stop + 1
    return column, 0


def read_table(
    text: str,
    *,
    max_field_chars: int,
    is_header: Callable[[list[str]], bool] | None = None,
    delimiter: str | None = None,
    header_search_lines: int = 15,
    headerless: bool = False,
) -> Table:
    """Parse ``text`` and find the header row: the first row ``is_header`` accepts within the
    first lines (preambles such as LinkedIn's "Notes:" come before it), else the first
    non-empty row. Raises FieldTooLarge."""
    delim = delimiter
    if delim is None and is_header is not None:
        delim = header_delimiter(text, is_header)
    if delim is None:
        delim = sniff_delimiter(text)
    try:
        rows = read_rows(text, delim, max_field_chars)
    except _TooLargeAt as exc:
        header = _header_for_message(text, delim, exc.line, is_header)
        column = header[exc.column] if exc.column < len(header) else str(exc.column + 1)
        record = _record_number(text, delim, exc.line, is_header)
        raise FieldTooLarge(
            _(
                "field too large: record %(record)d (line %(line)d), column %(column)s, "
                "%(chars)d characters (the limit is %(limit)s)",
                record=record,
                line=exc.line,
                column=column,
                chars=exc.length,
                limit=lazy_number(max_field_chars),
            )
        ) from exc
    if headerless:
        return Table(delim, [], 0, rows)
    header_index = _find_header(rows[:header_search_lines], is_header)
    if header_index is None:
        return Table(delim, [], 0, [])
    header_row = rows[header_index]
    return Table(
        delim,
        [h.strip() for h in header_row.cells],
        header_row.line,
        rows[header_index + 1 :],
    )


def _find_header(rows: list[Row], is_header: Callable[[list[str]], bool] | None) -> int | None:
    if is_header is not None:
        for index, row in enumerate(rows):
            if is_header(row.cells):
                return index
    for index, row in enumerate(rows):
        if any(c.strip() for c in row.cells):
            return index
    return None


def _leading_rows(text: str, delim: str, before_line: int) -> list[Row]:
    """Rows that end before ``before_line`` (small: only used for error messages)."""
    head = head_text(text, before_line - 1, max_chars=None)
    try:
        return read_rows(head, delim, 10**9)
    except (csv.Error, _TooLargeAt):
        return []


def _header_for_message(
    text: str, delim: str, line: int, is_header: Callable[[list[str]], bool] | None
) -> list[str]:
    rows = _leading_rows(text, delim, line)
    index = _find_header(rows, is_header)
    return [] if index is None else [h.strip() for h in rows[index].cells]


def _record_number(
    text: str,
    delim: str,
    line: int,
    is_header: Callable[[list[str]], bool] | None,
) -> int:
    rows = _leading_rows(text, delim, line)
    index = _find_header(rows, is_header)
    return len(rows) - (index if index is not None else -1)


def cell(row: Row, index: int | None) -> str:
    """The trimmed cell, '' for a missing column (ragged rows)."""
    if index is None or index >= len(row.cells):
        return ""
    return row.cells[index].strip()


def index_of(header: Iterable[str], *names: str) -> int | None:
    """Index of the first header matching one of ``names`` (compared by header_key)."""
    keys = [header_key(h) for h in header]
    for name in names:
        key = header_key(name)
        if key in keys:
            return keys.index(key)
    return None


def is_blank(row: Row) -> bool:
    return not any(c.strip() for c in row.cells)
