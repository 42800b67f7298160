"""An interactive HTML page of the graph (pyvis / vis-network), self-contained so it opens offline.

The layout and the labels to show are computed here (`html_layout`), so the page opens still and
its labels do not overlap; a click on a node opens a side panel (`html_panel`) with its papers,
evidence and results. Strings from papers never become markup: labels are drawn on a canvas,
tooltips and the panel are built in the browser from text nodes; the data sits in the page as
JSON with '<', '>' and '&' escaped (Jinja's `tojson` for the nodes, `_json_for_script` for the
panel).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path

import networkx as nx
from pydantic import BaseModel, Field
from pyvis.network import Network

from kg.errors import KgError
from kg.exporters import html_entities as entities
from kg.exporters.html_entities import (
    BIG_GRAPH_PAPERS,
    CO_OCCURS,
    ENTITY_BUDGET,
    FOCUS_PAPERS,
    entity_centred,
    shows_papers,
)
from kg.exporters.html_layout import DRAW_THRESHOLD, choose_labels, fitted_scale, layout, ranked
from kg.exporters.html_panel import MAX_PAPERS, panel_data, paper_date, store_context
from kg.io import atomic_file
from kg.queries import find_entity
from kg.schema import ENTITY_TYPES, NodeType, Role
from kg.store import Store, chunks

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
    CO_OCCURS: "#9aa5b1",
}
DEFAULT_TYPES = (NodeType.PAPER, *(str(t) for t in ENTITY_TYPES))
OPTIONS = {
    # the layout is computed when the page is written (html_layout): the page opens still, and
    # physics is off until the user turns it on
    "layout": {"improvedLayout": False},
    "physics": {"enabled": False, "solver": "barnesHut", "stabilization": {"enabled": False}},
    "interaction": {"hover": True, "tooltipDelay": 300},
    "edges": {
        "smooth": False,
        "color": {"opacity": 0.45},
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.3}},
    },
    "nodes": {
        "borderWidth": 1,
        "font": {"face": "sans-serif", "strokeWidth": 4, "strokeColor": "#ffffff"},
        # each label has its own size (choose_labels); vis-network draws it once it reaches
        # DRAW_THRESHOLD pixels on screen and caps it at maxVisible when zoomed far in
        "scaling": {"label": {"enabled": False, "drawThreshold": DRAW_THRESHOLD, "maxVisible": 22}},
    },
}
# the page fills the window: the toolbar on top, the network below it, the panel over its right side
STYLE_SHEET = """
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; overflow: hidden; font: 14px sans-serif; }
#kg-toolbar { flex: none; padding: 3px 8px; border-bottom: 1px solid #ddd; font-size: 13px;
  line-height: 1.7; }
#kg-toolbar input[type=date] { font-size: 12px; padding: 0; }
#kg-toolbar .kg-note { color: #555; font-size: 12px; }
body > .card { flex: 1 1 auto; min-height: 0; position: relative; width: 100%; }
#mynetwork.card-body { width: 100%; height: 100%; border: 0; float: none; }
#loadingBar, body > center { display: none !important; }
#kg-panel { position: absolute; top: 0; right: 0; bottom: 0; width: 380px; max-width: 45%;
  overflow: auto; box-sizing: border-box; padding: 8px 12px; background: rgba(255,255,255,0.97);
  border-left: 1px solid #ccc; box-shadow: -2px 0 6px rgba(0,0,0,0.08); }
#kg-panel[hidden] { display: none; }
#kg-panel h2 { font-size: 16px; margin: 4px 24px 2px 0; word-wrap: break-word; }
#kg-panel h3 { font-size: 13px; margin: 12px 0 4px; color: #444; text-transform: lowercase; }
#kg-panel .kg-close { position: absolute; top: 6px; right: 8px; border: 0; background: none;
  font-size: 18px; cursor: pointer; }
