"""Google, Outlook and hand-made CSV address books."""

from __future__ import annotations

from planner.importers import map_columns, parse_file
from tests.unit.importers.samples import parse_sample, records_of, sample_bytes


def test_google_multi_values_and_labels_become_emails_and_topics() -> None:
    annegret = {r.label: r for r in records_of("google/contacts.csv")}["Annegret Kühnel"]
    assert annegret.emails == ["a.kuehnel@elbwerk.example", "community@elbwerk.example"]
    assert annegret.topics == ["Barcamp"]  # "* myContacts" is a system group


def test_google_starred_system_label_is_dropped() -> None:
    maria = {r.label: r for r in records_of("google/contacts.csv")}["Maria Lúcia Fernandes"]
    assert maria.topics == ["Karriere"]
    assert maria.country == "CH"


def test_google_company_only_row_is_a_contact_named_by_the_company() -> None:
    hafen = {r.label: r for r in records_of("google/contacts.csv")}["Hafenkante Events"]
    assert hafen.first_name is None and hafen.organization == "Hafenkante Events"


def test_google_phone_only_row_is_skipped_with_line_and_number() -> None:
    (parsed,) = parse_sample("google/contacts.csv")
    (problem,) = [p for p in parsed.problems if p.skipped]
    assert (problem.row, problem.record) == (11, 4)
    assert "+49 151 5550142" in problem.message


def test_google_multiline_notes_keep_doubled_quotes_as_one_quote() -> None:
    dilara = {r.label: r for r in records_of("google/contacts.csv")}["Dilara Aksoy"]
    assert dilara.notes is not None
    assert '"Daten für alle, aber richtig"' in dilara.notes and "\n" in dilara.notes


def test_outlook_german_cp1252_headers_and_defaults() -> None:
    (parsed,) = parse_sample("outlook/outlook_desktop_de.csv")
    assert parsed.encoding == "cp1252"
    by_name = {r.label: r for r in parsed.records}
    joerg = by_name["Jörg Straßmann"]
    assert (joerg.birthday, joerg.city, joerg.country) == ("1979-03-17", "München", "DE")
    henrike = by_name["Henrike Staßfurt"]
    assert henrike.birthday is None  # "0.0.00" is Outlook's empty date
    assert henrike.topics == ["Barcamp", "Karriere"]
    assert henrike.notes is not None and "1.500 €" in henrike.notes


def test_outlook_title_is_the_salutation_not_the_job() -> None:
    emil = {r.label: r for r in records_of("outlook/outlook_com.csv")}["Emil Sandqvist"]
    assert emil.title == "Chief Data Officer"
    assert (emil.city, emil.country) == ("Wien", "AT")


def test_outlook_email_only_row_is_named_by_its_address() -> None:
    labels = {r.label for r in records_of("outlook/outlook_com.csv")}
    assert "kontakt@barcamp-wien.example" in labels


def test_generic_german_synonyms_are_mapped() -> None:
    assert map_columns(["Name", "E-Mail", "Firma", "Stadt", "Themen"]) == {
        "Name": "name",
        "E-Mail": "email",
        "Firma": "organization",
        "Stadt": "city",
        "Themen": "topics",
    }


def test_generic_city_only_row_and_empty_row_are_skipped() -> None:
    (parsed,) = parse_sample("generic/contacts_semicolon.csv")
    skipped = [(p.row, p.record) for p in parsed.problems if p.skipped]
    assert skipped == [(7, 6), (10, 9)]
    assert "Stadt" in parsed.problems[0].message
    assert "Leipzig" not in parsed.problems[0].message  # fields named, personal data not quoted


def test_generic_ragged_row_reads_missing_cells_as_empty() -> None:
    mirela = {r.label: r for r in records_of("generic/contacts_tab.tsv")}["Mirela Dragomir"]
    assert (mirela.city, mirela.country, mirela.topics) == ("München", None, [])


def test_unknown_columns_ask_for_a_mapping() -> None:
    (parsed,) = parse_sample("broken/unknown_format.csv")
    assert parsed.status == "rejected" and parsed.needs_mapping
    assert parsed.headers == ["Spalte1", "Spalte2", "Spalte3"]
    assert map_columns(parsed.headers) == {}


def test_unknown_columns_import_after_mapping() -> None:
    mapping = {"Spalte1": "name", "Spalte2": "email", "Spalte3": "city"}
    (parsed,) = parse_file(
        "unknown_format.csv", sample_bytes("broken/unknown_format.csv"), column_mapping=mapping
    )
    assert (parsed.status, parsed.contacts, parsed.skipped) == ("imported", 3, 0)
    assert parsed.records[0].label == "Hanne Wittkopp"
    assert parsed.records[0].city == "Kiel"


def test_huge_field_rejects_the_whole_file_naming_record_and_column() -> None:
    (parsed,) = parse_sample("broken/huge_field.csv")
    assert parsed.status == "rejected" and parsed.records == []
    assert parsed.error is not None and "column Notes" in parsed.error
    assert "record 2 (line 3)" in parsed.error


def test_field_over_own_limit_below_csv_limit_is_rejected_too() -> None:
    from planner.importers import Limits

    text = "Name;Notizen\r\nAnna;" + "x" * 2000 + "\r\n"
    (parsed,) = parse_file("a.csv", text.encode(), limits=Limits(max_field_chars=1000))
    assert parsed.status == "rejected"
    assert parsed.error == (
        "field too large: record 1 (line 2), column Notizen, 2000 characters (the limit is 1,000)"
    )
