"""The whole account as one JSON document (`planner account export` / `import`).

Decisions:

* What goes: settings, topics and the synonym table, contacts (the `contacts export`
  document, each with its ``id``), trips and legs, meetings with their people and answers,
  trip decisions, follow-ups, keep in touch, notes and stage history, calendar addresses.
  Features with tables of their own add a ``Section`` (``register``): get-togethers, event
  feeds. What does not go: derived data (interests, busy times, placed-by-geocoder caches),
  import history (its undo belongs to the old account), sign-ins and sessions, secrets
  (password, feed token, invite tokens: capabilities of the old account), copies of other
  people's data (a calendar's events: the address goes, the worker reads it again).
* References between rows are the old ids; reading the document maps each to a new id, so
  the same document can be read into several accounts of one server. Rows are ordered by
  their content (references resolved to the referenced row's place), so exporting the
  imported account again gives the same document apart from ids, tokens and import times.
* Reading is all or nothing, and only into an empty account (no contacts, trips, meetings):
  merging two accounts' histories is a different feature.
"""

import hashlib
import json
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session, SQLModel, col

from planner.models import (
    CalendarKind,
    CalendarSource,
    CalendarStatus,
    Contact,
    Meeting,
    MeetingAttendee,
    SuggestionDecision,
    TopicVocabulary,
    Trip,
    TripLeg,
    User,
    UserTopic,
)
from planner.models.event import EventDecision, EventFeed, EventFeedKind, EventFeedStatus
from planner.models.gathering import (
    Gathering,
    GatheringAnswer,
    GatheringInvitee,
    GatheringOption,
)
from planner.models.relationship import FollowUp, KeepInTouch, TimelineEntry
from planner.models.travel import TravelFeed

FORMAT = "treffpunkt-account"
VERSION = 1

SETTINGS = (
    "locale",
    "home_city",
    "home_country",
    "home_lat",
    "home_lon",
    "display_name",
    "meeting_day_start",
    "meeting_day_end",
    "meeting_minutes",
    "meeting_buffer_minutes",
    "meetings_per_day",
    "meeting_weekdays",
    "followup_days",
    "meeting_alarm_minutes",
    "digest",  # off/daily/weekly (when it last went out is not taken along)
)


class AccountError(ValueError):
    """The document cannot be read into this account; says which part and why."""


@dataclass(frozen=True)
class Section:
    """One table of the account in the document.

    ``key``: its name in the document; ``columns``: what is carried (plain values, dates
    and datetimes as ISO 8601, JSON as is); ``refs``: column -> section it points to
    (``contacts`` for contacts); ``new_id``: the primary key column made anew on import
    (None: no id of its own); ``fresh``: columns made anew on import (a meeting's UID);
    ``where``: which of the owner's rows go; ``defaults``: columns set on import only.
    A reference to a section listed later (a column without a foreign key) works too:
    every row's new id is made before any row is written.
    """

    key: str
    model: type[SQLModel]
    columns: tuple[str, ...]
    refs: dict[str, str] = field(default_factory=dict)
    new_id: str | None = None
    fresh: dict[str, Callable[[], Any]] = field(default_factory=dict)
    where: Callable[[Any], Any] | None = None
    defaults: dict[str, Any] = field(default_factory=dict)


def _new_meeting_uid() -> str:
    from planner.models.meeting import new_meeting_uid

    return new_meeting_uid()


def _new_gathering_uid() -> str:
    from planner.models.gathering import new_gathering_uid

    return new_gathering_uid()


def _dead_token_hash() -> str:
    """An invite link is a capability of the old account: the new one gets a hash no token
    was ever made for (the organiser makes new links from the get-together's page)."""
    return hashlib.sha256(secrets.token_bytes(32)).hexdigest()


