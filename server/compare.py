"""Cross-region comparison of responsible bodies: the numbers behind ``/compare`` and ``/api/compare``.

A **column** is a region or a municipality, optionally restricted to one year (``shnor:year`` of
the act). Its id is ``region:<ISO code>``, ``municipality:<slug>`` (or the full IRI after the
colon for places outside the data base), with ``@<year>`` appended for a year: ``region:RU-TUL@2024``.

**Body categories** come from the data: each responsible party of an item (``shnor:responsible``)
has a ``shnor:orgType``; an organisation gives the category ``<type>`` (``methodologicalCentre``,
``educationAuthority``, ``school``…), a ``shnor:CollectiveResponsible`` gives ``collective:<type>``
(``collective:school`` — "Общеобразовательные организации", "Руководители ОУ";
``collective:otherOrganization`` — "Руководители МО", "муниципальный координатор…"), and an item
with no responsible party at all is ``none`` (no inheritance from a parent item: 5.1.1 of Kostroma
is ``none`` even though 5.1 has bodies). A party without a type counts as ``otherOrganization``.

**Counting rule**: an item counts once for each category it involves, however many parties of that
category it names; the share of a category is (items involving it) / (all items of the column), so
the shares of a column add up to more than 1 when items have several kinds of bodies. An item's
themes are its own ``shnor:theme`` values or, when it has none, its section's (the rule of the stored
query ``themes-by-region``); an item with no theme is under the theme ``none``.

**Speed**: per column, four shaped queries run over the column's acts only (the act-scope patterns
and ``VALUES`` of :mod:`.network_queries`): its items with their body categories, its items' themes,
the role holders its acts name, and the completeness scores stored for its acts — one row per fact,
aggregated in Python; no join multiplies, nothing outside the column is read. Everything is cached
per ``store.version()`` (:class:`shnor_kg.queries.VersionedCache`): column profiles, vocabulary
labels, the place directory, drill-down details and whole answers. (The stored queries
``coordinators-and-operators`` and ``mentor-pairs`` state the same role facts and the test suite
checks that both agree, but unscoped they read every act: 1 s at 1M triples, against 25 ms for one
region here; the completeness numbers are the stored ``shnor:CompletenessScore`` values that
``/api/completeness`` sums, read for the column's acts — also checked equal in the tests.)
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Sequence

import pyoxigraph as ox

from ..errors import BadParameter
from ..ontology import SHNOR_NS, sparql_prologue
from ..queries import VersionedCache
from . import network_queries as nq
from .network_filters import Filters, parse_filters
from .validation import local_href

MAX_COLUMNS = 12
#: Columns whose queries run at once (each takes one of the embedded store's query processes).
PARALLEL_COLUMNS = 2
DRILL_LIMIT = 200
DRILL_MAX_LIMIT = 1000
EXCERPT_LIMIT = 600
NONE = "none"
COLLECTIVE = "collective:"
#: Display order of the organisation types (the scheme shnor:OrgTypes); unknown types go last.
TYPE_ORDER = ("educationAuthority", "methodologicalCentre", "supportCentre", "regionalInstitute", "school",
              "administration", "otherOrganization")
METRICS = ("itemsWithResponsible", "itemsWithDeadline", "itemsWithParsedDeadline", "itemsWithNumber",
           "ordersWithDate", "ordersWithNumber", "schoolsWithHead")
COLLECTIVE_PREFIX = {"ru": "коллективный ответственный: ", "en": "collective: "}
NONE_LABEL = {"ru": "ответственный не указан", "en": "no responsible party"}
NO_THEME_LABEL = {"ru": "без темы", "en": "no theme"}
RULE = {
    "ru": "Пункт с несколькими ответственными учитывается один раз для каждого типа, который в нём участвует; "
          "доля типа = пункты с участием этого типа / все пункты столбца, поэтому сумма долей может превышать 100 %.",
    "en": "An item with several responsible parties counts once for each type it involves; the share of a type = "
          "items involving the type / all items of the column, so the shares may add up to more than 100 %.",
}

_CATEGORY = re.compile(r"^(?:collective:)?[A-Za-z][A-Za-z0-9_]*$")
_YEAR_SUFFIX = re.compile(r"^(.*)@(\d{4})$")
KINDS = ("region", "municipality")

# -- SPARQL (values are bound as RDF terms by network_queries.compose, never pasted) -----------------

#: One row per act of the column and per (item, category) of its plan; an act without items gives
#: one row with ?item unbound, an item without responsible parties one row with ?type unbound.
PROFILE = """
SELECT DISTINCT ?order ?item ?position ?type ?collective WHERE {
  %(values)s
  %(scope)s
  ?order a shnor:Order .
  FILTER EXISTS { ?order prov:wasDerivedFrom ?source }
  OPTIONAL {
    ?order shnor:approves ?plan .
    ?item shnor:inPlan ?plan ; a shnor:PlanItem .
    OPTIONAL { ?item shnor:position ?position }
    OPTIONAL {
      ?item shnor:responsible ?party .
      OPTIONAL { ?party shnor:orgType ?party_type }
      BIND(COALESCE(?party_type, shnor:otherOrganization) AS ?type)
      OPTIONAL { ?party a shnor:CollectiveResponsible . BIND(true AS ?collective) }
    }
  }
}"""

#: One row per (item, theme): the item's own themes, else its section's.
THEMES = """
SELECT DISTINCT ?item ?theme WHERE {
  %(values)s
  %(scope)s
  ?order a shnor:Order ; shnor:approves ?plan .
  ?item shnor:inPlan ?plan ; a shnor:PlanItem .
  { ?item shnor:theme ?theme }
  UNION
  { ?item shnor:inSection ?section . ?section shnor:theme ?theme .
    FILTER NOT EXISTS { ?item shnor:theme ?own } }
}"""

#: The named roles of the column's acts: municipal coordinators (persons, clause "назначить … муниципальным
#: координатором"), methodological operators (organisations), mentor schools with their mentees.
ROLES = """
SELECT DISTINCT ?order ?role ?agent ?label ?mentee ?mentee_label WHERE {
  %(values)s
  %(scope)s
  ?order a shnor:Order .
  { ?assignment shnor:assignedBy ?order ; org:role shnor:municipalCoordinator ; org:member ?agent .
    BIND("coordinators" AS ?role) OPTIONAL { ?agent foaf:name ?label } }
  UNION
  { ?agent shnor:operatorFor ?order . BIND("operators" AS ?role) OPTIONAL { ?agent skos:prefLabel ?label } }
  UNION
  { ?link shnor:establishedBy ?order ; shnor:mentor ?agent ; shnor:mentee ?mentee . BIND("mentors" AS ?role)
    OPTIONAL { ?agent skos:prefLabel ?label } OPTIONAL { ?mentee skos:prefLabel ?mentee_label } }
}"""

#: The completeness scores stored at ingest in the validation graphs of the column's acts.
SCORES = """
SELECT ?order ?metric ?numerator ?denominator WHERE {
  %(values)s
  %(scope)s
  ?order a shnor:Order .
  GRAPH ?validation { ?score shnor:completenessOf ?order ; shnor:metric ?metric ;
                             shnor:numerator ?numerator ; shnor:denominator ?denominator }
}"""

#: Labels of the organisation types and themes (vocabulary graph), in both languages.
VOCABULARY = """
SELECT ?concept ?scheme ?label WHERE {
  VALUES ?scheme { shnor:OrgTypes shnor:Themes }
  ?concept skos:inScheme ?scheme ; skos:prefLabel ?label .
}"""

#: Places with ingested acts: region, municipality, year and the number of acts.
PLACES = """
SELECT ?region ?code ?region_label ?municipality ?municipality_label ?year (COUNT(?order) AS ?acts) WHERE {
  ?order a shnor:Order ; shnor:municipality ?municipality .
  FILTER EXISTS { ?order prov:wasDerivedFrom ?source }
  OPTIONAL { ?order shnor:year ?year }
  OPTIONAL { ?municipality shnor:region ?region .
             OPTIONAL { ?region shnor:isoCode ?code }
             OPTIONAL { ?region skos:prefLabel ?region_label FILTER(LANG(?region_label) IN ("ru", "")) } }
  OPTIONAL { ?municipality skos:prefLabel ?municipality_label FILTER(LANG(?municipality_label) IN ("ru", "")) }
} GROUP BY ?region ?code ?region_label ?municipality ?municipality_label ?year"""

#: The plan items behind a number: act, number, position, text and source span, one row per fact
#: (``?key``/``?value``). Flat UNION branches, no OPTIONAL: with OPTIONAL groups Oxigraph 0.5 joined
#: every item of the store (250 ms for 200 items at 1M triples; 6.8 s with one OPTIONAL per triple).
ITEM_DETAILS = """
SELECT ?item ?key ?value WHERE {
  %(values)s
  { ?item shnor:inPlan ?plan . ?value shnor:approves ?plan . BIND("order" AS ?key) }
  UNION { ?item shnor:number ?value . BIND("number" AS ?key) }
  UNION { ?item shnor:position ?value . BIND("position" AS ?key) }
  UNION { ?item dct:title ?value . BIND("title" AS ?key) }
  UNION { ?item shnor:sourceSpan ?span . ?span oa:start ?value . BIND("start" AS ?key) }
  UNION { ?item shnor:sourceSpan ?span . ?span oa:end ?value . BIND("end" AS ?key) }
  UNION { ?item shnor:sourceSpan ?span . ?span shnor:line ?value . BIND("line" AS ?key) }
  UNION { ?item shnor:inPlan ?plan . ?order shnor:approves ?plan ; eli:number ?value . BIND("act_number" AS ?key) }
  UNION { ?item shnor:inPlan ?plan . ?order shnor:approves ?plan ; shnor:year ?value . BIND("act_year" AS ?key) }
}"""

#: The text of the items' source spans, cut from their SourceDocument's text. A flat pattern: with
#: the text join inside an OPTIONAL, Oxigraph evaluated it for every act (15 s for 125 items).
ITEM_EXCERPTS = """
SELECT ?item ?excerpt WHERE {
  %(values)s
  ?item shnor:inPlan ?plan ; shnor:sourceSpan ?span .
  ?span oa:start ?start ; oa:end ?end .
  ?order shnor:approves ?plan ; prov:wasDerivedFrom ?source .
  ?source a shnor:SourceDocument ; shnor:text ?text .
  BIND(SUBSTR(?text, ?start + 1, ?end - ?start) AS ?excerpt)
}"""

#: The responsible parties of some items, with their labels, types and collectiveness.
ITEM_PARTIES = """
SELECT ?item ?party ?label ?type ?collective WHERE {
  %(values)s
  ?item shnor:responsible ?party .
  OPTIONAL { ?party skos:prefLabel ?label }
  OPTIONAL { ?party shnor:orgType ?type }
  OPTIONAL { ?party a shnor:CollectiveResponsible . BIND(true AS ?collective) }
}"""


# -- columns ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the comparison: a region or a municipality, optionally one year."""

    kind: str  # "region" | "municipality"
    iri: str
    key: str  # ISO code, municipality slug, or the IRI itself
    year: int | None = None

    @property
    def id(self) -> str:
        """``region:RU-TUL``, ``municipality:ru-tul-tula@2024`` …"""
        return f"{self.kind}:{self.key}" + (f"@{self.year}" if self.year is not None else "")

    @property
    def filters(self) -> Filters:
        """The act scope of the column, as the network module's filters."""
        return Filters(**{self.kind: self.iri}, year=self.year)


