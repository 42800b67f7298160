"""Neo4j: CSV files for `neo4j-admin database import full`, and an idempotent Cypher script.

All nodes share one id space (`Node`), so any relationship can reach any label. The Cypher script
creates constraints, then MERGEs nodes and relationships on `id` in batches of map literals.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import re
import shutil
from collections import defaultdict
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from kg.config import DataPaths
from kg.errors import KgError
from kg.graph import AnyGraph
from kg.io import atomic_dir
from kg.schema import ENTITY_TYPES

# The unit separator: readers fold it into a space like all white space, so no value from a paper
# can hold it, and array values survive the import exactly.
ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_OPTION = "U+001F"  # how neo4j-admin spells it
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
        return ARRAY_DELIMITER.join(str(v).replace(ARRAY_DELIMITER, " ") for v in value)
    if kind == "boolean":
        return "true" if value else "false"
    return str(value)


def write_neo4j(g: AnyGraph, out: Path) -> None:
    """CSVs, import.cypher and import.sh, in one pass over the graph (it may be a stream)."""
    with atomic_dir(out) as tmp, ExitStack() as files:
        spills = tmp / ".rows"
        spills.mkdir()

        def opened(path: Path) -> Any:
            return files.enter_context(open(path, "w", encoding="utf-8", newline=""))

        csv_writers: dict[str, Any] = {}
        row_files: dict[tuple[str, ...], Any] = {}  # statement group -> its rows as Cypher literals

        def csv_writer(name: str, header: list[str]) -> Any:
            if name not in csv_writers:
                csv_writers[name] = csv.writer(opened(tmp / f"{name}.csv"), quoting=csv.QUOTE_MINIMAL)
                csv_writers[name].writerow(header)
            return csv_writers[name]

        def rows_of(group: tuple[str, ...]) -> Any:
            if group not in row_files:
                row_files[group] = opened(spills / f"{len(row_files)}.rows")
            return row_files[group]

        types: dict[str, str] = {}
        for node, data in g.nodes(data=True):
            label = types[node] = _label(data["type"])
            csv_writer(f"nodes_{label}", NODE_HEADER).writerow(_node_csv_row(node, label, data))
            rows_of((label,)).write(cypher_literal({"id": node, "props": _node_props(data)}) + "\n")
        for u, v, data in g.edges(data=True):
            rel_type = _rel_type(data["type"])
            props = _rel_props(data)
            csv_writer(f"rels_{rel_type}", REL_HEADER).writerow(
                [u, v, rel_type, *(_csv_value(props.get(k), t) for k, t in REL_FIELDS.items())]
            )
            shape = (types[u], rel_type, types[v])
            rows_of(shape).write(cypher_literal({"s": u, "t": v, "props": props}) + "\n")
        for f in row_files.values():
            f.flush()
        with open(tmp / "import.cypher", "w", encoding="utf-8") as script:
            script.writelines(_script_header())
            groups = sorted(g for g in row_files if len(g) == 1) + sorted(g for g in row_files if len(g) == 3)
            for group in groups:
                statement = _node_statement(*group) if len(group) == 1 else _relationship_statement(*group)
                with open(row_files[group].name, encoding="utf-8") as rows:
                    while batch := [line.rstrip("\n") for line in itertools.islice(rows, BATCH)]:
                        script.write(statement.replace("$rows", "[" + ", ".join(batch) + "]", 1) + ";\n")
        labels = sorted(g[0] for g in row_files if len(g) == 1)
        rel_types = sorted({g[1] for g in row_files if len(g) == 3})
        (tmp / "import.sh").write_text(_import_sh(labels, rel_types), encoding="utf-8")
        (tmp / "import.sh").chmod(0o755)
        files.close()
        shutil.rmtree(spills)


NODE_HEADER = ["id:ID(Node)", ":LABEL", *(f"{k}:{t}" for k, t in NODE_FIELDS.items())]
REL_HEADER = [":START_ID(Node)", ":END_ID(Node)", ":TYPE", *(f"{k}:{t}" for k, t in REL_FIELDS.items())]


def _node_csv_row(node: str, label: str, data: dict[str, Any]) -> list[str]:
    return [
        node,
        f"Entity{ARRAY_DELIMITER}{label}" if label in _ENTITY else label,
        *(_csv_value(data.get(k), t) for k, t in NODE_FIELDS.items()),
    ]


_ENTITY = {str(t) for t in ENTITY_TYPES}


def _import_sh(labels: list[str], rel_types: list[str]) -> str:
    nodes = " ".join(f"--nodes=nodes_{label}.csv" for label in labels)
    rels = " ".join(f"--relationships=rels_{t}.csv" for t in rel_types)
    return (
        "#!/usr/bin/env bash\n"
        "# Load these CSV files into an EMPTY, STOPPED database with neo4j-admin (Neo4j 5).\n"
        "# Usage: NEO4J_HOME=/path/to/neo4j ./import.sh [database]\n"
        "set -euo pipefail\n"
        'cd "$(dirname "$0")"\n'
        'DB="${1:-neo4j}"\n'
        '"${NEO4J_HOME:?set NEO4J_HOME}/bin/neo4j-admin" database import full "$DB" \\\n'
        "  --overwrite-destination=false --multiline-fields=true \\\n"
        f"  --array-delimiter={ARRAY_DELIMITER_OPTION} \\\n"
        f"  {nodes} \\\n  {rels}\n"
    )


def cypher_literal(value: Any) -> str:
    """A Cypher literal for a JSON-like value; strings escaped so data never becomes code."""
    kind = type(value)
    if kind is str:
        return _string_literal(value)
    if kind is list or kind is tuple:
        return "[" + ", ".join([cypher_literal(v) for v in value]) + "]"
    if kind is dict:
        return "{" + ", ".join([f"`{k}`: {cypher_literal(v)}" for k, v in value.items()]) + "}"
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        return repr(value) if math.isfinite(value) else "null"
    return _string_literal(str(value))


def _string_literal(value: str) -> str:
    # JSON's escapes are valid in Cypher strings; ASCII-only output cannot hide a quote
    return "'" + json.dumps(value, ensure_ascii=True)[1:-1].replace("'", "\\'") + "'"


def _batches(rows: list, size: int = BATCH) -> Iterator[list]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def schema_statements(paths: DataPaths | None = None) -> list[str]:
    """The statements of `cypher/schema.cypher` (of `paths`, by default the packaged files):
    constraints and indexes, all IF NOT EXISTS."""
    return split_script((paths or DataPaths.packaged()).cypher_schema.read_text(encoding="utf-8"))


def _label(value: Any) -> str:
    """A node type, checked: it is spliced into Cypher and into file names."""
    label = str(value)
    if not LABEL.fullmatch(label):
        raise KgError(f"not a node type: {label[:60]!r} (graph.json from elsewhere?)")
    return label


LABEL = re.compile(r"[A-Z][A-Za-z]*")


def _node_statement(label: str) -> str:
    if label in _ENTITY:
        # an entity is found by id whatever its type, since more papers can change its type
        others = ":".join(sorted(_ENTITY - {label}))
        return (
            f"UNWIND $rows AS row MERGE (n:Entity {{id: row.id}}) SET n += row.props "
            f"REMOVE n:{others} SET n:{label}"
        )
    return f"UNWIND $rows AS row MERGE (n:{label} {{id: row.id}}) SET n += row.props"


def _rel_type(value: Any) -> str:
    rel = str(value)
    if not re.fullmatch(r"[A-Z_]+", rel):
        raise KgError(f"not a relationship type: {rel[:60]!r} (graph.json from elsewhere?)")
    return rel


def _relationship_statement(a: str, rel: str, b: str) -> str:
    _rel_type(rel)
    return (
        f"UNWIND $rows AS row MATCH (a:{a} {{id: row.s}}) MATCH (b:{b} {{id: row.t}}) "
        f"MERGE (a)-[r:{rel}]->(b) SET r += row.props"
    )


def node_batches(g: AnyGraph, size: int = BATCH) -> Iterator[tuple[str, list[dict]]]:
    """(MERGE statement, rows) per label and batch; rows are `{id, props}`."""
    by_label: dict[str, list] = defaultdict(list)
    for node, data in g.nodes(data=True):
        by_label[_label(data["type"])].append({"id": node, "props": _node_props(data)})
    for label, rows in sorted(by_label.items()):
        statement = _node_statement(label)
        for batch in _batches(rows, size):
            yield statement, batch


def relationship_batches(g: AnyGraph, size: int = BATCH) -> Iterator[tuple[str, list[dict]]]:
    """(MERGE statement, rows) per (start label, type, end label) and batch; rows `{s, t, props}`."""
    by_shape: dict[tuple[str, str, str], list] = defaultdict(list)
    types = {node: _label(data["type"]) for node, data in g.nodes(data=True)}
    for u, v, data in g.edges(data=True):
        shape = (types[u], str(data["type"]), types[v])
        by_shape[shape].append({"s": u, "t": v, "props": _rel_props(data)})
    for shape, rows in sorted(by_shape.items()):
        statement = _relationship_statement(*shape)
        for batch in _batches(rows, size):
            yield statement, batch


def _script_header() -> Iterator[str]:
    yield "// Generated by `kg export neo4j`. Idempotent: run it again and nothing changes.\n"
    yield "// cypher-shell -u neo4j -p PASSWORD -f import.cypher\n"
    for stmt in schema_statements():
        yield stmt + ";\n"


def split_script(text: str) -> list[str]:
    """The statements of a Cypher script: `//` comment lines dropped, split at `;` line ends.

    Safe for import.cypher, whose literals never hold a raw newline.
    """
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    return [s.strip() for s in re.split(r";\s*(?:\n|$)", body) if s.strip()]
