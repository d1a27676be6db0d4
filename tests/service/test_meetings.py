"""Meetings on both databases: time and place with SEQUENCE, free times around busy ones,
meeting halfway, the calendar feed's version, and the user's own calendars."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import gettext
from sqlmodel import Session, select

from planner.contacts.service import ContactInput, create_contact
from planner.feeds import service as feeds
from planner.geo import Place
from planner.meetings import invites, service
from planner.models import BusyTime, Contact, Meeting, Stage, User
from planner.trips import service as trips
from tests.ics_reading import read_ics
from tests.places_fixtures import with_gazetteer

BUSY_ICS = Path(__file__).parents[1] / "fixtures" / "samples" / "events" / "busy.ics"
MUNICH = Place("München", "DE", 48.1374, 11.5755, "Bavaria", 2867714, "Europe/Berlin", 1260391)
HAMBURG = Place("Hamburg", "DE", 53.5507, 9.993, "Hamburg", 2911298, "Europe/Berlin", 1739117)
LONDON = Place("London", "GB", 51.5085, -0.1257, "England", 2643743, "Europe/London", 8961989)


@pytest.fixture
def owner(db: Session, make_user: Any) -> User:
    user = make_user(email="mareike@example.org")
    return db.get(User, user.id)  # type: ignore[return-value]


def contact(db: Session, owner: User, first: str, last: str, **fields: Any) -> Contact:
    made = create_contact(
        db, owner=owner, data=ContactInput(first_name=first, last_name=last, **fields)
    )
    db.flush()
    return made


def leg_in(db: Session, owner: User, place: Place, start: str, end: str) -> Any:
    trip = trips.create_trip(
        db,
        owner=owner,
        title=None,
        legs=[
            trips.LegInput(
                place.city or "",
                place,
                datetime.fromisoformat(start),
                datetime.fromisoformat(end),
                30,
            )
        ],
        gettext=gettext,
    )
    db.flush()
    return trip.legs[0]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def in_berlin(start: str, end: str) -> service.MeetingInput:
    """A meeting's time as a form gives it: wall-clock times in Berlin."""
    return service.MeetingInput(starts=at(start), ends=at(end), timezone="Europe/Berlin")


def test_a_meeting_on_a_leg_takes_its_zone_and_makes_the_contact_contacted(
    db: Session, owner: User
) -> None:
    anna = contact(db, owner, "Anna", "Berg")
    leg = leg_in(db, owner, LONDON, "2026-12-03T09:00", "2026-12-05T18:00")
    meeting = service.create_meeting(
        db,
        owner=owner,
        contacts=[anna],
        leg=leg,
        data=service.MeetingInput(starts=at("2026-12-04T10:00"), ends=at("2026-12-04T11:00")),
    )
    assert meeting.timezone == "Europe/London"
    assert meeting.starts_at == datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # GMT in winter
    assert meeting.sequence == 0 and meeting.status == "proposed"
    assert anna.stage == Stage.CONTACTED.value


def test_sequence_rises_on_time_or_place_and_not_on_a_title(db: Session, owner: User) -> None:
    anna = contact(db, owner, "Anna", "Berg")
    data = service.MeetingInput(
        starts=at("2026-03-30T10:00"),
        ends=at("2026-03-30T11:00"),
        timezone="Europe/Berlin",
        venue="Café Paris",
    )
    meeting = service.create_meeting(db, owner=owner, contacts=[anna], leg=None, data=data)
    # the day after the clocks went forward: 10:00 Berlin is 08:00 UTC
    assert meeting.starts_at == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    renamed = service.MeetingInput(**{**data.__dict__, "title": "Kaffee und Barcamp-Plan"})
    assert service.update_meeting(db, meeting=meeting, data=renamed, owner=owner) is False
    assert meeting.sequence == 0
    later = service.MeetingInput(
        **{**renamed.__dict__, "starts": at("2026-03-30T11:00"), "ends": at("2026-03-30T12:00")}
    )
    assert service.update_meeting(db, meeting=meeting, data=later, owner=owner) is True
    assert meeting.sequence == 1
    moved = service.MeetingInput(**{**later.__dict__, "venue": "Elbphilharmonie Plaza"})
    assert service.update_meeting(db, meeting=meeting, data=moved, owner=owner) is True
    assert meeting.sequence == 2
    service.confirm(db, meeting=meeting)
    assert meeting.sequence == 2  # confirming is not a change of time or place
    service.cancel(db, meeting=meeting)
    assert meeting.sequence == 3 and meeting.status == "cancelled"
    with pytest.raises(service.MeetingError, match="over"):
        service.update_meeting(db, meeting=meeting, data=moved, owner=owner)


