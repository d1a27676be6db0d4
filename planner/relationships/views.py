"""Follow-ups page; notes, keep in touch and the timeline on a contact's page."""

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlmodel import col

from planner import db
from planner.db import get_owned
from planner.models import Contact
from planner.relationships import service
from planner.relationships.forms import (
    ButtonForm,
    DoneForm,
    KeepInTouchForm,
    NoteForm,
    SnoozeForm,
)
from planner.relationships.messages import followup_text
from planner.relationships.timeline import timeline
from planner.web import FORM_ERROR_STATUS

bp = Blueprint("relationships", __name__)


@bp.app_template_global()
def relationship_of(contact: Contact) -> dict[str, Any]:
    """What the contact page shows of the relationship: timeline, follow-ups, forms."""
    session = db.session()
    weeks = service.keep_in_touch_weeks(session, contact=contact)
    return {
        "timeline": timeline(session, owner=current_user, contact=contact),
        "followups": service.open_followups(session, owner=current_user, contact_id=contact.id),
        "last_contact": service.last_contact(session, owner=current_user, contact=contact),
        "keep_form": KeepInTouchForm(formdata=None, every_weeks=weeks),
        "keep_weeks": weeks,
        "note_form": NoteForm(formdata=None),
        "button": ButtonForm(formdata=None),
    }


@bp.get("/followups")
@login_required
def index() -> ResponseReturnValue:
    session = db.session()
    items = service.open_followups(session, owner=current_user)
    today = service.today_of(current_user)
    contacts = {
        c.id: c
        for c in session.scalars(
            select(Contact).where(
                col(Contact.owner_id) == current_user.id,
                col(Contact.id).in_([i.follow_up.contact_id for i in items]),
            )
        )
    }
    texts = {
        i.follow_up.id: followup_text(current_user, contacts[i.follow_up.contact_id], i.follow_up)
        for i in items
        if i.follow_up.contact_id in contacts
    }
    return render_template(
        "relationships/followups.html",
        overdue=[i for i in items if i.follow_up.due <= today],
        later=[i for i in items if i.follow_up.due > today],
        texts=texts,
        today=today,
        next_week=today + timedelta(days=7),
        done_form=DoneForm(formdata=None),
        snooze_form=SnoozeForm(formdata=None, until=today + timedelta(days=7)),
        button=ButtonForm(formdata=None),
    )


def _back(default: str) -> ResponseReturnValue:
    target = request.form.get("back", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(default)


def _followup(followup_id: str) -> Any:
    try:
        return service.get_followup(db.session(), owner=current_user, followup_id=followup_id)
    except service.RelationshipError:
        abort(404)


@bp.post("/followups/<followup_id>/done")
@login_required
def done(followup_id: str) -> ResponseReturnValue:
    follow_up = _followup(followup_id)
    form = DoneForm()
    if not form.validate():
        flash(_("A note can be at most %(n)d characters.", n=service.MAX_NOTE), "error")
        return _back(url_for(".index"))
    session = db.session()
    try:
        following = service.mark_done(
            session, owner=current_user, follow_up=follow_up, note=form.note.data
        )
    except service.RelationshipError as error:
        flash(str(error), "error")
        return _back(url_for(".index"))
    session.commit()
    if following is not None:
        flash(_("Done. The next one is due on %(day)s.", day=_day(following.due)), "success")
    else:
        flash(_("Done."), "success")
    return _back(url_for(".index"))


def _day(value: Any) -> str:
    from planner.datetimes import format_day

    return format_day(value)


@bp.post("/followups/<followup_id>/snooze")
@login_required
def snooze(followup_id: str) -> ResponseReturnValue:
    follow_up = _followup(followup_id)
    form = SnoozeForm()
    session = db.session()
    if not form.validate() or form.until.data is None:
        flash(_("Choose the day to be reminded again."), "error")
        return _back(url_for(".index"))
    try:
        service.snooze(session, owner=current_user, follow_up=follow_up, until=form.until.data)
    except service.RelationshipError as error:
        flash(str(error), "error")
        return _back(url_for(".index"))
    session.commit()
    flash(_("Moved to %(day)s.", day=_day(follow_up.due)), "success")
    return _back(url_for(".index"))


@bp.post("/followups/<followup_id>/dismiss")
@login_required
def dismiss(followup_id: str) -> ResponseReturnValue:
    follow_up = _followup(followup_id)
    if not ButtonForm().validate():
        abort(400)
    session = db.session()
    try:
        service.dismiss(session, owner=current_user, follow_up=follow_up)
    except service.RelationshipError as error:
        flash(str(error), "error")
        return _back(url_for(".index"))
    session.commit()
    flash(_("Dismissed."), "success")
    return _back(url_for(".index"))


def _contact(contact_id: str) -> Contact:
    return get_owned(db.session(), Contact, contact_id, owner=current_user)


@bp.post("/contacts/<contact_id>/notes")
@login_required
def add_note(contact_id: str) -> ResponseReturnValue:
    contact = _contact(contact_id)
    form = NoteForm()
    page = url_for("contacts.show", contact_id=contact.id) + "#timeline"
    if not form.validate():
        return render_template(
            "relationships/note_error.html", contact=contact, form=form
        ), FORM_ERROR_STATUS
    session = db.session()
    service.add_note(
        session, owner=current_user, contact=contact, text=form.text.data or "", day=form.day.data
    )
    session.commit()
    flash(_("Note added."), "success")
    return redirect(page)


@bp.post("/contacts/<contact_id>/notes/<int:entry_id>/delete")
@login_required
def delete_note(contact_id: str, entry_id: int) -> ResponseReturnValue:
    contact = _contact(contact_id)
    if not ButtonForm().validate():
        abort(400)
    session = db.session()
    if not service.delete_note(session, owner=current_user, entry_id=entry_id):
        abort(404)
    session.commit()
    flash(_("Note deleted."), "success")
    return redirect(url_for("contacts.show", contact_id=contact.id) + "#timeline")


@bp.post("/contacts/<contact_id>/keep-in-touch")
@login_required
def keep_in_touch(contact_id: str) -> ResponseReturnValue:
    contact = _contact(contact_id)
    form = KeepInTouchForm()
    page = url_for("contacts.show", contact_id=contact.id) + "#keep-in-touch"
    if not form.validate() or form.every_weeks.data is None:
        flash(_("Choose between 0 and %(n)d weeks.", n=service.MAX_KEEP_IN_TOUCH_WEEKS), "error")
        return redirect(page)
    session = db.session()
    follow_up = service.keep_in_touch(
        session, owner=current_user, contact=contact, every_weeks=form.every_weeks.data
    )
    session.commit()
    if follow_up is None:
        flash(_("No more keep-in-touch reminders for %(name)s.", name=contact.display_name))
    else:
        flash(_("The next reminder is due on %(day)s.", day=_day(follow_up.due)), "success")
    return redirect(page)
