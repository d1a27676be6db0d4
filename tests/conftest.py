"""Fixtures for every tier.

Service and web tests run once on SQLite and once on PostgreSQL (the ``backend`` parameter).
Without a reachable PostgreSQL, Redis or Chromium those runs are skipped and the summary
says so loudly; with REQUIRE_SERVICES=1 (CI) a missing service fails the run instead.
"""

import os
import re
import secrets
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Background tasks run in-process during tests (before planner.tasks is imported anywhere).
os.environ.setdefault("PLANNER_HUEY_IMMEDIATE", "1")

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlmodel import Session, SQLModel

from planner import create_app, migrate

POSTGRES_ADMIN_URL = os.environ.get(
    "PLANNER_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_TEST_URL = os.environ.get("PLANNER_TEST_REDIS", "redis://127.0.0.1:6379/15")
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
CHEAP_ARGON2 = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1}
PASSWORD = "correct horse battery"

_missing: dict[str, str] = {}


def service_missing(name: str, reason: str) -> None:
    """Skip (or, with REQUIRE_SERVICES=1, fail) because a service is not there."""
    _missing[name] = reason
    if REQUIRE_SERVICES:
        pytest.fail(f"{name} is required (REQUIRE_SERVICES=1) but {reason}", pytrace=False)
    pytest.skip(f"{name}: {reason}")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _missing:
        terminalreporter.section("SERVICES NOT TESTED", sep="!", yellow=True, bold=True)
        for name, reason in sorted(_missing.items()):
            terminalreporter.write_line(
                f"SKIPPED every {name} test: {reason}", yellow=True, bold=True
            )
        terminalreporter.write_line("Set REQUIRE_SERVICES=1 to make this an error (CI does).")


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _postgres_database() -> Iterator[str]:
    import psycopg

    admin = POSTGRES_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        service_missing("PostgreSQL", f"not reachable at {admin} ({str(error).strip()[:120]})")
    name = f"planner_test_{secrets.token_hex(4)}"
    conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty database migrated to head, one per backend and test run."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
        migrate.upgrade(url)
        yield url
    else:
        for url in _postgres_database():
            migrate.upgrade(url)
            yield url


def _empty_tables(app: Flask) -> None:
    engine = app.extensions["planner.engine"]
    with engine.begin() as conn:
        for table in reversed(SQLModel.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "RATELIMIT_ENABLED": False,
            **CHEAP_ARGON2,
        }
    )
    yield app
    _empty_tables(app)
    app.extensions["planner.engine"].dispose()


@pytest.fixture
def backend(database_url: str) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """The session a request would use, inside an app context (service tests only: web
    tests must not hold an app context open, or every request would share its ``g``)."""
    from planner import db as planner_db

    with app.app_context():
        yield planner_db.session()


def _detached(app: Flask, work: Any) -> Any:
    """Run ``work(session)`` in its own app context and session; return the committed rows,
    with their child collections loaded, detached from that session."""
    with (
        app.app_context(),
        Session(app.extensions["planner.engine"], expire_on_commit=False) as session,
    ):
        row = work(session)
        session.commit()
        for name in ("emails", "phones", "accounts", "topics", "sources"):
            getattr(row, name, None)
        return row


@pytest.fixture
def make_user(app: Flask) -> Any:
    from planner.auth.service import create_user

    def make(email: str | None = None, password: str = PASSWORD, **fields: Any) -> Any:
        def work(session: Session) -> Any:
            user = create_user(
                session,
                password=password,
                email=email or f"user-{uuid.uuid4().hex[:8]}@example.org",
            )
            for name, value in fields.items():
                setattr(user, name, value)
            return user

        return _detached(app, work)

    return make


@pytest.fixture
def make_contact(app: Flask) -> Any:
    from planner.contacts.service import ContactInput, create_contact

    def make(owner: Any, **overrides: Any) -> Any:
        data = ContactInput(**{"first_name": "Anna", "last_name": "Beispiel", **overrides})
        return _detached(app, lambda session: create_contact(session, owner=owner, data=data))

    return make


_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class WebClient:
    """The test client with what a browser does: carry the form's CSRF token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def csrf_token(self, url: str) -> str:
        page = self.client.get(url)
        found = _CSRF.search(page.get_data(as_text=True))
        assert found, f"no CSRF token on {url} ({page.status_code})"
        return found.group(1)

    def submit(
        self,
        url: str,
        data: dict[str, Any] | None = None,
        *,
        form_url: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """POST ``data`` to ``url`` with the token from the page at ``form_url`` (or ``url``)."""
        token = self.csrf_token(form_url or url)
        return self.client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)

    def login(self, email: str, password: str = PASSWORD) -> Any:
        response = self.submit("/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response


@pytest.fixture
def client(app: Flask) -> WebClient:
    return WebClient(app.test_client())


@pytest.fixture
def login(app: Flask) -> Any:
    """``login(user)`` -> a WebClient signed in as that user."""

    def sign_in(user: Any, password: str = PASSWORD) -> WebClient:
        web = WebClient(app.test_client())
        web.login(user.email, password)
        return web

    return sign_in


@pytest.fixture(scope="session")
def redis_url() -> str:
    if not _port_open("127.0.0.1", 6379):
        service_missing("Redis", "nothing listens on 127.0.0.1:6379")
    return REDIS_TEST_URL


def count_rows(app: Flask, table: str) -> int:
    with app.extensions["planner.engine"].connect() as conn:
        return int(conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
