"""Countries as people write them (a name in their language, or the code) and as they are
stored (ISO 3166-1 alpha-2).

Decisions: names come from Babel's CLDR territory names, so every language the interface
speaks has every country, spelt as that language spells it; the importers' synonyms
("Holland", "USA", "Schweiz") are understood too. Codes that name no country (regions such
as "EU", placeholders such as "ZZ") are never offered.
"""

from functools import lru_cache

from babel import Locale
from flask import Flask
from flask_babel import get_locale

from planner.identifiers import fold_text
from planner.importers.values import country_code

_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
_UNDERSTOOD = ("en", "de")  # names typed in these are understood whatever the interface


@lru_cache(maxsize=8)
def _names(locale: str) -> dict[str, str]:
    territories = Locale.parse(locale).territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


@lru_cache(maxsize=8)
def _by_name(locale: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for language in (*_UNDERSTOOD, locale):
        found.update({fold_text(name): code for code, name in _names(language).items()})
    return found


def _locale() -> str:
    return str(get_locale() or "en")


def country_names() -> list[tuple[str, str]]:
    """(code, name) of every country in the reader's language, by name."""
    names = _names(_locale())
    return sorted(names.items(), key=lambda item: fold_text(item[1]))


def country_name(code: str | None) -> str:
    """A stored code as the reader's language names the country (the code if unknown)."""
    if not code:
        return ""
    return _names(_locale()).get(code.upper(), code.upper())


def country_for(text: str) -> str | None:
    """The ISO code of a country typed as a name (reader's language, English or German) or a
    code; None when it names no country."""
    value = text.strip()
    if not value:
        return None
    if len(value) == 2 and value.isalpha():
        return value.upper() if value.upper() in _names("en") else None
    if named := _by_name(_locale()).get(fold_text(value)):
        return named
    synonym = country_code(value)
    return synonym if synonym in _names("en") else None


def init_app(app: Flask) -> None:
    app.add_template_global(country_names)
    app.add_template_filter(country_name, "country_name")
