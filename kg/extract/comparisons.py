"""Comparisons a sentence states between two named things: `X outperforms Y on D` makes X the
challenger, Y the baseline and D the dataset.

A paper's COMPARES_WITH role only says that the paper compares against something; which of the
things it names is compared with which is read here, from the sentence alone:
- the cue words (`patterns.json`'s `comparison_cues`) split the sentence: the challenger stands
  before a forward cue (`outperforms`, `better than`, `vs`), the baselines after it, listed one
  after the other (`outperforms A, B and C`); a close cue (`over`, `against`) is one only where a
  name follows within a few words; a reversed cue (`is outperformed by`) turns that
  round, and a leading cue (`Compared to Y, X ...`) names the baselines before the first comma;
- the challenger is, in this order: what the paper proposes when the sentence names it before the
  cue; the paper's own method when the sentence speaks of it (`our method`, `we`); else the first
  model or method of the clause before the cue;
- only models and methods are compared; the dataset is the first one the sentence names.

A sentence that names no challenger or no baseline gives no comparison: a missed comparison costs
less than a false one, since `kg query compared-with` answers from these alone.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from kg.extract.grouping import Group
from kg.extract.patterns import ComparisonCues
from kg.extract.text import CaselessPattern, word_tree
from kg.schema import ComparisonClaim, NodeType, Role, Span

COMPARED_TYPES = frozenset({NodeType.MODEL, NodeType.METHOD})
# where the clause of a challenger ends, looking back from the cue
CLAUSE_START = re.compile(r";|,\s+(?:while|whereas|but|although|though)\b|\b(?:while|whereas)\b", re.I)
# the sentence names the paper's own work: `our method`, `the proposed framework`
OWN_WORK = re.compile(
    r"\b(?:our|the proposed|the resulting|this) (?:[\w\-]+ ){0,2}(?:approach|method|framework|model|"
    r"system|pipeline|algorithm|technique|design|solution|agent|architecture|policy|network)s?\b",
    re.I,
)
# the sentence only points at the authors or at what it spoke of before: `we`, `it`, `ours`
OWN_SUBJECT = re.compile(r"\b(?:we|it|ours)\b", re.I)
FIRST_BASELINE_GAP = 80  # characters from the cue to the first baseline at most
CLOSE_BASELINE_GAP = 40  # the same after a `close` cue (`over`, `against`)
# no two neighbouring quantifiers take the same characters: a long gap is read once, not tried in
# every split (benchmarks/regex_guard.py)
LIST_GAP = re.compile(r"^[\s,]*(?:(?:and|or|as well as|&)[\s,]+)?(?:(?:the|a|an)\s+)?$", re.I)
ASIDE = re.compile(r"\s*\([^()]*\)")  # `Normal RAG (33.0) and Agentic RAG`: the numbers aside
# a gap that leaves the cue's reach: a new clause, a sentence of its own in parentheses
GAP_BREAK = re.compile(r"[;:.()]|,\s+(?:while|whereas|but|which|and)\b|\b(?:while|whereas|whereby)\b", re.I)
LEADING_REACH = 12  # characters before a leading cue (`In contrast to`, `When compared to`)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a candidate stands in a sentence (offsets in the sentence)."""

    start: int
    end: int
    group: Group


def _cue_pattern(cues: Iterable[str]) -> re.Pattern[str]:
    # `(?!\w)` rather than `\b`: a cue may end in a dot (`vs.`). The lookahead names the possible
    # first letters: the regex engine then rejects most places at once (see roles._alternation).
    cues = list(cues)
    if not all(cues):  # an empty cue: nothing to look ahead for
        return re.compile(rf"\b(?:{word_tree(cues)})(?!\w)", re.I)
    first_letters = "".join(sorted({re.escape(c[0]) for c in cues}))
    return re.compile(rf"\b(?=[{first_letters}])(?:{word_tree(cues)})(?!\w)", re.I)


