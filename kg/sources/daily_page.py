"""The Hugging Face Daily Papers page saved as text from a browser.

Page chrome, a date line such as `Sep 10`, then blocks separated by blank lines that alternate
title and abstract. The date is kept as the papers' listing date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from kg.errors import InputError, Problem
from kg.schema import Paper
from kg.sources.base import (
    MAX_ABSTRACT_CHARS,
    MAX_TITLE_CHARS,
    Skipped,
    collapse,
    fallback_id,
    read_text,
)

name = "daily-page"
# [0-9], not \d: \d takes any script's digits, and `Sep ١٠, ٢٠٢٥` made the listing date `٢٠٢٥-09-10`
DATE_LINE = re.compile(
    r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? [0-9]{1,2}(, [0-9]{4})?$"
)
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def sniff(head: str) -> bool:
    return any(DATE_LINE.match(line.strip()) for line in head.splitlines()[:60])


def read(path: Path) -> Iterator[Paper | Skipped]:
    lines = read_text(path).splitlines()
    date_at = next((i for i, line in enumerate(lines) if DATE_LINE.match(line.strip())), None)
    if date_at is None:
        raise InputError(path, "no date line (such as 'Sep 10') before the papers", 1)
    listing_date = _iso_date(lines[date_at].strip())
    blocks: list[tuple[int, str]] = []
    for lineno, line in enumerate(lines[date_at + 1 :], date_at + 2):
        if line.strip():
            blocks.append((lineno, collapse(line)))
    for (title_line, title), (_, abstract) in zip(blocks[::2], blocks[1::2], strict=False):
        if len(abstract) > MAX_ABSTRACT_CHARS or len(title) > MAX_TITLE_CHARS:
            yield Skipped(
                str(path),
                title_line,
                None,
                "title or abstract too long to be real",
                Problem.ABSTRACT_TOO_LONG,
            )
            continue
        yield Paper(
            id=fallback_id(title, abstract),
            title=title,
            abstract=abstract,
            listing_date=listing_date,
            source=f"{path}:{title_line}",
        )

    if len(blocks) % 2:
        lineno, text = blocks[-1]
        yield Skipped(
            str(path), lineno, None, f"title without an abstract: {text[:60]!r}", Problem.NO_ABSTRACT
        )


def _iso_date(text: str) -> str | None:
    """`Sep 10` -> `--09-10` (ISO 8601 without a year); `Sep 10, 2025` -> `2025-09-10`."""
    m = re.match(r"([A-Za-z]{3})[a-z]*\.? ([0-9]{1,2})(?:, ([0-9]{4}))?", text)
    assert m
    month, day = MONTHS.index(m.group(1).lower()) + 1, int(m.group(2))
    year = m.group(3)
    try:  # 2000 is a leap year: `Feb 29` without a year is a real day
        date(int(year or 2000), month, day)
    except ValueError:
        return None
    return f"{year}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"
