"""The graph: a networkx MultiDiGraph built from resolved extractions, saved as node-link JSON.

`graph.json` is the contract every exporter and query reads (and `../shared/eval/score.py`).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import networkx as nx

from kg.errors import InputError, KgError
from kg.extract.vocabulary import Vocabulary, default_vocabulary
from kg.io import atomic_file
from kg.resolve import Resolver
from kg.schema import EdgeType, NodeType, PaperExtraction

FORMAT_VERSION = 1
GRAPH_FILE = "graph.json"


def paper_id(pid: str) -> str:
    return f"paper:{pid}"


def repository_id(url: str) -> str:
    u = re.sub(r"^https?://(www\.)?", "", url.strip().lower()).rstrip("/")
    return f"repo:{re.sub(r'[.]git$', '', u)}"


def _evidence(field: str, start: int, end: int, mention: str, sentence: str, sentence_start: int):
    return {
        "field": field,
        "start": start,
        "end": end,
        "mention": mention,
        "sentence": sentence,
        "sentence_start": sentence_start,
    }


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _json(value: Any) -> str:
    return _ENCODER.encode(value)


@dataclass
class PaperPart:
    """What one paper adds to the graph, serialized where it was extracted.

    Entity node ids depend on every paper before this one, so edges to entities are kept as
    (JSON head, mention key, JSON tail) and completed once the key's node id is known.
    """

    paper_id: str
    nodes: list[str] = field(default_factory=list)  # the paper's own nodes, as JSON
    edges: list[str] = field(default_factory=list)  # edges whose both ends are known, as JSON
    entity_edges: list[tuple[str, str, str, str]] = field(default_factory=list)  # head, key, type, tail
    mentions: list[dict[str, Any]] = field(default_factory=list)
    repositories: list[tuple[str, str]] = field(default_factory=list)  # (node id, URL)


def paper_part(ex: PaperExtraction) -> PaperPart:
    """The nodes and edges of one paper: a pure function of its extraction."""
    p = ex.paper
    pid = paper_id(p.id)
    part = PaperPart(pid)
    paper_node = {
        "id": pid,
        "type": str(NodeType.PAPER),
        "name": p.title,
        "title": p.title,
        "aliases": [],
        "abstract": p.abstract,
        "published": p.published,
        "listing_date": p.listing_date,
        "url": p.url,
        "authors": list(p.authors),
        "code_url": p.code_url,
        "source": p.source,
    }
    part.nodes.append(_json(paper_node))
    head = f'{{"source":{_json(pid)},"target":'
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
            _evidence(
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
        data = f',"mentions":{_json(surfaces)},"evidence":{_json(evidence)}}}'
        for role in m.roles:
            part.entity_edges.append((head, m.key, str(role), f',"key":"{role}","type":"{role}"{data}'))
    for i, r in enumerate(ex.results):
        rid = f"result:{p.id}:{i}"
        label = f"{r.metric or 'value'} = {r.value:g}{(' ' + r.unit) if r.unit else ''}"
        result_node = {
            "id": rid,
            "type": str(NodeType.RESULT),
            "name": label,
            "aliases": [],
            "value": r.value,
            "unit": r.unit,
            "metric": r.metric,
            "text": r.text,
        }
        part.nodes.append(_json(result_node))
        s = r.span
        evidence = [_evidence(s.field, s.start, s.end, r.text, s.sentence, s.sentence_start)]
        reports = str(EdgeType.REPORTS)
        part.edges.append(
            f'{head}{_json(rid)},"key":"{reports}","type":"{reports}",'
            f'"mentions":{_json([r.text])},"evidence":{_json(evidence)}}}'
        )
        result_head = f'{{"source":{_json(rid)},"target":'
        for edge_type, key in (
            (EdgeType.SUBJECT, r.subject),
            (EdgeType.METRIC, r.metric_key),
            (EdgeType.DATASET, r.dataset),
            (EdgeType.HARDWARE, r.hardware),
            (EdgeType.BASELINE, r.baseline),
        ):
            if key:
                tail = f',"key":"{edge_type}","type":"{edge_type}"}}'
                part.entity_edges.append((result_head, key, str(edge_type), tail))
    for url in ex.code_urls:
        rid = repository_id(url)
        if any(rid == known for known, _ in part.repositories):
            continue  # `github.com/Foo/Bar` and `github.com/foo/bar.git` are one repository
        part.repositories.append((rid, url))
        start = p.abstract.find(url)
        evidence = [{"field": "abstract", "start": start, "end": start + len(url), "mention": url}]
        has_code = str(EdgeType.HAS_CODE)
        part.edges.append(
            f'{head}{_json(rid)},"key":"{has_code}","type":"{has_code}",'
            f'"mentions":{_json([url])},"evidence":{_json(evidence)}}}'
        )
    return part


REPOSITORY = str(NodeType.REPOSITORY)
BROADER_TAIL = f',"key":"{EdgeType.BROADER}","type":"{EdgeType.BROADER}"}}'
HEADER = '{{"directed":true,"multigraph":true,"graph":{graph},"nodes":[\n'
SEPARATOR = b'],"edges":[\n'
FOOTER = b"]}\n"
NODE_ID = re.compile(rb'^,?\{"id":("(?:[^"\\]|\\.)*")')


def _repository_line(node_id: str, url: str) -> str:
    return _json({"id": node_id, "type": REPOSITORY, "name": url, "url": url, "aliases": []})


class GraphWriter:
    """Writes graph.json as papers arrive: the papers' own nodes and every edge go to disk at once;
    entity nodes, which any later paper can change, are written at the end.

    The file is node-link JSON with one node or edge per line (`,` leading each line after the
    first), so that `--update` can copy an existing graph.json line by line, replace only the
    entity nodes new papers changed, and append the rest.
    """

    def __init__(self, path: Path, resolver: Resolver, vocab: Vocabulary, base: Path | None = None):
        self.path, self.resolver, self.vocab, self.base = path, resolver, vocab, base
        self.touched: set[str] = set()  # entity nodes whose JSON changes
        self.known_repositories: set[str] = set()  # repositories of earlier builds new papers cite
        self.new_repositories: set[str] = set()
        self._quoted: dict[str, str] = {}  # node id -> its JSON string
        self.node_count = self.edge_count = 0
        # spill files beside the output, closed and removed by close()
        self._nodes = open(path.with_name(path.name + ".nodes"), "w", encoding="utf-8")  # noqa: SIM115
        self._edges = open(path.with_name(path.name + ".edges"), "w", encoding="utf-8")  # noqa: SIM115

    def add(self, part: PaperPart) -> bool:
        """Add one paper; False (and nothing added) when the graph already has it."""
        resolver = self.resolver
        if part.paper_id in resolver.papers:
            return False
        resolver.papers.add(part.paper_id)
        ids: dict[str, str] = {}
        for m in part.mentions:
            node_id = ids[m["key"]] = resolver.node_id(m)
            resolver.add_mention(node_id, m)
            self.touched.add(node_id)
            child = node_id
            for parent in m["broader"]:
                entry = self.vocab.entries[parent]
                if parent not in resolver.entities:
                    resolver.add_parent(entry)
                if resolver.add_broader(child, parent):
                    self.touched.add(parent)  # the new edge's end, for delta.json
                    self._edge(f'{{"source":{_json(child)},"target":{_json(parent)}{BROADER_TAIL}')
                child = parent
        self._nodes.write("," + "\n,".join(part.nodes) + "\n")
        self.node_count += len(part.nodes)
        for node_id, url in part.repositories:
            if resolver.add_repository(node_id, url):
                self._node(_repository_line(node_id, url))
                self.new_repositories.add(node_id)
            elif node_id not in self.new_repositories:
                self.known_repositories.add(node_id)
        seen: set[tuple[str, str, str]] = set()  # two keys of one paper can share a node
        lines = list(part.edges)
        quoted = self._quoted
        for head, key, edge_type, tail in part.entity_edges:
            target = ids.get(key)
            if target is None or (head, target, edge_type) in seen:
                continue
            seen.add((head, target, edge_type))
            target_json = quoted.get(target)
            if target_json is None:
                target_json = quoted[target] = _json(target)
            lines.append(f"{head}{target_json}{tail}")
        if lines:
            self._edges.write("," + "\n,".join(lines) + "\n")
            self.edge_count += len(lines)
        return True

    def discard(self) -> None:
        """Close and remove the spill files (`close` ends with this; a failed build calls it)."""
        for f in (self._nodes, self._edges):
            f.close()
            Path(f.name).unlink(missing_ok=True)

    def _node(self, line: str) -> None:
        self._nodes.write(f",{line}\n")
        self.node_count += 1

    def _edge(self, line: str) -> None:
        self._edges.write(f",{line}\n")
        self.edge_count += 1

    def close(self, graph: dict[str, Any], delta: Path | None = None) -> None:
        """Write graph.json: the base's lines, changed entity nodes replaced, then the new ones;
        and, when `delta` is given, a graph.json of only what changed (new papers with their
        edges, and every node those edges reach), for loading an increment into a database."""
        entity_lines = [
            _json(self.resolver.entity(node_id).node(node_id)).encode() for node_id in sorted(self.touched)
        ]
        if delta is not None:
            self._write_delta(delta, graph, entity_lines)
        touched = {_json(node_id).encode() for node_id in self.touched}
        with open(self.path, "wb") as out:
            out.write(HEADER.format(graph=_json(graph)).encode())
            first = True
            base_edges = None
            if self.base is not None:
                base_edges = open(self.base, "rb")  # noqa: SIM115 (its edges are copied further down)
                base_edges.readline()  # the header
                first = _append_lines(out, self._untouched_base_nodes(base_edges, touched), first)
            first = _append_spill(out, self._nodes, first)
            first = _append_lines(out, entity_lines, first)
            self.node_count += len(entity_lines)
            out.write(SEPARATOR)
            first = True
            if base_edges is not None:
                with base_edges:
                    start = out.tell()
                    lines, tail = 0, b""
                    while chunk := base_edges.read(1 << 20):
                        out.write(chunk)
                        lines += chunk.count(b"\n")
                        tail = (tail + chunk)[-len(FOOTER) :]
                    if tail != FOOTER:
                        raise KgError(f"{self.base}: graph.json is cut off; rebuild it")
                    out.seek(-len(FOOTER), 2)
                    out.truncate()
                    first = out.tell() == start
                    self.edge_count += lines - 1  # all but the footer
            _append_spill(out, self._edges, first)
            out.write(FOOTER)
        self.discard()

    def _untouched_base_nodes(self, base: BinaryIO, touched: set[bytes]) -> Iterator[bytes]:
        """The node lines of the base graph.json (up to its edges) that no new paper changed."""
        for line in base:
            if line == SEPARATOR:
                return
            m = NODE_ID.match(line)
            if m is None:
                raise KgError(f"{self.base}: not a graph.json written by `kg build`; rebuild it")
            if m.group(1) not in touched:
                self.node_count += 1
                yield line.removeprefix(b",").rstrip(b"\n")
        raise KgError(f"{self.base}: graph.json is cut off; rebuild it")

    def _write_delta(self, path: Path, graph: dict[str, Any], entity_lines: list[bytes]) -> None:
        repositories = self.resolver.repositories
        known = [_repository_line(r, repositories[r]).encode() for r in sorted(self.known_repositories)]
        with open(path, "wb") as out:
            out.write(HEADER.format(graph=_json({**graph, "delta": True})).encode())
            first = _append_spill(out, self._nodes, True)
            _append_lines(out, [*entity_lines, *known], first)
            out.write(SEPARATOR)
            _append_spill(out, self._edges, True)
            out.write(FOOTER)


def _append_spill(out: BinaryIO, spill: TextIO, first: bool) -> bool:
    """Copy a spill file (`,`-led lines) into a section of graph.json; the section's first line
    loses its comma. Returns whether the section is still empty."""
    spill.flush()
    with open(spill.name, "rb") as r:
        if first:
            line = r.readline()
            if not line:
                return True
            out.write(line[1:])
        shutil.copyfileobj(r, out, 1 << 20)
    return False


def _append_lines(out: BinaryIO, lines: Iterable[bytes], first: bool) -> bool:
    for line in lines:
        out.write(line if first else b"," + line)
        out.write(b"\n")
        first = False
    return first


class GraphFile:
    """A graph.json read as a stream of nodes and edges, for exports of graphs too big to hold
    as a networkx graph. Offers the part of networkx's reading API that the exporters use."""

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        self.path = path / GRAPH_FILE if path.is_dir() else path
        try:
            with open(self.path, "rb") as f:
                self.header = f.readline()
        except FileNotFoundError:
            raise InputError(self.path, "no such file (build one with `kg build`)") from None
        self.streamable = self.header.endswith(b'"nodes":[\n')

    def _section(self, which: str) -> Iterator[dict[str, Any]]:
        if not self.streamable:  # a graph.json from elsewhere: read it whole
            g = load(self.path)
            yield from nx.node_link_data(g, edges="edges")[which]
            return
        with open(self.path, "rb") as f:
            f.readline()
            inside = which == "nodes"
            for lineno, line in enumerate(f, 2):
                if line == SEPARATOR:
                    if inside:
                        return
                    inside = True
                    continue
                if not inside or line == FOOTER:
                    continue
                try:
                    yield json.loads(line.removeprefix(b","))
                except (json.JSONDecodeError, UnicodeDecodeError) as e:
                    raise InputError(self.path, f"invalid graph.json line ({e})", lineno) from None

    def nodes(self, data: bool = False) -> Iterator[Any]:
        for node in self._section("nodes"):
            node_id = node.pop("id")
            yield (node_id, node) if data else node_id

    def edges(self, data: bool = False, keys: bool = False) -> Iterator[tuple]:
        for edge in self._section("edges"):
            u, v, k = edge.pop("source"), edge.pop("target"), edge.pop("key", None)
            yield (u, v, *((k,) if keys else ()), *((edge,) if data else ()))

    def node_types(self) -> dict[str, str]:
        return {node_id: data["type"] for node_id, data in self.nodes(data=True)}


AnyGraph = nx.MultiDiGraph | GraphFile  # what exporters read: in memory, or streamed from disk


def build_graph(
    extractions: Iterable[PaperExtraction], vocabulary: Vocabulary | None = None
) -> nx.MultiDiGraph:
    """The graph of some extractions, in memory (what `kg build` writes, without the files)."""
    import tempfile

    vocab = vocabulary or default_vocabulary()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.json"
        writer = GraphWriter(path, Resolver(), vocab)
        for ex in extractions:
            writer.add(paper_part(ex))
        writer.close({"format": "kg", "version": FORMAT_VERSION})
        return load(path)


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
        path = path / GRAPH_FILE
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
