"""Mastodon follows exports as they were written over the years."""

from planner.importers import parse_file

HEADER = "Account address,Show boosts,Notify on new posts,Languages\n"


def test_an_account_listed_twice_is_kept_twice_and_merges() -> None:
    data = (HEADER + "lotte@norden.social,true,false,\nLotte@norden.social,true,false,\n").encode()
    (parsed,) = parse_file("following_accounts.csv", data)
    assert parsed.contacts == 2  # the import plan merges them and says so
    assert {r.accounts[0].handle.casefold() for r in parsed.records} == {"lotte@norden.social"}


def test_an_early_export_without_a_header_is_read() -> None:
    data = b"lotte@norden.social\nfiete@hamburg.social\n\nOpenDataHH@norden.social\n"
    (parsed,) = parse_file("following_accounts.csv", data)
    assert (parsed.format, parsed.status) == ("mastodon_following_csv", "imported")
    assert [r.accounts[0].handle for r in parsed.records] == [
        "lotte@norden.social",
        "fiete@hamburg.social",
        "OpenDataHH@norden.social",
    ]
    assert parsed.skipped == 1  # the empty line, by its number
    assert parsed.problems[0].row == 3


def test_a_file_of_broken_records_only_is_rejected_not_partial() -> None:
    data = (HEADER + "not an address,true,false,\nalso@@wrong,true,false,\n").encode()
    (parsed,) = parse_file("following_accounts.csv", data)
    assert parsed.status == "rejected"
    assert parsed.error is not None and "2 broken records" in parsed.error
    assert "row 2" in parsed.error
