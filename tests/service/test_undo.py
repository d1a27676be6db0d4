"""Undoing an import takes back what that import brought, and nothing the user or a later
import added since: contacts something holds stay, the result says which and why."""

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update
from sqlmodel import Session, select

from planner.contacts import service as contacts
from planner.imports import service
from planner.imports.undo import EDITED, IMPORTS, KEEP, REMOVE, RESTORE, plan_undo
from planner.models import (
    Contact,
    ContactSource,
    ImportBatch,
    ImportChange,
    Meeting,
    MeetingAttendee,
    User,
)
from planner.tasks import import_followups

HEADER = "Name,E-Mail,Telefon,Firma,Position,Stadt,Notizen\n"
ANNA = "Anna Beispiel,anna@example.org,,,,,\n"
BEN = "Ben Muster,ben@example.org,,,,Hamburg,\n"  # placed by geocoding too: no edit


def _import(db: Session, owner: Any, *rows: str, name: str = "liste.csv") -> ImportBatch:
    data = (HEADER + "".join(rows)).encode()
    user = db.get(User, owner.id)
    parsed = service.parse_uploads([(name, data)])
    batch = service.stage_import(db, owner=user, uploads=[(name, data)])
    service.write_import(db, owner=user, batch=batch, parsed=parsed)
    db.commit()
    return batch


def _undo(db: Session, owner: Any, batch: ImportBatch) -> dict[str, int]:
    result = service.undo_import(db, owner=db.get(User, owner.id), batch=batch)
    db.commit()
    db.expire_all()
    return result


def _people(db: Session, owner: Any) -> dict[str, dict[str, Any]]:
    db.expire_all()
    return {c["display_name"]: c for c in contacts.export_contacts(db, owner=owner)}


def _anna(db: Session, owner: Any) -> Contact:
    return db.exec(select(Contact).where(Contact.owner_id == owner.id)).one()


def _edit(db: Session, contact: Contact, **changes: Any) -> None:
    data = contacts.contact_to_input(contact)
    for name, value in changes.items():
        setattr(data, name, value)
    contacts.update_contact(db, contact=contact, data=data)
    db.commit()


def test_undoing_the_import_that_created_a_contact_keeps_what_a_later_import_brought(
    db: Session, make_user: Any
) -> None:
    owner = make_user()
    first = _import(db, owner, "Anna Beispiel,anna@example.org,,,CEO,,\n")
    second = _import(db, owner, "Anna Beispiel,anna@example.org,0151 2345678,Elbwerk,,,\n")
    assert _undo(db, owner, first) == {"removed": 0, "restored": 0, "kept": 1}
    [anna] = _people(db, owner).values()
    assert anna["organization"] == "Elbwerk" and anna["phones"] == ["0151 2345678"]
    assert anna["emails"] == ["anna@example.org"]  # the later import says so too
    assert anna["title"] is None  # only the undone import said so
    assert [s["file"] for s in anna["sources"]] == ["liste.csv"]
    # Undoing the later import too leaves nothing: nobody else holds her.
    assert _undo(db, owner, second) == {"removed": 1, "restored": 0, "kept": 0}
    assert _people(db, owner) == {}


def test_undoing_the_later_import_first_keeps_the_edit_made_after_it(
    db: Session, make_user: Any
) -> None:
    owner = make_user()
    first = _import(db, owner, ANNA)
    second = _import(db, owner, "Anna Beispiel,anna@example.org,0151 2345678,Elbwerk,,,\n")
    _edit(db, _anna(db, owner), notes="typed by me")
    assert _undo(db, owner, second) == {"removed": 0, "restored": 1, "kept": 0}
    [anna] = _people(db, owner).values()
    assert anna["organization"] is None and anna["phones"] == []
    assert anna["notes"] == "typed by me"
    assert _undo(db, owner, first) == {"removed": 0, "restored": 0, "kept": 1}
    assert _people(db, owner)["Anna Beispiel"]["notes"] == "typed by me"