SECTIONS: list[Section] = [
    Section("topics", UserTopic, ("name",)),
    Section("trips", Trip, ("title", "notes"), new_id="id"),
    Section(
        "trip_legs",
        TripLeg,
        (
            "place_text",
            "city",
            "region",
            "country",
            "lat",
            "lon",
            "timezone",
            "arrives_at",
            "departs_at",
            "radius_km",
        ),
        refs={"trip_id": "trips"},
        new_id="id",
    ),
    Section(
        "meetings",
        Meeting,
        (
            "status",
            "sequence",
            "title",
            "notes",
            "venue",
            "venue_lat",
            "venue_lon",
            "starts_at",
            "ends_at",
            "timezone",
            "sent_sequence",
            "sent_at",
        ),
        refs={"trip_leg_id": "trip_legs"},
        new_id="id",
        fresh={"uid": _new_meeting_uid},
    ),
    Section(
        "meeting_people",
        MeetingAttendee,
        ("partstat", "stage_before"),
        refs={"meeting_id": "meetings", "contact_id": "contacts"},
    ),
    Section(
        "trip_decisions",
        SuggestionDecision,
        ("decision",),
        refs={"contact_id": "contacts", "trip_id": "trips"},
    ),
    Section(
        "timeline",
        TimelineEntry,
        ("at", "kind", "text", "data"),
        refs={"contact_id": "contacts"},
    ),
    Section(
        "gatherings",
        Gathering,
        (
            "title",
            "city",
            "country",
            "lat",
            "lon",
            "radius_km",
            "topics",
            "timezone",
            "minutes",
            "deadline",
            "message",
            "venue",
            "venue_lat",
            "venue_lon",
            "status",
            "sequence",
            "show_answers",
        ),
        refs={"previous_id": "gatherings", "chosen_option_id": "gathering_options"},
        new_id="id",
        fresh={"uid": _new_gathering_uid},
    ),
    Section(
        "gathering_options",
        GatheringOption,
        ("starts_at", "ends_at"),
        refs={"gathering_id": "gatherings"},
        new_id="id",
    ),
    Section(
        "gathering_invitees",
        GatheringInvitee,
        (
            "revoked",
            "language",
            "informal",
            "reasons",
            "name",
            "comment",
            "answered_at",
            "attended",
            "missed_last",
            "mailed_at",
        ),
        refs={"gathering_id": "gatherings", "contact_id": "contacts"},
        new_id="id",
        fresh={"token_hash": _dead_token_hash},
    ),
    Section(
        "gathering_answers",
        GatheringAnswer,
        ("value",),
        refs={"invitee_id": "gathering_invitees", "option_id": "gathering_options"},
    ),
    Section(
        "followups",
        FollowUp,
        ("kind", "due", "first_due", "about", "status", "note", "done_at"),
        refs={"contact_id": "contacts", "meeting_id": "meetings", "gathering_id": "gatherings"},
        new_id="id",
    ),
    Section("keep_in_touch", KeepInTouch, ("every_weeks",), refs={"contact_id": "contacts"}),
    Section(
        "calendars",
        CalendarSource,
        ("name", "kind", "url"),
        new_id="id",
        # an uploaded calendar is a copy of what it held (busy times): only addresses go
        where=lambda model: col(model.kind) == CalendarKind.URL.value,
        # read again by the worker after the import
        defaults={"status": CalendarStatus.QUEUED.value},
    ),
    Section(
        "event_feeds",
        EventFeed,
        ("kind", "url", "title"),
        new_id="id",
        where=lambda model: col(model.kind) == EventFeedKind.URL.value,
        defaults={"status": EventFeedStatus.QUEUED.value},
    ),
    Section("event_decisions", EventDecision, ("uid", "recurrence_id", "decision")),
    # travel calendar addresses; the journeys they propose are read again from them
    Section("travel_feeds", TravelFeed, ("name", "url"), new_id="id"),
]


def register(section: Section, *, after: str | None = None) -> None:
    """A feature's table joins the document (after the section it refers to)."""
    if any(s.key == section.key for s in SECTIONS):
        return
    if after is None:
        SECTIONS.append(section)
    else:
        SECTIONS.insert(next(i for i, s in enumerate(SECTIONS) if s.key == after) + 1, section)


