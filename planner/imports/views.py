"""Import pages: upload, preview, confirm (in the request or as a background task), undo.

The preview is parsed once, when the files arrive or their columns are assigned (in the
worker when they are big) and kept on the batch: page views never parse
(planner.imports.previews says why).
"""

from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
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
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from planner import db, tasks
from planner.contacts.holds import Hold
from planner.imports import lease, previews, service, uploads
from planner.imports.confirm import Confirmed, Resumed, confirm_import, resume_import
from planner.imports.forms import ColumnMappingForm, ImportForm, format_label
from planner.imports.history import import_history, totals
from planner.imports.undo import EDITED, IMPORTS, apply_undo, plan_undo
from planner.models import ImportBatch, ImportStatus
from planner.web import FORM_ERROR_STATUS

bp = Blueprint("imports", __name__, url_prefix="/imports")

# What each file status means, in words (CLI.md's statuses).
FILE_STATUS: dict[str, tuple[Any, Any]] = {
    "imported": (_l("readable"), _l("Every contact in this file can be taken.")),
    "partial": (
        _l("partly readable"),
        _l("Some records are broken and are left out; the others can be taken."),
    ),
    "rejected": (_l("rejected"), _l("Nothing can be taken from this file.")),
    "empty": (_l("no contacts"), _l("The file is readable but holds no contacts.")),
}

BATCH_STATUS: dict[str, Any] = {
    ImportStatus.PARSING.value: _l("being read"),
    ImportStatus.PREVIEW.value: _l("preview, not imported yet"),
    ImportStatus.RUNNING.value: _l("importing"),
    ImportStatus.DONE.value: _l("imported"),
    ImportStatus.FAILED.value: _l("failed"),
    ImportStatus.UNDONE.value: _l("undone"),
    ImportStatus.EXPIRED.value: _l("expired"),
}
STUCK_STATUS = _l("stopped")


def _owned_batch(import_id: str) -> ImportBatch:
    batch = service.get_batch(db.session(), owner=current_user, import_id=import_id)
    if batch is None:
        abort(404)
    return batch


def _lease() -> timedelta:
    return timedelta(seconds=float(current_app.config["IMPORT_LEASE_SECONDS"]))


def _is_stuck(batch: ImportBatch) -> bool:
    return lease.is_stopped(batch, lease=_lease())


def _prepare_preview(batch: ImportBatch, work: int) -> None:
    """Compute and keep the preview now, or (big files) in the worker. Commits."""
    background_from = current_app.config["IMPORT_PREVIEW_BACKGROUND_BYTES"]
    previews.prepare_preview(
        db.session(), owner=current_user, batch=batch, work=work, background_from=background_from
    )


def _render(template: str, **context: Any) -> str:
    return render_template(
        template,
        file_status=FILE_STATUS,
        batch_status=BATCH_STATUS,
        format_label=format_label,
        stuck_status=STUCK_STATUS,
        upload_ttl_hours=int(current_app.config["IMPORT_UPLOAD_TTL_HOURS"]),
        **context,
    )


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> ResponseReturnValue:
    form = ImportForm()
    session = db.session()
    status = 200
    if form.validate_on_submit():
        received = form.uploads()
        problem = uploads.quota_problem(
            session,
            owner=current_user,
            incoming=sum(len(data) for _name, data in received),
            quota=current_app.config["IMPORT_UPLOAD_QUOTA_BYTES"],
        )
        if problem is None:
            batch = service.stage_import(
                session, owner=current_user, uploads=received, format=form.chosen_format()
            )
            session.commit()
            _prepare_preview(batch, previews.work_bytes(received))
            return redirect(url_for(".show", import_id=batch.id))
        form.files.errors = [*form.files.errors, problem]
        status = FORM_ERROR_STATUS
    elif form.is_submitted():
        status = FORM_ERROR_STATUS
    history = import_history(session, owner=current_user, lease_time=_lease())
    return _render("imports/index.html", form=form, history=history), status


