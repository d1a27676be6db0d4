"""Stored uploads: what the quota counts (the owner's files not yet written, nobody else's)
and what expiry deletes (unconfirmed uploads older than the time to live, nothing else)."""

from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from planner.imports import service, uploads
from planner.models import ImportBatch, ImportFile, ImportStatus, User
from planner.models.types import utcnow


def _batch(db: Session, owner: Any, status: ImportStatus, size: int, age_hours: float) -> Any:
    user = db.get(User, owner.id)
    assert user is not None
    batch = service.stage_import(db, owner=user, uploads=[("a.csv", b"x" * size)])
    batch.status = status.value
    batch.created_at = utcnow() - timedelta(hours=age_hours)
    db.add(batch)
    db.commit()
    return batch


def test_the_quota_counts_only_the_owners_files_not_yet_written(
    db: Session, make_user: Any
) -> None:
    anna, bert = make_user(), make_user()
    _batch(db, anna, ImportStatus.PREVIEW, 3000, 1)
    _batch(db, anna, ImportStatus.FAILED, 2000, 1)
    done = _batch(db, anna, ImportStatus.DONE, 7000, 1)
    for upload in done.files:  # a written import clears its files
        upload.data = None
    db.commit()
    _batch(db, bert, ImportStatus.PREVIEW, 50_000, 1)
    user = db.get(User, anna.id)
    assert user is not None
    assert uploads.stored_bytes(db, owner=user) == 5000
    assert uploads.quota_problem(db, owner=user, incoming=5000, quota=10_000) is None
    problem = uploads.quota_problem(db, owner=user, incoming=5001, quota=10_000)
    assert problem is not None and "confirm or discard one first" in problem


def test_expiry_deletes_the_files_of_unconfirmed_uploads_older_than_a_day(
    db: Session, make_user: Any
) -> None:
    owner = make_user()
    old_preview = _batch(db, owner, ImportStatus.PREVIEW, 10, 25)
    old_failed = _batch(db, owner, ImportStatus.FAILED, 10, 30)
    young = _batch(db, owner, ImportStatus.PREVIEW, 10, 23)
    running = _batch(db, owner, ImportStatus.RUNNING, 10, 48)
    done = _batch(db, owner, ImportStatus.DONE, 10, 48)
    assert uploads.expire_uploads(db, now=utcnow(), ttl=timedelta(hours=24)) == 2
    db.commit()
    db.expire_all()
    status = {b.id: b.status for b in db.exec(select(ImportBatch))}
    assert status == {
        old_preview.id: "expired",
        old_failed.id: "expired",
        young.id: "preview",
        running.id: "running",
        done.id: "done",
    }
    kept = set(db.exec(select(ImportFile.import_id).where(col(ImportFile.data).is_not(None))))
    assert kept == {young.id, running.id, done.id}
