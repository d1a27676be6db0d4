"""Deduplication, pure: which imported record becomes a new contact, which merges where.

Strong evidence: the same normalised e-mail, the same phone in E.164, the same network
account (id, handle or profile URL). Records that share a key with each other become one
contact, and a group that shares a key with an existing contact merges into it, when their
names agree (``evidence.names_agree``) or one side has none. Otherwise they stay apart and
the pair is *held apart*: listed in the preview with the shared key, and suggested as a
possible duplicate after the import (``duplicates.service.find_suggestions``).

Decisions:
- Names decide for e-mail addresses, phone numbers and websites: a family landline, an
  office switchboard, a team inbox or a company homepage is shared by different people. In a
  real 2,279-row Google Contacts export, 54 groups of rows whose names shared no word were
  merged on such keys, one number shared by seven names among them.
- A social-network account (id, handle, profile URL) merges whatever the names say: a
  profile belongs to one person, and its display name is whatever its owner chose last ("Anna
  Berg" renamed "anna 🌊 on holiday" on X is still Anna). A website is not such a profile.
- Transitivity: a group only takes in a record (or another group) whose name agrees with
  every name already in it, so a chain of keys (Anna's e-mail -> the landline -> Peter)
  cannot join two people whose names disagree. Once an account joins a name in, that name
  constrains the group too: the rule only ever keeps more apart.
- One existing contact per group: a group that would reach two existing contacts stays with
  the first. The two contacts then share the key and are suggested as possible duplicates;
  the preview does not list such pairs (both are already the user's, kept apart: a
  re-import of a family landline would otherwise list the family again).
- A key is compared with at most ``MAX_HOLDERS`` groups holding it: a switchboard in a large
  address book would otherwise cost a comparison with every contact behind it.
"""

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from planner.contacts.fields import TEXT_FIELDS
from planner.contacts.service import ContactInput
from planner.duplicates.evidence import key_reason, name_words, names_agree
from planner.identifiers import (
    NETWORKS,
    Account,
    account_key_tuple,
    normalize_email,
    normalize_phone,
)
from planner.importers.records import ContactRecord

_LOCATION = ("city", "region", "postal_code", "country", "lat", "lon", "location_text")
# The text a merge fills where the contact has none: the place moves whole (_LOCATION),
# notes are appended.
_FILLED = tuple(name for name in TEXT_FIELDS if name not in _LOCATION and name != "notes")


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


MAX_HOLDERS = 20  # groups a new record is compared with through one key
_PERSONAL = tuple(f"{n}:" for n in NETWORKS if n != "website")  # a profile is one person's

Ref = tuple[int, int]  # (file index, record index)


@dataclass(slots=True)
class Group:
    """Records that are one person; ``target`` is the existing contact they merge into."""

    records: list[Ref] = field(default_factory=list)
    target: uuid.UUID | None = None


class Known(NamedTuple):
    """An existing contact, as a side of a merge or of a pair held apart."""

    id: uuid.UUID
    name: str  # display name


@dataclass(slots=True)
class Existing:
    """The owner's contacts as far as planning needs them: who holds each key (as positions
    in ``ids``: planning then never hashes a UUID), and names (display, first, last,
    organisation), put into words only for the contacts a key reaches."""

    ids: list[uuid.UUID] = field(default_factory=list)
    # a key's holder, or its holders when there are several (most keys have one: no list)
    keys: dict[str, int | list[int]] = field(default_factory=dict)
    names: dict[uuid.UUID, tuple[str, str | None, str | None, str | None]] = field(
        default_factory=dict
    )
    _position: dict[uuid.UUID, int] = field(default_factory=dict)

    def add_key(self, key: str, contact_id: uuid.UUID) -> None:
        position = self._position.get(contact_id)
        if position is None:
            position = self._position[contact_id] = len(self.ids)
            self.ids.append(contact_id)
        held = self.keys.get(key)
        if held is None:
            self.keys[key] = position
        elif isinstance(held, int):
            if held != position:
                self.keys[key] = [held, position]
        elif position not in held:
            held.append(position)

    def holders(self, key: str) -> list[int]:
        held = self.keys.get(key)
        return [] if held is None else [held] if isinstance(held, int) else held

    def display(self, position: int) -> str:
        return self.names.get(self.ids[position], ("",))[0]

    def words(self, position: int) -> tuple[str, ...]:
        none = ("", None, None, None)
        display, first, last, organization = self.names.get(self.ids[position], none)
        return name_words(display, first_name=first, last_name=last, organization=organization)


