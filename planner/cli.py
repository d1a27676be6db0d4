"""The `planner` command (see ../shared/CLI.md): every command runs inside the app.

Exit codes: 0 success, 1 user error (message on stderr), 2 usage error (click's).
"""

import json
import secrets
import sys
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup

from planner import create_app, db
from planner.cli_options import emit, fail, find_user_or_fail, json_option


@click.group(
    cls=FlaskGroup, create_app=create_app, add_default_commands=True, add_version_option=False
)
def main() -> None:
    """Treffpunkt: turn online relationships into offline ones."""


@main.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@json_option
def db_upgrade(revision: str, as_json: bool) -> None:
    """Create or migrate the database to the newest schema."""
    from planner import migrate

    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    queued = _queue_stale_interests()
    emit(
        {"revision": revision, "status": "ok", "interests_queued": queued},
        as_json,
        f"database at {revision}",
    )


def _queue_stale_interests() -> int:
    """A migration may leave derived columns to be filled (0008: every contact's topics):
    queue the refresh for each user with stale contacts, so the first trip page after an
    upgrade does not derive 100k contacts on the spot. Returns how many users were queued."""
    from sqlalchemy import exists, select
    from sqlmodel import col

    from planner.models import Contact, User
    from planner.tasks import refresh_interests_task
    from planner.trips.interests import stale_condition

    session = db.session()
    users = session.execute(
        select(col(User.id), col(User.locale)).where(
            exists().where(
                Contact.owner_id == User.id,  # type: ignore[arg-type]
                stale_condition(None),  # type: ignore[arg-type]
            )
        )
    ).all()
    for user_id, locale in users:
        refresh_interests_task(str(user_id), locale or "en")
    return len(users)


@db_group.command("downgrade")
@click.argument("revision")
@json_option
def db_downgrade(revision: str, as_json: bool) -> None:
    """Migrate the database back to REVISION ('base' empties it)."""
    from planner import migrate

    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    emit({"revision": revision, "status": "ok"}, as_json, f"database at {revision}")


@main.group("users")
def users_group() -> None:
    """Accounts."""


@users_group.command("create")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--locale", type=click.Choice(["de", "en"]), default=None)
@click.option("--exist-ok", is_flag=True, help="Succeed if the account exists already.")
@json_option
def users_create(
    email: str, password_stdin: bool, locale: str | None, exist_ok: bool, as_json: bool
) -> None:
    """Create an account (a random password is printed to stderr unless given on stdin)."""
    from email_validator import EmailNotValidError, validate_email

    from planner.auth import service
    from planner.auth.forms import PASSWORD_MIN
    from planner.auth.passwords import contains_address, is_common

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        fail(f"{email!r} is not an e-mail address: {error}")
    session = db.session()
    existing = service.find_user(session, email)
    if existing is not None:
        if not exist_ok:
            fail(f"an account for {email!r} exists already (use --exist-ok)")
        emit(
            {"id": str(existing.id), "email": existing.email, "created": False},
            as_json,
            f"{existing.email} exists",
        )
        return
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if len(password) < PASSWORD_MIN:
            fail(f"the password needs at least {PASSWORD_MIN} characters")
        if is_common(password):  # the same rules as the registration form
            fail("the password is one of the most common passwords: choose another")
        if contains_address(password, email):
            fail("the password must not contain the e-mail address")
    else:
        password = secrets.token_urlsafe(15)
        click.echo(f"password for {email}: {password}", err=True)
    user = service.create_user(session, email=email, password=password, locale=locale)
    session.commit()
    emit(
        {"id": str(user.id), "email": user.email, "created": True}, as_json, f"{user.email} created"
    )


@main.group("contacts")
def contacts_group() -> None:
    """Contacts."""


@contacts_group.command("export")
@click.option("--user", "email", required=True, help="The account's e-mail address.")
@json_option
def contacts_export(email: str, as_json: bool) -> None:
    """Print every contact of the user as JSON."""
    from planner.contacts import service

    user = find_user_or_fail(email)
    document = service.export_contacts(db.session(), owner=user)
    click.echo(json.dumps(document, ensure_ascii=False, indent=None if as_json else 2))


