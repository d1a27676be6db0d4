"""Travel calendars by address: TripIt's, an airline's or a booking site's feed, read again
in the background like the user's own calendars; every new journey in it is proposed as a
trip, and the user confirms (issue 20).

Decisions:

* The legs come from the same reading as an uploaded travel calendar
  (``travel_calendar.legs_from_calendar``): events away from home become legs. Legs closer
  than ``JOIN_GAP`` (36 hours) from one departure to the next arrival are one journey: one
  proposal, one trip with several legs.
* A journey is named by its cities and days (``key``): reading the feed again proposes
  nothing the user already accepted or dismissed, and a journey whose dates moved is a new
  proposal (the old one stays until dismissed). Journeys that are over are not proposed.
* A broken feed keeps its proposals and shows its error in the reader's language.
"""

import hashlib
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlmodel import Session, col

from planner.calendar.fetch import FetchError, fetch_calendar, normalise_calendar_url
from planner.geo import Place
from planner.i18n import to_stored
from planner.models import Trip, User
from planner.models.travel import ProposalStatus, TravelFeed, TravelFeedStatus, TripProposal
from planner.models.types import utcnow
from planner.trips.travel_calendar import ProposedLeg, TravelCalendarError, legs_from_calendar

MAX_FEEDS = 5
JOIN_GAP = timedelta(hours=36)


class TravelFeedError(ValueError):
    """What the user gave cannot be used; the message says why (a lazy translation)."""


def add_feed(session: Session, *, owner: User, name: str, url: str) -> TravelFeed:
    """A travel calendar address; the caller queues its first reading."""
    count = len(list_feeds(session, owner=owner))
    if count >= MAX_FEEDS:
        raise TravelFeedError(_l("At most %(n)d travel calendars.", n=MAX_FEEDS))
    try:
        clean = normalise_calendar_url(url)
    except FetchError as error:
        raise TravelFeedError(*error.args) from None
    feed = TravelFeed(owner_id=owner.id, name=name.strip()[:200], url=clean)
    session.add(feed)
    session.flush()
    return feed


def list_feeds(session: Session, *, owner: User) -> list[TravelFeed]:
    return list(
        session.scalars(
            select(TravelFeed)
            .where(col(TravelFeed.owner_id) == owner.id)
            .order_by(col(TravelFeed.created_at))
        )
    )


def journeys(legs: Sequence[ProposedLeg]) -> list[list[ProposedLeg]]:
    """Legs (by arrival) grouped: the next arrival within ``JOIN_GAP`` of a departure."""
    grouped: list[list[ProposedLeg]] = []
    for leg in sorted(legs, key=lambda leg: leg.arrives_at):
        if grouped and leg.arrives_at - grouped[-1][-1].departs_at <= JOIN_GAP:
            grouped[-1].append(leg)
        else:
            grouped.append([leg])
    return grouped


def _leg_json(leg: ProposedLeg) -> dict[str, Any]:
    return {
        "place_text": leg.place_text,
        "city": leg.place.city,
        "country": leg.place.country,
        "lat": leg.place.lat,
        "lon": leg.place.lon,
        "timezone": leg.timezone,
        "arrives_at": leg.arrives_at.isoformat(),
        "departs_at": leg.departs_at.isoformat(),
        "summaries": list(leg.summaries),
    }


def journey_key(legs: Sequence[ProposedLeg]) -> str:
    """The journey by its cities and local days (not by the feed's UIDs or titles)."""
    parts = []
    for leg in legs:
        zone = ZoneInfo(leg.timezone)
        parts.append(
            f"{leg.place.city or leg.place_text}|{leg.arrives_at.astimezone(zone).date()}"
            f"|{leg.departs_at.astimezone(zone).date()}"
        )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:64]


def propose(
    session: Session,
    *,
    feed: TravelFeed,
    legs: Sequence[ProposedLeg],
    now: datetime,
) -> int:
    """Store a proposal for every journey still ahead that this feed has not proposed."""
    known = set(
        session.scalars(select(col(TripProposal.key)).where(col(TripProposal.feed_id) == feed.id))
    )
    made = 0
    for journey in journeys(legs):
        if journey[-1].departs_at <= now:
            continue
        key = journey_key(journey)
        if key in known:
            continue
        session.add(
            TripProposal(
                owner_id=feed.owner_id,
                feed_id=feed.id,
                key=key,
                legs=[_leg_json(leg) for leg in journey],
            )
        )
        known.add(key)
        made += 1
    session.flush()
    return made


