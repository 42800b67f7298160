"""Writing graph.db, the query store: in full from a graph.json, or as an update of the previous
graph.db, in place, from the build's delta.json.

Elements are read as raw lines (`GraphFile.lines`) and stored as they are; only the few fields
that questions filter on are parsed out. What a question cannot afford to compute at ask time
is computed here: each entity's paper count, each node's degree, and PageRank.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from importlib.resources import files
from pathlib import Path

import numpy as np
import scipy.sparse

from kg.answers import paper_month
from kg.errors import InputError, KgError
from kg.graph import GraphFile
from kg.graph import format as fmt
from kg.ids import norm
from kg.schema import ENTITY_TYPES, EdgeType, NodeType
from kg.store import PAPER_EDGES, STORE_VERSION

SCHEMA = files("kg.store").joinpath("schema.sql").read_text(encoding="utf-8")
# the schema's tables, then its indexes: rows go in before the indexes are built (faster)
TABLES, INDEXES = SCHEMA.split("\n-- indexes:", 1)
INDEXES = "--" + INDEXES
ENTITY_TYPE_NAMES = tuple(str(t) for t in ENTITY_TYPES)
BATCH = 20_000
CACHE_KB = -200_000  # SQLite's page cache: 200 MB
BUSY_SECONDS = 30.0  # how long an update waits for readers to let it commit
# An update reads the store through a memory map (SQLite caps the size at its own limit, 2 GB by
# default), and so does the page drawn from its transaction. Out of the page cache (a daily job),
# a page fault reads ahead of the page asked for, where SQLite's own reads fetch one page each:
# the page of the 103k graph, drawn out of the cache, took 4.1 to 4.5 s this way against 6.1 to
# 6.6 s; from the cache it makes no difference. Readers (`kg query`) do without: the pages they
# touch would count in their RSS (260 MB instead of 40 for `kg query entity ViT`), for no gain.
MMAP_BYTES = 1 << 31


def write_store(graph: Path, path: Path) -> None:
    """Write the query store of a graph.json to `path` (a new file)."""
    source = GraphFile(graph)
    path.unlink(missing_ok=True)
    db = _connect(path, TABLES)
    try:
        # edges first: their counts then go into each node's row as it is written
        degree: Counter[str] = Counter()
        paper_links: set[tuple[str, str]] = set()
        edge_types: Counter[str] = Counter()
        db.executemany(
            "INSERT INTO edges VALUES (?,?,?,?)", _edge_rows(source, degree, paper_links, edge_types)
        )
        papers = Counter(target for _, target in paper_links)
        del paper_links
        db.executemany("INSERT INTO nodes VALUES (?,?,?,?,?,?,?)", _node_rows(source, db, papers, degree))
        _add_links(db, after=0)
        for statement in INDEXES.split(";"):  # not executescript: it would commit
            db.execute(statement)
        _finish(db, source, edge_types, analyze=True)
    except BaseException:
        db.close()
        path.unlink(missing_ok=True)
        raise
    db.close()


def update_store(path: Path, delta: Path) -> sqlite3.Connection:
    """Apply a build's `delta.json` to the store at `path`, in place: its nodes replace or join the
    store's, its edges (all new) are added, and the counts of the nodes they touch and PageRank are
    computed again. The store then answers for the graph.json of the delta's build (its header's
    `build`), which is written meanwhile.

    It is all one transaction, left open: the caller commits it (`COMMIT`) when that graph.json
    goes into place, or closes the connection to roll it back. Until then readers see the store
    as it was; a process killed before the commit leaves a hot journal, which SQLite rolls back
    (`kg.store.roll_back`)."""
    if not path.is_file():
        raise InputError(path, "no query store to update: rebuild this folder with `kg build`")
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS)
        db.execute("PRAGMA journal_mode = DELETE")  # the rollback journal: the default, said out loud
        db.execute("PRAGMA synchronous = FULL")  # the journal is on disk before the store is written
        db.execute(f"PRAGMA cache_size = {CACHE_KB}")  # room for every changed page: none spill early
        db.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        db.execute("BEGIN IMMEDIATE")  # one writer: a second update waits, then fails clearly
    except sqlite3.OperationalError as e:
        raise KgError(f"{path}: cannot update the query store ({e}); is another build writing it?") from None
    try:
        changes = GraphFile(delta)
        # new nodes come in with no papers and no degree, and nodes the store has keep theirs:
        # the counts of the delta's edges are added to both below
        node_rows = list(_node_rows(changes, db, Counter(), Counter()))
        # their names went in with them; the old ones stay right: a node's name and aliases only
        # ever gain forms (kg.resolve), so the forms it had are still among its forms
        db.executemany(
            "INSERT INTO nodes VALUES (?,?,?,?,?,?,?) ON CONFLICT (id) DO UPDATE SET "
            "type = excluded.type, name = excluded.name, month = excluded.month, data = excluded.data",
            node_rows,
        )
        counts = json.loads(db.execute("SELECT value FROM meta WHERE key = 'counts'").fetchone()[0])
        edge_types = Counter(counts["edges"])  # the delta's edges are all new: they add to these
        last_edge = db.execute("SELECT max(rowid) FROM edges").fetchone()[0] or 0
        degree: Counter[str] = Counter()
        paper_links: set[tuple[str, str]] = set()
        db.executemany(
            "INSERT INTO edges VALUES (?,?,?,?)", _edge_rows(changes, degree, paper_links, edge_types)
        )
        _add_links(db, after=last_edge)
        # all new, so they add to the counts as they do in a full build (`write_store`): each edge
        # to both ends' degree, each (paper, node) link once to the node's papers (its papers are
        # new papers: no link of theirs was counted before)
        papers = Counter(target for _, target in paper_links)
        db.executemany(
            "UPDATE nodes SET degree = degree + ?, papers = papers + ? WHERE id = ?",
            ((n, papers[node], node) for node, n in sorted(degree.items())),
        )
        db.execute("DELETE FROM rank")
        _finish(db, changes, edge_types, analyze=False, commit=False)
    except BaseException:
        db.close()  # rolls the transaction back
        raise
    return db


def commit_update(db: sqlite3.Connection, path: Path) -> None:
    """Commit an `update_store` transaction: it waits up to `BUSY_SECONDS` for readers of the
    store to let go of it; past that the update is rolled back and the error says why."""
    try:
        db.execute("COMMIT")
    except sqlite3.OperationalError as e:
        db.close()
        raise KgError(
            f"{path}: cannot commit the update of the query store ({e}; something kept reading it for "
            f"{BUSY_SECONDS:g} s); the store and graph.json are as they were: run the update again"
        ) from None


def _connect(path: Path, schema: str = "") -> sqlite3.Connection:
    """A connection inside one transaction (after `schema` is run: a script commits first)."""
    try:
        db = sqlite3.connect(path, isolation_level=None)
    except sqlite3.Error as e:
        raise KgError(f"{path}: cannot write the query store there ({e})") from None
    # a staged file that is renamed into place when whole: no journal needed to stay consistent
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    db.execute(f"PRAGMA cache_size = {CACHE_KB}")
    db.executescript(schema)
    db.execute("BEGIN")
    return db


def _add_links(db: sqlite3.Connection, after: int) -> None:
    """PageRank's input for the edges past rowid `after`: each link as the rowids of its nodes
    (BROADER edges and self-loops left out, as `kg.queries.pagerank`), so that an update reads
    numbers rather than every edge's ids again."""
    db.execute(
        """INSERT INTO links SELECT s.rowid, t.rowid FROM edges e
           JOIN nodes s ON s.id = e.source JOIN nodes t ON t.id = e.target
           WHERE e.rowid > ? AND e.type != ? AND e.source != e.target""",
        (after, str(EdgeType.BROADER)),
    )


