"""Imports: parse uploaded exports, preview what they would do, write them in one
transaction, undo them. Services flush; callers commit."""

import dataclasses
import gc
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, Table, bindparam, delete, func, select, update
from sqlmodel import Session

from planner.contacts.service import (
    SCALAR_FIELDS,
    ContactInput,
    ContactRows,
    contact_rows,
    contacts_changed,
)
from planner.db import IN_CHUNK, in_chunks, table_of
from planner.i18n import Stored, to_stored
from planner.identifiers import Account, account_key_tuple
from planner.importers import link_x_archive, parse_file
from planner.importers.generic_csv import FIELDS as MAPPABLE_FIELDS
from planner.importers.generic_csv import FORMAT as GENERIC_CSV
from planner.importers.generic_csv import IDENTITY_FIELDS, MULTI_FIELDS, map_columns
from planner.importers.records import ContactRecord, ParsedFile
from planner.imports.bulk import insert_rows
from planner.imports.plan import (
    Existing,
    Known,
    Pair,
    Plan,
    merge_inputs,
    plan_groups,
    record_input,
)
from planner.imports.undo import apply_undo, to_json
from planner.models import (
    Contact,
    ContactAccount,
    ContactEmail,
    ContactInterest,
    ContactPhone,
    ContactSource,
    ContactTopic,
    ImportBatch,
    ImportChange,
    ImportFile,
    ImportStatus,
    User,
)
from planner.models.types import utcnow
from planner.trips.interests import FreshInterests, vocabulary_of

Progress = Callable[[int, int], None]
_WRITE_CHUNK = 5_000  # new contacts built before they are written
_CHILDREN = (ContactEmail, ContactPhone, ContactAccount, ContactTopic)


# Bulk work goes through the tables (SQLAlchemy Core), not the ORM.
CONTACT, EMAIL, PHONE, ACCOUNT, TOPIC, SOURCE, CHANGE = map(
    table_of,
    (
        Contact,
        ContactEmail,
        ContactPhone,
        ContactAccount,
        ContactTopic,
        ContactSource,
        ImportChange,
    ),
)
INTEREST = table_of(ContactInterest)


@dataclass
class FileOutcome:
    """One file's result, in the shape of the CLI contract."""

    file: str
    format: str | None
    status: str
    contacts: int
    created: int = 0
    merged: int = 0
    skipped: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    # error and problem messages as kept (planner.i18n.to_stored): shown again in the
    # reader's language, not in the one of the upload ("text" beside each "message")
    error_text: Stored | None = None
    sample: list[dict[str, Any]] = field(default_factory=list)
    # A CSV whose columns are not recognised: its headers and the mapping proposed so far.
    needs_mapping: bool = False
    headers: list[str] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    # Each merge with both names, and the pairs that share a key but not a name (held apart):
    # {"name", "row", "other", "other_row" (None: an existing contact), "existing", "reasons"}.
    # The first MAX_LISTED each, merges of differing names first.
    merges: list[dict[str, Any]] = field(default_factory=list)
    held_apart: list[dict[str, Any]] = field(default_factory=list)
    apart: int = 0  # how many pairs were held apart
    unlisted_merges: int = 0  # merges beyond the first MAX_LISTED

    def to_json(self, *, kept: bool = False) -> dict[str, Any]:
        """The CLI contract's shape; ``kept``: with the messages as kept (``error_text``,
        each problem's ``text``), for the import's stored summary."""
        doc = dataclasses.asdict(self)
        for preview_only in ("sample", "needs_mapping", "headers", "mapping"):
            doc.pop(preview_only)
        if not kept:
            doc.pop("error_text")
            for problem in doc["problems"]:
                problem.pop("text", None)
        return doc


def parse_uploads(
    uploads: Iterable[tuple[str, bytes]], format: str | None = None
) -> list[ParsedFile]:
    return _parse_all((name, data, format, None) for name, data in uploads)


