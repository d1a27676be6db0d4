"""Trips and matching on a realistic network: ranked, explained, private, decided."""

from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask_babel import gettext
from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from planner.geo import Place
from planner.matching import Weights, explain
from planner.models import Contact, ContactInterest, Decision, Meeting, Stage, User
from planner.models.types import utcnow
from planner.trips import cache as trips_cache
from planner.trips import service, suggest
from planner.trips.interests import refresh_interests, set_user_topics
from planner.trips.place_time import local_times
from planner.trips.wording import wording
from tests.trips_fixtures import Network, build_network, other_user_contact_in_munich

MUNICH = Place("München", "DE", 48.1374, 11.5755, "Bavaria", 2867714, "Europe/Berlin", 1260391)
BERLIN = Place("Berlin", "DE", 52.5244, 13.4105, "Berlin", 2950159, "Europe/Berlin", 3426354)
VIENNA = Place("Wien", "AT", 48.2085, 16.3721, "Vienna", 2761369, "Europe/Vienna", 1691468)


def leg(place: Place, start: str, end: str, radius_km: float = 30) -> service.LegInput:
    return service.LegInput(
        place.city or "",
        place,
        datetime.fromisoformat(start),
        datetime.fromisoformat(end),
        radius_km,
    )


@pytest.fixture
def owner(db: Session, make_user: Any) -> User:
    user = make_user()
    return db.get(User, user.id)  # type: ignore[return-value]


@pytest.fixture
def network(db: Session, owner: User) -> Network:
    set_user_topics(db, owner=owner, names=["Employer Branding", "Barcamps", "Open Data"])
    built = build_network(db, owner)
    refresh_interests(db, owner=owner, locale="en")  # what the import follow-ups do
    db.commit()
    return built


def context(db: Session, owner: User) -> suggest.MatchContext:
    return suggest.match_context(db, owner=owner, locale="en", weights=Weights())


def munich_trip(db: Session, owner: User) -> Any:
    trip = service.create_trip(
        db,
        owner=owner,
        title=None,
        legs=[leg(MUNICH, "2026-12-03T09:00", "2026-12-05T18:00")],
        gettext=gettext,
    )
    db.commit()
    return trip


def test_a_leg_keeps_the_places_zone_and_utc_instants(db: Session, owner: User) -> None:
    trip = service.create_trip(
        db,
        owner=owner,
        title=None,
        legs=[leg(VIENNA, "2026-03-28T10:00", "2026-03-30T10:00")],
        gettext=gettext,
    )
    stored = trip.legs[0]
    assert stored.timezone == "Europe/Vienna" and trip.title == "Wien"
    # the clocks change in between: +01:00 on arrival, +02:00 on departure
    assert stored.arrives_at.isoformat() == "2026-03-28T09:00:00+00:00"
    assert stored.departs_at.isoformat() == "2026-03-30T08:00:00+00:00"
    arrives, departs = local_times(stored)
    assert (arrives.hour, departs.hour) == (10, 10)


def test_a_departure_before_the_arrival_is_refused(db: Session, owner: User) -> None:
    with pytest.raises(service.TripError, match="after the arrival"):
        service.create_trip(
            db,
            owner=owner,
            title="x",
            legs=[leg(MUNICH, "2026-12-05T09:00", "2026-12-03T18:00")],
            gettext=gettext,
        )


def test_overlapping_legs_are_refused(db: Session, owner: User) -> None:
    trip = munich_trip(db, owner)
    with pytest.raises(service.TripError, match="overlaps the leg in München"):
        service.add_leg(
            db,
            trip=trip,
            owner=owner,
            data=leg(BERLIN, "2026-12-05T12:00", "2026-12-07T12:00"),
            gettext=gettext,
        )
    service.add_leg(
        db,
        trip=trip,
        owner=owner,
        data=leg(BERLIN, "2026-12-05T19:00", "2026-12-07T12:00"),
        gettext=gettext,
    )
    assert [x.city for x in trip.legs] == ["München", "Berlin"]


def test_suggestions_are_ranked_and_explained(
    app: Flask, db: Session, owner: User, network: Network
) -> None:
    trip = munich_trip(db, owner)
    ctx = context(db, owner)
    [plan] = suggest.plan_trip(db, owner=owner, trip=trip, context=ctx, limit=20)
    assert plan.suggestions[0].contact_id == network.planted["mara"].id
    with app.test_request_context():
        reasons = explain(plan.suggestions[0], wording(ctx.vocabulary, ctx.user_labels))
    assert reasons[0].startswith("shares ")
    assert "open data" in reasons[0].lower() and "barcamps" in reasons[0].lower()
    assert "connected since 2019, never met" in reasons
    assert "you follow each other on X" in reasons
    assert any(r.endswith("km from München") or r.startswith("in München") for r in reasons)
    ids = [s.contact_id for s in plan.suggestions]
    assert network.planted["otto"].id not in ids  # 55 km: outside the leg's 30 km
    assert all(s.distance_km <= 30 for s in plan.suggestions)
    scores = [s.score for s in plan.suggestions]
    assert scores == sorted(scores, reverse=True)


def test_met_regularly_ranks_below_never_met_nearby(
    db: Session, owner: User, network: Network
) -> None:
    trip = munich_trip(db, owner)
    [plan] = suggest.plan_trip(db, owner=owner, trip=trip, context=context(db, owner), limit=500)
    rank = {s.contact_id: i for i, s in enumerate(plan.suggestions)}
    assert rank[network.planted["max"].id] > len(rank) // 2


def test_other_users_contacts_are_never_suggested(
    app: Flask, db: Session, owner: User, network: Network, make_user: Any
) -> None:
    other = db.get(User, make_user().id)
    stranger = other_user_contact_in_munich(db, other)  # type: ignore[arg-type]
    db.commit()
    trip = munich_trip(db, owner)
    [plan] = suggest.plan_trip(db, owner=owner, trip=trip, context=context(db, owner), limit=500)
    assert stranger.id not in {s.contact_id for s in plan.suggestions}
    assert len(plan.suggestions) > 20


def test_stale_topics_are_derived_on_the_spot_and_stored_by_refresh(
    db: Session, owner: User, network: Network
) -> None:
    def topics_near_munich() -> dict[Any, frozenset[str]]:
        found = suggest.candidates_near(
            db,
            owner=owner,
            lat=MUNICH.lat,
            lon=MUNICH.lon,
            radius_km=30,  # type: ignore[arg-type]
            context=context(db, owner),
            exclude=set(),
        )
        return {c.contact_id: c.topics for c in found}

    stored = topics_near_munich()
    assert stored[network.planted["mara"].id] == {"barcamps", "open-data", "employer-branding"}
    # an edit (or an import) makes interests stale: they are derived on the spot
    db.execute(update(Contact).where(Contact.owner_id == owner.id).values(updated_at=utcnow()))
    db.execute(delete(ContactInterest))
    db.commit()
    assert topics_near_munich() == stored
    assert refresh_interests(db, owner=owner, locale="en") == network.contacts
    assert refresh_interests(db, owner=owner, locale="en") == 0  # nothing stale any more
    db.commit()
    assert topics_near_munich() == stored


def test_dismissed_is_gone_everywhere_not_now_only_on_this_trip(
    db: Session, owner: User, network: Network
) -> None:
    mara, bea = network.planted["mara"], network.planted["bea"]
    trip = munich_trip(db, owner)
    other_trip = munich_trip(db, owner)
    service.decide(db, owner=owner, contact=mara, trip=trip, decision=Decision.LATER)
    db.commit()

    def suggested(t: Any) -> set[Any]:
        plans = suggest.plan_trip(db, owner=owner, trip=t, context=context(db, owner), limit=500)
        return {s.contact_id for p in plans for s in p.suggestions}

    assert mara.id not in suggested(trip)
    assert mara.id in suggested(other_trip)
    service.decide(db, owner=owner, contact=mara, trip=trip, decision=Decision.DISMISSED)
    db.commit()
    assert mara.id not in suggested(other_trip)
    assert service.dismissed_contacts(db, owner=owner) == [(mara.id, mara.display_name)]
    service.undo_decision(db, owner=owner, contact=mara, trip=None)
    db.commit()
    assert mara.id in suggested(other_trip)
    assert bea.id not in suggested(trip)  # Berlin is not on this trip


