"""Where the ontology files live, and the small data files read from there."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

REPO_ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"


def cypher_dir() -> Path:
    """`$KG_CYPHER`, else the `cypher/` folder beside the package."""
    return Path(os.environ.get("KG_CYPHER") or REPO_ONTOLOGY.parent / "cypher")


def ontology_dir() -> Path:
    """`$KG_ONTOLOGY`, else the `ontology/` folder beside the package."""
    return Path(os.environ.get("KG_ONTOLOGY") or REPO_ONTOLOGY)


@cache
def patterns() -> dict[str, Any]:
    with open(ontology_dir() / "patterns.json", encoding="utf-8") as f:
        data = json.load(f)
    return {k: (frozenset(v) if isinstance(v, list) else v) for k, v in data.items()}


@cache
def common_words() -> frozenset[str]:
    """Words abstracts mostly write in lower case (see ontology/common_words.txt)."""
    with open(ontology_dir() / "common_words.txt", encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip() and not line.startswith("#"))
