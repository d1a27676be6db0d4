"""Possible duplicates: weak evidence suggests, the user merges or dismisses, merges revert."""

import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from planner.contacts import service as contacts
from planner.duplicates import evidence, service
from planner.imports import service as imports
from planner.models import Contact, ContactSource, Meeting, MeetingAttendee, MergeSuggestion, User
from planner.tasks import import_followups

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"


def _import(db: Session, owner: Any, *names: str) -> Any:
    owner = db.get(User, owner.id)
    uploads = [(Path(n).name, (SAMPLES / n).read_bytes()) for n in names]
    batch = imports.stage_import(db, owner=owner, uploads=uploads)
    imports.write_import(db, owner=owner, batch=batch, parsed=imports.parse_uploads(uploads))
    db.commit()
    return batch


def _owner(db: Session, user: Any) -> User:
    owner = db.get(User, user.id)
    assert owner is not None
    return owner


def _names(db: Session, suggestion: MergeSuggestion) -> set[str]:
    return {
        c.display_name
        for c in (db.get(Contact, suggestion.contact_a), db.get(Contact, suggestion.contact_b))
        if c is not None
    }


def _open(db: Session, owner: User) -> list[service.SuggestionPair]:
    return list(service.open_suggestions(db, owner=owner, per_page=500).items)


def _codes(suggestion: MergeSuggestion) -> list[str]:
    return [r["code"] for r in suggestion.reasons]  # type: ignore[index]


# -- evidence, pure -----------------------------------------------------------------------


def _person(name: str, **fields: Any) -> evidence.Person:
    return evidence.Person(id=uuid.uuid4(), name=name, **fields)


def _pairs(*people: evidence.Person) -> list[set[str]]:
    by_id = {p.id: p.name for p in people}
    return [{by_id[c.a], by_id[c.b]} for c in evidence.find_candidates(people)]


def test_titles_emoji_and_accents_do_not_hide_the_same_name() -> None:
    assert evidence.name_tokens("Dr. Henrike Staßfurt") == ["henrike", "stassfurt"]
    assert evidence.name_tokens("Lotte Brandt 🌊") == ["lotte", "brandt"]
    assert _pairs(_person("Dr. Henrike Staßfurt"), _person("Henrike Stassfurt")) == [
        {"Dr. Henrike Staßfurt", "Henrike Stassfurt"}
    ]


def test_a_looser_name_match_needs_a_shared_organisation_or_city() -> None:
    assert _pairs(_person("L. Brandt"), _person("Lotte Brandt")) == []
    assert _pairs(_person("Jonas Müller"), _person("Jonas Möller")) == []
    found = evidence.find_candidates(
        [
            _person("L. Brandt", organization="Elbwerk Digital GmbH"),
            _person("Lotte Brandt", organization="Elbwerk Digital"),
        ]
    )
    assert [r["code"] for r in found[0].reasons] == ["initials", "same_organisation"]
    assert _pairs(_person("Jonas Müller", city="Köln"), _person("Jonas Möller", city="köln")) == [
        {"Jonas Müller", "Jonas Möller"}
    ]


def test_same_organisation_or_city_alone_suggests_nothing() -> None:
    assert (
        _pairs(
            _person("Anna Beispiel", organization="Elbwerk", city="Hamburg"),
            _person("Bernd Muster", organization="Elbwerk", city="Hamburg"),
        )
        == []
    )


def test_a_handle_that_fits_a_name_is_weak_evidence() -> None:
    handle = _person("lotte_b@mastodon.example", handles=("lotte_b@mastodon.example",))
    lotte = _person("Lotte Brandt", first_name="Lotte", last_name="Brandt")
    [found] = evidence.find_candidates([handle, lotte, _person("Matthias Oberländer")])
    assert found.reasons == [
        {"code": "handle_fits_name", "values": ["lotte_b@mastodon.example", "Lotte Brandt"]}
    ]
    assert found.score < 0.6
    others = [_person(f"Lotte B{c}rand") for c in "aeiou"]  # fits too many: says nothing
    assert all(
        c.reasons[0]["code"] != "handle_fits_name"
        for c in evidence.find_candidates([handle, *others])
    )


