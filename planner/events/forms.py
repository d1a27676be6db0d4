"""Forms of the events pages: follow a feed (address or file), and the list's filters."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


class SubscribeForm(FlaskForm):
    url = StringField(
        _l("Feed address"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l(
            "The .ics address a barcamp, meetup or conference calendar publishes; "
            "webcal:// works too."
        ),
        render_kw={"autocomplete": "off", "inputmode": "url"},
    )
    title = StringField(_l("Name"), validators=[Optional(), Length(max=200)])


class UploadFeedForm(FlaskForm):
    file = FileField(_l("Calendar file (.ics)"), validators=[FileRequired()])
    title = StringField(_l("Name"), validators=[Optional(), Length(max=200)])


class FilterForm(FlaskForm):
    """The list's and the month's filters (GET: no CSRF token, the address is shareable)."""

    class Meta:
        csrf = False

    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    radius = IntegerField(
        _l("Radius (km)"), validators=[Optional(), NumberRange(min=1, max=500)], default=50
    )
    topic = StringField(_l("Topic"), validators=[Optional(), Length(max=100)])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("Until"), validators=[Optional()])
