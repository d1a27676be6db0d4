"""From a stored meeting to what its invitees receive: the .ics (REQUEST or CANCEL), the
e-mail around it in each invitee's language, or a prepared text to send by hand.

Language of an invitee: German for a contact in Germany, Austria, Switzerland or
Liechtenstein, English for a contact placed in any other country, and the user's own
language when the contact's country is unknown.

Decisions:
- Audience = (language, form of address). German texts say "Sie" unless the user marked
  the contact "du" (``Contact.address_form``): most contacts were met online, and a
  stranger in person is addressed formally. English has one form, so all English-speaking
  invitees are one audience. Each audience gets its own e-mail (and prepared text), so
  nobody reads a text meant for someone else's language or register.
- Titles from two sides. The user's own pages and feed name the invitees ("Coffee: Lisa
  Ullrich": whom am I meeting?). What invitees receive (SUMMARY, subject) names the user
  ("Kaffee mit Mareike Jensen"), so Lisa never sees her own name as the title; with more
  invitees, "and 2 others" rather than names: one e-mail goes to a whole audience, so no
  list of names could leave out each reader's own, and the user's private names for their
  contacts (``display_name``) stay private. Without a name for invites, the e-mail
  address is not put in the title ("Coffee", "Coffee for 3 people").
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, get_locale, ngettext, pgettext
from flask_babel import gettext as _
from sqlalchemy import select
from sqlmodel import Session, col

from planner.calendar.ics import MeetingInvite, Person, cancel_ics, invite_ics
from planner.datetimes import format_local
from planner.db import in_chunks
from planner.mail import Invitation, MailError, SmtpSettings, send_invitation
from planner.meetings.service import MeetingError, attendee_contacts
from planner.models import Contact, ContactEmail, MailKind, Meeting, MeetingStatus, User
from planner.models.contact import AddressForm
from planner.models.types import utcnow
from planner.settings import sending

GERMAN_SPEAKING = frozenset({"DE", "AT", "CH", "LI"})


def language_of(contact: Contact, owner: User) -> str:
    if contact.country:
        return "de" if contact.country in GERMAN_SPEAKING else "en"
    return owner.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


@dataclass(frozen=True, order=True)
class Audience:
    """Invitees who get the same text: one language, and in German one form of address."""

    language: str
    informal: bool = False  # "du"; only German has two forms


def audience_of(contact: Contact, owner: User) -> Audience:
    language = language_of(contact, owner)
    informal = language == "de" and contact.address_form == AddressForm.DU.value
    return Audience(language=language, informal=informal)


def audiences(contacts: Iterable[Contact], owner: User) -> dict[Audience, list[Contact]]:
    """The invitees by audience, in a stable order (by language, formal first)."""
    groups: dict[Audience, list[Contact]] = defaultdict(list)
    for contact in contacts:
        groups[audience_of(contact, owner)].append(contact)
    return dict(sorted(groups.items()))


def organiser(owner: User) -> Person:
    return Person(name=owner.display_name or owner.email, email=owner.email)


def first_emails(session: Session, contact_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each contact's first e-mail address (the one listed first)."""
    found: dict[uuid.UUID, str] = {}
    for chunk in in_chunks(list(dict.fromkeys(contact_ids))):
        rows = session.execute(
            select(col(ContactEmail.contact_id), col(ContactEmail.address))
            .where(col(ContactEmail.contact_id).in_(chunk))
            .order_by(col(ContactEmail.contact_id), col(ContactEmail.position))
        )
        for contact_id, address in rows:
            found.setdefault(contact_id, address)
    return found


