"""Forms for the user's calendars, meeting preferences and the private feed."""

from typing import Any

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectMultipleField, StringField, TimeField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


class UploadCalendarForm(FlaskForm):
    file = FileField(_l("Calendar file (.ics)"), validators=[FileRequired()])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])


class CalendarUrlForm(FlaskForm):
    url = StringField(
        _l("Private address (ics)"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l(
            "Google: Settings → your calendar → “Secret address in iCal format”; "
            "Outlook: Settings → Shared calendars → Publish; webcal:// works too."
        ),
        render_kw={"autocomplete": "off", "inputmode": "url"},
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])


class WeekdaysField(SelectMultipleField):
    """One checkbox per weekday (0 = Monday), named in the reader's language."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PreferencesForm(FlaskForm):
    display_name = StringField(
        _l("Your name in invites"),
        validators=[Optional(), Length(max=200)],
        description=_l("Empty: your e-mail address."),
    )
    day_start = TimeField(_l("Meetings from"), validators=[DataRequired()])
    day_end = TimeField(_l("until"), validators=[DataRequired()])
    minutes = IntegerField(
        _l("A meeting lasts (minutes)"), validators=[DataRequired(), NumberRange(min=15, max=480)]
    )
    buffer = IntegerField(
        _l("Buffer around busy times (minutes)"),
        validators=[Optional(), NumberRange(min=0, max=240)],
    )
    per_day = IntegerField(
        _l("At most meetings a day"), validators=[DataRequired(), NumberRange(min=1, max=12)]
    )
    weekdays = WeekdaysField(
        _l("Days I meet"),
        coerce=int,
        description=_l(
            "Free times without a trip are offered on these days. On a trip, every day of "
            "your stay is offered."
        ),
    )
    alarm = IntegerField(
        _l("Reminder before a meeting (minutes)"),
        validators=[Optional(), NumberRange(min=0, max=10080)],
        description=_l("Empty: invites carry no reminder."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = get_day_names("wide", locale=str(get_locale() or "en"))
        self.weekdays.choices = [(day, str(names[day])) for day in range(7)]

    def validate_weekdays(self, field: WeekdaysField) -> None:
        if not field.data:
            raise ValidationError(_l("Tick at least one day."))

    def validate_day_end(self, field: TimeField) -> None:
        if self.day_start.data and field.data and field.data <= self.day_start.data:
            raise ValidationError(_l("The end of the day must be after its start."))
