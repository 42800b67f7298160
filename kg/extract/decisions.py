"""The learned decisions: for each candidate entity of a paper, whether it is an entity, its type,
and the roles it plays for the paper.

The rules (vocabulary, name patterns, cue words) propose candidates and a first guess; a linear
model trained on annotated abstracts (`training/train_decisions.py`, data in `training/data/`)
decides from features of the candidate: its form, the words around it, what the vocabulary and
the rules say of it, the cue words of its sentences, and the classes of words the corpus writes
alike (`ontology/word_clusters.tsv`). The model is a JSON file of weights by
feature name (`ontology/models/decisions.json`), so that it ships as data, loads without
scikit-learn, and gives the same answer on every machine.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, groupby, repeat
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kg.errors import InputError
from kg.extract.results import Number, SubjectOptions, rule_choice, rule_keep
from kg.io import read_json
from kg.schema import NodeType, Role

if TYPE_CHECKING:
    from kg.extract.grouping import Found, Group

NONE = "none"  # the entity label of a candidate that is no entity
ENTITY_LABELS = (NONE, *(str(t) for t in (NodeType.METHOD, NodeType.MODEL, NodeType.DATASET,
                                           NodeType.HARDWARE, NodeType.METRIC, NodeType.TASK)))  # fmt: skip
# the roles the model decides; the others follow from the type (a metric is measured, ...)
DECIDED_ROLES = (Role.PROPOSES, Role.USES, Role.COMPARES_WITH, Role.EVALUATED_ON)
ROLES_ONLY = "roles_only:"  # the prefix of the features the entity model does not read
NEIGHBOUR_CLASS_PREFIXES = tuple(
    tuple(f"{ROLES_ONLY}{name}_class=" for name in side)
    for side in (("before", "prev", "prev2"), ("after", "next", "next2"))
)
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
    """The models: the entity label of a candidate (`entity`), and each decided role's yes or no
    (`roles`, one log-odds per role), applied at once: their weights are the columns of one
    matrix, and a paper's candidates are scored with one gather and one sum. Then, for the numbers
    a paper reports, whose number each is (`subjects`) and whether it is a result at all
    (`results`); without these two, the rules decide."""

    def __init__(
        self,
        entity: LinearModel,
        roles: LinearModel,
        subjects: LinearModel | None = None,
        results: LinearModel | None = None,
        word_classes: str | None = None,
    ) -> None:
        self.entity, self.roles, self.subjects, self.results = entity, roles, subjects, results
        # the digest of the word classes it was trained with (`WordLists.clusters_digest`): their
        # numbers are arbitrary, so a model read with other classes would read its features wrong
        self.word_classes = word_classes
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
        self.role_members = tuple(Role(c) for c in roles.classes)

    @classmethod
    def load(cls, path: Path) -> DecisionModel:
        data = read_json(path, missing="no such file (train one with training/train_decisions.py)")
        try:
            subjects = LinearModel.from_json(data["subjects"]) if "subjects" in data else None
            results = LinearModel.from_json(data["results"]) if "results" in data else None
            entity, roles = LinearModel.from_json(data["entity"]), LinearModel.from_json(data["roles"])
            return cls(entity, roles, subjects, results, data.get("word_classes"))
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(path, f"not a decision model ({e})") from None

    def to_json(self) -> dict:
        out: dict[str, object] = {"entity": self.entity.to_json(), "roles": self.roles.to_json()}
        if self.subjects is not None:
            out["subjects"] = self.subjects.to_json()
        if self.results is not None:
            out["results"] = self.results.to_json()
        if self.word_classes is not None:
            out["word_classes"] = self.word_classes
        return out

    def keep_result(self, number: Number, features: list[str]) -> bool:
        """Whether a number the rules read is a result (`kg.extract.results.result_features`): the
        result model's log-odds, summed in the features' fixed order, is not below 0; the rules'
        answer without that model."""
        if self.results is None:
            return rule_keep(number, features)
        weights = self.results.weights
        return self.results.bias[0] + sum(weights[f][0] for f in features if f in weights) >= 0

    def choose_subject(self, number: Number, options: SubjectOptions) -> str | None:
        """The subject of a reported number (`kg.extract.results.subject_options`): the option the
        subject model scores highest, the first of equal ones; the rules' choice without that model."""
        if self.subjects is None:
            return rule_choice(number, options)
        weights = self.subjects.weights
        best, best_score = None, 0.0
        for key, feats in options:
            score = sum(weights[f][0] for f in feats if f in weights)  # in the features' fixed order
            if best is None or score > best_score:
                best, best_score = key, score
        return best

    def decide(self, candidates: Sequence[Sequence[str]]) -> list[tuple[str, list[Role]]]:
        """For each candidate (its features): the entity label, and the roles it plays."""
        if not candidates:
            return []
        scores = self._scores(candidates)
        entity, roles = scores[:, : self.split], scores[:, self.split :]
        labels = entity.argmax(axis=1).tolist()  # the first of equal scores, as `max` would take
        likeliest = roles.argmax(axis=1).tolist()
        out = []
        for label, plays, best in zip(labels, (roles > 0).tolist(), likeliest, strict=True):
            chosen = [role for role, yes in zip(self.role_members, plays, strict=True) if yes]
            # every entity plays some role for the paper: the likeliest one
            out.append((self.entity.classes[label], chosen or [self.role_members[best]]))
        return out

    def _scores(self, candidates: Sequence[Sequence[str]]) -> np.ndarray:
        """One row of scores per candidate: the entity classes', then the roles'.

        Each candidate's weights are summed in one fixed order, that of their rows in the matrix: a
        sum of floats depends on its order, and features come in the order of a set of strings,
        which changes with the hash seed of the process. A near tie could otherwise be decided
        one way in one run and the other way in the next."""
        index, unknown = self.index, len(self.index)
        # every feature of the paper looked up at once, in C (`map`), then cut back into candidates
        looked_up = list(map(index.get, chain.from_iterable(candidates), repeat(unknown)))
        rows: list[int] = []
        starts: list[int] = []
        end = 0
        for features in candidates:
            begin, end = end, end + len(features)
            starts.append(len(rows))
            rows += sorted(looked_up[begin:end]) or [unknown]
        gathered = self.matrix.take(_int_array(rows), axis=0)
        return np.add.reduceat(gathered, _int_array(starts), axis=0) + self.bias


