"""Questions asked of a built graph, as plain functions over a networkx MultiDiGraph."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable

import networkx as nx
from networkx.algorithms import bipartite

from kg.answers import (
    UNKNOWN_MONTH,
    Comparison,
    NameNotFound,
    PaperUse,
    ReportedResult,
    comparison_order,
    not_found,
    paper_month,
    path_steps,
    pick_entity,
    rank_results,
    roles_asked,
    trend_rows,
)
from kg.config import DataPaths
from kg.errors import KgError
from kg.extract.patterns import Patterns
from kg.ids import norm
from kg.schema import CLAIM_TYPES, ENTITY_TYPES, EdgeType, NodeType, Role


def find_entity(g: nx.MultiDiGraph, name: str) -> str:
    """The entity node a name or alias means; a clear error if none or several."""
    if name in g and g.nodes[name].get("type") in ENTITY_TYPES:
        return name
    key = norm(name)
    hits = [
        n
        for n, d in g.nodes(data=True)
        if d.get("type") in ENTITY_TYPES
        and key in {norm(str(x)) for x in [d.get("name", ""), *(d.get("aliases") or [])]}
    ]
    if not hits:
        names = [str(d.get("name")) for _, d in g.nodes(data=True) if d.get("type") in ENTITY_TYPES]
        raise NameNotFound(not_found(name, names))
    return pick_entity(name, [(n, g.nodes[n]["name"], bool(g.nodes[n].get("in_vocabulary"))) for n in hits])


def node_names(g: nx.MultiDiGraph, ids: Iterable[str]) -> dict[str, str]:
    return {n: g.nodes[n]["name"] for n in ids}


def _broader(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A view of the BROADER edges alone: version -> family (`llama-2-7b` -> `llama-2`)."""
    return nx.subgraph_view(g, filter_edge=lambda u, v, k: g[u][v][k].get("type") == EdgeType.BROADER)


def members(g: nx.MultiDiGraph, node: str) -> set[str]:
    """The node and every version under it (`llama-2` -> `llama-2-7b`, `llama-2-13b`): its ancestors
    on the BROADER edges. Walked depth-first from the node: nx.ancestors would first count the nodes
    of the view, a pass over the whole graph on every call (a depth limit of len(g) is no limit)."""
    return set(nx.dfs_preorder_nodes(nx.reverse_view(_broader(g)), node, depth_limit=len(g)))


def papers_using(g: nx.MultiDiGraph, name: str, role: str | None = None) -> list[PaperUse]:
    """Papers linked to an entity or one of its versions, by any role or by `role`."""
    roles = roles_asked(role)
    out = []
    for member in sorted(members(g, find_entity(g, name))):  # sorted: ties keep one order
        for paper, _, d in g.in_edges(member, data=True):
            if g.nodes[paper].get("type") != NodeType.PAPER or d.get("type") not in roles:
                continue
            sentence = (d.get("evidence") or [{}])[0].get("sentence", "")
            out.append(
                PaperUse(
                    paper,
                    g.nodes[paper].get("title", ""),
                    d["type"],
                    g.nodes[paper].get("url"),
                    sentence,
                    g.nodes[member]["name"],
                )
            )
    return sorted(out, key=lambda u: (u.title, u.role, u.entity))


def papers_per_entity(g: nx.MultiDiGraph) -> Counter:
    count: Counter = Counter()
    for node, data in g.nodes(data=True):
        if data.get("type") in ENTITY_TYPES:
            count[node] = len({u for u, _ in g.in_edges(node) if g.nodes[u].get("type") == NodeType.PAPER})
    return count


def stats(g: nx.MultiDiGraph, top: int = 10) -> dict:
    """Nodes and edges by type, and the entities named by the most papers."""
    return {
        "nodes": dict(Counter(str(d.get("type")) for _, d in g.nodes(data=True))),
        "edges": dict(Counter(str(d.get("type")) for _, _, d in g.edges(data=True))),
        "top": [
            {"id": n, "name": g.nodes[n].get("name"), "type": g.nodes[n].get("type"), "papers": c}
            for n, c in papers_per_entity(g).most_common(top)
            if c > 0
        ],
    }


