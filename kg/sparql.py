"""SPARQL on an embedded store (pyoxigraph): no server needed.

pyoxigraph, not rdflib, on the numbers in `benchmarks/rdf_stores.py`: loading and joining the
9,877-paper HF corpus graph is one to two orders of magnitude faster.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.config import DataPaths
from kg.errors import InputError, KgError

RDF_SUFFIX = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD}


class QueryError(KgError):
    pass


@dataclass
class Table:
    columns: list[str]
    rows: list[dict[str, Any]]


def open_store(path: Path) -> ox.Store:
    """An in-memory store holding a graph: a build folder, graph.json, or an RDF file."""
    path = Path(path)
    if path.is_dir():
        path = path / "graph.ttl" if (path / "graph.ttl").exists() else path / "graph.json"
    store = ox.Store()
    if path.suffix == ".json":
        from kg.exporters.rdf import serialize
        from kg.graph import load

        store.load(serialize(load(path), "nt"), format=ox.RdfFormat.N_TRIPLES)
        return store
    fmt = RDF_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise InputError(path, "not a graph: give a build folder, graph.json, .ttl, .nt or .jsonld")
    if not path.exists():
        raise InputError(path, "no such file")
    try:
        store.load(path=str(path), format=fmt)
    except (SyntaxError, ValueError, OSError) as e:
        raise InputError(path, f"not valid RDF: {str(e).splitlines()[0][:200]}") from None
    return store


def bind(query: str, params: dict[str, str]) -> str:
    """Set `VALUES ?name { ... }` of a query to a parameter's value (a string literal)."""
    for name, value in params.items():
        literal = json.dumps(value, ensure_ascii=False)
        pattern = re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{[^}]*\}")
        if not pattern.search(query):
            raise QueryError(f"the query has no `VALUES ?{name} {{ ... }}` to set")
        replacement = f"VALUES ?{name} {{ {literal} }}"
        query = pattern.sub(_constant(replacement), query, count=1)
    return query


def run(store: ox.Store, query: str) -> Table:
    try:
        result = store.query(query)
    except SyntaxError as e:
        raise QueryError(f"bad SPARQL: {str(e).splitlines()[0]}") from None
    if isinstance(result, bool):
        return Table(["ask"], [{"ask": result}])
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("only SELECT and ASK queries print as tables")
    columns = [str(v)[1:] for v in result.variables]
    rows = [{c: _value(solution[c]) for c in columns} for solution in result]
    return Table(columns, rows)


def _value(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        kind = term.datatype.value.rsplit("#", 1)[-1]
        if kind in ("double", "float", "decimal"):
            return float(term.value)
        if kind in ("integer", "int", "long"):
            return int(term.value)
        if kind == "boolean":
            return term.value == "true"
        return term.value
    return term.value


def named_query(name: str, paths: DataPaths | None = None) -> str:
    """A query from `ontology/queries/NAME.rq` (of `paths`, by default the packaged files)."""
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", name):
        raise QueryError(f"not a query name: {name!r}")
    path = (paths or DataPaths.packaged()).sparql_queries / f"{name}.rq"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in path.parent.glob("*.rq")))
        raise QueryError(f"no query named {name!r} (known: {known})")
    return path.read_text(encoding="utf-8")


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for `re.sub` that inserts `text` as it is (a string would have its
    backslashes read as escapes)."""
    return lambda _: text
