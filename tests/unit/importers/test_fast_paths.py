"""The shortcuts bulk imports take give exactly what the general code gives."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote, urlsplit

import pytest

from planner.contacts.service import ContactInput
from planner.identifiers import (
    _COMBINING_MARKS,
    _UNDECOMPOSED,
    Account,
    _split_url,
    fold_text,
    normalize_url,
    parse_account,
)
from planner.importers import parse_file
from planner.imports.plan import merge_inputs


def _fold_whole(text: str) -> str:
    """fold_text as it was before it went word by word."""
    if text.isascii():
        return " ".join(text.casefold().split())
    stripped = _COMBINING_MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    return " ".join(unicodedata.normalize("NFC", stripped.translate(_UNDECOMPOSED)).split())


@pytest.mark.parametrize(
    "text",
    [
        "Jörg  Straßmann",
        "  Çağla Yıldırım ",
        "Thu Hà Nguyễn",
        "Søren\u00a0Thygesen",  # a no-break space is whitespace too
        "a\u0301 \u0301b",  # a mark on its own is dropped, not left as an empty word
        "x ¨ y",  # a spacing diaeresis decomposes to a space and a mark
        "ﬁne ǅ ① ℌ",
        "Ωmega\u2007ΣΑΣ",
        "",
        "\u0301",
    ],
)
def test_fold_text_word_by_word_is_fold_text_of_the_whole(text: str) -> None:
    assert fold_text(text) == _fold_whole(text)


def _split_slow(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.path, parts.query


def _normalize_slow(url: str) -> str:
    value = url.strip()
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~").rstrip("/")
    return f"{host}{path}{'?' + parts.query if parts.query else ''}"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/person-1-123456",
        "https://WWW.LinkedIn.com/in/Jana-Kraft/",
        "http://xing.com/profile/Jana_Kraft",
        "https://linkedin.com",
        "https://linkedin.com/",
        "https://x.com/jane?lang=de",  # a query: urlsplit's way
        "https://www.linkedin.com/in/%E7%BE%8E%E7%8E%B2",  # escapes: urlsplit's way
        "https://user@host.example/x",
        "https://host.example:8443/x",
        "HTTPS://host.example/x",
        "https://mastodon.social/@jana",
        "https://host.example/a b",
        "www.linkedin.com/in/jana",
    ],
)
def test_plain_urls_split_and_normalise_as_urlsplit_does(url: str) -> None:
    full = url if "://" in url else "https://" + url
    assert _split_url(full) == _split_slow(full)
    assert normalize_url(url) == _normalize_slow(url)


def test_a_linkedin_profile_url_gives_the_handle_and_keeps_the_url() -> None:
    url = "https://www.linkedin.com/in/person-1-123456"
    assert parse_account(url, "linkedin") == Account("linkedin", handle="person-1-123456", url=url)


def test_merging_nothing_new_gives_the_contact_itself() -> None:
    base = ContactInput(
        first_name="Jana",
        emails=["Jana@Example.org"],
        accounts=[Account("linkedin", handle="jana")],
        topics=["Kaffee"],
    )
    same = ContactInput(
        first_name="J.",
        emails=["jana@example.org"],
        accounts=[Account("linkedin", handle="Jana", url="https://linkedin.com/in/jana")],
        topics=["kaffee"],
    )
    assert merge_inputs(base, same) is base
    richer = merge_inputs(base, ContactInput(emails=["jk@example.org"], city="Hamburg"))
    assert richer is not base and base.emails == ["Jana@Example.org"]
    assert richer.emails == ["Jana@Example.org", "jk@example.org"] and richer.city == "Hamburg"


def test_cards_cut_off_by_the_next_card_and_by_the_end_of_the_file() -> None:
    data = (
        b"BEGIN:VCARD\r\nFN:Anna Erste\r\n"
        b"BEGIN:VCARD\r\nFN:Berta Zweite\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nFN:Carla Dritte\r\nNOTE;ENCODING=QUOTED-PRINTABLE:zu=\r\n"
    )
    (parsed,) = parse_file("cut.vcf", data)
    assert [r.label for r in parsed.records] == ["Berta Zweite"]
    assert [(p.row, p.malformed) for p in parsed.problems] == [(1, True), (3, True)]
    assert "next card begins" in str(parsed.problems[0].message)
    assert "file ends inside it" in str(parsed.problems[1].message)
    assert parsed.status == "partial"


def test_folded_and_soft_broken_lines_are_joined_before_properties_are_read() -> None:
    data = (
        b"BEGIN:VCARD\nVERSION:2.1\nN:Kraft;Ja\n na;;;\n"
        b"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=\n=BC=\nller\n"
        b"item1.EMAIL;TYPE=INTERNET:jana@example.org\nPHOTO;ENCODING=b:AAAA\nEND:VCARD"
    )
    (parsed,) = parse_file("soft.vcf", data)
    (record,) = parsed.records
    assert (record.first_name, record.last_name) == ("Jana", "Kraft")
    assert record.notes == "Müller" and record.emails == ["jana@example.org"]
