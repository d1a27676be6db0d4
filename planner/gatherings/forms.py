"""Get-together forms: the poll (one page with sections), choosing invitees, fixing the
date, and the invitee's answer (its per-option radios are named by ../shared/CLI.md)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    HiddenField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from planner.gatherings.service import MAX_COMMENT, MAX_NAME

OPTION_SLOTS = 6  # date fields on the form; the CLI takes up to MAX_OPTIONS


class GatheringForm(FlaskForm):
    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("What invitees see, e.g. Career advice get-together Hamburg."),
    )
    city = StringField(
        _l("City"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("The centre of the region, e.g. Hamburg."),
        render_kw={"autocomplete": "off"},
    )
    radius = IntegerField(
        _l("Radius (km)"), default=30, validators=[DataRequired(), NumberRange(1, 500)]
    )
    topics = StringField(
        _l("Topics"),
        validators=[Optional(), Length(max=500)],
        description=_l("Separated by commas; people who share one come first."),
    )
    options = FieldList(
        DateTimeLocalField(
            _l("Date and time"),
            format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
            validators=[Optional()],
        ),
        min_entries=OPTION_SLOTS,
        max_entries=OPTION_SLOTS,
    )
    minutes = IntegerField(
        _l("Length (minutes)"), default=120, validators=[DataRequired(), NumberRange(15, 1440)]
    )
    deadline = DateField(
        _l("Answers until"),
        validators=[Optional()],
        description=_l("Optional. Invitees can change their answers until the end of that day."),
    )
    message = TextAreaField(_l("Message"), validators=[Optional(), Length(max=5000)])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=300)])
    show_answers = BooleanField(_l("Invitees see each other's first names and answers"))


class InviteForm(FlaskForm):
    contacts = SelectMultipleField(_l("Invite"), choices=[], validate_choice=False)


class FixForm(FlaskForm):
    option = HiddenField(validators=[DataRequired()])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=300)])


class AttendedForm(FlaskForm):
    contacts = SelectMultipleField(_l("Who came"), choices=[], validate_choice=False)


class NextForm(FlaskForm):
    options = FieldList(
        DateTimeLocalField(
            _l("Date and time"),
            format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
            validators=[Optional()],
        ),
        min_entries=3,
        max_entries=3,
    )
    deadline = DateField(_l("Answers until"), validators=[Optional()])


class AnswerForm(FlaskForm):
    """Name and comment; the radios ``option-<id>`` are read by the view (one per option)."""

    name = StringField(_l("Your name"), validators=[Optional(), Length(max=MAX_NAME)])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=MAX_COMMENT)])