def _parse_all(
    files: Iterable[tuple[str, bytes, str | None, dict[str, str] | None]],
) -> list[ParsedFile]:
    """Parse (name, data, format, column mapping) each; then link the X archive's files,
    which need one another (uploaded as a zip or as loose files)."""
    with paused_gc():
        parsed = [
            p
            for name, data, format, mapping in files
            for p in parse_file(name, data, format=format, column_mapping=mapping)
        ]
    link_x_archive(parsed)
    return parsed


def _outcomes(parsed: Sequence[ParsedFile]) -> list[FileOutcome]:
    return [
        FileOutcome(
            file=p.file,
            format=p.format,
            status=p.status,
            contacts=p.contacts,
            skipped=p.skipped,
            error=None if p.error is None else str(p.error),
            error_text=None if p.error is None else to_stored(p.error),
            problems=[
                {"row": x.row, "message": str(x.message), "text": to_stored(x.message)}
                for x in p.problems
            ],
            sample=[_sample(r) for r in p.records[:5]],
            needs_mapping=p.needs_mapping,
            headers=list(p.headers or []),
            mapping=map_columns(list(p.headers or [])) if p.needs_mapping else {},
        )
        for p in parsed
    ]


def _sample(record: ContactRecord) -> dict[str, Any]:
    return {
        "name": record.label,
        "organization": record.organization,
        "title": record.title,
        "emails": record.emails,
        "location": record.location_text or record.city,
    }


MAX_LISTED = 100  # merges and held-apart pairs listed per file (all are counted)


def _count(
    plan: Plan, outcomes: list[FileOutcome], records: Sequence[Sequence[ContactRecord]]
) -> None:
    """Counts per file, and the merges and held-apart pairs named: each is listed under the
    file of the record that was being placed."""
    for group in plan.groups:
        for n, (f, _r) in enumerate(group.records):
            if group.target is None and n == 0:
                outcomes[f].created += 1
            else:
                outcomes[f].merged += 1
    listed = plan.listed_merges(len(outcomes), MAX_LISTED)
    for outcome, (pairs, more) in zip(outcomes, listed, strict=True):
        outcome.merges = [_pair(p, records) for p in pairs]
        outcome.unlisted_merges = more
    for pair in plan.apart:
        outcome = outcomes[pair.record[0]]
        outcome.apart += 1
        if len(outcome.held_apart) < MAX_LISTED:
            outcome.held_apart.append(_pair(pair, records))


def _pair(pair: Pair, records: Sequence[Sequence[ContactRecord]]) -> dict[str, Any]:
    f, r = pair.record
    record = records[f][r]
    if isinstance(pair.other, Known):
        other, other_row = pair.other.name, None
    else:
        o = records[pair.other[0]][pair.other[1]]
        other, other_row = o.label, o.row
    return {
        "name": record.label,
        "row": record.row,
        "other": other,
        "other_row": other_row,
        "existing": other_row is None,
        "same_name": pair.same_name,
        "reasons": pair.reasons(),
    }


def _records(parsed: Sequence[ParsedFile]) -> list[list[ContactRecord]]:
    return [p.records if p.error is None else [] for p in parsed]


def preview_import(
    session: Session, *, owner: User, parsed: Sequence[ParsedFile]
) -> list[FileOutcome]:
    """What importing ``parsed`` would do: counts, problems, a sample. Writes nothing."""
    outcomes = _outcomes(parsed)
    records = _records(parsed)
    _count(plan_groups(records, key_index(session, owner=owner)), outcomes, records)
    return outcomes


def stage_import(
    session: Session,
    *,
    owner: User,
    uploads: Iterable[tuple[str, bytes]],
    format: str | None = None,
) -> ImportBatch:
    """Keep the uploaded files until the user confirms (or drops) the preview."""
    batch = ImportBatch(owner_id=owner.id, format=format)
    batch.files = [
        ImportFile(import_id=batch.id, name=name, size=len(data), data=data)
        for name, data in uploads
    ]
    session.add(batch)
    session.flush()
    return batch


def parse_batch(batch: ImportBatch) -> list[ParsedFile]:
    """Parse the stored files again, with the column mappings the user chose."""
    mappings = batch.column_mapping or {}
    return _parse_all(
        (
            upload.name,
            upload.data or b"",
            GENERIC_CSV if upload.name in mappings else batch.format,
            mappings.get(upload.name),
        )
        for upload in batch.files
    )


