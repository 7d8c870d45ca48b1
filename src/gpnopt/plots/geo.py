"""Where countries lie: a small table of centroids, and a layout for the interactive map.

:data:`COUNTRY_CENTROIDS` holds the approximate centre (latitude, longitude in degrees) of the
countries a production network of machine makers is likely to use, keyed by ISO 3166-1 alpha-2
code, with the alpha-3 code and the English short name beside it (an instance may use any of
the three as a country id, or the name as the country's ``name``). ``WEST`` is the case's
pseudo-country "Western markets (US and Europe)", placed in the North Atlantic between them.

:func:`country_positions` places the countries of an instance: each known one at its centroid,
every unknown one (the generator's ``C01``, ``C02`` ...) on a row below the known ones; when no
country is known, all lie on a regular grid and the map is schematic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from gpnopt.schema import Instance

# alpha-2: (alpha-3, name, latitude, longitude); rounded centroids of the main land mass.
COUNTRY_CENTROIDS: dict[str, tuple[str, str, float, float]] = {
    "AE": ("ARE", "United Arab Emirates", 24.0, 54.0),
    "AR": ("ARG", "Argentina", -34.0, -64.0),
    "AT": ("AUT", "Austria", 47.5, 14.5),
    "AU": ("AUS", "Australia", -25.0, 134.0),
    "BD": ("BGD", "Bangladesh", 24.0, 90.0),
    "BE": ("BEL", "Belgium", 50.6, 4.7),
    "BR": ("BRA", "Brazil", -10.0, -52.0),
    "CA": ("CAN", "Canada", 56.0, -106.0),
    "CH": ("CHE", "Switzerland", 46.8, 8.2),
    "CL": ("CHL", "Chile", -33.0, -71.0),
    "CN": ("CHN", "China", 35.0, 104.0),
    "CZ": ("CZE", "Czechia", 49.8, 15.5),
    "DE": ("DEU", "Germany", 51.0, 10.0),
    "DK": ("DNK", "Denmark", 56.0, 10.0),
    "EG": ("EGY", "Egypt", 27.0, 30.0),
    "ES": ("ESP", "Spain", 40.0, -4.0),
    "FI": ("FIN", "Finland", 64.0, 26.0),
    "FR": ("FRA", "France", 46.6, 2.4),
    "GB": ("GBR", "United Kingdom", 54.0, -2.0),
    "HK": ("HKG", "Hong Kong", 22.3, 114.2),
    "HU": ("HUN", "Hungary", 47.2, 19.5),
    "ID": ("IDN", "Indonesia", -2.5, 118.0),
    "IE": ("IRL", "Ireland", 53.2, -8.0),
    "IL": ("ISR", "Israel", 31.0, 35.0),
    "IN": ("IND", "India", 22.0, 79.0),
    "IT": ("ITA", "Italy", 42.8, 12.5),
    "JP": ("JPN", "Japan", 36.5, 138.5),
    "KH": ("KHM", "Cambodia", 12.5, 105.0),
    "KR": ("KOR", "South Korea", 36.5, 127.8),
    "LK": ("LKA", "Sri Lanka", 7.9, 80.7),
    "MA": ("MAR", "Morocco", 32.0, -6.0),
    "MM": ("MMR", "Myanmar", 21.0, 96.0),
    "MX": ("MEX", "Mexico", 23.6, -102.5),
    "MY": ("MYS", "Malaysia", 4.2, 102.0),
    "NG": ("NGA", "Nigeria", 9.1, 8.7),
    "NL": ("NLD", "Netherlands", 52.2, 5.3),
    "NO": ("NOR", "Norway", 61.0, 9.0),
    "NZ": ("NZL", "New Zealand", -41.5, 172.5),
    "PH": ("PHL", "Philippines", 12.9, 122.0),
    "PK": ("PAK", "Pakistan", 30.0, 70.0),
    "PL": ("POL", "Poland", 52.0, 19.4),
    "PT": ("PRT", "Portugal", 39.6, -8.0),
    "RO": ("ROU", "Romania", 45.9, 25.0),
    "RU": ("RUS", "Russia", 60.0, 90.0),
    "SA": ("SAU", "Saudi Arabia", 24.0, 45.0),
    "SE": ("SWE", "Sweden", 62.0, 15.0),
    "SG": ("SGP", "Singapore", 1.35, 103.8),
    "SK": ("SVK", "Slovakia", 48.7, 19.7),
    "TH": ("THA", "Thailand", 15.5, 101.0),
    "TR": ("TUR", "Turkey", 39.0, 35.0),
    "TW": ("TWN", "Taiwan", 23.7, 121.0),
    "UA": ("UKR", "Ukraine", 49.0, 32.0),
    "US": ("USA", "United States", 39.8, -98.6),
    "VN": ("VNM", "Vietnam", 16.0, 107.8),
    "ZA": ("ZAF", "South Africa", -29.0, 24.7),
    "WEST": ("WEST", "Western markets", 45.0, -35.0),
}
"""alpha-2 code: (alpha-3 code, short name, latitude, longitude) of each known country."""

ALIASES = {"UK": "GB", "EU": "WEST"}
"""Country ids that are common but not ISO 3166-1 alpha-2 codes."""


@dataclass(frozen=True)
class CountryLayout:
    """Where each country of a map lies.

    Attributes:
        positions: country id: (longitude, latitude) in degrees, or grid units when the map
            is schematic.
        geographic: True when at least one country is placed at its real centroid (the axes
            are then longitude and latitude).
        unplaced: the country ids that are not in :data:`COUNTRY_CENTROIDS` (placed on a row
            below the others, or on a grid), in the order given.
    """

    positions: dict[str, tuple[float, float]]
    geographic: bool
    unplaced: tuple[str, ...]


def _lookup() -> dict[str, str]:
    key: dict[str, str] = {}
    for a2, (a3, name, _, _) in COUNTRY_CENTROIDS.items():
        key[a2.casefold()] = a2
        key[a3.casefold()] = a2
        key[name.casefold()] = a2
    for alias, a2 in ALIASES.items():
        key[alias.casefold()] = a2
    return key


_KEY = _lookup()


def centroid(code: str, name: str | None = None) -> tuple[float, float] | None:
    """The (longitude, latitude) of a country id, or of its name, or None when unknown.

    ``code`` may be an alpha-2 or alpha-3 code or an English short name (any case); ``name``
    (the instance's readable name) is tried next, first whole, then its part before `` (``
    or ``,`` (``China (Hangzhou; Shanghai port)`` is China).
    """
    tries = [code]
    if name:
        tries += [name, name.split(" (")[0], name.split(",")[0]]
    for t in tries:
        a2 = _KEY.get(t.strip().casefold())
        if a2 is not None:
            _, _, lat, lon = COUNTRY_CENTROIDS[a2]
            return lon, lat
    return None


def country_positions(instance: Instance, countries: Iterable[str]) -> CountryLayout:
    """Place ``countries`` (ids of ``instance``): known ones at their centroids, the others on
    a row below them, or all on a grid when none is known."""
    used = list(dict.fromkeys(countries))
    known: dict[str, tuple[float, float]] = {}
    unknown: list[str] = []
    for c in used:
        country = instance.countries.get(c)
        where = centroid(c, country.name if country is not None else None)
        if where is None:
            unknown.append(c)
        else:
            known[c] = where
    if not known:
        cols = max(1, math.ceil(math.sqrt(len(unknown))))
        grid = {c: (20.0 * (i % cols), -20.0 * (i // cols)) for i, c in enumerate(unknown)}
        return CountryLayout(grid, False, tuple(unknown))
    lons = [p[0] for p in known.values()]
    lats = [p[1] for p in known.values()]
    west, east = min(lons), max(lons)
    span = max(east - west, 20.0)
    row_lat = min(lats) - max(12.0, 0.25 * (max(lats) - min(lats) + 1))
    step = span / max(1, len(unknown) - 1) if len(unknown) > 1 else 0.0
    positions = dict(known)
    for i, c in enumerate(unknown):
        positions[c] = (west + step * i if len(unknown) > 1 else (west + east) / 2, row_lat)
    return CountryLayout(positions, True, tuple(unknown))