def _short_key(kind: str, iri: str, base_iri: str) -> str:
    prefix = f"{base_iri}{kind}/"
    rest = iri[len(prefix):] if iri.startswith(prefix) else ""
    return rest if rest and "/" not in rest and "@" not in rest else iri


def resolve_place(kind: str, value: str, store, base_iri: str) -> Column:
    """A column for a region (IRI or ISO code) or a municipality (IRI or slug) that the data knows;
    raises BadParameter naming ``kind``."""
    filters = parse_filters({kind: [value]}, store, base_iri=base_iri)
    iri = getattr(filters, kind)
    return Column(kind, iri, _short_key(kind, iri, base_iri))


def parse_year(value: str) -> int:
    """A four-digit year; raises BadParameter naming ``year``."""
    return parse_filters({"year": [value]}, None, base_iri="").year


def parse_columns(args: Iterable[tuple[str, str]], store, base_iri: str) -> list[Column]:
    """The columns of a request: every ``region``/``municipality`` value (in the order given), times
    every ``year`` value when there are any. Raises BadParameter (no place, too many columns)."""
    places: list[Column] = []
    years: list[int] = []
    for name, value in args:
        value = value.strip()
        if not value:
            continue
        if name in KINDS:
            place = resolve_place(name, value, store, base_iri)
            if place not in places:
                places.append(place)
            if len(places) > MAX_COLUMNS:
                raise BadParameter(f"at most {MAX_COLUMNS} places can be compared", parameter=name)
        elif name == "year" and parse_year(value) not in years:
            years.append(parse_year(value))
    if not places:
        raise BadParameter("give at least one 'region' (ISO code such as RU-TUL, or IRI) or 'municipality' "
                           "(slug such as ru-tul-tula, or IRI) to compare", parameter="region")
    columns = [replace(p, year=y) for p in places for y in years] if years else places
    if len(columns) > MAX_COLUMNS:
        raise BadParameter(f"at most {MAX_COLUMNS} columns (places × years) can be compared, not {len(columns)}",
                           parameter="region")
    return columns


