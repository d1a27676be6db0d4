"""Dates and times as the reader's language writes them, on the right wall clock.

Decisions:
- Named styles, not CLDR patterns. Patterns typed into templates ("EEEE d MMMM y") came out as
  "Mittwoch 20 Januar 2027" in German: a pattern fixes the order and punctuation of one
  language. A style maps to Babel's locale data (the "full" date format, or a skeleton such as
  ``MMMEd`` that each locale completes its own way): "Mittwoch, 20. Januar 2027",
  "Mi., 20. Jan.", "5. Dez. 2026" in German, "Wednesday, January 20, 2027" in English.
- Which wall clock: a meeting, a leg or an event is shown at its place (its IANA zone); what
  happened in the app (an import, a merge, a sign-in) on the reader's home clock (Flask-Babel's
  time zone, chosen from the home city in ``planner.extensions``). A time at a place is named
  with the place's city when that is not the reader's zone ("09:30 (Wien)"), so nobody
  mistakes Vienna's morning for their own.
- Dates without a time (last met, connected on, birthdays) are calendar days: no zone at all.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from babel.dates import (
    format_date,
    format_skeleton,
    format_time,
    get_datetime_format,
    get_timezone_location,
)
from flask import Flask
from flask_babel import get_locale, get_timezone

# style -> Babel's "full"/"long" date format or a skeleton the locale completes
_DATE_STYLES: dict[str, str] = {
    "date_long": "full",  # Mittwoch, 20. Januar 2027 / Wednesday, January 20, 2027
    "date": "yMMMd",  # 20. Jan. 2027 / Jan 20, 2027
    "day_year": "yMMMEd",  # Mi., 20. Jan. 2027 / Wed, Jan 20, 2027
    "day": "MMMEd",  # Mi., 20. Jan. / Wed, Jan 20
    "day_month": "MMMd",  # 20. Jan. / Jan 20
    "month_day": "MMMMd",  # 20. Januar / January 20
    "month_day_year": "yMMMMd",  # 20. Januar 2027 / January 20, 2027
}
STYLES = frozenset(_DATE_STYLES) | {f"{s}_time" for s in _DATE_STYLES} | {"time"}


def _locale() -> str:
    return str(get_locale() or "en")  # English outside a request


def _date_part(value: date, style: str, locale: str) -> str:
    form = _DATE_STYLES[style]
    if form in ("full", "long", "medium", "short"):
        return format_date(value, form, locale=locale)
    return format_skeleton(form, value, locale=locale)


def format_day(value: date, style: str = "date") -> str:
    """A calendar day (no zone) in the reader's language."""
    if style not in _DATE_STYLES:
        raise ValueError(f"unknown date style {style!r}")
    return _date_part(value, style, _locale())


def viewer_zone() -> str:
    """The reader's home zone (Flask-Babel's, from the home city), UTC outside a request."""
    return str(get_timezone() or "UTC")


def format_local(moment: datetime, zone: str, style: str = "date_time") -> str:
    """An instant as the wall clock at ``zone`` shows it, without naming the zone (for texts
    that name it themselves, such as an invitation e-mail)."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}")
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    locale = _locale()
    local = moment.astimezone(ZoneInfo(zone))
    if style == "time":
        return format_time(local.time(), "short", locale=locale)
    day = _date_part(local.date(), style.removesuffix("_time"), locale)
    if not style.endswith("_time"):
        return day
    clock = format_time(local.time(), "short", locale=locale)
    joined = str(get_datetime_format("medium", locale=locale))  # "{1}, {0}"
    return joined.replace("{1}", day).replace("{0}", clock)


def format_at(moment: datetime, zone: str | None = None, style: str = "date_time") -> str:
    """An instant as the wall clock at ``zone`` (a place's) shows it, or the reader's own
    clock when ``zone`` is None; a time at another zone than the reader's names its city."""
    own = viewer_zone()
    text = format_local(moment, zone or own, style)
    if style.endswith("time") and zone and zone != own:
        text += _label(zone)
    return text


def format_span(start: datetime, end: datetime, zone: str | None = None, style: str = "day") -> str:
    """From ``start`` to ``end`` at ``zone``: one date when both fall on the same day
    ("Mi., 20. Jan., 09:30–10:30"), else both ("Do., 7. Jan., 09:00 – Sa., 9. Jan., 18:00");
    the zone's city once at the end when it is not the reader's."""
    if style not in _DATE_STYLES:
        raise ValueError(f"unknown date style {style!r}")
    own = viewer_zone()
    tz = ZoneInfo(zone or own)
    first, last = start.astimezone(tz), end.astimezone(tz)
    plain = zone if zone != own else None  # named once, below
    if first.date() == last.date():
        text = f"{format_at(start, zone and tz.key, style + '_time').removesuffix(_label(plain))}"
        text += "–" + format_clock(last.time())
    else:
        text = " – ".join(
            format_at(m, zone and tz.key, style + "_time").removesuffix(_label(plain))
            for m in (start, end)
        )
    return text + _label(plain)


def _label(zone: str | None) -> str:
    return f" ({zone_name(zone)})" if zone else ""


def zone_name(zone: str) -> str:
    """A zone as a reader knows it: its city ("Wien", "New York"), "UTC" for UTC."""
    if zone in ("UTC", "Etc/UTC"):
        return "UTC"
    return str(get_timezone_location(zone, locale=_locale(), return_city=True))


def format_clock(value: time) -> str:
    """A wall-clock time alone (an hour of the day, no date or zone)."""
    return format_time(value, "short", locale=_locale())


def format_birthday(value: str) -> str:
    """A stored birthday ("1980-04-02", or "--04-02" without a year) as the reader writes it:
    "2. April 1980" / "2. April" (German), "April 2, 1980" / "April 2" (English)."""
    if value.startswith("--"):
        month, day = int(value[2:4]), int(value[5:7])
        return _date_part(date(2000, month, day), "month_day", _locale())
    return _date_part(date.fromisoformat(value), "month_day_year", _locale())


def format_moment(moment: datetime, style: str = "date_time") -> str:
    """An instant on the reader's own clock (imports, merges, sign-ins)."""
    return format_at(moment, None, style)


def init_app(app: Flask) -> None:
    """Template filters: ``at_place`` (an instant at a place), ``span`` (from-to at a place),
    ``moment`` (on the reader's clock), ``day`` (a calendar day), ``birthday``, ``wall_clock``
    (an instant at a place, the place left unnamed: for a list that names it once)."""
    app.add_template_filter(format_at, "at_place")
    app.add_template_filter(format_moment, "moment")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_birthday, "birthday")
    app.add_template_filter(format_span, "span")
    app.add_template_filter(format_local, "wall_clock")  # at a place named once nearby
