"""Names no vocabulary lists: acronym definitions, the title's `Name:` prefix, name-shaped tokens,
capitalized phrases, sized model names and hardware, typed from their form and context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from kg.ontology import common_words, patterns
from kg.schema import NodeType

# A token that may be part of a name: letters, digits and inner `.`, `-`, `+`, `/`, Greek.
TOKEN = re.compile(
    r"[A-Za-z0-9\u0370-\u03ff][A-Za-z0-9\u0370-\u03ff.+/]*(?:-[A-Za-z0-9\u0370-\u03ff.+/]+)*\+*"
)
SIZE = re.compile(r"\d+(?:\.\d+)?[BMK](?:-A\d+(?:\.\d+)?B)?")
ACRONYM_IN_PARENS = re.compile(r"\(([A-Za-z][A-Za-z0-9\-+.&/]{1,14}?)s?(?:[;,][^)]*)?\)")
TITLE_PREFIX = re.compile(r"^\s*([^:]{2,40}?)\s*:\s")
REPORT_TITLE = re.compile(r"^\s*(\S.{1,40}?)\s+(?:Technical Report|Tech Report|System Card|Model Card)\s*$")
VERSION = re.compile(r"v?\d+(?:\.\d+)+")
PLAIN_WORD = re.compile(r"[a-z][a-z.\-/+]*").fullmatch
LETTER_VERSION = re.compile(r"[A-Z]\d+(?:\.\d+)*")  # `R1.5` in `Step-Audio-R1.5`, `V3`
VERSIONISH = re.compile(r"[A-Za-z]?\d+(?:\.\d+)*[a-z]?")  # `2`, `v2`, `1.5`, `4o`
# words that may stand inside a capitalized name (`Tanks of Temples` no, `Level of Detail` yes)
CONNECTORS = frozenset({"of", "for"})
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
UNIT_TOKEN = re.compile(r"^\d+(?:\.\d+)?(?:[kKMBTGx×%]|ms|s|h|GB|MB|TB|fps|FPS|px|D|d|nd|st|rd|th|K\+?)?$")
HARDWARE = re.compile(
    r"\b(?:NVIDIA\s+|Nvidia\s+)?(?:GeForce\s+)?(?:RTX|GTX)[\s-]?(?:A)?\d{3,4}(?:\s?Ti|\s?Super)?\b"
    r"|\b(?:Google\s+)?(?:Cloud\s+)?TPU[\s-]?v\d+[a-z]?\b"
    r"|\b(?:NVIDIA\s+)?[ABHLV]\d{2,3}[A-Z]?(?=\s+(?:GPU|GPUs|Tensor Core|PCIe|SXM))"
    r"|\b\d{4}\s?Ti\b"
)


@dataclass
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
    plural: bool = False  # `(MFMs)`: the acronym names a class of things


def is_generic(surface: str) -> bool:
    text = surface.lower().strip()
    generic = patterns()["generic_terms"]
    return text in generic or text.rstrip("s") in generic


@lru_cache(maxsize=65536)
def strong_name(token: str) -> bool:
    """Shaped like a name rather than a word: `ReNO`, `diffGrad`, `Phi-2`, `STARFlow`, `T5`."""
    core = token.strip("-.+/")
    if len(core) < 2 or UNIT_TOKEN.match(core) or core.lower() in patterns()["not_names"]:
        return False
    if "-" in core:
        return any(strong_name(part) for part in core.split("-"))
    if re.fullmatch(r"[IVX]+", core):  # roman numerals
        return False
    letters = re.sub(r"[^A-Za-z]", "", core)
    if not letters:
        return False
    if len(letters) < 2:
        return False
    if letters.lower() in common_words() and not letters.isupper() and re.search("[A-Z]{2}", letters):
        return False  # emphasis inside a word (`CONtinuous`), not a coined name (`ComBat`)
    if re.search(r"[a-z][A-Z]|[A-Z]{2}[a-z]", core):  # camel: `diffGrad`, `STARFlow`; not `mN`
        return len(letters) >= 4 or (core[0].isupper() and len(letters) >= 3)
    if re.search(r"\d", core):  # `Phi-2`, `T5`, `Wan2.1`; not `sim50`
        return bool(re.match(r"[A-Z]", core))
    return (
        sum(c.isupper() for c in letters) >= 2
        and (letters.isupper() or len(letters) <= 6)
        and (len(letters) >= 3)
    )


def bare_acronym(token: str) -> bool:
    """All capitals and nothing else (`AIGC`, `SLA`): usually an abbreviation, not a name."""
    return bool(re.fullmatch(r"[A-Z]{2,}s?", token))


@lru_cache(maxsize=65536)
def _capitalized(token: str) -> bool:
    return bool(re.match(r"[A-Z][a-z]", token)) and token.lower() not in patterns()["not_names"]


def own_type(surface: str, long_form: str | None) -> NodeType | None:
    """The type a name's own words give it: `X-Bench` is a dataset, `X Attention` a method."""
    p = patterns()
    if any(re.search(shape, surface) for shape in p["dataset_name_shapes"]):
        return NodeType.DATASET
    if any(re.search(shape, surface) for shape in p["model_name_shapes"]):
        return NodeType.MODEL
    words = re.findall(r"[a-z]+", f"{long_form or surface}".lower())
    short = re.findall(r"[a-z]+", surface.lower())
    if any(w.endswith("bench") or w in p["dataset_heads"] for w in words[-1:] + short[-1:]):
        return NodeType.DATASET
    if words and words[-1] in p["method_heads"]:
        return NodeType.METHOD
    if words and words[-1] in p["model_heads"]:
        return NodeType.MODEL
    return None


