"""The Hugging Face `/api/daily_papers` response: a JSON array of `{"paper": {...}, ...}` items.

Tolerates the archive's variants: a no-data day (`1` or `{"status": "no_data"}`), items saved as
Python-repr strings, and `{"status": "success", "data": [...]}` wrappers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.errors import InputError, Problem
from kg.schema import Paper
from kg.sources.base import Skipped, paper_from_record, parse_json, read_text

name = "hf-api"


def sniff(head: str) -> bool:
    text = head.lstrip()
    if text.startswith("["):
        return '"paper"' in text[:4000] or "'paper'" in text[:4000]
    return text.startswith("{") and '"status"' in text[:200] and '"date"' in text[:400]


def read(path: Path) -> Iterator[Paper | Skipped]:
    data = parse_json(read_text(path), path)
    if isinstance(data, dict):
        data = data.get("data") or []
    if not isinstance(data, list):
        return  # a no-data day
    for i, item in enumerate(data, 1):
        try:
            yield paper_from_record(_flatten(_item(item, path, i)), path, None, record_no=i)
        except InputError as e:
            yield Skipped.of(e, i)


def _item(item: Any, path: Path, index: int) -> dict:
    if isinstance(item, str):
        try:
            item = ast.literal_eval(item)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            raise InputError(
                path, f"record {index}: unreadable Python-repr item", kind=Problem.UNREADABLE_RECORD
            ) from None
    if not isinstance(item, dict):
        raise InputError(
            path,
            f"record {index}: expected an object, found {type(item).__name__}",
            kind=Problem.NOT_AN_OBJECT,
        )
    return item


def _flatten(item: dict) -> dict:
    paper = item.get("paper")
    if not isinstance(paper, dict):
        paper = {}
    return {
        "id": paper.get("id"),
        "title": item.get("title") or paper.get("title"),
        "abstract": paper.get("summary") or item.get("summary"),
        "published": paper.get("publishedAt") or item.get("publishedAt"),
        "listing_date": paper.get("submittedOnDailyAt"),
        "authors": paper.get("authors"),
        "code_url": paper.get("githubRepo"),
    }
