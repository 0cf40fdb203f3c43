"""Search over organisations, schools, people, acts, places and plan items.

One SPARQL query per dataset version reads every name and title; the index maps each word to
the resources whose texts contain it. A query matches a resource when every query word matches
one of its words: the same word, the same stem (so "Пряжиной" meets "Пряжина": Russian
inflectional endings are cut from both sides), or a prefix ("цо" meets "цо", "е" meets "Елена").
Case and ё/е are ignored. Abbreviations are found through the ``skos:altLabel`` forms ingest
records ("МКУ «ЦНППМ г. Тулы»"). Labels shown in results come from ``resources.labels``.
"""

from __future__ import annotations

import bisect
import heapq
import difflib
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS

from ..errors import BadParameter
from ..ontology import ELI, SHNOR
from .pages_labels import short_form_rank, act_of, href_of, kind_of, labels

MAX_QUERY = 200
MAX_LIMIT = 100

#: Types whose resources are searchable.
TYPES = (SHNOR.Organization, SHNOR.School, SHNOR.CollectiveResponsible, SHNOR.Person, SHNOR.Order,
         SHNOR.PlanItem, SHNOR.Municipality, SHNOR.Region)
#: Text fields and their weight in the score.
FIELDS = {str(SKOS.prefLabel): 3.0, str(SKOS.altLabel): 3.0, str(FOAF.name): 3.0, str(DCTERMS.title): 1.5,
          str(ELI.number): 2.0, str(SHNOR.number): 1.0}
#: Kinds and their weight in the score (names of things before the many plan items).
KIND_WEIGHT = {"school": 1.0, "organisation": 1.0, "collective": 0.9, "person": 1.0, "act": 0.9,
               "municipality": 1.0, "region": 1.0, "item": 0.5}
SEARCH_KINDS = tuple(KIND_WEIGHT)

#: Russian inflectional endings, longest first (cut when at least three letters remain).
ENDINGS = sorted("""иями ями ами ого его ому ему ыми ими иях ием иям ией ой ей ий ый ая яя ое ее ые ие ия ию ии
                 ом ем ам ям ах ях ов ев ую юю ых их ым им а я о е ы и у ю ь й""".split(), key=len, reverse=True)
WORD = re.compile(r"\w+")

EXACT, STEM, PREFIX = 3.0, 2.0, 1.0


def normalise(text: str) -> str:
    """Lower case with ё written as е."""
    return text.lower().replace("ё", "е")


def words(text: str) -> list[str]:
    """The normalised words of ``text``."""
    return WORD.findall(normalise(text))


def stem(word: str) -> str:
    """``word`` without its inflectional ending (words of three letters or fewer are kept)."""
    if len(word) <= 3 or word.isdigit():
        return word
    for ending in ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


@dataclass
class Entry:
    """A searchable resource and its texts (field IRI, text)."""

    iri: str
    types: set = field(default_factory=set)
    texts: list = field(default_factory=list)

    @property
    def kind(self) -> str:
        return kind_of(self.types)


@dataclass
class Hit:
    entry: Entry
    score: float
    text: str


