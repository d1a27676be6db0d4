"""Which events are worth going to on a trip or at home, and whom the user may meet there.

Pure: plain data in, plain data out (like ``planner.matching``). An occurrence is proposed
for a leg when it happens at the leg's place (within the leg's radius) during the stay, or
just before the arrival or after the departure ("stay a day longer for ..."); at home when
it happens within the user's radius of the home city. Cancelled and online-only events are
never proposed. Every match carries its reasons: where and when relative to the leg, the
user's topics it is about (CATEGORIES, SUMMARY and DESCRIPTION through the synonym table),
the contacts named in it (ORGANIZER, ATTENDEE, or a name, address, handle or profile in
the description, such as a speaker list) and how many contacts near the venue share its
topics.

Decisions: a contact is named only by evidence that points at one person: an e-mail
address, an exact handle or profile, or the whole name (at least two words, the words
whole: "Anna Berg" is not in "Anna Bergmann" nor in "Anna Berg-Schmidt"). A first name alone
never names anyone. Case, accents and umlauts written as ae/oe/ue do not matter ("Jürgen
Müller" is "JUERGEN MUELLER"); academic titles are ignored. A bare ``@handle`` names an X
account only (it has no instance); ``@user@instance`` a Mastodon account.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import product
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.geo.distance import haversine_km
from planner.identifiers import (
    Account,
    account_key_tuple,
    fold_text,
    normalize_email,
    parse_account,
)
from planner.matching import Reason
from planner.topics import Vocabulary

# How many days before the arrival or after the departure an event still counts for a leg.
DAYS_AROUND = 2
CANCELLED = "CANCELLED"
# Points of a match (its order on the page): the stay itself first, then what it offers.
POINTS_DURING = 30.0
POINTS_AROUND = 20.0  # minus POINTS_PER_DAY_AWAY for every day away from the stay
POINTS_PER_DAY_AWAY = 5.0
POINTS_HOME = 25.0
POINTS_PER_TOPIC = 10.0
POINTS_TOPICS_MOST = 30.0
POINTS_PER_CONTACT = 20.0
POINTS_CONTACTS_MOST = 40.0
POINTS_NEARBY_MOST = 10.0  # one point per contact near the venue sharing its topics

# Words of a name that are not the name: academic and courtesy titles.
_TITLES = frozenset(
    {"dr", "prof", "dipl", "ing", "mag", "phd", "mba", "msc", "herr", "frau", "mr", "mrs", "ms"}
)
# Words of a text: letters and digits, joined by hyphens or apostrophes ("Berg-Schmidt").
_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
# Name particles written in lower case inside a name ("Anna von Berg").
_PARTICLES = frozenset(
    {"von", "van", "de", "der", "den", "del", "di", "da", "du", "la", "le", "ten", "ter", "zu", "y"}
)
_POSSESSIVE = re.compile(r"['’]s$")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_MAX_NAME_WORDS = 5
_MAX_CANDIDATE_WORDS = 4
# Where a name ends for sure: a line, a list item, a bracket, a dash between words.
_SEGMENTS = re.compile(r"[\n\r,;:()\[\]|/•·–—]|\s-\s")
_E_UMLAUT = re.compile(r"[aou]e")
_MAX_TEXT = 100_000  # characters of a description read for names
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_FEDI = re.compile(r"(?<![\w@/])@([A-Za-z0-9_][A-Za-z0-9_.-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_BARE_HANDLE = re.compile(r"(?<![\w@/.])@([A-Za-z0-9_]{1,30})(?![\w@.-]*[\w@])")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+", re.IGNORECASE)


# --- input ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventPerson:
    """An ORGANIZER or ATTENDEE: its common name and address, either may be missing."""

    name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class EventOccurrence:
    """One occurrence of an event. ``start``/``end`` are aware datetimes, or dates for an
    all-day event (``end`` exclusive); ``timezone`` is the event's own zone (floating
    times and all-day dates are read in it, else in the leg's)."""

    key: Any
    uid: str
    summary: str
    start: datetime | date
    end: datetime | date | None = None
    timezone: str | None = None
    status: str = "CONFIRMED"
    online: bool = False  # no place to go to: a webinar, a stream
    lat: float | None = None
    lon: float | None = None
    city: str | None = None
    location: str | None = None
    description: str = ""
    categories: tuple[str, ...] = ()
    organizer: EventPerson | None = None
    attendees: tuple[EventPerson, ...] = ()
    url: str | None = None
    recurrence_id: str = ""  # RECURRENCE-ID of a repetition, "" for a single event

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)


