"""Hand-made and phone-sync CSVs: qualified headers, several e-mail and phone columns, columns
recognised by what they hold, connection dates in the shapes spreadsheets write."""

from datetime import date

import pytest

from planner.importers import map_columns, parse_file
from planner.importers.values import connection_date

GERMAN = (
    "Vorname;Nachname;E-Mail (geschäftlich);E-Mail (privat);Telefon (geschäftlich);"
    "Mobiltelefon;Kontakt seit;Lieblingsfarbe\n"
    "Anna;Berg;anna.berg@elbwerk.example;anna@berg.example;040 123456-0;0171 2345678;"
    "07.09.2021;grün\n"
    "Jonas;Kraft;;jonas@kraft.example;;+49 151 98765432;2019-03-01;blau\n"
).encode()


def test_german_qualified_headers_keep_every_address_and_number() -> None:
    (parsed,) = parse_file("kontakte.csv", GERMAN)
    assert parsed.status == "imported", parsed.error
    anna, jonas = parsed.records
    assert anna.emails == ["anna.berg@elbwerk.example", "anna@berg.example"]
    assert anna.phones == ["040 123456-0", "0171 2345678"]
    assert anna.source.connected_on == date(2021, 9, 7)
    assert (jonas.emails, jonas.phones) == (["jonas@kraft.example"], ["+49 151 98765432"])
    assert jonas.source.connected_on == date(2019, 3, 1)


def test_a_column_left_out_is_named() -> None:
    (parsed,) = parse_file("kontakte.csv", GERMAN)
    notes = [p.message for p in parsed.problems if not p.skipped]
    assert any("Lieblingsfarbe" in str(n) for n in notes), notes
    assert parsed.skipped == 0


def test_phone_sync_headers_are_phones() -> None:
    data = (
        b"Name,General phone,General mobile,Home phone,E-mail 1,E-mail 2\n"
        b"Peter Sommer,+49 40 555 01,+49 170 555 0202,+49 40 555 03,p@s.example,ps@w.example\n"
    )
    (parsed,) = parse_file("phone.csv", data)
    (peter,) = parsed.records
    assert peter.phones == ["+49 40 555 01", "+49 170 555 0202", "+49 40 555 03"]
    assert peter.emails == ["p@s.example", "ps@w.example"]


def test_a_column_of_addresses_is_kept_whatever_its_header() -> None:
    data = (
        "Name;Kanal;Rückruf\n"
        "Lotte Nord;lotte@norden.example;+49 431 5550101\n"
        "Fiete Süd;fiete@sueden.example;+49 431 5550102\n"
        "Hanne Ost;hanne@osten.example;\n"
    ).encode()
    (parsed,) = parse_file("liste.csv", data)
    assert [r.emails for r in parsed.records] == [
        ["lotte@norden.example"],
        ["fiete@sueden.example"],
        ["hanne@osten.example"],
    ]
    assert [r.phones for r in parsed.records] == [["+49 431 5550101"], ["+49 431 5550102"], []]


def test_dates_and_postal_codes_are_not_phone_numbers() -> None:
    data = (
        b"Name;Datum;PLZ-Feld\nA B;07.09.2021;20095\nC D;08.09.2021;20096\nE F;09.09.2021;20097\n"
    )
    (parsed,) = parse_file("liste.csv", data)
    assert all(r.phones == [] for r in parsed.records)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("E-Mail (geschäftlich)", "email"),
        ("E-Mail-Adresse (privat)", "email"),
        ("Telefon privat", "phone"),
        ("Business Phone", "phone"),
        ("Mobile", "phone"),
        ("Primary Email", "email"),
        ("Kontakt seit", "connected_on"),
        ("Kontakt", "name"),
    ],
)
def test_qualified_header_names_its_field(header: str, field: str) -> None:
    assert map_columns([header]) == {header: field}


def test_only_multi_valued_fields_take_several_columns() -> None:
    assert map_columns(["Firma", "Firma (alt)", "E-Mail", "E-Mail 2"]) == {
        "Firma": "organization",
        "E-Mail": "email",
        "E-Mail 2": "email",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 Nov 2023", date(2023, 11, 12)),
        ("5-Jan-26", date(2026, 1, 5)),
        ("4/11/18, 9:15 AM", date(2018, 4, 11)),
        ("07.09.2021", date(2021, 9, 7)),
        ("2021-09-07T10:00:00Z", date(2021, 9, 7)),
        ("31.02.2021", None),
        ("soon", None),
        ("", None),
    ],
)
def test_connection_dates_in_the_shapes_exports_write(text: str, expected: date | None) -> None:
    assert connection_date(text) == expected


def test_linkedin_connected_on_in_older_and_resaved_forms_is_kept() -> None:
    data = (
        b'Notes:\n"When exporting your connection data..."\n\n'
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b'Anna,Berg,https://www.linkedin.com/in/annaberg,,Elbwerk,CEO,"4/11/18, 9:15 AM"\n'
        b"Jonas,Kraft,https://www.linkedin.com/in/jkraft,,Kraft,CTO,5-Jan-26\n"
        b"Lotte,Nord,https://www.linkedin.com/in/lnord,,Nord,COO,07.09.2021\n"
    )
    (parsed,) = parse_file("Connections.csv", data)
    assert parsed.format == "linkedin_connections_csv"
    assert [r.source.connected_on for r in parsed.records] == [
        date(2018, 4, 11),
        date(2026, 1, 5),
        date(2021, 9, 7),
    ]


def test_a_date_that_cannot_be_read_is_reported_not_dropped() -> None:
    data = (
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Anna,Berg,https://www.linkedin.com/in/annaberg,,Elbwerk,CEO,sometime in 2019\n"
    )
    (parsed,) = parse_file("Connections.csv", data)
    (note,) = [p for p in parsed.problems if not p.skipped]
    assert note.row == 2 and "Connected On" in note.message and "sometime in 2019" in note.message
    assert parsed.status == "imported" and parsed.contacts == 1
    generic = b"Name;Geburtstag;Kontakt seit\nLotte Nord;im Mai;irgendwann\n"
    (listing,) = parse_file("liste.csv", generic)
    notes = [str(p.message) for p in listing.problems if not p.skipped]
    assert any("Kontakt seit" in n and "irgendwann" in n for n in notes), notes
    assert any("Geburtstag" in n and "im Mai" in n for n in notes), notes
