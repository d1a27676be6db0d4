"""Places: contacts placed after an import, user-set places kept, radius search by distance."""

import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask
from sqlmodel import Session, select

from planner import tasks
from planner.contacts.service import ContactInput, contact_rows, update_contact
from planner.geo import Place
from planner.imports import service as imports
from planner.imports.service import insert_contacts
from planner.models import Contact, GeocodeCache, User
from planner.models.types import utcnow
from planner.places import service
from tests.places_fixtures import with_gazetteer

VCARDS = b"""BEGIN:VCARD\r
VERSION:3.0\r
FN:Hanna Hafen\r
EMAIL:hanna@example.org\r
ADR;TYPE=work:;;Jungfernstieg 1;Hamburg;;20354;Germany\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:3.0\r
FN:Gerd Geo\r
EMAIL:gerd@example.org\r
ADR:;;;Oldenburg;;;Germany\r
GEO:53.0,8.0\r
END:VCARD\r
BEGIN:VCARD\r
VERSION:3.0\r
FN:Nora Nowhere\r
EMAIL:nora@example.org\r
ADR:;;;Xyzzyville;;;\r
END:VCARD\r
"""


@pytest.fixture
def places_app(app: Flask) -> Flask:
    return with_gazetteer(app)


def _owner(db: Session, user: Any) -> User:
    owner = db.get(User, user.id)
    assert owner is not None
    return owner


def _contact(db: Session, name: str) -> Contact:
    return db.exec(select(Contact).where(Contact.display_name == name)).one()


def test_an_import_places_its_new_contacts(places_app: Flask, db: Session, make_user: Any) -> None:
    owner = _owner(db, make_user())
    batch = imports.stage_import(db, owner=owner, uploads=[("people.vcf", VCARDS)])
    parsed = imports.parse_uploads([("people.vcf", VCARDS)])
    imports.write_import(db, owner=owner, batch=batch, parsed=parsed)
    db.commit()

    done = tasks.import_followups(places_app, str(batch.id), str(owner.id))

    assert done["places"]["placed"] == 1 and done["places"]["not_found"] == 1
    db.expire_all()
    hanna = _contact(db, "Hanna Hafen")
    assert (hanna.city, hanna.country, hanna.location_source) == ("Hamburg", "DE", "geocoded")
    assert hanna.lat == pytest.approx(53.55, abs=0.01) and hanna.geocoded_at is not None
    gerd = _contact(db, "Gerd Geo")  # the vCard's GEO stays, Oldenburg is not looked up
    assert (gerd.lat, gerd.lon, gerd.location_source) == (53.0, 8.0, "imported")
    nora = _contact(db, "Nora Nowhere")
    assert nora.lat is None and nora.location_source is None and nora.geocoded_at is not None


def test_a_free_text_location_is_placed_and_named(
    places_app: Flask, db: Session, make_user: Any, make_contact: Any
) -> None:
    user = make_user()
    contact = make_contact(user, location_text="Greater Munich Area")
    counts = service.geocode_contacts(db, owner=_owner(db, user))
    assert counts.placed == 1 and counts.considered == 1
    placed = db.get(Contact, contact.id)
    assert placed is not None
    assert (placed.city, placed.region, placed.country) == ("Munich", "Bayern", "DE")
    # done once: a second run has nothing left to do
    assert service.geocode_contacts(db, owner=_owner(db, user)).considered == 0


def test_typed_address_fields_are_kept_as_written(
    places_app: Flask, db: Session, make_user: Any, make_contact: Any
) -> None:
    user = make_user()
    contact = make_contact(user, city="München", country="DE")
    service.geocode_contacts(db, owner=_owner(db, user))
    placed = db.get(Contact, contact.id)
    assert placed is not None
    assert (placed.city, placed.region, placed.country) == ("München", "Bayern", "DE")
    assert placed.lat == pytest.approx(48.14, abs=0.01)


