"""Text translated when it is shown, importable without Flask.

The pure packages (``planner.importers``, ``planner.geo``, ``planner.matching``,
``planner.calendar.ics``) mark their messages with ``lazy_gettext`` from here rather than
from ``flask_babel``, which imports Flask. A ``LazyString`` behaves as flask_babel's does
(same methods, the same ``_func``/``_args``/``_kwargs`` that ``planner.i18n.to_stored``
reads); flask_babel is imported when the text is first shown, in the language of the
request or of ``force_locale`` (English outside both).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def gettext(msgid: str, **params: Any) -> str:
    """flask_babel's ``gettext``, loaded when a message is shown."""
    from flask_babel import gettext as babel_gettext

    return babel_gettext(msgid, **params)


class LazyString:
    """``func(*args, **kwargs)`` as a string, computed each time it is used (a copy of
    ``flask_babel.speaklater.LazyString``)."""

    def __init__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        self._func = func
        self._args = args
        self._kwargs = kwargs

    def __getattr__(self, attr: str) -> Any:
        if attr == "__setstate__":
            raise AttributeError(attr)
        string = str(self)
        if hasattr(string, attr):
            return getattr(string, attr)
        raise AttributeError(attr)

    def __repr__(self) -> str:
        return f"l'{self}'"

    def __str__(self) -> str:
        return str(self._func(*self._args, **self._kwargs))

    def __html__(self) -> str:
        return str(self)

    def __len__(self) -> int:
        return len(str(self))

    def __getitem__(self, key: Any) -> str:
        return str(self)[key]

    def __iter__(self) -> Any:
        return iter(str(self))

    def __contains__(self, item: str) -> bool:
        return item in str(self)

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __mul__(self, other: int) -> str:
        return str(self) * other

    def __rmul__(self, other: int) -> str:
        return other * str(self)

    def __lt__(self, other: str) -> bool:
        return str(self) < other

    def __le__(self, other: str) -> bool:
        return str(self) <= other

    def __eq__(self, other: object) -> bool:
        return str(self) == other

    def __ne__(self, other: object) -> bool:
        return str(self) != other

    def __gt__(self, other: str) -> bool:
        return str(self) > other

    def __ge__(self, other: str) -> bool:
        return str(self) >= other

    def __hash__(self) -> int:
        return hash(str(self))

    def __mod__(self, other: Any) -> str:
        return str(self) % other


def lazy_gettext(msgid: str, **params: Any) -> Any:
    """``gettext(msgid, **params)`` when shown: a ``LazyString``, typed ``Any`` as
    flask_babel's is, since it stands wherever text does (``str`` fields, f-strings)."""
    return LazyString(gettext, msgid, **params)
