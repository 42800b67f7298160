"""`kg query GRAPH VERB ...` and `kg stats`: questions over a built graph, no server needed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from kg.cli.common import GraphArg, data_paths, err, out
from kg.cli.output import CsvOpt, JsonOpt, print_json, print_rows
from kg.errors import InputError, KgError

app = typer.Typer(no_args_is_help=True)

NameArg = Annotated[str, typer.Argument(help="An entity name or alias, e.g. SDXL or 'SD 1.5'.")]
RoleOpt = Annotated[
    str | None,
    typer.Option(help="Only this role: uses, proposes, compares_with, evaluated_on, runs_on, ..."),
]
LimitOpt = Annotated[int, typer.Option(min=1, help="How many rows.")]


@app.callback()
def query(ctx: typer.Context, graph: GraphArg) -> None:
    """Ask questions of a built graph: `kg query GRAPH VERB ...`; no server needed. A verb's own
    options: `kg query GRAPH VERB --help` (`kg query out papers --help`)."""
    ctx.obj = graph


def _source(ctx: typer.Context) -> tuple[Any, Any]:
    """What answers: the query store beside graph.json and `kg.store.queries`, or, without one,
    the graph loaded whole and `kg.queries` (same questions, same answers, slower on big graphs)."""
    from kg.store import store_beside

    store = store_beside(ctx.obj)
    if store is not None:
        from kg.store import queries as store_queries

        return store, store_queries
    from kg import queries
    from kg.graph import load

    if not Path(ctx.obj).exists():
        raise InputError(Path(ctx.obj), "no such file or folder (build one with `kg build`)")
    err.print(
        f"note: no query store (graph.db) of this build beside {ctx.obj}: reading graph.json whole "
        "(`kg index` writes the store)",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    return load(ctx.obj), queries


def _family_note(source: Any, q: Any, name: str) -> None:
    """Say when a name is a family and the answer covers its versions too."""
    node = q.find_entity(source, name)
    versions = sorted(q.node_names(source, q.members(source, node) - {node}).values())
    if versions:
        shown = ", ".join(versions[:8]) + (", ..." if len(versions) > 8 else "")
        err.print(
            f"{name} is a family: counting it and its {len(versions)} version(s) ({shown})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@app.command("papers")
def query_papers(
    ctx: typer.Context, name: NameArg, role: RoleOpt = None, as_json: JsonOpt = False, as_csv: CsvOpt = False
) -> None:
    """Papers that name an entity (or one of its versions), with the role and the sentence."""
    source, q = _source(ctx)
    rows = [r.__dict__ for r in q.papers_using(source, name, role)]
    _family_note(source, q, name)
    papers = len({r["paper"] for r in rows})
    counted = f"{papers} papers, {len(rows)} rows by role" if papers != len(rows) else None
    print_rows(rows, f"papers naming {name}", as_json, as_csv, counted=counted)


@app.command("papers-using", hidden=True)
def query_papers_using(
    ctx: typer.Context, name: NameArg, role: RoleOpt = None, as_json: JsonOpt = False, as_csv: CsvOpt = False
) -> None:
    """The same as `papers` (its former name)."""
    query_papers(ctx, name, role, as_json, as_csv)


@app.command("entity")
def query_entity(ctx: typer.Context, name: NameArg, as_json: JsonOpt = False) -> None:
    """What an entity is: type, aliases, family, versions, papers by role, what it is named with."""
    source, q = _source(ctx)
    info = q.entity_info(source, name)
    if as_json:
        print_json(info)
        return
    out.print(f"[bold]{escape(str(info['name']))}[/] ({info['type']}, {escape(info['id'])})", highlight=False)
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


@app.command("compared-with")
def query_compared_with(
    ctx: typer.Context, name: NameArg, as_json: JsonOpt = False, as_csv: CsvOpt = False
) -> None:
    """What an entity was compared with, both ways, as the papers' sentences state it.

    A sentence like "X outperforms Y on D" makes Y a baseline of X and X a challenger of Y. Each
    row gives the other entity, the direction, the dataset the sentence names, the sentence's
    words and the paper. Papers that only use an entity never make it a challenger.
    """
    source, q = _source(ctx)
    fields = ("name", "direction", "dataset", "text", "title", "other")
    rows = [{f: getattr(c, f) for f in fields} for c in q.compared_with(source, name)]
    print_rows(rows, f"compared with {name}", as_json, as_csv)


@app.command("leaderboard")
def query_leaderboard(
    ctx: typer.Context,
    dataset: Annotated[str, typer.Argument(help="A dataset or benchmark, e.g. 'MS COCO 2014-30k'.")],
    metric: Annotated[
        str | None, typer.Option(help="Only this metric; lower-is-better ones sort up.")
    ] = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Scores reported on a dataset and its versions: by metric, best first, each with the
    paper's title, its subject (the model or method it belongs to, where the sentence says),
    value, unit, the number as the paper wrote it (`text`) and the version of the dataset.
    Numbers no metric measures (counts, budgets) and changes ("improves accuracy by 5%") are
    left out here; they stay in the graph as the paper's results. A `--metric` that no result
    on the dataset has is an error that lists the metrics it has."""
    from kg.extract.patterns import Patterns

    patterns = Patterns.load(data_paths(ctx).patterns)
    source, q = _source(ctx)
    rows = q.leaderboard(source, dataset, metric, patterns)
    if metric and not rows:
        metrics = sorted({r["metric"] for r in q.leaderboard(source, dataset, None, patterns) if r["metric"]})
        has = f"its metrics: {', '.join(metrics)}" if metrics else "it has no scores"
        raise KgError(f"no result on {dataset} is measured by {metric!r}; {has}")
    _family_note(source, q, dataset)
    # every row is a score, never a change: the column would only ever say False
    rows = [{k: v for k, v in row.items() if k != "change"} for row in rows]
    print_rows(rows, f"results on {dataset}", as_json, as_csv)


