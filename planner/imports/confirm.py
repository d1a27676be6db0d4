"""From a confirmed preview to written contacts: claim the batch, write it in the request or
queue it for the worker, run a stopped one again; the same write and the same failure for
the web and the worker (tasks.run_import).

Decisions:
- These functions commit, unlike other services: the claim must be committed before the
  worker is queued (the worker reads it from its own connection), and a failed write is
  rolled back before the batch is marked failed, in a transaction of its own.
- Small imports are written in the request, so the user sees the result at once; from
  ``background_from`` importable records on, by the worker, whose progress the page shows.
- A write is all or nothing: on any failure nothing is written, the files stay and the
  batch says why (failed).
- A write commits only for the claim it was started for (planner.imports.lease): a resumed
  batch's late first writer writes nothing.
"""

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from sqlmodel import Session

from planner import tasks
from planner.imports import lease, previews, service
from planner.imports.service import FileOutcome, Progress
from planner.models import ImportBatch, ImportStatus, User

log = logging.getLogger(__name__)

ERROR_LENGTH = 2000  # characters of a failure kept on the batch


class Confirmed(StrEnum):
    """How a confirmation ended."""

    NOT_PREVIEW = "not_preview"  # confirmed or discarded meanwhile (another click, tab)
    NOTHING = "nothing"  # no file holds a contact that can be taken
    QUEUED = "queued"  # the worker writes it
    NOT_QUEUED = "not_queued"  # the queue is down: a preview again, to retry
    FAILED = "failed"  # the write failed: nothing written, the batch says why
    WRITTEN = "written"


@dataclass(frozen=True)
class Confirmation:
    result: Confirmed
    outcomes: Sequence[FileOutcome] = field(default_factory=list)  # when written


class Resumed(StrEnum):
    """How running a stopped import again ended."""

    REREAD = "reread"  # its preview is read again
    NOT_STOPPED = "not_stopped"  # alive, finished, or resumed by another click
    QUEUED = "queued"
    NOT_QUEUED = "not_queued"  # the queue is down: still stopped, to retry


def confirm_import(
    session: Session, *, owner: User, batch: ImportBatch, background_from: int
) -> Confirmation:
    """Write a previewed batch, once (``service.claim_batch``): in the request, or from
    ``background_from`` importable records on in the worker. Then its follow-ups are queued
    (places, duplicates, topics). Commits."""
    if batch.status != ImportStatus.PREVIEW.value:
        return Confirmation(Confirmed.NOT_PREVIEW)
    records = previews.importable(batch)
    if records == 0:
        return Confirmation(Confirmed.NOTHING)
    if not service.claim_batch(session, owner=owner, batch=batch):
        session.rollback()
        return Confirmation(Confirmed.NOT_PREVIEW)
    if records >= background_from:
        session.commit()
        try:
            tasks.run_import(str(batch.id), str(owner.id), batch.attempt)
        except Exception:  # the queue is down: back to preview, so the user can retry
            log.exception("could not queue import %s", batch.id)
            batch.status = ImportStatus.PREVIEW.value
            session.add(batch)
            session.commit()
            return Confirmation(Confirmed.NOT_QUEUED)
        return Confirmation(Confirmed.QUEUED)
    batch_id = batch.id
    try:
        outcomes = write_claimed(session, owner=owner, batch=batch, attempt=batch.attempt)
        if outcomes is None:  # a resume took it over; cannot happen while the claim is ours
            session.rollback()
            return Confirmation(Confirmed.NOT_PREVIEW)
        session.commit()
    except Exception as error:  # all or nothing: roll back, keep the files, say so
        log.exception("import %s failed", batch_id)
        session.rollback()
        mark_failed(session, batch_id=batch_id, error=error)
        session.commit()
        return Confirmation(Confirmed.FAILED)
    try:
        tasks.after_import(str(batch_id), str(owner.id))  # places, duplicates: queued
    except Exception:  # the contacts are in; placing them can be redone later
        log.exception("could not queue the follow-ups of import %s", batch_id)
    return Confirmation(Confirmed.WRITTEN, outcomes)


def resume_import(
    session: Session, *, owner: User, batch: ImportBatch, lease_time: timedelta, work_from: int
) -> Resumed:
    """Run a stopped batch again from its stored files (its first run wrote nothing): read
    its preview again (``work_from``: bytes of work read in the worker), or write it in the
    worker for a new claim. Commits."""
    if batch.status == ImportStatus.PARSING.value and lease.is_stopped(batch, lease=lease_time):
        work = previews.stored_work(batch)
        previews.prepare_preview(
            session, owner=owner, batch=batch, work=work, background_from=work_from
        )
        return Resumed.REREAD
    stopped = lease.is_stopped(batch, lease=lease_time)
    if not stopped or not lease.reclaim_batch(session, owner=owner, batch=batch):
        session.rollback()
        return Resumed.NOT_STOPPED
    session.commit()
    try:
        tasks.run_import(str(batch.id), str(owner.id), batch.attempt)
    except Exception:  # the queue is down: the batch stays stopped, the user can retry
        log.exception("could not queue the resumed import %s", batch.id)
        return Resumed.NOT_QUEUED
    return Resumed.QUEUED


def write_claimed(
    session: Session,
    *,
    owner: User,
    batch: ImportBatch,
    attempt: int,
    progress: Progress | None = None,
) -> list[FileOutcome] | None:
    """Parse the stored files (with the user's column mappings) and write them for claim
    ``attempt``; None if the batch was claimed again meanwhile (the caller rolls back).
    ``progress(done, total)`` is the heartbeat, renewed after parsing too. Caller commits."""
    parsed = service.parse_batch(batch)  # writing needs the records themselves
    if progress is not None:
        progress(0, 0)
    outcomes = service.write_import(
        session, owner=owner, batch=batch, parsed=parsed, progress=progress
    )
    if lease.current_attempt(session, batch) != attempt:  # resumed meanwhile
        return None
    return outcomes


def mark_failed(
    session: Session, *, batch_id: uuid.UUID, error: BaseException, only_from: str | None = None
) -> None:
    """Say on the batch why its write (or preview) failed; with ``only_from``, only if it is
    still in that status. For a fresh transaction, after the failed one. Caller commits."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None or (only_from is not None and batch.status != only_from):
        return
    batch.status = ImportStatus.FAILED.value
    batch.error = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
    session.add(batch)
    session.flush()


def batch_for_task(
    session: Session, *, batch_id: str, owner_id: str, status: ImportStatus
) -> tuple[ImportBatch, User] | str:
    """A task's batch and its owner, if it is theirs and still in ``status``; else what the
    task reports: "missing", or the status it has now (a task delivered twice, a batch
    discarded or stale)."""
    batch = session.get(ImportBatch, uuid.UUID(batch_id))
    owner = session.get(User, uuid.UUID(owner_id))
    if batch is None or owner is None or batch.owner_id != owner.id:
        return "missing"
    if batch.status != status.value:
        return batch.status
    return batch, owner
