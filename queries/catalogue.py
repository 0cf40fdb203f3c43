"""The catalogue of stored queries: ``queries/*.rq`` files with a ``#+`` header.

Header grammar (lines at the top of the file; the header ends at the first line that does not
start with ``#``)::

    #+ title.ru: …            #+ title.en: …              (required, one line each)
    #+ description.ru: …      #+ description.en: …        (required; repeated lines are joined)
    #+ view: table | bar | network | timeline              (required: the default view)
    #+ bar: x=<var> y=<var>[,<var>...] [series=<var>]      (required for view bar)
    #+ timeline: label=<var> start=<var> end=<var>          (required for view timeline)
    #+ network: source=<var> target=<var> [source_label=<var>] [target_label=<var>] [weight=<var>]
                [kind=<kind of the /network page that shows this network>]
    #+ param: <name> <type> [<class>] [default=<v>] [required] [choices=a,b]   (see params.py)
    #+ param.<name>.ru: <form label>     #+ param.<name>.en: <form label>

Body rules: the query relies on the prologue of :func:`shnor_kg.ontology.sparql_prologue` (no
``PREFIX`` of its own, so prefixes are defined once); parameters are written ``$name`` and only
parameters use the ``$`` sigil; every declared parameter is used and every ``$name`` is declared;
each parameter is bound by a ``VALUES`` block injected at a marker comment line ``#@values``
(all parameters not named by another marker) or ``#@values a b`` (just those; a parameter may be
named by several markers, e.g. in two subqueries), placed where the binding should restrict the
evaluation (inside the subquery that aggregates, for instance). An optional parameter left empty
gets no VALUES block: its variable is free (write ``FILTER(!BOUND($p) || …)`` when it only filters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.resources import files
from typing import Mapping

import pyoxigraph as ox

from ..errors import BadParameter, NotFound, StoredQueryError
from ..ontology import sparql_prologue
from .params import Param, parse_declaration, sample_value

LANGS = ("ru", "en")
VIEWS = {"table": (), "bar": ("x", "y"), "timeline": ("label", "start", "end"), "network": ("source", "target")}
VIEW_OPTIONAL = {"bar": ("series",), "timeline": (), "network": ("source_label", "target_label", "weight", "kind"), "table": ()}
TEXT_HINTS = {"kind"}  # hints whose value is not a projected variable
HEADER_RE = re.compile(r"^#\+\s*([A-Za-z_][\w.]*)\s*:\s?(.*)$")
MARKER_RE = re.compile(r"^[ \t]*#@values\b(.*)$", re.MULTILINE)
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Strings, IRIs and comments are skipped when looking for $parameters.
_SKIP_RE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_SIGIL_RE = re.compile(r"([?$])([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class StoredQuery:
    """One stored query: metadata from its header, its SPARQL body, its parameters."""

    name: str
    filename: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    view: str
    hints: Mapping[str, str]
    params: tuple[Param, ...]
    body: str
    variables: tuple[str, ...] = field(default=())

    def param(self, name: str) -> Param | None:
        """The declared parameter called ``name``, if any."""
        return next((p for p in self.params if p.name == name), None)

    def bind(self, raw: Mapping[str, str | None]) -> dict[str, ox.NamedNode | ox.Literal]:
        """Validated RDF terms for the given values (defaults filled in, empty values treated as
        absent). Raises BadParameter for an unknown name, a missing required value or a bad value."""
        unknown = sorted(set(raw) - {p.name for p in self.params})
        if unknown:
            accepted = ", ".join(p.name for p in self.params) or "none"
            raise BadParameter(f"query '{self.name}' has no parameter '{unknown[0]}' (parameters: {accepted})", parameter=unknown[0])
        terms = {}
        for param in self.params:
            value = raw.get(param.name)
            value = param.default if value is None or not str(value).strip() else value
            if value is None:
                if param.required:
                    raise BadParameter(f"parameter '{param.name}' is required: {param.expected}", parameter=param.name, expected=param.type)
                continue
            terms[param.name] = param.to_term(str(value))
        return terms

    def sparql(self, terms: Mapping[str, ox.NamedNode | ox.Literal] | None = None) -> str:
        """The full query text with the prologue and the VALUES blocks of the bound parameters."""
        terms = terms or {}
        named = {n for names in _marker_names(self.body) for n in names}

        def values(match: re.Match) -> str:
            names = match.group(1).split() or [p.name for p in self.params if p.name not in named]
            indent = match.group(0)[: len(match.group(0)) - len(match.group(0).lstrip())]
            lines = [f"{indent}VALUES ${n} {{ {terms[n]} }}" for n in names if n in terms]
            return "\n".join(lines) or f"{indent}# (no parameter bound here)"

        return sparql_prologue() + MARKER_RE.sub(values, self.body)

    def summary(self, lang: str | None = None) -> dict:
        """The catalogue entry as JSON-ready data (both languages unless ``lang`` is given)."""
        pick = (lambda d: d.get(lang) or d["ru"]) if lang else dict
        return {
            "name": self.name,
            "title": pick(self.title),
            "description": pick(self.description),
            "view": self.view,
            "hints": dict(self.hints),
            "variables": list(self.variables),
            "params": [_param_summary(p, lang) for p in self.params],
        }


def _param_summary(param: Param, lang: str | None) -> dict:
    return {
        "name": param.name, "type": param.type, "classes": list(param.classes), "default": param.default,
        "required": param.required, "choices": list(param.choices), "expected": param.expected,
        "label": param.label(lang) if lang else {k: param.label(k) for k in LANGS},
    }


def _marker_names(body: str) -> list[list[str]]:
    return [m.group(1).split() for m in MARKER_RE.finditer(body)]


def sigil_variables(body: str) -> tuple[set[str], set[str]]:
    """(``$`` variables, ``?`` variables) of a query body, outside strings, IRIs and comments."""
    code = _SKIP_RE.sub(" ", body)
    dollars, questions = set(), set()
    for sigil, name in _SIGIL_RE.findall(code):
        (dollars if sigil == "$" else questions).add(name)
    return dollars, questions


# -- parsing ----------------------------------------------------------------------------------


def parse_query_file(name: str, filename: str, text: str) -> StoredQuery:
    """A StoredQuery from a .rq file's text; raises ValueError with the reason."""
    if not NAME_RE.match(name):
        raise ValueError("the file name must be lower-case words joined by '-' (it is the query's name)")
    header, body = _split_header(text)
    fields, params, labels = _read_header(header)
    title = _bilingual(fields, "title")
    description = _bilingual(fields, "description")
    view, hints = _view(fields)
    params = tuple(Param(p.name, p.type, p.classes, p.default, p.required, p.choices, labels.get(p.name, {})) for p in params)
    _check_labels(labels, params)
    _check_body(body, params)
    return StoredQuery(name, filename, title, description, view, hints, params, body)


