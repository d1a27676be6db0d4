"""Suggestion reasons in the user's language (the edge of ``planner.matching``)."""

from collections.abc import Mapping, Sequence

from babel.lists import format_list
from flask_babel import get_locale, gettext

from planner.datetimes import format_day
from planner.matching import Wording
from planner.topics import Vocabulary

NETWORK_LABELS = {
    "linkedin": "LinkedIn",
    "x": "X",
    "mastodon": "Mastodon",
    "xing": "XING",
    "facebook": "Facebook",
    "github": "GitHub",
    "website": "Web",
}


def wording(vocabulary: Vocabulary, own_labels: Mapping[str, str] | None = None) -> Wording:
    """Words for the current locale (needs an app context; the CLI forces the user's).
    Topics are named as the user writes their own (``own_labels``), else by the vocabulary."""
    locale = str(get_locale() or "en")

    def join(items: Sequence[str]) -> str:
        return format_list(list(items), locale=locale)

    return Wording(
        gettext=gettext,
        join=join,
        format_date=format_day,
        topic_label=lambda key: (own_labels or {}).get(key) or vocabulary.label(key),
        network_label=lambda n: NETWORK_LABELS.get(n, n),
    )
