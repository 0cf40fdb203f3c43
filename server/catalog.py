"""Documents in the store: add, replace and remove a document with its shared entities.

A document's own statements live in its named graph (``graph/<doc_id>``), its validation report
in ``graph/<doc_id>/validation``. Statements about shared resources (organisations, people,
places) live once in the entities graph. Each document's contribution to that graph is kept in
``<data_dir>/documents/<doc_id>/entities.nt`` so that the entities graph can be rebuilt from what
the remaining documents say when a document is replaced or removed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import Graph

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from ..errors import NotFound, StoreUnavailable
from ..ontology import ENTITIES_GRAPH, GRAPH_BASE, SHNOR, VOCABULARY_GRAPH, ontology_files
from .store import GraphChange

DOCUMENTS = "documents"


DOC_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def checked_doc_id(doc_id: str) -> str:
    """``doc_id`` when it has the form of a document id (``ru-tul-tula-2024-prikaz-22-1-osn``);
    anything else cannot name a stored document: NotFound."""
    if not DOC_ID.match(doc_id):
        raise NotFound(f"no document {doc_id!r}: a document id is lower-case letters, digits and hyphens", doc_id=doc_id)
    return doc_id


def document_graph(doc_id: str) -> str:
    """The IRI of a document's named graph (NotFound for a malformed id)."""
    return GRAPH_BASE + checked_doc_id(doc_id)


def validation_graph(doc_id: str) -> str:
    """The IRI of the named graph holding a document's validation report (NotFound for a malformed id)."""
    return GRAPH_BASE + checked_doc_id(doc_id) + "/validation"


