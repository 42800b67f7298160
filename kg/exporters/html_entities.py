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
from collections import Counter
from itertools import combinations
from typing import TYPE_CHECKING

from kg.schema import NodeType

if TYPE_CHECKING:  # `kg html --help` reads the constants below: networkx and numpy load when used
    import networkx as nx

    from kg.store import Store

# a graph of more papers than this opens entity-centred: its papers alone would fill the page
# (`kg build` draws 2,000 nodes), leaving little room for what they are about
BIG_GRAPH_PAPERS = 2000
ENTITY_BUDGET = 2000  # entities an entity-centred page shows unless told otherwise
# links kept per entity: its strongest by shared papers relative to both ends' papers, so that
# a hub named in every other paper does not take every entity's links (all pairs of 2,000
# entities of the 103k graph are 105,000 links: a grey felt, and a page too heavy to move)
LINKS_PER_ENTITY = 4
CO_OCCURS = "CO_OCCURS"


def shows_papers(papers: bool | None, paper_count: int) -> bool:
    """Whether a view shows papers as nodes: as asked, else unless the graph is big."""
    return papers if papers is not None else paper_count <= BIG_GRAPH_PAPERS


def strongest_links(
    pairs: list[tuple[str, str, int]], papers: dict[str, int], keep: int = LINKS_PER_ENTITY
) -> list[tuple[str, str, int]]:
    """The pairs among the `keep` strongest of either end, strongest by cosine (shared papers
    over the root of the product of both ends' papers); ties go to the pair listed first, so
    list pairs in a fixed order."""
    import numpy as np

    if not pairs:
        return []
    weight = np.array([w for _, _, w in pairs], dtype=np.float64)
    ends = np.array([[papers.get(a, 1), papers.get(b, 1)] for a, b, _ in pairs], dtype=np.float64)
    score = weight / np.sqrt(np.maximum(ends[:, 0] * ends[:, 1], 1.0))
    index = {n: i for i, n in enumerate(sorted({n for a, b, _ in pairs for n in (a, b)}))}
    node = np.array([index[a] for a, _, _ in pairs] + [index[b] for _, b, _ in pairs])
    which = np.concatenate([np.arange(len(pairs))] * 2)
    scores = np.concatenate([score, score])
    order = np.lexsort((which, -scores, node))  # by node, strongest first, then listed first
    sorted_nodes = node[order]
    first = np.searchsorted(sorted_nodes, sorted_nodes, side="left")
    rank = np.arange(len(order)) - first
    kept = np.zeros(len(pairs), dtype=bool)
    kept[which[order][rank < keep]] = True
    return [pair for pair, k in zip(pairs, kept, strict=True) if k]


def entity_graph(
    nodes: dict[str, dict], pairs: list[tuple[str, str, int]], papers: dict[str, int]
) -> nx.MultiDiGraph:
    """Chosen entities (id -> node data) linked by their strongest co-occurrences, the part of
    them that hangs together: the entities apart from it are mostly named in a paper or two,
    together, and would fill rows of pairs under the picture while saying little."""
    import networkx as nx

    links = strongest_links(sorted(pairs), papers)
    u = nx.Graph((a, b) for a, b, _ in links)
    main: set[str] = max(nx.connected_components(u), key=lambda part: (len(part), min(part)), default=set())
    h = nx.MultiDiGraph()
    for a, b, w in links:
        if a in main:
            for n in (a, b):
                if n not in h:
                    h.add_node(n, **nodes[n])
            h.add_edge(a, b, key=CO_OCCURS, type=CO_OCCURS, weight=w)
    return h


def note(shown: int, entities: int, papers: int, types: list[str]) -> str:
    """The line that says what the view shows and what it leaves out."""
    kinds = "entities" if len(types) > 1 else f"{types[0]} entities"
    return (
        f"{kinds} only, linked when papers name both (each one's {LINKS_PER_ENTITY} strongest links)"
        f" · {shown:,} of {entities:,} entities: the most named that link to the rest"
        f" · {papers:,} papers left out: an entity's papers appear when you focus it"
    )


def paper_counts(g: nx.MultiDiGraph, entities: list[str]) -> dict[str, set[str]]:
    """Each entity's papers in `g` (the papers with an edge to it)."""
    return {n: {u for u in g.predecessors(n) if g.nodes[u].get("type") == NodeType.PAPER} for n in entities}


def from_graph(g: nx.MultiDiGraph, types: set[str], limit: int) -> tuple[nx.MultiDiGraph, str]:
    """The entity-centred view of a networkx graph (or a view of one, such as a neighbourhood)."""
    entities = [
        n for n, d in g.nodes(data=True) if d.get("type") in types and d.get("type") != NodeType.PAPER
    ]
    named = paper_counts(g, entities)
    chosen = sorted((n for n in entities if named[n]), key=lambda n: (-len(named[n]), n))[:limit]
    of_paper: dict[str, list[str]] = {}
    for n in sorted(chosen):
        for p in named[n]:
            of_paper.setdefault(p, []).append(n)
    weight: Counter[tuple[str, str]] = Counter()
    for names in of_paper.values():
        weight.update(combinations(names, 2))  # sorted: each pair as (smaller id, larger id)
    pairs = [(a, b, w) for (a, b), w in weight.items()]
    h = entity_graph({n: g.nodes[n] for n in chosen}, pairs, {n: len(named[n]) for n in chosen})
    papers = sum(1 for _, d in g.nodes(data=True) if d.get("type") == NodeType.PAPER)
    return h, note(h.number_of_nodes(), len(entities), papers, sorted(types - {NodeType.PAPER}))


def from_store(store: Store, types: list[str], limit: int) -> tuple[nx.MultiDiGraph, str]:
    """The entity-centred view from the query store: the entities named in most papers, and
    their co-occurrence counted in SQL over `links` (each edge as the rowids of its ends; the
    paper -> entity ones are those from a paper's row), so no edge's JSON is read."""
    from kg.store import chunks

    marks = ",".join("?" * len(types))
    chosen = store.rows(
        f"SELECT rowid, id, papers FROM nodes WHERE type IN ({marks}) AND papers > 0"
        " ORDER BY papers DESC, id LIMIT ?",
        (*types, limit),
    )
    ids = {rowid: node for rowid, node, _ in chosen}
    store.db.execute("CREATE TEMP TABLE IF NOT EXISTS kg_chosen (node INTEGER PRIMARY KEY)")
    store.db.execute("DELETE FROM kg_chosen")
    store.db.executemany("INSERT INTO kg_chosen VALUES (?)", ((rowid,) for rowid in ids))
    found = store.rows(
        """WITH named AS (
               SELECT DISTINCT l.a AS paper, l.b AS node FROM links l JOIN kg_chosen c ON c.node = l.b
               WHERE l.a IN (SELECT rowid FROM nodes WHERE type = ?))
           SELECT x.node, y.node, count(*) FROM named x JOIN named y
           ON y.paper = x.paper AND y.node > x.node GROUP BY x.node, y.node""",
        (str(NodeType.PAPER),),
    )
    store.db.execute("DELETE FROM kg_chosen")
    # each pair once, as (smaller id, larger id), as `from_graph` lists it
    pairs = [(min(ids[x], ids[y]), max(ids[x], ids[y]), w) for x, y, w in found]
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
    h = entity_graph(nodes, pairs, {node: count for _, node, count in chosen})
    entities = store.value(f"SELECT count(*) FROM nodes WHERE type IN ({marks})", types)
    papers = store.value("SELECT count(*) FROM nodes WHERE type = ?", (str(NodeType.PAPER),))
    return h, note(h.number_of_nodes(), entities, papers, sorted(types))
