"""Message catalogs: what the source asks to translate, and what the catalogs hold; and
numbers written the way the reader's language writes them.

Importable without a Flask app: nothing here needs one until a lazy value is shown.
"""

from pathlib import Path
from typing import Any, TypeGuard

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from planner import lazy_text
from planner.lazy_text import LazyString
from planner.paths import ROOT, TRANSLATIONS_DIR

KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),  # the German register of invitations (meetings.invites)
    "npgettext": ((1, "c"), 2, 3),
}
METHOD_MAP = [("planner/**.py", "python"), ("templates/**.html", "jinja2")]


def _scanned(dirpath: str) -> bool:
    """Babel skips folders starting with "_" by default, and with them ``templates/_macros``
    (the paging words stayed English on German pages); only hidden ones are skipped here, as
    the Makefile's ``--ignore-dirs`` does."""
    return not Path(dirpath).name.startswith(".")


def source_messages(root: Path = ROOT) -> dict[str, list[str]]:
    """Every msgid the source code and templates use -> where."""
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), METHOD_MAP, keywords=KEYWORDS, directory_filter=_scanned
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, []).append(f"{filename}:{lineno}")
    return found


def source_messages_in_context(root: Path = ROOT) -> dict[tuple[str, str], list[str]]:
    """Every (context, msgid) the source asks for with pgettext -> where."""
    found: dict[tuple[str, str], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(root), METHOD_MAP, keywords=KEYWORDS, directory_filter=_scanned
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid and context:
            found.setdefault((context, msgid), []).append(f"{filename}:{lineno}")
    return found


def catalog(locale: str) -> Catalog:
    with open(TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=locale)


def lazy_number(value: float) -> LazyString:
    """``value`` as the reader's language writes it (en 1,000.5; de 1.000,5), decided when
    the message is shown; English outside a request or ``force_locale``."""
    return LazyString(_format_decimal, value)


def _format_decimal(value: float) -> str:
    from flask_babel import get_locale  # when shown: the module stays importable without Flask

    return format_decimal(value, locale=get_locale() or "en")  # English outside a request


# -- messages kept for later: shown in the reader's language, not the writer's -----------

Stored = dict[str, Any] | str


def to_stored(message: object) -> Stored:
    """A message to keep (an import's notes, a calendar's error): a lazy translation as its
    msgid and parameters (numbers as numbers), so it can be shown again in whatever language
    the reader has then; anything else as its text."""
    from flask_babel import gettext

    if isinstance(message, BaseException) and message.args:
        message = message.args[0]
    if _is_lazy(message):
        args, kwargs = message._args, message._kwargs  # what flask_babel keeps: msgid, params
        if message._func is _format_decimal and len(args) == 1:
            return {"number": args[0]}
        gettexts = (gettext, lazy_text.gettext)  # flask_babel's, or the pure packages' one
        if message._func in gettexts and len(args) == 1 and isinstance(args[0], str):
            return {"msgid": args[0], "params": {k: _param(v) for k, v in kwargs.items()}}
    return str(message)


def _is_lazy(value: object) -> TypeGuard[LazyString]:
    """A lazy translation: the pure packages' (``planner.lazy_text``) or flask_babel's."""
    from flask_babel.speaklater import LazyString as BabelLazyString

    return isinstance(value, LazyString | BabelLazyString)


def _param(value: object) -> Any:
    if isinstance(value, BaseException) and value.args:  # an error carrying its message
        value = value.args[0]
    if _is_lazy(value):
        return to_stored(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def from_stored(stored: object) -> str:
    """A kept message in the current language (its text, for anything kept as text)."""
    if isinstance(stored, dict) and "number" in stored:
        return _format_decimal(stored["number"])
    if isinstance(stored, dict) and isinstance(stored.get("msgid"), str):
        params = {
            k: from_stored(v) if isinstance(v, dict) else v
            for k, v in (stored.get("params") or {}).items()
        }
        return lazy_text.gettext(stored["msgid"], **params)
    return "" if stored is None else str(stored)
