"""Automatic merges need agreeing names: a shared landline, switchboard or team inbox keeps
different people apart (held apart, with the shared key named), true duplicates still merge."""

import uuid
from pathlib import Path

import pytest

from planner.duplicates.evidence import Person, find_candidates, name_words, names_agree
from planner.identifiers import Account, account_key_tuple
from planner.importers import parse_file
from planner.importers.records import ContactRecord, SourceRecord
from planner.imports.plan import Existing, Known, Plan, plan_groups, record_words

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dedupe" / "shared_keys_google.csv"
LANDLINE = "+49 40 5550140"


def _words(name: str) -> tuple[str, ...]:
    return name_words(name)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Anna Berg", "Dr. Anna Berg-Schmidt"),
        ("Anna Berg", "A. Berg"),
        ("Anna Berg", "Berg, Anna 🌊"),
        ("Anna Berg", "ANNA BERG"),
        ("Jörg Straßmann", "Joerg Strassmann"),
        ("Zoë Müller", "Zoe Muller"),
        ("Anna Berg", "Anna"),
        ("Prof. Dr. Anna Maria Berg", "Anna Berg"),
    ],
)
def test_names_that_agree(a: str, b: str) -> None:
    assert names_agree(_words(a), _words(b)) and names_agree(_words(b), _words(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Anna Berg", "Peter Berg"),  # a family landline: the surname is not enough
        ("Anna Berg", "P. Berg"),
        ("Anna Berg", "Anna Schmidt"),
        ("Anna Berg", "A. B."),  # no whole word
        ("Michael Berg", "Michaela Berg"),
        ("Anna Berg", "Jonas"),
        ("Anna Berg", "Elbwerk Digital GmbH"),
    ],
)
def test_names_that_do_not_agree(a: str, b: str) -> None:
    assert not names_agree(_words(a), _words(b)) and not names_agree(_words(b), _words(a))


def test_a_name_taken_from_an_address_counts_when_it_has_two_words() -> None:
    assert name_words("anna.berg@example.org") == ("anna", "berg")
    assert name_words("anna_berg86@example.org") == ("anna", "berg")
    assert names_agree(name_words("anna.berg@example.org"), _words("Anna Berg"))
    assert not names_agree(name_words("peter.berg@example.org"), _words("Anna Berg"))
    assert name_words("team@example.org") == ()  # no name: agrees with anyone
    assert name_words("X account #1234") == ()
    assert name_words("Elbwerk Digital GmbH", organization="Elbwerk Digital GmbH") == (
        "elbwerk",
        "digital",
    )


def _record(name: str | None = None, **fields: object) -> ContactRecord:
    first, _sep, last = (name or "").partition(" ")
    return ContactRecord(
        row=1,
        source=SourceRecord("generic_csv", "list.csv"),
        first_name=first or None,
        last_name=last or None,
        **fields,  # type: ignore[arg-type]
    )


def _names(files: list[list[ContactRecord]], plan: Plan) -> list[list[str]]:
    return [[files[f][r].label for f, r in group.records] for group in plan.groups]


def test_a_family_landline_keeps_four_people_apart() -> None:
    files = [
        [
            _record("Anna Berg", phones=[LANDLINE]),
            _record("Peter Berg", phones=["040 5550140"]),
            _record("Lena Berg", phones=["(040) 555 01 40"]),
            _record("Jonas", phones=[LANDLINE]),
        ]
    ]
    plan = plan_groups(files, Existing())
    assert _names(files, plan) == [["Anna Berg"], ["Peter Berg"], ["Lena Berg"], ["Jonas"]]
    assert plan.merges() == []
    assert len(plan.apart) == 6  # every pair, each with the number as evidence
    assert {p.keys for p in plan.apart} == {("phone:+49405550140",)}


def test_a_chain_of_keys_cannot_join_people_whose_names_disagree() -> None:
    files = [
        [
            _record("Anna Berg", emails=["anna@example.org"]),
            _record("Peter Berg", phones=[LANDLINE], emails=["peter@example.org"]),
            # no name: agrees with both, and its keys reach both
            _record(None, emails=["anna@example.org"], phones=[LANDLINE]),
            _record("A. Berg", emails=["peter@example.org"]),
        ]
    ]
    plan = plan_groups(files, Existing())
    # the nameless record joins Anna first (by address): then Peter is hers to disagree with
    assert _names(files, plan) == [["Anna Berg", "anna@example.org"], ["Peter Berg"], ["A. Berg"]]
    apart = {(files[0][p.record[1]].label, p.keys[0]) for p in plan.apart}
    assert ("anna@example.org", "phone:+49405550140") in apart
    assert ("A. Berg", "email:peter@example.org") in apart


def test_true_duplicates_still_merge_and_each_merge_names_both_sides() -> None:
    files = [
        [
            _record("Anna Berg", emails=["anna.berg@example.org"], phones=[LANDLINE]),
            _record("Peter Berg", phones=[LANDLINE]),
        ],
        [
            ContactRecord(
                row=2,
                source=SourceRecord("vcard", "work.vcf"),
                display_name="Dr. Anna Berg-Schmidt 🌊",
                emails=["Anna.Berg@example.org"],
            ),
            _record(None, emails=["anna.berg@example.org"]),
        ],
    ]
    plan = plan_groups(files, Existing())
    assert _names(files, plan)[0] == [
        "Anna Berg",
        "Dr. Anna Berg-Schmidt 🌊",
        "anna.berg@example.org",
    ]
    assert [(p.record, p.other, p.keys) for p in plan.merges()] == [
        ((1, 0), (0, 0), ("email:anna.berg@example.org",)),
        ((1, 1), (0, 0), ("email:anna.berg@example.org",)),
    ]