def test_only_pairs_with_a_contact_in_focus_and_not_known_are_returned() -> None:
    a, b, c = _person("Lotte Brandt"), _person("Lotte Brandt 🌊"), _person("Lotte  Brandt")
    focus = evidence.find_candidates([a, b, c], focus={a.id})
    assert {frozenset((x.a, x.b)) for x in focus} == {
        frozenset((a.id, b.id)),
        frozenset((a.id, c.id)),
    }
    known = {tuple(sorted((a.id, b.id)))}
    rest = evidence.find_candidates([a, b, c], focus={a.id}, known=known)  # type: ignore[arg-type]
    assert {frozenset((x.a, x.b)) for x in rest} == {frozenset((a.id, c.id))}


# -- finding, with the database -------------------------------------------------------------


def test_samples_of_one_person_without_shared_address_are_suggested(
    db: Session, make_user: Any
) -> None:
    owner = _owner(db, make_user())
    _import(db, owner, "linkedin/Connections.csv", "google/contacts.csv", "facebook/friends.json")
    _import(db, owner, "xing/contacts.csv", "mastodon/following_accounts.csv")
    created = service.find_suggestions(db, owner=owner)
    db.commit()
    pairs = [_names(db, p.suggestion) for p in _open(db, owner)]
    assert created == len(pairs)
    for expected in (
        {"Lotte Brandt", "Lotte Brandt 🌊"},  # Google, Facebook
        {"Dr. Henrike Staßfurt", "Henrike Staßfurt"},  # LinkedIn, XING
        {"Bartholomäus Nowak-Schütte"},  # LinkedIn, Google: the same name twice
        {"Ömer Demirtaş"},  # LinkedIn, Facebook
        {"Çağla Yıldırım"},  # LinkedIn, XING
        {"Tilman Voß"},
        {"Wiebke Sönnichsen"},
        {"lotte_b@mastodon.example", "Lotte Brandt"},  # the handle fits the name
    ):
        assert expected in pairs, (expected, pairs)
    assert {"Matthias Oberländer", "matthias@hamburg.social.example"} not in pairs
    lotte = next(
        p.suggestion
        for p in _open(db, owner)
        if _names(db, p.suggestion) == {"Lotte Brandt", "Lotte Brandt 🌊"}
    )
    [first] = [r for r in lotte.reasons if r["code"] == "same_name"]  # type: ignore[index]
    assert set(first["values"]) == {"Lotte Brandt", "Lotte Brandt 🌊"}  # type: ignore[index]
    henrike = next(
        p.suggestion
        for p in _open(db, owner)
        if _names(db, p.suggestion) == {"Dr. Henrike Staßfurt", "Henrike Staßfurt"}
    )
    assert _codes(henrike) == ["same_name", "same_organisation"]


def test_finding_again_creates_nothing_new(db: Session, make_user: Any) -> None:
    owner = _owner(db, make_user())
    _import(db, owner, "linkedin/Connections.csv", "xing/contacts.csv")
    first = service.find_suggestions(db, owner=owner)
    assert first > 0
    assert service.find_suggestions(db, owner=owner) == 0


def test_an_import_suggests_for_the_contacts_it_touched(
    db: Session, app: Any, make_user: Any
) -> None:
    owner = _owner(db, make_user())
    _import(db, owner, "linkedin/Connections.csv")
    batch = _import(db, owner, "xing/contacts.csv")
    result = import_followups(app, str(batch.id), str(owner.id))
    assert result["suggestions"] > 0
    db.expire_all()
    pairs = [_names(db, p.suggestion) for p in _open(db, owner)]
    assert {"Dr. Henrike Staßfurt", "Henrike Staßfurt"} in pairs


def test_undoing_an_import_hides_its_suggestions(db: Session, make_user: Any) -> None:
    owner = _owner(db, make_user())
    _import(db, owner, "google/contacts.csv")
    batch = _import(db, owner, "facebook/friends.json")
    service.find_suggestions(db, owner=owner)
    db.commit()
    assert service.count_open(db, owner=owner) >= 1
    imports.undo_import(db, owner=owner, batch=batch)
    db.commit()
    assert service.count_open(db, owner=owner) == 0
    assert _open(db, owner) == []


# -- deciding ---------------------------------------------------------------------------


def _lotte_pair(db: Session, owner: User) -> MergeSuggestion:
    _import(db, owner, "google/contacts.csv")
    _import(db, owner, "facebook/friends.json")
    service.find_suggestions(db, owner=owner)
    db.commit()
    return next(
        p.suggestion
        for p in _open(db, owner)
        if _names(db, p.suggestion) == {"Lotte Brandt", "Lotte Brandt 🌊"}
    )


