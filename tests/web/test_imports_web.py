"""Importing in the browser: upload, preview (nothing written), confirm, undo, isolation."""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from planner import tasks
from tests.conftest import WebClient, count_rows

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
CONNECTIONS = SAMPLES / "linkedin" / "Connections.csv"


def upload(web: WebClient, *files: Path, format: str = "") -> Any:
    data = {
        "files": [(io.BytesIO(path.read_bytes()), path.name) for path in files],
        "format": format,
    }
    return web.submit("/imports/", data, content_type="multipart/form-data")


def staged(web: WebClient, *files: Path) -> str:
    response = upload(web, *files)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert re.fullmatch(r"/imports/[0-9a-f-]{36}", response.location)
    return str(response.location)


def test_the_upload_page_explains_where_each_export_comes_from(make_user: Any, login: Any) -> None:
    page = login(make_user()).get("/imports/").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert "Get a copy of your data" in page and "Download your information" in page
    assert "LinkedIn Connections.csv" in page and "Detect automatically" in page
    assert "No imports yet." in page


def test_an_empty_selection_is_a_form_error(app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user())
    response = upload(web)
    assert response.status_code == 422  # house style: form errors are 422
    assert "Choose at least one export file." in response.get_data(as_text=True)
    assert count_rows(app, "import_batch") == 0


def test_preview_confirm_and_undo_a_linkedin_export(app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user())
    url = staged(web, CONNECTIONS)

    preview = web.get(url).get_data(as_text=True)
    assert "Connections.csv" in preview and "LinkedIn Connections.csv" in preview
    assert "15 new, 0 merged with existing contacts, 1 skipped" in preview
    assert "Row 20" in preview and "empty row" in preview
    assert "Ingrid Solvang" in preview  # the sample table
    assert "Confirm and import" in preview
    assert count_rows(app, "contact") == 0  # a preview writes nothing

    done = web.submit(url + "/confirm", form_url=url, follow_redirects=True)
    page = done.get_data(as_text=True)
    assert "15 contacts imported, 0 merged" in page
    assert "Undo this import" in page
    assert count_rows(app, "contact") == 15
    assert "Tilman Voß" in web.get("/contacts/").get_data(as_text=True)
    history = web.get("/imports/").get_data(as_text=True)
    assert "Connections.csv" in history and "15 new, 0 merged" in history

    again = web.submit(url + "/confirm", form_url=url, follow_redirects=True)
    assert "cannot be confirmed" in again.get_data(as_text=True)
    assert count_rows(app, "contact") == 15

    undone = web.submit(url + "/undo", form_url=url, follow_redirects=True)
    assert "15 contacts removed" in undone.get_data(as_text=True)
    assert "This import was undone" in undone.get_data(as_text=True)
    assert count_rows(app, "contact") == 0


def test_a_second_import_merges_into_existing_contacts(
    app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user())
    first = staged(web, CONNECTIONS)
    web.submit(first + "/confirm", form_url=first)
    second = staged(web, SAMPLES / "linkedin" / "Connections_old_no_url.csv")
    preview = web.get(second).get_data(as_text=True)
    assert re.search(r"\d+ new, [1-9]\d* merged with existing contacts", preview)
    assert count_rows(app, "contact") == 15


def test_a_broken_file_shows_its_reason_and_nothing_is_written(
    app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user())
    url = staged(web, SAMPLES / "broken" / "binary_renamed.csv")
    page = web.get(url).get_data(as_text=True)
    assert "binary data (PNG image), not a CSV file" in page
    assert "rejected" in page and "There is nothing to import" in page
    assert "Confirm and import" not in page

    refused = web.submit(url + "/confirm", form_url=url, follow_redirects=True)
    assert "nothing to import" in refused.get_data(as_text=True)
    assert count_rows(app, "contact") == 0

    gone = web.submit(url + "/discard", form_url=url, follow_redirects=True)
    assert "discarded" in gone.get_data(as_text=True)
    assert count_rows(app, "import_batch") == 0 and count_rows(app, "import_file") == 0


