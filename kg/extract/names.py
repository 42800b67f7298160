"""Names no vocabulary lists: acronym definitions, the title's `Name:` prefix, name-shaped tokens,
capitalized phrases, sized model names and hardware, typed from their form and context.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from kg.extract.patterns import Patterns, WordLists
from kg.extract.text import word_tree
from kg.schema import NodeType

# A token that may be part of a name: letters, digits and inner `.`, `-`, `+`, `/`, Greek.
TOKEN_PATTERN = r"[A-Za-z0-9\u0370-\u03ff][A-Za-z0-9\u0370-\u03ff.+/]*(?:-[A-Za-z0-9\u0370-\u03ff.+/]+)*\+*"
# The same token in lower case only (`x.y-z`), taken whole: the lookahead fails where a token would
# go on with a capital, a digit or Greek. Such plain words are never names.
PLAIN_TOKEN = (
    r"(?>[a-z][a-z.+/]*+(?:-[a-z.+/]+)*+\+*+"
    r"(?![A-Z0-9\u0370-\u03ff]|-[A-Za-z0-9\u0370-\u03ff.+/]))"
)
# Most tokens are plain words: skip them, and what stands between tokens, inside the regex engine,
# then take the next token that is not plain. `\Z` ends the last search with no token (group 1 None)
# instead of failing, which would retry from every later position.
NEXT_UNPLAIN_TOKEN = re.compile(rf"(?:{PLAIN_TOKEN}|[^A-Za-z0-9\u0370-\u03ff]+)*+(?:({TOKEN_PATTERN})|\Z)")
# `(?<!\d)`: a search tries each run of digits once, from its start (the pattern is fullmatched)
SIZE = re.compile(r"(?<!\d)\d+(?:\.\d+)?[BMK](?:-A\d+(?:\.\d+)?B)?")
ACRONYM_IN_PARENS = re.compile(r"\(([A-Za-z][A-Za-z0-9\-+.&/]{1,14}?)s?(?:[;,][^)]*)?\)")
QUOTES = "\"'“”‘’«»`"
TITLE_PREFIX = re.compile(r"^\s*(\S[^:]{1,39}?)\s*:\s")  # starts at a non-space: no backtracking
REPORT_TITLE = re.compile(r"^\s*(\S.{1,40}?)\s+(?:Technical Report|Tech Report|System Card|Model Card)\s*$")
VERSION = re.compile(r"(?<!\d)v?\d+(?:\.\d+)+")  # fullmatched; `(?<!\d)` keeps a search linear
LETTER_VERSION = re.compile(r"[A-Z]\d+(?:\.\d+)*")  # `R1.5` in `Step-Audio-R1.5`, `V3`
VERSIONISH = re.compile(r"[A-Za-z]?\d+(?:\.\d+)*[a-z]?")  # `2`, `v2`, `1.5`, `4o`
# words that may stand inside a capitalized name (`Tanks of Temples` no, `Level of Detail` yes)
CONNECTORS = frozenset({"of", "for"})
# lowercase words a hyphenated compound of capitalized words may hold: `Hide-and-Seek`, `Best-of-N`
COMPOUND_JOINERS = frozenset({"and", "of", "to", "in", "the", "for", "on", "or", "as", "by"})
DIMENSION = re.compile(r"[1-9]D")  # `3D Reference Attention`: a phrase may start with it
FUNCTION_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "our",
        "we",
        "of",
        "for",
        "with",
        "and",
        "to",
        "in",
        "on",
        "that",
        "which",
        "as",
        "is",
        "are",
        "can",
        "by",
        "from",
        "this",
        "it",
        "its",
        "their",
    }
)
LEAD_WORDS = frozenset({"a", "an", "the", "our", "we", "of", "for", "with", "and", "to", "in", "on"})
# an expansion ends in a name's word, not a verb: `CLIP is (CLIP-I)`, `S was (SWA)` are sentences
END_WORDS = frozenset({"is", "are", "was", "were", "be", "been", "has", "have", "had", "does", "did", "can"})
ROMAN_NUMERAL = re.compile(r"[IVX]+")
NOT_LETTER = re.compile(r"[^A-Za-z]")
TWO_CAPITALS = re.compile("[A-Z]{2}")
CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]")  # `diffGrad`, `STARFlow`; not `mN`
DIGIT = re.compile(r"\d")
CAPITAL = re.compile(r"[A-Z]")
CAPITALIZED = re.compile(r"[A-Z][a-z]")
CAPITALIZED_WORD = "capitalized_word"  # the `source` of a plain capitalized word (`name_tokens`)
VARIANT_SOURCE = "variant"  # the `source` of a name with a version or variant tail (`variant_names`)
BARE_ACRONYM = re.compile(r"[A-Z]{2,}s?")
TWO_OR_THREE_CAPITALS = re.compile(r"[A-Z][a-z]?[A-Z]")
# an acronym of capitals joined by hyphens: `TD-LN`, `AV-GS`, `RA-DT` (no part a strong name alone)
HYPHENED_CAPITALS = re.compile(r"[A-Z][A-Z0-9]*(?:-[A-Z][A-Z0-9]*)+")
LOWER_THEN_CAPITAL = re.compile(r"[a-z][A-Z]")
LOWER_WORD = re.compile(r"[a-z]+")
LETTER_WORD = re.compile(r"[A-Za-z]+")
CLAUSE_END = re.compile(r"[.;:()]")
# prepositions that end what the words after a name say of it (`X on the Y dataset`)
AFTER_NAME_STOPS = frozenset(
    {"on", "in", "at", "with", "for", "from", "to", "using", "by", "over", "via", "into", "across"}
    | {"against", "than", "under", "through"}
)
NON_SPACE = re.compile(r"\S+")
PUNCTUATION = re.compile(r"[(),;:\[\]%]")  # `gains of up to 46% (GPT-4)` expands nothing
ALNUM = re.compile(r"[A-Za-z0-9]")
FOLLOWING_WORD = re.compile(r" ([A-Z][a-z]+)")
SIZE_AFTER = re.compile(r"[ -](\d+(?:\.\d+)?[BM])\b")
SIZE_REACH = 12  # the characters after a name where its size is looked for
UNIT_TOKEN = re.compile(r"^\d+(?:\.\d+)?(?:[kKMBTGx×%]|ms|s|h|GB|MB|TB|fps|FPS|px|D|d|nd|st|rd|th|K\+?)?$")
HARDWARE = re.compile(
    r"\b(?:NVIDIA\s+|Nvidia\s+)?(?:GeForce\s+)?(?:RTX|GTX)[\s-]?(?:A)?\d{3,4}(?:\s?Ti|\s?Super)?\b"
    r"|\b(?:Google\s+)?(?:Cloud\s+)?TPU[\s-]?v\d+[a-z]?\b"
    r"|\b(?:NVIDIA\s+)?[ABHLV]\d{2,3}[A-Z]?(?=\s+(?:GPU|GPUs|Tensor Core|PCIe|SXM))"
    r"|\b\d{4}\s?Ti\b"
)
# Each alternative of HARDWARE holds one of these strings or patterns: `RTX`, `TPU`, `H100 GPU`,
# `3090 Ti`. Most texts hold none of them, and need no search with HARDWARE itself.
HARDWARE_HINTS = ("TX", "TPU")
HARDWARE_HINT_PATTERNS = (
    re.compile(r"[ABHLV]\d{2,3}[A-Z]?\s+(?:GPU|Tensor Core|PCIe|SXM)"),
    re.compile(r"Ti\b(?:(?<=\dTi)|(?<=\d\sTi))"),  # `\d\s?Ti\b`, with the letters first: found faster
)


@dataclass(slots=True)
class Name:
    """A candidate name found by a pattern, with what the pattern knows about it."""

    start: int
    end: int
    surface: str
    type: NodeType | None = None  # None: type from the vocabulary or from context
    long_form: str | None = None  # the expansion, for an acronym definition
    long_start: int | None = None
    proposed: bool = False
    size_of: str | None = None  # the base name of a sized model: `DeepSeekMoE` of `DeepSeekMoE 16B`
    variant_of: str | None = None  # the base name of a variant: `WavLM` of `WavLM-large`
    plural: bool = False  # `(MFMs)`: the acronym names a class of things
    source: str = ""  # the pattern that found it, where the decisions want to know
    class_word: str = ""  # the class word written after it (`method` after `symmetric clipping`)


@lru_cache(maxsize=1 << 16)
def bare_acronym(token: str) -> bool:
    """All capitals and nothing else (`AIGC`, `SLA`): usually an abbreviation, not a name."""
    return bool(BARE_ACRONYM.fullmatch(token))


# (`{1,14}+` takes the whole word at once: no shorter part of it can be followed by a space)
SHORT_THEN_LONG = re.compile(r"\b([A-Za-z][A-Za-z0-9\-+]{1,14}+)\s+\(([A-Za-z][^()]{4,120}?)\)")
SHORT_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-+")


def _short_then_long(text: str) -> Iterator[re.Match[str]]:
    """The matches of `SHORT_THEN_LONG.finditer(text)`, found from each `(` of the text.

    A match ends its word right before the spaces before a `(`, so it starts at most 15 characters
    before them: trying only those places is much faster than a regex scan of the whole text.
    """
    searched_to = 0  # the end of the last match: as in `finditer`, the next starts after it
    paren = text.find("(")
    while paren >= 0:
        spaces = paren  # where the spaces before the `(` start
        while spaces > searched_to and text[spaces - 1].isspace():
            spaces -= 1
        first = spaces  # the first place the word may start: its characters, 15 at most
        while first > max(searched_to, spaces - 15) and text[first - 1] in SHORT_CHARS:
            first -= 1
        for start in range(first, spaces - 1) if spaces < paren else ():
            m = SHORT_THEN_LONG.match(text, start)
            if m:
                yield m
                searched_to = m.end()
                break
        paren = text.find("(", max(paren + 1, searched_to))


INITIALS_SPLIT = re.compile(r"[\s\-]+")


def _long_form(short: str, before: str) -> str | None:
    """Schwartz & Hearst: the shortest run of words ending `before` whose letters spell `short`."""
    letters = [c.lower() for c in short if c.isalnum()]
    if not letters:
        return None
    words = [w.strip("\"'“”‘’") for w in NON_SPACE.findall(before)]
    words = [w for w in words if w]
    limit = min(len(words), max(len(letters) + 4, len(letters) * 2))
    for count in range(1, limit + 1):
        candidate = " ".join(words[-count:])
        if _crosses_punctuation(candidate):
            return None
        if not ALNUM.match(candidate):
            continue
        if _spells(letters, candidate) and candidate[0].lower() == letters[0]:
            first = words[-count].lower().strip("\"'(")
            if first in LEAD_WORDS:
                continue
            if words[-1].lower().strip(",;:") in END_WORDS:
                return None
            return _by_initials(letters, words, count, limit) or candidate.strip(",;:")
    return None


def _by_initials(letters: list[str], words: list[str], shortest: int, limit: int) -> str | None:
    """A longer run of words whose initials are the acronym's letters, where the shortest run
    spells it with letters inside its words: `Proximal Policy Optimization (PPO)`, not `Policy
    Optimization` (the P of `oPtimization`)."""
    if _initials(" ".join(words[-shortest:])) == letters:
        return None
    for count in range(shortest + 1, min(limit, len(letters)) + 1):
        candidate = " ".join(words[-count:])
        if _crosses_punctuation(candidate):
            return None
        if _initials(candidate) == letters:
            return candidate.strip(",;:")
    return None


def _crosses_punctuation(candidate: str) -> bool:
    """An expansion does not run across punctuation, nor across sentences."""
    return bool(PUNCTUATION.search(candidate.rstrip(",;:"))) or ". " in candidate


def _mostly_marked(short: str, long_form: str) -> bool:
    """Most of an acronym's letters start a word of its expansion or are written there in capitals
    (`Full-Rank Updates with GrAdient spLitting`); not an aside that happens to hold its letters
    (`regardless of the specific alignment method` does not spell RLHF)."""
    letters = [c.lower() for c in short if c.isalnum()]
    marked = set(_initials(long_form)) | {c.lower() for c in long_form if c.isupper()}
    return 2 * sum(c in marked for c in letters) >= len(letters)


def _initials(words: str) -> list[str]:
    return [w[0].lower() for w in INITIALS_SPLIT.split(words) if w]


def _spells(letters: list[str], candidate: str) -> bool:
    text = candidate.lower()
    i, j = len(letters) - 1, len(text) - 1
    while i >= 0:
        c = letters[i]
        while j >= 0 and (text[j] != c or (i == 0 and j > 0 and text[j - 1].isalnum())):
            j -= 1
        if j < 0:
            return False
        i -= 1
        j -= 1
    return True


TITLE_LEAD = re.compile(
    r"^(?:An?\s+)?((?:[A-Z][\w\-]*\s+){1,4}?[A-Z][\w\-]*)\s+(?:for|via|with|based|using)\b"
)


QUOTED = re.compile(r"\"[^\"]{0,200}\"|“[^”]{0,200}”")
WORD = r"[A-Za-z0-9][A-Za-z0-9\-]*"
NEXT_WORD = re.compile(rf"[^A-Za-z0-9]*({WORD})")
# A phrase of two words or more starts with a word that has a capital letter and is followed, after
# one space, by another such word or by `of` or `for`. The regex engine skips every other word, and
# what stands between words; `\Z` ends the last search with no word (group 1 None) instead of
# failing, which would retry from every later position.
GOES_ON = r" (?:[A-Z]|[a-z0-9][a-z0-9\-]*[A-Z]|(?:of|for)(?![A-Za-z0-9\-]))"
NEXT_PHRASE_START = re.compile(
    rf"(?:[a-z0-9][a-z0-9\-]*+(?![A-Z])|[A-Za-z0-9][A-Za-z0-9\-]*+(?!{GOES_ON})|[^A-Za-z0-9]+)*+"
    rf"(?:([A-Za-z0-9][A-Za-z0-9\-]*+)|\Z)"
)


class Placed(Protocol):
    """A name and where it stands: a `Name`, or a vocabulary name found in the text."""

    start: int
    end: int
    surface: str


def _with_tails(
    text: str, names: Iterable[Placed], tail: re.Pattern[str], reach: int
) -> Iterator[tuple[Placed, int]]:
    """Each name that goes on, after a space or a hyphen, with a match of `tail` within `reach`
    characters; and where the tail ends."""
    for name in names:
        if not text.startswith((" ", "-"), name.end):
            continue  # every tail starts with a space or a hyphen
        m = tail.match(text, name.end, name.end + reach)
        if m:
            yield name, m.end()


def sized_names(text: str, names: Iterable[Placed]) -> Iterator[Name]:
    """`DeepSeekMoE 16B`, `GShard 2.9B`: a name followed by a parameter count."""
    for name, end in _with_tails(text, names, SIZE_AFTER, SIZE_REACH):
        yield Name(name.start, end, text[name.start : end], type=NodeType.MODEL, size_of=name.surface)


# What goes on a name as part of it, after a space or a hyphen: a dotted or `v` version (`Opus 4.6`,
# `LLaVA-UHD v4`), a year (`HMMT 2026`, `COCO 2017`), a Roman numeral from II (`CASME II`); plain
# integers are left out (`BERT 3 times`). Variant words come from `name_variant_words`.
VERSION_PIECE = r"(?:[vV]?\d+\.\d+(?:\.\d+)?|[vV]\d+|(?:19|20)\d\d|II|III|IV|VI|VII|VIII|IX)"
VARIANT_REACH = 40  # the characters after a name where its tail is looked for


def variant_tail(variant_words: Iterable[str]) -> re.Pattern[str]:
    """The tail a name may have: versions and variant words, capitalized after a space, in any case
    after a hyphen, as many as follow (`Qwen3-8B-Instruct-2507`), each a whole token."""
    words = sorted(variant_words, key=lambda w: (-len(w), w))
    capitalized = "|".join(alternative for w in words for alternative in (w.capitalize(), w.upper()))
    any_case = "|".join(words)
    # after a hyphen, a code of one to three capitals is a variant too: `E5-V`, `bert-base-NER`
    # after a space, a lowercase variant word before a model's class word: `Qwen2.5 base models`;
    # and a shared task's number: `SemEval-2025 Task 10`
    lower = rf"(?:{any_case})(?= models?\b)"
    piece = (
        rf"(?: (?:{VERSION_PIECE}|{capitalized}|{lower}|Task \d+)"
        rf"|-(?:{VERSION_PIECE}|[A-Z]{{1,3}}|(?i:{any_case})))"
    )
    # a number before a unit is a quantity, not a version: `GPT-4 2.5 times faster`
    quantity = r"(?!\s?(?:%|×|x\b|times\b|fold\b|points?\b|pp\b|percent\b))"
    return re.compile(rf"(?:{piece}(?![A-Za-z0-9]|-[A-Za-z0-9]))+{quantity}")


def variant_names(text: str, names: Iterable[Placed], tail: re.Pattern[str]) -> Iterator[Name]:
    """`Claude Opus 4.6`, `MobileNetV3 Large`, `WavLM-large`: a name that goes on with a version or a
    variant word is a name of its own (a variant is a different thing), marked with its base."""
    for name, end in _with_tails(text, names, tail, VARIANT_REACH):
        surface = text[name.start : end]
        yield Name(name.start, end, surface, source=VARIANT_SOURCE, variant_of=name.surface)


def hardware_names(text: str) -> Iterator[Name]:
    if not (
        any(hint in text for hint in HARDWARE_HINTS)
        or any(hint.search(text) for hint in HARDWARE_HINT_PATTERNS)
    ):
        return
    for m in HARDWARE.finditer(text):
        yield Name(m.start(), m.end(), m.group(0), type=NodeType.HARDWARE)


# `pass@32`, `Hit@5`, `avg@16`, `CoT-Pass@K`, `mAP@0.25`: a score at a cutoff is a metric, whatever
# its base. The vocabulary lists the common ones (`pass@1`); the cutoffs papers choose are many.
METRIC_AT_CUTOFF = re.compile(
    r"(?<![\w@.\-])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*@(?:\d{1,5}(?:\.\d+)?|[kKnN]|ALL|all)(?![\w@])"
)
METRIC_CUTOFF_SOURCE = "metric_cutoff"


def metric_cutoff_names(text: str) -> Iterator[Name]:
    """Each name written `X@k` in `text`, a metric candidate for the model to decide on."""
    if "@" not in text:
        return
    for m in METRIC_AT_CUTOFF.finditer(text):
        yield Name(m.start(), m.end(), m.group(0), type=NodeType.METRIC, source=METRIC_CUTOFF_SOURCE)


# A word that starts at a word boundary is written `p(?<!\w.)ropose`, not `\bpropose`: a pattern
# that opens with plain letters lets the regex engine jump from one of them to the next, where `\b`
# has it try every place of the text. (`(?<!\w.)` after the first letter: no word character before.)
DESCRIBED = re.compile(
    r"(?:p(?<!\w.)(?:ropose|resent)|i(?<!\w.)ntroduce|d(?<!\w.)(?:evelop|esign|evise))"
    r"[sd]?\s+(?:(?:a|an)\s+)?"
    r"(?:(?:novel|new|simple|effective|efficient|lightweight|and)\s+)*"
    r"((?:[a-z][a-z0-9\-]+\s+){0,4}[a-z][a-z0-9\-]+)(?=\s*(?:,\s+(?:a|an)\s+(\w+)|\s+(?:to|that|which|for|as|in)\b))"
)


HEADED_DATASET = re.compile(  # `\b(?:the|on|of)`, written as DESCRIBED's verbs are
    r"(?:t(?<!\w.)he|o(?<!\w.)[nf])\s+((?:[A-Z][\w\-.+]*\s+){0,3}[A-Z][\w\-.+]*)\s+(?:benchmark|dataset|corpus|suite)s?\b"
)
DATASET_HEADS = ("benchmark", "dataset", "corpus", "suite")  # the head words of HEADED_DATASET


CLASS_WORDED = "class_worded"  # the `source` of a phrase found before a class word (`... method`)


class NameFinder:
    """The patterns that find names no vocabulary lists, with the word lists they read.

    Built once per process from `Patterns` and the common words; it owns the caches of its
    checks, which are only valid for those word lists.
    """

    def __init__(self, patterns: Patterns, words: WordLists) -> None:
        self.variant_tail = variant_tail(patterns.name_variant_words)
        self.patterns = patterns
        self.common_words = words.common
        # the words a lowercase phrase name never spans: its left end is after the last of them
        self.phrase_stops = patterns.phrase_stop_words | words.transitive
        # head word -> the type of the names it ends; the first list that has a word wins
        self.phrase_heads: dict[str, NodeType] = {}
        for node_type, heads in patterns.phrase_heads.items():
            for head in heads:
                self.phrase_heads.setdefault(head, node_type)
        self.phrase_head = re.compile(_head_word(self.phrase_heads), re.I)
        # the same for a lowercased ASCII text (lowercasing keeps its offsets): with no case to fold
        # at each letter, the regex engine scans the text twice as fast
        self.lowercase_phrase_head = re.compile(_head_word({h.lower() for h in self.phrase_heads}))
        self.written_with_head = _word_after(patterns.written_with_heads, re.I)
        self.new_name_written_with_head = _word_after(patterns.new_name_written_with_heads)
        self.phrase_class_word = _word_after(patterns.phrase_class_words, plural=True)
        self.is_generic = lru_cache(maxsize=1 << 16)(self.is_generic)  # type: ignore[method-assign]
        self.strong_name = lru_cache(maxsize=65536)(self.strong_name)  # type: ignore[method-assign]
        self._capitalized = lru_cache(maxsize=65536)(self._capitalized)  # type: ignore[method-assign]
        self.name_shapes = lru_cache(maxsize=None)(self.name_shapes)  # type: ignore[method-assign]
        self.own_type = lru_cache(maxsize=1 << 14)(self.own_type)  # type: ignore[method-assign]
        self.head_type = lru_cache(maxsize=1 << 14)(self.head_type)  # type: ignore[method-assign]
        self._token_shape = lru_cache(maxsize=1 << 16)(self._token_shape)  # type: ignore[method-assign]
        self._name_word = lru_cache(maxsize=1 << 16)(self._name_word)  # type: ignore[method-assign]

    def is_generic(self, surface: str) -> bool:
        text = surface.lower().strip()
        generic = self.patterns.generic_terms
        return text in generic or text.rstrip("s") in generic

    def strong_name(self, token: str) -> bool:
        """Shaped like a name rather than a word: `ReNO`, `diffGrad`, `Phi-2`, `STARFlow`, `T5`."""
        core = token.strip("-.+/")
        if len(core) < 2 or UNIT_TOKEN.match(core) or core.lower() in self.patterns.not_names:
            return False
        if "-" in core:
            return any(self.strong_name(part) for part in core.split("-"))
        if ROMAN_NUMERAL.fullmatch(core):
            return False
        letters = NOT_LETTER.sub("", core)
        if not letters:
            return False
        if len(letters) < 2:
            return False
        if letters.lower() in self.common_words and not letters.isupper() and TWO_CAPITALS.search(letters):
            return False  # emphasis inside a word (`CONtinuous`), not a coined name (`ComBat`)
        if CAMEL.search(core):
            return len(letters) >= 4 or (core[0].isupper() and len(letters) >= 3)
        if DIGIT.search(core):  # `Phi-2`, `T5`, `Wan2.1`; not `sim50`
            return bool(CAPITAL.match(core))
        return (
            sum(c.isupper() for c in letters) >= 2
            and (letters.isupper() or len(letters) <= 6)
            and (len(letters) >= 3)
        )

    def _capitalized(self, token: str) -> bool:
        return bool(CAPITALIZED.match(token)) and token.lower() not in self.patterns.not_names

    def name_shapes(self, kind: str) -> list[re.Pattern[str]]:
        """The compiled `dataset_name_shapes` or `model_name_shapes` of patterns.json."""
        return [re.compile(shape) for shape in getattr(self.patterns, f"{kind}_name_shapes")]

    def own_type(self, surface: str, long_form: str | None) -> NodeType | None:
        """The type a name's own words give it: `X-Bench` is a dataset, `X Attention` a method."""
        p = self.patterns
        if any(shape.search(surface) for shape in self.name_shapes("dataset")):
            return NodeType.DATASET
        if any(shape.search(surface) for shape in self.name_shapes("model")):
            return NodeType.MODEL
        words = LOWER_WORD.findall(f"{long_form or surface}".lower())
        short = LOWER_WORD.findall(surface.lower())
        if any(w.endswith("bench") or w in p.dataset_heads for w in words[-1:] + short[-1:]):
            return NodeType.DATASET
        if words and words[-1] in p.method_heads:
            return NodeType.METHOD
        if words and words[-1] in p.model_heads:
            return NodeType.MODEL
        if words and words[-1] in p.metric_heads:
            return NodeType.METRIC
        return None

    def written_with(self, text: str, end: int, new_name: bool = False) -> str | None:
        """The word of `written_with_heads` written right after a name that ends at `end`, as
        written (`Dataset` of `the ETD Dataset`), if there is one; for a `new_name` (no vocabulary
        lists it), else one of `new_name_written_with_heads` (`attention` of `DiffQKV attention`)."""
        m = self.written_with_head.match(text, end)
        if m is None and new_name:
            m = self.new_name_written_with_head.match(text, end)
        return m.group(0)[1:] if m else None

    def context_type(self, after: str) -> NodeType | None:
        """The type the words right after a name give it: `MMWorld, a new benchmark for ...`."""
        clause = CLAUSE_END.split(after, maxsplit=1)[0]
        words = LETTER_WORD.findall(clause.lower())[:7]
        found = None
        for word in words:
            if word in AFTER_NAME_STOPS:
                break  # `X on the Y dataset` says what Y is, not X
            kind = self.head_type(word)
            if kind is None and found is not None:
                break
            found = kind or found  # the last of a run of head words: `agent framework` is a framework
        return found

    def head_type(self, word: str) -> NodeType | None:
        """The type a head word gives the name before it: `benchmark`, `model`, `framework`."""
        p = self.patterns
        if word.endswith("bench") or word in p.dataset_heads:
            return NodeType.DATASET
        if word in p.model_heads:
            return NodeType.MODEL
        if word in p.method_heads:
            return NodeType.METHOD
        if word in p.metric_heads:
            return NodeType.METRIC
        return None

    def acronym_definitions(self, text: str) -> Iterator[Name]:
        """`Long Name (LN)`: the short form in parentheses and the words before it that spell it."""
        for m in ACRONYM_IN_PARENS.finditer(text):
            short = m.group(1).rstrip(".-")
            acronym_shaped = (
                self.strong_name(short)
                or TWO_OR_THREE_CAPITALS.fullmatch(short)
                or HYPHENED_CAPITALS.fullmatch(short)
            )
            if not acronym_shaped and not self._capitalized(short):
                continue
            few_capitals = sum(c.isupper() for c in short) < 2 and not LOWER_THEN_CAPITAL.search(short)
            if few_capitals and (not self._capitalized(short) or len(short) < 3):
                continue
            before = text[max(0, m.start() - 160) : m.start()].rstrip()
            long_form = _long_form(short, before)
            if long_form is None:
                continue
            if not self.strong_name(short) and sum(w[0].isupper() for w in long_form.split()) < 2:
                continue
            if len(long_form.split()) > len(short) and not _mostly_marked(short, long_form):
                continue  # an aside: `regardless of the specific alignment method (RLHF, DPO)`
            found_at = text.rfind(long_form, max(0, m.start() - 200), m.start())
            long_start = found_at if found_at >= 0 else None
            yield Name(
                start=m.start(1),
                end=m.start(1) + len(short),
                surface=short,
                long_form=long_form,
                long_start=long_start,
                plural=text[m.start(1) + len(short) : m.start(1) + len(short) + 1] == "s",
            )

    def reverse_acronym_definitions(self, text: str) -> Iterator[Name]:
        """`FRUGAL (Full-Rank Updates with GrAdient spLitting)`: the name first, then what it spells."""
        for m in _short_then_long(text):
            short, inner = m.group(1), m.group(2).strip()
            if " " not in inner or not (self.strong_name(short) or self._capitalized(short)):
                continue
            words = inner.split()
            letters = [c.lower() for c in short if c.isalnum()]
            if inner[0].lower() != letters[0] and "-" in short:
                # `GUI-RCPO (Region Consistency Policy Optimization)`: the part after the last
                # hyphen spells the words; the part before names what it is for
                tail = short.rsplit("-", 1)[1]
                if sum(c.isupper() for c in tail) >= 3:
                    letters = [c.lower() for c in tail if c.isalnum()]
            if len(words) > len(letters) + 3 or not _spells(letters, inner):
                continue
            if inner[0].lower() != letters[0]:
                continue
            if not _mostly_marked(short, inner):
                continue
            yield Name(m.start(1), m.end(1), short, long_form=inner, long_start=m.start(2))

    def title_prefix(self, title: str) -> Name | None:
        """`ReNO: Enhancing ...` names the paper's own contribution."""
        m = TITLE_PREFIX.match(title)
        if not m:
            return None
        prefix = m.group(1).strip()
        if prefix[0] in QUOTES or " & " in prefix:
            return None  # a quotation (`"TODO: Fix the Mess"`), or two names (`HiddenTables & PyQTax`)
        if "(" in prefix:  # `Proposer-Agent-Evaluator(PAE)`: the name, its acronym aside
            prefix = prefix[: prefix.index("(")].rstrip()
            if not prefix:
                return None
        tokens = prefix.split()
        if len(tokens) > 4 or self.is_generic(prefix) or tokens[0].lower() in self.patterns.title_openers:
            return None
        if any(t[0].islower() and not self.strong_name(t) for t in tokens):  # `From SRA to Self-Flow`
            return None
        named = any(self.strong_name(t) or VERSION.fullmatch(t) for t in tokens)
        single = len(tokens) == 1 and self._capitalized(prefix) and len(prefix) > 3
        if not (named or single or self._headed(tokens)):
            return None
        return Name(m.start(1), m.start(1) + len(prefix), prefix, proposed=True)

    def _headed(self, tokens: list[str]) -> bool:
        """Capitalized words ending in a head word: `Adaptive Guidance`, `Deep Conjugate Direction
        Method`; not `Effortless Efficiency`."""
        p = self.patterns
        heads = p.method_heads | p.model_heads | p.dataset_heads
        return (
            len(tokens) >= 2
            and all(t[:1].isupper() or self.strong_name(t) for t in tokens)
            and tokens[-1].lower() in heads
        )

    def title_lead(self, title: str, abstract: str = "") -> Name | None:
        """`Progressive Gradient Flow for Robust ...`: a title that opens with its method's name.

        Three words or more, or a phrase the abstract repeats; not an opening verb (`Scaling ...`).
        """
        m = TITLE_LEAD.match(title)
        if not m or ":" in title[: m.end()]:
            return None
        phrase = m.group(1)
        tokens = phrase.split()
        first = tokens[0].lower()
        if not self._headed(tokens) or first in self.patterns.title_openers or first.endswith("ing"):
            return None
        if self.is_generic(phrase) or (len(tokens) < 3 and phrase.lower() not in abstract.lower()):
            return None
        return Name(m.start(1), m.end(1), phrase, proposed=True)

    def title_report(self, title: str) -> Name | None:
        """`Step-Audio-R1.5 Technical Report`: the model a report is about."""
        m = REPORT_TITLE.match(title)
        if not m or not any(self.strong_name(t) for t in m.group(1).split()):
            return None
        return Name(m.start(1), m.end(1), m.group(1), type=NodeType.MODEL, proposed=True)

    def name_tokens(
        self, text: str, sentence_starts: set[int], title: bool = False, capitalized: bool = False
    ) -> Iterator[Name]:
        """Name-shaped tokens and hyphenated compounds: `Diffusion-DPO`, `Lumina-Next-T2I`.

        In a title every word is capitalized, so there a compound needs a name-shaped part. With
        `capitalized`, also single capitalized words inside a sentence that the field writes in
        lower case nowhere (`Vlogger`), marked as such: many are names, others proper nouns
        (`Bayesian`), which only a decision model can tell apart.
        """
        not_names = self.patterns.not_names
        # plain lower-case words are never names: most tokens, and the regex engine skips them
        for m in NEXT_UNPLAIN_TOKEN.finditer(text):
            if m.group(1) is None:
                break  # the end of the text
            token, shaped = self._token_shape(m.group(1))
            start = m.start(1)
            if shaped is False:
                if capitalized and not title and start not in sentence_starts and self._plain_name(token):
                    yield Name(start, start + len(token), token, source=CAPITALIZED_WORD)
                continue
            if start and text[start - 1] in "\\_^${":  # LaTeX and formulas: `\sim50`, `x_t`
                continue
            end = start + len(token)
            following = FOLLOWING_WORD.match(text, end, end + 20)
            if shaped is None and following and following.group(1).lower() in not_names:
                # `Vision-Language Models`: part of a longer class name (`the ETD Dataset` is ETD)
                continue
            opens = title or start in sentence_starts
            if shaped is None and opens and not self._sized_coinage(text, token, end):
                continue
            yield Name(start, end, token)

    def _token_shape(self, raw: str) -> tuple[str, bool | None]:
        """The name a token may give, and whether it is shaped like one: True or False, or None for a
        compound of capitalized words (`Vision-Language`), a name only inside a sentence of running text.
        """
        raw = raw.rstrip(".")
        before, dot, after = raw.rpartition(".")
        if dot and after.istitle() and after.isalpha() and self._sentence_word(after.lower()):
            raw = before  # `WebArena.To the best of ...`: a sentence that starts without a space
        parts = raw.split("-")
        # cut off a descriptive tail: `SDXL-based` -> `SDXL`
        tails = self.patterns.name_tail_words
        while len(parts) > 1 and parts[-1].lower() in tails:
            parts.pop()
        token = "-".join(parts)
        if token.endswith("'s"):
            token = token[:-2]
        if len(parts) == 1:
            return token, self.strong_name(token)
        if not any(len(NOT_LETTER.sub("", p)) >= 2 for p in parts):
            return token, False
        strong = [self.strong_name(p) or bool(LETTER_VERSION.fullmatch(p)) for p in parts]
        shaped = [
            s
            or self._capitalized(p)
            or (0 < i < len(parts) - 1 and p in COMPOUND_JOINERS)
            or (len(p) == 1 and p.isupper())  # `M-Portal`, `X-Cube`
            or bool(VERSIONISH.fullmatch(p))
            or bool(SIZE.fullmatch(p))
            or bool(ROMAN_NUMERAL.fullmatch(p))  # `MIMIC-IV`
            for i, (s, p) in enumerate(zip(strong, parts, strict=True))
        ]
        if any(strong):
            # beside a coined part, a short code or an uncommon lowercase word is part of the name
            # too: `CIFAR-LT`, `DotaMath-deepseek-7B`, `m-ArenaHard`
            shaped = [s or self._coined_part(p) for s, p in zip(shaped, parts, strict=True)]
        if not all(shaped):
            return token, False
        return token, True if any(strong) else None

    def _coined_part(self, part: str) -> bool:
        """A hyphen part no word list knows: capitals and digits (`LT`, `V`, `EO`), or a lowercase word
        that is not a common one (`deepseek`, `lighteval`), or one letter (`m-ARC`); not a count
        (`SDXL-1step`)."""
        if not part.isalnum() or not part.isascii():
            return False
        if part.isupper() or part.isdigit():
            return True
        if not (part.isalpha() and part.islower()):
            return False
        return part not in self.common_words and part not in self.patterns.not_names

    def _plain_name(self, token: str) -> bool:
        """A capitalized word of letters only, not a common word: `Vlogger`, not `Table`."""
        return (
            len(token) >= 4
            and token.isalpha()
            and bool(CAPITALIZED.match(token))
            and token[1:].islower()
            and token.lower() not in self.common_words
            and token.lower() not in self.patterns.not_names
        )

    def _sentence_word(self, word: str) -> bool:
        """A word of running text (`to`, `extensive`): one the field writes in lower case, or one
        that ends a lowercase name on its left."""
        return word in self.common_words or word in self.patterns.phrase_stop_words

    def _name_word(self, word: str) -> bool:
        return self._capitalized(word) or self.strong_name(word)

    def _sized_coinage(self, text: str, token: str, end: int) -> bool:
        """`Skywork-Math 7B has ...`: a compound of capitalized words with a coined part and a size
        after it names a model, even where it opens a sentence (`Open-Source 7B models` does not)."""
        if not SIZE_AFTER.match(text, end):
            return False
        return any(part.lower() not in self.common_words for part in token.split("-"))

    def capitalized_phrases(self, text: str, sentence_starts: set[int]) -> Iterator[Name]:
        """Runs of two to six capitalized words in running text: `Level Set Traversal`.

        Not inside quotes (a cited title), and not runs of bare abbreviations (`TPOT SLA`).
        Words are separated by single spaces; `of` and `for` may join two capitalized words.
        """
        if '"' in text or "“" in text:
            text = QUOTED.sub(lambda m: " " * len(m.group(0)), text)
        not_names = self.patterns.not_names
        at = 0  # where the search for the next phrase goes on: always the end of a word, or 0
        while True:
            m = NEXT_PHRASE_START.match(text, at)
            assert m is not None  # the pattern can match nothing before `\Z`
            first = m.group(1)
            if first is None:
                return
            start, at = m.start(1), m.end(1)
            after_brace = start > 0 and text[start - 1] == "{"  # `Evo\textbf{Lved Sign ...}`
            starts_name = self._name_word(first) or DIMENSION.fullmatch(first)
            if not starts_name or start in sentence_starts or after_brace:
                continue
            run = [(start, at, first)]
            nxt = NEXT_WORD.match(text, at)  # the word after the run so far
            while nxt is not None and nxt.start(1) == at + 1 and text[at] == " ":
                token = nxt.group(1)
                if self._name_word(token):
                    run.append((nxt.start(1), nxt.end(1), token))
                elif token in CONNECTORS:
                    joined = NEXT_WORD.match(text, nxt.end(1))
                    if joined is None or not self._capitalized(joined.group(1)):
                        break
                    run.append((nxt.start(1), nxt.end(1), token))
                    run.append((joined.start(1), joined.end(1), joined.group(1)))
                else:
                    break
                at = run[-1][1]
                nxt = NEXT_WORD.match(text, at)
            whole = len(run)
            while run and run[-1][2] in CONNECTORS:
                run.pop()
            adjacent = (
                run and nxt is not None and len(run) == whole and text[run[-1][1] : nxt.start(1)] == " "
            )
            following = nxt.group(1) if adjacent and nxt is not None else ""
            if (
                run
                and (
                    self.is_generic(run[-1][2])  # `Autoregressive Transformers`: a class
                    or (following[:1].isupper() and following.lower() in not_names)
                )
            ):  # `Large Audio Language Models`: part of a longer class name
                continue
            if 2 <= len(run) <= 6 and not all(bare_acronym(word) for *_, word in run):
                start, end = run[0][0], run[-1][1]
                yield Name(start, end, text[start:end])

    def described_proposals(self, text: str) -> Iterator[Name]:
        """`we introduce a copy mechanism to ...`, `we propose time step gradient checkpointing, a
        technique that ...`: a lowercase name the paper gives its own method."""
        p = self.patterns
        heads, vague = p.method_heads | p.described_heads, p.vague_heads
        for m in DESCRIBED.finditer(text):
            phrase, apposition = m.group(1), m.group(2)
            words = phrase.split()
            if len(words) < 2 or words[-1] in vague or any(w in FUNCTION_WORDS for w in words):
                continue
            if words[-1] not in heads and not (apposition and apposition.lower() in vague):
                continue
            yield Name(m.start(1), m.end(1), phrase, type=NodeType.METHOD, proposed=True)

    def headed_datasets(self, text: str) -> Iterator[Name]:
        """`the Foo benchmark`, `on the Bar dataset`: a capitalized name its head word types."""
        if not any(head in text for head in DATASET_HEADS):
            return
        for m in HEADED_DATASET.finditer(text):
            name = m.group(1)
            if self.is_generic(name) or name.lower() in self.patterns.not_names:
                continue
            yield Name(m.start(1), m.end(1), name, type=NodeType.DATASET)

    def headed_phrases(self, text: str, title: bool = False) -> Iterator[Name]:
        """`universal photometric stereo`, `on-policy self-distillation`: one to four words before
        a head word of `phrase_heads`, written in lower case (or in a title's capitals), with no
        punctuation between them and none of `phrase_stops`. Low-priority candidates: the
        decision model keeps the ones that name something."""
        if text.isascii():
            heads = self.lowercase_phrase_head.finditer(text.lower())
        else:
            heads = self.phrase_head.finditer(text)
        reversed_text = None  # made at the first head, for `_previous_word`
        for m in heads:
            start = m.start()
            while start > 1 and text[start - 1] == "-" and text[start - 2].isalnum():
                start -= 1  # the whole hyphenated word: `self-distillation`
                while start and text[start - 1].isalnum():
                    start -= 1
            head = text[start : m.end()]
            if not _phrase_case(head, title):
                continue
            head_start = start
            if reversed_text is None:
                reversed_text = text[::-1]
            start = self._phrase_start(text, reversed_text, start, title)
            if start == head_start and "-" not in head:
                continue  # one plain word is too vague to name a thing
            node_type = self._head_type(head.lower())
            if node_type is None:
                continue
            yield Name(start, m.end(), text[start : m.end()], type=node_type, source="phrase")

    def class_worded_phrases(self, text: str, title: bool = False) -> Iterator[Name]:
        """`a symmetric clipping method`, `a gated self-attention mechanism`: the lowercase words
        before a class word of `phrase_class_words` name a method, whatever word they end with.
        The class word is no part of the name; `_group` gives the name with it as an alias."""
        reversed_text = None
        for m in self.phrase_class_word.finditer(text):
            end = m.start()  # the space before the class word
            if reversed_text is None:
                reversed_text = text[::-1]
            last = _previous_word(text, reversed_text, end + 1)
            if last is None:
                continue
            head_start, head = last
            if head.lower() in self.phrase_stops or not _phrase_case(head, title) or _adverb(head):
                continue
            start = self._phrase_start(text, reversed_text, head_start, title)
            if start == head_start and "-" not in head:
                continue  # one plain word is too vague to name a thing
            word = m.group(0)[1:]
            yield Name(start, end, text[start:end], NodeType.METHOD, source=CLASS_WORDED, class_word=word)

    def _phrase_start(self, text: str, reversed_text: str, start: int, title: bool) -> int:
        """Where a lowercase phrase ending in the word at `start` begins: up to four words before it,
        one space apart, while they may be part of a name (no stop word, no adverb)."""
        for _ in range(4):
            before = _previous_word(text, reversed_text, start)
            if before is None:
                break
            word_start, token = before
            if token.lower() in self.phrase_stops or not _phrase_case(token, title) or _adverb(token):
                break
            start = word_start
        return start

    def _head_type(self, word: str) -> NodeType | None:
        """The type of a head word as matched: `super-resolution`, `self-distillation`, `rewards`."""
        heads = self.phrase_heads
        for form in (word, word.rsplit("-", 1)[-1]):
            node_type = heads.get(form) or (heads.get(form[:-1]) if form.endswith("s") else None)
            if node_type is not None:
                return node_type
        return None


