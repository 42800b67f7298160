"""`kg build`: paper listings in, graph.json and its exports out."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from kg.cli.common import GraphArg, QuietOpt, data_paths, err, human_size

if TYPE_CHECKING:
    from kg.build import BuildReport

Inputs = Annotated[
    list[Path], typer.Argument(help="Paper listings, in any mix of formats; `.gz` is read as is.")
]
OutDir = Annotated[Path, typer.Option("--out", "-o", help="Folder for the outputs.")]
Format = Annotated[
    str | None,
    typer.Option("--format", "-f", help="Force a reader: daily-page, jsonl, hf-api, arxiv-atom."),
]
Update = Annotated[
    bool,
    typer.Option(
        "--update",
        "-u",
        help="Add INPUTS to the build already in OUT (papers it has are skipped); the graph "
        "equals a full rebuild of all inputs.",
    ),
]
Workers = Annotated[
    str,
    typer.Option(
        metavar="N|auto",
        help="Processes (or Dask workers) for extraction. auto: this process alone for up to 400 "
        "papers, else one per CPU core it may use, at most 8.",
    ),
]
Engine = Annotated[
    str, typer.Option(help="Where extraction runs: local (processes) or dask (needs mlkg[dask]).")
]
Scheduler = Annotated[
    str | None,
    typer.Option(help="Dask scheduler address (tcp://host:8786); default: a local cluster of --workers."),
]
Exports = Annotated[
    str,
    typer.Option(
        help="What to write besides graph.json, graph.db and state.json, comma-separated: html "
        "(graph.html), rdf (graph.ttl), neo4j (neo4j/), or all, or none. rdf and neo4j are rewritten "
        "whole: about a minute for 100k papers.",
    ),
]
NoExports = Annotated[bool, typer.Option("--no-exports", help="The same as --exports none.")]
Strict = Annotated[
    bool, typer.Option("--strict", help="Stop at the first bad record instead of skipping it.")
]


def build(
    ctx: typer.Context,
    inputs: Inputs,
    out_dir: OutDir = Path("out"),
    fmt: Format = None,
    update: Update = False,
    workers: Workers = "auto",
    engine: Engine = "local",
    scheduler: Scheduler = None,
    exports: Exports = "html",
    no_exports: NoExports = False,
    strict: Strict = False,
    quiet: QuietOpt = False,
) -> None:
    """Build the graph of INPUTS into OUT: graph.json, graph.db, graph.html, state.json, report.json.

    graph.db is the query store `kg query` answers from (SQLite); state.json is what
    `--update` needs to add papers later; an update writes delta.json too (only what
    changed, for `kg neo4j load` and `kg export rdf OUT/delta.json`). graph.html of a graph of
    many papers is entity-centred: entities linked by the papers they share, an entity's papers
    shown when you focus it (`kg html OUT --papers` draws papers too). graph.ttl and neo4j/ are
    written on request (`--exports all`); an update removes those of the previous graph unless
    asked for them again, so no file in OUT describes another graph. Papers stream through, so
    memory does not grow with the corpus. A record that cannot be used
    (invalid JSON, no title, an empty abstract, ...) is skipped and counted in report.json and
    in the summary; `--strict` stops at the first one instead. Every output is written whole or
    not at all: on error OUT is left as it was.

    Exit codes: 0 built (records may have been skipped: see the summary), 2 bad input or options
    (the message names the file and line), 1 an unexpected error (a bug in kg: `kg --debug build
    ...` shows its traceback).
    """
    from kg.build import BuildOptions, parse_exports
    from kg.build import build as run_build

    options = BuildOptions(
        fmt=fmt,
        workers=_workers(workers),
        exports=frozenset() if no_exports else parse_exports(exports),
        update=update,
        strict=strict,
        engine=engine,
        scheduler=scheduler,
        paths=data_paths(ctx),
    )
    if quiet:
        run_build(inputs, out_dir, options)
        return
    start = time.perf_counter()
    if err.is_terminal:
        with _progress_bar() as bar:
            report = run_build(inputs, out_dir, options, _tracker(bar, inputs), _say_stage(bar))
    else:  # CI, cron, nohup: a line now and then instead of a bar nobody sees
        report = run_build(inputs, out_dir, options, _progress_lines(inputs), _say_stage(None))
    _print_summary(report, out_dir, update, time.perf_counter() - start)


def _workers(value: str) -> int | None:
    """`--workers`: None for auto, else a number of processes from 1 to 256."""
    text = value.strip().lower()
    if text == "auto":
        return None
    if text.isdigit() and 1 <= int(text) <= 256:
        return int(text)
    raise typer.BadParameter(f"{value!r} is neither auto nor a number from 1 to 256", param_hint="--workers")


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("building"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} papers/s"),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


def _tracker(bar: Progress, inputs: list[Path]) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """The `progress` of `kg.build.build`: moves `bar` as papers stream by."""
    from kg.sources import estimate_records

    def track(papers: Iterator[Any]) -> Iterator[Any]:
        task = bar.add_task("build", total=estimate_records(inputs), rate="-")
        start = time.perf_counter()
        for i, p in enumerate(papers, 1):
            yield p
            if i % 100 == 0 or i < 100:
                rate = f"{i / max(time.perf_counter() - start, 1e-9):,.0f}"
                bar.update(task, completed=i, rate=rate)

    return track


def index(graph: GraphArg) -> None:
    """Write the query store (graph.db) of a graph.json again, beside it.

    `kg build` writes and updates graph.db itself; this is for a graph.json from elsewhere, or a
    store lost or left behind by a build that was cut off. `kg query` answers from graph.db when
    it belongs to that graph.json, else loads graph.json whole.
    """
    from kg.graph import GraphFile
    from kg.io import atomic_path
    from kg.store import STORE_FILE, forget
    from kg.store.writer import write_store

    source = GraphFile(graph)
    target = source.path.parent / STORE_FILE
    t = time.perf_counter()
    with atomic_path(target) as staged:
        write_store(source.path, staged)
        forget(target)  # the journal of an update cut off in the old store must not meet this one
    size = target.stat().st_size
    err.print(
        f"wrote {target} ({human_size(size)}, {time.perf_counter() - t:.1f} s)", markup=False, soft_wrap=True
    )


PROGRESS_EVERY = 15.0  # seconds between progress lines when stderr is not a terminal


def _progress_lines(inputs: list[Path]) -> Callable[[Iterator[Any]], Iterator[Any]]:
    """The `progress` of `kg.build.build` without a terminal: a plain line every
    `PROGRESS_EVERY` seconds, with papers read, the rate and the time so far."""
    from kg.sources import estimate_records

    def track(papers: Iterator[Any]) -> Iterator[Any]:
        total = estimate_records(inputs)
        start = last = time.perf_counter()
        for i, p in enumerate(papers, 1):
            yield p
            now = time.perf_counter()
            if now - last >= PROGRESS_EVERY:
                last = now
                of = f" of ~{total:,}" if total else ""
                err.print(
                    f"building: {i:,}{of} papers read, {i / (now - start):,.0f} papers/s, "
                    f"{now - start:.0f} s",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )

    return track


def _say_stage(bar: Progress | None) -> Callable[[str], None]:
    """The `stage_started` of `kg.build.build`: a line as each output starts being written."""

    def say(name: str) -> None:
        (bar.console if bar is not None else err).print(
            f"writing {name}", markup=False, highlight=False, soft_wrap=True
        )

    return say


def _print_summary(report: BuildReport, out_dir: Path, update: bool, seconds: float) -> None:
    """What the build wrote, with each output's size and time; `seconds` is the whole build's
    (its stages', and putting the outputs into place)."""
    from kg.build import skipped_summary

    if update and report.added == 0:
        err.print(
            f"nothing new: {_count(report.papers, 'paper')} already in {out_dir}/; outputs unchanged",
            markup=False,
        )
    else:
        verb = (
            f"added {_count(report.added, 'paper')} ({report.papers:,} in all)"
            if update
            else f"built {_count(report.papers, 'paper')}"
        )
        if report.workers > 1:
            verb += f" with {report.workers} worker processes"
        err.print(
            f"{verb} -> {report.nodes:,} nodes, {report.edges:,} edges in {seconds:.1f} s; "
            f"wrote to {out_dir}/:",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        for name in report.outputs:
            size = report.sizes.get(name)
            if size is None and (out_dir / name).is_file():
                size = (out_dir / name).stat().st_size
            took = report.seconds.get(name)
            err.print(
                f"  {name:<12} {human_size(size) if size is not None else '':>9}"
                f"  {f'{took:.1f} s' if took is not None else ''}",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
        if report.removed:
            err.print(
                f"removed {', '.join(report.removed)}: "
                + ("they" if len(report.removed) > 1 else "it")
                + " described the previous graph "
                "(write them again with --exports)",
                markup=False,
                soft_wrap=True,
            )
    if report.duplicates:
        err.print(f"{_count(report.duplicates, 'record')} of papers already built left out", markup=False)
    if report.skipped:
        err.print(f"{skipped_summary(report)}: see {out_dir / 'report.json'}", markup=False)


def _count(n: int, noun: str) -> str:
    """`1 paper`, `2 papers`, `103,145 papers`."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
