"""Topics in comparable terms: the user's own topics, their synonym table, and each
contact's canonical topic keys (``ContactInterest``), derived from the contact's topics,
title and organisation.

Interests are derived data. Rather than trusting every write path (forms, imports, merges,
undo) to refresh them, a contact whose ``interests_at`` is older than its ``updated_at`` or
than the vocabulary counts as stale: matching derives its topics on the spot, and
``refresh_interests`` (after imports, on saving, in the background) stores them.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, insert, or_, select, update
from sqlmodel import Session, col

from planner.db import in_chunks
from planner.models import Contact, ContactInterest, ContactTopic, TopicVocabulary, User, UserTopic
from planner.models.types import utcnow
from planner.topics import Vocabulary

CONTACT = Contact.__table__  # type: ignore[attr-defined]
TOPIC = ContactTopic.__table__  # type: ignore[attr-defined]
INTEREST = ContactInterest.__table__  # type: ignore[attr-defined]
MAX_USER_TOPICS = 50


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
    return {
        cid: derive_interests(vocabulary, topics=names.get(cid, []), title=title, organization=org)
        for cid, title, org in rows
    }


def refresh_interests(
    session: Session, *, owner: User, locale: str, contact_ids: Sequence[uuid.UUID] | None = None
) -> int:
    """Store the interests of the given contacts (None: every stale contact of the user).
    Returns how many contacts were refreshed."""
    vocabulary, changed = vocabulary_of(session, owner=owner, locale=locale)
    query = select(CONTACT.c.id, CONTACT.c.title, CONTACT.c.organization, CONTACT.c.owner_id)
    rows: list[tuple[uuid.UUID, str | None, str | None]] = []
    if contact_ids is None:
        query = query.where(CONTACT.c.owner_id == owner.id, stale_condition(changed))  # type: ignore[arg-type]
        rows.extend((r[0], r[1], r[2]) for r in session.execute(query))
    else:
        for chunk in in_chunks(list(contact_ids)):
            # by primary key, the owner checked here (an owner_id condition makes SQLite walk
            # the owner's whole index)
            found = session.execute(query.where(CONTACT.c.id.in_(chunk)))
            rows.extend((r[0], r[1], r[2]) for r in found if r[3] == owner.id)
    if not rows:
        return 0
    derived = interests_of(session, owner=owner, vocabulary=vocabulary, contacts=rows)
    now = utcnow()
    ids = list(derived)
    for chunk in in_chunks(ids):
        session.execute(delete(INTEREST).where(INTEREST.c.contact_id.in_(chunk)))
        # updated_at stays as it is: deriving interests is not a change of the contact
        session.execute(update(CONTACT).where(CONTACT.c.id.in_(chunk)).values(interests_at=now))
    values = [
        {"contact_id": cid, "owner_id": owner.id, "key": key[:100]}
        for cid, keys in derived.items()
        for key in sorted(keys)
    ]
    if values:
        session.execute(insert(INTEREST), values)
    session.flush()
    return len(ids)
