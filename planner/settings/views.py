"""Settings: language, home city, password, account deletion."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from planner import db
from planner.auth import service
from planner.auth.passwords import verify_password
from planner.settings.forms import ChangePasswordForm, DeleteAccountForm, PreferencesForm

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> ResponseReturnValue:
    user = current_user
    form = PreferencesForm() if request.method == "POST" else _preferences_of(user)
    if form.validate_on_submit():
        user.locale = form.locale.data or None
        user.home_city = (form.home_city.data or "").strip() or None
        db.session().add(user)
        db.session().commit()
        refresh()  # show the confirmation in the newly chosen language
        flash(_("Settings saved."), "success")
        return redirect(url_for(".index"))
    return render_template(
        "settings/index.html",
        form=form,
        password_form=ChangePasswordForm(),
        delete_form=DeleteAccountForm(),
    )


@bp.post("/password")
@login_required
def change_password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()  # the real User, not the proxy
        try:
            service.change_password(
                db.session(),
                user=user,
                current=form.current.data or "",
                new=form.password.data or "",
            )
        except service.AccountError:
            form.current.errors.append(_("That is not your current password."))
        else:
            db.session().commit()
            login_user(user)  # the new session key goes into this session's cookie
            flash(_("Password changed. Other devices have been signed out."), "success")
            return redirect(url_for(".index"))
    return render_template(
        "settings/index.html",
        form=_preferences_of(current_user),
        password_form=form,
        delete_form=DeleteAccountForm(),
    ), 400


@bp.post("/delete")
@login_required
def delete_account() -> ResponseReturnValue:
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if verify_password(current_user.password_hash, form.password.data or ""):
            service.delete_user(db.session(), user=current_user)
            db.session().commit()
            logout_user()
            flash(_("Your account and all its data have been deleted."), "info")
            return redirect(url_for("auth.register"))
        form.password.errors.append(_("That is not your password."))
    return render_template(
        "settings/index.html",
        form=_preferences_of(current_user),
        password_form=ChangePasswordForm(),
        delete_form=form,
    ), 400


def _preferences_of(user: object) -> PreferencesForm:
    form = PreferencesForm(formdata=None, obj=user)
    form.locale.data = getattr(user, "locale", None) or ""
    return form
