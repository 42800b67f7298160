"""graph.db: the query store `kg build` writes beside graph.json, so that `kg query` answers a
100k-paper graph in well under a second without loading it (SQLite: one file, no server; the
comparison that chose it is `benchmarks/query_stores.py`).

`kg.store.writer` writes it (whole, or updated from a build's delta.json); `Store` opens it for
reading; `kg.store.queries` asks it the questions `kg.queries` asks a networkx graph, with the
same answers (tests/test_store.py holds them to that).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from kg.errors import InputError
from kg.graph.format import BUILD_TOKEN, GRAPH_FILE

STORE_FILE = "graph.db"
STORE_VERSION = 1  # of schema.sql; a store of another version is written anew, never read


class Store:
    """A graph.db opened read-only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.is_file():
            raise InputError(path, "no query store here (`kg build` writes one; `kg index` writes it again)")
        try:
            self.db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            self.meta = dict(self.db.execute("SELECT key, value FROM meta"))
        except sqlite3.DatabaseError as e:
            raise InputError(path, f"not a query store written by kg ({e})") from None

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
    store = Store(path)
    current = store.meta.get("version") == str(STORE_VERSION)
    if token is None or not current or store.meta.get("build") != token.group(1).decode():
        store.close()
        return None
    return store
