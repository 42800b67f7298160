"""Numbers a paper reports: value, unit, and the metric, subject, dataset, hardware and baseline
named with them in the sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from kg.extract.grouping import Group
from kg.extract.patterns import Patterns
from kg.extract.text import word_tree
from kg.schema import NodeType, ResultClaim, Role, Span

# (Each pattern that scans whole sentences starts with its first digit, outside any alternation:
# the regex engine then skips to the next digit at once instead of trying each place.)
NUMBER = r"(\d(?:\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d*(?:\.\d+)?))"  # `4,039.5`, `12.5`
RANGE_JOIN = r"\s*(?:--?|–|~|to)\s*"
BLOCKED_BEFORE = re.compile(r"[A-Za-z_\\.\-/^]$")
SIGN_BEFORE = re.compile(r"(?:^|[\s(\[])[-−]$")


def _plain_lower(word: str) -> bool:
    """Lower case ASCII, or characters with no case (`×`)."""
    return all((c.isascii() and not c.isupper()) or c.lower() == c.upper() for c in word)


# `1,910 videos`, `6,627 question-answer pairs`, `1K dense prompts`: sizes of what a paper built,
# with up to three words before the things counted (`2,585 meticulously annotated image-text
# queries`; 5-fold CV: results recall 0.686 -> 0.696 with two words -> three, precision the same),
# names among them (`38,522 QA pairs`, `8.9 million 3D assets`; results 0.828 -> 0.839). A scale word
# is tried before plain digits, so that `140 thousand projects` is 140,000.
# `(?<![\w.,]\d)` after the first digit: no letter, digit, dot or comma before the number.
_COUNT = (
    r"(\d(?<![\w.,]\d)(?:\d{0,2}(?:,\d{3})+|\d*(?:\.\d+)?(?:[KkM]|\s(?:thousand|million|billion))|\d{%s,}))"
    r"\+?\s+(?:[A-Za-z0-9][A-Za-z0-9\-]*\s+){0,3}?([a-z][a-z\-]*[a-rt-z]s)\b"
)
COUNT = re.compile(_COUNT % 1)
# with one digit too (`7 regimes and 30 subtasks`): the rules leave them out as the setup's (`3
# seeds`), a result model judges them
ANY_COUNT = re.compile(_COUNT % 0)
# `across six classes`, `four languages`: counts in words. Most are the setup (`two stages`, `three
# benchmarks`), so the rules keep none of them and a model trained on annotated abstracts decides.
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}  # fmt: skip
SPELLED_COUNT = re.compile(
    rf"\b({'|'.join(NUMBER_WORDS)})\s+(?:[a-z][a-z\-]*\s+){{0,3}}?([a-z][a-z\-]*[a-rt-z]s)\b", re.I
)


# The same, on lowercased ASCII text, each word's first letter outside the alternation (`t(?<![a-z]t)
# (?:wo|hree|...)`, as `\b` would say): the regex engine then skips to the next of those letters at
# once instead of trying every place (54 -> 40 us an abstract).
def _first_letters_apart(words: dict[str, int]) -> str:
    """`two|three|ten` as `t(?<![a-z]t)(?:hree|wo|en)`: longer words first within each letter."""
    rests: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        rests.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{first}(?<![a-z]{first})(?:{'|'.join(rest)})" for first, rest in rests.items())


SPELLED_COUNT_LOWER = re.compile(
    f"({_first_letters_apart(NUMBER_WORDS)})" + SPELLED_COUNT.pattern.split(")", 1)[1]
)


def spelled_counts(text: str) -> Iterator[re.Match[str]]:
    """The counts in words of `text` (`SPELLED_COUNT`), in order; in ASCII text found in its
    lowercased copy (the same offsets), so their words come lowercased."""
    if text.isascii():  # lowercasing keeps every offset
        return SPELLED_COUNT_LOWER.finditer(text.lower())
    return SPELLED_COUNT.finditer(text)


def spelled_count_places(text: str) -> list[int]:
    """Where counts in words start in `text`, in order."""
    return [m.start() for m in spelled_counts(text)]


SCALE = {"k": 1e3, "m": 1e6, "thousand": 1e3, "million": 1e6, "billion": 1e9}
# not inside a word or a longer number (`3.1.2`); a sentence's closing period may follow
DECIMAL = re.compile(r"(\d(?<![\w.]\d)\d*\.\d+)(?!\w|\.\d)")
FROM_TO = re.compile(rf"\bfrom\s+{NUMBER}\s*%?\s+to\s+{NUMBER}", re.I)
ANY_DIGIT = re.compile(r"\d")
NUMBER_BEFORE = re.compile(rf"(?<![\w.,]){NUMBER}(?:{RANGE_JOIN}{NUMBER})?\s$")
POWER_OF_TEN = re.compile(r"\s*10\s*\^")
# `by a factor of 2.6`: 2.6x (its first letter outside the look-behind, as `\b` would say: see above)
FACTOR = re.compile(rf"f(?<!\wf)actor\s+of\s+(?:about\s+|~\s*)?{NUMBER}", re.I)
VALUE = re.compile(r"([\d,.]+)\s?([A-Za-z]*)")
WORD_S = re.compile(r"s\b")
WORD_BEFORE = re.compile(r"([A-Za-z]+)\s+\Z")
SCALE_AFTER = re.compile(r"\s?[BMKbk]\b")
# A number that states a change rather than a level: `improves by 0.93`, `gains of 6.4%`, `+7.7`,
# `a 5.5% improvement`, `10% more bits`, `2x faster`. A leaderboard ranks levels only.
CHANGE_NOUNS = (
    r"(?:improvement|gain|increase|decrease|reduction|boost|drop|decline|degradation|"
    r"speed-?up|acceleration)s?"
)
CHANGE_BEFORE = re.compile(
    rf"(?:\bby|\b{CHANGE_NOUNS}\s+of|\+)\s*(?:(?:an?|the|average|approximately|about|around|nearly|roughly|"
    r"only|up to|over|of|as much as)\s+)*\+?$",
    re.I,
)
CHANGE_AFTER = re.compile(
    r"^\s*(?:(?:points?|pp|percentage points?)\s+)?(?:[a-z\-]+\s+)?"  # one word between at most
    rf"(?:{CHANGE_NOUNS}|higher|lower|better|worse|more|fewer|less|faster|slower|additional|smaller|larger|"
    r"cheaper)\b",
    re.I,
)
CHANGE_UNITS = frozenset({"x", "pp"})  # `3.2x`: a ratio to something else; `-0.13 pp`: a difference
SIGNED_CHANGE_UNITS = frozenset({"%"})  # `-26.5%`: a drop (a signed level is rarely a percentage)
# A model's size stated as a claim (GUIDELINES: "a 7B model trained on ..."): `7B` or `350M` before
# a word for a model or its parameters (`a 7B model`, `our 4B student`, `at 0.6B and 1.7B scales`),
# before a name (`the 671B DeepSeek-V3`), or alone in parentheses (`Phi-3.5-Vision (4B)`,
# `Qwen models (1.5B-14B)`). Sizes in a list share what follows the last (`350M, 700M, 1.2B, and 9B
# parameters`). A size inside a name (`Qwen2.5-7B`) is part of the name, never a result.
MODEL_SIZE = re.compile(r"(\d(?<![\w.,]\d)\d*(?:\.\d+)?)\s?([BM])(?!\w|-(?!\d))")
SIZE_LIST_GAP = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|to)\s+|\s*[-–~]\s*")
SIZED_THING = re.compile(
    r"\s?-?\s?(?:[a-z][a-z\-]*\s+)?(?:param(?:eter)?s?|models?|LLMs?|LMs?|VLMs?|MLLMs?|students?|"
    r"teachers?|judges?|backbones?|encoders?|decoders?|variants?|versions?|scales?|checkpoints?|dense|"
    r"MoE|activated|active)\b"
)
SIZE_CLOSES = re.compile(r"\s*(?:models?\s*)?\)")  # `(4B)`, `(111B model)`
OPENS_BEFORE = re.compile(r"\(\s*$")
SIZE_UNITS = {"B": "B params", "M": "M params"}
# `trained on 12T tokens`, `a 10B-token corpus`, `28 billion activated parameters`, `a 1T-parameter
# MoE`: a count of tokens or parameters in billions or trillions, which annotators write as `12`
# with the unit `T tokens`; not a rate (`1.5 billion tokens per second`)
TOKEN_COUNT = re.compile(
    r"(\d(?<![\w.,]\d)\d*(?:\.\d+)?)\s?([BT]|billion|trillion)(?:\s|-)(?:[a-z\-]+\s)?"
    r"(tokens?|param(?:eter)?s?)\b(?!\s*(?:per\b|/))"
)
SCALE_LETTERS = {"billion": "B", "trillion": "T"}


@dataclass(frozen=True)
class Number:
    """A value at `[start, end)`, read from the snippet `text` at `[text_start, text_end)`."""

    start: int
    end: int
    value: float
    unit: str | None
    text_start: int
    text_end: int
    count: bool = False  # a count of things (`1,910 videos`), not a score
    change: bool = False  # a change (`by 5%`, `a 2.1 point gain`), not a level
    spelled: bool = False  # a count written in words (`six classes`): only a model keeps one


def _year(text: str) -> bool:
    """`2024 papers` counts no papers; `1,925 repositories`, `2K prompts` and `2 thousand images`
    are no years."""
    return text.isdigit() and len(text) == 4 and 1900 <= int(text) <= 2100


def _value(text: str) -> float:
    """`4,039` -> 4039, `1K` -> 1000, `6 million` -> 6000000."""
    m = VALUE.fullmatch(text.strip())
    if m is None:
        return float(text)
    return float(m.group(1).replace(",", "")) * SCALE.get(m.group(2).lower(), 1.0)


class NumberReader:
    """Finds reported numbers and their units, with the unit words of `Patterns`."""

    def __init__(self, patterns: Patterns) -> None:
        self.units = patterns.units
        self.setup_count_words = patterns.setup_count_words
        self.unit_regex = self.unit_pattern(patterns)

    @staticmethod
    def unit_pattern(patterns: Patterns) -> re.Pattern[str]:
        # the longest unit that fits wins (`tokens per second per GPU`, not `tokens per second`)
        units = sorted(patterns.units, key=len, reverse=True)
        if all(_plain_lower(u) for u in units):
            # faster, same match: at each character one branch of the tree at most goes on (no two
            # of their characters are equal ignoring case), and it tries longer words first
            alternation = word_tree(units)
        else:
            alternation = "|".join(re.escape(u) for u in units)
        return re.compile(
            # a range's unit may be written at both ends (`9.3%-66.6%`, `4x-4.3x`): a result each
            rf"{NUMBER}(?:(?:{alternation})?{RANGE_JOIN}{NUMBER})?\s?(?:\s|-)?({alternation})(?![A-Za-z0-9])",
            re.I,
        )

    def numbers(
        self,
        sentence: str,
        blocked: list[tuple[int, int]],
        metric_starts: list[int],
        words: bool = False,
        setup_counts: bool = False,
        bare_scores: bool = False,
    ) -> list[Number]:
        """Reported numbers in a sentence, outside the `blocked` spans (entity names), where the
        sentence names metrics at `metric_starts`; with `words`, counts in words too (`six classes`).
        For a result model to judge, what the rules alone leave out: with `setup_counts`, counts
        after a word of the setup and counts of one digit (`across 10 academic domains`, `7
        regimes`); with `bare_scores`, decimals and `from X to Y` without a unit, as if a metric
        stood in the sentence (`on T2I-CompBench from 82.18 to 88.37`)."""
        if not words and not ANY_DIGIT.search(sentence):
            return []  # every pattern below starts with a digit
        units = self.units
        found: dict[int, Number] = {}

        # SIGN_BEFORE and BLOCKED_BEFORE look at the last characters before `start` only, so the searches
        # start there (`^` still matches only at the real start of the sentence)

        def free(start: int, end: int, in_list: bool = False, enclosed: bool = False) -> bool:
            """Not part of a name or of a number found before. In a list (`135M-671B`) what stands
            before is the list's; a size in parentheses is a claim even where a name takes it in
            (`InternVL2 (2B)`)."""
            signed = SIGN_BEFORE.search(sentence, max(0, start - 3), start)  # `-3.1%`: not a name part
            before = not in_list and not signed and start
            if before and BLOCKED_BEFORE.search(sentence, max(0, start - 2), start):
                return False
            if any(start < n.end and n.start < end for n in found.values()):  # `1,234.5`: one number
                return False
            return enclosed or all(end <= b0 or start >= b1 for b0, b1 in blocked)

        def add(
            start: int, end: int, unit: str | None, text_start: int, text_end: int, count: bool = False
        ) -> None:
            value = _value(sentence[start:end])
            if SIGN_BEFORE.search(sentence, max(0, start - 3), start):
                value, start, text_start = -value, start - 1, min(text_start, start - 1)
            change = not count and (
                unit in CHANGE_UNITS
                or (value < 0 and unit in SIGNED_CHANGE_UNITS)
                or bool(CHANGE_BEFORE.search(sentence, max(0, text_start - 40), text_start))
                or bool(CHANGE_AFTER.match(sentence[text_end : text_end + 50]))
            )
            found[start] = Number(start, end, value, unit, text_start, text_end, count, change)

        for m in self.unit_regex.finditer(sentence):
            unit = units.get(m.group(3).lower(), m.group(3))
            if not free(m.start(), m.end()):
                continue
            if m.group(3) == "s" and not WORD_S.match(sentence, m.start(3)):
                continue
            if unit == "x" and POWER_OF_TEN.match(sentence, m.end()):
                continue  # `$1.1 \times 10^7$` is a number, not a factor
            for g in (1, 2):
                if m.group(g):
                    add(m.start(g), m.end(g), unit, m.start(), m.end())
        for m in FACTOR.finditer(sentence):
            if free(m.start(1), m.end(1)):
                add(m.start(1), m.end(1), "x", m.start(), m.end())
        for size, in_list, enclosed in model_sizes(sentence, blocked):
            if free(size.start(1), size.end(2), in_list, enclosed):
                unit = SIZE_UNITS[size.group(2)]
                add(size.start(1), size.end(1), unit, size.start(), size.end(), count=True)
        for m in TOKEN_COUNT.finditer(sentence):
            if free(m.start(1), m.end(1)):
                scale = SCALE_LETTERS.get(m.group(2), m.group(2))
                things = "tokens" if m.group(3).startswith("token") else "params"
                add(m.start(1), m.end(1), f"{scale} {things}", m.start(), m.end(), count=True)
        for m in (ANY_COUNT if setup_counts else COUNT).finditer(sentence):
            if not free(m.start(1), m.end(1)) or _year(m.group(1)):
                continue
            previous = WORD_BEFORE.search(sentence, max(0, m.start() - 20), m.start())
            if not setup_counts and previous and previous.group(1).lower() in self.setup_count_words:
                continue  # `across 12 benchmarks`: the setup, for the rules (a model judges it)
            add(m.start(1), m.end(1), None, m.start(), m.end(), count=True)
        for m in spelled_counts(sentence) if words else ():
            if free(m.start(1), m.end(1)):
                value = NUMBER_WORDS[m.group(1).lower()]
                found[m.start(1)] = Number(
                    m.start(1), m.end(1), value, None, m.start(), m.end(), count=True, spelled=True
                )
        for at in metric_starts:  # `by over 2 BLEU`, `with 4-8 NFE`: a number written before its metric
            before = NUMBER_BEFORE.search(sentence, max(0, at - 24), at)
            # (`end() - 1`: the space before the metric is not part of the number)
            if before is not None and free(before.start(), before.end() - 1):
                for g in (1, 2):
                    if before.group(g):
                        add(before.start(g), before.end(g), None, before.start(), at)
        if metric_starts or bare_scores:
            for m in FROM_TO.finditer(sentence):
                for g in (1, 2):
                    if free(m.start(g), m.end(g)):
                        add(m.start(g), m.end(g), None, m.start(), m.end())
            for m in DECIMAL.finditer(sentence):
                if not free(m.start(1), m.end(1)):
                    continue
                if SCALE_AFTER.match(sentence[m.end(1) : m.end(1) + 2]):
                    continue
                add(m.start(1), m.end(1), None, m.start(1), m.end(1))
        return [found[k] for k in sorted(found)]


def _once_each(claims: list[ResultClaim]) -> list[ResultClaim]:
    """Each claim of a sentence once: a sentence that states a score again (`an FID of 23.3 ...
    (37.2 -> 23.3)`) reports one result, evidenced by its first statement. Two sentences that give
    the same number say two things (`by up to 2% on ImageNet`, `the previous best by 2%`)."""
    seen: set[tuple] = set()
    out = []
    for c in claims:
        key = (c.span.sentence_start, c.value, c.unit, c.change, c.metric_key, c.subject, c.dataset)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def model_sizes(sentence: str, blocked: list[tuple[int, int]]) -> list[tuple[re.Match[str], bool, bool]]:
    """The sizes of models a sentence states (`MODEL_SIZE`), each list of them whole: each with
    whether a list's gap stands before it, and whether its list stands in parentheses."""
    out: list[tuple[re.Match[str], bool, bool]] = []
    run: list[re.Match[str]] = []
    sizes = list(MODEL_SIZE.finditer(sentence))
    for i, size in enumerate(sizes):
        run.append(size)
        following = sizes[i + 1] if i + 1 < len(sizes) else None
        if following is not None and SIZE_LIST_GAP.fullmatch(sentence, size.end(), following.start()):
            continue  # the list goes on
        end = size.end()
        enclosed = OPENS_BEFORE.search(sentence, max(0, run[0].start() - 3), run[0].start()) and (
            SIZE_CLOSES.match(sentence, end)
        )
        before_name = sentence[end : end + 1] == " " and any(b0 == end + 1 for b0, _ in blocked)
        if enclosed or before_name or SIZED_THING.match(sentence, end):
            out += [(size, i > 0, bool(enclosed)) for i, size in enumerate(run)]
        run = []
    return out


RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
CLAUSE_BREAK = re.compile(r";|,\s|\sand\s")


def datasets_of_numbers(
    sentence: str, numbers: list[Number], datasets: list[tuple[int, str]]
) -> list[str | None]:
    """The dataset each number of a sentence was measured on, from the datasets the sentence names
    (`datasets`: where each is named, and its key, in order).

    One dataset is every number's. With several:
    - lists in parallel give the i-th score the i-th dataset: `scores of 41.1%, 75.8% and 53.3% on
      A, B and C`, `on A, B and C ... 41.1%, 75.8% and 53.3%, respectively`;
    - else a score takes the first dataset after it (`+18.6 on HardMatch, +29.5 on WxBS`), else the
      last one before it; and the one before it where the one after stands in another clause (`on A
      from 82.18 to 88.37 and on B ...`).
    """
    keys = list(dict.fromkeys(key for _, key in datasets))
    first = keys[0] if keys else None
    out: list[str | None] = [first] * len(numbers)
    if len(keys) < 2:
        return out
    scores = [i for i, n in enumerate(numbers) if not n.count]
    first_places = [next(at for at, k in datasets if k == key) for key in keys]
    if len(scores) == len(keys):
        starts = [numbers[i].start for i in scores]
        apart = max(starts) < min(first_places) or min(starts) > max(first_places)
        if apart or RESPECTIVELY.search(sentence):
            for i, key in zip(scores, keys, strict=True):
                out[i] = key
            return out
    score_starts = [numbers[i].start for i in scores]
    for i in scores:
        # else the first dataset after the number (`83.2 on InfoVQA and 34.5 on ScreenSpot-Pro`),
        # else the last one before it (`on MMLU, X reaches 71.3`)
        start, end = numbers[i].start, numbers[i].text_end
        after = next(((at, key) for at, key in datasets if at >= end), None)
        before = [(at, key) for at, key in datasets if at < start]
        # the dataset after stands in another clause, with no score of its own before it (`on A from
        # 82.18 to 88.37 and on B from 43.82 to 46.75`, not `reaches 71.3 and 80.1 on B and C`): the
        # one before, unless a `;` parts it from the number too
        other_clause = after is not None and _clause_of_its_own(sentence, end, after[0], score_starts)
        if other_clause and before and ";" not in sentence[before[-1][0] : start]:
            out[i] = before[-1][1]
            continue
        out[i] = after[1] if after is not None else (before[-1][1] if before else first)
    return out


