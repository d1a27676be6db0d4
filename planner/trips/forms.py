"""Trip forms: a trip with its first leg, a leg, the travel calendar (upload, then the legs
found, to check), and the button forms (CSRF only)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from planner.trips.service import DEFAULT_RADIUS_KM

LOCAL = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


def _moment(label: str) -> DateTimeLocalField:
    return DateTimeLocalField(
        label,
        format=[LOCAL, "%Y-%m-%dT%H:%M:%S"],
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


class CalendarLegForm(Form):
    """One leg found in a travel calendar, as the check shows it: kept or not, its times
    editable, the rest carried along (the place is looked up again on "Create trip")."""

    keep = BooleanField(_l("Keep this leg"), default=True)
    place = HiddenField()
    city = HiddenField()  # the rest only shows what the calendar said
    timezone = HiddenField()
    summaries = HiddenField()
    # required only when the leg is kept (the view checks)
    arrives = DateTimeLocalField(_l("Arrival"), format=[LOCAL], validators=[Optional()])
    departs = DateTimeLocalField(_l("Departure"), format=[LOCAL], validators=[Optional()])


class CalendarTripForm(FlaskForm):
    """The legs found in a travel calendar, checked by the user, and the trip's title."""

    legs = FieldList(FormField(CalendarLegForm))
    title = StringField(
        _l("Title"),
        validators=[Optional(), Length(max=200)],
        render_kw={
            "maxlength": 200,
            "placeholder": _l("Optional: the cities of the trip if empty."),
        },
    )
    filename = HiddenField()
