"""Meeting forms: time and place, attendees' answers, and the buttons that post a value (a
plain button is ``planner.trips.forms.ButtonForm``)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional, ValidationError

from planner.meetings.service import PARTSTATS, is_zone


def _moment(label: str) -> DateTimeLocalField:
    return DateTimeLocalField(
        label,
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
        description=_l("Local time at the meeting place."),
    )


def _known_zone(form: FlaskForm, field: StringField) -> None:
    if field.data and not is_zone(field.data.strip()):
        raise ValidationError(_l("Not a time zone: use a name such as Europe/Berlin."))


class MeetingForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "Optional. If empty, you see “Coffee: …” with your invitees' names, and they see "
            "“Coffee with …” and your name for invites."
        ),
    )
    starts = _moment(_l("Start"))
    ends = _moment(_l("End"))
    timezone = StringField(
        _l("Time zone"),
        validators=[Optional(), Length(max=64), _known_zone],
        description=_l("IANA name, e.g. Europe/Vienna; the trip leg's zone by default."),
        render_kw={"list": "zone-suggestions", "autocomplete": "off"},
    )
    venue = StringField(
        _l("Venue"),
        validators=[Optional(), Length(max=300)],
        description=_l("A café, an address, or “online”."),
    )
    notes = TextAreaField(_l("Notes for the invitation"), validators=[Optional(), Length(max=2000)])


class SlotForm(FlaskForm):
    starts_at = HiddenField(validators=[DataRequired()])


class HalfwayForm(FlaskForm):
    lat = HiddenField(validators=[DataRequired()])
    lon = HiddenField(validators=[DataRequired()])
    venue = HiddenField(validators=[Optional(), Length(max=300)])


# Each PARTSTAT with its label, in the order of ``PARTSTATS``.
ANSWERS = tuple(
    zip(
        PARTSTATS,
        (_l("no answer yet"), _l("accepted"), _l("maybe"), _l("declined")),
        strict=True,
    )
)


class AnswerForm(FlaskForm):
    """What an invitee answered (iCalendar PARTSTAT); the page lists ``ANSWERS``."""

    partstat = HiddenField(validators=[DataRequired(), AnyOf(list(PARTSTATS))])


class AddPersonForm(FlaskForm):
    contact_id = HiddenField(validators=[DataRequired()])
