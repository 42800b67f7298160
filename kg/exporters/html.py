"""An interactive HTML page of the graph (pyvis / vis-network), self-contained so it opens offline.

Strings from papers never become markup: labels are drawn on a canvas, and tooltips are built in
the browser with `innerText` from plain-text fields; the data sits in the page as JSON that
Jinja's `tojson` escapes.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

import networkx as nx
from pydantic import BaseModel, Field
from pyvis.network import Network

from kg.errors import KgError
from kg.io import atomic_file
from kg.queries import find_entity
from kg.schema import ENTITY_TYPES, NodeType, Role
from kg.store import PAPER_EDGES, Store, chunks

STYLE: dict[str, tuple[str, str]] = {
    NodeType.PAPER: ("#9e9e9e", "square"),
    NodeType.METHOD: ("#1f77b4", "dot"),
    NodeType.MODEL: ("#d62728", "dot"),
    NodeType.DATASET: ("#2ca02c", "diamond"),
    NodeType.HARDWARE: ("#8c564b", "triangle"),
    NodeType.METRIC: ("#ff7f0e", "triangleDown"),
    NodeType.TASK: ("#9467bd", "star"),
    NodeType.RESULT: ("#17becf", "box"),
    NodeType.COMPARISON: ("#bcbd22", "box"),
    NodeType.REPOSITORY: ("#7f7f7f", "hexagon"),
}
EDGE_COLOR: dict[str, str] = {
    Role.PROPOSES: "#e377c2",
    Role.USES: "#1f77b4",
    Role.COMPARES_WITH: "#d62728",
    Role.EVALUATED_ON: "#2ca02c",
    Role.RUNS_ON: "#8c564b",
    Role.MEASURES: "#ff7f0e",
    Role.ADDRESSES: "#9467bd",
    "CO_OCCURS": "#bbbbbb",
}
DEFAULT_TYPES = (NodeType.PAPER, *(str(t) for t in ENTITY_TYPES))
OPTIONS = {
    "layout": {"improvedLayout": False},
    "interaction": {"hover": True, "tooltipDelay": 150},
    "physics": {"solver": "barnesHut", "stabilization": {"enabled": True, "iterations": 300}},
    "edges": {"smooth": False, "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}}},
    "nodes": {
        "font": {"size": 16, "strokeWidth": 3, "strokeColor": "#ffffff"},
        # labels grow with the node and vanish below a readable size when zoomed out, so a big
        # graph shows the names of its hubs rather than a hairball of text
        "scaling": {
            "min": 8,
            "max": 44,
            "label": {"enabled": True, "min": 12, "max": 30, "drawThreshold": 9, "maxVisible": 30},
        },
    },
}
NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z\u0370-\u03ff]+")
REMOTE_TAGS = re.compile(r"<(link|script)\b[^>]*https?://[^>]*>(\s*</script>)?", re.S)
SCRIPT = (Path(__file__).with_name("html_page.js")).read_text(encoding="utf-8")


class HtmlView(BaseModel):
    """Which part of the graph a page shows."""

    focus: str | None = Field(None, description="an entity name: show its neighbourhood")
    depth: int = Field(1, ge=1, description="hops around --focus")
    types: list[str] | None = Field(None, description="node types to show (default: papers and entities)")
    min_degree: int = Field(0, ge=0, description="hide nodes with fewer links")
    max_nodes: int | None = Field(None, ge=1, description="keep only the most connected nodes")
    papers: bool = Field(True, description="False: link entities that share papers instead")


def select_view(g: nx.MultiDiGraph, view: HtmlView) -> tuple[nx.MultiDiGraph, list[str]]:
    """The subgraph a view shows, and notes on what it leaves out."""
    notes: list[str] = []
    unknown = sorted(set(view.types or []) - set(STYLE))
    if unknown:
        raise KgError(f"unknown node type(s) {', '.join(unknown)} (known: {', '.join(STYLE)})")
    types = set(view.types or DEFAULT_TYPES)
    if not view.papers:
        types.discard(NodeType.PAPER)
    h = g
    if view.focus:
        center = find_entity(g, view.focus)
        keep = nx.ego_graph(g.to_undirected(as_view=True), center, radius=view.depth).nodes
        h = g.subgraph(keep)
        notes.append(f"neighbourhood of {g.nodes[center]['name']} ({view.depth} hop(s))")
    if not view.papers:
        h = cooccurrence(h, types)
    else:
        h = h.subgraph([n for n, d in h.nodes(data=True) if d.get("type") in types])
    if view.min_degree:
        h = h.subgraph([n for n, k in h.degree() if k >= view.min_degree])
    total = h.number_of_nodes()
    if view.max_nodes and total > view.max_nodes:
        ranked = sorted(h.degree(), key=lambda item: (-item[1], item[0]))[: view.max_nodes]
        h = h.subgraph([n for n, _ in ranked])
        h = h.subgraph([n for n, k in h.degree() if k > 0])  # cut off from the rest: noise
        left = Counter(d.get("type") for n, d in g.nodes(data=True) if n not in h and d.get("type") in types)
        notes.append(
            f"showing {h.number_of_nodes():,} of the most connected of {total:,} nodes; left out: "
            + ", ".join(f"{c:,} {t}" for t, c in sorted(left.items()))
        )
    return nx.MultiDiGraph(h), notes


def cooccurrence(g: nx.MultiDiGraph, types: set[str]) -> nx.MultiDiGraph:
    """Entities linked when papers name both, weighted by how many papers do."""
    out = nx.MultiDiGraph()
    weight: Counter = Counter()
    for paper, data in g.nodes(data=True):
        if data.get("type") != NodeType.PAPER:
            continue
        named = sorted({v for _, v in g.out_edges(paper) if g.nodes[v].get("type") in types})
        for v in named:
            out.add_node(v, **g.nodes[v])
        for a, b in combinations(named, 2):
            weight[(a, b)] += 1
    for (a, b), w in weight.items():
        out.add_edge(a, b, key="CO_OCCURS", type="CO_OCCURS", weight=w)
    return out


def _tip(g: nx.MultiDiGraph, node: str) -> tuple[str, list[tuple[str, str]]]:
    """A node's tooltip as plain text, and (text, url) links to open (`_tip_text`)."""
    papers = sorted({u for u, _ in g.in_edges(node) if g.nodes[u].get("type") == NodeType.PAPER})
    sentences = [
        (str(e.get("type")), ev["sentence"])
        for _, _, e in list(g.in_edges(node, data=True))[:3]
        for ev in (e.get("evidence") or [])[:1]
        if ev.get("sentence")
    ]
    listed = [(p, g.nodes[p].get("title"), g.nodes[p].get("url")) for p in papers[:6]]
    return _tip_text(g.nodes[node], node, len(papers), listed, sentences)


