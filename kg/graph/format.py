"""The graph.json contract: what a node, an edge and a piece of evidence hold, and how they are
written. Every writer and reader of graph.json goes through this module.

graph.json is networkx node-link JSON (`nx.node_link_data(g, edges="edges")`), so any JSON reader
and `networkx.node_link_graph` open it. `kg build` lays it out one element per line:

    {"directed":true,"multigraph":true,"graph":{...},"nodes":[      <- the header line
    {"id":"paper:2409.01234","type":"Paper",...}                    <- the first node
    ,{"id":"model:sdxl","type":"Model",...}                         <- every further node: `,` first
    ],"edges":[                                                     <- SEPARATOR
    {"source":"paper:2409.01234","target":"model:sdxl","key":"USES","type":"USES",...}
    ,{...}                                                          <- every further edge
    ]}                                                              <- FOOTER

so that `--update` can copy a graph.json line by line, replacing only the entity nodes new papers
changed, and exporters can stream it (`kg.graph.reader.GraphFile`) instead of loading it whole.

The element dicts below are TypedDicts rather than pydantic models: a build encodes a few million
of them, and plain dicts keep that as fast as hand-made JSON. Each line is encoded by one shared
encoder (no spaces, UTF-8 kept as is); an edge to an entity is encoded in two halves around its
target, since the target's node id is only known once the paper reaches the resolver.
"""

from __future__ import annotations

import json
import re
from typing import Any, NotRequired, TypedDict

from kg.schema import EdgeType, NodeType, Paper, Role

FORMAT_VERSION = 1
GRAPH_FILE = "graph.json"

HEADER = '{{"directed":true,"multigraph":true,"graph":{graph},"nodes":[\n'
SEPARATOR = b'],"edges":[\n'
FOOTER = b"]}\n"
# the header's id of the build that wrote the file (state.json and graph.db carry it too)
BUILD_TOKEN = re.compile(rb'"build":"([0-9a-f]+)"')
# the id at the start of a node line, still JSON-quoted
NODE_ID = re.compile(rb'^,?\{"id":("(?:[^"\\]|\\.)*")')
_QUOTED = rb'("(?:[^"\\]|\\.)*")'
# what every node line and every edge line starts with, in the order the encoders below write
# them: readers that need only these fields match them instead of parsing the whole line
NODE_HEAD = re.compile(rb'^,?\{"id":' + _QUOTED + rb',"type":' + _QUOTED + rb',"name":' + _QUOTED)
EDGE_HEAD = re.compile(
    rb'^,?\{"source":' + _QUOTED + rb',"target":' + _QUOTED + rb',"key":' + _QUOTED + rb',"type":' + _QUOTED
)


class Evidence(TypedDict):
    """Where an edge comes from: a span of the paper's title or abstract."""

    field: str  # "title" or "abstract" (or "code_url": a record's own code link)
    start: int  # character offsets in that field
    end: int
    mention: str  # the text at [start, end)
    sentence: NotRequired[str]  # the sentence around it (not for code links)
    sentence_start: NotRequired[int]


class Node(TypedDict, total=False):
    """A node. Every node has `id`, `type`, `name` and `aliases`; the rest depends on the type."""

    id: str
    type: str  # a NodeType
    name: str
    aliases: list[str]
    # Paper
    title: str
    abstract: str
    published: str | None
    listing_date: str | None
    url: str | None
    authors: list[str]
    code_url: str | None
    source: str
    # Result
    value: float
    unit: str | None
    metric: str | None
    text: str
    change: bool  # a change (`by 5%`), not a level
    # entities
    in_vocabulary: bool


class Edge(TypedDict):
    """An edge. `key` equals `type` (a Role or an EdgeType): one edge per type between two nodes."""

    source: str
    target: str
    key: str
    type: str
    mentions: NotRequired[list[str]]  # the surface strings, on paper -> entity/result/repository edges
    evidence: NotRequired[list[Evidence]]


class MentionRecord(TypedDict):
    """One entity as one paper names it: what a worker hands the resolver (`kg.resolve`)."""

    key: str  # resolution key: a vocabulary id, or the normalized name
    type: str  # a NodeType
    name: str
    aliases: list[str]
    in_vocabulary: bool
    broader: list[str]  # vocabulary ids of its families, nearest first


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def encode(value: Any) -> str:
    """JSON as graph.json spells it: no spaces, no ASCII escapes."""
    return _ENCODER.encode(value)


def header(graph: dict[str, Any]) -> bytes:
    return HEADER.format(graph=encode(graph)).encode()


def evidence(field: str, start: int, end: int, mention: str, sentence: str, sentence_start: int) -> Evidence:
    return {
        "field": field,
        "start": start,
        "end": end,
        "mention": mention,
        "sentence": sentence,
        "sentence_start": sentence_start,
    }


def paper_node(node_id: str, paper: Paper) -> Node:
    return {
        "id": node_id,
        "type": str(NodeType.PAPER),
        "name": paper.title,
        "title": paper.title,
        "aliases": [],
        "abstract": paper.abstract,
        "published": paper.published,
        "listing_date": paper.listing_date,
        "url": paper.url,
        "authors": list(paper.authors),
        "code_url": paper.code_url,
        "source": paper.source,
    }


def result_node(
    node_id: str, value: float, unit: str | None, metric: str | None, text: str, change: bool
) -> Node:
    label = f"{metric or 'value'} {'Δ' if change else '='} {value:g}{(' ' + unit) if unit else ''}"
    return {
        "id": node_id,
        "type": str(NodeType.RESULT),
        "name": label,
        "aliases": [],
        "value": value,
        "unit": unit,
        "metric": metric,
        "text": text,
        "change": change,
    }


def comparison_node(node_id: str, text: str) -> Node:
    return {"id": node_id, "type": str(NodeType.COMPARISON), "name": text, "aliases": [], "text": text}


def repository_node(node_id: str, url: str) -> Node:
    return {"id": node_id, "type": str(NodeType.REPOSITORY), "name": url, "url": url, "aliases": []}


def entity_node(node_id: str, node_type: str, name: str, aliases: list[str], in_vocabulary: bool) -> Node:
    return {
        "id": node_id,
        "type": node_type,
        "name": name,
        "aliases": aliases,
        "in_vocabulary": in_vocabulary,
    }


def edge_head(source: str) -> str:
    """The start of an edge line, up to its target: `{"source":"paper:x","target":`."""
    return f'{{"source":{encode(source)},"target":'


def edge_data(mentions: list[str], evidence: list[Evidence]) -> str:
    """An edge's mentions and evidence, encoded once for all the roles that share them."""
    return f',"mentions":{encode(mentions)},"evidence":{encode(evidence)}'


def edge_tail(edge_type: Role | EdgeType, data: str = "") -> str:
    """The rest of an edge line after its target: key, type, then `edge_data` if any."""
    return f',"key":"{edge_type}","type":"{edge_type}"{data}}}'


def retyped_tail(tail: str, old: str, new: str) -> str:
    """An `edge_tail` of type `old` made one of type `new`, its data kept."""
    return tail.replace(f'"key":"{old}","type":"{old}"', f'"key":"{new}","type":"{new}"', 1)


def edge_line(source: str, target: str, edge_type: Role | EdgeType, data: str = "") -> str:
    return f"{edge_head(source)}{encode(target)}{edge_tail(edge_type, data)}"
