"""`planner account export` / `planner account import` (../shared/CLI.md)."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from planner import db
from planner.cli_options import emit, fail, find_user_or_fail, json_option, user_option

account_group = AppGroup("account", help="The whole account as one JSON document.")

MAX_DOCUMENT_BYTES = 200 * 1024 * 1024


@account_group.command("export")
@user_option
def account_export(email: str) -> None:
    """Write everything the account holds as one JSON document to stdout."""
    from planner.account.service import export_account

    user = find_user_or_fail(email)
    document = export_account(db.session(), owner=user)
    click.echo(json.dumps(document, ensure_ascii=False, indent=1))


@account_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@user_option
@json_option
def account_import(file: str, email: str, as_json: bool) -> None:
    """Read an account export into this (empty) account, all or nothing."""
    from planner.account.service import AccountError, import_account

    path = Path(file)
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        fail(f"{path.name}: larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
    try:
        document = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"{path.name}: not a JSON document ({error})")
    user = find_user_or_fail(email)
    session = db.session()
    try:
        counts = import_account(session, owner=user, document=document, name=path.name)
    except AccountError as error:
        session.rollback()
        fail(f"{path.name}: {error}")
    session.commit()
    emit(counts, as_json, ", ".join(f"{n} {key}" for key, n in counts.items()))
