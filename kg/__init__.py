"""kg: a knowledge graph of machine-learning research.

import kg
g = kg.load("out/graph.json")          # a networkx.MultiDiGraph
kg.queries.papers_using(g, "SDXL")

`load` and `queries` are imported on first use: `kg query` answers from the query store and
should not pay for networkx at start.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["load", "queries"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name == "queries":
        return importlib.import_module("kg.queries")
    if name == "load":
        return importlib.import_module("kg.graph").load
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
