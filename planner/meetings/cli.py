"""`planner meetings create|update|cancel` and `planner calendar export` (../shared/CLI.md).

Times are wall-clock times at the meeting place (``--tz``, default the user's home zone).
"""

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from planner import db
from planner.cli_options import emit, fail, find_user_or_fail, json_option, owned_or_fail
from planner.db import get_owned

meetings_group = AppGroup("meetings", help="Coffee meetings: create, change, cancel.")
calendar_group = AppGroup("calendar", help="Calendar files of meetings.")


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date-time (YYYY-MM-DDTHH:MM)") from None
    if moment.tzinfo is not None:
        raise click.BadParameter(f"{text!r}: give the local time at the place, and --tz")
    return moment


def meeting_json(meeting: Any, attendees: list[Any]) -> dict[str, Any]:
    def local(moment: datetime | None) -> str | None:
        if moment is None or meeting.timezone is None:
            return None
        from planner.meetings.service import zone

        return moment.astimezone(zone(meeting.timezone)).isoformat()

    return {
        "id": str(meeting.id),
        "uid": meeting.uid,
        "sequence": meeting.sequence,
        "status": meeting.status,
        "title": meeting.title,
        "start": local(meeting.starts_at),
        "end": local(meeting.ends_at),
        "timezone": meeting.timezone,
        "venue": meeting.venue,
        "trip_leg_id": str(meeting.trip_leg_id) if meeting.trip_leg_id else None,
        "contacts": [{"id": str(c.id), "display_name": c.display_name} for c in attendees],
    }


def _meeting_or_fail(meeting_id: str, email: str) -> tuple[Any, Any, Any]:
    """The user with this e-mail address, the session and their meeting; else fail."""
    from planner.models import Meeting

    user = find_user_or_fail(email)
    return user, db.session(), owned_or_fail(Meeting, meeting_id, user, "meeting", email)


@contextmanager
def _failing_in_language_of(user: Any) -> Iterator[None]:
    """Messages in the user's language; a MeetingError ends the command with its message."""
    from planner.meetings.service import MeetingError

    with force_locale(user.locale or "en"):
        try:
            yield
        except MeetingError as error:
            fail(str(error))


def _done(session: Any, meeting: Any, as_json: bool, verb: str) -> None:
    from planner.meetings.service import attendee_contacts

    document = meeting_json(meeting, attendee_contacts(session, meeting=meeting))
    click.echo(f"meeting {meeting.id} {verb} (SEQUENCE {meeting.sequence})", err=True)
    emit(document, as_json, str(meeting.id))


@meetings_group.command("create")
@click.option("--user", "email", required=True, help="The account's e-mail address.")
@click.option("--contact", "contact_ids", multiple=True, required=True, help="A contact id.")
@click.option("--start", default=None, help="Local start, YYYY-MM-DDTHH:MM.")
@click.option("--end", default=None, help="Local end, YYYY-MM-DDTHH:MM.")
@click.option("--tz", "tz", default=None, help="IANA zone of the place, e.g. Europe/Berlin.")
@click.option("--venue", default=None)
@click.option("--title", default=None)
@click.option("--leg", "leg_id", default=None, help="The trip leg it belongs to.")
@json_option
def meetings_create(
    email: str,
    contact_ids: tuple[str, ...],
    start: str | None,
    end: str | None,
    tz: str | None,
    venue: str | None,
    title: str | None,
    leg_id: str | None,
    as_json: bool,
) -> None:
    """Propose a meeting with one or more contacts."""
    from werkzeug.exceptions import NotFound

    from planner.meetings import service
    from planner.models import Contact, TripLeg

    user = find_user_or_fail(email)
    session = db.session()
    try:
        contacts = [get_owned(session, Contact, cid, owner=user) for cid in contact_ids]
        leg = get_owned(session, TripLeg, leg_id, owner=user) if leg_id else None
    except NotFound:
        fail(f"no such contact or leg for {email}")
    data = service.MeetingInput(
        starts=_moment(start), ends=_moment(end), timezone=tz, venue=venue, title=title
    )
    with _failing_in_language_of(user):
        meeting = service.create_meeting(session, owner=user, contacts=contacts, leg=leg, data=data)
    session.commit()
    _done(session, meeting, as_json, "created")


