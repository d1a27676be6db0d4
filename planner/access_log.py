"""The logs without the secrets some addresses carry.

The private feed's address is its only key (``/feed/<token>.ics``), and a verification or
registration link (``/settings/email/verify/<token>``, ``/register/confirm/<token>``) proves
a mailbox (and a digest's unsubscribe link, ``/digest/unsubscribe/<token>``, turns it off
without signing in): written into the access log, they would be readable by everyone who reads the
logs or their backups. ``MaskingLogger`` writes ``/feed/…`` (and so on) instead, in every
field of a log line (request line, path, referrer, environ), and masks gunicorn's error log
("Error handling request /feed/…"). ``planner serve`` passes it to gunicorn
(``--logger-class``). ``mask_secrets_in(app.logger)`` does the same for the app's own log, where
Flask writes "Exception on /feed/… [GET]" when a request fails.

Decisions: the token is replaced, not hashed: a hash in the log would be the key to look up
the stored hash (the database keeps SHA-256 of the feed token). Masking happens in the atoms
gunicorn formats, so any ``--access-logformat`` stays safe.
"""

import logging
import re
from typing import Any

from gunicorn.glogging import Logger

MASK = "…"
_SECRET_PATHS = re.compile(
    r"(/feed/|/settings/email/verify/|/register/confirm/|/digest/unsubscribe/)"
    r"[^/?#\s\"]+?(\.ics)?(?=[/?#\s\"]|$)"
)


def mask_secrets(text: str) -> str:
    """``text`` with the token of every feed or verification address replaced by ``…``."""
    return _SECRET_PATHS.sub(lambda m: f"{m.group(1)}{MASK}{m.group(2) or ''}", text)


class SecretMaskingFilter(logging.Filter):
    """Masks secret tokens in every record of the logger it is added to."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secrets(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def mask_secrets_in(logger: logging.Logger) -> None:
    """Add the filter to ``logger`` once (every app of a process shares the "planner" logger)."""
    if not any(isinstance(f, SecretMaskingFilter) for f in logger.filters):
        logger.addFilter(SecretMaskingFilter())


class MaskingLogger(Logger):
    """gunicorn's logger, with secret tokens masked in the access and the error log."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        mask_secrets_in(self.error_log)

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: mask_secrets(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }
