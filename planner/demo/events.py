"""The demo's event feed: invented barcamps, meetups and a webinar around the demo trip to
Munich and at the demo home (Hamburg), dated from the trip, so they are always ahead.

What it shows: a Munich barcamp during the trip whose programme names a demo contact (Carla
Kessler, who lives in Munich), a Berlin meetup at the same time (not on the way), a
cancelled conference in Munich (never proposed), an online-only webinar (no place), a
breakfast the morning after the trip ("stay a day longer"), and at home a monthly meetup
with a summer break (RRULE, EXDATE) and a barcamp. Every venue, address and person not in
the demo contacts is invented; addresses use example domains.
"""

from datetime import date, datetime, time, timedelta

TITLE = "Barcamps & Meetups (Demo)"
FILENAME = "demo-events.ics"
DOMAIN = "demo-events.example"


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _at(day: date, hour: int, minute: int = 0) -> str:
    """A local date-time value (with TZID=Europe/Berlin in the feed)."""
    return datetime.combine(day, time(hour, minute)).strftime("%Y%m%dT%H%M%S")


def _event(uid: str, *lines: str) -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}@{DOMAIN}", "DTSTAMP:20261201T090000Z", *lines, "END:VEVENT"]


def demo_feed(trip_start: datetime) -> bytes:
    """The feed for a demo trip that begins at ``trip_start`` (a Thursday, local time)."""
    thursday = trip_start.date()
    friday, saturday, sunday = (thursday + timedelta(days=n) for n in (1, 2, 3))
    home_day = thursday - timedelta(days=12)  # a Saturday two weeks before the trip
    first_tuesday = thursday - timedelta(days=thursday.weekday()) - timedelta(days=27)
    skipped = first_tuesday + timedelta(days=28)
    events = [
        *_event(
            "barcamp-muenchen",
            f"DTSTART;VALUE=DATE:{_day(friday)}",
            f"DTEND;VALUE=DATE:{_day(sunday)}",
            "SUMMARY:Barcamp München: New Work & Community",
            "LOCATION:Kreativquartier Halle 3\\, Dachauer Straße 114\\, 80636 München",
            "GEO:48.1597;11.5536",
            "CATEGORIES:Barcamp,New Work,Community Management",
            "URL:https://barcamp-muenchen.example/programm",
            'ORGANIZER;CN="Orga-Team Barcamp München":mailto:orga@barcamp-muenchen.example',
            "DESCRIPTION:Zwei Tage Barcamp zu New Work\\, Community und Employer Branding."
            "\\nProgramm Freitag:\\n10:00 Eröffnung und Sessionplanung\\n11:00 „Communities\\,"
            " die tragen“ mit Carla Kessler\\n14:00 Remote-Teams führen\\nSamstag: offene "
            "Sessions.",
            "STATUS:CONFIRMED",
            "TRANSP:TRANSPARENT",
        ),
        *_event(
            "meetup-berlin",
            f"DTSTART;TZID=Europe/Berlin:{_at(friday, 18, 30)}",
            f"DTEND;TZID=Europe/Berlin:{_at(friday, 21)}",
            "SUMMARY:New Work Meetup Berlin",
            "LOCATION:Quellwerk Loft\\, Torstraße 109\\, 10119 Berlin",
            "GEO:52.5291;13.4010",
            "CATEGORIES:New Work,Meetup",
            "URL:https://newwork-berlin.example",
            "DESCRIPTION:Vorträge und Gespräche zu New Work. Gastgeberin: Mira Falk.",
        ),
        *_event(
            "employer-branding-konferenz",
            f"DTSTART;VALUE=DATE:{_day(thursday)}",
            f"DTEND;VALUE=DATE:{_day(saturday)}",
            "SUMMARY:Employer Branding Konferenz München (abgesagt)",
            "LOCATION:Tagungshaus am Isartor\\, Zweibrückenstraße 7\\, 80331 München",
            "GEO:48.1346;11.5830",
            "CATEGORIES:Employer Branding,Konferenz",
            "STATUS:CANCELLED",
        ),
        *_event(
            "webinar-social-media",
            f"DTSTART;TZID=Europe/Berlin:{_at(friday, 12)}",
            "DURATION:PT1H",
            "SUMMARY:Webinar: Social Media für Recruiting",
            "LOCATION:Online",
            "URL:https://webinar.demo-events.example/social-media",
            "CATEGORIES:Social Media,Webinar",
        ),
        *_event(
            "fruehstueck-muenchen",
            f"DTSTART;TZID=Europe/Berlin:{_at(sunday, 9, 30)}",
            f"DTEND;TZID=Europe/Berlin:{_at(sunday, 12)}",
            "SUMMARY:Community-Frühstück München",
            "LOCATION:Café Glockenbach\\, Müllerstraße 30\\, 80469 München",
            "GEO:48.1318;11.5702",
            "CATEGORIES:Community Management,Barcamps",
            "DESCRIPTION:Der Ausklang nach dem Barcamp: Kaffee\\, Brezen\\, Gespräche.",
        ),
        *_event(
            "stammtisch-hamburg",
            f"DTSTART;TZID=Europe/Berlin:{_at(first_tuesday, 19)}",
            f"DTEND;TZID=Europe/Berlin:{_at(first_tuesday, 21)}",
            "RRULE:FREQ=WEEKLY;INTERVAL=4;COUNT=12",
            f"EXDATE;TZID=Europe/Berlin:{_at(skipped, 19)}",
            "SUMMARY:New-Work-Stammtisch Hamburg",
            "LOCATION:Kontorhaus Lounge\\, Burchardplatz 1\\, 20095 Hamburg",
            "GEO:53.5497;10.0012",
            "CATEGORIES:New Work",
            "DESCRIPTION:Alle vier Wochen dienstags; einmal fällt er aus.",
        ),
        *_event(
            "barcamp-hamburg-social",
            f"DTSTART;VALUE=DATE:{_day(home_day)}",
            "SUMMARY:Social Media Barcamp Hamburg",
            "LOCATION:Hafenspeicher 5\\, Am Sandtorkai 5\\, 20457 Hamburg",
            "GEO:53.5436;9.9892",
            "CATEGORIES:Barcamp,Social Media",
            "URL:https://socialmedia-barcamp.example/hamburg",
        ),
    ]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Treffpunkt//Demo-Veranstaltungen//DE",
        f"X-WR-CALNAME:{TITLE}",
        "X-WR-TIMEZONE:Europe/Berlin",
        *events,
        "END:VCALENDAR",
    ]
    return ("\r\n".join(_folded(line) for line in lines) + "\r\n").encode("utf-8")


def _folded(line: str) -> str:
    """RFC 5545 folding at 75 octets, never inside a UTF-8 character."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)
