"""`planner gatherings create|show|revoke|fix|cancel|attended` (../shared/CLI.md).

Option times are wall-clock times at the place (``--tz``). Links are absolute: on
``BASE_URL``, else the address ``planner serve`` binds (``planner.web.mail_base_url``),
never a request's host (there is none here).
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
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
from planner.db import get_owned

gatherings_group = AppGroup("gatherings", help="Regional get-togethers: poll a date, invite.")


def _local(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date-time (YYYY-MM-DDTHH:MM)") from None
    if moment.tzinfo is not None:
        raise click.BadParameter(f"{text!r}: give the local time at the place, and --tz")
    return moment


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date (YYYY-MM-DD)") from None


def link_of(token: str) -> str:
    from planner.gatherings.service import answer_path
    from planner.web import mail_base_url

    return mail_base_url() + answer_path(token)


def _iso(moment: datetime, zone_name: str) -> str:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone_name)).isoformat()


@contextmanager
def _speaking(user: Any) -> Iterator[None]:
    """Messages in the user's language; a GatheringError ends the command with its message."""
    from planner.gatherings.service import GatheringError

    with force_locale(user.locale or "en"):
        try:
            yield
        except GatheringError as error:
            fail(str(error))


def _owned(gathering_id: str, email: str) -> tuple[Any, Any, Any]:
    from planner.models.gathering import Gathering

    user = find_user_or_fail(email)
    return user, db.session(), owned_or_fail(Gathering, gathering_id, user, "get-together", email)


def show_json(session: Any, gathering: Any) -> dict[str, Any]:
    from planner.gatherings.suggest import matrix

    table = matrix(session, gathering=gathering)
    zone_name = gathering.timezone
    return {
        "id": str(gathering.id),
        "title": gathering.title,
        "status": gathering.status,
        "city": gathering.city,
        "timezone": zone_name,
        "deadline": gathering.deadline.isoformat() if gathering.deadline else None,
        "options": [
            {
                "id": str(c.option.id),
                "start": _iso(c.option.starts_at, zone_name),
                "end": _iso(c.option.ends_at, zone_name),
                "yes": c.yes,
                "maybe": c.maybe,
                "no": c.no,
            }
            for c in table.options
        ],
        "best_option": str(table.best_first[0].option.id) if table.options else None,
        "invitees": [
            {
                "contact_id": str(row.contact.id),
                "display_name": row.contact.display_name,
                "answered": row.answered,
                "revoked": row.invitee.revoked,
                "answers": {str(k): v for k, v in row.answers.items()},
                "comment": row.invitee.comment,
                "name": row.invitee.name,
                "attended": row.invitee.attended,
                "missed_last": row.invitee.missed_last,
            }
            for row in table.rows
        ],
        "chosen_option": str(gathering.chosen_option_id) if gathering.chosen_option_id else None,
        "venue": gathering.venue,
        # where the venue was placed (the city its text names), else null
        "venue_lat": gathering.venue_lat,
        "venue_lon": gathering.venue_lon,
        "sequence": gathering.sequence,
        "uid": gathering.uid,
        "previous_id": str(gathering.previous_id) if gathering.previous_id else None,
    }