def test_a_time_in_the_spring_gap_is_refused(db: Session, owner: User) -> None:
    anna = contact(db, owner, "Anna", "Berg")
    with pytest.raises(service.MeetingError, match="does not exist"):
        service.create_meeting(
            db,
            owner=owner,
            contacts=[anna],
            leg=None,
            data=in_berlin("2026-03-29T02:30", "2026-03-29T03:30"),
        )


def test_bad_times_and_zones_say_what_is_wrong(db: Session, owner: User) -> None:
    anna = contact(db, owner, "Anna", "Berg")
    cases = [
        (service.MeetingInput(starts=at("2026-05-01T10:00")), "both a start and an end"),
        (
            service.MeetingInput(starts=at("2026-05-01T10:00"), ends=at("2026-05-01T09:00")),
            "after the start",
        ),
        (service.MeetingInput(timezone="Mars/Olympus"), "not a time zone"),
    ]
    for data, message in cases:
        with pytest.raises(service.MeetingError, match=message):
            service.create_meeting(db, owner=owner, contacts=[anna], leg=None, data=data)
    with pytest.raises(service.MeetingError, match="at least one person"):
        service.create_meeting(db, owner=owner, contacts=[], leg=None, data=service.MeetingInput())


def test_confirming_needs_a_time_and_done_records_the_meeting(db: Session, owner: User) -> None:
    anna = contact(db, owner, "Anna", "Berg")
    ben = contact(db, owner, "Ben", "Chen", stage=Stage.REGULAR.value)
    meeting = service.create_meeting(
        db, owner=owner, contacts=[anna, ben], leg=None, data=service.MeetingInput()
    )
    with pytest.raises(service.MeetingError, match="Pick a time"):
        service.confirm(db, meeting=meeting)
    service.update_meeting(
        db,
        meeting=meeting,
        owner=owner,
        data=in_berlin("2026-06-12T23:30", "2026-06-13T00:30"),
    )
    service.confirm(db, meeting=meeting)
    upcoming = service.create_meeting(
        db,
        owner=owner,
        contacts=[anna],
        leg=None,
        data=in_berlin("2031-06-12T10:00", "2031-06-12T11:00"),
    )
    with pytest.raises(service.MeetingError, match="not begun"):
        service.mark_done(db, meeting=upcoming)
    service.mark_done(db, meeting=meeting)
    assert anna.stage == Stage.MET.value and ben.stage == Stage.REGULAR.value
    # the day at the meeting place, not in UTC (21:30 UTC is still the 12th in Berlin)
    assert anna.last_met == ben.last_met == datetime(2026, 6, 12).date()


def test_people_can_be_added_and_removed_but_never_the_last(db: Session, owner: User) -> None:
    anna = contact(db, owner, "Anna", "Berg")
    ben = contact(db, owner, "Ben", "Chen")
    meeting = service.create_meeting(
        db, owner=owner, contacts=[anna], leg=None, data=service.MeetingInput()
    )
    assert service.add_attendee(db, meeting=meeting, contact=ben) is True
    assert service.add_attendee(db, meeting=meeting, contact=ben) is False
    assert [c.display_name for c in service.attendee_contacts(db, meeting=meeting)] == [
        "Anna Berg",
        "Ben Chen",
    ]
    service.remove_attendee(db, meeting=meeting, contact_id=anna.id)
    with pytest.raises(service.MeetingError, match="cancel it instead"):
        service.remove_attendee(db, meeting=meeting, contact_id=ben.id)


