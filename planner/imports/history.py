"""An owner's imports as the upload page lists them: the latest batches, the names of their
files, what they brought, and whether one stopped."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from planner.imports import lease
from planner.models import ImportBatch, ImportFile, User

HISTORY_LENGTH = 50


@dataclass(frozen=True)
class HistoryEntry:
    batch: ImportBatch
    files: list[str]  # names only: the stored files themselves can be megabytes each
    totals: dict[str, int]
    stuck: bool  # its worker died (planner.imports.lease)


def totals(files: Iterable[Any]) -> dict[str, int]:
    """Contacts created, merged, skipped and read, summed over the files' outcomes
    (``FileOutcome``s or their stored dicts)."""
    summed = {"created": 0, "merged": 0, "skipped": 0, "contacts": 0}
    for outcome in files:
        for key in summed:
            value = outcome[key] if isinstance(outcome, dict) else getattr(outcome, key)
            summed[key] += int(value or 0)
    return summed


def import_history(
    session: Session, *, owner: User, lease_time: timedelta, limit: int = HISTORY_LENGTH
) -> list[HistoryEntry]:
    """The owner's latest ``limit`` imports, newest first."""
    batches = session.exec(
        select(ImportBatch)
        .where(ImportBatch.owner_id == owner.id)
        .order_by(col(ImportBatch.created_at).desc())
        .limit(limit)
    ).all()
    names: dict[uuid.UUID, list[str]] = {}
    if batches:
        for import_id, name in session.exec(
            select(ImportFile.import_id, ImportFile.name)
            .where(col(ImportFile.import_id).in_([b.id for b in batches]))
            .order_by(col(ImportFile.id))
        ):
            names.setdefault(import_id, []).append(name)
    return [
        HistoryEntry(
            batch=b,
            files=names.get(b.id, []),
            totals=totals((b.summary or {}).get("files", [])),
            stuck=lease.is_stopped(b, lease=lease_time),
        )
        for b in batches
    ]