class SearchIndex:
    """Words → resources, built once per dataset version."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.kinds = [e.kind for e in entries]
        self.normalised = [[normalise(" ".join(t.split())) for _, t in e.texts] for e in entries]
        self.shortest = [min((len(t) for _, t in e.texts), default=0) for e in entries]
        self.postings: dict[str, dict[int, float]] = defaultdict(dict)
        for i, entry in enumerate(entries):
            for predicate, text in entry.texts:
                weight = FIELDS.get(predicate, 1.0)
                for word in set(words(text)):
                    if self.postings[word].get(i, 0) < weight:
                        self.postings[word][i] = weight
        self.sorted_words = sorted(self.postings)
        self.stems: dict[str, list[str]] = defaultdict(list)
        for word in self.sorted_words:
            self.stems[stem(word)].append(word)

    def _matching_words(self, q: str) -> dict[str, float]:
        """Index words that match the query word ``q``, with the quality of the match."""
        found = {w: PREFIX for w in self._prefixed(q)}
        found.update({w: STEM for w in self.stems.get(stem(q), ())})
        if q in self.postings:
            found[q] = EXACT
        return found

    def _prefixed(self, q: str) -> list[str]:
        start = bisect.bisect_left(self.sorted_words, q)
        end = bisect.bisect_left(self.sorted_words, q + "\uffff")
        return self.sorted_words[start:end]

    def search(self, query: str, *, kinds: tuple[str, ...] = (), limit: int = 20) -> list[Hit]:
        """Resources matching every word of ``query``, best first."""
        qwords = list(dict.fromkeys(words(query)))
        if not qwords:
            return []
        scores: dict[int, float] | None = None
        for q in qwords:
            best: dict[int, float] = {}
            for word, quality in self._matching_words(q).items():
                for i, weight in self.postings[word].items():
                    best[i] = max(best.get(i, 0.0), quality * weight)
            scores = best if scores is None else {i: s + best[i] for i, s in scores.items() if i in best}
            if not scores:
                return []
        whole = normalise(" ".join(query.split()))
        ranked = [(self._score(i, s, whole), i) for i, s in scores.items() if not kinds or self.kinds[i] in kinds]
        top = heapq.nsmallest(limit, ranked, key=lambda r: (-r[0], self.shortest[r[1]], self.entries[r[1]].iri))
        return [Hit(self.entries[i], score, self._shown_text(i, qwords)) for score, i in top]

    def _score(self, i: int, score: float, whole: str) -> float:
        """The word score, plus a bonus when a whole text is (or starts with) the query, by kind."""
        texts = self.normalised[i]
        bonus = (10.0 if whole in texts else 0.0) + (2.0 if any(t.startswith(whole) for t in texts) else 0.0)
        return (score + bonus) * KIND_WEIGHT.get(self.kinds[i], 0.5)

    def _shown_text(self, i: int, qwords: list[str]) -> str:
        """The text that matches most query words (names before titles, well-formed short forms first)."""
        return min(self.entries[i].texts,
                   key=lambda ft: (-_covered(ft[1], qwords), -FIELDS.get(ft[0], 1.0), short_form_rank(ft[1])))[1]

    def paths(self, base: str) -> dict[str, str]:
        """Local paths (after the base) of the indexed resources → IRI, for near-miss suggestions."""
        return {e.iri[len(base):]: e.iri for e in self.entries if e.iri.startswith(base)}


def _covered(text: str, qwords: list[str]) -> int:
    """How many query words match a word of ``text`` (for choosing the text to show)."""
    own = words(text)
    stems = {stem(w) for w in own}
    return sum(1 for q in qwords if stem(q) in stems or any(w.startswith(q) for w in own))


def build_index(store) -> SearchIndex:
    """Read every searchable name and title in one query."""
    types = " ".join(f"<{t}>" for t in TYPES)
    fields = " ".join(f"<{p}>" for p in FIELDS)
    query = (f"SELECT ?x ?type ?p ?text WHERE {{ VALUES ?type {{ {types} }} VALUES ?p {{ {fields} }} "
             f"?x <{RDF.type}> ?type ; ?p ?text FILTER(isIRI(?x)) }}")
    entries: dict[str, Entry] = {}
    for x, type_, p, text in store.query(query).rows:
        entry = entries.setdefault(x.value, Entry(x.value))
        entry.types.add(type_.value)
        if (p.value, text.value) not in entry.texts:
            entry.texts.append((p.value, text.value))
    return SearchIndex(sorted(entries.values(), key=lambda e: e.iri))


class IndexCache:
    """The index of the current dataset version (rebuilt when the store changes)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._index: SearchIndex | None = None

    def get(self, store) -> SearchIndex:
        version = store.version()
        with self._lock:
            if self._index is not None and self._version == version:
                return self._index
            index = build_index(store)
            self._version, self._index = version, index
            return index


