"""Account settings forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from planner.auth.forms import language_choices, new_password_field


class PreferencesForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=language_choices, default="")
    home_city = StringField(
        _l("Home city"),
        validators=[Optional(), Length(max=200)],
        description=_l("Where you live; trips and regional get-togethers start from here."),
        render_kw={"autocomplete": "off", "list": "place-suggestions"},
    )
    topics = StringField(
        _l("Your topics"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "What you work on and care about, separated by commas: shared topics make a "
            "contact worth meeting."
        ),
    )


class VocabularyForm(FlaskForm):
    text = TextAreaField(
        _l("Topics and their synonyms"),
        validators=[Length(max=100_000)],
        render_kw={"rows": 24, "spellcheck": "false"},
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password, to confirm"),
        validators=[DataRequired()],
        render_kw={"autocomplete": "current-password"},
    )