def _clause_of_its_own(sentence: str, end: int, dataset_at: int, score_starts: list[int]) -> bool:
    """Whether a clause break (`;`, `, `, ` and `) stands between a score ending at `end` and the
    dataset named at `dataset_at`, with no other score between the last break and the dataset."""
    breaks = list(CLAUSE_BREAK.finditer(sentence, end, dataset_at))
    return bool(breaks) and not any(breaks[-1].end() <= at < dataset_at for at in score_starts)


UNIT_METRIC_WORDS = {  # a number in seconds is not an FID, and "5x" is not an accuracy
    "time": ("s", "ms", "min", "h", "days", "GPU days", "GPU hours"),
    "memory": ("GB", "MB", "TB", "KB"),
    "ratio": ("x",),
    "parameters": tuple(SIZE_UNITS.values()),  # `1.7B parameters` is no FID either
}
METRIC_WORDS = {
    "parameters": ("param", "size"),
    "time": ("time", "latency", "cost", "speed", "runtime", "budget", "second", "hour", "day"),
    "memory": ("memory", "size", "footprint", "vram", "storage"),
    "ratio": (
        "speed",
        "fast",
        "cost",
        "memory",
        "size",
        "throughput",
        "efficien",
        "comput",
        "latency",
        "time",
        "flop",
        "reduction",
        "saving",
        "compression",
        "token",
        "parameter",
        "cheap",
    ),
}


