"""A big import written by the worker gets its follow-ups (places, duplicates, topics) too."""

from typing import Any

import pytest
from flask import Flask

from planner import tasks
from tests.web.test_imports_web import CONNECTIONS, staged


def test_a_background_import_queues_its_followups(
    app: Flask, make_user: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks.huey, "immediate", True)
    app.config["IMPORT_BACKGROUND_THRESHOLD"] = 10  # the 15 rows go to the worker
    followed: list[tuple[str, str]] = []
    monkeypatch.setattr(tasks, "after_import", lambda *args: followed.append(args))
    user = make_user()
    web = login(user)
    url = staged(web, CONNECTIONS)
    assert web.submit(url + "/confirm", form_url=url).status_code == 302
    assert followed == [(url.rsplit("/", 1)[1], str(user.id))]


def test_a_failed_background_import_queues_nothing(
    app: Flask, make_user: Any, login: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tasks.huey, "immediate", True)
    app.config["IMPORT_BACKGROUND_THRESHOLD"] = 10
    followed: list[tuple[str, str]] = []
    monkeypatch.setattr(tasks, "after_import", lambda *args: followed.append(args))

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("planner.imports.service.write_import", broken)
    web = login(make_user())
    url = staged(web, CONNECTIONS)
    web.submit(url + "/confirm", form_url=url)
    assert followed == []
