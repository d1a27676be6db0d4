"""`planner demo load --user EMAIL` (../shared/CLI.md): invented contacts to try Treffpunkt."""

from flask import current_app
from flask.cli import AppGroup

from planner import db
from planner.cli_options import emit, find_user_or_fail, json_option, user_option

demo_group = AppGroup("demo", help="Demo data to try Treffpunkt with.")


@demo_group.command("load")
@user_option
@json_option
def demo_load(email: str, as_json: bool) -> None:
    """Import 120 invented contacts (two exports, deduplicated; undo like any import), give
    the user topics and a home city if they have none, and plan a trip to Munich."""
    from flask_babel import force_locale, gettext

    from planner import tasks
    from planner.demo.service import load_demo

    user = find_user_or_fail(email)
    session = db.session()
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        result = load_demo(session, owner=user, gettext=gettext)
    session.commit()
    tasks.after_import.call_local(str(result.batch.id), str(user.id))
    created = sum(o.created for o in result.outcomes)
    merged = sum(o.merged for o in result.outcomes)
    emit(
        result.to_json(),
        as_json,
        f"import {result.batch.id}: {created} new, {merged} merged"
        + (f"; trip {result.trip.id}" if result.trip else ""),
    )
