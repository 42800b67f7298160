"""The `kg` command line."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from kg.errors import KgError

app = typer.Typer(
    name="kg",
    help=(
        "A knowledge graph of machine-learning research.\n\n"
        "Reads paper listings (the Hugging Face Daily Papers page or API, JSON Lines, arXiv "
        "Atom), finds the methods, models, datasets, hardware, metrics, tasks and results each "
        "paper names, links every real-world thing to ONE node, and writes the graph as JSON, "
        "RDF Turtle, Neo4j import files and an interactive HTML page.\n\n"
        "Start with:  kg build examples/daily_papers_sep10.txt --out out"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)
GraphArg = Annotated[Path, typer.Argument(help="A graph.json written by `kg build`, or its folder.")]
query_app = typer.Typer(no_args_is_help=True)
export_app = typer.Typer(help="Write a built graph in another format.", no_args_is_help=True)
app.add_typer(query_app, name="query")


@query_app.callback()
def query(ctx: typer.Context, graph: GraphArg) -> None:
    """Ask questions of a built graph: `kg query GRAPH VERB ...`; no server needed."""
    ctx.obj = graph


app.add_typer(export_app, name="export")

err = Console(stderr=True)
out = Console()


def _fail(e: Exception) -> None:
    err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False, markup=True, soft_wrap=True)
    raise typer.Exit(2)


@app.command()
def build(
    inputs: Annotated[list[Path], typer.Argument(help="Paper listings; `.gz` is read as is.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for the outputs.")] = Path("out"),
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", help="Force a reader: daily-page, jsonl, hf-api, arxiv-atom."),
    ] = None,
    update: Annotated[
        bool,
        typer.Option(
            "--update",
            "-u",
            help="Add INPUTS to the build already in OUT (papers it has are skipped); the graph "
            "equals a full rebuild of all inputs.",
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, max=256, help="Processes (or Dask workers) for extraction.")
    ] = 1,
    engine: Annotated[
        str, typer.Option(help="Where extraction runs: local (processes) or dask (needs kg[dask]).")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://host:8786); default: a local cluster of --workers."),
    ] = None,
    exports: Annotated[
        bool, typer.Option(help="Also write graph.ttl, neo4j/ and graph.html (else only graph.json).")
    ] = True,
    html: Annotated[bool, typer.Option(help="Also write graph.html.")] = True,
    strict: Annotated[
        bool, typer.Option("--strict", help="Stop at the first bad record instead of skipping it.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")] = False,
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
    from kg.build import build as run_build
    from kg.build import skipped_summary
    from kg.sources import estimate_records

    progress = None
    if not quiet:
        progress = Progress(
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

    def track(papers):
        assert progress is not None
        task = progress.add_task("build", total=estimate_records(inputs), rate="-")
        start = time.perf_counter()
        for i, p in enumerate(papers, 1):
            yield p
            if i % 100 == 0 or i < 100:
                rate = f"{i / max(time.perf_counter() - start, 1e-9):,.0f}"
                progress.update(task, completed=i, rate=rate)

    try:
        options = dict(
            fmt=fmt,
            workers=workers,
            html=html,
            exports=exports,
            update=update,
            strict=strict,
            engine=engine,
            scheduler=scheduler,
        )
        if progress is not None:
            with progress:
                report = run_build(inputs, out_dir, progress=track, **options)
        else:
            report = run_build(inputs, out_dir, **options)
    except KgError as e:
        _fail(e)
    if not quiet:
        total = sum(report.seconds.values())
        verb = (
            f"added {report.added} papers ({report.papers} in all)"
            if update
            else f"built {report.papers} papers"
        )
        if update and report.added == 0:
            err.print(f"nothing new: {report.papers} papers already in {out_dir}/; outputs unchanged")
        else:
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


@app.command()
def stats(
    graph: GraphArg,
    top: Annotated[int, typer.Option(help="How many top entities.")] = 15,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Count nodes and edges by type, and list the entities most papers name."""
    from kg.graph import load
    from kg.queries import stats as graph_stats

    try:
        s = graph_stats(load(graph), top)
    except KgError as e:
        _fail(e)
    if as_json:
        out.print_json(json.dumps(s))
        return
    _emit([{"type": k, "count": v} for k, v in sorted(s["nodes"].items())], False, False, "nodes")
    _emit([{"type": k, "count": v} for k, v in sorted(s["edges"].items())], False, False, "edges")
    _emit(s["top"], False, False, "most named entities")


JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
CsvOpt = Annotated[bool, typer.Option("--csv", help="Print CSV.")]


def _emit(rows: list[dict], as_json: bool, as_csv: bool, title: str) -> None:
    """Rows as a table, JSON or CSV (lists joined with `; ` in tables and CSV)."""
    import csv as csv_module

    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return
    columns = list(rows[0]) if rows else []
    flat = [{k: "; ".join(map(str, v)) if isinstance(v, list) else v for k, v in r.items()} for r in rows]
    if as_csv:
        writer = csv_module.DictWriter(sys.stdout, fieldnames=columns)
        writer.writeheader()
        writer.writerows(flat)
        return
    t = Table(title=f"{title} ({len(rows)})")
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in flat:
        t.add_row(*(Text("" if r[c] is None else str(r[c])) for c in columns))
    out.print(t)


def _graph(ctx: typer.Context):
    from kg.graph import load

    return load(ctx.obj)


def _run(fn) -> None:
    try:
        fn()
    except KgError as e:
        _fail(e)


NameArg = Annotated[str, typer.Argument(help="An entity name or alias, e.g. SDXL or 'SD 1.5'.")]


@query_app.command("papers")
def query_papers(
    ctx: typer.Context,
    name: NameArg,
    role: Annotated[
        str | None,
        typer.Option(help="Only this role: uses, proposes, compares_with, evaluated_on, runs_on, ..."),
    ] = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Papers that name an entity (or one of its versions), with the role and the sentence."""
    from kg.queries import papers_using

    _run(
        lambda: _emit(
            [r.__dict__ for r in papers_using(_graph(ctx), name, role)],
            as_json,
            as_csv,
            f"papers naming {name}",
        )
    )


@query_app.command("papers-using", hidden=True)
def query_papers_using(
    ctx: typer.Context,
    name: NameArg,
    role: str | None = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """The same as `papers`."""
    query_papers(ctx, name, role, as_json, as_csv)


@query_app.command("entity")
def query_entity(ctx: typer.Context, name: NameArg, as_json: JsonOpt = False) -> None:
    """What an entity is: type, aliases, family, versions, papers by role, what it is named with."""
    from kg.queries import entity_info

    def show() -> None:
        info = entity_info(_graph(ctx), name)
        if as_json:
            sys.stdout.write(json.dumps(info, ensure_ascii=False, indent=1) + "\n")
            return
        out.print(
            f"[bold]{escape(str(info['name']))}[/] ({info['type']}, {escape(info['id'])})", highlight=False
        )
        for key in ("aliases", "family", "versions"):
            if info[key]:
                out.print(f"  {key}: {', '.join(info[key])}", highlight=False, markup=False)
        for role, titles in info["papers"].items():
            out.print(f"  {role} ({len(titles)}):", highlight=False, markup=False)
            for t in titles[:10]:
                out.print(f"    - {t}", highlight=False, markup=False)
        if info["named_with"]:
            pairs = ", ".join(f"{n['name']} ({n['papers']})" for n in info["named_with"])
            out.print(f"  named with: {pairs}", highlight=False, markup=False)

    _run(show)


@query_app.command("compared-with")
def query_compared_with(
    ctx: typer.Context, name: NameArg, as_json: JsonOpt = False, as_csv: CsvOpt = False
) -> None:
    """What an entity was compared with, both ways: its baselines, and what beat it."""
    from kg.queries import compared_with

    _run(
        lambda: _emit(
            [c.__dict__ for c in compared_with(_graph(ctx), name)], as_json, as_csv, f"compared with {name}"
        )
    )


@query_app.command("leaderboard")
def query_leaderboard(
    ctx: typer.Context,
    dataset: Annotated[str, typer.Argument(help="A dataset or benchmark, e.g. 'MS COCO 2014-30k'.")],
    metric: Annotated[
        str | None, typer.Option(help="Only this metric; lower-is-better ones sort up.")
    ] = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Results reported on a dataset, best first, with paper, subject, value, unit and snippet."""
    from kg.queries import leaderboard

    _run(lambda: _emit(leaderboard(_graph(ctx), dataset, metric), as_json, as_csv, f"results on {dataset}"))


@query_app.command("hardware")
def query_hardware(ctx: typer.Context, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """Hardware by the number of papers that run on it."""
    from kg.queries import hardware

    _run(lambda: _emit(hardware(_graph(ctx)), as_json, as_csv, "hardware"))


@query_app.command("top")
def query_top(
    ctx: typer.Context,
    node_type: Annotated[str | None, typer.Option("--type", help="Method, Model, Dataset, ...")] = None,
    by: Annotated[str, typer.Option(help="papers, degree or pagerank.")] = "papers",
    limit: Annotated[int, typer.Option(min=1, help="How many.")] = 20,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """The most central entities, by papers naming them, degree or PageRank."""
    from kg.queries import top

    _run(lambda: _emit(top(_graph(ctx), node_type, by, limit), as_json, as_csv, f"top by {by}"))


@query_app.command("path")
def query_path(
    ctx: typer.Context, source: NameArg, target: NameArg, as_json: JsonOpt = False, as_csv: CsvOpt = False
) -> None:
    """A shortest chain of papers and entities between two entities."""
    from kg.queries import shortest_path

    def show() -> None:
        g = _graph(ctx)
        path = shortest_path(g, source, target)
        if not path:
            raise KgError(f"no path between {source!r} and {target!r}")
        rows = [
            {"step": i, "id": n, "type": g.nodes[n]["type"], "name": g.nodes[n]["name"]}
            for i, n in enumerate(path)
        ]
        _emit(rows, as_json, as_csv, f"{source} -> {target}")

    _run(show)


@query_app.command("similar")
def query_similar(
    ctx: typer.Context,
    paper: Annotated[str, typer.Argument(help="A paper id, or part of its title.")],
    limit: Annotated[int, typer.Option(min=1, help="How many.")] = 10,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Papers sharing the most entities with a paper."""
    from kg.queries import similar

    _run(lambda: _emit(similar(_graph(ctx), paper, limit), as_json, as_csv, f"papers like {paper}"))


@query_app.command("trend")
def query_trend(ctx: typer.Context, name: NameArg, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """Papers naming an entity (or its versions) per month."""
    from kg.queries import trend

    _run(lambda: _emit(trend(_graph(ctx), name), as_json, as_csv, f"{name} per month"))


@query_app.command("cooccur")
def query_cooccur(
    ctx: typer.Context,
    name: NameArg,
    limit: Annotated[int, typer.Option(min=1, help="How many.")] = 20,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Entities named in the same papers as an entity, most shared papers first."""
    from kg.queries import cooccurring, find_entity

    def show() -> None:
        g = _graph(ctx)
        rows = [
            {"id": n, "name": g.nodes[n]["name"], "type": g.nodes[n]["type"], "papers": c}
            for n, c in cooccurring(g, find_entity(g, name))[:limit]
        ]
        _emit(rows, as_json, as_csv, f"named with {name}")

    _run(show)


@export_app.command("rdf")
def export_rdf(
    graph: GraphArg,
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="File to write.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="ttl, nt or jsonld.")] = "ttl",
    endpoint: Annotated[
        str | None,
        typer.Option(help="Also PUT the graph to this SPARQL 1.1 Graph Store URL (e.g. .../store)."),
    ] = None,
    graph_iri: Annotated[
        str | None,
        typer.Option("--graph", help="Named graph to replace at --endpoint (default graph if unset)."),
    ] = None,
) -> None:
    """Write the graph as RDF (Turtle, N-Triples or JSON-LD), to a file and/or a triple store.

    The RDF uses the ontology in ontology/kg.ttl and conforms to ontology/shapes.ttl; evidence
    for each edge sits on a reified rdf:Statement. JSON-LD uses ontology/context.jsonld.
    """
    from kg.exporters.rdf import FORMATS, push, write_rdf
    from kg.graph import GraphFile, load

    if fmt not in FORMATS:
        _fail(KgError(f"unknown RDF format {fmt!r} (known: {', '.join(FORMATS)})"))
    if out_file is None and endpoint is None:
        _fail(KgError("give --out FILE, --endpoint URL, or both"))
    try:
        # N-Triples and Turtle stream from graph.json; JSON-LD needs the whole graph in memory
        g = GraphFile(graph) if fmt in ("nt", "ttl") and endpoint is None else load(graph)
        if out_file is not None:
            write_rdf(g, out_file, fmt)
        if endpoint is not None:
            sent = push(g, endpoint, graph_iri)
            err.print(f"sent {sent:,} bytes of N-Triples to {endpoint}")
    except KgError as e:
        _fail(e)


@export_app.command("neo4j")
def export_neo4j(
    graph: GraphArg,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write.")],
) -> None:
    """Write CSV files for `neo4j-admin database import`, import.sh and import.cypher."""
    from kg.exporters.neo4j import write_neo4j
    from kg.graph import GraphFile

    try:
        write_neo4j(GraphFile(graph), out_dir)
    except KgError as e:
        _fail(e)


@app.command("html")
def html_page(
    graph: GraphArg,
    out_file: Annotated[Path, typer.Option("--out", "-o", help="File to write.")] = Path("graph.html"),
    focus: Annotated[str | None, typer.Option(help="Show the neighbourhood of this entity.")] = None,
    depth: Annotated[int, typer.Option(min=1, help="Hops around --focus.")] = 1,
    types: Annotated[
        str | None, typer.Option(help="Comma-separated node types to show, e.g. Model,Dataset.")
    ] = None,
    min_degree: Annotated[int, typer.Option(min=0, help="Hide nodes with fewer links.")] = 0,
    max_nodes: Annotated[
        int | None,
        typer.Option(min=1, help="Keep the most connected nodes; the page says what it left out."),
    ] = None,
    papers: Annotated[
        bool, typer.Option("--papers/--no-papers", help="--no-papers: link entities that share papers.")
    ] = True,
) -> None:
    """Write an interactive HTML page of the graph that opens offline (file://, no network).

    Colour and shape per node type with a legend, size by degree, tooltips with aliases, papers
    and evidence, edges coloured by role, a search box and a type filter. For big graphs use
    --focus, --types, --min-degree, --max-nodes or --no-papers.
    """
    from kg.exporters.html import HtmlView, write_html
    from kg.graph import load

    try:
        view = HtmlView(
            focus=focus,
            depth=depth,
            types=types.split(",") if types else None,
            min_degree=min_degree,
            max_nodes=max_nodes,
            papers=papers,
        )
        write_html(load(graph), out_file, view)
    except KgError as e:
        _fail(e)


@export_app.command("vocab")
def export_vocab(
    out_file: Annotated[Path, typer.Option("--out", "-o", help="File to write.")],
) -> None:
    """Write the curated vocabulary (ontology/vocab/*.csv) as a SKOS concept scheme in Turtle.

    Concepts carry the same IRIs as the entities in graph.ttl, so the two files join.
    """
    from kg.exporters.skos import write_skos
    from kg.extract.vocabulary import default_vocabulary

    try:
        write_skos(default_vocabulary(), out_file)
    except KgError as e:
        _fail(e)


neo4j_app = typer.Typer(help="Work with a running Neo4j server.", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")


@neo4j_app.command("load")
def neo4j_load(
    graph: GraphArg,
    uri: Annotated[
        str, typer.Option(help="Bolt or neo4j:// URI (local, cluster or Aura), without credentials.")
    ] = "bolt://localhost:7687",
    user: Annotated[str, typer.Option(help="User name.")] = "neo4j",
    password: Annotated[
        str | None,
        typer.Option(
            envvar=["KG_NEO4J_PASSWORD", "NEO4J_PASSWORD"],
            show_default=False,
            help=(
                "Password. Prefer $KG_NEO4J_PASSWORD or the prompt (asked when stdin is a terminal): "
                "a command-line argument is visible to other local users."
            ),
        ),
    ] = None,
    database: Annotated[str | None, typer.Option(help="Database name (server default if unset).")] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per UNWIND batch.")] = 1000,
    no_auth: Annotated[bool, typer.Option("--no-auth", help="Connect without credentials.")] = False,
    wipe: Annotated[
        bool, typer.Option("--wipe", help="DELETE EVERY NODE in the database before loading.")
    ] = False,
    connect_timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds to wait for a connection to open.")
    ] = 15.0,
    retry_time: Annotated[
        float,
        typer.Option(min=0, help="Seconds to keep retrying a batch while Neo4j is unavailable."),
    ] = 30.0,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
) -> None:
    """Load a built graph into a running Neo4j over Bolt, idempotently (MERGE on id).

    Constraints from cypher/schema.cypher come first; rows go in batched UNWIND ... MERGE
    statements in managed transactions, retried while Neo4j is briefly unavailable. Loading the
    same graph again creates nothing, so a load that was cut short is finished by running it again.
    """
    import logging

    from kg.exporters.neo4j_bolt import check_uri, load_graph, scrub
    from kg.graph import load

    try:
        check_uri(uri)  # before any prompt
    except KgError as e:
        _fail(e)
    if not no_auth and password is None:
        if not sys.stdin.isatty():
            _fail(KgError("no password: pass --password, set $KG_NEO4J_PASSWORD, or use --no-auth"))
        try:
            password = typer.prompt(f"Neo4j password for {user}", hide_input=True, err=True)
        except typer.Abort:
            _fail(KgError("no password given"))
    auth = None if no_auth else (user, password or "")

    class DriverWarnings(logging.Handler):  # the driver's retries and notices, one clean line each
        def emit(self, record: logging.LogRecord) -> None:
            if record.name in ("neo4j.io", "neo4j.pool"):
                return  # connection details: the error that ends the load says what went wrong
            text = scrub(record.getMessage(), password)
            err.print(f"[yellow]neo4j:[/] {escape(text)}", highlight=False, markup=True, soft_wrap=True)

    driver_log = logging.getLogger("neo4j")
    handler = DriverWarnings(logging.WARNING)
    driver_log.addHandler(handler)
    try:
        g = load(graph)
        start = time.perf_counter()
        timeouts = {"connect_timeout": connect_timeout, "max_retry_time": retry_time}
        if quiet or not err.is_terminal:  # a progress bar in a log file is only noise
            summary = load_graph(g, uri, auth, database, batch_size, wipe, **timeouts)
        else:
            with Progress(
                TextColumn("loading"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            ) as bar:
                task = bar.add_task("load", total=None)
                summary = load_graph(
                    g,
                    uri,
                    auth,
                    database,
                    batch_size,
                    wipe,
                    on_batch=lambda done, total: bar.update(task, completed=done, total=total),
                    **timeouts,
                )
        seconds = time.perf_counter() - start
    except KgError as e:
        _fail(e)
    finally:
        driver_log.removeHandler(handler)
    err.print(
        f"{summary.rows:,} rows in {summary.batches} batches, {seconds:.1f}s "
        f"({summary.rows / max(seconds, 1e-9):,.0f} rows/s): created {summary.nodes_created:,} nodes and "
        f"{summary.relationships_created:,} relationships",
        soft_wrap=True,
    )


import_app = typer.Typer(help="Read a graph back from another format.", no_args_is_help=True)
app.add_typer(import_app, name="import")


@import_app.command("rdf")
def import_rdf(
    rdf_file: Annotated[Path, typer.Argument(help="RDF written by kg: .ttl, .nt or .jsonld.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder for graph.json.")] = Path("out"),
) -> None:
    """Turn RDF written by `kg` back into graph.json (the same nodes, edges and attributes)."""
    from kg.exporters.rdf import parse_rdf, read_rdf
    from kg.graph import save

    try:
        g = read_rdf(parse_rdf(rdf_file))
        save(g, out_dir / "graph.json")
    except KgError as e:
        _fail(e)
    err.print(f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges -> {out_dir / 'graph.json'}")


@app.command()
def validate(
    rdf_file: Annotated[Path, typer.Argument(help="RDF to check: .ttl, .nt or .jsonld.")],
    shapes: Annotated[Path | None, typer.Option(help="SHACL shapes (default: ontology/shapes.ttl).")] = None,
) -> None:
    """Check RDF against the SHACL shapes; list every violation and exit 1 if there is any."""
    from kg.exporters.rdf import parse_rdf
    from kg.validation import validate as check

    try:
        violations = check(parse_rdf(rdf_file), shapes)
    except KgError as e:
        _fail(e)
    if not violations:
        out.print(f"{rdf_file}: conforms to the shapes")
        return
    t = Table(title=f"{len(violations)} violation(s) in {rdf_file}")
    for c in ("focus node", "path", "message"):
        t.add_column(c, overflow="fold")
    for v in violations[:200]:
        t.add_row(Text(v.focus), Text(v.path), Text(v.message))
    out.print(t)
    raise typer.Exit(1)


@app.command()
def sparql(
    graph: GraphArg,
    query: Annotated[str | None, typer.Argument(help="A SPARQL SELECT or ASK query.")] = None,
    query_file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the query from a .rq file.")
    ] = None,
    named: Annotated[
        str | None, typer.Option("--query", "-q", help="A query from ontology/queries/, e.g. papers_using.")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE: sets `VALUES ?NAME {...}`.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """Run SPARQL on a built graph in an embedded store (pyoxigraph); no server needed.

    GRAPH is a build folder (its graph.ttl), a graph.json, or an RDF file. Examples:

        kg sparql out 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'
        kg sparql out -q papers_using -p name=SDXL
    """
    import csv as csv_module

    from kg.sparql import bind, named_query, open_store, run

    try:
        if sum(x is not None for x in (query, query_file, named)) != 1:
            raise KgError("give exactly one of QUERY, --file or --query")
        if query_file is not None:
            if not query_file.exists():
                raise KgError(f"{query_file}: no such file")
            text = query_file.read_text(encoding="utf-8")
        else:
            text = named_query(named) if named else str(query)
        bad = [p for p in (param or []) if "=" not in p]
        if bad:
            raise KgError(f"--param takes NAME=VALUE, not {bad[0]!r}")
        params = dict(p.split("=", 1) for p in (param or []))
        table = run(open_store(graph), bind(text, params))
    except KgError as e:
        _fail(e)
    if as_json:
        sys.stdout.write(json.dumps(table.rows, ensure_ascii=False, indent=1) + "\n")
    elif as_csv:
        writer = csv_module.DictWriter(sys.stdout, fieldnames=table.columns)
        writer.writeheader()
        writer.writerows(table.rows)
    else:
        t = Table(title=f"{len(table.rows)} row(s)")
        for c in table.columns:
            t.add_column(c, overflow="fold")
        for row in table.rows:
            t.add_row(*(Text("" if row[c] is None else str(row[c])) for c in table.columns))
        out.print(t)


if __name__ == "__main__":
    app()
