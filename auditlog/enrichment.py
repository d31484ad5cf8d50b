"""Enrichment at record time: IP → country / region / city (geoip2), user agent → browser / OS /
device (user-agents). Lookups are cached, so bulk loads with repeating values stay cheap."""

from __future__ import annotations

import ipaddress
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geoip2.database
import geoip2.errors
import user_agents
from django.conf import settings

logger = logging.getLogger(__name__)

UNKNOWN = ""


@dataclass(frozen=True)
class Location:
    ip_address: str | None
    country_code: str = UNKNOWN
    country: str = UNKNOWN
    region: str = UNKNOWN
    city: str = UNKNOWN


@dataclass(frozen=True)
class Device:
    browser: str = UNKNOWN
    os: str = UNKNOWN
    device: str = UNKNOWN


def geoip_database_path() -> Path:
    """GEOIP_PATH when it names a database, else GeoLite2 City packaged in maxminddb-geolite2."""
    if settings.GEOIP_PATH:
        return Path(settings.GEOIP_PATH)
    import _maxminddb_geolite2

    return Path(_maxminddb_geolite2.geolite2_database())


@lru_cache(maxsize=1)
def _reader() -> geoip2.database.Reader:
    return geoip2.database.Reader(str(geoip_database_path()))


@lru_cache(maxsize=65536)
def locate(ip: str | None) -> Location:
    """Resolve an IP address; an invalid or unknown address gives an unknown location."""
    if not ip:
        return Location(ip_address=None)
    try:
        address = str(ipaddress.ip_address(ip.strip()))
    except ValueError:
        return Location(ip_address=None)
    try:
        hit = _reader().city(address)
    except (geoip2.errors.AddressNotFoundError, ValueError):
        return Location(ip_address=address)
    region = hit.subdivisions.most_specific.name if hit.subdivisions else None
    return Location(
        ip_address=address,
        country_code=hit.country.iso_code or UNKNOWN,
        country=hit.country.name or UNKNOWN,
        region=region or UNKNOWN,
        city=hit.city.name or UNKNOWN,
    )


def _describe(family: str, version: str) -> str:
    if not family or family == "Other":
        return UNKNOWN
    return f"{family} {version}".strip()


@lru_cache(maxsize=16384)
def parse_user_agent(raw: str | None) -> Device:
    """Parse a user agent; an empty or unrecognisable one gives an unknown device."""
    if not raw:
        return Device()
    try:
        parsed = user_agents.parse(raw)
    except Exception:  # the parser's regexes can fail on hostile input; never drop the event
        logger.warning("could not parse user agent %r", raw[:200])
        return Device()
    if parsed.is_mobile:
        kind = "Mobile"
    elif parsed.is_tablet:
        kind = "Tablet"
    elif parsed.is_pc:
        kind = "Desktop"
    elif parsed.is_bot:
        kind = "Bot"
    else:
        kind = UNKNOWN
    model = parsed.device.family if parsed.device.family not in ("Other", "") else ""
    return Device(
        browser=_describe(parsed.browser.family, parsed.browser.version_string.split(".")[0]),
        os=_describe(parsed.os.family, parsed.os.version_string),
        device=" · ".join(part for part in (kind, model) if part),
    )
