"""The vCard reader: folding, quoted-printable, groups, birthdays, broken cards."""

from __future__ import annotations

from planner.importers import ContactRecord, parse_file
from tests.unit.importers.samples import parse_sample, records_of


def _card(*lines: str, version: str = "3.0") -> bytes:
    body = "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]) + "\r\n"
    return body.encode("utf-8")


def _one(data: bytes) -> ContactRecord:
    (parsed,) = parse_file("test.vcf", data)
    assert parsed.error is None, parsed.error
    (record,) = parsed.records
    return record


def test_qp_soft_break_splitting_utf8_char() -> None:
    by_name = {r.label: r for r in records_of("vcard/android_v21.vcf")}
    notes = by_name["Ömer Demirtaş"].notes
    assert notes is not None and "zu Öffentlichen Daten" in notes
    assert "\ufffd" not in notes


def test_qp_soft_break_inside_multibyte_char_minimal() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Test\r\n"
        b"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=\r\n=96l, Wasser\r\nEND:VCARD\r\n"
    )
    assert _one(data).notes == "Öl, Wasser"


def test_vcard21_commas_in_note_are_kept() -> None:
    record = _one(b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A B\r\nNOTE:eins, zwei, drei\r\nEND:VCARD\r\n")
    assert record.notes == "eins, zwei, drei"


def test_qp_latin1_charset_parameter() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:J=F6rg\r\nEND:VCARD\r\n"
    )
    assert _one(data).display_name == "Jörg"


def test_folded_lines_are_unfolded_even_inside_a_word() -> None:
    record = _one(_card("FN:Ann Beispiel", "NOTE:Open-Data-Proje", " kten\\, viele", " \\nZeilen"))
    assert record.notes == "Open-Data-Projekten, viele\nZeilen"


def test_grouped_apple_address_and_escaped_url() -> None:
    record = _one(
        _card(
            "FN:Ann Beispiel",
            "item1.ADR;type=WORK;type=pref:;;Neuer Wall 7;Hamburg;;20354;Germany",
            "item1.X-ABADR:de",
            "item2.URL;type=pref:https\\://www.linkedin.com/in/ann-beispiel",
        )
    )
    assert (record.city, record.postal_code, record.country) == ("Hamburg", "20354", "DE")
    assert record.accounts[0].network == "linkedin"
    assert record.accounts[0].url == "https://www.linkedin.com/in/ann-beispiel"


def test_birthday_without_year_in_all_shapes() -> None:
    assert _one(_card("FN:A", "BDAY:--0412")).birthday == "--04-12"
    assert _one(_card("FN:A", "BDAY:--04-12")).birthday == "--04-12"
    assert _one(_card("FN:A", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-08-12")).birthday == "--08-12"
    assert _one(_card("FN:A", "BDAY:19850614")).birthday == "1985-06-14"
    assert _one(_card("FN:A", "BDAY:1985-06-14T00:00:00Z")).birthday == "1985-06-14"
    assert _one(_card("FN:A", "BDAY:not a date")).birthday is None


def test_photo_is_skipped_and_the_blank_line_after_it_ignored() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Foto Person\r\n"
        b"PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQSkZJRg\r\n AAQABAAD/2w\r\n\r\n"
        b"NOTE:danach\r\nEND:VCARD\r\n"
    )
    record = _one(data)
    assert record.notes == "danach"


def test_several_cards_and_a_phone_only_card_is_skipped() -> None:
    data = _card("FN:Erste Person") + _card("TEL:+49 40 123456") + _card("ORG:Firma GmbH;")
    (parsed,) = parse_file("book.vcf", data)
    assert [r.label for r in parsed.records] == ["Erste Person", "Firma GmbH"]
    (problem,) = parsed.problems
    assert problem.row == 2 and "+49 40 123456" in problem.message
    assert parsed.status == "imported"


def test_truncated_card_is_reported_with_its_number() -> None:
    (parsed,) = parse_sample("vcard/truncated.vcf")
    assert parsed.status == "partial"
    (problem,) = parsed.problems
    assert problem.row == 3 and problem.malformed and problem.skipped
    assert "END:VCARD" in problem.message
    assert "Theresa Ambühl" not in {r.label for r in parsed.records}


def test_card_interrupted_by_next_begin_is_a_problem() -> None:
    data = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Halb\r\n" + _card("FN:Ganz")
    (parsed,) = parse_file("x.vcf", data)
    assert [r.label for r in parsed.records] == ["Ganz"]
    assert parsed.problems[0].row == 1 and parsed.status == "partial"


def test_only_a_truncated_card_rejects_the_file() -> None:
    (parsed,) = parse_file("x.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Halb\r\n")
    assert parsed.status == "rejected" and parsed.records == []


def test_altid_pair_is_one_contact() -> None:
    records = records_of("vcard/nextcloud_v4.vcf")
    assert sum(1 for r in records if r.label in ("林美玲", "Meiling Lin")) == 1


def test_geo_uri_with_escaped_comma_and_adr_geo_parameter() -> None:
    by_name = {r.label: r for r in records_of("vcard/nextcloud_v4.vcf")}
    assert (by_name["林美玲"].lat, by_name["林美玲"].lon) == (52.5291, 13.401)
    assert (by_name["Thorben Kähler"].lat, by_name["Thorben Kähler"].lon) == (50.9521, 6.9187)


def test_tel_uri_and_categories() -> None:
    by_name = {r.label: r for r in records_of("vcard/nextcloud_v4.vcf")}
    assert by_name["Thorben Kähler"].phones == ["+49-221-555-0148"]
    assert by_name["Søren Thygesen"].topics == ["Barcamp", "Karriere"]


def test_apple_social_profile_without_url_gives_a_handle() -> None:
    by_name = {r.label: r for r in records_of("vcard/apple_v3.vcf")}
    accounts = by_name["Kofi Mensah-Bauer"].accounts
    assert [(a.network, a.handle) for a in accounts] == [("x", "kofi_mb")]


def test_cp1252_vcard_is_read_and_the_encoding_told() -> None:
    (parsed,) = parse_sample("broken/latin1_mislabeled.vcf")
    assert parsed.encoding == "cp1252"
    assert any("Windows-1252" in p.message and not p.skipped for p in parsed.problems)