class ComparisonReader:
    """Reads the comparisons of a paper's abstract; the cue patterns are compiled once."""

    def __init__(self, cues: ComparisonCues) -> None:
        self.forward = _cue_pattern(cues.forward)
        self.close = _cue_pattern(cues.close)
        self.reversed = _cue_pattern(cues.reversed)
        self.leading = _cue_pattern(cues.leading)
        self.any_cue = _cue_pattern(cues.forward | cues.close | cues.reversed | cues.leading)
        # the same, searched faster where only whether a sentence has a cue counts
        self.has_cue = CaselessPattern(self.any_cue.pattern)

    def comparisons(
        self, abstract: str, spans: list[tuple[int, int]], places: list[tuple[int, int, Group]]
    ) -> list[ComparisonClaim]:
        """The comparisons the abstract's sentences state, once per challenger, baseline and dataset
        (`places`: where each candidate stands, `abstract_places`)."""
        if not places:
            return []
        own = next((g for *_, g in places if Role.PROPOSES in g.roles and g.type in COMPARED_TYPES), None)
        place_starts = [a for a, _, _ in places]
        claims: list[ComparisonClaim] = []
        seen: set[tuple[str, str, str | None]] = set()
        for s0, s1 in spans:
            sentence = abstract[s0:s1]
            if not self.has_cue.search(sentence):  # most sentences compare nothing
                continue
            # the places that start in the sentence (`places` is sorted), of those the ones that end in it
            lo, hi = bisect_left(place_starts, s0), bisect_right(place_starts, s1)
            inside = [Place(a - s0, b - s0, g) for a, b, g in places[lo:hi] if b <= s1]
            compared = [p for p in inside if p.group.type in COMPARED_TYPES]
            if not compared:
                continue
            dataset = next((p.group.key for p in inside if p.group.type == NodeType.DATASET), None)
            for challenger, baseline, text_start, text_end in self._pairs(sentence, compared, own):
                key = (challenger.key, baseline.key, dataset)
                if challenger.key == baseline.key or key in seen:
                    continue
                seen.add(key)
                claims.append(
                    ComparisonClaim(
                        challenger=challenger.key,
                        baseline=baseline.key,
                        dataset=dataset,
                        text=sentence[text_start:text_end],
                        span=Span(
                            start=s0 + text_start, end=s0 + text_end, sentence=sentence, sentence_start=s0
                        ),
                    )
                )
        return claims

    def _pairs(
        self, sentence: str, compared: list[Place], own: Group | None
    ) -> Iterable[tuple[Group, Group, int, int]]:
        """(challenger, baseline, start, end of the words that say it) for each cue of the sentence."""
        for cue in self.any_cue.finditer(sentence):
            word = cue.group(0).lower()
            a, b = cue.span()
            if self.reversed.fullmatch(word):
                # `Y is outperformed by X`: X after the cue, Y before
                after = _listed_after(sentence, compared, b)
                before = _clause_before(sentence, compared, a)
                if after and before:
                    yield after[0].group, before[0].group, before[0].start, after[0].end
                continue
            leading = self.leading.fullmatch(word) and not sentence[: max(0, a)].strip(" ,")[LEADING_REACH:]
            if leading:
                # `Compared to Y, X ...`: the baselines up to the comma, the challenger after it
                comma = sentence.find(",", b)
                if comma < 0:
                    continue
                baselines = [p for p in _listed_after(sentence, compared, b) if p.end <= comma]
                after_comma = _challenger(
                    sentence, [p for p in compared if p.start > comma], own, comma, len(sentence)
                )
                if after_comma is not None:
                    for p in baselines:
                        yield after_comma[0], p.group, a, after_comma[2]
                continue
            if self.forward.fullmatch(word):
                baselines = _listed_after(sentence, compared, b)
            elif self.close.fullmatch(word):
                baselines = _listed_after(sentence, compared, b, CLOSE_BASELINE_GAP)
            else:
                continue
            if not baselines:
                continue
            clause = _clause_start(sentence, a)
            found = _challenger(
                sentence, [p for p in compared if clause <= p.start and p.end <= a], own, clause, a
            )
            if found is None:
                continue
            challenger, start, _ = found
            for p in baselines:
                yield challenger, p.group, start, p.end


def _clause_start(sentence: str, cue: int) -> int:
    starts = [m.end() for m in CLAUSE_START.finditer(sentence, 0, cue)]
    return starts[-1] if starts else 0


def _clause_before(sentence: str, compared: list[Place], cue: int) -> list[Place]:
    clause = _clause_start(sentence, cue)
    return [p for p in compared if clause <= p.start and p.end <= cue]


def _challenger(
    sentence: str, before: list[Place], own: Group | None, clause: int, cue: int
) -> tuple[Group, int, int] | None:
    """Who is compared, and where the words naming it stand: the paper's own work where the clause
    names it (`our method`), else the first model or method the clause names, else the paper's own
    work where the clause points at it (`we`, `it`)."""
    for p in before:
        if p.group is own or Role.PROPOSES in p.group.roles:
            return p.group, p.start, p.end
    named = OWN_WORK.search(sentence, clause, cue) if own is not None else None
    if own is not None and named is not None:
        return own, named.start(), named.end()
    if before:
        return before[0].group, before[0].start, before[0].end
    pointed = OWN_SUBJECT.search(sentence, clause, cue) if own is not None else None
    if own is not None and pointed is not None:
        return own, pointed.start(), pointed.end()
    return None


def _listed_after(
    sentence: str, compared: list[Place], cue_end: int, reach: int = FIRST_BASELINE_GAP
) -> list[Place]:
    """The models and methods listed right after a cue: `outperforms A, B and C`."""
    listed: list[Place] = []
    end = cue_end
    for p in compared:
        if p.start < end:
            continue
        gap = ASIDE.sub("", sentence[end : p.start])
        if not listed:
            if len(gap) > reach or GAP_BREAK.search(gap):
                break
        elif not LIST_GAP.match(gap):
            break
        listed.append(p)
        end = p.end
    return listed