def context_type(after: str) -> NodeType | None:
    """The type the words right after a name give it: `MMWorld, a new benchmark for ...`."""
    p = patterns()
    clause = re.split(r"[.;:()]", after, maxsplit=1)[0]
    words = re.findall(r"[A-Za-z]+", clause.lower())[:7]

    def head_type(word: str) -> NodeType | None:
        if word.endswith("bench") or word in p["dataset_heads"]:
            return NodeType.DATASET
        if word in p["model_heads"]:
            return NodeType.MODEL
        if word in p["method_heads"]:
            return NodeType.METHOD
        return None

    found = None
    for word in words:
        kind = head_type(word)
        if kind is None and found is not None:
            break
        found = kind or found  # the last of a run of head words: `agent framework` is a framework
    return found


def acronym_definitions(text: str) -> Iterator[Name]:
    """`Long Name (LN)`: the short form in parentheses and the words before it that spell it."""
    for m in ACRONYM_IN_PARENS.finditer(text):
        short = m.group(1).rstrip(".-")
        acronym_shaped = strong_name(short) or re.fullmatch(r"[A-Z][a-z]?[A-Z]", short)
        if not acronym_shaped and not _capitalized(short):
            continue
        few_capitals = sum(c.isupper() for c in short) < 2 and not re.search(r"[a-z][A-Z]", short)
        if few_capitals and (not _capitalized(short) or len(short) < 3):
            continue
        before = text[max(0, m.start() - 160) : m.start()].rstrip()
        long_form = _long_form(short, before)
        if long_form is None:
            continue
        if not strong_name(short) and sum(w[0].isupper() for w in long_form.split()) < 2:
            continue
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


SHORT_THEN_LONG = re.compile(r"\b([A-Za-z][A-Za-z0-9\-+]{1,14})\s+\(([A-Za-z][^()]{4,120}?)\)")


def reverse_acronym_definitions(text: str) -> Iterator[Name]:
    """`FRUGAL (Full-Rank Updates with GrAdient spLitting)`: the name first, then what it spells."""
    for m in SHORT_THEN_LONG.finditer(text):
        short, inner = m.group(1), m.group(2).strip()
        if " " not in inner or not (strong_name(short) or _capitalized(short)):
            continue
        words = inner.split()
        letters = [c.lower() for c in short if c.isalnum()]
        if len(words) > len(letters) + 3 or not _spells(letters, inner):
            continue
        if inner[0].lower() != letters[0]:
            continue
        yield Name(m.start(1), m.end(1), short, long_form=inner, long_start=m.start(2))


def _long_form(short: str, before: str) -> str | None:
    """Schwartz & Hearst: the shortest run of words ending `before` whose letters spell `short`."""
    letters = [c.lower() for c in short if c.isalnum()]
    if not letters:
        return None
    words = [w.strip("\"'“”‘’") for w in re.findall(r"\S+", before)]
    words = [w for w in words if w]
    limit = min(len(words), max(len(letters) + 4, len(letters) * 2))
    for count in range(1, limit + 1):
        candidate = " ".join(words[-count:])
        if re.search(r"[(),;:\[\]]", candidate.rstrip(",;:")):
            return None  # an expansion does not run across punctuation
        if not re.match(r"[A-Za-z0-9]", candidate):
            continue
        if _spells(letters, candidate) and candidate[0].lower() == letters[0]:
            first = words[-count].lower().strip("\"'(")
            if first in LEAD_WORDS:
                continue
            return candidate.strip(",;:")
    return None


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