def _tip_text(
    data: dict,
    node: str,
    paper_count: int,
    papers: list[tuple[str, str | None, str | None]],
    sentences: list[tuple[str, str]],
) -> tuple[str, list[tuple[str, str]]]:
    """A tooltip: name, type, aliases, how many papers name it and the first of them (as links,
    with the paper's own page for a paper or a repository), and a few sentences of evidence."""
    lines = [str(data.get("name", node)), str(data.get("type"))]
    if data.get("aliases"):
        lines.append("also: " + ", ".join(map(str, data["aliases"][:8])))
    links = []
    if data.get("type") in (NodeType.PAPER, NodeType.REPOSITORY) and data.get("url"):
        links.append((str(data["url"]), str(data["url"])))
    if paper_count:
        lines.append(f"{paper_count} paper(s)")
        links += [(str(title or pid)[:90], url or "") for pid, title, url in papers]
    lines += [f"{edge_type}: “{sentence[:240]}”" for edge_type, sentence in sentences]
    return "\n".join(lines), links


def write_html(
    g: nx.MultiDiGraph | Store,
    path: Path,
    view: HtmlView | None = None,
    title: str = "kg: ML research graph",
) -> None:
    """Write the page of a graph: a networkx graph, or a query store (`kg build` writes the page
    from graph.db, reading only the nodes it shows: the most connected, then their links)."""
    view = view or HtmlView()
    if isinstance(g, Store):
        h, notes = select_from_store(g, view)
        tips = {node: _tip_from_store(g, node) for node in h}
    else:
        h, notes = select_view(g, view)
        tips = {node: _tip(g if node in g else h, node) for node in h}
    _render(h, tips, notes, path, title)