@dataclass(frozen=True)
class Stay:
    """A trip leg, or home: where (a city and its coordinates), how far the user goes from
    there, and (for a leg) when; ``arrives``/``departs`` are aware datetimes."""

    key: Any
    place: str
    lat: float
    lon: float
    radius_km: float
    timezone: str
    arrives: datetime | None = None
    departs: datetime | None = None


@dataclass(frozen=True)
class KnownContact:
    """What naming a contact needs: names, normalised e-mail addresses and account keys
    (``planner.identifiers.account_key_tuple``)."""

    contact_id: Any
    display_name: str
    first_name: str | None = None
    last_name: str | None = None
    emails: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()


# --- output --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedContact:
    contact_id: Any
    display_name: str
    role: str  # organizer | attendee | programme


@dataclass(frozen=True)
class EventMatch:
    occurrence: EventOccurrence
    stay: Stay
    score: float
    reasons: tuple[Reason, ...]
    contacts: tuple[NamedContact, ...] = ()
    topics: frozenset[str] = field(default_factory=frozenset)


# --- when and where ------------------------------------------------------------------------


def _zone(name: str | None, fallback: str) -> ZoneInfo:
    for candidate in (name, fallback, "UTC"):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return ZoneInfo("UTC")


def instants(occurrence: EventOccurrence, zone_name: str) -> tuple[datetime, datetime]:
    """Start and end as aware instants: all-day dates and floating times are read in the
    event's zone, else in ``zone_name`` (the place's). An event without an end lasts its
    day (all-day) or no time."""
    zone = _zone(occurrence.timezone, zone_name)

    def aware(value: datetime | date) -> datetime:
        if not isinstance(value, datetime):
            return datetime.combine(value, time(), tzinfo=zone)
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)

    start = aware(occurrence.start)
    if occurrence.end is None:
        end = aware(occurrence.start + timedelta(days=1)) if occurrence.all_day else start
    else:
        end = max(start, aware(occurrence.end))
    return start, end


def is_proposable(occurrence: EventOccurrence) -> bool:
    """Never proposed: a cancelled occurrence, or one with no place to go to."""
    if occurrence.status.upper() == CANCELLED:
        return False
    placed = occurrence.lat is not None and occurrence.lon is not None
    return placed or (bool(occurrence.city) and not occurrence.online)


def distance_km(occurrence: EventOccurrence, stay: Stay) -> float | None:
    """How far the venue is from the stay's place; None: unknown and not in its city."""
    if occurrence.lat is not None and occurrence.lon is not None:
        return haversine_km(stay.lat, stay.lon, occurrence.lat, occurrence.lon)
    if occurrence.city and fold_text(occurrence.city) == fold_text(stay.place):
        return 0.0
    return None


def _last_day(start: datetime, end: datetime, zone: ZoneInfo) -> date:
    """The last local day an event is on (an end at midnight belongs to the day before)."""
    if end <= start:
        return start.astimezone(zone).date()
    return (end - timedelta(microseconds=1)).astimezone(zone).date()


def when(occurrence: EventOccurrence, stay: Stay) -> Reason | None:
    """During the stay, or up to ``DAYS_AROUND`` days before or after it (None: not)."""
    if stay.arrives is None or stay.departs is None:
        return None
    zone = _zone(stay.timezone, "UTC")
    start, end = instants(occurrence, stay.timezone)
    place = stay.place
    summary = occurrence.summary
    if start < stay.departs and (end > stay.arrives or (end == start == stay.arrives)):
        return Reason("during", POINTS_DURING, {"place": place})
    if start >= stay.departs:
        days = (start.astimezone(zone).date() - stay.departs.astimezone(zone).date()).days
        if days <= DAYS_AROUND:
            points = POINTS_AROUND - POINTS_PER_DAY_AWAY * days
            return Reason("after", points, {"place": place, "days": days, "summary": summary})
        return None
    days = (stay.arrives.astimezone(zone).date() - _last_day(start, end, zone)).days
    if days <= DAYS_AROUND:
        points = POINTS_AROUND - POINTS_PER_DAY_AWAY * days
        return Reason("before", points, {"place": place, "days": days, "summary": summary})
    return None


