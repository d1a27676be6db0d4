"""Export -> import into a fresh account gives the same contacts."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from planner.contacts import service as contacts
from planner.imports import portable, service
from planner.models import User

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"


def _comparable(document: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(
        ({k: v for k, v in c.items() if k != "id"} for c in document),
        key=lambda c: (c["display_name"], c["emails"], c["accounts"]),
    )


def test_export_then_import_into_a_fresh_account_round_trips(
    db: Session, make_user: Any, make_contact: Any
) -> None:
    alice, bob = (db.get(User, make_user().id), db.get(User, make_user().id))
    uploads = [
        (n.name, n.read_bytes())
        for n in (
            SAMPLES / "vcard/apple_v3.vcf",
            SAMPLES / "linkedin/Connections.csv",
            SAMPLES / "x/following.js",
        )
    ]
    batch = service.stage_import(db, owner=alice, uploads=uploads)
    service.write_import(db, owner=alice, batch=batch, parsed=service.parse_uploads(uploads))
    db.commit()
    make_contact(
        alice,
        first_name="Typed",
        stage="met",
        last_met=date(2025, 3, 1),
        topics=["Kaffee"],
        lat=53.55,
        lon=9.99,
        city="Hamburg",
    )
    exported = contacts.export_contacts(db, owner=alice)

    imported = portable.import_document(db, owner=bob, document=exported, name="alice.json")
    db.commit()
    assert _comparable(contacts.export_contacts(db, owner=bob)) == _comparable(exported)
    assert service.undo_import(db, owner=bob, batch=imported)["removed"] == len(exported)
    db.commit()
    assert contacts.export_contacts(db, owner=bob) == []


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"not": "a list"}, "expected a list of contacts"),
        ([{"display_name": "A", "emails": "a@example.org"}], "contact 1: 'emails' must be a list"),
        ([{"display_name": "A"}, {"display_name": "B", "stage": "bff"}], "contact 2: stage"),
        ([{"display_name": "A", "last_met": "gestern"}], "contact 1, last_met: 'gestern'"),
        ([{"emails": []}], "contact 1: no name"),
        ([{"display_name": "A", "lat": "53"}], "contact 1: 'lat' must be a number"),
    ],
)
def test_a_bad_document_names_the_entry_and_writes_nothing(
    db: Session, make_user: Any, document: Any, message: str
) -> None:
    owner = db.get(User, make_user().id)
    with pytest.raises(portable.DocumentError, match=message.replace("(", r"\(")):
        portable.import_document(db, owner=owner, document=document, name="x.json")
    db.rollback()
    assert contacts.export_contacts(db, owner=owner) == []
