"""Undo an import without losing later work: take back exactly what that import brought.

Decisions:
- Each ``import_change`` row keeps the contact as the import left it (``after``) and what the
  import's own records said (``contributed``). Undo compares field by field: a value is put
  back to ``before`` only when it still equals ``after`` (nothing changed it since), the
  import changed it, and no other live import says the same. A list item (e-mail, phone,
  account, topic) the import added goes when it is still there and no live import holds it.
  What the user typed since, and what later imports brought, stays.
- A contact the import created is deleted only when nothing holds it
  (``planner.contacts.holds``: another source, a meeting ...) and it is unchanged since.
  Otherwise it stays and the plan says why; when other imports hold it, only the values
  this import alone brought leave it. Kept for a meeting or an edit alone, it stays whole:
  without its name and details the meeting or the note would be about nobody.
- A kept contact's later change rows are rewritten as if the undone import had never
  happened, so undoing the later import too restores (and, if nothing else holds the
  contact, deletes) it: "A created Anna, B merged into her, undo A, undo B" ends as if
  neither had run.
- Coordinates and place names set by geocoding are derived: never an edit. Interests are
  derived in their own table and never compared.
- Rows written before ``after`` existed (NULL) keep the old behaviour (restore ``before``,
  delete what was created) except that a held contact is never deleted.
- The plan is computed without writing (the confirmation page shows it), then applied.
"""

import dataclasses
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from planner.contacts.holds import Hold, contact_holds
from planner.contacts.service import ContactInput, contact_rows, contacts_changed
from planner.db import in_chunks, table_of
from planner.identifiers import (
    Account,
    account_key_tuple,
    fold_text,
    normalize_email,
    normalize_phone,
)
from planner.models import (
    Contact,
    ContactSource,
    ImportBatch,
    ImportChange,
    ImportStatus,
    LocationSource,
    User,
)
from planner.models.types import utcnow

CONTACT, SOURCE, CHANGE, BATCH = map(table_of, (Contact, ContactSource, ImportChange, ImportBatch))

EDITED = "edited"  # a reason beside the holds: the user changed the contact since
IMPORTS = "imports"  # other imports brought the same values

# -- ContactInput as JSON (the import_change columns) ------------------------------------

# Fields stored as they are, with the value ``from_json`` gives a field left out.
_JSON_PLAIN = tuple(
    (f.name, f.default if f.default_factory is dataclasses.MISSING else [])
    for f in dataclasses.fields(ContactInput)
    if f.name not in ("accounts", "last_met")
)


def to_json(data: ContactInput) -> dict[str, Any]:
    """``data`` as JSON, fields at their default left out (``from_json`` restores them):
    this runs for every contact an import writes, and a typical record fills a quarter of
    the fields. By hand, not ``dataclasses.asdict`` (3x slower). Lists are shared with
    ``data``, which the import does not change afterwards (merging builds new lists)."""
    doc = {name: v for name, empty in _JSON_PLAIN if (v := getattr(data, name)) != empty}
    if data.accounts:
        doc["accounts"] = [
            {
                k: v
                for k, v in (
                    ("network", a.network),
                    ("id", a.id),
                    ("handle", a.handle),
                    ("url", a.url),
                )
                if v is not None
            }
            for a in data.accounts
        ]
    if data.last_met:
        doc["last_met"] = data.last_met.isoformat()
    return doc


def from_json(doc: dict[str, Any] | None) -> ContactInput:
    values = dict(doc or {})
    values["accounts"] = [Account(**a) for a in values.get("accounts", [])]
    if values.get("last_met"):
        values["last_met"] = date.fromisoformat(values["last_met"])
    return ContactInput(**values)


# -- comparing and taking back, field by field --------------------------------------------

# Fields compared one by one; the place is one unit (``_place``), the lists by their keys.
_SINGLE = (
    "first_name",
    "last_name",
    "display_name",
    "nickname",
    "organization",
    "title",
    "birthday",
    "notes",
    "stage",
    "last_met",
)
_PLACE = (
    "city",
    "region",
    "postal_code",
    "country",
    "lat",
    "lon",
    "location_text",
    "location_source",
)


