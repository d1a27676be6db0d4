"""Location strings as they appear on LinkedIn, XING, X and Mastodon profiles.

Each row: the text as typed, the expected GeoNames city name (None = country only or no
place) and the expected ISO country (None together with city None = no place at all).
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.geo.gazetteer import Gazetteer
from planner.geo.parse import parse_location

NO_PLACE = (None, None)

CASES: list[tuple[str, tuple[str | None, str | None]]] = [
    # LinkedIn's own formats
    ("Hamburg, Germany", ("Hamburg", "DE")),
    ("Hamburg, Hamburg, Germany", ("Hamburg", "DE")),
    ("Berlin, Berlin, Germany", ("Berlin", "DE")),
    ("Munich, Bavaria, Germany", ("Munich", "DE")),
    ("Cologne, North Rhine-Westphalia, Germany", ("Köln", "DE")),
    ("Düsseldorf, North Rhine-Westphalia, Germany", ("Düsseldorf", "DE")),
    ("Stuttgart, Baden-Württemberg, Germany", ("Stuttgart", "DE")),
    ("Leipzig, Saxony, Germany", ("Leipzig", "DE")),
    ("Frankfurt, Hesse, Germany", ("Frankfurt am Main", "DE")),
    ("Greater Munich Metropolitan Area", ("Munich", "DE")),
    ("Greater Hamburg Area", ("Hamburg", "DE")),
    ("Berlin Metropolitan Area", ("Berlin", "DE")),
    ("Greater Stuttgart Metropolitan Area", ("Stuttgart", "DE")),
    ("Greater Leipzig Area", ("Leipzig", "DE")),
    ("Greater Düsseldorf Area", ("Düsseldorf", "DE")),
    ("Frankfurt Rhine-Main Metropolitan Area", ("Frankfurt am Main", "DE")),
    ("Cologne Bonn Region", ("Köln", "DE")),
    ("Rhine-Neckar Metropolitan Region", ("Mannheim", "DE")),
    ("Hannover-Braunschweig-Göttingen-Wolfsburg Region", ("Hannover", "DE")),
    ("Bremen-Oldenburg Region", ("Bremen", "DE")),
    ("Ruhr Region", ("Essen", "DE")),
    ("Greater Nuremberg Metropolitan Area", ("Nuremberg", "DE")),
    ("Vienna, Vienna, Austria", ("Vienna", "AT")),
    ("Zurich, Zurich, Switzerland", ("Zürich", "CH")),
    ("Zurich, Switzerland", ("Zürich", "CH")),
    ("Greater Zurich Area", ("Zürich", "CH")),
    ("Geneva, Switzerland", ("Geneva", "CH")),
    ("Basel, Basel, Switzerland", ("Basel", "CH")),
    ("Amsterdam, North Holland, Netherlands", ("Amsterdam", "NL")),
    ("Greater Paris Metropolitan Region", ("Paris", "FR")),
    ("London, England, United Kingdom", ("London", "GB")),
    ("Greater London", ("London", "GB")),
    ("San Francisco Bay Area", ("San Francisco", "US")),
    ("New York City Metropolitan Area", ("New York City", "US")),
    ("Greater Boston", ("Boston", "US")),
    ("Greater Seattle Area", ("Seattle", "US")),
    ("Greater Chicago Area", ("Chicago", "US")),
    ("Los Angeles Metropolitan Area", ("Los Angeles", "US")),
    ("Washington DC-Baltimore Area", ("Washington", "US")),
    ("Miami-Fort Lauderdale Area", ("Miami", "US")),
    ("Dallas-Fort Worth Metroplex", ("Dallas", "US")),
    ("Toronto, Ontario, Canada", ("Toronto", "CA")),
    ("Greater Toronto Area, Canada", ("Toronto", "CA")),
    ("Bengaluru, Karnataka, India", ("Bengaluru", "IN")),
    ("Sydney, New South Wales, Australia", ("Sydney", "AU")),
    ("Germany", (None, "DE")),
    ("Austria", (None, "AT")),
    ("Switzerland", (None, "CH")),
    ("United States", (None, "US")),
    ("United Kingdom", (None, "GB")),
    ("European Union", NO_PLACE),
    # XING and German profiles
    ("München, Bayern, Deutschland", ("Munich", "DE")),
    ("München", ("Munich", "DE")),
    ("Muenchen", ("Munich", "DE")),
    ("Munchen", ("Munich", "DE")),
    ("MÜNCHEN", ("Munich", "DE")),
    ("Köln", ("Köln", "DE")),
    ("Koeln", ("Köln", "DE")),
    ("Koln", ("Köln", "DE")),
    ("Cologne", ("Köln", "DE")),
    ("Nürnberg", ("Nuremberg", "DE")),
    ("Nuernberg", ("Nuremberg", "DE")),
    ("Nuremberg", ("Nuremberg", "DE")),
    ("Düsseldorf", ("Düsseldorf", "DE")),
    ("Duesseldorf", ("Düsseldorf", "DE")),
    ("Dusseldorf", ("Düsseldorf", "DE")),
    ("Hannover", ("Hannover", "DE")),
    ("Hanover", ("Hannover", "DE")),
    ("Braunschweig", ("Braunschweig", "DE")),
    ("Brunswick, Lower Saxony", ("Braunschweig", "DE")),
    ("Frankfurt", ("Frankfurt am Main", "DE")),
    ("Frankfurt am Main", ("Frankfurt am Main", "DE")),
    ("Frankfurt a. M.", ("Frankfurt am Main", "DE")),
    ("Frankfurt a.M.", ("Frankfurt am Main", "DE")),
    ("Frankfurt/Main", ("Frankfurt am Main", "DE")),
    ("Frankfurt (Oder)", ("Frankfurt (Oder)", "DE")),
    ("Frankfurt/Oder", ("Frankfurt (Oder)", "DE")),
    ("Frankfurt an der Oder", ("Frankfurt (Oder)", "DE")),
    ("Halle (Saale)", ("Halle (Saale)", "DE")),
    ("Halle/Saale", ("Halle (Saale)", "DE")),
    ("Halle", ("Halle (Saale)", "DE")),
    ("Freiburg im Breisgau", ("Freiburg", "DE")),
    ("Freiburg i. Br.", ("Freiburg", "DE")),
    ("Freiburg", ("Freiburg", "DE")),
    ("Offenbach am Main", ("Offenbach", "DE")),
    ("Mülheim an der Ruhr", ("Mülheim", "DE")),
    ("Brandenburg an der Havel", ("Brandenburg an der Havel", "DE")),
    ("Ludwigshafen am Rhein", ("Ludwigshafen am Rhein", "DE")),
    ("Sankt Augustin", ("Sankt Augustin", "DE")),
    ("Saarbrücken", ("Saarbrücken", "DE")),
    ("Saarbruecken", ("Saarbrücken", "DE")),
    ("Göttingen", ("Göttingen", "DE")),
    ("Goettingen", ("Göttingen", "DE")),
    ("Lübeck", ("Lübeck", "DE")),
    ("Würzburg", ("Würzburg", "DE")),
    ("Tübingen", ("Tübingen", "DE")),
    ("Mönchengladbach", ("Mönchengladbach", "DE")),
    ("Münster", ("Münster", "DE")),
    ("Muenster, NRW", ("Münster", "DE")),
    ("Hauptstr. 5, 20095 Hamburg", ("Hamburg", "DE")),
    ("Musterstraße 12, 10115 Berlin", ("Berlin", "DE")),
    ("Berliner Allee 5, Düsseldorf", ("Düsseldorf", "DE")),
    ("20095 Hamburg", ("Hamburg", "DE")),
    ("D-80331 München", ("Munich", "DE")),
    ("80331 München, Deutschland", ("Munich", "DE")),
    ("20095", NO_PLACE),
    ("Raum Stuttgart", ("Stuttgart", "DE")),
    ("Großraum Nürnberg", ("Nuremberg", "DE")),
    ("Metropolregion Hamburg", ("Hamburg", "DE")),
    ("Metropolregion Rhein-Neckar", ("Mannheim", "DE")),
    ("Region Hannover", ("Hannover", "DE")),
    ("Düsseldorf und Umgebung", ("Düsseldorf", "DE")),
    ("Kreis Pinneberg", ("Pinneberg", "DE")),
    ("Stadt Köln", ("Köln", "DE")),
    ("Ruhrgebiet", ("Essen", "DE")),
    ("Ruhrpott", ("Essen", "DE")),
    ("Ruhr area", ("Essen", "DE")),
    ("Rhein-Main", ("Frankfurt am Main", "DE")),
    ("Rhein-Main-Gebiet", ("Frankfurt am Main", "DE")),
    ("Rhein-Neckar", ("Mannheim", "DE")),
    ("Bodensee", ("Konstanz", "DE")),
    ("Sylt", ("Westerland", "DE")),
    ("Deutschland", (None, "DE")),
    ("Österreich", (None, "AT")),
    ("Oesterreich", (None, "AT")),
    ("Schweiz", (None, "CH")),
    ("Bayern, Deutschland", (None, "DE")),
    ("Bayern", (None, "DE")),
    ("Bavaria", (None, "DE")),
    ("NRW", (None, "DE")),
    ("Nordrhein-Westfalen", (None, "DE")),
    ("Hessen", (None, "DE")),
    ("Schleswig-Holstein", (None, "DE")),
    ("Tirol", (None, "AT")),
    ("Brandenburg", (None, "DE")),
    ("Brandenburg, Germany", (None, "DE")),
    ("Baden-Württemberg", (None, "DE")),
    ("Sachsen-Anhalt", (None, "DE")),
    ("Potsdam, Brandenburg", ("Potsdam", "DE")),
    ("Wien", ("Vienna", "AT")),
    ("1010 Wien", ("Vienna", "AT")),
    ("Graz, Steiermark", ("Graz", "AT")),
    ("Salzburg", ("Salzburg", "AT")),
    ("Linz", ("Linz", "AT")),
    ("Zürich", ("Zürich", "CH")),
    ("Zuerich", ("Zürich", "CH")),
    ("CH-8001 Zürich", ("Zürich", "CH")),
    ("Genf", ("Geneva", "CH")),
    ("Bern", ("Bern", "CH")),
    ("Luzern", ("Luzern", "CH")),
    ("Lucerne, Switzerland", ("Luzern", "CH")),
    # abbreviations people type
    ("HH", ("Hamburg", "DE")),
    ("FFM", ("Frankfurt am Main", "DE")),
    ("Ffm", ("Frankfurt am Main", "DE")),
    ("MUC", ("Munich", "DE")),
    ("D'dorf", ("Düsseldorf", "DE")),
    ("NYC", ("New York City", "US")),
    ("SF", ("San Francisco", "US")),
    ("LA", ("Los Angeles", "US")),
    ("DC", ("Washington", "US")),
    ("Bay Area", ("San Francisco", "US")),
    ("Silicon Valley", ("San Jose", "US")),
    ("LDN", ("London", "GB")),
    ("GTA", ("Toronto", "CA")),
    ("TLV", ("Tel Aviv", "IL")),
    # X / Mastodon bios: emoji, flags, pronouns, handles, several places
    ("Berlin 🇩🇪", ("Berlin", "DE")),
    ("🇩🇪", (None, "DE")),
    ("🇦🇹 Österreich", (None, "AT")),
    ("📍 Leipzig", ("Leipzig", "DE")),
    ("📍Hamburg ⚓️", ("Hamburg", "DE")),
    ("Hamburg | she/her", ("Hamburg", "DE")),
    ("he/him | Köln", ("Köln", "DE")),
    ("Hamburg | she/her | https://example.com", ("Hamburg", "DE")),
    ("Berlin https://mastodon.social/@someone", ("Berlin", "DE")),
    ("@foo@chaos.social", NO_PLACE),
    ("@foo", NO_PLACE),
    ("she/her", NO_PLACE),
    ("🌍", NO_PLACE),
    ("🏳️‍🌈", NO_PLACE),
    ("Berlin | Hamburg", ("Berlin", "DE")),
    ("Wien | Berlin", ("Vienna", "AT")),
    ("Wien – Berlin", ("Vienna", "AT")),
    ("Munich / Vienna", ("Munich", "DE")),
    ("Köln/Bonn", ("Köln", "DE")),
    ("Köln & remote", ("Köln", "DE")),
    ("remote & Köln", ("Köln", "DE")),
    ("Hamburg und Berlin", ("Hamburg", "DE")),
    ("Leipzig oder Dresden", ("Leipzig", "DE")),
    ("Berlin + remote", ("Berlin", "DE")),
    ("somewhere between Hamburg and Berlin", ("Hamburg", "DE")),
    ("Based in Berlin", ("Berlin", "DE")),
    ("Berlin-based", ("Berlin", "DE")),
    ("Munich based", ("Munich", "DE")),
    ("living in Stuttgart", ("Stuttgart", "DE")),
    ("wohnhaft in Bremen", ("Bremen", "DE")),
    ("aus Kiel", ("Kiel", "DE")),
    ("#Dresden", ("Dresden", "DE")),
    ("  berlin  ", ("Berlin", "DE")),
    ("BERLIN", ("Berlin", "DE")),
    ("Remote (Germany)", (None, "DE")),
    ("Remote, Germany", (None, "DE")),
    ("Germany, Berlin", ("Berlin", "DE")),
    # non-places
    ("remote", NO_PLACE),
    ("Remote", NO_PLACE),
    ("100% remote", NO_PLACE),
    ("worldwide", NO_PLACE),
    ("weltweit", NO_PLACE),
    ("Überall", NO_PLACE),
    ("home office", NO_PLACE),
    ("Homeoffice", NO_PLACE),
    ("Internet", NO_PLACE),
    ("The Internet", NO_PLACE),
    ("digital nomad", NO_PLACE),
    ("Digital Nomad 🌍", NO_PLACE),
    ("views are my own", NO_PLACE),
    ("Earth", NO_PLACE),
    ("Planet Earth", NO_PLACE),
    ("Fediverse", NO_PLACE),
    ("DACH", NO_PLACE),
    ("D-A-CH", NO_PLACE),
    ("Europe", NO_PLACE),
    ("EMEA", NO_PLACE),
    ("", NO_PLACE),
    ("   ", NO_PLACE),
    ("n/a", NO_PLACE),
    ("localhost", NO_PLACE),
    ("Hier", NO_PLACE),
    ("Zuhause", NO_PLACE),
    ("Coffee", NO_PLACE),
    ("Mordor", NO_PLACE),
    ("Schwarzwald", NO_PLACE),
    ("Europe/Berlin", ("Berlin", "DE")),
    # international, with qualifiers that disambiguate
    ("Paris", ("Paris", "FR")),
    ("Paris, France", ("Paris", "FR")),
    ("Paris, Texas", ("Paris", "US")),
    ("Paris (Texas)", ("Paris", "US")),
    ("Paris, TX", ("Paris", "US")),
    ("Cambridge", ("Cambridge", "GB")),
    ("Cambridge, MA", ("Cambridge", "US")),
    ("Cambridge MA 02139", ("Cambridge", "US")),
    ("Cambridge, UK", ("Cambridge", "GB")),
    ("London", ("London", "GB")),
    ("London, Ontario", ("London", "CA")),
    ("London, ON, Canada", ("London", "CA")),
    ("London SW1A 1AA", ("London", "GB")),
    ("Vienna, VA", ("Vienna", "US")),
    ("Washington, DC", ("Washington", "US")),
    ("Seattle, WA", ("Seattle", "US")),
    ("Baton Rouge, LA", ("Baton Rouge", "US")),
    ("Frankfurt, Brandenburg", ("Frankfurt (Oder)", "DE")),
    ("St. Gallen", ("Sankt Gallen", "CH")),
    ("Rapperswil, SG", ("Rapperswil", "CH")),
    ("Vienna, Austria", ("Vienna", "AT")),
    ("Portland, Oregon", ("Portland", "US")),
    ("Portland, Maine", ("Portland", "US")),
    ("Springfield, IL", ("Springfield", "US")),
    ("Perth", ("Perth", "AU")),
    ("Perth, Scotland", ("Perth", "GB")),
    ("Victoria, BC", ("Victoria", "CA")),
    ("Victoria, Australia", (None, "AU")),
    ("California", (None, "US")),
    ("California, USA", (None, "US")),
    ("New York", ("New York City", "US")),
    ("New York, NY", ("New York City", "US")),
    ("Brooklyn, NY", ("New York City", "US")),
    ("San Francisco, CA", ("San Francisco", "US")),
    ("Austin, TX", ("Austin", "US")),
    ("Montreal", ("Montréal", "CA")),
    ("Montréal, QC", ("Montréal", "CA")),
    ("Mexico City", ("Mexico City", "MX")),
    ("Mexico", (None, "MX")),
    ("São Paulo", ("São Paulo", "BR")),
    ("Sao Paulo, Brazil", ("São Paulo", "BR")),
    ("Singapore", ("Singapore", "SG")),
    ("Luxembourg", ("Luxembourg", "LU")),
    ("Tel Aviv", ("Tel Aviv", "IL")),
    ("Copenhagen", ("Copenhagen", "DK")),
    ("København", ("Copenhagen", "DK")),
    ("Kopenhagen", ("Copenhagen", "DK")),
    ("Praha", ("Prague", "CZ")),
    ("Prag", ("Prague", "CZ")),
    ("Warszawa", ("Warsaw", "PL")),
    ("Mailand", ("Milan", "IT")),
    ("Rom", ("Rome", "IT")),
    ("Lissabon", ("Lisbon", "PT")),
    ("Brüssel", ("Brussels", "BE")),
    ("Den Haag", ("The Hague", "NL")),
    ("Москва", ("Moscow", "RU")),
    ("東京", ("Tokyo", "JP")),
    ("Tokyo, Japan 🇯🇵", ("Tokyo", "JP")),
    ("Amsterdam 🇳🇱", ("Amsterdam", "NL")),
    ("Paris 🇺🇸", ("Paris", "US")),
    ("Berlin, DE", ("Berlin", "DE")),
    ("Berlin (DE)", ("Berlin", "DE")),
    ("Hamburg, Deutschland 🇩🇪", ("Hamburg", "DE")),
    # A country typed alone as its code is that country, never a city with the code among its
    # alternate names ("USA" was Yokkaichi, "AT" was Ath in Belgium); city shorthands stay cities.
    ("USA", (None, "US")),
    ("U.S.A.", (None, "US")),
    ("US", (None, "US")),
    ("UK", (None, "GB")),
    ("NL", (None, "NL")),
    ("CH", (None, "CH")),
    ("AT", (None, "AT")),
    ("DE", (None, "DE")),
    ("🇩🇪 DE", (None, "DE")),
    ("Consultant | USA", (None, "US")),
    ("Zürich, CH", ("Zürich", "CH")),
    ("Ath", ("Ath", "BE")),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_location_string_resolves_as_a_person_means_it(
    gazetteer: Gazetteer, text: str, expected: tuple[str | None, str | None]
) -> None:
    place = parse_location(text, gazetteer)
    got = (place.city, place.country) if place else NO_PLACE
    assert got == expected


def test_table_has_enough_real_world_strings() -> None:
    assert len(CASES) >= 150
    assert len({text for text, _ in CASES}) == len(CASES)


def test_city_places_carry_coordinates_timezone_and_geoname_id(gazetteer: Gazetteer) -> None:
    place = parse_location("Hamburg, Germany", gazetteer)
    assert place is not None
    assert place.lat == pytest.approx(53.55, abs=0.01)
    assert place.lon == pytest.approx(9.99, abs=0.01)
    assert place.timezone == "Europe/Berlin"
    assert place.geoname_id == 2911298
    assert place.region == "Hamburg"
    assert place.population > 1_000_000


def test_country_only_place_has_no_coordinates(gazetteer: Gazetteer) -> None:
    place = parse_location("Deutschland", gazetteer)
    assert place is not None
    assert (place.city, place.country, place.lat, place.lon) == (None, "DE", None, None)


def test_region_only_place_names_its_region(gazetteer: Gazetteer) -> None:
    place = parse_location("NRW", gazetteer)
    assert place is not None
    assert (place.city, place.country, place.region) == (None, "DE", "Nordrhein-Westfalen")


def test_two_letter_abbreviation_alone_is_not_a_region(gazetteer: Gazetteer) -> None:
    # "MA" is Massachusetts only after a city; alone it could be Morocco or a typo
    assert parse_location("MA", gazetteer) is None


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=80))
def test_any_text_gives_a_place_or_none_without_raising(gazetteer: Gazetteer, text: str) -> None:
    place = parse_location(text, gazetteer)
    if place is not None:
        assert place.country is not None
        assert (place.city is None) == (place.lat is None) == (place.lon is None)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(noise=st.sampled_from(["", " ", "🇩🇪", "📍", " | she/her", " & remote", ", Germany"]))
def test_decoration_does_not_move_a_german_city(gazetteer: Gazetteer, noise: str) -> None:
    for city in ("Hamburg", "Köln", "Leipzig", "Münster", "Freiburg"):
        plain = parse_location(city, gazetteer)
        assert plain is not None
        decorated = parse_location(city + noise, gazetteer)
        assert decorated is not None and decorated.geoname_id == plain.geoname_id
