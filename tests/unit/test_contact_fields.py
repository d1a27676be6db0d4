import pytest

from planner.contacts.fields import parse_birthday, split_lines, split_topics


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1980-04-02", "1980-04-02"),
        ("2.4.1980", "1980-04-02"),
        ("02.04.", "--04-02"),
        ("--04-02", "--04-02"),
        ("--0402", "--04-02"),
        ("29.02.", "--02-29"),
        ("", None),
    ],
)
def test_birthdays_are_stored_as_iso_with_or_without_year(typed: str, stored: str | None) -> None:
    assert parse_birthday(typed) == stored


@pytest.mark.parametrize("typed", ["31.02.1980", "1980-13-01", "yesterday", "29.02.1981"])
def test_impossible_birthdays_are_refused(typed: str) -> None:
    with pytest.raises(ValueError):
        parse_birthday(typed)


def test_lines_and_topics_are_trimmed_and_deduplicated() -> None:
    lines = split_lines(" a@x.example \n\n b@x.example\na@x.example")
    assert lines == ["a@x.example", "b@x.example"]
    assert split_topics("Barcamps, Employer Branding; HR,,Barcamps") == [
        "Barcamps",
        "Employer Branding",
        "HR",
    ]
