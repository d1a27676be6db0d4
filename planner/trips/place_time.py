"""Time at a place: wall-clock times in a place's IANA zone and the UTC instants they mean.

Pure (no Flask, no database): trips and meetings both speak wall-clock time at a place, so
both import this module and neither imports the other's service for it.
"""

from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.geo import Place


class Stay(Protocol):
    """Anything with an arrival and a departure at a place (a trip leg)."""

    timezone: str
    arrives_at: datetime
    departs_at: datetime


def zone_of(place: Place) -> ZoneInfo:
    """The place's zone; UTC when it has none or names one the tz database lacks."""
    try:
        return ZoneInfo(place.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time at a place as a UTC instant. In the autumn hour that happens twice
    the earlier one is meant (fold=0); a time skipped in spring moves forward by the gap."""
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    aware = local.replace(tzinfo=zone, fold=0)
    # a time in the spring gap does not round-trip: take the instant it would have been
    return aware.astimezone(UTC)


def exists_at(local: datetime, zone: ZoneInfo) -> bool:
    """Whether a naive wall-clock time happens at all in ``zone`` (not in the spring gap)."""
    if local.tzinfo is not None:
        return True
    return to_utc(local, zone).astimezone(zone).replace(tzinfo=None) == local


def local_times(stay: Stay) -> tuple[datetime, datetime]:
    """Arrival and departure as wall-clock times at the place (aware)."""
    zone = ZoneInfo(stay.timezone)
    return stay.arrives_at.astimezone(zone), stay.departs_at.astimezone(zone)
