"""Candidate entities of one paper: each place a name stands (`Found`), and the places grouped
into one candidate per entity (`Group`), which the decisions, roles and results then read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.extract.names import Name
from kg.extract.vocabulary import Entry
from kg.schema import NodeType, Paper, Role


@dataclass(slots=True)
class Found:
    """One place a name stands, before mentions of the same entity are grouped."""

    field: str
    start: int
    end: int
    surface: str
    entry: Entry | None
    name: Name | None = None
    key: str = ""
    type: NodeType | None = None
    generic: bool = False  # a word list calls it generic: only a decision model may keep it
    not_entity: bool = False  # `not_entities` lists it (a sensor, a modality, a unit): generic too


@dataclass(slots=True)
class MentionSpan:
    """Where one mention of a candidate stands, with the fields of `Span`. Every candidate has
    them; the pydantic `Span`s, which cost more to make, are made only for the mentions that
    extraction keeps (see `kg.extract._mention`)."""

    field: str
    start: int
    end: int
    sentence: str
    sentence_start: int


@dataclass(slots=True)
class Group:
    key: str
    type: NodeType
    name: str
    entry: Entry | None
    aliases: dict[str, None] = field(default_factory=dict)
    roles: set[Role] = field(default_factory=set)
    spans: list[MentionSpan] = field(default_factory=list)
    places: list[tuple[str, int, int]] = field(default_factory=list)
    typed: bool = True
    votes: dict[NodeType, int] = field(default_factory=dict)  # (a Counter costs more to make)
    in_title: bool = False
    family: list[str] = field(default_factory=list)  # vocabulary ids of a new version's family
    first_role: Role | None = None  # the role of the first mention in the abstract
    # the vocabulary's types of the names it is listed with (`on MMLU, GSM8K and FooBench`)
    listed_with: set[NodeType] = field(default_factory=set)


@dataclass
class Candidates:
    """What the rules find in one paper, before the decisions: every place a name stands, and the
    candidate entities they make."""

    paper: Paper
    fields: dict[str, str]  # "title" and "abstract"
    sentence_spans: dict[str, list[tuple[int, int]]]
    found: list[Found]
    groups: dict[str, Group]  # by resolution key

    @property
    def found_by_key(self) -> dict[str, list[Found]]:
        by_key: dict[str, list[Found]] = {key: [] for key in self.groups}
        for f in self.found:
            if f.key in by_key:
                by_key[f.key].append(f)
        return by_key


def abstract_places(groups: Iterable[Group]) -> list[tuple[int, int, Group]]:
    """Where each candidate stands in the abstract, in order: what results and comparisons read."""
    return sorted(
        ((start, end, g) for g in groups for field_name, start, end in g.places if field_name == "abstract"),
        key=lambda place: place[0],
    )
