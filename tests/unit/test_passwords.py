from planner.auth.forms import PASSWORD_MIN
from planner.auth.passwords import common_passwords, contains_address, is_common


def test_the_bundled_list_holds_only_passwords_the_length_rule_lets_through() -> None:
    listed = common_passwords()
    assert len(listed) == 1090
    assert all(len(p) >= PASSWORD_MIN and p == p.lower() for p in listed)


def test_common_passwords_are_found_whatever_their_case() -> None:
    assert is_common("qwertyuiop") and is_common("QwertyUIOP") and is_common("password123")
    assert not is_common("correct horse battery")


def test_the_address_and_a_local_part_of_four_or_more_characters_are_refused() -> None:
    assert contains_address("my Lena.Kraus@Example.org pw", "lena.kraus@example.org")
    assert contains_address("lena-2026-x", "lena@example.org")
    assert not contains_address("maximum security phrase", "max@example.org")
    assert not contains_address("anything at all", "")
