"""`planner trips create` and `planner trips suggest` (see ../shared/CLI.md)."""

from datetime import date, datetime, time, timedelta
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale, gettext

from planner import db
from planner.cli_options import emit, fail, find_user_or_fail, json_option
from planner.db import get_owned
from planner.matching import Weights, explain

trips_group = AppGroup("trips", help="Trips and whom to meet on them.")


def _moment(text: str, *, end: bool) -> datetime:
    """A naive local time from '2025-09-25' or '2025-09-25T10:00'; a date alone means the
    start of that day, or (``end``) the end of it."""
    try:
        return datetime.fromisoformat(text) if "T" in text or " " in text else _day(text, end)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not a date (YYYY-MM-DD) or date-time") from None


def _day(text: str, end: bool) -> datetime:
    day = date.fromisoformat(text)
    return datetime.combine(day + timedelta(days=1) if end else day, time())


@trips_group.command("create")
@click.option("--user", "email", required=True, help="The account's e-mail address.")
@click.option("--city", required=True, help="Where the leg is, e.g. München.")
@click.option("--from", "start", required=True, help="Arrival: YYYY-MM-DD[THH:MM], local.")
@click.option("--to", "end", required=True, help="Departure: YYYY-MM-DD[THH:MM], local.")
@click.option("--title", default=None, help="Default: the city.")
@click.option("--radius-km", type=click.FloatRange(1, 500), default=30.0)
@json_option
def trips_create(
    email: str, city: str, start: str, end: str, title: str | None, radius_km: float, as_json: bool
) -> None:
    """Create a trip with one leg in CITY from --from to --to (local times there)."""
    from planner.trips import service

    user = find_user_or_fail(email)
    place = service.leg_place(city)
    if place is None:
        fail(f"{city!r} is not a city we know (name a city)")
    leg = service.LegInput(
        place_text=city,
        place=place,
        arrives=_moment(start, end=False),
        departs=_moment(end, end=True),
        radius_km=radius_km,
    )
    session = db.session()
    try:
        trip = service.create_trip(session, owner=user, title=title, legs=[leg], gettext=gettext)
    except service.TripError as error:
        fail(str(error))
    session.commit()
    first = trip.legs[0]
    click.echo(f"trip {trip.id}: {first.city}, {first.timezone}", err=True)
    emit(
        {
            "id": str(trip.id),
            "title": trip.title,
            "legs": [
                {
                    "id": str(first.id),
                    "city": first.city,
                    "country": first.country,
                    "timezone": first.timezone,
                    "arrives": first.arrives_at.isoformat(),
                    "departs": first.departs_at.isoformat(),
                }
            ],
        },
        as_json,
        str(trip.id),
    )


@trips_group.command("suggest")
@click.argument("trip_id")
@click.option("--user", "email", required=True, help="The account's e-mail address.")
@click.option("--limit", type=click.IntRange(1, 500), default=20)
@json_option
def trips_suggest(trip_id: str, email: str, limit: int, as_json: bool) -> None:
    """Whom to meet on the trip, best first, each with its reasons in words."""
    from werkzeug.exceptions import NotFound

    from planner.events.trip_views import json_rows as event_rows
    from planner.models import Trip
    from planner.trips import suggest
    from planner.trips.wording import wording

    user = find_user_or_fail(email)
    session = db.session()
    try:
        trip = get_owned(session, Trip, trip_id, owner=user)
    except NotFound:
        fail(f"no trip {trip_id!r} for {email}")
    locale = user.locale or "en"
    weights = Weights.from_config(current_app.config.get("MATCH_WEIGHTS"))
    context = suggest.match_context(session, owner=user, locale=locale, weights=weights)
    pairs = suggest.suggest_trip(session, owner=user, trip=trip, context=context, limit=limit)
    with force_locale(locale):
        words = wording(context.vocabulary, context.user_labels)
        meetings: list[dict[str, Any]] = [
            {
                "contact_id": str(s.contact_id),
                "display_name": s.display_name,
                "distance_km": round(s.distance_km, 2),
                "score": s.score,
                "reasons": explain(s, words),
                "leg_id": str(leg.id),
                "city": leg.city,
            }
            for leg, s in pairs
        ]
        events = event_rows(session, owner=user, trip=trip, match_context=context)
    emit(
        {"meetings": meetings, "events": events},
        as_json,
        "\n".join(
            [
                f"{m['score']:5.1f}  {m['display_name']} ({m['city']}, {m['distance_km']:.0f} km): "
                + "; ".join(m["reasons"])
                for m in meetings
            ]
            + [f"event  {e['summary']} ({e['start']}): " + "; ".join(e["reasons"]) for e in events]
        ),
    )
