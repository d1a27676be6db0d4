"""Regional get-togethers on both databases: ranking the region, the poll's whole flow,
the token rules, the final invite read by a second parser, who came, the next one."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from sqlalchemy import select
from sqlmodel import Session
from werkzeug.exceptions import NotFound

from planner.db import get_owned
from planner.gatherings import invites, service
from planner.gatherings.suggest import matrix, rank_region, region_context
from planner.matching import Weights, explain
from planner.models import Contact, Stage, User
from planner.models.gathering import Gathering, GatheringInvitee
from planner.trips.wording import wording
from tests.gatherings_fixtures import (
    HAMBURG,
    SHARING_NEARBY,
    TOPIC,
    Circle,
    build_circle,
    poll_input,
)
from tests.ics_reading import read_ics

BEFORE = datetime(2027, 2, 1, 12, tzinfo=UTC)
AFTER = datetime(2027, 4, 1, 12, tzinfo=UTC)


@pytest.fixture
def owner(db: Session, make_user: Any) -> User:
    user = make_user(email="organiser@example.org", display_name="Mareike Jensen")
    return db.get(User, user.id)  # type: ignore[return-value]


@pytest.fixture
def circle(db: Session, owner: User) -> Circle:
    made = build_circle(db, owner)
    db.commit()
    return made


def ranked(db: Session, owner: User, limit: int, topics: list[str] | None = None) -> list[Any]:
    context = region_context(
        db,
        owner=owner,
        locale="en",
        weights=Weights(),
        topics=[TOPIC] if topics is None else topics,
    )
    return rank_region(
        db,
        owner=owner,
        lat=HAMBURG.lat or 0,
        lon=HAMBURG.lon or 0,
        radius_km=30,
        place="Hamburg",
        context=context,
        limit=limit,
    )


def poll(db: Session, owner: User, circle: Circle, names: list[str], **overrides: Any) -> Any:
    gathering = service.create_gathering(db, owner=owner, data=poll_input(**overrides))
    invited = service.invite(
        db, owner=owner, gathering=gathering, contacts=[circle.people[n] for n in names]
    )
    db.commit()
    return gathering, {item.contact.first_name: item.token for item in invited}


def test_the_best_five_share_the_topic_and_come_with_reasons(
    app: Flask, db: Session, owner: User, circle: Circle
) -> None:
    best = ranked(db, owner, 5)
    names = {db.get(Contact, s.contact_id).first_name for s in best}  # type: ignore[union-attr]
    assert len(best) == 5 and names <= SHARING_NEARBY
    context = region_context(db, owner=owner, locale="en", weights=Weights(), topics=[TOPIC])
    with app.test_request_context(), force_locale("en"):
        # the topic is named as the get-together names it
        words = explain(best[0], wording(context.vocabulary, context.user_labels))
    assert any("karriereberatung" in w.casefold() for w in words), words
    assert any("never met" in w for w in words)


def test_people_sharing_no_topic_come_after_all_who_share_one(
    db: Session, owner: User, circle: Circle
) -> None:
    everyone = ranked(db, owner, 50)
    firsts = [db.get(Contact, s.contact_id).first_name for s in everyone]  # type: ignore[union-attr]
    # Gerd and Hanna sit in the very centre (the most distance points) and still come last;
    # Ida lives in Berlin, outside the radius
    assert set(firsts[:6]) == SHARING_NEARBY
    assert set(firsts[6:]) == {"Gerd", "Hanna"}
    assert "Ida" not in firsts


def test_the_whole_flow_from_poll_to_final_invite(
    app: Flask, db: Session, owner: User, circle: Circle
) -> None:
    names = ["Anke", "Bernd", "Carla", "Dirk", "Elke"]
    gathering, tokens = poll(db, owner, circle, names)
    options = matrix(db, gathering=gathering).options
    first, second, third = (c.option.id for c in options)
    said = {
        "Anke": {first: "yes", second: "no", third: "maybe"},
        "Bernd": {first: "no", second: "yes", third: "yes"},
        "Carla": {first: "yes", second: "maybe", third: "yes"},
        "Dirk": {first: "maybe", second: "yes", third: "yes"},
    }
    for name, answers in said.items():
        found = service.find_invitation(db, tokens[name])
        assert found is not None
        invitee, same = found
        assert same.id == gathering.id
        service.answer(
            db,
            invitee=invitee,
            gathering=gathering,
            answers=answers,
            name=name,
            comment=f"{name} comments",
            now=BEFORE,
        )
    db.commit()
    table = matrix(db, gathering=gathering)
    counts = {c.option.id: (c.yes, c.maybe, c.no) for c in table.options}
    assert counts == {first: (2, 1, 1), second: (2, 1, 1), third: (3, 1, 0)}
    assert table.best_first[0].option.id == third
    assert [r.contact.first_name for r in table.waiting] == ["Elke"]
    # Bernd answers again: his answers are replaced, not added
    invitee, _ = service.find_invitation(db, tokens["Bernd"])  # type: ignore[misc]
    service.answer(
        db,
        invitee=invitee,
        gathering=gathering,
        answers={third: "no"},
        name="Bernd",
        comment=None,
        now=BEFORE,
    )
    service.revoke(db, gathering=gathering, contact_id=str(circle.people["Carla"].id))
    db.commit()
    counts = {c.option.id: (c.yes, c.maybe, c.no) for c in matrix(db, gathering=gathering).options}
    assert counts[third] == (1, 1, 1)  # Dirk yes, Anke maybe, Bernd no; Carla revoked

    service.fix(db, gathering=gathering, option_id=str(third), venue="Café Paris, Rathausstraße 4")
    db.commit()
    assert gathering.sequence == 0
    with app.test_request_context():
        data = invites.invite_file(db, owner=owner, gathering=gathering)
    calendar = read_ics(data)
    assert calendar.method.value == "REQUEST"
    event = calendar.vevent
    assert event.uid.value == gathering.uid
    assert event.dtstart.value == datetime(2027, 3, 18, 18, 0, tzinfo=UTC)
    assert event.location.value == "Café Paris, Rathausstraße 4"
    attendees = sorted(a.value.removeprefix("mailto:") for a in event.attendee_list)
    # Bernd said no, Carla was revoked, Dirk has no address; Elke did not answer
    assert attendees == ["anke@example.org", "elke@example.org"]
    assert "ORGANIZER" in data.decode() and "BEGIN:VTIMEZONE" in data.decode()

    # a later change of venue raises SEQUENCE; cancelling raises it again: CANCEL
    service.fix(db, gathering=gathering, option_id=str(third), venue="Café Paris, oben")
    assert gathering.sequence == 1
    service.cancel(db, gathering=gathering)
    db.commit()
    with app.test_request_context():
        with pytest.raises(service.GatheringError):
            invites.invite_file(db, owner=owner, gathering=gathering)
        cancelled = read_ics(invites.invite_file(db, owner=owner, gathering=gathering, cancel=True))
    assert cancelled.method.value == "CANCEL"
    assert int(cancelled.vevent.sequence.value) == 2
    assert cancelled.vevent.uid.value == gathering.uid


def test_tokens_are_long_stored_hashed_and_scoped_to_one_invitation(
    db: Session, owner: User, circle: Circle
) -> None:
    first, tokens = poll(db, owner, circle, ["Anke", "Bernd"])
    other, other_tokens = poll(db, owner, circle, ["Anke"], title="Zweiter Abend")
    token = tokens["Anke"]
    assert len(token) >= 43  # 32 random bytes, base64url: 256 bits
    stored = db.scalars(select(GatheringInvitee.token_hash)).all()
    assert token not in stored and service.token_hash(token) in stored
    # guessing: a well-formed token nobody was given, a truncated one, a hash
    assert service.find_invitation(db, token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert service.find_invitation(db, token[:20]) is None
    assert service.find_invitation(db, service.token_hash(token)) is None
    # one person, two get-togethers, two links: each opens its own one only
    mine, gathering = service.find_invitation(db, token)  # type: ignore[misc]
    _theirs, other_gathering = service.find_invitation(db, other_tokens["Anke"])  # type: ignore[misc]
    assert gathering.id == first.id and other_gathering.id == other.id
    option_of_other = matrix(db, gathering=other).options[0].option.id
    with pytest.raises(service.GatheringError):
        service.answer(
            db, invitee=mine, gathering=other, answers={}, name=None, comment=None, now=BEFORE
        )
    with pytest.raises(service.GatheringError):  # an option of another get-together
        service.answer(
            db,
            invitee=mine,
            gathering=first,
            answers={option_of_other: "yes"},
            name=None,
            comment=None,
            now=BEFORE,
        )
    with pytest.raises(service.GatheringError):  # not a value the form offers
        option = matrix(db, gathering=first).options[0].option.id
        service.answer(
            db,
            invitee=mine,
            gathering=first,
            answers={option: "perhaps"},
            name=None,
            comment=None,
            now=BEFORE,
        )
    # a new link ends the old one; a revoked link is gone (410), not unknown (404)
    new = service.renew_link(db, invitee=mine)
    assert service.find_invitation(db, token) is None
    assert service.find_invitation(db, new) is not None
    service.revoke(db, gathering=first, contact_id=str(circle.people["Anke"].id))
    with pytest.raises(service.LinkGone):
        service.find_invitation(db, new)
    # cancelling ends every link of that get-together, and only of that one
    service.cancel(db, gathering=first)
    with pytest.raises(service.LinkGone):
        service.find_invitation(db, tokens["Bernd"])
    assert service.find_invitation(db, other_tokens["Anke"]) is not None


def test_answers_close_at_the_deadline_and_once_fixed(
    db: Session, owner: User, circle: Circle
) -> None:
    gathering, tokens = poll(db, owner, circle, ["Anke"], deadline=date(2027, 2, 25))
    invitee, _ = service.find_invitation(db, tokens["Anke"])  # type: ignore[misc]
    option = matrix(db, gathering=gathering).options[0].option.id

    def say(now: datetime) -> None:
        service.answer(
            db,
            invitee=invitee,
            gathering=gathering,
            answers={option: "yes"},
            name="Anke",
            comment=None,
            now=now,
        )

    say(datetime(2027, 2, 25, 22, 59, tzinfo=UTC))  # 23:59 in Hamburg: still the 25th
    with pytest.raises(service.AnswersClosed):
        say(datetime(2027, 2, 25, 23, 0, tzinfo=UTC))
    later, tokens = poll(db, owner, circle, ["Bernd"], title="Ohne Frist")
    invitee, _ = service.find_invitation(db, tokens["Bernd"])  # type: ignore[misc]
    option = matrix(db, gathering=later).options[0].option.id
    service.fix(db, gathering=later, option_id=str(option))
    with pytest.raises(service.AnswersClosed):
        service.answer(
            db,
            invitee=invitee,
            gathering=later,
            answers={option: "yes"},
            name=None,
            comment=None,
            now=BEFORE,
        )


def test_who_came_is_met_that_day_and_the_next_one_copies_the_circle(
    db: Session, owner: User, circle: Circle
) -> None:
    gathering, _ = poll(db, owner, circle, ["Anke", "Bernd", "Carla"], venue="Café Paris")
    option = matrix(db, gathering=gathering).options[0].option
    service.revoke(db, gathering=gathering, contact_id=str(circle.people["Carla"].id))
    with pytest.raises(service.GatheringError):  # not fixed yet
        service.record_attendance(db, owner=owner, gathering=gathering, contact_ids=[], now=AFTER)
    service.fix(db, gathering=gathering, option_id=str(option.id))
    with pytest.raises(service.GatheringError):  # before the evening
        service.record_attendance(db, owner=owner, gathering=gathering, contact_ids=[], now=BEFORE)
    anke = circle.people["Anke"]
    result = service.record_attendance(
        db, owner=owner, gathering=gathering, contact_ids=[str(anke.id)], now=AFTER
    )
    db.commit()
    assert [c.id for c in result.came] == [anke.id]
    assert [i.contact_id for i in result.missed] == [circle.people["Bernd"].id]
    # a follow-up a week after the evening (the user's default), for who came only
    assert [(f.contact_id, f.kind) for f in result.followups] == [(anke.id, "after_gathering")]
    assert result.followups[0].due == date(2027, 3, 4) + timedelta(days=owner.followup_days)
    db.refresh(anke)
    assert anke.stage == Stage.MET.value and anke.last_met == date(2027, 3, 4)
    assert circle.people["Bernd"].stage == Stage.ONLINE.value

    nxt, invited = service.next_gathering(
        db,
        owner=owner,
        previous=gathering,
        options=[datetime(2027, 6, 3, 18, 30)],
        newcomers=[circle.people["Elke"]],
    )
    db.commit()
    assert nxt.previous_id == gathering.id
    assert (nxt.venue, nxt.message, nxt.title) == (
        gathering.venue,
        gathering.message,
        "Karriere-Stammtisch",
    )
    by_name = {i.contact.first_name: i.invitee for i in invited}
    assert set(by_name) == {"Anke", "Bernd", "Elke"}  # Carla's link was revoked
    assert by_name["Bernd"].missed_last and not by_name["Anke"].missed_last
    assert nxt.status == "polling" and nxt.chosen_option_id is None


def test_another_users_get_together_and_contacts_stay_theirs(
    db: Session, owner: User, circle: Circle, make_user: Any
) -> None:
    gathering, _ = poll(db, owner, circle, ["Anke"])
    stranger = db.get(User, make_user(email="stranger@example.org").id)
    with pytest.raises(NotFound):
        get_owned(db, Gathering, gathering.id, owner=stranger)
    theirs = service.create_gathering(db, owner=stranger, data=poll_input())  # type: ignore[arg-type]
    with pytest.raises(service.GatheringError):
        service.invite(
            db,
            owner=stranger,  # type: ignore[arg-type]
            gathering=theirs,
            contacts=[circle.people["Bernd"]],
        )
    assert (
        rank_region(
            db,
            owner=stranger,  # type: ignore[arg-type]
            lat=HAMBURG.lat or 0,
            lon=HAMBURG.lon or 0,
            radius_km=30,
            place="Hamburg",
            context=region_context(
                db,
                owner=stranger,
                locale="en",
                weights=Weights(),
                topics=[],  # type: ignore[arg-type]
            ),
            limit=10,
        )
        == []
    )


def test_a_fixed_get_together_is_in_the_private_feed_without_addresses(
    app: Flask, db: Session, owner: User, circle: Circle
) -> None:
    from planner.feeds import service as feeds

    gathering, _ = poll(db, owner, circle, ["Anke", "Bernd"])
    with app.test_request_context():
        polling = feeds.feed_version(db, owner=owner)
        assert b"Karriere-Stammtisch" not in feeds.feed_bytes(db, owner=owner, version=polling)
        option = matrix(db, gathering=gathering).options[1].option
        service.fix(db, gathering=gathering, option_id=str(option.id), venue="Café Paris")
        db.commit()
        fixed = feeds.feed_version(db, owner=owner)
        assert fixed.etag != polling.etag
        data = feeds.feed_bytes(db, owner=owner, version=fixed)
    event = next(e for e in read_ics(data).vevent_list if e.uid.value == gathering.uid)
    assert event.summary.value == "Karriere-Stammtisch"
    assert event.dtstart.value == datetime(2027, 3, 11, 17, 30, tzinfo=UTC)
    assert "Anke Albers" in event.description.value
    assert b"@example.org" not in data.replace(owner.email.encode(), b"")


def test_a_reminder_gives_new_links_to_those_who_have_not_answered(
    db: Session, owner: User, circle: Circle
) -> None:
    gathering, tokens = poll(db, owner, circle, ["Anke", "Bernd", "Carla"])
    found = service.find_invitation(db, tokens["Anke"])
    assert found is not None
    option = matrix(db, gathering=gathering).options[0].option.id
    service.answer(
        db,
        invitee=found[0],
        gathering=gathering,
        answers={option: "yes"},
        name=None,
        comment=None,
        now=BEFORE,
    )
    service.revoke(db, gathering=gathering, contact_id=str(circle.people["Carla"].id))
    made = service.remind(db, owner=owner, gathering=gathering)
    assert [m.contact.first_name for m in made] == ["Bernd"]
    assert service.find_invitation(db, tokens["Bernd"]) is None  # the old link ended
    assert service.find_invitation(db, made[0].token) is not None
    assert service.find_invitation(db, tokens["Anke"]) is not None  # who answered keeps theirs