def _as_dicts(db: Session, *ids: uuid.UUID) -> list[dict[str, object] | None]:
    db.expire_all()
    found = [db.get(Contact, i) for i in ids]
    return [contacts.contact_to_dict(c) if c is not None else None for c in found]


def test_accept_merges_into_one_contact_with_both_sources(db: Session, make_user: Any) -> None:
    owner = _owner(db, make_user())
    suggestion = _lotte_pair(db, owner)
    before = len(db.exec(select(Contact)).all())
    kept = service.accept(db, owner=owner, suggestion=suggestion)
    db.commit()
    assert len(db.exec(select(Contact)).all()) == before - 1
    merged = contacts.contact_to_dict(db.get(Contact, kept))  # type: ignore[arg-type]
    files = {s["file"] for s in merged["sources"]}  # type: ignore[attr-defined]
    assert files == {"contacts.csv", "friends.json"}
    assert merged["emails"] == ["lotte.brandt@example.com"]
    assert suggestion.status == "accepted" and suggestion.decided_at is not None


def test_accepting_a_merge_keeps_the_meetings_of_both(db: Session, make_user: Any) -> None:
    from planner.meetings.service import MeetingInput, attendee_contacts, create_meeting

    owner = _owner(db, make_user())
    suggestion = _lotte_pair(db, owner)
    a, b = (db.get(Contact, i) for i in (suggestion.contact_a, suggestion.contact_b))
    assert a is not None and b is not None
    both = create_meeting(db, owner=owner, contacts=[a, b], leg=None, data=MeetingInput())
    only_b = create_meeting(db, owner=owner, contacts=[b], leg=None, data=MeetingInput())
    db.commit()
    kept = service.accept(db, owner=owner, suggestion=suggestion)
    db.commit()
    db.expire_all()
    for meeting in (both, only_b):
        assert [c.id for c in attendee_contacts(db, meeting=meeting)] == [kept]


def test_reverting_a_merge_gives_each_contact_its_meetings_back(
    db: Session, make_user: Any
) -> None:
    from planner.meetings.service import (
        MeetingInput,
        attendee_contacts,
        create_meeting,
        set_partstat,
    )

    owner = _owner(db, make_user())
    suggestion = _lotte_pair(db, owner)
    a, b = (db.get(Contact, i) for i in (suggestion.contact_a, suggestion.contact_b))
    assert a is not None and b is not None
    both = create_meeting(db, owner=owner, contacts=[a, b], leg=None, data=MeetingInput())
    only_a = create_meeting(db, owner=owner, contacts=[a], leg=None, data=MeetingInput())
    only_b = create_meeting(db, owner=owner, contacts=[b], leg=None, data=MeetingInput())
    gone = create_meeting(db, owner=owner, contacts=[a], leg=None, data=MeetingInput())
    set_partstat(db, meeting=only_b, contact_id=b.id, partstat="ACCEPTED")
    set_partstat(db, meeting=both, contact_id=a.id, partstat="DECLINED")
    db.commit()
    ids = {m.id for m in (both, only_a, only_b, gone)}
    before = {
        (r.meeting_id, r.contact_id, r.partstat)
        for r in db.exec(select(MeetingAttendee)).all()
        if r.meeting_id != gone.id
    }
    a_id, b_id = a.id, b.id
    kept = service.accept(db, owner=owner, suggestion=suggestion)
    db.commit()
    db.delete(db.get(Meeting, gone.id))  # deleted while merged: skipped on revert
    db.commit()
    db.expire_all()
    assert {r.contact_id for r in db.exec(select(MeetingAttendee)).all()} == {kept}
    service.revert(db, owner=owner, suggestion=db.get(MergeSuggestion, suggestion.id))  # type: ignore[arg-type]
    db.commit()
    db.expire_all()
    after = {
        (r.meeting_id, r.contact_id, r.partstat) for r in db.exec(select(MeetingAttendee)).all()
    }
    assert after == before and {r[0] for r in after} == ids - {gone.id}
    assert sorted(c.id for c in attendee_contacts(db, meeting=db.get(Meeting, both.id))) == sorted(
        [a_id, b_id]
    )


