"""kg: a knowledge graph of machine-learning research.

import kg
g = kg.load("out/graph.json")          # a networkx.MultiDiGraph
kg.queries.papers_using(g, "SDXL")
"""

from kg import queries
from kg.graph import load

__all__ = ["load", "queries"]
__version__ = "0.1.0"