# --- topics --------------------------------------------------------------------------------


def event_topics(occurrence: EventOccurrence, vocabulary: Vocabulary) -> frozenset[str]:
    """The topic keys an event is about: its CATEGORIES and what its SUMMARY and
    DESCRIPTION mention (the description's first ``_MAX_TEXT`` characters)."""
    return vocabulary.topics_of(
        topics=list(occurrence.categories),
        texts=(occurrence.summary, occurrence.description[:_MAX_TEXT]),
    )


# --- names ---------------------------------------------------------------------------------


def _name_tokens(text: str) -> list[str]:
    """The comparable words of a text: folded, hyphenated names one word, "'s" dropped."""
    return [_POSSESSIVE.sub("", word) for word in _TOKEN.findall(fold_text(text))]


def _spellings(text: str) -> tuple[str, ...]:
    """The text, and with umlauts as ae/oe/ue if it has any (translate is slow: only then)."""
    if text.isascii():
        return (text,)
    other = text.translate(_UMLAUTS)
    return (text,) if other == text else (text, other)


def name_forms(name: str | None) -> set[tuple[str, ...]]:
    """Every way a name is matched: its words without titles, as written and with umlauts
    as ae/oe/ue; none for a name of fewer than two words (a first name alone)."""
    if not name:
        return set()
    forms: set[tuple[str, ...]] = set()
    for spelling in _spellings(name):
        words = [
            w for w in _name_tokens(spelling) if w not in _TITLES and w.rstrip(".") not in _TITLES
        ]
        if 2 <= len(words) <= _MAX_NAME_WORDS:
            forms.add(tuple(words))
    return forms


def contact_forms(contact: KnownContact) -> set[tuple[str, ...]]:
    forms = name_forms(contact.display_name)
    if contact.first_name and contact.last_name:
        forms |= name_forms(f"{contact.first_name} {contact.last_name}")
    return forms


def name_candidates(occurrence: EventOccurrence) -> set[str]:
    """Folded phrases of two to four words that may be a contact's whole name, for a
    database to look names up by (``Contact.sort_key`` is the folded display name): runs
    of capitalised words (particles such as "von" inside) within one line or list item,
    as names are written; with umlauts also as ae/oe/ue and ae/oe/ue also as plain vowels
    (``fold_text`` drops the dots: "Jürgen" is "jurgen")."""
    found: set[str] = set()
    for text in _person_texts(occurrence):
        for segment in _SEGMENTS.split(text):
            words = _TOKEN.findall(segment)
            for i, word in enumerate(words):
                if not word[:1].isupper():
                    continue
                for n in range(2, _MAX_CANDIDATE_WORDS + 1):
                    phrase = words[i : i + n]
                    if len(phrase) < n:
                        break
                    last = phrase[-1]
                    if not last[:1].isupper():
                        if last.casefold() in _PARTICLES:
                            continue
                        break
                    _add_spellings(" ".join(phrase), found)
    return found


def _add_spellings(phrase: str, found: set[str]) -> None:
    folded = fold_text(phrase)
    found.add(folded)
    if not phrase.isascii():
        found.add(fold_text(phrase.translate(_UMLAUTS)))
    elif _E_UMLAUT.search(folded):  # "Michael Mueller" may be "Michael Müller"
        options = [{w, _E_UMLAUT.sub(lambda m: m.group(0)[0], w)} for w in folded.split(" ")]
        found.update(" ".join(words) for words in product(*options))


def _person_texts(occurrence: EventOccurrence) -> list[str]:
    people = [occurrence.organizer, *occurrence.attendees]
    names = [p.name for p in people if p is not None and p.name]
    return [*names, occurrence.summary, occurrence.description[:_MAX_TEXT]]


