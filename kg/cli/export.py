"""`kg export rdf|neo4j|vocab` and `kg html`: a built graph in the formats other tools read."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli.common import GraphArg, data_paths, err, said_written
from kg.errors import KgError
from kg.exporters.html_entities import BIG_GRAPH_PAPERS, ENTITY_BUDGET

app = typer.Typer(help="Write a built graph in another format.", no_args_is_help=True)

OutFile = Annotated[Path, typer.Option("--out", "-o", help="File to write.")]


@app.command("rdf")
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
        raise KgError(f"unknown RDF format {fmt!r} (known: {', '.join(FORMATS)})")
    if out_file is None and endpoint is None:
        raise KgError("give --out FILE, --endpoint URL, or both")
    # N-Triples and Turtle stream from graph.json; JSON-LD needs the whole graph in memory
    g = GraphFile(graph) if fmt in ("nt", "ttl") and endpoint is None else load(graph)
    if out_file is not None:
        write_rdf(g, out_file, fmt)
        said_written(out_file)
    if endpoint is not None:
        sent = push(g, endpoint, graph_iri)
        err.print(f"sent {sent:,} bytes of N-Triples to {endpoint}", markup=False)


@app.command("neo4j")
def export_neo4j(
    graph: GraphArg,
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Folder to write.", show_default=False)],
) -> None:
    """Write CSV files for `neo4j-admin database import`, import.sh and import.cypher."""
    from kg.exporters.neo4j import write_neo4j
    from kg.graph import GraphFile

    write_neo4j(GraphFile(graph), out_dir)
    said_written(out_dir)


@app.command("vocab")
def export_vocab(
    ctx: typer.Context, out_file: Annotated[Path, typer.Option("--out", "-o", help="File to write.")]
) -> None:
    """Write the curated vocabulary (ontology/vocab/*.csv) as a SKOS concept scheme in Turtle.

    Concepts carry the same IRIs as the entities in graph.ttl, so the two files join.
    """
    from kg.exporters.skos import write_skos
    from kg.extract.vocabulary import build_vocabulary

    write_skos(build_vocabulary(data_paths(ctx).vocabulary), out_file)
    said_written(out_file)


def html_page(
    graph: GraphArg,
    out_file: OutFile = Path("graph.html"),
    focus: Annotated[str | None, typer.Option(help="Show the neighbourhood of this entity.")] = None,
    depth: Annotated[int, typer.Option(min=1, help="Hops around --focus.")] = 1,
    types: Annotated[
        str | None, typer.Option(help="Comma-separated node types to show, e.g. Model,Dataset.")
    ] = None,
    min_degree: Annotated[int, typer.Option(min=0, help="Hide nodes with fewer links.")] = 0,
    max_nodes: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Keep the most connected nodes (entity-centred: the entities named in most papers); "
            "the page says what it left out.",
        ),
    ] = None,
    papers: Annotated[
        bool | None,
        typer.Option(
            "--papers/--no-papers",
            help="--papers: papers as nodes. --no-papers: entities only, linked when papers name both "
            "('co-occurring in N papers'); focusing an entity brings its papers back. Default: papers, "
            f"unless the graph has more than {BIG_GRAPH_PAPERS:,} (then the {ENTITY_BUDGET:,} entities "
            "named in most papers, or --max-nodes).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write an interactive HTML page of the graph that opens offline (file://, no network).

    The layout is computed here, so the page opens still (physics can be turned on); the most
    connected nodes are labelled, more as you zoom in, and labels never overlap. A click on a
    node opens a panel with its papers by role (arXiv links, dates, evidence sentences), family
    and versions, and results. Colour and shape per node type with a legend that filters, a
    date range for papers, and a search box. A big graph opens entity-centred (see --papers);
    a line on the page says what is shown and what is left out. Other views: --focus, --types,
    --min-degree, --max-nodes.
    """
    from kg.exporters.html import HtmlView, write_html
    from kg.graph import load
    from kg.store import store_beside

    view = HtmlView(
        focus=focus,
        depth=depth,
        types=types.split(",") if types else None,
        min_degree=min_degree,
        max_nodes=max_nodes,
        papers=papers,
    )
    # the most connected nodes, or the entities named in most papers, can be read from the query
    # store; the other views need the graph
    store = store_beside(graph) if not (focus or min_degree) else None
    write_html(store if store is not None else load(graph), out_file, view)
    said_written(out_file)
