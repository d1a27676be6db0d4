"""`planner geocode`, `planner geo build|place` (../shared/CLI.md): the offline gazetteer and
placing contacts. `planner contacts near` lives with the contacts (planner/contacts/cli.py)."""

import sys
from typing import Any

import click
from flask.cli import AppGroup, with_appcontext

from planner import db
from planner.cli_options import emit, find_user_or_fail, json_option, user_option

geo_group = AppGroup("geo", help="Places: the offline gazetteer and placing contacts.")


@geo_group.command("build")
@click.option("--force", is_flag=True, help="Rebuild even if the file is up to date.")
@json_option
def geo_build(force: bool, as_json: bool) -> None:
    """Build the offline gazetteer (GeoNames cities) into the instance folder."""
    from planner.places import service

    stats = service.build(force=force)
    emit(
        {
            "path": str(stats.path),
            "rebuilt": stats.rebuilt,
            "cities": stats.cities,
            "names": stats.names,
            "seconds": round(stats.seconds, 2),
        },
        as_json,
        f"{stats.path}: "
        + (
            f"built, {stats.cities:,} cities in {stats.seconds:.1f} s"
            if stats.rebuilt
            else "up to date"
        ),
    )


@geo_group.command("place")
@user_option
@click.option("--force", is_flag=True, help="Place again what was geocoded before.")
@json_option
def geo_place(email: str, force: bool, as_json: bool) -> None:
    """Place (geocode) every contact of the user with a typed location and no place yet."""
    from planner.places import service

    user = find_user_or_fail(email)
    session = db.session()
    counts = service.geocode_contacts(session, owner=user, force=force, online=True)
    session.commit()
    emit(
        counts.to_json(),
        as_json,
        f"{counts.placed} placed, {counts.country_only} only a country, "
        f"{counts.not_found} not found, {counts.failed} failed",
    )


@click.command("geocode")
@with_appcontext
@click.argument("text", required=False)
@click.option("--stdin", "from_stdin", is_flag=True, help="One text per line on stdin.")
@json_option
def geocode(text: str | None, from_stdin: bool, as_json: bool) -> None:
    """The place a text names, offline: {"city", "country", "lat", "lon", "source"}."""
    from planner.geo import place_to_json
    from planner.places import service

    if from_stdin == (text is not None):
        raise click.UsageError("give either TEXT or --stdin")
    if text is not None:
        document: Any = place_to_json(service.place_text(text))
        human = _place_line(document)
    else:
        document = [place_to_json(service.place_text(line.rstrip("\r\n"))) for line in sys.stdin]
        human = "\n".join(_place_line(d) for d in document)
    emit(document, as_json, human)


def _place_line(place: dict[str, Any]) -> str:
    if place["lat"] is not None:
        return f"{place['city']}, {place['country']} ({place['lat']}, {place['lon']})"
    return place["country"] or "-"
