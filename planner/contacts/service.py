"""Contacts: create, change, delete, search, export. Services flush; callers commit."""

import dataclasses
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import String, and_, bindparam, cast, func, or_, tuple_, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from planner.cache import BoundedCache
from planner.contacts.fields import ContactText
from planner.db import table_of
from planner.identifiers import Account, account_keys, fold_text, normalize_email, normalize_phone
from planner.models import (
    Contact,
    ContactAccount,
    ContactEmail,
    ContactPhone,
    ContactSource,
    ContactTopic,
    ImportChange,
    LocationSource,
    Stage,
    User,
)
from planner.models.types import utcnow

MANUAL = "manual"
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


@dataclass(kw_only=True)
class ContactInput(ContactText):
    """A contact as the user (form, JSON document, importer) describes it: its text
    (``ContactText``) and the rest."""

    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    # Where lat/lon come from (LocationSource); None with coordinates means an import stated
    # them. "user" keeps geocoding away; a changed place comes with None to be placed again.
    location_source: str | None = None
    topics: list[str] = field(default_factory=list)
    # Networks where the user and the contact follow each other (the X archive says so).
    mutual_networks: list[str] = field(default_factory=list)
    stage: str = Stage.ONLINE.value
    last_met: date | None = None

    def name(self) -> str:
        """What to call this contact: given name, else the best identifier there is."""
        if self.display_name:
            return self.display_name
        full = " ".join(p for p in (self.first_name, self.last_name) if p)
        for candidate in (full, self.nickname, self.organization):
            if candidate:
                return candidate
        for account in self.accounts:
            if account.handle or account.url:
                return account.handle or account.url or ""
        return self.emails[0] if self.emails else ""


# ContactInput's single-valued fields (all but the lists: the text fields, coordinates,
# stage, last met), each a column of Contact of the same name.
SCALAR_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(ContactInput) if f.default_factory is dataclasses.MISSING
)


