"""Uploads through the web: hostile files refused fast with their reason, the preview parsed
once and stored, big previews in the worker, the upload quota, expiry, and a write left
"running" by a worker that died (issue 17)."""

import io
import time
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text
from sqlmodel import Session

from planner import tasks
from planner.imports import service
from planner.models import ImportBatch
from planner.models.types import utcnow
from tests.conftest import WebClient, count_rows

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
CONNECTIONS = SAMPLES / "linkedin" / "Connections.csv"
MIB = 2**20


def post_files(web: WebClient, *files: tuple[str, bytes]) -> Any:
    data = {"files": [(io.BytesIO(body), name) for name, body in files], "format": ""}
    return web.submit("/imports/", data, content_type="multipart/form-data")


def staged(web: WebClient, *files: tuple[str, bytes]) -> str:
    response = post_files(web, *files)
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    return str(response.location)


def connections() -> tuple[str, bytes]:
    return ("Connections.csv", CONNECTIONS.read_bytes())


def bomb() -> bytes:
    line = b"Anna,Muster,anna@example.org\n"
    member = (b"First Name,Last Name,Email\n" + line * (MIB // len(line)))[:MIB]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for i in range(60):
            archive.writestr(f"part-{i:03d}.csv", member)
    return buffer.getvalue()


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, any parse fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("parsed during a page view")

    monkeypatch.setattr(service, "parse_batch", refuse)
    monkeypatch.setattr(service, "parse_file", refuse)


def test_a_zip_bomb_is_refused_at_upload_within_a_second_naming_file_and_limit(
    app: Flask, make_user: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = login(make_user())
    # Refused from its directory in the request: not sent to the worker as a "big" upload.
    monkeypatch.setattr(tasks, "preview_batch", None)
    started = time.perf_counter()
    url = staged(web, ("bomb.zip", bomb()))
    elapsed = time.perf_counter() - started
    page = web.get(url).get_data(as_text=True)
    assert "bomb.zip" in page and "rejected" in page
    assert "archive unpacks to 60 MB" in page and "at most 100 times" in page
    assert "There is nothing to import in these files." in page
    assert elapsed < 2.0  # the request, CSRF page included; the refusal itself is ~0.01 s


def test_a_csv_with_a_ten_megabyte_field_is_refused_fast_naming_the_limit(
    app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user())
    body = (
        "First Name,Last Name,E-mail Address,Notes\r\nAnna,Muster,anna@example.org,\r\n"
        f'Bert,B,bert@example.org,"{"x" * 10_000_000}"\r\n'
    ).encode()
    app.config["IMPORT_PREVIEW_BACKGROUND_BYTES"] = 100 * MIB  # in the request: time it
    started = time.perf_counter()
    url = staged(web, ("huge.csv", body))
    elapsed = time.perf_counter() - started
    page = web.get(url).get_data(as_text=True)
    assert "huge.csv" in page
    assert "record 2 (line 3), column Notes, 10000000 characters (the limit is 100,000)" in page
    assert elapsed < 3.0  # was 4-11 s, ending as "unknown format"


@pytest.fixture
def staged_connections(app: Flask, make_user: Any, login: Any) -> tuple[WebClient, str]:
    web = login(make_user())
    return web, staged(web, connections())


def test_page_views_of_a_preview_never_parse(
    app: Flask, staged_connections: tuple[WebClient, str], no_parsing: None
) -> None:
    web, url = staged_connections
    for _view in range(3):
        page = web.get(url).get_data(as_text=True)
        assert "15 new" in page and "Confirm and import" in page


def test_a_big_upload_is_previewed_in_the_worker_and_the_page_waits_for_it(
    app: Flask, make_user: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["IMPORT_PREVIEW_BACKGROUND_BYTES"] = 1000
    queued: list[tuple[str, str]] = []
    monkeypatch.setattr(tasks, "preview_batch", lambda *args: queued.append(args))
    user = make_user()
    web = login(user)
    url = staged(web, connections())
    assert queued == [(url.rsplit("/", 1)[1], str(user.id))]
    waiting = web.get(url).get_data(as_text=True)
    assert "being read in the background" in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting
    assert "Confirm and import" not in waiting
    monkeypatch.undo()
    with app.app_context():  # the worker's turn (Huey runs it in-process in tests)
        tasks.preview_batch(*queued[0])
    ready = web.get(url).get_data(as_text=True)
    assert "15 new" in ready and "Confirm and import" in ready
    assert 'http-equiv="refresh"' not in ready


def test_the_upload_quota_is_said_plainly_and_discarding_frees_it(
    app: Flask, make_user: Any, login: Any
) -> None:
    app.config["IMPORT_UPLOAD_QUOTA_BYTES"] = 2 * MIB
    web = login(make_user())
    rows = "".join(f"Person{i},Muster,p{i}@example.org,Firma\r\n" for i in range(30_000))
    big = ("First Name,Last Name,Email Address,Company\r\n" + rows).encode()
    assert 1.2 * MIB < len(big) < 1.6 * MIB
    first = staged(web, ("a.csv", big))
    refused = post_files(web, ("b.csv", big))
    assert refused.status_code == 422
    message = refused.get_data(as_text=True)
    assert "Your unconfirmed uploads use 1 MB of 2 MB" in message
    assert "confirm or discard one first" in message
    assert count_rows(app, "import_batch") == 1
    web.submit(first + "/discard", form_url=first)
    staged(web, ("b.csv", big))


def test_unconfirmed_uploads_expire_after_a_day(
    app: Flask, staged_connections: tuple[WebClient, str]
) -> None:
    web, url = staged_connections
    fresh = staged(web, connections())
    with Session(app.extensions["planner.engine"]) as session:
        batch = session.get(ImportBatch, uuid.UUID(url.rsplit("/", 1)[1]))
        assert batch is not None
        batch.created_at = utcnow() - timedelta(hours=25)
        session.commit()
    with app.app_context():
        assert tasks.expire_unconfirmed_uploads.call_local() == 1
    page = web.get(url).get_data(as_text=True)
    assert "its files were deleted" in page and "Confirm and import" not in page
    assert "Confirm and import" in web.get(fresh).get_data(as_text=True)
    with app.extensions["planner.engine"].connect() as conn:
        kept = conn.execute(text("SELECT count(*) FROM import_file WHERE data IS NOT NULL"))
        assert kept.scalar_one() == 1


def _confirm_without_a_worker(
    app: Flask, web: WebClient, url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Confirm in the background, with a worker that dies before it writes anything."""
    app.config["IMPORT_BACKGROUND_THRESHOLD"] = 10
    with monkeypatch.context() as patched:
        patched.setattr(tasks, "run_import", lambda *args: None)
        assert web.submit(url + "/confirm", form_url=url).status_code == 302


def _lease_runs_out(app: Flask) -> None:
    past = utcnow() - timedelta(seconds=2 * app.config["IMPORT_LEASE_SECONDS"])
    with app.extensions["planner.engine"].begin() as conn:
        conn.execute(text("UPDATE import_batch SET claimed_at = :past"), {"past": past})


def test_a_write_left_running_by_a_dead_worker_can_be_run_again(
    app: Flask,
    staged_connections: tuple[WebClient, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    web, url = staged_connections
    _confirm_without_a_worker(app, web, url, monkeypatch)
    running = web.get(url).get_data(as_text=True)
    assert "<progress" in running and "Run it again" not in running
    early = web.submit(url + "/resume", form_url=url, follow_redirects=True)
    assert "nothing to resume" in early.get_data(as_text=True)
    _lease_runs_out(app)
    stuck = web.get(url).get_data(as_text=True)
    assert "The import stopped" in stuck and "Run it again" in stuck
    assert 'http-equiv="refresh"' not in stuck
    assert "stopped" in web.get("/imports/").get_data(as_text=True)
    done = web.submit(url + "/resume", form_url=url, follow_redirects=True)
    assert "Undo this import" in done.get_data(as_text=True)
    assert count_rows(app, "contact") == 15


def test_a_write_left_running_by_a_dead_worker_can_be_discarded(
    app: Flask,
    staged_connections: tuple[WebClient, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    web, url = staged_connections
    _confirm_without_a_worker(app, web, url, monkeypatch)
    refused = web.submit(url + "/discard", form_url=url, follow_redirects=True)
    assert "Only an import that was not written can be discarded." in refused.get_data(as_text=True)
    _lease_runs_out(app)
    web.submit(url + "/discard", form_url=url)
    assert count_rows(app, "import_batch") == 0 and count_rows(app, "contact") == 0


def test_a_late_delivery_of_the_first_claim_writes_nothing_after_a_resume(
    app: Flask,
    staged_connections: tuple[WebClient, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    web, url = staged_connections
    _confirm_without_a_worker(app, web, url, monkeypatch)
    _lease_runs_out(app)
    web.submit(url + "/resume", form_url=url)
    batch_id = url.rsplit("/", 1)[1]
    with app.extensions["planner.engine"].begin() as conn:  # as if still running
        conn.execute(text("UPDATE import_batch SET status = 'running'"))
    owner_id = _owner_of(app)
    with app.app_context():
        late = tasks.run_import.call_local(batch_id, owner_id, 1)
    assert late == {"status": "superseded"}
    assert count_rows(app, "contact") == 15


def _owner_of(app: Flask) -> str:
    with app.extensions["planner.engine"].connect() as conn:
        return str(conn.execute(text("SELECT owner_id FROM import_batch")).scalar_one())


def test_a_preview_uploaded_before_previews_were_stored_is_computed_once(
    app: Flask, staged_connections: tuple[WebClient, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    web, url = staged_connections
    with app.extensions["planner.engine"].begin() as conn:
        conn.execute(text("UPDATE import_batch SET preview = NULL"))
    parses: list[Any] = []
    real = service.parse_batch

    def counted(batch: Any) -> Any:
        parses.append(batch.id)
        return real(batch)

    monkeypatch.setattr(service, "parse_batch", counted)
    for _view in range(3):
        assert "15 new" in web.get(url).get_data(as_text=True)
    assert len(parses) == 1


def test_a_preview_whose_worker_died_can_be_read_again(
    app: Flask, make_user: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["IMPORT_PREVIEW_BACKGROUND_BYTES"] = 1000
    web = login(make_user())
    with monkeypatch.context() as patched:
        patched.setattr(tasks, "preview_batch", lambda *args: None)  # the worker dies
        url = staged(web, connections())
    assert "being read in the background" in web.get(url).get_data(as_text=True)
    _lease_runs_out(app)
    stopped = web.get(url).get_data(as_text=True)
    assert "Reading the files stopped" in stopped and "Read again" in stopped
    assert 'http-equiv="refresh"' not in stopped
    again = web.submit(url + "/resume", form_url=url, follow_redirects=True)
    assert "15 new" in again.get_data(as_text=True)


@pytest.mark.parametrize("action", ["/resume", "/discard"])
def test_another_users_stopped_import_answers_404_and_stays(
    app: Flask,
    staged_connections: tuple[WebClient, str],
    make_user: Any,
    login: Any,
    monkeypatch: pytest.MonkeyPatch,
    action: str,
) -> None:
    alice, url = staged_connections
    _confirm_without_a_worker(app, alice, url, monkeypatch)
    _lease_runs_out(app)
    bob = login(make_user())
    response = bob.submit(url + action, form_url="/imports/")
    assert response.status_code == 404
    assert count_rows(app, "contact") == 0 and count_rows(app, "import_batch") == 1
    assert "The import stopped" in alice.get(url).get_data(as_text=True)
