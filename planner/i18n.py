"""Message catalogs: what the source asks to translate, and what the catalogs hold; and
numbers written the way the reader's language writes them.

Importable without a Flask app: nothing here needs one until a lazy value is shown.
"""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel.speaklater import LazyString

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
    return format_decimal(value, locale=get_locale() or "en")  # English outside a request
