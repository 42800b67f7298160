"""Names no vocabulary lists: acronym definitions, the title's `Name:` prefix, name-shaped tokens,
capitalized phrases, sized model names and hardware, typed from their form and context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.extract.text import norm
from kg.ontology import patterns
from kg.schema import NodeType

# A token that may be part of a name: letters, digits and inner `.`, `-`, `+`, `/`, Greek.
TOKEN = re.compile(r"[A-Za-z0-9\u0370-\u03ff][A-Za-z0-9\u0370-\u03ff.+/]*(?:-[A-Za-z0-9\u0370-\u03ff.+/]+)*\+*")
SIZE = re.compile(r"\d+(?:\.\d+)?[BMK](?:-A\d+(?:\.\d+)?B)?")
ACRONYM_IN_PARENS = re.compile(r"\(([A-Za-z][A-Za-z0-9\-+.&/]{1,14}?)s?(?:[;,][^)]*)?\)")
TITLE_PREFIX = re.compile(r"^\s*([^:]{2,40}?)\s*:\s")
CONNECTORS = frozenset({"of", "for", "with", "and", "to", "in", "on", "the", "via", "by", "from"})
UNIT_TOKEN = re.compile(
    r"^\d+(?:\.\d+)?(?:[kKMBTGx×%]|ms|s|h|GB|MB|TB|fps|FPS|px|D|d|nd|st|rd|th|K\+?)?$"
)
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


def is_generic(surface: str) -> bool:
    text = surface.lower().strip()
    generic = patterns()["generic_terms"]
    return text in generic or text.rstrip("s") in generic or norm(text) in {norm(g) for g in ()}


def strong_name(token: str) -> bool:
    """Shaped like a name rather than a word: `ReNO`, `diffGrad`, `Phi-2`, `STARFlow`, `T5`."""
    core = token.strip("-.+/")
    if len(core) < 2 or UNIT_TOKEN.match(core) or core.lower() in patterns()["not_names"]:
        return False
    if re.fullmatch(r"[IVX]+", core):  # roman numerals
        return False
    letters = re.sub(r"[^A-Za-z]", "", core)
    if not letters:
        return False
    if re.search(r"[a-z][A-Z]", core):  # camel case
        return True
    if re.search(r"[A-Za-z]", core) and re.search(r"\d", core):
        return bool(re.match(r"[A-Za-z]", core))
    return sum(c.isupper() for c in letters) >= 2 and (letters.isupper() or len(letters) <= 6)


def _capitalized(token: str) -> bool:
    return bool(re.match(r"[A-Z][a-z]", token)) and token.lower() not in patterns()["not_names"]


def type_from_context(surface: str, long_form: str | None, after: str) -> NodeType:
    """A new name's type from its own head word, its expansion, and the words after it."""
    p = patterns()
    words = re.findall(r"[A-Za-z]+", f"{long_form or ''} {surface}".lower())
    tail = [w for w in re.findall(r"[A-Za-z]+", f"{long_form or surface}".lower())][-1:]
    following = re.findall(r"[A-Za-z]+", after.lower())[:2]
    if any(w.endswith("bench") or w in p["dataset_heads"] for w in words[-2:] + following[:1]):
        return NodeType.DATASET
    if tail and tail[0] in p["method_heads"]:
        return NodeType.METHOD
    if tail and tail[0] in p["model_heads"] or (following and following[0] in p["model_heads"]):
        return NodeType.MODEL
    if following and following[0] in p["method_heads"]:
        return NodeType.METHOD
    return NodeType.METHOD