def _split_header(text: str) -> tuple[list[str], str]:
    lines = text.splitlines()
    cut = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    return lines[:cut], "\n".join(lines[cut:]) + "\n"


def _read_header(lines: list[str]) -> tuple[dict[str, list[str]], list[Param], dict[str, dict[str, str]]]:
    fields: dict[str, list[str]] = {}
    params: list[Param] = []
    labels: dict[str, dict[str, str]] = {}
    for number, line in enumerate(lines, 1):
        if not line.startswith("#+"):
            continue
        match = HEADER_RE.match(line)
        if not match:
            raise ValueError(f"header line {number}: expected '#+ key: value'")
        key, value = match.group(1), match.group(2).strip()
        if key == "param":
            params.append(parse_declaration(value))
        elif key.startswith("param."):
            _param_label(key, value, labels)
        else:
            fields.setdefault(key, []).append(value)
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise ValueError("a parameter is declared twice")
    return fields, params, labels


def _param_label(key: str, value: str, labels: dict[str, dict[str, str]]) -> None:
    parts = key.split(".")
    if len(parts) != 3 or parts[2] not in LANGS:
        raise ValueError(f"'{key}': parameter labels are written 'param.<name>.ru' or 'param.<name>.en'")
    labels.setdefault(parts[1], {})[parts[2]] = value


def _bilingual(fields: Mapping[str, list[str]], key: str) -> dict[str, str]:
    out = {}
    for lang in LANGS:
        text = " ".join(fields.get(f"{key}.{lang}", [])).strip()
        if not text:
            raise ValueError(f"the header has no '{key}.{lang}'")
        out[lang] = text
    return out


def _view(fields: Mapping[str, list[str]]) -> tuple[str, dict[str, str]]:
    view = " ".join(fields.get("view", [])).strip()
    if view not in VIEWS:
        raise ValueError(f"'view' must be one of {', '.join(VIEWS)}, not {view!r}")
    known = {"title.ru", "title.en", "description.ru", "description.en", "view"} | {v for v in VIEWS if v != "table"}
    extra = sorted(set(fields) - known)
    if extra:
        raise ValueError(f"unknown header key '{extra[0]}'")
    hints: dict[str, str] = {}
    for word in " ".join(fields.get(view, [])).split():
        key, _, value = word.partition("=")
        if key not in VIEWS[view] + VIEW_OPTIONAL[view] or not value:
            raise ValueError(f"view hint '{word}' is not one of {', '.join(VIEWS[view] + VIEW_OPTIONAL[view])} =<variable>")
        hints[key] = value
    missing = [k for k in VIEWS[view] if k not in hints]
    if missing:
        raise ValueError(f"view {view} needs the hint '{view}: {missing[0]}=<variable>'")
    return view, hints


