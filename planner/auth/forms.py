"""Sign-up and sign-in forms."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, PasswordField, SelectField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from planner.auth.passwords import contains_address, is_common

PASSWORD_MIN = 10


def not_guessable(form: Any, field: Field) -> None:
    """Refuse the most common passwords and any holding the account's address (the form's
    ``email`` field, else the signed-in user's)."""
    password = field.data or ""
    if is_common(password):
        raise ValidationError(
            _l("This is one of the most common passwords: attackers try it first. Choose another.")
        )
    email_field = getattr(form, "email", None)
    email = email_field.data if email_field is not None else None
    if not email and current_user and current_user.is_authenticated:
        email = current_user.email
    if email and contains_address(password, email):
        raise ValidationError(_l("The password must not contain your e-mail address."))


def new_password_field(label: str | None = None) -> PasswordField:
    return PasswordField(
        label or _l("Password"),
        validators=[
            DataRequired(),
            Length(
                min=PASSWORD_MIN,
                max=200,
                message=_l("Use at least %(n)d characters.", n=PASSWORD_MIN),
            ),
            not_guessable,
        ],
        render_kw={"autocomplete": "new-password"},
    )


def language_choices() -> list[tuple[str, str]]:
    return [("", _l("Same as my browser")), ("de", "Deutsch"), ("en", "English")]


class RegisterForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    password = new_password_field()
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )
    locale = SelectField(_l("Language"), choices=language_choices, default="")


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Stay signed in on this device"))


class ConfirmRegistrationForm(FlaskForm):
    """Behind the e-mailed link (a GET never creates the account): the password chosen at
    registration, so only the person who registered can finish, not the mailbox's owner
    tricked into clicking a link someone else asked for."""

    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
