"""The graph: graph.json written as papers stream by, and read back.

- `format`: the contract (node, edge and evidence shapes, the line layout, the encoders);
- `parts`: what one paper adds, made in the extraction workers;
- `writer`: `GraphWriter`, which merges the parts (and an update) into graph.json and delta.json
  (imported from `kg.graph.writer`: it needs the resolver, which needs this package's format);
- `reader`: `load` (a networkx MultiDiGraph) and `GraphFile` (a stream), both `GraphLike`.
"""

from __future__ import annotations

from kg.graph.format import FORMAT_VERSION, GRAPH_FILE
from kg.graph.parts import PaperPart, paper_part
from kg.graph.reader import AnyGraph, GraphFile, GraphLike, load, save, to_json_data

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