INDEXES = IndexCache()


def parse_query(q: str | None, *, required: bool) -> str:
    """The search text; BadParameter when missing (``required``) or too long."""
    q = " ".join((q or "").split())
    if required and not q:
        raise BadParameter("the search text 'q' is required", parameter="q")
    if len(q) > MAX_QUERY:
        raise BadParameter(f"the search text is longer than {MAX_QUERY} characters", parameter="q")
    return q


def parse_kinds(values: list[str]) -> tuple[str, ...]:
    kinds = tuple(v for value in values for v in value.split(",") if v)
    unknown = [k for k in kinds if k not in SEARCH_KINDS]
    if unknown:
        raise BadParameter(f"'kind' must be among {', '.join(SEARCH_KINDS)}, not {unknown[0]!r}", parameter="kind")
    return kinds


def parse_limit(value: str | None) -> int:
    if value in (None, ""):
        return 20
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise BadParameter(f"'limit' must be a whole number from 1 to {MAX_LIMIT}", parameter="limit")
    return int(value)


def search(store, q: str, *, base: str, lang: str, kinds: tuple[str, ...] = (), limit: int = 20) -> list[dict]:
    """Search results as plain dicts: IRI, page, kind, label, detail, act, snippet pieces, score."""
    hits = INDEXES.get(store).search(q, kinds=kinds, limit=limit)
    acts = {a for a in (act_of(h.entry.iri) for h in hits) if a}
    named = labels(store, {h.entry.iri for h in hits} | acts, lang)
    qwords = words(q)
    return [_result(h, named, base, qwords) for h in hits]


def _result(hit: Hit, named: dict, base: str, qwords: list[str]) -> dict:
    label = named[hit.entry.iri]
    act = act_of(hit.entry.iri)
    return {
        "iri": hit.entry.iri, "href": href_of(hit.entry.iri, base), "kind": hit.entry.kind,
        "label": label.name, "short": label.short, "detail": label.detail,
        "act": {"iri": act, "href": href_of(act, base), "label": named[act].name} if act and act in named else None,
        "snippet": snippet(hit.text, qwords), "score": round(hit.score, 3),
    }


def snippet(text: str, qwords: list[str], *, width: int = 200) -> list[list]:
    """``text`` (cut around the first match to ``width``) as ``[piece, matched]`` pairs."""
    stems = {stem(q) for q in qwords}

    def hit(word: str) -> bool:
        w = normalise(word)
        return stem(w) in stems or any(w.startswith(q) for q in qwords)

    found = [m for m in WORD.finditer(text) if hit(m.group())]
    start = max(0, found[0].start() - width // 3) if found and len(text) > width else 0
    end = min(len(text), start + width)
    pieces, at = [], start
    for m in found:
        if m.start() < start or m.end() > end:
            continue
        pieces += [[text[at:m.start()], False], [m.group(), True]]
        at = m.end()
    pieces.append([text[at:end], False])
    if start > 0:
        pieces.insert(0, ["…", False])
    if end < len(text):
        pieces.append(["…", False])
    return [p for p in pieces if p[0]]


def suggestions(store, path: str, *, base: str, lang: str, n: int = 6) -> list[dict]:
    """Resources whose local path is close to ``path`` (difflib), for the not-found page."""
    paths = INDEXES.get(store).paths(base)
    head = path.split("/", 1)[0]
    candidates = [p for p in paths if p.split("/", 1)[0] == head] or list(paths)
    close = difflib.get_close_matches(path, candidates, n=n, cutoff=0.7)
    named = labels(store, [paths[p] for p in close], lang)
    return [{"iri": paths[p], "href": "/id/" + p, "label": named[paths[p]].name, "kind": named[paths[p]].kind} for p in close]
