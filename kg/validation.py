"""SHACL validation of RDF against `ontology/shapes.ttl` (pySHACL)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import SH

from kg.config import DataPaths


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    severity: str


def validate(data: Graph, shapes: Path | None = None) -> list[Violation]:
    """Every violation of the shapes in `data` (default: the packaged `shapes.ttl`); empty when it
    conforms."""
    import pyshacl

    shapes_graph = Graph().parse(shapes or DataPaths.packaged().shapes, format="turtle")
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph, inference="none")
    out = []
    for result in report.subjects(SH.resultSeverity, None):
        out.append(
            Violation(
                focus=str(report.value(result, SH.focusNode)),
                path=str(report.value(result, SH.resultPath) or ""),
                message=str(report.value(result, SH.resultMessage) or ""),
                severity=str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            )
        )
    return sorted(out, key=lambda v: (v.focus, v.path, v.message))
