"""Events on a trip, read from the database: in place and time, naming the user's own
contacts, counting those near the venue, and never another user's events or contacts."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import Session, select

from planner.events import going, suggest
from planner.events.matching import EventWording, explain
from planner.importers.records import Account
from planner.models import User
from planner.models.event import EventOccurrence
from planner.topics import Vocabulary
from planner.trips import service
from planner.trips.interests import refresh_interests, set_user_topics
from tests.events_match_fixtures import BERLIN, store_events, store_ics
from tests.service.test_trips import MUNICH, leg

VOCABULARY = Vocabulary.default("en")


def words() -> EventWording:
    def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
        values.setdefault("num", n)
        return (singular if n == 1 else plural) % values

    return EventWording(
        gettext=lambda text, **values: text % values if values else text,
        ngettext=ngettext,
        join=" and ".join,
        topic_label=VOCABULARY.label,
    )


@pytest.fixture
def owner(db: Session, make_user: Any) -> User:
    user = make_user()
    return db.get(User, user.id)  # type: ignore[return-value]


def add_contact(db: Session, owner: User, **fields: Any) -> Any:
    from planner.contacts.service import ContactInput, create_contact

    return create_contact(db, owner=owner, data=ContactInput(**fields))


def munich_trip(db: Session, owner: User) -> Any:
    trip = service.create_trip(
        db,
        owner=owner,
        title=None,
        legs=[leg(MUNICH, "2027-09-24T10:00", "2027-09-27T18:00")],
        gettext=lambda text, **values: text % values,
    )
    db.commit()
    return trip


def context() -> suggest.EventContext:
    return suggest.EventContext(VOCABULARY, frozenset({"new-work", "barcamps"}))


def at(day: int, hour: int) -> datetime:
    return datetime(2027, 9, day, hour, tzinfo=UTC)


def test_acceptance_the_munich_barcamp_with_the_contact_on_its_programme(
    db: Session, owner: User
) -> None:
    """The issue's check, from an .ics feed: a Munich trip gets the Munich barcamp during
    the trip with a reason naming the contact on its programme, and not the Berlin meetup at
    the same time, the cancelled conference or the online-only webinar."""
    add_contact(db, owner, first_name="Lotte", last_name="Berg", city="Hamburg")
    add_contact(db, owner, first_name="Lotte", last_name="Bergmann", city="München")
    store_ics(db, owner, "munich_trip.ics", around=date(2027, 9, 25))
    trip = munich_trip(db, owner)
    matches = suggest.suggest_for_trip(db, owner=owner, trip=trip, context=context())
    assert [m.occurrence.summary for m in matches] == ["Barcamp München"]
    said = explain(matches[0], words())
    assert "in München during your stay" in said
    assert "your contact Lotte Berg is on the programme" in said
    assert [c.display_name for c in matches[0].contacts] == ["Lotte Berg"]


def test_contacts_named_by_address_and_handle(db: Session, owner: User) -> None:
    add_contact(db, owner, first_name="Jürgen", last_name="Müller", emails=["jm@example.org"])
    add_contact(
        db,
        owner,
        first_name="Lotte",
        last_name="Berg",
        accounts=[Account("mastodon", None, "lotte@norden.social", None)],
    )
    store_events(
        db,
        owner,
        [
            {
                "uid": "meetup",
                "summary": "Meetup",
                "starts_at": at(25, 16),
                "ends_at": at(25, 19),
                "organizer": {"name": "Orga", "email": "JM@example.org"},
                "description": "Mit @lotte@norden.social",
            }
        ],
    )
    trip = munich_trip(db, owner)
    [match] = suggest.suggest_for_trip(db, owner=owner, trip=trip, context=context())
    assert {(c.display_name, c.role) for c in match.contacts} == {
        ("Jürgen Müller", "organizer"),
        ("Lotte Berg", "programme"),
    }


def test_contacts_near_the_venue_sharing_its_topics(db: Session, owner: User) -> None:
    for i in range(3):
        add_contact(
            db,
            owner,
            first_name="Nah",
            last_name=f"Bei{i}",
            lat=48.14,
            lon=11.57,
            topics=["New Work"],
        )
    add_contact(
        db,
        owner,
        first_name="Weit",
        last_name="Weg",
        lat=BERLIN[0],
        lon=BERLIN[1],
        topics=["New Work"],
    )
    add_contact(db, owner, first_name="Ohne", last_name="Thema", lat=48.14, lon=11.57)
    refresh_interests(db, owner=owner, locale="en")
    store_events(
        db,
        owner,
        [
            {
                "uid": "nw",
                "summary": "New Work Stammtisch",
                "starts_at": at(25, 17),
                "ends_at": at(25, 20),
            }
        ],
    )
    trip = munich_trip(db, owner)
    [match] = suggest.suggest_for_trip(db, owner=owner, trip=trip, context=context())
    assert "3 of your contacts near München share New work" in explain(match, words())


def test_another_users_events_and_contacts_stay_theirs(
    db: Session, owner: User, make_user: Any
) -> None:
    other = db.get(User, make_user().id)
    assert other is not None
    add_contact(db, other, first_name="Lotte", last_name="Berg", emails=["lotte@example.org"])
    store_events(
        db,
        other,
        [
            {
                "uid": "theirs",
                "summary": "Their barcamp",
                "starts_at": at(25, 8),
                "ends_at": at(25, 16),
            }
        ],
    )
    store_events(
        db,
        owner,
        [
            {
                "uid": "mine",
                "summary": "My barcamp",
                "starts_at": at(25, 8),
                "ends_at": at(25, 16),
                "description": "Lotte Berg, lotte@example.org",
            }
        ],
    )
    trip = munich_trip(db, owner)
    [match] = suggest.suggest_for_trip(db, owner=owner, trip=trip, context=context())
    assert match.occurrence.summary == "My barcamp"
    assert match.contacts == ()


def test_not_interested_hides_every_occurrence_and_going_is_remembered(
    db: Session, owner: User
) -> None:
    store_events(
        db,
        owner,
        [
            {
                "uid": "weekly",
                "recurrence_id": "a",
                "summary": "Stammtisch",
                "starts_at": at(24, 17),
                "ends_at": at(24, 19),
            },
            {
                "uid": "weekly",
                "recurrence_id": "b",
                "summary": "Stammtisch",
                "starts_at": at(26, 17),
                "ends_at": at(26, 19),
            },
            {"uid": "camp", "summary": "Barcamp", "starts_at": at(25, 8), "ends_at": at(25, 16)},
        ],
    )
    trip = munich_trip(db, owner)
    before = suggest.version(db, owner=owner)
    assert len(suggest.suggest_for_trip(db, owner=owner, trip=trip, context=context())) == 3
    rows = {(r.uid, r.recurrence_id): r for r in db.exec(select(EventOccurrence)).all()}
    going.decide(db, owner=owner, occurrence=rows[("weekly", "a")], decision=suggest.NOT_INTERESTED)
    going.decide(db, owner=owner, occurrence=rows[("camp", "")], decision=suggest.GOING)
    db.commit()
    assert suggest.version(db, owner=owner) != before
    matches = suggest.suggest_for_trip(db, owner=owner, trip=trip, context=context())
    assert [m.occurrence.uid for m in matches] == ["camp"]
    assert [r.uid for r in going.going_rows(db, owner=owner)] == ["camp"]
    going.undo(db, owner=owner, occurrence=rows[("weekly", "b")])
    db.commit()
    assert len(suggest.suggest_for_trip(db, owner=owner, trip=trip, context=context())) == 3


def test_a_coffee_at_the_event_is_at_its_venue_in_its_first_hour(db: Session, owner: User) -> None:
    lotte = add_contact(db, owner, first_name="Lotte", last_name="Berg")
    store_events(
        db,
        owner,
        [
            {
                "uid": "camp",
                "summary": "Barcamp München",
                "starts_at": datetime(2027, 9, 24, 22, tzinfo=UTC),
                "ends_at": datetime(2027, 9, 26, 22, tzinfo=UTC),
                "all_day": True,
                "start_day": date(2027, 9, 25),
                "end_day": date(2027, 9, 27),
                "location": "Werksviertel, München",
            }
        ],
    )
    trip = munich_trip(db, owner)
    row = db.exec(select(EventOccurrence)).one()
    meeting = going.propose_coffee(db, owner=owner, occurrence=row, contact=lotte, leg=trip.legs[0])
    assert meeting.venue == "Werksviertel, München"
    assert meeting.starts_at == datetime(2027, 9, 25, 8, tzinfo=UTC)  # 10:00 in Munich
    assert meeting.trip_leg_id == trip.legs[0].id
    assert meeting.title == "Coffee at Barcamp München"


def test_events_at_home(db: Session, owner: User) -> None:
    store_events(
        db,
        owner,
        [
            {"uid": "near", "summary": "Near", "starts_at": at(25, 8), "ends_at": at(25, 16)},
            {
                "uid": "far",
                "summary": "Far",
                "starts_at": at(25, 8),
                "ends_at": at(25, 16),
                "lat": BERLIN[0],
                "lon": BERLIN[1],
            },
            {"uid": "past", "summary": "Past", "starts_at": at(1, 8), "ends_at": at(1, 16)},
        ],
    )
    home = suggest.Stay("home", "Munich", MUNICH.lat or 0, MUNICH.lon or 0, 50.0, "Europe/Berlin")
    matches = suggest.suggest_at_home(db, owner=owner, home=home, context=context(), now=at(10, 0))
    assert [m.occurrence.uid for m in matches] == ["near"]


def test_set_user_topics_give_the_context(db: Session, owner: User) -> None:
    set_user_topics(db, owner=owner, names=["New Work"])
    db.commit()
    built = suggest.event_context(db, owner=owner, locale="en")
    assert "new-work" in built.user_topics


def _colliding_topic(key: str) -> str:
    """An unknown topic whose key has the same bit in ``interest_bits`` as ``key``."""
    from planner.trips.interests import interest_bits

    return next(
        f"thema{i}" for i in range(10_000) if interest_bits([f"thema{i}"]) == interest_bits([key])
    )


@pytest.mark.parametrize("collision", [False, True])
def test_counts_near_a_place_are_exact_whether_a_topic_bit_is_shared_or_not(
    db: Session, owner: User, collision: bool
) -> None:
    for i in range(3):
        add_contact(
            db,
            owner,
            first_name="Nah",
            last_name=f"Bei{i}",
            lat=48.14,
            lon=11.57,
            topics=["New Work"],
        )
    add_contact(
        db, owner, first_name="Nah", last_name="Barcamp", lat=48.15, lon=11.56, topics=["Barcamp"]
    )
    add_contact(
        db,
        owner,
        first_name="Weit",
        last_name="Weg",
        lat=BERLIN[0],
        lon=BERLIN[1],
        topics=["New Work"],
    )
    if collision:  # same bit as new-work, another topic: counted by joining, not by the bit
        topic = _colliding_topic("new-work")
        add_contact(
            db, owner, first_name="Andere", last_name="Sache", lat=48.14, lon=11.57, topics=[topic]
        )
    refresh_interests(db, owner=owner, locale="en")
    db.commit()
    home = suggest.Stay("home", "Munich", MUNICH.lat or 0, MUNICH.lon or 0, 30.0, "Europe/Berlin")
    keys = suggest.user_interest_keys(db, owner=owner, state=())
    wanted = {"new-work", "barcamps", "podcasting"}
    counted = suggest.topic_counts_near(db, owner=owner, stay=home, topics=wanted, known_keys=keys)
    joined = suggest.topic_counts_near(db, owner=owner, stay=home, topics=wanted)
    assert counted == joined == {"new-work": 3, "barcamps": 1}
