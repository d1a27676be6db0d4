from pathlib import Path

import pytest

from planner import create_app
from planner.config import instance_secret, normalize_database_url


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "PLANNER_INSTANCE_PATH",
        "PLANNER_BASE_URL",
        "PLANNER_CONTACTS_PER_PAGE",
    ):
        monkeypatch.delenv(name, raising=False)


def test_defaults_put_sqlite_and_a_generated_secret_under_instance(
    tmp_path: Path, clean_env: None
) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'treffpunkt.db'}"
    secret = (tmp_path / "secret_key").read_text().strip()
    assert app.config["SECRET_KEY"] == secret and len(secret) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    again = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert again.config["SECRET_KEY"] == secret


def test_instance_config_file_is_overridden_by_environment(
    tmp_path: Path, clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config.py").write_text('CONTACTS_PER_PAGE = 20\nBASE_URL = "https://x.example"\n')
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["CONTACTS_PER_PAGE"] == 20
    monkeypatch.setenv("PLANNER_CONTACTS_PER_PAGE", "30")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["CONTACTS_PER_PAGE"] == 30
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SESSION_COOKIE_SECURE"] is True  # https base URL


def test_plain_http_keeps_cookies_usable_on_localhost(tmp_path: Path, clean_env: None) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_redis_url_moves_sign_in_counts_to_redis(
    tmp_path: Path, clean_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.auth import throttle

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert isinstance(throttle.store(app), throttle.RedisStore)
    without = create_app({"INSTANCE_PATH": str(tmp_path), "REDIS_URL": None})
    assert isinstance(throttle.store(without), throttle.DatabaseStore)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h:5432/db", "postgresql+psycopg://u@h:5432/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_urls_use_psycopg3(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


def test_secret_is_created_once_even_when_racing(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    first = instance_secret(path)
    assert instance_secret(path) == first
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temp files left