def select_from_store(store: Store, view: HtmlView) -> tuple[nx.MultiDiGraph, list[str]]:
    """What `select_view` picks with `max_nodes` (the most connected nodes, by their degree in the
    whole graph) from a query store; other view options need the graph (`kg html`)."""
    if view.focus or view.min_degree or not view.papers:
        raise KgError(
            "--focus, --min-degree and --no-papers need the whole graph: use `kg html` on graph.json"
        )
    types = [str(t) for t in (view.types or DEFAULT_TYPES)]
    marks = ",".join("?" * len(types))
    total = store.value(f"SELECT count(*) FROM nodes WHERE type IN ({marks})", types)
    limit = view.max_nodes or total
    chosen = store.rows(
        f"SELECT id, data FROM nodes WHERE type IN ({marks}) AND degree > 0 ORDER BY degree DESC, id LIMIT ?",
        (*types, limit),
    )
    h = nx.MultiDiGraph()
    for node_id, data in chosen:
        node = json.loads(data)
        node.pop("id", None)
        node.pop("abstract", None)  # the page shows titles; abstracts would only weigh it down
        h.add_node(node_id, **node)
    for chunk in chunks(list(h), 400):
        inner = ",".join("?" * len(chunk))
        for u, v, data in store.rows(
            f"SELECT source, target, data FROM edges WHERE source IN ({inner}) ORDER BY rowid", chunk
        ):
            if v in h:
                edge = json.loads(data)
                h.add_edge(u, v, key=edge.get("key"), type=edge.get("type"))
    h.remove_nodes_from([n for n, k in list(h.degree()) if k == 0])  # cut off from the rest: noise
    notes = []
    if h.number_of_nodes() < total:
        shown = Counter(str(d.get("type")) for _, d in h.nodes(data=True))
        left = {
            t: c - shown.get(t, 0)
            for t, c in store.rows(
                f"SELECT type, count(*) FROM nodes WHERE type IN ({marks}) GROUP BY type", types
            )
        }
        notes.append(
            f"showing {h.number_of_nodes():,} of the most connected of {total:,} nodes; left out: "
            + ", ".join(f"{c:,} {t}" for t, c in sorted(left.items()) if c)
        )
    return h, notes


def _tip_from_store(store: Store, node: str) -> tuple[str, list[tuple[str, str]]]:
    """`_tip`, asked of the query store."""
    text, count = store.rows("SELECT data, papers FROM nodes WHERE id = ?", (node,))[0]
    data = json.loads(text)
    # ids first, then the JSON of those few: json_extract over a hub's thousands of rows is slow
    first = _first_papers(store, node, TIP_PAPERS)
    papers = [
        store.rows(
            "SELECT id, json_extract(data, '$.title'), json_extract(data, '$.url') FROM nodes WHERE id = ?",
            (pid,),
        )[0]
        for pid in first
    ]
    edges = [
        r for (r,) in store.rows("SELECT rowid FROM edges WHERE target = ? ORDER BY rowid LIMIT 3", (node,))
    ]
    sentences = [
        store.rows(
            "SELECT type, json_extract(data, '$.evidence[0].sentence') FROM edges WHERE rowid = ?", (r,)
        )[0]
        for r in edges
    ]
    return _tip_text(data, node, count, papers, [(t, s) for t, s in sentences if s])


