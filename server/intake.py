"""From bytes to a catalog Submission: RDF files as they are, acts through the ingest pipeline.

Shared by the CLI (`shnor-kg ingest`) and the upload API, so both apply the same checks.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..errors import IngestError, PayloadTooLarge
from .catalog import Submission

RDF_SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld", ".rdf": "xml"}
RDF_MEDIA_TYPES = {"turtle": "text/turtle", "nt": "application/n-triples", "nquads": "application/n-quads",
                   "trig": "application/trig", "json-ld": "application/ld+json", "xml": "application/rdf+xml"}


def read_file(path: Path, *, max_bytes: int) -> bytes:
    """The bytes of a file, or IngestError naming it and the reason."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise PayloadTooLarge(f"{path}: {size} bytes is over the limit of {max_bytes} bytes", file=str(path))
        return path.read_bytes()
    except FileNotFoundError:
        raise IngestError(f"{path}: no such file or directory", file=str(path)) from None
    except PermissionError:
        raise IngestError(f"{path}: permission denied", file=str(path)) from None
    except IsADirectoryError:
        raise IngestError(f"{path}: is a directory", file=str(path)) from None
    except OSError as exc:
        raise IngestError(f"{path}: cannot read: {exc.strerror}", file=str(path)) from None


def _rdf_submission(name: str, data: bytes) -> Submission:
    from rdflib import Graph

    fmt = RDF_SUFFIXES[Path(name).suffix.lower()]
    graph = Graph()
    try:
        graph.parse(data=data, format=fmt)
    except Exception as exc:  # rdflib raises many exception types for bad syntax
        raise IngestError(f"{name}: not valid RDF: {exc}", file=name) from None
    sha = hashlib.sha256(data).hexdigest()
    return Submission(f"rdf-{sha[:16]}", graph, Graph(), data, Path(name).name, RDF_MEDIA_TYPES[fmt], sha)


def submission_from_bytes(name: str, data: bytes, *, config) -> Submission:
    """A Submission for ``data`` read from a file called ``name`` (only its suffix picks RDF parsing;
    acts are recognised by content in the ingest readers)."""
    if Path(name).suffix.lower() in RDF_SUFFIXES:
        return _rdf_submission(name, data)
    try:
        from ..ingest.pipeline import submission_for
    except ImportError:
        raise IngestError(f"{name}: only RDF files can be ingested in this build", file=name) from None
    return submission_for(Path(name), data, config=config)
