"""graph.db: the query store `kg build` writes beside graph.json, so that `kg query` answers a
100k-paper graph in well under a second without loading it (SQLite: one file, no server; the
comparison that chose it is `benchmarks/query_stores.py`).

`kg.store.writer` writes it (whole, or updated from a build's delta.json); `Store` opens it for
reading; `kg.store.queries` asks it the questions `kg.queries` asks a networkx graph, with the
same answers (tests/test_store.py holds them to that).

An update changes graph.db in place, in one transaction (SQLite's rollback journal). A process
killed inside it leaves `graph.db-journal` beside the store, a "hot journal": SQLite rolls it back
when the file is next opened for writing, and a read-only connection refuses the file until then.
`Store` rolls such a journal back itself (opening the file for writing once), so a reader sees the
store as it was before the cut-off update; where it cannot (no write access), `store_beside` treats
the store as stale, and `kg query` reads graph.json instead.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.graph.format import BUILD_TOKEN, GRAPH_FILE
from kg.schema import EdgeType, Role

STORE_FILE = "graph.db"
STORE_VERSION = 1  # of schema.sql; a store of another version is written anew, never read
# edges that start at a paper: its roles, results, comparisons and code (a node's `papers` counts them)
PAPER_EDGES = frozenset(
    {*(str(r) for r in Role), str(EdgeType.REPORTS), str(EdgeType.STATES), str(EdgeType.HAS_CODE)}
)
SQLITE_READONLY_ROLLBACK = 776  # a read-only connection met a hot journal


def journal_of(path: Path) -> Path:
    """The rollback journal SQLite keeps beside a database while a transaction writes it."""
    return path.with_name(path.name + "-journal")


def roll_back(path: Path) -> None:
    """Roll back a transaction cut off in the store at `path`, if there is one: SQLite does so
    when a connection that may write reads the file and finds a hot journal (one that no live
    process holds). A journal of a live writer is left alone, and so is one beside a file that
    is no database: nothing to roll back into."""
    if not journal_of(path).exists() or not path.is_file():
        return
    try:
        db = sqlite3.connect(path)
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        pass


def forget(path: Path) -> None:
    """Before another file is renamed onto the store at `path`: roll back any transaction cut off
    in the old one, then drop what journal is left, so that no journal is ever paired with a
    file it was not written for (SQLite would play it into the new file and corrupt it)."""
    roll_back(path)
    journal_of(path).unlink(missing_ok=True)


class CutOffUpdate(InputError):
    """graph.db has a hot journal (an update was cut off) that this process cannot roll back."""


class Store:
    """A graph.db opened read-only; or, given `db`, the store that connection writes, as it stands
    in its open transaction (`kg build` draws graph.html from an update before committing it)."""

    def __init__(self, path: Path | str, db: sqlite3.Connection | None = None) -> None:
        path = Path(path)  # a string too, as a user types it: `Store("out/graph.db")`
        self.path = path
        if db is not None:
            self.db = db
            self.meta = dict(db.execute("SELECT key, value FROM meta"))
            return
        if not path.is_file():
            raise InputError(path, "no query store here (`kg build` writes one; `kg index` writes it again)")
        try:
            try:
                self.db = self._open()
            except sqlite3.OperationalError as e:
                if getattr(e, "sqlite_errorcode", None) != SQLITE_READONLY_ROLLBACK:
                    raise
                roll_back(path)
                try:
                    self.db = self._open()
                except sqlite3.OperationalError:
                    raise CutOffUpdate(
                        path, "an update of it was cut off and cannot be rolled back here (no write access)"
                    ) from None
        except sqlite3.DatabaseError as e:
            raise InputError(path, f"not a query store written by kg ({e})") from None

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            self.meta = dict(db.execute("SELECT key, value FROM meta"))
        except BaseException:
            db.close()
            raise
        return db

    def rows(self, sql: str, params: tuple | list = ()) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, params).fetchall()

    def value(self, sql: str, params: tuple | list = ()) -> Any:
        row = self.db.execute(sql, params).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        self.db.close()


def chunks(items: list[str], size: int = 500) -> list[list[str]]:
    """`items` in lists of `size`: SQLite takes at most 32,766 parameters a statement."""
    return [items[i : i + size] for i in range(0, len(items), size)]


def store_beside(graph: Path) -> Store | None:
    """The query store of a graph.json (or of its folder) when it is there, belongs to that very
    build and has this kg's layout; None otherwise."""
    folder = graph if graph.is_dir() else graph.parent
    path = folder / STORE_FILE
    if not path.is_file() or not (folder / GRAPH_FILE).is_file():
        return None
    with open(folder / GRAPH_FILE, "rb") as f:
        token = BUILD_TOKEN.search(f.readline())
    try:
        store = Store(path)
    except CutOffUpdate:  # stale until rolled back: the reader goes to graph.json
        return None
    current = store.meta.get("version") == str(STORE_VERSION)
    if token is None or not current or store.meta.get("build") != token.group(1).decode():
        store.close()
        return None
    return store