def _unit_fits(unit: str | None, metric: str) -> bool:
    for family, units in UNIT_METRIC_WORDS.items():
        if unit in units:
            return any(word in metric.lower() for word in METRIC_WORDS[family])
    return True


SUBJECT_TYPES = (NodeType.MODEL, NodeType.METHOD, NodeType.DATASET)
ARROW_AFTER = re.compile(r"(?<!\s)\s*(?:→|->|\\?rightarrow\b)")  # matched right after a number
BASELINE_NUMBER_GAP = 12  # characters from a baseline's name to a number that is its own


def _subject(
    inside: list[tuple[int, int, Group]],
    at: int,
    proposed: str | None,
    is_count: bool,
    is_change: bool,
    before_arrow: bool,
) -> str | None:
    """Whose number it is. A count (`DotaMathQA with 574K pairs`) belongs to the nearest dataset,
    model or method before it. A score belongs to the paper's own method or model where the
    sentence names it (`X beats Y by 5%` is X's), else to the nearest method or model before the
    number that the paper proposes, else to the paper's own, else to the nearest method or model
    before it. (Most numbers an abstract reports are the paper's own: a model it only uses,
    named before the number, is rarely what the number measures.) A baseline's name right before
    a level makes it the baseline's (`outperforming StyleGAN-T (13.9)`), not before a change
    (`GShard, a 20x speed-up` is most often the paper's own); so does an arrow after the number
    (`37.2 -> 23.3`: the baseline's, then ours)."""
    if is_count:
        before = [g for a, _, g in inside if a < at and g.type in SUBJECT_TYPES]
        if before:
            return before[-1].key
    named = [(a, g) for a, _, g in inside if g.type in (NodeType.MODEL, NodeType.METHOD)]
    close = [(b, g) for a, b, g in inside if b <= at and g.type in (NodeType.MODEL, NodeType.METHOD)]
    if (
        close
        and not is_change
        and at - close[-1][0] <= BASELINE_NUMBER_GAP
        and Role.COMPARES_WITH in close[-1][1].roles
    ):
        return close[-1][1].key  # `... outperforming StyleGAN-T (13.9)`: the baseline's own number
    if proposed is not None and any(g.key == proposed for _, g in named):
        return proposed
    before = [g for a, g in named if a < at]
    own = [g for g in before if Role.PROPOSES in g.roles]
    if own:
        return own[-1].key
    baselines = [g for g in before if Role.COMPARES_WITH in g.roles]
    if before_arrow and baselines:
        return baselines[-1].key
    if proposed is not None:
        return proposed
    return before[-1].key if before else None


