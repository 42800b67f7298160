"""Resolution: one node per real entity across all papers, as a keyed merge that can grow.

A vocabulary entity keeps its id (`model:sdxl`). A name no vocabulary lists is keyed by its
normalized form (its expansion, for an acronym); the key gets its node id the first time a paper
names it (the type and slug of that first name), and keeps it, so adding papers never renames a
node. Its type is that first paper's too, and never changes either, so that the edges every
paper writes to it agree with it (see `GraphWriter.add`); its name is the one most papers give
it, and its aliases every spelling seen. Adding papers in one go or day by day therefore gives
the same graph, which is what `kg build --update` relies on.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from kg.errors import InputError
from kg.extract.text import NEW_KEY, new_key
from kg.extract.vocabulary import Entry
from kg.graph import format as fmt
from kg.ids import entity_id, slug
from kg.io import atomic_file, no_gc

STATE_VERSION = 1


@dataclass
class Entity:
    """Everything the papers so far say about one entity node."""

    types: dict[str, int] = field(default_factory=dict)  # type -> papers' mentions saying it
    names: dict[str, int] = field(default_factory=dict)
    surfaces: set[str] = field(default_factory=set)
    fixed: tuple[str, str] | None = None  # a vocabulary entry's own type and name

    def node_type(self) -> str:
        """Its vocabulary entry's type, or the type of the first paper that named it (`types`
        keeps the order types were first seen in, state.json included). A type, like an id, never
        changes once given: every paper's edges to the node (`addresses` a task, `evaluated on` a
        dataset) are written to agree with it, and stay right as papers are added."""
        return self.fixed[0] if self.fixed else next(iter(self.types))

    def node(self, node_id: str, known_aliases: Iterable[str] = ()) -> fmt.Node:
        """The node as graph.json holds it. Its aliases are the forms papers used and
        `known_aliases`, the vocabulary's, so that a name people type finds it ("A100" for
        NVIDIA A100) though no paper spelled it so."""
        node_type, name = self.fixed or (self.node_type(), _most_common(self.names))
        aliases = sorted((self.surfaces | set(known_aliases)) - {name})
        return fmt.entity_node(node_id, node_type, name, aliases, self.fixed is not None)

    def to_json(self) -> list[Any]:
        return [self.types, self.names, sorted(self.surfaces), self.fixed]

    @classmethod
    def from_json(cls, data: list[Any]) -> Entity:
        types, names, surfaces, fixed = data
        return cls(types, names, set(surfaces), tuple(fixed) if fixed else None)


def _most_common(counter: dict[str, int]) -> str:
    # ties go to the first in sort order, so the result does not depend on paper order
    best = max(counter.values())
    return min(k for k, v in counter.items() if v == best)


@dataclass
class Resolver:
    """The merge state: which node each key is, what each node is, which papers are in."""

    ids: dict[str, str] = field(default_factory=dict)  # mention key -> node id
    # node id -> what papers say; entries loaded from state.json stay in their JSON form until
    # a paper touches them, so that `--update` pays only for the entities a day names
    entities: dict[str, Entity | list] = field(default_factory=dict)
    repositories: dict[str, str] = field(default_factory=dict)  # node id -> first URL seen
    broader: set[tuple[str, str]] = field(default_factory=set)  # (child id, parent id)
    papers: set[str] = field(default_factory=set)
    token: str = ""  # the build whose graph.json this state belongs to
    counts: dict[str, int] = field(default_factory=dict)  # nodes and edges in that graph.json

    def node_id(self, mention: fmt.MentionRecord) -> str:
        """The node of a mention, given its id on first sight."""
        key = mention["key"]
        node_id = self.ids.get(key)
        if node_id is None:
            vocabulary = mention["in_vocabulary"]
            node_id = key if vocabulary else entity_id(mention["type"], mention["name"])
            if not vocabulary and node_id in self.entities and key != new_key(mention["name"]):
                # an acronym another paper defines otherwise (`SAM`: State-Adaptive Memory here,
                # SaM there): keyed by its expansion, it is another thing, and gets an id of its own,
                # `method:sam--state-adaptive-memory` (a slug never holds `--`, so no name takes it)
                expansion = max(
                    mention["aliases"], key=lambda a: (len(a), a), default=key.removeprefix(NEW_KEY)
                )
                node_id = f"{node_id}--{slug(expansion) or 'x'}"
                suffixed = (f"{node_id}-{n}" for n in itertools.count(2))
                node_id = next(c for c in itertools.chain([node_id], suffixed) if c not in self.entities)
            self.ids[key] = node_id
        return node_id

    def entity(self, node_id: str) -> Entity:
        entity = self.entities.get(node_id)
        if entity is None:
            entity = self.entities[node_id] = Entity()
        elif not isinstance(entity, Entity):
            entity = self.entities[node_id] = Entity.from_json(entity)
        return entity

    def add_mention(self, node_id: str, mention: fmt.MentionRecord) -> None:
        entity = self.entity(node_id)
        node_type, name = mention["type"], mention["name"]
        if mention["in_vocabulary"] and node_id == mention["key"]:
            entity.fixed = (node_type, name)
        types, names = entity.types, entity.names
        types[node_type] = types.get(node_type, 0) + 1
        names[name] = names.get(name, 0) + 1
        entity.surfaces.add(name)
        entity.surfaces.update(mention["aliases"])

    def add_parent(self, entry: Entry) -> None:
        """A vocabulary family that a mention belongs to, named or not."""
        self.entity(entry.id).fixed = (str(entry.type), entry.name)

    def add_broader(self, child: str, parent: str) -> bool:
        """Record a family link; True when it is new."""
        if (child, parent) in self.broader:
            return False
        self.broader.add((child, parent))
        return True

    def add_repository(self, node_id: str, url: str) -> bool:
        if node_id in self.repositories:
            return False
        self.repositories[node_id] = url
        return True

    def save(self, path: Path, token: str) -> None:
        self.token = token
        data = {
            "version": STATE_VERSION,
            "build": token,
            "counts": self.counts,
            "ids": self.ids,
            "entities": {k: e.to_json() if isinstance(e, Entity) else e for k, e in self.entities.items()},
            "repositories": self.repositories,
            "broader": sorted(self.broader),
            "papers": sorted(self.papers),
        }
        with atomic_file(path, "wb") as f:
            f.write(orjson.dumps(data))  # compact UTF-8, as json.dumps with no spaces, 10x faster

    @classmethod
    def load(cls, path: Path) -> Resolver:
        try:
            with open(path, "rb") as f, no_gc():
                # the state of the 103k graph is 30 MB of small dicts and strings: orjson with
                # the cyclic collector paused parses it in a third of json.load's time (0.3 s)
                data = orjson.loads(f.read())
        except FileNotFoundError:
            raise InputError(path, "no build state here: build this folder with `kg build` first") from None
        except orjson.JSONDecodeError:
            raise InputError(path, "build state is unreadable: rebuild this folder with `kg build`") from None
        if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
            raise InputError(path, "build state from another kg version: rebuild this folder with `kg build`")
        return cls(
            ids=data["ids"],
            entities=data["entities"],
            repositories=data["repositories"],
            broader={(c, p) for c, p in data["broader"]},
            papers=set(data["papers"]),
            token=data["build"],
            counts=data.get("counts", {}),
        )
