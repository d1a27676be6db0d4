"""The upload form (one or more export files and, if detection guesses wrong, a format) and
the column mapping of a CSV whose columns are not recognised."""

from collections.abc import Mapping, Sequence
from typing import Any, Self

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, Form, FormField, HiddenField, SelectChoice, SelectField

from planner.importers import FORMATS

# What the user knows the files as (the names of the exports, not of our parsers).
FORMAT_LABELS: dict[str, Any] = {
    "linkedin_connections_csv": _l("LinkedIn Connections.csv"),
    "x_archive_js": _l("X archive"),
    "mastodon_following_csv": _l("Mastodon follows"),
    "mastodon_lists_csv": _l("Mastodon lists"),
    "google_contacts_csv": _l("Google Contacts CSV"),
    "outlook_csv": _l("Outlook CSV"),
    "vcard": _l("vCard"),
    "xing_csv": _l("XING CSV"),
    "facebook_friends_json": _l("Facebook friends.json"),
    "generic_csv": _l("Other CSV"),
}


def format_label(name: str | None) -> str:
    if not name:
        return str(_l("not recognised"))
    return str(FORMAT_LABELS.get(name, name))


def format_choices() -> list[tuple[str, str]]:
    return [("", str(_l("Detect automatically")))] + [
        (name, format_label(name)) for name in FORMATS
    ]


class ImportForm(FlaskForm):
    files = MultipleFileField(
        _l("Export files"),
        validators=[FileRequired(message=_l("Choose at least one export file."))],
        description=_l("CSV, vCard, JSON or the zip archive as you downloaded it; up to 20 MB."),
    )
    format = SelectField(
        _l("Format"),
        choices=format_choices,
        default="",
        description=_l("Leave on automatic unless a file is recognised wrongly."),
    )

    def uploads(self) -> list[tuple[str, bytes]]:
        """The chosen files as (name, bytes); the name without any client-side folder."""
        found = []
        for storage in self.files.data or []:
            name = (storage.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
            found.append((name[:300] or "upload", storage.read()))
        return found

    def chosen_format(self) -> str | None:
        return self.format.data or None


# What a column of an unknown CSV can hold (planner.importers.generic_csv.FIELDS).
FIELD_LABELS: dict[str, Any] = {
    "name": _l("Full name"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "nickname": _l("Nickname"),
    "email": _l("E-mail"),
    "phone": _l("Phone number"),
    "organization": _l("Organisation"),
    "title": _l("Position"),
    "city": _l("City"),
    "region": _l("Region"),
    "postal_code": _l("Postal code"),
    "country": _l("Country"),
    "location": _l("Location as written"),
    "topics": _l("Topics"),
    "notes": _l("Notes"),
    "birthday": _l("Birthday"),
    "website": _l("Website"),
    "linkedin": _l("LinkedIn profile"),
    "xing": _l("XING profile"),
    "x": _l("X handle"),
    "mastodon": _l("Mastodon handle"),
    "connected_on": _l("Connected since"),
}


class ColumnForm(Form):
    """One column: its header (as the file has it) and the field the user says it holds."""

    header = HiddenField()
    # Any value is taken here: the service judges the mapping as a whole and says why not.
    field = SelectField(
        choices=[
            SelectChoice("", _l("(leave out)")),
            *map(SelectChoice, FIELD_LABELS, FIELD_LABELS.values()),
        ],
        default="",
        validate_choice=False,
    )


class ColumnMappingForm(FlaskForm):
    """The columns of one CSV file of a preview, one row each."""

    file = HiddenField()
    columns = FieldList(FormField(ColumnForm))

    @classmethod
    def proposed(cls, file: str, headers: Sequence[str], mapping: Mapping[str, str]) -> Self:
        """The form as the page first shows it: the mapping proposed so far (or kept)."""
        rows = [{"header": h, "field": mapping.get(h, "")} for h in headers]
        return cls(formdata=None, data={"file": file, "columns": rows})

    @classmethod
    def posted(cls, formdata: MultiDict[str, str], headers: Sequence[str]) -> Self:
        """The form as sent, with at most one row per column of the file: rows beyond are
        never built (a request cannot make the server build a million)."""
        form = cls(formdata=None)
        form.columns.max_entries = max(1, len(headers))
        form.process(formdata)
        return form

    def chosen(self) -> dict[str, str]:
        """{header: field} as the user chose, left-out columns included (as "")."""
        return {row.header.data or "": row.field.data or "" for row in self.columns}
