"""JSON Lines, or a JSON array, of flat paper records `{id, title, abstract, published?, ...}`.

Covers this project's corpora and the daily-arXiv crawler files (`summary`, `abs`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError
from kg.schema import Paper
from kg.sources.base import open_text, paper_from_record

name = "jsonl"


def sniff(head: str) -> bool:
    text = head.lstrip()
    if text.startswith("{"):
        return True
    # a JSON array of flat records (the HF API response nests them under "paper")
    return text.startswith("[") and '"paper"' not in text[:2000] and "'paper'" not in text[:2000]


def read(path: Path) -> Iterator[Paper]:
    with open_text(path) as f:
        first = ""
        while not first:
            first = f.read(1)
            if not first:
                raise InputError(path, "file is empty")
            if first.isspace():
                first = ""
        rest = f.read() if first == "[" else None
        if rest is not None:
            yield from _read_array(path, first + rest)
            return
        f.seek(0)
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(path, f"invalid JSON ({e.msg}, column {e.colno})", lineno) from None
            yield paper_from_record(record, path, lineno)


def _read_array(path: Path, text: str) -> Iterator[Paper]:
    try:
        records = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(path, f"invalid JSON ({e.msg}, column {e.colno})", e.lineno) from None
    for i, record in enumerate(records, 1):
        yield paper_from_record(record, path, None, record_no=i)
