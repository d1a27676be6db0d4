"""Weak evidence that two contacts are one person, pure: people in, scored pairs out.

Names are compared with rapidfuzz, but never every name with every other: names are put
in blocks by the first three letters of each name word, and only members of a block are
compared (in C, one ``process.cdist`` per block, see the last decision). A similar name alone is
enough only when it is the same name after normalisation (titles, emoji and accents aside)
or nearly so; a looser match needs a shared organisation or city as well.

A shared strong identifier (e-mail address, phone number, website) between two contacts whose
names do not agree is evidence too (a family landline, an office switchboard, a team inbox:
the import keeps them apart, see ``planner.imports.plan``), named as the identifier itself.
``name_words`` and ``names_agree`` are the one rule of "these names may be one person" that the
import's automatic merges and this search share.

Decisions:
- Names agree when every word of the shorter name is a different word of the longer one, or
  its initial, and at least one whole word matches: "Anna Berg", "Dr. Anna Berg-Schmidt",
  "A. Berg", "Berg, Anna 🌊" and "anna.berg" (from an address) agree; "Anna Berg" and "Peter
  Berg" (a family landline) do not, nor do "Anna Berg" and "A. B." (no whole word). No fuzzy
  match on words: "Michael"/"Michaela", "Peter"/"Petra" share a landline too often, and a typo
  ("Lotte Brand"/"Lotte Brandt") still meets the user as a possible duplicate.
- A contact without a person's name (only a phone number, or an address whose local part is
  one word such as "team" or "info") agrees with any name: the user gave none to contradict.
  An address local part of two words ("anna.berg", "anna_berg86") is a name.
- A key held by more than ``MAX_SHARED_KEY`` contacts (a company's switchboard in a large
  address book) is not suggested pair by pair: that would flood the review page.
- Bounded whatever the names (issue 19): 30,000 people sharing 120 names made 5 million
  name judgements. Contacts are grouped by their normalised name first; names, not contacts,
  are compared (one ``process.cdist`` per block, in C), and a pair of names is expanded to
  pairs of contacts only where that stays small. A name shared by more than
  ``MAX_SAME_NAME`` contacts ("LinkedIn Member", a common name) is a ``Crowd``: one note
  ("312 contacts share the name …") instead of thousands of pairs. Inside a crowd, and
  between a crowd and a similar name, only contacts that also share an organisation or a
  city are paired (the sub-group again at most ``MAX_SAME_NAME``): the duplicates a user
  can tell apart from namesakes are still found, and a shared address or number is judged
  on its own (``_share_keys``) as before. The work is linear in the contacts plus the
  comparisons of distinct names.
"""

import re
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any, NamedTuple

import numpy
import phonenumbers
from rapidfuzz import fuzz, process

from planner.identifiers import fold_text

# Reason codes, stored with their values and put into words (and languages) when shown.
SAME_NAME = "same_name"
SIMILAR_NAMES = "similar_names"
INITIALS = "initials"
HANDLE_FITS_NAME = "handle_fits_name"
SAME_EMAIL = "same_email"
SAME_PHONE = "same_phone"
SAME_ACCOUNT = "same_account"
SAME_ORGANISATION = "same_organisation"
SAME_CITY = "same_city"
_NAME_CODES = (SAME_NAME, SIMILAR_NAMES, INITIALS)

INITIALS_CUTOFF = 60  # "kirdorf m" / "kirdorf mathilda" is 72: lower where initials are
NEARLY_SAME = 95  # enough on its own ("Lotte Brand" / "Lotte Brandt")
SIMILAR = 85  # enough with a shared organisation or city; below it names are not judged
_QUERIES = 1024  # names compared at once: the score matrix stays a few MB however large
MAX_HANDLE_MATCHES = 3  # a handle that fits more names than this says nothing
MAX_SHARED_KEY = 8  # contacts sharing one key beyond which it is not suggested pair by pair
MAX_SAME_NAME = 10  # contacts sharing one name beyond which they are a crowd, not pairs
SHARED_KEY_AGREEING = 0.95  # a shared key and agreeing names (kept apart by other means)
SHARED_KEY_ONLY = 0.45  # a shared key, names that do not agree: the user decides
_MIN_KEY = 5  # shorter handle keys ("annb") fit too many people

