"""The gazetteer behind geopy's Geocoder interface, and the Nominatim alternative."""

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from geopy.adapters import BaseAsyncAdapter
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from planner.geo.gazetteer import Gazetteer
from planner.geo.geocoder import DEFAULT_USER_AGENT, GazetteerGeocoder, make_geocoder
from tests.fake_http import serving


def test_gazetteer_geocoder_is_a_geopy_geocoder(gazetteer: Gazetteer) -> None:
    geocoder = GazetteerGeocoder(gazetteer)
    assert isinstance(geocoder, Geocoder)
    location = geocoder.geocode("München, Bayern, Deutschland")
    assert isinstance(location, Location)
    assert location.latitude == pytest.approx(48.137, abs=0.01)
    assert location.longitude == pytest.approx(11.575, abs=0.01)
    assert location.address == "Munich, Bayern, Germany"
    assert location.raw["city"] == "Munich"
    assert location.raw["country"] == "DE"
    assert location.raw["timezone"] == "Europe/Berlin"
    assert location.raw["source"] == "gazetteer"


def test_geocode_list_and_no_result(gazetteer: Gazetteer) -> None:
    geocoder = GazetteerGeocoder(gazetteer)
    many = geocoder.geocode("Hamburg", exactly_one=False)
    assert isinstance(many, list) and many[0].raw["city"] == "Hamburg"
    assert geocoder.geocode("remote") is None
    assert geocoder.geocode("Germany") is None  # a Location needs coordinates


def test_geocode_takes_a_structured_query(gazetteer: Gazetteer) -> None:
    location = GazetteerGeocoder(gazetteer).geocode(
        {"street": "Hauptstr. 5", "city": "Paris", "state": "Texas", "country": "USA"}
    )
    assert location is not None and location.raw["country"] == "US"


def test_geocode_with_an_async_adapter_returns_a_coroutine(gazetteer: Gazetteer) -> None:
    class OfflineAsyncAdapter(BaseAsyncAdapter):
        async def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
            raise AssertionError("the gazetteer must not fetch anything")

        async def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
            raise AssertionError("the gazetteer must not fetch anything")

    geocoder = GazetteerGeocoder(gazetteer, adapter_factory=OfflineAsyncAdapter)
    # A thread of its own: another test (Playwright's sync API) may own this thread's loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        location = pool.submit(asyncio.run, geocoder.geocode("Köln")).result()
    assert location.raw["city"] == "Köln"


def test_make_geocoder_defaults_to_the_offline_gazetteer(gazetteer: Gazetteer) -> None:
    geocode = make_geocoder({}, gazetteer=gazetteer)
    assert geocode("Wien").raw["city"] == "Vienna"


def test_make_geocoder_opens_the_configured_file(gazetteer_path: Path) -> None:
    geocode = make_geocoder({"GEOCODER": "gazetteer", "GAZETTEER_PATH": str(gazetteer_path)})
    assert geocode("Zürich").raw["country"] == "CH"


def test_make_geocoder_rejects_an_unknown_backend() -> None:
    with pytest.raises(ValueError, match="GEOCODER='google'"):
        make_geocoder({"GEOCODER": "google"})


class _FakeNominatim(BaseHTTPRequestHandler):
    requests: list[tuple[str, dict[str, list[str]], str | None]] = []

    def do_GET(self) -> None:
        url = urlparse(self.path)
        self.requests.append((url.path, parse_qs(url.query), self.headers.get("User-Agent")))
        body = json.dumps(
            [
                {
                    "place_id": 1,
                    "lat": "53.5503",
                    "lon": "10.0007",
                    "display_name": "Hamburg, Deutschland",
                    "class": "boundary",
                    "type": "administrative",
                }
            ]
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def fake_nominatim(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    _FakeNominatim.requests = []
    with serving(_FakeNominatim) as port:
        yield f"127.0.0.1:{port}"


def test_nominatim_backend_is_rate_limited_and_identifies_itself(fake_nominatim: str) -> None:
    geocode = make_geocoder(
        {"GEOCODER": "nominatim", "NOMINATIM_DOMAIN": fake_nominatim, "NOMINATIM_SCHEME": "http"}
    )
    assert isinstance(geocode, RateLimiter)
    assert geocode.min_delay_seconds == 1.0
    location = geocode("Hamburg")
    assert location.address == "Hamburg, Deutschland"
    assert location.latitude == pytest.approx(53.5503)
    [(path, query, user_agent)] = _FakeNominatim.requests
    assert path == "/search"
    assert query["q"] == ["Hamburg"]
    assert user_agent == DEFAULT_USER_AGENT