def _keys_of(norm: Callable[[str], str | None]) -> Callable[[Any], tuple[str, ...]]:
    return lambda value: (norm(value) or value,)


_LISTS: tuple[tuple[str, Callable[[Any], tuple[str, ...]]], ...] = (
    ("emails", _keys_of(lambda e: normalize_email(e) or e.lower())),
    ("phones", _keys_of(normalize_phone)),
    ("accounts", lambda a: account_key_tuple(a) or (a.network,)),
    ("topics", _keys_of(lambda t: fold_text(t)[:100])),
    ("mutual_networks", _keys_of(str.casefold)),
)
# Lists that say something the user can edit (mutual follows come with accounts).
_EDITABLE_LISTS = ("emails", "phones", "accounts", "topics")


def _value(data: ContactInput, name: str) -> Any:
    if name == "display_name":  # stored as the name it is shown under
        return data.name()[:300]
    return getattr(data, name)


def _place(data: ContactInput, derived: bool) -> tuple[Any, ...]:
    """The place as the user could have typed it. When geocoding placed the contact
    (``derived``), its coordinates and the names it filled in are left out."""
    if derived:
        return (data.location_text, data.postal_code, None if data.location_text else data.city)
    return (
        data.city,
        data.region,
        data.postal_code,
        (data.country or "").upper() or None,
        data.lat,
        data.lon,
        data.location_text,
    )


def _keys(data: ContactInput, name: str, keys: Callable[[Any], tuple[str, ...]]) -> set[str]:
    return {k for item in getattr(data, name) for k in keys(item)}


def _derived(current: ContactInput) -> bool:
    return current.location_source == LocationSource.GEOCODED.value


def unchanged(current: ContactInput, then: ContactInput) -> bool:
    """Whether ``current`` says what ``then`` said, on everything the user can edit."""
    derived = _derived(current)
    return (
        all(_value(current, n) == _value(then, n) for n in _SINGLE)
        and _place(current, derived) == _place(then, derived)
        and all(
            _keys(current, n, keys) == _keys(then, n, keys)
            for n, keys in _LISTS
            if n in _EDITABLE_LISTS
        )
    )


@dataclass
class TakeBack:
    data: ContactInput  # the contact with this import's values taken back
    changed: bool  # anything taken back at all
    edited: bool  # some value the import brought was changed since: it stays
    held: bool  # some value stays because another import brought it too


def take_back(
    current: ContactInput,
    before: ContactInput,
    after: ContactInput,
    held: Sequence[ContactInput],
) -> TakeBack:
    """``current`` without what the import (``before`` -> ``after``) brought, keeping what
    changed since and what the live imports in ``held`` say too."""
    derived = _derived(current)
    changes: dict[str, Any] = {}
    edited = kept_for_others = False
    for name in _SINGLE:
        was, then, now = _value(before, name), _value(after, name), _value(current, name)
        if was == then:
            continue
        if now != then:
            edited = True
        elif any(_value(h, name) == now for h in held):
            kept_for_others = True
        else:
            changes[name] = getattr(before, name)
    was_place, then_place = _place(before, derived), _place(after, derived)
    now_place = _place(current, derived)
    if was_place != then_place:
        if now_place != then_place:
            edited = True
        elif any(_place(h, derived) == now_place for h in held):
            kept_for_others = True
        else:
            changes.update({name: getattr(before, name) for name in _PLACE})
    for name, keys in _LISTS:
        old = _keys(before, name, keys)
        brought = {k for item in getattr(after, name) for k in keys(item)} - old
        if not brought:
            continue
        others = set().union(*(_keys(h, name, keys) for h in held))
        drop = brought - others
        kept_for_others = kept_for_others or bool(brought & others & _keys(current, name, keys))
        items = getattr(current, name)
        remaining = [i for i in items if drop.isdisjoint(keys(i))]
        if len(remaining) != len(items):
            changes[name] = remaining
    data = dataclasses.replace(current, **changes) if changes else current
    if changes and not data.name():  # nothing left to call the contact by: keep its name
        data = dataclasses.replace(data, display_name=current.display_name)
    return TakeBack(data, bool(changes), edited, kept_for_others)


