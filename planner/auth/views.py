"""Register, sign in, sign out."""

from math import ceil
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm

from planner import db
from planner.auth import registration, service, sessions, throttle
from planner.auth.forms import ConfirmRegistrationForm, LoginForm, RegisterForm
from planner.auth.passwords import verify_password
from planner.mail import MailError, Notice, SmtpSettings, send_notice
from planner.meetings.invites import smtp_settings
from planner.models import User
from planner.web import FORM_ERROR_STATUS, mail_base_url

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only redirect to our own pages after sign-in (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for("home.dashboard")


def _too_many(
    template: str, form: FlaskForm, refusal: throttle.TooManyAttempts, reason: str, **context: Any
) -> ResponseReturnValue:
    """429 with the reason and the wait in words, and the wait in Retry-After."""
    form.form_errors.append(f"{reason} {_wait_text(refusal)}")
    page = render_template(template, form=form, **context)
    return page, 429, {"Retry-After": str(refusal.retry_after)}


def _wait_text(refusal: throttle.TooManyAttempts) -> str:
    minutes = max(1, ceil(refusal.retry_after / 60))
    return ngettext(
        "Please wait %(num)d minute before trying again.",
        "Please wait %(num)d minutes before trying again.",
        minutes,
    )


def _sign_in(user: User, *, remember: bool) -> None:
    sessions.start_session(db.session(), user=user, user_agent=request.user_agent.string)
    db.session().commit()
    login_user(user, remember=remember)


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = RegisterForm()
    if not form.validate_on_submit():
        return render_template("auth/register.html", form=form), (
            FORM_ERROR_STATUS if form.is_submitted() else 200
        )
    email = form.email.data or ""
    try:
        throttle.registration_attempt(request, email)
    except throttle.TooManyAttempts as refusal:
        reason = _("Too many registrations from your network.")
        return _too_many("auth/register.html", form, refusal, reason)
    smtp = smtp_settings()
    if smtp is not None:
        return _register_by_mail(form, smtp)
    try:
        user = service.create_user(
            db.session(),
            email=email,
            password=form.password.data or "",
            locale=form.locale.data or None,
        )
    except service.AccountError:
        form.email.errors.append(_("An account with this e-mail address exists already."))
        return render_template("auth/register.html", form=form), FORM_ERROR_STATUS
    _sign_in(user, remember=False)
    flash(_("Welcome to Treffpunkt! Start by adding the people you know online."), "success")
    return redirect(url_for("home.dashboard"))


def _public_url(endpoint: str, **values: Any) -> str:
    """A link for an e-mail, on ``BASE_URL``: never on the request's Host header, which
    whoever sends the request chooses (it would put their site into our mail)."""
    return mail_base_url() + url_for(endpoint, **values)


def _register_by_mail(form: RegisterForm, smtp: SmtpSettings) -> ResponseReturnValue:
    """The same answer for a new and a taken address (see planner.auth.registration)."""
    requested = registration.request_registration(
        db.session(),
        email=form.email.data or "",
        password=form.password.data or "",
        locale=form.locale.data or None,
    )
    if requested.token is not None:
        link = _public_url("auth.confirm_registration", token=requested.token)
        text = _(
            "Hello,\n\nplease open this link to finish creating your Treffpunkt account:\n\n"
            "%(link)s\n\nThe link works for 48 hours. If you did not ask for an account, "
            "ignore this message: nothing has been created.",
            link=link,
        )
    else:
        link = _public_url("auth.login")
        text = _(
            "Hello,\n\nsomeone (you, we hope) asked to create a Treffpunkt account for this "
            "address. You have one already: sign in here:\n\n%(link)s\n\n"
            "If it was not you, ignore this message: nothing has changed.",
            link=link,
        )
    notice = Notice(
        to=requested.email,
        subject=_("Your Treffpunkt account"),
        text=text,
        language=str(get_locale() or "en"),
    )
    try:
        send_notice(smtp, notice)
    except MailError as error:
        current_app.logger.warning("registration mail not sent: %s", error)
        db.session().rollback()
        form.form_errors.append(
            _("The e-mail could not be sent just now. Please try again in a few minutes.")
        )
        return render_template("auth/register.html", form=form), 503
    db.session().commit()
    return render_template("auth/check_mail.html", email=requested.email)


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
def confirm_registration(token: str) -> ResponseReturnValue:
    found = registration.pending(db.session(), token)
    if found is None:
        return render_template("auth/confirm.html", form=None), 404
    form = ConfirmRegistrationForm()
    if not form.validate_on_submit():
        status = FORM_ERROR_STATUS if form.is_submitted() else 200
        return render_template("auth/confirm.html", form=form, email=found.email), status
    try:
        attempt = throttle.sign_in_attempt(request, found.email)
    except throttle.TooManyAttempts as refusal:
        reason = _("Too many sign-in attempts.")
        return _too_many("auth/confirm.html", form, refusal, reason, email=found.email)
    if not verify_password(found.password_hash, form.password.data or ""):
        form.password.errors.append(_("This is not the password you chose when registering."))
        return render_template("auth/confirm.html", form=form, email=found.email), FORM_ERROR_STATUS
    attempt.release()
    user = registration.complete_registration(db.session(), registration=found)
    if user is None:
        db.session().commit()
        flash(_("An account with this e-mail address exists already. Please sign in."), "info")
        return redirect(url_for("auth.login"))
    if current_user.is_authenticated:  # the link's account replaces whoever was signed in
        sessions.end_session(db.session(), user=current_user._get_current_object())
        logout_user()
    _sign_in(user, remember=False)
    flash(_("Welcome to Treffpunkt! Start by adding the people you know online."), "success")
    return redirect(url_for("home.dashboard"))


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data or ""
        try:
            attempt = throttle.sign_in_attempt(request, email)
        except throttle.TooManyAttempts as refusal:
            reason = _("Too many sign-in attempts.")
            return _too_many("auth/login.html", form, refusal, reason)
        user = service.authenticate(db.session(), email=email, password=form.password.data or "")
        if user is not None:
            attempt.release()  # a successful sign-in is not counted
            _sign_in(user, remember=bool(form.remember.data))
            response = redirect(safe_next(request.args.get("next")))
            throttle.remember_device(request, response, email)
            return response
        flash(_("E-mail or password is wrong."), "error")
    status = FORM_ERROR_STATUS if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    sessions.end_session(db.session(), user=current_user._get_current_object())
    db.session().commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.app_template_global()
def signed_in_devices() -> list[sessions.Device]:
    """The signed-in user's browsers, for the settings page (read only when it is shown)."""
    return sessions.devices(db.session(), user=current_user._get_current_object())


@bp.post("/logout/everywhere")
@login_required
def logout_everywhere() -> ResponseReturnValue:
    """Sign out every browser of this account, this one included."""
    form = FlaskForm()
    if not form.validate_on_submit():
        return redirect(url_for("settings.index"))
    ended = sessions.end_all_sessions(db.session(), user=current_user._get_current_object())
    db.session().commit()
    logout_user()
    flash(
        ngettext(
            "Signed out on %(num)d device.", "Signed out on all %(num)d devices.", max(ended, 1)
        ),
        "info",
    )
    return redirect(url_for("auth.login"))
