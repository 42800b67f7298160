"""What one paper adds to the graph, made where the paper was extracted (in a worker).

A part is the paper's own nodes and edges, already encoded as graph.json lines, plus what the
resolver needs to place the rest: the paper's mentions, and its edges to entities, whose node ids
depend on every paper before this one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.graph import format as fmt
from kg.ids import comparison_id, paper_id, repository_id, result_id
from kg.schema import EdgeType, PaperExtraction, Span


@dataclass
class PaperPart:
    """One paper's contribution. An edge to an entity is kept as (head, mention key, edge type,
    tail) and completed once the key's node id is known."""

    paper_id: str
    nodes: list[str] = field(default_factory=list)  # the paper's own nodes, as graph.json lines
    edges: list[str] = field(default_factory=list)  # edges whose both ends are known, as lines
    entity_edges: list[tuple[str, str, str, str]] = field(default_factory=list)  # head, key, type, tail
    mentions: list[fmt.MentionRecord] = field(default_factory=list)
    repositories: list[tuple[str, str]] = field(default_factory=list)  # (node id, URL)


def paper_part(ex: PaperExtraction) -> PaperPart:
    """The nodes and edges of one paper: a pure function of its extraction."""
    p = ex.paper
    pid = paper_id(p.id)
    part = PaperPart(pid)
    part.nodes.append(fmt.encode(fmt.paper_node(pid, p)))
    head = fmt.edge_head(pid)
    for m in ex.mentions:
        part.mentions.append(
            {
                "key": m.key,
                "type": str(m.type),
                "name": m.name,
                "aliases": m.aliases,
                "in_vocabulary": m.in_vocabulary,
                "broader": m.broader,
            }
        )
        evidence = [
            fmt.evidence(
                s.field,
                s.start,
                s.end,
                (p.abstract if s.field == "abstract" else p.title)[s.start : s.end],
                s.sentence,
                s.sentence_start,
            )
            for s in m.spans
        ]
        surfaces = sorted({ev["mention"] for ev in evidence})
        data = fmt.edge_data(surfaces, evidence)
        for role in m.roles:
            part.entity_edges.append((head, m.key, str(role), fmt.edge_tail(role, data)))
    for i, r in enumerate(ex.results):
        node = fmt.result_node(result_id(p.id, i), r.value, r.unit, r.metric, r.text, r.change)
        _add_claim(part, node, EdgeType.REPORTS, r.span, (
            (EdgeType.SUBJECT, r.subject),
            (EdgeType.METRIC, r.metric_key),
            (EdgeType.DATASET, r.dataset),
            (EdgeType.HARDWARE, r.hardware),
            (EdgeType.BASELINE, r.baseline),
        ))  # fmt: skip
    for i, c in enumerate(ex.comparisons):
        node = fmt.comparison_node(comparison_id(p.id, i), c.text)
        _add_claim(part, node, EdgeType.STATES, c.span, (
            (EdgeType.CHALLENGER, c.challenger),
            (EdgeType.BASELINE, c.baseline),
            (EdgeType.DATASET, c.dataset),
        ))  # fmt: skip
    for url in ex.code_urls:
        rid = repository_id(url)
        if any(rid == known for known, _ in part.repositories):
            continue  # `github.com/Foo/Bar` and `github.com/foo/bar.git` are one repository
        part.repositories.append((rid, url))
        start = p.abstract.find(url)
        code: list[fmt.Evidence] = (
            [{"field": "abstract", "start": start, "end": start + len(url), "mention": url}]
            if start >= 0  # else it is the record's own code_url field
            else [{"field": "code_url", "start": 0, "end": len(url), "mention": url}]
        )
        part.edges.append(fmt.edge_line(pid, rid, EdgeType.HAS_CODE, fmt.edge_data([url], code)))
    return part


def _add_claim(
    part: PaperPart,
    node: fmt.Node,
    edge_type: EdgeType,
    span: Span,
    ends: tuple[tuple[EdgeType, str | None], ...],
) -> None:
    """A result or a comparison: its node, the paper's edge to it with the words as evidence, and
    its edges to the entities it is about (completed once their node ids are known)."""
    claim, text = node["id"], node["text"]
    part.nodes.append(fmt.encode(node))
    evidence = [fmt.evidence(span.field, span.start, span.end, text, span.sentence, span.sentence_start)]
    part.edges.append(fmt.edge_line(part.paper_id, claim, edge_type, fmt.edge_data([text], evidence)))
    head = fmt.edge_head(claim)
    for end_type, key in ends:
        if key:
            part.entity_edges.append((head, key, str(end_type), fmt.edge_tail(end_type)))
