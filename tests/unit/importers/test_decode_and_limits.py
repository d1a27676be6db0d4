"""Encodings, binary uploads, size limits and zip archives (including zip bombs)."""

from __future__ import annotations

import codecs
import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.importers import Limits, parse_file
from planner.importers.decode import BinaryData, decode_bytes

CSV = (
    "Name;E-Mail;Stadt\r\nJörg Übel;joerg@example.org;Köln\r\nZoë € Müller;zoe@example.org;Wien\r\n"
)


def _labels(data: bytes, name: str = "list.csv") -> list[str]:
    (parsed,) = parse_file(name, data)
    assert parsed.error is None, parsed.error
    return [r.label for r in parsed.records]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom_is_decoded(codec: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    data = bom + CSV.encode(codec)
    assert _labels(data) == ["Jörg Übel", "Zoë € Müller"]


def test_utf8_bom_is_stripped_from_the_first_header() -> None:
    (parsed,) = parse_file("list.csv", codecs.BOM_UTF8 + CSV.encode())
    assert parsed.headers == ["Name", "E-Mail", "Stadt"]
    assert parsed.encoding == "utf-8-sig"


def test_cp1252_fallback_keeps_euro_and_quotes() -> None:
    text = CSV.replace("Wien", "„Wien“ – 2 €")
    (parsed,) = parse_file("list.csv", text.encode("cp1252"))
    assert parsed.encoding == "cp1252"
    assert parsed.records[1].city == "„Wien“ – 2 €"
    assert any("Windows-1252" in p.message for p in parsed.problems)


def test_bytes_undefined_in_cp1252_never_become_replacement_chars() -> None:
    decoded = decode_bytes(b"Name\r\nA\x81\x8d\x8f\x90\x9d\xe4\r\n")
    assert "\ufffd" not in decoded.text
    assert decoded.text.endswith("ä\r\n")


@given(st.binary(max_size=300))
@settings(max_examples=150, deadline=None, database=None)
def test_decoding_never_yields_replacement_chars(data: bytes) -> None:
    try:
        decoded = decode_bytes(data)
    except BinaryData:
        return
    assert "\ufffd" not in decoded.text or "\ufffd".encode() in data


@given(st.binary(max_size=400))
@settings(max_examples=150, deadline=None, database=None)
def test_parse_file_never_raises(data: bytes) -> None:
    for parsed in parse_file("upload.csv", data):
        assert parsed.status in ("imported", "partial", "rejected", "empty")
        if parsed.error is not None:
            assert parsed.records == []


def test_nul_bytes_mean_binary() -> None:
    (parsed,) = parse_file("x.vcf", b"BEGIN:VCARD\x00\x00\x00")
    assert parsed.status == "rejected"
    assert parsed.error is not None and parsed.error.startswith("binary data")
    assert "vCard" in parsed.error


def test_whitespace_only_file_is_empty_and_rejected() -> None:
    (parsed,) = parse_file("x.csv", b" \r\n\r\n")
    assert parsed.status == "rejected" and parsed.error is not None


def test_file_over_size_limit_is_rejected_before_reading() -> None:
    (parsed,) = parse_file("big.csv", b"Name\n" + b"A\n" * 600, limits=Limits(max_bytes=1000))
    assert parsed.status == "rejected"
    assert parsed.error is not None and "limit" in parsed.error


def test_unknown_format_name_is_rejected() -> None:
    (parsed,) = parse_file("a.csv", CSV.encode(), format="excel")
    assert parsed.status == "rejected"


def test_calendar_file_is_not_contacts() -> None:
    (parsed,) = parse_file("a.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    assert parsed.status == "rejected"


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_with_too_many_members_is_rejected_before_extraction() -> None:
    data = _zip({f"data/part-{i:05d}.csv": b"a,b\n" for i in range(1, 21)}, zipfile.ZIP_STORED)
    (parsed,) = parse_file("many.zip", data, limits=Limits(max_zip_members=10))
    assert parsed.status == "rejected"
    assert parsed.error == "archive has 20 entries, more than the importer accepts"


def test_zip_bomb_ratio_is_rejected() -> None:
    data = _zip({"Connections.csv": b"\0" * (4 * 2**20)})
    assert len(data) < 20_000
    (parsed,) = parse_file("bomb.zip", data)
    assert parsed.status == "rejected"
    assert parsed.error is not None and "zip bomb" in parsed.error


def test_zip_total_unpacked_size_is_limited() -> None:
    data = _zip({"a.csv": b"Name\nA\n" * 1000, "b.csv": b"Name\nB\n" * 1000})
    (parsed,) = parse_file("big.zip", data, limits=Limits(max_unzipped_bytes=10_000))
    assert parsed.status == "rejected"
    assert parsed.error is not None and "unpacks" in parsed.error


def test_damaged_zip_is_rejected() -> None:
    data = _zip({"Connections.csv": b"x" * 1000})[:-40]
    (parsed,) = parse_file("broken.zip", data)
    assert parsed.status == "rejected"


def test_zip_of_vcards_yields_one_result_per_member() -> None:
    card = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\n"
    results = parse_file("cards.zip", _zip({"a.vcf": card, "b.vcf": card, "readme.pdf": b"%PDF"}))
    assert [r.file for r in results] == ["cards.zip/a.vcf", "cards.zip/b.vcf"]


def test_zip_without_contact_files_is_rejected() -> None:
    (parsed,) = parse_file("img.zip", _zip({"a.png": b"\x89PNG\r\n\x1a\nxxxx"}))
    assert parsed.status == "rejected"
