"""The filters of the network views: parsing and validation of region, municipality, year, theme.

A value is an IRI or a short form (a region's ISO code ``RU-TUL``, a municipality's slug
``ru-tul-tula``, a theme's local name ``themeNetworking``); it must name something the store
knows. Anything else is a :class:`BadParameter` naming the parameter (HTTP 400).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Mapping, Sequence

import pyoxigraph as ox

from ..errors import BadParameter
from ..ontology import SHNOR_NS
from . import network_queries as q

FILTER_NAMES = ("region", "municipality", "year", "theme")
XSD_GYEAR = ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")

_ISO = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LOCAL = re.compile(r"^(?:shnor:)?([A-Za-z][A-Za-z0-9_]*)$")
_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Filters:
    """Resolved filter values: IRIs for places and themes, an integer year; ``None`` when unset."""

    region: str | None = None
    municipality: str | None = None
    year: int | None = None
    theme: str | None = None

    def active(self) -> list[str]:
        """Names of the filters that are set."""
        return [name for name in FILTER_NAMES if getattr(self, name) is not None]

    def key(self) -> tuple:
        """A hashable key for caches."""
        return tuple(getattr(self, name) for name in FILTER_NAMES)

    def as_dict(self) -> dict:
        """The set filters as JSON-ready values."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def terms(self) -> dict[str, ox.NamedNode | ox.Literal]:
        """RDF terms for the query variables of the set filters."""
        terms: dict[str, ox.NamedNode | ox.Literal] = {}
        for name in self.active():
            value = getattr(self, name)
            terms[name] = ox.Literal(str(value), datatype=XSD_GYEAR) if name == "year" else ox.NamedNode(value)
        return terms


def _single(args: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = [v.strip() for v in args.get(name, []) if v.strip()]
    if len(values) > 1:
        raise BadParameter(f"give one value of '{name}', not {len(values)}", parameter=name)
    return values[0] if values else None


def _iri(value: str, name: str) -> str | None:
    if not value.startswith(("http://", "https://")):
        return None
    try:
        return ox.NamedNode(value).value
    except ValueError:
        raise BadParameter(f"'{name}' is not a valid IRI: {value!r}", parameter=name) from None


def _exists(store, name: str, iri: str) -> bool:
    return bool(store.query(q.compose(q.EXISTS[name], bind={"value": ox.NamedNode(iri)})).boolean)


def _region(store, value: str) -> str:
    iri = _iri(value, "region")
    if iri is None:
        if not _ISO.match(value):
            raise BadParameter(f"'region' must be an IRI or an ISO 3166-2 code such as RU-TUL, not {value!r}", parameter="region")
        rows = store.query(q.compose(q.REGION_BY_CODE, bind={"code": ox.Literal(value.upper())})).rows
        if not rows:
            raise BadParameter(f"no region with the code {value.upper()!r} in the data", parameter="region")
        return rows[0][0].value
    if not _exists(store, "region", iri):
        raise BadParameter(f"no region {iri} in the data", parameter="region")
    return iri


def _municipality(store, value: str, base_iri: str) -> str:
    iri = _iri(value, "municipality")
    if iri is None:
        if not _SLUG.match(value):
            raise BadParameter(f"'municipality' must be an IRI or a slug such as ru-tul-tula, not {value!r}", parameter="municipality")
        iri = f"{base_iri}municipality/{value}"
    if not _exists(store, "municipality", iri):
        raise BadParameter(f"no municipality {iri} in the data", parameter="municipality")
    return iri


def _theme(store, value: str) -> str:
    iri = _iri(value, "theme")
    if iri is None:
        match = _LOCAL.match(value)
        if not match:
            raise BadParameter(f"'theme' must be an IRI or a theme name such as themeNetworking, not {value!r}", parameter="theme")
        iri = SHNOR_NS + match.group(1)
    if not _exists(store, "theme", iri):
        raise BadParameter(f"no theme {iri} in the vocabulary or the data", parameter="theme")
    return iri


def _year(value: str) -> int:
    if not _YEAR.match(value) or not 1900 <= int(value) <= 2100:
        raise BadParameter(f"'year' must be a four-digit year, not {value!r}", parameter="year")
    return int(value)


def parse_filters(args: Mapping[str, Sequence[str]], store, *, base_iri: str, allowed: Sequence[str] = ()) -> Filters:
    """Validated filters from request arguments (name → list of values; empty values are unset).

    ``allowed`` names further parameters the caller handles (``format``, ``lang``); any other
    parameter is refused. Raises :class:`BadParameter` naming the offending parameter.
    """
    for name in args:
        if name not in FILTER_NAMES and name not in allowed:
            raise BadParameter(f"unknown parameter '{name}'; the filters are {', '.join(FILTER_NAMES)}", parameter=name)
    raw = {name: _single(args, name) for name in FILTER_NAMES}
    return Filters(
        region=_region(store, raw["region"]) if raw["region"] else None,
        municipality=_municipality(store, raw["municipality"], base_iri) if raw["municipality"] else None,
        year=_year(raw["year"]) if raw["year"] else None,
        theme=_theme(store, raw["theme"]) if raw["theme"] else None,
    )
