"""The feed over HTTP as a calendar app polls it: an unchanged feed answers 304 to its
ETag; snoozing or marking a follow-up done on the follow-ups page changes the ETag, and the
next poll shows the entry moved, then gone."""

from datetime import timedelta
from typing import Any

import icalendar
from flask import Flask
from sqlmodel import Session

from planner.contacts.service import ContactInput, create_contact
from planner.feeds.service import new_feed_token
from planner.models import User
from planner.models.relationship import FollowUp, FollowUpKind
from planner.models.types import utcnow


def followup_entries(data: bytes) -> list[Any]:
    calendar = icalendar.Calendar.from_ical(data)
    return [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("followup-")]


def test_snooze_and_done_change_the_etag_and_the_entry(
    app: Flask, make_user: Any, login: Any
) -> None:
    user = make_user()
    due = (utcnow() + timedelta(days=3)).date()
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        owner = session.get(User, user.id)
        assert owner is not None
        anna = create_contact(
            session, owner=owner, data=ContactInput(first_name="Anna", last_name="Berg")
        )
        follow_up = FollowUp(
            owner_id=owner.id,
            contact_id=anna.id,
            kind=FollowUpKind.AFTER_MEETING.value,
            due=due,
            first_due=due,
            about="Kaffee",
        )
        session.add(follow_up)
        token = new_feed_token(session, owner=owner)
        session.commit()
        followup_id = follow_up.id
    path = f"/feed/{token}.ics"
    anonymous = app.test_client()
    first = anonymous.get(path)
    [entry] = followup_entries(first.get_data())
    assert entry.decoded("DTSTART") == due
    assert anonymous.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    web = login(user)
    later = due + timedelta(days=10)
    snoozed = web.submit(
        f"/followups/{followup_id}/snooze", {"until": later.isoformat()}, form_url="/followups"
    )
    assert snoozed.status_code == 302
    second = anonymous.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
    [moved] = followup_entries(second.get_data())
    assert moved["UID"] == entry["UID"]
    assert moved.decoded("DTSTART") == later

    done = web.submit(f"/followups/{followup_id}/done", {"note": ""}, form_url="/followups")
    assert done.status_code == 302
    third = anonymous.get(path, headers={"If-None-Match": second.headers["ETag"]})
    assert third.status_code == 200 and third.headers["ETag"] != second.headers["ETag"]
    assert followup_entries(third.get_data()) == []
