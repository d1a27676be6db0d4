"""What an upload would do, computed once and kept on its batch; and the rules of its life:
the upload quota, expiry of unconfirmed uploads, and the lease of a batch being written.

Decisions:
- Parse once. A preview used to be parsed on every view of its page, in the web worker: a
  zip of 199 x 1 MiB members took 31 s per view and two views stopped both gunicorn workers.
  The preview (``FileOutcome``s as dicts, the same shape the page renders for a finished
  import, plus the importable count) is stored on the batch when the files arrive (in the
  Huey worker when they are big) and again when the user assigns columns. Page views only
  read it. Its counts of new and merged contacts are those at upload time; the write plans
  again against the contacts as they are then.
- Stored messages are in the language of whoever parsed: the request's, or the owner's in
  the worker (force_locale).
- A batch being written is known alive by its heartbeat in Huey's store (the progress
  entry): the write is one long uncommitted transaction, so nothing it writes to the
  database can be seen until it ends. A batch "running" whose heartbeat (or, before the
  first one, its claim) is older than the lease was left by a worker that died; its
  transaction wrote nothing, so it can be run again from the stored files, or discarded.
- Quota and expiry count the files kept for batches not yet written (preview, parsing,
  running, failed): a written import clears its files.
"""

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlmodel import Session, col

from planner.db import in_chunks
from planner.importers.container import ArchiveRejected, is_zip, list_members
from planner.importers.records import Limits, ParsedFile
from planner.imports import service
from planner.models import ImportBatch, ImportFile, ImportStatus, User
from planner.models.types import utcnow

# Statuses whose batches still hold the uploaded files.
HOLDING_FILES = (
    ImportStatus.PARSING.value,
    ImportStatus.PREVIEW.value,
    ImportStatus.RUNNING.value,
    ImportStatus.FAILED.value,
)
# Statuses that expire: never confirmed, or failed and left.
UNCONFIRMED = (ImportStatus.PARSING.value, ImportStatus.PREVIEW.value, ImportStatus.FAILED.value)
MB = 2**20


def store_preview(
    session: Session, *, owner: User, batch: ImportBatch, parsed: Sequence[ParsedFile]
) -> None:
    """Keep what the parsed files would do on ``batch``; it becomes a preview. Caller commits."""
    outcomes = service.preview_import(session, owner=owner, parsed=parsed)
    batch.preview = {
        "files": [dataclasses.asdict(o) for o in outcomes],
        "importable": sum(p.contacts for p in parsed if p.error is None),
    }
    batch.status = ImportStatus.PREVIEW.value
    session.add(batch)
    session.flush()


def preview_files(batch: ImportBatch) -> list[dict[str, Any]]:
    files: list[dict[str, Any]] = (batch.preview or {}).get("files", [])
    return files


def importable(batch: ImportBatch) -> int:
    return int((batch.preview or {}).get("importable", 0))


def work_bytes(uploads: Sequence[tuple[str, bytes]], limits: Limits = Limits()) -> int:  # noqa: B008
    """How much text parsing the uploads means: a zip counts as what it declares unpacked,
    unless the importer refuses it from its directory alone (a zip bomb: milliseconds)."""
    total = 0
    for _name, data in uploads:
        if is_zip(data):
            try:
                _archive, infos = list_members(data, limits)
            except ArchiveRejected:
                infos = []
            total += max(len(data), sum(i.file_size for i in infos))
        else:
            total += len(data)
    return total


def stored_bytes(session: Session, *, owner: User) -> int:
    """The bytes of the owner's uploads kept for imports not written yet."""
    used = session.execute(
        select(func.coalesce(func.sum(ImportFile.size), 0))
        .join(ImportBatch, col(ImportBatch.id) == col(ImportFile.import_id))
        .where(
            col(ImportBatch.owner_id) == owner.id,
            col(ImportBatch.status).in_(HOLDING_FILES),
            col(ImportFile.data).is_not(None),
        )
    ).scalar_one()
    return int(used)


