"""Reading the app's .ics files back with an independent parser (vobject), the way a
calendar app would: with the file's own VTIMEZONEs."""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import vobject
from dateutil import tz


@contextmanager
def own_timezones(text: str) -> Iterator[None]:
    """Make vobject use this file's VTIMEZONEs.

    vobject keeps the first definition it saw for a TZID for the whole process (and
    falls back to pytz for unknown ones), so without this a file with a wrong or
    missing VTIMEZONE could still be read "correctly", and a correct file read after
    another file's narrower VTIMEZONE (other years) wrongly. The previous entries come
    back afterwards.
    """
    if "BEGIN:VTIMEZONE" not in text:
        yield
        return
    zones = tz.tzical(io.StringIO(text))
    tzids = zones.keys()  # a method of tzical, which is no mapping
    saved = {tzid: vobject.icalendar.getTzid(tzid, False) for tzid in tzids}
    try:
        for tzid in tzids:
            vobject.icalendar.registerTzid(tzid, zones.get(tzid))
        yield
    finally:
        for tzid, previous in saved.items():
            vobject.icalendar.registerTzid(tzid, previous)


def read_ics(data: bytes | str) -> Any:
    """The VCALENDAR as vobject parses and validates it."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    with own_timezones(text):
        return vobject.readOne(text, validate=True)
