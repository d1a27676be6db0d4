"""The `planner` command (see ../shared/CLI.md): every command runs inside the app.

Exit codes: 0 success, 1 user error (message on stderr), 2 usage error (click's).
"""

import sys
from typing import Any

import click
from flask import current_app
from flask.cli import FlaskGroup

from planner import create_app, db
from planner.cli_options import emit, json_option


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
    from planner.tasks import refresh_interests_task
    from planner.trips.interests import owners_with_stale_interests

    migrate.upgrade(current_app.config["DATABASE_URL"], revision)
    # a migration may leave interests to derive: refreshed in the background, user by user
    stale = owners_with_stale_interests(db.session())
    for user_id, locale in stale:
        refresh_interests_task(str(user_id), locale or "en")
    queued = len(stale)
    emit(
        {"revision": revision, "status": "ok", "interests_queued": queued},
        as_json,
        f"database at {revision}",
    )


@db_group.command("downgrade")
@click.argument("revision")
@json_option
def db_downgrade(revision: str, as_json: bool) -> None:
    """Migrate the database back to REVISION ('base' empties it)."""
    from planner import migrate

    migrate.downgrade(current_app.config["DATABASE_URL"], revision)
    emit({"revision": revision, "status": "ok"}, as_json, f"database at {revision}")


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


def _feature_commands() -> None:
    """Feature packages bring their own command groups (planner/<feature>/cli.py)."""
    from planner.account.cli import account_group
    from planner.auth.cli import users_group
    from planner.contacts.cli import contacts_group
    from planner.demo.cli import demo_group
    from planner.events.cli import events_group
    from planner.gatherings.cli import gatherings_group
    from planner.imports.cli import import_group
    from planner.meetings.cli import calendar_group, meetings_group
    from planner.places.cli import geo_group, geocode
    from planner.relationships.cli import contacts_keep_in_touch, contacts_timeline, followups_group
    from planner.trips.cli import trips_group

    main.add_command(users_group)
    main.add_command(contacts_group)
    main.add_command(import_group)
    main.add_command(demo_group)
    main.add_command(geo_group)
    main.add_command(geocode)
    main.add_command(trips_group)
    main.add_command(events_group)
    main.add_command(meetings_group)
    main.add_command(calendar_group)
    main.add_command(gatherings_group)
    main.add_command(followups_group)
    main.add_command(account_group)
    contacts_group.add_command(contacts_timeline)
    contacts_group.add_command(contacts_keep_in_touch)


_feature_commands()
