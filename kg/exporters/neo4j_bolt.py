"""Load a graph into a running Neo4j over Bolt with the official driver.

Constraints first, then batched `UNWIND $rows ... MERGE` on the constrained `id`, each batch in
a managed transaction (the driver retries transient failures). Idempotent: a second load
creates nothing. Nothing is deleted unless `wipe=True`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import networkx as nx
from neo4j import GraphDatabase, ManagedTransaction
from neo4j.exceptions import ConfigurationError, Neo4jError, ServiceUnavailable

from kg.errors import KgError
from kg.exporters.neo4j import BATCH, node_batches, relationship_batches, schema_statements


@dataclass
class LoadSummary:
    nodes_created: int = 0
    relationships_created: int = 0
    properties_set: int = 0
    rows: int = 0
    batches: int = 0
    labels: dict[str, int] = field(default_factory=dict)


def _write(tx: ManagedTransaction, statement: str, rows: list[dict]):
    return tx.run(statement, rows=rows).consume().counters


def load_graph(
    g: nx.MultiDiGraph,
    uri: str,
    auth: tuple[str, str] | None = None,
    database: str | None = None,
    batch_size: int = BATCH,
    wipe: bool = False,
    on_batch: Callable[[int, int], None] | None = None,
) -> LoadSummary:
    """Load `g`; `on_batch(rows_done, rows_total)` is called after each batch."""
    summary = LoadSummary()
    batches = [*node_batches(g, batch_size), *relationship_batches(g, batch_size)]
    total = sum(len(rows) for _, rows in batches)
    try:
        with GraphDatabase.driver(uri, auth=auth) as driver:
            driver.verify_connectivity()
            with driver.session(database=database) as session:
                if wipe:
                    session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
                for statement in schema_statements():
                    session.run(statement).consume()
                for statement, rows in batches:
                    counters = session.execute_write(_write, statement, rows)
                    summary.nodes_created += counters.nodes_created
                    summary.relationships_created += counters.relationships_created
                    summary.properties_set += counters.properties_set
                    summary.rows += len(rows)
                    summary.batches += 1
                    if on_batch is not None:
                        on_batch(summary.rows, total)
    except (ServiceUnavailable, ConfigurationError, ValueError) as e:
        raise KgError(f"{uri}: cannot reach Neo4j ({e})") from None
    except Neo4jError as e:
        raise KgError(f"{uri}: Neo4j refused the load: {e.message or e}") from None
    return summary
