"""Readers, one module per source format, chosen from the file's content.

A reader is a module with `name`, `sniff(head) -> bool` and `read(path) -> Iterator[Paper]`;
`READERS` is the registry, tried in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.errors import InputError
from kg.schema import Paper
from kg.sources import arxiv_atom, daily_page, hf_api, json_records
from kg.sources.base import Reader, read_head

READERS: dict[str, Reader] = {r.name: r for r in (hf_api, arxiv_atom, json_records, daily_page)}


def detect(path: Path) -> Reader:
    head = read_head(path)
    if not head.strip():
        raise InputError(path, "file is empty")
    for reader in READERS.values():
        if reader.sniff(head):
            return reader
    known = ", ".join(READERS)
    raise InputError(path, f"unknown format (known: {known}; force one with --format)", 1)


def read_papers(paths: Iterable[Path], fmt: str | None = None) -> Iterator[Paper]:
    """Every paper of every input, in order."""
    for path in paths:
        if not path.is_file():
            raise InputError(path, "no such file")
        if fmt is not None and fmt not in READERS:
            raise InputError(path, f"unknown format {fmt!r} (known: {', '.join(READERS)})")
        reader = READERS[fmt] if fmt else detect(path)
        try:
            yield from reader.read(path)
        except UnicodeDecodeError as e:
            raise InputError(path, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
        except (OSError, EOFError) as e:
            raise InputError(path, f"cannot read: {e}") from None


__all__ = ["READERS", "detect", "read_papers"]
