"""What a fixed get-together's invitees receive: the final invite (iTIP REQUEST) or the
cancellation (CANCEL), built with ``planner.calendar.ics``.

Decisions:
- One ATTENDEE per invitee with an e-mail address who did not answer "no" to the chosen
  date and whose link was not revoked; who answered yes is ACCEPTED, if need be TENTATIVE,
  no answer NEEDS-ACTION. A CANCEL goes to the same people (those the REQUEST went to).
- The UID is the get-together's own, stable for its life; SEQUENCE is the stored one (raised
  by every later change, see ``service``).
"""

from datetime import datetime
from typing import Any

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlmodel import Session, col

from planner.calendar.ics import MeetingInvite, Person, cancel_ics, invite_ics
from planner.gatherings import service
from planner.gatherings.suggest import matrix
from planner.meetings.invites import first_emails, organiser
from planner.models import User
from planner.models.gathering import AnswerValue, Gathering, GatheringStatus
from planner.models.types import utcnow

PARTSTAT = {AnswerValue.YES.value: "ACCEPTED", AnswerValue.MAYBE.value: "TENTATIVE"}


def build_invite(
    session: Session, *, owner: User, gathering: Gathering, for_feed: bool = False
) -> MeetingInvite:
    """The calendar entry; ``for_feed``: everyone going by name only, without addresses."""
    option = service.chosen_option(session, gathering=gathering)
    if option is None:
        raise service.GatheringError(_("Fix the date first: an invite needs one."))
    table = matrix(session, gathering=gathering)
    going = [
        row
        for row in table.rows
        if not row.invitee.revoked and row.answers.get(option.id) != AnswerValue.NO.value
    ]
    emails = {} if for_feed else first_emails(session, (row.contact.id for row in going))
    people = tuple(
        Person(
            name=row.contact.display_name,
            email=emails.get(row.contact.id),
            language=row.invitee.language,
            partstat=PARTSTAT.get(row.answers.get(option.id, ""), "NEEDS-ACTION"),
        )
        for row in going
        if for_feed or row.contact.id in emails
    )
    geo = (
        (gathering.venue_lat, gathering.venue_lon)
        if gathering.venue_lat is not None and gathering.venue_lon is not None
        else None
    )
    return MeetingInvite(
        uid=gathering.uid,
        sequence=gathering.sequence,
        summary=gathering.title,
        starts_at=option.starts_at,
        ends_at=option.ends_at,
        timezone=gathering.timezone,
        organizer=organiser(owner),
        attendees=people,
        location=gathering.venue,
        geo=geo,
        description=gathering.message,
        status="CANCELLED" if gathering.status == GatheringStatus.CANCELLED.value else "CONFIRMED",
        created=gathering.created_at,
        last_modified=gathering.updated_at,
    )


def invite_file(
    session: Session, *, owner: User, gathering: Gathering, cancel: bool = False
) -> bytes:
    """REQUEST for a fixed get-together; CANCEL (``cancel``) once it is cancelled."""
    cancelled = gathering.status == GatheringStatus.CANCELLED.value
    if cancel and not cancelled:
        raise service.GatheringError(
            _("Cancel the get-together first; then send the cancellation.")
        )
    if not cancel and cancelled:
        raise service.GatheringError(_("This get-together is cancelled: export the cancellation."))
    with force_locale(str(get_locale() or owner.locale or "en")):
        invite = build_invite(session, owner=owner, gathering=gathering)
    if cancelled:
        return cancel_ics(invite, dtstamp=utcnow())
    return invite_ics(invite, dtstamp=utcnow())


# --- the user's private feed --------------------------------------------------------------


def _fixed(owner: User) -> Any:
    return and_(
        col(Gathering.owner_id) == owner.id, col(Gathering.status) == GatheringStatus.FIXED.value
    )


def feed_stamp(session: Session, *, owner: User) -> tuple[int, datetime | None]:
    """How many fixed get-togethers the user has and the newest change of any (every answer,
    fix and revocation touches it): what the feed's version adds for them."""
    count, newest = session.execute(
        select(func.count(), func.max(col(Gathering.updated_at))).where(_fixed(owner))
    ).one()
    return int(count), newest


def feed_entries(session: Session, *, owner: User) -> list[MeetingInvite]:
    """The fixed get-togethers as feed entries: no addresses (the feed names people in its
    description), only who did not decline."""
    entries = []
    for gathering in session.scalars(select(Gathering).where(_fixed(owner))):
        entries.append(build_invite(session, owner=owner, gathering=gathering, for_feed=True))
    return entries
