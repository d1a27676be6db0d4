"""A Hamburg circle for the get-together tests: six nearby people who share
"Karriereberatung", two nearby who share nothing, one in Berlin who shares it."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from planner.contacts.service import ContactInput, create_contact
from planner.gatherings import service
from planner.geo import Place
from planner.models import Contact, User

HAMBURG = Place("Hamburg", "DE", 53.5507, 9.993, "Hamburg", 2911298, "Europe/Berlin", 1739117)
TOPIC = "Karriereberatung"

# (first, last, lat, lon, topics, e-mail)
PEOPLE = [
    ("Anke", "Albers", 53.5511, 9.9937, [TOPIC], "anke@example.org"),
    ("Bernd", "Brandt", 53.5600, 10.0100, [TOPIC, "Podcast"], "bernd@example.org"),
    ("Carla", "Claussen", 53.5700, 9.9500, [TOPIC], "carla@example.org"),
    ("Dirk", "Dahl", 53.6000, 10.0500, [TOPIC], None),
    ("Elke", "Ehlers", 53.4800, 10.2200, [TOPIC], "elke@example.org"),
    ("Frauke", "Fock", 53.4500, 9.8000, [TOPIC], "frauke@example.org"),
    ("Gerd", "Gosch", 53.5510, 9.9930, ["Podcast"], "gerd@example.org"),
    ("Hanna", "Hinz", 53.5520, 9.9940, [], "hanna@example.org"),
    ("Ida", "Iwersen", 52.5244, 13.4105, [TOPIC], "ida@example.org"),  # Berlin
]
SHARING_NEARBY = {"Anke", "Bernd", "Carla", "Dirk", "Elke", "Frauke"}


@dataclass
class Circle:
    owner: User
    people: dict[str, Contact]


def build_circle(session: Session, owner: User) -> Circle:
    people = {}
    for first, last, lat, lon, topics, email in PEOPLE:
        people[first] = create_contact(
            session,
            owner=owner,
            data=ContactInput(
                first_name=first,
                last_name=last,
                lat=lat,
                lon=lon,
                city="Berlin" if first == "Ida" else "Hamburg",
                country="DE",
                topics=topics,
                emails=[email] if email else [],
            ),
        )
    session.flush()
    return Circle(owner, people)


def poll_input(**overrides: Any) -> service.GatheringInput:
    values: dict[str, Any] = {
        "title": "Karriere-Stammtisch",
        "place": HAMBURG,
        "options": [
            datetime(2027, 3, 4, 18, 30),
            datetime(2027, 3, 11, 18, 30),
            datetime(2027, 3, 18, 19, 0),
        ],
        "timezone": "Europe/Berlin",
        "topics": [TOPIC],
        "deadline": None,
        "message": "Ich kenn Dich aus dem Internet!",
    }
    values.update(overrides)
    return service.GatheringInput(**values)
