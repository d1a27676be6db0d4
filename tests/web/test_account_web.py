"""The account download and upload in the settings: the download is the CLI's document,
private (no-store); reading it into a new account brings the contacts and the follow-up;
a non-empty account and a file that is not JSON are refused with a message."""

import io
import json
from typing import Any

from flask import Flask

from planner.account.service import without_ids


def test_download_and_read_into_a_new_account(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    old = make_user()
    anna = make_contact(old, first_name="Anna", last_name="Berg")
    web = login(old)
    page = f"/contacts/{anna.id}"
    web.submit(f"{page}/keep-in-touch", {"every_weeks": "3"}, form_url=page)
    web.submit(f"{page}/notes", {"text": "Kennt das Barcamp"}, form_url=page)
    assert 'id="account"' in web.get("/settings/").get_data(as_text=True)
    download = web.get("/settings/account/export")
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "no-store"
    assert "attachment" in download.headers["Content-Disposition"]
    document = json.loads(download.get_data())
    assert [c["display_name"] for c in document["contacts"]] == ["Anna Berg"]

    new = login(make_user())
    upload = new.submit(
        "/settings/account/import",
        {"document": (io.BytesIO(download.get_data()), "account.json")},
        form_url="/settings/",
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    assert "1 contacts" in new.get("/settings/").get_data(as_text=True)
    again = json.loads(new.get("/settings/account/export").get_data())
    assert without_ids(again) == without_ids(document)
    assert "Anna Berg" in new.get("/followups").get_data(as_text=True)

    # the second time the account is not empty: refused, nothing doubled
    twice = new.submit(
        "/settings/account/import",
        {"document": (io.BytesIO(download.get_data()), "account.json")},
        form_url="/settings/",
        content_type="multipart/form-data",
    )
    assert twice.status_code == 302
    assert "not empty" in new.get("/settings/").get_data(as_text=True)
    assert len(json.loads(new.get("/settings/account/export").get_data())["contacts"]) == 1


def test_a_file_that_is_not_json_is_refused(app: Flask, make_user: Any, login: Any) -> None:
    web = login(make_user())
    upload = web.submit(
        "/settings/account/import",
        {"document": (io.BytesIO(b"\x89PNG not json"), "photo.json")},
        form_url="/settings/",
        content_type="multipart/form-data",
    )
    assert upload.status_code == 302
    assert "photo.json is not a JSON document" in web.get("/settings/").get_data(as_text=True)
    # without a CSRF token: refused
    assert web.client.post("/settings/account/import").status_code == 400