def _int_array(ints: list[int]) -> np.ndarray:
    """`ints` as a numpy array: `fromiter` reads a list of ints twice as fast as indexing with the
    list does (for a paper's few hundred feature rows, reading them costs more than the sum)."""
    return np.fromiter(ints, dtype=np.intp, count=len(ints))


# an ASCII name's shape in two calls instead of a loop over its characters (see `_shape`)
ASCII_SHAPES = str.maketrans(
    string.ascii_uppercase + string.ascii_lowercase + string.digits, "X" * 26 + "x" * 26 + "d" * 10
)


def _shape(name: str) -> str:
    """`Llama-2-7B` -> `Xx-d-dX`: letters by case, digits, punctuation kept, runs collapsed."""
    if name.isascii():
        # `groupby` collapses the runs in C; a regex `sub` with the template `\1` expands it in
        # Python at each run (Python 3.11): a new name's features took 1.5 times the instructions
        return "".join(char for char, _ in groupby(name.translate(ASCII_SHAPES)))[:12]
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
    return tuple(f"cue={w}" for w in cue_words.intersection(WORD.findall(sentence.lower())))


def _nearest_cues(sentence: str, start: int, end: int, cue_words: frozenset[str]) -> list[str]:
    """The cue words nearest a mention on each side, within its sentence: `outperforms X` and
    `X outperforms` say different things of X, and `evaluated on X` names a dataset."""
    lowered = sentence.lower()
    out = []
    before = [w for w in WORD.findall(lowered, 0, max(start, 0)) if w in cue_words]
    if before:
        out.append(f"cue<={before[-1]}")
    after = next((w for w in WORD.findall(lowered, end) if w in cue_words), None)
    if after is not None:
        out.append(f"cue>={after}")
    return out


@lru_cache(maxsize=64)
def _vocab_list(name: str) -> str:
    return f"vocab_list={name}"


def _spelled(kind: str, values: Iterable[object]) -> dict[object, str]:
    """`kind=value` for each of a few values, spelled once: formatting an enum member for each
    candidate is slow, and a string made once keeps its hash for the set and the model's index."""
    return {value: f"{kind}={value}" for value in values}


RULE = _spelled("rule", NodeType)
VOCAB = _spelled("vocab", NodeType)
VOCAB_RULE = {(a, b): f"vocab_rule={a}|{b}" for a in NodeType for b in NodeType}
NEW_RULE = _spelled("new_rule", NodeType)
MENTIONS = _spelled("mentions", range(5))
ROLE = _spelled("role", Role)
ROLE_TYPE = {(r, t): f"role_type={r}|{t}" for r in Role for t in NodeType}
FIRST_ROLE = _spelled("first_role", Role)
PATTERN_TYPE = _spelled("pattern_type", NodeType)
LISTED_WITH = _spelled("listed_with", NodeType)
IN_TITLE = _spelled("in_title", NodeType)  # a task named in the title is addressed, a method proposed