_TITLE = re.compile(
    r"^(?:prof|dr|dipl|ing|mag|med|rer|nat|phil|jur|herr|frau|mr|mrs|ms)\.?"
    r"(?:-?(?:ing|kfm|inf|med|phil)\.?)*$"
)
_NOT_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_PROFILE_ID = re.compile(r"^(?=.*\d)[0-9a-f]{4,}$")  # LinkedIn's "-0c4d82" suffix
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_LEGAL_FORMS = frozenset(
    "gmbh ag kg ohg gbr ug ev e v mbb mbh co se sarl sa ltd llc inc plc bv nv oy ab as".split()  # noqa: SIM905
)


class Person(NamedTuple):
    """What the comparison needs to know of one contact (a tuple: an address book's worth
    of them is built for every search, a frozen dataclass cost four times as much)."""

    id: uuid.UUID
    name: str  # display name
    first_name: str | None = None
    last_name: str | None = None
    organization: str | None = None
    city: str | None = None
    handles: tuple[str, ...] = ()  # network handles and e-mail addresses
    keys: tuple[str, ...] = ()  # strong-evidence keys (planner.imports.plan.record_keys)


@dataclass
class Candidate:
    """A pair (a < b) that may be one person, with the reasons in codes and values."""

    a: uuid.UUID
    b: uuid.UUID
    score: float
    reasons: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Crowd:
    """More than ``MAX_SAME_NAME`` contacts with one name: noted once, not paired."""

    name: str  # the display name most of them have
    count: int


@dataclass
class Search:
    """What a duplicate search found: pairs to suggest, and the crowds it did not pair."""

    candidates: list[Candidate]
    crowds: list[Crowd]


def reason(code: str, *values: str) -> dict[str, Any]:
    return {"code": code, "values": list(values)}


def name_tokens(name: str) -> list[str]:
    """The words of a name, folded, without academic titles, emoji or punctuation:
    "Dr. Henrike Staßfurt" -> ["henrike", "stassfurt"], "Lotte Brandt 🌊" -> ["lotte", "brandt"]."""
    words = [w for w in fold_text(name).split() if not _TITLE.match(w)]
    return _NOT_WORD.sub(" ", " ".join(words)).split()


_DERIVED = re.compile(r"@|://|#\d+$")  # an address, a URL, "X account #123"


def name_words(
    name: str | None,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    organization: str | None = None,
    handles: Collection[str] = (),
) -> tuple[str, ...]:
    """The words a name comparison uses; () for no name. ``name`` is the display name (else
    first and last name, else the organisation); one that is only an address, URL or handle
    counts by its local part when that has two words ("anna.berg@…" -> anna, berg)."""
    text = name or " ".join(p for p in (first_name, last_name) if p) or organization or ""
    if not (first_name or last_name) and (
        _DERIVED.search(text)
        or text.strip().lstrip("@").casefold() in {h.lstrip("@").casefold() for h in handles}
    ):
        if "://" in text or "#" in text:
            return ()
        local = text.strip().lstrip("@").split("@", 1)[0]
        words = name_tokens(_DIGITS.sub(" ", local))
        return tuple(words) if len(words) >= 2 else ()
    if text == organization and not (first_name or last_name):
        return tuple(organisation_key(text).split())
    return tuple(name_tokens(text))