def addresses(occurrence: EventOccurrence) -> dict[str, str]:
    """Normalised e-mail address -> role ("organizer", "attendee", "programme")."""
    found: dict[str, str] = {}
    for match in _EMAIL.finditer(occurrence.description[:_MAX_TEXT]):
        address = normalize_email(match.group(0))
        after_at = match.start() > 0 and occurrence.description[match.start() - 1] == "@"
        if address and not after_at:  # "@lotte@norden.social" is a handle, not an address
            found.setdefault(address, "programme")
    for person in occurrence.attendees:
        address = normalize_email(person.email or "")
        if address:
            found[address] = "attendee"
    if occurrence.organizer is not None:
        address = normalize_email(occurrence.organizer.email or "")
        if address:
            found[address] = "organizer"
    return found


def account_keys(occurrence: EventOccurrence) -> set[str]:
    """Account keys of the handles and profile addresses in the description."""
    text = occurrence.description[:_MAX_TEXT]
    keys: set[str] = set()
    for user, host in _FEDI.findall(text):
        keys.add(account_key_tuple(_fedi(user, host))[0])
    for handle in _BARE_HANDLE.findall(text):
        account = parse_account(handle, "x")
        if account is not None:
            keys.update(account_key_tuple(account)[:1])
    for url in _URL.findall(text):
        account = parse_account(url.rstrip(".,;:!?"))
        if account is not None and account.network != "website":
            keys.update(account_key_tuple(account))
    return keys


def _fedi(user: str, host: str) -> Account:
    return Account("mastodon", handle=f"{user.rstrip('.')}@{host.rstrip('.')}")


class ContactIndex:
    """The user's contacts by name form, e-mail address and account key."""

    def __init__(self, contacts: Iterable[KnownContact]) -> None:
        self.by_name: dict[tuple[str, ...], list[KnownContact]] = {}
        self.by_email: dict[str, list[KnownContact]] = {}
        self.by_account: dict[str, list[KnownContact]] = {}
        self.longest = 0
        for contact in contacts:
            for form in contact_forms(contact):
                self.by_name.setdefault(form, []).append(contact)
                self.longest = max(self.longest, len(form))
            for address in contact.emails:
                self.by_email.setdefault(address.casefold(), []).append(contact)
            for key in contact.accounts:
                self.by_account.setdefault(key.casefold(), []).append(contact)

    def named_in(self, occurrence: EventOccurrence) -> list[NamedContact]:
        """The contacts the event names, each once, in its strongest role (organizer,
        attendee, programme), in the order found."""
        roles: dict[Any, tuple[KnownContact, str]] = {}

        def add(contacts: Iterable[KnownContact], role: str) -> None:
            for contact in contacts:
                known = roles.get(contact.contact_id)
                if known is None or _RANK[role] < _RANK[known[1]]:
                    roles[contact.contact_id] = (contact, role)

        for address, role in addresses(occurrence).items():
            add(self.by_email.get(address, ()), role)
        for key in account_keys(occurrence):
            add(self.by_account.get(key.casefold(), ()), "programme")
        if occurrence.organizer is not None:
            add(self._names_in(occurrence.organizer.name or ""), "organizer")
        for person in occurrence.attendees:
            add(self._names_in(person.name or ""), "attendee")
        add(self._names_in(occurrence.summary), "programme")
        add(self._names_in(occurrence.description[:_MAX_TEXT]), "programme")
        return [NamedContact(c.contact_id, c.display_name, role) for c, role in roles.values()]

    def _names_in(self, text: str) -> list[KnownContact]:
        if not text or not self.by_name:
            return []
        found: list[KnownContact] = []
        for spelling in _spellings(text):
            words = _name_tokens(spelling)
            for i in range(len(words)):
                for n in range(2, min(self.longest, len(words) - i) + 1):
                    found.extend(self.by_name.get(tuple(words[i : i + n]), ()))
        return found


_RANK = {"organizer": 0, "attendee": 1, "programme": 2}


# --- matching ------------------------------------------------------------------------------

