"""kg's Cypher files, shipped inside the package as `kg.cypher` (see kg/config.py)."""