def compared_with(g: nx.MultiDiGraph, name: str) -> list[Comparison]:
    """What an entity was compared with, both ways, as sentences state it (as
    `ontology/queries/compared_with.rq`)."""
    target = find_entity(g, name)
    out = set()
    for comparison, _, d in g.in_edges(target, data=True):
        if g.nodes[comparison].get("type") != NodeType.COMPARISON:
            continue
        if d.get("type") == EdgeType.CHALLENGER:
            wanted, direction = EdgeType.BASELINE, "baseline"
        elif d.get("type") == EdgeType.BASELINE:
            wanted, direction = EdgeType.CHALLENGER, "challenger"
        else:
            continue
        ends = {e.get("type"): v for _, v, e in g.out_edges(comparison, data=True)}
        other = ends.get(wanted)
        if other is None or other == target:
            continue
        dataset = ends.get(EdgeType.DATASET)
        for paper, _, e in g.in_edges(comparison, data=True):
            if e.get("type") == EdgeType.STATES:
                out.add(
                    Comparison(
                        other,
                        g.nodes[other]["name"],
                        direction,
                        g.nodes[dataset]["name"] if dataset else None,
                        g.nodes[paper]["title"],
                        g.nodes[comparison]["text"],
                    )
                )
    return sorted(out, key=comparison_order)


def results_for_dataset(g: nx.MultiDiGraph, dataset: str, metric: str | None = None) -> list[ReportedResult]:
    """Results reported on a dataset, highest value first (as `results_for_dataset.rq`)."""
    target = find_entity(g, dataset)
    out = []
    for result, _, d in g.in_edges(target, data=True):
        r = g.nodes[result]
        if d.get("type") != EdgeType.DATASET or r.get("type") != NodeType.RESULT:
            continue
        if metric and (r.get("metric") or "").lower() != metric.lower():
            continue
        paper = next(u for u, _, e in g.in_edges(result, data=True) if e.get("type") == EdgeType.REPORTS)
        subject = next(
            (
                g.nodes[v]["name"]
                for _, v, e in g.out_edges(result, data=True)
                if e.get("type") == EdgeType.SUBJECT
            ),
            None,
        )
        out.append(
            ReportedResult(
                g.nodes[paper]["title"],
                subject,
                r.get("metric"),
                r["value"],
                r.get("unit"),
                r.get("text"),
                bool(r.get("change")),
            )
        )
    return sorted(out, key=lambda r: (-r.value, r.title))


def hardware_per_paper(g: nx.MultiDiGraph) -> list[tuple[str, str]]:
    """(paper title, hardware name) pairs (as `hardware_per_paper.rq`)."""
    return sorted(
        (g.nodes[u]["title"], g.nodes[v]["name"])
        for u, v, d in g.edges(data=True)
        if d.get("type") == Role.RUNS_ON
    )


def shortest_path(g: nx.MultiDiGraph, source: str, target: str, cutoff: int = 8) -> list[str]:
    """Node ids on a shortest undirected path between two entities; empty when none."""
    a, b = find_entity(g, source), find_entity(g, target)
    # through papers and entities; a result or a comparison is a detail of its paper, not a link
    keep = [n for n, d in g.nodes(data=True) if d.get("type") not in CLAIM_TYPES]
    try:
        path = nx.shortest_path(g.subgraph(keep).to_undirected(as_view=True), a, b)
    except nx.NetworkXNoPath:
        return []
    return path if len(path) - 1 <= cutoff else []


def path(g: nx.MultiDiGraph, source: str, target: str, cutoff: int = 8) -> list[dict]:
    """A shortest chain of papers and entities between two entities, with the relation at each
    step (`path_steps`); empty when there is none within `cutoff` links."""
    ids = shortest_path(g, source, target, cutoff)
    links: dict[tuple[str, str], list[str]] = {}
    for u, v in itertools.pairwise(ids):
        for a, b in ((u, v), (v, u)):
            links[a, b] = [str(d.get("type")) for d in g.get_edge_data(a, b, default={}).values()]
    nodes = [{"id": n, "type": g.nodes[n]["type"], "name": g.nodes[n]["name"]} for n in ids]
    return path_steps(nodes, links)


