"""Neo4j: CSV files for `neo4j-admin database import full`, and an idempotent Cypher script.

All nodes share one id space (`Node`), so any relationship can reach any label. The Cypher script
creates constraints, then MERGEs nodes and relationships on `id` in batches of map literals.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx

from kg.io import atomic_dir
from kg.ontology import cypher_dir
from kg.schema import NodeType

ARRAY_DELIMITER = "|"
BATCH = 500
NODE_FIELDS = {
    "name": "string",
    "aliases": "string[]",
    "title": "string",
    "abstract": "string",
    "published": "string",
    "listing_date": "string",
    "url": "string",
    "authors": "string[]",
    "code_url": "string",
    "source": "string",
    "value": "float",
    "unit": "string",
    "metric": "string",
    "text": "string",
    "in_vocabulary": "boolean",
}
REL_FIELDS = {
    "mentions": "string[]",
    "fields": "string[]",
    "sentences": "string[]",
    "starts": "int[]",
    "ends": "int[]",
    "sentence_starts": "int[]",
}


def _node_props(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in NODE_FIELDS if data.get(k) is not None}


def _rel_props(data: dict[str, Any]) -> dict[str, Any]:
    evidence = data.get("evidence") or []
    props: dict[str, Any] = {}
    if data.get("mentions"):
        props["mentions"] = list(data["mentions"])
    if evidence:  # parallel arrays, one entry per piece of evidence
        props["fields"] = [e.get("field", "abstract") for e in evidence]
        props["sentences"] = [e.get("sentence", "") for e in evidence]
        props["starts"] = [int(e.get("start", -1)) for e in evidence]
        props["ends"] = [int(e.get("end", -1)) for e in evidence]
        props["sentence_starts"] = [int(e.get("sentence_start", -1)) for e in evidence]
    return props


def _csv_value(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind.endswith("[]"):
        return ARRAY_DELIMITER.join(str(v).replace(ARRAY_DELIMITER, "/") for v in value)
    if kind == "boolean":
        return "true" if value else "false"
    return str(value)


def write_neo4j(g: nx.MultiDiGraph, out: Path) -> None:
    with atomic_dir(out) as tmp:
        _write_csv(g, tmp)
        (tmp / "import.cypher").write_text("".join(cypher_script(g)), encoding="utf-8")
        (tmp / "import.sh").write_text(_import_sh(g), encoding="utf-8")
        (tmp / "import.sh").chmod(0o755)


def _labels(g: nx.MultiDiGraph) -> list[str]:
    return sorted({str(d["type"]) for _, d in g.nodes(data=True)})


def _write_csv(g: nx.MultiDiGraph, out: Path) -> None:
    by_label: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for node, data in g.nodes(data=True):
        by_label[str(data["type"])].append((node, data))
    for label, rows in by_label.items():
        with open(out / f"nodes_{label}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, quoting=csv.QUOTE_MINIMAL)
            w.writerow(["id:ID(Node)", ":LABEL", *(f"{k}:{t}" for k, t in NODE_FIELDS.items())])
            for node, data in rows:
                w.writerow(
                    [
                        node,
                        f"Entity{ARRAY_DELIMITER}{label}" if label in _ENTITY else label,
                        *(_csv_value(data.get(k), t) for k, t in NODE_FIELDS.items()),
                    ]
                )
    by_type: dict[str, list] = defaultdict(list)
    for u, v, data in g.edges(data=True):
        by_type[str(data["type"])].append((u, v, data))
    for rel_type, rows in by_type.items():
        with open(out / f"rels_{rel_type}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(
                [":START_ID(Node)", ":END_ID(Node)", ":TYPE", *(f"{k}:{t}" for k, t in REL_FIELDS.items())]
            )
            for u, v, data in rows:
                props = _rel_props(data)
                w.writerow([u, v, rel_type, *(_csv_value(props.get(k), t) for k, t in REL_FIELDS.items())])


_ENTITY = {str(t) for t in NodeType} - {"Paper", "Result", "Repository"}


def _import_sh(g: nx.MultiDiGraph) -> str:
    nodes = " ".join(f"--nodes=nodes_{label}.csv" for label in _labels(g))
    rel_types = sorted({str(d["type"]) for _, _, d in g.edges(data=True)})
    rels = " ".join(f"--relationships=rels_{t}.csv" for t in rel_types)
    return (
        "#!/usr/bin/env bash\n"
        "# Load these CSV files into an EMPTY, STOPPED database with neo4j-admin (Neo4j 5).\n"
        "# Usage: NEO4J_HOME=/path/to/neo4j ./import.sh [database]\n"
        "set -euo pipefail\n"
        'cd "$(dirname "$0")"\n'
        'DB="${1:-neo4j}"\n'
        '"${NEO4J_HOME:?set NEO4J_HOME}/bin/neo4j-admin" database import full "$DB" \\\n'
        f"  --overwrite-destination=false --multiline-fields=true --array-delimiter='{ARRAY_DELIMITER}' \\\n"
        f"  {nodes} \\\n  {rels}\n"
    )


def cypher_literal(value: Any) -> str:
    """A Cypher literal for a JSON-like value; strings escaped so data never becomes code."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"
    if isinstance(value, str):
        escaped = json.dumps(value, ensure_ascii=True)[1:-1].replace("'", "\\'")
        return f"'{escaped}'"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"`{k}`: {cypher_literal(v)}" for k, v in value.items()) + "}"
    return cypher_literal(str(value))


