"""Free-text locations as people type them -> a ``Place`` (city, country only, or nothing).

The rules, in order:

* URLs, e-mail addresses, @handles, pronouns ("she/her"), emoji are dropped; a flag emoji is
  kept as a country hint ("Berlin 🇩🇪") and, alone, gives that country.
* Text naming no place ("remote", "weltweit", "views are my own") or several countries
  ("DACH", "Europe") gives no place: we do not guess.
* Several places ("Berlin | Hamburg", "Köln & remote", "Munich / Vienna") -> the first city
  in the text; if none is a city, the first country. The whole text is tried before it is
  split, so "Frankfurt/Oder" and "Köln/Bonn" keep their meaning.
* Within one place, comma parts and parentheses are qualifiers: a country ("Paris, France"),
  a region or its abbreviation ("Cambridge, MA", "London, Ontario", "München, Bayern") or a
  flag narrows the candidates; without one the curated alias, else the most populous city wins.
  A qualifier that fits no candidate is ignored rather than trusted over the city name.
* "Greater X Area", "Metropolregion X", "based in X", "X-based" reduce to X; postal codes
  and house numbers are dropped; a part that is a street address is skipped. A bare postal
  code names no place (without a postal table a German PLZ is only a number).
* A country alone gives a country-only place; so does a region alone ("NRW", "Bayern"), with
  ``region`` set. City states ("Singapore", "Luxembourg") give the city.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from planner.geo.aliases import CITY_ALIASES, NO_COUNTRY_REGIONS, NON_PLACES
from planner.geo.gazetteer import Candidate, Gazetteer, Place, fold

# URLs, e-mail addresses, @handles (also @user@instance) and pronouns, in one pass.
_NOISE = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\b[\w.-]+\.(?:com|org|net|io|dev|app|social|me|de)/\S*"
    r"|\S+@\S+\.\w+"
    r"|(?<!\w)@[\w.]+(?:@[\w.-]+)?"
    r"|\b(?:she|he|they|xe|ze|sie|er|es|dey)\s*/\s*"
    r"(?:her|him|them|hers|his|theirs|xem|ihr|ihm|ihn|dem|es|sie|they)(?:\s*/\s*\w+)*\b",
    re.I,
)
_FLAG = re.compile("[\U0001f1e6-\U0001f1ff]{2}")
_DROPPED_CATEGORIES = frozenset({"So", "Sk", "Cf", "Co", "Cs", "Cn", "Mn", "Me"})
_HARD_SEPARATORS = re.compile("[|;•·\n\r\t]+|\\s[-\u2013\u2014]+\\s|[\u2013\u2014]")
_SOFT_SEPARATORS = re.compile(r"\s*[/&+]\s*|\s+(?:and|und|or|oder|bzw|vs)\.?\s+", re.I)
_PARENS = re.compile(r"\(([^()]*)\)?")

_NON_PLACES = frozenset(fold(text) for text in NON_PLACES)
_NO_COUNTRY = frozenset(fold(text) for text in NO_COUNTRY_REGIONS)
# A country code typed in capitals ("USA", "NL", "CH", "U.K."): the country, before any city
# that lists the code among its alternate names ("USA" is a name of Yokkaichi). City
# shorthands of the same shape ("HH", "LA", "SF") are cities. A code that is also a US state's
# ("MA", "CA", "IN") stays unplaced alone, as before: English profiles mean the state as often
# as the country. "DE" is Germany: Delaware alone is rare on the German networks this serves.
_CODE = re.compile(r"(?:[A-Z]\.?){2,3}")
_CITY_SHORTHANDS = frozenset(fold(text) for text in CITY_ALIASES)
_HOME_MARKET_CODES = frozenset({"de"})

# Folded words around a place name that do not change which place it is.
_PREFIXES = tuple(
    sorted(
        (
            "greater",
            "metropolregion",
            "metropolitan area of",
            "grossraum",
            "raum",
            "region",
            "stadtregion",
            "landkreis",
            "kreis",
            "stadt",
            "city of",
            "the city of",
            "based in",
            "living in",
            "live in",
            "lives in",
            "located in",
            "currently in",
            "currently",
            "wohnhaft in",
            "wohne in",
            "lebe in",
            "ich wohne in",
            "ich lebe in",
            "from",
            "aus",
            "near",
            "nahe",
            "nahe bei",
            "bei",
            "in",
            "around",
            "somewhere in",
            "somewhere near",
            "somewhere between",
            "between",
            "zwischen",
            "irgendwo in",
            "irgendwo zwischen",
            "mostly",
            "meistens",
            "the",
            "raum um",
            "im raum",
            "metro",
            "zurzeit",
            "derzeit",
            "aktuell",
        ),
        key=len,
        reverse=True,
    )
)
_SUFFIXES = tuple(
    sorted(
        (
            "metropolitan area",
            "metropolitan region",
            "metro area",
            "metropolregion",
            "metro",
            "area",
            "region",
            "und umgebung",
            "and surroundings",
            "surroundings",
            "umgebung",
            "umland",
            "based",
            "city",
            "stadt",
            "gebiet",
            "und umland",
            "and area",
            "area and beyond",
        ),
        key=len,
        reverse=True,
    )
)
_PREFIX_RE = re.compile("^(?:" + "|".join(map(re.escape, _PREFIXES)) + ") ")
_SUFFIX_RE = re.compile(" (?:" + "|".join(map(re.escape, _SUFFIXES)) + ")$")
_STREET_SUFFIXES = (
    "strasse",
    "str",
    "weg",
    "allee",
    "gasse",
    "platz",
    "damm",
    "ufer",
    "chaussee",
    "steig",
)
_STREET_WORDS = frozenset(
    {
        "street",
        "road",
        "rd",
        "avenue",
        "ave",
        "lane",
        "blvd",
        "boulevard",
        "rue",
        "via",
        "calle",
        "straat",
        "gracht",
        "laan",
        "strasse",
        "str",
    }
)
_POSTAL_PREFIXES = frozenset({"d", "de", "a", "at", "ch", "nl", "f", "fr", "b", "l", "pl", "dk"})
_HOUSE_NUMBER = re.compile(r"\d{1,4}[a-z]?")
_DIGIT = re.compile(r"\d")


def parse_location(text: str, gazetteer: Gazetteer) -> Place | None:
    """The place ``text`` names: a city, a country only (``city`` None), or None."""
    if not text or not text.strip():
        return None
    flags = [_flag_country(m.group()) for m in _FLAG.finditer(text)]
    flag = flags[0] if flags else None
    cleaned = _clean(text)
    country_only: Place | None = None
    for piece in _HARD_SEPARATORS.split(cleaned):
        place = _parse_piece(piece, gazetteer, flag)
        if place is None:
            subpieces = [s for s in _SOFT_SEPARATORS.split(piece) if s.strip()]
            if len(subpieces) > 1:
                for sub in subpieces:
                    place = _parse_piece(sub, gazetteer, flag)
                    if place is not None and place.city is not None:
                        return place
                    country_only = country_only or place
        elif place.city is not None:
            return place
        country_only = country_only or place
    if country_only is None and flag is not None:
        return _country_place(flag, None, None, gazetteer)
    return country_only


def _flag_country(flag: str) -> str:
    return "".join(chr(ord(c) - 0x1F1E6 + ord("A")) for c in flag)


def _clean(text: str) -> str:
    text = _NOISE.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        text = "".join(" " if unicodedata.category(c) in _DROPPED_CATEGORIES else c for c in text)
    return text


def _parse_piece(piece: str, gazetteer: Gazetteer, flag: str | None) -> Place | None:
    """One place, possibly with comma or parenthesised qualifiers."""
    parts = [p for p in piece.split(",") if p.strip()]
    candidates: tuple[Candidate, ...] = ()
    countries: list[str] = [flag] if flag else []
    regions: list[tuple[str, str]] = []
    # The first part named a region ("Bayern", "California") and maybe also cities elsewhere.
    standalone_regions: list[tuple[str, str]] = []
    region_namesakes: tuple[Candidate, ...] = ()
    index = 0
    while index < len(parts):
        part = parts[index]
        qualifier = index > 0
        index += 1
        key = _part_key(part)
        if key is None or key in _NON_PLACES or key in _NO_COUNTRY:
            continue
        country = gazetteer.country(
            key, qualifier=qualifier or _is_country_code(part, key, gazetteer)
        )
        if country and _is_city_state(key, country, gazetteer):
            country = None
        part_regions = gazetteer.regions(key, qualifier=qualifier)
        if country:
            countries.append(country)
            regions += part_regions
            continue
        if not candidates:
            found, extra_countries, extra_regions = _find_city(key, gazetteer)
            if not found and "(" in part:
                # "Paris (Texas)": the parenthesised text becomes a qualifier part
                parts[index:index] = [m.group(1) for m in _PARENS.finditer(part)]
                found, extra_countries, extra_regions = _find_city(
                    _part_key(_PARENS.sub(" ", part)) or "", gazetteer
                )
            if not found and not part_regions and "-" in part:
                # LinkedIn's twin-city areas: "Washington DC-Baltimore Area" -> the first
                found, extra_countries, extra_regions = _find_city(
                    _part_key(part.split("-", 1)[0]) or "", gazetteer
                )
            if found and not (part_regions and not _is_namesake(found, part_regions, gazetteer)):
                candidates = found
                countries += extra_countries
                regions += extra_regions
                continue
            if found and not qualifier:
                region_namesakes = found
        regions += part_regions
        if part_regions and not qualifier:
            standalone_regions = part_regions
    if candidates:
        return _pick(candidates, countries, regions).place
    if region_namesakes and standalone_regions[0][0] not in countries:
        # "Victoria, BC" / "Victoria, Canada": other qualifiers point at the city instead
        others = [r for r in regions if r not in standalone_regions]
        best = _pick(region_namesakes, countries, others)
        if best.key() in others or best.place.country in countries:
            return best.place
    if standalone_regions:
        country, code = standalone_regions[0]
        return _country_place(country, code, None, gazetteer)
    named = [c for c in countries if c != flag]
    if named:
        return _country_place(named[0], None, regions, gazetteer)
    return None


def _is_country_code(part: str, key: str, gazetteer: Gazetteer) -> bool:
    if _CODE.fullmatch(part.strip()) is None or key in _CITY_SHORTHANDS:
        return False
    if key in _HOME_MARKET_CODES:
        return True
    return not any(country == "US" for country, _code in gazetteer.regions(key, qualifier=True))


def _is_namesake(
    found: tuple[Candidate, ...], regions: list[tuple[str, str]], gazetteer: Gazetteer
) -> bool:
    """Whether a name shared by a region means the city: only for the region's largest city.

    "Wien", "Bremen", "Salzburg" are cities; "California" (not California, Maryland),
    "Baden-Württemberg" (not Baden-Baden) and "Brandenburg" (Potsdam is larger) are regions.
    """
    largest = {gazetteer.largest_city_id(country, code) for country, code in regions}
    return any(c.place.geoname_id in largest for c in found)


def _is_city_state(key: str, country: str, gazetteer: Gazetteer) -> bool:
    capital = gazetteer.country_capital(country)
    return capital is not None and fold(capital) == key


def _country_place(
    country: str,
    region_code: str | None,
    regions: list[tuple[str, str]] | None,
    gazetteer: Gazetteer,
) -> Place:
    if region_code is None and regions:
        region_code = next((code for c, code in regions if c == country), None)
    region = gazetteer.region_name(country, region_code) if region_code else None
    return Place(city=None, country=country, lat=None, lon=None, region=region)


def _part_key(part: str) -> str | None:
    """Folded part with postal codes and house numbers removed; None for a street address."""
    key = fold(part)
    if not _DIGIT.search(key):
        return key or None
    tokens = key.split()
    for i, token in enumerate(tokens[:-1]):
        is_street = token in _STREET_WORDS or (token.endswith(_STREET_SUFFIXES) and len(token) > 4)
        if is_street and _HOUSE_NUMBER.fullmatch(tokens[i + 1]):
            return None
    kept: list[str] = []
    for i, token in enumerate(tokens):
        if any(c.isdigit() for c in token):
            continue
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in _POSTAL_PREFIXES and following.isdigit():
            continue
        kept.append(token)
    return " ".join(kept) or None


def _variants(key: str) -> Iterator[str]:
    """``key`` and what remains as filler words are stripped from either end."""
    yield key
    changed = True
    while changed:
        changed = False
        for pattern in (_PREFIX_RE, _SUFFIX_RE):
            stripped = pattern.sub("", key, count=1)
            if stripped and stripped != key:
                key = stripped
                changed = True
                yield key


def _find_city(
    key: str, gazetteer: Gazetteer
) -> tuple[tuple[Candidate, ...], list[str], list[tuple[str, str]]]:
    """Cities for a part, with qualifiers found inside it ("Cambridge MA 02139")."""
    found = gazetteer.cities(key)
    if found:
        return found, [], []
    variants = list(_variants(key))
    for variant in variants[1:]:
        found = gazetteer.cities(variant)
        if found:
            return found, [], []
    for variant in variants:
        tokens = variant.split()
        for n in range(1, min(3, len(tokens) - 1) + 1):
            head, tail = " ".join(tokens[:-n]), " ".join(tokens[-n:])
            country = gazetteer.country(tail, qualifier=True)
            regions = gazetteer.regions(tail, qualifier=True)
            if country is None and not regions:
                continue
            for head_variant in _variants(head):
                found = gazetteer.cities(head_variant)
                if found:
                    return found, [country] if country else [], regions
    return (), [], []


def _pick(
    candidates: tuple[Candidate, ...], countries: list[str], regions: list[tuple[str, str]]
) -> Candidate:
    """Best candidate honouring qualifiers; candidates come aliases first, then by population."""
    if regions:
        wanted = set(regions)
        for c in candidates:
            if c.key() in wanted:
                return c
    if countries:
        wanted_countries = set(countries)
        for c in candidates:
            if c.place.country in wanted_countries:
                return c
    return candidates[0]
