"""Files in and out: atomic writes (every output appears whole or not at all), JSON read with
a clear error or fast, and the garbage collector paused while a parse makes millions of objects."""

from __future__ import annotations

import gc
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import orjson

from kg.errors import InputError, KgError


@contextmanager
def atomic_file(path: Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Write to a temporary file beside `path`, then rename it into place."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as e:
        raise KgError(f"{path}: cannot write there ({e.strerror})") from None
    try:
        text_mode = "b" not in mode
        with os.fdopen(
            fd, mode, encoding=encoding if text_mode else None, newline="" if text_mode else None
        ) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def json_error_text(e: json.JSONDecodeError) -> str:
    """What the parser says, with the column: `Expecting ',' delimiter, column 53`,
    `Unterminated string starting at column 142`."""
    return f"{e.msg} column {e.colno}" if e.msg.endswith(" at") else f"{e.msg}, column {e.colno}"


def fast_json_loads(text: str | bytes) -> Any:
    """A JSON value, parsed by orjson (a third of the json module's time), or by the json module
    where orjson refuses what json accepts: a lone surrogate escape (`"\\ud800"`), which a
    graph.json written elsewhere can hold."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a block makes millions of objects without cycles
    (a parse, a merge): it would only scan them again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside `path` for a writer that opens files by name (SQLite, say);
    renamed into place when the block ends without error, removed otherwise."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(fd)
    except OSError as e:
        raise KgError(f"{path}: cannot write there ({e.strerror})") from None
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(path: Path) -> Iterator[Path]:
    """Fill a temporary folder beside `path`, then swap it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        os.chmod(tmp, 0o755)
        yield tmp
        move_into_place(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def move_into_place(source: Path, target: Path) -> None:
    """Replace `target` (a file or a folder) with `source` by renames on the same disk."""
    if not target.is_dir():
        os.replace(source, target)
        return
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.replace(target, old)
    os.replace(source, target)
    shutil.rmtree(old, ignore_errors=True)


def read_json(path: Path, missing: str = "no such file") -> Any:
    """A JSON file's value; an `InputError` naming the file (and the line) when it is missing or
    is no JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise InputError(path, missing) from None
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text") from None
    except json.JSONDecodeError as e:
        raise InputError(path, f"invalid JSON ({json_error_text(e)})", e.lineno) from None
