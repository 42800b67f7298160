"""Resolution: one node per real entity across all papers.

Vocabulary entities keep their id (`model:sdxl`). A name no vocabulary lists is keyed by its
normalized form (its expansion, for an acronym), and takes the type most papers give it; its id
is the type and the slug of its most common spelling.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.extract.vocabulary import entity_id
from kg.schema import Mention, NodeType, PaperExtraction


@dataclass
class NewEntity:
    types: Counter = field(default_factory=Counter)
    names: Counter = field(default_factory=Counter)


@dataclass
class Resolver:
    """A keyed merge: `add` every paper's extraction (or `merge` two partial resolvers), then
    `resolve` gives each mention its node id, type and name."""

    new: dict[str, NewEntity] = field(default_factory=lambda: defaultdict(NewEntity))

    def add(self, extraction: PaperExtraction) -> None:
        for m in extraction.mentions:
            if not m.in_vocabulary:
                entity = self.new[m.key]
                entity.types[m.type] += 1
                entity.names[m.name] += 1

    def merge(self, other: Resolver) -> None:
        for key, entity in other.new.items():
            mine = self.new[key]
            mine.types.update(entity.types)
            mine.names.update(entity.names)

    def resolve(self, mention: Mention) -> tuple[str, NodeType, str]:
        """The node id, type and canonical name of a mention."""
        if mention.in_vocabulary:
            return mention.key, mention.type, mention.name
        entity = self.new[mention.key]
        node_type = _most_common(entity.types)
        name = _most_common(entity.names)
        return entity_id(node_type, name), node_type, name


def _most_common(counter: Counter):
    # ties go to the first in sort order, so the result does not depend on paper order
    best = max(counter.values())
    return sorted(k for k, v in counter.items() if v == best)[0]


def resolver_for(extractions: Iterable[PaperExtraction]) -> Resolver:
    resolver = Resolver()
    for e in extractions:
        resolver.add(e)
    return resolver
