"""The fast path: the shapes compiled to SPARQL.

Each constraint of each targeted shape becomes a :class:`Check`: a SELECT returning the focus
nodes (``?this``) that violate it, with the value node (``?value``) when SHACL reports one, and a
result path (``?path``) for SPARQL-based constraints. :func:`plan_queries` then groups the checks
of each node shape into two queries (what must be present, what must be absent), so each target
is evaluated once. Run on Oxigraph, the checks give the results pyshacl gives for the same data
(the tests compare both engines on every corpus), 10–14× faster per act, which is what makes
whole-graph validation of a million triples possible (6.5 s CPU, docs/validation.md).

Supported (anything else in a shape raises :class:`UnsupportedShape` at compile time, so a shape
cannot silently escape the fast path): targets ``sh:targetClass`` (with ``rdfs:subClassOf*``),
``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` and SPARQL targets; every
SHACL path form; ``minCount``/``maxCount``/``qualifiedMinCount`` of 0 or 1, ``class``,
``datatype``, ``nodeKind``, ``pattern`` (+``flags``), ``minLength``, ``maxLength``, the four
range bounds, ``in``, ``hasValue``, ``disjoint``, ``lessThan``, ``lessThanOrEquals``, ``node``,
``not``, ``or``, ``and`` and SPARQL SELECT constraints on targeted shapes.
Known difference: ill-formed lexical forms (``"abc"^^xsd:integer``) pass ``sh:datatype`` here;
rdflib cannot even load such literals without a warning, and the ingest never writes them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from ..ontology import SH
from .report import path_sparql

_SUBCLASS = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
_TARGETS = {"targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target"}
_IGNORED = {"path", "severity", "message", "name", "description", "order", "group", "deactivated", "property",
            "flags", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "prefixes",
            "defaultValue"} | _TARGETS


class UnsupportedShape(ValueError):
    """A shape uses a SHACL feature that the fast path does not compile."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint: the query and what its results are reported as."""

    shape: Node
    component: URIRef
    severity: URIRef
    path: str | None
    messages: tuple[Literal, ...]
    query: str
    constraint: Node | None = None
    kind: str = "single"  # "absent" (MINUS), "present" (a pattern binding ?this), "single"
    pattern: str = ""  # the grouped form: what is absent / present for a failing focus node
    target: str = ""


@dataclass(frozen=True)
class Plan:
    """The checks and the queries that run them: one query per node shape and kind of check.

    Every query returns ``?check`` (an index into ``checks``), ``?this`` and, when the check
    reports them, ``?value`` and ``?path``. Grouping evaluates each target once per node shape
    instead of once per constraint (160 queries → about 60; 12 → 5 s CPU at 1M triples).
    """

    checks: tuple[Check, ...]
    queries: tuple[str, ...]


def _sh(name: str) -> URIRef:
    return URIRef(SH[name])


# -- paths as Oxigraph evaluates them well -------------------------------------------------------------
# A sequence that starts with ``p*`` (``shnor:parentItem*/shnor:responsible``) is slow on Oxigraph
# inside FILTER NOT EXISTS (12 s instead of 0.05 s at 100k triples: the zero-length step is not
# bound to the focus node). The same path written without ``*`` or ``?`` inside sequences —
# ``(shnor:responsible|shnor:parentItem+/shnor:responsible)`` — has the same value nodes.


def _path_tree(graph: Graph, node: Node) -> tuple:
    if isinstance(node, URIRef) and graph.value(node, RDF.first) is None and not any(
            str(p).startswith(str(SH)) for p in graph.predicates(node)):
        return ("iri", node)
    if graph.value(node, RDF.first) is not None:
        return ("seq", [_path_tree(graph, n) for n in Collection(graph, node)])
    for name, kind in (("inversePath", "inv"), ("zeroOrMorePath", "star"), ("oneOrMorePath", "plus"), ("zeroOrOnePath", "opt")):
        inner = graph.value(node, _sh(name))
        if inner is not None:
            return (kind, _path_tree(graph, inner))
    alternatives = graph.value(node, _sh("alternativePath"))
    if alternatives is not None:
        return ("alt", [_path_tree(graph, n) for n in Collection(graph, alternatives)])
    raise UnsupportedShape(f"not a SHACL property path: {node!r}")


