"""gunicorn's access log without the secrets some addresses carry.

The private feed's address is its only key (``/feed/<token>.ics``), and a verification or
registration link (``/settings/email/verify/<token>``, ``/register/confirm/<token>``) proves
a mailbox: written into the access log, they would be readable by everyone who reads the
logs or their backups. ``MaskingLogger`` writes ``/feed/…`` (and so on) instead, in every
field of a log line (request line, path, referrer, environ). ``planner serve`` passes it to
gunicorn (``--logger-class``).

Decisions: the token is replaced, not hashed: a hash in the log would be the key to look up
the stored hash (the database keeps SHA-256 of the feed token). Masking happens in the atoms
gunicorn formats, so any ``--access-logformat`` stays safe.
"""

import re
from typing import Any

from gunicorn.glogging import Logger

MASK = "…"
_SECRET_PATHS = re.compile(
    r"(/feed/|/settings/email/verify/|/register/confirm/)[^/?#\s\"]+?(\.ics)?(?=[/?#\s\"]|$)"
)


def mask_secrets(text: str) -> str:
    """``text`` with the token of every feed or verification address replaced by ``…``."""
    return _SECRET_PATHS.sub(lambda m: f"{m.group(1)}{MASK}{m.group(2) or ''}", text)


class MaskingLogger(Logger):
    """gunicorn's logger, with secret tokens masked in the access log."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: mask_secrets(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }
