"""Contact pages: list with search, detail, add, edit, delete, JSON export."""

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from planner import db
from planner.contacts import service
from planner.contacts.forms import ContactForm, address_form_choices, stage_choices
from planner.db import get_owned
from planner.imports.service import get_batch
from planner.models import Contact, ImportBatch
from planner.paging import requested_page
from planner.places import service as places
from planner.web import FORM_ERROR_STATUS

bp = Blueprint("contacts", __name__, url_prefix="/contacts")


@bp.get("/")
@login_required
def index() -> ResponseReturnValue:
    query = request.args.get("q", "").strip()[:200]
    batch, kind = _from_import()
    result = service.list_contacts(
        db.session(),
        owner=current_user,
        query=query,
        page=requested_page(),
        per_page=current_app.config["CONTACTS_PER_PAGE"],
        import_id=batch.id if batch else None,
        from_import=kind,
        text_ids=True,
    )
    filters: dict[str, Any] = {"q": query} if query else {}
    if batch is not None:
        filters |= {"import": str(batch.id), "kind": kind.value}
    if result.page > result.pages:  # past the end: the last page
        return redirect(url_for(".index", **filters, page=result.pages))
    return render_template(
        "contacts/index.html", result=result, query=query, batch=batch, kind=kind, filters=filters
    )


def _from_import() -> tuple[ImportBatch | None, service.FromImport]:
    """``?import=<id>&kind=new|merged``: one of the user's imports, else 404."""
    kind = (
        service.FromImport.MERGED
        if request.args.get("kind") == "merged"
        else service.FromImport.NEW
    )
    import_id = request.args.get("import")
    if not import_id:
        return None, kind
    batch = get_batch(db.session(), owner=current_user, import_id=import_id)
    if batch is None:
        abort(404)
    return batch, kind


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new() -> ResponseReturnValue:
    form = ContactForm()
    if form.validate_on_submit():
        contact = service.create_contact(db.session(), owner=current_user, data=form.to_input())
        contact.address_form = form.address_form.data
        _place(contact)
        db.session().commit()
        flash(_("%(name)s added.", name=contact.display_name), "success")
        return redirect(url_for(".show", contact_id=contact.id))
    status = FORM_ERROR_STATUS if form.is_submitted() else 200
    return render_template("contacts/form.html", form=form, contact=None), status


def _place(contact: Contact) -> None:
    """Put a new or changed place on the map (offline only: a request never waits on the
    network), once places exist."""
    if places.gazetteer_ready():
        places.geocode_contacts(db.session(), owner=current_user, contact_ids=[contact.id])
        db.session().refresh(contact)


@bp.get("/<contact_id>")
@login_required
def show(contact_id: str) -> ResponseReturnValue:
    contact = get_owned(db.session(), Contact, contact_id, owner=current_user)
    stages = dict(stage_choices())
    return render_template(
        "contacts/show.html",
        contact=contact,
        stages=stages,
        address_forms=dict(address_form_choices()),
    )


@bp.route("/<contact_id>/edit", methods=["GET", "POST"])
@login_required
def edit(contact_id: str) -> ResponseReturnValue:
    contact = get_owned(db.session(), Contact, contact_id, owner=current_user)
    stored = service.contact_to_input(contact)
    form = ContactForm(stored=stored)
    if request.method == "GET":
        form.fill_from(stored)
        form.address_form.data = contact.address_form
    if form.validate_on_submit():
        contact.address_form = form.address_form.data
        service.update_contact(db.session(), contact=contact, data=form.to_input(base=stored))
        _place(contact)
        db.session().commit()
        flash(_("Changes to %(name)s saved.", name=contact.display_name), "success")
        return redirect(url_for(".show", contact_id=contact.id))
    status = FORM_ERROR_STATUS if form.is_submitted() else 200
    return render_template("contacts/form.html", form=form, contact=contact), status


@bp.route("/<contact_id>/delete", methods=["GET", "POST"])
@login_required
def delete(contact_id: str) -> ResponseReturnValue:
    contact = get_owned(db.session(), Contact, contact_id, owner=current_user)
    form = FlaskForm()
    if form.validate_on_submit():
        name = contact.display_name
        service.delete_contact(db.session(), contact=contact)
        db.session().commit()
        flash(_("%(name)s deleted.", name=name), "info")
        return redirect(url_for(".index"))
    status = FORM_ERROR_STATUS if form.is_submitted() else 200
    return render_template("contacts/delete.html", contact=contact, form=form), status


def _json_download(document: object, filename: str) -> ResponseReturnValue:
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/<contact_id>/export.json")
@login_required
def export_one(contact_id: str) -> ResponseReturnValue:
    contact = get_owned(db.session(), Contact, contact_id, owner=current_user)
    return _json_download(service.contact_to_dict(contact), f"contact-{contact.id}.json")


@bp.get("/export.json")
@login_required
def export_all() -> ResponseReturnValue:
    return _json_download(
        service.export_contacts(db.session(), owner=current_user), "treffpunkt-contacts.json"
    )
