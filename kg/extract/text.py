"""Sentences, alphanumeric runs and the normalized text that matching works on."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from kg.ids import RUN, norm

SENTENCE_END = re.compile(r"[.!?](?=\s+[\"'(\[]?[A-Z0-9])")
ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "al",
        "etc",
        "vs",
        "cf",
        "fig",
        "figs",
        "eq",
        "eqs",
        "sec",
        "approx",
        "resp",
        "no",
        "ref",
        "refs",
        "dr",
        "mr",
        "ms",
        "prof",
    ]
)
# A link: with its scheme, or a code host's without one (`github.com/foo/bar`, 230 of them in the
# 113k corpus abstracts). It runs to the first space, quote or bracket that text puts around links.
URL = re.compile(
    r"(?:https?://|(?<![\w@./:\-])(?:www\.|(?:github\.com|gitlab\.com|huggingface\.co|bitbucket\.org)/))"
    r"[^\s<>\"'{}|\\^`\]]+"
)
# A code host's address that a line break split after the owner (`https://github.com/owner/
# repo`): the address has no more than one part of its path, and what follows is a name, not a word
# of the sentence (`.../Lab/ and`).
SPLIT_CODE_URL = re.compile(
    r"(?:https?://)?(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co|bitbucket\.org)/(?:[\w.\-]+/)?"
    r"\s+([A-Za-z0-9][\w.\-]*(?:/[\w.\-]+)*)"
)
# what every link above holds: text without any of them has none, and is not scanned
URL_HINTS = ("http", "www.", "github.com/", "gitlab.com/", "huggingface.co/", "bitbucket.org/")
URL_TRAILING = ".,;:)]}'\""
# words of a sentence, never the path that a split address goes on with (`.../Lab/ and more`)
NOT_A_PATH = frozenset({
    "and", "or", "for", "to", "with", "where", "which", "that", "in", "at", "the", "code", "our",
    "we", "this", "all", "see", "more", "is", "are", "will", "be",
})  # fmt: skip


@lru_cache(maxsize=8)  # the candidates blank an abstract's links, and its code links are the same
def urls(text: str) -> tuple[tuple[int, int, str], ...]:
    """The links of `text`: where each is written, and the URL (`https://` added where the text
    left it out, the two halves of a split address joined), trailing punctuation left out."""
    if not any(hint in text for hint in URL_HINTS):
        return ()
    found: list[tuple[int, int, str]] = []
    for m in SPLIT_CODE_URL.finditer(text):
        if m.group(1).rstrip(URL_TRAILING).lower() not in NOT_A_PATH:
            found.append((m.start(), m.end(), "".join(m.group(0).split())))
    for m in URL.finditer(text):
        if not any(start <= m.start() < end for start, end, _ in found):
            found.append((m.start(), m.end(), m.group(0)))
    out = []
    for start, end, url in sorted(found):
        url = url.rstrip(URL_TRAILING)
        if not url.startswith(("http://", "https://")):
            url = "https://" + url
        out.append((start, end, url))
    return tuple(out)


# RUN, a run of letters and digits, and `norm`, the key names match on, are in kg.ids: the
# query store folds the names people type with them too, without loading the extractor
# The same for ASCII text, faster: `\d` tests for any Unicode digit, `[0-9]` is a plain range.
ASCII_RUN = re.compile(r"[A-Za-z\u0370-\u03ff0-9]++(?:(?<=[0-9])\.[0-9][A-Za-z\u0370-\u03ff0-9]*+)*+\+*+")
# split on these, a text falls into the text between runs and the runs: `gap, run, gap, ..., run, gap`
SPLIT_RUNS = re.compile(f"({RUN.pattern})")
ASCII_SPLIT_RUNS = re.compile(f"({ASCII_RUN.pattern})")


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`."""
    spans, start = [], 0
    for m in SENTENCE_END.finditer(text):
        end = m.end()
        word = text[max(start, end - 8) : end - 1].rsplit(" ", 1)[-1].lower().lstrip("(")
        if word in ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
            continue
        spans.append((start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((start, len(text)))
    return spans


NEW_KEY = "new:"


def new_key(name: str) -> str:
    """The resolution key of a name no vocabulary lists: `new:` and its letters and digits
    (`Diffusion-DPO` -> `new:diffusiondpo`); an acronym is keyed by its expansion."""
    return f"{NEW_KEY}{norm(name)}"


@dataclass
class NormalizedText:
    """`text` with case, spaces and punctuation removed, and the way back to offsets in `text`."""

    text: str
    normalized: str
    run_starts: list[int]  # offset in `normalized` where each run starts
    run_origins: list[int]  # offset in `text` where each run starts
    run_ends: set[int]

    @classmethod
    def of(cls, text: str) -> NormalizedText:
        # one split and whole-list operations, no loop over the runs: this runs on every title and abstract
        parts = (ASCII_SPLIT_RUNS if text.isascii() else SPLIT_RUNS).split(text)
        runs = parts[1::2]
        part_starts = list(accumulate(map(len, parts), initial=0))  # offsets in `text`
        origins = part_starts[1::2][: len(runs)]
        ends = list(accumulate(map(len, runs)))
        starts = [0, *ends[:-1]] if runs else []
        return cls(text, "".join(runs).lower(), starts, origins, set(ends))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in `text` of the normalized slice `[start, end)`."""
        starts, origins = self.run_starts, self.run_origins
        first, last = bisect_right(starts, start) - 1, bisect_right(starts, end - 1) - 1
        return origins[first] + start - starts[first], origins[last] + end - starts[last]


def word_tree(words: Iterable[str]) -> str:
    """A regex that matches exactly `words`, written as a tree of their common beginnings:
    `pr(?:esent|opos(?:e|ing))`. At each place the regex engine then tries the few first letters
    instead of every word. Where one word begins another (`second`, `seconds`), the longer is
    tried first, as in an alternation ordered longest first.
    """
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def source(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + source(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        ends_here = "" in node
        body = branches[0] if len(branches) == 1 and not ends_here else "(?:" + "|".join(branches) + ")"
        return body + "?" if ends_here else body

    return source(tree)


# an upper-case letter in a regex, other than in an escape (`\S`, `\B`)
UPPERCASE_LITERAL = re.compile(r"(?<!\\)[A-Z]")


class CaselessPattern:
    """A regex that ignores case, searched faster in ASCII text: there the text is lowercased and
    searched with the same regex compiled without IGNORECASE, which finds the same places (the
    regex engine then folds no case at each letter: about 1.5 times as fast, lowercasing included).
    The twin needs a regex with no upper-case letters; other texts and regexes use `any_case`."""

    def __init__(self, source: str) -> None:
        self.any_case = re.compile(source, re.I)
        self.lowercase = None if UPPERCASE_LITERAL.search(source) else re.compile(source)

    def search(self, text: str) -> bool:
        """Whether the regex matches somewhere in `text`."""
        if self.lowercase is not None and text.isascii():
            return self.lowercase.search(text.lower()) is not None
        return self.any_case.search(text) is not None
