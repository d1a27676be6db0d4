"""Import service: written in one go, deduplicated by strong evidence, undoable."""

from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from planner.contacts import service as contacts
from planner.imports import service
from planner.models import (
    Contact,
    ContactAccount,
    ContactEmail,
    ContactSource,
    ImportBatch,
    User,
)

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"


def _import(db: Session, owner: Any, *names: str) -> tuple[ImportBatch, list[Any]]:
    owner = db.get(User, owner.id)
    uploads = [(Path(n).name, (SAMPLES / n).read_bytes()) for n in names]
    parsed = service.parse_uploads(uploads)
    batch = service.stage_import(db, owner=owner, uploads=uploads)
    outcomes = service.write_import(db, owner=owner, batch=batch, parsed=parsed)
    db.commit()
    return batch, outcomes


def _by_name(db: Session, owner: Any) -> dict[str, dict[str, Any]]:
    return {c["display_name"]: c for c in contacts.export_contacts(db, owner=owner)}


def test_linkedin_connections_become_contacts_with_their_source(
    db: Session, make_user: Any
) -> None:
    owner = make_user()
    batch, [outcome] = _import(db, owner, "linkedin/Connections.csv")
    assert (outcome.status, outcome.contacts, outcome.created, outcome.skipped) == (
        "imported",
        15,
        15,
        1,
    )
    people = _by_name(db, owner)
    assert len(people) == 15
    annegret = people["Annegret Kühnel"]
    assert "a.kuehnel@elbwerk.example" in annegret["emails"]
    assert annegret["sources"] == [
        {
            "format": "linkedin_connections_csv",
            "file": "Connections.csv",
            "connected_on": "2022-03-07",
        }
    ]
    assert annegret["city"] is None and annegret["location_text"] is None  # never invented
    assert batch.status == "done" and all(f.data is None for f in batch.files)


def test_importing_the_same_file_again_changes_nothing(db: Session, make_user: Any) -> None:
    owner = make_user()
    _import(db, owner, "vcard/apple_v3.vcf")
    before = contacts.export_contacts(db, owner=owner)
    _batch, [again] = _import(db, owner, "vcard/apple_v3.vcf")
    assert again.created == 0 and again.merged == again.contacts
    assert contacts.export_contacts(db, owner=owner) == before
    assert len(db.exec(select(ContactSource)).all()) == len(before)


