"""What follows a written import (places, possible duplicates, topics), in short transactions.

Decisions:

* SQLite lets one connection write at a time. The follow-ups of a 30,000-contact import
  used to run in one transaction: the first UPDATE (placing) took the write lock, and it
  was held through the duplicate search and the topic refresh (30 s), so another user's
  "add contact" waited out the busy timeout and failed with a 500. Now every step commits
  on its own, placing and the topic refresh per ``FOLLOWUP_CHUNK`` contacts, so a write
  of another user waits for one chunk at most (measured in bench/concurrent_save.py).
* The duplicate search compares the new contacts with all of the owner's, so it runs once
  (per chunk it would read everyone again each time). It runs in a session of its own:
  SQLite's driver begins a transaction only at the first write, so its reading phase holds
  no lock and the write lock is held for its one INSERT and the commit.
* Each step can be run again: placing skips placed contacts, a pair is never suggested
  twice, stale topics stay stale until refreshed. A crash between chunks leaves the chunks
  before it done, and running the follow-ups again finishes the rest.
* Not covered: with Nominatim configured (``GEOCODER=nominatim``) placing stores each
  online answer as it comes, so a chunk's transaction also spans its network look-ups.
"""

import uuid
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar

from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from planner.db import in_chunks, session_scope
from planner.models import Contact, ImportChange, User

FOLLOWUP_CHUNK = 500  # contacts per transaction: well under 0.2 s of writing each

T = TypeVar("T")


def import_followups(app: Flask, batch_id: str, owner_id: str) -> dict[str, Any]:
    """Place, look for duplicates among and derive the topics of the contacts an import
    created or merged into, each step in its own short transactions."""
    engine: Engine = app.extensions["planner.engine"]
    owner_key = uuid.UUID(owner_id)
    with app.app_context():
        with Session(engine) as session:
            contact_ids = list(
                session.scalars(
                    select(col(ImportChange.contact_id)).where(
                        col(ImportChange.import_id) == uuid.UUID(batch_id),
                        # restated unchanged (a file imported again): nothing to follow up
                        col(ImportChange.action) != "restated",
                    )
                )
            )
        done: dict[str, Any] = {"contacts": len(contact_ids)}
        if _owner(engine, owner_key, lambda _session, _owner: True) is None:
            return done
        done["places"] = _place(engine, owner_key, contact_ids)
        found = _owner(engine, owner_key, lambda s, o: _find_suggestions(s, o, contact_ids))
        done.update(found or {})  # "suggestions", and "crowds": names too many share
        done["interests"] = _refresh_interests(engine, owner_key)
        return done


def _owner(engine: Engine, owner_id: uuid.UUID, work: Callable[[Session, User], T]) -> T | None:
    """``work(session, owner)`` in one transaction of its own (None when the owner is gone)."""
    with session_scope(engine) as session:
        owner = session.get(User, owner_id)
        return None if owner is None else work(session, owner)


def _place(engine: Engine, owner_id: uuid.UUID, contact_ids: Sequence[uuid.UUID]) -> Any:
    """Places once they exist (`planner geo build`, run by `make run`); plus Nominatim when
    configured. One transaction per chunk; the counts added up."""
    from planner.places.service import GeocodeCounts, gazetteer_ready, geocode_contacts, placeable

    if not gazetteer_ready():
        return None
    total: dict[str, int] = {}
    with Session(engine) as session:  # reading only: no lock held
        owner = session.get(User, owner_id)
        if owner is None:
            return total
        contact_ids = placeable(session, owner=owner, contact_ids=contact_ids)

    def place(ids: Sequence[uuid.UUID], session: Session, owner: User) -> GeocodeCounts:
        return geocode_contacts(session, owner=owner, contact_ids=ids, online=True)

    for chunk in in_chunks(list(contact_ids), FOLLOWUP_CHUNK):
        counts = _owner(engine, owner_id, partial(place, chunk))
        for key, value in (counts.to_json() if counts else {}).items():
            total[key] = total.get(key, 0) + value
    return total


def _find_suggestions(
    session: Session, owner: User, contact_ids: Sequence[uuid.UUID]
) -> dict[str, Any]:
    """Only the contacts the import created or changed are compared (with everyone): the
    rest were compared when they came, and a pair is never suggested twice."""
    from planner.duplicates.service import search_suggestions

    return search_suggestions(session, owner=owner, contact_ids=contact_ids).to_json()


def _refresh_interests(engine: Engine, owner_id: uuid.UUID) -> int:
    """Every stale contact's topics, not only this import's (an undo or a merge leaves some
    too): the stale ones listed once, then refreshed a chunk per transaction."""
    from planner.trips.interests import refresh_interests, stale_condition, vocabulary_of

    with Session(engine) as session:
        owner = session.get(User, owner_id)
        if owner is None:
            return 0
        locale = owner.locale or "en"
        _vocabulary, changed = vocabulary_of(session, owner=owner, locale=locale)
        stale = list(
            session.scalars(
                select(col(Contact.id)).where(
                    col(Contact.owner_id) == owner_id,
                    stale_condition(changed),  # type: ignore[arg-type]
                )
            )
        )
    refreshed = 0

    def refresh(ids: Sequence[uuid.UUID], session: Session, owner: User) -> int:
        return refresh_interests(session, owner=owner, locale=locale, contact_ids=ids)

    for chunk in in_chunks(stale, FOLLOWUP_CHUNK):
        refreshed += _owner(engine, owner_id, partial(refresh, chunk)) or 0
    return refreshed
