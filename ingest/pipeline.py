"""The ingest pipeline: a file's bytes → the graphs of one act (pure: no store, no web).

``ingest_act(data, name, base_iri=…)`` reads the bytes (format chosen by content), finds the
parts of the act, resolves its organisations, people and links, and writes the document graph
and the entities graph. ``submission_for`` adapts the result to the catalog's ``Submission``
for the CLI and the upload API (the only place that knows about the server).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ..errors import BadInput, IngestError
from ..ontology import DEFAULT_ID_BASE
from .blocks import RawDocument
from .facts import Facts, extract_facts
from .readers import read
from .structure import Act, parse_act
from .time_limit import time_limit as limit_time
from .to_rdf import build_graphs


@dataclass
class IngestedAct:
    """One ingested act: its graphs and what they were made from."""

    doc_id: str
    act_iri: str
    document: Graph
    entities: Graph
    sha256: str
    media_type: str
    act: Act
    facts: Facts
    raw: RawDocument
    notes: list[str] = field(default_factory=list)


DEFAULT_TIME_LIMIT = 120.0  # seconds per file (setting ingest_time_limit)


def ingest_act(data: bytes, name: str, *, base_iri: str = DEFAULT_ID_BASE,
               time_limit: float | None = DEFAULT_TIME_LIMIT) -> IngestedAct:
    """Ingest one act from its bytes; ``name`` is the file name (for messages and dct:title).

    Raises :class:`IngestError` naming the file when the bytes cannot be read, when the text
    is not an act (no header and no plan), when its municipality cannot be told, or when it
    takes longer than ``time_limit`` seconds (None: no limit; see :mod:`.time_limit`).
    """
    with limit_time(name, time_limit):
        return _ingest(data, name, base_iri)


def _ingest(data: bytes, name: str, base_iri: str) -> IngestedAct:
    raw = read(data, name)
    act = parse_act(raw)
    if act.plan is None and act.header.doc_type is None and act.header.title is None:
        raise IngestError(f"{name}: not a municipal act: no header (document type, title) and no plan table found", file=name)
    try:
        facts = extract_facts(act, raw)
    except IngestError:
        raise
    except BadInput as exc:  # a normaliser refused a piece of the text
        raise IngestError(f"{name}: {exc.message}", file=name) from None
    sha256 = hashlib.sha256(data).hexdigest()
    graphs = build_graphs(raw, act, facts, base_iri=base_iri, sha256=sha256)
    notes = list(raw.notes) + act.notes + facts.notes
    return IngestedAct(graphs.doc_id, graphs.act_iri, graphs.document, graphs.entities, sha256,
                       raw.media_type, act, facts, raw, notes)


def submission_for(path: Path, data: bytes, *, config):
    """The catalog ``Submission`` of one file (the CLI's and the upload API's entry point)."""
    from ..server.catalog import Submission

    if len(data) > config.max_upload_bytes:
        raise IngestError(f"{path.name}: file too large ({len(data)} bytes; the limit is {config.max_upload_bytes})", file=str(path))
    result = ingest_act(data, path.name, base_iri=config.base_iri, time_limit=config.ingest_time_limit)
    meta = {"act_iri": result.act_iri, "act_title": result.act.header.title.text if result.act.header.title else None,
            "ingest_notes": result.notes}
    return Submission(result.doc_id, result.document, result.entities, data, path.name, result.media_type,
                      result.sha256, validation=_validation(result, config), meta=meta)


def _validation(result: IngestedAct, config) -> Graph | None:
    """The validation graph of the act (SHACL report and completeness scores), unless turned off."""
    if not config.validate_on_ingest:
        return None
    from ..shapes import validate_submission

    return validate_submission(result.document, result.entities, engine=config.validation_engine)