def test_file_names_and_problems_are_escaped(make_user: Any, login: Any) -> None:
    web = login(make_user())
    name = "<img src=x onerror=alert(1)>.csv"
    data = {"files": [(io.BytesIO(b"Name,Email\n<b>x</b>,a@example.org\n"), name)]}
    response = web.submit("/imports/", data, content_type="multipart/form-data")
    page = web.get(response.location).get_data(as_text=True)
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;.csv" in page
    assert "<b>x</b>" not in page


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", ""), ("POST", "/confirm"), ("POST", "/discard"), ("POST", "/undo")],
)
def test_another_users_import_urls_answer_404_and_change_nothing(
    app: Flask, make_user: Any, login: Any, method: str, suffix: str
) -> None:
    alice = login(make_user())
    url = staged(alice, CONNECTIONS)
    if suffix == "/undo":
        alice.submit(url + "/confirm", form_url=url)
    before = count_rows(app, "contact")
    bob = login(make_user())
    if method == "GET":
        response = bob.get(url + suffix)
    else:
        response = bob.submit(url + suffix, form_url="/imports/")
    assert response.status_code == 404
    assert "Connections.csv" not in response.get_data(as_text=True)
    assert count_rows(app, "contact") == before
    assert count_rows(app, "import_batch") == 1
    assert "No imports yet." in bob.get("/imports/").get_data(as_text=True)


def test_malformed_import_ids_are_404(make_user: Any, login: Any) -> None:
    web = login(make_user())
    for bad in ("not-a-uuid", "1", "00000000-0000-0000-0000-000000000000"):
        assert web.get(f"/imports/{bad}").status_code == 404


def test_a_post_without_csrf_token_is_refused(app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user())
    url = staged(web, CONNECTIONS)
    for suffix in ("/confirm", "/discard"):
        assert web.client.post(url + suffix).status_code == 400
    data = {"files": [(io.BytesIO(CONNECTIONS.read_bytes()), "Connections.csv")]}
    no_token = web.client.post("/imports/", data=data, content_type="multipart/form-data")
    assert no_token.status_code == 400
    assert count_rows(app, "contact") == 0 and count_rows(app, "import_batch") == 1


def test_a_large_import_runs_as_a_background_task(
    app: Flask, make_user: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks.huey, "immediate", True)
    app.config["IMPORT_BACKGROUND_THRESHOLD"] = 10
    queued: list[tuple[Any, ...]] = []
    real = tasks.run_import

    def spy(*args: Any) -> Any:
        queued.append(args)
        return real(*args)

    monkeypatch.setattr(tasks, "run_import", spy)
    user = make_user()
    web = login(user)
    url = staged(web, CONNECTIONS)
    response = web.submit(url + "/confirm", form_url=url)
    assert response.status_code == 302
    assert queued == [(url.rsplit("/", 1)[1], str(user.id), 1)]  # the first claim
    assert count_rows(app, "contact") == 15
    page = web.get(url).get_data(as_text=True)
    assert "Undo this import" in page and "15 new" in page


