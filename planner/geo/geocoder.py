"""The gazetteer behind geopy's ``Geocoder`` interface, and the factory choosing a geocoder.

Callers only ever hold a *geocode function* (``geocode(query, exactly_one=True)`` returning a
``geopy.location.Location``, a list of them, or None), so the offline gazetteer and an online
Nominatim wrapped in geopy's ``RateLimiter`` are interchangeable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from geopy.adapters import BaseAsyncAdapter
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from planner.geo.gazetteer import Gazetteer, Place
from planner.geo.parse import parse_location

GeocodeFunction = Callable[..., Any]

DEFAULT_USER_AGENT = "Treffpunkt/0.1 (self-hosted contact and trip planner)"
# Parts of a Nominatim-style structured query that name a place (street is not needed).
STRUCTURED_QUERY_KEYS = ("city", "county", "state", "country")


class GazetteerGeocoder(Geocoder):
    """geopy ``Geocoder`` answering from the offline gazetteer; never touches the network.

    ``Location.raw`` carries the ``Place`` fields plus ``"source": "gazetteer"``. A text naming
    only a country gives None here (a Location needs coordinates): use ``parse_location`` when
    a country-only answer is useful. With an async adapter, ``geocode`` returns a coroutine,
    as every geopy geocoder does.
    """

    def __init__(
        self,
        gazetteer: Gazetteer,
        *,
        timeout: Any = DEFAULT_SENTINEL,
        user_agent: str | None = None,
        adapter_factory: Any = None,
    ) -> None:
        super().__init__(timeout=timeout, user_agent=user_agent, adapter_factory=adapter_factory)
        self.gazetteer = gazetteer

    def geocode(
        self,
        query: str | Mapping[str, str],
        *,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        **kwargs: Any,
    ) -> Any:
        """Resolve ``query`` (free text, or a Nominatim-style dict with city/state/country)."""
        result = self._geocode(query, exactly_one=exactly_one)
        if isinstance(self.adapter, BaseAsyncAdapter):

            async def resolved() -> Location | list[Location] | None:
                return result

            return resolved()
        return result

    def _geocode(
        self, query: str | Mapping[str, str], *, exactly_one: bool
    ) -> Location | list[Location] | None:
        if isinstance(query, Mapping):
            text = ", ".join(str(query[k]) for k in STRUCTURED_QUERY_KEYS if query.get(k))
        else:
            text = str(query)
        place = parse_location(text, self.gazetteer)
        if place is None or place.lat is None or place.lon is None:
            return None
        location = Location(self._address(place), (place.lat, place.lon), self._raw(place))
        return location if exactly_one else [location]

    def _address(self, place: Place) -> str:
        parts = [place.city, place.region]
        if place.country:
            parts.append(self.gazetteer.country_name(place.country) or place.country)
        return ", ".join(dict.fromkeys(p for p in parts if p))

    @staticmethod
    def _raw(place: Place) -> dict[str, Any]:
        return {**dataclasses.asdict(place), "source": "gazetteer"}


def make_geocoder(
    config: Mapping[str, Any], *, gazetteer: Gazetteer | None = None
) -> GeocodeFunction:
    """The configured geocode function.

    ``GEOCODER``: ``"gazetteer"`` (default, offline; uses ``gazetteer`` or opens
    ``GAZETTEER_PATH``) or ``"nominatim"`` (sends the text to ``NOMINATIM_SCHEME``://
    ``NOMINATIM_DOMAIN``, default the public OpenStreetMap server, identified by
    ``GEOCODER_USER_AGENT``, at most one request per ``GEOCODER_MIN_DELAY_SECONDS``, as the
    Nominatim usage policy asks).
    """
    backend = str(config.get("GEOCODER", "gazetteer")).lower()
    if backend == "gazetteer":
        if gazetteer is None:
            gazetteer = Gazetteer(Path(config["GAZETTEER_PATH"]))
        return GazetteerGeocoder(gazetteer).geocode
    if backend == "nominatim":
        nominatim = Nominatim(
            user_agent=config.get("GEOCODER_USER_AGENT", DEFAULT_USER_AGENT),
            domain=config.get("NOMINATIM_DOMAIN", "nominatim.openstreetmap.org"),
            scheme=config.get("NOMINATIM_SCHEME", "https"),
            timeout=config.get("GEOCODER_TIMEOUT", 10),
        )
        return RateLimiter(
            nominatim.geocode,
            min_delay_seconds=float(config.get("GEOCODER_MIN_DELAY_SECONDS", 1.0)),
            max_retries=2,
        )
    raise ValueError(f"GEOCODER={backend!r}: expected 'gazetteer' or 'nominatim'")
