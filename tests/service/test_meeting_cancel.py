"""Cancelling a meeting gives its invitees back the stage they had; it can be planned again."""

from typing import Any

import pytest
from sqlmodel import Session

from planner.meetings import service
from planner.models import Contact, MeetingStatus, Stage, User
from tests.service.test_meetings import contact


@pytest.fixture
def owner(db: Session, make_user: Any) -> User:
    user = make_user(email="mareike@example.org")
    return db.get(User, user.id)  # type: ignore[return-value]


def plan(db: Session, owner: User, *people: Contact) -> Any:
    return service.create_meeting(
        db, owner=owner, contacts=list(people), leg=None, data=service.MeetingInput()
    )


def test_cancelling_gives_back_the_stage_the_meeting_took(db: Session, owner: User) -> None:
    anna = contact(db, owner, "Anna", "Berg")
    ben = contact(db, owner, "Ben", "Chen", stage=Stage.REGULAR.value)
    meeting = plan(db, owner, anna, ben)
    assert anna.stage == Stage.CONTACTED.value
    service.cancel(db, meeting=meeting)
    assert (anna.stage, ben.stage) == (Stage.ONLINE.value, Stage.REGULAR.value)


def test_another_planned_meeting_keeps_them_proposed(db: Session, owner: User) -> None:
    anna = contact(db, owner, "Anna", "Berg")
    first = plan(db, owner, anna)
    plan(db, owner, anna)  # a second coffee, still planned
    service.cancel(db, meeting=first)
    assert anna.stage == Stage.CONTACTED.value


def test_someone_met_since_keeps_met(db: Session, owner: User) -> None:
    anna = contact(db, owner, "Anna", "Berg")
    meeting = plan(db, owner, anna)
    anna.stage = Stage.MET.value  # met at a barcamp meanwhile, set by hand
    db.add(anna)
    service.cancel(db, meeting=meeting)
    assert anna.stage == Stage.MET.value


def test_taking_someone_off_a_meeting_gives_their_stage_back(db: Session, owner: User) -> None:
    anna = contact(db, owner, "Anna", "Berg")
    ben = contact(db, owner, "Ben", "Chen")
    meeting = plan(db, owner, anna, ben)
    service.remove_attendee(db, meeting=meeting, contact_id=anna.id)
    assert (anna.stage, ben.stage) == (Stage.ONLINE.value, Stage.CONTACTED.value)


def test_a_cancelled_meeting_can_be_planned_again(db: Session, owner: User) -> None:
    anna = contact(db, owner, "Anna", "Berg")
    meeting = plan(db, owner, anna)
    service.cancel(db, meeting=meeting)
    sequence = meeting.sequence
    service.reopen(db, meeting=meeting)
    assert meeting.status == MeetingStatus.PROPOSED.value
    assert meeting.sequence == sequence + 1  # calendars that took the cancel take it back
    assert anna.stage == Stage.CONTACTED.value
    service.cancel(db, meeting=meeting)
    assert anna.stage == Stage.ONLINE.value  # and cancelling again gives it back again
    with pytest.raises(service.MeetingError, match="cancelled"):
        service.reopen(db, meeting=plan(db, owner, anna))
