"""Hypothesis round trips: whatever csv.writer quotes, the importers read back unchanged."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.importers import parse_file

# Names and organisations full of the characters that break naive CSV readers.
_ALPHABET = st.sampled_from(list("aAzZäöüßÄÖÜéçłğ ,;\"'\n\t-&|🚀☕美玲·–„“€"))
_TEXT = (
    st.text(_ALPHABET, min_size=1, max_size=25)
    .map(str.strip)
    .filter(lambda s: bool(s) and not s.startswith(("Notes", "First")))
)


def _write(rows: list[list[str]], delimiter: str = ",", lineterminator: str = "\r\n") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@given(st.lists(st.tuples(_TEXT, _TEXT, _TEXT, _TEXT), min_size=1, max_size=6))
@settings(max_examples=60, deadline=None, database=None)
def test_linkedin_csv_round_trip(people: list[tuple[str, str, str, str]]) -> None:
    header = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
              "Connected On"]  # fmt: skip
    rows = [["Notes:"], ["A preamble, quoted."], [], header]
    rows += [[f, last, "", "", org, pos, "12 Nov 2023"] for f, last, org, pos in people]
    (parsed,) = parse_file("Connections.csv", _write(rows))
    got = [(r.first_name, r.last_name, r.organization, r.title) for r in parsed.records]
    assert got == people


@given(
    st.lists(st.tuples(_TEXT, _TEXT), min_size=1, max_size=6),
    st.sampled_from([",", ";", "\t"]),
    st.sampled_from(["\r\n", "\n"]),
)
@settings(max_examples=60, deadline=None, database=None)
def test_generic_csv_round_trip(people: list[tuple[str, str]], delimiter: str, end: str) -> None:
    rows = [["Name", "Firma", "E-Mail"]]
    rows += [[name, org, f"p{i}@example.org"] for i, (name, org) in enumerate(people)]
    (parsed,) = parse_file("list.csv", _write(rows, delimiter, end))
    assert parsed.format == "generic_csv", parsed.error
    got = [(r.display_name, r.organization) for r in parsed.records]
    assert got == people
