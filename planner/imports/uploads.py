"""The life of uploaded files kept for a preview: the owner's quota, and expiry of uploads
left unconfirmed.

Decisions:
- Quota and expiry count the files kept for batches not yet written (preview, parsing,
  running, failed): a written import clears its files.
- An expired batch stays, without its files, so its page can say what happened.
"""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlmodel import Session, col

from planner.db import in_chunks
from planner.models import ImportBatch, ImportFile, ImportStatus, User

# Statuses whose batches still hold the uploaded files.
HOLDING_FILES = (
    ImportStatus.PARSING.value,
    ImportStatus.PREVIEW.value,
    ImportStatus.RUNNING.value,
    ImportStatus.FAILED.value,
)
# Statuses that expire: never confirmed, or failed and left.
UNCONFIRMED = (ImportStatus.PARSING.value, ImportStatus.PREVIEW.value, ImportStatus.FAILED.value)
MB = 2**20


def stored_bytes(session: Session, *, owner: User) -> int:
    """The bytes of the owner's uploads kept for imports not written yet."""
    used = session.execute(
        select(func.coalesce(func.sum(ImportFile.size), 0))
        .join(ImportBatch, col(ImportBatch.id) == col(ImportFile.import_id))
        .where(
            col(ImportBatch.owner_id) == owner.id,
            col(ImportBatch.status).in_(HOLDING_FILES),
            col(ImportFile.data).is_not(None),
        )
    ).scalar_one()
    return int(used)


def quota_problem(session: Session, *, owner: User, incoming: int, quota: int) -> str | None:
    """Why these uploads cannot be kept (the owner's quota of stored uploads), or None."""
    used = stored_bytes(session, owner=owner)
    if used + incoming <= quota:
        return None
    return str(
        _l(
            "Your unconfirmed uploads use %(used)d MB of %(quota)d MB, and these files need "
            "%(size)d MB more: confirm or discard one first.",
            used=round(used / MB),
            quota=round(quota / MB),
            size=max(1, round(incoming / MB)),
        )
    )


def expire_uploads(session: Session, *, now: datetime, ttl: timedelta) -> int:
    """Delete the files of batches left unconfirmed for longer than ``ttl``; the batches stay
    (expired) so their page can say what happened. Returns how many. Caller commits."""
    old = list(
        session.execute(
            select(col(ImportBatch.id)).where(
                col(ImportBatch.status).in_(UNCONFIRMED),
                col(ImportBatch.created_at) < now - ttl,
            )
        ).scalars()
    )
    for chunk in in_chunks(old):
        session.execute(
            update(ImportFile).where(col(ImportFile.import_id).in_(chunk)).values(data=None)
        )
        session.execute(
            update(ImportBatch)
            .where(col(ImportBatch.id).in_(chunk), col(ImportBatch.status).in_(UNCONFIRMED))
            .values(status=ImportStatus.EXPIRED.value)
        )
    session.flush()
    return len(old)