def refresh_feed(
    session: Session,
    *,
    feed: TravelFeed,
    place_of: Callable[[str], Place | None],
    max_bytes: int,
    allow_private: bool = False,
    user_agent: str = "Treffpunkt/0.1",
    now: datetime | None = None,
) -> int:
    """Read the address again (conditional GET) and propose the new journeys; a problem is
    recorded on the feed, never raised. Returns how many journeys were proposed."""
    owner = session.get(User, feed.owner_id)
    if owner is None:
        return 0
    now = now or utcnow()
    feed.fetched_at = now
    try:
        fetched = fetch_calendar(
            feed.url,
            etag=feed.etag,
            last_modified=feed.last_modified,
            max_bytes=max_bytes,
            allow_private=allow_private,
            user_agent=user_agent,
        )
        made = 0
        if fetched.data is not None:
            from planner.trips.service import home_place

            home = home_place(owner)
            legs, _notices = legs_from_calendar(
                fetched.data,
                place_of=place_of,
                home=home[:2] if home else None,
                max_bytes=max_bytes,
            )
            made = propose(session, feed=feed, legs=legs, now=now)
            feed.etag, feed.last_modified = fetched.etag, fetched.last_modified
    except (FetchError, TravelCalendarError) as error:
        feed.status = TravelFeedStatus.ERROR.value
        feed.error_text = to_stored(error)
        session.add(feed)
        session.flush()
        return 0
    feed.status = TravelFeedStatus.DONE.value
    feed.error_text = None
    session.add(feed)
    session.flush()
    return made


def due_feeds(session: Session, *, now: datetime, every: timedelta) -> list[uuid.UUID]:
    query = select(col(TravelFeed.id)).where(
        (col(TravelFeed.fetched_at).is_(None)) | (col(TravelFeed.fetched_at) < now - every)
    )
    return list(session.scalars(query))


def open_proposals(session: Session, *, owner: User) -> list[TripProposal]:
    """Journeys waiting for a yes, the soonest first."""
    rows = session.scalars(
        select(TripProposal).where(
            col(TripProposal.owner_id) == owner.id,
            col(TripProposal.status) == ProposalStatus.PROPOSED.value,
        )
    ).all()
    return sorted(rows, key=lambda p: p.legs[0]["arrives_at"] if p.legs else "")


def legs_of(proposal: TripProposal) -> list[dict[str, Any]]:
    """The proposal's legs with their times as aware datetimes (for the page)."""
    return [
        leg
        | {
            "arrives": datetime.fromisoformat(leg["arrives_at"]),
            "departs": datetime.fromisoformat(leg["departs_at"]),
        }
        for leg in proposal.legs
    ]


def accept(session: Session, *, owner: User, proposal: TripProposal, gettext: Any) -> Trip:
    """Make the journey a trip (the user said yes)."""
    from planner.trips import service

    if proposal.status != ProposalStatus.PROPOSED.value:
        raise TravelFeedError(_l("This journey was decided already."))
    legs = []
    for leg in proposal.legs:
        place = service.leg_place(leg["city"] or leg["place_text"])
        if place is None:
            raise TravelFeedError(
                _l("'%(text)s' is not a city we know.", text=leg["city"] or leg["place_text"])
            )
        zone = ZoneInfo(leg["timezone"])
        arrives = datetime.fromisoformat(leg["arrives_at"]).astimezone(zone).replace(tzinfo=None)
        departs = datetime.fromisoformat(leg["departs_at"]).astimezone(zone).replace(tzinfo=None)
        legs.append(service.LegInput(leg["city"] or leg["place_text"], place, arrives, departs))
    trip = service.create_trip(session, owner=owner, title=None, legs=legs, gettext=gettext)
    proposal.status = ProposalStatus.ACCEPTED.value
    proposal.trip_id = trip.id
    session.add(proposal)
    session.flush()
    return trip


def dismiss(session: Session, *, proposal: TripProposal) -> None:
    proposal.status = ProposalStatus.DISMISSED.value
    session.add(proposal)
    session.flush()
