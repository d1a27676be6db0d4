"""What an upload would do, computed once and kept on its batch.

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
"""

import dataclasses
import logging
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from planner import tasks
from planner.importers.container import ArchiveRejected, is_zip, list_members
from planner.importers.records import Limits, ParsedFile
from planner.imports import service
from planner.models import ImportBatch, ImportStatus, User
from planner.models.types import utcnow

log = logging.getLogger(__name__)


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


def stored_work(batch: ImportBatch) -> int:
    """``work_bytes`` of the files kept on ``batch``."""
    return work_bytes([(f.name, f.data or b"") for f in batch.files])


def prepare_preview(
    session: Session, *, owner: User, batch: ImportBatch, work: int, background_from: int
) -> None:
    """Compute and keep the preview now, or, from ``background_from`` bytes of ``work`` on,
    in the worker (tasks.preview_batch). Commits: the worker reads the batch from its own
    connection."""
    if work < background_from:
        store_preview(session, owner=owner, batch=batch, parsed=service.parse_batch(batch))
        session.commit()
        return
    batch.status, batch.claimed_at = ImportStatus.PARSING.value, utcnow()  # its lease
    session.add(batch)
    session.commit()
    try:
        tasks.preview_batch(str(batch.id), str(owner.id))
    except Exception:  # the queue is down: the upload stays, the page offers to discard it
        log.exception("could not queue the preview of import %s", batch.id)
        batch.status = ImportStatus.FAILED.value
        batch.error = "the background worker could not be reached"
        session.add(batch)
        session.commit()
