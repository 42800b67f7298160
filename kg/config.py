"""Where kg's data files are: decided once, where a program starts, and passed down.

The ontology (schema, SHACL shapes, vocabulary, patterns, SPARQL queries) and the Cypher files
are the repository's `ontology/` and `cypher/` folders. They ship inside the package as
`kg.ontology` and `kg.cypher` (see pyproject.toml), so an editable install, a wheel and pipx all
find them through `importlib.resources`.

`$KG_ONTOLOGY` and `$KG_CYPHER` point a program at other copies (a vocabulary of your own, say).
They are read by `DataPaths.from_env()` only, which the `kg` command calls once when it starts;
library code takes a `DataPaths` (default: the packaged files) and never reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from kg.errors import KgError

ONTOLOGY_ENV = "KG_ONTOLOGY"
CYPHER_ENV = "KG_CYPHER"


def _package_dir(package: str) -> Path:
    # kg is installed as plain files (never zipped), so a resource folder is a real folder
    return Path(str(files(package)))


@dataclass(frozen=True)
class DataPaths:
    """The folders kg reads its data files from."""

    ontology: Path
    cypher: Path

    @classmethod
    def packaged(cls) -> DataPaths:
        """The files shipped with the package."""
        return cls(_package_dir("kg.ontology"), _package_dir("kg.cypher"))

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> DataPaths:
        """The packaged files, or the folders `$KG_ONTOLOGY` and `$KG_CYPHER` name."""
        packaged = cls.packaged()
        paths = cls(
            Path(env[ONTOLOGY_ENV]) if env.get(ONTOLOGY_ENV) else packaged.ontology,
            Path(env[CYPHER_ENV]) if env.get(CYPHER_ENV) else packaged.cypher,
        )
        for variable, folder in ((ONTOLOGY_ENV, paths.ontology), (CYPHER_ENV, paths.cypher)):
            if not folder.is_dir():
                raise KgError(f"${variable}: {folder} is not a folder")
        return paths

    @property
    def patterns(self) -> Path:
        return self.ontology / "patterns.json"

    @property
    def common_words(self) -> Path:
        return self.ontology / "common_words.txt"

    @property
    def transitive_words(self) -> Path:
        return self.ontology / "transitive_words.txt"

    @property
    def word_clusters(self) -> Path:
        return self.ontology / "word_clusters.tsv"

    @property
    def vocabulary(self) -> Path:
        return self.ontology / "vocab"

    @property
    def decision_model(self) -> Path:
        """The extraction's trained decisions (training/train_decisions.py makes it)."""
        return self.ontology / "models" / "decisions.json"

    @property
    def shapes(self) -> Path:
        return self.ontology / "shapes.ttl"

    @property
    def schema(self) -> Path:
        """The OWL ontology."""
        return self.ontology / "kg.ttl"

    @property
    def jsonld_context(self) -> Path:
        return self.ontology / "context.jsonld"

    @property
    def sparql_queries(self) -> Path:
        return self.ontology / "queries"

    @property
    def cypher_schema(self) -> Path:
        return self.cypher / "schema.cypher"

    @property
    def cypher_queries(self) -> Path:
        return self.cypher / "queries"
