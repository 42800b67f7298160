"""The graph: graph.json written as papers stream by, and read back.

- `format`: the contract (node, edge and evidence shapes, the line layout, the encoders);
- `parts`: what one paper adds, made in the extraction workers;
- `writer`: `GraphWriter`, which merges the parts (and an update) into graph.json and delta.json
  (imported from `kg.graph.writer`: it needs the resolver, which needs this package's format);
- `reader`: `load` (a networkx MultiDiGraph) and `GraphFile` (a stream), both `GraphLike`.
"""

from __future__ import annotations

import importlib
from typing import Any

from kg.graph.format import FORMAT_VERSION, GRAPH_FILE

# imported on first use, so that reading the format (the query store does) needs no networkx
_LAZY = {
    "PaperPart": "kg.graph.parts",
    "paper_part": "kg.graph.parts",
    "AnyGraph": "kg.graph.reader",
    "GraphFile": "kg.graph.reader",
    "GraphLike": "kg.graph.reader",
    "load": "kg.graph.reader",
    "save": "kg.graph.reader",
    "to_json_data": "kg.graph.reader",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg.graph' has no attribute {name!r}")


__all__ = [
    "FORMAT_VERSION",
    "GRAPH_FILE",
    "AnyGraph",
    "GraphFile",
    "GraphLike",
    "PaperPart",
    "load",
    "paper_part",
    "save",
    "to_json_data",
]
