"""Reverting a merge of possible duplicates brings both contacts back and keeps what the user
changed on the merged contact in the meantime."""

import uuid
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from planner.contacts import service as contacts
from planner.duplicates import service
from planner.models import Contact, MergeSuggestion, User


def _merged_pair(db: Session, make_user: Any, make_contact: Any) -> tuple[User, Any, Any, Any]:
    user = make_user()
    kept = make_contact(
        user,
        first_name="Lotte",
        last_name="Brandt",
        organization="Elbwerk",
        emails=["lotte@elbwerk.example"],
        notes="from the barcamp",
    )
    other = make_contact(
        user,
        first_name="Lotte",
        last_name="Brandt",
        organization="Elbwerk",
        emails=["lotte@privat.example"],
        phones=["0151 2345678"],
    )
    owner = db.get(User, user.id)
    assert owner is not None
    service.find_suggestions(db, owner=owner)
    suggestion = db.exec(select(MergeSuggestion).where(MergeSuggestion.owner_id == owner.id)).one()
    originals = {c.id: contacts.contact_to_dict(db.get(Contact, c.id)) for c in (kept, other)}
    merged_id = service.accept(db, owner=owner, suggestion=suggestion)
    db.commit()
    [removed_id] = set(originals) - {merged_id}
    return owner, suggestion, originals[merged_id], originals[removed_id]


def _id(contact: dict[str, Any]) -> uuid.UUID:
    return uuid.UUID(contact["id"])


def _edit(db: Session, contact_id: Any, **changes: Any) -> None:
    contact = db.get(Contact, contact_id)
    data = contacts.contact_to_input(contact)
    for name, value in changes.items():
        setattr(data, name, value)
    contacts.update_contact(db, contact=contact, data=data)
    db.commit()


def _revert(db: Session, owner: User, suggestion: MergeSuggestion) -> None:
    service.revert(db, owner=owner, suggestion=db.get(MergeSuggestion, suggestion.id))
    db.commit()
    db.expire_all()


def test_reverting_a_merge_keeps_the_edits_made_since_on_the_kept_contact(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner, suggestion, kept, removed = _merged_pair(db, make_user, make_contact)
    merged = db.get(Contact, _id(kept))
    assert len(merged.emails) == 2
    _edit(
        db,
        _id(kept),
        notes="met her in Hamburg",
        stage="met",
        title="CTO",
        emails=[*(e.address for e in merged.emails), "lotte@neu.example"],
    )
    _revert(db, owner, suggestion)
    now_kept = contacts.contact_to_dict(db.get(Contact, _id(kept)))
    now_removed = contacts.contact_to_dict(db.get(Contact, _id(removed)))
    assert now_kept == {
        **kept,
        "notes": "met her in Hamburg",
        "stage": "met",
        "title": "CTO",
        "emails": [*kept["emails"], "lotte@neu.example"],
    }
    assert now_removed == removed  # the other contact exactly as it was


def test_an_address_removed_after_the_merge_stays_removed_from_the_kept_contact(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner, suggestion, kept, removed = _merged_pair(db, make_user, make_contact)
    _edit(db, _id(kept), emails=removed["emails"])  # the kept contact's own address removed
    _revert(db, owner, suggestion)
    assert contacts.contact_to_dict(db.get(Contact, _id(kept)))["emails"] == []
    assert contacts.contact_to_dict(db.get(Contact, _id(removed))) == removed


def test_geocoding_after_a_merge_is_not_an_edit_but_a_note_is(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner, suggestion, kept, _removed = _merged_pair(db, make_user, make_contact)
    db.execute(
        update(Contact)
        .where(Contact.id == _id(kept))  # type: ignore[arg-type]
        .values(lat=53.55, lon=9.99, country="DE", location_source="geocoded")
    )
    db.commit()
    _edit(db, _id(kept), notes="typed after the merge")
    _revert(db, owner, suggestion)
    after = contacts.contact_to_dict(db.get(Contact, _id(kept)))
    assert after == {**kept, "notes": "typed after the merge"}