def features(
    group: Group,
    founds: list[Found],
    fields: dict[str, str],
    cue_words: frozenset[str],
    clusters: Mapping[str, str],
) -> list[str]:
    """What the model sees of one candidate entity of a paper. `cue_words` (patterns.json's
    `decision_cue_words`) are the sentence words it looks at; `clusters` (`word_clusters.tsv`)
    the classes of words that the corpus writes in like contexts."""
    out = {RULE[group.type], *_name_features(group.name), MENTIONS[min(len(group.places), 4)]}
    add = out.add
    # the classes of the name's last and first words (`WORD` tokens: of `GPT-4`, `gpt-` and `4`):
    # a word no training paper wrote is read like the words of its class (`cifar`, `imagenet` and
    # `mnist` share one)
    name_words = WORD.findall(group.name.lower())
    if name_words:
        add(f"name_cl={clusters.get(name_words[-1], '-')}")
        if len(name_words) > 1:
            add(f"first_cl={clusters.get(name_words[0], '-')}")
    node_type, entry = group.type, group.entry
    if entry is not None:
        add(VOCAB[entry.type])
        add(VOCAB_RULE[entry.type, node_type])
        add(_vocab_list(entry.list_name))  # the curated lists and the common concepts differ
        if entry.ambiguous:
            add("vocab_ambiguous")
    else:
        add("new")
        add(NEW_RULE[node_type])
    if not group.typed:
        add("untyped")
    if group.in_title:
        add("in_title")
        add(IN_TITLE[node_type])
    for role in group.roles:
        add(ROLE[role])
        add(ROLE_TYPE[role, node_type])
    if group.first_role is not None:
        add(FIRST_ROLE[group.first_role])
    for kind in group.listed_with:
        add(LISTED_WITH[kind])
    for f in founds[:CONTEXT_MENTIONS]:
        name = f.name
        if f.generic:
            add("generic")
        if f.not_entity:
            add("not_entity")
        if name is not None:
            if name.long_form:
                add("acronym_defined")
            if name.proposed:
                add("pattern_proposed")
            if name.type is not None:
                add(PATTERN_TYPE[name.type])
            if name.size_of:
                add("sized")
            if name.source:
                add(f"src={name.source}")
        else:
            add("vocab_hit")
        text = fields[f.field]
        start = f.start
        before = [w.lower() for w in reversed(WORD.findall(text, max(0, start - 40), start)[-3:])]
        _add_neighbours(add, before, "before=", "prev=", "prev2=")
        after = [w.lower() for w in WORD.findall(text, f.end, f.end + 40)[:3]]
        _add_neighbours(add, after, "after=", "next=", "next2=")
        _add_neighbour_classes(add, before, after, clusters)
        if f.field == "abstract":
            if start < 200:
                add("early")
        elif f.field == "title":
            add("title_at=start" if start < 3 else "title_at=inside")
    for span in group.spans[:CONTEXT_MENTIONS]:
        out.update(_sentence_cues(span.sentence, cue_words))
        at = span.start - span.sentence_start
        out.update(_nearest_cues(span.sentence, at, at + span.end - span.start, cue_words))
    return list(out)  # the order does not matter to the model (see `DecisionModel._scores`)


def _add_neighbour_classes(
    add: Callable[[str], None], before: list[str], after: list[str], clusters: Mapping[str, str]
) -> None:
    """The classes of the words on each side of a mention, for the role model only: `surpassing X`
    reads like `outperforming X`. The entity model does not read them: there they made a name's
    type vary more from paper to paper (5-fold CV, 300 classes: linking 0.940 -> 0.930)."""
    before_prefixes, after_prefixes = NEIGHBOUR_CLASS_PREFIXES
    _add_neighbours(add, [clusters.get(w, "-") for w in before], *before_prefixes)
    _add_neighbours(add, [clusters.get(w, "-") for w in after], *after_prefixes)


def _add_neighbours(add: Callable[[str], None], words: list[str], each: str, first: str, second: str) -> None:
    """The words on one side of a mention, nearest first: each of them, and the nearest two."""
    for word in words:
        add(each + word)
    if words:
        add(first + words[0])
        if len(words) > 1:
            add(second + words[1])