def test_free_times_leave_out_busy_times_from_the_users_calendar(db: Session, owner: User) -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    source = feeds.add_upload(db, owner=owner, name="busy.ics", data=BUSY_ICS.read_bytes(), now=now)
    assert source.busy_count == 10  # 11 events, the transparent "Fokuszeit" is not busy
    anna = contact(db, owner, "Anna", "Berg")
    leg = leg_in(db, owner, HAMBURG, "2026-03-19T08:00", "2026-03-20T20:00")
    meeting = service.create_meeting(
        db, owner=owner, contacts=[anna], leg=leg, data=service.MeetingInput()
    )
    days = service.free_times(db, owner=owner, meeting=meeting, now=now)
    slots = [slot for day in days for slot in day.slots]
    assert slots, "a day and a half in Hamburg has free times"
    berlin = service.zone("Europe/Berlin")
    local = [(s.starts_at.astimezone(berlin), s.ends_at.astimezone(berlin)) for s in slots]
    # Kundentermin Elbwerk 19 Mar 10:00–11:30, with the 30-minute buffer on both sides
    blocked = (
        datetime(2026, 3, 19, 9, 30, tzinfo=berlin),
        datetime(2026, 3, 19, 12, 0, tzinfo=berlin),
    )
    assert all(end <= blocked[0] or start >= blocked[1] for start, end in local)
    # the dentist ends at 08:45, +30 minutes: the first time on the 20th is 09:30; every
    # free half hour follows, 13:00 too: the focus time from 13:00 is marked "free"
    twentieth = sorted(start.strftime("%H:%M") for start, _ in local if start.day == 20)
    assert twentieth[:3] == ["09:30", "10:00", "10:30"] and "13:00" in twentieth
    # never outside 09:00–18:00
    assert all(start.hour >= 9 and end.hour * 60 + end.minute <= 18 * 60 for start, end in local)

    # an own meeting blocks its time for the next one
    first = slots[0]
    service.take_slot(db, meeting=meeting, slot=first)
    bob = contact(db, owner, "Bob", "Dorn")
    second = service.create_meeting(
        db, owner=owner, contacts=[bob], leg=leg, data=service.MeetingInput()
    )
    later = service.free_times(db, owner=owner, meeting=second, now=now)
    again = [slot for day in later for slot in day.slots]
    assert all(s.ends_at <= first.starts_at or s.starts_at >= first.ends_at for s in again), (
        "no slot overlaps the meeting already booked"
    )


def test_a_calendar_read_again_replaces_its_busy_times_and_a_bad_one_changes_nothing(
    db: Session, owner: User
) -> None:
    now = datetime(2026, 3, 1, tzinfo=UTC)
    source = feeds.add_upload(db, owner=owner, name="busy.ics", data=BUSY_ICS.read_bytes(), now=now)
    with pytest.raises(feeds.CalendarError, match=r"busy\.ics"):
        feeds._store_busy(db, owner=owner, source=source, data=b"<html>oops</html>", now=now)
    rows = db.exec(select(BusyTime).where(BusyTime.source_id == source.id)).all()
    assert len(rows) == 10
    feeds.delete_source(db, source=source)
    assert db.exec(select(BusyTime).where(BusyTime.owner_id == owner.id)).all() == []


def test_halfway_is_between_the_leg_and_the_contact(app: Flask, db: Session, owner: User) -> None:
    with_gazetteer(app)
    augsburg = contact(db, owner, "Anna", "Berg", city="Augsburg")
    augsburg.lat, augsburg.lon = 48.3705, 10.8978
    leg = leg_in(db, owner, MUNICH, "2026-12-03T09:00", "2026-12-05T18:00")
    meeting = service.create_meeting(
        db, owner=owner, contacts=[augsburg], leg=leg, data=service.MeetingInput()
    )
    spot = service.halfway(db, meeting=meeting)
    assert spot is not None
    assert 48.2 < spot.lat < 48.3 and 11.1 < spot.lon < 11.3
    assert 25 < spot.km_each < 30  # Munich–Augsburg is about 57 km
    assert spot.near  # a town near the midpoint, from the gazetteer
    service.set_venue_point(db, meeting=meeting, venue="Café am Lech", lat=spot.lat, lon=spot.lon)
    assert meeting.sequence == 1 and meeting.venue_lat == spot.lat


