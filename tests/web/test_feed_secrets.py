"""The private feed's token stays where it belongs: out of the signed (readable) session
cookie, and out of the access log, where ``planner serve`` runs a real gunicorn, a calendar
app fetches the feed and someone opens a verification link: the log has both requests,
neither token."""

import io
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from gunicorn.config import Config
from sqlmodel import Session

from planner.access_log import MaskingLogger, mask_secrets
from planner.feeds.service import new_feed_token
from planner.models import User
from planner.settings.sending import new_verification


def test_mask_secrets_keeps_everything_but_the_token() -> None:
    line = '127.0.0.1 - - "GET /feed/AbC-d_e123456789012345678901.ics?x=1 HTTP/1.1" 200'
    assert mask_secrets(line) == '127.0.0.1 - - "GET /feed/….ics?x=1 HTTP/1.1" 200'
    assert mask_secrets("/settings/email/verify/Zz9-_aaaaaaaaaaaaaaaaaaaa") == (
        "/settings/email/verify/…"
    )
    assert mask_secrets("POST /register/confirm/Zz9-_aaaaaaaaaaaaaaaaaaaa HTTP/1.1") == (
        "POST /register/confirm/… HTTP/1.1"
    )
    assert mask_secrets("GET /feedback/x /settings/email/verify HTTP/1.1") == (
        "GET /feedback/x /settings/email/verify HTTP/1.1"
    )


def test_a_failing_feed_request_is_logged_without_its_token(
    app: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: Any) -> None:
        raise RuntimeError("the database is away")

    monkeypatch.setattr("planner.feeds.service.owner_of_token", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # handled and logged, as in production
    token = "Zz9-_" + "a" * 38
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        assert app.test_client().get(f"/feed/{token}.ics").status_code == 500
    assert "Exception on /feed/….ics [GET]" in caplog.text and token not in caplog.text
    assert len(app.logger.filters) == 1  # once, however many apps the process made


def test_gunicorns_error_log_is_masked_too() -> None:
    logger = MaskingLogger(Config())
    lines = io.StringIO()
    logger.error_log.addHandler(logging.StreamHandler(lines))
    token = "Zz9-_" + "a" * 38
    logger.error("Error handling request %s", f"/feed/{token}.ics")
    assert lines.getvalue() == "Error handling request /feed/….ics\n"


def _session_cookie(app: Flask, web: Any) -> dict[str, Any]:
    """The session as anyone holding the cookie can read it (signed, not encrypted)."""
    cookie = web.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer is not None
    data: dict[str, Any] = serializer.loads(cookie.value)
    return data


def test_the_feed_address_never_enters_the_session_cookie(
    app: Flask, make_user: Any, login: Any
) -> None:
    web = login(make_user("alice@example.org"))
    made = web.submit("/settings/calendars/feed", form_url="/settings/calendars")
    assert made.status_code == 200  # shown in the POST's own response, not after a redirect
    assert made.headers["Cache-Control"] == "no-store"
    found = re.search(r'value="http[^"]+/feed/([^"/]+)\.ics"', made.get_data(as_text=True))
    assert found
    token = found.group(1)
    cookie = _session_cookie(app, web)
    assert "_user_id" in cookie  # the real session, decoded with the app's secret
    assert token not in repr(cookie)
    page = web.get("/settings/calendars").get_data(as_text=True)
    assert token not in page and token not in repr(_session_cookie(app, web))
    assert "It is not shown again" in page


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_planner_serve_logs_feed_and_verification_requests_without_their_tokens(
    app: Flask, backend: str, make_user: Any, database_url: str, tmp_path: Path
) -> None:
    if backend != "sqlite":
        pytest.skip("the log is under test, not the database: one backend is enough")
    user = make_user("alice@example.org")
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        owner = session.get(User, user.id)
        assert owner is not None
        feed_token = new_feed_token(session, owner=owner)
        link_token = new_verification(session, owner=owner)
        session.commit()

    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        "PLANNER_INSTANCE_PATH": str(tmp_path / "instance"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("REDIS_URL", None)
    planner = Path(sys.executable).parent / "planner"
    server = subprocess.Popen(
        [str(planner), "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stderr is not None
        for line in server.stderr:  # gunicorn says when it listens
            if "Listening at" in line:
                break
        else:
            pytest.fail("gunicorn did not start")
        base = f"http://127.0.0.1:{port}"
        assert _get(f"{base}/feed/{feed_token}.ics") == 200
        assert _get(f"{base}/settings/email/verify/{link_token}") == 200
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=60)
    log = out + err
    assert "GET /feed/….ics HTTP/1.1" in log  # the request is logged ...
    assert "GET /settings/email/verify/… HTTP/1.1" in log
    assert feed_token not in log and link_token not in log  # ... its token is not
