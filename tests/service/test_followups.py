"""Follow-ups and stage changes in the service: due dates counted in days at the place and
the user's home zone, safe across a clock change; no follow-up twice for one meeting;
stage changes by hand remembered on the timeline; notes; another user's rows refused."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session

from planner.auth.service import create_user
from planner.contacts.service import ContactInput, create_contact
from planner.models import Meeting, MeetingAttendee, MeetingStatus
from planner.relationships import service
from planner.relationships.timeline import timeline
from tests.places_fixtures import with_gazetteer


@pytest.fixture
def vienna(app: Flask, db: Session) -> Any:
    with_gazetteer(app)
    user = create_user(db, email="wien@example.org", password="correct horse battery")
    user.home_city = "Wien"
    contact = create_contact(
        db, owner=user, data=ContactInput(first_name="Lotte", last_name="Norden")
    )
    db.flush()
    return user, contact


def _meeting(db: Session, user: Any, contact: Any, start: datetime, zone: str) -> Meeting:
    meeting = Meeting(
        owner_id=user.id,
        status=MeetingStatus.CONFIRMED.value,
        starts_at=start,
        ends_at=start.replace(hour=(start.hour + 1) % 24),
        timezone=zone,
        title="Kaffee im Prückel",
    )
    db.add(meeting)
    db.flush()
    db.add(MeetingAttendee(meeting_id=meeting.id, owner_id=user.id, contact_id=contact.id))
    db.flush()
    return meeting


def test_a_coffee_in_vienna_on_the_night_of_the_clock_change_is_due_a_week_later_there(
    db: Session, vienna: Any
) -> None:
    from planner.meetings.service import mark_done

    user, contact = vienna
    # 00:30 in Vienna on Sunday 29 March 2026 (clocks go forward at 02:00): still the 28th
    # in UTC. The day it took place is the 29th, at the place.
    meeting = _meeting(
        db, user, contact, datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "Europe/Vienna"
    )
    mark_done(db, meeting=meeting)
    assert contact.stage == "met"
    assert contact.last_met == date(2026, 3, 29)
    [item] = service.open_followups(db, owner=user, now=datetime(2026, 4, 5, 21, 30, tzinfo=UTC))
    assert item.follow_up.due == date(2026, 4, 5)
    assert item.follow_up.about == "Kaffee im Prückel"
    # 23:30 on the 5th in Vienna (summer time, UTC+2): due today, not overdue
    assert item.overdue is False
    # 00:30 on the 6th in Vienna, still the 5th in UTC: overdue there
    [late] = service.open_followups(db, owner=user, now=datetime(2026, 4, 5, 22, 30, tzinfo=UTC))
    assert late.overdue is True
    assert service.count_due(db, owner=user, now=datetime(2026, 4, 5, 22, 30, tzinfo=UTC)) == 1
    assert service.count_due(db, owner=user, now=datetime(2026, 4, 1, 12, 0, tzinfo=UTC)) == 0


def test_the_users_default_delay_is_used(db: Session, vienna: Any) -> None:
    from planner.meetings.service import mark_done

    user, contact = vienna
    user.followup_days = 3
    meeting = _meeting(db, user, contact, datetime(2026, 6, 1, 8, 0, tzinfo=UTC), "Europe/Vienna")
    mark_done(db, meeting=meeting)
    [item] = service.open_followups(db, owner=user)
    assert item.follow_up.due == date(2026, 6, 4)


def test_stage_changes_by_hand_and_notes_show_on_the_timeline(db: Session, vienna: Any) -> None:
    user, contact = vienna
    service.set_stage(db, owner=user, contact=contact, stage="regular")
    service.set_stage(db, owner=user, contact=contact, stage="regular")  # no change: no entry
    service.add_note(db, owner=user, contact=contact, text="Mag Barcamps", day=date(2026, 1, 10))
    with pytest.raises(service.RelationshipError):
        service.add_note(db, owner=user, contact=contact, text="   ")
    items = timeline(db, owner=user, contact=contact)
    kinds = [item.kind for item in items]
    assert kinds.count("stage") == 1
    assert "note" in kinds
    note = next(item for item in items if item.kind == "note")
    assert note.at.date() == date(2026, 1, 10)
    assert note.text == "Mag Barcamps"


def test_another_users_follow_up_is_refused(db: Session, vienna: Any) -> None:
    user, contact = vienna
    follow_up = service.keep_in_touch(db, owner=user, contact=contact, every_weeks=3)
    assert follow_up is not None
    other = create_user(db, email="eve@example.org", password="correct horse battery")
    db.flush()
    with pytest.raises(service.RelationshipError):
        service.get_followup(db, owner=other, followup_id=follow_up.id)
    with pytest.raises(PermissionError):
        timeline(db, owner=other, contact=contact)
    assert service.open_followups(db, owner=other) == []