@contacts_group.command("import-json")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "email", required=True, help="The account's e-mail address.")
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


class _ImportGroup(AppGroup):
    """`planner import FILE...` imports; `planner import undo ID` undoes (CLI.md shapes)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["files", *args]
        return super().parse_args(ctx, args)


@main.group("import", cls=_ImportGroup)
def import_group() -> None:
    """Import contact exports (planner import FILE... --user EMAIL), or undo an import."""


@import_group.command("files", hidden=True)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "email", required=True, help="The account's e-mail address.")
@click.option("--format", "fmt", default=None, help="Skip detection: one of the format names.")
@click.option("--dry-run", is_flag=True, help="Parse and deduplicate, write nothing.")
@json_option
@click.pass_context
def import_files(
    ctx: click.Context,
    files: tuple[str, ...],
    email: str,
    fmt: str | None,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Detect, parse, deduplicate and write each file (all files in one transaction)."""
    from pathlib import Path

    from planner import tasks
    from planner.importers import FORMATS
    from planner.imports import service

    if fmt is not None and fmt not in FORMATS:
        raise click.BadParameter(f"choose one of {', '.join(FORMATS)}", param_hint="--format")
    user = find_user_or_fail(email)
    session = db.session()
    uploads = [(Path(f).name, Path(f).read_bytes()) for f in files]
    parsed = service.parse_uploads(uploads, fmt)
    import_id = None
    crowds: list[dict[str, Any]] = []
    if dry_run:
        outcomes = service.preview_import(session, owner=user, parsed=parsed)
    else:
        batch = service.stage_import(session, owner=user, uploads=uploads, format=fmt)
        outcomes = service.write_import(session, owner=user, batch=batch, parsed=parsed)
        session.commit()
        import_id = str(batch.id)
        # Places and duplicate suggestions before returning: a script may search right after.
        done = tasks.after_import.call_local(import_id, str(user.id))
        crowds = done.get("crowds") or []  # names too many share to suggest pair by pair
    document = {"files": [o.to_json() for o in outcomes], "import_id": import_id}
    if crowds:
        document["crowds"] = crowds
    for outcome in outcomes:
        line = (
            f"{outcome.file}: {outcome.status}, {outcome.contacts} contacts, "
            f"{outcome.created} new, {outcome.merged} merged, {outcome.skipped} skipped"
        )
        if outcome.apart:  # a shared number or address, names that disagree: see "held_apart"
            line += f", {outcome.apart} pairs kept apart (same number or address, other names)"
        click.echo(line + (f" ({outcome.error})" if outcome.error else ""), err=True)
    for crowd in crowds:
        click.echo(
            f"{crowd['count']} contacts share the name {crowd['name']!r}: "
            "not suggested as duplicates one by one",
            err=True,
        )
    emit(document, as_json, f"import {import_id}" if import_id else "dry run: nothing written")
    if outcomes and all(o.status == "rejected" for o in outcomes):
        ctx.exit(1)


@import_group.command("undo")
@click.argument("import_id")
@click.option("--user", "email", required=True, help="The account's e-mail address.")
@click.option("--dry-run", is_flag=True, help="Say what undoing would do; change nothing.")
@json_option
def import_undo(import_id: str, email: str, dry_run: bool, as_json: bool) -> None:
    """Take back what an import brought: contacts nothing else holds (no other import, no
    meeting, no edit of yours) are removed, the others stay; details come back as before."""
    from planner.imports import service
    from planner.imports.undo import apply_undo, plan_undo

    user = find_user_or_fail(email)
    session = db.session()
    batch = service.get_batch(session, owner=user, import_id=import_id)
    if batch is None:
        fail(f"no import {import_id!r} for {email}")
    if batch.status != "done":
        fail(f"import {import_id} cannot be undone: it is {batch.status}")
    if dry_run:
        plan = plan_undo(session, owner=user, batch=batch)
        session.rollback()
    else:
        plan = apply_undo(session, owner=user, batch=batch)
        session.commit()
    counts = plan.counts()
    kept = f", {counts['kept']} kept (later imports, meetings or your own edits hold them)"
    emit(
        {
            "import_id": import_id,
            "status": "done" if dry_run else "undone",
            "dry_run": dry_run,
            **counts,
            "contacts": [c.to_json() for c in plan.contacts],
        },
        as_json,
        ("dry run: would be " if dry_run else "undone: ")
        + f"{counts['removed']} removed, {counts['restored']} restored"
        + (kept if counts["kept"] else ""),
    )