# Contacts near a venue sharing each of the given topics: (occurrence, its topic keys) ->
# {topic key: how many}. The service counts them in the database.
NearbyCounts = Callable[[EventOccurrence, frozenset[str]], Mapping[str, int]]


def _no_counts(_occurrence: EventOccurrence, _topics: frozenset[str]) -> Mapping[str, int]:
    return {}


def _evidence(
    occurrence: EventOccurrence,
    stay: Stay,
    place: Reason,
    *,
    vocabulary: Vocabulary,
    user_topics: frozenset[str],
    contacts: ContactIndex,
    nearby: NearbyCounts,
) -> EventMatch:
    reasons = [place]
    topics = event_topics(occurrence, vocabulary)
    shared = sorted(topics & user_topics)
    if shared:
        points = min(POINTS_TOPICS_MOST, POINTS_PER_TOPIC * len(shared))
        reasons.append(Reason("topics", points, {"topics": tuple(shared)}))
    named = contacts.named_in(occurrence)
    for role in _RANK:
        people = tuple(c.display_name for c in named if c.role == role)
        if people:
            points = min(POINTS_CONTACTS_MOST, POINTS_PER_CONTACT * len(people))
            reasons.append(Reason(role, points, {"names": people}))
    # counted for the user's own topics the event is about: what made it worth proposing
    counts = nearby(occurrence, frozenset(shared)) if shared else {}
    if counts:
        # the topic most contacts share, the user's own topics first among equals
        topic, n = max(counts.items(), key=lambda kv: (kv[1], kv[0] in user_topics, kv[0]))
        if n > 0:
            reasons.append(
                Reason(
                    "nearby",
                    min(POINTS_NEARBY_MOST, float(n)),
                    {"n": n, "topic": topic, "place": stay.place},
                )
            )
    total = min(100.0, sum(r.points for r in reasons))
    return EventMatch(occurrence, stay, round(total, 1), tuple(reasons), tuple(named), topics)


def match_trip(
    occurrences: Iterable[EventOccurrence],
    legs: Sequence[Stay],
    *,
    vocabulary: Vocabulary,
    user_topics: frozenset[str],
    contacts: ContactIndex,
    nearby: NearbyCounts = _no_counts,
    limit: int = 20,
) -> list[EventMatch]:
    """The events worth going to on a trip, best first, each once (at the leg it fits
    best: during a stay before around one, then the nearer)."""
    best: dict[tuple[str, Any], tuple[tuple[float, float], EventOccurrence, Stay, Reason]] = {}
    for occurrence in occurrences:
        if not is_proposable(occurrence):
            continue
        for leg in legs:
            km = distance_km(occurrence, leg)
            if km is None or km > leg.radius_km:
                continue  # another city, whatever the time
            fit = when(occurrence, leg)
            if fit is None:
                continue
            fit = Reason(fit.code, fit.points, {**fit.values, "km": km})
            rank = (fit.points, -km)
            slot = (occurrence.uid, occurrence.key)
            known = best.get(slot)
            if known is None or rank > known[0]:
                best[slot] = (rank, occurrence, leg, fit)
    matches = [
        _evidence(
            occurrence,
            leg,
            fit,
            vocabulary=vocabulary,
            user_topics=user_topics,
            contacts=contacts,
            nearby=nearby,
        )
        for _, occurrence, leg, fit in best.values()
    ]
    return _best(matches, limit)


def match_home(
    occurrences: Iterable[EventOccurrence],
    home: Stay,
    *,
    vocabulary: Vocabulary,
    user_topics: frozenset[str],
    contacts: ContactIndex,
    nearby: NearbyCounts = _no_counts,
    limit: int = 20,
) -> list[EventMatch]:
    """The events within the user's radius of home (the caller picks the dates), best
    first."""
    matches = []
    for occurrence in occurrences:
        if not is_proposable(occurrence):
            continue
        km = distance_km(occurrence, home)
        if km is None or km > home.radius_km:
            continue
        place = Reason(
            "home", POINTS_HOME * (1 - km / (2 * home.radius_km)), {"place": home.place, "km": km}
        )
        matches.append(
            _evidence(
                occurrence,
                home,
                place,
                vocabulary=vocabulary,
                user_topics=user_topics,
                contacts=contacts,
                nearby=nearby,
            )
        )
    return _best(matches, limit)


