"""`kg build`: read -> extract -> resolve -> graph -> exports, all outputs or none."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import networkx as nx
from pydantic import BaseModel, Field

from kg.errors import KgError
from kg.exporters.html import write_html
from kg.exporters.neo4j import write_neo4j
from kg.exporters.rdf import write_rdf
from kg.extract import extract_paper
from kg.extract.vocabulary import default_vocabulary
from kg.graph import build_graph, save
from kg.io import move_into_place
from kg.resolve import resolver_for
from kg.schema import Paper, PaperExtraction
from kg.sources import read_papers

OUTPUTS = ("graph.json", "graph.ttl", "neo4j", "graph.html")


class BuildReport(BaseModel):
    papers: int
    nodes: int
    edges: int
    seconds: dict[str, float] = Field(default_factory=dict)
    outputs: list[str] = Field(default_factory=list)


def extract_all(papers: Iterable[Paper], workers: int = 1) -> Iterator[PaperExtraction]:
    """Extraction is a pure map over papers: in this process, or in a pool of `workers`."""
    if workers <= 1:
        vocab = default_vocabulary()
        for p in papers:
            yield extract_paper(p, vocab)
        return
    with ProcessPoolExecutor(workers) as pool:
        yield from pool.map(extract_paper, papers, chunksize=64)


def build(
    inputs: list[Path],
    out: Path,
    fmt: str | None = None,
    workers: int = 1,
    html: bool = True,
    progress=None,
) -> tuple[nx.MultiDiGraph, BuildReport]:
    """Build the graph of `inputs` and write every output into `out`, or nothing on failure."""
    times: dict[str, float] = {}
    t = time.perf_counter()
    papers = read_papers(inputs, fmt)
    if progress is not None:
        papers = progress(papers)
    extractions = _unique(extract_all(papers, workers))
    times["read+extract"] = time.perf_counter() - t
    t = time.perf_counter()
    resolver = resolver_for(extractions)
    g = build_graph(extractions, resolver)
    times["resolve+graph"] = time.perf_counter() - t
    written = write_outputs(g, out, html=html, times=times)
    report = BuildReport(
        papers=len(extractions),
        nodes=g.number_of_nodes(),
        edges=g.number_of_edges(),
        seconds=times,
        outputs=written,
    )
    return g, report


def _unique(extractions: Iterable[PaperExtraction]) -> list[PaperExtraction]:
    """The first record of each paper id; later duplicates are dropped."""
    seen: dict[str, PaperExtraction] = {}
    for e in extractions:
        seen.setdefault(e.paper.id, e)
    return list(seen.values())


def write_outputs(
    g: nx.MultiDiGraph, out: Path, html: bool = True, times: dict[str, float] | None = None
) -> list[str]:
    """Write all outputs into a staging folder, then move each into `out`."""
    times = {} if times is None else times
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise KgError(f"{out}: cannot write the outputs there ({e.strerror})") from None
    stage = Path(tempfile.mkdtemp(prefix=".kg-build.", dir=out))
    try:
        steps = [
            ("graph.json", lambda p: save(g, p)),
            ("graph.ttl", lambda p: write_rdf(g, p)),
            ("neo4j", lambda p: write_neo4j(g, p)),
        ]
        if html:
            steps.append(("graph.html", lambda p: write_html(g, p)))
        for name, write in steps:
            t = time.perf_counter()
            write(stage / name)
            times[name] = time.perf_counter() - t
        for name, _ in steps:
            move_into_place(stage / name, out / name)
        return [name for name, _ in steps]
    finally:
        shutil.rmtree(stage, ignore_errors=True)
