"""X (Twitter) archive ``data/*.js``: ``window.YTD.<kind>.partN = [...]``.

Account ids are kept as the exact strings of the JSON: most are above 2**53 and would change
as floats. ``account.js`` describes the archive owner, who is never a contact.
"""

from __future__ import annotations

import json

from planner.identifiers import Account
from planner.importers.decode import Decoded
from planner.importers.records import (
    ContactRecord,
    Limits,
    ParsedFile,
    Problem,
    SourceRecord,
    rejected,
)
from planner.lazy_text import lazy_gettext as _

FORMAT = "x_archive_js"
_LISTS = ("following", "follower")


def _payload(text: str) -> object:
    """What follows the first ``=`` (the variable name varies: part0, part1, …)."""
    _head, sep, rest = text.partition("=")
    if not sep:
        raise ValueError("no assignment")
    body = rest.strip().rstrip(";").strip()
    # parse_int=str keeps any bare number exact too, although X writes ids as strings.
    return json.loads(body, parse_int=str)


def parse(decoded: Decoded, *, file: str, limits: Limits) -> ParsedFile:
    try:
        entries = _payload(decoded.text)
    except ValueError:
        return rejected(
            file,
            _("not a readable X archive file (expected window.YTD… = [ … ])"),
            format=FORMAT,
        )
    if not isinstance(entries, list):
        return rejected(file, _("not a readable X archive file (no list)"), format=FORMAT)
    result = ParsedFile(file=file, format=FORMAT, encoding=decoded.encoding)
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or len(entry) != 1:
            result.problems.append(
                Problem(row=number, message=_("not an X archive entry"), malformed=True)
            )
            continue
        ((kind, body),) = entry.items()
        if kind == "account" and isinstance(body, dict):
            result.owner = {
                "username": body.get("username"),
                "accountId": str(body.get("accountId")) if body.get("accountId") else None,
                "displayName": body.get("accountDisplayName"),
            }
            continue
        if kind not in _LISTS:
            continue  # tweets, likes, …: not contacts
        account_id = str(body.get("accountId") or "").strip() if isinstance(body, dict) else ""
        if not account_id.isdigit():
            result.problems.append(
                Problem(
                    row=number,
                    message=_("X archive entry without an account id"),
                    malformed=True,
                )
            )
            continue
        if account_id in seen:
            continue
        seen.add(account_id)
        link = body.get("userLink") if isinstance(body, dict) else None
        result.records.append(
            ContactRecord(
                row=number,
                source=SourceRecord(format=FORMAT, file=file),
                accounts=[Account("x", id=account_id, url=link or None)],
            )
        )
    if result.owner and not result.records:
        result.problems.append(
            Problem(
                row=None,
                message=_(
                    "this file describes the archive owner (@%(user)s), not contacts",
                    user=result.owner.get("username") or "",
                ),
                skipped=False,
            )
        )
    if result.records and len(result.records) > limits.max_records:
        return rejected(file, _("too many records"), format=FORMAT)
    return result
