"""An e-mail digest of due follow-ups and the meetings of the coming days, daily or weekly.

Decisions:

* Off by default; the user chooses daily or weekly in the settings. It is sent only when
  the server has SMTP and the account's address is verified (the rule invitations follow,
  ``planner.settings.sending``): the digest goes to ``users.email``, and an unverified
  address may be someone else's. Each digest is recorded as one recipient
  (``MailKind.DIGEST``), apart from the invitation limit, which it does not eat into.
* Once a day (daily) or once an ISO week (weekly), from 07:00 in the user's home zone: the
  hourly task claims the day by writing ``digest_sent_on`` with a conditional UPDATE and
  commits before talking to the SMTP server, so a task delivered twice or two consumers
  send one digest; a failed send gives the day back. A digest with nothing in it is not
  sent (and the day is not used up: something may fall due later that day).
* Written in the user's language (German formal "Sie") with ``force_locale``.
* Unsubscribing needs no sign-in: the link carries the user's id signed with the app's
  secret key (itsdangerous, its own salt), so it is unguessable without storing a token;
  its GET shows a button and only the POST turns the digest off (mail scanners fetch links).
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import force_locale, ngettext, pgettext
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select, update
from sqlmodel import Session, col

from planner.datetimes import format_day, format_local
from planner.mail import MailError, Notice, send_notice
from planner.models import MailKind, Meeting, MeetingStatus, User
from planner.models.types import utcnow
from planner.relationships.service import DueItem, home_zone, open_followups
from planner.settings import sending
from planner.web import mail_base_url

CHOICES = ("off", "daily", "weekly")
SEND_FROM = time(7, 0)  # local time in the user's home zone
MEETINGS_AHEAD = {"daily": timedelta(days=2), "weekly": timedelta(days=7)}
MAX_ITEMS = 50  # a longer list ends with "and N more on the follow-ups page"
_SALT = "digest-unsubscribe"


class DigestError(ValueError):
    """The choice is not one of ``CHOICES``."""


def set_digest(session: Session, *, owner: User, choice: str) -> None:
    if choice not in CHOICES:
        raise DigestError(_("Choose off, daily or weekly."))
    owner.digest = choice
    session.add(owner)
    session.flush()


# --- the unsubscribe link ------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_token(owner: User) -> str:
    return str(_serializer().dumps(str(owner.id)))


def owner_of_unsubscribe(session: Session, token: str) -> User | None:
    if len(token) > 200:
        return None
    try:
        user_id = uuid.UUID(str(_serializer().loads(token)))
    except (BadSignature, ValueError):
        return None
    return session.get(User, user_id)


# --- what is in it -------------------------------------------------------------------------


@dataclass(frozen=True)
class Coming:
    title: str
    when: str  # in the user's language, at the meeting's place


@dataclass(frozen=True)
class Digest:
    followups: list[DueItem]
    more: int  # due follow-ups not listed
    meetings: list[Coming]

    @property
    def empty(self) -> bool:
        return not self.followups and not self.meetings


def period_start(choice: str, day: date) -> date:
    """The first day of the period a digest covers: the day, or the Monday of its week."""
    return day - timedelta(days=day.weekday()) if choice == "weekly" else day


def is_due(owner: User, now: datetime) -> bool:
    """Whether this user's digest should go out now (their choice, 07:00 local, not yet
    sent in this day or week)."""
    if owner.digest not in ("daily", "weekly"):
        return False
    local = now.astimezone(home_zone(owner))
    if local.time() < SEND_FROM:
        return False
    last = owner.digest_sent_on
    return last is None or last < period_start(owner.digest, local.date())


def build(session: Session, *, owner: User, now: datetime) -> Digest:
    """Follow-ups due by today (home zone) and confirmed meetings starting soon."""
    from planner.meetings.invites import summary_of
    from planner.meetings.service import attendees_by_meeting

    today = now.astimezone(home_zone(owner)).date()
    due = open_followups(session, owner=owner, due_by=today, limit=MAX_ITEMS + 1, now=now)
    ahead = MEETINGS_AHEAD.get(owner.digest, MEETINGS_AHEAD["daily"])
    meetings = list(
        session.scalars(
            select(Meeting)
            .where(
                col(Meeting.owner_id) == owner.id,
                col(Meeting.status) == MeetingStatus.CONFIRMED.value,
                col(Meeting.starts_at) >= now,
                col(Meeting.starts_at) < now + ahead,
            )
            .order_by(col(Meeting.starts_at))
            .limit(MAX_ITEMS)
        )
    )
    people = attendees_by_meeting(session, owner=owner, meeting_ids=[m.id for m in meetings])
    coming = [
        Coming(
            title=summary_of(m, owner, [c.display_name for c in people[m.id]]),
            when=format_local(m.starts_at, m.timezone or str(home_zone(owner)), "date_time"),
        )
        for m in meetings
        if m.starts_at is not None
    ]
    return Digest(followups=due[:MAX_ITEMS], more=max(0, len(due) - MAX_ITEMS), meetings=coming)


def message(owner: User, digest: Digest, *, unsubscribe_url: str) -> Notice:
    """The e-mail, in the language in force (the caller forces the user's)."""
    lines = [pgettext("formal", "Hello,"), ""]  # the app writes to the user: "Sie"
    if digest.followups:
        lines.append(_("Follow-ups due:"))
        for item in digest.followups:
            about = f" – {item.follow_up.about}" if item.follow_up.about else ""
            since = (
                _("overdue since %(day)s", day=format_day(item.follow_up.due))
                if item.overdue
                else _("due today")
            )
            lines.append(f"• {item.display_name}{about} ({since})")
        if digest.more:
            lines.append(_("… and %(n)d more.", n=digest.more))
        lines.append("")
    if digest.meetings:
        lines.append(_("Meetings coming up:"))
        lines.extend(f"• {m.when}: {m.title}" for m in digest.meetings)
        lines.append("")
    base = mail_base_url()
    lines.append(
        _(
            "Your follow-ups: %(link)s",
            link=base + current_app.url_map.bind("").build("relationships.index"),
        )
    )
    lines.append("")
    lines.append("-- ")
    lines.append(
        _("You receive this e-mail daily as you chose in Treffpunkt's settings.")
        if owner.digest == "daily"
        else _("You receive this e-mail weekly as you chose in Treffpunkt's settings.")
    )
    lines.append(_("Turn it off: %(link)s", link=unsubscribe_url))
    count = len(digest.followups) + digest.more
    subject = (
        ngettext("Treffpunkt: %(num)d follow-up due", "Treffpunkt: %(num)d follow-ups due", count)
        if count
        else _("Treffpunkt: your meetings in the coming days")
    )
    return Notice(to=owner.email, subject=subject, text="\n".join(lines), language=owner.locale)


# --- sending -------------------------------------------------------------------------------


def candidates(session: Session) -> list[uuid.UUID]:
    """Users who chose a digest (whether it is due is judged per user, in their zone)."""
    return list(
        session.scalars(select(col(User.id)).where(col(User.digest).in_(("daily", "weekly"))))
    )


def send_due(session: Session, *, now: datetime) -> int:
    """Every user's digest that is due now (the hourly task); how many went out. A failed
    send is logged and tried again the next hour."""
    sent = 0
    for user_id in candidates(session):
        owner = session.get(User, user_id)
        if owner is None:  # deleted meanwhile
            continue
        try:
            sent += send_digest(session, owner=owner, now=now)
        except MailError as error:
            current_app.logger.warning("digest for user %s not sent: %s", user_id, error)
    return sent


def _claim(session: Session, owner: User, day: date) -> bool:
    """Take this period for the digest; False when another run already took it."""
    start = period_start(owner.digest, day)
    claimed = session.execute(
        update(User)
        .where(col(User.id) == owner.id)
        .where(or_(col(User.digest_sent_on).is_(None), col(User.digest_sent_on) < start))
        .values(digest_sent_on=day)
    )
    session.commit()
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def send_digest(session: Session, *, owner: User, now: datetime | None = None) -> bool:
    """Send this user's digest if it is due, allowed and not empty; True when sent. Commits
    (the claim before sending, the record after)."""
    from planner.meetings.invites import smtp_settings

    now = now or utcnow()
    settings = smtp_settings()
    if settings is None or not is_due(owner, now):
        return False
    if not sending.is_verified(session, owner=owner):
        return False
    language = owner.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(language):
        digest = build(session, owner=owner, now=now)
        if digest.empty:
            return False
        unsubscribe = mail_base_url() + current_app.url_map.bind("").build(
            "digest.unsubscribe", {"token": unsubscribe_token(owner)}
        )
        notice = message(owner, digest, unsubscribe_url=unsubscribe)
    previous = owner.digest_sent_on
    if not _claim(session, owner, now.astimezone(home_zone(owner)).date()):
        return False
    try:
        send_notice(settings, notice)
    except MailError:
        session.execute(
            update(User).where(col(User.id) == owner.id).values(digest_sent_on=previous)
        )
        session.commit()
        raise
    sending.record_sent(session, owner=owner, kind=MailKind.DIGEST, recipients=1, now=now)
    session.commit()
    return True