def rewrite(doc: dict[str, Any] | None, old: ContactInput, new: ContactInput) -> dict[str, Any]:
    """A later import's ``before``/``after`` with the values the undo took from the contact
    (``old`` -> ``new``) taken from it too, as if the undone import had never run."""
    data = from_json(doc)
    derived = _derived(old)
    changes: dict[str, Any] = {}
    for name in _SINGLE:
        if _value(old, name) != _value(new, name) and _value(data, name) == _value(old, name):
            changes[name] = getattr(new, name)
    if _place(old, derived) != _place(new, derived) and _place(data, derived) == _place(
        old, derived
    ):
        changes.update({name: getattr(new, name) for name in _PLACE})
    for name, keys in _LISTS:
        gone = _keys(old, name, keys) - _keys(new, name, keys)
        if gone:
            changes[name] = [i for i in getattr(data, name) if gone.isdisjoint(keys(i))]
    return to_json(dataclasses.replace(data, **changes))


# -- the plan ------------------------------------------------------------------------------

REMOVE, KEEP, RESTORE = "remove", "keep", "restore"
RESTATED = "restated"  # an import_change action: the import changed nothing on the contact


@dataclass
class ContactUndo:
    """What undoing the import does to one contact, and why."""

    contact_id: uuid.UUID
    name: str
    outcome: str  # REMOVE | KEEP | RESTORE
    reasons: list[str] = field(default_factory=list)  # Hold values, EDITED, IMPORTS
    new: ContactInput | None = None  # written when not None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.contact_id),
            "name": self.name,
            "outcome": self.outcome,
            "reasons": self.reasons,
        }


@dataclass
class UndoPlan:
    import_id: uuid.UUID
    contacts: list[ContactUndo] = field(default_factory=list)
    # import_change id -> new {"before": ..., "after": ...} of a later import's row
    rewrites: dict[int, dict[str, Any]] = field(default_factory=dict)
    # contact -> the live import its sources pass to (it restated them, so has none of its own)
    handovers: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)

    def of(self, outcome: str) -> list[ContactUndo]:
        return [c for c in self.contacts if c.outcome == outcome]

    def counts(self) -> dict[str, int]:
        return {
            "removed": len(self.of(REMOVE)),
            "restored": len(self.of(RESTORE)),
            "kept": len(self.of(KEEP)),
        }


@dataclass
class _Row:
    id: int
    import_id: uuid.UUID
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    contributed: dict[str, Any] | None
    live: bool


_ROW_COLUMNS = (
    CHANGE.c.id,
    CHANGE.c.import_id,
    CHANGE.c.action,
    CHANGE.c.before,
    CHANGE.c.after,
    CHANGE.c.contributed,
)


def _row(record: Any, live: bool) -> _Row:
    return _Row(
        id=record["id"],
        import_id=record["import_id"],
        action=record["action"],
        before=record["before"],
        after=record["after"],
        contributed=record["contributed"],
        live=live,
    )


def _rows_by_contact(
    session: Session, owner: User, batch: ImportBatch, touched: Any
) -> dict[uuid.UUID, list[_Row]]:
    """The other imports' change rows on the ``touched`` contacts (a subquery; the owner's
    imports only), oldest first."""
    rows: dict[uuid.UUID, list[_Row]] = {}
    query = (
        select(CHANGE.c.contact_id, *_ROW_COLUMNS, BATCH.c.status)
        .join_from(CHANGE, BATCH, BATCH.c.id == CHANGE.c.import_id)
        .where(
            BATCH.c.owner_id == owner.id,
            CHANGE.c.contact_id.in_(touched),
            CHANGE.c.import_id != batch.id,
        )
        .order_by(CHANGE.c.id)
    )
    for record in session.execute(query).mappings():
        live = record["status"] == ImportStatus.DONE.value
        rows.setdefault(record["contact_id"], []).append(_row(record, live))
    return rows