# The learned choice of a number's subject (`SubjectOptions`): each method, model or dataset the
# sentence names, and the paper's own where the sentence does not name it, described by features;
# a chooser picks one. The rules' choice (`_subject`) is one of the features, so a model trained on
# annotated abstracts learns where to overrule it.
RULE_CHOICE = "rule"
SubjectOptions = list[tuple[str, list[str]]]  # (group key, features) for each possible subject
SubjectChooser = Callable[[Number, SubjectOptions], "str | None"]
WORD_OR_NUMBER = re.compile(r"[A-Za-z][A-Za-z\-]*|\d[\d.,]*")
NEAR_WORDS = 3  # the words next to a number and next to a name that describe their link
FAR_WORDS = 12  # a name more words than this from the number is just far


def rule_choice(number: Number, options: SubjectOptions) -> str | None:
    """The subject the rules chose (`_subject`), the choice without a model."""
    return next((key for key, feats in options if RULE_CHOICE in feats), None)


# The learned choice of which numbers are results: the rules read every number with a unit, a
# count or a score next to a metric, and for a model also counts of the setup, counts of one digit
# and bare decimals; a filter sees each with features and keeps it or not. Without a model every
# number the rules read is kept but counts in words (`rule_keep`).
ResultFilter = Callable[[Number, list[str]], bool]
DATASET_WORDS = re.compile(r"\b(?:datasets?|benchmarks?|corpus|corpora|suite)\b", re.I)
MAGNITUDES = (("<1", 1), ("<10", 10), ("<100", 100), ("<1000", 1000))


