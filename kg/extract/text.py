"""Sentences, alphanumeric runs and the normalized text that matching works on."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

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
# A run of letters and digits. Greek letters stay letters (`PixArt-α` is not `pixart`), a dot
# between digits stays (`OPT-1.3B` is not `OPT-13B`) and so do trailing pluses (`DPM-Solver++`).
RUN = re.compile(r"(?:[A-Za-z\u0370-\u03ff]|\d+(?:\.\d+)*)+\+*")


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


def norm(text: str) -> str:
    """Lowercase alphanumerics only: `SD-1.5` -> `sd15`. Matching and resolution keys use it."""
    return "".join(RUN.findall(text)).lower()


@dataclass(frozen=True)
class NormalizedText:
    """`text` with case, spaces and punctuation removed, and the way back to offsets in `text`."""

    text: str
    normalized: str
    run_starts: tuple[int, ...]  # offset in `normalized` where each run starts
    run_origins: tuple[int, ...]  # offset in `text` where each run starts
    run_ends: frozenset[int]

    @classmethod
    def of(cls, text: str) -> NormalizedText:
        parts, starts, origins, ends, at = [], [], [], set(), 0
        for m in RUN.finditer(text):
            run = m.group(0)
            parts.append(run)
            starts.append(at)
            origins.append(m.start())
            at += len(run)
            ends.add(at)
        return cls(text, "".join(parts).lower(), tuple(starts), tuple(origins), frozenset(ends))

    def original(self, position: int) -> int:
        """Offset in `text` of the character at `position` in `normalized`."""
        i = bisect_right(self.run_starts, position) - 1
        return self.run_origins[i] + position - self.run_starts[i]

    def is_run_start(self, position: int) -> bool:
        i = bisect_right(self.run_starts, position) - 1
        return i >= 0 and self.run_starts[i] == position

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in `text` of the normalized slice `[start, end)`."""
        return self.original(start), self.original(end - 1) + 1
