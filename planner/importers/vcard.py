"""vCard 2.1, 3.0 and 4.0 (Android, Apple, Nextcloud, Outlook, XING downloads …).

A small, careful reader rather than a general library: unfolding, quoted-printable with soft
line breaks (which may split a UTF-8 character), CHARSET, grouped properties (``item1.ADR``),
Apple's escaped URLs and year-less birthdays, vCard 4 ``geo:`` URIs, ALTID pairs, several cards
per file, and a card cut off by the end of the file (a problem with its card number).
"""

from __future__ import annotations

import quopri
import re
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from types import MappingProxyType

from planner.identifiers import Account, parse_account
from planner.importers.decode import Decoded, decode_charset, encoding_notice
from planner.importers.records import ContactRecord, Limits, ParsedFile, Problem, SourceRecord
from planner.importers.values import birthday, country_code, none_if_blank, skip_reason, unique
from planner.lazy_text import lazy_gettext as _

FORMAT = "vcard"
_PHONE_LIKE = re.compile(r"^[\d\s+()/.\-]+$")
_GEO = re.compile(r"(-?\d+(?:\.\d+)?)\s*[,;]\s*(-?\d+(?:\.\d+)?)")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_SOCIAL_NETWORKS = {"twitter": "x", "x": "x"}
# The properties card_to_record reads: others (VERSION, PHOTO, UID, REV ...) are not parsed.
_READ = frozenset(
    (
        "FN", "N", "NICKNAME", "X-ANDROID-CUSTOM", "ORG", "TITLE", "EMAIL", "TEL", "ADR", "GEO",
        "BDAY", "CATEGORIES", "NOTE", "URL", "X-SOCIALPROFILE",
    )
)  # fmt: skip


# Shared, read-only, by the many properties that have no parameters.
_NO_PARAMS: Mapping[str, list[str]] = MappingProxyType({})
_NO_TYPES: AbstractSet[str] = frozenset()


@dataclass(slots=True)
class Prop:
    name: str  # upper case, without group
    group: str | None
    params: Mapping[str, list[str]]  # keys upper case, values unquoted
    types: AbstractSet[str]  # lower case TYPE values, including 2.1's bare parameters
    value: str  # raw value (quoted-printable already decoded), escapes still in place


@dataclass(slots=True)
class Card:
    number: int
    props: dict[str, list[Prop]] = field(default_factory=dict)  # by name, in file order
    closed: bool = False

    def all(self, name: str) -> list[Prop]:
        return self.props.get(name) or []

    def first(self, name: str) -> Prop | None:
        found = self.props.get(name)
        return found[0] if found else None


def _split_unquoted(text: str, sep: str) -> list[str]:
    if '"' not in text:  # the common case, at C speed
        return text.split(sep)
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        if char == sep and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _colon_index(line: str) -> int:
    if '"' not in line:
        return line.find(":")
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return index
    return -1


def split_components(value: str, sep: str = ";") -> list[str]:
    """Split on ``sep`` where it is not escaped with a backslash; escapes stay for unescape."""
    if "\\" not in value:
        return value.split(sep)
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == sep:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    parts.append("".join(current))
    return parts


def unescape(value: str) -> str:
    """vCard text escapes: ``\\n`` ``\\,`` ``\\;`` ``\\:`` ``\\\\``."""
    if "\\" not in value:
        return value
    out: list[str] = []
    index = 0
    while index < len(value):
        char = value[index]
        if char == "\\" and index + 1 < len(value):
            nxt = value[index + 1]
            out.append("\n" if nxt in "nN" else nxt)
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _is_qp(name_part: str) -> bool:
    return "QUOTED-PRINTABLE" in name_part.upper()


def _physical_lines(text: str) -> Iterator[str]:
    """The lines between CR LF, CR or LF, one at a time (a list of them all would double
    the file in memory)."""
    start = 0
    for newline in _NEWLINE.finditer(text):
        yield text[start : newline.start()]
        start = newline.end()
    yield text[start:]


def _is_soft_break(line: str) -> bool:
    """A quoted-printable value that continues on the next line."""
    if not line.endswith("="):
        return False
    colon = _colon_index(line)
    return colon >= 0 and _is_qp(line[:colon])


