"""Background imports: the queue's storage on both backends, and all-or-nothing writes."""

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from huey import RedisHuey, SqliteHuey
from sqlmodel import Session

from planner import tasks
from planner.imports import service
from planner.models import ImportBatch, User
from tests.conftest import count_rows

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / "linkedin"


def test_queue_lives_in_sqlite_under_the_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("PLANNER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PLANNER_HUEY_IMMEDIATE", "0")
    queue = tasks.make_huey()
    assert isinstance(queue, SqliteHuey)
    queue.put("k", {"done": 1, "total": 2})
    assert queue.get("k") == {"done": 1, "total": 2}
    assert (tmp_path / "huey.db").exists()


def test_queue_moves_to_redis_with_redis_url(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("PLANNER_HUEY_IMMEDIATE", "0")
    queue = tasks.make_huey()
    assert isinstance(queue, RedisHuey)

    @queue.task()
    def add(a: int, b: int) -> int:
        return a + b

    try:
        result = add(2, 3)
        queued = queue.dequeue()
        queue.execute(queued)
        assert result.get() == 5
    finally:
        queue.flush()


def _staged(db: Session, owner: Any) -> ImportBatch:
    data = (SAMPLE / "Connections.csv").read_bytes()
    batch = service.stage_import(
        db, owner=db.get(User, owner.id), uploads=[("Connections.csv", data)]
    )
    batch.status = "running"
    db.commit()
    return batch


def test_the_task_writes_a_confirmed_import(app: Flask, db: Session, make_user: Any) -> None:
    owner = make_user()
    batch = _staged(db, owner)
    result = tasks.run_import.call_local(str(batch.id), str(owner.id))
    assert result == {"status": "done"}
    assert count_rows(app, "contact") == 15
    assert tasks.import_progress(batch.id) is None  # cleared when finished


def test_a_crash_mid_import_leaves_the_contacts_as_they_were(
    app: Flask, db: Session, make_user: Any, make_contact: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = make_user()
    make_contact(owner, first_name="Already", last_name="There")
    batch = _staged(db, owner)
    real_bulk = service.bulk_insert

    def crash_after_contacts(session: Session, model: Any, rows: list[Any]) -> None:
        real_bulk(session, model, rows)
        if model.__name__ == "ContactSource":
            raise RuntimeError("disk full")

    monkeypatch.setattr(service, "bulk_insert", crash_after_contacts)
    result = tasks.run_import.call_local(str(batch.id), str(owner.id))
    assert result == {"status": "failed"}
    assert count_rows(app, "contact") == 1
    assert count_rows(app, "contact_source") == 1
    db.expire_all()
    failed = db.get(ImportBatch, batch.id)
    assert failed.status == "failed" and "disk full" in failed.error


def test_a_task_delivered_twice_writes_once(app: Flask, db: Session, make_user: Any) -> None:
    owner = make_user()
    batch = _staged(db, owner)
    assert tasks.run_import.call_local(str(batch.id), str(owner.id)) == {"status": "done"}
    assert tasks.run_import.call_local(str(batch.id), str(owner.id)) == {"status": "done"}
    assert count_rows(app, "contact") == 15
    db.expire_all()
    assert db.get(ImportBatch, batch.id).summary["files"][0]["created"] == 15


def test_only_a_preview_can_be_claimed(db: Session, make_user: Any) -> None:
    owner = make_user()
    data = (SAMPLE / "Connections.csv").read_bytes()
    user = db.get(User, owner.id)
    batch = service.stage_import(db, owner=user, uploads=[("Connections.csv", data)])
    db.commit()
    assert service.claim_batch(db, owner=user, batch=batch) is True
    assert service.claim_batch(db, owner=user, batch=batch) is False
    assert batch.status == "running"