def test_a_place_set_by_the_user_is_never_overwritten(
    places_app: Flask, db: Session, make_user: Any, make_contact: Any
) -> None:
    user = make_user()
    contact = make_contact(user, location_text="Berlin")
    owner = _owner(db, user)
    stored = db.get(Contact, contact.id)
    assert stored is not None
    service.set_place(db, contact=stored, place=service.place_text("Hamburg"))  # type: ignore[arg-type]
    db.commit()

    assert service.geocode_contacts(db, owner=owner, force=True).considered == 0
    kept = db.get(Contact, contact.id)
    assert kept is not None
    assert (kept.city, kept.location_source) == ("Hamburg", "user")


def test_a_changed_city_is_placed_again(
    places_app: Flask, db: Session, make_user: Any, make_contact: Any
) -> None:
    user = make_user()
    contact = make_contact(user, city="Hamburg")
    owner = _owner(db, user)
    service.geocode_contacts(db, owner=owner)
    stored = db.get(Contact, contact.id)
    assert stored is not None and stored.city == "Hamburg"
    # what the edit form does: a different city comes without coordinates or source
    update_contact(db, contact=stored, data=ContactInput(first_name="Anna", city="Köln"))
    assert service.geocode_contacts(db, owner=owner, contact_ids=[contact.id]).placed == 1
    db.refresh(stored)
    assert stored.city == "Köln" and stored.lat == pytest.approx(50.93, abs=0.01)


def test_a_failed_lookup_is_tried_again_only_after_a_change(
    places_app: Flask, db: Session, make_user: Any, make_contact: Any
) -> None:
    user = make_user()
    contact = make_contact(user, location_text="Xyzzyville")
    owner = _owner(db, user)
    assert service.geocode_contacts(db, owner=owner).not_found == 1
    assert service.geocode_contacts(db, owner=owner).considered == 0
    stored = db.get(Contact, contact.id)
    assert stored is not None
    stored.updated_at = utcnow() + timedelta(seconds=1)
    db.add(stored)
    db.flush()
    assert service.geocode_contacts(db, owner=owner).considered == 1


def test_geocoding_touches_only_the_owners_contacts(
    places_app: Flask, db: Session, make_user: Any, make_contact: Any
) -> None:
    alice, bob = make_user(), make_user()
    theirs = make_contact(bob, city="Hamburg")
    service.geocode_contacts(db, owner=_owner(db, alice), contact_ids=[theirs.id])
    service.geocode_contacts(db, owner=_owner(db, alice))
    untouched = db.get(Contact, theirs.id)
    assert untouched is not None and untouched.lat is None


def _bulk(db: Session, owner: Any, points: list[tuple[str, float, float]]) -> dict[str, uuid.UUID]:
    ids = {name: uuid.uuid4() for name, _, _ in points}
    rows = [
        contact_rows(owner.id, ids[name], ContactInput(display_name=name, lat=lat, lon=lon))
        for name, lat, lon in points
    ]
    insert_contacts(db, rows, utcnow())
    db.commit()
    return ids


def test_radius_search_is_nearest_first_and_owner_scoped(
    places_app: Flask, db: Session, make_user: Any
) -> None:
    alice, bob = _owner(db, make_user()), _owner(db, make_user())
    _bulk(
        db,
        alice,
        [
            ("Lübeck", 53.8655, 10.6866),  # ~58 km from Hamburg
            ("Norderstedt", 53.7064, 9.9977),  # ~17 km
            ("Hamburg Mitte", 53.5507, 9.993),  # 0 km
            ("Bremen", 53.0751, 8.8078),  # ~95 km
            ("Lüneburg", 53.2509, 10.4142),  # ~43 km
        ],
    )
    _bulk(db, bob, [("Bob's Hamburg friend", 53.55, 9.99)])

    hits = service.contacts_near(db, owner=alice, lat=53.5507, lon=9.993, radius_km=50)

    assert [c.display_name for c, _ in hits] == ["Hamburg Mitte", "Norderstedt", "Lüneburg"]
    distances = [d for _, d in hits]
    assert distances == sorted(distances) and distances[0] < 0.01 and 40 < distances[2] < 50
    wider = service.contacts_near(db, owner=alice, lat=53.5507, lon=9.993, radius_km=100, limit=4)
    assert [c.display_name for c, _ in wider][-1] == "Lübeck"