def _logical_lines(text: str) -> Iterator[str]:
    """Unfold continuation lines and quoted-printable soft breaks."""
    previous: str | None = None
    for raw in _physical_lines(text):
        if previous is not None:
            if _is_soft_break(previous):
                previous = previous[:-1] + raw  # soft break: the "=" goes, nothing else
                continue
            if raw[:1] in (" ", "\t"):
                previous += raw[1:]
                continue
        if raw.strip():
            if previous is not None:
                yield previous
            previous = raw
    if previous is not None:
        yield previous


def _first(params: Mapping[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    return values[0] if values else None


def _parse_prop(line: str) -> Prop | None:
    """The property on ``line``; None when it has no name or is one card_to_record ignores."""
    colon = _colon_index(line)
    if colon <= 0:
        return None
    name_part, value = line[:colon], line[colon + 1 :]
    if ";" not in name_part:  # most lines: no parameters, nothing to decode
        group, _dot, name = name_part.strip().rpartition(".")
        name = name.upper()
        return Prop(name, group or None, _NO_PARAMS, _NO_TYPES, value) if name in _READ else None
    pieces = _split_unquoted(name_part, ";")
    group, _dot, name = pieces[0].strip().rpartition(".")
    name = name.upper()
    if name not in _READ:
        return None
    params: dict[str, list[str]] = {}
    types: set[str] = set()
    for piece in pieces[1:]:
        key, eq, raw = piece.partition("=")
        if not eq:  # vCard 2.1 bare parameter: TEL;CELL, PHOTO;JPEG, QUOTED-PRINTABLE
            bare = key.strip().upper()
            if bare in ("QUOTED-PRINTABLE", "BASE64", "8BIT", "7BIT", "B"):
                params.setdefault("ENCODING", []).append(bare)
            else:
                types.add(bare.lower())
            continue
        values = [v.strip().strip('"') for v in _split_unquoted(raw, ",")]
        key = key.strip().upper()
        params.setdefault(key, []).extend(values)
        if key == "TYPE":
            types.update(v.lower() for v in values)
    if "ENCODING" in params and any(e.upper() == "QUOTED-PRINTABLE" for e in params["ENCODING"]):
        charset = _first(params, "CHARSET")
        value = decode_charset(quopri.decodestring(value.encode("utf-8")), charset)
    return Prop(name, group or None, params, types, value)


def read_cards(text: str) -> Iterator[Card]:
    """The cards in file order, each as soon as it ends: closed by END:VCARD, or not closed
    (cut off by the next BEGIN:VCARD, or by the end of the file)."""
    current: Card | None = None
    count = 0
    for line in _logical_lines(text):
        upper = line.strip().upper()
        if upper == "BEGIN:VCARD":
            if current is not None:
                yield current
            count += 1
            current = Card(count)
            continue
        if upper == "END:VCARD":
            if current is not None:
                current.closed = True
                yield current
            current = None
            continue
        if current is None:
            continue
        prop = _parse_prop(line)
        if prop is not None:
            current.props.setdefault(prop.name, []).append(prop)
    if current is not None:
        yield current


def _preferred(props: list[Prop]) -> Prop | None:
    for prop in props:
        if "pref" in prop.types or prop.params.get("PREF") == ["1"]:
            return prop
    return props[0] if props else None


def _geo(text: str) -> tuple[float, float] | None:
    match = _GEO.search(text.replace("\\", ""))
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    if -90 <= lat <= 90 and -180 <= lon <= 180:
        return lat, lon
    return None


def _social(prop: Prop) -> Account | None:
    network_param = _first(prop.params, "TYPE")
    network = _SOCIAL_NETWORKS.get((network_param or "").lower(), (network_param or "").lower())
    value = unescape(prop.value).strip()
    account = parse_account(value, network or None) if value else None
    if account is None:
        user = (prop.params.get("X-USER") or [""])[0]
        if user and network:
            account = Account(network, handle=user)
    return account


def card_to_record(card: Card, source: SourceRecord) -> ContactRecord:
    record = ContactRecord(row=card.number, source=source)
    fn = card.first("FN")
    if fn is not None:
        name = unescape(fn.value).strip()
        if name and not _PHONE_LIKE.match(name):
            record.display_name = name
    n = card.first("N")
    if n is not None:
        parts = [unescape(p).strip() for p in split_components(n.value)] + [""] * 5
        family, given, additional = parts[0], parts[1], parts[2]
        record.last_name = family or None
        record.first_name = " ".join(p for p in (given, additional) if p) or None
    nickname = card.first("NICKNAME")
    if nickname is not None:
        record.nickname = none_if_blank(unescape(split_components(nickname.value, ",")[0]))
    for custom in card.all("X-ANDROID-CUSTOM"):
        parts = split_components(custom.value)
        if parts[0].endswith("/nickname") and len(parts) > 1 and not record.nickname:
            record.nickname = none_if_blank(unescape(parts[1]))
    org = card.first("ORG")
    if org is not None:
        record.organization = none_if_blank(unescape(split_components(org.value)[0]))
    title = card.first("TITLE")
    if title is not None:
        record.title = none_if_blank(unescape(title.value))
    for email in card.all("EMAIL"):
        value = unescape(email.value).strip()
        if value.lower().startswith("mailto:"):
            value = value[7:]
        if value:
            record.emails.append(value)
    for tel in card.all("TEL"):
        value = unescape(tel.value).strip()
        if value.lower().startswith("tel:"):
            value = value[4:]
        if value:
            record.phones.append(value)
    adr = _preferred(card.all("ADR"))
    if adr is not None:
        parts = [unescape(p).strip() for p in split_components(adr.value)] + [""] * 7
        record.city = parts[3] or None
        record.region = parts[4] or None
        record.postal_code = parts[5] or None
        record.country = country_code(parts[6])
        geo_param = _first(adr.params, "GEO")
        if geo_param and (point := _geo(geo_param)):
            record.lat, record.lon = point
    geo = card.first("GEO")
    if geo is not None and (point := _geo(geo.value)):
        record.lat, record.lon = point
    bday = card.first("BDAY")
    if bday is not None:
        record.birthday = birthday(
            unescape(bday.value), omit_year="X-APPLE-OMIT-YEAR" in bday.params
        )
    topics: list[str] = []
    for categories in card.all("CATEGORIES"):
        topics.extend(unescape(c).strip() for c in split_components(categories.value, ","))
    record.topics = unique(topics)
    notes = [unescape(n.value).strip() for n in card.all("NOTE")]
    record.notes = "\n\n".join(n for n in notes if n) or None
    for url in card.all("URL"):
        value = unescape(url.value).strip()
        if value:
            record.accounts.append(parse_account(value) or Account("website", url=value))
    for social in card.all("X-SOCIALPROFILE"):
        account = _social(social)
        if account is not None:
            record.accounts.append(account)
    if not record.display_name and not record.person_name() and record.organization:
        record.display_name = record.organization
    return record


def parse(decoded: Decoded, *, file: str, limits: Limits) -> ParsedFile:
    result = ParsedFile(file=file, format=FORMAT, encoding=decoded.encoding)
    notice = encoding_notice(decoded)
    if notice:
        result.problems.append(Problem(row=None, message=notice, skipped=False))
    cards = read_cards(decoded.text)
    card = next(cards, None)
    if card is None:
        result.error = _("no vCard in the file (no BEGIN:VCARD … END:VCARD)")
        return result
    while card is not None:
        following = next(cards, None)  # a card not closed is cut off by this one, or the end
        record = card_to_record(card, SourceRecord(format=FORMAT, file=file))
        if not card.closed and following is not None:
            message = _(
                "card not closed: the next card begins before its END:VCARD; %(name)s was "
                "not imported",
                name=record.label or "?",
            )
            result.problems.append(Problem(row=card.number, message=message, malformed=True))
        elif not card.closed:
            message = _("card not closed: the file ends inside it (no END:VCARD)")
            if record.label:
                message = _(
                    "card not closed: the file ends inside it (no END:VCARD); "
                    "%(name)s was not imported",
                    name=record.label,
                )
            result.problems.append(Problem(row=card.number, message=message, malformed=True))
        elif not record.is_contact():
            result.problems.append(Problem(row=card.number, message=skip_reason(record)))
        else:
            result.records.append(record)
            if len(result.records) > limits.max_records:
                return ParsedFile(file=file, format=FORMAT, error=_("too many cards"))
        card = following
    if not result.records and any(p.malformed for p in result.problems):
        result.error = _("no complete vCard in the file")
    return result
