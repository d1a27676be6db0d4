"""Open follow-ups in the private calendar feed: one whole-day entry on the day each is due.

Decisions: all-day VEVENTs, not VTODOs. A VTODO in a subscribed feed is dropped by Google
Calendar, by Apple Calendar on iPhone and Mac (tasks go to Reminders, which reads CalDAV
only, never a subscribed .ics) and by Outlook's internet calendars (appointments only); an
all-day VEVENT shows in all three, at the top of the day, without blocking time
(``TRANSP:TRANSPARENT``). Tools that publish dated tasks to calendars do the same (Toodledo,
Kanboard; nextcloud/server#38036). A snoozed follow-up moves to its new day under the same
UID; one done or dismissed leaves the feed.
"""

from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlmodel import Session, col

from planner.calendar.ics import DayEntry, Person
from planner.models import Contact, User
from planner.models.relationship import FollowUp, FollowUpStatus
from planner.web import mail_base_url


def feed_stamp(session: Session, *, owner: User) -> tuple[int, datetime | None]:
    """What the follow-ups in the feed depend on, from one index: how many follow-ups the
    user has (one deleted) and the newest change (made, done, snoozed, dismissed)."""
    mine = col(FollowUp.owner_id) == owner.id
    count, newest = session.execute(
        select(
            select(func.count()).select_from(FollowUp).where(mine).scalar_subquery(),
            select(func.max(col(FollowUp.updated_at))).where(mine).scalar_subquery(),
        )
    ).one()
    return int(count or 0), newest


def uid_of(follow_up: FollowUp) -> str:
    """Stable for the follow-up's life: a snooze moves the entry, it does not add one."""
    return f"followup-{follow_up.id}@treffpunkt"


def feed_entries(session: Session, *, owner: User, organizer: Person) -> list[DayEntry]:
    """One all-day entry per open follow-up, on its due day, soonest first (in an app
    context; the caller chooses the language)."""
    rows = session.execute(
        select(FollowUp, col(Contact.display_name))
        .join(Contact, col(Contact.id) == col(FollowUp.contact_id))
        .where(
            col(FollowUp.owner_id) == owner.id,
            col(FollowUp.status) == FollowUpStatus.OPEN.value,
        )
        .order_by(col(FollowUp.due), col(FollowUp.id))
    )
    # built from the URL map: the feed is also made outside a request (the CLI, tests)
    link = mail_base_url() + current_app.url_map.bind("").build("relationships.index")
    entries = []
    for follow_up, name in rows:
        summary = (
            _("Follow up with %(name)s: %(about)s", name=name, about=follow_up.about)
            if follow_up.about
            else _("Follow up with %(name)s", name=name)
        )
        entries.append(
            DayEntry(
                uid=uid_of(follow_up),
                summary=summary,
                day=follow_up.due,
                organizer=organizer,
                description=_("Mark it done or snooze it: %(link)s", link=link),
                url=link,
                last_modified=follow_up.updated_at,
            )
        )
    return entries
