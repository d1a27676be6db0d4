"""Topics in comparable terms: the user's own topics, their synonym table, and each
contact's canonical topic keys (``ContactInterest``), derived from the contact's topics,
title and organisation.

Interests are derived data. Rather than trusting every write path (forms, imports, merges,
undo) to refresh them, a contact whose ``interests_at`` is older than its ``updated_at`` or
than the vocabulary counts as stale: matching derives its topics on the spot, and
``refresh_interests`` (after imports, on saving, in the background) stores them.

The same refresh stores on the contact what trip suggestions need to bound its score
inside one index (``planner.trips.ranking``): ``interest_bits`` (one bit per interest key),
``mutual`` (a mutual follow on any network) and ``first_connected`` (the earliest
connection date). They are stale exactly when the interests are, and are only ever used
as bounds: the score itself is computed from the child tables.
"""

import uuid
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import bindparam, delete, func, insert, or_, select, true, update
from sqlmodel import Session, col

from planner.contacts.service import contacts_changed
from planner.db import in_chunks, owned_rows, table_of
from planner.models import (
    Contact,
    ContactAccount,
    ContactInterest,
    ContactSource,
    ContactTopic,
    TopicVocabulary,
    User,
    UserTopic,
)
from planner.models.types import utcnow
from planner.topics import Vocabulary

CONTACT = table_of(Contact)
TOPIC = table_of(ContactTopic)
INTEREST = table_of(ContactInterest)
ACCOUNT = table_of(ContactAccount)
SOURCE = table_of(ContactSource)
MAX_USER_TOPICS = 50
INTEREST_BITS = 63  # of a signed 64-bit integer: bits 0..62


def interest_bits(keys: Iterable[str]) -> int:
    """One bit per key (a stable hash of it): ``bits(a) & bits(b) == 0`` means a and b
    share no key for sure; a bit in common means they may."""
    bits = 0
    for key in keys:
        bits |= 1 << (zlib.crc32(key[:100].encode()) % INTEREST_BITS)
    return bits


def vocabulary_of(
    session: Session, *, owner: User, locale: str
) -> tuple[Vocabulary, datetime | None]:
    """The user's synonym table (their edit, else the shipped defaults in ``locale``) and
    when it was last changed (None: the defaults). Parsed tables are cached by
    ``planner.topics`` (by text), so this costs one primary-key read."""
    row = session.get(TopicVocabulary, owner.id)
    if row is None:
        return Vocabulary.default(locale), None
    return Vocabulary.parse(row.text), row.updated_at


def save_vocabulary(session: Session, *, owner: User, text: str) -> Vocabulary:
    """Store the user's edited table (``VocabularyError`` if it does not parse). Every
    contact's interests become stale; the caller schedules ``refresh_interests``."""
    vocabulary = Vocabulary.parse(text)
    row = session.get(TopicVocabulary, owner.id)
    if row is None:
        row = TopicVocabulary(owner_id=owner.id, text=text)
    row.text = text
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    return vocabulary


def reset_vocabulary(session: Session, *, owner: User) -> None:
    """Back to the shipped defaults."""
    session.execute(delete(TopicVocabulary).where(col(TopicVocabulary.owner_id) == owner.id))
    session.flush()


def user_topics(session: Session, *, owner: User) -> list[str]:
    rows = session.execute(
        select(col(UserTopic.name))
        .where(col(UserTopic.owner_id) == owner.id)
        .order_by(col(UserTopic.id))
    )
    return list(rows.scalars())


def set_user_topics(session: Session, *, owner: User, names: Sequence[str]) -> list[str]:
    """Replace the user's topics (trimmed, without duplicates, at most ``MAX_USER_TOPICS``)."""
    unique: dict[str, str] = {}
    for name in names:
        clean = " ".join(name.split())[:100]
        if clean:
            unique.setdefault(clean.casefold(), clean)
    kept = list(unique.values())[:MAX_USER_TOPICS]
    session.execute(delete(UserTopic).where(col(UserTopic.owner_id) == owner.id))
    session.add_all(UserTopic(owner_id=owner.id, name=n) for n in kept)
    session.flush()
    return kept


def derive_interests(
    vocabulary: Vocabulary, *, topics: Sequence[str], title: str | None, organization: str | None
) -> frozenset[str]:
    return vocabulary.topics_of(topics=topics, texts=(title, organization))


def stale_condition(vocabulary_changed: datetime | None) -> object:
    """SQL: the contact's stored interests cannot be trusted."""
    stale = or_(CONTACT.c.interests_at.is_(None), CONTACT.c.interests_at < CONTACT.c.updated_at)
    if vocabulary_changed is not None:
        stale = or_(stale, CONTACT.c.interests_at < vocabulary_changed)
    return stale


def owners_with_stale_interests(session: Session) -> list[tuple[uuid.UUID, str | None]]:
    """``(user_id, locale)`` of every user with a contact whose interests are stale: a
    migration may leave them to be derived (0008: every contact's topics), and ``planner db
    upgrade`` queues their refresh so no trip page derives 100k contacts on the spot."""
    stale_owner = select(CONTACT.c.owner_id).where(stale_condition(None))  # type: ignore[arg-type]
    query = select(col(User.id), col(User.locale)).where(col(User.id).in_(stale_owner))
    return [(user_id, locale) for user_id, locale in session.execute(query)]


