"""Normalising e-mail addresses, phone numbers, accounts and names."""

from __future__ import annotations

import pytest

from planner.identifiers import (
    Account,
    account_keys,
    fold_text,
    normalize_email,
    normalize_phone,
    parse_account,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  A.Kuehnel@Elbwerk.Example ", "a.kuehnel@elbwerk.example"),
        ("mailto:Tilman.Voss@example.org", "tilman.voss@example.org"),
        ("MAILTO:x@example.com?subject=Hallo", "x@example.com"),
        ("Jörg@Straßmann.example", "jörg@straßmann.example"),  # IDNA 2008 keeps ß
        ("kontakt@barcamp-wien.example", "kontakt@barcamp-wien.example"),
    ],
)
def test_normalize_email_accepts(text: str, expected: str) -> None:
    assert normalize_email(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "not an address", "a@", "@example.org", "a b@c.de"])
def test_normalize_email_rejects(text: str) -> None:
    assert normalize_email(text) is None


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("0171 1234567", "DE", "+491711234567"),
        ("+49 (0)30 123456", "DE", "+4930123456"),
        ("+49 (0) 40 5550123", "DE", "+49405550123"),
        ("030/123456", "DE", "+4930123456"),
        ("0049 171 1234567", "DE", "+491711234567"),
        ("tel:+49-221-555-0148", "DE", "+492215550148"),
        ("+41 79 555 01 27", "DE", "+41795550127"),
        ("01 5550164", "AT", "+4315550164"),
    ],
)
def test_normalize_phone_to_e164(text: str, region: str, expected: str) -> None:
    assert normalize_phone(text, region) == expected


@pytest.mark.parametrize("text", ["", "Mama", "123", "+49 0", "call me"])
def test_normalize_phone_rejects(text: str) -> None:
    assert normalize_phone(text) is None


@pytest.mark.parametrize(
    ("text", "network", "expected"),
    [
        (
            "https://www.linkedin.com/in/jane-doe-123/",
            None,
            Account(
                "linkedin", handle="jane-doe-123", url="https://www.linkedin.com/in/jane-doe-123/"
            ),
        ),
        (
            "linkedin.com/in/jane",
            None,
            Account("linkedin", handle="jane", url="https://linkedin.com/in/jane"),
        ),
        ("https://x.com/Jane_D", None, Account("x", handle="Jane_D", url="https://x.com/Jane_D")),
        (
            "https://twitter.com/intent/user?user_id=1459203381746528257",
            None,
            Account(
                "x",
                id="1459203381746528257",
                url="https://twitter.com/intent/user?user_id=1459203381746528257",
            ),
        ),
        (
            "https://www.xing.com/profile/Tilman_Voss7",
            None,
            Account("xing", handle="Tilman_Voss7", url="https://www.xing.com/profile/Tilman_Voss7"),
        ),
        (
            "https://www.facebook.com/profile.php?id=100004",
            None,
            Account("facebook", id="100004", url="https://www.facebook.com/profile.php?id=100004"),
        ),
        (
            "https://koeln.social.example/@thorben",
            None,
            Account(
                "mastodon",
                handle="thorben@koeln.social.example",
                url="https://koeln.social.example/@thorben",
            ),
        ),
        ("@wiebke@mastodon.example", None, Account("mastodon", handle="wiebke@mastodon.example")),
        (
            "OpenDataHH@norden.social.example",
            "mastodon",
            Account("mastodon", handle="OpenDataHH@norden.social.example"),
        ),
        ("@kofi_mb", "twitter", Account("x", handle="kofi_mb")),
        ("x-apple:kofi_mb", "x", Account("x", handle="kofi_mb")),
        (
            "https://github.com/octo",
            None,
            Account("github", handle="octo", url="https://github.com/octo"),
        ),
        ("https://rheinblick.example", None, Account("website", url="https://rheinblick.example")),
    ],
)
def test_parse_account(text: str, network: str | None, expected: Account) -> None:
    assert parse_account(text, network) == expected


@pytest.mark.parametrize("text", ["", "just words", "@jane", "jane"])
def test_parse_account_needs_a_hint_for_bare_handles(text: str) -> None:
    assert parse_account(text) is None


def test_account_keys_fold_handles_and_normalise_urls() -> None:
    a = parse_account("https://www.linkedin.com/in/%e7%be%8e%e7%8e%b2-%e6%9e%97-5b1c2a/")
    b = parse_account("http://linkedin.com/in/美玲-林-5b1c2a")
    assert a is not None and b is not None
    assert account_keys(a) == account_keys(b)
    assert "linkedin:url:linkedin.com/in/%e7%be%8e%e7%8e%b2-%e6%9e%97-5b1c2a" in account_keys(a)
    assert account_keys(Account("x", id="1234", handle="@Jane")) == ["x:id:1234", "x:handle:jane"]
    assert account_keys(Account("mastodon", handle="OpenDataHH@Norden.Social.Example")) == [
        "mastodon:handle:opendatahh@norden.social.example"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bartholomäus Nowak-Schütte", "bartholomaus nowak-schutte"),
        ("Tilman Voß", "tilman voss"),
        ("ÇAĞLA  YILDIRIM", "cagla yildirim"),
        ("Çağla Yıldırım", "cagla yildirim"),
        ("Søren Thygesen", "soren thygesen"),
        ("Małgorzata Wiśniewska", "malgorzata wisniewska"),
        ("Nguyễn Thị Thu Hà", "nguyen thi thu ha"),
    ],
)
def test_fold_text(text: str, expected: str) -> None:
    assert fold_text(text) == expected
