"""`ontology/patterns.json` as a validated model: cue words and word lists the extractor reads;
and the word lists counted on a corpus (`WordLists`).

Keys that start with `_` are comments. A missing, misspelt or mistyped key fails at start with
the key's name, instead of as a `KeyError` deep inside extraction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, ValidationError

from kg.config import DataPaths
from kg.errors import InputError
from kg.io import read_json
from kg.schema import NodeType


class ComparisonCues(BaseModel):
    """Cue words of a sentence that compares two named things (see `kg.extract.comparisons`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    forward: frozenset[str]  # `X outperforms Y`
    close: frozenset[str]  # `X gives a 4x speed-up over Y`, where Y follows within a few words
    reversed: frozenset[str]  # `Y is outperformed by X`
    leading: frozenset[str]  # `Compared to Y, X ...`


class Patterns(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    propose_cues: frozenset[str]
    naming_cues: frozenset[str]
    compare_cues: frozenset[str]
    comparison_cues: ComparisonCues
    train_cues: frozenset[str]
    generic_terms: frozenset[str]
    not_names: frozenset[str]
    name_tail_words: frozenset[str]
    name_variant_words: frozenset[str]  # `Large` in `MobileNetV3 Large`: part of the name
    dataset_heads: frozenset[str]
    model_heads: frozenset[str]
    method_heads: frozenset[str]
    metric_heads: frozenset[str]  # `... Score`, `... Index`: a new name that ends with one is a metric
    phrase_class_words: frozenset[str]  # `a symmetric clipping method`: the words before name a method
    new_name_written_with_heads: frozenset[str]  # `DiffQKV attention`: the same, for new names
    written_with_heads: frozenset[str]  # `the ETD Dataset`: a name with the word after it is a form of it
    units: dict[str, str]  # surface form -> the unit results carry (`percent` -> `%`)
    numeric_only_metrics: frozenset[str]
    dataset_name_shapes: tuple[str, ...]  # regular expressions
    model_name_shapes: tuple[str, ...]
    vague_heads: frozenset[str]
    described_heads: frozenset[str]
    title_openers: frozenset[str]
    not_entities: frozenset[str]
    lower_is_better_metrics: frozenset[str]
    phrase_heads: dict[NodeType, frozenset[str]]  # head words of lowercase multi-word names, by type
    phrase_stop_words: frozenset[str]  # words that end such a name on its left
    decision_cue_words: frozenset[str]  # sentence words the decision model looks at
    setup_count_words: frozenset[str]  # a count right after one describes the setup, not a result

    @classmethod
    def load(cls, path: Path) -> Patterns:
        data = read_json(path)
        if not isinstance(data, dict):
            raise InputError(path, "expected a JSON object of word lists")
        try:
            return cls.model_validate({k: v for k, v in data.items() if not k.startswith("_")})
        except ValidationError as e:
            first = e.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise InputError(path, f"{where}: {first['msg']} ({e.error_count()} problem(s))") from None


@dataclass(frozen=True)
class WordLists:
    """What kg reads of a corpus of abstracts: word lists (`ontology/make_common_words.py` makes
    them) and word classes (`ontology/make_word_clusters.py`)."""

    common: frozenset[str]  # written mostly in lower case: `common_words.txt`
    transitive: frozenset[str]  # take an object, verbs and prepositions: `transitive_words.txt`
    clusters: Mapping[str, str]  # word -> its class (`c17`) of words written in like contexts
    clusters_digest: str  # of `word_clusters.tsv`: a decision model records the one it learned with

    @classmethod
    def load(cls, paths: DataPaths) -> WordLists:
        clusters, digest = read_clusters(paths.word_clusters)
        return cls(read_words(paths.common_words), read_words(paths.transitive_words), clusters, digest)


def read_clusters(path: Path) -> tuple[Mapping[str, str], str]:
    """`word_clusters.tsv` (`ontology/make_word_clusters.py` makes it): `word<TAB>class` a line,
    lowercase words; lines that start with `#` are comments. Also the file's digest (SHA-256)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file (make it with ontology/make_word_clusters.py)") from None
    clusters = {}
    for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        word, tab, cluster = line.partition("\t")
        if not tab or not word or word != word.lower() or not cluster.isdecimal():
            raise InputError(
                path, f"expected lowercase word<TAB>class number, got {line.strip()!r}", line=number
            )
        clusters[word] = f"c{int(cluster)}"  # spelled as the model's features spell it
    if not clusters:
        raise InputError(path, "no word classes (make them with ontology/make_word_clusters.py)")
    return MappingProxyType(clusters), hashlib.sha256(data).hexdigest()[:16]


def read_words(path: Path) -> frozenset[str]:
    """A word list: one word a line; lines that start with `#` are comments."""
    with open(path, encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip() and not line.startswith("#"))
