"""The user's own calendar (.ics bytes, e.g. a Google Calendar export) -> busy intervals.

Pure: bytes and a time window in, ``Busy`` values out; no Flask app, no database. The size
of the file is the caller's business (uploads and ``fetch.py`` enforce their own limits).

Rules:

* Repetitions (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides, RANGE=THISANDFUTURE) are
  expanded by ``recurring_ical_events`` between ``start`` and ``end``. An override counts
  as itself: a Jour fixe moved from Monday to Tuesday is busy on Tuesday only, and an
  occurrence cancelled by an override (``STATUS:CANCELLED``) is not busy.
* ``TRANSP:TRANSPARENT`` ("show as free") and ``STATUS:CANCELLED`` are not busy. Tentative
  events are busy. Invitations the owner declined (``PARTSTAT=DECLINED``) are busy too:
  which ATTENDEE is the calendar's owner cannot be told reliably from the file (exports
  do not say, and the owner's address may be an alias), so PARTSTAT is ignored.
* Times: TZID and UTC values are exact. Windows zone names ("W. Europe Standard Time"),
  vendor-prefixed TZIDs and TZIDs defined by a VTIMEZONE in the file are resolved by
  icalendar. Floating date-times, and TZIDs that neither icalendar nor the file define,
  are wall time in the calendar's ``X-WR-TIMEZONE`` when it names a known zone (Google's
  export property, applied by ``recurring_ical_events``; it also makes a recurring UTC
  event keep its local time across daylight-saving changes), else in ``home_zone``.
* All-day events (DATE values) are busy for whole days in ``home_zone``, from midnight of
  DTSTART to midnight of DTEND (exclusive); without DTEND or DURATION, one day.
* A date-time event without DTEND lasts its DURATION, or no time at all (not busy).
* Each occurrence is clipped to [start, end]; what is left empty is dropped. The result is
  sorted by start, then end.

Errors: ``CalendarReadError`` (a ``ValueError``) says what is wrong with the file: empty,
not iCalendar, cut off, or an event whose DTSTART, DTEND, DURATION, RRULE, RDATE, EXDATE
or RECURRENCE-ID cannot be read, with the event's SUMMARY and the line the event begins
on. Its message is a lazy translation (``flask_babel.lazy_gettext``): ``str(error)`` speaks
the language of the request or of ``force_locale``, English elsewhere. Other unreadable
lines are skipped, as icalendar does. Bad arguments (naive datetimes, ``end`` not after
``start``, an unknown ``home_zone``) raise ``ValueError`` (in English: programming errors).

Limits, so that a hostile file cannot hang a worker. Before anything is expanded the work
is estimated from each event's RDATEs and each RRULE's FREQ, INTERVAL, COUNT, UNTIL and the
BY parts that multiply a period (BYDAY in a week, BYHOUR in a day, ...); the estimate is an
upper bound for rules that can occur at all:

* more than ``MAX_OCCURRENCES`` occurrences between start and end (all events together):
  "too many events". Expanding costs about 0.1 ms an occurrence, so the limit still
  allows some ten seconds of work;
* more than ``MAX_STEPS`` periods from the rules' DTSTARTs to ``end``, since dateutil walks
  every rule period by period from its DTSTART: "too many events" (an every-second rule
  begun years ago, even for a window of one hour);
* BY values outside their RFC 5545 ranges, INTERVAL below 1, or BYMONTHDAY naming no day
  of any month in BYMONTH (30 February): the rule never occurs, and dateutil would search
  until the year 9999 for it; refused as unreadable, like a rule without FREQ or with a
  COUNT below 1.

Not caught: other contradictions (BYWEEKNO=1 with BYMONTH=7, BYSETPOS beyond the set)
also send dateutil to the year 9999, which costs it up to 0.3 s (YEARLY) to 14 s
(MINUTELY) per such rule. No calendar program writes them.

A DTEND before DTSTART is read as the time between them (recurring_ical_events swaps
them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import recurring_ical_events
from flask_babel import lazy_gettext as _
from flask_babel.speaklater import LazyString
from icalendar import Calendar, Component
from icalendar.prop import vRecur
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from planner.i18n import lazy_number
from planner.importers.decode import BinaryData, decode_bytes

MAX_OCCURRENCES = 100_000
MAX_STEPS = 500_000
UNTITLED = "(untitled event)"  # the marker; messages show it translated (``_shown``)

# Properties whose values decide when an event happens: unreadable ones are an error.
_TIME_PROPERTIES = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID")
# Floating values are compared with the query window as if they were UTC: query one day
# wider on both sides (more than any UTC offset) and clip exactly afterwards.
_MARGIN = timedelta(days=1)
# Shortest length of one period of each FREQ (an upper bound on the number of periods).
_PERIOD = {
    "SECONDLY": timedelta(seconds=1),
    "MINUTELY": timedelta(minutes=1),
    "HOURLY": timedelta(hours=1),
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(weeks=1),
    "MONTHLY": timedelta(days=28),
    "YEARLY": timedelta(days=365),
}
_COARSE_TO_FINE = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY")
# RFC 5545 section 3.3.10: allowed values; 0 is not allowed where the range is signed.
_RANGES = {
    "BYSECOND": (0, 60),
    "BYMINUTE": (0, 59),
    "BYHOUR": (0, 23),
    "BYMONTHDAY": (-31, 31),
    "BYYEARDAY": (-366, 366),
    "BYWEEKNO": (-53, 53),
    "BYMONTH": (1, 12),
    "BYSETPOS": (-366, 366),
}
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class Busy:
    starts_at: datetime  # aware UTC
    ends_at: datetime  # aware UTC, > starts_at
    # SUMMARY: to tell the events apart in a check; never stored (busy_time keeps only
    # the times, as the README promises: nothing of the user's calendars is kept)
    summary: str
    all_day: bool


class CalendarReadError(ValueError):
    """The calendar file cannot be read; the message (a lazy translation) says why."""


def busy_times(data: bytes, *, start: datetime, end: datetime, home_zone: str) -> list[Busy]:
    """Busy intervals of the calendar in ``data`` between ``start`` and ``end`` (aware)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    if end <= start:
        raise ValueError("end must be after start")
    zone = _zone(home_zone)
    if zone is None:
        raise ValueError(f"unknown time zone: {home_zone!r}")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    calendars, events = _parse(_decode(data))
    _check_costs(events, start - _MARGIN, end + _MARGIN)
    found: list[Busy] = []
    for component in _occurrences(calendars, start - _MARGIN, end + _MARGIN):
        if _shown_as_free(component):
            continue
        first, last = _interval(component, zone)
        first, last = max(first, start), min(last, end)
        if first < last:
            all_day = not isinstance(_value(component, "DTSTART"), datetime)
            found.append(Busy(first, last, _summary(component), all_day))
    found.sort(key=lambda busy: (busy.starts_at, busy.ends_at))
    return found