def test_accepting_proposes_a_meeting_and_moves_the_stage(
    db: Session, owner: User, network: Network
) -> None:
    mara = network.planted["mara"]
    trip = munich_trip(db, owner)
    meeting = service.accept(db, owner=owner, contact=mara, leg=trip.legs[0])
    db.commit()
    assert meeting.status == "proposed" and meeting.uid.endswith("@treffpunkt")
    assert db.get(Contact, mara.id).stage == Stage.CONTACTED.value  # type: ignore[union-attr]
    [plan] = suggest.plan_trip(db, owner=owner, trip=trip, context=context(db, owner), limit=500)
    assert mara.id not in {s.contact_id for s in plan.suggestions}
    assert [(m.id, people) for m, people in plan.meetings] == [
        (meeting.id, [(mara.id, mara.display_name)])
    ]
    service.withdraw(db, meeting=meeting)
    db.commit()
    assert db.exec(select(Meeting)).all() == []


def test_a_multi_leg_trip_lists_each_contact_once_at_its_best_leg(
    db: Session, owner: User, network: Network
) -> None:
    trip = munich_trip(db, owner)
    service.add_leg(
        db,
        trip=trip,
        owner=owner,
        data=leg(BERLIN, "2026-12-06T09:00", "2026-12-08T18:00"),
        gettext=gettext,
    )
    db.commit()
    pairs = suggest.suggest_trip(db, owner=owner, trip=trip, context=context(db, owner), limit=500)
    ids = [s.contact_id for _, s in pairs]
    assert len(ids) == len(set(ids))
    cities = {s.contact_id: leg.city for leg, s in pairs}
    assert cities[network.planted["mara"].id] == "München"
    assert cities[network.planted["bea"].id] == "Berlin"


def test_who_is_in_town_ranks_around_the_home_city(
    db: Session, owner: User, network: Network
) -> None:
    assert suggest.who_is_around(db, owner=owner, context=context(db, owner), limit=5) is None
    owner.home_city, owner.home_lat, owner.home_lon = "Berlin, DE", 52.5244, 13.4105
    db.add(owner)
    db.commit()
    around = suggest.who_is_around(db, owner=owner, context=context(db, owner), limit=5)
    assert around and around[0].contact_id == network.planted["bea"].id


def test_a_cached_plan_follows_every_change(db: Session, owner: User, network: Network) -> None:
    from planner.contacts.service import delete_contact

    trip = munich_trip(db, owner)

    def first() -> Any:
        [plan] = suggest.plan_trip(db, owner=owner, trip=trip, context=context(db, owner), limit=5)
        return plan.suggestions[0]

    mara = db.get(Contact, network.planted["mara"].id)
    assert first().display_name == "Mara Barcamp"
    assert first().display_name == "Mara Barcamp"  # from the cache
    mara.display_name = "Mara Renamed"  # type: ignore[union-attr]
    mara.updated_at = utcnow()  # type: ignore[union-attr]
    db.commit()
    assert first().display_name == "Mara Renamed"
    service.decide(db, owner=owner, contact=mara, trip=trip, decision=Decision.LATER)  # type: ignore[arg-type]
    db.commit()
    assert first().contact_id != mara.id  # type: ignore[union-attr]
    service.undo_decision(db, owner=owner, contact=mara, trip=trip)  # type: ignore[arg-type]
    db.commit()
    assert first().contact_id == mara.id  # type: ignore[union-attr]
    delete_contact(db, contact=mara)  # type: ignore[arg-type]
    db.commit()
    assert first().contact_id != network.planted["mara"].id


