"""Settings: download the whole account, read one into an empty account."""

import json
from datetime import date

from flask import Blueprint, Response, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from planner import db
from planner.account.cli import MAX_DOCUMENT_BYTES
from planner.account.service import AccountError, export_account, import_account

bp = Blueprint("account", __name__, url_prefix="/settings/account")


class AccountImportForm(FlaskForm):
    document = FileField(_l("Account export (.json)"), validators=[FileRequired()])


@bp.get("/export")
@login_required
def export() -> ResponseReturnValue:
    document = export_account(db.session(), owner=current_user)
    body = json.dumps(document, ensure_ascii=False, indent=1)
    name = f"treffpunkt-account-{date.today().isoformat()}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/import")
@login_required
def import_() -> ResponseReturnValue:
    form = AccountImportForm()
    back = redirect(url_for("settings.index") + "#account")
    if not form.validate_on_submit():
        flash(_("Choose the account export file (.json)."), "error")
        return back
    upload = form.document.data
    name = upload.filename or "account.json"
    data = upload.stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        flash(_("%(file)s is too large.", file=name), "error")
        return back
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        flash(_("%(file)s is not a JSON document.", file=name), "error")
        return back
    session = db.session()
    try:
        counts = import_account(session, owner=current_user, document=document, name=name)
    except AccountError as error:
        session.rollback()
        flash(_("%(file)s could not be read: %(reason)s", file=name, reason=str(error)), "error")
        return back
    session.commit()
    flash(
        _(
            "Account read: %(contacts)d contacts, %(trips)d trips, %(meetings)d meetings.",
            contacts=counts.get("contacts", 0),
            trips=counts.get("trips", 0),
            meetings=counts.get("meetings", 0),
        ),
        "success",
    )
    return back
