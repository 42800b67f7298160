"""Readers, one module per source format, chosen from the file's content.

A reader is a module with `name`, `sniff(head) -> bool` and `read(path)`, which yields a `Paper`
for each usable record and a `Skipped` (where, why) for each record it cannot use. A file that
cannot be read at all raises `InputError`. `READERS` is the registry, tried in order.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from functools import partial
from pathlib import Path

from kg.errors import InputError, KgError
from kg.schema import Paper
from kg.sources import arxiv_atom, daily_page, hf_api, json_records
from kg.sources.base import Reader, Skipped, open_binary, read_head
from kg.sources.json_records import RawLine

JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")
READERS: dict[str, Reader] = {r.name: r for r in (hf_api, arxiv_atom, json_records, daily_page)}


def detect(path: Path) -> Reader:
    head = read_head(path)
    if not head.strip():
        raise InputError(path, "file is empty")
    for reader in READERS.values():
        if reader.sniff(head):
            return reader
    if path.name.lower().removesuffix(".gz").endswith(JSON_LINES_SUFFIXES):
        # the name says JSON Lines though the first record is broken: read it as such, so that
        # the bad records are skipped and reported by line like any others
        return json_records
    known = ", ".join(READERS)
    raise InputError(path, f"unknown format (known: {known}; force one with --format)", 1)


def read_papers(paths: Iterable[Path], fmt: str | None = None, strict: bool = True) -> Iterator[Paper]:
    """Every paper of every input, in order; the first bad record raises `InputError`."""
    for item in read_records(paths, fmt):
        if isinstance(item, Skipped):
            if strict:
                raise item.error()
            continue
        yield item


def _check_input(path: Path) -> None:
    if path.is_dir():
        raise InputError(path, "a folder, not a file (give the files in it: `kg build DIR/*.jsonl`)")
    if not path.is_file():
        raise InputError(path, "no such file")


def read_records(paths: Iterable[Path], fmt: str | None = None) -> Iterator[Paper | Skipped]:
    """Every paper of every input, in order, and a `Skipped` in place of each unusable record."""
    for path in paths:
        _check_input(path)
        if fmt is not None and fmt not in READERS:
            raise InputError(path, f"unknown format {fmt!r} (known: {', '.join(READERS)})")
        reader = READERS[fmt] if fmt else detect(path)
        try:
            yield from reader.read(path)
        except UnicodeDecodeError as e:
            raise InputError(path, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
        except (OSError, EOFError, zlib.error) as e:  # zlib.error: a damaged `.gz`
            raise InputError(path, f"cannot read: {e}") from None
        except MemoryError:
            raise InputError(path, "too large to read into memory") from None


def read_lazily(paths: Iterable[Path], fmt: str | None = None) -> Iterator[Paper | Skipped | RawLine]:
    """Like `read_records`, but JSON Lines records come unparsed (`RawLine.parse()` reads one),
    so that extraction workers parse them in parallel."""
    for path in paths:
        _check_input(path)
        reader = READERS.get(fmt) if fmt else detect(path)
        if reader is json_records and not json_records.is_array(path):
            try:
                yield from json_records.raw_lines(path)
            except OSError as e:
                raise InputError(path, f"cannot read: {e}") from None
        else:
            yield from read_records([path], fmt)


def estimate_records(paths: Iterable[Path]) -> int | None:
    """How many records the inputs hold, when that is cheap to know (JSON Lines: its lines)."""
    total = 0
    for path in paths:
        try:
            if not path.is_file() or detect(path) is not json_records or json_records.is_array(path):
                return None
            with open_binary(path) as f:
                total += sum(chunk.count(b"\n") for chunk in iter(partial(f.read, 1 << 20), b""))
        except (KgError, OSError, EOFError, zlib.error):
            return None
    return total


__all__ = [
    "READERS",
    "RawLine",
    "Skipped",
    "detect",
    "estimate_records",
    "read_lazily",
    "read_papers",
    "read_records",
]
