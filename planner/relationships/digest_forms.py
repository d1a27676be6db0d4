"""The digest's forms: the choice in the settings, the unsubscribe button."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField

from planner.relationships.digest import CHOICES


def _labels() -> list[tuple[str, str]]:
    names = {"off": _l("Off"), "daily": _l("Daily"), "weekly": _l("Weekly (Mondays)")}
    return [(choice, str(names[choice])) for choice in CHOICES]


class DigestForm(FlaskForm):
    choice = RadioField(_l("E-mail digest of due follow-ups"), choices=_labels, default="off")


class UnsubscribeForm(FlaskForm):
    """A button that only needs the CSRF token."""