def _finish(
    db: sqlite3.Connection, graph: GraphFile, edge_types: Counter[str], analyze: bool, commit: bool = True
) -> None:
    """PageRank, the counts of nodes and edges, the build's id and the store's version; then
    commit (unless not to `commit`), and with `analyze` give the query planner the tables'
    statistics (an update keeps those of its base: it changes the tables by a fraction of a
    percent)."""
    count, last = db.execute("SELECT count(*), max(rowid) FROM nodes").fetchone()
    if count != last:  # rowids are the nodes' places in the PageRank vector: no gaps
        raise KgError(f"query store: node rowids are not 1..{count}; rebuild it with `kg index`")
    # as one string: SQLite joins it in C, where a row at a time costs a Python tuple each
    text = db.execute("SELECT group_concat(a || ',' || b, ',') FROM links").fetchone()[0] or ""
    pairs = (np.fromstring(text, dtype=np.int64, sep=",") - 1).reshape(-1, 2)
    rank = pagerank(count, pairs)
    entity_rows = db.execute(
        f"SELECT rowid FROM nodes INDEXED BY nodes_type_papers WHERE type IN {_marks(ENTITY_TYPE_NAMES)}",
        ENTITY_TYPE_NAMES,
    )
    entities = np.array([r for (r,) in entity_rows], dtype=np.int64) - 1
    # in rank order (ties in the order read): the index on it then grows at one end
    order = entities[np.argsort(rank[entities], kind="stable")]
    rows = zip((order + 1).tolist(), rank[order].tolist(), strict=True)
    db.executemany("INSERT INTO rank VALUES (?,?)", rows)
    node_types = dict(db.execute("SELECT type, count(*) FROM nodes GROUP BY type ORDER BY type"))
    db.executemany(
        "INSERT OR REPLACE INTO meta VALUES (?,?)",
        [
            ("version", str(STORE_VERSION)),
            ("build", graph.build_token() or ""),
            ("counts", json.dumps({"nodes": node_types, "edges": dict(sorted(edge_types.items()))})),
        ],
    )
    if not commit:
        return
    db.execute("COMMIT")
    if analyze:
        db.execute("ANALYZE")


