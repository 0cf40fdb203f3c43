"""Places: municipalities and regions from an act's issuer line, from a small hand-checked file.

``data/places.csv`` holds one row per region and per municipality (slug, label, the bare place
name, ISO 3166-2 code of the region, its subject code and OKATO prefix). Nothing is looked up at
run time. A municipality is recognised only when its name follows "город"/"г." in any case
("АДМИНИСТРАЦИИ ГОРОДА ТУЛЫ", "Администрации города Костромы", "г. Тула"), so that a surname
such as "Ефремова" is never read as the town of Ефремов.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from ..errors import BadInput
from .morph import word_forms


@dataclass(frozen=True)
class Region:
    """A federal subject (область, край…)."""

    slug: str  # "ru-tul"
    label: str  # "Тульская область"
    iso: str  # "RU-TUL"
    subject_code: str  # "71"
    okato: str  # "70"


@dataclass(frozen=True)
class Municipality:
    """A municipality and its region."""

    slug: str  # "ru-tul-tula"
    label: str  # "город Тула"
    region_iso: str  # "RU-TUL"
    region_label: str  # "Тульская область"
    region_slug: str  # "ru-tul"
    name: str = ""  # the bare place name: "Тула"


@lru_cache(maxsize=1)
def _rows() -> tuple[dict[str, str], ...]:
    """The rows of ``data/places.csv``."""
    text = (files(__package__) / "data/places.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text)))


@lru_cache(maxsize=1)
def regions() -> tuple[Region, ...]:
    """Every region of the data file."""
    return tuple(
        Region(r["slug"], r["label"], r["region_iso"], r["subject_code"], r["okato"])
        for r in _rows()
        if r["kind"] == "region"
    )


def region(iso: str) -> Region:
    """The region with the ISO 3166-2 code ``iso`` (``BadInput`` if it is not in the file)."""
    for reg in regions():
        if reg.iso == iso.upper():
            return reg
    raise BadInput(f"unknown region code: {iso!r}", parameter="region")


@lru_cache(maxsize=1)
def municipalities() -> tuple[Municipality, ...]:
    """Every municipality of the data file."""
    return tuple(
        Municipality(r["slug"], r["label"], r["region_iso"], r["region_label"],
                     r["region_iso"].lower(), r["name"])
        for r in _rows()
        if r["kind"] == "municipality"
    )


def municipality(slug: str) -> Municipality:
    """The municipality with this slug (``BadInput`` if it is not in the file)."""
    for mun in municipalities():
        if mun.slug == slug:
            return mun
    raise BadInput(f"unknown municipality: {slug!r}", parameter="municipality")


@lru_cache(maxsize=1)
def _pattern() -> tuple[re.Pattern[str], dict[str, Municipality]]:
    """One regex matching "город|г." + any case form of any known town, and a form → town map."""
    by_form: dict[str, Municipality] = {}
    for mun in municipalities():
        for form in word_forms(mun.name, "Geox"):
            by_form[form] = mun
    alternation = "|".join(sorted(map(re.escape, by_form), key=len, reverse=True))
    pattern = re.compile(
        rf"(?:\bгород[а-я]*|\bг\.|\bг(?=\s))\s*({alternation})(?![а-я])", re.IGNORECASE
    )
    return pattern, by_form


def municipality_from_text(text: str) -> Municipality | None:
    """The first known municipality named as "город X" (any case) in ``text``, else ``None``."""
    pattern, by_form = _pattern()
    match = pattern.search(text.replace("ё", "е").replace("Ё", "Е"))
    if match is None:
        return None
    return by_form[match.group(1).lower()]
