"""kg's ontology files, shipped inside the package as `kg.ontology` (see kg/config.py)."""