def rule_keep(number: Number, features: list[str]) -> bool:
    """The rules' answer: every number they read, but counts in words."""
    return not number.spelled


def result_features(sentence: str, number: Number, own_dataset: bool, metric_named: bool) -> list[str]:
    """What a result filter sees of a number: its kind and unit, the words it counts or measures,
    the words before and after it, its size, whether the paper makes a dataset, and whether the
    sentence names a metric."""
    kind = "count" if number.count else "change" if number.change else "level"
    start, end = number.start, number.text_end
    before = [w.lower() for w in WORD_OR_NUMBER.findall(sentence, max(0, start - 40), start)[-2:]]
    after = [w.lower() for w in WORD_OR_NUMBER.findall(sentence, end, end + 40)[:1]]
    words = [w.lower() for w in WORD_OR_NUMBER.findall(sentence, number.end, end) if w[0].isalpha()]
    magnitude = next((name for name, top in MAGNITUDES if abs(number.value) < top), "1000+")
    feats = [f"kind={kind}", f"unit={number.unit}", f"kind_unit={kind}|{number.unit}"]
    feats.append(f"size={kind}|{magnitude}")
    feats += [f"prev={w}" for w in before[-1:]] + [f"prev2={w}" for w in before[:-1]]
    feats += [f"next={w}" for w in after] + [f"word={w}" for w in words]
    feats += [f"noun={kind}|{w}" for w in words[-1:]]
    if number.spelled:
        feats.append("spelled")
    if own_dataset:
        feats += ["own_dataset", f"own_dataset={kind}"]
    if DATASET_WORDS.search(sentence):
        feats.append(f"dataset_words={kind}")
    if not metric_named:
        feats.append(f"no_metric={kind}|{number.unit}")
    return feats