def _check_labels(labels: Mapping[str, dict], params: tuple[Param, ...]) -> None:
    undeclared = sorted(set(labels) - {p.name for p in params})
    if undeclared:
        raise ValueError(f"label for undeclared parameter '{undeclared[0]}'")


def _check_body(body: str, params: tuple[Param, ...]) -> None:
    if re.search(r"^\s*(PREFIX|BASE)\b", _SKIP_RE.sub(" ", body), re.IGNORECASE | re.MULTILINE):
        raise ValueError("the query declares its own PREFIX/BASE: prefixes come from the loader's prologue")
    declared = {p.name for p in params}
    dollars, questions = sigil_variables(body)
    if dollars - declared:
        raise ValueError(f"$%s is used but not declared as a parameter" % sorted(dollars - declared)[0])
    if declared - dollars:
        raise ValueError(f"parameter '{sorted(declared - dollars)[0]}' is declared but never used as ${sorted(declared - dollars)[0]}")
    if declared & questions:
        raise ValueError(f"parameter '{sorted(declared & questions)[0]}' is also written with '?': write parameters as $name")
    _check_markers(body, params)


def _check_markers(body: str, params: tuple[Param, ...]) -> None:
    markers = _marker_names(body)
    declared = [p.name for p in params]
    if declared and not markers:
        raise ValueError("the query has parameters but no '#@values' marker line to bind them")
    named = [n for names in markers for n in names]
    for name in named:
        if name not in declared:
            raise ValueError(f"'#@values {name}' names an undeclared parameter")
    catch_all = sum(1 for names in markers if not names)
    if catch_all > 1 or (catch_all == 0 and set(declared) - set(named)):
        raise ValueError("every parameter must be bound by exactly one '#@values' marker")


# -- validation against the engine -----------------------------------------------------------


def check_runs(query: StoredQuery) -> tuple[str, ...]:
    """Parse and run the query on an empty Oxigraph store, once with only the defaults bound and
    once with every parameter bound; return the projected variables. Raises ValueError."""
    empty = ox.Store()
    variables: tuple[str, ...] = ()
    required = {p.name: sample_value(p) for p in query.params if p.required}
    for raw in (required, {p.name: sample_value(p) for p in query.params}):
        try:
            answer = empty.query(query.sparql(query.bind(raw)), use_default_graph_as_union=True)
        except (SyntaxError, ValueError, RuntimeError, OSError, BadParameter) as exc:
            raise ValueError(f"the query does not run: {getattr(exc, 'message', exc)}") from None
        if not isinstance(answer, ox.QuerySolutions):
            raise ValueError("stored queries must be SELECT queries")
        variables = tuple(v.value for v in answer.variables)
    named = [v for key, value in query.hints.items() if key not in TEXT_HINTS for v in value.split(",")]
    missing = [v for v in named if v not in variables]
    if missing:
        raise ValueError(f"view hint names ?{missing[0]}, which the query does not project")
    return variables


def load_file(name: str, filename: str, text: str) -> StoredQuery:
    """Parse and validate one file; raises StoredQueryError naming the file."""
    try:
        query = parse_query_file(name, filename, text)
        return _with_variables(query, check_runs(query))
    except ValueError as exc:
        raise StoredQueryError(f"stored query {filename}: {exc}", file=filename) from None


def _with_variables(query: StoredQuery, variables: tuple[str, ...]) -> StoredQuery:
    return replace(query, variables=variables)


@lru_cache(maxsize=1)
def load_catalogue() -> dict[str, StoredQuery]:
    """Every stored query of the package, by name, validated (cached for the process).
    Raises StoredQueryError naming the first broken file."""
    catalogue = {}
    for resource in sorted(files(__package__).iterdir(), key=lambda r: r.name):
        if resource.name.endswith(".rq"):
            name = resource.name[: -len(".rq")]
            catalogue[name] = load_file(name, resource.name, resource.read_text("utf-8"))
    return catalogue


def get_query(name: str) -> StoredQuery:
    """The stored query called ``name``; raises NotFound."""
    query = load_catalogue().get(name)
    if query is None:
        raise NotFound(f"unknown stored query {name!r}", query=name)
    return query