@meetings_group.command("update")
@click.argument("meeting_id")
@click.option("--user", "email", required=True, help="The account's e-mail address.")
@click.option("--start", default=None, help="Local start, YYYY-MM-DDTHH:MM.")
@click.option("--end", default=None, help="Local end, YYYY-MM-DDTHH:MM.")
@click.option("--tz", "tz", default=None, help="IANA zone of the place.")
@click.option("--venue", default=None)
@click.option("--title", default=None)
@click.option("--confirm", is_flag=True, help="Also confirm it (proposed → confirmed).")
@json_option
def meetings_update(
    meeting_id: str,
    email: str,
    start: str | None,
    end: str | None,
    tz: str | None,
    venue: str | None,
    title: str | None,
    confirm: bool,
    as_json: bool,
) -> None:
    """Change time or place (SEQUENCE rises when either changes); options left out keep
    their value, and a new --start alone keeps the meeting's length."""
    from planner.meetings import service

    user, session, meeting = _meeting_or_fail(meeting_id, email)
    zone_name = tz or meeting.timezone
    with _failing_in_language_of(user):
        current = service.zone(zone_name) if zone_name else None

        def keep(moment: datetime | None) -> datetime | None:
            if moment is None or current is None:
                return None
            return moment.astimezone(current).replace(tzinfo=None)

        starts, ends = _moment(start), _moment(end)
        if starts is not None and ends is None:  # moved: the same length as before
            length = (
                meeting.ends_at - meeting.starts_at
                if meeting.starts_at and meeting.ends_at
                else timedelta(minutes=user.meeting_minutes)
            )
            ends = starts + length
        data = service.MeetingInput(
            starts=starts or keep(meeting.starts_at),
            ends=ends or keep(meeting.ends_at),
            timezone=zone_name,
            venue=meeting.venue if venue is None else venue,
            title=meeting.title if title is None else title,
            notes=meeting.notes,
        )
        service.update_meeting(session, meeting=meeting, data=data, owner=user)
        if confirm:
            service.confirm(session, meeting=meeting)
    session.commit()
    _done(session, meeting, as_json, "updated")


@meetings_group.command("cancel")
@click.argument("meeting_id")
@click.option("--user", "email", required=True, help="The account's e-mail address.")
@json_option
def meetings_cancel(meeting_id: str, email: str, as_json: bool) -> None:
    """Call a meeting off (SEQUENCE rises; export it with --cancel to tell the invitees)."""
    from planner.meetings import service

    user, session, meeting = _meeting_or_fail(meeting_id, email)
    with _failing_in_language_of(user):
        service.cancel(session, meeting=meeting)
    session.commit()
    _done(session, meeting, as_json, "cancelled")


@meetings_group.command("done")
@click.argument("meeting_id")
@click.option("--user", "email", required=True, help="The account's e-mail address.")
@json_option
def meetings_done(meeting_id: str, email: str, as_json: bool) -> None:
    """The meeting took place (refused before it began): its contacts become "met" with that
    day as last met, and a follow-up falls due a week later (the user's default)."""
    from planner.meetings import service
    from planner.relationships.service import open_followups

    user, session, meeting = _meeting_or_fail(meeting_id, email)
    with _failing_in_language_of(user):
        service.mark_done(session, meeting=meeting)
    session.commit()
    contacts = service.attendee_contacts(session, meeting=meeting)
    document = meeting_json(meeting, contacts)
    document["followups"] = [
        item.to_json()
        for item in open_followups(session, owner=user)
        if item.follow_up.meeting_id == meeting.id
    ]
    click.echo(f"meeting {meeting.id} done", err=True)
    emit(document, as_json, str(meeting.id))


@calendar_group.command("export")
@click.argument("meeting_id")
@click.option("--user", "email", required=True, help="The account's e-mail address.")
@click.option("--cancel", "cancel", is_flag=True, help="The cancellation (METHOD:CANCEL).")
def calendar_export(meeting_id: str, email: str, cancel: bool) -> None:
    """Write the meeting's invite (.ics, METHOD:REQUEST) to stdout; with --cancel the
    cancellation (METHOD:CANCEL), which needs the meeting cancelled first."""
    from planner.gatherings.cli import export_gathering
    from planner.meetings import invites
    from planner.models import MeetingStatus

    gathering_file = export_gathering(meeting_id, email, cancel)  # a get-together's id?
    if gathering_file is not None:
        sys.stdout.buffer.write(gathering_file)
        sys.stdout.buffer.flush()
        return
    user, session, meeting = _meeting_or_fail(meeting_id, email)
    if not cancel and meeting.status == MeetingStatus.CANCELLED.value:
        fail(f"meeting {meeting_id} is cancelled: export it with --cancel")
    with _failing_in_language_of(user):
        data = invites.invite_file(session, owner=user, meeting=meeting, cancel=cancel)
    invites.mark_sent(session, meeting=meeting)
    session.commit()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()
