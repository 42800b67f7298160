"""`kg build`: read -> extract -> resolve -> graph -> exports, streamed, all outputs or none.

Papers stream through: a reader yields them one at a time, an engine extracts them in bounded
chunks, and `GraphWriter` puts each paper's nodes and edges on disk at once; only the merge
state (`Resolver`: one entry per entity, not per paper) stays in memory. The state is saved as
`state.json` beside graph.json, so `--update` can add papers later and get the graph a full
rebuild would give.
"""

from __future__ import annotations

import gc
import os
import resource
import shutil
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from kg.config import DataPaths
from kg.engines import extract_parts
from kg.errors import InputError, KgError
from kg.extract.vocabulary import build_vocabulary
from kg.graph import FORMAT_VERSION, GraphFile, load
from kg.graph.writer import GraphWriter
from kg.io import move_into_place
from kg.resolve import Resolver
from kg.sources import Skipped, read_lazily

GRAPH, STATE, REPORT, DELTA = "graph.json", "state.json", "report.json", "delta.json"
EXPORTS = ("graph.ttl", "neo4j", "graph.html")
HTML_NODES = 2000  # more makes a page no browser lays out in reasonable time
LISTED_SKIPS = 1000  # report.json lists this many skipped records; it counts them all


class SkippedRecord(BaseModel):
    path: str
    line: int | None = None
    record: int | None = None
    reason: str
    kind: str


class BuildReport(BaseModel):
    """What a build did; written as report.json beside the outputs."""

    papers: int = Field(0, description="papers in the graph")
    added: int = Field(0, description="papers this run added")
    nodes: int = 0
    edges: int = 0
    skipped: int = Field(0, description="records that could not be used")
    skipped_by_reason: dict[str, int] = Field(default_factory=dict)
    skipped_records: list[SkippedRecord] = Field(default_factory=list)
    duplicates: int = Field(0, description="records of a paper already in the graph")
    seconds: dict[str, float] = Field(default_factory=dict)
    peak_rss_mb: float = Field(0, description="this process; workers report their own")
    outputs: list[str] = Field(default_factory=list)

    def skip(self, item: Skipped) -> None:
        self.skipped += 1
        kind = str(item.kind)
        self.skipped_by_reason[kind] = self.skipped_by_reason.get(kind, 0) + 1
        if len(self.skipped_records) < LISTED_SKIPS:
            self.skipped_records.append(SkippedRecord(**item.__dict__))


@dataclass(frozen=True)
class BuildOptions:
    """How `build` reads, extracts and writes; the defaults are those of `kg build`."""

    fmt: str | None = None  # force a reader (daily-page, jsonl, hf-api, arxiv-atom); None: by content
    workers: int = 1  # processes (or Dask workers) for extraction
    html: bool = True  # write graph.html (with `exports`)
    exports: bool = True  # write graph.ttl, neo4j/ and graph.html, else only graph.json
    update: bool = False  # add the inputs to the build already in `out`
    strict: bool = False  # stop at the first bad record instead of skipping it
    engine: str = "local"  # where extraction runs: local (processes) or dask
    scheduler: str | None = None  # Dask scheduler address; None: a local cluster of `workers`
    paths: DataPaths = field(default_factory=DataPaths.packaged)  # vocabulary and patterns to use


