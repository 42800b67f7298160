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

from kg.cli.common import QuietOpt, data_paths, err

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
Workers = Annotated[int, typer.Option(min=1, max=256, help="Processes (or Dask workers) for extraction.")]
Engine = Annotated[
    str, typer.Option(help="Where extraction runs: local (processes) or dask (needs mlkg[dask]).")
]
Scheduler = Annotated[
    str | None,
    typer.Option(help="Dask scheduler address (tcp://host:8786); default: a local cluster of --workers."),
]
Exports = Annotated[
    bool, typer.Option(help="Also write graph.ttl, neo4j/ and graph.html (else only graph.json).")
]
Html = Annotated[bool, typer.Option(help="Also write graph.html.")]
Strict = Annotated[
    bool, typer.Option("--strict", help="Stop at the first bad record instead of skipping it.")
]


def build(
    ctx: typer.Context,
    inputs: Inputs,
    out_dir: OutDir = Path("out"),
    fmt: Format = None,
    update: Update = False,
    workers: Workers = 1,
    engine: Engine = "local",
    scheduler: Scheduler = None,
    exports: Exports = True,
    html: Html = True,
    strict: Strict = False,
    quiet: QuietOpt = False,
) -> None:
    """Build the graph of INPUTS into OUT: graph.json, graph.ttl, neo4j/, graph.html, report.json.

    OUT also gets state.json, which `--update` needs to add papers later; an update writes
    delta.json too (only what changed, for `kg neo4j load`). Papers stream through, so memory
    does not grow with the corpus. A record that cannot be used
    (invalid JSON, no title, an empty abstract, ...) is skipped and counted in report.json and
    in the summary; `--strict` stops at the first one instead. Every output is written whole or
    not at all: on error OUT is left as it was.

    Exit codes: 0 built (records may have been skipped: see the summary), 2 bad input or options
    (the message names the file and line).
    """
    from kg.build import BuildOptions
    from kg.build import build as run_build

    options = BuildOptions(
        fmt=fmt,
        workers=workers,
        html=html,
        exports=exports,
        update=update,
        strict=strict,
        engine=engine,
        scheduler=scheduler,
        paths=data_paths(ctx),
    )
    if quiet:
        run_build(inputs, out_dir, options)
        return
    with _progress_bar() as bar:
        report = run_build(inputs, out_dir, options, progress=_tracker(bar, inputs))
    _print_summary(report, out_dir, update)


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


def _print_summary(report: BuildReport, out_dir: Path, update: bool) -> None:
    from kg.build import skipped_summary

    if update and report.added == 0:
        err.print(
            f"nothing new: {report.papers} papers already in {out_dir}/; outputs unchanged", markup=False
        )
    else:
        total = sum(report.seconds.values())
        verb = (
            f"added {report.added} papers ({report.papers} in all)"
            if update
            else f"built {report.papers} papers"
        )
        err.print(
            f"{verb} -> {report.nodes} nodes, {report.edges} edges in {total:.1f}s; "
            f"wrote {', '.join(report.outputs)} to {out_dir}/",
            highlight=False,
            markup=False,
        )
    if report.duplicates:
        err.print(f"{report.duplicates} records of papers already built were left out", markup=False)
    if report.skipped:
        err.print(f"{skipped_summary(report)}: see {out_dir / 'report.json'}", markup=False)
