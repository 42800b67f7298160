"""Errors a user sees: one line, naming the file and line where it can."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path


class KgError(Exception):
    """An error with a message fit to print as it is."""


class Problem(StrEnum):
    """What is wrong with an input: the kind a skipped record is counted under in report.json."""

    INVALID_JSON = "invalid JSON"
    INVALID_XML = "invalid XML"
    NOT_UTF8 = "not UTF-8"
    NOT_AN_OBJECT = "expected a JSON object"
    UNREADABLE_RECORD = "unreadable record"
    NO_TITLE = "no title"
    EMPTY_ABSTRACT = "empty abstract"
    NO_ABSTRACT = "title without an abstract"
    ABSTRACT_TOO_LONG = "abstract too long"
    TITLE_TOO_LONG = "title too long"
    CUT_OFF = "file ends early"
    FILE = "unusable file"  # the whole file: missing, empty, unknown format, ...


class InputError(KgError):
    """Bad input: names the file, and the line when it is known, and says what kind of problem."""

    def __init__(
        self, path: str | Path, message: str, line: int | None = None, kind: Problem = Problem.FILE
    ) -> None:
        self.path = str(path)
        self.line = line
        self.reason = message
        self.kind = kind
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")
