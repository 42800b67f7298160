"""An interactive HTML page of the graph (pyvis), self-contained so it opens offline.

Every string from a paper is HTML-escaped before it reaches the page: pyvis shows tooltips with
`innerHTML`.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import networkx as nx
from pyvis.network import Network

from kg.io import atomic_file

STYLE = {
    "Paper": ("#9e9e9e", "square"),
    "Method": ("#1f77b4", "dot"),
    "Model": ("#d62728", "dot"),
    "Dataset": ("#2ca02c", "diamond"),
    "Hardware": ("#8c564b", "triangle"),
    "Metric": ("#ff7f0e", "triangleDown"),
    "Task": ("#9467bd", "star"),
    "Result": ("#17becf", "box"),
    "Repository": ("#7f7f7f", "hexagon"),
}
EDGE_COLOR = {
    "PROPOSES": "#e377c2",
    "USES": "#1f77b4",
    "COMPARES_WITH": "#d62728",
    "EVALUATED_ON": "#2ca02c",
    "RUNS_ON": "#8c564b",
    "MEASURES": "#ff7f0e",
}
OPTIONS = """{
  "layout": {"improvedLayout": false},
  "interaction": {"hover": true, "navigationButtons": false},
  "physics": {"solver": "barnesHut", "stabilization": {"enabled": true, "iterations": 300}},
  "edges": {"smooth": false}
}"""
REMOTE_TAGS = re.compile(r"<(link|script)\b[^>]*https?://[^>]*>(\s*</script>)?", re.S)


def _tooltip(g: nx.MultiDiGraph, node: str) -> str:
    data = g.nodes[node]
    lines = [f"<b>{html.escape(str(data.get('name', node)))}</b>", html.escape(str(data["type"]))]
    if data.get("aliases"):
        lines.append("aka " + html.escape(", ".join(map(str, data["aliases"][:8]))))
    if data["type"] == "Paper" and data.get("url"):
        url = html.escape(str(data["url"]), quote=True)
        lines.append(f'<a href="{url}" target="_blank">{url}</a>')
    papers = [u for u, _ in g.in_edges(node) if g.nodes[u].get("type") == "Paper"]
    if papers:
        lines.append(f"{len(papers)} paper(s)")
    for _u, _, e in list(g.in_edges(node, data=True))[:3]:
        for ev in e.get("evidence", [])[:1]:
            if ev.get("sentence"):
                lines.append("“" + html.escape(ev["sentence"][:200]) + "”")
    return "<br>".join(lines)


def write_html(g: nx.MultiDiGraph, path: Path) -> None:
    net = Network(height="900px", width="100%", directed=True, cdn_resources="in_line", notebook=False)
    degree = dict(g.degree())
    for node, data in g.nodes(data=True):
        color, shape = STYLE.get(str(data.get("type")), ("#cccccc", "dot"))
        label = str(data.get("name", node))
        if len(label) > 40:
            label = label[:37] + "..."
        net.add_node(
            node,
            label=html.escape(label),
            title=_tooltip(g, node),
            color=color,
            shape=shape,
            size=8 + min(30, 2 * degree.get(node, 0)),
            group=str(data.get("type")),
        )
    for u, v, data in g.edges(data=True):
        kind = str(data.get("type", ""))
        net.add_edge(u, v, title=html.escape(kind), color=EDGE_COLOR.get(kind, "#bbbbbb"))
    net.set_options(OPTIONS)
    page = net.generate_html()
    page = REMOTE_TAGS.sub("", page)
    legend = " ".join(f'<span style="color:{c}">&#9632; {t}</span>' for t, (c, _) in STYLE.items())
    page = page.replace(
        "<body>", f'<body>\n<div id="legend" style="font:14px sans-serif;padding:4px">{legend}</div>', 1
    )
    with atomic_file(path) as f:
        f.write(page)
