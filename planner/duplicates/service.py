"""Possible duplicates: find them, merge them on the user's word, dismiss them, revert a
merge. Every function is scoped to its owner. Services flush; callers commit."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, bindparam, delete, func, insert, select, type_coerce, update
from sqlalchemy.orm import aliased, selectinload
from sqlmodel import Session, col

from planner.contacts.service import ContactInput, Page, contact_rows, contacts_changed
from planner.db import table_of
from planner.duplicates.evidence import Crowd, Person, crowds_among, search
from planner.identifiers import Account, account_key_tuple
from planner.imports.bulk import insert_rows
from planner.imports.plan import merge_inputs
from planner.imports.service import delete_contacts, load_inputs, paused_gc, replace_contacts
from planner.imports.undo import carry_edits, from_json, to_json
from planner.meetings.service import attendance_of, move_attendance, restore_attendance
from planner.models import (
    Contact,
    ContactAccount,
    ContactEmail,
    ContactPhone,
    ContactSource,
    ContactTopic,
    MergeSuggestion,
    Stage,
    SuggestionStatus,
    User,
)
from planner.models.types import utcnow

CONTACT, EMAIL, PHONE, ACCOUNT, SUGGESTION = map(
    table_of, (Contact, ContactEmail, ContactPhone, ContactAccount, MergeSuggestion)
)
# What a snapshot holds beside the contact row, in the order the rows are put back.
_SNAPSHOT_CHILDREN = {
    "emails": table_of(ContactEmail),
    "phones": table_of(ContactPhone),
    "accounts": table_of(ContactAccount),
    "topics": table_of(ContactTopic),
    "sources": table_of(ContactSource),
}
_STAGES = [stage.value for stage in Stage]
_NEW_SUGGESTION = (
    "id",
    "owner_id",
    "contact_a",
    "contact_b",
    "score",
    "reasons",
    "status",
    "created_at",
)


class SuggestionError(ValueError):
    """The suggestion cannot take this step (already decided, or a contact is gone)."""

    def __init__(self, suggestion: MergeSuggestion, wanted: str) -> None:
        super().__init__(f"suggestion {suggestion.id} is {suggestion.status}, not {wanted}")
        self.status = suggestion.status


class LaterMergeError(SuggestionError):
    """A later merge took in one of the two contacts: undoing this one first would lose or
    duplicate what that merge brought."""


@dataclass
class SuggestionPair:
    """A suggestion with both its contacts, ready to be shown side by side."""

    suggestion: MergeSuggestion
    a: Contact
    b: Contact


# -- finding ----------------------------------------------------------------------------


def _people(session: Session, owner: User) -> list[Person]:
    """Every contact of the owner with its name, handles and addresses, and the strong keys
    (``planner.imports.plan.record_keys``) it shares with another contact.

    The contact ids are read as the driver gives them (text on SQLite) and made UUIDs once
    per contact, not once per row of every table."""
    handles: dict[Any, list[str]] = {}
    holders: dict[str, list[Any]] = {}
    for contact_id, network, account_id, handle, url in session.execute(
        select(
            _raw(ACCOUNT.c.contact_id),
            ACCOUNT.c.network,
            ACCOUNT.c.account_id,
            ACCOUNT.c.handle,
            ACCOUNT.c.url,
        ).where(ACCOUNT.c.owner_id == owner.id)
    ):
        if handle is not None:
            handles.setdefault(contact_id, []).append(handle)
        for key in account_key_tuple(Account(network, account_id, handle, url)):
            holders.setdefault(key, []).append(contact_id)
    for contact_id, address, normalized in session.execute(
        select(_raw(EMAIL.c.contact_id), EMAIL.c.address, EMAIL.c.normalized).where(
            EMAIL.c.owner_id == owner.id
        )
    ):
        handles.setdefault(contact_id, []).append(address)
        holders.setdefault(f"email:{normalized}", []).append(contact_id)
    for contact_id, e164 in session.execute(
        select(_raw(PHONE.c.contact_id), PHONE.c.e164).where(
            PHONE.c.owner_id == owner.id, PHONE.c.e164.is_not(None)
        )
    ):
        holders.setdefault(f"phone:{e164}", []).append(contact_id)
    keys: dict[Any, list[str]] = {}
    for key, ids in holders.items():
        if len(set(ids)) > 1:  # only a shared key is evidence
            for contact_id in dict.fromkeys(ids):
                keys.setdefault(contact_id, []).append(key)
    rows = session.execute(
        select(
            _raw(CONTACT.c.id),
            CONTACT.c.display_name,
            CONTACT.c.first_name,
            CONTACT.c.last_name,
            CONTACT.c.organization,
            CONTACT.c.city,
        ).where(CONTACT.c.owner_id == owner.id)
    )
    return [
        Person(
            raw if isinstance(raw, uuid.UUID) else uuid.UUID(raw),
            name,
            first,
            last,
            org,
            city,
            tuple(handles.get(raw, ())),
            tuple(keys.get(raw, ())),
        )
        for raw, name, first, last, org, city in rows
    ]


def _raw(column: Any) -> Any:
    """``column`` as the driver returns it: a UUID from psycopg, text from SQLite."""
    return type_coerce(column, String)


@dataclass
class Found:
    """What a search for duplicates did: suggestions created, and the names too many
    contacts share to be suggested pair by pair (``evidence.Crowd``)."""

    created: int = 0
    crowds: list[Crowd] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "suggestions": self.created,
            "crowds": [{"name": c.name, "count": c.count} for c in self.crowds],
        }


def find_suggestions(
    session: Session, *, owner: User, contact_ids: Sequence[uuid.UUID] | None = None
) -> int:
    """Suggest merging the given contacts (default: all) with the owner's contacts they
    may duplicate. A pair is suggested once: one that exists in any state, dismissed
    included, is never suggested again. Returns how many suggestions were created."""
    return search_suggestions(session, owner=owner, contact_ids=contact_ids).created


def name_crowds(session: Session, *, owner: User) -> list[Crowd]:
    """The names more than ``evidence.MAX_SAME_NAME`` of the owner's contacts share, largest
    first: counted in the database by exact name, then folded as the search folds them."""
    rows = session.execute(
        select(CONTACT.c.display_name, CONTACT.c.first_name, CONTACT.c.last_name, func.count())
        .where(CONTACT.c.owner_id == owner.id)
        .group_by(CONTACT.c.display_name, CONTACT.c.first_name, CONTACT.c.last_name)
    )
    nobody = uuid.UUID(int=0)
    return crowds_among(
        (Person(nobody, name or "", first, last), count) for name, first, last, count in rows
    )


def search_suggestions(
    session: Session, *, owner: User, contact_ids: Sequence[uuid.UUID] | None = None
) -> Found:
    """``find_suggestions``, and the crowds (names shared too widely to pair) that hold one
    of ``contact_ids``: what an import reports as its notes."""
    if contact_ids is not None and not contact_ids:
        return Found()
    # Every contact and every pair is read and built at once, none of them in a cycle: the
    # cyclic collector's passes over them cost half the search (measured on 30k contacts).
    # They are all freed, by reference counting, before it runs again.
    with paused_gc():
        return _search_suggestions(session, owner, contact_ids)


def _search_suggestions(
    session: Session, owner: User, contact_ids: Sequence[uuid.UUID] | None
) -> Found:
    known = {
        (a, b)
        for a, b in session.execute(
            select(SUGGESTION.c.contact_a, SUGGESTION.c.contact_b).where(
                SUGGESTION.c.owner_id == owner.id
            )
        )
    }
    focus = None if contact_ids is None else set(contact_ids)
    found = search(_people(session, owner), focus=focus, known=known)
    owner_id, now, status = owner.id, utcnow(), SuggestionStatus.OPEN.value
    rows = [
        (uuid.uuid4(), owner_id, c.a, c.b, c.score, c.reasons, status, now)
        for c in found.candidates
    ]
    # A pair another transaction (a second import's follow-up running at the same time)
    # has just suggested is skipped, instead of failing the whole step.
    insert_rows(session, SUGGESTION, _NEW_SUGGESTION, rows, skip_existing=True)
    session.flush()
    return Found(len(rows), found.crowds)


# -- reading ----------------------------------------------------------------------------


def _open_where(owner: User) -> list[Any]:
    return [
        col(MergeSuggestion.owner_id) == owner.id,
        col(MergeSuggestion.status) == SuggestionStatus.OPEN.value,
    ]


def _with_both_contacts(query: Any, a: Any, b: Any) -> Any:
    """Only suggestions whose two contacts still exist (an undone import or a deletion
    leaves the row behind; it is simply not shown). Joined on the primary key alone: the
    suggestion is the owner's, and an owner filter on the contacts too made PostgreSQL with
    stale statistics (right after a large import) scan 9 million rows (3.5 s) for a count."""
    return query.join(a, col(a.id) == col(MergeSuggestion.contact_a)).join(
        b, col(b.id) == col(MergeSuggestion.contact_b)
    )


def _count_open_statement() -> Any:
    """Built once (Core tables, a bound owner): this count is on every contact-list page,
    and building the ORM form with two aliases cost more than running it."""
    a, b = CONTACT.alias("a"), CONTACT.alias("b")
    return (
        select(func.count())
        .select_from(
            SUGGESTION.join(a, a.c.id == SUGGESTION.c.contact_a).join(
                b, b.c.id == SUGGESTION.c.contact_b
            )
        )
        .where(
            SUGGESTION.c.owner_id == bindparam("owner_id"),
            SUGGESTION.c.status == SuggestionStatus.OPEN.value,
        )
    )


_COUNT_OPEN = _count_open_statement()


def count_open(session: Session, *, owner: User, contact_id: uuid.UUID | None = None) -> int:
    """How many open suggestions the owner has (involving ``contact_id``, if given); only
    those whose two contacts still exist."""
    query = _COUNT_OPEN
    if contact_id is not None:
        query = query.where(
            (SUGGESTION.c.contact_a == contact_id) | (SUGGESTION.c.contact_b == contact_id)
        )
    return int(session.execute(query, {"owner_id": owner.id}).scalar_one())


def open_suggestions(session: Session, *, owner: User, page: int = 1, per_page: int = 20) -> Page:
    """One page of open suggestions, best first, each with both contacts loaded."""
    a, b = aliased(Contact), aliased(Contact)
    total = count_open(session, owner=owner)
    page = max(1, page)
    loads = [
        selectinload(getattr(alias, rel))
        for alias, rel in (
            (a, "emails"),
            (a, "sources"),
            (a, "accounts"),
            (b, "emails"),
            (b, "sources"),
            (b, "accounts"),
        )
    ]
    rows = session.execute(
        _with_both_contacts(select(MergeSuggestion, a, b), a, b)
        .where(*_open_where(owner))
        .order_by(
            col(MergeSuggestion.score).desc(),
            col(MergeSuggestion.created_at),
            col(MergeSuggestion.id),
        )
        .offset((page - 1) * per_page)
        .limit(per_page)
        .options(*loads)
    ).all()
    items = [SuggestionPair(s, x, y) for s, x, y in rows]
    return Page(items=items, page=page, per_page=per_page, total=total)


def merge_history(session: Session, *, owner: User, limit: int = 20) -> list[MergeSuggestion]:
    """The latest accepted (and reverted) merges, newest first."""
    decided = (SuggestionStatus.ACCEPTED.value, SuggestionStatus.REVERTED.value)
    return list(
        session.scalars(
            select(MergeSuggestion)
            .where(
                col(MergeSuggestion.owner_id) == owner.id,
                col(MergeSuggestion.status).in_(decided),
            )
            .order_by(col(MergeSuggestion.decided_at).desc(), col(MergeSuggestion.id))
            .limit(limit)
        )
    )


def merged_names(suggestion: MergeSuggestion) -> list[str]:
    """The names of the two contacts as they were before the merge (kept one first)."""
    contacts = (suggestion.before or {}).get("contacts", [])
    return [str(c["contact"].get("display_name", "")) for c in contacts]


# -- deciding ---------------------------------------------------------------------------


def _check(owner: User, suggestion: MergeSuggestion, status: SuggestionStatus) -> None:
    if suggestion.owner_id != owner.id:
        raise PermissionError(suggestion.id)
    if suggestion.status != status.value:
        raise SuggestionError(suggestion, status.value)


def dismiss(session: Session, *, owner: User, suggestion: MergeSuggestion) -> None:
    """Not the same person: the pair is remembered and never suggested again."""
    _check(owner, suggestion, SuggestionStatus.OPEN)
    suggestion.status = SuggestionStatus.DISMISSED.value
    suggestion.decided_at = utcnow()
    session.add(suggestion)
    session.flush()


def _owned_ids(session: Session, owner: User, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    return set(
        session.execute(
            select(CONTACT.c.id).where(CONTACT.c.owner_id == owner.id, CONTACT.c.id.in_(ids))
        ).scalars()
    )


def _keeper(inputs: dict[uuid.UUID, ContactInput], a: uuid.UUID, b: uuid.UUID) -> uuid.UUID:
    """The contact that absorbs the other: one with a person's name before one known only by
    a handle or address (whose name would otherwise win the merge); else ``a``."""

    def named(data: ContactInput) -> bool:
        return bool(data.first_name or data.last_name) or "@" not in (data.display_name or "@")

    return b if named(inputs[b]) and not named(inputs[a]) else a


def _merge(base: ContactInput, other: ContactInput) -> ContactInput:
    merged = merge_inputs(base, other)
    stages = [s for s in (base.stage, other.stage) if s in _STAGES]
    met = [d for d in (base.last_met, other.last_met) if d is not None]
    return replace(
        merged,
        stage=max(stages, key=_STAGES.index) if stages else base.stage,
        last_met=max(met) if met else None,
    )


def accept(session: Session, *, owner: User, suggestion: MergeSuggestion) -> uuid.UUID:
    """Merge the pair into one contact that keeps every source; both contacts as they were
    go into ``suggestion.before`` for ``revert``. Returns the id of the merged contact."""
    _check(owner, suggestion, SuggestionStatus.OPEN)
    pair = [suggestion.contact_a, suggestion.contact_b]
    if _owned_ids(session, owner, pair) != set(pair):
        raise SuggestionError(suggestion, "a pair of existing contacts")
    inputs = load_inputs(session, pair)
    kept = _keeper(inputs, *pair)
    removed = pair[1] if kept == pair[0] else pair[0]
    suggestion.before = {
        "kept": str(kept),
        "removed": str(removed),
        "contacts": [_snapshot(session, kept), _snapshot(session, removed)],
        "meetings": attendance_of(session, owner=owner, removed=removed, kept=kept),
    }
    merged = _merge(inputs[kept], inputs[removed])
    # the merged contact as written: what the user changes after it, revert keeps
    suggestion.before["after"] = to_json(merged)
    replace_contacts(session, [(kept, contact_rows(owner.id, kept, merged))])
    sources = table_of(ContactSource)
    session.execute(update(sources).where(sources.c.contact_id == removed).values(contact_id=kept))
    # meetings with the removed contact are the merged contact's now (revert gives them back)
    move_attendance(session, owner=owner, removed=removed, kept=kept)
    delete_contacts(session, [removed])
    suggestion.status = SuggestionStatus.ACCEPTED.value
    suggestion.decided_at = utcnow()
    session.add(suggestion)
    session.flush()
    session.expire_all()  # the ORM's copies of both contacts are stale now
    find_suggestions(session, owner=owner, contact_ids=[kept])
    return kept


def revert(session: Session, *, owner: User, suggestion: MergeSuggestion) -> None:
    """Undo an accepted merge: both contacts as they were, with their ids, details, sources
    and meetings. What the user changed on the merged contact since (fields, e-mails,
    phones, accounts, topics added or removed) stays, on the kept contact; sources it gained
    since stay with it too."""
    _check(owner, suggestion, SuggestionStatus.ACCEPTED)
    pair = {suggestion.contact_a, suggestion.contact_b}
    later = session.execute(
        select(SUGGESTION.c.contact_a, SUGGESTION.c.contact_b).where(
            SUGGESTION.c.owner_id == owner.id,
            SUGGESTION.c.status == SuggestionStatus.ACCEPTED.value,
            SUGGESTION.c.decided_at > suggestion.decided_at,
        )
    )
    if any(pair & {a, b} for a, b in later):
        raise LaterMergeError(suggestion, "the latest merge of its contacts")
    snapshots = (suggestion.before or {}).get("contacts", [])
    ids: list[uuid.UUID] = [_decode(s["contact"])["id"] for s in snapshots]
    existing = _owned_ids(session, owner, ids)
    merged_then = (suggestion.before or {}).get("after")
    kept = ids[0] if ids else None
    edited = load_inputs(session, [kept]) if merged_then and kept in existing else {}
    source_ids = [row["id"] for s in snapshots for row in s["sources"]]
    sources = table_of(ContactSource)
    session.execute(delete(sources).where(sources.c.id.in_(source_ids)))
    for snapshot, contact_id in zip(snapshots, ids, strict=True):
        # the derived topics (contact_interest rows, bits) are not in the snapshot: stale
        contact = {**_decode(snapshot["contact"]), "interests_at": None}
        if contact_id in existing:
            values = {k: v for k, v in contact.items() if k != "id"}
            session.execute(update(CONTACT).where(CONTACT.c.id == contact_id).values(**values))
        else:
            session.execute(insert(CONTACT), [contact])
        for name, table in _SNAPSHOT_CHILDREN.items():
            if name != "sources":
                session.execute(delete(table).where(table.c.contact_id == contact_id))
            rows = [_decode(row) for row in snapshot[name]]
            if rows:
                session.execute(insert(table), rows)
    if kept is not None and kept in edited:
        restored = load_inputs(session, [kept])[kept]
        carried = carry_edits(restored, from_json(merged_then), edited[kept])
        if carried is not restored:
            replace_contacts(session, [(kept, contact_rows(owner.id, kept, carried))])
    before = suggestion.before or {}
    if before.get("meetings"):
        restore_attendance(
            session,
            owner=owner,
            removed=uuid.UUID(before["removed"]),
            kept=uuid.UUID(before["kept"]),
            attendance=before["meetings"],
        )
    contacts_changed(session, owner_ids=[owner.id])  # both as they were, dates included
    suggestion.status = SuggestionStatus.REVERTED.value
    suggestion.decided_at = utcnow()
    session.add(suggestion)
    session.flush()
    session.expire_all()


# -- snapshots: table rows as JSON, and back ---------------------------------------------


def _snapshot(session: Session, contact_id: uuid.UUID) -> dict[str, Any]:
    """The contact's row and every child row, ids included, so that revert is exact."""
    row = session.execute(select(CONTACT).where(CONTACT.c.id == contact_id)).mappings().one()
    snapshot: dict[str, Any] = {"contact": _encode(dict(row))}
    for name, table in _SNAPSHOT_CHILDREN.items():
        rows = session.execute(
            select(table).where(table.c.contact_id == contact_id).order_by(table.c.id)
        ).mappings()
        snapshot[name] = [_encode(dict(r)) for r in rows]
    return snapshot


# JSON has no uuid, date or datetime: such values are stored as {"<type>": "<text>"}.
_DECODERS: dict[str, Any] = {
    "uuid": uuid.UUID,
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
}


def _encode(row: dict[str, Any]) -> dict[str, Any]:
    def value(v: Any) -> Any:
        if isinstance(v, uuid.UUID):
            return {"uuid": str(v)}
        if isinstance(v, datetime):
            return {"datetime": v.isoformat()}
        if isinstance(v, date):
            return {"date": v.isoformat()}
        return v

    return {k: value(v) for k, v in row.items()}


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    def value(v: Any) -> Any:
        if isinstance(v, dict) and len(v) == 1:
            [(kind, text)] = v.items()
            return _DECODERS[kind](text)
        return v

    return {k: value(v) for k, v in row.items()}