def acronym_definitions(text: str) -> Iterator[Name]:
    """`Long Name (LN)`: the short form in parentheses and the words before it that spell it."""
    for m in ACRONYM_IN_PARENS.finditer(text):
        short = m.group(1).rstrip(".-")
        if not strong_name(short) and not re.fullmatch(r"[A-Z][a-z]?[A-Z]", short):
            continue
        if sum(c.isupper() for c in short) < 2 and not re.search(r"[a-z][A-Z]", short):
            continue
        before = text[max(0, m.start() - 160) : m.start()].rstrip()
        long_form = _long_form(short, before)
        if long_form is None:
            continue
        long_start = m.start() - (len(text[: m.start()]) - len(text[: m.start()].rstrip())) - len(long_form)
        yield Name(
            start=m.start(1),
            end=m.start(1) + len(short),
            surface=short,
            long_form=long_form,
            long_start=long_start,
        )


def _long_form(short: str, before: str) -> str | None:
    """Schwartz & Hearst: the shortest run of words ending `before` whose letters spell `short`."""
    letters = [c.lower() for c in short if c.isalnum()]
    if not letters:
        return None
    words = re.findall(r"\S+", before)
    limit = min(len(words), max(len(letters) + 4, len(letters) * 2))
    for count in range(1, limit + 1):
        candidate = " ".join(words[-count:])
        if not re.match(r"[A-Za-z0-9]", candidate):
            continue
        if _spells(letters, candidate) and candidate[0].lower() == letters[0]:
            first = words[-count].lower().strip("\"'(")
            if first in CONNECTORS or first in {"a", "an", "the", "our", "we"}:
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
    if len(tokens) > 4 or is_generic(prefix):
        return None
    if not any(strong_name(t) for t in re.split(r"[\s]+", prefix)) and not (
        len(tokens) == 1 and _capitalized(prefix) and len(prefix) > 3 and "-" not in prefix
    ):
        return None
    return Name(m.start(1), m.start(1) + len(prefix), prefix, proposed=True)


def name_tokens(text: str, sentence_starts: set[int]) -> Iterator[Name]:
    """Name-shaped tokens and hyphenated compounds: `Diffusion-DPO`, `Lumina-Next-T2I`."""
    tails = patterns()["name_tail_words"]
    for m in TOKEN.finditer(text):
        token = m.group(0).rstrip(".")
        start = m.start()
        parts = token.split("-")
        # cut off a descriptive tail: `SDXL-based` -> `SDXL`
        while len(parts) > 1 and parts[-1].lower() in tails:
            parts.pop()
        token = "-".join(parts)
        if token.endswith("'s"):
            token = token[:-2]
        if len(parts) == 1:
            if not strong_name(token):
                continue
        else:
            strong = [strong_name(p) for p in parts]
            shaped = [s or _capitalized(p) or p.isdigit() or SIZE.fullmatch(p) for s, p in zip(strong, parts, strict=True)]
            if not any(strong) and not (all(shaped) and start not in sentence_starts):
                continue
            if not all(shaped):
                continue
        yield Name(start, start + len(token), token)


def capitalized_phrases(text: str, sentence_starts: set[int]) -> Iterator[Name]:
    """Runs of two to six capitalized words in running text: `Level Set Traversal`."""
    words = list(re.finditer(r"[A-Za-z0-9][A-Za-z0-9\-]*", text))
    i = 0
    while i < len(words):
        w = words[i]
        if not (_capitalized(w.group(0)) or strong_name(w.group(0))) or w.start() in sentence_starts:
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
        if 2 <= len(run) <= 6:
            start, end = run[0].start(), run[-1].end()
            yield Name(start, end, text[start:end])
        i = max(j, i + 1)


def sized_names(text: str, names: list[Name]) -> Iterator[Name]:
    """`DeepSeekMoE 16B`, `GShard 2.9B`: a name followed by a parameter count."""
    for name in names:
        m = re.match(r"[ -](\d+(?:\.\d+)?[BM])\b", text[name.end : name.end + 12])
        if m:
            yield Name(name.start, name.end + m.end(), text[name.start : name.end + m.end()],
                       type=NodeType.MODEL, size_of=name.surface)


def hardware_names(text: str) -> Iterator[Name]:
    for m in HARDWARE.finditer(text):
        yield Name(m.start(), m.end(), m.group(0), type=NodeType.HARDWARE)
