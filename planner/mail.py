"""E-mail invitations the way mail clients expect them, and plain notices (the link that
verifies an account's address), sent over plain SMTP.

No Flask and no database here: the caller passes the translated text, the calendar file and
the SMTP settings; this module builds the message and talks to the server.

Decisions:

* Structure (what Outlook, Gmail, Apple Mail and Thunderbird recognise as an invitation)::

      multipart/mixed
        multipart/alternative
          text/plain; charset="utf-8"                    (quoted-printable)
          text/calendar; charset="utf-8"; method="REQUEST" (base64, inline, no disposition)
        application/ics; name="invite.ics"               (base64)
          Content-Disposition: attachment; filename="invite.ics"

  The calendar travels twice: inline for the clients that show "Accept / Decline" buttons,
  as an attachment for the ones that only offer "open the file". Both calendar parts are
  base64 so the bytes arrive unchanged (CRLF line ends, folding, UTF-8), and the plain text
  is quoted-printable so the whole message is 7-bit clean for any relay. MIME parameters are
  written quoted (``method="REQUEST"``), which RFC 2045 defines as identical to the unquoted
  form; ``Content-Class: urn:content-classes:calendarmessage`` is left out (optional, Exchange
  only).
* ``method`` must be REQUEST or CANCEL and must equal the ``METHOD`` line of the ics: a
  mismatch makes clients ignore or misfile the invitation, so it is a ``ValueError`` here
  rather than a puzzle in someone's inbox.
* CR or LF in the subject, an address, the filename or the language is a ``ValueError``
  (header injection); the stdlib would fold or reject some of them, but not uniformly.
* Reply-To is the organiser, so answers and RSVPs go to the person, not to the server.
* The Message-ID domain is ``message_id_domain``, else the sender's domain, else
  ``treffpunkt.invalid`` -- never ``socket.getfqdn()``, which is slow on some hosts and leaks
  the machine name.
* ``MailError`` messages name host and port and what failed; the password never appears
  (smtplib does not echo it, and any server reply that would is scrubbed anyway). They are
  lazy translations (``planner.lazy_text``): ``str(error)`` speaks the language of the
  request or of ``force_locale``, English elsewhere; server replies are quoted as sent.
* A recipient refusal is a ``MailError`` naming the refused addresses even when the server
  accepted the others (``MailError.refused`` lists them); the caller decides whether to retry.
"""

from __future__ import annotations

import base64
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr

from planner.calendar.ics import LANGUAGE_TAG
from planner.i18n import lazy_number
from planner.lazy_text import lazy_gettext as _

__all__ = [
    "Invitation",
    "MailError",
    "Notice",
    "SmtpSettings",
    "invitation_message",
    "notice_message",
    "send_invitation",
    "send_notice",
]

METHODS = frozenset({"REQUEST", "CANCEL"})
SECURITY_MODES = frozenset({"starttls", "ssl", "none"})
DEFAULT_MESSAGE_ID_DOMAIN = "treffpunkt.invalid"