def _names(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s", first=", ".join(names[:-1]), last=names[-1])


def summary_of(meeting: Meeting, owner: User, names: Sequence[str]) -> str:
    """The title on the user's own pages and feed: the meeting's own, else "Coffee: Lisa
    Ullrich and Jonas", the invitees by the user's names for them (the user knows they
    are there; what invitees see is ``invitee_summary``)."""
    if meeting.title:
        return meeting.title
    return _("Coffee: %(names)s", names=_names(names))


def invitee_summary(meeting: Meeting, owner: User, invitees: int) -> str:
    """The title invitees see, in the current locale: the meeting's own, else "Coffee with
    Mareike Jensen" (and "and 2 others" with more invitees): see the module's Decisions."""
    if meeting.title:
        return meeting.title
    others = invitees - 1
    if owner.display_name:
        if others < 1:
            return _("Coffee with %(name)s", name=owner.display_name)
        return ngettext(
            "Coffee with %(name)s and %(num)d other",
            "Coffee with %(name)s and %(num)d others",
            others,
            name=owner.display_name,
        )
    if others < 1:
        return _("Coffee")
    return ngettext("Coffee for %(num)d person", "Coffee for %(num)d people", invitees + 1)


def build_invite(
    session: Session,
    *,
    owner: User,
    meeting: Meeting,
    contacts: Sequence[Contact] | None = None,
    emails: dict[uuid.UUID, str] | None = None,
    answers: dict[uuid.UUID, str] | None = None,
    for_invitees: bool = False,
) -> MeetingInvite:
    """The plain data of a meeting's calendar entry, texts in the current locale; titled
    for the user (their feed) or, ``for_invitees``, for the people invited."""
    if meeting.starts_at is None or meeting.ends_at is None or meeting.timezone is None:
        raise MeetingError(_("Pick a time first: an invite needs one."))
    if contacts is None:
        contacts = attendee_contacts(session, meeting=meeting)
    if emails is None:
        emails = first_emails(session, (c.id for c in contacts))
    if answers is None:
        answers = {a.contact_id: a.partstat for a in meeting.attendees}
    people = tuple(
        Person(
            name=c.display_name,
            email=emails.get(c.id),
            language=language_of(c, owner),
            partstat=answers.get(c.id, "NEEDS-ACTION"),
        )
        for c in contacts
    )
    status = {
        MeetingStatus.PROPOSED.value: "TENTATIVE",
        MeetingStatus.CANCELLED.value: "CANCELLED",
    }.get(meeting.status, "CONFIRMED")
    geo = (
        (meeting.venue_lat, meeting.venue_lon)
        if meeting.venue_lat is not None and meeting.venue_lon is not None
        else None
    )
    return MeetingInvite(
        uid=meeting.uid,
        sequence=meeting.sequence,
        summary=invitee_summary(meeting, owner, len(contacts))
        if for_invitees
        else summary_of(meeting, owner, [c.display_name for c in contacts]),
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        timezone=meeting.timezone,
        organizer=organiser(owner),
        attendees=people,
        location=meeting.venue,
        geo=geo,
        description=meeting.notes,
        status=status,
        alarm_minutes=owner.meeting_alarm_minutes,
        created=meeting.created_at,
        last_modified=meeting.updated_at,
    )


def invite_file(
    session: Session,
    *,
    owner: User,
    meeting: Meeting,
    cancel: bool = False,
    language: str | None = None,
) -> bytes:
    """The .ics to send: REQUEST, or CANCEL for a cancelled meeting (``cancel`` asks for the
    cancellation explicitly and fails while the meeting still stands). Its title is in
    ``language``; by default the invitees' when they share one, else the current one."""
    cancelled = meeting.status == MeetingStatus.CANCELLED.value
    if cancel and not cancelled:
        raise MeetingError(_("Cancel the meeting first; then send the cancellation."))
    if meeting.starts_at is None:
        raise MeetingError(_("Pick a time first: an invite needs one."))
    contacts = attendee_contacts(session, meeting=meeting)
    if language is None:
        languages = {language_of(c, owner) for c in contacts}
        language = languages.pop() if len(languages) == 1 else str(get_locale() or "en")
    with force_locale(language):
        invite = build_invite(
            session, owner=owner, meeting=meeting, contacts=contacts, for_invitees=True
        )
    if cancelled:
        return cancel_ics(invite, dtstamp=utcnow())
    return invite_ics(invite, dtstamp=utcnow())


def mark_sent(session: Session, *, meeting: Meeting) -> None:
    meeting.sent_sequence = meeting.sequence
    meeting.sent_at = utcnow()
    meeting.updated_at = meeting.sent_at  # the trip page's "Withdraw" goes (see trips.views)
    session.add(meeting)
    session.flush()


def needs_sending(meeting: Meeting) -> bool:
    """The invitees have not seen the latest time or place (or the cancellation)."""
    if meeting.starts_at is None:
        return False
    if meeting.status == MeetingStatus.CANCELLED.value:
        return _changed_since_sent(meeting)
    return meeting.sent_sequence is None or _changed_since_sent(meeting)


def _changed_since_sent(meeting: Meeting) -> bool:
    """An invite went out, and the meeting changed (or was cancelled) since."""
    return meeting.sent_sequence is not None and meeting.sent_sequence < meeting.sequence


@dataclass(frozen=True)
class Message:
    subject: str
    text: str


def message(
    owner: User, meeting: Meeting, invite: MeetingInvite, *, informal: bool = False
) -> Message:
    """The e-mail text in the current locale (the caller picks it with force_locale), in
    German formal ("Sie") unless ``informal``. The user writes it to their contacts, so it
    is the user's voice: the informal texts are the ones the translation test allows."""
    when = format_local(invite.starts_at, invite.timezone, "date_long_time")
    until = format_local(invite.ends_at, invite.timezone, "time")
    sender = organiser(owner).name
    cancelled = meeting.status == MeetingStatus.CANCELLED.value
    if cancelled:
        subject = _("Cancelled: %(summary)s", summary=invite.summary)
        lines = [
            _hello(informal),
            "",
            _(
                "I have to cancel our meeting on %(when)s. I am sorry, and I hope we find "
                "another time soon.",
                when=when,
            ),
        ]
    else:
        updated = _changed_since_sent(meeting)
        subject = (
            _("Updated: %(summary)s", summary=invite.summary)
            if updated
            else _("Invitation: %(summary)s", summary=invite.summary)
        )
        lines = [
            _hello(informal),
            "",
            _("the time or place of our meeting has changed:")
            if updated
            else _("I would be glad to meet you in person:")
            if informal
            else pgettext("formal", "I would be glad to meet you in person:"),
            "",
            _("When: %(when)s–%(until)s (%(zone)s)", when=when, until=until, zone=invite.timezone),
        ]
        if invite.location:
            lines.append(_("Where: %(venue)s", venue=invite.location))
        if invite.description:
            lines += ["", invite.description]
        lines += [
            "",
            _("The invitation for your calendar is attached. Does the time suit you?")
            if informal
            else pgettext(
                "formal", "The invitation for your calendar is attached. Does the time suit you?"
            ),
        ]
    regards = _("Best regards") if informal else pgettext("formal", "Best regards")
    lines += ["", regards, sender]
    return Message(subject=subject, text="\n".join(lines))


def _hello(informal: bool) -> str:
    return _("Hello,") if informal else pgettext("formal", "Hello,")


@dataclass(frozen=True)
class Prepared:
    """A text to send by hand to some of the invitees (one audience)."""

    audience: Audience
    names: tuple[str, ...]
    emails: tuple[str, ...]
    message: Message


def prepared_messages(
    session: Session,
    *,
    owner: User,
    meeting: Meeting,
    contacts: Sequence[Contact],
    emails: dict[uuid.UUID, str],
    answers: dict[uuid.UUID, str],
) -> list[Prepared]:
    """One text per audience, in its language and form, for the user to send themselves."""
    prepared = []
    for audience, group in audiences(contacts, owner).items():
        with force_locale(audience.language):
            invite = build_invite(
                session,
                owner=owner,
                meeting=meeting,
                contacts=contacts,
                emails=emails,
                answers=answers,
                for_invitees=True,
            )
            text = message(owner, meeting, invite, informal=audience.informal)
        prepared.append(
            Prepared(
                audience=audience,
                names=tuple(c.display_name for c in group),
                emails=tuple(emails[c.id] for c in group if c.id in emails),
                message=text,
            )
        )
    return prepared


def smtp_settings() -> SmtpSettings | None:
    """SMTP as configured (None: e-mail is not set up; invites are downloaded instead)."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return None
    return SmtpSettings(
        host=config["SMTP_HOST"],
        port=int(config["SMTP_PORT"]),
        username=config.get("SMTP_USERNAME") or None,
        password=config.get("SMTP_PASSWORD") or None,
        security=config["SMTP_SECURITY"],
        sender=config["MAIL_SENDER"] or _fallback_sender(config["SMTP_USERNAME"]),
        timeout=float(config["SMTP_TIMEOUT"]),
    )


def _fallback_sender(username: str | None) -> str:
    address = username if username and "@" in username else "treffpunkt@localhost"
    return f"Treffpunkt <{address}>"


@dataclass(frozen=True)
class Sent:
    recipients: tuple[str, ...]
    without_email: tuple[str, ...]  # invitees we could not write to (names)


def send(session: Session, *, owner: User, meeting: Meeting, settings: SmtpSettings) -> Sent:
    """E-mail the invite (or the cancellation) to every invitee with an address, one message
    per audience (language and form of address); replies go to the user. Only from a
    verified address and within the daily limit (``SendingRefused`` before anything goes
    out). Every message that went out is logged, also when a later one fails with
    ``MailError``: the caller commits either way (the meeting is marked sent only when all
    went out)."""
    contacts = attendee_contacts(session, meeting=meeting)
    emails = first_emails(session, (c.id for c in contacts))
    by_audience = audiences((c for c in contacts if c.id in emails), owner)
    if not by_audience:
        raise MeetingError(_("None of the invitees has an e-mail address."))
    total = sum(len(group) for group in by_audience.values())
    sending.check_may_send(session, owner=owner, recipients=total)
    cancelled = meeting.status == MeetingStatus.CANCELLED.value
    sent: list[str] = []
    for audience, group in by_audience.items():
        with force_locale(audience.language):
            invite = build_invite(
                session,
                owner=owner,
                meeting=meeting,
                contacts=contacts,
                emails=emails,
                for_invitees=True,
            )
            data = (cancel_ics if cancelled else invite_ics)(invite, dtstamp=utcnow())
            text = message(owner, meeting, invite, informal=audience.informal)
        recipients = tuple(emails[c.id] for c in group)
        invitation = Invitation(
            to=recipients,
            reply_to=owner.email,
            subject=text.subject,
            text=text.text,
            ics=data,
            method="CANCEL" if cancelled else "REQUEST",
            language=audience.language,
        )
        try:
            send_invitation(settings, invitation)
        except MailError as error:
            accepted = len(recipients) - len(error.refused) if error.refused else 0
            _log(session, owner, accepted)
            raise
        _log(session, owner, len(recipients))
        sent.extend(recipients)
    mark_sent(session, meeting=meeting)
    return Sent(
        recipients=tuple(sent),
        without_email=tuple(c.display_name for c in contacts if c.id not in emails),
    )


def _log(session: Session, owner: User, recipients: int) -> None:
    sending.record_sent(
        session, owner=owner, kind=MailKind.INVITE, recipients=recipients, now=utcnow()
    )


def sendable(meeting: Meeting) -> bool:
    return meeting.starts_at is not None and meeting.status in (
        MeetingStatus.PROPOSED.value,
        MeetingStatus.CONFIRMED.value,
        MeetingStatus.CANCELLED.value,
    )