SINGLE_LABELS = (ox.NamedNode("http://xmlns.com/foaf/0.1/name"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"))
ALT_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel")


def _label_key(triple: ox.Triple) -> tuple:
    language = triple.object.language if isinstance(triple.object, ox.Literal) else None
    return (triple.subject, triple.predicate, language)


def reconcile_labels(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Merged entity statements with one ``foaf:name`` and one ``skos:prefLabel`` (per language)
    per resource: the fullest form that any act wrote ("Пряжина Елена Николаевна" over "Пряжина
    Е.Н."); the other forms are kept as ``skos:altLabel``. Nothing is dropped or invented."""
    out, labels = [], {}
    for triple in triples:
        if triple.predicate in SINGLE_LABELS:
            labels.setdefault(_label_key(triple), []).append(triple.object)
        else:
            out.append(triple)
    present = set(out)
    for (subject, predicate, _), values in labels.items():
        best = max(values, key=lambda v: (len(v.value), v.value))
        out.append(ox.Triple(subject, predicate, best))
        for value in values:
            alt = ox.Triple(subject, ALT_LABEL, value)
            if value != best and alt not in present:
                present.add(alt)
                out.append(alt)
    return out


def to_oxigraph(graph: Graph) -> list[ox.Triple]:
    """rdflib triples as pyoxigraph triples (through N-Triples, the fastest exact route)."""
    data = graph.serialize(format="nt", encoding="utf-8")
    return list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))


@dataclass
class Submission:
    """What the ingest pipeline hands to the catalog for one document."""

    doc_id: str
    document: Graph
    entities: Graph
    source: bytes
    source_name: str
    media_type: str
    sha256: str
    validation: Graph | None = None
    meta: dict = field(default_factory=dict)


@dataclass
class Outcome:
    doc_id: str
    status: str  # "ingested" | "replaced" | "unchanged"
    triples: int = 0


class Catalog:
    """Document-level writes over a store; reads go straight to the store."""

    def __init__(self, store, data_dir: str | os.PathLike, *, base_iri: str = "https://w3id.org/shnor/id/") -> None:
        self.store = store
        self.base_iri = base_iri
        self.root = Path(data_dir) / DOCUMENTS
        self.root.mkdir(parents=True, exist_ok=True)
        self.recover()

    # -- crash recovery ------------------------------------------------------------------------

    def _stored_sha256(self, doc_id: str) -> set[str]:
        result = self.store.query(
            f"SELECT ?sha WHERE {{ GRAPH <{document_graph(doc_id)}> {{ ?source <{SHNOR.sha256}> ?sha }} }}"
        )
        return {row[0].value for row in result.rows}

    def _read_meta(self, folder: Path) -> dict | None:
        try:
            return json.loads((folder / "meta.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None

    def recover(self) -> None:
        """Finish or undo a document write that a crash interrupted.

        The store commit is the point of truth: a staged folder whose sha256 the store holds is
        installed, any other staged folder is discarded, and a set-aside previous folder is put
        back when its document is still the stored version.
        """
        for staging in sorted(self.root.glob(".staging-*")):
            meta = self._read_meta(staging)
            if meta and meta["sha256"] in self._stored_sha256(meta["doc_id"]):
                self._swap_in(staging, meta["doc_id"])
            else:
                shutil.rmtree(staging, ignore_errors=True)
        for trash in sorted(self.root.glob(".trash-*")):
            meta = self._read_meta(trash)
            target = self.root / meta["doc_id"] if meta else None
            if target is not None and not target.exists() and meta["sha256"] in self._stored_sha256(meta["doc_id"]):
                trash.rename(target)
            else:
                shutil.rmtree(trash, ignore_errors=True)

    # -- registry of documents -----------------------------------------------------------------

    def meta(self, doc_id: str) -> dict | None:
        if not DOC_ID.match(doc_id):
            return None
        path = self.root / doc_id / "meta.json"
        try:
            return json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            return None

    def documents(self) -> list[dict]:
        """Metadata of every stored document, newest first."""
        metas = [m for m in (self.meta(p.name) for p in self.root.iterdir() if p.is_dir() and not p.name.startswith(".")) if m]
        return sorted(metas, key=lambda m: m.get("ingested_at", ""), reverse=True)

    def find_by_sha256(self, sha256: str) -> str | None:
        return next((m["doc_id"] for m in self.documents() if m.get("sha256") == sha256), None)

    def entity_contribution(self, doc_id: str) -> bytes:
        """What a stored document contributed to the entities graph, as N-Triples."""
        if self.meta(doc_id) is None:
            raise NotFound(f"no document {doc_id!r} in the store", doc_id=doc_id)
        try:
            return (self.root / doc_id / "entities.nt").read_bytes()
        except FileNotFoundError:
            return b""

    def _entity_contributions(self, exclude: str | None = None) -> Iterable[ox.Triple]:
        seen: set = set()
        for path in sorted(self.root.glob("*/entities.nt")):
            if path.parent.name == exclude:
                continue
            for triple in ox.parse(path.read_bytes(), format=ox.RdfFormat.N_TRIPLES):
                if triple not in seen:
                    seen.add(triple)
                    yield triple

    def _labels_conflict(self, entities: list[ox.Triple]) -> bool:
        """True when the store already names a resource of ``entities`` otherwise (then the
        entities graph is rebuilt so that each resource keeps one name)."""
        new = {_label_key(t): t.object for t in entities if t.predicate in SINGLE_LABELS}
        subjects = " ".join(sorted({str(s) for s, _, _ in new}))
        if not subjects:
            return False
        stored = self.store.query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{ VALUES ?s {{ {subjects} }} "
            f"VALUES ?p {{ {' '.join(str(p) for p in SINGLE_LABELS)} }} ?s ?p ?o }} }}")
        for subject, predicate, value in stored.rows:
            key = _label_key(ox.Triple(subject, predicate, value))
            if key in new and new[key] != value:
                return True
        return False

    # -- writes ------------------------------------------------------------------------------

    def _stage(self, sub: Submission, entities: list[ox.Triple], triples: int) -> Path:
        staging = self.root / f".staging-{uuid.uuid4().hex}"
        staging.mkdir()
        (staging / "source").write_bytes(sub.source)
        (staging / "entities.nt").write_bytes(ox.serialize(entities, format=ox.RdfFormat.N_TRIPLES) or b"")
        meta = {
            "doc_id": sub.doc_id,
            "graph": document_graph(sub.doc_id),
            "sha256": sub.sha256,
            "source_name": sub.source_name,
            "media_type": sub.media_type,
            "triples": triples,
            "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            **sub.meta,
        }
        (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
        return staging

    def _stage_or_fail(self, sub: Submission, entities: list[ox.Triple], triples: int) -> Path:
        try:
            return self._stage(sub, entities, triples)
        except OSError as exc:
            for staging in self.root.glob(".staging-*"):
                if self._read_meta(staging) is None:
                    shutil.rmtree(staging, ignore_errors=True)
            raise StoreUnavailable(f"cannot write to the store {self.root.parent}: {exc.strerror}", path=str(self.root.parent)) from None

    def _swap_in(self, staging: Path, doc_id: str) -> None:
        target = self.root / doc_id
        trash = self.root / f".trash-{uuid.uuid4().hex}"
        if target.exists():
            target.rename(trash)
        staging.rename(target)
        shutil.rmtree(trash, ignore_errors=True)

    def _with_source_record(self, sub: Submission) -> Graph:
        """The document graph, with a SourceDocument for the file when the submission has none."""
        if any(sub.document.triples((None, SHNOR.sha256, Literal(sub.sha256)))):
            return sub.document
        graph = Graph()
        graph += sub.document
        source = URIRef(f"{self.base_iri}source/{sub.sha256}")
        graph.add((source, RDF.type, SHNOR.SourceDocument))
        graph.add((source, SHNOR.sha256, Literal(sub.sha256)))
        graph.add((source, DCTERMS.title, Literal(sub.source_name)))
        graph.add((source, DCTERMS["format"], Literal(sub.media_type)))
        return graph

    def add(self, sub: Submission) -> Outcome:
        """Store a document: replace its graphs atomically and merge its entities."""
        previous = self.meta(sub.doc_id)
        if previous and previous.get("sha256") == sub.sha256:
            return Outcome(sub.doc_id, "unchanged")
        doc_triples = to_oxigraph(self._with_source_record(sub))
        entities = to_oxigraph(sub.entities)
        changes = [GraphChange("replace", document_graph(sub.doc_id), tuple(doc_triples))]
        if sub.validation is not None:
            changes.append(GraphChange("replace", validation_graph(sub.doc_id), tuple(to_oxigraph(sub.validation))))
        if previous or self._labels_conflict(entities):
            merged = list(self._entity_contributions(exclude=sub.doc_id))
            known = set(merged)
            merged.extend(t for t in entities if t not in known)
            changes.append(GraphChange("replace", str(ENTITIES_GRAPH), tuple(reconcile_labels(merged))))
        else:
            changes.append(GraphChange("add", str(ENTITIES_GRAPH), tuple(reconcile_labels(entities))))
        staging = self._stage_or_fail(sub, entities, len(doc_triples))
        try:
            self.store.commit(changes)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        self._swap_in(staging, sub.doc_id)
        return Outcome(sub.doc_id, "replaced" if previous else "ingested", len(doc_triples))

    def remove(self, doc_id: str) -> None:
        """Remove a document's graphs and rebuild the entities graph from the others."""
        if self.meta(doc_id) is None:
            raise NotFound(f"no document {doc_id!r} in the store", doc_id=doc_id)
        remaining = tuple(reconcile_labels(self._entity_contributions(exclude=doc_id)))
        self.store.commit([
            GraphChange("drop", document_graph(doc_id)),
            GraphChange("drop", validation_graph(doc_id)),
            GraphChange("replace", str(ENTITIES_GRAPH), remaining),
        ])
        shutil.rmtree(self.root / doc_id, ignore_errors=True)

    def ensure_vocabulary(self) -> None:
        """Load the ontology and its SKOS schemes into the vocabulary graph when they changed."""
        graph = Graph()
        for resource in ontology_files():
            graph.parse(data=resource.read_text("utf-8"), format="turtle")
        triples = to_oxigraph(graph)
        current = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{VOCABULARY_GRAPH}> {{ ?s ?p ?o }} }}")
        count = int(current.rows[0][0].value) if current.rows else 0
        if count != len(triples) or not self._vocabulary_matches(triples):
            self.store.commit([GraphChange("replace", str(VOCABULARY_GRAPH), tuple(triples))])

    def _vocabulary_matches(self, triples: list[ox.Triple]) -> bool:
        stored = self.store.export(ox.RdfFormat.N_TRIPLES, graph=str(VOCABULARY_GRAPH))
        return set(ox.parse(stored, format=ox.RdfFormat.N_TRIPLES)) == set(triples)