def parse_column_id(text: str, store, base_iri: str) -> Column:
    """The column of an id such as ``region:RU-TUL@2024``; raises BadParameter naming ``column``."""
    kind, _, rest = (text or "").strip().partition(":")
    if kind not in KINDS or not rest:
        raise BadParameter(f"'column' must be region:<code or IRI> or municipality:<slug or IRI>, optionally "
                           f"followed by @<year>, not {text!r}", parameter="column")
    year = None
    match = _YEAR_SUFFIX.match(rest)
    if match:
        rest, year = match.group(1), parse_year(match.group(2))
    try:
        column = resolve_place(kind, rest, store, base_iri)
    except BadParameter as exc:
        raise BadParameter(exc.message.replace(f"'{kind}'", "'column'"), parameter="column") from None
    return replace(column, year=year)


# -- per-column profile ------------------------------------------------------------------------------


@dataclass
class Profile:
    """What the comparison knows about one column: its acts, its items' categories and themes."""

    orders: set[str] = field(default_factory=set)
    categories: dict[str, set[str]] = field(default_factory=dict)  # item -> categories
    item_order: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # item -> (act, position, item): plan order
    themes: dict[str, set[str]] = field(default_factory=dict)  # item -> theme local names
    roles: list[dict] = field(default_factory=list)  # {order, role, iri, label, mentee, mentee_label}
    scores: dict[str, list[int]] = field(default_factory=dict)  # metric -> [numerator, denominator]

    def items_with(self, category: str | None = None, theme: str | None = None) -> list[str]:
        """The items involving ``category`` (any when None) under ``theme`` (any when None)."""
        return [item for item, cats in self.categories.items()
                if (category is None or category in cats) and (theme is None or theme in self.themes_of(item))]

    def themes_of(self, item: str) -> set[str]:
        return self.themes.get(item) or {NONE}


