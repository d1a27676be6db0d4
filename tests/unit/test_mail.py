"""Invitation e-mails, sent to a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from planner.mail import (
    Invitation,
    MailError,
    Notice,
    SmtpSettings,
    invitation_message,
    notice_message,
    send_invitation,
    send_notice,
)

ICS = (
    b"BEGIN:VCALENDAR\r\n"
    b"VERSION:2.0\r\n"
    b"PRODID:-//Treffpunkt//Test//EN\r\n"
    b"METHOD:REQUEST\r\n"
    b"BEGIN:VEVENT\r\n"
    b"UID:test-1@treffpunkt.invalid\r\n"
    b"DTSTAMP:20250101T120000Z\r\n"
    b"DTSTART:20250110T180000Z\r\n"
    b"DTEND:20250110T200000Z\r\n"
    b"SUMMARY:Kaffee in M\xc3\xbcnchen\r\n"
    b"DESCRIPTION:Eine sehr lange Beschreibung\\, die gefaltet wird\\, damit die Zeil\r\n"
    b" e nicht zu lang ist.\r\n"
    b"ORGANIZER;CN=J\xc3\xbcrgen:mailto:juergen@example.org\r\n"
    b"ATTENDEE;RSVP=TRUE:mailto:anna@example.org\r\n"
    b"END:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)
CANCEL_ICS = ICS.replace(b"METHOD:REQUEST", b"METHOD:CANCEL")
SUBJECT = "Einladung: Kaffee in München – Grüße an Jürgen"
TEXT = "Hallo Anna,\n\nJürgen lädt dich ein: Kaffee in München.\n\nBis bald!\n"
USER = "treffpunkt"
SECRET = "s3cret-Pässwort"  # non-ASCII: smtplib cannot send it, planner.mail uses UTF-8 PLAIN
ASCII_SECRET = "s3cret-password"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return "250 Message accepted for delivery"


def _authenticator(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password in (SECRET.encode(), ASCII_SECRET.encode())
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    handler: Handler
    port: int


def _serve(**kwargs: Any) -> Iterator[Server]:
    handler = Handler()
    port = _free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, server_hostname="localhost", **kwargs
    )
    controller.start()
    try:
        yield Server(handler, port)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    yield from _serve()


@pytest.fixture
def auth_server() -> Iterator[Server]:
    yield from _serve(authenticator=_authenticator, auth_require_tls=False)


def _invitation(**changes: Any) -> Invitation:
    base = Invitation(
        to=("Anna Ökonom <anna@example.org>", "bert@example.org"),
        reply_to="Jürgen Müller <juergen@example.org>",
        subject=SUBJECT,
        text=TEXT,
        ics=ICS,
        method="REQUEST",
        language="de",
    )
    return replace(base, **changes)


def _settings(port: int, **changes: Any) -> SmtpSettings:
    base = SmtpSettings(
        host="127.0.0.1",
        port=port,
        security="none",
        sender="Treffpunkt <treffpunkt@example.org>",
        timeout=5,
    )
    return replace(base, **changes)


def _parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


# --- the message itself -------------------------------------------------------------------


def test_invitation_round_trips_through_a_real_smtp_server(smtp_server: Server) -> None:
    message_id = send_invitation(_settings(smtp_server.port), _invitation())

    [received] = smtp_server.handler.received
    assert received.mail_from == "treffpunkt@example.org"
    assert received.rcpt_tos == ["anna@example.org", "bert@example.org"]
    message = _parse(received.content)

    assert message["Message-ID"] == message_id
    assert message_id.startswith("<") and message_id.endswith("@example.org>")
    assert message["Subject"] == SUBJECT
    assert str(message["From"]) == "Treffpunkt <treffpunkt@example.org>"
    assert message["Reply-To"].addresses[0].addr_spec == "juergen@example.org"
    assert message["Reply-To"].addresses[0].display_name == "Jürgen Müller"
    assert [a.addr_spec for a in message["To"].addresses] == [
        "anna@example.org",
        "bert@example.org",
    ]
    assert message["To"].addresses[0].display_name == "Anna Ökonom"
    assert message["Content-Language"] == "de"
    assert message["Date"].datetime is not None

    # multipart/mixed [ multipart/alternative [ text/plain, text/calendar ], application/ics ]
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, calendar = alternative.get_payload()

    assert plain.get_content_type() == "text/plain"
    assert plain.get_content_charset() == "utf-8"
    assert plain.get_content().replace("\r\n", "\n") == TEXT  # CRLF on the wire

    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_content_disposition() is None
    assert calendar.get_payload(decode=True) == ICS  # byte for byte, CRLF and folding kept

    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_param("name") == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_payload(decode=True) == ICS


def test_wire_format_is_seven_bit_with_encoded_headers() -> None:
    message = invitation_message(_invitation(), sender="Treffpunkt <treffpunkt@example.org>")
    raw = message.as_bytes()
    raw.decode("ascii")  # no 8-bit bytes anywhere: safe through any relay
    assert b"\r\n" in raw  # policy.SMTP line ends
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"Subject: " in head and "München".encode() not in head
    assert raw.count(b"MIME-Version") == 1
    assert _parse(raw)["Subject"] == SUBJECT


def test_cancel_is_sent_with_method_cancel(smtp_server: Server) -> None:
    send_invitation(_settings(smtp_server.port), _invitation(ics=CANCEL_ICS, method="CANCEL"))
    message = _parse(smtp_server.handler.received[0].content)
    calendar = message.get_payload()[0].get_payload()[1]
    assert calendar.get_param("method") == "CANCEL"
    assert calendar.get_payload(decode=True) == CANCEL_ICS


def test_optional_headers_and_message_id_domain() -> None:
    message = invitation_message(
        _invitation(reply_to=None, language=None, filename="treffen.ics"),
        sender="treffpunkt@example.org",
        message_id_domain="mail.example.net",
    )
    assert "Reply-To" not in message
    assert "Content-Language" not in message
    assert message["Message-ID"].endswith("@mail.example.net>")
    attachment = message.get_payload()[1]
    assert attachment.get_filename() == "treffen.ics"
    assert attachment.get_param("name") == "treffen.ics"


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"method": "PUBLISH"}, "REQUEST or CANCEL"),
        ({"method": "CANCEL"}, "does not match METHOD:REQUEST"),
        ({"ics": CANCEL_ICS}, "does not match METHOD:CANCEL"),
        ({"ics": ICS.replace(b"METHOD:REQUEST\r\n", b"")}, "no METHOD line"),
        ({"ics": ICS + b"METHOD:CANCEL\r\n"}, "conflicting METHOD"),
        ({"ics": ICS.replace("ü".encode(), b"\xfc")}, "not UTF-8"),
    ],
)
def test_method_and_calendar_are_validated(changes: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        invitation_message(_invitation(**changes), sender="t@example.org")


@pytest.mark.parametrize(
    "changes",
    [
        {"subject": "Hallo\r\nBcc: victim@example.org"},
        {"subject": "Hallo\nBcc: victim@example.org"},
        {"to": ("anna@example.org\r\nBcc: victim@example.org",)},
        {"reply_to": "juergen@example.org\nBcc: victim@example.org"},
        {"filename": "invite.ics\r\nX-Evil: 1"},
        {"language": "de\r\nX-Evil: 1"},
    ],
)
def test_header_injection_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"line breaks|invalid"):
        invitation_message(_invitation(**changes), sender="t@example.org")


def test_sender_with_line_break_is_refused() -> None:
    with pytest.raises(ValueError, match="line breaks"):
        invitation_message(_invitation(), sender="t@example.org\r\nBcc: victim@example.org")


@pytest.mark.parametrize(
    ("changes", "sender", "fragment"),
    [
        ({"to": ()}, "t@example.org", "at least one recipient"),
        ({"to": ("not an address",)}, "t@example.org", "not a single e-mail address"),
        ({"to": ("a@example.org, b@example.org",)}, "t@example.org", "single e-mail"),
        ({}, "", "no sender"),
        ({"language": "de_DE.UTF-8"}, "t@example.org", "language"),
        ({"filename": "../invite.ics"}, "t@example.org", "filename"),
    ],
)
def test_addresses_and_parameters_are_validated(
    changes: dict[str, Any], sender: str, fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        invitation_message(_invitation(**changes), sender=sender)


def test_unknown_security_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="security"):
        send_invitation(_settings(25, security="tls"), _invitation())


# --- SMTP failures ---------------------------------------------------------------------------


@pytest.mark.parametrize("password", [SECRET, ASCII_SECRET])
def test_login_succeeds_with_the_right_password(auth_server: Server, password: str) -> None:
    send_invitation(_settings(auth_server.port, username=USER, password=password), _invitation())
    assert len(auth_server.handler.received) == 1


@pytest.mark.parametrize("secret", [SECRET, ASCII_SECRET])
def test_wrong_password_is_a_mail_error_without_the_password(
    auth_server: Server, secret: str
) -> None:
    wrong = "wrong-" + secret
    with pytest.raises(MailError) as caught:
        send_invitation(_settings(auth_server.port, username=USER, password=wrong), _invitation())
    message = str(caught.value)
    assert "authentication failed" in message
    assert f"127.0.0.1:{auth_server.port}" in message
    assert wrong not in message and SECRET not in message
    assert auth_server.handler.received == []


def test_login_against_a_server_without_auth(smtp_server: Server) -> None:
    with pytest.raises(MailError, match="does not offer AUTH") as caught:
        send_invitation(_settings(smtp_server.port, username=USER, password=SECRET), _invitation())
    assert SECRET not in str(caught.value)


def test_connection_refused_names_host_and_port() -> None:
    port = _free_port()  # bound and closed again: nobody listens there
    with pytest.raises(MailError, match=rf"127\.0\.0\.1:{port}: connection refused"):
        send_invitation(_settings(port), _invitation())


def test_a_mail_error_speaks_the_readers_language() -> None:
    from flask import Flask
    from flask_babel import Babel, force_locale

    from planner.paths import TRANSLATIONS_DIR

    app = Flask(__name__)
    Babel(app, default_translation_directories=str(TRANSLATIONS_DIR))
    port = _free_port()
    with pytest.raises(MailError) as caught:
        send_invitation(_settings(port), _invitation())
    with app.test_request_context(), force_locale("de"):
        assert str(caught.value) == f"Mailserver 127.0.0.1:{port}: Verbindung abgelehnt"
    assert str(caught.value) == f"mail server 127.0.0.1:{port}: connection refused"


def test_starttls_required_but_not_offered(smtp_server: Server) -> None:
    with pytest.raises(MailError, match="does not offer STARTTLS"):
        send_invitation(_settings(smtp_server.port, security="starttls"), _invitation())
    assert smtp_server.handler.received == []


def test_implicit_tls_against_a_plain_server(smtp_server: Server) -> None:
    with pytest.raises(MailError, match=rf"127\.0\.0\.1:{smtp_server.port}: TLS"):
        send_invitation(_settings(smtp_server.port, security="ssl"), _invitation())


def test_refused_recipient_is_named(smtp_server: Server) -> None:
    with pytest.raises(MailError, match=r"nobody@example\.org") as caught:
        send_invitation(_settings(smtp_server.port), _invitation(to=("nobody@example.org",)))
    assert "recipient refused" in str(caught.value)
    assert "550" in str(caught.value)
    assert caught.value.refused == ("nobody@example.org",)
    assert smtp_server.handler.received == []


def test_partly_refused_recipients_are_named(smtp_server: Server) -> None:
    invitation = _invitation(to=("anna@example.org", "nobody@example.org"))
    with pytest.raises(MailError, match="accepted for the other recipients") as caught:
        send_invitation(_settings(smtp_server.port), invitation)
    assert caught.value.refused == ("nobody@example.org",)
    [received] = smtp_server.handler.received
    assert received.rcpt_tos == ["anna@example.org"]


# --- plain notices (the verification link) ------------------------------------------------


def test_a_notice_is_plain_text_through_a_real_smtp_server(smtp_server: Server) -> None:
    text = "Bitte bestätigen Sie: https://treffpunkt.example/settings/email/verify/abc\n"
    notice = Notice(to="anna@example.org", subject="Adresse bestätigen", text=text, language="de")
    message_id = send_notice(_settings(smtp_server.port), notice)
    [received] = smtp_server.handler.received
    assert received.rcpt_tos == ["anna@example.org"]
    message = _parse(received.content)
    assert message["Message-ID"] == message_id and message["Subject"] == "Adresse bestätigen"
    assert message.get_content_type() == "text/plain" and message["Content-Language"] == "de"
    assert message.get_content().replace("\r\n", "\n") == text  # CRLF on the wire
    assert all(byte < 128 for byte in received.content)  # 7-bit clean for any relay


@pytest.mark.parametrize(
    "changes",
    [{"to": "a@example.org\r\nBcc: x@example.org"}, {"subject": "Hi\nBcc: x@example.org"}],
)
def test_a_notice_refuses_header_injection(changes: dict[str, Any]) -> None:
    notice = replace(Notice(to="a@example.org", subject="Hi", text="Hello"), **changes)
    with pytest.raises(ValueError, match="line breaks"):
        notice_message(notice, sender="Treffpunkt <t@example.org>")


def test_a_notice_to_a_refused_address_is_a_mail_error(smtp_server: Server) -> None:
    notice = Notice(to="nobody@example.org", subject="Hi", text="Hello")
    with pytest.raises(MailError, match=r"recipient refused: nobody@example\.org"):
        send_notice(_settings(smtp_server.port), notice)
