"""Register, sign in, sign out."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from planner import db
from planner.auth import service
from planner.auth.forms import LoginForm, RegisterForm
from planner.extensions import limiter

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only redirect to our own pages after sign-in (no open redirect)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for("home.dashboard")


@bp.route("/register", methods=["GET", "POST"])
def register() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = service.create_user(
                db.session(),
                email=form.email.data or "",
                password=form.password.data or "",
                locale=form.locale.data or None,
            )
        except service.AccountError:
            form.email.errors.append(_("An account with this e-mail address exists already."))
        else:
            db.session().commit()
            login_user(user)
            flash(
                _("Welcome to Treffpunkt! Start by adding the people you know online."), "success"
            )
            return redirect(url_for("home.dashboard"))
    return render_template("auth/register.html", form=form)


def _login_rate_limit() -> str:
    limit: str = current_app.config["LOGIN_RATE_LIMIT"]
    return limit


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate_limit, methods=["POST"], deduct_when=lambda r: r.status_code == 200)
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("home.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(
            db.session(), email=form.email.data or "", password=form.password.data or ""
        )
        if user is not None:
            db.session().commit()  # a re-hashed password is saved
            login_user(user, remember=bool(form.remember.data))
            return redirect(safe_next(request.args.get("next")))
        flash(_("E-mail or password is wrong."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
