"""E-mailing each invitee their personal answer link, when the server may send.

Decisions:
- Only when SMTP is configured and the user's address is verified, within the daily
  recipient limit (``planner.settings.sending``, the rules meeting invitations follow);
  otherwise the links are shown to copy, and nothing is sent.
- One message per invitee: each link is personal, so no message lists anyone else.
  The text is in the invitation's language (formal German: "Sie").
"""

import uuid
from collections.abc import Sequence

from flask_babel import force_locale, pgettext
from flask_babel import gettext as _
from sqlmodel import Session

from planner.datetimes import format_local
from planner.gatherings import service
from planner.gatherings.suggest import options_of
from planner.mail import MailError, Notice, send_notice
from planner.meetings.invites import first_emails, smtp_settings
from planner.models import MailKind, User
from planner.models.gathering import Gathering
from planner.models.types import utcnow
from planner.settings import sending
from planner.web import mail_base_url


class NotSent(Exception):
    """Nothing was mailed; ``reason`` (translated) says why when the user should know."""

    def __init__(self, reason: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason


def invitation_text(owner: User, gathering: Gathering, link: str, dates: Sequence[str]) -> Notice:
    """Subject and text in the current locale."""
    sender = owner.display_name or owner.email
    lines = [
        pgettext("formal", "Hello,"),
        "",
        _(
            "%(sender)s invites you to “%(title)s” in %(city)s and asks which date suits you:",
            sender=sender,
            title=gathering.title,
            city=gathering.city,
        ),
        "",
        *[f"• {d}" for d in dates],
        "",
    ]
    if gathering.message:
        lines += [gathering.message, ""]
    lines += [
        _("Your answer (no account needed): %(link)s", link=link),
        "",
        pgettext("formal", "Best regards"),
        sender,
    ]
    return Notice(
        to="",
        subject=_("Which date suits you? %(title)s", title=gathering.title),
        text="\n".join(lines),
    )


def send_links(
    session: Session, *, owner: User, gathering: Gathering, made: Sequence[service.Invited]
) -> set[uuid.UUID]:
    """Mail each new invitee with an address their link; returns the contacts mailed."""
    settings = smtp_settings()
    if settings is None or not made:
        raise NotSent()
    emails = first_emails(session, (m.contact.id for m in made))
    reachable = [m for m in made if m.contact.id in emails]
    if not reachable:
        raise NotSent()
    try:
        sending.check_may_send(session, owner=owner, recipients=len(reachable))
    except sending.SendingRefused as refused:
        raise NotSent(str(refused)) from None
    options = options_of(session, gathering=gathering)
    sent: set[uuid.UUID] = set()
    try:
        for item in reachable:
            with force_locale(item.invitee.language):
                dates = [
                    format_local(o.starts_at, gathering.timezone, "date_long_time") for o in options
                ]
                text = invitation_text(
                    owner, gathering, mail_base_url() + service.answer_path(item.token), dates
                )
            send_notice(
                settings,
                Notice(
                    to=emails[item.contact.id],
                    subject=text.subject,
                    text=text.text,
                    language=item.invitee.language,
                ),
            )
            item.invitee.mailed_at = utcnow()
            session.add(item.invitee)
            sent.add(item.contact.id)
    except MailError as error:
        raise NotSent(_("Sending failed: %(error)s", error=str(error))) from None
    finally:
        sending.record_sent(
            session, owner=owner, kind=MailKind.INVITE, recipients=len(sent), now=utcnow()
        )
        session.commit()
    return sent