def test_revert_restores_both_contacts_exactly(db: Session, make_user: Any) -> None:
    owner = _owner(db, make_user())
    suggestion = _lotte_pair(db, owner)
    a, b = suggestion.contact_a, suggestion.contact_b
    original = _as_dicts(db, a, b)
    rows_before = {
        c.id: (c.created_at, c.updated_at, c.sort_key, c.search_text)
        for c in db.exec(select(Contact).where(Contact.owner_id == owner.id)).all()
    }
    sources_before = sorted((s.id, s.contact_id) for s in db.exec(select(ContactSource)).all())
    suggestion = db.get(MergeSuggestion, suggestion.id)  # type: ignore[assignment]
    service.accept(db, owner=owner, suggestion=suggestion)
    db.commit()
    assert None in _as_dicts(db, a, b)
    suggestion = db.get(MergeSuggestion, suggestion.id)  # type: ignore[assignment]
    service.revert(db, owner=owner, suggestion=suggestion)
    db.commit()
    assert _as_dicts(db, a, b) == original
    assert {
        c.id: (c.created_at, c.updated_at, c.sort_key, c.search_text)
        for c in db.exec(select(Contact).where(Contact.owner_id == owner.id)).all()
    } == rows_before
    assert sorted((s.id, s.contact_id) for s in db.exec(select(ContactSource)).all()) == (
        sources_before
    )
    assert suggestion.status == "reverted"
    assert service.find_suggestions(db, owner=owner, contact_ids=[a, b]) == 0


def test_dismissed_pairs_are_never_suggested_again(db: Session, make_user: Any) -> None:
    owner = _owner(db, make_user())
    suggestion = _lotte_pair(db, owner)
    service.dismiss(db, owner=owner, suggestion=suggestion)
    db.commit()
    assert service.find_suggestions(db, owner=owner) == 0
    pairs = [_names(db, p.suggestion) for p in _open(db, owner)]
    assert {"Lotte Brandt", "Lotte Brandt 🌊"} not in pairs


def test_decided_suggestions_refuse_another_decision(db: Session, make_user: Any) -> None:
    owner = _owner(db, make_user())
    suggestion = _lotte_pair(db, owner)
    service.dismiss(db, owner=owner, suggestion=suggestion)
    for step in (service.accept, service.dismiss, service.revert):
        with pytest.raises(service.SuggestionError):
            step(db, owner=owner, suggestion=suggestion)


def test_another_owner_cannot_decide(db: Session, make_user: Any) -> None:
    owner = _owner(db, make_user())
    other = _owner(db, make_user())
    suggestion = _lotte_pair(db, owner)
    with pytest.raises(PermissionError):
        service.accept(db, owner=other, suggestion=suggestion)
    assert suggestion.status == "open"
    assert service.count_open(db, owner=other) == 0