def _best(matches: list[EventMatch], limit: int) -> list[EventMatch]:
    def order(match: EventMatch) -> tuple[float, datetime, str]:
        start = instants(match.occurrence, match.stay.timezone)[0]
        return (-match.score, start.astimezone(UTC), match.occurrence.summary)

    return sorted(matches, key=order)[:limit]


# --- words ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventWording:
    """The edge's language tools: gettext and ngettext with %(name)s formatting, a list
    joiner ("A, B and C") and the display label of a topic key."""

    gettext: Callable[..., str]
    ngettext: Callable[..., str]
    join: Callable[[Sequence[str]], str]
    topic_label: Callable[[str], str]


MAX_NAMED = 4


def _names(values: Mapping[str, Any], wording: EventWording) -> tuple[str, int]:
    names = list(values["names"])
    shown = names[:MAX_NAMED]
    if len(names) > len(shown):
        shown.append(wording.gettext("%(n)s more", n=len(names) - len(shown)))
    return wording.join(shown), len(names)


def describe(reason: Reason, wording: EventWording) -> str | None:
    """A match's reason in words, or None for one not worth saying."""
    _ = wording.gettext
    ngettext = wording.ngettext
    v = reason.values
    if reason.code == "during":
        if v["km"] < 5:
            return _("in %(place)s during your stay", place=v["place"])
        return _(
            "%(km)s km from %(place)s, during your stay", km=f"{v['km']:.0f}", place=v["place"]
        )
    if reason.code == "after":
        if v["days"] == 0:
            return _(
                "later on the day you leave %(place)s: stay a little longer for %(summary)s",
                place=v["place"],
                summary=v["summary"],
            )
        return ngettext(
            "the day after you leave %(place)s: stay a day longer for %(summary)s",
            "%(num)d days after you leave %(place)s: stay %(num)d days longer for %(summary)s",
            v["days"],
            place=v["place"],
            summary=v["summary"],
        )
    if reason.code == "before":
        if v["days"] == 0:
            return _(
                "earlier on the day you arrive in %(place)s: come a little earlier for %(summary)s",
                place=v["place"],
                summary=v["summary"],
            )
        return ngettext(
            "the day before you arrive in %(place)s: come a day earlier for %(summary)s",
            "%(num)d days before you arrive in %(place)s: "
            "come %(num)d days earlier for %(summary)s",
            v["days"],
            place=v["place"],
            summary=v["summary"],
        )
    if reason.code == "home":
        if v["km"] < 5:
            return _("in %(place)s, where you live", place=v["place"])
        return _("%(km)s km from %(place)s, where you live", km=f"{v['km']:.0f}", place=v["place"])
    if reason.code == "topics":
        labels = [wording.topic_label(k) for k in v["topics"]]
        return _("about %(topics)s, your topics", topics=wording.join(labels))
    if reason.code == "organizer":
        names, n = _names(v, wording)
        return ngettext(
            "organised by your contact %(names)s",
            "organised by your contacts %(names)s",
            n,
            names=names,
        )
    if reason.code == "attendee":
        names, n = _names(v, wording)
        return ngettext(
            "your contact %(names)s takes part", "your contacts %(names)s take part", n, names=names
        )
    if reason.code == "programme":
        names, n = _names(v, wording)
        return ngettext(
            "your contact %(names)s is on the programme",
            "your contacts %(names)s are on the programme",
            n,
            names=names,
        )
    if reason.code == "nearby":
        return ngettext(
            "%(num)d of your contacts near %(place)s shares %(topic)s",
            "%(num)d of your contacts near %(place)s share %(topic)s",
            v["n"],
            place=v["place"],
            topic=wording.topic_label(v["topic"]),
        )
    return None


def explain(match: EventMatch, wording: EventWording) -> list[str]:
    """Every reason of a match in words: where and when first, then what it offers."""
    words = (describe(r, wording) for r in match.reasons)
    return [w for w in words if w]