def set_column_mapping(
    session: Session,
    *,
    batch: ImportBatch,
    file: str,
    headers: Sequence[str],
    mapping: dict[str, str],
) -> str | None:
    """Keep the user's column mapping for one file of a preview; returns why it cannot be
    used (a user-facing reason), or None when it is kept."""
    chosen = {h: f for h, f in mapping.items() if f}
    if any(h not in headers or f not in MAPPABLE_FIELDS for h, f in chosen.items()):
        return str(_l("Choose fields from the list only."))
    single = [f for f in chosen.values() if f not in MULTI_FIELDS]
    if len(set(single)) < len(single):
        return str(
            _l(
                "Each field can be chosen for one column only "
                "(e-mail, phone and topics for several)."
            )
        )
    if not set(chosen.values()) & IDENTITY_FIELDS:
        return str(
            _l("Choose at least one column with a name, organisation, e-mail address or profile.")
        )
    batch.column_mapping = {**(batch.column_mapping or {}), file: chosen}
    session.add(batch)
    session.flush()
    return None


def write_import(
    session: Session,
    *,
    owner: User,
    batch: ImportBatch,
    parsed: Sequence[ParsedFile],
    progress: Progress | None = None,
) -> list[FileOutcome]:
    """Write every accepted record: new contacts in bulk, merges into existing ones with
    their state before kept for undo, a source per record. Caller commits (all or nothing)."""
    with paused_gc():
        return _write_import(session, owner, batch, parsed, progress)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cyclic garbage collector while hundreds of thousands of short-lived rows are
    built: its full passes over them cost more than the import itself (measured 1.7x)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _write_import(
    session: Session,
    owner: User,
    batch: ImportBatch,
    parsed: Sequence[ParsedFile],
    progress: Progress | None,
) -> list[FileOutcome]:
    outcomes = _outcomes(parsed)
    records = _records(parsed)
    plan = plan_groups(records, key_index(session, owner=owner))
    groups = plan.groups
    _count(plan, outcomes, records)
    total = len(groups)
    batch.status, batch.total = ImportStatus.RUNNING.value, total
    now = utcnow()
    targets = [g.target for g in groups if g.target is not None]
    # A re-import merges into most of the owner's contacts: then read all of them in one pass
    whole = owner.id if _most_of_owner(session, owner.id, len(set(targets))) else None
    stored = load_inputs(session, targets, whole_of=whole)
    known_sources = _source_keys(session, targets, whole_of=whole)
    # New contacts are written with their topics derived: no refresh reads them back
    fresh = FreshInterests(vocabulary_of(session, owner=owner, locale=owner.locale or "en")[0])

    owner_id, batch_id = owner.id, batch.id  # ORM attribute reads cost, once per row
    new_rows: list[ContactRows] = []
    interests: list[tuple[uuid.UUID, uuid.UUID, str]] = []
    updated: dict[uuid.UUID, ContactInput] = {}  # existing contacts, as merged so far
    # Merged ones: their change row (written once merged to the end) and this import's records
    merged_changes: dict[uuid.UUID, dict[str, Any]] = {}
    contributed: dict[uuid.UUID, list[ContactInput]] = {}
    changes: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []

    def flush_new() -> None:
        """Write what is built so far: bounded memory however large the file."""
        insert_contacts(session, new_rows, now)
        insert_rows(session, INTEREST, ("contact_id", "owner_id", "key"), interests)
        bulk_insert(session, ContactSource, sources)
        bulk_insert(session, ImportChange, changes)
        new_rows.clear()
        interests.clear()
        sources.clear()
        changes.clear()

    for done, group in enumerate(groups, start=1):
        inputs = [record_input(records[f][r]) for f, r in group.records]
        if group.target is None:
            contact_id = uuid.uuid4()
            data = inputs[0]
            for more in inputs[1:]:
                data = merge_inputs(data, more)
            rows = contact_rows(owner_id, contact_id, data)
            # created and changed at the import's time: one timestamp for every row (each
            # its own cost a conversion per row and column, a tenth of the INSERT)
            rows.contact["updated_at"] = now
            columns, keys = fresh.of(
                topics=[topic["name"] for topic in rows.topics],
                title=data.title,
                organization=data.organization,
                mutual=any(account["mutual"] for account in rows.accounts),
                connected=(records[f][r].source.connected_on for f, r in group.records),
                at=now,
            )
            rows.contact.update(columns)
            new_rows.append(rows)
            interests.extend((contact_id, owner_id, key) for key in keys)
            changes.append(
                {
                    "import_id": batch_id,
                    "contact_id": contact_id,
                    "action": "created",
                    "before": None,
                    "after": to_json(data),  # also what it contributed
                    "contributed": None,
                }
            )
        else:
            contact_id = group.target
            before = updated.get(contact_id, stored[contact_id])
            data = before
            for more in inputs:
                data = merge_inputs(data, more)
            if data is not before and data != before:
                if contact_id not in updated:  # the state before this import, once
                    merged_changes[contact_id] = {
                        "import_id": batch_id,
                        "contact_id": contact_id,
                        "action": "merged",
                        "before": to_json(stored[contact_id]),
                    }
                    contributed[contact_id] = []
                updated[contact_id] = data
                contributed[contact_id].extend(inputs)
        for f, r in group.records:
            source = records[f][r].source
            key = (contact_id, source.format, source.file, source.connected_on)
            if key not in known_sources:
                known_sources.add(key)
                sources.append(
                    {
                        "contact_id": contact_id,
                        "owner_id": owner_id,
                        "format": source.format,
                        "file": source.file[:300],
                        "connected_on": source.connected_on,
                        "import_id": batch_id,
                        "created_at": now,
                    }
                )
        if group.target is not None and contact_id not in updated:
            # changed nothing (a file imported again): undo must still know it holds them
            changes.append(
                {
                    "import_id": batch_id,
                    "contact_id": contact_id,
                    "action": "restated",
                    "before": None,
                    "after": None,
                    "contributed": None,
                }
            )
        if len(new_rows) >= _WRITE_CHUNK or len(changes) >= _WRITE_CHUNK:
            flush_new()
        if progress is not None and (done % 1000 == 0 or done == total):
            progress(done, total)

    flush_new()
    if any(o.created for o in outcomes):  # new topics: topic counts (rarity) may differ
        contacts_changed(session, owner_ids=[owner_id])
    replace_contacts(
        session, [(cid, contact_rows(owner_id, cid, data)) for cid, data in updated.items()]
    )
    bulk_insert(
        session,
        ImportChange,
        [
            {
                **change,
                "after": to_json(updated[cid]),
                "contributed": to_json(_merged(contributed[cid])),
            }
            for cid, change in merged_changes.items()
        ],
    )
    batch.status, batch.progress = ImportStatus.DONE.value, total
    batch.summary = {"files": [o.to_json(kept=True) for o in outcomes]}
    batch.finished_at = utcnow()
    for upload in batch.files:
        upload.data = None  # the user's file is not kept once it is imported
    session.add(batch)
    session.flush()
    return outcomes


