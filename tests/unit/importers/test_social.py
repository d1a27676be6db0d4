"""X archive, Mastodon, Facebook and XING exports."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from planner.importers import parse_file
from tests.unit.importers.samples import parse_sample, records_of, sample_bytes


def _ids(name: str) -> set[str]:
    return {a.id for r in records_of(name) for a in r.accounts if a.id}


def test_x_ids_above_2_53_stay_exact() -> None:
    ids = _ids("x/following.js")
    assert "1459203381746528257" in ids
    assert "1459203381746528256" not in ids
    assert all(isinstance(i, str) for i in ids)


def test_x_numeric_ids_in_json_stay_exact_too() -> None:
    data = b'window.YTD.following.part0 = [{"following": {"accountId": 1459203381746528257}}]'
    (parsed,) = parse_file("following.js", data)
    assert parsed.records[0].accounts[0].id == "1459203381746528257"


def test_x_part_files_are_parsed_whatever_the_variable_name() -> None:
    ids = _ids("x/following-part1.js")
    assert {"1553021647928807424", "1148569305762721792"} <= ids
    assert len(ids) == 4


def test_x_account_js_is_the_owner_not_a_contact() -> None:
    (parsed,) = parse_sample("x/account.js")
    assert parsed.status == "empty" and parsed.records == []
    assert parsed.owner is not None and parsed.owner["accountId"] == "1186739950277410816"


def _x_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("following.js", "following-part1.js", "follower.js", "account.js"):
            z.writestr(f"data/{name}", sample_bytes(f"x/{name}"))
        z.writestr("data/tweets.js", b"window.YTD.tweets.part0 = []")
    return buffer.getvalue()


def test_x_archive_zip_marks_mutual_follows() -> None:
    results = parse_file("twitter-2026-11-02.zip", _x_zip())
    assert sorted(r.file.rsplit("/", 1)[1] for r in results) == [
        "follower.js",
        "following-part1.js",
        "following.js",
    ]
    mutual = {a.id for r in results for rec in r.records if rec.mutual for a in rec.accounts}
    assert mutual == {
        "1459203381746528257",
        "1620917735510667264",
        "1337580442171383811",
        "1553021647928807424",
        "1264097158813581313",
    }
    unique_ids = {a.id for r in results for rec in r.records for a in rec.accounts}
    assert len(unique_ids) == 18


def test_mastodon_empty_following_is_empty_not_an_error() -> None:
    (parsed,) = parse_sample("mastodon/following_accounts_empty.csv")
    assert parsed.status == "empty" and parsed.error is None
    assert parsed.problems and not parsed.problems[0].skipped


def test_mastodon_handles_keep_their_case() -> None:
    handles = {a.handle for r in records_of("mastodon/following_accounts.csv") for a in r.accounts}
    assert "OpenDataHH@norden.social.example" in handles


def test_mastodon_account_in_two_lists_is_one_record_with_two_topics() -> None:
    records = records_of("mastodon/lists.csv")
    assert len(records) == 7
    (wiebke,) = [r for r in records if r.label == "wiebke_karriere@mastodon.example"]
    assert wiebke.topics == ["Karriereberatung", "Barcamp Hamburg"]


def test_facebook_mojibake_is_repaired() -> None:
    labels = {r.label for r in records_of("facebook/friends.json")}
    assert {"Dörte Haßelbrink", "Zoë Kowalczyk", "Lotte Brandt 🌊"} <= labels
    assert not any("Ã" in label or "\x9f" in label for label in labels)


def test_facebook_timestamp_is_the_utc_connection_date() -> None:
    by_name = {r.label: r for r in records_of("facebook/friends.json")}
    assert by_name["Dörte Haßelbrink"].source.connected_on == date(2023, 7, 22)


def test_xing_semicolon_file_keeps_unquoted_commas_and_quoted_semicolons() -> None:
    by_name = {r.label: r for r in records_of("xing/contacts.csv")}
    assert by_name["Çağla Yıldırım"].organization == "Brückner, Kaya & Partner mbB"
    assert by_name["Konstantin Weißenborn"].title == (
        "Professor; Studiengangsleiter Datenjournalismus"
    )
    assert by_name["Tilman Voß"].topics == ["Python", "Open Data"]
    assert by_name["Tilman Voß"].accounts[0].handle == "Tilman_Voss7"
