"""The entity-centred view of a big graph: entities only, linked when papers name both.

A graph of many papers cannot show them all on one page, and a page of its most connected nodes
is mostly papers. This view folds the papers into the links they make: two entities are linked
(CO_OCCURS, weight N) when N papers name both. The page brings an entity's papers back when the
user focuses it (html_page.js, from the panel data).

The same view is picked from a networkx graph (`kg html`) and from the query store (`kg build`,
`--update`): the entities named by the most papers, their co-occurrence counted over the papers
(SQL in the store, never the whole graph loaded), and each entity's strongest links kept.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from kg.schema import NodeType

if TYPE_CHECKING:  # `kg html --help` reads the constants below: networkx and numpy load when used
    import networkx as nx
    import numpy as np

    from kg.store import Store

# a graph of more papers than this opens entity-centred: its papers alone would fill the page
# (`kg build` draws 1,500 nodes), leaving little room for what they are about
BIG_GRAPH_PAPERS = 2000
# entities an entity-centred page shows unless told otherwise (`kg build`: HTML_NODES, the same):
# with 2,000, the daily update of the 103k graph spent 0.7 s more on the page (3.5 s, of 10)
ENTITY_BUDGET = 1500
# links kept per entity: its strongest by shared papers relative to both ends' papers, so that
# a hub named in every other paper does not take every entity's links (all pairs of 2,000
# entities of the 103k graph are 105,000 links: a grey felt, and a page too heavy to move)
LINKS_PER_ENTITY = 4
CO_OCCURS = "CO_OCCURS"
# papers an entity's panel lists, and brings back when focused, in an entity-centred page: a ring
# of ten reads, and the panel data of 2,000 entities then weighs what a paper view's does (with
# twenty, the daily update of the 103k graph spent 3 s more on the page; `kg query` lists all)
FOCUS_PAPERS = 10


def entity_centred(h: nx.MultiDiGraph) -> bool:
    """Whether a view is entity-centred: its links are co-occurrences."""
    return any(k == CO_OCCURS for _, _, k in h.edges(keys=True))


def shows_papers(papers: bool | None, paper_count: int) -> bool:
    """Whether a view shows papers as nodes: as asked, else unless the graph is big."""
    return papers if papers is not None else paper_count <= BIG_GRAPH_PAPERS


def count_pairs(papers: np.ndarray, nodes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From each (paper, node) link once (nodes as indices below `n`): each pair of nodes that
    papers name both, as (a, b, shared papers) with a < b, in the order of (a, b). A sparse
    product (links^T links), so a big view's million paper-pairs cost a fraction of a second."""
    import numpy as np
    import scipy.sparse

    _, rows = np.unique(papers, return_inverse=True)
    links = scipy.sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int32), (rows, nodes)), shape=(int(rows.max(initial=-1)) + 1, n)
    )
    shared = scipy.sparse.triu(links.T @ links, k=1).tocoo()
    order = np.lexsort((shared.col, shared.row))
    return shared.row[order], shared.col[order], shared.data[order]


def strongest_links(
    a: np.ndarray, b: np.ndarray, weight: np.ndarray, papers: np.ndarray, keep: int = LINKS_PER_ENTITY
) -> np.ndarray:
    """Which links (a[i], b[i], weight[i]) are among the `keep` strongest of either end (nodes
    as indices into `papers`, their paper counts), strongest by cosine: shared papers over the
    root of the product of both ends' papers. Ties go to the link listed first."""
    import numpy as np

    score = weight / np.sqrt(np.maximum(papers[a] * papers[b], 1.0))
    node = np.concatenate([a, b])
    which = np.concatenate([np.arange(len(a))] * 2)
    scores = np.concatenate([score, score])
    order = np.lexsort((which, -scores, node))  # by node, strongest first, then listed first
    sorted_nodes = node[order]
    rank = np.arange(len(order)) - np.searchsorted(sorted_nodes, sorted_nodes, side="left")
    kept = np.zeros(len(a), dtype=bool)
    kept[which[order][rank < keep]] = True
    return kept


def entity_graph(nodes: dict[str, dict], papers: np.ndarray, named: np.ndarray) -> nx.MultiDiGraph:
    """The chosen entities (id -> node data; `named` holds their links (paper, entity index in
    the order of their ids), each once) linked by their strongest co-occurrences; the part of
    them that hangs together: the entities apart from it are mostly named in a paper or two,
    together, and would fill rows of pairs under the picture while saying little."""
    import networkx as nx
    import numpy as np

    ids = sorted(nodes)
    counts = np.bincount(named, minlength=len(ids)).astype(np.float64)
    a, b, w = count_pairs(papers, named, len(ids))
    kept = strongest_links(a, b, w.astype(np.float64), counts)
    links = [(ids[x], ids[y], int(n)) for x, y, n in zip(a[kept], b[kept], w[kept], strict=True)]
    u = nx.Graph((x, y) for x, y, _ in links)
    main: set[str] = max(nx.connected_components(u), key=lambda part: (len(part), min(part)), default=set())
    h = nx.MultiDiGraph()
    for x, y, n in links:
        if x in main:
            for node in (x, y):
                if node not in h:
                    h.add_node(node, **nodes[node])
            h.add_edge(x, y, key=CO_OCCURS, type=CO_OCCURS, weight=n)
    return h


