"""Forms of follow-ups, notes and keep in touch (each a CSRF-protected POST)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from planner.relationships.service import MAX_KEEP_IN_TOUCH_WEEKS, MAX_NOTE


class DoneForm(FlaskForm):
    note = TextAreaField(
        _l("What came of it (optional)"), validators=[Optional(), Length(max=MAX_NOTE)]
    )


class SnoozeForm(FlaskForm):
    until = DateField(_l("Remind me again on"), validators=[DataRequired()])


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Note"), validators=[DataRequired(), Length(max=MAX_NOTE)])
    day = DateField(_l("About the day"), validators=[Optional()])


class KeepInTouchForm(FlaskForm):
    every_weeks = IntegerField(
        _l("Keep in touch every … weeks (0: never)"),
        validators=[InputRequired(), NumberRange(min=0, max=MAX_KEEP_IN_TOUCH_WEEKS)],
    )


class ButtonForm(FlaskForm):
    """A button that only needs the CSRF token."""