@dataclass(slots=True)
class Pair:
    """A record and what it merged with (or was held apart from): another record of the
    batch or an existing contact, with the keys they share."""

    record: Ref
    other: "Ref | Known"
    keys: tuple[str, ...]
    same_name: bool  # written alike on both sides (casefolded): nothing for the user to check

    def reasons(self) -> list[dict[str, Any]]:
        return [key_reason(k) for k in self.keys]


Link = tuple[int, int, str, bool]  # record node, the node it met, the key, names written alike


@dataclass(slots=True)
class Plan:
    groups: list[Group]
    apart: list[Pair]  # shared a key, names disagree: two contacts, a possible duplicate
    links: list[Link]  # one per merge (union): made into Pairs only where they are shown
    refs: list[Ref]  # record node -> (file, record)
    pair: Callable[[int, int, str], Pair]

    def merges(self) -> list[Pair]:
        """Every merge: the record that joined, and whom it joined (a re-import of 30,000
        records has 30,000 of them: ``listed_merges`` builds only those it shows)."""
        return [self.pair(a, b, key) for a, b, key, _same in self.links]

    def listed_merges(self, files: int, limit: int) -> list[tuple[list[Pair], int]]:
        """Per file: its first ``limit`` merges, names written differently first (those are
        the ones to check), and how many more it has."""
        per_file: list[list[Link]] = [[] for _ in range(files)]
        for link in self.links:
            per_file[self.refs[link[0]][0]].append(link)
        listed = []
        for links in per_file:
            links.sort(key=lambda link: link[3])  # stable: the file's order within
            shown = [self.pair(a, b, key) for a, b, key, _same in links[:limit]]
            listed.append((shown, len(links) - len(shown)))
        return listed


def record_words(record: ContactRecord) -> tuple[str, ...]:
    """The record's name for comparison (its own name, organisation, else its address)."""
    name = record.display_name or record.person_name() or record.organization
    if name is None:
        name = record.emails[0] if record.emails else None
    return name_words(
        name,
        first_name=record.first_name,
        last_name=record.last_name,
        organization=record.organization,
        handles=[a.handle for a in record.accounts if a.handle],
    )


