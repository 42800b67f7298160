"""`kg build`: read -> extract -> resolve -> graph -> exports, streamed, all outputs or none.

Papers stream through: a reader yields them one at a time, an engine extracts them in bounded
chunks, and `GraphWriter` puts each paper's nodes and edges on disk at once; only the merge
state (`Resolver`: one entry per entity, not per paper) stays in memory. The state is saved as
`state.json` beside graph.json, so `--update` can add papers later and get the graph a full
rebuild would give.
"""

from __future__ import annotations

import contextlib
import gc
import os
import resource
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from kg.background import Background
from kg.config import DataPaths
from kg.engines import extract_parts, plan_workers
from kg.errors import InputError, KgError
from kg.extract.vocabulary import build_vocabulary
from kg.graph import FORMAT_VERSION, GraphFile
from kg.graph.writer import GraphWriter
from kg.io import move_into_place, no_gc
from kg.resolve import Resolver
from kg.sources import Skipped, read_lazily
from kg.store import STORE_FILE, Store, forget, store_beside
from kg.store.writer import commit_update, update_store, write_store

GRAPH, STATE, REPORT, DELTA = "graph.json", "state.json", "report.json", "delta.json"
HTML_NODES = 1500  # more makes a page no browser lays out in reasonable time, and the daily update slower


class Export(StrEnum):
    """What a build writes besides graph.json, state.json and the query store (graph.db)."""

    RDF = "rdf"  # graph.ttl: seconds per 10k papers, most of a minute for 100k
    NEO4J = "neo4j"  # neo4j/: CSV for neo4j-admin, and import.cypher
    HTML = "html"  # graph.html: the most connected nodes, read from the query store


EXPORT_FILES = {Export.RDF: "graph.ttl", Export.NEO4J: "neo4j", Export.HTML: "graph.html"}
ALL_EXPORTS = frozenset(Export)
# the heavy exports are rewritten in full, so they are written on request: a daily update of
# a 100k-paper graph must not wait a minute for them (delta.json serves Neo4j incrementally)
DEFAULT_EXPORTS = frozenset({Export.HTML})
RDF_NEO4J = frozenset({Export.RDF, Export.NEO4J})
NO_EXPORTS: frozenset[Export] = frozenset()