@dataclass
class Page:
    items: Sequence[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def search_words(text: str) -> list[str]:
    """The folded forms under which ``text`` should be found (also "Mueller" for "Müller")."""
    words = fold_text(text).split()
    if not text.isascii():
        lowered = text.casefold()
        transliterated = lowered.translate(_UMLAUTS)
        if transliterated != lowered:
            words += [w for w in fold_text(transliterated).split() if w not in words]
    return words


def _search_text(data: ContactInput, name: str) -> str:
    parts = [
        name,
        data.first_name,
        data.last_name,
        data.nickname,
        data.organization,
        data.title,
        data.city,
        data.location_text,
        *data.emails,
        *data.topics,
        *(a.handle for a in data.accounts),
    ]
    return " ".join(dict.fromkeys(search_words(" ".join(p for p in parts if p))))


@dataclass
class ContactRows:
    """One contact as plain table rows, ready for a bulk insert (or for the ORM)."""

    contact: dict[str, Any]
    emails: list[dict[str, Any]]
    phones: list[dict[str, Any]]
    accounts: list[dict[str, Any]]
    topics: list[dict[str, Any]]

    def children(self) -> dict[type[Any], list[dict[str, Any]]]:
        return {
            ContactEmail: self.emails,
            ContactPhone: self.phones,
            ContactAccount: self.accounts,
            ContactTopic: self.topics,
        }


def contact_rows(owner_id: uuid.UUID, contact_id: uuid.UUID, data: ContactInput) -> ContactRows:
    """The rows that store ``data``: derived columns (sort key, search text, normalised
    e-mails and phones, account keys, topic keys) computed here and only here."""
    name = data.name()
    display_name = name[:300]
    contact = {name: getattr(data, name) for name in SCALAR_FIELDS}
    contact.update(  # what is not stored as given
        id=contact_id,
        owner_id=owner_id,
        display_name=display_name,
        country=data.country.upper() if data.country else None,
        location_source=_location_source(data),
        stage=data.stage,
        sort_key=fold_text(display_name)[:300],
        search_text=_search_text(data, name),
        updated_at=utcnow(),
    )
    ids = {"contact_id": contact_id, "owner_id": owner_id}
    emails = [
        {**ids, "address": e, "normalized": normalize_email(e) or e.lower(), "position": i}
        for i, e in enumerate(dict.fromkeys(data.emails))
    ]
    phones = [
        {**ids, "number": p, "e164": normalize_phone(p), "position": i}
        for i, p in enumerate(dict.fromkeys(data.phones))
    ]
    accounts = [
        {
            **ids,
            "network": a.network,
            "account_id": a.id,
            "handle": a.handle,
            "url": a.url,
            "key": (account_keys(a) or [a.network])[0],
            "mutual": a.network in data.mutual_networks,
        }
        for a in dict.fromkeys(data.accounts)
    ]
    topic_names = {fold_text(t)[:100]: t.strip()[:100] for t in data.topics if t.strip()}
    topics = [{**ids, "name": n, "key": k} for k, n in topic_names.items()]
    return ContactRows(contact, emails, phones, accounts, topics)


def _location_source(data: ContactInput) -> str | None:
    if data.location_source:
        return data.location_source
    if data.lat is not None and data.lon is not None:
        return LocationSource.IMPORTED.value
    return None


def _apply(session: Session, contact: Contact, data: ContactInput) -> None:
    rows = contact_rows(contact.owner_id, contact.id, data)
    for name, value in rows.contact.items():
        setattr(contact, name, value)
    contact.emails = [ContactEmail(**r) for r in rows.emails]
    contact.phones = [ContactPhone(**r) for r in rows.phones]
    contact.accounts = [ContactAccount(**r) for r in rows.accounts]
    contact.topics = [ContactTopic(**r) for r in rows.topics]
    session.add(contact)


def create_contact(
    session: Session, *, owner: User, data: ContactInput, source_format: str = MANUAL
) -> Contact:
    contact = Contact(owner_id=owner.id, display_name="")
    _apply(session, contact, data)
    contact.sources = [ContactSource(owner_id=owner.id, format=source_format)]
    session.flush()
    return contact


def update_contact(session: Session, *, contact: Contact, data: ContactInput) -> Contact:
    """The user's edit; a stage or "last met" changed by hand shows on the timeline."""
    from planner.relationships.service import record_last_met, record_stage

    stage, last_met = contact.stage, contact.last_met
    _apply(session, contact, data)
    record_stage(session, contact=contact, before=stage, at=utcnow(), by="hand")
    record_last_met(session, contact=contact, before=last_met)
    session.flush()
    return contact


def delete_contact(session: Session, *, contact: Contact) -> None:
    contacts_changed(session, owner_ids=[contact.owner_id])
    session.delete(contact)
    session.flush()


def contacts_changed(session: Session, *, owner_ids: Any) -> None:
    """Stamp ``User.contacts_changed_at`` of these users (ids, or a select of ids): their
    contacts changed in a way no ``updated_at`` shows (a deletion, say)."""
    users = table_of(User)
    session.execute(
        update(users).where(users.c.id.in_(owner_ids)).values(contacts_changed_at=utcnow())
    )


_CONTACT = table_of(Contact)
_USERS = table_of(User)


class _UuidText(FunctionElement[str]):
    """A UUID column as the text ``str(uuid)`` gives ("8-4-4-4-12" lower-case hex), made
    by the database."""

    type = String()
    inherit_cache = True


@compiles(_UuidText)
def _uuid_text(element: _UuidText, compiler: Any, **kw: Any) -> str:
    (column,) = element.clauses
    return str(compiler.process(cast(column, String), **kw))  # PostgreSQL: uuid::text


@compiles(_UuidText, "sqlite")
def _uuid_text_sqlite(element: _UuidText, compiler: Any, **kw: Any) -> str:
    """SQLAlchemy keeps a UUID on SQLite as 32 hex digits: dashes go in."""
    (column,) = element.clauses
    hex_digits = compiler.process(column, **kw)
    parts = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
    return " || '-' || ".join(f"substr({hex_digits}, {at}, {n})" for at, n in parts)


# What a list shows, as Core columns, not ORM attributes: the page query skips the ORM's
# statement compilation and row processing, the larger part of its cost after the index
# walk. templates/contacts/index.html unpacks each row in this order (a loop variable per
# column costs half of an attribute look-up per cell, for 50 rows on every page).
LIST_COLUMNS: tuple[Any, ...] = (
    _CONTACT.c.id,
    _CONTACT.c.display_name,
    _CONTACT.c.title,
    _CONTACT.c.organization,
    _CONTACT.c.city,
)
# The same with the id as the text a link shows: a page prints each id once, and a UUID
# object built from the row only to be printed again cost a tenth of the page's time.
LIST_COLUMNS_TEXT_ID: tuple[Any, ...] = (
    _UuidText(_CONTACT.c.id).label("id"),
    *LIST_COLUMNS[1:],
)
_ORDER: tuple[Any, ...] = (_CONTACT.c.sort_key, _CONTACT.c.id)


@dataclass(frozen=True)
class ListIndex:
    """Where each page of a user's whole list starts, and how many contacts it holds, as
    of one version of the contacts (``contacts_version``)."""

    version: tuple[Any, ...]
    total: int
    starts: tuple[tuple[str, uuid.UUID], ...]  # (sort_key, id) of each page's first row


# Per worker process, keyed by (owner, per page): the index of the newest version of the
# owner's contacts this process has read. Each page statement checks that version itself.
_LIST_INDEXES: BoundedCache[tuple[Any, ...], ListIndex] = BoundedCache(256)

# The statements of each whole-list request, built once (building costs more than the
# compiled-statement cache saves).
_OWNER = bindparam("owner_id", type_=_CONTACT.c.owner_id.type)
_NEWEST = (
    select(func.max(_CONTACT.c.updated_at)).where(_CONTACT.c.owner_id == _OWNER).scalar_subquery()
)
_CHANGED = select(_USERS.c.contacts_changed_at).where(_USERS.c.id == _OWNER).scalar_subquery()
_VERSION = select(_NEWEST, _CHANGED)
# True while the contacts are at the version of these parameters: a condition on no row,
# which SQLite and PostgreSQL evaluate once per statement.
_AT_VERSION = and_(
    _NEWEST.is_not_distinct_from(bindparam("newest", type_=_CONTACT.c.updated_at.type)),
    _CHANGED.is_not_distinct_from(bindparam("changed", type_=_USERS.c.contacts_changed_at.type)),
)


def _page_from(columns: tuple[Any, ...]) -> Any:
    """One page of the whole list from its first row's key, if the contacts are still at
    the version the key was read at (else no rows)."""
    return (
        select(*columns)
        .where(
            _CONTACT.c.owner_id == _OWNER,
            tuple_(*_ORDER)
            >= tuple_(
                bindparam("sort_key", type_=_CONTACT.c.sort_key.type),
                bindparam("start_id", type_=_CONTACT.c.id.type),
            ),
            _AT_VERSION,
        )
        .order_by(*_ORDER)
        .limit(bindparam("per_page"))
    )


_PAGE_FROM = {False: _page_from(LIST_COLUMNS), True: _page_from(LIST_COLUMNS_TEXT_ID)}


def contacts_version(session: Session, *, owner: User) -> tuple[Any, ...]:
    """The state of all the owner's contacts in one cheap statement (two index look-ups):
    the newest ``updated_at`` (every write through ``contact_rows`` sets it) and
    ``contacts_changed_at`` (stamped where a change leaves no ``updated_at``, e.g. a
    deletion)."""
    return tuple(session.connection().execute(_VERSION, {"owner_id": owner.id}).one())


def _list_index(session: Session, *, owner: User, per_page: int) -> ListIndex:
    """The whole list's page starts and total at the contacts' version now, read once per
    version."""
    key = (owner.id, per_page)
    version = contacts_version(session, owner=owner)
    found = _LIST_INDEXES.get(key)
    if found is not None and found.version == version:
        return found
    numbered = (
        select(
            _CONTACT.c.sort_key,
            _CONTACT.c.id,
            func.row_number().over(order_by=_ORDER).label("n"),
            func.count().over().label("total"),
        )
        .where(_CONTACT.c.owner_id == owner.id)
        .subquery()
    )
    rows = session.execute(
        select(numbered.c.sort_key, numbered.c.id, numbered.c.total)
        .where((numbered.c.n - 1) % per_page == 0)
        .order_by(numbered.c.n)
    ).all()
    index = ListIndex(
        version=version,
        total=rows[0].total if rows else 0,
        starts=tuple((row.sort_key, row.id) for row in rows),
    )
    _LIST_INDEXES.put(key, index)
    return index


class FromImport(StrEnum):
    """Which contacts of one import a list shows."""

    NEW = "new"  # the import created them
    MERGED = "merged"  # it added to contacts the user had already


def list_contacts(
    session: Session,
    *,
    owner: User,
    query: str = "",
    page: int = 1,
    per_page: int = 50,
    import_id: uuid.UUID | None = None,
    from_import: FromImport = FromImport.NEW,
    text_ids: bool = False,
) -> Page:
    """One page of the owner's contacts in name order, narrowed by every word of ``query``
    and, with ``import_id`` (an import of the owner's: the caller checks), to what that
    import created or merged into.

    The items are plain rows of the columns a list shows (``LIST_COLUMNS``), not ORM
    objects: building 50 full contacts costs more than the query. With ``text_ids`` each
    row's id is the text of the UUID (``LIST_COLUMNS_TEXT_ID``), for a page that only
    prints it.

    Decisions: the whole list (no search, no import) is the page everybody opens, and its
    count and ``OFFSET`` walked every contact before the page (10,000 index entries at page
    200, a count(*) on each request). It now takes a page that starts at its first row's
    key (``ListIndex``, cached per version of the contacts), so the cost no longer grows
    with the list. The page statement itself checks that the contacts are still at the
    index's version (one statement, not a version statement before it; its rows and the
    check are read together); when they are not it returns nothing, and the index is read
    again. A search or an import's list keeps count and OFFSET: both are narrower, and a
    search's count is no dearer than its page.
    """
    page = max(1, page)
    if not query.split() and import_id is None:
        return _whole_list_page(
            session, owner=owner, page=page, per_page=per_page, text_ids=text_ids
        )
    where: list[Any] = [Contact.owner_id == owner.id]
    if import_id is not None:
        where.append(_of_import(import_id, from_import))
    for word in query.split():
        variants = search_words(word)
        where.append(
            or_(*(col(Contact.search_text).contains(v, autoescape=True) for v in variants))
        )
    total = session.exec(select(func.count()).select_from(Contact).where(*where)).one()
    items = (
        session.connection()
        .execute(
            select(*(LIST_COLUMNS_TEXT_ID if text_ids else LIST_COLUMNS))
            .where(*where)
            .order_by(col(Contact.sort_key), col(Contact.id))
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        .all()
    )
    return Page(items=items, page=page, per_page=per_page, total=total)


def _whole_list_page(
    session: Session, *, owner: User, page: int, per_page: int, text_ids: bool
) -> Page:
    index = _LIST_INDEXES.get((owner.id, per_page))
    if index is not None and page <= len(index.starts):
        items = _page_at(
            session, owner=owner, index=index, page=page, per_page=per_page, text_ids=text_ids
        )
        if items:  # else the contacts changed since this index was read
            return Page(items=items, page=page, per_page=per_page, total=index.total)
    index = _list_index(session, owner=owner, per_page=per_page)
    if page > len(index.starts):  # past the end (the view redirects), or no contacts
        return Page(items=[], page=page, per_page=per_page, total=index.total)
    items = _page_at(
        session, owner=owner, index=index, page=page, per_page=per_page, text_ids=text_ids
    )
    return Page(items=items, page=page, per_page=per_page, total=index.total)


def _page_at(
    session: Session, *, owner: User, index: ListIndex, page: int, per_page: int, text_ids: bool
) -> Sequence[Any]:
    """Page ``page`` of ``index`` (1 to its length), empty if the contacts have changed
    since the index was read."""
    sort_key, start_id = index.starts[page - 1]
    newest, changed = index.version
    return (
        session.connection()
        .execute(
            _PAGE_FROM[text_ids],
            {
                "owner_id": owner.id,
                "sort_key": sort_key,
                "start_id": start_id,
                "per_page": per_page,
                "newest": newest,
                "changed": changed,
            },
        )
        .all()
    )


def _of_import(import_id: uuid.UUID, kind: FromImport) -> Any:
    created = select(ImportChange.contact_id).where(
        ImportChange.import_id == import_id, ImportChange.action == "created"
    )
    if kind is FromImport.NEW:
        return col(Contact.id).in_(created)
    # merged: a source from this import (a merge that changed nothing still adds one) or a
    # recorded merge, and not created by it
    touched = or_(
        col(Contact.id).in_(
            select(ContactSource.contact_id).where(ContactSource.import_id == import_id)
        ),
        col(Contact.id).in_(
            select(ImportChange.contact_id).where(
                ImportChange.import_id == import_id, ImportChange.action == "merged"
            )
        ),
    )
    return touched & ~col(Contact.id).in_(created)


def count_contacts(session: Session, *, owner: User) -> dict[str, int]:
    """How many contacts the owner has, per relationship stage and in all."""
    rows = session.exec(
        select(Contact.stage, func.count())
        .where(Contact.owner_id == owner.id)
        .group_by(col(Contact.stage))
    ).all()
    counts = {stage.value: 0 for stage in Stage} | {stage: n for stage, n in rows}
    counts["total"] = sum(n for _, n in rows)
    return counts


def recent_contacts(session: Session, *, owner: User, limit: int = 5) -> Sequence[Contact]:
    return session.exec(
        select(Contact)
        .where(Contact.owner_id == owner.id)
        .order_by(col(Contact.created_at).desc())
        .limit(limit)
    ).all()


def contact_to_input(contact: Contact) -> ContactInput:
    return ContactInput(
        **{name: getattr(contact, name) for name in SCALAR_FIELDS},
        emails=[e.address for e in contact.emails],
        phones=[p.number for p in contact.phones],
        accounts=[Account(a.network, a.account_id, a.handle, a.url) for a in contact.accounts],
        topics=[t.name for t in contact.topics],
        mutual_networks=sorted({a.network for a in contact.accounts if a.mutual}),
    )


def contact_to_dict(contact: Contact) -> dict[str, object]:
    """The contact in the export shape of the CLI contract (`planner contacts export`)."""
    return {
        "id": str(contact.id),
        "display_name": contact.display_name,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "nickname": contact.nickname,
        "organization": contact.organization,
        "title": contact.title,
        "emails": [e.address for e in contact.emails],
        "phones": [p.number for p in contact.phones],
        "accounts": [
            {"network": a.network, "id": a.account_id, "handle": a.handle, "url": a.url}
            for a in contact.accounts
        ],
        "city": contact.city,
        "region": contact.region,
        "postal_code": contact.postal_code,
        "country": contact.country,
        "lat": contact.lat,
        "lon": contact.lon,
        "location_text": contact.location_text,
        "birthday": contact.birthday,
        "topics": [t.name for t in contact.topics],
        "notes": contact.notes,
        "sources": [
            {
                "format": s.format,
                "file": s.file,
                "connected_on": s.connected_on.isoformat() if s.connected_on else None,
            }
            for s in contact.sources
        ],
        "stage": contact.stage,
        "last_met": contact.last_met.isoformat() if contact.last_met else None,
        "address_form": contact.address_form,
    }


_CHILD_COLLECTIONS: tuple[Any, ...] = (
    Contact.emails,
    Contact.phones,
    Contact.accounts,
    Contact.topics,
    Contact.sources,
)


def export_contacts(session: Session, *, owner: User) -> list[dict[str, object]]:
    contacts = session.exec(
        select(Contact)
        .where(Contact.owner_id == owner.id)
        .order_by(col(Contact.sort_key), col(Contact.id))
        .options(*(selectinload(rel) for rel in _CHILD_COLLECTIONS))
    ).all()
    return [contact_to_dict(c) for c in contacts]