def test_the_invite_file_is_a_request_and_after_cancelling_a_cancel(
    app: Flask, db: Session, owner: User
) -> None:
    owner.display_name = "Mareike Brandstätter"
    anna = contact(db, owner, "Anna", "Berg", emails=["anna@example.org"], country="AT")
    meeting = service.create_meeting(
        db,
        owner=owner,
        contacts=[anna],
        leg=None,
        data=service.MeetingInput(
            starts=at("2026-10-25T10:00"),  # the day the clocks go back
            ends=at("2026-10-25T11:00"),
            timezone="Europe/Vienna",
            venue="Café Central, Herrengasse 14, Wien",
        ),
    )
    request = read_ics(invites.invite_file(db, owner=owner, meeting=meeting).decode())
    assert request.method.value == "REQUEST"
    event = request.vevent
    assert event.uid.value == meeting.uid and event.sequence.value == "0"
    assert event.dtstart.value.astimezone(UTC) == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert event.location.value == "Café Central, Herrengasse 14, Wien"
    assert event.organizer.params["CN"] == ["Mareike Brandstätter"]
    attendee = event.attendee
    assert attendee.value.lower() == "mailto:anna@example.org"
    assert attendee.params["LANGUAGE"] == ["de"] and attendee.params["RSVP"] == ["TRUE"]
    with pytest.raises(service.MeetingError, match="Cancel the meeting first"):
        invites.invite_file(db, owner=owner, meeting=meeting, cancel=True)
    service.cancel(db, meeting=meeting)
    cancelled = read_ics(
        invites.invite_file(db, owner=owner, meeting=meeting, cancel=True).decode()
    )
    assert cancelled.method.value == "CANCEL"
    assert cancelled.vevent.uid.value == meeting.uid
    assert cancelled.vevent.sequence.value == "1"
    assert cancelled.vevent.status.value == "CANCELLED"


def test_the_feed_holds_confirmed_meetings_and_its_version_follows_changes(
    db: Session, owner: User, make_user: Any
) -> None:
    anna = contact(db, owner, "Anna", "Berg")
    data = in_berlin("2026-12-04T10:00", "2026-12-04T11:00")
    proposed = service.create_meeting(db, owner=owner, contacts=[anna], leg=None, data=data)
    confirmed = service.create_meeting(db, owner=owner, contacts=[anna], leg=None, data=data)
    service.confirm(db, meeting=confirmed)
    token = feeds.new_feed_token(db, owner=owner)
    db.commit()
    assert owner.feed_token_hash != token and len(token) >= 40
    assert feeds.owner_of_token(db, token) is owner
    assert feeds.owner_of_token(db, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    before = feeds.feed_version(db, owner=owner)
    feed = read_ics(feeds.feed_bytes(db, owner=owner, version=before).decode())
    uids = [event.uid.value for event in feed.vevent_list]
    assert uids == [confirmed.uid] and proposed.uid not in uids
    assert feed.method.value == "PUBLISH"
    assert feeds.feed_version(db, owner=owner) == before  # nothing changed
    anna.display_name = "Anna Berg-Huber"
    anna.updated_at = datetime.now(UTC)
    db.add(anna)
    db.flush()
    renamed = feeds.feed_version(db, owner=owner)
    assert renamed.etag != before.etag  # an invitee's name is in the feed
    service.cancel(db, meeting=confirmed)
    assert feeds.feed_version(db, owner=owner).etag != renamed.etag
    feeds.revoke_feed_token(db, owner=owner)
    assert feeds.owner_of_token(db, token) is None


def test_one_users_meetings_and_calendars_are_not_anothers(
    db: Session, owner: User, make_user: Any
) -> None:
    other = db.get(User, make_user().id)
    assert other is not None
    anna = contact(db, owner, "Anna", "Berg")
    meeting = service.create_meeting(
        db,
        owner=owner,
        contacts=[anna],
        leg=None,
        data=in_berlin("2026-12-04T10:00", "2026-12-04T11:00"),
    )
    service.confirm(db, meeting=meeting)
    feeds.add_upload(db, owner=owner, name="busy.ics", data=BUSY_ICS.read_bytes())
    assert service.list_meetings(db, owner=other) == []
    assert feeds.list_sources(db, owner=other) == []
    window = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))
    assert service.busy_between(db, owner=other, start=window[0], end=window[1]) == []
    version = feeds.feed_version(db, owner=other)
    assert b"BEGIN:VEVENT" not in feeds.feed_bytes(db, owner=other, version=version)
    assert db.get(Meeting, meeting.id) is not None


