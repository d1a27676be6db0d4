"""Duplicate search after an import compares only what the import brought, and a name too
many contacts share is one note (issue 19); on both databases."""

import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, select

from planner.duplicates import evidence, service
from planner.imports import service as imports
from planner.models import ImportChange, User
from planner.tasks import import_followups

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"


def _owner(db: Session, user: Any) -> User:
    owner = db.get(User, user.id)
    assert owner is not None
    return owner


def _import(db: Session, owner: User, name: str) -> Any:
    uploads = [(Path(name).name, (SAMPLES / name).read_bytes())]
    batch = imports.stage_import(db, owner=owner, uploads=uploads)
    imports.write_import(db, owner=owner, batch=batch, parsed=imports.parse_uploads(uploads))
    db.commit()
    return batch


@pytest.fixture
def judged(monkeypatch: pytest.MonkeyPatch) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """Every pair of contacts whose names the search judged."""
    calls: list[tuple[uuid.UUID, uuid.UUID]] = []
    judge = evidence._judge_names

    def spy(x: Any, y: Any, ratio: float) -> Any:
        calls.append((x.person.id, y.person.id))
        return judge(x, y, ratio)

    monkeypatch.setattr(evidence, "_judge_names", spy)
    return calls


def test_after_an_import_only_its_new_and_changed_contacts_are_compared(
    app: Flask, db: Session, make_user: Any, make_contact: Any, judged: list[Any]
) -> None:
    owner = _owner(db, make_user())
    # earlier contacts that would pair among themselves: compared when they came, not now
    for organization in ("Elbwerk", "Elbwerk", "Hafenamt"):
        make_contact(owner, first_name="Lotte", last_name="Brandt", organization=organization)
    make_contact(owner, first_name="Ingrid", last_name="Solvang", organization="Freelance")
    batch = _import(db, owner, "linkedin/Connections.csv")
    touched = set(
        db.exec(select(ImportChange.contact_id).where(ImportChange.import_id == batch.id))
    )
    result = import_followups(app, str(batch.id), str(owner.id))
    assert judged, "the import's Ingrid Solvang is compared with the earlier one"
    assert all(a in touched or b in touched for a, b in judged)
    db.expire_all()
    pairs = [(p.suggestion.contact_a, p.suggestion.contact_b) for p in _open(db, owner)]
    assert all(a in touched or b in touched for a, b in pairs)
    assert result["suggestions"] == len(pairs) >= 1
    assert result["crowds"] == []


def _open(db: Session, owner: User) -> list[service.SuggestionPair]:
    return list(service.open_suggestions(db, owner=owner, per_page=500).items)


def test_an_import_that_swells_a_crowd_reports_it_and_pairs_none_of_it(
    app: Flask, db: Session, make_user: Any, make_contact: Any
) -> None:
    owner = _owner(db, make_user())
    for n in range(evidence.MAX_SAME_NAME):
        make_contact(owner, first_name="Ingrid", last_name="Solvang", city=f"Ort {n}")
    batch = _import(db, owner, "linkedin/Connections.csv")
    result = import_followups(app, str(batch.id), str(owner.id))
    crowd = {"name": "Ingrid Solvang", "count": evidence.MAX_SAME_NAME + 1}
    assert result["crowds"] == [crowd]
    db.expire_all()
    names = {
        name for pair in _open(db, owner) for name in (pair.a.display_name, pair.b.display_name)
    }
    assert "Ingrid Solvang" not in names
    assert service.name_crowds(db, owner=owner) == [
        evidence.Crowd("Ingrid Solvang", evidence.MAX_SAME_NAME + 1)
    ]
    other = _owner(db, make_user())
    assert service.name_crowds(db, owner=other) == []


def test_an_import_without_locations_opens_no_placing_transaction(
    app: Flask, db: Session, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.places import service as places
    from tests.places_fixtures import with_gazetteer

    placing: list[Any] = []
    geocode = places.geocode_contacts

    def spy(session: Session, **options: Any) -> Any:
        placing.append(options["contact_ids"])
        return geocode(session, **options)

    monkeypatch.setattr(places, "geocode_contacts", spy)
    owner = _owner(db, make_user())
    batch = _import(db, owner, "linkedin/Connections.csv")  # LinkedIn states no places
    done = import_followups(with_gazetteer(app), str(batch.id), str(owner.id))
    assert placing == [] and done["places"] == {}
