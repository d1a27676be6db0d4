"""The account's address as a sender: the verification link, sent and followed.

Decisions: the link's GET only shows a button (mail scanners open every link in a message;
a GET never changes anything); the POST carries the token in its body, not in the path, so
it reaches no access log. The page needs no sign-in: the link proves the mailbox, whoever
follows it, and it may be opened on another device than the one signed in.
"""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired

from planner import db
from planner.mail import MailError, Notice, send_notice
from planner.meetings.invites import smtp_settings
from planner.models import MailKind
from planner.models.types import utcnow
from planner.settings import sending
from planner.trips.forms import ButtonForm
from planner.web import mail_base_url

bp = Blueprint("sending", __name__, url_prefix="/settings/email")


class VerifyForm(FlaskForm):
    token = HiddenField(validators=[DataRequired()])


def verification_url(token: str) -> str:
    return f"{mail_base_url()}{url_for('sending.confirm_page', token=token)}"


@bp.app_template_global()
def sender_allowance() -> sending.Allowance | None:
    """For the settings page: the address's state and today's sending (None without SMTP)."""
    if smtp_settings() is None:
        return None
    return sending.allowance(db.session(), owner=current_user)


@bp.post("/verification")
@login_required
def send_link() -> ResponseReturnValue:
    if not ButtonForm().validate_on_submit():
        abort(400)
    back = redirect(url_for("settings.index") + "#email")
    settings = smtp_settings()
    if settings is None:
        flash(_("E-mail is not set up on this server: there is nothing to verify."), "error")
        return back
    session = db.session()
    if sending.is_verified(session, owner=current_user):
        flash(_("Your e-mail address is already verified."), "info")
        return back
    try:
        token = sending.new_verification(session, owner=current_user)
    except sending.SendingRefused as error:
        session.rollback()
        flash(str(error), "error")
        return back
    notice = Notice(
        to=current_user.email,
        subject=_("Confirm your e-mail address for Treffpunkt"),
        text="\n".join(
            [
                _("Hello,"),
                "",
                _(
                    "please confirm that %(email)s is your address: open this link and press "
                    "the button on the page (the link works once, for %(hours)d hours):",
                    email=current_user.email,
                    hours=int(sending.VERIFICATION_LINK_LIFETIME.total_seconds() // 3600),
                ),
                "",
                verification_url(token),
                "",
                _("If you did not ask for this, ignore this message: nothing happens."),
            ]
        ),
    )
    try:
        send_notice(settings, notice)
    except MailError as error:
        session.rollback()
        flash(_("The e-mail could not be sent: %(problem)s", problem=str(error)), "error")
        return back
    sending.record_sent(
        session, owner=current_user, kind=MailKind.VERIFICATION, recipients=1, now=utcnow()
    )
    session.commit()
    flash(
        _("Link sent to %(email)s: open it to verify your address.", email=current_user.email),
        "success",
    )
    return back


def _private(html: str, status: int = 200) -> Response:
    """A page whose address holds a secret: not cached, not sent on as a referrer."""
    page = Response(html, status=status)
    page.headers["Cache-Control"] = "no-store"
    page.headers["Referrer-Policy"] = "no-referrer"
    return page


@bp.get("/verify/<token>")
def confirm_page(token: str) -> ResponseReturnValue:
    verification = sending.pending_verification(db.session(), token)
    if verification is None:
        return _private(render_template("settings/verify_email.html", verification=None), 404)
    form = VerifyForm(formdata=None, token=token)
    return _private(
        render_template("settings/verify_email.html", verification=verification, form=form)
    )


@bp.post("/verify")
def confirm() -> ResponseReturnValue:
    form = VerifyForm()
    if not form.validate_on_submit():
        abort(400)
    session = db.session()
    verification = sending.pending_verification(session, form.token.data or "")
    if verification is None:
        return _private(render_template("settings/verify_email.html", verification=None), 404)
    sending.verify(session, verification=verification)
    session.commit()
    flash(
        _("%(email)s is verified: invitations can go out by e-mail.", email=verification.address),
        "success",
    )
    if current_user.is_authenticated:
        return redirect(url_for("settings.index") + "#email")
    return redirect(url_for("auth.login"))