def test_a_meeting_someone_was_invited_to_is_cancelled_not_withdrawn(
    db: Session, owner: User
) -> None:
    anna = contact(db, owner, "Anna", "Berg")
    meeting = service.create_meeting(
        db,
        owner=owner,
        contacts=[anna],
        leg=None,
        data=in_berlin("2031-06-12T10:00", "2031-06-12T11:00"),
    )
    invites.mark_sent(db, meeting=meeting)
    with pytest.raises(trips.TripError):
        trips.withdraw(db, meeting=meeting)
    service.cancel(db, meeting=meeting)
    assert invites.needs_sending(meeting)  # the invitees must hear of the cancellation


def test_the_default_title_names_the_others_and_the_user_only_by_a_name_they_gave(
    db: Session, owner: User
) -> None:
    anna, jonas = contact(db, owner, "Anna", "Berg"), contact(db, owner, "Jonas", "Krug")
    meeting = service.create_meeting(
        db, owner=owner, contacts=[anna, jonas], leg=None, data=service.MeetingInput()
    )
    names = ["Anna Berg", "Jonas Krug"]
    # the user's side names the invitees; the invitees' side names the user, never them
    assert invites.summary_of(meeting, owner, names) == "Coffee: Anna Berg and Jonas Krug"
    assert invites.invitee_summary(meeting, owner, 2) == "Coffee for 3 people"
    assert invites.invitee_summary(meeting, owner, 1) == "Coffee"  # not the e-mail address
    owner.display_name = "Mareike Sommer"
    assert invites.summary_of(meeting, owner, names) == "Coffee: Anna Berg and Jonas Krug"
    assert invites.invitee_summary(meeting, owner, 2) == "Coffee with Mareike Sommer and 1 other"
    assert invites.invitee_summary(meeting, owner, 1) == "Coffee with Mareike Sommer"
    meeting.title = "Barcamp-Nachlese"
    assert invites.summary_of(meeting, owner, names) == "Barcamp-Nachlese"
    assert invites.invitee_summary(meeting, owner, 2) == "Barcamp-Nachlese"


def test_the_meeting_page_is_one_view_model(app: Flask, db: Session, owner: User) -> None:
    from planner.meetings.page import meeting_page

    with_gazetteer(app)
    anna = contact(db, owner, "Anna", "Berg", city="Augsburg")
    anna.lat, anna.lon = 48.3705, 10.8978
    anton = contact(db, owner, "Anton", "Weber")
    leg = leg_in(db, owner, MUNICH, "2026-12-03T09:00", "2026-12-05T18:00")
    meeting = service.create_meeting(
        db, owner=owner, contacts=[anna], leg=leg, data=service.MeetingInput()
    )
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    page = meeting_page(db, owner=owner, meeting=meeting, now=now, query=" an ")
    assert page.planned and page.leg == leg and [c.id for c in page.contacts] == [anna.id]
    assert page.query == "an" and [row.id for row in page.found] == [anton.id]  # Anna is in
    assert page.halfway is not None
    assert [p["label"] for p in page.map_points] == ["You: München", "Anna Berg"]
    assert [day.day.day for day in page.free_days] == [3, 4, 5] and page.more_days == 0
    assert page.shown == service.FREE_DAYS_SHOWN and page.free_zone == "Europe/Berlin"
    assert page.summary and not page.sendable  # no time yet: nothing to send
    service.cancel(db, meeting=meeting)
    cancelled = meeting_page(db, owner=owner, meeting=meeting, now=now, query="an")
    assert not cancelled.planned and cancelled.found == [] and cancelled.halfway is None
    assert cancelled.free_days == [] and cancelled.more_days == 0
