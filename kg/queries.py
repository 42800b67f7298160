"""Questions asked of a built graph, as plain functions over a networkx MultiDiGraph."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import networkx as nx

from kg.errors import KgError
from kg.extract.text import norm
from kg.schema import ENTITY_TYPES, NodeType, Role


class NameNotFound(KgError):
    pass


@dataclass(frozen=True)
class PaperUse:
    paper: str
    title: str
    role: str
    url: str | None
    evidence: str


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
    if len(hits) == 1:
        return hits[0]
    if not hits:
        near = sorted(
            n
            for n, d in g.nodes(data=True)
            if d.get("type") in ENTITY_TYPES and key and key in norm(str(d.get("name")))
        )
        hint = f"; did you mean: {', '.join(near[:8])}" if near else ""
        raise NameNotFound(f"no entity named {name!r} in the graph{hint}")
    raise NameNotFound(f"{name!r} is ambiguous: {', '.join(sorted(hits)[:8])}")


def members(g: nx.MultiDiGraph, node: str) -> set[str]:
    """The node and every version under it (`llama-2` -> `llama-2-7b`, `llama-2-13b`)."""
    out, todo = {node}, [node]
    while todo:
        for child, _, d in g.in_edges(todo.pop(), data=True):
            if d.get("type") == "BROADER" and child not in out:
                out.add(child)
                todo.append(child)
    return out


def papers_using(g: nx.MultiDiGraph, name: str, role: str | None = None) -> list[PaperUse]:
    """Papers linked to an entity or one of its versions, by any role or by `role`."""
    roles = {r.value for r in Role} if role is None else {role.upper()}
    out = []
    for member in members(g, find_entity(g, name)):
        for paper, _, d in g.in_edges(member, data=True):
            if g.nodes[paper].get("type") != NodeType.PAPER or d.get("type") not in roles:
                continue
            sentence = (d.get("evidence") or [{}])[0].get("sentence", "")
            out.append(
                PaperUse(
                    paper, g.nodes[paper].get("title", ""), d["type"], g.nodes[paper].get("url"), sentence
                )
            )
    return sorted(out, key=lambda u: (u.title, u.role))


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
        ],
    }


@dataclass(frozen=True)
class Comparison:
    other: str
    name: str
    direction: str  # "baseline": the entity was run against `other`; "challenger": `other` beat it
    title: str


def compared_with(g: nx.MultiDiGraph, name: str) -> list[Comparison]:
    """What an entity was compared with, both ways (as `ontology/queries/compared_with.rq`)."""
    target = find_entity(g, name)
    out = set()
    for paper, _, d in g.in_edges(target, data=True):
        if g.nodes[paper].get("type") != NodeType.PAPER:
            continue
        if d.get("type") in (Role.PROPOSES, Role.USES):
            wanted, direction = Role.COMPARES_WITH, "baseline"
        elif d.get("type") == Role.COMPARES_WITH:
            wanted, direction = Role.PROPOSES, "challenger"
        else:
            continue
        for _, other, e in g.out_edges(paper, data=True):
            if e.get("type") == wanted and other != target:
                out.add(Comparison(other, g.nodes[other]["name"], direction, g.nodes[paper]["title"]))
    return sorted(out, key=lambda c: (c.name, c.direction, c.title))


@dataclass(frozen=True)
class ReportedResult:
    title: str
    subject: str | None
    metric: str | None
    value: float
    unit: str | None
    text: str | None


def results_for_dataset(g: nx.MultiDiGraph, dataset: str, metric: str | None = None) -> list[ReportedResult]:
    """Results reported on a dataset, highest value first (as `results_for_dataset.rq`)."""
    target = find_entity(g, dataset)
    out = []
    for result, _, d in g.in_edges(target, data=True):
        if d.get("type") != "DATASET":
            continue
        r = g.nodes[result]
        if metric and (r.get("metric") or "").lower() != metric.lower():
            continue
        paper = next(u for u, _, e in g.in_edges(result, data=True) if e.get("type") == "REPORTS")
        subject = next(
            (g.nodes[v]["name"] for _, v, e in g.out_edges(result, data=True) if e.get("type") == "SUBJECT"),
            None,
        )
        out.append(
            ReportedResult(
                g.nodes[paper]["title"], subject, r.get("metric"), r["value"], r.get("unit"), r.get("text")
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
    try:
        path = nx.shortest_path(g.to_undirected(as_view=True), a, b)
    except nx.NetworkXNoPath:
        return []
    return path if len(path) - 1 <= cutoff else []