@gatherings_group.command("create")
@user_option
@click.option("--title", required=True)
@click.option("--city", required=True, help="The region's centre, e.g. Hamburg.")
@click.option("--radius-km", type=click.FloatRange(1, 500), default=30.0)
@click.option("--topic", "topics", multiple=True, help="A topic of the get-together.")
@click.option("--option", "options", multiple=True, required=True, help="YYYY-MM-DDTHH:MM.")
@click.option("--minutes", type=click.IntRange(15, 24 * 60), default=120)
@click.option("--tz", "tz", required=True, help="IANA zone of the place, e.g. Europe/Berlin.")
@click.option("--deadline", default=None, help="Answers until this day (YYYY-MM-DD).")
@click.option("--invite", "invite_ids", multiple=True, help="A contact id, added by hand.")
@click.option("--invite-best", "best", type=click.IntRange(0, 500), default=0)
@click.option("--venue", default=None)
@click.option("--message", default=None)
@click.option("--show-answers", is_flag=True, help="Invitees see first names and answers.")
@json_option
def gatherings_create(
    email: str,
    title: str,
    city: str,
    radius_km: float,
    topics: tuple[str, ...],
    options: tuple[str, ...],
    minutes: int,
    tz: str,
    deadline: str | None,
    invite_ids: tuple[str, ...],
    best: int,
    venue: str | None,
    message: str | None,
    show_answers: bool,
    as_json: bool,
) -> None:
    """A date poll for a regional get-together, with --invite-best N people of the region."""
    from werkzeug.exceptions import NotFound

    from planner.gatherings import service
    from planner.gatherings.suggest import options_of, rank_region, region_context
    from planner.matching import Weights, explain
    from planner.models import Contact
    from planner.trips import service as trips
    from planner.trips.wording import wording

    user = find_user_or_fail(email)
    place = trips.leg_place(city)
    if place is None:
        fail(f"{city!r} is not a city we know (name a city)")
    session = db.session()
    try:
        by_hand = [get_owned(session, Contact, cid, owner=user) for cid in invite_ids]
    except NotFound:
        fail(f"no such contact for {email}")
    data = service.GatheringInput(
        title=title,
        place=place,
        options=[_local(o) for o in options],
        timezone=tz,
        radius_km=radius_km,
        topics=topics,
        minutes=minutes,
        deadline=_day(deadline),
        message=message,
        venue=venue,
        show_answers=show_answers,
    )
    locale = user.locale or "en"
    with _speaking(user):
        gathering = service.create_gathering(session, owner=user, data=data)
        reasons: dict[uuid.UUID, list[str]] = {}
        chosen: list[Any] = []
        if best:
            weights = Weights.from_config(current_app.config.get("MATCH_WEIGHTS"))
            context = region_context(
                session, owner=user, locale=locale, weights=weights, topics=topics
            )
            ranked = rank_region(
                session,
                owner=user,
                lat=gathering.lat,
                lon=gathering.lon,
                radius_km=radius_km,
                place=gathering.city,
                context=context,
                limit=best,
                exclude={c.id for c in by_hand},
            )
            words = wording(context.vocabulary, context.user_labels)
            for suggestion in ranked:
                contact = session.get(Contact, suggestion.contact_id)
                if contact is not None:
                    chosen.append(contact)
                    reasons[contact.id] = explain(suggestion, words)
        for contact in by_hand:
            reasons[contact.id] = [service.added_by_hand()]
        invited = service.invite(
            session, owner=user, gathering=gathering, contacts=[*chosen, *by_hand], reasons=reasons
        )
    session.commit()
    zone_name = gathering.timezone
    document: dict[str, Any] = {
        "id": str(gathering.id),
        "title": gathering.title,
        "status": gathering.status,
        "city": gathering.city,
        "timezone": zone_name,
        "deadline": gathering.deadline.isoformat() if gathering.deadline else None,
        "options": [
            {
                "id": str(o.id),
                "start": _iso(o.starts_at, zone_name),
                "end": _iso(o.ends_at, zone_name),
            }
            for o in options_of(session, gathering=gathering)
        ],
        "invitees": [
            {
                "contact_id": str(item.contact.id),
                "display_name": item.contact.display_name,
                "link": link_of(item.token),
                "reasons": list(item.invitee.reasons or []),
            }
            for item in invited
        ],
    }
    click.echo(f"get-together {gathering.id}: {len(invited)} invited", err=True)
    emit(
        document,
        as_json,
        "\n".join(
            [str(gathering.id)]
            + [f"{i['display_name']}: {i['link']}" for i in document["invitees"]]
        ),
    )