def interests_of(
    session: Session,
    *,
    owner: User,
    vocabulary: Vocabulary,
    contacts: Iterable[tuple[uuid.UUID, str | None, str | None]],
) -> dict[uuid.UUID, frozenset[str]]:
    """Derive interests now for ``(contact_id, title, organization)`` rows (stale ones)."""
    rows = list(contacts)
    names: dict[uuid.UUID, list[str]] = defaultdict(list)
    for chunk in in_chunks([r[0] for r in rows]):
        # the ids are the owner's (read owner-scoped by the callers): by contact_id alone, so
        # the contact_id index answers, not the (owner_id, key) one
        query = select(TOPIC.c.contact_id, TOPIC.c.name).where(TOPIC.c.contact_id.in_(chunk))
        for contact_id, name in session.execute(query):
            names[contact_id].append(name)
    # titles and employers repeat across an address book: each combination derived once
    derived: dict[tuple[tuple[str, ...], str | None, str | None], frozenset[str]] = {}
    found = {}
    for cid, title, org in rows:
        key = (tuple(names.get(cid, ())), title, org)
        if key not in derived:
            derived[key] = derive_interests(
                vocabulary, topics=key[0], title=title, organization=org
            )
        found[cid] = derived[key]
    return found


class FreshInterests:
    """What ``refresh_interests`` would store for contacts being written (an import's new
    contacts), worked out while they are written, so that none is read back to be
    refreshed: the columns (fresh as of the contact's ``updated_at``) and the interest keys.
    Each topics, title and organisation combination is derived once."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._derived: dict[tuple[tuple[str, ...], str | None, str | None], tuple[int, list[str]]]
        self._derived = {}

    def of(
        self,
        *,
        topics: Sequence[str],
        title: str | None,
        organization: str | None,
        mutual: bool,
        connected: Iterable[date | None],
        at: datetime,
    ) -> tuple[dict[str, object], list[str]]:
        key = (tuple(topics), title, organization)
        found = self._derived.get(key)
        if found is None:
            keys = derive_interests(
                self.vocabulary, topics=key[0], title=title, organization=organization
            )
            found = self._derived[key] = (interest_bits(keys), [k[:100] for k in sorted(keys)])
        bits, keys_stored = found
        days = [day for day in connected if day is not None]
        columns = {
            "interests_at": at,
            "interest_bits": bits,
            "mutual": mutual,
            "first_connected": min(days, default=None),
        }
        return columns, keys_stored


def refresh_interests(
    session: Session, *, owner: User, locale: str, contact_ids: Sequence[uuid.UUID] | None = None
) -> int:
    """Store the interests of the given contacts (None: every stale contact of the user).
    Returns how many contacts were refreshed."""
    vocabulary, changed = vocabulary_of(session, owner=owner, locale=locale)
    columns = (CONTACT.c.id, CONTACT.c.title, CONTACT.c.organization)
    rows: list[tuple[uuid.UUID, str | None, str | None]]
    if contact_ids is None:
        stale = select(*columns).where(CONTACT.c.owner_id == owner.id, stale_condition(changed))  # type: ignore[arg-type]
        rows = [(r[0], r[1], r[2]) for r in session.execute(stale)]
    else:
        rows = list(owned_rows(session, CONTACT, contact_ids, *columns, owner_id=owner.id))
    if not rows:
        return 0
    derived = interests_of(session, owner=owner, vocabulary=vocabulary, contacts=rows)
    now = utcnow()
    ids = list(derived)
    mutual, connected = _ties(session, ids)
    for chunk in in_chunks(ids):
        session.execute(delete(INTEREST).where(INTEREST.c.contact_id.in_(chunk)))
    # updated_at stays as it is: deriving interests is not a change of the contact
    session.execute(
        update(CONTACT)
        .where(CONTACT.c.id == bindparam("_id"))
        .values(
            interests_at=now,
            interest_bits=bindparam("_bits"),
            mutual=bindparam("_mutual"),
            first_connected=bindparam("_connected"),
        ),
        [
            {
                "_id": cid,
                "_bits": interest_bits(derived[cid]),
                "_mutual": cid in mutual,
                "_connected": connected.get(cid),
            }
            for cid in ids
        ],
    )
    values = [
        {"contact_id": cid, "owner_id": owner.id, "key": key[:100]}
        for cid, keys in derived.items()
        for key in sorted(keys)
    ]
    if values:
        session.execute(insert(INTEREST), values)
    contacts_changed(session, owner_ids=[owner.id])  # topic counts (rarity) may differ now
    session.flush()
    return len(ids)


def _ties(
    session: Session, contact_ids: Sequence[uuid.UUID]
) -> tuple[set[uuid.UUID], dict[uuid.UUID, date]]:
    """Of the given contacts: those with a mutual follow, and each one's earliest
    connection date."""
    mutual: set[uuid.UUID] = set()
    connected: dict[uuid.UUID, date] = {}
    for chunk in in_chunks(list(contact_ids)):
        query = select(ACCOUNT.c.contact_id).where(
            ACCOUNT.c.contact_id.in_(chunk), ACCOUNT.c.mutual == true()
        )
        mutual.update(session.execute(query).scalars())
        query = (
            select(SOURCE.c.contact_id, func.min(SOURCE.c.connected_on))
            .where(SOURCE.c.contact_id.in_(chunk), SOURCE.c.connected_on.is_not(None))
            .group_by(SOURCE.c.contact_id)
        )
        connected.update({cid: day for cid, day in session.execute(query)})
    return mutual, connected
