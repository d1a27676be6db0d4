"""`planner followups list|done|snooze|dismiss`, `planner contacts timeline|keep-in-touch`
(../shared/CLI.md, "Follow-ups, timeline, the whole account")."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import click
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale

from planner import db
from planner.cli_options import (
    emit,
    fail,
    find_user_or_fail,
    json_option,
    owned_or_fail,
    user_option,
)

followups_group = AppGroup("followups", help="Follow-ups: after a meeting, keep in touch.")


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: not a date (YYYY-MM-DD): {text!r}")


@contextmanager
def _as_user(user: Any) -> Iterator[None]:
    """Texts in the user's language; a RelationshipError ends the command with its message."""
    from planner.relationships.service import RelationshipError

    with force_locale(user.locale or "en"):
        try:
            yield
        except RelationshipError as error:
            fail(str(error))


@followups_group.command("list")
@user_option
@click.option("--due-by", default=None, help="Only those due by this day (YYYY-MM-DD).")
@json_option
def followups_list(email: str, due_by: str | None, as_json: bool) -> None:
    """Open follow-ups, soonest first."""
    from planner.relationships.service import open_followups

    user = find_user_or_fail(email)
    items = open_followups(db.session(), owner=user, due_by=_day(due_by, "--due-by"))
    document = [item.to_json() for item in items]
    if as_json:
        emit(document, True)
        return
    for item in document:
        late = " (overdue)" if item["overdue"] else ""
        click.echo(f"{item['due']}{late}  {item['display_name']}: {item['about']}  {item['id']}")


def _followup(user: Any, followup_id: str) -> Any:
    from planner.relationships.service import get_followup

    with _as_user(user):
        return get_followup(db.session(), owner=user, followup_id=followup_id)


@followups_group.command("done")
@click.argument("followup_id")
@user_option
@click.option("--note", default=None, help="What came of it (shown on the timeline).")
@json_option
def followups_done(followup_id: str, email: str, note: str | None, as_json: bool) -> None:
    """Done: it leaves the list (keep in touch: the next one is due N weeks from today)."""
    from planner.relationships.service import mark_done

    user = find_user_or_fail(email)
    session = db.session()
    follow_up = _followup(user, followup_id)
    with _as_user(user):
        following = mark_done(session, owner=user, follow_up=follow_up, note=note)
    session.commit()
    document = {
        "id": str(follow_up.id),
        "status": follow_up.status,
        "note": follow_up.note,
        "next": None
        if following is None
        else {"id": str(following.id), "due": following.due.isoformat()},
    }
    emit(document, as_json, f"follow-up {follow_up.id} done")


@followups_group.command("snooze")
@click.argument("followup_id")
@user_option
@click.option("--until", "until", required=True, help="The day it is due again (YYYY-MM-DD).")
@json_option
def followups_snooze(followup_id: str, email: str, until: str, as_json: bool) -> None:
    """Due again on a later day."""
    from planner.relationships.service import snooze

    user = find_user_or_fail(email)
    session = db.session()
    follow_up = _followup(user, followup_id)
    day = _day(until, "--until") or fail("--until: a day is needed")
    with _as_user(user):
        snooze(session, owner=user, follow_up=follow_up, until=day)
    session.commit()
    document = {"id": str(follow_up.id), "due": follow_up.due.isoformat()}
    emit(document, as_json, f"follow-up {follow_up.id} due {follow_up.due.isoformat()}")


@followups_group.command("dismiss")
@click.argument("followup_id")
@user_option
@json_option
def followups_dismiss(followup_id: str, email: str, as_json: bool) -> None:
    """Not needed: it leaves the list without a timeline entry."""
    from planner.relationships.service import dismiss

    user = find_user_or_fail(email)
    session = db.session()
    follow_up = _followup(user, followup_id)
    with _as_user(user):
        dismiss(session, owner=user, follow_up=follow_up)
    session.commit()
    emit({"id": str(follow_up.id), "status": follow_up.status}, as_json, "dismissed")


def _contact(user: Any, contact_id: str) -> Any:
    from planner.models import Contact

    return owned_or_fail(Contact, contact_id, user, "contact")


@click.command("timeline")
@with_appcontext
@click.argument("contact_id")
@user_option
@json_option
def contacts_timeline(contact_id: str, email: str, as_json: bool) -> None:
    """What happened with a contact, newest first."""
    from planner.relationships.timeline import timeline

    user = find_user_or_fail(email)
    contact = _contact(user, contact_id)
    with _as_user(user):
        items = timeline(db.session(), owner=user, contact=contact)
        document = [item.to_json() for item in items]
    if as_json:
        emit(document, True)
        return
    for item in document:
        click.echo(f"{item['at']}  {item['kind']:<9}  {item['text']}")


@click.command("keep-in-touch")
@with_appcontext
@click.argument("contact_id")
@user_option
@click.option("--every-weeks", type=int, required=True, help="Every N weeks; 0 ends it.")
@json_option
def contacts_keep_in_touch(contact_id: str, email: str, every_weeks: int, as_json: bool) -> None:
    """Be reminded to get in touch every N weeks."""
    from planner.relationships.service import keep_in_touch

    user = find_user_or_fail(email)
    session = db.session()
    contact = _contact(user, contact_id)
    with _as_user(user):
        follow_up = keep_in_touch(session, owner=user, contact=contact, every_weeks=every_weeks)
    session.commit()
    document = {
        "contact_id": str(contact.id),
        "every_weeks": every_weeks,
        "due": None if follow_up is None else follow_up.due.isoformat(),
        "followup_id": None if follow_up is None else str(follow_up.id),
    }
    emit(document, as_json, str(document["due"] or "ended"))