def _other_import_sources(
    session: Session, batch: ImportBatch, touched: Any
) -> dict[uuid.UUID, set[uuid.UUID]]:
    """contact -> the other imports that left a source on it (an undone import's sources
    are gone, so these are live)."""
    found: dict[uuid.UUID, set[uuid.UUID]] = {}
    for contact_id, import_id in session.execute(
        select(SOURCE.c.contact_id, SOURCE.c.import_id)
        .where(
            SOURCE.c.contact_id.in_(touched),
            SOURCE.c.import_id.is_not(None),
            SOURCE.c.import_id != batch.id,
        )
        .distinct()
    ):
        found.setdefault(contact_id, set()).add(import_id)
    return found


def _contribution(row: _Row) -> ContactInput | None:
    """What a live import said about the contact; None when unknown (an older row)."""
    if row.contributed is not None:
        return from_json(row.contributed)
    if row.action == "created" and row.after is not None:
        return from_json(row.after)
    return None


def plan_undo(session: Session, *, owner: User, batch: ImportBatch) -> UndoPlan:
    """What undoing ``batch`` would do to each contact it touched. Writes nothing.

    A contact the import created that nothing has written to since (its ``updated_at`` is
    not after the import) and no other import touched is decided from that alone; only the
    others are read in full and compared field by field (a 30,000-contact import undone
    right away reads no JSON)."""
    from planner.imports.service import load_inputs  # service imports this module

    if batch.owner_id != owner.id or batch.status != ImportStatus.DONE.value:
        raise ValueError(batch.status)
    mine = {
        contact_id: (row_id, action)
        for contact_id, row_id, action in session.execute(
            select(CHANGE.c.contact_id, CHANGE.c.id, CHANGE.c.action)
            .where(CHANGE.c.import_id == batch.id)
            .order_by(CHANGE.c.id)
        )
    }
    # The contacts it touched, as one subquery: each read below is one statement.
    touched = (
        select(CHANGE.c.contact_id)
        .where(CHANGE.c.import_id == batch.id)
        .union(select(SOURCE.c.contact_id).where(SOURCE.c.import_id == batch.id))
    )
    stamps: dict[uuid.UUID, tuple[str, Any]] = {  # the owner's touched contacts
        contact_id: (name, updated_at)
        for contact_id, name, updated_at in session.execute(
            select(CONTACT.c.id, CONTACT.c.display_name, CONTACT.c.updated_at).where(
                CONTACT.c.owner_id == owner.id, CONTACT.c.id.in_(touched)
            )
        )
    }
    others = _rows_by_contact(session, owner, batch, touched)
    other_sources = _other_import_sources(session, batch, touched)
    holds = contact_holds(session, owner_id=owner.id, contact_ids=touched, except_import=batch.id)
    plan = UndoPlan(batch.id)
    slow: list[uuid.UUID] = []
    for contact_id, (name, updated_at) in stamps.items():
        untouched = batch.finished_at is not None and updated_at <= batch.finished_at
        created = mine.get(contact_id, (0, ""))[1] == "created"
        if created and untouched and contact_id not in others:
            if contact_id in other_sources or contact_id in holds:
                reasons = [h.value for h in sorted(holds.get(contact_id, {Hold.SOURCE}))]
                plan.contacts.append(ContactUndo(contact_id, name, KEEP, reasons))
            else:
                plan.contacts.append(ContactUndo(contact_id, name, REMOVE))
        else:
            slow.append(contact_id)
    _plan_in_full(session, plan, batch, slow, others, other_sources, holds, load_inputs)
    order = {REMOVE: 0, KEEP: 1, RESTORE: 2}
    plan.contacts.sort(key=lambda c: (order[c.outcome], c.name.casefold()))
    return plan


