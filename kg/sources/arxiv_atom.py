"""arXiv API responses (Atom 1.0 XML), current and legacy layouts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from kg.errors import InputError, Problem
from kg.schema import Paper
from kg.sources.base import Skipped, paper_from_record, read_text

name = "arxiv-atom"
ATOM = "{http://www.w3.org/2005/Atom}"


def sniff(head: str) -> bool:
    text = head.lstrip()
    return text.startswith("<") and "<feed" in text[:2000]


def read(path: Path) -> Iterator[Paper | Skipped]:
    try:
        root = ET.fromstring(read_text(path))
    except ET.ParseError as e:
        line, column = e.position
        raise InputError(
            path, f"invalid XML ({e.msg.split(':')[0]}, column {column})", line, Problem.INVALID_XML
        ) from None
    for i, entry in enumerate(root.iter(f"{ATOM}entry"), 1):
        record = {
            "id": entry.findtext(f"{ATOM}id") or "",
            "title": entry.findtext(f"{ATOM}title"),
            "abstract": entry.findtext(f"{ATOM}summary"),
            "published": entry.findtext(f"{ATOM}published"),
            "authors": [a.findtext(f"{ATOM}name") for a in entry.iter(f"{ATOM}author")],
        }
        for link in entry.iter(f"{ATOM}link"):
            if link.get("rel") == "alternate":
                record["url"] = link.get("href")
        try:
            yield paper_from_record(record, path, None, record_no=i)
        except InputError as e:
            yield Skipped.of(e, i)