def _papers_of(g: nx.MultiDiGraph, node: str) -> set[str]:
    return {u for u in g.pred[node] if g.nodes[u].get("type") == NodeType.PAPER}


def entity_info(g: nx.MultiDiGraph, name: str) -> dict:
    """What an entity is: type, aliases, family, papers by role, and what it is named with."""
    node = find_entity(g, name)
    data = g.nodes[node]
    broader = _broader(g)
    family, current = [], node
    while True:  # up the first family of each: an ordered chain, which descendants() would not give
        parents = list(broader.successors(current))
        if not parents or parents[0] in family:
            break
        family.append(parents[0])
        current = parents[0]
    by_role: dict[str, list[str]] = {}
    for paper, _, d in g.in_edges(node, data=True):
        if g.nodes[paper].get("type") == NodeType.PAPER:
            by_role.setdefault(d["type"], []).append(g.nodes[paper]["title"])
    return {
        "id": node,
        "type": data.get("type"),
        "name": data.get("name"),
        "aliases": list(data.get("aliases") or []),
        "family": [g.nodes[f]["name"] for f in family],
        "versions": sorted(g.nodes[m]["name"] for m in members(g, node) if m != node),
        "papers": {role: sorted(titles) for role, titles in sorted(by_role.items())},
        "named_with": [{"name": g.nodes[n]["name"], "papers": c} for n, c in cooccurring(g, node)[:10]],
    }


def cooccurring(g: nx.MultiDiGraph, node: str) -> list[tuple[str, int]]:
    """Entities named in the same papers as `node`, most shared papers first.

    A paper counts once per role it gives the other entity (one that USES and COMPARES_WITH it: 2).
    """
    # the paper/entity bipartite graph around `node`: its papers and the entities they name, with
    # the number of roles of each link; projected onto `node` alone, so the cost is its neighbourhood's
    roles = {
        (paper, other): len(keys)
        for paper in _papers_of(g, node)
        for other, keys in g.adj[paper].items()
        if other == node or g.nodes[other].get("type") in ENTITY_TYPES
    }
    if not roles:
        return []
    shared = bipartite.generic_weighted_projected_graph(
        nx.Graph(list(roles)),
        [node],
        lambda b, u, v: sum(roles[paper, v] for paper in b[v]),  # every paper here names `node`
    )
    return sorted(
        ((other, d["weight"]) for _, other, d in shared.edges(node, data=True)),
        key=lambda item: (-item[1], item[0]),
    )


def cooccur_rows(g: nx.MultiDiGraph, name: str, limit: int = 20) -> list[dict]:
    """`cooccurring` for a name, as rows: id, name, type and shared papers."""
    return [
        {"id": n, "name": g.nodes[n]["name"], "type": g.nodes[n]["type"], "papers": c}
        for n, c in cooccurring(g, find_entity(g, name))[:limit]
    ]


def hardware(g: nx.MultiDiGraph) -> list[dict]:
    """Hardware by the number of papers that run on it."""
    rows = []
    for node, data in g.nodes(data=True):
        if data.get("type") == NodeType.HARDWARE:
            papers = sorted(
                g.nodes[u]["title"]
                for u, _, d in g.in_edges(node, data=True)
                if d.get("type") == Role.RUNS_ON
            )
            if papers:
                rows.append({"hardware": data["name"], "papers": len(papers), "titles": papers})
    return sorted(rows, key=lambda r: (-r["papers"], r["hardware"]))


