"""Parsing of what people type into contact fields: birthdays, lists, topics."""

import re
from datetime import date

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_GERMAN = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})?$")
_NO_YEAR = re.compile(r"^--(\d{2})-?(\d{2})$")


def parse_birthday(text: str) -> str | None:
    """'1980-04-02', '2.4.1980', '02.04.' or '--04-02' -> 'YYYY-MM-DD' or '--MM-DD'.

    Raises ValueError for anything that is not a real calendar day.
    """
    text = text.strip()
    if not text:
        return None
    if m := _ISO.match(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif m := _GERMAN.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3] or 0)
    elif m := _NO_YEAR.match(text):
        year, month, day = 0, int(m[1]), int(m[2])
    else:
        raise ValueError(text)
    date(year or 2000, month, day)  # 2000 is a leap year: --02-29 is a valid birthday
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def split_lines(text: str | None) -> list[str]:
    """Non-empty, stripped lines, each once, in order."""
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


def split_topics(text: str | None) -> list[str]:
    """Topics typed as 'Barcamps, Employer Branding; HR' -> their names, each once."""
    parts = re.split(r"[,;\n]", text or "")
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))
