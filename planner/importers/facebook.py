"""Facebook ``friends.json`` / ``your_friends.json``: names with byte-wise mojibake."""

from __future__ import annotations

import json
from datetime import UTC, datetime

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

FORMAT = "facebook_friends_json"


def repair_mojibake(text: str) -> str:
    """Facebook escapes each UTF-8 *byte* as ``\\u00XX``: re-read those code points as bytes.
    Text that is not such mojibake comes back unchanged."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def parse(decoded: Decoded, *, file: str, limits: Limits) -> ParsedFile:
    try:
        data = json.loads(decoded.text)
    except ValueError as exc:
        return rejected(file, _("not readable JSON: %(reason)s", reason=str(exc)), format=FORMAT)
    friends = None
    if isinstance(data, dict):
        friends = data.get("friends_v2", data.get("friends"))
    if not isinstance(friends, list):
        return rejected(file, _("no friends list in this Facebook file"), format=FORMAT)
    result = ParsedFile(file=file, format=FORMAT, encoding=decoded.encoding)
    for number, entry in enumerate(friends, start=1):
        name = entry.get("name") if isinstance(entry, dict) else None
        # repaired before stripping: a last byte 0xA0 or 0x85 reads as a space until then
        name = repair_mojibake(name).strip() if isinstance(name, str) else None
        if not name:
            result.problems.append(Problem(row=number, message=_("friend entry without a name")))
            continue
        connected = None
        timestamp = entry.get("timestamp")
        if isinstance(timestamp, int | float) and timestamp > 0:
            connected = datetime.fromtimestamp(timestamp, UTC).date()
        result.records.append(
            ContactRecord(
                row=number,
                source=SourceRecord(format=FORMAT, file=file, connected_on=connected),
                display_name=name,
            )
        )
        if len(result.records) > limits.max_records:
            return rejected(file, _("too many records"), format=FORMAT)
    return result
