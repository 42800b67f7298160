"""Errors a user sees: one line, naming the file and line where it can."""

from __future__ import annotations

from pathlib import Path


class KgError(Exception):
    """An error with a message fit to print as it is."""


class InputError(KgError):
    """Bad input: names the file, and the line when it is known."""

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.reason = message
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {message}")