# --- demo data (planner/demo) -----------------------------------------------------------


@main.group("demo")
def demo_group() -> None:
    """Demo data to try Treffpunkt with."""


@demo_group.command("load")
@click.option("--user", "email", required=True, help="The account's e-mail address.")
@json_option
def demo_load(email: str, as_json: bool) -> None:
    """Import 120 invented contacts (two exports, deduplicated; undo like any import), give
    the user topics and a home city if they have none, and plan a trip to Munich."""
    from flask_babel import force_locale, gettext

    from planner import tasks
    from planner.demo.service import load_demo

    user = find_user_or_fail(email)
    session = db.session()
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        result = load_demo(session, owner=user, gettext=gettext)
    session.commit()
    tasks.after_import.call_local(str(result.batch.id), str(user.id))
    created = sum(o.created for o in result.outcomes)
    merged = sum(o.merged for o in result.outcomes)
    emit(
        result.to_json(),
        as_json,
        f"import {result.batch.id}: {created} new, {merged} merged"
        + (f"; trip {result.trip.id}" if result.trip else ""),
    )


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--workers", default=2, show_default=True, help="gunicorn web workers")
@click.option("--task-workers", default=1, show_default=True, help="Huey consumer workers")
def serve(host: str, port: int, workers: int, task_workers: int) -> None:
    """Serve the app with gunicorn and run the background task consumer beside it."""
    import os
    import signal
    import subprocess
    from pathlib import Path

    def stop(_signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    bin_dir = Path(sys.executable).parent
    # links in e-mails point here unless PLANNER_BASE_URL says otherwise (planner.web)
    served = {**os.environ, "PLANNER_SERVED_AT": f"http://{host}:{port}"}
    consumer = subprocess.Popen(  # noqa: S603 - our own console scripts, fixed arguments
        [
            str(bin_dir / "huey_consumer"),
            "planner.tasks.huey",
            "--workers",
            str(task_workers),
            "--worker-type",
            "thread",
            # An idle SQLite-backed queue is polled at most a second apart (Huey's default
            # backs off to 10 s): a big upload's preview or refusal waits for the pick-up.
            "--max-delay",
            "1",
        ],
        env=served,
    )
    web = subprocess.Popen(  # noqa: S603
        [
            str(bin_dir / "gunicorn"),
            "--workers",
            str(workers),
            "--bind",
            f"{host}:{port}",
            "--access-logfile",
            "-",
            # feed and verification addresses carry their secret: masked in the access log
            "--logger-class",
            "planner.access_log.MaskingLogger",
            "planner:create_app()",
        ],
        env=served,
    )
    click.echo(
        f"Treffpunkt on http://{host}:{port}/ (gunicorn {workers} workers, "
        f"task consumer pid {consumer.pid}); Ctrl-C stops both",
        err=True,
    )
    try:
        web.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for process in (web, consumer):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in (web, consumer):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


# --- places (planner/places): geocode, radius search, the gazetteer ---------------------


@main.group("geo")
def geo_group() -> None:
    """Places: the offline gazetteer and placing contacts."""


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
@click.option("--user", "email", required=True, help="The account's e-mail address.")
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


@main.command("geocode")
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


@contacts_group.command("near")
@click.argument("place")
@click.option("--user", "email", required=True, help="The account's e-mail address.")
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


def _feature_commands() -> None:
    """Feature packages bring their own command groups (planner/<feature>/cli.py)."""
    from planner.meetings.cli import calendar_group, meetings_group
    from planner.trips.cli import trips_group

    main.add_command(trips_group)
    main.add_command(meetings_group)
    main.add_command(calendar_group)


_feature_commands()