def _plain(word: str) -> str:
    """ "mueller" and "muller" (from "Müller") are one word."""
    return word.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def names_agree(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two names (``name_words``) may be one person: either is empty, or every word
    of the shorter is a different word of the longer (whole, or as its initial) and at least
    one whole word matches. Word order, titles, emoji and accents do not matter."""
    if not a or not b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    pool = [_plain(w) for w in long]
    whole = False
    # whole words first, so that an initial cannot take the word a whole one needs
    for word in sorted((_plain(w) for w in short), key=len, reverse=True):
        if word in pool:
            pool.remove(word)
            whole = whole or len(word) > 1
            continue
        fits = [w for w in pool if len(word) == 1 and w.startswith(word)]
        fits = fits or [w for w in pool if len(w) == 1 and word.startswith(w)]
        if not fits:
            return False
        pool.remove(fits[0])
    return whole


def key_reason(key: str) -> dict[str, Any]:
    """A shared strong key as a reason: "phone:+494055501" -> same_phone "+49 40 55501"."""
    kind, _sep, value = key.partition(":")
    if kind == "email":
        return reason(SAME_EMAIL, value)
    if kind == "phone":
        try:
            number = phonenumbers.parse(value)
            value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        except phonenumbers.NumberParseException:
            pass
        return reason(SAME_PHONE, value)
    _kind, _sep, account = value.partition(":")  # network:(id|handle|url):value
    return reason(SAME_ACCOUNT, kind, account)


def organisation_key(organization: str | None) -> str:
    """ "Elbwerk Digital GmbH" and "Elbwerk Digital" are one organisation."""
    words = _NOT_WORD.sub(" ", fold_text(organization or "")).split()
    return " ".join(w for w in words if w not in _LEGAL_FORMS)


def handle_key(handle: str) -> str:
    """The name-like part of a handle or address: "lotte_b@mastodon.example" -> "lotteb",
    "Tilman_Voss7" -> "tilmanvoss", "henrike-stassfurt-0c4d82" -> "henrikestassfurt"."""
    local = fold_text(handle.strip().lstrip("@")).split("@", 1)[0]
    words = [w for w in _NOT_WORD.split(local) if w and not _PROFILE_ID.match(w)]
    return _DIGITS.sub("", "".join(words))


def name_keys(tokens: Sequence[str]) -> set[str]:
    """The handles a person of this name might choose: lottebrandt, lotteb, lbrandt, ..."""
    if len(tokens) < 2:
        return set()
    keys: set[str] = set()
    for words in {tuple(tokens), tuple(t.translate(_UMLAUTS) for t in tokens)}:
        first, rest = words[0], words[1:]
        last = rest[-1]
        keys |= {
            first + "".join(rest),
            first + last,
            first + "".join(w[0] for w in rest),
            first[0] + "".join(rest),
            first[0] + last,
            "".join(rest) + first,
            last + first,
        }
    return {k for k in keys if len(k) >= _MIN_KEY}


def _initials_fit(a: Sequence[str], b: Sequence[str]) -> bool:
    """ "L Brandt" and "Lotte Brandt": the same words, some only as their first letter."""
    if len(a) != len(b) or len(a) < 2:
        return False
    initial = full = False
    for x, y in zip(a, b, strict=True):
        if x == y:
            full = full or len(x) > 1
        elif (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y)):
            initial = True
        else:
            return False
    return initial and full


def _first_letters(entry: "_Entry") -> list[str]:
    """Typos rarely hit a word's first letter: "Hofmann"/"Hoffmann", not "Berkamp"/"Frikamp"."""
    return sorted(t[0] for t in entry.tokens)


@dataclass
class _Entry:
    person: Person
    tokens: list[str]
    text: str  # the tokens sorted and joined: fuzz.ratio on it is token_sort_ratio
    nameless: bool  # the "name" is a handle or an address
    initials: bool  # a word of the name is a single letter
    org: str
    city: str


def _entry(person: Person, folded: dict[tuple[int, str], Any] | None = None) -> _Entry:
    """``folded`` remembers what was worked out for a name, organisation or city already:
    in a large address book most of them repeat."""
    folded = {} if folded is None else folded
    handles = {h.casefold() for h in person.handles}
    nameless = not (person.first_name or person.last_name) and (
        "@" in person.name
        or person.name.startswith(("http://", "https://"))
        or person.name.casefold() in handles
    )
    if nameless:
        tokens: list[str] = []
        text, initials = "", False
    else:
        name = folded.get((0, person.name))
        if name is None:
            found = name_tokens(person.name)
            name = folded[(0, person.name)] = (
                found,
                " ".join(sorted(found)),
                any(len(t) == 1 for t in found),
            )
        tokens, text, initials = name
    org = person.organization or ""
    if (1, org) not in folded:
        folded[(1, org)] = organisation_key(org)
    city = person.city or ""
    if (2, city) not in folded:
        folded[(2, city)] = fold_text(city)
    return _Entry(person, tokens, text, nameless, initials, folded[(1, org)], folded[(2, city)])


def _is_person(entry: _Entry) -> bool:
    """Named like a person (an organisation's own contact has no handle to fit)."""
    p = entry.person
    return len(entry.tokens) >= 2 and bool(
        p.first_name or p.last_name or fold_text(p.name) != fold_text(p.organization or "")
    )


def _support(x: _Entry, y: _Entry) -> list[dict[str, Any]]:
    found = []
    if x.org and x.org == y.org:
        found.append(reason(SAME_ORGANISATION, x.person.organization or ""))
    if x.city and x.city == y.city:
        found.append(reason(SAME_CITY, x.person.city or ""))
    return found


def _conflicts(x: _Entry, y: _Entry) -> int:
    """Known and different: organisation, city."""
    return sum(1 for u, v in ((x.org, y.org), (x.city, y.city)) if u and v and u != v)


def _judge_names(x: _Entry, y: _Entry, ratio: float) -> Candidate | None:
    support = _support(x, y)
    names = (x.person.name, y.person.name)
    if x.text == y.text:
        base, first = 0.9, reason(SAME_NAME, *names)
    elif ratio >= NEARLY_SAME:
        base, first = 0.8, reason(SIMILAR_NAMES, *names)
    elif support and (x.initials or y.initials) and _initials_fit(x.tokens, y.tokens):
        base, first = 0.6, reason(INITIALS, *names)
    elif ratio >= SIMILAR and support and _first_letters(x) == _first_letters(y):
        base, first = 0.7, reason(SIMILAR_NAMES, *names)
    else:
        return None
    return _candidate(x, y, base, [first, *support])


def _candidate(x: _Entry, y: _Entry, base: float, reasons: list[dict[str, Any]]) -> Candidate:
    extra = 0.05 * (len(reasons) - 1) - 0.1 * _conflicts(x, y)
    score = round(min(1.0, max(0.05, base + extra)), 3)
    if x.person.id > y.person.id:  # names in the pair's order: a's first
        reasons = [
            reason(r["code"], *reversed(r["values"])) if r["code"] in _NAME_CODES else r
            for r in reasons
        ]
        x, y = y, x
    return Candidate(x.person.id, y.person.id, score, reasons)


def _blocks(entries: Sequence[_Entry]) -> dict[tuple[str, ...], list[int]]:
    """Contacts that share a first letter of one name word and the first three letters of
    another ("Lotte Brandt", "L. Brandt", "Lotte Brand", "Brandt, Lotte" all meet in
    (l, bra)): one typo still leaves a shared block, and blocks stay small."""
    blocks: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, entry in enumerate(entries):
        words = entry.tokens
        keys: set[tuple[str, ...]]
        if len(words) == 1:
            keys = {(words[0][:3],)}
        else:
            keys = {
                (x[:1], y[:3])
                for n, x in enumerate(words)
                for m, y in enumerate(words)
                if n != m and len(y) > 1
            }
        for key in keys:
            blocks[key].append(i)
    return blocks


def find_candidates(
    people: Iterable[Person],
    *,
    focus: set[uuid.UUID] | None = None,
    known: Collection[tuple[uuid.UUID, uuid.UUID]] = (),
) -> list[Candidate]:
    """Pairs of ``people`` (at least one of them in ``focus``, if given) that may be one
    person and are not in ``known``; best first."""
    return search(people, focus=focus, known=known).candidates


def search(
    people: Iterable[Person],
    *,
    focus: set[uuid.UUID] | None = None,
    known: Collection[tuple[uuid.UUID, uuid.UUID]] = (),
) -> Search:
    """``find_candidates``, and the crowds (names too many contacts share) that hold a
    contact in ``focus``, largest first."""
    folded: dict[tuple[int, str], Any] = {}
    entries = [_entry(p, folded) for p in people]
    in_focus = [focus is None or e.person.id in focus for e in entries]
    found: dict[tuple[uuid.UUID, uuid.UUID], Candidate] = {}

    def keep(candidate: Candidate | None) -> None:
        if candidate is None or (candidate.a, candidate.b) in known:
            return
        pair = (candidate.a, candidate.b)
        if pair not in found or found[pair].score < candidate.score:
            found[pair] = candidate

    names = _Names(entries, in_focus)
    crowds = []
    for members in names.groups:
        if len(members) > MAX_SAME_NAME:
            if any(in_focus[i] for i in members):
                crowds.append(_crowd(entries, members))
            for i, j in names.supported(members, members):
                keep(_judge_names(entries[i], entries[j], 100))
        else:
            for i, j in combinations(members, 2):
                if in_focus[i] or in_focus[j]:
                    keep(_judge_names(entries[i], entries[j], 100))
    for t, u, ratio in names.similar():
        for i, j in names.pairs(t, u, ratio):
            keep(_judge_names(entries[i], entries[j], ratio))

    _fit_handles(entries, in_focus, keep)
    _share_keys(entries, in_focus, found, known)
    candidates = sorted(found.values(), key=lambda c: (-c.score, str(c.a), str(c.b)))
    crowds.sort(key=lambda c: (-c.count, c.name))
    return Search(candidates, crowds)


def crowds_among(names: Iterable[tuple[Person, int]]) -> list[Crowd]:
    """The crowds among (person, how many contacts bear exactly that name) pairs, largest
    first: what ``search`` notes, counted from names alone (the duplicates page)."""
    texts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    folded: dict[tuple[int, str], Any] = {}
    for person, count in names:
        entry = _entry(person, folded)
        if entry.tokens:
            texts[entry.text][person.name] += count
    crowds = [
        Crowd(max(counts, key=lambda name: (counts[name], name)), sum(counts.values()))
        for counts in texts.values()
        if sum(counts.values()) > MAX_SAME_NAME
    ]
    return sorted(crowds, key=lambda c: (-c.count, c.name))


def _crowd(entries: Sequence[_Entry], members: Sequence[int]) -> Crowd:
    counts: dict[str, int] = defaultdict(int)
    for i in members:
        counts[entries[i].person.name] += 1
    return Crowd(max(counts, key=lambda name: (counts[name], name)), len(members))


class _Names:
    """The contacts grouped by name (``_Entry.text``): the unit the search compares."""

    def __init__(self, entries: Sequence[_Entry], in_focus: Sequence[bool]) -> None:
        by_text: dict[str, list[int]] = defaultdict(list)
        for i, entry in enumerate(entries):
            if entry.tokens:
                by_text[entry.text].append(i)
        self.entries = entries
        self.in_focus = in_focus
        self.texts = list(by_text)
        self.groups = list(by_text.values())
        self._by_support: dict[int, dict[tuple[int, str], list[int]]] = {}

    def similar(self) -> Iterable[tuple[int, int, float]]:
        """Pairs of different names (group indexes) similar enough to judge, one of them
        holding a contact in focus, each once: one ``process.cdist`` per block."""
        reps = [self.entries[members[0]] for members in self.groups]
        focused = [any(self.in_focus[i] for i in members) for members in self.groups]
        seen: set[tuple[int, int]] = set()
        for block in _blocks(reps).values():
            queries = [t for t in block if focused[t]]
            if len(block) < 2 or not queries:
                continue
            # below SIMILAR only initials can make a suggestion ("kirdorf m" / "kirdorf
            # mathilda" is 72), so only a block with initials looks lower
            cutoff = INITIALS_CUTOFF if any(reps[t].initials for t in block) else SIMILAR
            choices = [self.texts[t] for t in block]
            for start in range(0, len(queries), _QUERIES):
                part = queries[start : start + _QUERIES]
                scores = process.cdist(
                    [self.texts[t] for t in part],
                    choices,
                    scorer=fuzz.ratio,
                    processor=None,
                    score_cutoff=cutoff,
                    dtype=numpy.uint8,
                )
                for row, column in zip(*numpy.nonzero(scores), strict=True):
                    t, u = part[row], block[column]
                    pair = (min(t, u), max(t, u))
                    if t == u or pair in seen:
                        continue
                    seen.add(pair)
                    # the exact ratio (cdist in uint8 rounds): the thresholds compare with it
                    yield pair[0], pair[1], fuzz.ratio(self.texts[t], self.texts[u])

    def pairs(self, t: int, u: int, ratio: float) -> Iterable[tuple[int, int]]:
        """The contacts of two similar names to judge: all of them when the names are
        nearly the same and both few, else only those that share an organisation or a city
        (none when the names are too far apart even for that)."""
        a, b = self.groups[t], self.groups[u]
        if ratio < NEARLY_SAME:  # ``_judge_names`` wants a shared organisation or city then
            initials = self.entries[a[0]].initials or self.entries[b[0]].initials
            return self.supported(a, b) if ratio >= SIMILAR or initials else ()
        if len(a) <= MAX_SAME_NAME and len(b) <= MAX_SAME_NAME:
            return ((i, j) for i in a for j in b if self.in_focus[i] or self.in_focus[j])
        return self.supported(a, b)

    def supported(self, a: Sequence[int], b: Sequence[int]) -> Iterable[tuple[int, int]]:
        """Pairs of ``a`` x ``b`` (i != j, each once) that share an organisation or a city,
        where at most ``MAX_SAME_NAME`` of ``b`` share it."""
        index = self._support_index(b)
        done: set[tuple[int, int]] = set()
        for i in a:
            entry = self.entries[i]
            for kind, value in ((0, entry.org), (1, entry.city)):
                others = index.get((kind, value), []) if value else []
                if len(others) > MAX_SAME_NAME:
                    continue
                for j in others:
                    pair = (min(i, j), max(i, j))
                    if i != j and pair not in done and (self.in_focus[i] or self.in_focus[j]):
                        done.add(pair)
                        yield pair

    def _support_index(self, members: Sequence[int]) -> dict[tuple[int, str], list[int]]:
        group = id(members)  # one of self.groups, alive as long as self
        found = self._by_support.get(group)
        if found is None:
            found = defaultdict(list)
            for j in members:
                entry = self.entries[j]
                if entry.org:
                    found[(0, entry.org)].append(j)
                if entry.city:
                    found[(1, entry.city)].append(j)
            self._by_support[group] = found
        return found


def _fit_handles(entries: Sequence[_Entry], in_focus: Sequence[bool], keep: Any) -> None:
    """A contact known only by a handle or address ("lotte_b@mastodon.example") whose handle
    fits the name of few others ("Lotte Brandt"): the weakest evidence there is."""
    if not any(entry.nameless for entry in entries):
        return
    by_key: dict[str, list[int]] = defaultdict(list)
    for i, entry in enumerate(entries):
        if _is_person(entry):
            for key in name_keys(entry.tokens):
                by_key[key].append(i)
    for i, entry in enumerate(entries):
        if not entry.nameless:
            continue
        for handle in dict.fromkeys((entry.person.name, *entry.person.handles)):
            people = by_key.get(handle_key(handle), [])
            if not people or len(set(people)) > MAX_HANDLE_MATCHES:
                continue
            for j in dict.fromkeys(people):
                if i == j or not (in_focus[i] or in_focus[j]):
                    continue
                first = reason(HANDLE_FITS_NAME, handle, entries[j].person.name)
                keep(_candidate(entry, entries[j], 0.5, [first, *_support(entry, entries[j])]))


def _share_keys(
    entries: Sequence[_Entry],
    in_focus: Sequence[bool],
    found: dict[tuple[uuid.UUID, uuid.UUID], Candidate],
    known: Collection[tuple[uuid.UUID, uuid.UUID]],
) -> None:
    """Two contacts with the same e-mail address, phone number or account: what the import
    held apart because their names do not agree (or could not merge for another reason).
    The shared keys lead the reasons; a name found similar above stays beside them."""
    holders: dict[str, list[int]] = defaultdict(list)
    for i, entry in enumerate(entries):
        for key in entry.person.keys:
            holders[key].append(i)
    shared: dict[tuple[int, int], list[str]] = defaultdict(list)
    for key, members in holders.items():
        if 2 <= len(members) <= MAX_SHARED_KEY:
            for i, j in combinations(dict.fromkeys(members), 2):
                if in_focus[i] or in_focus[j]:
                    shared[(i, j)].append(key)
    for (i, j), keys in shared.items():
        x, y = entries[i], entries[j]
        a, b = sorted((x.person.id, y.person.id))
        if (a, b) in known:
            continue
        agree = names_agree(_words(x), _words(y))
        reasons = [key_reason(k) for k in sorted(keys)]
        base = SHARED_KEY_AGREEING if agree else SHARED_KEY_ONLY
        if (a, b) in found:  # similar names as well: one suggestion with all its reasons
            earlier = found[(a, b)]
            earlier.reasons[:0] = reasons
            earlier.score = round(min(1.0, max(earlier.score, base) + 0.05 * len(keys)), 3)
        else:
            candidate = _candidate(x, y, base, [*reasons, *_support(x, y)])
            found[(candidate.a, candidate.b)] = candidate


def _words(entry: _Entry) -> tuple[str, ...]:
    p = entry.person
    return name_words(
        p.name,
        first_name=p.first_name,
        last_name=p.last_name,
        organization=p.organization,
        handles=p.handles,
    )