def _expand(tree: tuple) -> tuple:
    """The same path with ``X*`` and ``X?`` inside sequences replaced by alternatives."""
    kind, body = tree
    if kind == "iri":
        return tree
    if kind in ("inv", "star", "plus", "opt"):
        return (kind, _expand(body))
    parts = [_expand(part) for part in body]
    if kind == "alt":
        return ("alt", parts)
    for i, part in enumerate(parts):
        if part[0] in ("star", "opt") and len(parts) > 1:
            present = part[1] if part[0] == "opt" else ("plus", part[1])
            without = parts[:i] + parts[i + 1:]
            return ("alt", [_expand(("seq", without)) if len(without) > 1 else without[0],
                            _expand(("seq", parts[:i] + [present] + parts[i + 1:]))])
    return ("seq", parts)


def _render(tree: tuple) -> str:
    kind, body = tree
    if kind == "iri":
        return f"<{body}>"
    if kind in ("seq", "alt"):
        return "(" + ("/" if kind == "seq" else "|").join(_render(p) for p in body) + ")"
    inner = _render(body)
    inner = inner if inner.startswith(("<", "(")) else f"({inner})"
    return {"inv": "^{}", "star": "{}*", "plus": "{}+", "opt": "{}?"}[kind].format(inner)


def evaluation_path(graph: Graph, node: Node) -> str:
    """SPARQL text of a SHACL path, written the way Oxigraph evaluates fast (same value nodes)."""
    return _render(_expand(_path_tree(graph, node)))