def test_a_cached_plan_follows_changes_no_updated_at_shows(
    db: Session, owner: User, network: Network
) -> None:
    """A merge reverted (both contacts back with their old dates), contacts deleted in bulk
    (import undo, merges) and interests refreshed behind the contacts' back all change the
    plan key and the cached topic rarity (``User.contacts_changed_at``)."""
    from planner.duplicates import service as duplicates
    from planner.imports.service import delete_contacts
    from planner.models import ContactTopic, MergeSuggestion

    trip = munich_trip(db, owner)

    def names() -> list[str]:
        [plan] = suggest.plan_trip(db, owner=owner, trip=trip, context=context(db, owner), limit=5)
        return [s.display_name for s in plan.suggestions]

    mara, max_ = network.planted["mara"], network.planted["max"]
    before = names()
    assert before[0] == "Mara Barcamp"
    second = db.exec(select(Contact).where(Contact.display_name == before[1])).one()
    a, b = sorted([mara.id, second.id])
    suggestion = MergeSuggestion(owner_id=owner.id, contact_a=a, contact_b=b, score=1.0)
    db.add(suggestion)
    db.commit()
    duplicates.accept(db, owner=owner, suggestion=suggestion)
    db.commit()
    assert len(set(names()) & set(before[:2])) == 1  # one of the two is gone
    duplicates.revert(db, owner=owner, suggestion=suggestion)
    db.commit()
    assert names() == before  # both back, with the dates they had

    delete_contacts(db, [mara.id])
    db.commit()
    assert "Mara Barcamp" not in names()

    # A topic stored behind the contact's back (no updated_at), then its interests refreshed:
    # the rarity of "Open Data" among the user's contacts changes, and with it the cache key.
    def rarity() -> dict[str, float]:
        return suggest._rarity(db, owner=owner, context=context(db, owner))

    rare_before = rarity()
    others = db.exec(
        select(Contact.id).where(Contact.owner_id == owner.id, Contact.id != max_.id).limit(40)
    ).all()
    db.add_all(
        ContactTopic(contact_id=cid, owner_id=owner.id, name="Open Data", key="open data")
        for cid in others
    )
    db.commit()
    refresh_interests(db, owner=owner, locale="en", contact_ids=list(others))
    db.commit()
    rare_after = rarity()  # from the per-process cache, if its key had not changed
    trips_cache.RARITY.clear()
    assert rare_after == rarity() != rare_before


def test_completing_only_the_best_ranks_exactly_like_scoring_everyone(
    db: Session, owner: User, network: Network
) -> None:
    from planner.matching import rank

    ctx = context(db, owner)
    for place, limit in ((MUNICH, 1), (MUNICH, 7), (BERLIN, 3), (BERLIN, 25)):
        args = {"lat": place.lat, "lon": place.lon, "radius_km": 30.0}
        quick = suggest.suggest_near(
            db,
            owner=owner,
            place="x",
            context=ctx,
            exclude=set(),
            limit=limit,
            **args,  # type: ignore[arg-type]
        )
        everyone = suggest.candidates_near(db, owner=owner, context=ctx, exclude=set(), **args)  # type: ignore[arg-type]
        full = rank(
            everyone,
            place="x",
            radius_km=30.0,
            user_topics=ctx.user_topics,
            rarity=ctx.rarity or {},
            today=ctx.today,
            weights=ctx.weights,
            limit=limit,
        )
        assert [(s.contact_id, s.score) for s in quick] == [(s.contact_id, s.score) for s in full]


def _derived(db: Session, owner: User) -> dict[Any, tuple[bool, Any, int]]:
    """What each contact's derived ranking columns should be, from its child rows."""
    from planner.models import ContactAccount, ContactSource
    from planner.trips.interests import interest_bits

    db.expire_all()
    expected = {}
    for contact in db.exec(select(Contact).where(Contact.owner_id == owner.id)).all():
        mutual = any(
            a.mutual
            for a in db.exec(select(ContactAccount).where(ContactAccount.contact_id == contact.id))
        )
        dates = [
            s.connected_on
            for s in db.exec(select(ContactSource).where(ContactSource.contact_id == contact.id))
            if s.connected_on is not None
        ]
        keys = db.exec(
            select(ContactInterest.key).where(ContactInterest.contact_id == contact.id)
        ).all()
        expected[contact.id] = (mutual, min(dates, default=None), interest_bits(keys))
    return expected


def _stored(db: Session, owner: User) -> dict[Any, tuple[bool, Any, int]]:
    db.expire_all()
    contacts = db.exec(select(Contact).where(Contact.owner_id == owner.id)).all()
    return {c.id: (c.mutual, c.first_connected, c.interest_bits) for c in contacts}


def test_derived_ties_are_stored_by_refresh_and_stale_after_an_edit(
    db: Session, owner: User, network: Network
) -> None:
    from planner.contacts.service import contact_to_input, update_contact

    assert _stored(db, owner) == _derived(db, owner)
    mara = db.get(Contact, network.planted["mara"].id)
    assert mara is not None and mara.mutual and mara.interest_bits
    assert mara.first_connected is not None and mara.first_connected.isoformat() == "2019-05-03"
    # no longer following each other: the edit makes the contact stale, refresh stores it
    data = contact_to_input(mara)
    data.mutual_networks = []
    update_contact(db, contact=mara, data=data)
    db.commit()
    assert refresh_interests(db, owner=owner, locale="en") == 1
    db.commit()
    assert _stored(db, owner) == _derived(db, owner)
    assert _stored(db, owner)[mara.id][0] is False


