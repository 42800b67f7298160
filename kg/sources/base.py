"""What every reader shares: opening files, and turning a loose record into a `Paper`."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from kg.errors import InputError, Problem
from kg.ids import slug
from kg.io import json_error_text
from kg.schema import Paper

# The archive name is bounded (the longest, `cond-mat`, has 8 letters): unbounded, searching a
# long id or URL for it takes quadratic time (a 30,000-letter id took 12 s).
ARXIV_ID = re.compile(r"(\d{4}\.\d{4,5}|[a-z\-]{1,20}(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
# Real abstracts stay under a few thousand characters; anything far longer is a broken record
# (a whole paper, a concatenation) and would only slow extraction down.
MAX_ABSTRACT_CHARS = 100_000
MAX_TITLE_CHARS = 2_000


@dataclass(frozen=True)
class Skipped:
    """A record a reader could not use: where it stands and why. Builds count and report these."""

    path: str
    line: int | None
    record: int | None
    reason: str
    kind: Problem

    @classmethod
    def of(cls, error: InputError, record: int | None = None) -> Skipped:
        return cls(error.path, error.line, record, error.reason, error.kind)

    def error(self) -> InputError:
        return InputError(self.path, self.reason, self.line, self.kind)


class Reader(Protocol):
    """A source format: `sniff` says whether a file's head looks like it, `read` parses it."""

    name: str

    def sniff(self, head: str) -> bool: ...

    def read(self, path: Path) -> Iterator[Paper | Skipped]: ...


def open_binary(path: Path):
    """Open a file as bytes, reading `.gz` transparently."""
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def read_text(path: Path) -> str:
    """A whole file as text, without a UTF-8 byte-order mark; `InputError` at the first byte that
    is not UTF-8 (decoded at once, so the line and column are the file's, not a buffer's)."""
    with open_binary(path) as f:
        data = f.read().removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - data.rfind(b"\n", 0, e.start)
        raise InputError(
            path, f"not UTF-8 text ({e.reason}, column {column})", line, Problem.NOT_UTF8
        ) from None


def read_head(path: Path, size: int = 65536) -> str:
    """The first `size` bytes as text, to sniff the format. Lenient on purpose: a bad byte or a
    cut-off `.gz` there is the reader's to report, on its line, not a reason to refuse the file."""
    head = b""
    try:
        with open_binary(path) as f:
            # read1: one read at a time, so what came before a cut-off `.gz` is kept, not dropped
            while len(head) < size and (chunk := f.read1(size - len(head))):
                head += chunk
    except (OSError, EOFError, zlib.error) as e:
        if not head:
            raise InputError(path, f"cannot read: {e}") from None
    return head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")


def parse_json(text: str, path: Path, line: int | None = None) -> Any:
    """A JSON value; `InputError` at the line (the given one, else the parser's) when invalid."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(
            path,
            f"invalid JSON ({json_error_text(e)})",
            line or e.lineno,
            Problem.INVALID_JSON,
        ) from None
    except RecursionError:
        raise InputError(path, "invalid JSON (nested too deeply)", line, Problem.INVALID_JSON) from None
    except ValueError:  # not a JSONDecodeError: an integer of over 4,300 digits, which Python refuses
        raise InputError(
            path, "invalid JSON (a number too long to convert)", line, Problem.INVALID_JSON
        ) from None


LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def collapse(text: Any) -> str:
    """One line of text: runs of white space become one space; a lone surrogate (half an emoji
    from a cut-off string) becomes U+FFFD, since it cannot be written as UTF-8."""
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        return ""  # a title or abstract given as an object or a list is no text at all
    line = " ".join(str(text).split())  # str.split's white space is re's `\s`, and faster
    return line if line.isascii() else LONE_SURROGATE.sub("\ufffd", line)


def arxiv_id(value: str) -> str | None:
    """The arXiv id in an id or URL, without its version."""
    m = ARXIV_ID.search(value.strip().rstrip("/"))
    return m.group(1) if m else None


def _authors(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    names = (collapse(a.get("name") if isinstance(a, Mapping) else a) for a in value)
    return [name for name in names if name]  # a list or an object where a name should be is none


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


def paper_from_record(record: object, path: Path, line: int | None, record_no: int | None = None) -> Paper:
    """Map the field names the known sources use onto a `Paper`; raise `InputError` if unusable."""
    which = f"record {record_no}: " if record_no is not None else ""
    if not isinstance(record, Mapping):
        kind = type(record).__name__
        raise InputError(path, f"{which}expected a JSON object, found {kind}", line, Problem.NOT_AN_OBJECT)
    title = collapse(record.get("title"))
    abstract = collapse(record.get("abstract") or record.get("summary"))
    if not title:
        raise InputError(path, f"{which}record has no title", line, Problem.NO_TITLE)
    if not abstract:
        raise InputError(
            path, f"{which}record {title[:60]!r} has an empty abstract", line, Problem.EMPTY_ABSTRACT
        )
    if len(abstract) > MAX_ABSTRACT_CHARS:
        limit = f"{MAX_ABSTRACT_CHARS:,}"
        message = f"{which}abstract of {len(abstract):,} characters (limit {limit})"
        raise InputError(path, message, line, Problem.ABSTRACT_TOO_LONG)
    if len(title) > MAX_TITLE_CHARS:
        message = f"{which}title of {len(title):,} characters (limit {MAX_TITLE_CHARS:,})"
        raise InputError(path, message, line, Problem.TITLE_TOO_LONG)
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