def test_a_running_import_shows_its_progress(
    app: Flask, make_user: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    web = login(make_user())
    url = staged(web, CONNECTIONS)
    with app.extensions["planner.engine"].begin() as conn:
        conn.execute(text("UPDATE import_batch SET status = 'running'"))
    monkeypatch.setattr(tasks, "import_progress", lambda batch_id: {"done": 4, "total": 15})
    page = web.get(url).get_data(as_text=True)
    assert '<progress value="4" max="15">' in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "<script" not in page
    refused = web.submit(url + "/confirm", form_url=url, follow_redirects=True)
    assert "cannot be confirmed" in refused.get_data(as_text=True)
    assert count_rows(app, "contact") == 0


def test_a_failed_import_says_nothing_was_written(app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user())
    url = staged(web, CONNECTIONS)
    with app.extensions["planner.engine"].begin() as conn:
        conn.execute(text("UPDATE import_batch SET status = 'failed', error = 'boom'"))
    page = web.get(url).get_data(as_text=True)
    assert "The import failed" in page and "Nothing was written" in page


def test_import_pages_have_no_inline_code_and_speak_german(
    app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user(locale="de"))
    url = staged(web, CONNECTIONS)
    for page in (web.get("/imports/"), web.get(url)):
        text = page.get_data(as_text=True)
        assert "<script" not in text and " style=" not in text
    assert "Kontakte importieren" in web.get("/imports/").get_data(as_text=True)
    assert "15 neu, 0 mit vorhandenen Kontakten zusammengeführt" in web.get(url).get_data(
        as_text=True
    )


def test_an_upload_over_the_size_limit_is_refused(app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user())
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = upload(web, SAMPLES / "google" / "contacts.csv")
    assert response.status_code == 413
    assert count_rows(app, "import_batch") == 0


def test_when_the_queue_is_down_the_import_stays_a_preview(
    app: Flask, make_user: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["IMPORT_BACKGROUND_THRESHOLD"] = 10

    def down(*args: str) -> Any:
        raise ConnectionError("redis is not there")

    monkeypatch.setattr(tasks, "run_import", down)
    web = login(make_user())
    url = staged(web, CONNECTIONS)
    page = web.submit(url + "/confirm", form_url=url, follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "could not be started" in text and "Confirm and import" in text
    assert count_rows(app, "contact") == 0


# -- automatic merges need agreeing names ------------------------------------------------

SHARED_KEYS = Path(__file__).resolve().parents[1] / "fixtures" / "dedupe" / "shared_keys_google.csv"


def test_the_preview_names_each_merge_and_the_pairs_kept_apart(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    owner = make_user()
    make_contact(owner, first_name="Anna", last_name="Berg", phones=["+49 40 5550140"])
    web = login(owner)
    url = staged(web, SHARED_KEYS)
    page = web.get(url).get_data(as_text=True)
    assert "13 new, 6 merged with existing contacts, 0 skipped" in page
    assert "pairs kept apart: they share an identifier, not a name" in page
    kept_apart = page.split('class="held-apart"')[1].split("</details>")[0]
    assert re.search(
        r"<strong>Peter Berg</strong> <small>\(row 3\)</small>\s*and\s*"
        r"<strong>Anna Berg</strong> <small>\(your contact\)</small>: "
        r"same phone number \+49 40 5550140",
        kept_apart,
    )
    assert "same e-mail address team@barcamp-hamburg.example" in kept_apart
    merges = page.split('class="merges"')[1].split("</details>")[0]
    assert re.search(
        r"<strong>K. Hansen</strong> <small>\(row 14\)</small>\s*→\s*"
        r"<strong>Kai Hansen</strong> <small>\(row 7\)</small>: "
        r"same e-mail address k.hansen@elbwerk.example",
        merges,
    )
    assert re.search(
        r"<strong>Anna Berg</strong> <small>\(row 2\)</small>\s*→\s*"
        r"<strong>Anna Berg</strong> <small>\(your contact\)</small>",
        merges,
    )
    assert count_rows(app, "contact") == 1  # a preview writes nothing


def test_people_kept_apart_show_under_possible_duplicates_with_the_shared_number(
    app: Flask, make_user: Any, login: Any
) -> None:
    from planner import db as planner_db
    from planner.duplicates.service import find_suggestions
    from planner.imports import service as imports
    from planner.models import User

    user = make_user(locale="de")
    uploads = [(SHARED_KEYS.name, SHARED_KEYS.read_bytes())]
    with app.app_context():
        session = planner_db.session()
        owner = session.get(User, user.id)
        assert owner is not None
        batch = imports.stage_import(session, owner=owner, uploads=uploads)
        imports.write_import(
            session, owner=owner, batch=batch, parsed=imports.parse_uploads(uploads)
        )
        find_suggestions(session, owner=owner)
        session.commit()
    web = login(user)
    page = "".join(web.get(f"/duplicates/?page={n}").get_data(as_text=True) for n in (1, 2))
    assert "30 Paare zu prüfen" in page
    assert "gleiche Telefonnummer +49 40 5550140" in page
    assert "gleiche E-Mail-Adresse team@barcamp-hamburg.example" in page
    assert "Peter Berg" in page and "Jonas" in page
