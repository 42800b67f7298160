"""Load a graph into a running Neo4j over Bolt with the official driver.

Constraints first, then batched `UNWIND $rows ... MERGE` on the constrained `id`, each batch in
a managed transaction. Idempotent: a second load creates nothing, and a load cut short (the server
went away, the process was stopped) is finished by running it again. Nothing is deleted unless
`LoadOptions(wipe=True)`.

Faults: the driver retries a managed transaction on transient errors and lost connections
(ServiceUnavailable, SessionExpired, TransientError) for up to `max_retry_time` seconds, waiting
between attempts; connecting gives up after `connect_timeout` seconds. A batch whose COMMIT got no
answer (IncompleteCommit, which the driver does not retry) is run again: MERGE makes that safe.
When the retries give up the load stops with one `KgError` line that says how far it got. No error
message carries the password, nor credentials written into the URI.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx
from neo4j import GraphDatabase, ManagedTransaction, Session
from neo4j.exceptions import (
    AuthError,
    ConfigurationError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from kg.config import DataPaths
from kg.errors import KgError
from kg.exporters.neo4j import BATCH, node_batches, relationship_batches, schema_statements

CONNECT_TIMEOUT = 15.0  # seconds to open a connection (the driver's default is 30)
MAX_RETRY_TIME = 30.0  # seconds a managed transaction is retried for (the driver's default)
_USERINFO = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)(.*)@")  # up to the LAST "@": passwords may hold "/"


@dataclass
class LoadSummary:
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    rows: int = 0
    batches: int = 0
    labels: dict[str, int] = field(default_factory=dict)


def redact_uri(uri: str) -> str:
    """`uri` with any `user:password@` replaced by `***@`, fit for messages."""
    return _USERINFO.sub(r"\1***@", uri, count=1)


def check_uri(uri: str) -> None:
    """Raise KgError when `uri` holds credentials (the driver would echo them in its errors)."""
    if redact_uri(uri) != uri:
        raise KgError(
            f"{redact_uri(uri)}: credentials in the URI are not supported; pass the user name and password "
            "separately (kg neo4j load: --user, and --password, $KG_NEO4J_PASSWORD or the prompt)"
        )


def scrub(text: object, secret: str | None) -> str:
    """One line of `text` without the secret (nor credentials in a URI)."""
    line = " ".join(str(text).split())
    if secret and len(secret) >= 3:
        line = line.replace(secret, "***")
    return re.sub(r"([A-Za-z][A-Za-z0-9+.-]*://)[^\s'\"@]*@", r"\1***@", line)


def _write(tx: ManagedTransaction, statement: str, rows: list[dict]):
    return tx.run(statement, rows=rows).consume().counters


def _schema(tx: ManagedTransaction, statement: str) -> None:
    tx.run(statement).consume()


def _write_batch(session: Session, statement: str, rows: list[dict], attempts: int = 3):
    """One batch in a managed transaction; a commit whose outcome is unknown is run again.

    The driver retries lost connections and transient errors itself, but not IncompleteCommit (the
    connection broke during COMMIT, so the batch may or may not be in): MERGE makes a rerun safe.
    """
    for attempt in range(attempts):
        try:
            return session.execute_write(_write, statement, rows)
        except IncompleteCommit:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Neo4jTarget:
    """The server to load into and how to reach it."""

    uri: str = "bolt://localhost:7687"  # bolt:// or neo4j://, without credentials
    auth: tuple[str, str] | None = field(default=None, repr=False)  # (user, password); None: no auth
    database: str | None = None  # None: the server's default database
    connect_timeout: float = CONNECT_TIMEOUT  # seconds to open a connection
    max_retry_time: float = MAX_RETRY_TIME  # seconds a batch is retried while Neo4j is unavailable


@dataclass(frozen=True)
class LoadOptions:
    """How to load: rows per `UNWIND` batch, whether to delete every node first, and where
    `schema.cypher` (the constraints made before any row) is."""

    batch_size: int = BATCH
    wipe: bool = False
    paths: DataPaths = field(default_factory=DataPaths.packaged)


def load_graph(
    g: nx.MultiDiGraph,
    target: Neo4jTarget,
    options: LoadOptions = LoadOptions(),
    on_batch: Callable[[int, int], None] | None = None,
) -> LoadSummary:
    """Load `g` into `target`; `on_batch(rows_done, rows_total)` is called after each batch.

    Raises KgError, one line without the password, when Neo4j cannot be reached, refuses the
    credentials or a statement, or goes away during the load for longer than `target.max_retry_time`.
    """
    uri, auth, connect_timeout = target.uri, target.auth, target.connect_timeout
    check_uri(uri)
    safe_uri = redact_uri(uri)
    secret = auth[1] if auth else None
    summary = LoadSummary()
    batches = [*node_batches(g, options.batch_size), *relationship_batches(g, options.batch_size)]
    total = sum(len(rows) for _, rows in batches)
    connected = False

    def unavailable(e: Exception) -> KgError:
        if not connected:
            return KgError(f"cannot reach Neo4j at {safe_uri}: {scrub(e, secret)}")
        return KgError(
            f"Neo4j at {safe_uri} became unavailable during the load after {summary.batches} of "
            f"{len(batches)} batches; rerun to finish (loads are idempotent) [{scrub(e, secret)}]"
        )

    try:
        with GraphDatabase.driver(
            uri,
            auth=auth,
            connection_timeout=connect_timeout,
            connection_acquisition_timeout=connect_timeout + 5,
            max_transaction_retry_time=target.max_retry_time,
        ) as driver:
            driver.verify_connectivity()
            connected = True
            with driver.session(database=target.database) as session:
                if options.wipe:  # CALL ... IN TRANSACTIONS needs an auto-commit transaction: not retried
                    session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
                for statement in schema_statements(options.paths):
                    session.execute_write(_schema, statement)
                for statement, rows in batches:
                    counters = _write_batch(session, statement, rows)
                    summary.nodes_created += counters.nodes_created
                    summary.relationships_created += counters.relationships_created
                    summary.properties_set += counters.properties_set
                    summary.rows += len(rows)
                    summary.batches += 1
                    if on_batch is not None:
                        on_batch(summary.rows, total)
    except AuthError as e:
        user = auth[0] if auth else ""
        raise KgError(
            f"{safe_uri}: Neo4j refused the credentials of user {scrub(repr(user), secret)} "
            f"({scrub(e.message or e, secret)})"
        ) from None
    except (ServiceUnavailable, SessionExpired, TransientError) as e:
        raise unavailable(e) from None
    except (ConfigurationError, ValueError) as e:
        raise KgError(f"{safe_uri}: cannot connect to Neo4j ({scrub(e, secret)})") from None
    except Neo4jError as e:
        raise KgError(f"{safe_uri}: Neo4j refused the load: {scrub(e.message or e, secret)}") from None
    except (DriverError, OSError) as e:
        raise unavailable(e) from None
    return summary