def merge(busy: Iterable[Busy]) -> list[tuple[datetime, datetime]]:
    """The busy intervals as sorted, disjoint (start, end) pairs: overlapping and touching
    intervals become one."""
    ordered = sorted(busy, key=lambda busy: busy.starts_at)
    return merge_sorted([(item.starts_at, item.ends_at) for item in ordered])


def merge_sorted(intervals: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """(start, end) pairs already sorted by start, as disjoint pairs: overlapping and
    touching intervals become one."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _zone(name: str) -> ZoneInfo | None:
    """The IANA zone called ``name`` (or a Windows name for it); None when unknown."""
    try:
        return ZoneInfo(WINDOWS_TO_OLSON.get(name, name))
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _decode(data: bytes) -> str:
    return decode_calendar(data, CalendarReadError)


def decode_calendar(data: bytes, error: type[Exception]) -> str:
    """An .ics file's text: UTF-8 (BOM or not), UTF-16, else cp1252; an empty or binary file
    raises ``error`` with the message the user sees (busy times and event feeds alike)."""
    if not data.strip():
        raise error(_("the file is empty"))
    try:
        return decode_bytes(data).text
    except BinaryData as binary:
        if binary.kind:
            raise error(
                _("not an iCalendar file (binary data: %(kind)s)", kind=binary.kind)
            ) from None
        raise error(_("not an iCalendar file (binary data)")) from None


def _parse(text: str) -> tuple[list[Calendar], list[Component]]:
    """The file's calendars, and their events (checked to be readable)."""
    upper = text.upper()
    if "BEGIN:VCALENDAR" not in upper:
        raise CalendarReadError(_("not an iCalendar file (no BEGIN:VCALENDAR)"))
    try:
        # bytes, not str: icalendar reads a one-line str as a file path
        components = Calendar.from_ical(text.encode("utf-8"), multiple=True)
    except ValueError as error:
        first_line = str(error).splitlines()[0]
        raise CalendarReadError(
            _("not an iCalendar file (%(reason)s)", reason=first_line)
        ) from error
    calendars = [component for component in components if component.name == "VCALENDAR"]
    if not calendars:
        if "END:VCALENDAR" not in upper:
            raise CalendarReadError(_("the calendar is cut off (no END:VCALENDAR)"))
        raise CalendarReadError(_("the calendar is incomplete (a BEGIN: without its END:)"))
    lines = _event_lines(text)
    events = [event for calendar in calendars for event in calendar.walk("VEVENT")]
    if len(lines) != len(events):  # icalendar dropped or added something: no line numbers
        lines = []
    for number, event in enumerate(events):
        _check_event(event, lines[number] if lines else None)
    for calendar in calendars:
        _standard_x_wr_timezone(calendar)
    return calendars, events


def _event_lines(text: str) -> list[int]:
    """The line number of each BEGIN:VEVENT inside a VCALENDAR, in file order."""
    found: list[int] = []
    inside = False
    for number, line in enumerate(text.splitlines(), start=1):
        word = line.strip().upper()
        if word == "BEGIN:VCALENDAR":
            inside = True
        elif word == "END:VCALENDAR":
            inside = False
        elif word == "BEGIN:VEVENT" and inside:
            found.append(number)
    return found


def _check_event(event: Component, line: int | None) -> None:
    where = _('event "%(summary)s"', summary=_shown(_summary(event)))
    if line is not None:
        where = _('line %(line)s: event "%(summary)s"', line=line, summary=_shown(_summary(event)))
    for name, message in event.errors:
        if name in _TIME_PROPERTIES:
            raise CalendarReadError(
                _(
                    "%(event)s: unreadable %(property)s (%(reason)s)",
                    event=where,
                    property=name,
                    reason=message,
                )
            )
    if event.get("DTSTART") is None:
        raise CalendarReadError(_("%(event)s: no DTSTART", event=where))
    for rule in _list(event.get("RRULE")):
        problem = _rule_problem(rule)
        if problem is not None:
            raise CalendarReadError(
                _(
                    "%(event)s: RRULE %(rule)s %(problem)s",
                    event=where,
                    rule=rule.to_ical().decode(),
                    problem=problem,
                )
            )


def _list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _rule_problem(rule: vRecur) -> LazyString | None:
    """Why the RRULE is invalid or can never occur, when its parts alone show it."""
    if str(rule.get("FREQ", [""])[0]) not in _PERIOD:
        return _("has no FREQ")
    for name in ("INTERVAL", "COUNT"):
        if int(rule.get(name, [1])[0]) < 1:
            return _("has an %(part)s below 1", part=name)
    for name, (low, high) in _RANGES.items():
        for value in rule.get(name, []):
            number = _number(value)
            if not low <= number <= high or (number == 0 and low < 0):
                return _(
                    "has %(part)s %(value)s outside %(low)s..%(high)s",
                    part=name,
                    value=str(value),
                    low=low,
                    high=high,
                )
    days = [abs(_number(value)) for value in rule.get("BYMONTHDAY", [])]
    months = [_number(value) for value in rule.get("BYMONTH", [])] or range(1, 13)
    if days and not any(day <= _MONTH_DAYS[month - 1] for day in days for month in months):
        return _("names no day that exists")
    return None


def _number(value: object) -> int:
    return int(str(value).rstrip("Ll"))  # BYMONTH may name a leap month of RFC 7529 ("5L")


def _standard_x_wr_timezone(calendar: Calendar) -> None:
    """Make X-WR-TIMEZONE an IANA name recurring_ical_events can use, or drop it."""
    name = calendar.get("X-WR-TIMEZONE")
    if name is None:
        return
    zone = _zone(str(name))
    if zone is None:
        del calendar["X-WR-TIMEZONE"]
    else:
        calendar["X-WR-TIMEZONE"] = zone.key


def _check_costs(events: list[Component], start: datetime, end: datetime) -> None:
    """Refuse calendars that would cost too much to expand (see the module doc)."""
    total_window = total_steps = 0
    most: tuple[int, str] = (0, "")  # occurrences in the window, SUMMARY
    worst: tuple[int, str, str, str] = (0, "", "", "")  # steps, SUMMARY, DTSTART day, RRULE
    for event in events:
        summary = _summary(event)
        # estimates read floating values and dates as UTC (the window has _MARGIN)
        first = _instant(_value(event, "DTSTART"), UTC)
        window = (start <= first <= end) + sum(
            start <= _instant(value[0] if isinstance(value, tuple) else value, UTC) <= end
            for rdate in _list(event.get("RDATE"))
            for value in (item.dt for item in rdate.dts)
        )
        for rule in _list(event.get("RRULE")):
            rule_window, steps = _rule_cost(rule, first, start, end)
            window += rule_window
            total_steps += steps
            worst = max(worst, (steps, summary, f"{first:%Y-%m-%d}", rule.to_ical().decode()))
        total_window += window
        most = max(most, (window, summary))
    if total_window > MAX_OCCURRENCES:
        raise CalendarReadError(
            _(
                "too many events: up to %(count)s between %(start)s and %(end)s "
                '(the limit is %(limit)s), most of them "%(summary)s"',
                count=lazy_number(total_window),
                start=f"{start + _MARGIN:%Y-%m-%d}",
                end=f"{end - _MARGIN:%Y-%m-%d}",
                limit=lazy_number(MAX_OCCURRENCES),
                summary=_shown(most[1]),
            )
        )
    if total_steps > MAX_STEPS:
        raise CalendarReadError(
            _(
                'too many events: "%(summary)s" repeats too often since %(date)s (%(rule)s)',
                summary=_shown(worst[1]),
                date=worst[2],
                rule=worst[3],
            )
        )


def _rule_cost(rule: vRecur, first: datetime, start: datetime, end: datetime) -> tuple[int, int]:
    """Estimated occurrences of ``rule`` between start and end, and periods dateutil walks
    from ``first`` (DTSTART) to end; both upper bounds for rules that can occur."""
    freq = str(rule["FREQ"][0])
    step = _PERIOD[freq] * int(rule.get("INTERVAL", [1])[0])
    until = rule.get("UNTIL")
    if until:
        end = min(end, _instant(until[0], UTC))
    per_period = _per_period(rule, freq)
    window = _periods(max(first, start), end, step) * per_period
    steps = _periods(first, end, step) * per_period
    count = rule.get("COUNT")
    if count:
        window, steps = min(window, int(count[0])), min(steps, int(count[0]))
    return window, steps


def _per_period(rule: vRecur, freq: str) -> int:
    """How many occurrences one period of ``freq`` can hold: an upper bound."""
    times = 1
    finer = _COARSE_TO_FINE[_COARSE_TO_FINE.index(freq) + 1 :]
    for name, unit in (("BYHOUR", "HOURLY"), ("BYMINUTE", "MINUTELY"), ("BYSECOND", "SECONDLY")):
        if unit in finer:
            times *= len(rule.get(name, [])) or 1
    return _days_per_period(rule, freq) * times


def _days_per_period(rule: vRecur, freq: str) -> int:
    if freq == "WEEKLY":
        return len(rule.get("BYDAY", [])) or 1
    if freq not in ("MONTHLY", "YEARLY"):
        return 1  # BY parts only filter the days of a DAILY or finer rule
    months = 1 if freq == "MONTHLY" else len(rule.get("BYMONTH", []))  # 0: the whole year
    if freq == "YEARLY" and rule.get("BYYEARDAY"):
        return len(rule["BYYEARDAY"])
    if freq == "YEARLY" and rule.get("BYWEEKNO"):
        return 7 * len(rule["BYWEEKNO"])
    if rule.get("BYMONTHDAY"):
        return len(rule["BYMONTHDAY"]) * (months or 12)
    if rule.get("BYDAY"):
        # "2TU" is one day a month (a year without BYMONTH); "TU" up to 5 a month, 53 a year
        return sum((months or 1) if day.relative else (5 * months or 53) for day in rule["BYDAY"])
    return months or 1


def _periods(first: datetime, last: datetime, step: timedelta) -> int:
    return (last - first) // step + 1 if last >= first else 0


def _occurrences(calendars: list[Calendar], start: datetime, end: datetime) -> Iterator[Component]:
    for calendar in calendars:
        try:
            yield from recurring_ical_events.of(calendar).between(start, end)
        except ValueError as error:  # recurring_ical_events' InvalidCalendar, dateutil's errors
            raise CalendarReadError(
                _("the calendar cannot be expanded: %(reason)s", reason=str(error))
            ) from error


def _shown_as_free(component: Component) -> bool:
    transparent = str(component.get("TRANSP", "")).strip().upper() == "TRANSPARENT"
    return transparent or str(component.get("STATUS", "")).strip().upper() == "CANCELLED"


def _summary(component: Component) -> str:
    return " ".join(str(component.get("SUMMARY", "")).split()) or UNTITLED


def _shown(summary: str) -> str | LazyString:
    """A SUMMARY as a message names it: a missing one in the reader's language."""
    return _("(untitled event)") if summary == UNTITLED else summary


def _interval(component: Component, zone: tzinfo) -> tuple[datetime, datetime]:
    """An occurrence's DTSTART and DTEND (which recurring_ical_events always sets) in UTC."""
    return _instant(_value(component, "DTSTART"), zone), _instant(_value(component, "DTEND"), zone)


def _value(component: Component, name: str) -> Any:
    """The date or date-time of a property already checked to be readable."""
    prop: Any = component[name]
    return prop.dt


def _instant(value: date, zone: tzinfo) -> datetime:
    """A date (midnight) or date-time as UTC; floating values are wall time in ``zone``."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)