# --- export ------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _ordered(
    rows: list[dict[str, Any]], refs: dict[str, str], places: dict[str, dict[str, int]]
) -> list[dict[str, Any]]:
    """Rows by their content, each reference replaced by the referenced row's place."""

    def key(row: dict[str, Any]) -> str:
        content = {
            name: (places.get(refs[name], {}).get(value, -1) if name in refs else value)
            for name, value in row.items()
            if name != "id"
        }
        return json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)

    return sorted(rows, key=key)


def export_account(session: Session, *, owner: User) -> dict[str, Any]:
    from planner.contacts.service import export_contacts
    from planner.trips.interests import vocabulary_of

    places: dict[str, dict[str, int]] = {}
    contacts = _ordered([dict(c) for c in export_contacts(session, owner=owner)], {}, places)
    places["contacts"] = {str(c["id"]): n for n, c in enumerate(contacts)}
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "settings": {name: getattr(owner, name) for name in SETTINGS},
        "topic_synonyms": _vocabulary_text(session, owner, vocabulary_of),
        "contacts": contacts,
    }
    for section in SECTIONS:
        model: Any = section.model
        query = select(model).where(col(model.owner_id) == owner.id)
        if section.where is not None:
            query = query.where(section.where(model))
        rows = []
        for row in session.scalars(query):
            data = {}
            if section.new_id:
                data["id"] = _plain(getattr(row, section.new_id))
            for name in (*section.refs, *section.columns):
                data[name] = _plain(getattr(row, name))
            rows.append(data)
        rows = _ordered(rows, section.refs, places)
        if section.new_id:
            places[section.key] = {row["id"]: n for n, row in enumerate(rows)}
        document[section.key] = rows
    return document


def _vocabulary_text(session: Session, owner: User, _vocabulary_of: Any) -> str | None:
    row = session.get(TopicVocabulary, owner.id)
    return row.text if row is not None else None  # None: the shipped defaults


# --- import ------------------------------------------------------------------------------


def _is_empty(session: Session, owner: User) -> bool:
    for model in (Contact, Trip, Meeting):
        count = session.scalar(
            select(func.count()).select_from(model).where(col(model.owner_id) == owner.id)
        )
        if count:
            return False
    return True


def _value(model: Any, name: str, value: Any, where: str) -> Any:
    """A document value as the column wants it (dates, datetimes, uuids from text)."""
    if value is None:
        return None
    column = model.__table__.c[name]
    kind = getattr(column.type, "impl", column.type)  # UTCDateTime: the DateTime it wraps
    try:
        python_type = kind.python_type
    except NotImplementedError:
        return value
    try:
        if python_type is datetime:
            moment = datetime.fromisoformat(str(value))
            if moment.tzinfo is None:
                raise AccountError(f"{where}: '{name}' needs a time zone offset")
            return moment
        if python_type is date:
            return date.fromisoformat(str(value))
        if python_type is uuid.UUID:
            return uuid.UUID(str(value))
        if python_type is float:
            return float(value)
        if python_type is int and not isinstance(value, bool):
            return int(value)
        if python_type is bool:
            return bool(value)
        if python_type is str:
            if not isinstance(value, str):
                raise AccountError(f"{where}: '{name}' must be text")
            return value
    except (TypeError, ValueError) as error:
        raise AccountError(f"{where}: '{name}' has an unreadable value {value!r}") from error
    return value