def claim_batch(session: Session, *, owner: User, batch: ImportBatch) -> bool:
    """Move a previewed batch to running, once: a second click (or tab, or task delivery)
    that arrives meanwhile finds it no longer in preview and writes nothing."""
    claimed = session.execute(
        update(table_of(ImportBatch))
        .where(
            table_of(ImportBatch).c.id == batch.id,
            table_of(ImportBatch).c.owner_id == owner.id,
            table_of(ImportBatch).c.status == ImportStatus.PREVIEW.value,
        )
        .values(
            status=ImportStatus.RUNNING.value,
            claimed_at=utcnow(),  # the lease starts: see planner.imports.lease
            attempt=table_of(ImportBatch).c.attempt + 1,
        )
    )
    session.refresh(batch)
    return bool(getattr(claimed, "rowcount", 0))


def undo_import(session: Session, *, owner: User, batch: ImportBatch) -> dict[str, int]:
    """Take back what the import brought and nothing changed since: its sources, the
    contacts it created that nothing else holds, its values in the others
    (``planner.imports.undo``). Returns how many contacts were removed, restored, kept.
    Caller commits."""
    return apply_undo(session, owner=owner, batch=batch).counts()


def key_index(session: Session, *, owner: User) -> Existing:
    """Every strong-evidence key of the owner's contacts -> the contacts that hold it (a
    landline kept apart is held by several), and their names."""
    index = Existing()
    for normalized, contact_id in session.execute(
        select(EMAIL.c.normalized, EMAIL.c.contact_id).where(EMAIL.c.owner_id == owner.id)
    ):
        index.add_key(f"email:{normalized}", contact_id)
    for e164, contact_id in session.execute(
        select(PHONE.c.e164, PHONE.c.contact_id).where(PHONE.c.owner_id == owner.id)
    ):
        if e164:
            index.add_key(f"phone:{e164}", contact_id)
    for network, account_id, handle, url, contact_id in session.execute(
        select(
            ACCOUNT.c.network,
            ACCOUNT.c.account_id,
            ACCOUNT.c.handle,
            ACCOUNT.c.url,
            ACCOUNT.c.contact_id,
        ).where(ACCOUNT.c.owner_id == owner.id)
    ):
        for key in account_key_tuple(Account(network, account_id, handle, url)):
            index.add_key(key, contact_id)
    if index.keys:
        index.names = {
            row[0]: row[1:]
            for row in session.execute(
                select(
                    CONTACT.c.id,
                    CONTACT.c.display_name,
                    CONTACT.c.first_name,
                    CONTACT.c.last_name,
                    CONTACT.c.organization,
                ).where(CONTACT.c.owner_id == owner.id)
            )
        }
    return index