def parse_exports(text: str) -> frozenset[Export]:
    """`--exports`: a comma-separated list of rdf, neo4j, html, or `all` or `none`."""
    names = {n.strip().lower() for n in text.split(",") if n.strip()}
    if names == {"all"}:
        return ALL_EXPORTS
    if names <= {"none"}:
        return frozenset()
    unknown = sorted(names - {e.value for e in Export})
    if unknown:
        known = ", ".join([*(e.value for e in Export), "all", "none"])
        raise KgError(f"unknown export(s) {', '.join(unknown)} (known: {known})")
    return frozenset(Export(n) for n in names)


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
    sizes: dict[str, int] = Field(default_factory=dict, description="bytes of each output written")
    removed: list[str] = Field(default_factory=list, description="exports of the previous graph removed")
    peak_rss_mb: float = Field(0, description="this process; workers report their own")
    workers: int = Field(1, description="local processes that extracted (1: this one; 0: Dask's workers)")
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
    # processes (or Dask workers) for extraction; None: this process for a small input, else one
    # per core (`kg.engines.default_workers`)
    workers: int | None = None
    exports: frozenset[Export] = DEFAULT_EXPORTS  # besides graph.json, state.json and graph.db
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
    stage_started: Callable[[str], None] | None = None,
) -> BuildReport:
    """Build the graph of `inputs` into `out` (or add them to the build there, with `options.update`).

    Every output is written whole or not at all; a bad record is skipped and reported, or with
    `options.strict` stops the build with an `InputError` naming its file and line.
    `progress` wraps the stream of records (a progress bar); `stage_started` is told the name of
    each output as its writing starts.
    """
    started = stage_started or (lambda name: None)
    report = BuildReport()
    t0 = time.perf_counter()
    # updating a folder with no build in it is a first build
    update = options.update and ((out / GRAPH).exists() or (out / STATE).exists())
    resolver = _previous_state(out) if update else Resolver()
    if update:
        report.seconds["load state"] = time.perf_counter() - t0
        t0 = time.perf_counter()
    known_papers = len(resolver.papers)
    pending: sqlite3.Connection | None = None  # graph.db's update in place, until committed
    store: Store | None = None  # what graph.html is drawn from
    graph_writer: Background | None = None  # an update's graph.json, assembled beside the store
    state_writer: Background | None = None
    created = not out.exists()  # a folder this build makes goes again if the build fails
    failed = False
    try:
        out.mkdir(parents=True, exist_ok=True)
        _remove_dead_stages(out)
        stage = Path(tempfile.mkdtemp(prefix=f".kg-build.{os.getpid()}.", dir=out))
    except OSError as e:
        raise KgError(f"{out}: cannot write the outputs there ({e.strerror})") from None
    # An update's loaded state, then the merge state: millions of objects that live as long as
    # the build and hold no cycles. The cyclic collector is paused while they are made, then they
    # are frozen: it no longer scans them at each of its collections for the rest of the build
    # (0.6 s of a daily update of the 103k graph), and forked writers do not copy their pages.
    # A caller's own frozen objects (a pre-fork server's) are left as they are: freezing does not
    # nest, so the build freezes only when nothing is frozen, and unfreezes all it froze at the end.
    may_freeze = gc.get_freeze_count() == 0
    if update and may_freeze:
        gc.freeze()
    try:
        vocab = build_vocabulary(options.paths.vocabulary)
        items = read_lazily(inputs, options.fmt)
        if progress is not None:
            items = progress(items)
        items, workers = plan_workers(items, options.workers, options.engine)
        report.workers = workers if options.engine == "local" else 0
        writer = GraphWriter(stage / GRAPH, resolver, vocab, base=out / GRAPH if update else None)
        try:
            with no_gc():
                for part in extract_parts(items, options.paths, workers, options.engine, options.scheduler):
                    if isinstance(part, Skipped):
                        if options.strict:
                            raise part.error()
                        report.skip(part)
                    elif not writer.add(part):  # a paper the graph has: the first record wins
                        report.duplicates += 1
                if may_freeze:
                    gc.freeze()  # the merge state (see `may_freeze` above)
        except BaseException:
            writer.discard()
            raise
        report.added = len(resolver.papers) - known_papers
        report.papers = len(resolver.papers)
        report.seconds["read+extract+resolve"] = time.perf_counter() - t0
        if report.papers == 0:
            if not report.skipped:
                raise KgError("no papers to build: the inputs hold none")
            first = report.skipped_records[0]
            where = f"{first.path}:{first.line}" if first.line else first.path
            raise KgError(
                f"no papers to build: {skipped_summary(report)}, every record; the first at "
                f"{where}: {first.reason}"
            )
        if update and report.added == 0:  # nothing new: leave every file as it is
            report.nodes, report.edges = resolver.counts.get("nodes", 0), resolver.counts.get("edges", 0)
            return report
        t = time.perf_counter()
        token = uuid.uuid4().hex
        started(GRAPH)
        header = {"format": "kg", "version": FORMAT_VERSION, "build": token}
        lines = writer.entity_lines(header, delta=stage / DELTA if update else None)
        if update:
            # the base's copy (most of a second for the 103k graph), then state.json, run beside
            # the store's update (which reads only delta.json) and the page
            started(STATE)
            graph_writer = Background(
                GRAPH, _write_graph_and_state, writer, header, lines, resolver, stage / STATE, token
            )
        else:
            report.nodes, report.edges = writer.write(header, lines)
            state_writer = _save_state_beside(resolver, report, stage / STATE, token, started)
        report.seconds[GRAPH] = time.perf_counter() - t
        t = time.perf_counter()
        started(STORE_FILE)
        if update and _current_store(out):
            # in place, in a transaction committed as graph.json goes into place (`_finish`)
            pending = update_store(out / STORE_FILE, stage / DELTA)
            store = Store(out / STORE_FILE, pending)
        else:
            if graph_writer is not None:  # a full store is written from the whole graph.json
                report.nodes, report.edges = graph_writer.wait()
            write_store(stage / GRAPH, stage / STORE_FILE)
            store = Store(stage / STORE_FILE)
        report.seconds[STORE_FILE] = time.perf_counter() - t
        written = [GRAPH, STORE_FILE, *([DELTA] if update else [])]
        written += _write_exports(stage, store, options.exports, report.seconds, started)
        if pending is None:
            store.close()
        t = time.perf_counter()
        if graph_writer is not None:
            report.nodes, report.edges = graph_writer.wait()
        else:
            assert state_writer is not None  # started once the graph's counts were known
            state_writer.wait()
        report.seconds[STATE] = time.perf_counter() - t
        _finish(report, out, stage, written, pending)
        return report
    except BaseException:
        failed = True
        raise
    finally:
        if may_freeze:
            gc.unfreeze()  # all that this build froze, and nothing else
        for job in (graph_writer, state_writer):
            if job is not None:
                job.stop()
        if store is not None:  # an update in place is committed by now, or else rolled back here
            store.close()
        shutil.rmtree(stage, ignore_errors=True)
        if created and failed:
            with contextlib.suppress(OSError):  # only if empty: nothing else was put there meanwhile
                out.rmdir()


def _save_state_beside(
    resolver: Resolver, report: BuildReport, path: Path, token: str, started: Callable[[str], None]
) -> Background:
    """Start writing state.json beside the rest of the build, once graph.json's counts are known
    (the state keeps them). Saving it takes 0.2 s for the 103k graph (orjson; the json module
    took 1 to 2 s, when the fork paid most)."""
    started(STATE)
    resolver.counts = {"nodes": report.nodes, "edges": report.edges}
    writer = Background(STATE, resolver.save, path, token)
    resolver.token = token  # what the writer's copy of the resolver got
    return writer


