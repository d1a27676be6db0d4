"""Deduplication, pure: which imported record becomes a new contact, which merges where.

Strong evidence merges automatically: the same normalised e-mail, the same phone in E.164,
the same network account (id, handle or profile URL). Records that share a key with each
other become one contact; a group that shares a key with an existing contact merges into it.
"""

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from planner.contacts.service import ContactInput
from planner.identifiers import account_keys, normalize_email, normalize_phone
from planner.importers.records import ContactRecord


def record_keys(
    emails: Iterable[str], phones: Iterable[str], accounts: Iterable[object]
) -> set[str]:
    """The strong-evidence keys of a contact or record."""
    keys = {f"email:{n}" for n in map(normalize_email, emails) if n}
    keys |= {f"phone:{n}" for n in map(normalize_phone, phones) if n}
    for account in accounts:
        keys.update(account_keys(account))  # type: ignore[arg-type]
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
    multi-valued fields are united, a different note is appended."""
    merged = replace(base)
    for name in (
        "first_name",
        "last_name",
        "display_name",
        "nickname",
        "organization",
        "title",
        "birthday",
    ):
        if not getattr(merged, name) and getattr(new, name):
            setattr(merged, name, getattr(new, name))
    if not (base.city or base.country or base.lat is not None) and (
        new.city or new.country or new.location_text or new.lat is not None
    ):
        for name in ("city", "region", "postal_code", "country", "lat", "lon", "location_text"):
            setattr(merged, name, getattr(new, name))
    elif not base.location_text and new.location_text:
        merged.location_text = new.location_text
    merged.emails = _union(base.emails, new.emails, normalize_email)
    merged.phones = _union(base.phones, new.phones, normalize_phone)
    known = {k for a in base.accounts for k in account_keys(a)}
    merged.accounts = list(base.accounts) + [
        a for a in dict.fromkeys(new.accounts) if not (set(account_keys(a)) & known)
    ]
    merged.topics = _union(base.topics, new.topics, lambda t: t.casefold())
    if new.notes and new.notes not in (base.notes or ""):
        merged.notes = f"{base.notes}\n\n{new.notes}" if base.notes else new.notes
    return merged


def _union(old: list[str], new: list[str], norm: object) -> list[str]:
    seen = {norm(v) or v for v in old}  # type: ignore[operator]
    out = list(old)
    for value in new:
        key = norm(value) or value  # type: ignore[operator]
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


@dataclass
class Group:
    """Records that are one person; ``target`` is the existing contact they merge into."""

    records: list[tuple[int, int]] = field(default_factory=list)  # (file index, record index)
    target: uuid.UUID | None = None


def plan_groups(files: list[list[ContactRecord]], existing: Mapping[str, uuid.UUID]) -> list[Group]:
    """Group the records of all files by shared keys (union-find) and attach each group to
    the existing contact one of its keys points at (the first such key in record order)."""
    parent: dict[tuple[int, int], tuple[int, int]] = {}

    def find(x: tuple[int, int]) -> tuple[int, int]:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner_of_key: dict[str, tuple[int, int]] = {}
    keys_of: dict[tuple[int, int], set[str]] = {}
    for f, records in enumerate(files):
        for r, record in enumerate(records):
            ref = (f, r)
            parent[ref] = ref
            keys = record_keys(record.emails, record.phones, record.accounts)
            keys_of[ref] = keys
            for key in keys:
                other = owner_of_key.setdefault(key, ref)
                if other != ref:
                    a, b = find(other), find(ref)
                    if a != b:
                        parent[max(a, b)] = min(a, b)  # the earliest record leads the group
    groups: dict[tuple[int, int], Group] = {}
    for ref in parent:  # insertion order = file order, record order
        group = groups.setdefault(find(ref), Group())
        group.records.append(ref)
        if group.target is None:
            group.target = next((existing[k] for k in sorted(keys_of[ref]) if k in existing), None)
    return list(groups.values())
