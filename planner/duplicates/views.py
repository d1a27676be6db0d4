"""Possible duplicates: review suggested pairs side by side, merge or dismiss them, undo a
merge."""

import uuid
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner import db
from planner.db import get_owned
from planner.duplicates import evidence, service
from planner.models import Contact, MergeSuggestion
from planner.paging import requested_page

bp = Blueprint("duplicates", __name__, url_prefix="/duplicates")

PER_PAGE = 20
HISTORY_LENGTH = 20


@bp.app_template_global("describe_reason")  # the import preview names its evidence alike
def describe(reason: dict[str, Any]) -> str:
    """A stored reason (code and values) in the user's language."""
    code, values = reason.get("code"), [str(v) for v in reason.get("values", [])]
    if code == evidence.SAME_EMAIL and values:
        return _("same e-mail address %(address)s", address=values[0])
    if code == evidence.SAME_PHONE and values:
        return _("same phone number %(number)s", number=values[0])
    if code == evidence.SAME_ACCOUNT and len(values) == 2 and values[0] == "website":
        return _("same website %(address)s", address=values[1])
    if code == evidence.SAME_ACCOUNT and len(values) == 2:
        return _("same %(network)s account %(account)s", network=values[0], account=values[1])
    if code == evidence.SAME_NAME and len(values) == 2 and values[0] == values[1]:
        return _("the same name: “%(name)s”", name=values[0])
    if code == evidence.SAME_NAME and len(values) == 2:
        return _("the same name: “%(a)s” and “%(b)s”", a=values[0], b=values[1])
    if code == evidence.SIMILAR_NAMES and len(values) == 2:
        return _("similar names: “%(a)s” and “%(b)s”", a=values[0], b=values[1])
    if code == evidence.INITIALS and len(values) == 2:
        return _(
            "names that differ only by initials: “%(a)s” and “%(b)s”", a=values[0], b=values[1]
        )
    if code == evidence.HANDLE_FITS_NAME and len(values) == 2:
        return _(
            "the handle “%(handle)s” fits the name “%(name)s”", handle=values[0], name=values[1]
        )
    if code == evidence.SAME_ORGANISATION and values:
        return _("same organisation: %(organisation)s", organisation=values[0])
    if code == evidence.SAME_CITY and values:
        return _("same city: %(city)s", city=values[0])
    return " ".join([str(code), *values])


@bp.app_context_processor
def _open_counts() -> dict[str, Any]:
    """``possible_duplicates()`` for every template: the contact list links the review page,
    a contact's page mentions its open suggestion. Queried only where a template asks."""

    def possible_duplicates(contact_id: uuid.UUID | None = None) -> int:
        if not current_user.is_authenticated:
            return 0
        return service.count_open(db.session(), owner=current_user, contact_id=contact_id)

    return {"possible_duplicates": possible_duplicates}


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    session = db.session()
    result = service.open_suggestions(
        session, owner=current_user, page=requested_page(), per_page=PER_PAGE
    )
    if result.page > result.pages:  # past the end: the last page
        return redirect(url_for(".index", page=result.pages))
    history = service.merge_history(session, owner=current_user, limit=HISTORY_LENGTH)
    return render_template(
        "duplicates/index.html",
        result=result,
        history=[(s, service.merged_names(s)) for s in history],
        crowds=service.name_crowds(session, owner=current_user),
        describe=describe,
    )


def _owned(suggestion_id: str) -> MergeSuggestion:
    return get_owned(db.session(), MergeSuggestion, suggestion_id, owner=current_user)


def _back() -> ResponseReturnValue:
    page = request.form.get("page", 1, type=int) or 1
    return redirect(url_for(".index", page=page) if page > 1 else url_for(".index"))


def _already_decided() -> ResponseReturnValue:
    flash(_("This suggestion has already been decided, or one of its contacts is gone."), "error")
    return _back()


@bp.post("/<suggestion_id>/merge")
@login_required
def merge(suggestion_id: str) -> ResponseReturnValue:
    suggestion = _owned(suggestion_id)
    session = db.session()
    try:
        kept = service.accept(session, owner=current_user, suggestion=suggestion)
    except service.SuggestionError:
        return _already_decided()
    session.commit()
    contact = session.get(Contact, kept)
    name = contact.display_name if contact is not None else ""
    flash(_("Merged into %(name)s. You can undo this below.", name=name), "success")
    return _back()


@bp.post("/<suggestion_id>/dismiss")
@login_required
def dismiss(suggestion_id: str) -> ResponseReturnValue:
    suggestion = _owned(suggestion_id)
    try:
        service.dismiss(db.session(), owner=current_user, suggestion=suggestion)
    except service.SuggestionError:
        return _already_decided()
    db.session().commit()
    flash(_("Kept apart. This pair will not be suggested again."), "info")
    return _back()


@bp.post("/<suggestion_id>/revert")
@login_required
def revert(suggestion_id: str) -> ResponseReturnValue:
    suggestion = _owned(suggestion_id)
    try:
        service.revert(db.session(), owner=current_user, suggestion=suggestion)
    except service.LaterMergeError:
        flash(_("One of these contacts was merged again later: undo that merge first."), "error")
        return _back()
    except service.SuggestionError:
        return _already_decided()
    db.session().commit()
    names = service.merged_names(suggestion)
    flash(
        _("Merge undone: %(names)s are separate contacts again.", names=" · ".join(names)),
        "success",
    )
    return _back()