@gatherings_group.command("show")
@click.argument("gathering_id")
@user_option
@json_option
def gatherings_show(gathering_id: str, email: str, as_json: bool) -> None:
    """The answer matrix: counts per option, each invitee's answers."""
    _user, session, gathering = _owned(gathering_id, email)
    document = show_json(session, gathering)
    lines = [f"{gathering.title} ({gathering.status})"]
    for option in document["options"]:
        lines.append(
            f"{option['start']}: {option['yes']} yes, {option['maybe']} maybe, {option['no']} no"
        )
    waiting = [i["display_name"] for i in document["invitees"] if not i["answered"]]
    if waiting:
        lines.append("not answered: " + ", ".join(waiting))
    emit(document, as_json, "\n".join(lines))


@gatherings_group.command("revoke")
@click.argument("gathering_id")
@user_option
@click.option("--contact", "contact_id", required=True)
@json_option
def gatherings_revoke(gathering_id: str, email: str, contact_id: str, as_json: bool) -> None:
    """That invitee's link stops working."""
    from planner.gatherings import service

    user, session, gathering = _owned(gathering_id, email)
    with _speaking(user):
        service.revoke(session, gathering=gathering, contact_id=contact_id)
    session.commit()
    emit(show_json(session, gathering), as_json, f"link of {contact_id} revoked")


@gatherings_group.command("fix")
@click.argument("gathering_id")
@user_option
@click.option("--option", "option_id", required=True)
@click.option("--venue", default=None)
@json_option
def gatherings_fix(
    gathering_id: str, email: str, option_id: str, venue: str | None, as_json: bool
) -> None:
    """Close the poll on one date (and a venue); then `planner calendar export ID`."""
    from planner.gatherings import service

    user, session, gathering = _owned(gathering_id, email)
    with _speaking(user):
        service.fix(session, gathering=gathering, option_id=option_id, venue=venue)
    session.commit()
    click.echo(f"get-together {gathering.id} fixed (SEQUENCE {gathering.sequence})", err=True)
    emit(show_json(session, gathering), as_json, str(gathering.id))


@gatherings_group.command("cancel")
@click.argument("gathering_id")
@user_option
@json_option
def gatherings_cancel(gathering_id: str, email: str, as_json: bool) -> None:
    """Call it off; then `planner calendar export ID --cancel`."""
    from planner.gatherings import service

    user, session, gathering = _owned(gathering_id, email)
    with _speaking(user):
        service.cancel(session, gathering=gathering)
    session.commit()
    emit(show_json(session, gathering), as_json, str(gathering.id))


@gatherings_group.command("attended")
@click.argument("gathering_id")
@user_option
@click.option("--contact", "contact_ids", multiple=True, required=True)
@json_option
def gatherings_attended(
    gathering_id: str, email: str, contact_ids: tuple[str, ...], as_json: bool
) -> None:
    """After the date: who came becomes *met*, with that day as last met."""
    from planner.gatherings import service

    user, session, gathering = _owned(gathering_id, email)
    with _speaking(user):
        result = service.record_attendance(
            session, owner=user, gathering=gathering, contact_ids=contact_ids
        )
    session.commit()
    document = {
        **show_json(session, gathering),
        "met": [
            {
                "contact_id": str(c.id),
                "display_name": c.display_name,
                "stage": c.stage,
                "last_met": c.last_met.isoformat() if c.last_met else None,
            }
            for c in result.came
        ],
        "could_not_come": [str(i.contact_id) for i in result.missed],
        "followups": [
            {"id": str(f.id), "contact_id": str(f.contact_id), "due": f.due.isoformat()}
            for f in result.followups
        ],
    }
    emit(document, as_json, f"{len(result.came)} met")


def export_gathering(gathering_id: str, email: str, cancel: bool) -> bytes | None:
    """The get-together's .ics for `planner calendar export` (None: no such get-together,
    so the id may be a meeting's)."""
    from planner.gatherings import invites, service
    from planner.models.gathering import Gathering

    user = find_user_or_fail(email)
    session = db.session()
    try:
        gathering = session.get(Gathering, uuid.UUID(gathering_id))
    except ValueError:
        return None
    if gathering is None or gathering.owner_id != user.id:
        return None
    with force_locale(user.locale or "en"):
        try:
            return invites.invite_file(session, owner=user, gathering=gathering, cancel=cancel)
        except service.GatheringError as error:
            fail(str(error))
