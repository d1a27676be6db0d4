"""`planner contacts export|import-json|near` (../shared/CLI.md)."""

import json

import click
from flask.cli import AppGroup

from planner import db
from planner.cli_options import emit, fail, find_user_or_fail, json_option, user_option

contacts_group = AppGroup("contacts", help="Contacts.")


@contacts_group.command("export")
@user_option
@json_option
def contacts_export(email: str, as_json: bool) -> None:
    """Print every contact of the user as JSON."""
    from planner.contacts import service

    user = find_user_or_fail(email)
    document = service.export_contacts(db.session(), owner=user)
    click.echo(json.dumps(document, ensure_ascii=False, indent=None if as_json else 2))


@contacts_group.command("import-json")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@user_option
@json_option
def contacts_import_json(file: str, email: str, as_json: bool) -> None:
    """Read a `planner contacts export --json` document into an account (all or nothing)."""
    from pathlib import Path

    from planner.imports.portable import DocumentError, import_document

    user = find_user_or_fail(email)
    path = Path(file)
    try:
        document = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"{path.name}: not a JSON document ({error})")
    session = db.session()
    try:
        batch = import_document(session, owner=user, document=document, name=path.name)
    except DocumentError as error:
        session.rollback()
        fail(f"{path.name}: {error}")
    session.commit()
    count = batch.total
    emit(
        {"import_id": str(batch.id), "contacts": count, "created": count},
        as_json,
        f"{count} contacts imported (import {batch.id})",
    )


@contacts_group.command("near")
@click.argument("place")
@user_option
@click.option("--radius-km", type=click.FloatRange(0, 20_000, min_open=True), default=50.0)
@json_option
def contacts_near(place: str, email: str, radius_km: float, as_json: bool) -> None:
    """Contacts within --radius-km of PLACE, nearest first (export shape + distance_km)."""
    from planner.contacts.service import contact_to_dict
    from planner.places import service

    user = find_user_or_fail(email)
    found = service.place_text(place)
    if found is None or found.lat is None or found.lon is None:
        fail(f"{place!r} is not a place we know (name a city)")
    hits = service.contacts_near(
        db.session(),
        owner=user,
        lat=found.lat,
        lon=found.lon,
        radius_km=radius_km,
        with_details=True,
    )
    document = [{**contact_to_dict(c), "distance_km": round(d, 2)} for c, d in hits]
    click.echo(
        f"{len(hits)} contacts within {radius_km:g} km of {found.city}, {found.country}",
        err=True,
    )
    emit(
        document,
        as_json,
        "\n".join(f"{d['distance_km']:8.1f} km  {d['display_name']}" for d in document),
    )
