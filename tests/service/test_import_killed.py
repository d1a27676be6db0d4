"""A write killed with SIGKILL part-way (a real process, not a simulation) leaves nothing
written and the batch "running"; once its lease runs out it is seen as stopped, and running
it again writes every contact exactly once (issue 17)."""

import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update
from sqlmodel import Session

from planner import tasks
from planner.imports import service
from planner.imports.lease import is_stuck, reclaim_batch
from planner.models import ImportBatch, ImportStatus, User
from planner.models.types import utcnow
from tests.conftest import count_rows

ROWS = 12_000  # written in chunks of 5,000: two chunks are in the database when killed
KILL_AT = 11_000

CHILD = textwrap.dedent(
    """
    import sys
    from planner import create_app, tasks

    app = create_app({"DATABASE_URL": sys.argv[1], "INSTANCE_PATH": sys.argv[2]})
    beat = tasks._heartbeat

    def heartbeat(batch_id, attempt, done=0, total=0):
        beat(batch_id, attempt, done, total)
        if done >= int(sys.argv[6]):
            print("at", done, "of", total, flush=True)
            sys.stdin.readline()  # wait here for the kill

    tasks._heartbeat = heartbeat
    with app.app_context():
        tasks.run_import.call_local(sys.argv[3], sys.argv[4], int(sys.argv[5]))
    print("finished", flush=True)
    """
)


def _connections_csv(rows: int) -> bytes:
    lines = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    lines += [
        f"Person{i},Muster,https://www.linkedin.com/in/p{i},p{i}@example.org,Firma {i % 97},"
        f"Role,01 Nov 2026"
        for i in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def test_a_killed_write_leaves_nothing_and_runs_again_once(
    app: Flask, db: Session, make_user: Any, tmp_path: Path
) -> None:
    owner = db.get(User, make_user().id)
    assert owner is not None
    batch = service.stage_import(
        db, owner=owner, uploads=[("Connections.csv", _connections_csv(ROWS))]
    )
    db.commit()
    assert service.claim_batch(db, owner=owner, batch=batch)
    db.commit()

    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD,
            app.config["DATABASE_URL"],
            str(tmp_path / "child-instance"),
            str(batch.id),
            str(owner.id),
            str(batch.attempt),
            str(KILL_AT),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PLANNER_HUEY_IMMEDIATE": "1"},
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith(f"at {KILL_AT} of {ROWS}"), line
        os.kill(child.pid, signal.SIGKILL)  # kill -9 mid-write
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL

    db.expire_all()
    assert count_rows(app, "contact") == 0  # the killed transaction wrote nothing
    reread = db.get(ImportBatch, batch.id)
    assert reread is not None and reread.status == ImportStatus.RUNNING.value
    batch = reread
    lease = timedelta(seconds=app.config["IMPORT_LEASE_SECONDS"])
    assert batch.claimed_at is not None
    heartbeat = tasks.import_progress(batch.id)  # the child's beats died with it
    assert not is_stuck(batch, heartbeat, now=batch.claimed_at, lease=lease)
    later = batch.claimed_at + lease + timedelta(seconds=1)
    assert is_stuck(batch, heartbeat, now=later, lease=lease)

    first_attempt = batch.attempt
    assert reclaim_batch(db, owner=owner, batch=batch)
    db.commit()
    assert batch.attempt == first_attempt + 1
    assert not is_stuck(batch, None, now=utcnow(), lease=lease)  # a fresh lease
    result = tasks.run_import.call_local(str(batch.id), str(owner.id), batch.attempt)
    assert result == {"status": "done"}
    assert count_rows(app, "contact") == ROWS


def test_a_heartbeat_of_this_attempt_keeps_the_lease(app: Flask) -> None:
    now = utcnow()
    lease = timedelta(minutes=10)
    batch = ImportBatch(
        owner_id=ImportBatch().id,
        status=ImportStatus.RUNNING.value,
        claimed_at=now - timedelta(hours=1),
        attempt=2,
    )
    fresh = {"at": (now - timedelta(minutes=1)).isoformat(), "attempt": 2}
    older_attempt = {"at": (now - timedelta(minutes=1)).isoformat(), "attempt": 1}
    assert not is_stuck(batch, fresh, now=now, lease=lease)
    assert is_stuck(batch, older_attempt, now=now, lease=lease)
    assert is_stuck(batch, None, now=now, lease=lease)
    batch.status = ImportStatus.DONE.value
    assert not is_stuck(batch, None, now=now, lease=lease)


def test_a_writer_whose_batch_was_taken_over_meanwhile_rolls_back(
    app: Flask, db: Session, make_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = db.get(User, make_user().id)
    assert owner is not None
    batch = service.stage_import(
        db, owner=owner, uploads=[("Connections.csv", _connections_csv(50))]
    )
    db.commit()
    assert service.claim_batch(db, owner=owner, batch=batch)
    db.commit()
    real = service.write_import

    def resumed_meanwhile(session: Session, **kwargs: Any) -> Any:
        outcomes = real(session, **kwargs)
        table = ImportBatch.__table__  # type: ignore[attr-defined]
        session.execute(update(table).values(attempt=table.c.attempt + 1))  # a newer claim
        return outcomes

    monkeypatch.setattr(service, "write_import", resumed_meanwhile)
    result = tasks.run_import.call_local(str(batch.id), str(owner.id), batch.attempt)
    assert result == {"status": "superseded"}
    assert count_rows(app, "contact") == 0
    db.expire_all()
    assert db.get(ImportBatch, batch.id).status == ImportStatus.RUNNING.value  # type: ignore[union-attr]
