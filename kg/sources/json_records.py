"""JSON Lines, or a JSON array, of flat paper records `{id, title, abstract, published?, ...}`.

Covers this project's corpora and the daily-arXiv crawler files (`summary`, `abs`).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError, Problem
from kg.schema import Paper
from kg.sources.base import Skipped, open_binary, paper_from_record, parse_json, read_head, read_text

name = "jsonl"


def sniff(head: str) -> bool:
    text = head.lstrip()
    if text.startswith("{"):
        return True
    # a JSON array of flat records (the HF API response nests them under "paper")
    return text.startswith("[") and '"paper"' not in text[:2000] and "'paper'" not in text[:2000]


@dataclass(frozen=True)
class RawLine:
    """One JSON Lines record, not parsed yet: parsing is left to whoever extracts it, so that
    a pool of workers, not the process reading the file, pays for it."""

    path: Path
    line: int
    raw: bytes

    def parse(self) -> Paper | Skipped:
        record = _record(self.path, self.raw, self.line)
        if isinstance(record, Skipped):
            return record
        try:
            return paper_from_record(record, self.path, self.line)
        except InputError as e:
            return Skipped.of(e)


def is_array(path: Path) -> bool:
    return read_head(path, 4096).lstrip().startswith("[")


def read(path: Path) -> Iterator[Paper | Skipped]:
    if is_array(path):
        yield from _read_array(path)
        return
    for item in raw_lines(path):
        yield item.parse() if isinstance(item, RawLine) else item


def raw_lines(path: Path) -> Iterator[RawLine | Skipped]:
    """The non-blank lines of a JSON Lines file; a cut-off gzip ends with a `Skipped`."""
    with open_binary(path) as f:
        lineno = 0
        try:
            for lineno, raw in enumerate(f, 1):
                if lineno == 1:
                    raw = raw.removeprefix(b"\xef\xbb\xbf")
                if raw.strip():
                    yield RawLine(path, lineno, raw)
        except (EOFError, zlib.error, gzip.BadGzipFile) as e:
            # a cut-off download: what came before stands, the rest is reported
            yield Skipped(str(path), lineno + 1, None, f"file ends early ({e})", Problem.CUT_OFF)


def _record(path: Path, raw: bytes, lineno: int) -> object | Skipped:
    """One line's JSON value (`null` too: it is skipped as not an object, not as a blank line);
    a `Skipped` when the line is not valid JSON text."""
    try:
        # without its line end, so that an error at the end of the line gives its column, not
        # `column 1` of the line after
        return parse_json(raw.decode("utf-8").rstrip("\r\n"), path, lineno)
    except UnicodeDecodeError as e:
        reason = f"not UTF-8 text ({e.reason} at column {e.start + 1})"
        return Skipped(str(path), lineno, None, reason, Problem.NOT_UTF8)
    except InputError as e:
        return Skipped.of(e)


def _read_array(path: Path) -> Iterator[Paper | Skipped]:
    records = parse_json(read_text(path), path)
    if not isinstance(records, list):
        raise InputError(path, f"expected a JSON array of records, found {type(records).__name__}", 1)
    for i, record in enumerate(records, 1):
        try:
            yield paper_from_record(record, path, None, record_no=i)
        except InputError as e:
            yield Skipped.of(e, i)
