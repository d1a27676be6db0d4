"""Settings: the user's preferences (language, home city, own topics). Services flush;
callers commit."""

from dataclasses import dataclass

from sqlmodel import Session

from planner.contacts.fields import split_topics
from planner.models import User
from planner.places.service import set_home
from planner.trips import interests


@dataclass(frozen=True)
class Preferences:
    """The preferences as the settings form shows them."""

    locale: str  # "" for the browser's language
    home_city: str
    topics: str  # the user's topics, comma-separated


def preferences_of(session: Session, *, user: User) -> Preferences:
    return Preferences(
        locale=user.locale or "",
        home_city=user.home_city or "",
        topics=", ".join(interests.user_topics(session, owner=user)),
    )


def save_preferences(
    session: Session, *, user: User, locale: str | None, home_city: str, topics: str
) -> bool:
    """Keep the user's language (None or "": the browser's), home city (placed by the
    gazetteer) and topics; False, changing nothing, when the home city is no city we know."""
    if not set_home(user, home_city):
        return False
    user.locale = locale or None
    interests.set_user_topics(session, owner=user, names=split_topics(topics))
    session.add(user)
    session.flush()
    return True