def _most_of_owner(session: Session, owner_id: uuid.UUID, count: int) -> bool:
    """Whether ``count`` (> 0) contacts are at least half of the owner's: then one pass over
    the owner's rows beats looking them up by id, chunk by chunk (a re-import merges them
    all)."""
    if count == 0:
        return False
    total = session.execute(
        select(func.count()).select_from(CONTACT).where(CONTACT.c.owner_id == owner_id)
    ).scalar_one()
    return 2 * count >= total


def _matching(
    session: Session,
    query: Select[Any],
    ids: Sequence[uuid.UUID],
    key: ColumnElement[Any],
    whole: ColumnElement[bool] | None,
) -> Iterator[Any]:
    """The rows of ``query`` whose ``key`` (its first column) is one of ``ids``: by chunks of
    ids, or in one pass over the rows ``whole`` selects, filtered here."""
    if whole is None:
        for chunk in in_chunks(ids):
            yield from session.execute(query.where(key.in_(chunk)))
        return
    wanted = set(ids)
    rows = session.execute(query.where(whole), execution_options={"yield_per": IN_CHUNK})
    yield from (row for row in rows if row[0] in wanted)


def load_inputs(
    session: Session, ids: Sequence[uuid.UUID], *, whole_of: uuid.UUID | None = None
) -> dict[uuid.UUID, ContactInput]:
    """Contacts as ContactInput, read with plain row queries (fast for thousands); with
    ``whole_of``, that owner's rows are read in one pass (``ids`` being most of them)."""
    unique = list(dict.fromkeys(ids))

    def rows(
        table: Table, *names: str, key: str = "contact_id", order: str | None = None
    ) -> Iterator[Any]:
        query = select(table.c[key], *(table.c[n] for n in names))
        if order is not None:
            query = query.order_by(table.c[order])
        whole = table.c.owner_id == whole_of if whole_of is not None else None
        return _matching(session, query, unique, table.c[key], whole)

    inputs = {
        row[0]: ContactInput(**dict(zip(SCALAR_FIELDS, row[1:], strict=True)))
        for row in rows(CONTACT, *SCALAR_FIELDS, key="id")
    }
    for cid, address in rows(EMAIL, "address", order="position"):
        inputs[cid].emails.append(address)
    for cid, number in rows(PHONE, "number", order="position"):
        inputs[cid].phones.append(number)
    for cid, network, account_id, handle, url, mutual in rows(
        ACCOUNT, "network", "account_id", "handle", "url", "mutual", order="id"
    ):
        inputs[cid].accounts.append(Account(network, account_id, handle, url))
        if mutual and network not in inputs[cid].mutual_networks:
            inputs[cid].mutual_networks.append(network)
    for cid, name in rows(TOPIC, "name", order="name"):
        inputs[cid].topics.append(name)
    return inputs