def test_a_contact_with_a_meeting_is_kept_and_so_is_the_meeting(
    db: Session, make_user: Any
) -> None:
    owner = make_user()
    batch = _import(db, owner, ANNA)
    anna = _anna(db, owner)
    meeting = Meeting(owner_id=owner.id, title="Kaffee")
    db.add(meeting)
    db.flush()
    db.add(MeetingAttendee(meeting_id=meeting.id, owner_id=owner.id, contact_id=anna.id))
    db.commit()
    plan = plan_undo(db, owner=db.get(User, owner.id), batch=db.get(ImportBatch, batch.id))
    assert [(c.name, c.outcome, c.reasons) for c in plan.contacts] == [
        ("Anna Beispiel", KEEP, ["meeting"])
    ]
    assert _undo(db, owner, batch) == {"removed": 0, "restored": 0, "kept": 1}
    assert list(_people(db, owner)) == ["Anna Beispiel"]
    invited = db.exec(select(MeetingAttendee.contact_id)).all()
    assert invited == [anna.id]


def test_a_contact_edited_after_the_import_is_kept_with_the_edits(
    db: Session, make_user: Any
) -> None:
    owner = make_user()
    batch = _import(db, owner, "Anna Beispiel,anna@example.org,,Elbwerk,,,\n")
    _edit(
        db,
        _anna(db, owner),
        notes="met at the barcamp",
        emails=["anna@example.org", "anna@privat.example"],
        stage="met",
    )
    assert _undo(db, owner, batch) == {"removed": 0, "restored": 0, "kept": 1}
    [anna] = _people(db, owner).values()
    assert anna["notes"] == "met at the barcamp" and anna["stage"] == "met"
    assert anna["emails"] == ["anna@example.org", "anna@privat.example"]
    assert anna["organization"] == "Elbwerk"  # kept whole: her name and details with the edits


@pytest.mark.parametrize(
    "edit",
    [{"notes": "typed by me"}, {"stage": "met"}, {"emails": ["anna@example.org", "a@b.example"]}],
)
def test_each_kind_of_edit_keeps_the_contact(
    db: Session, make_user: Any, edit: dict[str, Any]
) -> None:
    owner = make_user()
    batch = _import(db, owner, ANNA)
    _edit(db, _anna(db, owner), **edit)
    plan = plan_undo(db, owner=db.get(User, owner.id), batch=db.get(ImportBatch, batch.id))
    assert [(c.outcome, c.reasons) for c in plan.contacts] == [(KEEP, [EDITED])]
    db.rollback()
    _undo(db, owner, batch)
    [anna] = _people(db, owner).values()
    assert all(anna[name] == value for name, value in edit.items())