_METHOD_LINE = re.compile(rb"^METHOD(?:;[^:\r\n]*)?:([^\r\n]*)\r?$", re.IGNORECASE | re.MULTILINE)
_FOLD = re.compile(rb"\r?\n[ \t]")


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the outgoing mail server."""

    host: str
    port: int = 587
    username: str | None = None
    password: str | None = None
    security: str = "starttls"  # "starttls" | "ssl" | "none"
    sender: str = ""  # From address, e.g. "Treffpunkt <treffpunkt@example.org>"
    timeout: float = 20.0


@dataclass(frozen=True)
class Invitation:
    """One invitation e-mail; ``text`` is already translated by the caller."""

    to: tuple[str, ...]  # recipient addresses
    reply_to: str | None  # the organiser's address (replies and RSVPs go to the user)
    subject: str
    text: str  # plain-text body
    ics: bytes  # the calendar file
    method: str  # "REQUEST" | "CANCEL" (must match the METHOD inside ics)
    language: str | None = None  # Content-Language header when known
    filename: str = "invite.ics"


@dataclass(frozen=True)
class Notice:
    """A plain-text message from the server to one person (e.g. a verification link)."""

    to: str
    subject: str
    text: str
    language: str | None = None


class MailError(RuntimeError):
    """Sending failed; the message (a lazy translation) names host:port and what failed,
    never the password."""

    def __init__(self, message: object, *, refused: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.refused = refused


def _no_newlines(value: str, what: str) -> str:
    if "\r" in value or "\n" in value:
        raise ValueError(f"{what} must not contain line breaks")
    return value


def _address(value: str, what: str) -> str:
    """The bare address of ``value`` ("Name <a@b>" or "a@b"), checked for header injection."""
    _no_newlines(value, what)
    parsed = getaddresses([value])
    if len(parsed) != 1 or "@" not in parsed[0][1]:
        raise ValueError(f"{what} is not a single e-mail address: {value!r}")
    return parsed[0][1]


def _ics_method(ics: bytes) -> str:
    unfolded = _FOLD.sub(b"", ics)
    found = {m.group(1).strip().upper() for m in _METHOD_LINE.finditer(unfolded)}
    if not found:
        raise ValueError("the calendar file has no METHOD line")
    if len(found) > 1:
        raise ValueError("the calendar file has conflicting METHOD lines")
    try:
        return found.pop().decode("ascii")
    except UnicodeDecodeError:
        raise ValueError("the calendar file has an invalid METHOD line") from None


def _check_invitation(invitation: Invitation, sender: str) -> None:
    if invitation.method not in METHODS:
        raise ValueError(f"method must be REQUEST or CANCEL, not {invitation.method!r}")
    inside = _ics_method(invitation.ics)
    if inside != invitation.method:
        raise ValueError(
            f"method {invitation.method} does not match METHOD:{inside} in the calendar file"
        )
    try:
        invitation.ics.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the calendar file is not UTF-8") from None
    if not invitation.to:
        raise ValueError("an invitation needs at least one recipient")
    for recipient in invitation.to:
        _address(recipient, "recipient")
    if invitation.reply_to is not None:
        _address(invitation.reply_to, "Reply-To")
    if not sender:
        raise ValueError("no sender (From address) configured")
    _address(sender, "sender")
    _no_newlines(invitation.subject, "subject")
    filename = _no_newlines(invitation.filename, "filename")
    if not filename or any(c in filename for c in '"\\/\x00'):
        raise ValueError(f"invalid attachment filename: {filename!r}")
    if invitation.language is not None and not LANGUAGE_TAG.fullmatch(invitation.language):
        raise ValueError(f"invalid language tag: {invitation.language!r}")


def invitation_message(
    invitation: Invitation, *, sender: str, message_id_domain: str | None = None
) -> EmailMessage:
    """The complete invitation e-mail (see the module docstring for its structure).

    Raises ``ValueError`` for a method that is not REQUEST/CANCEL or differs from the ics,
    line breaks in headers (injection), malformed addresses, a missing sender or recipient.
    """
    _check_invitation(invitation, sender)
    message = _headed(sender, ", ".join(invitation.to), invitation.subject, message_id_domain)
    if invitation.reply_to:
        message["Reply-To"] = invitation.reply_to

    message.set_content(invitation.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(
        invitation.ics,
        maintype="text",
        subtype="calendar",
        params={"charset": "utf-8", "method": invitation.method},
        cte="base64",
    )
    message.add_attachment(
        invitation.ics,
        maintype="application",
        subtype="ics",
        filename=invitation.filename,
        params={"name": invitation.filename},
        cte="base64",
    )
    for part in message.walk():
        if part is not message:
            del part["MIME-Version"]  # only the top level carries it
    if invitation.language:
        # Added last: turning the message multipart moves Content-* headers into the first part.
        message["Content-Language"] = invitation.language
    return message


def notice_message(
    notice: Notice, *, sender: str, message_id_domain: str | None = None
) -> EmailMessage:
    """A plain-text e-mail (quoted-printable UTF-8); the same header checks as invitations."""
    if not sender:
        raise ValueError("no sender (From address) configured")
    _address(sender, "sender")
    _address(notice.to, "recipient")
    _no_newlines(notice.subject, "subject")
    if notice.language is not None and not LANGUAGE_TAG.fullmatch(notice.language):
        raise ValueError(f"invalid language tag: {notice.language!r}")
    message = _headed(sender, notice.to, notice.subject, message_id_domain)
    message.set_content(notice.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    if notice.language:
        message["Content-Language"] = notice.language
    return message


def _headed(sender: str, to: str, subject: str, message_id_domain: str | None) -> EmailMessage:
    domain = message_id_domain or parseaddr(sender)[1].rpartition("@")[2]
    domain = _no_newlines(domain, "message_id_domain") or DEFAULT_MESSAGE_ID_DOMAIN
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=domain)
    return message


def _scrub(text: str, password: str | None) -> str:
    return text.replace(password, "***") if password else text


def _reply(error: smtplib.SMTPResponseException) -> str:
    raw = error.smtp_error
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return f"{error.smtp_code} {text}".strip()


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    return "; ".join(
        f"{address} ({code} {reply.decode('utf-8', 'replace')})"
        for address, (code, reply) in refused.items()
    )


class _NoUtf8Login(smtplib.SMTPException):
    """Non-ASCII credentials, and the server offers no AUTH PLAIN to send them in UTF-8."""


# what was going on when sending failed, named in the message
_STEPS = {"connected": _("connected"), "login": _("login"), "sending": _("sending")}


def _login(smtp: smtplib.SMTP, username: str, password: str) -> None:
    """``smtp.login``, plus AUTH PLAIN in UTF-8 (RFC 4616) for non-ASCII credentials.

    smtplib encodes credentials as ASCII and fails on "Pässwort"; servers that offer PLAIN
    take UTF-8, so such credentials are sent that way instead of failing locally.
    """
    try:
        (username + password).encode("ascii")
    except UnicodeEncodeError:
        pass
    else:
        smtp.login(username, password)
        return
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("AUTH")
    if "PLAIN" not in smtp.esmtp_features["auth"].upper().split():
        raise _NoUtf8Login("AUTH PLAIN")
    token = base64.b64encode(b"\0" + username.encode() + b"\0" + password.encode())
    code, reply = smtp.docmd("AUTH", "PLAIN " + token.decode("ascii"))
    if code not in (235, 503):  # 503: already authenticated
        raise smtplib.SMTPAuthenticationError(code, reply)


def send_invitation(settings: SmtpSettings, invitation: Invitation) -> str:
    """Send ``invitation`` through the server in ``settings``; return the Message-ID.

    ``security`` is "starttls" (plain connect, then STARTTLS, required), "ssl" (TLS from the
    first byte, usually port 465) or "none" (local relays and tests only). TLS always uses
    ``ssl.create_default_context()`` (certificate and host name verified). Login happens when
    ``username`` is set. Failures become ``MailError`` with a specific message.
    """
    if settings.security not in SECURITY_MODES:
        raise ValueError(f"security must be starttls, ssl or none, not {settings.security!r}")
    message = invitation_message(invitation, sender=settings.sender)
    return _deliver(settings, message, [_address(r, "recipient") for r in invitation.to])


def send_notice(settings: SmtpSettings, notice: Notice) -> str:
    """Send a plain notice like ``send_invitation`` (same security modes and errors)."""
    if settings.security not in SECURITY_MODES:
        raise ValueError(f"security must be starttls, ssl or none, not {settings.security!r}")
    message = notice_message(notice, sender=settings.sender)
    return _deliver(settings, message, [_address(notice.to, "recipient")])


def _deliver(settings: SmtpSettings, message: EmailMessage, to_addrs: list[str]) -> str:
    """Connect, secure, log in and send ``message``; return its Message-ID."""
    message_id = str(message["Message-ID"])
    from_addr = _address(settings.sender, "sender")
    where = f"{settings.host}:{settings.port}"
    password = settings.password
    seconds = lazy_number(settings.timeout)

    def said(text: object) -> str:
        """What the server or the library said, the password scrubbed."""
        return _scrub(str(text), password)

    def fail(problem: object, *, refused: dict[str, tuple[int, bytes]] | None = None) -> MailError:
        """``problem`` happened; with ``refused``, the server refused those recipients (and
        ``problem`` adds a note in parentheses, if any)."""
        if refused is not None:
            refusals = said(_refusals(refused))
            problem = (
                _("recipient refused: %(refusals)s (%(note)s)", refusals=refusals, note=problem)
                if problem
                else _("recipient refused: %(refusals)s", refusals=refusals)
            )
        return MailError(
            _("mail server %(where)s: %(problem)s", where=where, problem=problem),
            refused=tuple(refused or ()),
        )

    context = ssl.create_default_context()
    try:
        if settings.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    except ConnectionRefusedError:
        raise fail(_("connection refused")) from None
    except TimeoutError:
        raise fail(_("no connection within %(seconds)s s", seconds=seconds)) from None
    except socket.gaierror:
        raise fail(_("host name %(host)s not found", host=settings.host)) from None
    except ssl.SSLError as error:
        raise fail(
            _("TLS handshake failed (%(reason)s)", reason=said(error.reason or error))
        ) from None
    except smtplib.SMTPConnectError as error:
        raise fail(
            _("server refused the connection (%(reply)s)", reply=said(_reply(error)))
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        raise fail(_("could not connect (%(error)s)", error=said(error))) from None

    step = "connected"
    try:
        if settings.security == "starttls":
            step = "STARTTLS"
            smtp.starttls(context=context)
        if settings.username:
            step = "login"
            _login(smtp, settings.username, password or "")
        step = "sending"
        refused = smtp.send_message(message, from_addr=from_addr, to_addrs=to_addrs)
    except smtplib.SMTPNotSupportedError:
        if step == "STARTTLS":
            raise fail(_("server does not offer STARTTLS")) from None
        if step == "login":
            raise fail(_("server does not offer AUTH (login)")) from None
        raise fail(
            _("server does not support a required extension while %(step)s", step=_step(step))
        ) from None
    except _NoUtf8Login:
        raise fail(
            _("non-ASCII user name or password needs AUTH PLAIN, which the server does not offer")
        ) from None
    except smtplib.SMTPAuthenticationError as error:
        raise fail(
            _(
                "authentication failed for user %(user)s (%(reply)s)",
                user=repr(settings.username),
                reply=said(_reply(error)),
            )
        ) from None
    except smtplib.SMTPRecipientsRefused as error:
        raise fail("", refused=error.recipients) from None
    except smtplib.SMTPSenderRefused as error:
        raise fail(
            _("sender %(sender)s refused (%(reply)s)", sender=from_addr, reply=said(_reply(error)))
        ) from None
    except smtplib.SMTPDataError as error:
        raise fail(_("message rejected (%(reply)s)", reply=said(_reply(error)))) from None
    except smtplib.SMTPServerDisconnected:
        raise fail(_("server closed the connection (%(step)s)", step=_step(step))) from None
    except smtplib.SMTPResponseException as error:
        raise fail(
            _(
                "unexpected reply during %(step)s (%(reply)s)",
                step=_step(step),
                reply=said(_reply(error)),
            )
        ) from None
    except ssl.SSLError as error:
        raise fail(
            _(
                "TLS failed during %(step)s (%(reason)s)",
                step=_step(step),
                reason=said(error.reason or error),
            )
        ) from None
    except TimeoutError:
        raise fail(
            _("timed out after %(seconds)s s (%(step)s)", seconds=seconds, step=_step(step))
        ) from None
    except (smtplib.SMTPException, OSError) as error:
        raise fail(_("%(step)s failed (%(error)s)", step=_step(step), error=said(error))) from None
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    if refused:
        raise fail(_("the message was accepted for the other recipients"), refused=refused)
    return message_id


def _step(step: str) -> object:
    """A step of sending as the message names it (STARTTLS is STARTTLS in any language)."""
    return _STEPS.get(step, step)