@bp.get("/<import_id>")
@login_required
def show(import_id: str) -> ResponseReturnValue:
    return _show(_owned_batch(import_id))


def _show(batch: ImportBatch, mapping_form: ColumnMappingForm | None = None) -> str:
    """The page of one import; ``mapping_form``: a column mapping sent and refused, shown
    again as the user chose it."""
    context: dict[str, Any] = {"batch": batch, "outcomes": [], "progress": None, "stuck": False}
    if batch.status == ImportStatus.PREVIEW.value and batch.preview is None:
        # uploaded before previews were stored (migration 0013): computed once, then kept
        _prepare_preview(batch, previews.stored_work(batch))
    if batch.status == ImportStatus.PREVIEW.value:  # stored at upload: never parsed here
        context.update(
            outcomes=previews.preview_files(batch), importable=previews.importable(batch)
        )
    elif batch.status == ImportStatus.RUNNING.value:
        context["progress"] = tasks.import_progress(batch.id)
        context["stuck"] = _is_stuck(batch)
    elif batch.status == ImportStatus.PARSING.value:
        context["stuck"] = _is_stuck(batch)
    else:
        context["outcomes"] = (batch.summary or {}).get("files", [])
    context["totals"] = totals(context["outcomes"])
    context["mapping_forms"] = {
        o["file"]: (
            mapping_form
            if mapping_form is not None and mapping_form.file.data == o["file"]
            else ColumnMappingForm.proposed(o["file"], o["headers"], o["mapping"])
        )
        for o in context["outcomes"]
        if batch.status == ImportStatus.PREVIEW.value and o.get("needs_mapping")
    }
    return _render("imports/show.html", **context)


@bp.post("/<import_id>/mapping")
@login_required
def mapping(import_id: str) -> ResponseReturnValue:
    """Keep the columns the user assigned for one CSV file of a preview."""
    batch = _owned_batch(import_id)
    file = request.form.get("file", "")
    if batch.status != ImportStatus.PREVIEW.value or file not in {f.name for f in batch.files}:
        abort(404)
    headers: list[str] = next(
        (o["headers"] for o in previews.preview_files(batch) if o["file"] == file), []
    )
    form = ColumnMappingForm.posted(request.form, headers)
    if form.validate_on_submit():
        problem = service.set_column_mapping(
            db.session(), batch=batch, file=file, headers=headers, mapping=form.chosen()
        )
        if problem is None:
            db.session().commit()
            _prepare_preview(batch, previews.stored_work(batch))
            flash(_("Columns assigned. Check the preview below."), "success")
            return redirect(url_for(".show", import_id=batch.id))
        form.form_errors.append(problem)
    return _show(batch, mapping_form=form), FORM_ERROR_STATUS


# What the user is told after confirming (planner.imports.confirm), but for WRITTEN.
CONFIRMED: dict[Confirmed, tuple[str, Any]] = {
    Confirmed.NOT_PREVIEW: (
        "error",
        _l("This import is no longer a preview, so it cannot be confirmed."),
    ),
    Confirmed.NOTHING: ("error", _l("There is nothing to import in these files.")),
    Confirmed.QUEUED: (
        "info",
        _l("The import runs in the background; this page shows how far it is."),
    ),
    Confirmed.NOT_QUEUED: (
        "error",
        _l("The import could not be started. Please try again in a moment."),
    ),
    Confirmed.FAILED: ("error", _l("The import failed; nothing was written.")),
}


@bp.post("/<import_id>/confirm")
@login_required
def confirm(import_id: str) -> ResponseReturnValue:
    batch = _owned_batch(import_id)
    back = redirect(url_for(".show", import_id=batch.id))
    background_from = current_app.config.get("IMPORT_BACKGROUND_THRESHOLD", 5000)
    done = confirm_import(
        db.session(), owner=current_user, batch=batch, background_from=background_from
    )
    if done.result != Confirmed.WRITTEN:
        category, message = CONFIRMED[done.result]
        flash(str(message), category)
        return back
    written = totals(done.outcomes)
    flash(
        _(
            "%(created)d contacts imported, %(merged)d merged",
            created=written["created"],
            merged=written["merged"],
        ),
        "success",
    )
    return back