def sparql_term(term: Node) -> str:
    """An rdflib IRI or literal as SPARQL text."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = json.dumps(str(term), ensure_ascii=False)
        if term.language:
            return f"{text}@{term.language}"
        return f"{text}^^<{term.datatype or XSD.string}>"
    raise UnsupportedShape(f"a blank node cannot be written in a query: {term!r}")


class _Compiler:
    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.counter = 0
        self.prologue = self._prologue()

    # -- helpers -------------------------------------------------------------------------------

    def fresh(self, name: str = "v") -> str:
        self.counter += 1
        return f"?{name}{self.counter}"

    def _prologue(self) -> str:
        lines = {}
        for decl in self.g.objects(None, _sh("declare")):
            prefix, namespace = self.g.value(decl, _sh("prefix")), self.g.value(decl, _sh("namespace"))
            lines[str(prefix)] = f"PREFIX {prefix}: <{namespace}>"
        return "\n".join(lines[p] for p in sorted(lines)) + "\n"

    def active(self, shape: Node) -> bool:
        return not bool(getattr(self.g.value(shape, _sh("deactivated")), "value", False))

    def severity(self, shape: Node) -> URIRef:
        return self.g.value(shape, _sh("severity")) or _sh("Violation")

    def messages(self, node: Node) -> tuple[Literal, ...]:
        found = (m for m in self.g.objects(node, _sh("message")) if isinstance(m, Literal))
        return tuple(sorted(found, key=lambda m: (m.language or "", str(m))))

    def parameters(self, shape: Node) -> list[tuple[str, Node]]:
        """The constraint parameters of a shape, as (local name, value)."""
        out = []
        for predicate, obj in self.g.predicate_objects(shape):
            if not str(predicate).startswith(str(SH)):
                continue
            name = str(predicate)[len(str(SH)):]
            if name in _IGNORED:
                continue
            out.append((name, obj))
        return sorted(out, key=lambda p: (p[0], str(p[1])))

    # -- targets -------------------------------------------------------------------------------

    def target(self, shape: Node) -> str | None:
        """A graph pattern binding ``?this`` to every focus node of a shape (None: no target)."""
        parts = []
        classes = list(self.g.objects(shape, _sh("targetClass")))
        if (shape, RDF.type, RDFS.Class) in self.g:
            classes.append(shape)
        parts += [f"?this {_SUBCLASS} {sparql_term(c)} ." for c in classes]
        parts += [f"VALUES ?this {{ {sparql_term(n)} }}" for n in self.g.objects(shape, _sh("targetNode"))]
        # no DISTINCT subquery: it costs more than the duplicates it removes (the SELECT DISTINCT
        # of each check removes those), 0.27 → 0.15 s CPU per check over 42k spans
        parts += [f"?this {sparql_term(p)} ?tgt_o ." for p in self.g.objects(shape, _sh("targetSubjectsOf"))]
        parts += [f"?tgt_s {sparql_term(p)} ?this ." for p in self.g.objects(shape, _sh("targetObjectsOf"))]
        for target in self.g.objects(shape, _sh("target")):
            select = self.g.value(target, _sh("select"))
            if select is None:
                raise UnsupportedShape(f"{shape}: only SPARQL targets (sh:select) are supported")
            parts.append("{ " + str(select).strip() + " }")
        if not parts:
            return None
        return " UNION ".join("{ " + p + " }" for p in parts)

    # -- checks --------------------------------------------------------------------------------

    def checks(self) -> list[Check]:
        out: list[Check] = []
        shapes = sorted({s for t in _TARGETS for s in self.g.subjects(_sh(t), None)}, key=str)
        shapes += sorted(set(self.g.subjects(RDF.type, RDFS.Class)) & set(self.g.subjects(RDF.type, _sh("NodeShape"))) - set(shapes), key=str)
        for shape in shapes:
            if not self.active(shape):
                continue
            target = self.target(shape)
            out += self.shape_checks(shape, target, None)
            for prop in sorted(self.g.objects(shape, _sh("property")), key=str):
                if self.active(prop):
                    path_node = self.g.value(prop, _sh("path"))
                    if path_node is None:
                        raise UnsupportedShape(f"{prop}: a property shape without sh:path")
                    out += self.shape_checks(prop, target, path_node)
        return out

    def shape_checks(self, shape: Node, target: str, path_node: Node | None) -> list[Check]:
        path = None if path_node is None else path_sparql(self.g, path_node)
        query_path = None if path_node is None else evaluation_path(self.g, path_node)
        checks = []
        for name, value in self.parameters(shape):
            if name == "sparql":
                checks.append(self.sparql_check(shape, value, target, path))
                continue
            component, pattern, has_value = self.violation(shape, name, value, "?this", query_path, top=True)
            if pattern is None:
                continue
            absent = _absent_pattern(pattern)
            pattern = f"MINUS {{ {absent} }}" if absent is not None else pattern
            head = "SELECT DISTINCT ?this WHERE {"
            if has_value:
                head = "SELECT DISTINCT ?this ?value WHERE {" if path is not None else "SELECT DISTINCT ?this (?this AS ?value) WHERE {"
            query = f"{self.prologue}{head}\n  {target}\n  {pattern}\n}}"
            if absent is not None:
                kind, grouped = "absent", absent
            elif path is not None and pattern.startswith("?this "):
                kind, grouped = "present", pattern
            else:
                kind, grouped = "single", ""
            checks.append(Check(shape, component, self.severity(shape), path, self.messages(shape), query,
                                kind=kind, pattern=grouped, target=target))
        return checks

    def sparql_check(self, shape: Node, constraint: Node, target: str, path: str | None) -> Check:
        select = str(self.g.value(constraint, _sh("select")) or "")
        if not select or "$PATH" in select or path is not None:
            raise UnsupportedShape(f"{shape}: SPARQL constraints are supported on node shapes, with sh:select and no $PATH")
        inner = re.sub(r"\$this\b", "?this", select.strip())
        if not re.search(r"\?value\b", inner.split("WHERE", 1)[0]):
            raise UnsupportedShape(f"{constraint}: a SPARQL constraint must project ?value")
        query = f"{self.prologue}SELECT DISTINCT ?this ?value ?path WHERE {{\n  {target}\n  {{ {inner} }}\n}}"
        messages = self.messages(constraint) or self.messages(shape)
        return Check(shape, _sh("SPARQLConstraintComponent"), self.severity(shape), None, messages, query, constraint)

    # -- constraint components -----------------------------------------------------------------

    def violation(self, shape: Node, name: str, param: Node, focus: str, path: str | None, *, top: bool = False):
        """(component, pattern with one solution per violation, whether it binds the value).

        The pattern's value variable is ``?value`` at the top level, a fresh one when nested.
        """
        handler = getattr(self, f"_c_{name}", None)
        if handler is None:
            raise UnsupportedShape(f"{shape}: sh:{name} is not supported by the fast path")
        value = "?value" if top else self.fresh()
        pattern, has_value = handler(shape, param, focus, path, value)
        component = _sh(name[0].upper() + name[1:] + "ConstraintComponent")
        if name == "qualifiedValueShape":
            component = _sh("QualifiedMinCountConstraintComponent")
        return component, pattern, has_value

    def values(self, focus: str, path: str | None, value: str) -> tuple[str, str]:
        """A pattern binding the value nodes, and the variable (the focus itself for node shapes)."""
        if path is None:
            return "", focus
        return f"{focus} {path} {value} .", value

    def _filter(self, focus, path, value, condition_template: str) -> tuple[str, bool]:
        bind, var = self.values(focus, path, value)
        return f"{bind} FILTER ({condition_template.format(v=var)})", True

    def _c_class(self, shape, param, focus, path, value):
        bind, var = self.values(focus, path, value)
        if var == "?value":
            # top level: the instances of the class once, anti-joined (the same solutions as
            # FILTER NOT EXISTS, which Oxigraph evaluates per value node)
            return f"{bind} MINUS {{ {var} {_SUBCLASS} {sparql_term(param)} }}", True
        return f"{bind} FILTER NOT EXISTS {{ {var} {_SUBCLASS} {sparql_term(param)} }}", True

    def _c_datatype(self, shape, param, focus, path, value):
        return self._filter(focus, path, value, f"!(isLiteral({{v}}) && datatype({{v}}) = {sparql_term(param)})")

    def _c_nodeKind(self, shape, param, focus, path, value):
        kinds = {"IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
                 "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))", "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
                 "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))"}
        return self._filter(focus, path, value, "!" + kinds[str(param).rsplit("#", 1)[-1]])

    def _c_pattern(self, shape, param, focus, path, value):
        flags = self.g.value(shape, _sh("flags"))
        regex = json.dumps(str(param), ensure_ascii=False)
        args = f"{regex}, {json.dumps(str(flags))}" if flags is not None else regex
        return self._filter(focus, path, value, f"isBlank({{v}}) || !REGEX(STR({{v}}), {args.replace('{', '{{').replace('}', '}}')})")

    def _c_minLength(self, shape, param, focus, path, value):
        return self._filter(focus, path, value, f"isBlank({{v}}) || STRLEN(STR({{v}})) < {int(param)}")

    def _c_maxLength(self, shape, param, focus, path, value):
        return self._filter(focus, path, value, f"isBlank({{v}}) || STRLEN(STR({{v}})) > {int(param)}")

    def _bound(self, operator, param, focus, path, value):
        return self._filter(focus, path, value, f"!COALESCE({{v}} {operator} {sparql_term(param)}, false)")

    def _c_minInclusive(self, shape, param, focus, path, value):
        return self._bound(">=", param, focus, path, value)

    def _c_minExclusive(self, shape, param, focus, path, value):
        return self._bound(">", param, focus, path, value)

    def _c_maxInclusive(self, shape, param, focus, path, value):
        return self._bound("<=", param, focus, path, value)

    def _c_maxExclusive(self, shape, param, focus, path, value):
        return self._bound("<", param, focus, path, value)

    def _c_in(self, shape, param, focus, path, value):
        members = list(Collection(self.g, param))
        test = " || ".join(f"sameTerm({{v}}, {sparql_term(m)})" for m in members) or "false"
        return self._filter(focus, path, value, f"!({test})")

    def _c_hasValue(self, shape, param, focus, path, value):
        if path is None:
            return f"FILTER (!sameTerm({focus}, {sparql_term(param)}))", True
        return f"FILTER NOT EXISTS {{ {focus} {path} {sparql_term(param)} }}", False

    def _c_minCount(self, shape, param, focus, path, value):
        count = int(param)
        if path is None or count > 1:
            raise UnsupportedShape(f"{shape}: sh:minCount other than 0 or 1")
        if count == 0:
            return None, False
        return f"FILTER NOT EXISTS {{ {focus} {path} {self.fresh()} }}", False

    def _c_maxCount(self, shape, param, focus, path, value):
        count = int(param)
        if path is None or count != 1:
            raise UnsupportedShape(f"{shape}: sh:maxCount other than 1")
        first, second = self.fresh(), self.fresh()
        return f"{focus} {path} {first} . {focus} {path} {second} . FILTER (!sameTerm({first}, {second}))", False

    def _c_disjoint(self, shape, param, focus, path, value):
        bind, var = self.values(focus, path, value)
        return f"{bind} {focus} {sparql_term(param)} {var} .", True

    def _compare(self, operator):
        def handler(shape, param, focus, path, value):
            other = self.fresh()
            bind, var = self.values(focus, path, value)
            return f"{bind} {focus} {sparql_term(param)} {other} . FILTER (!COALESCE({var} {operator} {other}, false))", True
        return handler

    def _c_lessThan(self, shape, param, focus, path, value):
        return self._compare("<")(shape, param, focus, path, value)

    def _c_lessThanOrEquals(self, shape, param, focus, path, value):
        return self._compare("<=")(shape, param, focus, path, value)

    def _c_node(self, shape, param, focus, path, value):
        return self._nested(focus, path, value, lambda v: f"!{self.conforms(v, param)}")

    def _c_not(self, shape, param, focus, path, value):
        return self._nested(focus, path, value, lambda v: self.conforms(v, param))

    def _c_or(self, shape, param, focus, path, value):
        return self._nested(focus, path, value, lambda v: "!(" + " || ".join(self.conforms(v, s) for s in Collection(self.g, param)) + ")")

    def _c_and(self, shape, param, focus, path, value):
        return self._nested(focus, path, value, lambda v: "!(" + " && ".join(self.conforms(v, s) for s in Collection(self.g, param)) + ")")

    def _nested(self, focus, path, value, condition) -> tuple[str, bool]:
        bind, var = self.values(focus, path, value)
        return f"{bind} FILTER ({condition(var)})", True

    def _c_qualifiedValueShape(self, shape, param, focus, path, value):
        minimum = self.g.value(shape, _sh("qualifiedMinCount"))
        if path is None or self.g.value(shape, _sh("qualifiedMaxCount")) is not None or minimum is None or int(minimum) != 1 \
                or getattr(self.g.value(shape, _sh("qualifiedValueShapesDisjoint")), "value", False):
            raise UnsupportedShape(f"{shape}: only sh:qualifiedMinCount 1 is supported")
        var = self.fresh()
        return f"FILTER NOT EXISTS {{ {focus} {path} {var} . FILTER ({self.conforms(var, param)}) }}", False

    def conforms(self, var: str, shape: Node) -> str:
        """A SPARQL expression: the node in ``var`` conforms to ``shape`` (used by node/not/or/and)."""
        tests = []
        for name, param in self.parameters(shape):
            if name == "sparql":
                raise UnsupportedShape(f"{shape}: SPARQL constraints in nested shapes")
            _, pattern, _ = self.violation(shape, name, param, var, None)
            if pattern is not None:
                tests.append(_no_violation(pattern))
        for prop in self.g.objects(shape, _sh("property")):
            path = evaluation_path(self.g, self.g.value(prop, _sh("path")))
            for name, param in self.parameters(prop):
                _, pattern, _ = self.violation(prop, name, param, var, path)
                if pattern is not None:
                    tests.append(_no_violation(pattern))
        return "(" + " && ".join(tests) + ")" if tests else "true"


def _absent_pattern(pattern: str) -> str | None:
    """For a top-level ``FILTER NOT EXISTS { … ?this … }``, the inner pattern; else None.

    It is run as ``MINUS { … }``: the same solutions here (the target binds only ``?this``,
    which the inner pattern binds), but Oxigraph evaluates MINUS once and anti-joins, while
    NOT EXISTS with a FILTER inside is re-evaluated per focus node without the binding (schools
    with a head: 36 s → 0.02 s at 1M triples).
    """
    text = pattern.strip()
    inner = text[len("FILTER NOT EXISTS "):]
    if text.startswith("FILTER NOT EXISTS {") and _balanced(inner) and re.search(r"\?this\b", inner):
        return inner[1:-1].strip()
    return None


def _no_violation(pattern: str) -> str:
    """An expression true when ``pattern`` has no solution.

    ``NOT EXISTS { FILTER (e) }`` is written ``!(e)`` and ``NOT EXISTS { FILTER NOT EXISTS { p } }``
    ``EXISTS { p }``: the same truth, but Oxigraph evaluates the nested forms very slowly (a school's
    head took 23 s instead of a fraction of a second at 1M triples). The handlers write a pattern
    that is one FILTER exactly when there is no value pattern before it (node-level constraints and
    counts), so the rewrite only looks at the start of the text.
    """
    text = pattern.strip()
    if text.startswith("FILTER NOT EXISTS {") and text.endswith("}") and _balanced(text[len("FILTER NOT EXISTS "):]):
        return "EXISTS " + text[len("FILTER NOT EXISTS "):]
    if text.startswith("FILTER (") and text.endswith(")") and _balanced(text[len("FILTER "):]):
        return "!" + text[len("FILTER "):]
    return f"NOT EXISTS {{ {pattern} }}"


def _balanced(text: str) -> bool:
    """True when ``text`` is one bracketed group: its first bracket closes at its last character."""
    depth = 0
    for i, ch in enumerate(text):
        depth += ch in "({"
        depth -= ch in ")}"
        if depth == 0:
            return i == len(text) - 1
    return False


def compile_shapes(shapes: Graph) -> list[Check]:
    """Every constraint of every targeted shape, as a SPARQL check."""
    return _Compiler(shapes).checks()


def plan_queries(checks: list[Check] | tuple[Check, ...]) -> Plan:
    """Group the checks of each target into few queries (see :class:`Plan`)."""
    prologue = checks[0].query[: checks[0].query.index("SELECT")] if checks else ""
    groups: dict[tuple[str, str], list[int]] = {}
    queries = []
    for index, check in enumerate(checks):
        if check.kind == "single":
            body = check.query[len(prologue):]
            head, rest = body.split(" WHERE ", 1)
            queries.append(f"{prologue}{head} ({index} AS ?check) WHERE {rest}")
        else:
            groups.setdefault((check.target, check.kind), []).append(index)
    for (target, kind), indexes in groups.items():
        branches = " UNION ".join(f"{{ {checks[i].pattern} BIND ({i} AS ?check) }}" for i in indexes)
        if kind == "absent":
            values = " ".join(str(i) for i in indexes)
            queries.append(f"{prologue}SELECT DISTINCT ?check ?this WHERE {{\n  {target}\n  VALUES ?check {{ {values} }}\n"
                           f"  MINUS {{ {branches} }}\n}}")
        else:
            queries.append(f"{prologue}SELECT DISTINCT ?check ?this ?value WHERE {{\n  {target}\n  {branches}\n}}")
    return Plan(tuple(checks), tuple(queries))


@lru_cache(maxsize=1)
def default_checks() -> tuple[Check, ...]:
    """The compiled checks of the project's shapes (compiled once per process)."""
    from . import shapes_graph

    return tuple(compile_shapes(shapes_graph()))


@lru_cache(maxsize=1)
def default_plan() -> Plan:
    """The grouped queries of the project's shapes (planned once per process)."""
    return plan_queries(default_checks())
