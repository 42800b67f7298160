"""The role an entity plays for a paper, read from the cue words of the sentence naming it."""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.patterns import Patterns
from kg.extract.text import CaselessPattern, word_tree
from kg.schema import ROLE_OF_TYPE, NodeType, Role

COMPARE_WINDOW = 200  # characters after a comparison cue that still belong to it
# a new clause ends the reach of a comparison cue: `..., demonstrating that X is critical`
CLAUSE_BREAK = re.compile(
    r";|, (?:while|whereas|which|demonstrating|showing|indicating|suggesting|revealing|and we)\b"
)
AUTHOR_SUBJECT = CaselessPattern(
    r"\b(?:we|this (?:paper|work|study|report|article)|our (?:work|paper|study)|in this (?:paper|work))\b"
)


def _alternation(words: frozenset[str]) -> str:
    """A regex of any of `words`, whole, to search ignoring case. The words are merged into a tree
    by their common beginnings (`pr(?:esent|opose)`) and a lookahead names the possible first
    letters: the regex engine then rejects most places at once instead of trying every word at
    each. Cue patterns only answer whether a cue occurs, so which of two overlapping words is taken
    does not matter.
    """
    if not all(words):  # an empty cue: nothing to look ahead for
        return rf"\b{word_tree(words)}\b"
    first_letters = "".join(sorted({re.escape(w[0]) for w in words}))
    return rf"\b(?=[{first_letters}]){word_tree(words)}\b"


OUR_WORK = re.compile(
    r"\bour (?:\w+ ){0,2}(?:approach|method|framework|model|system|pipeline|algorithm|technique|"
    r"design|solution)s?\b",
    re.I,
)


PROPOSED_OBJECT = CaselessPattern(
    r"\b(?:propose|introduce|present|develop|release|design)[sd]?\s+(?:(?:a|an|the)\s+)?$"
)
NOVEL_BEFORE = CaselessPattern(r"\b(?:novel|new|our)\s+(?:\S+\s+){0,2}$")
# `our new X`, `the proposed X`: right before a name, whatever came before them
OWN_JUST_BEFORE = CaselessPattern(r"\b(?:novel|new|our|proposed)\s+(?:\S+\s+)?$")
# `we propose a simple and effective remedy, SGDP`: the name stands in apposition
PROPOSED_APPOSITION = re.compile(
    r"\b(?:propose|introduce|present|develop|discover)[sd]?\s+(?:(?:a|an|the)\s+)?(?:[\w\-]+\s+){0,5}[\w\-]+,\s+$",
    re.I,
)


def is_named_apposition(before: str) -> bool:
    """`we propose a simple remedy, X` or `discovers an optimizer, X`: X names what is proposed."""
    return _apposition(before[-80:])


def _apposition(before: str) -> bool:
    # the pattern ends in a comma and spaces: most names stand elsewhere, and need no search
    rest = before.rstrip()
    return rest != before and rest.endswith(",") and bool(PROPOSED_APPOSITION.search(before))


def is_proposed_object(before: str) -> bool:
    """Whether the words right before a name make it the object of `introduce` or `novel`."""
    return _is_proposed_object(before[-80:])


@lru_cache(maxsize=256)  # one mention asks up to three times
def _is_proposed_object(before: str) -> bool:
    if not before[-1:].isspace():
        return False  # each of the patterns ends in a space, as after `we propose a`
    return bool(
        PROPOSED_OBJECT.search(before[-40:]) or NOVEL_BEFORE.search(before[-40:]) or _apposition(before[-80:])
    )


def combine_roles(node_type: NodeType, roles: set[Role]) -> list[Role]:
    """One paper's roles for an entity from all its mentions: what the paper proposes it only
    proposes, but a dataset it makes is also evaluated on or trained on where a mention says so."""
    if Role.PROPOSES in roles:
        keep = {Role.PROPOSES}
        if node_type == NodeType.DATASET:
            keep |= roles & {Role.EVALUATED_ON, Role.USES}
        return sorted(keep)
    return sorted(roles)


class RoleCues:
    """The cue words that decide roles (`propose`, `compare`, `train`), compiled once."""

    def __init__(self, patterns: Patterns) -> None:
        self.cues = self.cue_patterns(patterns)

    @staticmethod
    def cue_patterns(p: Patterns) -> dict[str, CaselessPattern]:
        return {
            "propose": CaselessPattern(_alternation(p.propose_cues)),
            # one search for either of the two signs that alone make a proposal sentence
            "naming_or_our_work": CaselessPattern(f"{_alternation(p.naming_cues)}|{OUR_WORK.pattern}"),
            "compare": CaselessPattern(_alternation(p.compare_cues)),
            "train": CaselessPattern(_alternation(p.train_cues)),
        }

    def is_proposal_sentence(self, sentence: str) -> bool:
        """`We propose ...`, `This paper introduces ...`, `..., dubbed X`, `Our approach has X`."""
        cues = self.cues
        if cues["naming_or_our_work"].search(sentence):
            return True
        return AUTHOR_SUBJECT.search(sentence) and cues["propose"].search(sentence)

    def compare_cue_before(self, sentence: str, offset: int) -> bool:
        """Whether a comparison cue stands shortly before `offset` in the sentence."""
        window = CLAUSE_BREAK.split(sentence[max(0, offset - COMPARE_WINDOW) : offset])[-1]
        return self.cues["compare"].search(window)

    def train_cue_before(self, sentence: str, offset: int) -> bool:
        return self.cues["train"].search(sentence[max(0, offset - 60) : offset])

    def role_of_mention(
        self, node_type: NodeType, sentence: str, offset: int, is_new: bool, proposal: bool
    ) -> Role:
        """The role one mention gives its entity. `offset` is the mention's place in the sentence."""
        if node_type == NodeType.TASK:
            # a task a paper names is one it addresses, even its title's own phrase (`a framework
            # for Old Photo Colorization`): annotators mark 11 of the 831 tasks named in a title
            # proposed (training/README.md)
            return Role.ADDRESSES
        if is_new and proposal:
            # `our method surpasses OmniRe`: a new name a comparison cue points at is the baseline
            # (`surpasses our new X` still proposes X; `our method surpasses X` does not)
            if not self.compare_cue_before(sentence, offset):
                return Role.PROPOSES
            before = sentence[max(0, offset - 40) : offset]
            if PROPOSED_OBJECT.search(before) or OWN_JUST_BEFORE.search(before):
                return Role.PROPOSES
        if node_type in (NodeType.HARDWARE, NodeType.METRIC):
            return ROLE_OF_TYPE[node_type]
        if node_type == NodeType.DATASET:
            return Role.USES if self.train_cue_before(sentence, offset) else Role.EVALUATED_ON
        if self.compare_cue_before(sentence, offset):
            return Role.COMPARES_WITH
        return Role.USES