def category_of(type_iri: ox.NamedNode | None, collective) -> str | None:
    """``<type>`` or ``collective:<type>`` (local names of shnor:OrgTypes), None without a type."""
    if type_iri is None:
        return None
    name = _local(type_iri.value)
    return COLLECTIVE + name if collective is not None else name


def _local(iri: str) -> str:
    return iri[len(SHNOR_NS):] if iri.startswith(SHNOR_NS) else iri


def build_profile(profile_rows: Sequence[tuple], theme_rows: Sequence[tuple], role_rows: Sequence[tuple] = (),
                  score_rows: Sequence[tuple] = ()) -> Profile:
    """A Profile from the rows of PROFILE (order, item, position, type, collective), THEMES (item, theme),
    ROLES (order, role, agent, label, mentee, mentee label) and SCORES (order, metric, numerator,
    denominator)."""
    profile = Profile()
    for order, item, position, type_iri, collective in profile_rows:
        profile.orders.add(order.value)
        if item is None:
            continue
        cats = profile.categories.setdefault(item.value, set())
        profile.item_order[item.value] = (order.value, int(position.value) if position is not None else 0, item.value)
        category = category_of(type_iri, collective)
        if category is not None:
            cats.add(category)
    for cats in profile.categories.values():
        if not cats:
            cats.add(NONE)
    for item, theme in theme_rows:
        profile.themes.setdefault(item.value, set()).add(_local(theme.value))
    for order, role, agent, label, mentee, mentee_label in role_rows:
        profile.roles.append({"order": order.value, "role": role.value, "iri": agent.value, "label": _value(label) or agent.value,
                              "mentee": _value(mentee), "mentee_label": _value(mentee_label) or _value(mentee)})
    for _order, metric, numerator, denominator in score_rows:
        total = profile.scores.setdefault(_local(metric.value), [0, 0])
        total[0] += int(numerator.value)
        total[1] += int(denominator.value)
    return profile