def quota_problem(session: Session, *, owner: User, incoming: int, quota: int) -> str | None:
    """Why these uploads cannot be kept (the owner's quota of stored uploads), or None."""
    used = stored_bytes(session, owner=owner)
    if used + incoming <= quota:
        return None
    return str(
        _l(
            "Your unconfirmed uploads use %(used)d MB of %(quota)d MB, and these files need "
            "%(size)d MB more: confirm or discard one first.",
            used=round(used / MB),
            quota=round(quota / MB),
            size=max(1, round(incoming / MB)),
        )
    )


def expire_uploads(session: Session, *, now: datetime, ttl: timedelta) -> int:
    """Delete the files of batches left unconfirmed for longer than ``ttl``; the batches stay
    (expired) so their page can say what happened. Returns how many. Caller commits."""
    old = list(
        session.execute(
            select(col(ImportBatch.id)).where(
                col(ImportBatch.status).in_(UNCONFIRMED),
                col(ImportBatch.created_at) < now - ttl,
            )
        ).scalars()
    )
    for chunk in in_chunks(old):
        session.execute(
            update(ImportFile).where(col(ImportFile.import_id).in_(chunk)).values(data=None)
        )
        session.execute(
            update(ImportBatch)
            .where(col(ImportBatch.id).in_(chunk), col(ImportBatch.status).in_(UNCONFIRMED))
            .values(status=ImportStatus.EXPIRED.value)
        )
    session.flush()
    return len(old)


def last_sign_of_life(batch: ImportBatch, heartbeat: dict[str, Any] | None) -> datetime:
    """When the write of ``batch`` last said it was alive: its heartbeat (this attempt's),
    else when it was claimed."""
    since = batch.claimed_at or batch.created_at
    if heartbeat and heartbeat.get("attempt") == batch.attempt and heartbeat.get("at"):
        beat = datetime.fromisoformat(str(heartbeat["at"]))
        since = max(since, beat)
    return since


def is_stuck(
    batch: ImportBatch, heartbeat: dict[str, Any] | None, *, now: datetime, lease: timedelta
) -> bool:
    """Whether a batch being written (or read for its preview) was left by a worker that
    died: its lease ran out. Reading a preview has no heartbeat: its lease runs from when
    it was queued."""
    if batch.status == ImportStatus.PARSING.value:
        return now - (batch.claimed_at or batch.created_at) > lease
    if batch.status != ImportStatus.RUNNING.value:
        return False
    return now - last_sign_of_life(batch, heartbeat) > lease


def current_attempt(session: Session, batch: ImportBatch) -> int:
    """The batch's claim as the database has it now, read inside the caller's transaction.
    A writer checks it before committing: a resume that took the batch over while this
    writer was still parsing (its lease ran out) wins, and this write is rolled back. Once
    the writer has updated the batch row, a resume waits for it (PostgreSQL's row lock,
    SQLite's write lock), so there is no window between this check and the commit."""
    table = ImportBatch.__table__  # type: ignore[attr-defined]
    value = session.execute(select(table.c.attempt).where(table.c.id == batch.id)).scalar_one()
    return int(value)


def reclaim_batch(session: Session, *, owner: User, batch: ImportBatch) -> bool:
    """Take over a stuck batch for a new attempt, once: of two clicks (or a late first
    writer finishing meanwhile) only one wins. The caller has checked ``is_stuck``."""
    table = ImportBatch.__table__  # type: ignore[attr-defined]
    claimed = session.execute(
        update(table)
        .where(
            table.c.id == batch.id,
            table.c.owner_id == owner.id,
            table.c.status == ImportStatus.RUNNING.value,
            table.c.attempt == batch.attempt,
        )
        .values(attempt=table.c.attempt + 1, claimed_at=utcnow())
    )
    session.refresh(batch)
    return bool(getattr(claimed, "rowcount", 0))
