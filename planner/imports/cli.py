"""`planner import FILE... --user EMAIL` and `planner import undo IMPORT_ID` (../shared/CLI.md)."""

from typing import Any

import click
from flask.cli import AppGroup

from planner import db
from planner.cli_options import emit, fail, find_user_or_fail, json_option, user_option


class _ImportGroup(AppGroup):
    """`planner import FILE...` imports; `planner import undo ID` undoes (CLI.md shapes)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["files", *args]
        return super().parse_args(ctx, args)


import_group = _ImportGroup(
    "import",
    help="Import contact exports (planner import FILE... --user EMAIL), or undo an import.",
)


@import_group.command("files", hidden=True)
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@user_option
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
@user_option
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