def _head_word(heads: Iterable[str]) -> str:
    """A regex of any of `heads`, whole, alone or plural. The lookahead names the possible first
    letters, so that the regex engine rejects most places at once (see roles._alternation)."""
    first_letters = "".join(sorted({re.escape(h[0]) for h in heads}))
    return rf"(?<![A-Za-z0-9])(?=[{first_letters}])(?:{word_tree(heads)})s?(?![A-Za-z0-9\-])"


# the characters of a word (see `_previous_word`), read backwards from its last one
WORD_CHARS = re.compile(r"[A-Za-z0-9\-]*")
PREVIOUS_WORD_REACH = 40  # a word before a place and its space take this many characters at most


def _previous_word(text: str, reversed_text: str, place: int) -> tuple[int, str] | None:
    """The word right before `place` in `text`, one space apart, and where it starts: letters,
    digits and hyphens, first a letter or digit, the whole run of such characters, and within
    `PREVIOUS_WORD_REACH` characters of the place.

    The word ends at the space, so only its start is to be found: one anchored match in the
    reversed text gives it, where a forward search would try each place of the reach in turn.
    """
    if place < 2 or text[place - 1] != " ":
        return None
    last = len(text) - place + 1  # the word's last character, in `reversed_text`
    length = WORD_CHARS.match(reversed_text, last).end() - last  # type: ignore[union-attr]
    start = place - 1 - length
    first = text[start]
    if not length or place - start > PREVIOUS_WORD_REACH or not (first.isascii() and first.isalnum()):
        return None
    return start, text[start : place - 1]


def _word_after(words: Iterable[str], flags: int = 0, plural: bool = False) -> re.Pattern[str]:
    """A regex of a space and then any of `words` (or its plural), whole, matched where a name ends."""
    alternatives = "|".join(sorted(map(re.escape, words)))
    return re.compile(rf" (?:{alternatives}){'s?' if plural else ''}(?![\w\-])", flags)


def _adverb(token: str) -> bool:
    return token.endswith("ly") and "-" not in token  # `weight-only` is no adverb


def _phrase_case(token: str, title: bool) -> bool:
    """A word of a lowercase name: lower case, or an acronym (`LLM alignment`); in a title any
    case, since titles capitalize every word."""
    return title or token.islower() or (token.isupper() and len(token) >= 2)
