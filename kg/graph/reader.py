"""Reading graph.json: whole, as a networkx graph (`load`), or as a stream (`GraphFile`).

Both meet `GraphLike`, the part of networkx's reading API that the exporters use, so an exporter
works on a graph in memory and on a graph too big to hold alike.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import networkx as nx

from kg.errors import InputError
from kg.graph import format as fmt
from kg.io import atomic_file, read_json


class GraphLike(Protocol):
    """What exporters read: nodes and edges with their data, in a networkx graph or a GraphFile."""

    def nodes(self, data: bool = False) -> Any: ...

    def edges(self, data: bool = False, keys: bool = False) -> Any: ...


class GraphFile:
    """A graph.json read as a stream of nodes and edges, for exports of graphs too big to hold
    as a networkx graph. Offers the part of networkx's reading API that the exporters use."""

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        self.path = path / fmt.GRAPH_FILE if path.is_dir() else path
        try:
            with open(self.path, "rb") as f:
                self.header = f.readline()
        except FileNotFoundError:
            raise InputError(self.path, "no such file (build one with `kg build`)") from None
        self.streamable = self.header.endswith(b'"nodes":[\n')

    def lines(self, which: str) -> Iterator[tuple[int, bytes]]:
        """The raw JSON of each node (`which="nodes"`) or edge (`"edges"`) with its line number,
        for readers that need a few fields of each element and can skip parsing the rest."""
        if not self.streamable:  # a graph.json from elsewhere: read it whole
            g = load(self.path)
            for element in nx.node_link_data(g, edges="edges")[which]:
                yield 0, fmt.encode(element).encode()
            return
        with open(self.path, "rb") as f:
            f.readline()
            inside = which == "nodes"
            for lineno, line in enumerate(f, 2):
                if line == fmt.SEPARATOR:
                    if inside:
                        return
                    inside = True
                    continue
                if not inside or line == fmt.FOOTER:
                    continue
                yield lineno, line.removeprefix(b",").rstrip(b"\n")

    def _section(self, which: str) -> Iterator[dict[str, Any]]:
        for lineno, line in self.lines(which):
            try:
                yield json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                raise InputError(self.path, f"invalid graph.json line ({e})", lineno) from None

    def build_token(self) -> str | None:
        """The id `kg build` gave this graph.json (its header's `build`), if any."""
        m = fmt.BUILD_TOKEN.search(self.header)
        return m.group(1).decode() if m else None

    def nodes(self, data: bool = False) -> Iterator[Any]:
        for node in self._section("nodes"):
            node_id = node.pop("id")
            yield (node_id, node) if data else node_id

    def edges(self, data: bool = False, keys: bool = False) -> Iterator[tuple]:
        for edge in self._section("edges"):
            u, v, k = edge.pop("source"), edge.pop("target"), edge.pop("key", None)
            yield (u, v, *((k,) if keys else ()), *((edge,) if data else ()))

    def node_types(self) -> dict[str, str]:
        return {node_id: data["type"] for node_id, data in self.nodes(data=True)}


AnyGraph = nx.MultiDiGraph | GraphFile  # what exporters read: in memory, or streamed from disk


def to_json_data(g: nx.MultiDiGraph) -> dict[str, Any]:
    data = nx.node_link_data(g, edges="edges")
    data["graph"] = {"format": "kg", "version": fmt.FORMAT_VERSION, **g.graph}
    return data


def save(g: nx.MultiDiGraph, path: Path) -> None:
    with atomic_file(path) as f:
        json.dump(to_json_data(g), f, ensure_ascii=False, indent=None, separators=(",", ":"))
        f.write("\n")


def load(path: str | Path) -> nx.MultiDiGraph:
    """Read a `graph.json` written by `kg build`."""
    path = Path(path)
    if path.is_dir():
        path = path / fmt.GRAPH_FILE
    data = read_json(path, missing="no such file (build one with `kg build`)")
    if not isinstance(data, dict) or "nodes" not in data:
        raise InputError(path, "not a graph.json: no 'nodes'")
    g = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    g.graph = {k: v for k, v in data.get("graph", {}).items()}
    return g
