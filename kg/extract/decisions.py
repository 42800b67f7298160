"""The learned decisions: for each candidate entity of a paper, whether it is an entity, its type,
and the roles it plays for the paper.

The rules (vocabulary, name patterns, cue words) propose candidates and a first guess; a linear
model trained on annotated abstracts (`training/train_decisions.py`, data in `training/data/`)
decides from features of the candidate: its form, the words around it, what the vocabulary and
the rules say of it, and the cue words of its sentences. The model is a JSON file of weights by
feature name (`ontology/models/decisions.json`), so that it ships as data, loads without
scikit-learn, and gives the same answer on every machine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kg.errors import InputError
from kg.io import read_json
from kg.schema import NodeType, Role

if TYPE_CHECKING:
    from kg.extract.grouping import Found, Group

NONE = "none"  # the entity label of a candidate that is no entity
ENTITY_LABELS = (NONE, *(str(t) for t in (NodeType.METHOD, NodeType.MODEL, NodeType.DATASET,
                                           NodeType.HARDWARE, NodeType.METRIC, NodeType.TASK)))  # fmt: skip
# the roles the model decides; the others follow from the type (a metric is measured, ...)
DECIDED_ROLES = (Role.PROPOSES, Role.USES, Role.COMPARES_WITH, Role.EVALUATED_ON)
CONTEXT_MENTIONS = 3  # the first mentions of a candidate say enough of its context
WORD = re.compile(r"[A-Za-z][A-Za-z\-]*|\d+")


@dataclass(frozen=True)
class LinearModel:
    """Weights by feature name for each class; a candidate's score for a class is the sum of the
    weights of its features plus the class's bias."""

    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    def to_json(self) -> dict:
        return {"classes": list(self.classes), "bias": list(self.bias),
                "weights": {k: list(v) for k, v in sorted(self.weights.items())}}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict) -> LinearModel:
        return cls(
            tuple(data["classes"]),
            tuple(data["bias"]),
            {k: tuple(v) for k, v in data["weights"].items()},
        )


class DecisionModel:
    """The two models: the entity label of a candidate (`entity`), and each decided role's yes or
    no (`roles`, one log-odds per role). Both are applied at once: their weights are the columns of
    one matrix, and a paper's candidates are scored with one gather and one sum."""

    def __init__(self, entity: LinearModel, roles: LinearModel) -> None:
        self.entity, self.roles = entity, roles
        names = sorted(set(entity.weights) | set(roles.weights))
        self.index = {name: i for i, name in enumerate(names)}
        width = len(entity.classes) + len(roles.classes)
        matrix = np.zeros((len(names) + 1, width))  # the last row: features the model has no weight for
        for name, i in self.index.items():
            matrix[i, : len(entity.classes)] = entity.weights.get(name, 0.0)
            matrix[i, len(entity.classes) :] = roles.weights.get(name, 0.0)
        self.matrix = matrix
        self.bias = np.array([*entity.bias, *roles.bias])
        self.split = len(entity.classes)

    @classmethod
    def load(cls, path: Path) -> DecisionModel:
        data = read_json(path, missing="no such file (train one with training/train_decisions.py)")
        try:
            return cls(LinearModel.from_json(data["entity"]), LinearModel.from_json(data["roles"]))
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(path, f"not a decision model ({e})") from None

    def to_json(self) -> dict:
        return {"entity": self.entity.to_json(), "roles": self.roles.to_json()}

    def decide(self, candidates: Sequence[Sequence[str]]) -> list[tuple[str, list[Role]]]:
        """For each candidate (its features): the entity label, and the roles it plays."""
        if not candidates:
            return []
        unknown = len(self.index)
        rows = [[self.index.get(f, unknown) for f in feats] or [unknown] for feats in candidates]
        starts = np.cumsum([0, *(len(r) for r in rows[:-1])])
        scores = np.add.reduceat(self.matrix[[i for r in rows for i in r]], starts, axis=0) + self.bias
        out = []
        entity_classes, role_classes = self.entity.classes, self.roles.classes
        for row in scores.tolist():
            entity, roles = row[: self.split], row[self.split :]
            label = entity_classes[max(range(len(entity)), key=entity.__getitem__)]
            chosen = [Role(c) for c, x in zip(role_classes, roles, strict=True) if x > 0]
            if not chosen:  # every entity plays some role for the paper: the likeliest one
                chosen = [Role(role_classes[max(range(len(roles)), key=roles.__getitem__)])]
            out.append((label, chosen))
        return out