def _rows(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    rows = document.get(key) or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise AccountError(f"'{key}' must be a list of objects")
    return rows


def import_account(session: Session, *, owner: User, document: Any, name: str) -> dict[str, int]:
    """Read an exported account into ``owner``'s empty account (all or nothing: the caller
    commits only when this returns). Returns how many rows each section brought."""
    from planner.contacts.service import contacts_changed
    from planner.imports.portable import DocumentError, import_document

    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise AccountError(f"not a Treffpunkt account export (format {FORMAT!r})")
    if document.get("version") != VERSION:
        raise AccountError(f"version {document.get('version')!r} is not known (expected 1)")
    if not _is_empty(session, owner):
        raise AccountError("the account is not empty: read an account export into a new one")

    settings = document.get("settings") or {}
    if not isinstance(settings, dict):
        raise AccountError("'settings' must be an object")
    for key in SETTINGS:
        if key in settings:
            setattr(owner, key, _value(User, key, settings[key], "settings"))
    session.add(owner)

    synonyms = document.get("topic_synonyms")
    if synonyms is not None:
        if not isinstance(synonyms, str):
            raise AccountError("'topic_synonyms' must be text")
        session.merge(TopicVocabulary(owner_id=owner.id, text=synonyms))

    contacts = _rows(document, "contacts")
    ids: dict[str, dict[str, Any]] = {"contacts": {}}
    new_contact_ids = [uuid.uuid4() for _ in contacts]
    for number, (entry, new) in enumerate(zip(contacts, new_contact_ids, strict=True), 1):
        old = entry.get("id")
        if not isinstance(old, str):
            raise AccountError(f"contact {number}: needs its 'id'")
        ids["contacts"][old] = new
    try:
        import_document(session, owner=owner, document=contacts, name=name, ids=new_contact_ids)
    except DocumentError as error:
        raise AccountError(str(error)) from error

    counts = {"contacts": len(contacts)}
    tables = {section.key: _rows(document, section.key) for section in SECTIONS}
    # every new id first: a reference may point to a later section or the same one
    for section in SECTIONS:
        ids[section.key] = {}
        if section.new_id is None:
            continue
        for number, entry in enumerate(tables[section.key], start=1):
            old_id = entry.get("id")
            if not isinstance(old_id, str):
                raise AccountError(f"{section.key} {number}: needs its 'id'")
            ids[section.key][old_id] = uuid.uuid4()
    for section in SECTIONS:
        model: Any = section.model
        made = []
        for number, entry in enumerate(tables[section.key], start=1):
            where = f"{section.key} {number}"
            values: dict[str, Any] = {"owner_id": owner.id, **section.defaults}
            for column, target in section.refs.items():
                old = entry.get(column)
                if old is None:
                    values[column] = None
                    continue
                if str(old) not in ids[target]:
                    raise AccountError(f"{where}: '{column}' points to no {target} entry")
                values[column] = ids[target][str(old)]
            for column in section.columns:
                if column in entry:
                    values[column] = _value(model, column, entry[column], where)
            for column, make in section.fresh.items():
                values[column] = make()
            if section.new_id:
                values[section.new_id] = ids[section.key][str(entry["id"])]
            made.append(values)
        self_referring = any(target == section.key for target in section.refs.values())
        for values in _referenced_first(made, section):
            session.add(model(**values))
            if self_referring:
                session.flush()  # the row it points to is written before it
        session.flush()
        counts[section.key] = len(made)
    contacts_changed(session, owner_ids=[owner.id])
    session.flush()
    return counts


def _referenced_first(rows: list[dict[str, Any]], section: Section) -> list[dict[str, Any]]:
    """Rows in an order where a row pointing to its own table comes after the row it points
    to (a get-together's previous one)."""
    own = [column for column, target in section.refs.items() if target == section.key]
    if not own or section.new_id is None:
        return rows
    key = section.new_id
    done: set[Any] = set()
    ordered: list[dict[str, Any]] = []
    waiting = list(rows)
    while waiting:
        ready = [r for r in waiting if all(r[c] is None or r[c] in done for c in own)]
        if not ready:  # a cycle: it cannot come from an export
            raise AccountError(f"{section.key}: the entries point to each other in a circle")
        for row in ready:
            ordered.append(row)
            done.add(row[key])
        waiting = [r for r in waiting if r[key] not in done]
    return ordered


def without_ids(document: Any, drop: Iterable[str] = ("id", "uid")) -> Any:
    """The document with ids and references left out (what two exports must agree on)."""
    dropped = set(drop)
    if isinstance(document, dict):
        return {
            key: without_ids(value, drop)
            for key, value in document.items()
            if key not in dropped and not key.endswith("_id")
        }
    if isinstance(document, list):
        return [without_ids(item, drop) for item in document]
    return document
