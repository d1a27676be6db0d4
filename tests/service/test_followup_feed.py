"""Open follow-ups in the private calendar feed: an all-day entry on the due day (DATE values,
DTEND the day after), one UID per follow-up that survives a snooze, the contact and what it
is about in SUMMARY, the follow-ups page linked; done and dismissed ones leave, and the
feed's ETag changes with every change."""

from datetime import UTC, date, datetime
from typing import Any

import icalendar
import pytest
from flask import Flask
from flask_babel import force_locale
from sqlmodel import Session

from planner.auth.service import create_user
from planner.contacts.service import ContactInput, create_contact
from planner.feeds import service as feeds
from planner.meetings.service import mark_done
from planner.models import Meeting, MeetingAttendee, MeetingStatus, User
from planner.relationships import service
from tests.places_fixtures import with_gazetteer

MET = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # a Friday in Berlin
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.fixture
def berlin(app: Flask, db: Session) -> Any:
    with_gazetteer(app)
    app.config["BASE_URL"] = "https://treffpunkt.example"
    user = create_user(db, email="feed@example.org", password="correct horse battery")
    user.home_city = "Berlin"
    anna = create_contact(db, owner=user, data=ContactInput(first_name="Anna", last_name="Berg"))
    db.flush()
    meeting = Meeting(
        owner_id=user.id,
        status=MeetingStatus.CONFIRMED.value,
        starts_at=MET,
        ends_at=MET.replace(hour=10),
        timezone="Europe/Berlin",
        title="Kaffee am Markt",
    )
    db.add(meeting)
    db.flush()
    db.add(MeetingAttendee(meeting_id=meeting.id, owner_id=user.id, contact_id=anna.id))
    db.flush()
    mark_done(db, meeting=meeting)
    db.commit()
    return user, anna


def entries(app: Flask, db: Session, user: User) -> tuple[str, list[icalendar.Event]]:
    """The feed as the feed view makes it (in the owner's language)."""
    with app.test_request_context(), force_locale(user.locale or "en"):
        version = feeds.feed_version(db, owner=user)
        data = feeds.feed_bytes(db, owner=user, version=version)
    calendar = icalendar.Calendar.from_ical(data)
    assert not list(calendar.walk("VTODO"))
    found = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("followup-")]
    return version.etag, found


def test_an_open_follow_up_is_an_all_day_entry_on_its_due_day(
    app: Flask, db: Session, berlin: Any
) -> None:
    user, _ = berlin
    [item] = service.open_followups(db, owner=user, now=NOW)
    _, [event] = entries(app, db, user)
    assert event["UID"] == f"followup-{item.follow_up.id}@treffpunkt"
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event.decoded("DTSTART") == date(2026, 11, 27)  # a week after the coffee
    assert event.decoded("DTEND") == date(2026, 11, 28)  # exclusive: one day long
    assert str(event["SUMMARY"]) == "Follow up with Anna Berg: Kaffee am Markt"
    assert str(event["URL"]) == "https://treffpunkt.example/followups"
    assert "https://treffpunkt.example/followups" in str(event["DESCRIPTION"])
    assert str(event["TRANSP"]) == "TRANSPARENT"


def test_a_snooze_moves_the_entry_under_the_same_uid_and_changes_the_etag(
    app: Flask, db: Session, berlin: Any
) -> None:
    user, _ = berlin
    [item] = service.open_followups(db, owner=user, now=NOW)
    before, [event] = entries(app, db, user)
    service.snooze(db, owner=user, follow_up=item.follow_up, until=date(2026, 12, 3), now=NOW)
    db.commit()
    after, [moved] = entries(app, db, user)
    assert after != before
    assert moved["UID"] == event["UID"]
    assert moved.decoded("DTSTART") == date(2026, 12, 3)
    assert moved.decoded("DTEND") == date(2026, 12, 4)


@pytest.mark.parametrize("how", ["done", "dismissed"])
def test_done_or_dismissed_follow_ups_leave_the_feed_and_change_the_etag(
    app: Flask, db: Session, berlin: Any, how: str
) -> None:
    user, _ = berlin
    [item] = service.open_followups(db, owner=user, now=NOW)
    before, [_event] = entries(app, db, user)
    if how == "done":
        service.mark_done(db, owner=user, follow_up=item.follow_up, note="Rief an", now=NOW)
    else:
        service.dismiss(db, owner=user, follow_up=item.follow_up)
    db.commit()
    after, found = entries(app, db, user)
    assert found == []
    assert after != before


def test_the_feed_speaks_the_users_language_and_the_etag_stays_when_nothing_changed(
    app: Flask, db: Session, berlin: Any
) -> None:
    user, _ = berlin
    first, _ = entries(app, db, user)
    again, _ = entries(app, db, user)
    assert again == first
    user.locale = "de"
    db.commit()
    german, [event] = entries(app, db, user)
    assert german != first
    assert str(event["SUMMARY"]) == "Nachfassen bei Anna Berg: Kaffee am Markt"
    assert str(event["DESCRIPTION"]).startswith("Erledigt oder später?")


def test_keep_in_touch_made_later_adds_an_entry_and_changes_the_etag(
    app: Flask, db: Session, berlin: Any
) -> None:
    user, _ = berlin
    bert = create_contact(db, owner=user, data=ContactInput(first_name="Bert", last_name="Kohl"))
    db.commit()
    before, found = entries(app, db, user)
    assert len(found) == 1
    service.keep_in_touch(db, owner=user, contact=bert, every_weeks=4, now=NOW)
    db.commit()
    after, found = entries(app, db, user)
    assert after != before
    assert sorted(str(e["SUMMARY"]) for e in found) == [
        "Follow up with Anna Berg: Kaffee am Markt",
        "Follow up with Bert Kohl: Keep in touch every 4 weeks",
    ]
