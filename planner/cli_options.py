"""What every `planner` command shares: one JSON document or a human line, user errors,
the --json flag and the --user look-up. Feature commands (``planner/<feature>/cli.py``)
import these from here, never from ``planner.cli``, so the top-level command can import
the features without an import circle.

Exit codes: 0 success, 1 user error (message on stderr), 2 usage error (click's).
"""

import json
from typing import Any, NoReturn

import click

from planner import db


def emit(document: Any, as_json: bool, human: str | None = None) -> None:
    """One JSON document on stdout with --json; otherwise a human line on stdout."""
    if as_json:
        click.echo(json.dumps(document, ensure_ascii=False, indent=None))
    elif human is not None:
        click.echo(human)


def fail(message: str) -> NoReturn:
    raise click.ClickException(message)


def json_option(f: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(f)


def user_option(f: Any) -> Any:
    return click.option("--user", "email", required=True, help="The account's e-mail address.")(f)


def find_user_or_fail(email: str) -> Any:
    from planner.auth.service import find_user

    user = find_user(db.session(), email)
    if user is None:
        fail(f"no user with the e-mail address {email!r}")
    return user


def owned_or_fail(model: Any, row_id: str, user: Any, what: str, email: str | None = None) -> Any:
    """The user's row of ``model`` with that id; else the command fails naming ``what``
    ("no meeting '…' for anna@example.org"): another user's row is not found either."""
    from werkzeug.exceptions import NotFound

    from planner.db import get_owned

    try:
        return get_owned(db.session(), model, row_id, owner=user)
    except NotFound:
        fail(f"no {what} {row_id!r} for {email or user.email}")
