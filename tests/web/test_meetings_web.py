"""Meetings in the browser's terms: from a trip suggestion to a confirmed coffee, the
invite and its cancellation, e-mail through a real SMTP server, the user's own calendars,
the private feed (ETag, revocation), the command line, and other users kept out."""

import email
import email.policy
import io
import json
import re
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from flask import Flask
from flask.cli import ScriptInfo
from sqlmodel import Session

from planner.cli import main
from planner.models import Contact, ContactEmail, Meeting, User
from tests.fake_http import serving
from tests.ics_reading import read_ics
from tests.places_fixtures import with_gazetteer
from tests.trips_fixtures import build_network


def first_monday_of_may(year: int) -> date:
    first = date(year, 5, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


# A leg well ahead of today (free times are never in the past), on a Monday in May.
DAY = first_monday_of_may(date.today().year + 2)
NEXT = DAY + timedelta(days=1)

# The user's calendar as tests need it: busy times ahead (past ones are not kept).
FUTURE_ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
    "BEGIN:VEVENT\r\nUID:weekly@example.org\r\nDTSTAMP:20261101T090000Z\r\n"
    f"DTSTART;TZID=Europe/Berlin:{DAY:%Y%m%d}T100000\r\n"
    f"DTEND;TZID=Europe/Berlin:{DAY:%Y%m%d}T113000\r\n"
    "RRULE:FREQ=DAILY;COUNT=10\r\nSUMMARY:Jour fixe\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:free@example.org\r\nDTSTAMP:20261101T090000Z\r\n"
    f"DTSTART:{NEXT:%Y%m%d}T130000Z\r\nDTEND:{NEXT:%Y%m%d}T150000Z\r\nTRANSP:TRANSPARENT\r\n"
    "SUMMARY:Fokuszeit\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.fixture
def meetings_app(app: Flask) -> Flask:
    return with_gazetteer(app)


@pytest.fixture
def alice(meetings_app: Flask, make_user: Any) -> Any:
    user = make_user("alice@example.org")
    with meetings_app.app_context(), Session(meetings_app.extensions["planner.engine"]) as session:
        owner = session.get(User, user.id)
        build_network(session, owner, size=40)  # type: ignore[arg-type]
        session.commit()
    return user


def meeting_from_suggestion(web: Any) -> str:
    """Trip to Munich on DAY → accept the first suggestion → the meeting page's URL."""
    created = web.submit(
        "/trips/new",
        {
            "place": "München",
            "arrives": f"{DAY}T09:00",
            "departs": f"{NEXT + timedelta(days=1)}T18:00",
            "radius": "30",
        },
    )
    trip_url = created.headers["Location"]
    page = web.get(trip_url).get_data(as_text=True)
    accept = re.search(r'action="(/trips/[^"]+/accept/[0-9a-f-]+)"', page)
    assert accept, "the trip page offers suggestions"
    accepted = web.submit(accept.group(1), form_url=trip_url)
    assert accepted.status_code == 302
    location: str = accepted.headers["Location"]
    assert location.startswith("/meetings/")
    return location


def slot_starts(page: str) -> list[str]:
    return re.findall(r'name="starts_at" value="([^"]+)"', page)


def test_suggestion_to_confirmed_meeting_to_invite_to_change_to_cancel(
    alice: Any, login: Any
) -> None:
    web = login(alice)
    url = meeting_from_suggestion(web)
    page = web.get(url).get_data(as_text=True)
    assert "pick a time" in page  # the flash after accepting
    assert "Free times" in page and "Add your own calendar" in page
    starts = slot_starts(page)
    assert starts and datetime.fromisoformat(starts[0]) >= datetime(
        DAY.year, 5, DAY.day, 7, tzinfo=UTC
    )
    assert web.submit(f"{url}/slot", {"starts_at": starts[0]}, form_url=url).status_code == 302
    assert web.submit(f"{url}/confirm", form_url=url).status_code == 302
    page = web.get(url).get_data(as_text=True)
    assert "confirmed" in page and "Not sent yet" in page

    invite = web.get(f"{url}/invite.ics")
    assert invite.headers["Content-Type"] == "text/calendar; charset=utf-8; method=REQUEST"
    assert 'filename="invite.ics"' in invite.headers["Content-Disposition"]
    calendar = read_ics(invite.get_data(as_text=True))
    assert calendar.method.value == "REQUEST"
    uid, first_sequence = calendar.vevent.uid.value, int(calendar.vevent.sequence.value)
    assert calendar.vevent.dtstart.value.astimezone(UTC) == datetime.fromisoformat(starts[0])
    assert calendar.vtimezone.tzid.value == "Europe/Berlin"
    page = web.get(url).get_data(as_text=True)
    assert "Not sent yet" in page  # a download (a GET) changes nothing
    assert 'id="i-sent-it"' in page
    assert web.client.post(f"{url}/sent").status_code == 400  # no CSRF token
    marked = web.submit(f"{url}/sent", form_url=url)
    page = web.get(marked.headers["Location"]).get_data(as_text=True)
    assert "the invitees have the invite" in page
    assert "Not sent yet" not in page and 'id="i-sent-it"' not in page
    assert "Invite sent on" in page

    changed = web.submit(
        url,
        {
            "starts": f"{NEXT}T15:00",
            "ends": f"{NEXT}T16:00",
            "timezone": "Europe/Berlin",
            "venue": "Café Frischhut, München",
            "title": "",
            "notes": "",
        },
    )
    assert changed.status_code == 302
    page = web.get(url).get_data(as_text=True)
    assert "send the updated invite" in page and "Changed since the last invite" in page
    update = read_ics(web.get(f"{url}/invite.ics").get_data(as_text=True))
    assert update.vevent.uid.value == uid
    assert int(update.vevent.sequence.value) == first_sequence + 1
    assert update.vevent.dtstart.value.astimezone(UTC) == datetime(
        NEXT.year, NEXT.month, NEXT.day, 13, tzinfo=UTC
    )
    assert update.vevent.location.value == "Café Frischhut, München"

    assert web.submit(f"{url}/cancel", form_url=url).status_code == 302
    cancel = web.get(f"{url}/invite.ics")
    assert cancel.headers["Content-Type"].endswith("method=CANCEL")
    cancelled = read_ics(cancel.get_data(as_text=True))
    assert cancelled.method.value == "CANCEL" and cancelled.vevent.uid.value == uid
    assert int(cancelled.vevent.sequence.value) == first_sequence + 2
    assert cancelled.vevent.status.value == "CANCELLED"


def test_the_meeting_form_says_what_is_wrong(alice: Any, login: Any) -> None:
    web = login(alice)
    url = meeting_from_suggestion(web)
    base = {"title": "", "venue": "", "notes": "", "timezone": "Europe/Berlin"}
    gap = web.submit(url, {**base, "starts": "2030-03-31T02:30", "ends": "2030-03-31T03:00"})
    assert gap.status_code == 422 and "does not exist in Europe/Berlin" in gap.get_data(
        as_text=True
    )
    zone = web.submit(url, {**base, "timezone": "Mars/Olympus"})
    assert zone.status_code == 422 and "Not a time zone" in zone.get_data(as_text=True)
    backwards = web.submit(url, {**base, "starts": f"{NEXT}T15:00", "ends": f"{NEXT}T14:00"})
    assert "The end must be after the start." in backwards.get_data(as_text=True)
    confirm = web.submit(f"{url}/confirm", form_url=url)
    assert "Pick a time before confirming." in web.get(confirm.headers["Location"]).get_data(
        as_text=True
    )


def test_a_slot_that_is_not_offered_is_refused(alice: Any, login: Any) -> None:
    web = login(alice)
    url = meeting_from_suggestion(web)
    taken = web.submit(f"{url}/slot", {"starts_at": f"{DAY}T03:00:00+00:00"}, form_url=url)
    assert "no longer free" in web.get(taken.headers["Location"]).get_data(as_text=True)


@pytest.fixture
def smtp_server() -> Iterator[tuple[Controller, list[Any]]]:
    received: list[Any] = []

    class Collect:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:  # a free port (aiosmtpd checks it answers on start)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, received
    finally:
        controller.stop()


def test_invites_go_out_by_email_in_the_invitees_language(
    meetings_app: Flask, alice: Any, login: Any, smtp_server: Any
) -> None:
    controller, received = smtp_server
    meetings_app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port,
        SMTP_SECURITY="none",
        MAIL_SENDER="Treffpunkt <treffpunkt@example.org>",
    )
    web = login(alice)
    url = meeting_from_suggestion(web)
    page = web.get(url).get_data(as_text=True)
    web.submit(f"{url}/slot", {"starts_at": slot_starts(page)[0]}, form_url=url)
    contact_id = re.search(r'href="/contacts/([0-9a-f-]+)"', web.get(url).get_data(as_text=True))
    assert contact_id
    with meetings_app.app_context(), Session(meetings_app.extensions["planner.engine"]) as session:
        invitee = session.get(Contact, uuid.UUID(contact_id.group(1)))
        assert invitee is not None
        invitee.country = "DE"  # a contact in Germany is written to in German
        session.add(invitee)
        session.add(
            ContactEmail(
                contact_id=invitee.id,
                owner_id=alice.id,
                address="mara@example.de",
                normalized="mara@example.de",
            )
        )
        session.commit()
    from tests.web.test_mail_web import verify_address

    verify_address(web, received)  # only a verified address sends through the server
    sent = web.submit(f"{url}/send", form_url=url)
    assert "Sent to mara@example.de" in web.get(sent.headers["Location"]).get_data(as_text=True)
    assert len(received) == 2  # the verification link, the invitation
    envelope = received[1]
    assert envelope.rcpt_tos == ["mara@example.de"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Reply-To"] == "alice@example.org"
    assert message["Content-Language"] == "de"  # a contact in Germany
    assert message["Subject"].startswith("Einladung: ")
    calendar_part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "REQUEST"
    invite = read_ics(calendar_part.get_content())
    assert invite.vevent.attendee.value.lower() == "mailto:mara@example.de"


def test_without_smtp_the_page_offers_a_prepared_message(alice: Any, login: Any) -> None:
    web = login(alice)
    url = meeting_from_suggestion(web)
    page = web.get(url).get_data(as_text=True)
    web.submit(f"{url}/slot", {"starts_at": slot_starts(page)[0]}, form_url=url)
    page = web.get(url).get_data(as_text=True)
    # titled from the invitee's side: not "Coffee: <her own name>" (alice gave no name for
    # invites, so the title names nobody); the contact's country is unknown: alice's language
    assert "Send it yourself" in page and 'value="Invitation: Coffee"' in page
    assert "Send invite by e-mail" not in page


def test_an_uploaded_calendar_counts_its_busy_times(alice: Any, login: Any) -> None:
    web = login(alice)
    token = web.csrf_token("/settings/calendars")
    uploaded = web.client.post(
        "/settings/calendars/upload",
        data={"csrf_token": token, "name": "", "file": (io.BytesIO(FUTURE_ICS), "busy.ics")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 302  # read by the worker (here at once)
    page = web.get("/settings/calendars").get_data(as_text=True)
    assert "busy.ics is read in the background." in page and "<td>10</td>" in page
    broken = web.client.post(
        "/settings/calendars/upload",
        data={"csrf_token": token, "name": "", "file": (io.BytesIO(PNG), "photo.ics")},
        content_type="multipart/form-data",
    )
    assert broken.status_code == 302
    assert "photo.ics: " in web.get("/settings/calendars").get_data(as_text=True)
    # the daily 10:00–11:30 (plus the 30-minute buffer) keeps the morning of the leg busy
    url = meeting_from_suggestion(web)
    starts = slot_starts(web.get(url).get_data(as_text=True))
    assert starts[0] == f"{DAY}T10:00:00+00:00"  # 12:00 in Munich
    assert "Add your own calendar" not in web.get(url).get_data(as_text=True)


class CalendarServer(BaseHTTPRequestHandler):
    body = FUTURE_ICS

    def do_GET(self) -> None:
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def calendar_url() -> Iterator[str]:
    with serving(CalendarServer) as port:
        yield f"webcal://127.0.0.1:{port}/private-abc123/basic.ics"


def test_a_calendar_address_is_read_and_private_networks_are_refused(
    meetings_app: Flask, alice: Any, login: Any, calendar_url: str
) -> None:
    web = login(alice)
    added = web.submit("/settings/calendars/url", {"url": calendar_url, "name": "Google"})
    assert added.status_code == 302
    page = web.get("/settings/calendars").get_data(as_text=True)
    # webcal is read as https; 127.0.0.1 is refused by default (no server-side requests
    # into the server's own network)
    assert "private-abc123" not in page  # the secret path is never shown
    assert "address 127.0.0.1 is a loopback address (this server)" in page
    assert "Google" in page
    meetings_app.config["CALENDAR_ALLOW_PRIVATE_ADDRESSES"] = True
    engine = meetings_app.extensions["planner.engine"]
    with meetings_app.app_context(), Session(engine) as session:
        from planner.feeds.service import list_sources, refresh_source
        from planner.tasks import refresh_due_calendars

        owner = session.get(User, alice.id)
        (source,) = list_sources(session, owner=owner)  # type: ignore[arg-type]
        source.url = source.url.replace("https://", "http://")  # type: ignore[union-attr]
        source.fetched_at = datetime.now(UTC) - timedelta(hours=2)  # due again
        session.add(source)
        session.commit()
        assert refresh_due_calendars.call_local() == 1  # the quarter-hourly task
        session.refresh(source)
        assert source.busy_count == 10 and source.etag == '"v1"' and source.error is None
        assert refresh_due_calendars.call_local() == 0  # read just now
        assert refresh_source(session, source=source) == 10  # 304 Not Modified: kept
        session.commit()


def test_the_private_feed_is_shown_once_polls_cheaply_and_can_be_revoked(
    alice: Any, login: Any, make_user: Any
) -> None:
    web = login(alice)
    url = meeting_from_suggestion(web)
    page = web.get(url).get_data(as_text=True)
    web.submit(f"{url}/slot", {"starts_at": slot_starts(page)[0]}, form_url=url)
    web.submit(f"{url}/confirm", form_url=url)
    made = web.submit("/settings/calendars/feed", form_url="/settings/calendars")
    page = made.get_data(as_text=True)  # shown in the POST's response, never kept
    found = re.search(r'value="(http[^"]+/feed/([^"/]+)\.ics)"', page)
    assert found and "webcal://" in page
    path = f"/feed/{found.group(2)}.ics"
    assert found.group(2) not in web.get("/settings/calendars").get_data(as_text=True)

    anonymous = web.client.application.test_client()
    feed = anonymous.get(path)
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert feed.headers["ETag"] and feed.headers["Last-Modified"]
    calendar = read_ics(feed.get_data(as_text=True))
    assert len(calendar.vevent_list) == 1 and calendar.method.value == "PUBLISH"
    again = anonymous.get(path, headers={"If-None-Match": feed.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    since = anonymous.get(path, headers={"If-Modified-Since": feed.headers["Last-Modified"]})
    assert since.status_code == 304

    bob = login(make_user("bob@example.org"))
    assert bob.get(url).status_code == 404  # not Bob's meeting
    assert anonymous.get("/feed/" + "x" * 43 + ".ics").status_code == 404
    web.submit("/settings/calendars/feed/revoke", form_url="/settings/calendars")
    assert anonymous.get(path).status_code == 404


def test_meeting_pages_need_the_owner_and_a_csrf_token(
    alice: Any, login: Any, make_user: Any
) -> None:
    web = login(alice)
    url = meeting_from_suggestion(web)
    assert web.client.post(f"{url}/confirm").status_code == 400  # no CSRF token
    bob = login(make_user("bob@example.org"))
    token = bob.csrf_token("/settings/calendars")
    for action in ("confirm", "cancel", "done", "send", "sent", "slot", "people"):
        assert bob.client.post(f"{url}/{action}", data={"csrf_token": token}).status_code == 404
    assert bob.get(f"{url}/invite.ics").status_code == 404
    listing = bob.get("/meetings/").get_data(as_text=True)  # (the menu links /meetings/ too)
    assert url not in listing and not re.search(r'href="/meetings/[0-9a-f-]{36}"', listing)


def run(app: Flask, *args: str) -> Any:
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))


def test_the_command_line_creates_updates_cancels_and_exports(
    meetings_app: Flask, alice: Any
) -> None:
    with meetings_app.app_context(), Session(meetings_app.extensions["planner.engine"]) as session:
        from sqlmodel import select

        contact = session.exec(select(Contact).where(Contact.owner_id == alice.id)).first()
        assert contact is not None
        contact_id = str(contact.id)
    created = run(
        meetings_app, "meetings", "create", "--user", "alice@example.org",
        "--contact", contact_id, "--start", "2030-10-27T10:00", "--end", "2030-10-27T11:00",
        "--tz", "Europe/Berlin", "--venue", "Café Paris, Hamburg", "--json",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    document = json.loads(created.stdout)
    meeting_id = document["id"]
    assert document["start"] == "2030-10-27T10:00:00+01:00"  # the Sunday the clocks went back
    assert document["sequence"] == 0 and document["contacts"][0]["id"] == contact_id

    exported = run(meetings_app, "calendar", "export", meeting_id, "--user", "alice@example.org")
    assert exported.exit_code == 0, exported.output
    request = read_ics(exported.stdout)
    assert request.method.value == "REQUEST" and request.vevent.sequence.value == "0"

    updated = run(
        meetings_app, "meetings", "update", meeting_id, "--user", "alice@example.org",
        "--start", "2030-10-27T14:00", "--json",
    )  # fmt: skip
    assert updated.exit_code == 0, updated.output
    assert json.loads(updated.stdout)["sequence"] == 1
    assert json.loads(updated.stdout)["end"] == "2030-10-27T15:00:00+01:00"  # still an hour
    assert json.loads(updated.stdout)["venue"] == "Café Paris, Hamburg"  # kept

    refused = run(
        meetings_app, "calendar", "export", meeting_id, "--user", "alice@example.org", "--cancel"
    )
    assert refused.exit_code == 1 and "Cancel the meeting first" in refused.output
    cancelled = run(
        meetings_app, "meetings", "cancel", meeting_id, "--user", "alice@example.org", "--json"
    )
    assert cancelled.exit_code == 0 and json.loads(cancelled.stdout)["status"] == "cancelled"
    exported = run(
        meetings_app, "calendar", "export", meeting_id, "--user", "alice@example.org", "--cancel"
    )
    cancel = read_ics(exported.stdout)
    assert cancel.method.value == "CANCEL" and cancel.vevent.sequence.value == "2"
    missing = run(meetings_app, "calendar", "export", meeting_id, "--user", "nobody@example.org")
    assert missing.exit_code == 1
    with meetings_app.app_context(), Session(meetings_app.extensions["planner.engine"]) as session:
        stored = session.get(Meeting, uuid.UUID(meeting_id))
        assert stored is not None and stored.sent_sequence == 2


def test_an_answer_is_recorded_and_an_invitee_without_email_is_named_in_the_invite(
    alice: Any, login: Any
) -> None:
    web = login(alice)
    url = meeting_from_suggestion(web)
    page = web.get(url).get_data(as_text=True)
    web.submit(f"{url}/slot", {"starts_at": slot_starts(page)[0]}, form_url=url)
    answer = re.search(r'action="(/meetings/[^"]+/people/[0-9a-f-]+/answer)"', page)
    assert answer
    assert web.submit(answer.group(1), {"partstat": "ACCEPTED"}, form_url=url).status_code == 302
    assert web.submit(answer.group(1), {"partstat": "MAYBE"}, form_url=url).status_code == 400
    page = web.get(url).get_data(as_text=True)
    assert '<option value="ACCEPTED" selected>accepted</option>' in page
    invite = read_ics(web.get(f"{url}/invite.ics").get_data(as_text=True))
    # the contact has no e-mail address: listed by name in the description, not as ATTENDEE
    assert "Mara Barcamp" in invite.vevent.description.value


def test_the_meeting_pages_speak_german(alice: Any, login: Any, meetings_app: Flask) -> None:
    with meetings_app.app_context(), Session(meetings_app.extensions["planner.engine"]) as session:
        user = session.get(User, alice.id)
        assert user is not None
        user.locale = "de"
        session.add(user)
        session.commit()
    web = login(alice)
    url = meeting_from_suggestion(web)
    page = web.get(url).get_data(as_text=True)
    assert "Freie Zeiten" in page and "Wählen Sie eine Zeit" in page and "Zeit und Ort" in page
    web.submit(f"{url}/slot", {"starts_at": slot_starts(page)[0]}, form_url=url)
    page = web.get(url).get_data(as_text=True)
    assert "Einladung herunterladen (.ics)" in page and 'value="Einladung: Kaffee"' in page
    assert re.search(r"Montag, \d{1,2}\. Mai \d{4}, 09:00–", page)  # German, on the place's clock
    assert "SEQUENCE" not in page  # the invite's revision number is iCalendar's word, not ours
    settings = web.get("/settings/calendars").get_data(as_text=True)
    assert "Kalender und Feed" in settings and "Wann Sie sich gern treffen" in settings
    assert "Treffen" in web.get("/meetings/").get_data(as_text=True)


def test_preferences_shape_the_free_times(alice: Any, login: Any) -> None:
    web = login(alice)
    form = {
        "display_name": "Alice Example",
        "day_start": "10:00",
        "day_end": "16:00",
        "minutes": "45",
        "buffer": "15",
        "per_day": "2",
        "weekdays": ["0", "1", "2", "3", "4"],
        "alarm": "",
    }
    wrong = web.submit(
        "/settings/calendars/preferences",
        {**form, "day_end": "09:00"},
        form_url="/settings/calendars",
    )
    assert wrong.status_code == 422
    assert "The end of the day must be after its start." in wrong.get_data(as_text=True)
    saved = web.submit("/settings/calendars/preferences", form, form_url="/settings/calendars")
    assert saved.status_code == 302
    url = meeting_from_suggestion(web)
    starts = [datetime.fromisoformat(s) for s in slot_starts(web.get(url).get_data(as_text=True))]
    first_day = [s for s in starts if s.date() == DAY]
    # every half hour from 10:00 to 15:00 in Munich (45 minutes end by 16:00): "two a day"
    # limits booking, not the times offered
    assert [s.strftime("%H:%M") for s in first_day] == [
        f"{h:02d}:{m:02d}" for h in range(8, 14) for m in (0, 30)
    ][:-1]
    web.submit(f"{url}/slot", {"starts_at": starts[0].isoformat()}, form_url=url)
    invite = read_ics(web.get(f"{url}/invite.ics").get_data(as_text=True))
    assert invite.vevent.organizer.params["CN"] == ["Alice Example"]
    assert not hasattr(invite.vevent, "valarm")  # no reminder wanted
    end = invite.vevent.dtend.value - invite.vevent.dtstart.value
    assert end.total_seconds() == 45 * 60


def test_the_cached_trip_page_follows_every_change(alice: Any, login: Any) -> None:
    """The trip page body is cached per plan key: each change below must show at once, and
    every session gets its own CSRF token in the cached HTML."""
    web = login(alice)
    url = meeting_from_suggestion(web)
    trip_url = re.search(  # the meeting page links back to its trip
        r'href="(/trips/[0-9a-f-]+)#leg-', web.get(url).get_data(as_text=True)
    )
    assert trip_url
    trip = trip_url.group(1)
    page = web.get(trip).get_data(as_text=True)
    assert "Proposed meetings" in page and "Withdraw" in page
    attendee = re.search(r'Coffee with</a> <a href="/contacts/([0-9a-f-]+)">([^<]+)</a>', page)
    assert attendee
    contact_id, name = attendee.groups()
    again = web.get(trip).get_data(as_text=True)  # the same, apart from the token's time
    assert _CSRF_VALUE.sub("", again) == _CSRF_VALUE.sub("", page)

    # A second session of the same user: the same cached body with its own token, which
    # works there and nowhere else.
    other = login(alice)
    other_page = other.get(trip).get_data(as_text=True)
    mine, theirs = _CSRF_VALUE.findall(page)[0], _CSRF_VALUE.findall(other_page)[0]
    assert mine != theirs and _CSRF_VALUE.sub("", other_page) == _CSRF_VALUE.sub("", page)
    later = re.findall(r'action="(/trips/[^"]+/later/[0-9a-f-]+)"', page)[0]
    assert other.client.post(later, data={"csrf_token": mine}).status_code == 400
    assert other.client.post(later, data={"csrf_token": theirs}).status_code == 302
    assert f'action="{later}"' not in web.get(trip).get_data(as_text=True)

    # Renaming the invitee shows at once.
    rename(web, contact_id, "Renamed", "Person")
    page = web.get(trip).get_data(as_text=True)
    assert "Renamed Person" in page and name not in page

    # A time, then the invite goes out (downloaded, then "I sent it"): no more "Withdraw".
    meeting_page = web.get(url).get_data(as_text=True)
    web.submit(f"{url}/slot", {"starts_at": slot_starts(meeting_page)[0]}, form_url=url)
    assert "Withdraw" in web.get(trip).get_data(as_text=True)
    assert web.get(f"{url}/invite.ics").status_code == 200
    assert "Withdraw" in web.get(trip).get_data(as_text=True)  # a download sends nothing
    assert web.submit(f"{url}/sent", form_url=url).status_code == 302
    page = web.get(trip).get_data(as_text=True)
    assert "Renamed Person" in page and "Withdraw" not in page

    # Renaming a suggested contact shows at once (and makes it the newest change).
    suggested_id = re.findall(r'action="/trips/[^"]+/later/([0-9a-f-]+)"', page)[0]
    rename(web, suggested_id, "Newest", "Change")
    assert "Newest Change" in web.get(trip).get_data(as_text=True)

    # Deleting the invitee (the meeting loses its only guest) changes no date or count the
    # key reads: the page still stops naming them.
    deleted = web.submit(f"/contacts/{contact_id}/delete")
    assert deleted.status_code == 302
    web.get(deleted.headers["Location"])  # the flash "… deleted." is shown there
    page = web.get(trip).get_data(as_text=True)
    assert "Renamed Person" not in page and f"/contacts/{contact_id}" not in page

    # The language is part of the key.
    web.submit("/settings/", {"locale": "de", "home_city": "", "topics": ""})
    assert "Vorschläge" in web.get(trip).get_data(as_text=True)


_CSRF_VALUE = re.compile(r'name="csrf_token" value="([^"]+)"')


def rename(web: Any, contact_id: str, first: str, last: str) -> None:
    edit = web.get(f"/contacts/{contact_id}/edit").get_data(as_text=True)
    fields = dict(re.findall(r'name="(first_name|last_name)"[^>]*value="([^"]*)"', edit))
    saved = web.submit(
        f"/contacts/{contact_id}/edit", {**fields, "first_name": first, "last_name": last}
    )
    assert saved.status_code == 302


def test_the_overview_shows_what_is_coming_up(alice: Any, login: Any) -> None:
    web = login(alice)
    page = web.get("/dashboard").get_data(as_text=True)
    assert "No meetings planned." in page and "No trips ahead." in page
    url = meeting_from_suggestion(web)
    meeting_page = web.get(url).get_data(as_text=True)
    name = re.search(r'<a href="/contacts/[0-9a-f-]+">([^<]+)</a>', meeting_page)
    assert name
    page = web.get("/dashboard").get_data(as_text=True)
    assert f'href="{url}">time still open</a>' in page and name.group(1) in page
    trip = re.search(r'href="/trips/[0-9a-f-]+">Munich</a>\s*<small>· ([^<]+)</small>', page)
    assert trip and trip.group(1) == f"{DAY:%a}, May {DAY.day}"  # the first leg's arrival
    assert "Who is in town" not in page  # Alice has no home city
    web.submit(f"{url}/slot", {"starts_at": slot_starts(meeting_page)[0]}, form_url=url)
    page = web.get("/dashboard").get_data(as_text=True)
    assert "time still open" not in page
    assert re.search(rf'href="{url}">{DAY:%a}, May {DAY.day}, \d+:\d\d\u202f[AP]M</a>', page)
    web.submit(f"{url}/cancel", form_url=url)
    assert "No meetings planned." in web.get("/dashboard").get_data(as_text=True)