def top(g: nx.MultiDiGraph, node_type: str | None = None, by: str = "papers", limit: int = 20) -> list[dict]:
    """The most central entities of a type, by papers naming them, degree, or PageRank."""
    if node_type is not None and node_type.capitalize() not in {str(t) for t in ENTITY_TYPES}:
        raise KgError(f"unknown type {node_type!r} (known: {', '.join(str(t) for t in ENTITY_TYPES)})")
    node_type = node_type.capitalize() if node_type else None
    candidates = [
        n
        for n, d in g.nodes(data=True)
        if d.get("type") in ENTITY_TYPES and (node_type is None or d.get("type") == node_type)
    ]
    if by == "pagerank":
        rank = pagerank(g)
        score = {n: round(rank.get(n, 0.0), 6) for n in candidates}
    elif by == "degree":
        score = {n: g.degree(n) for n in candidates}
    elif by == "papers":
        score = {n: len(_papers_of(g, n)) for n in candidates}
    else:
        raise KgError(f"unknown ranking {by!r} (papers, degree or pagerank)")
    ranked = sorted((n for n in candidates if score[n]), key=lambda n: (-score[n], n))[:limit]
    return [{"id": n, "name": g.nodes[n]["name"], "type": g.nodes[n]["type"], by: score[n]} for n in ranked]


def pagerank(g: nx.MultiDiGraph, damping: float = 0.85) -> dict[str, float]:
    """PageRank on the undirected paper-entity links (BROADER edges and self-loops left out)."""
    links = nx.Graph()
    links.add_nodes_from(g)
    links.add_edges_from((u, v) for u, v, t in g.edges(data="type") if t != EdgeType.BROADER and u != v)
    return nx.pagerank(links, alpha=damping, weight=None, tol=1e-12, max_iter=1000)


def similar(g: nx.MultiDiGraph, paper: str, limit: int = 10) -> list[dict]:
    """Papers sharing the most entities with a paper (given by id or title)."""
    pid = paper if paper in g else None
    if pid is None:
        wanted = norm(paper)
        hits = [
            n for n, d in g.nodes(data=True) if d.get("type") == NodeType.PAPER and wanted in norm(d["title"])
        ]
        if len(hits) != 1:
            raise NameNotFound(f"{len(hits)} papers match {paper!r}; give more of the title or the id")
        pid = hits[0]
    mine = {v for _, v in g.out_edges(pid) if g.nodes[v].get("type") in ENTITY_TYPES}
    if not mine:
        return []
    # the paper/entity bipartite graph around the paper, projected onto it: weight = shared entities
    around = nx.Graph((entity, other) for entity in mine for other in [pid, *_papers_of(g, entity)])
    shared = bipartite.weighted_projected_graph(around, [pid])
    ranked = sorted(
        ((other, d["weight"]) for _, other, d in shared.edges(pid, data=True)),
        key=lambda item: (-item[1], item[0]),
    )[:limit]
    return [
        {
            "paper": other,
            "title": g.nodes[other]["title"],
            "shared": count,
            "entities": sorted({g.nodes[v]["name"] for v in g.succ[other] if v in mine}),
        }
        for other, count in ranked
    ]


def trend(g: nx.MultiDiGraph, name: str) -> list[dict]:
    """Papers naming an entity (or its versions) per month, each month from the first to the
    last, empty ones too, with the share of that month's papers; papers with no date last."""
    mine: set[str] = set()
    for member in members(g, find_entity(g, name)):
        mine |= _papers_of(g, member)
    per_month: Counter = Counter()
    all_papers: Counter = Counter()
    for paper, data in g.nodes(data=True):
        if data.get("type") == NodeType.PAPER:
            month = paper_month(data) or UNKNOWN_MONTH
            all_papers[month] += 1
            if paper in mine:
                per_month[month] += 1
    return trend_rows(per_month, all_papers)


def leaderboard(
    g: nx.MultiDiGraph, dataset: str, metric: str | None = None, patterns: Patterns | None = None
) -> list[dict]:
    """Results reported on a dataset or its versions, by metric, best first in each: lower first
    for metrics where lower is better (`lower_is_better_metrics` of `patterns`, by default the
    packaged patterns.json)."""
    target = find_entity(g, dataset)
    rows = []
    for member in sorted(members(g, target)):
        for row in results_for_dataset(g, member, metric):
            rows.append({**row.__dict__, "dataset": g.nodes[member]["name"]})
    patterns = patterns or Patterns.load(DataPaths.packaged().patterns)
    return rank_results(rows, patterns.lower_is_better_metrics)
