"""The pure packages load without Flask (and without the database layer): a script, a task
or a test that only parses files, places names or scores contacts pays for neither. Their
messages still speak the reader's language when shown, and are kept as msgid and
parameters like flask_babel's."""

import subprocess
import sys
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from planner.i18n import from_stored, to_stored
from planner.lazy_text import lazy_gettext
from planner.paths import TRANSLATIONS_DIR

PURE = (
    "planner.geo, planner.importers, planner.matching, planner.calendar.ics, planner.calendar.fetch"
)
MESSAGE = "empty file (%(n)d bytes, no text)"


def test_pure_packages_import_without_flask() -> None:
    check = (
        f"import {PURE}; import sys; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'flask_babel', 'werkzeug', 'sqlalchemy', 'sqlmodel')); "
        "assert 'flask' not in sys.modules and not loaded, loaded"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def request_context() -> Iterator[None]:
    app = Flask(__name__)
    Babel(app, default_translation_directories=str(TRANSLATIONS_DIR))
    with app.test_request_context():
        yield


def test_a_pure_message_is_translated_when_shown(request_context: None) -> None:
    message = lazy_gettext(MESSAGE, n=3)
    with force_locale("de"):
        assert str(message) == "leere Datei (3 Bytes, kein Text)"
    with force_locale("en"):
        assert str(message) == "empty file (3 bytes, no text)"


def test_a_pure_message_is_kept_as_msgid_and_shown_in_the_readers_language(
    request_context: None,
) -> None:
    with force_locale("en"):
        stored = to_stored(lazy_gettext(MESSAGE, n=3))
    assert stored == {"msgid": MESSAGE, "params": {"n": 3}}
    with force_locale("de"):
        assert from_stored(stored) == "leere Datei (3 Bytes, kein Text)"