def _marks(values: tuple[str, ...]) -> str:
    return "(" + ",".join("?" * len(values)) + ")"


def _node_rows(
    source: GraphFile, db: sqlite3.Connection, papers: Counter[str], degree: Counter[str]
) -> Iterator[tuple]:
    """Rows of `nodes`, with the `papers` and `degree` counted for each; their names go into
    `names` on the way. Only entity nodes, which are small, are parsed whole: a paper's fields
    are matched."""
    names: list[tuple[str, str]] = []
    for lineno, line in source.lines("nodes"):
        head = fmt.NODE_HEAD.match(line)
        if head is None:  # not laid out by kg build: parse it
            node = _parse(source, lineno, line)
            node_id, node_type, name = node["id"], str(node.get("type", "")), str(node.get("name", ""))
        else:
            node_id, node_type, name = (_unquote(q) for q in head.groups())
            node = _parse(source, lineno, line) if node_type in ENTITY_TYPE_NAMES else {}
        month = None
        forms: Iterable[str] = []
        if node_type == NodeType.PAPER:
            month = _paper_month(line, node)
            forms = [name]  # a paper's name is its title
        elif node_type in ENTITY_TYPE_NAMES:
            forms = [name, *(node.get("aliases") or [])]
        names.extend((key, node_id) for key in {norm(str(f)) for f in forms} if key)
        if len(names) >= BATCH:
            db.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", names)
            names.clear()
        yield node_id, node_type, name, month, papers[node_id], degree[node_id], line.decode()
    db.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", names)


def _edge_rows(
    source: GraphFile, degree: Counter[str], paper_links: set[tuple[str, str]], edge_types: Counter[str]
) -> Iterator[tuple[str, str, str, str]]:
    """Rows of `edges`, counting on the way each node's degree, the (paper, node) links and the
    edges of each type."""
    for lineno, line in source.lines("edges"):
        head = fmt.EDGE_HEAD.match(line)
        if head is None:  # not laid out by kg build: parse it
            edge = _parse(source, lineno, line)
            u, v, t = edge["source"], edge["target"], str(edge.get("type", ""))
        elif b"\\" in head.group(0):  # an escaped character in an id: decode it properly
            u, v, _, t = (json.loads(q) for q in head.groups())
        else:  # the common case, by slicing: this loop runs a million times for 100k papers
            u, v, t = head.group(1)[1:-1].decode(), head.group(2)[1:-1].decode(), head.group(4)[1:-1].decode()
        degree[u] += 1
        degree[v] += 1
        edge_types[t] += 1
        if t in PAPER_EDGES:
            paper_links.add((u, v))
        yield u, v, t, line.decode()


def _unquote(quoted: bytes) -> str:
    return quoted[1:-1].decode() if b"\\" not in quoted else json.loads(quoted)


_MONTH = re.compile(rb'"(\d{4}-\d\d)')


def _paper_month(line: bytes, node: dict) -> str | None:
    """YYYY-MM of a paper's `published` date, else of its `listing_date` (`kg.queries.paper_month`).
    Found from the end of the line, past the abstract: a key with its quotes cannot occur inside a
    JSON string, where quotes are escaped."""
    if node:  # parsed already
        return paper_month(node)
    for key in (b',"published":', b',"listing_date":'):
        at = line.rfind(key)
        if at >= 0 and (m := _MONTH.match(line, at + len(key))):
            return m.group(1).decode()
    return None


def _parse(source: GraphFile, lineno: int, line: bytes) -> dict:
    try:
        return json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(source.path, f"invalid graph.json line ({e})", lineno) from None


def pagerank(n: int, pairs: np.ndarray, damping: float = 0.85, tol: float = 1e-12) -> np.ndarray:
    """PageRank of nodes 0..n-1 on the undirected graph of `pairs` (an array of two columns).

    The computation of `networkx.pagerank` (its scipy form: unweighted, parallel links counted
    once, dangling nodes spread evenly, stopped when the change is below `n * tol`), done on a
    sparse matrix built straight from the store: a networkx graph of the 103k-paper corpus
    takes over a GB and most of a minute to build, this takes seconds."""
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    adjacency = scipy.sparse.coo_array((np.ones(len(rows)), (rows, cols)), shape=(n, n)).tocsr()
    adjacency.data[:] = 1.0  # an undirected simple graph: a link seen twice is one link
    out_degree = np.asarray(adjacency.sum(axis=1)).ravel()
    inverse = np.divide(1.0, out_degree, out=np.zeros(n), where=out_degree != 0)
    transition = scipy.sparse.diags_array(inverse) @ adjacency
    dangling = out_degree == 0
    x = np.full(n, 1.0 / n)
    for _ in range(1000):
        last = x
        x = damping * (x @ transition + x[dangling].sum() / n) + (1 - damping) / n
        if np.abs(x - last).sum() < n * tol:
            return x
    raise KgError("PageRank did not converge in 1,000 iterations")
