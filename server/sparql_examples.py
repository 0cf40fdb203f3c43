"""Example queries of the query page: the stored queries of ``shnor_kg.queries`` (each bound with
its defaults or sample values), or a few built-in ones when the catalogue cannot be loaded."""

from __future__ import annotations

from functools import lru_cache

from ..errors import ShnorError
from ..ontology import sparql_prologue

BUILT_IN = (
    ("acts", {"ru": "Акты и их даты", "en": "Acts and their dates"},
     "SELECT ?act ?title ?year WHERE {\n  ?act a shnor:Order ;\n       dct:title ?title .\n"
     "  OPTIONAL { ?act shnor:year ?year }\n}\nORDER BY DESC(?year)\nLIMIT 100\n"),
    ("items", {"ru": "Пункты планов и сроки", "en": "Plan items and deadlines"},
     "SELECT ?item ?title ?deadline WHERE {\n  ?item a shnor:PlanItem ;\n        dct:title ?title .\n"
     "  OPTIONAL { ?item shnor:deadlineText ?deadline }\n}\nLIMIT 100\n"),
    ("classes", {"ru": "Классы и число экземпляров", "en": "Classes and instance counts"},
     "SELECT ?class (COUNT(?s) AS ?n) WHERE {\n  ?s a ?class\n}\nGROUP BY ?class\nORDER BY DESC(?n)\n"),
)


def _built_in(lang: str) -> list[dict]:
    return [{"name": name, "title": title[lang], "description": "", "query": sparql_prologue() + body}
            for name, title, body in BUILT_IN]


@lru_cache(maxsize=4)
def examples(lang: str) -> list[dict]:
    """``[{"name", "title", "description", "query"}]`` in ``lang``, the stored queries first."""
    try:
        from ..queries import load_catalogue
        from ..queries.params import sample_value

        catalogue = load_catalogue()
    except (ImportError, ShnorError):
        return _built_in(lang)
    out = []
    for name, stored in sorted(catalogue.items()):
        raw = {p.name: sample_value(p) for p in stored.params if p.required and p.default is None}
        try:
            text = stored.sparql(stored.bind(raw))
        except ShnorError:
            continue
        out.append({"name": name, "title": stored.title.get(lang) or stored.title["ru"],
                    "description": stored.description.get(lang) or stored.description["ru"], "query": text})
    return out or _built_in(lang)