@app.command("hardware")
def query_hardware(ctx: typer.Context, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """Hardware by the number of papers that run on it."""
    source, q = _source(ctx)
    print_rows(q.hardware(source), "hardware", as_json, as_csv)


@app.command("top")
def query_top(
    ctx: typer.Context,
    node_type: Annotated[
        str | None, typer.Option("--type", help="Only entities of this type: Method, Model, Dataset, ...")
    ] = None,
    by: Annotated[str, typer.Option(help="Rank by papers, degree or pagerank.")] = "papers",
    limit: LimitOpt = 20,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """The most central entities, by papers naming them, degree or PageRank."""
    source, q = _source(ctx)
    print_rows(q.top(source, node_type, by, limit), f"top by {by}", as_json, as_csv)


@app.command("path")
def query_path(
    ctx: typer.Context, source: NameArg, target: NameArg, as_json: JsonOpt = False, as_csv: CsvOpt = False
) -> None:
    """A shortest chain of papers and entities between two entities, with the relation at each
    step: `--USES-->` when the edge points from the step before to this one, `<--USES--` back."""
    graph, q = _source(ctx)
    rows = q.path(graph, source, target)
    if not rows:
        raise KgError(f"no path between {source!r} and {target!r} within 8 links")
    print_rows(rows, f"{source} -> {target}", as_json, as_csv)


@app.command("similar")
def query_similar(
    ctx: typer.Context,
    paper: Annotated[str, typer.Argument(help="A paper id, or part of its title.")],
    limit: LimitOpt = 10,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Papers sharing the most entities with a paper."""
    source, q = _source(ctx)
    print_rows(q.similar(source, paper, limit), f"papers like {paper}", as_json, as_csv)


@app.command("trend")
def query_trend(ctx: typer.Context, name: NameArg, as_json: JsonOpt = False, as_csv: CsvOpt = False) -> None:
    """Papers naming an entity (or its versions) per month, empty months too, with the share of
    all papers of that month (`of_all` papers, `percent`)."""
    source, q = _source(ctx)
    rows = q.trend(source, name)
    _family_note(source, q, name)
    print_rows(rows, f"{name} per month", as_json, as_csv)


@app.command("cooccur")
def query_cooccur(
    ctx: typer.Context, name: NameArg, limit: LimitOpt = 20, as_json: JsonOpt = False, as_csv: CsvOpt = False
) -> None:
    """Entities named in the same papers as an entity, most shared papers first."""
    source, q = _source(ctx)
    rows = q.cooccur_rows(source, name, limit)
    print_rows(rows, f"named with {name}", as_json, as_csv)


def stats(
    graph: GraphArg,
    top: Annotated[int, typer.Option(help="How many of the most named entities to list.")] = 15,
    as_json: JsonOpt = False,
) -> None:
    """Count nodes and edges by type, and list the entities most papers name."""
    s = _stats(graph, top)
    if as_json:
        print_json(s)
        return
    print_rows([{"type": k, "count": v} for k, v in sorted(s["nodes"].items())], "nodes")
    print_rows([{"type": k, "count": v} for k, v in sorted(s["edges"].items())], "edges")
    print_rows(s["top"], "most named entities")


def _stats(graph: Any, top: int) -> dict:
    from kg.store import store_beside

    store = store_beside(graph)
    if store is not None:
        from kg.store.queries import stats as store_stats

        return store_stats(store, top)
    from kg.graph import load
    from kg.queries import stats as graph_stats

    return graph_stats(load(graph), top)