def _source_keys(
    session: Session, ids: Sequence[uuid.UUID], *, whole_of: uuid.UUID | None = None
) -> set[tuple[uuid.UUID, str, str | None, date | None]]:
    """(contact, format, file, connected on) of every source of these contacts (``whole_of``
    as for ``load_inputs``)."""
    unique = list(dict.fromkeys(ids))
    query = select(SOURCE.c.contact_id, SOURCE.c.format, SOURCE.c.file, SOURCE.c.connected_on)
    whole = None
    if whole_of is not None:
        # Sources have no owner index: reach them through the owner's contacts.
        query = query.join_from(SOURCE, CONTACT, CONTACT.c.id == SOURCE.c.contact_id)
        whole = CONTACT.c.owner_id == whole_of
    return {tuple(row) for row in _matching(session, query, unique, SOURCE.c.contact_id, whole)}


def bulk_insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """One bulk INSERT (``insert_rows``) of rows that all have the keys of the first."""
    if rows:
        columns = tuple(rows[0])
        pick = itemgetter(*columns)
        values = [pick(r) for r in rows] if len(columns) > 1 else [(pick(r),) for r in rows]
        insert_rows(session, table_of(model), columns, values)


def insert_contacts(session: Session, rows: Sequence[ContactRows], now: datetime) -> None:
    if not rows:
        return
    columns = tuple(rows[0].contact)
    pick = itemgetter(*columns)
    insert_rows(session, CONTACT, (*columns, "created_at"), [(*pick(r.contact), now) for r in rows])
    _insert_children(session, rows)


def _insert_children(session: Session, rows: Sequence[ContactRows]) -> None:
    children = [r.children() for r in rows]
    for model in _CHILDREN:
        bulk_insert(session, model, [child for c in children for child in c[model]])


def replace_contacts(session: Session, updates: Sequence[tuple[uuid.UUID, ContactRows]]) -> None:
    """Store ``updates`` over existing contacts: one executemany UPDATE (SET from the keys),
    their children deleted and inserted again."""
    if not updates:
        return
    names = [k for k in updates[0][1].contact if k not in ("id", "owner_id")]
    session.execute(
        update(CONTACT).where(CONTACT.c.id == bindparam("_id")),
        [
            {"_id": contact_id, **{n: rows.contact[n] for n in names}}
            for contact_id, rows in updates
        ],
    )
    ids = [contact_id for contact_id, _rows in updates]
    for chunk in in_chunks(ids):
        for model in _CHILDREN:
            session.execute(delete(table_of(model)).where(table_of(model).c.contact_id.in_(chunk)))
    _insert_children(session, [r for _id, r in updates])


def delete_contacts(session: Session, ids: Sequence[uuid.UUID]) -> None:
    for chunk in in_chunks(list(ids)):
        contacts_changed(
            session, owner_ids=select(CONTACT.c.owner_id).where(CONTACT.c.id.in_(chunk))
        )
        for model in (*_CHILDREN, ContactSource):
            session.execute(delete(table_of(model)).where(table_of(model).c.contact_id.in_(chunk)))
        session.execute(delete(CONTACT).where(CONTACT.c.id.in_(chunk)))


def _merged(inputs: Sequence[ContactInput]) -> ContactInput:
    """What several records say about one contact, together."""
    data = inputs[0]
    for more in inputs[1:]:
        data = merge_inputs(data, more)
    return data


def get_batch(session: Session, *, owner: User, import_id: str) -> ImportBatch | None:
    try:
        ident = uuid.UUID(str(import_id))
    except ValueError:
        return None
    batch = session.get(ImportBatch, ident)
    return batch if batch is not None and batch.owner_id == owner.id else None
