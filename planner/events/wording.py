"""Event matches in the user's language (the edge of ``planner.events.matching``)."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from babel.lists import format_list
from flask_babel import get_locale, gettext, ngettext

from planner.datetimes import format_day, format_span
from planner.events.matching import EventOccurrence, EventWording, instants
from planner.topics import Vocabulary


def event_wording(
    vocabulary: Vocabulary, own_labels: Mapping[str, str] | None = None
) -> EventWording:
    """Words for the current locale (needs an app context; the CLI forces the user's).
    Topics are named as the user writes their own (``own_labels``), else by the vocabulary."""
    locale = str(get_locale() or "en")

    def join(items: Sequence[str]) -> str:
        return format_list(list(items), locale=locale)

    return EventWording(
        gettext=gettext,
        ngettext=ngettext,
        join=join,
        topic_label=lambda key: (own_labels or {}).get(key) or vocabulary.label(key),
    )


def when_text(occurrence: EventOccurrence, zone: str) -> str:
    """When an occurrence is, at its place: its days (all-day) or its times."""
    if not isinstance(occurrence.start, datetime):
        first = occurrence.start
        end = occurrence.end if isinstance(occurrence.end, date) else None
        last = end - timedelta(days=1) if end is not None and end > first else first
        if last == first:
            return format_day(first, "day")
        return f"{format_day(first, 'day')} – {format_day(last, 'day')}"
    start, end = instants(occurrence, zone)
    return format_span(start, end, occurrence.timezone or zone, "day")
