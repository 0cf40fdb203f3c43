"""Reading the vocabulary files: the merged graph, and the lookups the ingester takes from it.

The mapping of section headings to themes and the deadline qualifier phrases are stated in the
SKOS schemes (``shnor:headingKeyword``, ``shnor:qualifierPhrase``), not in Python; these
functions only read them.
"""

from __future__ import annotations

from functools import cache

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from . import SHNOR, bind_prefixes, ontology_files


def load_vocabulary() -> Graph:
    """A new rdflib graph holding every vocabulary file (ontology and SKOS schemes) merged.

    The project's prefixes are bound on it. Raises rdflib's parser error if a file is not Turtle
    (a packaging defect, tested).
    """
    graph = Graph()
    for resource in ontology_files():
        graph.parse(data=resource.read_text("utf-8"), format="turtle", publicID=resource.name)
    bind_prefixes(graph)
    return graph


@cache
def _vocabulary() -> Graph:
    """The merged vocabulary, parsed once per process (read-only: never modify it)."""
    return load_vocabulary()


def normalise_heading(text: str) -> str:
    """``text`` lower-cased, with ё written as е and runs of white space collapsed."""
    return " ".join(text.lower().replace("ё", "е").split())


def _literals_by_concept(predicate: URIRef) -> tuple[tuple[URIRef, tuple[str, ...]], ...]:
    graph = _vocabulary()
    concepts = sorted({s for s in graph.subjects(predicate, None) if isinstance(s, URIRef)})
    return tuple((c, tuple(sorted(str(o) for o in graph.objects(c, predicate) if isinstance(o, Literal))))
                 for c in concepts)


def heading_keywords() -> dict[URIRef, tuple[str, ...]]:
    """Each theme concept of ``shnor:Themes`` → its ``shnor:headingKeyword`` strings."""
    return dict(_literals_by_concept(SHNOR.headingKeyword))


def themes_for_heading(heading: str) -> list[URIRef]:
    """The themes whose keyword occurs in the normalised ``heading`` (sorted; ideally one).

    An empty list means no theme matched; more than one means the heading is ambiguous (the
    keywords are designed so that no sample heading is) and the caller decides.
    """
    text = normalise_heading(heading)
    return [theme for theme, words in heading_keywords().items() if any(w in text for w in words)]


def qualifier_phrases() -> dict[str, URIRef]:
    """Each ``shnor:qualifierPhrase`` → its concept of ``shnor:DeadlineQualifiers``."""
    return {phrase: concept for concept, phrases in _literals_by_concept(SHNOR.qualifierPhrase) for phrase in phrases}


def pref_label(concept: URIRef, lang: str = "ru") -> str | None:
    """The ``skos:prefLabel`` of a vocabulary concept in ``lang``, or None when it has none."""
    for label in _vocabulary().objects(concept, SKOS.prefLabel):
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return None