TIP_PAPERS = 6  # papers a tooltip names


def _first_papers(store: Store, node: str, limit: int) -> list[str]:
    """The first `limit` papers (by id) with an edge to `node`: those of the edge types that start
    at a paper (the edges a node's `papers` counts), asked type by type, so that each walks the
    index on (target, type, source) in id order and stops at `limit`. Asked at once, the papers
    of a hub were all read and sorted to keep six (most of a second for a page of the 103k graph)."""
    types = sorted(PAPER_EDGES)
    one_type = """SELECT * FROM (SELECT DISTINCT e.source FROM edges e JOIN nodes p ON p.id = e.source
                  WHERE e.target = ? AND e.type = ? AND p.type = 'Paper' ORDER BY e.source LIMIT ?)"""
    found = {
        pid
        for part in chunks(types, 100)
        for (pid,) in store.rows(
            " UNION ALL ".join([one_type] * len(part)), [x for t in part for x in (node, t, limit)]
        )
    }
    return sorted(found)[:limit]


def _fold(name: str) -> str:
    """A name as the page's search box folds it (`fold` in html_page.js): lowercase letters and
    digits only, so "llama 3", "Llama-3" and "LLaMA3" meet."""
    return NOT_ALPHANUMERIC.sub("", name.lower())


def _render(
    h: nx.MultiDiGraph,
    tips: dict[str, tuple[str, list[tuple[str, str]]]],
    notes: list[str],
    path: Path,
    title: str,
) -> None:
    net = Network(height="860px", width="100%", directed=True, cdn_resources="in_line", notebook=False)
    degree = dict(h.degree())
    for node, data in h.nodes(data=True):
        kind = str(data.get("type"))
        color, shape = STYLE.get(kind, ("#cccccc", "dot"))
        label = str(data.get("name", node))
        if len(label) > 40:
            label = label[:37] + "..."
        tip, links = tips[node]
        forms = [str(data.get("name", node)), *map(str, data.get("aliases") or [])]
        net.add_node(
            node,
            label=label,
            names="|".join(_fold(f) for f in forms),  # what the search box matches
            tip=tip,
            links=links,
            color=color,
            shape=shape,
            kind=kind,
            value=degree.get(node, 0) + (0 if kind == NodeType.PAPER else 2),
        )
    for u, v, data in h.edges(data=True):
        kind = str(data.get("type", ""))
        width = 1 + min(8, data.get("weight", 1) - 1)
        label = f"{kind} ×{data['weight']}" if "weight" in data else kind
        net.add_edge(u, v, title=label, kind=kind, color=EDGE_COLOR.get(kind, "#bbbbbb"), width=width)
    net.set_options(json.dumps(OPTIONS))
    page = REMOTE_TAGS.sub("", net.generate_html())
    present = sorted({str(d.get("type")) for _, d in h.nodes(data=True)}, key=[*STYLE].index)
    page = page.replace("<body>", "<body>\n" + _toolbar(title, present, notes, h), 1)
    page = page.replace("</body>", f"<script>\n{SCRIPT}\n</script>\n</body>", 1)
    with atomic_file(path) as f:
        f.write(page)


def _toolbar(title: str, types: list[str], notes: list[str], h: nx.MultiDiGraph) -> str:
    import html

    boxes = " ".join(
        f'<label style="color:{STYLE[t][0]}"><input type="checkbox" class="kg-type" value="{t}" checked>'
        f" {t}</label>"
        for t in types
        if t in STYLE
    )
    note = "".join(f"<div class='kg-note'>{html.escape(n)}</div>" for n in notes)
    return (
        '<div id="kg-toolbar" style="font:14px sans-serif;padding:6px">'
        f"<b>{html.escape(title)}</b> · {h.number_of_nodes():,} nodes, {h.number_of_edges():,} links · "
        '<input id="kg-search" type="search" placeholder="find a node…" size="28"> '
        f'<span id="kg-legend">{boxes}</span>{note}</div>'
    )