#kg-panel .kg-kind { color: #666; font-size: 12px; }
#kg-panel .kg-item { margin: 4px 0 8px; font-size: 13px; }
#kg-panel .kg-quote { color: #333; font-size: 12px; margin: 2px 0 0 8px; }
#kg-panel .kg-quote mark { background: #fff2a8; }
#kg-panel .kg-date { color: #777; font-size: 12px; }
#kg-panel a.kg-go { color: #1a5fb4; cursor: pointer; text-decoration: underline dotted; }
#kg-panel table { border-collapse: collapse; font-size: 12px; width: 100%; }
#kg-panel td { border-top: 1px solid #eee; padding: 2px 4px; vertical-align: top; }
"""
FULL_DATE = re.compile(r"\d{4}-\d\d-\d\d$")
NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z\u0370-\u03ff]+")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # in a str, every surrogate is a lone one
REMOTE_TAGS = re.compile(r"<(link|script)\b[^>]*https?://[^>]*>(\s*</script>)?", re.S)
SCRIPT = (Path(__file__).with_name("html_page.js")).read_text(encoding="utf-8")


class HtmlView(BaseModel):
    """Which part of the graph a page shows."""

    focus: str | None = Field(None, description="an entity name: show its neighbourhood")
    depth: int = Field(1, ge=1, description="hops around --focus")
    types: list[str] | None = Field(None, description="node types to show (default: papers and entities)")
    min_degree: int = Field(0, ge=0, description="hide nodes with fewer links")
    max_nodes: int | None = Field(None, ge=1, description="keep only the most connected nodes")
    papers: bool | None = Field(
        None,
        description="True: papers as nodes; False: entities linked by the papers they share; "
        f"None: papers unless the graph has more than {BIG_GRAPH_PAPERS:,}",
    )


def select_view(g: nx.MultiDiGraph, view: HtmlView) -> tuple[nx.MultiDiGraph, list[str]]:
    """The subgraph a view shows, and notes on what it leaves out."""
    notes: list[str] = []
    unknown = sorted(set(view.types or []) - set(STYLE))
    if unknown:
        raise KgError(f"unknown node type(s) {', '.join(unknown)} (known: {', '.join(STYLE)})")
    types = set(view.types or DEFAULT_TYPES)
    h = g
    if view.focus:
        center = find_entity(g, view.focus)
        keep = nx.ego_graph(g.to_undirected(as_view=True), center, radius=view.depth).nodes
        h = g.subgraph(keep)
        notes.append(f"neighbourhood of {g.nodes[center]['name']} ({view.depth} hop(s))")
    papers = sum(1 for _, d in h.nodes(data=True) if d.get("type") == NodeType.PAPER)
    if not shows_papers(view.papers, papers):
        h, line = entities.from_graph(h, types - {NodeType.PAPER}, view.max_nodes or ENTITY_BUDGET)
        if view.min_degree:
            h = nx.MultiDiGraph(h.subgraph([n for n, k in h.degree() if k >= view.min_degree]))
        return h, [*notes, line]
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
        listed = FOCUS_PAPERS if entity_centred(h) else MAX_PAPERS
        ctx, counts = store_context(g, h, listed)
        panel = panel_data(ctx, list(h), counts, listed)
    else:
        h, notes = select_view(g, view)
        panel = panel_data(g, list(h), max_papers=FOCUS_PAPERS if entity_centred(h) else MAX_PAPERS)
    _render(h, panel, notes, path, title)


def select_from_store(store: Store, view: HtmlView) -> tuple[nx.MultiDiGraph, list[str]]:
    """What `select_view` picks with `max_nodes` (the most connected nodes, by their degree in the
    whole graph; or, entity-centred, the entities named in most papers) from a query store;
    other view options need the graph (`kg html`)."""
    if view.focus or view.min_degree:
        raise KgError("--focus and --min-degree need the whole graph: use `kg html` on graph.json")
    unknown = sorted(set(view.types or []) - set(STYLE))
    if unknown:
        raise KgError(f"unknown node type(s) {', '.join(unknown)} (known: {', '.join(STYLE)})")
    types = [str(t) for t in (view.types or DEFAULT_TYPES)]
    papers = store.value("SELECT count(*) FROM nodes WHERE type = ?", (str(NodeType.PAPER),))
    if not shows_papers(view.papers, papers):
        kinds = [t for t in types if t != NodeType.PAPER]
        h, line = entities.from_store(store, kinds, view.max_nodes or ENTITY_BUDGET)
        return h, [line]
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


def _fold(name: str) -> str:
    """A name as the page's search box folds it (`fold` in html_page.js): lowercase letters and
    digits only, so "llama 3", "Llama-3" and "LLaMA3" meet."""
    return NOT_ALPHANUMERIC.sub("", name.lower())


def short_label(data: dict, node: str) -> str:
    """The label drawn on the canvas: a name of at most 40 characters; for a paper, the words of
    its title before a colon ("InstaFlow: One Step is ...") or its first words (the full title is
    in the tooltip and the panel)."""
    name = " ".join(str(data.get("name", node)).split())
    if data.get("type") == NodeType.PAPER:
        head = name.split(": ", 1)[0]
        if len(head) <= 28:
            return head
        cut = name[:26].rsplit(" ", 1)[0] if " " in name[:26] else name[:26]
        return cut + "…"
    return name if len(name) <= 40 else name[:37] + "..."


def _json_for_script(data: object) -> str:
    """JSON to sit in a <script type="application/json">: no '<', '>' or '&' (what Jinja's
    tojson does), so no string from a paper can close the element or open a comment; and a lone
    surrogate (a graph.json from elsewhere can hold one) escaped, as UTF-8 cannot write it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _render(h: nx.MultiDiGraph, panel: dict, notes: list[str], path: Path, title: str) -> None:
    pos = layout(h)
    scale = fitted_scale(pos)
    counts = {node: detail.get("c", 0) for node, detail in panel["d"].items()}
    # entity-centred (papers folded into CO_OCCURS links): an entity's weight is its papers, and
    # the page brings them back when it is focused; otherwise its links in the view
    folded = entity_centred(h)
    degree = counts if folded else dict(h.degree())
    order = sorted(h, key=lambda n: (-degree.get(n, 0), str(n))) if folded else ranked(h)
    top = max(degree.values(), default=1) or 1
    labels = {node: short_label(data, node) for node, data in h.nodes(data=True)}
    sizes = {}
    for node, data in h.nodes(data=True):
        share = math.sqrt(degree.get(node, 0) / top)
        # size on screen at the fitted zoom: hubs stand out, papers stay small squares
        px = 2.0 + 5 * share if data.get("type") == NodeType.PAPER else 3.0 + 13 * share
        sizes[node] = round(px / scale, 1)
    fonts = choose_labels(order, pos, sizes, labels, scale)
    net = Network(height="100%", width="100%", directed=True, cdn_resources="in_line", notebook=False)
    # the node and edge lists pyvis writes into the page, built here: its add_node and add_edge
    # look each id up in a list, which is quadratic in the size of the view
    for node in reversed(order):  # vis-network draws (and hit-tests) later nodes on top: hubs last
        data = h.nodes[node]
        kind = str(data.get("type"))
        color, shape = STYLE.get(kind, ("#cccccc", "dot"))
        forms = [str(data.get("name", node)), *map(str, data.get("aliases") or [])]
        item: dict[str, object] = {
            "id": node,
            "name": str(data.get("name", node)),
            "names": "|".join(sorted({_fold(f) for f in forms})),  # what the search box matches
            "kind": kind,
            "color": color,
            "shape": shape,
            "size": sizes[node],
            "x": pos[node][0],
            "y": pos[node][1],
        }
        if kind == NodeType.PAPER:
            item["date"] = paper_date(data)
        elif counts.get(node):
            item["papers"] = counts[node]
        if node in fonts:  # no label: vis-network draws none (the name is in the tooltip)
            item.update(label=labels[node], font={"size": fonts[node]})
        net.nodes.append(item)
        net.node_ids.append(node)
    for u, v, data in h.edges(data=True):
        kind = str(data.get("type", ""))
        edge = {"from": u, "to": v, "title": kind, "color": EDGE_COLOR.get(kind, "#bbbbbb")}
        if kind == CO_OCCURS:  # a shared paper has no direction
            n = int(data.get("weight", 1))
            edge["arrows"] = {"to": {"enabled": False}}
            # 1 paper: half a pixel at the fitted zoom; 64 papers: about 3 pixels
            edge["title"] = f"co-occurring in {n:,} paper{'s' if n != 1 else ''}"
            edge["width"] = round(min(3.5, 0.5 + 0.4 * math.log2(n)) / scale, 2)
            edge["weight"] = n
        net.edges.append(edge)
    options = json.loads(json.dumps(OPTIONS))
    options["edges"]["width"] = round(0.8 / scale, 2)  # under a pixel at the fitted zoom
    if h.number_of_edges() > 2000:  # many edges: fainter, so that nodes and labels stand out
        options["edges"]["color"] = {"opacity": 0.25 if h.number_of_edges() < 10_000 else 0.15}
    if h.number_of_nodes() > 3000:
        # thousands of edges: no arrows, and only the nodes are redrawn while the view moves
        options["edges"]["arrows"]["to"]["enabled"] = False
        options["interaction"].update(hideEdgesOnDrag=True, hideEdgesOnZoom=True)
    net.set_options(json.dumps(options))
    page = REMOTE_TAGS.sub("", net.generate_html())
    present = sorted({str(d.get("type")) for _, d in h.nodes(data=True)}, key=[*STYLE].index)
    page = page.replace("</head>", f"<style>{STYLE_SHEET}</style>\n</head>", 1)
    page = page.replace("<body>", "<body>\n" + _toolbar(title, present, notes, h), 1)
    page = page.replace(
        '<div id="mynetwork" class="card-body"></div>',
        '<div id="mynetwork" class="card-body"></div><div id="kg-panel" hidden></div>',
        1,
    )
    if folded:  # how the page draws an entity's papers when it brings them back
        panel["fp"] = {
            "color": STYLE[NodeType.PAPER][0],
            "shape": STYLE[NodeType.PAPER][1],
            "edges": EDGE_COLOR,
        }
    data = f'<script type="application/json" id="kg-data">{_json_for_script(panel)}</script>'
    page = page.replace("</body>", f"{data}\n<script>\n{SCRIPT}\n</script>\n</body>", 1)
    with atomic_file(path) as f:
        f.write(page)