def _write_graph_and_state(
    writer: GraphWriter, header: dict, lines: list[bytes], resolver: Resolver, path: Path, token: str
) -> tuple[int, int]:
    """An update's graph.json, then its state.json with graph.json's counts: one job beside the
    store and the page, which need neither."""
    nodes, edges = writer.write(header, lines)
    resolver.counts = {"nodes": nodes, "edges": edges}
    try:
        resolver.save(path, token)
    except Exception as e:  # the job is named for graph.json: say which file failed
        raise KgError(f"{path.name}: writing it failed ({type(e).__name__}: {e})") from None
    return nodes, edges


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


def _current_store(out: Path) -> bool:
    """Whether `out` has a query store of its graph.json, in this kg's layout, to update."""
    try:
        store = store_beside(out)
    except InputError:  # not a store at all: written anew
        return False
    if store is None:
        return False
    store.close()
    return True


def _write_exports(
    stage: Path,
    store: Store,
    exports: frozenset[Export],
    seconds: dict[str, float],
    started: Callable[[str], None],
) -> list[str]:
    """graph.ttl and neo4j/ stream from graph.json; graph.html reads the `HTML_NODES` most
    connected nodes from the query store (it says what it left out). Each exporter is imported
    only when asked for (rdflib alone takes a quarter of a second)."""

    def rdf(path: Path) -> None:
        from kg.exporters.rdf import write_rdf

        write_rdf(GraphFile(stage / GRAPH), path)

    def neo4j(path: Path) -> None:
        from kg.exporters.neo4j import write_neo4j

        write_neo4j(GraphFile(stage / GRAPH), path)

    def html(path: Path) -> None:
        from kg.exporters.html import HtmlView, write_html

        write_html(store, path, HtmlView(max_nodes=HTML_NODES))

    writers: dict[Export, Callable[[Path], None]] = {Export.RDF: rdf, Export.NEO4J: neo4j, Export.HTML: html}
    written = []
    for export in Export:  # in a fixed order
        if export in exports:
            name = EXPORT_FILES[export]
            started(name)
            t = time.perf_counter()
            writers[export](stage / name)
            seconds[name] = time.perf_counter() - t
            written.append(name)
    return written


def _finish(
    report: BuildReport, out: Path, stage: Path, written: list[str], pending: sqlite3.Connection | None
) -> None:
    """Write report.json, then put every output in place, each by one rename, and commit the
    update of graph.db made in place (`pending`) just before graph.json goes in.

    Exports this build did not write are removed first, so the folder never pairs a new
    graph.json with an old graph's exports. graph.json follows its exports and the store, and
    state.json comes last. A build cut off before graph.json is in leaves graph.json and
    state.json as they were; the exports already renamed (and a store already committed) name
    another build than graph.json, so `kg query` does not use that store (and `--update`
    writes it anew). Cut off between graph.json and state.json, state.json no longer matches
    graph.json, which `--update` refuses."""
    staged = [name for name in [*written, STATE] if pending is None or name != STORE_FILE]
    report.outputs = [*written, REPORT, STATE]
    report.sizes = {
        name: _size(stage / name) if name in staged else _store_size(pending) for name in [*written, STATE]
    }
    for name in EXPORT_FILES.values():
        if name not in written and (out / name).exists():
            report.removed.append(name)
    report.peak_rss_mb = peak_rss_mb()
    (stage / REPORT).write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
    for name in (*EXPORT_FILES.values(), DELTA):  # a delta from an earlier update describes another graph
        if name not in written:
            _remove(out / name)
    moves = [name for name in staged if name not in {GRAPH, STATE}]
    for name in [*moves, GRAPH, REPORT, STATE]:
        _set_aside(out / name, stage)
    for name in moves:
        if name == STORE_FILE:
            forget(out / name)  # a journal of the old file must not meet the new one
        move_into_place(stage / name, out / name)
    if pending is not None:
        commit_update(pending, out / STORE_FILE)
    for name in [GRAPH, REPORT, STATE]:
        move_into_place(stage / name, out / name)


def _set_aside(old: Path, stage: Path) -> None:
    """A second name in the staging folder for an output about to be replaced: its rename then
    frees nothing (freeing a 600 MB graph.json takes a few tenths of a second), so the renames
    follow each other within microseconds, and the old file goes with the staging folder."""
    with contextlib.suppress(OSError):  # not there, a folder, or no hard links here: the rename frees it
        os.link(old, stage / f".old.{old.name}")


def _store_size(pending: sqlite3.Connection | None) -> int:
    """The size of the store an open transaction writes, once committed."""
    assert pending is not None
    pages, page_size = (pending.execute(f"PRAGMA {p}").fetchone()[0] for p in ("page_count", "page_size"))
    return pages * page_size


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size


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
    records = "record" if report.skipped == 1 else "records"
    return f"skipped {report.skipped} {records} ({kinds})"