def _shape(name: str) -> str:
    """`Llama-2-7B` -> `Xx-d-dX`: letters by case, digits, punctuation kept, runs collapsed."""
    out: list[str] = []
    for ch in name:
        kind = "X" if ch.isupper() else "x" if ch.isalpha() else "d" if ch.isdigit() else ch
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)[:12]


@lru_cache(maxsize=1 << 16)  # the same names come back in paper after paper
def _name_features(name: str) -> tuple[str, ...]:
    words = name.split()
    last = words[-1].lower() if words else ""
    out = [
        f"shape={_shape(name)}",
        f"nwords={min(len(words), 5)}",
        f"last={last}",
        f"first={words[0].lower() if words else ''}",
        f"suffix={last[-4:]}",
        f"suffix3={last[-3:]}",
        f"prefix3={words[0][:3].lower() if words else ''}",
        *(f"word={w.lower()}" for w in words[:6]),
    ]
    if name.islower():
        out.append("lowercase")
    if name.isupper():
        out.append("allcaps")
    return tuple(out)


@lru_cache(maxsize=1 << 12)  # a sentence names several candidates
def _sentence_cues(sentence: str, cue_words: frozenset[str]) -> tuple[str, ...]:
    return tuple(f"cue={w}" for w in WORD.findall(sentence.lower()) if w in cue_words)


def features(
    group: Group, founds: list[Found], fields: dict[str, str], cue_words: frozenset[str]
) -> list[str]:
    """What the model sees of one candidate entity of a paper. `cue_words` (patterns.json's
    `decision_cue_words`) are the sentence words it looks at."""
    out = [f"rule={group.type}", *_name_features(group.name)]
    if group.entry is not None:
        out.append(f"vocab={group.entry.type}")
        out.append(f"vocab_rule={group.entry.type}|{group.type}")
        if group.entry.ambiguous:
            out.append("vocab_ambiguous")
    else:
        out.append("new")
        out.append(f"new_rule={group.type}")
    if not group.typed:
        out.append("untyped")
    if group.in_title:
        out.append("in_title")
    out.append(f"mentions={min(len(group.places), 4)}")
    for role in group.roles:
        out.append(f"role={role}")
        out.append(f"role_type={role}|{group.type}")
    if group.first_role is not None:
        out.append(f"first_role={group.first_role}")
    for f in founds[:CONTEXT_MENTIONS]:
        if f.generic:
            out.append("generic")
        if f.name is not None:
            if f.name.long_form:
                out.append("acronym_defined")
            if f.name.proposed:
                out.append("pattern_proposed")
            if f.name.type is not None:
                out.append(f"pattern_type={f.name.type}")
            if f.name.size_of:
                out.append("sized")
            if f.name.source:
                out.append(f"src={f.name.source}")
        else:
            out.append("vocab_hit")
        text = fields[f.field]
        before = WORD.findall(text[max(0, f.start - 40) : f.start])[-3:]
        after = WORD.findall(text[f.end : f.end + 40])[:3]
        out.extend(f"before={w.lower()}" for w in before)
        out.extend(f"after={w.lower()}" for w in after)
        if f.field == "abstract" and f.start < 200:
            out.append("early")
        if before:
            out.append(f"prev={before[-1].lower()}")
        if len(before) > 1:
            out.append(f"prev2={before[-2].lower()}")
        if after:
            out.append(f"next={after[0].lower()}")
        if len(after) > 1:
            out.append(f"next2={after[1].lower()}")
        if f.field == "title":
            out.append(f"title_at={'start' if f.start < 3 else 'inside'}")
    for span in group.spans[:CONTEXT_MENTIONS]:
        out.extend(_sentence_cues(span.sentence, cue_words))
    return list(set(out))  # order does not matter to a sum
