"""Follow-ups in the browser's terms: "we met" on a meeting page makes the contact met and
a follow-up due a week later, shown on the overview, the follow-ups page and the contact's
page with a prepared text in the contact's language; done with a note leaves the list and
shows on the timeline; notes and keep in touch from the contact page; another user gets
404 for someone else's follow-up; the German interface."""

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask
from sqlmodel import Session, select

from planner.models import Meeting, MeetingAttendee, MeetingStatus
from planner.models.relationship import FollowUp
from tests.places_fixtures import with_gazetteer


def _past_meeting(app: Flask, user: Any, contact: Any, days_ago: int = 10) -> str:
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        start = (datetime.now(UTC) - timedelta(days=days_ago)).replace(
            hour=9, minute=0, second=0, microsecond=0
        )
        meeting = Meeting(
            owner_id=user.id,
            status=MeetingStatus.CONFIRMED.value,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            timezone="Europe/Berlin",
        )
        session.add(meeting)
        session.flush()
        session.add(MeetingAttendee(meeting_id=meeting.id, owner_id=user.id, contact_id=contact.id))
        session.commit()
        return str(meeting.id)


def _followups(app: Flask) -> list[FollowUp]:
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        return list(session.scalars(select(FollowUp)))


def test_we_met_makes_a_follow_up_that_can_be_done_with_a_note(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    with_gazetteer(app)
    user = make_user(home_city="Berlin", display_name="Ada Muster")
    anna = make_contact(user, first_name="Anna", last_name="Berg", country="DE")
    meeting_id = _past_meeting(app, user, anna)
    web = login(user)
    page = f"/meetings/{meeting_id}"
    assert web.submit(f"{page}/done", form_url=page).status_code == 302

    [follow_up] = _followups(app)
    assert follow_up.kind == "after_meeting"
    overview = web.get("/dashboard").get_data(as_text=True)
    assert "Anna Berg" in overview and 'id="followups-due"' in overview

    listing = web.get("/followups").get_data(as_text=True)
    assert "Anna Berg" in listing
    # the prepared text is German and formal (a contact in Germany, "Sie" by default)
    assert "Guten Tag Anna Berg," in listing
    assert "Ada Muster" in listing

    contact_page = f"/contacts/{anna.id}"
    shown = web.get(contact_page).get_data(as_text=True)
    assert f"followup-{follow_up.id}" in shown
    assert 'id="timeline"' in shown

    done = web.submit(
        f"/followups/{follow_up.id}/done",
        {"note": "Sent her the <b>slides</b>", "back": contact_page},
        form_url=contact_page,
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(contact_page)
    after = web.get(contact_page).get_data(as_text=True)
    assert f"followup-{follow_up.id}" not in after
    assert "Sent her the &lt;b&gt;slides&lt;/b&gt;" in after  # escaped
    assert "Anna Berg" not in web.get("/followups").get_data(as_text=True)


def test_notes_and_keep_in_touch_from_the_contact_page(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    with_gazetteer(app)
    user = make_user()
    lotte = make_contact(user, first_name="Lotte", last_name="Norden")
    web = login(user)
    page = f"/contacts/{lotte.id}"
    added = web.submit(f"{page}/notes", {"text": "Spricht auf dem Barcamp"}, form_url=page)
    assert added.status_code == 302
    assert "Spricht auf dem Barcamp" in web.get(page).get_data(as_text=True)
    empty = web.submit(f"{page}/notes", {"text": ""}, form_url=page)
    assert empty.status_code == 422

    kept = web.submit(f"{page}/keep-in-touch", {"every_weeks": "6"}, form_url=page)
    assert kept.status_code == 302
    [follow_up] = _followups(app)
    assert follow_up.kind == "keep_in_touch"
    assert 'value="6"' in web.get(page).get_data(as_text=True)
    bad = web.submit(f"{page}/keep-in-touch", {"every_weeks": "-1"}, form_url=page)
    assert bad.status_code == 302
    assert len(_followups(app)) == 1


def test_another_users_follow_up_is_not_found(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    with_gazetteer(app)
    owner = make_user()
    anna = make_contact(owner)
    _past_meeting(app, owner, anna)
    web_owner = login(owner)
    page = f"/contacts/{anna.id}"
    web_owner.submit(f"{page}/keep-in-touch", {"every_weeks": "2"}, form_url=page)
    [follow_up] = _followups(app)
    eve = login(make_user())
    for action in ("done", "dismiss", "snooze"):
        response = eve.submit(
            f"/followups/{follow_up.id}/{action}", {"until": "2099-01-01"}, form_url="/followups"
        )
        assert response.status_code == 404
    assert eve.submit(f"{page}/notes", {"text": "x"}, form_url="/followups").status_code == 404
    assert _followups(app)[0].status == "open"
    # no CSRF token: refused
    assert web_owner.client.post(f"/followups/{follow_up.id}/dismiss").status_code == 400


def test_the_follow_ups_page_in_german(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    with_gazetteer(app)
    user = make_user(locale="de")
    anna = make_contact(user, first_name="Anna", last_name="Berg")
    meeting_id = _past_meeting(app, user, anna)
    web = login(user)
    page = f"/meetings/{meeting_id}"
    web.submit(f"{page}/done", form_url=page)
    text = web.get("/followups").get_data(as_text=True)
    assert "Nachfass" in text or "Nachfassen" in text
    assert "überfällig" in text


def test_a_stage_and_last_met_changed_by_hand_show_on_the_timeline(
    app: Flask, make_user: Any, make_contact: Any, login: Any
) -> None:
    from planner.relationships.timeline import timeline

    user = make_user()
    anna = make_contact(user, first_name="Anna", last_name="Berg")
    web = login(user)
    edit = f"/contacts/{anna.id}/edit"
    form = {"first_name": "Anna", "last_name": "Berg", "stage": "regular"}
    form |= {"last_met": "2026-05-04", "address_form": "sie"}
    assert web.submit(edit, form).status_code == 302
    with app.app_context(), Session(app.extensions["planner.engine"]) as session:
        from planner.models import Contact, User

        owner = session.get(User, user.id)
        contact = session.get(Contact, anna.id)
        assert owner is not None and contact is not None
        kinds = [item.kind for item in timeline(session, owner=owner, contact=contact)]
    assert "stage" in kinds
    assert kinds.count("meeting") == 1  # the hand-typed "last met"
