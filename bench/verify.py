"""Checking a generated act against its manifest: what ingest found, and what validation reported.

``check_act(path, manifest)`` ingests the file through the real pipeline, validates it as ingest
does (``shnor_kg.shapes.validate_submission`` with the configured engine) and returns the
differences between the report and the defects the generator planted (empty: as planned), plus
the differences in what the act states (items, target schools, mentor pairs, people).

    .venv/bin/python -m bench.verify CORPUS_DIR [--engine sparql|pyshacl] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import ORG, RDF, SKOS

SHNOR = "https://w3id.org/shnor/ontology#"
SHAPES = "https://w3id.org/shnor/shapes#"


@dataclass
class Check:
    """The outcome of checking one act: unexpected and missing results, and other mismatches."""

    file: str
    unexpected: list[tuple] = field(default_factory=list)
    missing: list[tuple] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.unexpected or self.missing or self.mismatches)


def reported(report, act: str) -> set[tuple[str, str, str]]:
    """(focus, shape local name, severity) of every result, the focus written as in the manifests."""
    return {(_focus(str(r.focus), act), str(r.source_shape).removeprefix(SHAPES), r.severity_name) for r in report.results}


def _focus(iri: str, act: str) -> str:
    if iri == act:
        return "act"
    if iri.startswith(act + "/plan/item/"):
        return "item:" + iri.rsplit("/", 1)[1]
    return iri


def expected(manifest: dict, data: Graph) -> set[tuple[str, str, str]]:
    """The manifest's expected results, with organisations named by label resolved to their IRIs."""
    out = set()
    for result in manifest["expected_results"]:
        focus = result["focus"]
        if focus.startswith("org:"):
            focus = org_by_label(data, focus[4:]) or focus
        out.add((focus, result["shape"], result["severity"]))
    return out


def org_by_label(data: Graph, label: str) -> str | None:
    """The organisation one of whose labels is ``label``."""
    for prop in (SKOS.prefLabel, SKOS.altLabel):
        for subject in data.subjects(prop, None):
            if any(str(o) == label for o in data.objects(subject, prop)):
                return str(subject)
    return None


def check_act(path: Path, manifest: dict, *, engine: str = "sparql") -> Check:
    """Ingest and validate one generated act; compare with its manifest."""
    from shnor_kg.ingest.pipeline import ingest_act
    from shnor_kg.shapes.submission import merged, validate_document

    result = ingest_act(path.read_bytes(), path.name)
    data = merged(result.document, result.entities)
    report = validate_document(result.document, result.entities, engine=engine)
    got, want = reported(report, result.act_iri), expected(manifest, data)
    check = Check(manifest["file"], sorted(got - want), sorted(want - got))
    check.mismatches = facts_mismatches(result, data, manifest)
    return check


def facts_mismatches(result, data: Graph, manifest: dict) -> list[str]:
    """What the act states that the pipeline read differently (items, schools, pairs, people, IRI)."""
    act = URIRef(result.act_iri)
    s = lambda name: URIRef(SHNOR + name)  # noqa: E731
    found = {
        "act_path": result.act_iri.split("/id/", 1)[1],
        "items": len(set(data.subjects(RDF.type, s("PlanItem")))),
        "targets": len(set(data.objects(act, s("targetSchool")))),
        "mentor_pairs": len(set(data.subjects(RDF.type, s("MentorshipLink")))),
        "themes": sum(1 for sec in data.subjects(RDF.type, s("PlanSection")) if (sec, s("theme"), None) in data),
    }
    wanted = {"act_path": manifest["act_path"], "items": manifest["items"], "targets": len(manifest["targets"]),
              "mentor_pairs": manifest["mentor_pairs"], "themes": sum(1 for x in manifest["sections"] if x["theme"])}
    out = [f"{k}: read {found[k]!r}, written {wanted[k]!r}" for k in wanted if found[k] != wanted[k]]
    people = {str(p).rsplit("/", 1)[1] for p in data.subjects(RDF.type, s("Person"))}
    out += [f"{role} {key} not among the people read" for role, key in manifest["people"].items() if key not in people]
    holders = {str(m) for m in data.objects(None, ORG.member)}
    if not holders:
        out.append("no role assignment read")
    return out


def check_corpus(root: Path, *, engine: str = "sparql", limit: int | None = None) -> list[Check]:
    """Check every act of a generated corpus (or the first ``limit``)."""
    from .generate import load_manifests

    manifests = list(load_manifests(root).values())[:limit]
    return [check_act(root / m["file"], m, engine=engine) for m in manifests]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--engine", choices=("sparql", "pyshacl"), default="sparql")
    parser.add_argument("--limit", type=int)
    args = parser.parse_args(argv)
    checks = check_corpus(args.corpus, engine=args.engine, limit=args.limit)
    for check in checks:
        if not check.ok:
            print(json.dumps({"file": check.file, "unexpected": check.unexpected, "missing": check.missing,
                              "mismatches": check.mismatches}, ensure_ascii=False))
    bad = sum(not c.ok for c in checks)
    print(f"{len(checks) - bad} of {len(checks)} acts as planned")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
