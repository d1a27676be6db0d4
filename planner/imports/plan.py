"""Deduplication, pure: which imported record becomes a new contact, which merges where.

Strong evidence merges automatically: the same normalised e-mail, the same phone in E.164,
the same network account (id, handle or profile URL). Records that share a key with each
other become one contact; a group that shares a key with an existing contact merges into it.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from planner.contacts.service import ContactInput
from planner.identifiers import Account, account_key_tuple, normalize_email, normalize_phone
from planner.importers.records import ContactRecord

_FILLED = (
    "first_name",
    "last_name",
    "display_name",
    "nickname",
    "organization",
    "title",
    "birthday",
)
_LOCATION = ("city", "region", "postal_code", "country", "lat", "lon", "location_text")


def record_keys(
    emails: Iterable[str], phones: Iterable[str], accounts: Iterable[Account]
) -> set[str]:
    """The strong-evidence keys of a contact or record."""
    keys: set[str] = set()
    for email in emails:
        if normalized := normalize_email(email):
            keys.add("email:" + normalized)
    for phone in phones:
        if e164 := normalize_phone(phone):
            keys.add("phone:" + e164)
    for account in accounts:
        keys.update(account_key_tuple(account))
    return keys


def record_input(record: ContactRecord) -> ContactInput:
    """An imported record as contact data (nothing invented: the record's own fields)."""
    return ContactInput(
        first_name=record.first_name,
        last_name=record.last_name,
        display_name=record.display_name or (record.label if not record.person_name() else None),
        nickname=record.nickname,
        organization=record.organization,
        title=record.title,
        emails=list(record.emails),
        phones=list(record.phones),
        accounts=list(record.accounts),
        mutual_networks=sorted({a.network for a in record.accounts}) if record.mutual else [],
        city=record.city,
        region=record.region,
        postal_code=record.postal_code,
        country=record.country,
        lat=record.lat,
        lon=record.lon,
        location_text=record.location_text,
        birthday=record.birthday,
        topics=list(record.topics),
        notes=record.notes,
    )


def merge_inputs(base: ContactInput, new: ContactInput) -> ContactInput:
    """``base`` completed by ``new``: what the user has stays, empty fields are filled,
    multi-valued fields are united, a different note is appended. ``base`` itself when
    ``new`` adds nothing (re-importing the same export is mostly that)."""
    changes: dict[str, Any] = {}
    for name in _FILLED:
        if not getattr(base, name) and (value := getattr(new, name)):
            changes[name] = value
    if not (base.city or base.country or base.lat is not None) and (
        new.city or new.country or new.location_text or new.lat is not None
    ):
        for name in _LOCATION:
            if getattr(base, name) != (value := getattr(new, name)):
                changes[name] = value
    elif not base.location_text and new.location_text:
        changes["location_text"] = new.location_text
    for name, norm in _UNITED:
        old = getattr(base, name)
        if (united := _union(old, getattr(new, name), norm)) is not old:
            changes[name] = united
    known = {k for a in base.accounts for k in account_key_tuple(a)}
    added = [a for a in dict.fromkeys(new.accounts) if known.isdisjoint(account_key_tuple(a))]
    if added:
        changes["accounts"] = [*base.accounts, *added]
    if new.notes and new.notes not in (base.notes or ""):
        changes["notes"] = f"{base.notes}\n\n{new.notes}" if base.notes else new.notes
    return replace(base, **changes) if changes else base


def _union(old: list[str], new: list[str], norm: Callable[[str], str | None]) -> list[str]:
    """``old`` and the values of ``new`` it lacks (compared by ``norm``); ``old`` itself when
    it lacks none."""
    seen = {norm(v) or v for v in old}
    added: list[str] = []
    for value in new:
        key = norm(value) or value
        if key not in seen:
            seen.add(key)
            added.append(value)
    return [*old, *added] if added else old


_UNITED: tuple[tuple[str, Callable[[str], str | None]], ...] = (
    ("emails", normalize_email),
    ("phones", normalize_phone),
    ("topics", str.casefold),
    ("mutual_networks", str.casefold),
)


@dataclass(slots=True)
class Group:
    """Records that are one person; ``target`` is the existing contact they merge into."""

    records: list[tuple[int, int]] = field(default_factory=list)  # (file index, record index)
    target: uuid.UUID | None = None


def plan_groups(files: list[list[ContactRecord]], existing: Mapping[str, uuid.UUID]) -> list[Group]:
    """Group the records of all files by shared keys (union-find) and attach each group to
    the existing contact one of its keys points at (the first such key in record order)."""
    refs: list[tuple[int, int]] = []  # record number -> (file index, record index)
    parent: list[int] = []
    targets: list[uuid.UUID | None] = []  # per record: the existing contact its keys name

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner_of_key: dict[str, int] = {}
    for f, records in enumerate(files):
        for r, record in enumerate(records):
            ref = len(refs)
            refs.append((f, r))
            parent.append(ref)
            keys = record_keys(record.emails, record.phones, record.accounts)
            known = [k for k in keys if k in existing]
            targets.append(existing[min(known)] if known else None)  # the first key, sorted
            for key in keys:
                other = owner_of_key.setdefault(key, ref)
                if other != ref:
                    a, b = find(other), find(ref)
                    if a != b:
                        parent[max(a, b)] = min(a, b)  # the earliest record leads the group
    groups: dict[int, Group] = {}
    for ref, (record_ref, target) in enumerate(zip(refs, targets, strict=True)):
        root = find(ref)
        group = groups.get(root)
        if group is None:
            group = groups[root] = Group()
        group.records.append(record_ref)
        if group.target is None:
            group.target = target
    return list(groups.values())