def test_same_email_merges_and_undo_restores_the_contact(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner = make_user()
    people = service.parse_uploads([("c.csv", (SAMPLES / "google/contacts.csv").read_bytes())])
    record = next(r for r in people[0].records if r.emails)
    mine = make_contact(  # a name that agrees with the record's ("A. Kühnel"): merged
        owner,
        first_name=record.first_name,
        last_name=(record.last_name or "")[:1] + ".",
        emails=[record.emails[0]],
        notes="typed by me",
        topics=["Kaffee"],
    )
    original = contacts.contact_to_dict(db.get(Contact, mine.id))
    batch, [outcome] = _import(db, owner, "google/contacts.csv")
    assert outcome.merged >= 1
    merged = contacts.contact_to_dict(db.get(Contact, mine.id))
    assert merged["last_name"] == mine.last_name  # the user's own data wins
    assert merged["notes"].startswith("typed by me")
    assert "Kaffee" in merged["topics"]
    assert {s["format"] for s in merged["sources"]} == {"manual", "google_contacts_csv"}

    result = service.undo_import(db, owner=db.get(User, owner.id), batch=batch)
    db.commit()
    assert result["restored"] == 1
    db.expire_all()
    assert contacts.contact_to_dict(db.get(Contact, mine.id)) == original
    assert [c["id"] for c in contacts.export_contacts(db, owner=owner)] == [str(mine.id)]


def test_x_following_and_follower_are_one_contact_each(db: Session, make_user: Any) -> None:
    owner = make_user()
    _batch, outcomes = _import(db, owner, "x/following.js", "x/follower.js")
    total = sum(o.created for o in outcomes)
    exported = contacts.export_contacts(db, owner=owner)
    assert len(exported) == total
    ids = [a["id"] for c in exported for a in c["accounts"] if a["network"] == "x"]
    assert len(ids) == len(set(ids))
    assert all(isinstance(i, str) and i.isdigit() for i in ids)


def test_a_rejected_file_writes_nothing(db: Session, make_user: Any) -> None:
    owner = make_user()
    _batch, [outcome] = _import(db, owner, "broken/binary_renamed.csv")
    assert outcome.status == "rejected" and outcome.error
    assert contacts.export_contacts(db, owner=owner) == []


def test_deduplication_never_crosses_users(db: Session, make_user: Any) -> None:
    alice, bob = make_user(), make_user()
    _import(db, alice, "linkedin/Connections.csv")
    _batch, [outcome] = _import(db, bob, "linkedin/Connections.csv")
    assert outcome.created == 15 and outcome.merged == 0
    assert len(db.exec(select(Contact).where(Contact.owner_id == bob.id)).all()) == 15


def test_preview_counts_without_writing(db: Session, make_user: Any) -> None:
    owner = make_user()
    parsed = service.parse_uploads(
        [("Connections.csv", (SAMPLES / "linkedin/Connections.csv").read_bytes())]
    )
    [outcome] = service.preview_import(db, owner=db.get(User, owner.id), parsed=parsed)
    assert outcome.created == 15 and len(outcome.sample) == 5
    assert contacts.export_contacts(db, owner=owner) == []


def test_two_records_merging_into_one_contact_both_count_and_undo_restores(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    owner = make_user()
    mine = make_contact(
        owner,
        first_name="Jana",
        last_name="Kraft",
        emails=["jana@example.org"],
        phones=["+49 151 23456789"],
    )
    original = contacts.contact_to_dict(db.get(Contact, mine.id))
    csv = (
        b"Name,E-Mail,Telefon,Firma,Stadt\n"
        b"Jana Kraft,jana@example.org,,Elbwerk,\n"
        b"J. Kraft,,0151 23456789,,Hamburg\n"
    )
    user = db.get(User, owner.id)
    parsed = service.parse_uploads([("liste.csv", csv)])
    batch = service.stage_import(db, owner=user, uploads=[("liste.csv", csv)])
    [outcome] = service.write_import(db, owner=user, batch=batch, parsed=parsed)
    db.commit()
    assert (outcome.created, outcome.merged) == (0, 2)
    merged = contacts.contact_to_dict(db.get(Contact, mine.id))
    assert merged["organization"] == "Elbwerk" and merged["city"] == "Hamburg"
    service.undo_import(db, owner=user, batch=batch)
    db.commit()
    db.expire_all()
    assert contacts.contact_to_dict(db.get(Contact, mine.id)) == original


def _connections(count: int, *, with_email: bool = False) -> bytes:
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    for i in range(count):
        email = f"person{i}@example.org" if with_email else ""
        lines.append(
            f"Jörg,Straßmann {i},https://www.linkedin.com/in/person-{i},{email},"
            f"Elbwerk GmbH,Consultant,{i % 28 + 1:02d} Mar 2021"
        )
    return ("\n".join(lines) + "\n").encode()


def _write(db: Session, owner: Any, name: str, data: bytes) -> tuple[ImportBatch, Any]:
    user = db.get(User, owner.id)
    parsed = service.parse_uploads([(name, data)])
    batch = service.stage_import(db, owner=user, uploads=[(name, data)])
    [outcome] = service.write_import(db, owner=user, batch=batch, parsed=parsed)
    db.commit()
    return batch, outcome


def test_a_large_reimport_merges_every_contact_once_and_undo_restores_them(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    """More contacts than one chunk of ids: the existing ones are read in one pass over
    the owner's rows, another user's contacts are never touched."""
    owner, other = make_user(), make_user()
    _write(db, other, "Connections.csv", _connections(30))
    _batch, first = _write(db, owner, "Connections.csv", _connections(1200))
    assert first.created == 1200
    before = contacts.export_contacts(db, owner=owner)
    _batch, again = _write(db, owner, "Connections.csv", _connections(1200))
    assert (again.created, again.merged) == (0, 1200)
    assert contacts.export_contacts(db, owner=owner) == before  # one source each, still
    batch, richer = _write(db, owner, "Connections.csv", _connections(1200, with_email=True))
    assert (richer.created, richer.merged) == (0, 1200)
    people = _by_name(db, owner)
    assert people["Jörg Straßmann 7"]["emails"] == ["person7@example.org"]
    assert len(people["Jörg Straßmann 7"]["sources"]) == 1
    user = db.get(User, owner.id)
    assert service.undo_import(db, owner=user, batch=batch) == {
        "removed": 0,
        "restored": 1200,
        "kept": 0,
    }
    db.commit()
    db.expire_all()
    assert contacts.export_contacts(db, owner=owner) == before
    assert len(contacts.export_contacts(db, owner=other)) == 30


def test_bulk_written_rows_get_the_column_defaults(db: Session, make_user: Any) -> None:
    owner = make_user()
    _write(db, owner, "Connections.csv", _connections(3, with_email=True))
    account = db.exec(select(ContactAccount)).first()
    email = db.exec(select(ContactEmail)).first()
    assert account is not None and account.mutual is False
    assert email is not None and email.position == 0 and email.label is None
    assert all(c.created_at and c.stage == "online" for c in db.exec(select(Contact)).all())


MUTUAL_X_IDS = {
    "1459203381746528257",
    "1620917735510667264",
    "1337580442171383811",
    "1553021647928807424",
    "1264097158813581313",
}


def _mutual_ids(db: Session) -> set[str | None]:
    query = select(ContactAccount.account_id).where(ContactAccount.mutual == True)  # noqa: E712
    return set(db.exec(query).all())


def test_a_stored_batch_links_the_x_archive_files_as_an_upload_does(
    db: Session, make_user: Any
) -> None:
    """The browser's preview and confirm (and the background import) parse the stored batch:
    the archive's loose files are linked there too (mutual follows, the owner left out)."""
    owner = db.get(User, make_user().id)
    names = ("x/account.js", "x/following.js", "x/following-part1.js", "x/follower.js")
    uploads = [(Path(n).name, (SAMPLES / n).read_bytes()) for n in names]
    batch = service.stage_import(db, owner=owner, uploads=uploads)  # type: ignore[arg-type]
    stored = service.parse_batch(batch)
    fresh = service.parse_uploads(uploads)
    assert [(p.file, p.contacts, [r.mutual for r in p.records]) for p in stored] == [
        (p.file, p.contacts, [r.mutual for r in p.records]) for p in fresh
    ]
    service.write_import(db, owner=owner, batch=batch, parsed=stored)  # type: ignore[arg-type]
    db.commit()
    assert _mutual_ids(db) == MUTUAL_X_IDS


def test_mutual_follows_are_kept_and_survive_a_merge_and_an_edit(
    db: Session, make_user: Any
) -> None:
    owner = make_user()
    _import(db, owner, "x/account.js", "x/following.js", "x/following-part1.js", "x/follower.js")
    assert _mutual_ids(db) == MUTUAL_X_IDS
    _import(db, owner, "x/follower.js")  # merging again keeps the flag
    assert _mutual_ids(db) == MUTUAL_X_IDS
    account = db.exec(
        select(ContactAccount).where(ContactAccount.account_id == min(MUTUAL_X_IDS))
    ).one()
    contact = db.get(Contact, account.contact_id)
    stored = contacts.contact_to_input(contact)  # type: ignore[arg-type]
    contacts.update_contact(db, contact=contact, data=stored)  # type: ignore[arg-type]
    db.commit()
    rewritten = db.exec(
        select(ContactAccount).where(ContactAccount.account_id == min(MUTUAL_X_IDS))
    ).one()  # an edit writes the accounts anew
    assert rewritten.mutual is True
