"""The lease of a batch being written (or read for its preview): whether its worker is
alive, and taking a stopped batch over for a new attempt.

Decisions:
- A batch being written is known alive by its heartbeat in Huey's store (the progress
  entry): the write is one long uncommitted transaction, so nothing it writes to the
  database can be seen until it ends. A batch "running" whose heartbeat (or, before the
  first one, its claim) is older than the lease was left by a worker that died; its
  transaction wrote nothing, so it can be run again from the stored files, or discarded.
- Each claim counts up the batch's ``attempt``; a writer commits only if the attempt it
  writes for is still the batch's (``current_attempt``), so of a late writer and a resumed
  one only the resumed one writes.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from planner import tasks
from planner.db import table_of
from planner.models import ImportBatch, ImportStatus, User
from planner.models.types import utcnow


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


def is_stopped(batch: ImportBatch, *, lease: timedelta) -> bool:
    """``is_stuck`` now, with a running write's heartbeat from Huey's store."""
    if batch.status not in (ImportStatus.RUNNING.value, ImportStatus.PARSING.value):
        return False
    running = batch.status == ImportStatus.RUNNING.value
    heartbeat = tasks.import_progress(batch.id) if running else None
    return is_stuck(batch, heartbeat, now=utcnow(), lease=lease)


def current_attempt(session: Session, batch: ImportBatch) -> int:
    """The batch's claim as the database has it now, read inside the caller's transaction.
    A writer checks it before committing: a resume that took the batch over while this
    writer was still parsing (its lease ran out) wins, and this write is rolled back. Once
    the writer has updated the batch row, a resume waits for it (PostgreSQL's row lock,
    SQLite's write lock), so there is no window between this check and the commit."""
    table = table_of(ImportBatch)
    value = session.execute(select(table.c.attempt).where(table.c.id == batch.id)).scalar_one()
    return int(value)


def reclaim_batch(session: Session, *, owner: User, batch: ImportBatch) -> bool:
    """Take over a stuck batch for a new attempt, once: of two clicks (or a late first
    writer finishing meanwhile) only one wins. The caller has checked ``is_stuck``."""
    table = table_of(ImportBatch)
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
