"""What every reader shares: opening files, and turning a loose record into a `Paper`."""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from kg.errors import InputError
from kg.schema import Paper

ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
WHITESPACE = re.compile(r"\s+")


class Reader(Protocol):
    """A source format: `sniff` says whether a file's head looks like it, `read` parses it."""

    name: str

    def sniff(self, head: str) -> bool: ...

    def read(self, path: Path) -> Iterator[Paper]: ...


def open_text(path: Path):
    """Open a text file, reading `.gz` transparently and dropping a UTF-8 byte-order mark."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
    return open(path, encoding="utf-8-sig", newline="")


def read_head(path: Path, size: int = 65536) -> str:
    try:
        with open_text(path) as f:
            return f.read(size)
    except UnicodeDecodeError as e:
        raise InputError(path, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    except (OSError, EOFError) as e:
        raise InputError(path, f"cannot read: {e}") from None


LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def collapse(text: Any) -> str:
    """One line of text: runs of white space become one space; a lone surrogate (half an emoji
    from a cut-off string) becomes U+FFFD, since it cannot be written as UTF-8."""
    return LONE_SURROGATE.sub("\ufffd", WHITESPACE.sub(" ", str(text or ""))).strip()


def arxiv_id(value: str) -> str | None:
    """The arXiv id in an id or URL, without its version."""
    m = ARXIV_ID.search(value.strip().rstrip("/"))
    return m.group(1) if m else None


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _authors(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    names = []
    for a in value:
        name = a.get("name") if isinstance(a, Mapping) else a
        if name:
            names.append(collapse(name))
    return names


def _date(value: Any) -> str | None:
    """`YYYY-MM-DD` when the value starts with a real date, else None (`2024-02-30` is not one)."""
    if not value or not isinstance(value, str):
        return None
    m = re.match(r"\d{4}-\d{2}-\d{2}", value.strip())
    if not m:
        return None
    try:
        date.fromisoformat(m.group(0))
    except ValueError:
        return None
    return m.group(0)


def fallback_id(title: str, abstract: str) -> str:
    """An id for a record without one: the title's slug, or a hash when the slug is empty
    (titles in other scripts) or long."""
    base = slug(title)[:60]
    digest = hashlib.sha1(f"{title}\n{abstract}".encode()).hexdigest()[:10]
    return f"{base}-{digest}" if base else f"paper-{digest}"


def paper_from_record(
    record: Mapping[str, Any], path: Path, line: int | None, record_no: int | None = None
) -> Paper:
    """Map the field names the known sources use onto a `Paper`; raise `InputError` if unusable."""
    which = f"record {record_no}: " if record_no is not None else ""
    if not isinstance(record, Mapping):
        kind = type(record).__name__
        raise InputError(path, f"{which}expected a JSON object, found {kind}", line)
    title = collapse(record.get("title"))
    abstract = collapse(record.get("abstract") or record.get("summary"))
    if not title:
        raise InputError(path, f"{which}record has no title", line)
    if not abstract:
        raise InputError(path, f"{which}record {title[:60]!r} has an empty abstract", line)
    url = record.get("url") or record.get("abs")
    raw_id = record.get("id") or record.get("arxiv_id") or ""
    raw_id = raw_id if isinstance(raw_id, str) else ""  # a number would lose digits: 2401.10010
    pid = arxiv_id(raw_id) or (arxiv_id(url) if isinstance(url, str) else None)
    pid = pid or collapse(raw_id) or fallback_id(title, abstract)
    if not url and ARXIV_ID.fullmatch(pid):
        url = f"https://arxiv.org/abs/{pid}"
    code_url = collapse(record.get("code_url") or record.get("githubRepo")).replace(" ", "") or None
    url = collapse(url).replace(" ", "") or None if isinstance(url, str) else None
    return Paper(
        id=pid,
        title=title,
        abstract=abstract,
        published=_date(record.get("published") or record.get("publishedAt")),
        listing_date=_date(record.get("listing_date") or record.get("hf_date")),
        authors=_authors(record.get("authors")),
        url=url if isinstance(url, str) else None,
        code_url=code_url if isinstance(code_url, str) else None,
        source=f"{path}:{line}" if line is not None else f"{path}#{record_no or 1}",
    )
