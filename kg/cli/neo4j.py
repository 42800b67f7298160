"""`kg neo4j load`: a built graph into a running Neo4j over Bolt."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.cli.common import GraphArg, data_paths, err
from kg.errors import KgError

if TYPE_CHECKING:
    import networkx as nx

    from kg.exporters.neo4j_bolt import LoadOptions, LoadSummary, Neo4jTarget

app = typer.Typer(help="Work with a running Neo4j server.", no_args_is_help=True)

Uri = Annotated[str, typer.Option(help="Bolt or neo4j:// URI (local, cluster or Aura), without credentials.")]
User = Annotated[str, typer.Option(help="User name.")]
Password = Annotated[
    str | None,
    typer.Option(
        envvar=["KG_NEO4J_PASSWORD", "NEO4J_PASSWORD"],
        show_default=False,
        help=(
            "Password. Prefer $KG_NEO4J_PASSWORD or the prompt (asked when stdin is a terminal): "
            "a command-line argument is visible to other local users."
        ),
    ),
]
Database = Annotated[str | None, typer.Option(help="Database name (server default if unset).")]
BatchSize = Annotated[int, typer.Option(min=1, help="Rows per UNWIND batch.")]
NoAuth = Annotated[bool, typer.Option("--no-auth", help="Connect without credentials.")]
Wipe = Annotated[bool, typer.Option("--wipe", help="DELETE EVERY NODE in the database before loading.")]
ConnectTimeout = Annotated[float, typer.Option(min=0.1, help="Seconds to wait for a connection to open.")]
RetryTime = Annotated[
    float, typer.Option(min=0, help="Seconds to keep retrying a batch while Neo4j is unavailable.")
]
Quiet = Annotated[bool, typer.Option("--quiet", help="No progress bar.")]


@app.command("load")
def neo4j_load(
    ctx: typer.Context,
    graph: GraphArg,
    uri: Uri = "bolt://localhost:7687",
    user: User = "neo4j",
    password: Password = None,
    database: Database = None,
    batch_size: BatchSize = 1000,
    no_auth: NoAuth = False,
    wipe: Wipe = False,
    connect_timeout: ConnectTimeout = 15.0,
    retry_time: RetryTime = 30.0,
    quiet: Quiet = False,
) -> None:
    """Load a built graph into a running Neo4j over Bolt, idempotently (MERGE on id).

    Constraints from cypher/schema.cypher come first; rows go in batched UNWIND ... MERGE
    statements in managed transactions, retried while Neo4j is briefly unavailable. Loading the
    same graph again creates nothing, so a load that was cut short is finished by running it again.
    """
    from kg.exporters.neo4j_bolt import LoadOptions, Neo4jTarget, check_uri
    from kg.graph import load

    check_uri(uri)  # before any prompt
    if not no_auth and password is None:
        password = _ask_password(user)
    auth = None if no_auth else (user, password or "")
    target = Neo4jTarget(uri, auth, database, connect_timeout=connect_timeout, max_retry_time=retry_time)
    with _driver_warnings(password):
        g = load(graph)
        start = time.perf_counter()
        summary = _load(
            g, target, LoadOptions(batch_size, wipe, data_paths(ctx)), bar=not quiet and err.is_terminal
        )
        seconds = time.perf_counter() - start
    err.print(
        f"{summary.rows:,} rows in {summary.batches} batches, {seconds:.1f}s "
        f"({summary.rows / max(seconds, 1e-9):,.0f} rows/s): created {summary.nodes_created:,} nodes and "
        f"{summary.relationships_created:,} relationships",
        soft_wrap=True,
    )


def _ask_password(user: str) -> str:
    """The password from a hidden prompt, asked only on a terminal: a script must not hang."""
    if not sys.stdin.isatty():
        raise KgError("no password: pass --password, set $KG_NEO4J_PASSWORD, or use --no-auth")
    try:
        return typer.prompt(f"Neo4j password for {user}", hide_input=True, err=True)
    except typer.Abort:
        raise KgError("no password given") from None


class _DriverWarnings(logging.Handler):
    """The driver's retries and notices, one clean line each on stderr, without the password."""

    def __init__(self, secret: str | None) -> None:
        super().__init__(logging.WARNING)
        self.secret = secret

    def emit(self, record: logging.LogRecord) -> None:
        from kg.exporters.neo4j_bolt import scrub

        if record.name in ("neo4j.io", "neo4j.pool"):
            return  # connection details: the error that ends the load says what went wrong
        text = scrub(record.getMessage(), self.secret)
        err.print(f"[yellow]neo4j:[/] {escape(text)}", highlight=False, markup=True, soft_wrap=True)


@contextmanager
def _driver_warnings(secret: str | None) -> Iterator[None]:
    driver_log = logging.getLogger("neo4j")
    handler = _DriverWarnings(secret)
    driver_log.addHandler(handler)
    try:
        yield
    finally:
        driver_log.removeHandler(handler)


def _load(g: nx.MultiDiGraph, target: Neo4jTarget, options: LoadOptions, bar: bool) -> LoadSummary:
    """`load_graph`, with a progress bar on stderr when `bar` (in a log file a bar is only noise)."""
    from kg.exporters.neo4j_bolt import load_graph

    if not bar:
        return load_graph(g, target, options)
    columns = (TextColumn("loading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("load", total=None)
        return load_graph(
            g,
            target,
            options,
            on_batch=lambda done, total: progress.update(task, completed=done, total=total),
        )