def _batches(rows: list, size: int = BATCH) -> Iterator[list]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def schema_statements() -> list[str]:
    """The statements of `cypher/schema.cypher`: constraints and indexes, all IF NOT EXISTS."""
    return split_script((cypher_dir() / "schema.cypher").read_text(encoding="utf-8"))


def node_batches(g: nx.MultiDiGraph, size: int = BATCH) -> Iterator[tuple[str, list[dict]]]:
    """(MERGE statement, rows) per label and batch; rows are `{id, props}`."""
    by_label: dict[str, list] = defaultdict(list)
    for node, data in g.nodes(data=True):
        by_label[str(data["type"])].append({"id": node, "props": _node_props(data)})
    for label, rows in sorted(by_label.items()):
        extra = " SET n:Entity" if label in _ENTITY else ""
        statement = f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props{extra}"
        for batch in _batches(rows, size):
            yield statement, batch


def relationship_batches(g: nx.MultiDiGraph, size: int = BATCH) -> Iterator[tuple[str, list[dict]]]:
    """(MERGE statement, rows) per (start label, type, end label) and batch; rows `{s, t, props}`."""
    by_shape: dict[tuple[str, str, str], list] = defaultdict(list)
    for u, v, data in g.edges(data=True):
        shape = (str(g.nodes[u]["type"]), str(data["type"]), str(g.nodes[v]["type"]))
        by_shape[shape].append({"s": u, "t": v, "props": _rel_props(data)})
    for (a, rel, b), rows in sorted(by_shape.items()):
        if not re.fullmatch(r"[A-Z_]+", rel):
            raise ValueError(f"not a relationship type: {rel!r}")
        statement = (
            f"UNWIND $rows AS row MATCH (a:{a} {{id: row.s}}) MATCH (b:{b} {{id: row.t}}) "
            f"MERGE (a)-[r:{rel}]->(b) SET r += row.props"
        )
        for batch in _batches(rows, size):
            yield statement, batch


def cypher_script(g: nx.MultiDiGraph) -> Iterator[str]:
    """import.cypher: the schema, then every batch with its rows written as a Cypher literal."""
    yield "// Generated by `kg export neo4j`. Idempotent: run it again and nothing changes.\n"
    yield "// cypher-shell -u neo4j -p PASSWORD -f import.cypher\n"
    for stmt in schema_statements():
        yield stmt + ";\n"
    for statement, rows in (*node_batches(g), *relationship_batches(g)):
        yield statement.replace("$rows", cypher_literal(rows), 1) + ";\n"


def split_script(text: str) -> list[str]:
    """The statements of a Cypher script: `//` comment lines dropped, split at `;` line ends.

    Safe for import.cypher, whose literals never hold a raw newline.
    """
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return [s.strip() for s in re.split(r";\s*(?:\n|$)", body) if s.strip()]
