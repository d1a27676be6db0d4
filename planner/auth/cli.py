"""`planner users create` (../shared/CLI.md): accounts from a script, by the registration
form's password rules."""

import secrets
import sys

import click
from flask.cli import AppGroup

from planner import db
from planner.cli_options import emit, fail, json_option

users_group = AppGroup("users", help="Accounts.")


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
