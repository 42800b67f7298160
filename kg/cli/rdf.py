"""`kg sparql`, `kg validate` and `kg import rdf`: the graph as RDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import GraphArg, data_paths, err, out
from kg.cli.output import CsvOpt, JsonOpt, print_rows
from kg.config import DataPaths
from kg.errors import KgError

import_app = typer.Typer(help="Read a graph back from another format.", no_args_is_help=True)


def sparql(
    ctx: typer.Context,
    graph: GraphArg,
    query: Annotated[
        str | None, typer.Argument(help="A SPARQL SELECT or ASK query.", show_default=False)
    ] = None,
    query_file: Annotated[
        Path | None, typer.Option("--file", "-f", help="Read the query from a .rq file.")
    ] = None,
    named: Annotated[
        str | None, typer.Option("--query", "-q", help="A query from ontology/queries/, e.g. papers_using.")
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE: sets `VALUES ?NAME {...}`.")
    ] = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Run SPARQL on a built graph in an embedded store (pyoxigraph); no server needed.

    GRAPH is a build folder (its graph.ttl, else its graph.json), a graph.json, or an RDF file.
    Give the query as QUERY, --file or --query (with --param for its parameters). Examples:

    * `kg sparql out 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }'`
    * `kg sparql out -q papers_using -p name=SDXL`
    """
    from kg.sparql import bind, open_store, run

    text = _query_text(query, query_file, named, data_paths(ctx))
    table = run(open_store(graph), bind(text, _params(param or [])))
    print_rows(table.rows, "SPARQL results", as_json, as_csv, columns=table.columns)


def _query_text(query: str | None, query_file: Path | None, named: str | None, paths: DataPaths) -> str:
    from kg.sparql import named_query

    if sum(x is not None for x in (query, query_file, named)) != 1:
        raise KgError("give exactly one of QUERY, --file or --query")
    if query_file is not None:
        if not query_file.exists():
            raise KgError(f"{query_file}: no such file")
        return query_file.read_text(encoding="utf-8")
    return named_query(named, paths) if named else str(query)


def _params(pairs: list[str]) -> dict[str, str]:
    bad = [p for p in pairs if "=" not in p]
    if bad:
        raise KgError(f"--param takes NAME=VALUE, not {bad[0]!r}")
    return dict(p.split("=", 1) for p in pairs)


def validate(
    ctx: typer.Context,
    rdf_file: Annotated[
        Path,
        typer.Argument(help="RDF to check: .ttl, .nt or .jsonld, or a build folder or its graph.json."),
    ],
    shapes: Annotated[Path | None, typer.Option(help="SHACL shapes (default: ontology/shapes.ttl).")] = None,
    as_json: JsonOpt = False,
    as_csv: CsvOpt = False,
) -> None:
    """Check RDF against the SHACL shapes; list every violation and exit 1 if there is any."""
    from kg.exporters.rdf import rdf_of, rdf_source
    from kg.validation import validate as check

    shapes_file = shapes or data_paths(ctx).shapes
    graph = rdf_of(rdf_file)
    violations = check(graph, shapes_file)
    if not violations and not (as_json or as_csv):
        source = rdf_source(rdf_file)
        read = "(graph.json as RDF)" if source.suffix == ".json" else f"of {source.name}"
        out.print(
            f"{rdf_file}: {len(graph):,} triples {read} conform to the SHACL shapes of {shapes_file.name}",
            markup=False,
            soft_wrap=True,
        )
        return
    rows = [{"focus node": v.focus, "path": v.path, "message": v.message} for v in violations]
    print_rows(
        rows,
        f"violations in {rdf_file}",
        as_json,
        as_csv,
        columns=["focus node", "path", "message"],
        limit=200,
    )
    if violations:
        raise typer.Exit(1)


@import_app.command("rdf")
def import_rdf(
    rdf_file: Annotated[Path, typer.Argument(help="RDF written by kg: .ttl, .nt or .jsonld.")],
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for graph.json: not a `kg build` folder.")
    ],
) -> None:
    """Turn RDF written by `kg` back into graph.json (the same nodes, edges and attributes).

    The folder must not hold a build (its state.json): the imported graph.json would replace the
    build's, and leave its state.json, graph.db and page describing another graph."""
    from kg.build import STATE
    from kg.exporters.rdf import parse_rdf, read_rdf
    from kg.graph import save

    if (out_dir / STATE).exists():
        raise KgError(
            f"{out_dir}: holds a `kg build` (state.json); importing would replace its graph.json: "
            "choose another --out"
        )
    g = read_rdf(parse_rdf(rdf_file))
    save(g, out_dir / "graph.json")
    err.print(
        f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges -> {out_dir / 'graph.json'}", markup=False
    )