def note(shown: int, entities: int, papers: int, types: list[str]) -> str:
    """The line that says what the view shows and what it leaves out."""
    kinds = "entities" if len(types) > 1 else f"{types[0]} entities"
    return (
        f"{kinds} only, linked when papers name both (each one's {LINKS_PER_ENTITY} strongest links)"
        f" · {shown:,} of {entities:,} entities: the most named that link to the rest"
        f" · {papers:,} papers left out: an entity's papers appear when you focus it"
    )


def from_graph(g: nx.MultiDiGraph, types: set[str], limit: int) -> tuple[nx.MultiDiGraph, str]:
    """The entity-centred view of a networkx graph (or a view of one, such as a neighbourhood)."""
    import numpy as np

    entities = [
        n for n, d in g.nodes(data=True) if d.get("type") in types and d.get("type") != NodeType.PAPER
    ]
    named = {n: {u for u in g.predecessors(n) if g.nodes[u].get("type") == NodeType.PAPER} for n in entities}
    chosen = sorted(sorted((n for n in entities if named[n]), key=lambda n: (-len(named[n]), n))[:limit])
    links = [(p, i) for i, n in enumerate(chosen) for p in sorted(named[n])]
    papers = np.array([p for p, _ in links], dtype=object)
    h = entity_graph({n: g.nodes[n] for n in chosen}, papers, np.array([i for _, i in links], dtype=np.int64))
    total = sum(1 for _, d in g.nodes(data=True) if d.get("type") == NodeType.PAPER)
    return h, note(h.number_of_nodes(), len(entities), total, sorted(types - {NodeType.PAPER}))


def from_store(store: Store, types: list[str], limit: int) -> tuple[nx.MultiDiGraph, str]:
    """The entity-centred view from the query store: the entities named in most papers, and
    their papers read in SQL from `links` (each edge as the rowids of its ends; the paper ->
    entity ones are those from a paper's row), so no edge's JSON is read."""
    import numpy as np

    from kg.store import chunks

    marks = ",".join("?" * len(types))
    chosen = store.rows(
        f"SELECT rowid, id, papers FROM nodes WHERE type IN ({marks}) AND papers > 0"
        " ORDER BY papers DESC, id LIMIT ?",
        (*types, limit),
    )
    index = {rowid: i for i, (rowid, _, _) in enumerate(sorted(chosen, key=lambda row: row[1]))}
    store.db.execute("CREATE TEMP TABLE IF NOT EXISTS kg_chosen (node INTEGER PRIMARY KEY)")
    store.db.execute("DELETE FROM kg_chosen")
    store.db.executemany("INSERT INTO kg_chosen VALUES (?)", ((rowid,) for rowid in index))
    # the chosen entities' links, as rowids in one string (SQLite joins it in C; 300k rows as
    # tuples took twice as long), then each (paper, entity) link once
    text = store.value(
        "SELECT group_concat(l.a || ',' || l.b, ',') FROM links l JOIN kg_chosen c ON c.node = l.b"
    )
    store.db.execute("DELETE FROM kg_chosen")
    links = np.fromstring(text or "", dtype=np.int64, sep=",").reshape(-1, 2)
    paper_rows = np.array(
        [r for (r,) in store.rows("SELECT rowid FROM nodes WHERE type = ?", (str(NodeType.PAPER),))],
        dtype=np.int64,
    )
    links = links[np.isin(links[:, 0], paper_rows)]
    width = max(index, default=0) + 1  # every chosen rowid: the links end at chosen entities
    once = np.unique(links[:, 0] * width + links[:, 1])
    papers, entity_rows = once // width, once % width
    position = np.zeros(width, dtype=np.int64)  # rowid -> the entity's index
    position[list(index)] = list(index.values())
    named = position[entity_rows]
    nodes: dict[str, dict] = {}
    for chunk in chunks([node for _, node, _ in chosen], 400):
        inner = ",".join("?" * len(chunk))
        # the fields the page and the panel read of an entity (its JSON whole would be parsed)
        for node, kind, name, aliases, url in store.rows(
            f"SELECT id, type, name, json_extract(data, '$.aliases'), json_extract(data, '$.url')"
            f" FROM nodes WHERE id IN ({inner})",
            chunk,
        ):
            nodes[node] = {"type": kind, "name": name}
            if aliases and aliases != "[]":
                nodes[node]["aliases"] = json.loads(aliases)
            if url:
                nodes[node]["url"] = url
    h = entity_graph(nodes, papers, named)
    entities = store.value(f"SELECT count(*) FROM nodes WHERE type IN ({marks})", types)
    papers = store.value("SELECT count(*) FROM nodes WHERE type = ?", (str(NodeType.PAPER),))
    return h, note(h.number_of_nodes(), entities, papers, sorted(types))
