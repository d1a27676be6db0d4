"""LinkedIn Connections.csv and the data-export zip."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from planner.importers import parse_file
from tests.unit.importers.samples import parse_sample, records_of, sample_bytes

HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"


def test_linkedin_preamble_is_not_a_contact() -> None:
    labels = [r.label for r in records_of("linkedin/Connections.csv")]
    assert not any(label.startswith(("Notes", "When exporting")) for label in labels)
    assert records_of("linkedin/Connections.csv")[0].row == 5  # header is line 4


def test_linkedin_bom_before_notes_is_stripped() -> None:
    (parsed,) = parse_sample("linkedin/Connections_old_no_url.csv")
    assert parsed.headers is not None and parsed.headers[0] == "First Name"
    assert all(not r.accounts for r in parsed.records)  # no URL column, nothing invented


def test_linkedin_connected_on_becomes_a_date() -> None:
    by_name = {r.label: r for r in records_of("linkedin/Connections.csv")}
    assert by_name["Annegret Kühnel"].source.connected_on == date(2022, 3, 7)


def test_linkedin_never_invents_a_location() -> None:
    for record in records_of("linkedin/Connections.csv"):
        assert (record.city, record.country, record.location_text) == (None, None, None)


def test_linkedin_percent_encoded_url_is_kept_as_written() -> None:
    urls = [a.url for r in records_of("linkedin/Connections.csv") for a in r.accounts]
    assert "https://www.linkedin.com/in/%E7%BE%8E%E7%8E%B2-%E6%9E%97-5b1c2a" in urls


def test_linkedin_empty_trailing_row_is_skipped_with_its_line() -> None:
    (parsed,) = parse_sample("linkedin/Connections.csv")
    (problem,) = [p for p in parsed.problems if p.skipped]
    assert (problem.row, problem.record) == (20, 16)
    assert ",,,,,," in problem.message


def test_linkedin_header_found_by_content_not_position() -> None:
    # A spreadsheet re-save pads the preamble with commas and adds a line.
    text = (
        "Notes:,,,,,,\n"
        '"Some other wording about e-mail addresses",,,,,,\n'
        "Exported by a spreadsheet,,,,,,\n"
        ",,,,,,\n"
        f"{HEADER}\n"
        "Jana,Beispiel,https://www.linkedin.com/in/jana,,ACME,CTO,12 Nov 2023\n"
    )
    (parsed,) = parse_file("Connections.csv", text.encode())
    assert parsed.format == "linkedin_connections_csv"
    (record,) = parsed.records
    assert (record.first_name, record.organization, record.row) == ("Jana", "ACME", 6)
    assert record.source.connected_on == date(2023, 11, 12)


def test_linkedin_columns_are_mapped_by_name_in_any_order() -> None:
    text = "Connected On,Position,Company,Email Address,Last Name,First Name\n"
    text += "01 Feb 2020,Dev,Firma,jo@example.org,Muster,Jo\n"
    (parsed,) = parse_file("Connections.csv", text.encode())
    (record,) = parsed.records
    assert (record.first_name, record.last_name, record.title) == ("Jo", "Muster", "Dev")
    assert record.emails == ["jo@example.org"]


def test_linkedin_zip_takes_only_connections_and_not_the_owner() -> None:
    results = parse_sample("linkedin/Basic_LinkedInDataExport_11-02-2026.zip")
    assert [r.file for r in results] == ["Basic_LinkedInDataExport_11-02-2026.zip/Connections.csv"]
    labels = {r.label for r in results[0].records}
    assert "Mareike Brandstätter" not in labels
    assert not labels & {"Jonas Hübscher", "Dilara Aksoy", "Sven Große-Wilde"}


def test_linkedin_profile_csv_alone_yields_no_contact() -> None:
    with zipfile.ZipFile(
        io.BytesIO(sample_bytes("linkedin/Basic_LinkedInDataExport_11-02-2026.zip"))
    ) as z:
        profile = z.read("Profile.csv")
    (parsed,) = parse_file("Profile.csv", profile)
    assert parsed.status == "empty"
    assert parsed.records == []
