"""A realistic network for the trips tests: a few hundred contacts across the DACH region
with titles, topics, stages and connection dates, plus planted people whose rank the tests
know in advance."""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from planner.contacts.service import ContactInput, create_contact
from planner.importers.records import Account
from planner.models import Contact, User

# (city, lat, lon, share of the network)
CITIES = [
    ("Hamburg", 53.5507, 9.993, 18),
    ("Berlin", 52.5244, 13.4105, 20),
    ("München", 48.1374, 11.5755, 12),
    ("Köln", 50.9333, 6.95, 10),
    ("Frankfurt am Main", 50.1155, 8.6842, 8),
    ("Stuttgart", 48.7823, 9.177, 6),
    ("Leipzig", 51.3396, 12.3713, 5),
    ("Wien", 48.2085, 16.3721, 8),
    ("Zürich", 47.3667, 8.55, 6),
    ("Freising", 48.4029, 11.7488, 2),
    ("Augsburg", 48.3705, 10.8978, 3),
    ("Dachau", 48.2603, 11.4342, 2),
]
TITLES = [
    "Social-Media-Managerin",
    "Social Media Manager",
    "Karriereberaterin",
    "HR Business Partner",
    "Personalentwicklerin",
    "Recruiterin",
    "Software Engineer",
    "Geschäftsführer",
    "Content Marketing Manager",
    "Unternehmensberater",
    "Projektmanagerin",
    "Journalistin",
]
TOPICS = ["Marketing", "Barcamp", "New Work", "Recruiting", "Podcast", "Nachhaltigkeit", "KI"]
FIRST = ["Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hannes", "Ida", "Jonas"]
LAST = ["Maier", "Schulz", "Huber", "Keller", "Wagner", "Brandt", "Vogel", "Lorenz", "Roth"]


@dataclass
class Network:
    contacts: int
    planted: dict[str, Contact]


def _add(session: Session, owner: User, **fields: Any) -> Contact:
    mutual = fields.pop("mutual", ())
    connected_on = fields.pop("connected_on", None)
    contact = create_contact(session, owner=owner, data=ContactInput(**fields))
    if connected_on is not None:
        contact.sources[0].connected_on = connected_on
    for account in contact.accounts:
        if account.network in mutual:
            account.mutual = True
    session.flush()
    return contact


def build_network(session: Session, owner: User, *, size: int = 300, seed: int = 7) -> Network:
    """``size`` background contacts plus the planted ones; caller commits."""
    rng = random.Random(seed)
    weights = [c[3] for c in CITIES]
    for i in range(size):
        city, lat, lon, _ = rng.choices(CITIES, weights)[0]
        _add(
            session,
            owner,
            first_name=rng.choice(FIRST),
            last_name=f"{rng.choice(LAST)}-{i}",
            title=rng.choice(TITLES),
            organization=rng.choice([None, "Stadtwerke", "Agentur Nord", "Beratung GmbH"]),
            city=city,
            lat=lat + rng.uniform(-0.08, 0.08),
            lon=lon + rng.uniform(-0.1, 0.1),
            topics=rng.sample(TOPICS, rng.randint(0, 2)),
            stage=rng.choice(["online", "online", "online", "met", "regular"]),
            last_met=date(2026, 1, 1) - timedelta(days=rng.randint(0, 900)),
            connected_on=date(2015, 1, 1) + timedelta(days=rng.randint(0, 4000)),
        )
    planted = {
        # Everything speaks for her: near, rare shared topics, never met, mutual follow.
        "mara": _add(
            session,
            owner,
            first_name="Mara",
            last_name="Barcamp",
            title="Employer Branding & Personalentwicklung",
            city="München",
            lat=48.14,
            lon=11.58,
            topics=["Barcamp München", "Open Data"],
            accounts=[Account("x", "1234567890123456789", "mara_bc", None)],
            mutual=("x",),
            stage="online",
            connected_on=date(2019, 5, 3),
        ),
        # Next door, but met last month and meets regularly: little to gain.
        "max": _add(
            session,
            owner,
            first_name="Max",
            last_name="Regular",
            title="Software Engineer",
            city="München",
            lat=48.1375,
            lon=11.5756,
            stage="regular",
            last_met=date(2026, 10, 20),
        ),
        # 55 km away in Augsburg: outside a 30 km leg.
        "otto": _add(
            session,
            owner,
            first_name="Otto",
            last_name="Outside",
            title="Employer Branding",
            city="Augsburg",
            lat=48.3705,
            lon=10.8978,
            stage="online",
        ),
        # Known online, no topics, in Berlin: the Berlin leg's natural first choice.
        "bea": _add(
            session,
            owner,
            first_name="Bea",
            last_name="Berlin",
            title="Personalentwicklerin",
            city="Berlin",
            lat=52.52,
            lon=13.40,
            topics=["Open Data"],
            stage="online",
            connected_on=date(2021, 2, 1),
        ),
    }
    session.flush()
    return Network(size + len(planted), planted)


def other_user_contact_in_munich(session: Session, other: User) -> Contact:
    contact = _add(
        session,
        other,
        first_name="Fremde",
        last_name="Person",
        title="Employer Branding",
        city="München",
        lat=48.1372,
        lon=11.5754,
        topics=["Barcamp"],
    )
    return contact
