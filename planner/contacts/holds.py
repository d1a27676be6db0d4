"""What holds a contact: the rows that make removing it lose something of the user's.

Decisions:
- One function, ``contact_holds``, answers for every kind of hold; undo (imports) asks it
  before deleting a contact an import created. A new table that points at contacts (a
  get-together's guests, a follow-up) adds one line to ``_HOLDING``, and every caller
  respects it from then on.
- A source holds a contact unless it belongs to the import being undone: another import's
  file, or "manual" (typed in by the user), means the contact is not that import's alone.
- Any meeting attendance holds, whatever the meeting's state: a cancelled or past meeting
  is still the user's record of that person.
"""

import uuid
from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import CompoundSelect, Select, Table, select
from sqlmodel import Session

from planner.db import in_chunks, table_of
from planner.models import ContactSource, MeetingAttendee


class Hold(StrEnum):
    SOURCE = "source"  # another import's file, or typed in by the user
    MEETING = "meeting"  # invited to a meeting


SOURCE = table_of(ContactSource)
# Tables whose rows hold the contact they point at, with the column that points.
_HOLDING: tuple[tuple[Hold, Table], ...] = ((Hold.MEETING, table_of(MeetingAttendee)),)


def contact_holds(
    session: Session,
    *,
    owner_id: uuid.UUID,
    contact_ids: Sequence[uuid.UUID] | Select[Any] | CompoundSelect,
    except_import: uuid.UUID | None = None,
) -> dict[uuid.UUID, set[Hold]]:
    """Per contact (only those held), what holds it; sources of ``except_import`` (the
    import about to be undone) do not count. ``contact_ids``: ids, or a subquery of them
    (one statement per kind of hold, however many contacts)."""
    holds: dict[uuid.UUID, set[Hold]] = {}
    chunks = (
        in_chunks(list(dict.fromkeys(contact_ids)))
        if isinstance(contact_ids, Sequence)
        else [contact_ids]
    )
    for chunk in chunks:
        sources = select(SOURCE.c.contact_id).where(
            SOURCE.c.owner_id == owner_id, SOURCE.c.contact_id.in_(chunk)
        )
        if except_import is not None:
            sources = sources.where(
                SOURCE.c.import_id.is_(None) | (SOURCE.c.import_id != except_import)
            )
        for contact_id in session.execute(sources.distinct()).scalars():
            holds.setdefault(contact_id, set()).add(Hold.SOURCE)
        for hold, table in _HOLDING:
            rows = select(table.c.contact_id).where(
                table.c.owner_id == owner_id, table.c.contact_id.in_(chunk)
            )
            for contact_id in session.execute(rows.distinct()).scalars():
                holds.setdefault(contact_id, set()).add(hold)
    return holds
