"""Settings: language, home city, own topics, the topic synonym table, password, account
deletion."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from planner import db, tasks
from planner.auth import service
from planner.auth.passwords import verify_password
from planner.models import User
from planner.settings import service as settings
from planner.settings.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    PreferencesForm,
    VocabularyForm,
)
from planner.topics import VocabularyError
from planner.trips import interests
from planner.web import FORM_ERROR_STATUS

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> ResponseReturnValue:
    user = current_user
    form = PreferencesForm() if request.method == "POST" else _preferences_of(user)
    if form.validate_on_submit():
        home = (form.home_city.data or "").strip()
        saved = settings.save_preferences(
            db.session(),
            user=user,
            locale=form.locale.data,
            home_city=home,
            topics=form.topics.data or "",
        )
        if saved:
            db.session().commit()
            refresh()  # show the confirmation in the newly chosen language
            flash(_("Settings saved."), "success")
            return redirect(url_for(".index"))
        form.home_city.errors.append(
            _("'%(text)s' is not a city we know: try the nearest larger city.", text=home)
        )
    return render_template(
        "settings/index.html",
        form=form,
        password_form=ChangePasswordForm(),
        delete_form=DeleteAccountForm(),
    ), (FORM_ERROR_STATUS if form.is_submitted() else 200)


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
            flash(_("Password changed. Other devices have been signed out."), "success")
            return redirect(url_for(".index"))
    return render_template(
        "settings/index.html",
        form=_preferences_of(current_user),
        password_form=form,
        delete_form=DeleteAccountForm(),
    ), FORM_ERROR_STATUS


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
    ), FORM_ERROR_STATUS


def _preferences_of(user: User) -> PreferencesForm:
    return PreferencesForm(formdata=None, obj=settings.preferences_of(db.session(), user=user))


@bp.route("/topics", methods=["GET", "POST"])
@login_required
def topics() -> ResponseReturnValue:
    """The synonym table that makes topics comparable, as editable text."""
    session = db.session()
    form = VocabularyForm()
    if form.validate_on_submit():
        try:
            interests.save_vocabulary(session, owner=current_user, text=form.text.data or "")
        except VocabularyError as error:
            form.text.errors.append(
                _("Line %(line)s: %(message)s", line=error.line, message=error.message)
            )
        else:
            session.commit()
            # until the task ran, matching derives the now stale topics itself
            tasks.refresh_interests_task(str(current_user.id), str(get_locale() or "en"))
            flash(_("Topic synonyms saved."), "success")
            return redirect(url_for(".topics"))
        return render_template("settings/topics.html", form=form), FORM_ERROR_STATUS
    vocabulary, changed = interests.vocabulary_of(
        session, owner=current_user, locale=str(get_locale() or "en")
    )
    form.text.data = vocabulary.format()
    return render_template("settings/topics.html", form=form, edited=changed is not None)


@bp.post("/topics/reset")
@login_required
def reset_topics() -> ResponseReturnValue:
    session = db.session()
    interests.reset_vocabulary(session, owner=current_user)
    session.commit()
    tasks.refresh_interests_task(str(current_user.id), str(get_locale() or "en"))
    flash(_("Topic synonyms reset to the defaults."), "success")
    return redirect(url_for(".topics"))
