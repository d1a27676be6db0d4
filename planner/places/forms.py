"""Forms of the places pages: a radius search (GET, no CSRF) and "Change place" (POST)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, Optional

RADII_KM = (10, 25, 50, 100, 200)
DEFAULT_RADIUS_KM = 50


class NearForm(FlaskForm):
    """Read from the query string: a search changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    place = StringField(_l("Place"), validators=[DataRequired(), Length(max=200)])
    # One of RADII_KM (the page offers them in a select); anything else means the default.
    radius = IntegerField(_l("Radius"), validators=[Optional()], default=DEFAULT_RADIUS_KM)


class PlaceForm(FlaskForm):
    place = StringField(
        _l("Place"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("A city, e.g. Hamburg or München, Bayern."),
        render_kw={"autocomplete": "off", "list": "place-suggestions"},
    )