@bp.post("/<import_id>/discard")
@login_required
def discard(import_id: str) -> ResponseReturnValue:
    batch = _owned_batch(import_id)
    unwritten = (
        ImportStatus.PARSING.value,
        ImportStatus.PREVIEW.value,
        ImportStatus.FAILED.value,
        ImportStatus.EXPIRED.value,
    )
    if batch.status not in unwritten and not _is_stuck(batch):
        flash(_("Only an import that was not written can be discarded."), "error")
        return redirect(url_for(".show", import_id=batch.id))
    session = db.session()
    session.delete(batch)
    session.commit()
    flash(_("The uploaded files were discarded; nothing was imported."), "info")
    return redirect(url_for(".index"))


# What the user is told after asking to run a stopped import again.
RESUMED: dict[Resumed, tuple[str, Any]] = {
    Resumed.REREAD: ("info", _l("The files are read again.")),
    Resumed.NOT_STOPPED: (
        "error",
        _l("This import is not stopped, so there is nothing to resume."),
    ),
    Resumed.NOT_QUEUED: (
        "error",
        _l("The import could not be started. Please try again in a moment."),
    ),
    Resumed.QUEUED: (
        "info",
        _l("The import runs again in the background; this page shows how far it is."),
    ),
}


@bp.post("/<import_id>/resume")
@login_required
def resume(import_id: str) -> ResponseReturnValue:
    """Run a stopped import again from its stored files (its first run wrote nothing)."""
    batch = _owned_batch(import_id)
    done = resume_import(
        db.session(),
        owner=current_user,
        batch=batch,
        lease_time=_lease(),
        work_from=current_app.config["IMPORT_PREVIEW_BACKGROUND_BYTES"],
    )
    category, message = RESUMED[done]
    flash(str(message), category)
    return redirect(url_for(".show", import_id=batch.id))


UNDO_LISTED = 200  # names listed per outcome on the undo confirmation (all are counted)

# Why undo keeps a contact, or some of its values (planner.imports.undo's reasons).
UNDO_REASONS: dict[str, Any] = {
    Hold.SOURCE.value: _l("another import or your own entry also holds it"),
    Hold.MEETING.value: _l("invited to a meeting"),
    EDITED: _l("you changed it since"),
    IMPORTS: _l("another import brought the same details"),
}
# Why some of a restored contact's details stay.
UNDO_STAYING: dict[str, Any] = {
    EDITED: _l("what you changed since stays"),
    IMPORTS: _l("what another import brought too stays"),
}


@bp.route("/<import_id>/undo", methods=["GET", "POST"])
@login_required
def undo(import_id: str) -> ResponseReturnValue:
    """GET: what undoing would remove, keep (and why) and restore, to confirm. POST: undo."""
    batch = _owned_batch(import_id)
    if batch.status != ImportStatus.DONE.value:
        flash(_("Only a finished import can be undone."), "error")
        return redirect(url_for(".show", import_id=batch.id))
    session = db.session()
    if request.method == "GET":
        plan = plan_undo(session, owner=current_user, batch=batch)
        return _render(
            "imports/undo.html",
            batch=batch,
            plan=plan,
            listed=UNDO_LISTED,
            reasons=UNDO_REASONS,
            staying=UNDO_STAYING,
        )
    counts = apply_undo(session, owner=current_user, batch=batch).counts()
    session.commit()
    flash(
        _(
            "Import undone: %(removed)d contacts removed, %(restored)d restored as they were.",
            removed=counts["removed"],
            restored=counts["restored"],
        ),
        "success",
    )
    if counts["kept"]:
        flash(
            ngettext(
                "%(num)d contact kept: later imports or your own edits also hold it.",
                "%(num)d contacts kept: later imports or your own edits also hold them.",
                counts["kept"],
            ),
            "info",
        )
    return redirect(url_for(".show", import_id=batch.id))