def _plan_in_full(
    session: Session,
    plan: UndoPlan,
    batch: ImportBatch,
    ids: Sequence[uuid.UUID],
    others: dict[uuid.UUID, list[_Row]],
    other_sources: dict[uuid.UUID, set[uuid.UUID]],
    holds: dict[uuid.UUID, set[Hold]],
    load_inputs: Callable[[Session, Sequence[uuid.UUID]], dict[uuid.UUID, ContactInput]],
) -> None:
    """Decide for ``ids`` field by field, with this import's rows and the contacts read."""
    mine: dict[uuid.UUID, _Row] = {}
    for chunk in in_chunks(list(ids)):
        for record in session.execute(
            select(CHANGE.c.contact_id, *_ROW_COLUMNS)
            .where(CHANGE.c.import_id == batch.id, CHANGE.c.contact_id.in_(chunk))
            .order_by(CHANGE.c.id)
        ).mappings():
            mine[record["contact_id"]] = _row(record, live=False)
    for contact_id, now in load_inputs(session, ids).items():
        row = mine.get(contact_id)
        rows = sorted([*others.get(contact_id, []), *([row] if row else [])], key=lambda r: r.id)
        decided = _decide(contact_id, now, row, rows, holds, other_sources)
        if decided is None:
            continue
        plan.contacts.append(decided)
        live = [r for r in rows if r.live]
        if live and decided.outcome != REMOVE and Hold.SOURCE not in holds.get(contact_id, ()):
            plan.handovers[contact_id] = live[-1].import_id
        if decided.new is not None and row is not None:
            for later in live:
                if later.id > row.id and later.after is not None:
                    plan.rewrites[later.id] = {
                        "before": rewrite(later.before, now, decided.new),
                        "after": rewrite(later.after, now, decided.new),
                    }


def _decide(
    contact_id: uuid.UUID,
    now: ContactInput,
    row: _Row | None,
    rows: Sequence[_Row],
    holds: dict[uuid.UUID, set[Hold]],
    other_sources: dict[uuid.UUID, set[uuid.UUID]],
) -> ContactUndo | None:
    """One contact's fate; None when undo changes nothing on it but its source."""
    name = now.name()
    live = [r for r in rows if r.live]
    # A live import that wrote to the contact holds it like its source does (a file imported
    # again under the same name adds no second source, only its change row).
    held_by = [
        h.value for h in sorted(holds.get(contact_id, set()) | ({Hold.SOURCE} if live else set()))
    ]
    # An import that restated the contact before this one said nothing this one brought;
    # one after it may have said anything the contact had.
    relevant = [r for r in live if r.action != RESTATED or (row is not None and r.id > row.id)]
    known = [_contribution(r) for r in relevant]
    # A live import whose values are unknown (an older row, or only a source) holds them all.
    unknown = any(k is None for k in known) or bool(
        other_sources.get(contact_id, set()) - {r.import_id for r in live}
    )
    held = [k for k in known if k is not None]
    created = any(r.action == "created" for r in rows)  # by this import or an earlier one

    def orphan(unedited: bool) -> ContactUndo | None:
        if held_by or not created:
            return None
        if unedited:
            return ContactUndo(contact_id, name, REMOVE)
        return ContactUndo(contact_id, name, KEEP, [EDITED])

    if row is None or row.action == RESTATED:  # the contact goes if nothing else is left
        explained = [c for c in (_contribution(r) for r in rows) if c is not None]
        return orphan(any(unchanged(now, c) for c in explained))
    if row.after is None:  # an import from before undo kept provenance
        if row.action == "created":
            if held_by:
                return ContactUndo(contact_id, name, KEEP, held_by)
            return ContactUndo(contact_id, name, REMOVE)
        return ContactUndo(contact_id, name, RESTORE, new=from_json(row.before))
    after = from_json(row.after)
    if row.action == "created":
        if not held_by and unchanged(now, after):
            return ContactUndo(contact_id, name, REMOVE)
        # edited by the user: changed since the last import that wrote to the contact
        last = next((r.after for r in reversed(live) if r.after is not None), row.after)
        reasons = [*held_by] + ([] if unchanged(now, from_json(last)) else [EDITED])
        if unknown or not live:  # held by a meeting, an edit, a typed source: stays whole
            return ContactUndo(contact_id, name, KEEP, reasons)
        back = take_back(now, ContactInput(), after, held)
        return ContactUndo(contact_id, name, KEEP, reasons, back.data if back.changed else None)
    if not held_by and created and unchanged(now, after):
        return ContactUndo(contact_id, name, REMOVE)  # created by an undone import, now alone
    # A live import whose values are unknown may say anything the contact has: keep it all.
    back = take_back(now, from_json(row.before), after, [now] if unknown else held)
    reasons = ([EDITED] if back.edited else []) + ([IMPORTS] if back.held or unknown else [])
    return ContactUndo(contact_id, name, RESTORE, reasons, back.data if back.changed else None)