def subject_options(
    sentence: str,
    inside: list[tuple[int, int, Group]],
    number: Number,
    proposed: str | None,
    groups: dict[str, Group],
    rule: str | None,
) -> SubjectOptions:
    """Each possible subject of `number` in `sentence`, with what a model sees of it: its type and
    roles, where it stands from the number (side, distance in words, the nearest of its side), the
    words between them and next to both, and the rules' choice."""
    kind = "count" if number.count else "change" if number.change else "level"
    before_number = [w.lower() for w in WORD_OR_NUMBER.findall(sentence, 0, number.start)[-NEAR_WORDS:]]
    after_number = [w.lower() for w in WORD_OR_NUMBER.findall(sentence, number.text_end)[:NEAR_WORDS]]
    snippet = WORD_OR_NUMBER.findall(sentence, number.text_start, number.text_end)
    # the word the number counts or measures: in its snippet (`45K environments`), else after it
    number_words = [w.lower() for w in snippet if not w[0].isdigit()] or after_number[:1]

    def apart(a: int, b: int) -> int:  # characters between a mention at [a, b) and the number
        return number.start - b if b <= number.start else a - number.text_end

    nearest: dict[str, tuple[int, int]] = {}  # each group's mention nearest the number
    for a, b, g in inside:
        if g.type in SUBJECT_TYPES and (g.key not in nearest or apart(a, b) < apart(*nearest[g.key])):
            nearest[g.key] = (a, b)
    nearest_before = max((b for a, b in nearest.values() if b <= number.start), default=None)
    nearest_after = min((a for a, b in nearest.values() if b > number.start), default=None)
    first = min((a for a, _ in nearest.values()), default=None)
    options: SubjectOptions = []
    keys = list(nearest)
    if proposed is not None and proposed not in nearest:
        keys.append(proposed)
    for key in keys:
        g = groups[key]
        feats = [f"type={g.type}", f"kind={kind}", f"kind_type={kind}|{g.type}", f"unit={number.unit}"]
        feats += [f"role={r}" for r in sorted(g.roles)] + [f"kind_role={kind}|{r}" for r in sorted(g.roles)]
        feats += [f"num_prev={w}" for w in before_number[-1:]] + [f"num_next={w}" for w in after_number[:1]]
        # what the number counts or measures, for this type of subject: `videos` are a dataset's
        feats += [f"num_word_type={w}|{g.type}" for w in number_words[-1:]]
        if key == proposed:
            feats.append("paper_proposes")
        if key == rule:
            feats += [RULE_CHOICE, f"rule_kind={kind}"]
        if key not in nearest:
            options.append((key, [*feats, "outside_sentence"]))
            continue
        a, b = nearest[key]
        if b <= number.start:
            side, is_nearest = "before", b == nearest_before
            between = WORD_OR_NUMBER.findall(sentence, b, number.start)
        else:
            side, is_nearest = "after", a == nearest_after
            between = WORD_OR_NUMBER.findall(sentence, number.text_end, a)
        distance = len(between)
        feats += [f"side={side}", f"dist={side}|{_words_apart(distance)}", f"kind_side={kind}|{side}"]
        # another number or another possible subject between them: `61.3% for GPT-4o and 76% for
        # GPT-4` gives 76% to GPT-4, not to GPT-4o before the other score
        if any(w[0].isdigit() for w in between):
            feats.append(f"number_between={side}")
        lo, hi = (b, number.start) if side == "before" else (number.text_end, a)
        if any(lo <= x and y <= hi for k, (x, y) in nearest.items() if k != key):
            feats.append(f"option_between={side}")
        if is_nearest:
            feats += ["nearest_of_side", f"nearest={side}|{kind}"]
        if a == first:
            feats.append("first_in_sentence")
        if distance <= FAR_WORDS:
            feats += [f"between={w.lower()}" for w in between if not w[0].isdigit()]
        name_prev = WORD_OR_NUMBER.findall(sentence, max(0, a - 30), a)[-1:]
        name_next = WORD_OR_NUMBER.findall(sentence, b, b + 30)[:1]
        feats += [f"name_prev={w.lower()}" for w in name_prev] + [f"name_next={w.lower()}" for w in name_next]
        options.append((key, feats))
    return options


def _words_apart(distance: int) -> str:
    if distance <= 3:
        return str(distance)
    return "4-6" if distance <= 6 else "7-12" if distance <= FAR_WORDS else "far"


def _nearest(metrics: list[tuple[int, int, Group]], number: Number, sentence: str) -> Group | None:
    """The metric that the number is a score of: of the metrics its unit fits, the nearest by the
    gap between them, where a gap that holds another number or, after the number, a separator (`,`,
    `;`, `and`) counts as far. `average accuracy by 9% and F1 by 15%` gives 9% to accuracy (four
    characters before it), not to F1, whose first letter is nearer 9's; `ADE by 40.2%, FDE by
    51.7%` gives 40.2% to ADE; `accuracy ... from 73.44% to 81.35% and 3.87x faster inference
    time` gives both percentages to accuracy, and 3.87x to inference time."""
    fitting = [m for m in metrics if _unit_fits(number.unit, m[2].name)]
    if not fitting:
        return None

    def distance(metric: tuple[int, int, Group]) -> int:
        start, end, _ = metric
        if end <= number.start:  # (the snippet's ends: `4-8 NFE` is one range of NFE)
            gap = sentence[end : min(number.start, number.text_start)]
            return len(gap) + (FAR if NUMBER_START.search(gap) else 0)
        gap = sentence[max(number.end, number.text_end) : start]
        return len(gap) + (FAR if NUMBER_START.search(gap) or SEPARATOR.search(gap) else 0)

    return min(fitting, key=distance)[2]


FAR = 40  # characters: what a number or a separator between a metric and a number adds to the gap
NUMBER_START = re.compile(r"(?<![\w.\-])\d")  # a number, not a digit of a name (`MobileNet-v2`)
SEPARATOR = re.compile(r"[,;]|\band\b")


def _first(inside: list[tuple[int, int, Group]], node_type: NodeType) -> str | None:
    return next((g.key for _, _, g in inside if g.type == node_type), None)


