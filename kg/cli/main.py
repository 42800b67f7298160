"""The `kg` app: its options, its help, and where each command lives."""

from __future__ import annotations

from typing import Annotated

import typer

from kg.cli import build, export, neo4j, query, rdf
from kg.cli.common import PATHS_KEY, KgGroup
from kg.config import DataPaths

app = typer.Typer(
    name="kg",
    cls=KgGroup,
    help=(
        "A knowledge graph of machine-learning research.\n\n"
        "Reads paper listings (the Hugging Face Daily Papers page or API, JSON Lines, arXiv "
        "Atom), finds the methods, models, datasets, hardware, metrics, tasks and results each "
        "paper names, links every real-world thing to ONE node, and writes graph.json, a query "
        "store (graph.db) and an interactive HTML page; RDF and Neo4j import files on request "
        "(`kg build --exports`, `kg export`).\n\n"
        "Start with, in a clone of the repository (it holds the example day):  "
        "kg build examples/daily_papers_sep10.txt --out out\n\n"
        "Errors are one line on stderr, with exit code 2 for bad input, bad options or a server "
        "that failed, 1 for an unexpected error (a bug in kg; `kg --debug COMMAND ...` shows "
        "its traceback), and 141 when the reader of the output went away (`kg stats out | head -1`)."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    ctx: typer.Context,
    debug: Annotated[
        bool,
        typer.Option("--debug", help="Show the full traceback of an unexpected error instead of one line."),
    ] = False,
) -> None:
    """`KgGroup.invoke` reads `debug` from the parsed parameters. The data files' folders
    ($KG_ONTOLOGY, $KG_CYPHER) are read here, once, for every command."""
    ctx.meta[PATHS_KEY] = DataPaths.from_env()


app.command("build")(build.build)
app.command("index")(build.index)
app.command("stats")(query.stats)
app.command("html")(export.html_page)
app.command("validate")(rdf.validate)
app.command("sparql")(rdf.sparql)
app.add_typer(query.app, name="query")
app.add_typer(export.app, name="export")
app.add_typer(neo4j.app, name="neo4j")
app.add_typer(rdf.import_app, name="import")