def test_an_existing_contact_takes_only_a_record_whose_name_agrees() -> None:
    anna, peter = uuid.uuid4(), uuid.uuid4()
    existing = Existing(names={anna: ("Anna Berg", "Anna", "Berg", None)})
    existing.add_key("phone:+49405550140", anna)
    files = [[_record("Peter Berg", phones=[LANDLINE]), _record("A. Berg", phones=[LANDLINE])]]
    plan = plan_groups(files, existing)
    assert [(g.records, g.target) for g in plan.groups] == [([(0, 0)], None), ([(0, 1)], anna)]
    [apart] = plan.apart
    assert apart.record == (0, 0) and apart.other == Known(anna, "Anna Berg")
    # a landline held by two contacts kept apart before: Peter's record finds Peter
    existing.names[peter] = ("Peter Berg", "Peter", "Berg", None)
    existing.add_key("phone:+49405550140", peter)
    plan = plan_groups([[_record("Peter Berg", phones=[LANDLINE])]], existing)
    assert [g.target for g in plan.groups] == [peter]


def test_a_network_account_merges_whatever_the_name_says_a_website_does_not() -> None:
    profile = Account("linkedin", url="https://www.linkedin.com/in/merle-petersen-55a1b2")
    site = Account("website", url="https://elbwerk.example")
    files = [
        [
            _record("Merle Petersen", accounts=[profile, site]),
            ContactRecord(
                row=3,
                source=SourceRecord("x_archive_js", "following.js"),
                display_name="🌿 Elternzeit bis Mai",
                accounts=[profile],
            ),
            _record("Kai Hansen", accounts=[site]),
        ]
    ]
    plan = plan_groups(files, Existing())
    assert _names(files, plan) == [["Merle Petersen", "🌿 Elternzeit bis Mai"], ["Kai Hansen"]]
    [apart] = plan.apart
    assert apart.keys == ("website:url:elbwerk.example",)


def test_the_google_export_with_shared_numbers_keeps_people_and_merges_duplicates() -> None:
    [parsed] = parse_file(FIXTURE.name, FIXTURE.read_bytes())
    plan = plan_groups([parsed.records], Existing())
    labels = _names([parsed.records], plan)
    assert len(parsed.records) == 19 and len(labels) == 14  # 5 true duplicates merged
    assert ["Kai Hansen", "K. Hansen"] in labels
    assert ["Ole Jensen", "ole.jensen@elbwerk.example"] in labels
    assert ["Merle Petersen", "Merle 🌿 (Elternzeit)"] in labels
    assert ["Deniz Aydın", "Deniz Aydin 🎤"] in labels
    assert ["Anna Berg", "Anna Berg-Schmidt"] in labels
    for alone in ("Peter Berg", "Lena Berg", "Jonas", "Sina Yılmaz", "Lukas Brandt"):
        assert [alone] in labels
    # the landline: 4 people, 6 pairs; the switchboard: 7 people, 21; the inbox: 3, 3
    assert len(plan.apart) == 6 + 21 + 3


def test_a_shared_key_with_names_that_disagree_is_a_possible_duplicate() -> None:
    anna = Person(uuid.uuid4(), "Anna Berg", "Anna", "Berg", keys=("phone:+49405550140",))
    peter = Person(uuid.uuid4(), "Peter Berg", "Peter", "Berg", keys=("phone:+49405550140",))
    other = Person(uuid.uuid4(), "Ines Albers", "Ines", "Albers")
    [candidate] = find_candidates([anna, peter, other])
    assert {candidate.a, candidate.b} == {anna.id, peter.id}
    assert candidate.reasons == [{"code": "same_phone", "values": ["+49 40 5550140"]}]
    assert find_candidates([anna, peter], known={(candidate.a, candidate.b)}) == []


def test_no_group_of_the_samples_joins_names_that_disagree_except_by_a_profile() -> None:
    """The issue's measure: groups of rows whose names do not agree, merged on a shared key.
    Over every sample export and the shared-numbers fixture, only a network profile (one
    person's, whatever name it shows) may join such names."""
    samples = FIXTURE.parents[1] / "samples"
    paths = [
        p
        for p in sorted(samples.rglob("*"))
        if p.suffix in (".csv", ".vcf", ".js", ".json")
        and p.parent.name not in ("broken", "events")
        and p.name != "EXPECTED.json"
    ]
    files = [
        parsed.records
        for path in [*paths, FIXTURE]
        for parsed in parse_file(path.name, path.read_bytes())
    ]
    plan = plan_groups(files, Existing())
    for group in plan.groups:
        records = [files[f][r] for f, r in group.records]
        words = [record_words(r) for r in records]
        if all(names_agree(a, b) for a in words for b in words):
            continue
        profiles = [
            {k for a in r.accounts if a.network != "website" for k in account_key_tuple(a)}
            for r in records
        ]
        assert set.intersection(*profiles), [r.label for r in records]