def test_radius_search_across_the_antimeridian(
    places_app: Flask, db: Session, make_user: Any
) -> None:
    owner = _owner(db, make_user())
    _bulk(
        db,
        owner,
        [
            ("Suva", -18.1368, 178.4253),
            ("Taveuni east", -16.8, -179.9),  # across the date line, ~420 km from Suva
            ("Apia", -13.8333, -171.7667),  # ~1,150 km
            ("Santiago", -33.45, -70.66),  # far away, same latitude band
        ],
    )
    hits = service.contacts_near(db, owner=owner, lat=-18.1368, lon=178.4253, radius_km=500)
    assert [c.display_name for c, _ in hits] == ["Suva", "Taveuni east"]
    everywhere = service.contacts_near(db, owner=owner, lat=-18.1, lon=178.4, radius_km=1300)
    assert [c.display_name for c, _ in everywhere] == ["Suva", "Taveuni east", "Apia"]
    nearest = service.contacts_near(db, owner=owner, lat=-16.8, lon=-179.9, radius_km=1300, limit=1)
    assert [c.display_name for c, _ in nearest] == ["Taveuni east"]
    rows = service.near_rows(db, owner=owner, lat=-16.8, lon=-179.9, radius_km=1300, limit=2)
    assert [r.display_name for r, _ in rows] == ["Taveuni east", "Suva"]


def test_radius_search_near_the_pole_spans_every_longitude(
    places_app: Flask, db: Session, make_user: Any
) -> None:
    owner = _owner(db, make_user())
    _bulk(db, owner, [("Alert", 82.5, -62.3), ("Ny-Ålesund", 78.92, 11.93)])
    hits = service.contacts_near(db, owner=owner, lat=89.9, lon=0.0, radius_km=1300)
    assert {c.display_name for c, _ in hits} == {"Alert", "Ny-Ålesund"}
    nearest = service.contacts_near(db, owner=owner, lat=85.0, lon=179.0, radius_km=1300, limit=1)
    assert [c.display_name for c, _ in nearest] == ["Alert"]


def test_map_markers_are_compact_and_filtered(
    places_app: Flask, db: Session, make_user: Any, make_contact: Any
) -> None:
    user, other = make_user(), make_user()
    make_contact(user, display_name="Ada", lat=53.55, lon=9.99, topics=["Barcamps"])
    make_contact(user, display_name="Bea", lat=48.14, lon=11.58, stage="met")
    make_contact(user, display_name="Cem")  # no place
    make_contact(other, display_name="Other", lat=52.5, lon=13.4)
    owner = _owner(db, user)
    markers = service.map_markers(db, owner=owner)
    assert sorted(m[3] for m in markers) == ["Ada", "Bea"]
    assert all(len(m) == 4 and isinstance(m[2], str) for m in markers)
    assert [m[3] for m in service.map_markers(db, owner=owner, topic="barcamps")] == ["Ada"]
    assert [m[3] for m in service.map_markers(db, owner=owner, stage="met")] == ["Bea"]


def test_unplaced_lists_typed_and_missing_locations(
    places_app: Flask, db: Session, make_user: Any, make_contact: Any
) -> None:
    user = make_user()
    make_contact(user, display_name="Typed", location_text="somewhere nice")
    make_contact(user, display_name="Nothing")
    make_contact(user, display_name="Placed", lat=1.0, lon=2.0)
    make_contact(make_user(), display_name="Not mine")
    found = service.unplaced_contacts(db, owner=_owner(db, user))
    assert [r.display_name for r in found.typed] == ["Typed"]
    assert [r.display_name for r in found.missing] == ["Nothing"]
    assert (found.typed_total, found.missing_total) == (1, 1)


# --- online geocoding, only ever against a fake Nominatim on 127.0.0.1 ----------------------


class _FakeNominatim(BaseHTTPRequestHandler):
    queries: list[str] = []

    def do_GET(self) -> None:
        from urllib.parse import parse_qs, urlparse

        query = parse_qs(urlparse(self.path).query)["q"][0]
        self.queries.append(query)
        if "Broken" in query:
            self.send_response(500)
            self.end_headers()
            return
        found = [] if "Nowhere" in query else [_NOMINATIM_HIT]
        import json

        body = json.dumps(found).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