def read_results(
    reader: NumberReader,
    abstract: str,
    spans: list[tuple[int, int]],
    groups: dict[str, Group],
    places: list[tuple[int, int, Group]],
    choose: SubjectChooser = rule_choice,
    keep: ResultFilter = rule_keep,
) -> tuple[list[ResultClaim], set[str], set[str]]:
    """Numbers reported in the abstract, tied to the entities of their sentence (`places`: where
    each stands, `abstract_places`); also the metrics that stand next to a number, and those that
    only ever stand as a number's unit. `choose` picks each number's subject among its options
    (`subject_options`): by default the rules' choice; `keep` says which numbers are results
    (`result_features`): by default all but counts in words. Any other `keep` is a model's, and
    the rules then read more numbers for it to judge (`NumberReader.numbers`)."""
    place_starts = [p[0] for p in places]
    claims: list[ResultClaim] = []
    metrics_with_numbers: set[str] = set()
    metrics_anywhere: set[str] = set()
    proposed = next(
        (g.key for g in groups.values() if Role.PROPOSES in g.roles and g.type in SUBJECT_TYPES), None
    )
    # a benchmark paper's scores are measured on its benchmark where the sentence names no other
    own_datasets = [g.key for g in groups.values() if Role.PROPOSES in g.roles and g.type == NodeType.DATASET]
    own_dataset = own_datasets[0] if len(own_datasets) == 1 else None
    # else the one dataset the paper evaluates on (it may train on others): its scores are
    # measured there
    evaluated = [g for g in groups.values() if g.type == NodeType.DATASET and Role.EVALUATED_ON in g.roles]
    only_dataset = evaluated[0].key if len(evaluated) == 1 else None
    default_dataset = own_dataset or only_dataset
    # a model decides: the rules read more for it to judge (counts in words, counts of the setup,
    # bare numbers in any sentence; 5-fold CV on three splits: counts after a setup word, results
    # +0.005; bare numbers in any sentence, +0.010 more)
    learned = keep is not rule_keep
    in_words = spelled_count_places(abstract) if learned else []
    for s0, s1 in spans:
        lo, hi = bisect_left(place_starts, s0), bisect_left(place_starts, s1)
        words = bisect_left(in_words, s0) < bisect_left(in_words, s1)
        if not words and not ANY_DIGIT.search(abstract, s0, s1):
            # no number (most sentences): of the rest below, only the metrics it names count
            metrics_anywhere.update(g.key for _, _, g in places[lo:hi] if g.type == NodeType.METRIC)
            continue
        sentence = abstract[s0:s1]
        inside = [(a - s0, b - s0, g) for a, b, g in places[lo:hi]]
        blocked = [(a, b) for a, b, g in inside if g.type != NodeType.METRIC]
        metric_starts = [a for a, _, g in inside if g.type == NodeType.METRIC]
        found = reader.numbers(
            sentence, blocked, metric_starts, words, setup_counts=learned, bare_scores=learned
        )
        if learned:  # each number described to the model
            metric_named = bool(metric_starts)
            found = [
                n
                for n in found
                if keep(n, result_features(sentence, n, own_dataset is not None, metric_named))
            ]
        # `4,039 tokens per second`: a unit, not a metric the paper reports
        units = [(n.end, n.text_end) for n in found]
        metrics = [
            (a, b, g)
            for a, b, g in inside
            if g.type == NodeType.METRIC and not any(u0 <= a and b <= u1 for u0, u1 in units)
        ]
        metrics_anywhere.update(g.key for _, _, g in metrics)
        datasets = datasets_of_numbers(
            sentence, found, [(a, g.key) for a, _, g in inside if g.type == NodeType.DATASET]
        )
        for number, dataset in zip(found, datasets, strict=True):
            # a count of things (`50,176 tokens`) is measured by no metric: it is no score
            metric = None if number.count else _nearest(metrics, number, sentence)
            if metric:
                metrics_with_numbers.add(metric.key)
            before_arrow = ARROW_AFTER.match(sentence, number.text_end) is not None
            subject = _subject(inside, number.start, proposed, number.count, number.change, before_arrow)
            options: SubjectOptions = []
            if choose is not rule_choice:  # the options are only worth describing to a model
                options = subject_options(sentence, inside, number, proposed, groups, subject)
                subject = choose(number, options)
            if not number.count and subject is not None and groups[subject].type == NodeType.DATASET:
                # a score is measured on the dataset, and is the best of the models and methods
                # the sentence names (`87.6% of the descriptions GPT-4o generates`), if it names
                # one (`the best model reaches only 48.45% on it`)
                others = [option for option in options if groups[option[0]].type != NodeType.DATASET]
                dataset, subject = dataset or subject, choose(number, others) if others else None
            if dataset is None and not number.count and subject != default_dataset:
                dataset = default_dataset
            claims.append(
                ResultClaim(
                    value=number.value,
                    unit=number.unit,
                    change=number.change,
                    metric=metric.name if metric else None,
                    metric_key=metric.key if metric else None,
                    subject=subject,
                    dataset=dataset,
                    hardware=_first(inside, NodeType.HARDWARE),
                    baseline=next(
                        (g.key for _, _, g in inside if Role.COMPARES_WITH in g.roles and g.key != subject),
                        None,
                    ),
                    text=sentence[number.text_start : number.text_end],
                    span=Span(
                        start=s0 + number.text_start,
                        end=s0 + number.text_end,
                        sentence=sentence,
                        sentence_start=s0,
                    ),
                )
            )
    claims = _once_each(claims)
    only_units = {
        g.key
        for g in groups.values()
        if g.type == NodeType.METRIC
        and g.key not in metrics_anywhere
        and all(fname == "abstract" for fname, *_ in g.places)
    }
    return claims, metrics_with_numbers, only_units