def title_prefix(title: str) -> Name | None:
    """`ReNO: Enhancing ...` names the paper's own contribution."""
    m = TITLE_PREFIX.match(title)
    if not m:
        return None
    prefix = m.group(1).strip()
    tokens = prefix.split()
    if len(tokens) > 4 or is_generic(prefix) or tokens[0].lower() in patterns()["title_openers"]:
        return None
    if any(t[0].islower() and not strong_name(t) for t in tokens):  # `From SRA to Self-Flow`
        return None
    named = any(strong_name(t) or VERSION.fullmatch(t) for t in tokens)
    single = len(tokens) == 1 and _capitalized(prefix) and len(prefix) > 3
    if not (named or single or _headed(tokens)):
        return None
    return Name(m.start(1), m.start(1) + len(prefix), prefix, proposed=True)


def _headed(tokens: list[str]) -> bool:
    """Capitalized words ending in a head word: `Adaptive Guidance`, `Deep Conjugate Direction
    Method`; not `Effortless Efficiency`."""
    p = patterns()
    heads = p["method_heads"] | p["model_heads"] | p["dataset_heads"]
    return (
        len(tokens) >= 2
        and all(t[:1].isupper() or strong_name(t) for t in tokens)
        and tokens[-1].lower() in heads
    )


TITLE_LEAD = re.compile(
    r"^(?:An?\s+)?((?:[A-Z][\w\-]*\s+){1,4}?[A-Z][\w\-]*)\s+(?:for|via|with|based|using)\b"
)


def title_lead(title: str, abstract: str = "") -> Name | None:
    """`Progressive Gradient Flow for Robust ...`: a title that opens with its method's name.

    Three words or more, or a phrase the abstract repeats; not an opening verb (`Scaling ...`).
    """
    m = TITLE_LEAD.match(title)
    if not m or ":" in title[: m.end()]:
        return None
    phrase = m.group(1)
    tokens = phrase.split()
    first = tokens[0].lower()
    if not _headed(tokens) or first in patterns()["title_openers"] or first.endswith("ing"):
        return None
    if is_generic(phrase) or (len(tokens) < 3 and phrase.lower() not in abstract.lower()):
        return None
    return Name(m.start(1), m.end(1), phrase, proposed=True)


def title_report(title: str) -> Name | None:
    """`Step-Audio-R1.5 Technical Report`: the model a report is about."""
    m = REPORT_TITLE.match(title)
    if not m or not any(strong_name(t) for t in m.group(1).split()):
        return None
    return Name(m.start(1), m.end(1), m.group(1), type=NodeType.MODEL, proposed=True)


def name_tokens(text: str, sentence_starts: set[int], title: bool = False) -> Iterator[Name]:
    """Name-shaped tokens and hyphenated compounds: `Diffusion-DPO`, `Lumina-Next-T2I`.

    In a title every word is capitalized, so there a compound needs a name-shaped part.
    """
    tails = patterns()["name_tail_words"]
    for m in TOKEN.finditer(text):
        token = m.group(0).rstrip(".")
        if PLAIN_WORD(token):
            continue  # plain lower-case words are never names: most tokens stop here
        start = m.start()
        if start and text[start - 1] in "\\_^${":  # LaTeX and formulas: `\sim50`, `x_t`
            continue
        parts = token.split("-")
        # cut off a descriptive tail: `SDXL-based` -> `SDXL`
        while len(parts) > 1 and parts[-1].lower() in tails:
            parts.pop()
        token = "-".join(parts)
        if token.endswith("'s"):
            token = token[:-2]
        following = re.match(r" ([A-Z][a-z]+)", text[start + len(token) : start + len(token) + 20])
        if following and following.group(1).lower() in patterns()["not_names"]:
            continue  # `Vision-Language Models`: part of a longer class name
        if len(parts) == 1:
            if not strong_name(token):
                continue
        else:
            if not any(len(re.sub(r"[^A-Za-z]", "", p)) >= 2 for p in parts):
                continue
            strong = [strong_name(p) or bool(LETTER_VERSION.fullmatch(p)) for p in parts]
            shaped = [
                s or _capitalized(p) or bool(VERSIONISH.fullmatch(p)) or bool(SIZE.fullmatch(p))
                for s, p in zip(strong, parts, strict=True)
            ]
            loose_ok = not title and start not in sentence_starts
            if not all(shaped) or not (any(strong) or loose_ok):
                continue
        yield Name(start, start + len(token), token)


QUOTED = re.compile(r"\"[^\"]{0,200}\"|“[^”]{0,200}”")