def build(
    inputs: list[Path],
    out: Path,
    options: BuildOptions = BuildOptions(),
    progress: Callable[[Iterator[Any]], Iterator[Any]] | None = None,
) -> BuildReport:
    """Build the graph of `inputs` into `out` (or add them to the build there, with `options.update`).

    Every output is written whole or not at all; a bad record is skipped and reported, or with
    `options.strict` stops the build with an `InputError` naming its file and line.
    """
    report = BuildReport()
    t0 = time.perf_counter()
    # updating a folder with no build in it is a first build
    update = options.update and ((out / GRAPH).exists() or (out / STATE).exists())
    resolver = _previous_state(out) if update else Resolver()
    if update:
        report.seconds["load state"] = time.perf_counter() - t0
        t0 = time.perf_counter()
    known_papers = len(resolver.papers)
    try:
        out.mkdir(parents=True, exist_ok=True)
        _remove_dead_stages(out)
        stage = Path(tempfile.mkdtemp(prefix=f".kg-build.{os.getpid()}.", dir=out))
    except OSError as e:
        raise KgError(f"{out}: cannot write the outputs there ({e.strerror})") from None
    try:
        vocab = build_vocabulary(options.paths.vocabulary)
        items = read_lazily(inputs, options.fmt)
        if progress is not None:
            items = progress(items)
        writer = GraphWriter(stage / GRAPH, resolver, vocab, base=out / GRAPH if update else None)
        # The merge state is millions of small objects without cycles: the cyclic collector
        # would only rescan them again and again (about 7% of this process's time).
        gc.disable()
        try:
            for part in extract_parts(
                items, options.paths, options.workers, options.engine, options.scheduler
            ):
                if isinstance(part, Skipped):
                    if options.strict:
                        raise part.error()
                    report.skip(part)
                elif not writer.add(part):  # a paper the graph has: the first record wins
                    report.duplicates += 1
        except BaseException:
            writer.discard()
            raise
        finally:
            gc.enable()
        report.added = len(resolver.papers) - known_papers
        report.papers = len(resolver.papers)
        report.seconds["read+extract+resolve"] = time.perf_counter() - t0
        if report.papers == 0:
            why = f"every record was skipped ({report.skipped})" if report.skipped else "the inputs hold none"
            raise KgError(f"no papers to build: {why}")
        if update and report.added == 0:  # nothing new: leave every file as it is
            report.nodes, report.edges = resolver.counts.get("nodes", 0), resolver.counts.get("edges", 0)
            return report
        t = time.perf_counter()
        token = uuid.uuid4().hex
        writer.close(
            {"format": "kg", "version": FORMAT_VERSION, "build": token},
            delta=stage / DELTA if update else None,
        )
        report.nodes, report.edges = writer.node_count, writer.edge_count
        resolver.counts = {"nodes": report.nodes, "edges": report.edges}
        report.seconds["graph.json"] = time.perf_counter() - t
        t = time.perf_counter()
        resolver.save(stage / STATE, token)
        report.seconds["state.json"] = time.perf_counter() - t
        written = [GRAPH, *([DELTA] if update else [])]
        if options.exports:
            written += _write_exports(stage, options.html, report.seconds)
        _finish(report, out, stage, written)
        return report
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _remove_dead_stages(out: Path) -> None:
    """Staging folders of builds that were killed (their process is gone) are garbage."""
    for stage in out.glob(".kg-build.*"):
        pid = stage.name.split(".")[2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stage, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _previous_state(out: Path) -> Resolver:
    """The state of the build in `out`, checked against its graph.json."""
    resolver = Resolver.load(out / STATE)
    try:
        with open(out / GRAPH, encoding="utf-8") as f:
            header = f.readline()
    except FileNotFoundError:
        raise InputError(out / GRAPH, "no graph here: build this folder with `kg build` first") from None
    if f'"build":"{resolver.token}"' not in header:
        raise InputError(out / STATE, "does not match graph.json: rebuild this folder with `kg build`")
    return resolver


def _write_exports(stage: Path, html: bool, seconds: dict[str, float]) -> list[str]:
    """graph.ttl and neo4j/ stream from graph.json; the page needs the graph in memory, and shows
    at most `HTML_NODES` of the most connected nodes (it says what it left out)."""
    from kg.exporters.html import HtmlView, write_html
    from kg.exporters.neo4j import write_neo4j
    from kg.exporters.rdf import write_rdf

    steps: list[tuple[str, Callable[[Path], None]]] = [
        ("graph.ttl", lambda path: write_rdf(GraphFile(stage / GRAPH), path)),
        ("neo4j", lambda path: write_neo4j(GraphFile(stage / GRAPH), path)),
    ]
    if html:
        view = HtmlView(max_nodes=HTML_NODES)
        steps.append(("graph.html", lambda path: write_html(load(stage / GRAPH), path, view)))
    for name, write in steps:
        t = time.perf_counter()
        write(stage / name)
        seconds[name] = time.perf_counter() - t
    return [name for name, _ in steps]


def _finish(report: BuildReport, out: Path, stage: Path, written: list[str]) -> None:
    """Write report.json, then put every output in place, each by one rename.

    Exports this build did not write are removed first, so the folder never pairs a new
    graph.json with an old graph's exports. graph.json follows its exports, and state.json
    comes last: a build cut off between renames leaves a state that no longer matches
    graph.json, which `--update` refuses."""
    report.outputs = [*written, REPORT, STATE]
    report.peak_rss_mb = peak_rss_mb()
    (stage / REPORT).write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    for name in (*EXPORTS, DELTA):  # a delta from an earlier update describes another graph
        if name not in written:
            _remove(out / name)
    exports = [name for name in written if name != GRAPH]
    for name in [*exports, GRAPH, REPORT, STATE]:
        move_into_place(stage / name, out / name)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def peak_rss_mb() -> float:
    """This process's peak memory. `VmHWM` starts afresh in each program, where `ru_maxrss`
    carries over the peak of whatever process started this one."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def skipped_summary(report: BuildReport) -> str:
    kinds = ", ".join(f"{n} {k}" for k, n in Counter(report.skipped_by_reason).most_common())
    return f"skipped {report.skipped} records ({kinds})"