# -- the comparison -----------------------------------------------------------------------------------


def category_sort_key(category: str) -> tuple:
    """Organisations by TYPE_ORDER, then collectives in the same order, then ``none``."""
    if category == NONE:
        return (2, 0, "")
    collective = category.startswith(COLLECTIVE)
    name = category.removeprefix(COLLECTIVE)
    rank = TYPE_ORDER.index(name) if name in TYPE_ORDER else len(TYPE_ORDER)
    return (int(collective), rank, name)


def count_column(profile: Profile) -> dict:
    """Totals, items by category with shares, and the theme × category matrix of one column."""
    total = len(profile.categories)
    by_category = Counter(cat for cats in profile.categories.values() for cat in cats)
    matrix: dict[str, Counter] = defaultdict(Counter)
    theme_items: Counter = Counter()
    for item, cats in profile.categories.items():
        for theme in profile.themes_of(item):
            theme_items[theme] += 1
            matrix[theme].update(cats)
    return {
        "items": total,
        "types": {cat: {"items": n, "share": round(n / total, 4) if total else None} for cat, n in by_category.items()},
        "themes": {theme: {"items": theme_items[theme], "types": dict(matrix[theme])} for theme in theme_items},
    }


def _fill_zeros(counts: dict, categories: Sequence[str], themes: Sequence[str]) -> dict:
    total = counts["items"]
    counts["types"] = {cat: counts["types"].get(cat, {"items": 0, "share": 0.0 if total else None}) for cat in categories}
    counts["themes"] = {
        theme: {"items": counts["themes"].get(theme, {}).get("items", 0),
                "types": {cat: counts["themes"].get(theme, {}).get("types", {}).get(cat, 0) for cat in categories}}
        for theme in themes
    }
    return counts