def apply_undo(session: Session, *, owner: User, batch: ImportBatch) -> UndoPlan:
    """Undo ``batch`` as ``plan_undo`` says: its sources go, created contacts nothing holds
    are deleted, the others get back what the import changed. Caller commits."""
    from planner.imports.service import delete_contacts, replace_contacts

    plan = plan_undo(session, owner=owner, batch=batch)
    # A contact the import added a source to gets another first connection date, derived
    # with its interests: mark those stale. Not ``updated_at``: nobody wrote the contact, and
    # a later undo reads an unchanged ``updated_at`` as "nothing changed it since".
    session.execute(
        update(CONTACT)
        .where(CONTACT.c.id.in_(select(SOURCE.c.contact_id).where(SOURCE.c.import_id == batch.id)))
        .values(interests_at=None)
    )
    by_target: dict[uuid.UUID, list[uuid.UUID]] = {}
    for contact_id, target in plan.handovers.items():
        by_target.setdefault(target, []).append(contact_id)
    for target, contact_ids in by_target.items():
        for chunk in in_chunks(contact_ids):
            session.execute(
                update(SOURCE)
                .where(SOURCE.c.import_id == batch.id, SOURCE.c.contact_id.in_(chunk))
                .values(import_id=target)
            )
    session.execute(SOURCE.delete().where(SOURCE.c.import_id == batch.id))
    delete_contacts(session, [c.contact_id for c in plan.of(REMOVE)])
    replace_contacts(
        session,
        [
            (c.contact_id, contact_rows(owner.id, c.contact_id, c.new))
            for c in plan.contacts
            if c.new is not None and c.outcome != REMOVE
        ],
    )
    if plan.rewrites:
        session.execute(
            update(CHANGE)
            .where(CHANGE.c.id == bindparam("_id"))
            .values(before=bindparam("_before"), after=bindparam("_after")),
            [
                {"_id": row_id, "_before": doc["before"], "_after": doc["after"]}
                for row_id, doc in plan.rewrites.items()
            ],
        )
    contacts_changed(session, owner_ids=[owner.id])  # restored ones keep the import's date
    batch.status, batch.undone_at = ImportStatus.UNDONE.value, utcnow()
    session.add(batch)
    session.flush()
    return plan


def carry_edits(target: ContactInput, then: ContactInput, now: ContactInput) -> ContactInput:
    """``target`` with what changed from ``then`` to ``now`` (the user's edits since) carried
    over: changed fields take their value now, items added since are added, items removed
    since are removed. Geocoding is not an edit (see ``_place``)."""
    derived = _derived(now)
    changes: dict[str, Any] = {}
    for name in _SINGLE:
        if _value(now, name) != _value(then, name):
            changes[name] = getattr(now, name)
    if _place(now, derived) != _place(then, derived):
        changes.update({name: getattr(now, name) for name in _PLACE})
    for name, keys in _LISTS:
        was, has = _keys(then, name, keys), _keys(now, name, keys)
        if was == has:
            continue
        removed = was - has
        kept = [i for i in getattr(target, name) if removed.isdisjoint(keys(i))]
        known = was | {k for i in kept for k in keys(i)}
        changes[name] = kept + [i for i in getattr(now, name) if known.isdisjoint(keys(i))]
    return dataclasses.replace(target, **changes) if changes else target