def _same_ranking(db: Session, owner: User, weights: Weights, exclude: set[Any]) -> None:
    from planner.matching import rank

    ctx = suggest.match_context(db, owner=owner, locale="en", weights=weights)
    for place in (MUNICH, BERLIN):
        for radius in (8.0, 30.0, 120.0):
            for limit in (1, 3, 7, 20):
                for floor in (None, 0.0, 1000.0):
                    trips_cache.FLOORS.clear()
                    key = trips_cache.floor_key(
                        owner.id,
                        lat=place.lat,
                        lon=place.lon,
                        radius_km=radius,
                        limit=limit,
                        weights=weights,
                    )
                    if floor is not None:
                        trips_cache.FLOORS.put(key, floor)  # a remembered floor far too low or high
                    args: dict[str, Any] = {"lat": place.lat, "lon": place.lon}
                    quick = suggest.suggest_near(
                        db,
                        owner=owner,
                        place="x",
                        radius_km=radius,
                        context=ctx,
                        exclude=exclude,
                        limit=limit,
                        **args,
                    )
                    everyone = suggest.candidates_near(
                        db, owner=owner, context=ctx, exclude=exclude, radius_km=radius, **args
                    )
                    full = rank(
                        everyone,
                        place="x",
                        radius_km=radius,
                        user_topics=ctx.user_topics,
                        rarity=ctx.rarity or {},
                        today=ctx.today,
                        weights=ctx.weights,
                        limit=limit,
                    )
                    assert quick == full, (place.city, radius, limit, floor)


def test_the_bounded_ranking_equals_scoring_everyone_whatever_is_stale(
    db: Session, owner: User, network: Network
) -> None:
    from datetime import date, timedelta

    from planner.contacts.service import ContactInput, create_contact
    from planner.models import ContactAccount, ContactSource

    today = utcnow().date()
    # Known online near Munich, no connection date: stored as unknown ...
    newcomer = create_contact(
        db,
        owner=owner,
        data=ContactInput(first_name="Nora", last_name="New", lat=48.15, lon=11.56, stage="online"),
    )
    refresh_interests(db, owner=owner, locale="en")
    # ... then an import adds a source of yesterday without changing the contact itself
    db.add(
        ContactSource(
            contact_id=newcomer.id,
            owner_id=owner.id,
            format="linkedin",
            connected_on=today - timedelta(days=1),
        )
    )
    # a follow turned mutual behind the ranking's back, the contact marked changed (stale)
    some = db.exec(select(ContactAccount).where(ContactAccount.owner_id == owner.id).limit(3)).all()
    for account in some:
        account.mutual = True
        db.execute(
            update(Contact).where(col(Contact.id) == account.contact_id).values(updated_at=utcnow())
        )
    # a few very recent connections near the top of the list
    recent = db.exec(
        select(ContactSource)
        .where(ContactSource.owner_id == owner.id, ContactSource.connected_on.is_not(None))  # type: ignore[union-attr]
        .limit(15)
    ).all()
    for i, source in enumerate(recent):
        source.connected_on = date(2026, 11, 1) - timedelta(days=i)
        db.execute(
            update(Contact).where(col(Contact.id) == source.contact_id).values(updated_at=utcnow())
        )
    db.commit()
    refresh_interests(db, owner=owner, locale="en")
    db.commit()
    mara = network.planted["mara"].id
    for weights in (
        Weights(),
        Weights(mutual=40.0, distance=5.0),
        Weights(recent_connection=60.0, never_met=0.0, topics=0.0),
        Weights(overdue=80.0, regular=50.0),
    ):
        _same_ranking(db, owner, weights, exclude=set())
        _same_ranking(db, owner, weights, exclude={mara, newcomer.id})
    # and with every contact stale, as right after an import
    db.execute(update(Contact).where(col(Contact.owner_id) == owner.id).values(updated_at=utcnow()))
    db.commit()
    _same_ranking(db, owner, Weights(), exclude=set())