class Comparator:
    """Answers comparisons and drill-downs over one store, with every part cached per version."""

    def __init__(self, store, *, base_iri: str, timeout: float | None = None, max_entries: int = 512) -> None:
        self.store = store
        self.base_iri = base_iri
        self.timeout = timeout
        self.cache = VersionedCache(max_entries)

    # cached building blocks ------------------------------------------------------------------

    def _cached(self, key, compute):
        value, _ = self.cache.get_or_compute(self.store.version(), key, compute)
        return value

    def _query(self, sparql: str):
        return self.store.query(sparql, timeout=self.timeout)

    def profile(self, column: Column) -> Profile:
        """The column's acts, items, categories, themes, role holders and scores (four shaped queries, cached)."""
        def compute() -> Profile:
            filters = column.filters
            args = {"acts": filters.active(), "bind": filters.terms()}
            return build_profile(*(self._query(nq.compose(q, **args)).rows for q in (PROFILE, THEMES, ROLES, SCORES)))

        return self._cached(("profile", column.kind, column.iri, column.year), compute)

    def labels(self) -> dict[str, dict[str, str]]:
        """``{local name: {lang: label}}`` of the organisation types and themes."""
        def compute() -> dict:
            out: dict[str, dict[str, str]] = {}
            for concept, _scheme, label in self._query(sparql_prologue() + VOCABULARY).rows:
                out.setdefault(_local(concept.value), {})[label.language or "ru"] = label.value
            return out

        return self._cached(("labels",), compute)

    def places(self) -> dict:
        """Regions, municipalities and years with ingested acts (for the form and the column labels)."""
        return self._cached(("places",), self._places)

    def _places(self) -> dict:
        regions: dict[str, dict] = {}
        municipalities: dict[str, dict] = {}
        years: Counter = Counter()
        for row in self._query(sparql_prologue() + PLACES).values():
            acts = int(row["acts"])
            municipality = municipalities.setdefault(row["municipality"], {
                "iri": row["municipality"], "key": _short_key("municipality", row["municipality"], self.base_iri),
                "label": row["municipality_label"] or row["municipality"], "region": row["region"], "acts": 0, "years": []})
            municipality["acts"] += acts
            if row["region"]:
                region = regions.setdefault(row["region"], {
                    "iri": row["region"], "key": _short_key("region", row["region"], self.base_iri),
                    "code": row["code"], "label": row["region_label"] or row["code"] or row["region"], "acts": 0, "years": []})
                region["acts"] += acts
                _add_year(region, row["year"])
            _add_year(municipality, row["year"])
            if row["year"]:
                years[int(row["year"][:4])] += acts
        return {"regions": sorted(regions.values(), key=_by_label), "municipalities": sorted(municipalities.values(), key=_by_label),
                "years": sorted(years)}

    # answers -----------------------------------------------------------------------------------

    def compare(self, columns: Sequence[Column], lang: str = "ru") -> dict:
        """The comparison of ``columns`` as JSON-ready data (see the module docstring)."""
        started = time.perf_counter()
        key = ("compare", tuple(columns), lang)
        version = self.store.version()
        answer, cached = self.cache.get_or_compute(version, key, lambda: self._compare(columns, lang))
        return {**answer, "version": version, "cached": cached, "elapsed_ms": round(1000 * (time.perf_counter() - started), 2)}

    def _compare(self, columns: Sequence[Column], lang: str) -> dict:
        self.places(), self.labels()
        with ThreadPoolExecutor(max_workers=PARALLEL_COLUMNS) as pool:  # the store's query workers run them side by side
            profiles = list(pool.map(self.profile, columns))
        counts = [count_column(p) for p in profiles]
        categories = sorted({NONE} | {c for count in counts for c in count["types"]}, key=category_sort_key)
        themes = self._theme_order({t for count in counts for t in count["themes"]}, lang)
        out_columns = []
        for column, profile, count in zip(columns, profiles, counts):
            out_columns.append({**self.describe(column, lang), "acts": len(profile.orders),
                                **_fill_zeros(count, categories, themes),
                                "roles": self._column_roles(profile), "completeness": self._column_completeness(profile)})
        return {
            "lang": lang, "rule": RULE[lang],
            "categories": [self.category_entry(c, lang) for c in categories],
            "themes": [self.theme_entry(t, lang) for t in themes],
            "metrics": list(METRICS),
            "columns": out_columns,
        }

    def _theme_order(self, present: set[str], lang: str) -> list[str]:
        """Themes by label in ``lang``, ``none`` last."""
        themes = sorted((t for t in present if t != NONE), key=lambda t: (self.theme_entry(t, lang)["label"].lower(), t))
        return themes + ([NONE] if NONE in present else [])

    def describe(self, column: Column, lang: str) -> dict:
        """The column's id, place, year, label and page link."""
        places = self.places()
        entries = places["regions"] if column.kind == "region" else places["municipalities"]
        entry = next((e for e in entries if e["iri"] == column.iri), None)
        label = entry["label"] if entry else column.key
        if column.year is not None:
            label = f"{label}, {column.year}"
        return {"id": column.id, "kind": column.kind, "iri": column.iri, "key": column.key, "year": column.year,
                "label": label, "href": local_href(column.iri, self.base_iri)}

    def category_entry(self, category: str, lang: str) -> dict:
        """The key, label and type IRI of a category."""
        if category == NONE:
            return {"key": NONE, "label": NONE_LABEL[lang], "type": None, "collective": False}
        collective = category.startswith(COLLECTIVE)
        name = category.removeprefix(COLLECTIVE)
        label = self.labels().get(name, {}).get(lang) or self.labels().get(name, {}).get("ru") or name
        if collective:
            label = COLLECTIVE_PREFIX[lang] + label
        return {"key": category, "label": label, "type": SHNOR_NS + name, "collective": collective}

    def theme_entry(self, theme: str, lang: str) -> dict:
        """The key, label and IRI of a theme."""
        if theme == NONE:
            return {"key": NONE, "label": NO_THEME_LABEL[lang], "iri": None}
        labels = self.labels().get(theme, {})
        return {"key": theme, "label": labels.get(lang) or labels.get("ru") or theme, "iri": SHNOR_NS + theme}

    def _column_roles(self, profile: Profile) -> dict[str, list[dict]]:
        holders: dict[str, dict[str, dict]] = {"coordinators": {}, "operators": {}, "mentors": {}}
        for entry in sorted(profile.roles, key=lambda e: (e["order"], e["iri"], e["mentee_label"] or "")):
            holder = holders[entry["role"]].setdefault(entry["iri"], {
                "iri": entry["iri"], "label": entry["label"], "href": local_href(entry["iri"], self.base_iri),
                "acts": [], "mentees": []})
            if entry["order"] not in holder["acts"]:
                holder["acts"].append(entry["order"])
            if entry["mentee"] and entry["mentee_label"] not in holder["mentees"]:
                holder["mentees"].append(entry["mentee_label"])
        return {role: sorted(found.values(), key=lambda h: (h["label"].lower(), h["iri"])) for role, found in holders.items()}

    @staticmethod
    def _column_completeness(profile: Profile) -> dict[str, dict]:
        return {metric: {"numerator": n, "denominator": d, "value": round(n / d, 4) if d else None}
                for metric, (n, d) in sorted(profile.scores.items(), key=lambda kv: _metric_rank(kv[0]))}

    # drill-down --------------------------------------------------------------------------------

    def check_category(self, category: str | None) -> str | None:
        """``None`` (all items), ``none``, or a category whose type is a shnor:OrgTypes concept;
        raises BadParameter naming ``type``."""
        if category is None or category in ("", "all"):
            return None
        name = category.removeprefix(COLLECTIVE)
        if category != NONE and (not _CATEGORY.match(category) or name not in self._org_types()):
            known = ", ".join(self._org_types())
            raise BadParameter(f"'type' must be none, all, an organisation type ({known}) or collective:<type>, "
                               f"not {category!r}", parameter="type")
        return category

    def _org_types(self) -> list[str]:
        types = [name for name in self.labels() if not name.startswith("theme")]
        return sorted(types, key=category_sort_key)

    def check_theme(self, theme: str | None) -> str | None:
        """``None`` (any theme), ``none`` (items without a theme), or a known theme's local name;
        raises BadParameter naming ``theme``."""
        if theme is None or theme in ("", "all"):
            return None
        if theme == NONE:
            return NONE
        return _local(parse_filters({"theme": [theme]}, self.store, base_iri=self.base_iri).theme)

    def items(self, column: Column, category: str | None = None, theme: str | None = None, *,
              offset: int = 0, limit: int = DRILL_LIMIT) -> dict:
        """The plan items behind a number: those of ``column`` involving ``category`` under ``theme``,
        in act and plan order, each with its text, act, responsible parties and source span."""
        profile = self.profile(column)
        selected = sorted(profile.items_with(category, theme), key=profile.item_order.__getitem__)
        page = selected[offset: offset + limit]
        details = self._details(tuple(page))
        return {"total": len(selected), "offset": offset, "limit": limit,
                "items": [{**details[i], "categories": sorted(profile.categories[i], key=category_sort_key),
                           "themes": sorted(profile.themes_of(i))} for i in page]}

    def _details(self, items: tuple[str, ...]) -> dict[str, dict]:
        if not items:
            return {}
        return self._cached(("details", items), lambda: self._fetch_details(items))

    def _fetch_details(self, items: tuple[str, ...]) -> dict[str, dict]:
        block = _values_block("item", items)
        facts: dict[str, dict[str, str]] = {item: {} for item in items}
        for item, key, value in self._query(sparql_prologue() + ITEM_DETAILS % {"values": block}).rows:
            facts[item.value].setdefault(key.value, value.value)
        details = {item: self._item_record(item, found) for item, found in facts.items()}
        for item, excerpt in self._query(sparql_prologue() + ITEM_EXCERPTS % {"values": block}).rows:
            if excerpt is not None:
                details[item.value]["excerpt"] = excerpt.value[:EXCERPT_LIMIT]
                details[item.value]["excerpt_truncated"] = len(excerpt.value) > EXCERPT_LIMIT
        for row in self._query(sparql_prologue() + ITEM_PARTIES % {"values": block}).records():
            details[row["item"].value]["responsible"].append(self._party(row))
        for record in details.values():
            record["responsible"].sort(key=lambda p: (category_sort_key(p["category"]), p["label"].lower()))
        return details

    def _item_record(self, item: str, facts: Mapping[str, str]) -> dict:
        order = facts.get("order")
        act_label = " ".join(x for x in (f"№ {facts['act_number']}" if "act_number" in facts else "", facts.get("act_year", "")) if x)
        has_span = "start" in facts and "end" in facts
        return {
            "item": item, "href": local_href(item, self.base_iri),
            "number": facts.get("number"), "position": _int(facts.get("position")), "title": facts.get("title"),
            "act": {"iri": order, "href": local_href(order, self.base_iri) if order else None, "label": act_label or order},
            "line": _int(facts.get("line")),
            "span": {"start": int(facts["start"]), "end": int(facts["end"])} if has_span else None,
            "excerpt": None, "excerpt_truncated": False,
            "responsible": [],
        }

    def _party(self, row: Mapping) -> dict:
        iri = row["party"].value
        type_iri = row["type"] or ox.NamedNode(SHNOR_NS + "otherOrganization")
        return {"iri": iri, "label": _value(row["label"]) or iri, "href": local_href(iri, self.base_iri),
                "category": category_of(type_iri, row["collective"])}


def _by_label(entry: dict) -> tuple:
    return (entry["label"].lower(), entry["iri"])


def _metric_rank(metric: str) -> tuple:
    return (METRICS.index(metric) if metric in METRICS else len(METRICS), metric)


def _add_year(entry: dict, year: str | None) -> None:
    if year and int(year[:4]) not in entry["years"]:
        entry["years"].append(int(year[:4]))
        entry["years"].sort()


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.lstrip("-").isdigit() else None


def _value(term) -> str | None:
    return None if term is None else term.value


def _values_block(variable: str, iris: Iterable[str]) -> str:
    """``VALUES ?variable { <iri> … }`` written by pyoxigraph's term serialiser."""
    return f"VALUES ?{variable} {{ " + " ".join(str(ox.NamedNode(i)) for i in iris) + " }"


__all__ = ["Column", "Comparator", "MAX_COLUMNS", "NONE", "Profile", "build_profile", "category_of", "count_column",
           "parse_column_id", "parse_columns", "resolve_place"]
