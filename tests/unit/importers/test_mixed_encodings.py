"""Files as spreadsheets and exports really write them: UTF-8 with a few Windows-1252 bytes
after an Excel round trip, Facebook's byte-wise escapes ending in a byte that looks like a
space."""

import json

from planner.importers import parse_file
from planner.importers.decode import decode_bytes, encoding_notice


def test_utf8_with_some_cp1252_bytes_keeps_the_utf8_names() -> None:
    data = (
        b"Name;E-Mail;Stadt\n"
        + "Jürgen Müller;jm@example.org;Köln\n".encode()
        + "Zoë Ångström;za@example.org;".encode()
        + "Düsseldorf\n".encode("cp1252")  # re-saved by Excel: one cp1252 byte
        + "Łukasz Żak;lz@example.org;Görlitz\n".encode()
    )
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8"
    assert decoded.mixed_lines == (3,)
    assert "Jürgen Müller" in decoded.text and "Łukasz Żak" in decoded.text
    assert "Zoë Ångström;za@example.org;Düsseldorf" in decoded.text
    assert "line 3" in str(encoding_notice(decoded))
    (parsed,) = parse_file("kontakte.csv", data)
    assert [r.label for r in parsed.records] == ["Jürgen Müller", "Zoë Ångström", "Łukasz Żak"]
    assert parsed.records[1].city == "Düsseldorf"


def test_plain_cp1252_is_still_read_as_cp1252() -> None:
    decoded = decode_bytes("Name;Stadt\nJürgen Müller;Köln\n".encode("cp1252"))
    assert (decoded.encoding, decoded.mixed_lines) == ("cp1252", ())
    assert "Jürgen Müller;Köln" in decoded.text


def test_bom_with_stray_cp1252_bytes_keeps_the_utf8() -> None:
    data = b"\xef\xbb\xbf" + "Name\nRenée\n".encode() + "Gaël\n".encode("cp1252")
    decoded = decode_bytes(data)
    assert decoded.text == "Name\nRenée\nGaël\n"
    assert decoded.mixed_lines == (3,)


def test_facebook_name_whose_last_byte_looks_like_a_space_is_repaired() -> None:
    # "Lucà" as Facebook writes it: each UTF-8 byte escaped, the last one 0xA0 (no-break space)
    escaped = "Luc\u00c3\u00a0 Rossi\u00c3\u00a0"
    data = json.dumps({"friends_v2": [{"name": escaped, "timestamp": 1600000000}]}).encode()
    (parsed,) = parse_file("friends.json", data)
    assert [r.display_name for r in parsed.records] == ["Lucà Rossià"]
