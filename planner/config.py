"""Configuration: defaults < instance/config.py < environment < explicit overrides.

Environment: DATABASE_URL, REDIS_URL, SECRET_KEY and any PLANNER_<NAME> (sets NAME).
"""

import json
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from planner.matching import Weights
from planner.paths import INSTANCE_DIR


class Defaults:
    DATABASE_URL: str | None = None  # None: SQLite file under the instance folder
    REDIS_URL: str | None = None
    SECRET_KEY: str | None = None  # None: generated once into instance/secret_key
    # The public address. Unset: addresses shown on a page follow the request (through
    # ProxyFix behind proxies), links in e-mails use the address ``planner serve`` bound.
    BASE_URL: str | None = None
    SERVED_AT = "http://127.0.0.1:5000"  # set by ``planner serve`` for its workers
    LANGUAGES = ("de", "en")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    CONTACTS_PER_PAGE = 50
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024  # uploads: 20 MiB
    # Imports (planner.imports.uploads, .previews, .lease): uploads kept for a preview count
    # against a quota per user and are deleted when not confirmed within a day; bigger
    # uploads are previewed in the background worker; a write whose heartbeat is older than
    # the lease was left by a worker that died, and can be resumed or discarded.
    IMPORT_UPLOAD_QUOTA_BYTES = 100 * 1024 * 1024
    IMPORT_UPLOAD_TTL_HOURS = 24
    IMPORT_PREVIEW_BACKGROUND_BYTES = 2 * 1024 * 1024  # of text to parse (a zip: unpacked)
    IMPORT_LEASE_SECONDS = 600
    # Sign-in and registration throttling (planner.auth.throttle: the limits are constants
    # there), counted in Redis when REDIS_URL is set, else in the database. Off in tests.
    RATELIMIT_ENABLED = True
    # Reverse proxies in front of the app (0: none): how many X-Forwarded-For/-Proto/-Host
    # hops to believe, for the client address, HTTPS and the host in links.
    TRUSTED_PROXIES = 0
    # Argon2id parameters (RFC 9106 "second recommended option" scaled to a small server).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024  # KiB
    ARGON2_PARALLELISM = 2
    SESSION_COOKIE_NAME = "treffpunkt_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE: bool | None = None  # None: secure when BASE_URL is https
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 14 * 24 * 3600
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session
    WTF_I18N_ENABLED = True
    # Places: the offline gazetteer (GeoNames) by default; "nominatim" also asks an online
    # Nominatim for what the gazetteer does not know (only from tasks and the CLI).
    GEOCODER = "gazetteer"
    GAZETTEER_PATH: str | None = None  # None: instance/gazetteer.sqlite
    NOMINATIM_DOMAIN = "nominatim.openstreetmap.org"
    NOMINATIM_SCHEME = "https"
    GEOCODER_USER_AGENT = "Treffpunkt/0.1 (self-hosted contact and trip planner)"
    GEOCODER_MIN_DELAY_SECONDS = 1.0  # Nominatim usage policy: at most one request a second
    GEOCODER_TIMEOUT = 10
    # Trip suggestions: overrides of planner.matching.Weights by name, e.g. {"distance": 40}
    # (environment: PLANNER_MATCH_WEIGHTS='{"distance": 40}').
    MATCH_WEIGHTS: dict[str, float] = {}
    # E-mail for invites. Without SMTP_HOST invites are downloaded and sent by hand.
    SMTP_HOST: str | None = None
    SMTP_PORT = 587
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_SECURITY = "starttls"  # "starttls" | "ssl" | "none"
    SMTP_TIMEOUT = 20
    MAIL_SENDER: str | None = None  # From:, e.g. "Treffpunkt <treffpunkt@example.org>"
    # Invitations one user may send through the server in 24 hours (recipients, not messages).
    MAIL_DAILY_RECIPIENTS = 50
    # The user's own calendars (read for busy times): private ics addresses are fetched
    # again this often; addresses in private networks are refused unless allowed (SSRF).
    CALENDAR_REFRESH_MINUTES = 60
    CALENDAR_MAX_BYTES = 5 * 1024 * 1024
    CALENDAR_ALLOW_PRIVATE_ADDRESSES = False
    MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    MAP_TILE_ATTRIBUTION = (
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    )


_BOOL = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def _coerce(value: str, default: Any) -> Any:
    """Environment values are strings; give them the type of the default they replace."""
    if isinstance(default, bool) or (default is None and value.lower() in _BOOL):
        return _BOOL.get(value.lower(), value)
    if isinstance(default, int):
        return int(value)
    if isinstance(default, dict):
        return json.loads(value)
    return value


def _from_environment(environ: dict[str, str], app: Flask) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        if environ.get(name):
            found[name] = environ[name]
    for name, value in environ.items():
        if name.startswith("PLANNER_") and name != "PLANNER_INSTANCE_PATH":
            key = name.removeprefix("PLANNER_")
            found[key] = _coerce(value, app.config.get(key))
    return found


def instance_dir(overrides: dict[str, Any] | None = None) -> Path:
    raw = (overrides or {}).get("INSTANCE_PATH") or os.environ.get("PLANNER_INSTANCE_PATH")
    return Path(raw).resolve() if raw else INSTANCE_DIR


def load(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(_from_environment(dict(os.environ), app))
    app.config.update(overrides or {})
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'treffpunkt.db'}"
    app.config["DATABASE_URL"] = normalize_database_url(app.config["DATABASE_URL"])
    if not app.config.get("GAZETTEER_PATH"):
        app.config["GAZETTEER_PATH"] = str(Path(app.instance_path) / "gazetteer.sqlite")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path) / "secret_key")
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        secure = str(app.config.get("BASE_URL") or "").startswith("https://")
        app.config["SESSION_COOKIE_SECURE"] = secure
        app.config["REMEMBER_COOKIE_SECURE"] = secure
    Weights.from_config(app.config["MATCH_WEIGHTS"])  # a misspelt weight fails at start


def normalize_database_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def instance_secret(path: Path) -> str:
    """Read the instance's secret key, creating it once (safe when several workers race)."""
    if not path.exists():
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        tmp.write_text(secrets.token_hex(32))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # atomic: the first writer wins, everyone reads its key
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