def capitalized_phrases(text: str, sentence_starts: set[int]) -> Iterator[Name]:
    """Runs of two to six capitalized words in running text: `Level Set Traversal`.

    Not inside quotes (a cited title), and not runs of bare abbreviations (`TPOT SLA`).
    """
    text = QUOTED.sub(lambda m: " " * len(m.group(0)), text)
    words = list(re.finditer(r"[A-Za-z0-9][A-Za-z0-9\-]*", text))
    i = 0
    while i < len(words):
        w = words[i]
        after_brace = w.start() > 0 and text[w.start() - 1] == "{"  # `Evo\textbf{Lved Sign ...}`
        if (
            not (_capitalized(w.group(0)) or strong_name(w.group(0)))
            or w.start() in sentence_starts
            or after_brace
        ):
            i += 1
            continue
        j = i + 1
        while j < len(words):
            gap = text[words[j - 1].end() : words[j].start()]
            if gap != " ":
                break
            token = words[j].group(0)
            if _capitalized(token) or strong_name(token):
                j += 1
            elif token in CONNECTORS and j + 1 < len(words) and _capitalized(words[j + 1].group(0)):
                j += 2
            else:
                break
        run = words[i:j]
        while run and run[-1].group(0) in CONNECTORS:
            run.pop()
        adjacent = (
            run and j < len(words) and j == i + len(run) and text[run[-1].end() : words[j].start()] == " "
        )
        following = words[j].group(0) if adjacent else ""
        if (
            run
            and (
                is_generic(run[-1].group(0))  # `Autoregressive Transformers`: a class
                or (following[:1].isupper() and following.lower() in patterns()["not_names"])
            )
        ):  # `Large Audio Language Models`: part of a longer class name
            i = max(j, i + 1)
            continue
        if 2 <= len(run) <= 6 and not all(bare_acronym(w.group(0)) for w in run):
            start, end = run[0].start(), run[-1].end()
            yield Name(start, end, text[start:end])
        i = max(j, i + 1)


def sized_names(text: str, names: list[Name]) -> Iterator[Name]:
    """`DeepSeekMoE 16B`, `GShard 2.9B`: a name followed by a parameter count."""
    for name in names:
        m = re.match(r"[ -](\d+(?:\.\d+)?[BM])\b", text[name.end : name.end + 12])
        if m:
            yield Name(
                name.start,
                name.end + m.end(),
                text[name.start : name.end + m.end()],
                type=NodeType.MODEL,
                size_of=name.surface,
            )


def hardware_names(text: str) -> Iterator[Name]:
    for m in HARDWARE.finditer(text):
        yield Name(m.start(), m.end(), m.group(0), type=NodeType.HARDWARE)


DESCRIBED = re.compile(
    r"\b(?:propose|introduce|present|develop|design|devise)[sd]?\s+(?:(?:a|an)\s+)?"
    r"(?:(?:novel|new|simple|effective|efficient|lightweight|and)\s+)*"
    r"((?:[a-z][a-z0-9\-]+\s+){0,4}[a-z][a-z0-9\-]+)(?=\s*(?:,\s+(?:a|an)\s+(\w+)|\s+(?:to|that|which|for|as|in)\b))"
)


def described_proposals(text: str) -> Iterator[Name]:
    """`we introduce a copy mechanism to ...`, `we propose time step gradient checkpointing, a
    technique that ...`: a lowercase name the paper gives its own method."""
    p = patterns()
    heads, vague = p["method_heads"] | p["described_heads"], p["vague_heads"]
    for m in DESCRIBED.finditer(text):
        phrase, apposition = m.group(1), m.group(2)
        words = phrase.split()
        if len(words) < 2 or words[-1] in vague or any(w in FUNCTION_WORDS for w in words):
            continue
        if words[-1] not in heads and not (apposition and apposition.lower() in vague):
            continue
        yield Name(m.start(1), m.end(1), phrase, type=NodeType.METHOD, proposed=True)


HEADED_DATASET = re.compile(
    r"\b(?:the|on|of)\s+((?:[A-Z][\w\-.+]*\s+){0,3}[A-Z][\w\-.+]*)\s+(?:benchmark|dataset|corpus|suite)s?\b"
)


def headed_datasets(text: str) -> Iterator[Name]:
    """`the Foo benchmark`, `on the Bar dataset`: a capitalized name its head word types."""
    for m in HEADED_DATASET.finditer(text):
        name = m.group(1)
        if is_generic(name) or name.lower() in patterns()["not_names"]:
            continue
        yield Name(m.start(1), m.end(1), name, type=NodeType.DATASET)