_NOMINATIM_HIT = {
    "place_id": 1,
    "lat": "54.3233",
    "lon": "10.1228",
    "display_name": "Kiel-Hafen, Kiel, Schleswig-Holstein, Deutschland",
    "address": {"city": "Kiel", "state": "Schleswig-Holstein", "country_code": "de"},
}


@pytest.fixture
def fake_nominatim(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    _FakeNominatim.queries = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeNominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_nominatim_answers_what_the_gazetteer_does_not_know_and_is_cached(
    places_app: Flask, db: Session, make_user: Any, make_contact: Any, fake_nominatim: str
) -> None:
    places_app.config.update(
        GEOCODER="nominatim",
        NOMINATIM_DOMAIN=fake_nominatim,
        NOMINATIM_SCHEME="http",
        GEOCODER_MIN_DELAY_SECONDS=0.0,
        GEOCODER_ERROR_WAIT_SECONDS=0.0,
    )
    user = make_user()
    harbour = make_contact(user, display_name="Harbour", location_text="Kiellinie Harbour Kai")
    make_contact(user, display_name="Harbour too", location_text="kiellinie harbour kai")
    make_contact(user, display_name="Lost", location_text="Nowhere Special Xq")
    make_contact(user, display_name="Broken", location_text="Broken Server Xq")
    make_contact(user, display_name="Known", location_text="Hamburg")
    owner = _owner(db, user)

    # a web request never goes online
    offline = service.geocode_contacts(db, owner=owner)
    assert offline.online_lookups == 0 and _FakeNominatim.queries == []
    db.rollback()

    counts = service.geocode_contacts(db, owner=owner, online=True)
    db.commit()
    assert (counts.placed, counts.not_found, counts.failed) == (3, 1, 1)
    # one request per folded text (the broken one with geopy's retries); Hamburg came
    # from the gazetteer
    assert sorted(set(_FakeNominatim.queries)) == [
        "Broken Server Xq",
        "Kiellinie Harbour Kai",
        "Nowhere Special Xq",
    ]
    assert _FakeNominatim.queries.count("Kiellinie Harbour Kai") == 1
    placed = db.get(Contact, harbour.id)
    assert placed is not None
    assert (placed.city, placed.country, placed.location_source) == ("Kiel", "DE", "geocoded")
    cached = {c.query: c.result for c in db.exec(select(GeocodeCache)).all()}
    assert cached["nowhere special xq"] is None and "broken server xq" not in cached

    # the failure is tried again (and only it); answers come from the cache
    _FakeNominatim.queries = []
    again = service.geocode_contacts(db, owner=owner, online=True)
    assert again.failed == 1 and set(_FakeNominatim.queries) == {"Broken Server Xq"}


def test_place_text_and_suggestions(places_app: Flask, db: Session) -> None:
    hamburg = service.place_text("Hamburg, Germany")
    assert isinstance(hamburg, Place) and hamburg.city == "Hamburg"
    assert service.place_text("Xyzzy") is None
    labels = [service.place_label(p) for p in service.suggest_places("Mün")]
    assert labels[0] == "Munich, Bayern, DE" and "Münster, Nordrhein-Westfalen, DE" in labels


def test_the_nearest_few_are_exactly_the_head_of_the_full_answer(
    places_app: Flask, db: Session, make_user: Any
) -> None:
    import random

    rng = random.Random(5)
    owner = _owner(db, make_user())
    _bulk(
        db,
        owner,
        [(f"P{i}", rng.gauss(53.55, 0.2), rng.gauss(9.99, 0.3)) for i in range(400)],
    )
    full = service.near_rows(db, owner=owner, lat=53.55, lon=9.99, radius_km=80)
    for limit in (1, 25, 300, 1000):
        head = service.near_rows(db, owner=owner, lat=53.55, lon=9.99, radius_km=80, limit=limit)
        assert [r.id for r, _ in head] == [r.id for r, _ in full[:limit]]
