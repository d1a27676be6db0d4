"""The overview's "Try it with demo data" button."""

from flask import Blueprint, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from planner import db, tasks
from planner.demo.service import load_demo
from planner.trips.forms import ButtonForm

bp = Blueprint("demo", __name__, url_prefix="/demo")


@bp.post("/load")
@login_required
def load() -> ResponseReturnValue:
    if not ButtonForm().validate_on_submit():
        return redirect(url_for("home.dashboard"))
    session = db.session()
    result = load_demo(session, owner=current_user, gettext=_)
    session.commit()
    # 122 contacts: placed, checked for duplicates and given topics before the next page
    tasks.after_import.call_local(str(result.batch.id), str(current_user.id))
    flash(
        _(
            "Demo data loaded: %(count)d invented contacts from two exports. Undo it under "
            "Import like any import.",
            count=sum(o.created for o in result.outcomes),
        ),
        "success",
    )
    if result.trip is not None:
        return redirect(url_for("trips.show", trip_id=result.trip.id))
    return redirect(url_for("home.dashboard"))
