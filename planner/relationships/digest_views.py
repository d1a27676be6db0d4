"""The digest's choice in the settings and the unsubscribe link from its e-mails."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner import db
from planner.relationships import digest
from planner.relationships.digest_forms import DigestForm, UnsubscribeForm
from planner.settings import sending

bp = Blueprint("digest", __name__)


@bp.app_template_global()
def digest_setting() -> dict[str, object]:
    """What the settings page shows of the digest: the form and whether it can go out."""
    from planner.meetings.invites import smtp_settings

    can_send = smtp_settings() is not None
    return {
        "form": DigestForm(formdata=None, choice=current_user.digest),
        "mail": can_send,
        "verified": can_send and sending.is_verified(db.session(), owner=current_user),
    }


@bp.post("/settings/digest")
@login_required
def choose() -> ResponseReturnValue:
    form = DigestForm()
    if not form.validate_on_submit():
        flash(_("Choose off, daily or weekly."), "error")
        return redirect(url_for("settings.index") + "#digest")
    session = db.session()
    digest.set_digest(session, owner=current_user, choice=form.choice.data)
    session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("settings.index") + "#digest")


@bp.get("/digest/unsubscribe/<token>")
def unsubscribe(token: str) -> ResponseReturnValue:
    owner = digest.owner_of_unsubscribe(db.session(), token)
    if owner is None:
        abort(404)
    page = make_response(
        render_template("digest/unsubscribe.html", form=UnsubscribeForm(), owner=owner, token=token)
    )
    # the token is in the address: no copy in caches, no Referer to a linked site
    page.headers["Cache-Control"] = "no-store"
    page.headers["Referrer-Policy"] = "no-referrer"
    return page


@bp.post("/digest/unsubscribe/<token>")
def unsubscribe_confirm(token: str) -> ResponseReturnValue:
    session = db.session()
    owner = digest.owner_of_unsubscribe(session, token)
    if owner is None:
        abort(404)
    form = UnsubscribeForm()
    if not form.validate_on_submit():
        abort(400)
    digest.set_digest(session, owner=owner, choice="off")
    session.commit()
    current_app.logger.info("digest turned off by its e-mail link")
    return redirect(url_for(".unsubscribe", token=token))
