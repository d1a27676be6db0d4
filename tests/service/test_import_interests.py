"""An import writes its new contacts with their topics derived (``FreshInterests``): what the
follow-ups' refresh would store, without reading them back."""

from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from planner.imports import service
from planner.models import Contact, ContactInterest, User
from planner.trips.interests import refresh_interests, set_user_topics

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
FILES = (
    "linkedin/Connections.csv",
    "google/contacts.csv",
    "vcard/apple_v3.vcf",
    "x/account.js",
    "x/follower.js",
    "x/following.js",
    "mastodon/following_accounts.csv",
)


def _import(db: Session, owner: User, *names: str) -> None:
    uploads = [(Path(n).name, (SAMPLES / n).read_bytes()) for n in names]
    parsed = service.parse_uploads(uploads)
    batch = service.stage_import(db, owner=owner, uploads=uploads)
    service.write_import(db, owner=owner, batch=batch, parsed=parsed)
    db.commit()


def _stored(db: Session, owner: User) -> dict[Any, Any]:
    keys: dict[Any, set[str]] = {}
    for row in db.exec(select(ContactInterest).where(ContactInterest.owner_id == owner.id)):
        keys.setdefault(row.contact_id, set()).add(row.key)
    return {
        c.id: (c.interest_bits, c.mutual, c.first_connected, keys.get(c.id, set()))
        for c in db.exec(select(Contact).where(Contact.owner_id == owner.id))
    }


def test_new_contacts_are_written_with_what_a_refresh_stores(db: Session, make_user: Any) -> None:
    owner = db.get(User, make_user().id)
    assert owner is not None
    set_user_topics(db, owner=owner, names=["Employer Branding", "Open Data"])
    _import(db, owner, *FILES)
    assert refresh_interests(db, owner=owner, locale="en") == 0  # none is stale
    written = _stored(db, owner)
    assert any(keys for *_rest, keys in written.values())  # topics were derived
    assert any(mutual for _bits, mutual, *_rest in written.values())  # the X archive's
    assert any(day is not None for _bits, _mutual, day, _keys in written.values())

    db.execute(update(Contact).where(Contact.owner_id == owner.id).values(interests_at=None))
    assert refresh_interests(db, owner=owner, locale="en") == len(written)
    db.commit()
    assert _stored(db, owner) == written