def test_a_merge_taken_further_is_undone_last_first(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner = _owner(db, make_user())
    for name in ("Lotte Brandt", "Lotte Brandt 🌊", "Dr. Lotte Brandt"):
        make_contact(owner, first_name=None, last_name=None, display_name=name)
    service.find_suggestions(db, owner=owner)
    db.commit()
    first = _open(db, owner)[0].suggestion
    service.accept(db, owner=owner, suggestion=first)
    db.commit()
    second = _open(db, owner)[0].suggestion
    service.accept(db, owner=owner, suggestion=second)
    db.commit()
    assert len(db.exec(select(Contact)).all()) == 1
    with pytest.raises(service.LaterMergeError):
        service.revert(db, owner=owner, suggestion=db.get(MergeSuggestion, first.id))  # type: ignore[arg-type]
    service.revert(db, owner=owner, suggestion=db.get(MergeSuggestion, second.id))  # type: ignore[arg-type]
    service.revert(db, owner=owner, suggestion=db.get(MergeSuggestion, first.id))  # type: ignore[arg-type]
    db.commit()
    names = sorted(c.display_name for c in db.exec(select(Contact)).all())
    assert names == ["Dr. Lotte Brandt", "Lotte Brandt", "Lotte Brandt 🌊"]


# -- identifiers shared by people whose names disagree ----------------------------------

SHARED_KEYS = Path(__file__).resolve().parents[1] / "fixtures" / "dedupe" / "shared_keys_google.csv"


def test_people_held_apart_by_an_import_become_possible_duplicates_with_the_key_named(
    app: Any, db: Session, make_user: Any
) -> None:
    owner = _owner(db, make_user())
    uploads = [(SHARED_KEYS.name, SHARED_KEYS.read_bytes())]
    batch = imports.stage_import(db, owner=owner, uploads=uploads)
    [outcome] = imports.write_import(
        db, owner=owner, batch=batch, parsed=imports.parse_uploads(uploads)
    )
    db.commit()
    assert (outcome.created, outcome.merged, outcome.apart) == (14, 5, 30)
    names = {c["display_name"] for c in contacts.export_contacts(db, owner=owner)}
    assert {"Peter Berg", "Lena Berg", "Jonas", "Ines Albers", "Lukas Brandt"} <= names

    result = import_followups(app, str(batch.id), str(owner.id))
    db.expire_all()
    by_pair = {frozenset(_names(db, p.suggestion)): p.suggestion for p in _open(db, owner)}
    landline = {"code": "same_phone", "values": ["+49 40 5550140"]}
    family = ["Anna Berg", "Peter Berg", "Lena Berg", "Jonas"]
    for i, a in enumerate(family):
        for b in family[i + 1 :]:
            assert landline in by_pair[frozenset({a, b})].reasons  # type: ignore[operator]
    inbox = by_pair[frozenset({"Svenja Koch", "Lukas Brandt"})]
    assert inbox.reasons[0] == {  # type: ignore[index]
        "code": "same_email",
        "values": ["team@barcamp-hamburg.example"],
    }
    assert inbox.score < by_pair[frozenset({"Anna Berg", "Peter Berg"})].score + 0.5
    switchboard = [s for s in by_pair.values() if "same_phone" in _codes(s)]
    assert len(switchboard) == 6 + 21
    assert result["suggestions"] == len(by_pair) >= 6 + 21 + 3

    # the same export again: each record finds its own contact, nothing new is kept apart
    again = imports.stage_import(db, owner=owner, uploads=uploads)
    [outcome] = imports.write_import(
        db, owner=owner, batch=again, parsed=imports.parse_uploads(uploads)
    )
    db.commit()
    assert (outcome.created, outcome.merged, outcome.apart) == (0, 19, 0)
    assert len(contacts.export_contacts(db, owner=owner)) == 14


def test_a_shared_key_beyond_the_limit_is_not_suggested_pair_by_pair(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner = _owner(db, make_user())
    staff = "Kai Hansen,Merle Petersen,Ole Jensen,Sina Yilmaz,Frauke Dose,Tobias Wendt,Ines Albers"
    more = ",Gesa Rohde,Malte Voss,Wiebke Lund"
    people = (staff + more).split(",")[: evidence.MAX_SHARED_KEY + 1]
    assert len(people) == evidence.MAX_SHARED_KEY + 1
    for name in people:
        first, last = name.split()
        make_contact(owner, first_name=first, last_name=last, phones=["040 5550100"])
    make_contact(owner, first_name="Ada", last_name="Lind", phones=["040 5550199"])
    make_contact(owner, first_name="Bo", last_name="Lind", phones=["040 5550199"])
    assert service.find_suggestions(db, owner=owner) == 1


def test_a_record_that_reaches_two_contacts_merges_into_one_and_suggests_the_other(
    app: Any, db: Session, make_user: Any, make_contact: Any
) -> None:
    owner = _owner(db, make_user())
    anna = make_contact(owner, first_name="Anna", last_name="Berg", emails=["anna@example.org"])
    initial = make_contact(owner, first_name="A.", last_name="Berg", phones=["040 5550140"])
    assert service.find_suggestions(db, owner=owner) == 0  # initials alone: not enough
    csv = b"Name,E-Mail,Telefon\nAnna Berg,anna@example.org,+49 40 5550140\n"
    uploads = [("liste.csv", csv)]
    batch = imports.stage_import(db, owner=owner, uploads=uploads)
    [outcome] = imports.write_import(
        db, owner=owner, batch=batch, parsed=imports.parse_uploads(uploads)
    )
    db.commit()
    assert (outcome.created, outcome.merged, outcome.apart) == (0, 1, 0)
    import_followups(app, str(batch.id), str(owner.id))
    db.expire_all()
    [pair] = _open(db, owner)
    assert {pair.a.id, pair.b.id} == {anna.id, initial.id}
    assert pair.suggestion.reasons[0] == {"code": "same_phone", "values": ["+49 40 5550140"]}
    assert pair.suggestion.score >= evidence.SHARED_KEY_AGREEING
