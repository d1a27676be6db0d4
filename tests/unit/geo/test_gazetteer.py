"""Building and opening the gazetteer file; type-ahead; the JSON shape."""

import json
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest

from planner.geo import gazetteer as gazetteer_module
from planner.geo.gazetteer import (
    ATTRIBUTION,
    Gazetteer,
    GazetteerError,
    Place,
    build_gazetteer,
    fold,
    place_to_json,
    suggest,
)
from planner.geo.parse import parse_location


def test_fold_ignores_case_accents_and_punctuation() -> None:
    assert fold("  MÜNCHEN ") == "munchen"
    assert fold("Frankfurt (Oder)") == "frankfurt oder"
    assert fold("Straße") == "strasse"
    assert fold("København") == "kobenhavn"


def test_build_records_a_data_version_and_is_idempotent(
    gazetteer_path: Path, gazetteer: Gazetteer
) -> None:
    before = gazetteer_path.stat().st_mtime_ns
    stats = build_gazetteer(gazetteer_path)
    assert not stats.rebuilt
    assert stats.data_version == gazetteer.data_version
    assert gazetteer_path.stat().st_mtime_ns == before


@pytest.fixture
def small_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A few hundred real cities (every alias target among them): builds in a blink."""
    with gazetteer_module._cities_file().open(encoding="utf-8") as fh:
        cities = json.load(fh)
    targets = set(gazetteer_module.aliases.CITY_ALIASES.values())
    subset = {
        gid: c
        for gid, c in cities.items()
        if (c["name"], c["countrycode"]) in targets or c["name"] == "Dresden"
    }
    source = tmp_path / "cities5000.json"
    source.write_text(json.dumps(subset), encoding="utf-8")
    monkeypatch.setattr(gazetteer_module, "_cities_file", lambda: source)
    return source


def test_changed_alias_table_rebuilds_atomically(
    tmp_path: Path, small_source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out" / "g.sqlite"
    first = build_gazetteer(path)
    assert first.rebuilt and first.cities < 1000
    reader = Gazetteer(path)  # an open reader keeps working while the file is replaced
    monkeypatch.setitem(gazetteer_module.aliases.CITY_ALIASES, "Elbflorenz", ("Dresden", "DE"))
    second = build_gazetteer(path)
    assert second.rebuilt and second.data_version != first.data_version
    assert [p.name for p in path.parent.iterdir()] == ["g.sqlite"]  # no temp file left behind
    assert parse_location("Elbflorenz", Gazetteer(path)) == parse_location("Dresden", reader)
    assert not build_gazetteer(path).rebuilt
    assert build_gazetteer(path, force=True).rebuilt


def test_alias_to_unknown_city_fails_the_build(
    tmp_path: Path, small_source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(gazetteer_module.aliases.CITY_ALIASES, "Atlantis", ("Atlantis", "DE"))
    out = tmp_path / "out"
    with pytest.raises(GazetteerError, match="Atlantis"):
        build_gazetteer(out / "g.sqlite")
    assert list(out.iterdir()) == []


def test_full_build_holds_every_city_and_its_names(gazetteer: Gazetteer) -> None:
    stats = gazetteer.stats()
    assert stats["cities"] > 60_000
    assert stats["names"] > 5 * stats["cities"]


def test_opening_a_missing_or_foreign_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="build_gazetteer"):
        Gazetteer(tmp_path / "missing.sqlite")
    stale = tmp_path / "stale.sqlite"
    with closing(sqlite3.connect(stale)) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("INSERT INTO meta VALUES ('schema_version', '0'), ('data_version', 'x')")
        conn.commit()
    with pytest.raises(GazetteerError, match="another version"):
        Gazetteer(stale)
    foreign = tmp_path / "foreign.sqlite"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(GazetteerError, match="not a gazetteer"):
        Gazetteer(foreign)


def test_gazetteer_file_is_read_only(gazetteer: Gazetteer) -> None:
    with pytest.raises(sqlite3.OperationalError):
        gazetteer._conn().execute("DELETE FROM city")


def test_lookups_from_many_threads_agree(gazetteer: Gazetteer) -> None:
    texts = ["Hamburg", "Köln", "Wien", "Paris, Texas", "NRW"] * 20
    expected = [parse_location(t, gazetteer) for t in texts]
    results: list[list[Place | None]] = []

    def work() -> None:
        results.append([parse_location(t, gazetteer) for t in texts])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [expected] * 4


def test_attribution_credits_geonames_under_cc_by() -> None:
    assert "GeoNames" in ATTRIBUTION and "CC BY 4.0" in ATTRIBUTION


def test_place_to_json_matches_the_cli_contract(gazetteer: Gazetteer) -> None:
    hamburg = place_to_json(parse_location("Hamburg", gazetteer))
    assert hamburg == {
        "city": "Hamburg",
        "country": "DE",
        "lat": 53.5507,
        "lon": 9.993,
        "source": "gazetteer",
    }
    assert place_to_json(parse_location("Germany", gazetteer)) == {
        "city": None,
        "country": "DE",
        "lat": None,
        "lon": None,
        "source": "gazetteer",
    }
    assert place_to_json(None) == {
        "city": None,
        "country": None,
        "lat": None,
        "lon": None,
        "source": None,
    }


def test_suggest_matches_folded_prefixes_most_populous_first(gazetteer: Gazetteer) -> None:
    names = [p.city for p in suggest("Münch", gazetteer)]
    assert names[0] == "Munich"
    assert suggest("muench", gazetteer)[0].city == "Munich"
    places = suggest("ham", gazetteer, limit=5)
    assert len(places) == 5
    assert places[0].city == "Hamburg"
    populations = [p.population for p in places]
    assert populations == sorted(populations, reverse=True)


def test_suggest_prefers_real_names_over_obscure_alternates(gazetteer: Gazetteer) -> None:
    names = [p.city for p in suggest("ber", gazetteer)]
    assert names[0] == "Berlin"
    assert "Aleppo" not in names[:5]


def test_suggest_finds_exonyms_and_aliases(gazetteer: Gazetteer) -> None:
    assert "Köln" in [p.city for p in suggest("Colog", gazetteer)]
    assert suggest("ffm", gazetteer)[0].city == "Frankfurt am Main"


def test_suggest_needs_two_characters_and_a_positive_limit(gazetteer: Gazetteer) -> None:
    assert suggest("b", gazetteer) == []
    assert suggest("  ", gazetteer) == []
    assert suggest("Berlin", gazetteer, limit=0) == []


def test_suggest_lists_each_city_once(gazetteer: Gazetteer) -> None:
    ids = [p.geoname_id for p in suggest("frankfurt", gazetteer, limit=20)]
    assert len(ids) == len(set(ids))