def plan_groups(files: list[list[ContactRecord]], existing: Existing) -> Plan:
    """Group the records of all files by shared keys (union-find) where the names agree, and
    attach each group to the existing contact one of its keys points at."""
    refs: list[Ref] = [(f, r) for f, records in enumerate(files) for r in range(len(records))]
    count = len(refs)
    total = count + len(existing.ids)  # records are the first nodes, existing contacts after
    parent = list(range(total))
    # per root: the distinct names of the group; None while it is one node, not yet compared
    names: list[list[tuple[str, ...]] | None] = [None] * total
    target = [-1] * count + list(range(len(existing.ids)))  # per root: a position in ids
    holders: dict[str, int | list[int]] = {}  # a key's groups, as for Existing.keys
    merges: list[Link] = []
    apart: list[tuple[int, int, str]] = []

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def text(node: int) -> str:
        """The name as written, for the common case of the very same name on both sides."""
        if node >= count:
            return existing.display(node - count).casefold()
        record = files[refs[node][0]][refs[node][1]]
        return (record.display_name or record.person_name() or "").casefold()

    def names_of(root: int) -> list[tuple[str, ...]]:
        found = names[root]
        if found is None:  # one node: its own words, once they are needed
            if root >= count:
                words = existing.words(root - count)
            else:
                f, r = refs[root]
                words = record_words(files[f][r])
            found = names[root] = [words] if words else []
        return found

    def joinable(a: int, b: int, key: str) -> tuple[bool, bool]:
        """Whether the groups of ``a`` and ``b`` may join, and whether their names are
        written alike."""
        if target[a] >= 0 and target[b] >= 0:
            return False, False
        same = bool(written := text(a)) and written == text(b)
        if same and names[a] is None and names[b] is None:
            return True, True  # a re-import: the same name, not worth taking apart into words
        if key.startswith(_PERSONAL):
            return True, same
        return all(names_agree(x, y) for x in names_of(a) for y in names_of(b)), same

    def union(a: int, b: int, same: bool) -> None:
        root, other = min(a, b), max(a, b)  # the earliest record leads the group
        parent[other] = root
        target[root] = max(target[root], target[other])
        if same and names[root] is None and names[other] is None:
            return  # still one name, the leader's
        kept, more = names_of(root), names_of(other)
        kept.extend(n for n in more if n not in kept)

    for node, (f, r) in enumerate(refs):
        record = files[f][r]
        keys = record_keys(record.emails, record.phones, record.accounts)
        for key in sorted(keys) if len(keys) > 1 else keys:
            found = holders.get(key)
            if found is None:
                held = existing.holders(key)
                if not held:  # the common case: a key no one else has (yet)
                    holders[key] = node
                    continue
                found = count + held[0] if len(held) == 1 else [count + p for p in held]
            if isinstance(found, int):  # most keys: one holder, no list of roots to rebuild
                mine, theirs = find(node), find(found)
                if mine != theirs:
                    join, same = joinable(mine, theirs, key)
                    if join:
                        union(mine, theirs, same)
                        merges.append((node, found, key, same))
                        holders[key] = find(node)
                        continue
                    apart.append((node, found, key))
                    holders[key] = [theirs, mine]
                continue
            holding = found[:MAX_HOLDERS]
            roots: list[int] = []
            for holder in holding:
                mine, theirs = find(node), find(holder)
                if mine == theirs:
                    continue
                join, same = joinable(mine, theirs, key)
                if join:
                    union(mine, theirs, same)
                    merges.append((node, holder, key, same))
                else:
                    apart.append((node, holder, key))
            for holder in (*holding, node):
                if (root := find(holder)) not in roots:
                    roots.append(root)
            holders[key] = roots[0] if len(roots) == 1 else roots[:MAX_HOLDERS]

    def side(node: int) -> int:
        """A side as the user knows it: the existing contact its group goes into, if any."""
        position = target[find(node)]
        return count + position if position >= 0 else node

    shown_contacts: dict[int, Known] = {}

    def pair(a: int, b: int, key: str) -> Pair:
        """``a`` (the record that was being placed) and ``b`` as the user knows it."""
        shown = side(b)
        if shown < count:
            return Pair(refs[a], refs[shown], (key,), text(a) == text(shown))
        known = shown_contacts.get(shown)
        if known is None:
            position = shown - count
            known = shown_contacts[shown] = Known(
                existing.ids[position], existing.display(position)
            )
        return Pair(refs[a], known, (key,), text(a) == text(shown))

    def held_apart() -> list[Pair]:
        """One Pair per two groups, with all the keys they share; a pair whose sides ended in
        one group after all (through an account) is no longer apart, and two contacts the
        user already has apart (a re-import of the landline) are nothing new to show."""
        found: dict[tuple[int, int], Pair] = {}
        for a, b, key in apart:
            ra, rb = find(a), find(b)
            if ra == rb or (target[ra] >= 0 and target[rb] >= 0):
                continue
            index = (min(ra, rb), max(ra, rb))
            known = found.get(index)
            if known is None:
                found[index] = pair(a, b, key)
            elif key not in known.keys:
                known.keys = (*known.keys, key)
        return list(found.values())

    groups: dict[int, Group] = {}
    for node, ref in enumerate(refs):
        root = find(node)
        group = groups.get(root)
        if group is None:
            position = target[root]
            group = groups[root] = Group(target=existing.ids[position] if position >= 0 else None)
        group.records.append(ref)
    return Plan(
        groups=list(groups.values()), apart=held_apart(), links=merges, refs=refs, pair=pair
    )
