"""The start page's block of get-togethers still asking for dates (``planner.home.service``
``register``): computed on every request, so it reads little and by index.

Shown: the owner's polls (newest change first, at most ``SHOWN``) whose answers are still
taken (no deadline, or its day not over at the place), each with how many invitees have
answered of how many (revoked links not counted) and the deadline. One statement: the newest
polls by ``ix_gathering_owner_status`` (owner, status, updated_at), their invitees counted by
the invitee's ``gathering_id`` index.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, false, func, select
from sqlmodel import Session

from planner.db import table_of
from planner.models import User
from planner.models.gathering import Gathering, GatheringInvitee, GatheringStatus

SHOWN = 5
GATHERING = table_of(Gathering)
INVITEE = table_of(GatheringInvitee)


def _open(deadline: date | None, timezone: str, now: datetime) -> bool:
    """``service.open_for_answers`` of a row: before the end of the deadline day there."""
    if deadline is None:
        return True
    end = datetime.combine(deadline + timedelta(days=1), time()).replace(tzinfo=ZoneInfo(timezone))
    return now < end


@dataclass(frozen=True)
class OpenPoll:
    gathering_id: uuid.UUID
    title: str
    city: str
    answered: int
    invited: int
    deadline: date | None


def _statement() -> Any:
    """The newest polls with their invitees counted, built once (parameter ``owner_id``):
    building it costs more than running it, and this runs on every start page."""
    polls = (
        select(
            GATHERING.c.id,
            GATHERING.c.title,
            GATHERING.c.city,
            GATHERING.c.deadline,
            GATHERING.c.timezone,
            GATHERING.c.updated_at,
        )
        .where(
            GATHERING.c.owner_id == bindparam("owner_id"),
            GATHERING.c.status == GatheringStatus.POLLING.value,
        )
        .order_by(GATHERING.c.updated_at.desc(), GATHERING.c.id)
        .limit(SHOWN * 2)
        .subquery()
    )
    invitee = (INVITEE.c.gathering_id == polls.c.id) & (INVITEE.c.revoked == false())
    return (
        select(polls, func.count(INVITEE.c.answered_at), func.count(INVITEE.c.id))
        .select_from(polls.outerjoin(INVITEE, invitee))
        .group_by(*polls.c)
        .order_by(polls.c.updated_at.desc(), polls.c.id)
    )


_STATEMENT = _statement()


def open_polls(session: Session, owner: User, now: datetime) -> list[OpenPoll] | None:
    """The polls with open answers, newest change first (None: none, the block is left out).
    Reads ``SHOWN * 2`` polls: some may be past their deadline."""
    rows = session.execute(_STATEMENT, {"owner_id": owner.id}).all()
    still_open = [row for row in rows if _open(row.deadline, row.timezone, now)][:SHOWN]
    if not still_open:
        return None
    return [
        OpenPoll(row.id, row.title, row.city, row[-2], row[-1], row.deadline) for row in still_open
    ]
