"""Trip forms: a trip with its first leg, a leg, and the button forms (CSRF only)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateTimeLocalField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from planner.trips.service import DEFAULT_RADIUS_KM


def _moment(label: str) -> DateTimeLocalField:
    return DateTimeLocalField(
        label,
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[DataRequired(message=_l("Enter a date and time."))],
        description=_l("Local time at that place."),
    )


class LegForm(FlaskForm):
    place = StringField(
        _l("City"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("A city, e.g. Hamburg or München, Bayern."),
        render_kw={"autocomplete": "off", "list": "place-suggestions"},
    )
    arrives = _moment(_l("Arrival"))
    departs = _moment(_l("Departure"))
    radius = IntegerField(
        _l("Radius (km)"),
        default=int(DEFAULT_RADIUS_KM),
        validators=[Optional(), NumberRange(min=1, max=500)],
        description=_l("How far you would go for a coffee from there."),
    )


class TripForm(LegForm):
    title = StringField(
        _l("Title"),
        validators=[Optional(), Length(max=200)],
        description=_l("Optional: the cities of the trip if empty."),
    )


class ButtonForm(FlaskForm):
    """A POST button: nothing but the CSRF token."""


class CalendarUploadForm(FlaskForm):
    file = FileField(_l("Travel calendar (.ics)"), validators=[FileRequired()])