def _date_range(h: nx.MultiDiGraph) -> str:
    """Two date boxes that limit the papers shown, when the papers' dates are known."""
    dates = sorted(
        d
        for _, data in h.nodes(data=True)
        if data.get("type") == NodeType.PAPER and FULL_DATE.match(d := paper_date(data))
    )
    if len(set(dates)) < 2:
        return ""
    low, high = dates[0], dates[-1]
    return (
        f'<label title="show the papers of these dates">papers <input type="date" id="kg-from" min="{low}"'
        f' max="{high}" value="{low}">–<input type="date" id="kg-to" min="{low}" max="{high}" value="{high}">'
        "</label> · "
    )


def _toolbar(title: str, types: list[str], notes: list[str], h: nx.MultiDiGraph) -> str:
    import html

    boxes = " ".join(
        f'<label style="color:{STYLE[t][0]}"><input type="checkbox" class="kg-type" value="{t}" checked>'
        f" {t}</label>"
        for t in types
        if t in STYLE
    )
    note = " · ".join(f"<span class='kg-note'>{html.escape(n)}</span>" for n in notes)
    # two lines on a laptop screen: what is shown and how to find in it, then how to limit it
    return (
        '<div id="kg-toolbar"><div>'
        f"<b>{html.escape(title)}</b> · {h.number_of_nodes():,} nodes, {h.number_of_edges():,} links · "
        '<input id="kg-search" type="search" placeholder="find a node…" size="20"> '
        f'<span id="kg-legend">{boxes}</span></div><div>{_date_range(h)}'
        '<label title="let the nodes move under forces (slow on big graphs)">'
        '<input type="checkbox" id="kg-physics"> physics</label>'
        f"{' · ' + note if note else ''}</div></div>"
    )
