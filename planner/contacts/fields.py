"""A contact's single-valued text fields, declared once; parsing of what people type into
contact fields (lists, topics).

Decisions: the text fields were listed by hand in seven places (the service's input, an
importer's record, the columns written, the JSON document, the merge, the form). They are
declared here once, as ``ContactText``, which ``ContactInput`` (what is stored) and
``ContactRecord`` (what a file says) both extend; the other places read ``TEXT_FIELDS``
and say only how they differ from it. Pure: no Flask, no database.
"""

import re
from dataclasses import dataclass, fields


@dataclass(kw_only=True, slots=True)
class ContactText:
    """What a person, a form or a file says about a contact in single lines of text. Each
    is a ``Contact`` column of the same name and a text field of the JSON document."""

    first_name: str | None = None
    last_name: str | None = None
    display_name: str | None = None
    nickname: str | None = None
    organization: str | None = None
    title: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166 code (DE) once stored; a file may say "Germany"
    location_text: str | None = None  # the place as given ("Berlin, Germany")
    birthday: str | None = None  # "1980-04-02", or "--04-02" without a year
    notes: str | None = None


TEXT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ContactText))


def split_lines(text: str | None) -> list[str]:
    """Non-empty, stripped lines, each once, in order."""
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


def split_topics(text: str | None) -> list[str]:
    """Topics typed as 'Barcamps, Employer Branding; HR' -> their names, each once."""
    parts = re.split(r"[,;\n]", text or "")
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))
