"""The graph: a networkx MultiDiGraph built from resolved extractions, saved as node-link JSON.

`graph.json` is the contract every exporter and query reads (and `../shared/eval/score.py`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import InputError
from kg.extract.vocabulary import Vocabulary, default_vocabulary
from kg.io import atomic_file
from kg.resolve import Resolver
from kg.schema import EdgeType, NodeType, PaperExtraction, Span

FORMAT_VERSION = 1


def paper_id(pid: str) -> str:
    return f"paper:{pid}"


def repository_id(url: str) -> str:
    u = re.sub(r"^https?://(www\.)?", "", url.strip().lower()).rstrip("/")
    return f"repo:{re.sub(r'[.]git$', '', u)}"


def _evidence(span: Span, mention: str) -> dict[str, Any]:
    return {
        "field": span.field,
        "start": span.start,
        "end": span.end,
        "mention": mention,
        "sentence": span.sentence,
        "sentence_start": span.sentence_start,
    }


def build_graph(
    extractions: Iterable[PaperExtraction],
    resolver: Resolver,
    vocabulary: Vocabulary | None = None,
) -> nx.MultiDiGraph:
    vocab = vocabulary or default_vocabulary()
    g = nx.MultiDiGraph()
    for ex in extractions:
        add_paper(g, ex, resolver, vocab)
    for _, data in g.nodes(data=True):
        data["aliases"] = sorted(data.get("aliases") or [])
    return g


def _add_entity(
    g: nx.MultiDiGraph,
    node_id: str,
    node_type: NodeType,
    name: str,
    aliases: Iterable[str],
    in_vocabulary: bool,
) -> None:
    if node_id not in g:
        g.add_node(node_id, type=str(node_type), name=name, aliases=[], in_vocabulary=in_vocabulary)
    known = g.nodes[node_id]["aliases"]
    for a in aliases:
        if a != g.nodes[node_id]["name"] and a not in known:
            known.append(a)


def add_paper(g: nx.MultiDiGraph, ex: PaperExtraction, resolver: Resolver, vocab: Vocabulary) -> None:
    p = ex.paper
    pid = paper_id(p.id)
    g.add_node(
        pid,
        type=str(NodeType.PAPER),
        name=p.title,
        title=p.title,
        aliases=[],
        abstract=p.abstract,
        published=p.published,
        listing_date=p.listing_date,
        url=p.url,
        authors=list(p.authors),
        code_url=p.code_url,
        source=p.source,
    )
    ids: dict[str, str] = {}
    for m in ex.mentions:
        node_id, node_type, name = resolver.resolve(m)
        ids[m.key] = node_id
        _add_entity(
            g, node_id, node_type, name, [*m.aliases, *([m.name] if m.name != name else [])], m.in_vocabulary
        )
        child = node_id
        for parent in m.broader:
            entry = vocab.entries[parent]
            _add_entity(g, parent, entry.type, entry.name, [], True)
            if not g.has_edge(child, parent, key=str(EdgeType.BROADER)):
                g.add_edge(child, parent, key=str(EdgeType.BROADER), type=str(EdgeType.BROADER))
            child = parent
        evidence = [
            _evidence(s, (p.abstract if s.field == "abstract" else p.title)[s.start : s.end]) for s in m.spans
        ]
        surfaces = sorted({ev["mention"] for ev in evidence})
        for role in m.roles:
            g.add_edge(pid, node_id, key=str(role), type=str(role), mentions=surfaces, evidence=evidence)
    for i, r in enumerate(ex.results):
        rid = f"result:{p.id}:{i}"
        label = f"{r.metric or 'value'} = {r.value:g}{(' ' + r.unit) if r.unit else ''}"
        g.add_node(
            rid,
            type=str(NodeType.RESULT),
            name=label,
            aliases=[],
            value=r.value,
            unit=r.unit,
            metric=r.metric,
            text=r.text,
        )
        g.add_edge(
            pid,
            rid,
            key=str(EdgeType.REPORTS),
            type=str(EdgeType.REPORTS),
            mentions=[r.text],
            evidence=[_evidence(r.span, r.text)],
        )
        for edge_type, key in (
            (EdgeType.SUBJECT, r.subject),
            (EdgeType.METRIC, r.metric_key),
            (EdgeType.DATASET, r.dataset),
            (EdgeType.HARDWARE, r.hardware),
            (EdgeType.BASELINE, r.baseline),
        ):
            if key and key in ids:
                g.add_edge(rid, ids[key], key=str(edge_type), type=str(edge_type))
    for url in ex.code_urls:
        rid = repository_id(url)
        if rid not in g:
            g.add_node(rid, type=str(NodeType.REPOSITORY), name=url, url=url, aliases=[])
        start = p.abstract.find(url)
        evidence = [{"field": "abstract", "start": start, "end": start + len(url), "mention": url}]
        g.add_edge(
            pid,
            rid,
            key=str(EdgeType.HAS_CODE),
            type=str(EdgeType.HAS_CODE),
            mentions=[url],
            evidence=evidence,
        )


def to_json_data(g: nx.MultiDiGraph) -> dict[str, Any]:
    data = nx.node_link_data(g, edges="edges")
    data["graph"] = {"format": "kg", "version": FORMAT_VERSION, **g.graph}
    return data


def save(g: nx.MultiDiGraph, path: Path) -> None:
    with atomic_file(path) as f:
        json.dump(to_json_data(g), f, ensure_ascii=False, indent=None, separators=(",", ":"))
        f.write("\n")


def load(path: str | Path) -> nx.MultiDiGraph:
    """Read a `graph.json` written by `kg build`."""
    path = Path(path)
    if path.is_dir():
        path = path / "graph.json"
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise InputError(path, "no such file (build one with `kg build`)") from None
    except json.JSONDecodeError as e:
        raise InputError(path, f"invalid JSON ({e.msg}, column {e.colno})", e.lineno) from None
    if not isinstance(data, dict) or "nodes" not in data:
        raise InputError(path, "not a graph.json: no 'nodes'")
    g = nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")
    g.graph = {k: v for k, v in data.get("graph", {}).items()}
    return g