def test_geocoding_is_not_an_edit_but_a_note_is(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner = make_user()
    mine = make_contact(owner, emails=["anna@example.org"])
    batch = _import(db, owner, "Anna Beispiel,anna@example.org,,,,Hamburg,\n", BEN)
    # what the follow-up geocoding does: coordinates and the names it knows, no user edit
    db.execute(
        update(Contact)
        .where(Contact.owner_id == owner.id)  # type: ignore[arg-type]
        .values(lat=53.55, lon=9.99, region="Hamburg", country="DE", location_source="geocoded")
    )
    db.commit()
    _edit(db, db.get(Contact, mine.id), notes="typed by me")
    assert _undo(db, owner, batch) == {"removed": 1, "restored": 1, "kept": 0}
    [anna] = _people(db, owner).values()
    assert anna["notes"] == "typed by me"
    assert (anna["city"], anna["lat"], anna["country"]) == (None, None, None)


def test_undoing_a_merge_keeps_what_the_user_changed_since(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner = make_user()
    mine = make_contact(owner, emails=["anna@example.org"], notes="typed by me")
    batch = _import(
        db, owner, "Anna Beispiel,anna@example.org,0151 2345678,Elbwerk,CEO,,from the list\n"
    )
    merged = db.get(Contact, mine.id)
    assert merged.organization == "Elbwerk" and merged.notes == "typed by me\n\nfrom the list"
    _edit(
        db,
        merged,
        title="Chief Executive",
        emails=["anna@example.org", "anna@privat.example"],
        stage="regular",
    )
    plan = plan_undo(db, owner=db.get(User, owner.id), batch=db.get(ImportBatch, batch.id))
    assert [(c.outcome, c.reasons) for c in plan.contacts] == [(RESTORE, [EDITED])]
    assert _undo(db, owner, batch) == {"removed": 0, "restored": 1, "kept": 0}
    [anna] = _people(db, owner).values()
    assert anna["title"] == "Chief Executive" and anna["stage"] == "regular"
    assert anna["emails"] == ["anna@example.org", "anna@privat.example"]
    assert anna["organization"] is None and anna["phones"] == []  # only the import said so
    assert anna["notes"] == "typed by me"
    assert [s["format"] for s in anna["sources"]] == ["manual"]


def test_a_value_another_live_import_also_brought_stays(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner = make_user()
    make_contact(owner, emails=["anna@example.org"])
    first = _import(db, owner, "Anna Beispiel,anna@example.org,0151 2345678,Elbwerk,,,\n")
    _import(db, owner, "Anna Beispiel,anna@example.org,0151 2345678,,,Köln,\n", name="other.csv")
    plan = plan_undo(db, owner=db.get(User, owner.id), batch=db.get(ImportBatch, first.id))
    assert [(c.outcome, c.reasons) for c in plan.contacts] == [(RESTORE, [IMPORTS])]
    _undo(db, owner, first)
    [anna] = _people(db, owner).values()
    assert anna["phones"] == ["0151 2345678"] and anna["city"] == "Köln"
    assert anna["organization"] is None


def test_reimporting_the_same_file_then_undoing_the_first_keeps_everyone_whole(
    db: Session, make_user: Any
) -> None:
    owner = make_user()
    rows = ("Anna Beispiel,anna@example.org,,Elbwerk,CEO,,\n", "Ben Muster,ben@example.org,,,,,\n")
    first = _import(db, owner, *rows)
    before = _people(db, owner)
    second = _import(db, owner, *rows)  # the same file again: no second source
    assert _undo(db, owner, first) == {"removed": 0, "restored": 0, "kept": 2}
    after = _people(db, owner)
    assert {n: {**c, "sources": None} for n, c in after.items()} == {
        n: {**c, "sources": None} for n, c in before.items()
    }
    assert _undo(db, owner, second) == {"removed": 2, "restored": 0, "kept": 0}
    assert _people(db, owner) == {}


def test_an_import_written_before_provenance_never_deletes_a_held_contact(
    db: Session, make_user: Any
) -> None:
    owner = make_user()
    batch = _import(db, owner, ANNA, "Ben Muster,ben@example.org,,,,,\n")
    db.execute(update(ImportChange).values(after=None, contributed=None))
    ben = db.exec(select(Contact).where(Contact.display_name == "Ben Muster")).one()
    db.add(ContactSource(contact_id=ben.id, owner_id=owner.id, format="manual"))
    db.commit()
    assert _undo(db, owner, batch) == {"removed": 1, "restored": 0, "kept": 1}
    assert list(_people(db, owner)) == ["Ben Muster"]


def test_the_plan_writes_nothing_and_names_every_contact(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner = make_user()
    make_contact(owner, first_name="Mia", last_name="Mine", emails=["mia@example.org"])
    batch = _import(
        db,
        owner,
        ANNA,
        "Ben Muster,ben@example.org,,,,,\n",
        "Mia Mine,mia@example.org,,Elbwerk,,,\n",
    )
    ben = db.exec(select(Contact).where(Contact.display_name == "Ben Muster")).one()
    _edit(db, ben, notes="mine")
    before = _people(db, owner)
    plan = plan_undo(db, owner=db.get(User, owner.id), batch=db.get(ImportBatch, batch.id))
    assert [(c.name, c.outcome) for c in plan.contacts] == [
        ("Anna Beispiel", REMOVE),
        ("Ben Muster", KEEP),
        ("Mia Mine", RESTORE),
    ]
    assert plan.counts() == {"removed": 1, "restored": 1, "kept": 1}
    db.rollback()
    assert _people(db, owner) == before
    assert db.get(ImportBatch, batch.id).status == "done"


def test_a_file_imported_again_is_remembered_but_not_followed_up(
    app: Flask, db: Session, make_user: Any
) -> None:
    """The change row that lets undo know the second import held the contacts (no second
    source is written for the same file) does not send them through places, duplicates and
    topics again: nothing changed."""
    owner = make_user()
    _import(db, owner, ANNA)
    again = _import(db, owner, ANNA)
    actions = db.exec(select(ImportChange.action).where(ImportChange.import_id == again.id))
    assert list(actions) == ["restated"]
    assert import_followups(app, str(again.id), str(owner.id))["contacts"] == 0
