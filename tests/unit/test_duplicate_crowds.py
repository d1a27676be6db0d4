"""Duplicate search bounded whatever the names (issue 19): a crowd sharing a name is one
note, not thousands of pairs, and the duplicates in and around it are still found."""

import uuid
from typing import Any

import pytest
from rapidfuzz import process

from planner.duplicates import evidence
from planner.duplicates.evidence import Person

CROWD = 5000


def _person(name: str, **fields: Any) -> Person:
    first, _sep, last = name.partition(" ")
    return Person(id=uuid.uuid4(), name=name, first_name=first, last_name=last, **fields)


class Work:
    """What a search does that grows with its input: names judged, names compared in C."""

    def __init__(self) -> None:
        self.judged: list[tuple[uuid.UUID, uuid.UUID]] = []
        self.compared = 0


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Work:
    spy = Work()
    judge, cdist = evidence._judge_names, process.cdist

    def judge_spy(x: Any, y: Any, ratio: float) -> Any:
        spy.judged.append((x.person.id, y.person.id))
        return judge(x, y, ratio)

    def cdist_spy(queries: Any, choices: Any, **options: Any) -> Any:
        spy.compared += len(queries) * len(choices)
        return cdist(queries, choices, **options)

    monkeypatch.setattr(evidence, "_judge_names", judge_spy)
    monkeypatch.setattr(evidence.process, "cdist", cdist_spy)
    return spy


def _crowd(n: int = CROWD) -> list[Person]:
    """``n`` people called Anna Müller, each at an organisation and in a city of her own
    (namesakes, not duplicates), beside a few dozen other names."""
    return [
        _person("Anna Müller", organization=f"Firma {i}", city=f"Ort {i}") for i in range(n)
    ] + [_person(f"Person{i} Weiß{i}") for i in range(40)]


def test_a_crowd_sharing_a_name_is_one_note_and_bounded_work(work: Work) -> None:
    found = evidence.search(_crowd())
    assert found.crowds == [evidence.Crowd("Anna Müller", CROWD)]
    assert found.candidates == []
    # linear: a few judgements per person at most, not CROWD**2 / 2 = 12.5 million
    assert len(work.judged) <= 2 * CROWD
    assert work.compared <= 100 * 100  # names compared, not people


def test_ten_times_the_crowd_is_about_ten_times_the_work(work: Work) -> None:
    evidence.search(_crowd(CROWD // 10))
    small = len(work.judged) + work.compared
    work.judged.clear()
    work.compared = 0
    evidence.search(_crowd())
    assert len(work.judged) + work.compared <= 12 * max(small, 1)


def test_duplicates_in_and_around_a_crowd_are_still_found() -> None:
    crowd = _crowd(500)
    same_org = [_person("Anna Müller", organization="Elbwerk GmbH") for _ in range(2)]
    typo = [
        _person("Anna Müller", organization="Hafenamt", city="Kiel"),
        _person("Anna Müler", organization="Hafenamt"),
    ]
    shared_mail = [
        _person("Anna Müller", keys=("email:anna@example.org",)),
        _person("Anna Müller", keys=("email:anna@example.org",)),
    ]
    small = [_person("Lotte Brandt"), _person("Lotte Brandt")]
    people = crowd + same_org + typo + shared_mail + small
    found = evidence.search(people)
    pairs = {frozenset((c.a, c.b)): c for c in found.candidates}
    for a, b in (same_org, typo, shared_mail, small):
        assert frozenset((a.id, b.id)) in pairs, (a.name, b.name)
    codes = [r["code"] for r in pairs[frozenset((typo[0].id, typo[1].id))].reasons]
    assert codes == [evidence.SIMILAR_NAMES, evidence.SAME_ORGANISATION]
    assert len(found.candidates) == 4  # the 500 namesakes are not paired with anyone
    assert found.crowds == [evidence.Crowd("Anna Müller", 500 + 2 + 1 + 2)]


def test_a_name_shared_by_the_limit_is_still_suggested_pair_by_pair() -> None:
    people = [_person("Lotte Brandt") for _ in range(evidence.MAX_SAME_NAME)]
    found = evidence.search(people)
    assert found.crowds == []
    n = evidence.MAX_SAME_NAME
    assert len(found.candidates) == n * (n - 1) // 2
    one_more = evidence.search([*people, _person("Lotte Brandt")])
    assert one_more.crowds == [evidence.Crowd("Lotte Brandt", n + 1)]
    assert one_more.candidates == []


def test_only_pairs_with_a_contact_in_focus_are_judged(work: Work) -> None:
    earlier = _crowd(300) + [_person(f"Lotte Brandt{'t' * (i % 2)}") for i in range(6)]
    new = [
        _person("Anna Müller", organization="Firma 7"),
        _person("Lotte Brandt"),
        _person("Jonas Weber"),
    ]
    focus = {p.id for p in new}
    found = evidence.search([*earlier, *new], focus=focus)
    assert work.judged and all(a in focus or b in focus for a, b in work.judged)
    assert all(c.a in focus or c.b in focus for c in found.candidates)
    assert len(found.candidates) >= 1 + 3  # Firma 7's Anna; Lotte with the 3 Lotte Brandts


def test_crowds_are_counted_from_names_alone() -> None:
    names = [
        (_person("Anna Müller"), 8),
        (_person("Dr. Anna Müller"), 2),
        (_person("anna müller"), 1),
        (_person("Lotte Brandt"), 3),
    ]
    assert evidence.crowds_among(names) == [evidence.Crowd("Anna Müller", 11)]
