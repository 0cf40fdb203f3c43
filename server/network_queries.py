"""SPARQL of the network views: edge queries per kind, the act scope of the filters, and the
directory of nodes (types, labels, places) that every network shares.

The query text is assembled only from the constant fragments of this module; values are bound
as RDF terms in a ``VALUES`` block written by pyoxigraph's own term serialiser (validated IRIs
and typed literals, never raw user text). ``VALUES`` rather than the engine's substitutions,
because substitutions must be projected and behave differently on a remote back end.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

import pyoxigraph as ox

from ..ontology import sparql_prologue

Term = ox.NamedNode | ox.Literal
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: Patterns that restrict ``?order`` (the act) by the filters; each is added only when its
#: filter is set, and its variable (``?region``, ``?municipality``, ``?year``, ``?theme``) is
#: bound to the filter's value.
ACT_SCOPE: dict[str, str] = {
    "region": "?order shnor:municipality ?scope_municipality_ . ?scope_municipality_ shnor:region ?region .",
    "municipality": "?order shnor:municipality ?municipality .",
    "year": "?order shnor:year ?year .",
    "theme": (
        "FILTER EXISTS { ?order shnor:approves ?scope_plan_ . ?scope_item_ shnor:inPlan ?scope_plan_ . "
        "{ ?scope_item_ shnor:theme ?theme } UNION "
        "{ ?scope_item_ shnor:inSection ?scope_section_ . ?scope_section_ shnor:theme ?theme } }"
    ),
}

#: The theme restricts plan items (not acts) in the co-responsibility network.
ITEM_THEME = "{ ?item shnor:theme ?theme } UNION { ?item shnor:inSection ?item_section_ . ?item_section_ shnor:theme ?theme }"

MENTORSHIP = """
SELECT DISTINCT ?mentor ?mentee ?order ?year WHERE {
  %(values)s
  ?link a shnor:MentorshipLink ; shnor:mentor ?mentor ; shnor:mentee ?mentee ; shnor:establishedBy ?order .
  OPTIONAL { ?order shnor:year ?year }
  %(scope)s
}"""

TARGET_SCHOOLS = """
SELECT DISTINCT ?school ?order WHERE {
  %(values)s
  ?order shnor:targetSchool ?school .
  %(scope)s
}"""

CO_RESPONSIBILITY = """
SELECT DISTINCT ?item ?org ?order WHERE {
  %(values)s
  ?order shnor:approves ?plan .
  ?item shnor:inPlan ?plan ; shnor:responsible ?org .
  %(item_theme)s
  %(scope)s
}"""

#: Who appears in which act, in which role. Roles are keys of the structure of an act, or the
#: IRI of a ``shnor:Roles`` concept for role assignments. ``?n`` counts the statements.
PARTICIPATION = """
SELECT ?order ?node ?role (COUNT(*) AS ?n) WHERE {
  %(values)s
  {
    { ?order shnor:issuedBy ?node . BIND("issuer" AS ?role) }
    UNION { ?order shnor:signedBy ?node . BIND("signer" AS ?role) }
    UNION { ?order shnor:targetSchool ?node . BIND("targetSchool" AS ?role) }
    UNION { ?node shnor:operatorFor ?order . BIND("operator" AS ?role) }
    UNION { ?link shnor:establishedBy ?order ; shnor:mentor ?node . BIND("mentor" AS ?role) }
    UNION { ?link shnor:establishedBy ?order ; shnor:mentee ?node . BIND("mentee" AS ?role) }
    UNION { ?assignment shnor:assignedBy ?order ; org:member ?node ; org:role ?role }
    UNION { ?order shnor:approves ?plan . ?item shnor:inPlan ?plan ; shnor:responsible ?node . BIND("responsible" AS ?role) }
    UNION { ?order shnor:approves ?plan . ?item shnor:inPlan ?plan ; shnor:concerns ?node . BIND("concerned" AS ?role) }
  }
  %(scope)s
}
GROUP BY ?order ?node ?role"""

#: Every resource a network can show, with its class, label and place (one row per label).
DIRECTORY = """
SELECT ?node ?class ?label ?municipality WHERE {
  %(values)s
  VALUES ?class { shnor:School shnor:Organization shnor:CollectiveResponsible shnor:Person }
  ?node a ?class .
  OPTIONAL { ?node skos:prefLabel|foaf:name ?label }
  OPTIONAL { ?node shnor:municipality ?municipality }
}"""

ACTS = """
SELECT ?node ?number ?year ?title ?municipality ?docType WHERE {
  %(values)s
  ?node a shnor:Order .
  OPTIONAL { ?node eli:number ?number }
  OPTIONAL { ?node shnor:year ?year }
  OPTIONAL { ?node dct:title ?title }
  OPTIONAL { ?node shnor:municipality ?municipality }
  OPTIONAL { ?node shnor:documentType ?docType }
}"""

PLACES = """
SELECT ?place ?class ?label ?region ?iso WHERE {
  %(values)s
  VALUES ?class { shnor:Municipality shnor:Region }
  ?place a ?class .
  OPTIONAL { ?place skos:prefLabel ?label }
  OPTIONAL { ?place shnor:region ?region }
  OPTIONAL { ?place shnor:isoCode ?iso }
}"""

#: Labels of the concepts the pages show (themes, roles, organisation and document types).
CONCEPTS = """
SELECT ?concept ?scheme ?label WHERE {
  %(values)s
  VALUES ?scheme { shnor:Themes shnor:Roles shnor:OrgTypes shnor:DocumentTypes }
  ?concept skos:inScheme ?scheme ; skos:prefLabel ?label .
}"""


HEADS = """
SELECT DISTINCT ?person ?name ?role ?order WHERE {
  %(values)s
  VALUES ?role { shnor:director shnor:actingDirector shnor:head }
  ?assignment org:organization ?node ; org:role ?role ; org:member ?person .
  OPTIONAL { ?assignment shnor:assignedBy ?order }
  OPTIONAL { ?person foaf:name ?name }
}"""

NODE_ROLES = """
SELECT ?order ?role (COUNT(*) AS ?n) WHERE {
  %(values)s
  { ?order shnor:issuedBy ?node . BIND("issuer" AS ?role) }
  UNION { ?order shnor:signedBy ?node . BIND("signer" AS ?role) }
  UNION { ?order shnor:targetSchool ?node . BIND("targetSchool" AS ?role) }
  UNION { ?node shnor:operatorFor ?order . BIND("operator" AS ?role) }
  UNION { ?link shnor:establishedBy ?order ; shnor:mentor ?node . BIND("mentor" AS ?role) }
  UNION { ?link shnor:establishedBy ?order ; shnor:mentee ?node . BIND("mentee" AS ?role) }
  UNION { ?assignment shnor:assignedBy ?order ; org:member ?node ; org:role ?role }
  UNION { ?order shnor:approves ?plan . ?item shnor:inPlan ?plan ; shnor:responsible ?node . BIND("responsible" AS ?role) }
  UNION { ?order shnor:approves ?plan . ?item shnor:inPlan ?plan ; shnor:concerns ?node . BIND("concerned" AS ?role) }
}
GROUP BY ?order ?role"""

#: Existence checks of filter values (``?value`` is bound).
EXISTS: dict[str, str] = {
    "region": "ASK { %(values)s ?value a shnor:Region }",
    "municipality": "ASK { %(values)s ?value a shnor:Municipality }",
    "theme": "ASK { %(values)s { ?value skos:inScheme shnor:Themes } UNION { ?x shnor:theme ?value } }",
}

REGION_BY_CODE = "SELECT ?region WHERE { %(values)s ?region a shnor:Region ; shnor:isoCode ?code }"


def scope(filters: Iterable[str]) -> str:
    """The act-scope patterns for the filters that are set."""
    return "\n  ".join(ACT_SCOPE[name] for name in ACT_SCOPE if name in set(filters))


def values(bind: Mapping[str, Term] | None) -> str:
    """A one-row ``VALUES`` block binding variables to RDF terms (empty when nothing is bound)."""
    if not bind:
        return ""
    for name in bind:
        if not _VARIABLE.match(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    names = " ".join(f"?{name}" for name in bind)
    terms = " ".join(str(_term(term)) for term in bind.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def _term(term: Term) -> Term:
    if not isinstance(term, (ox.NamedNode, ox.Literal)):
        raise TypeError(f"only IRIs and literals can be bound, not {type(term).__name__}")
    return term


def compose(template: str, *, acts: Iterable[str] = (), item_theme: bool = False,
            bind: Mapping[str, Term] | None = None) -> str:
    """A complete query: the prologue, then ``template`` with its scope fragments filled in and
    ``bind`` as a ``VALUES`` block."""
    parts = {"scope": scope(list(acts)), "item_theme": ITEM_THEME if item_theme else "", "values": values(bind)}
    return sparql_prologue() + template % parts
