"""The upload form: one or more export files and, if detection guesses wrong, a format."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import SelectField

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
