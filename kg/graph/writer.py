"""Writes graph.json as papers arrive, and merges an update into an existing one.

The papers' own nodes and every edge go to disk at once (spill files beside the output); entity
nodes, which any later paper can change, are written at the end from the resolver's state. With a
base graph.json (`kg build --update`) the base's lines are copied, the entity nodes new papers
changed are replaced, and the new lines appended; `delta.json` gets only what changed.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO, TextIO

import networkx as nx

from kg.errors import KgError
from kg.extract.vocabulary import Vocabulary
from kg.graph import format as fmt
from kg.graph.parts import PaperPart, paper_part
from kg.graph.reader import load
from kg.resolve import Resolver
from kg.schema import ROLE_OF_TYPE, EdgeType, NodeType, PaperExtraction, Role

# edges whose type says what their target is (the SHACL shapes check it): the target's type, by edge
TYPED_EDGES: dict[str, str] = {
    **{str(role): str(node_type) for node_type, role in ROLE_OF_TYPE.items()},
    str(EdgeType.DATASET): str(NodeType.DATASET),
    str(EdgeType.METRIC): str(NodeType.METRIC),
    str(EdgeType.HARDWARE): str(NodeType.HARDWARE),
}


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
                    self._edge(fmt.edge_line(child, parent, EdgeType.BROADER))
                child = parent
        self._nodes.write("," + "\n,".join(part.nodes) + "\n")
        self.node_count += len(part.nodes)
        for node_id, url in part.repositories:
            if resolver.add_repository(node_id, url):
                self._node(fmt.encode(fmt.repository_node(node_id, url)))
                self.new_repositories.add(node_id)
            elif node_id not in self.new_repositories:
                self.known_repositories.add(node_id)
        seen: set[tuple[str, str, str]] = set()  # two keys of one paper can share a node
        lines = list(part.edges)
        quoted = self._quoted
        for head, key, edge_type, tail in part.entity_edges:
            target = ids.get(key)
            if target is None:
                continue
            wanted = TYPED_EDGES.get(edge_type)
            if wanted is not None and (actual := resolver.entity(target).node_type()) != wanted:
                # the paper took it for a task (say) but the node is a method: the edge follows the node
                if edge_type not in ROLE_OF_TYPE.values():
                    continue  # a result's dataset, metric or hardware that is none
                new_type = ROLE_OF_TYPE.get(NodeType(actual), Role.USES)
                tail = fmt.retyped_tail(tail, edge_type, new_type)
                edge_type = str(new_type)
            if (head, target, edge_type) in seen:
                continue
            seen.add((head, target, edge_type))
            target_json = quoted.get(target)
            if target_json is None:
                target_json = quoted[target] = fmt.encode(target)
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
        self.write(graph, self.entity_lines(graph, delta))

    def entity_lines(self, graph: dict[str, Any], delta: Path | None = None) -> list[bytes]:
        """The first half of `close`: the JSON lines of the entity nodes new papers changed, and
        `delta` written (`kg build --update` then writes the store from it while `write` runs)."""
        entries = self.vocab.entries
        entity_lines = [
            fmt.encode(
                self.resolver.entity(node_id).node(
                    node_id, entries[node_id].aliases if node_id in entries else ()
                )
            ).encode()
            for node_id in sorted(self.touched)
        ]
        if delta is not None:
            self._write_delta(delta, graph, entity_lines)
        for spill in (self._nodes, self._edges):
            spill.flush()  # whole on disk: `write` may run in another process
        return entity_lines

    def write(self, graph: dict[str, Any], entity_lines: list[bytes]) -> tuple[int, int]:
        """The second half of `close`: graph.json itself. Returns its counts of nodes and edges."""
        touched = {fmt.encode(node_id).encode() for node_id in self.touched}
        with open(self.path, "wb") as out:
            out.write(fmt.header(graph))
            first = True
            base_edges = None
            if self.base is not None:
                base_edges = open(self.base, "rb")  # noqa: SIM115 (its edges are copied further down)
                base_edges.readline()  # the header
                first = self._copy_untouched_base_nodes(base_edges, out, touched)
            first = _append_spill(out, self._nodes, first)
            first = _append_lines(out, entity_lines, first)
            self.node_count += len(entity_lines)
            out.write(fmt.SEPARATOR)
            first = True
            if base_edges is not None:
                with base_edges:
                    start = out.tell()
                    lines, tail = 0, b""
                    while chunk := base_edges.read(1 << 20):
                        out.write(chunk)
                        lines += chunk.count(b"\n")
                        tail = (tail + chunk)[-len(fmt.FOOTER) :]
                    if tail != fmt.FOOTER:
                        raise KgError(f"{self.base}: graph.json is cut off; rebuild it")
                    out.seek(-len(fmt.FOOTER), 2)
                    out.truncate()
                    first = out.tell() == start
                    self.edge_count += lines - 1  # all but the footer
            _append_spill(out, self._edges, first)
            out.write(fmt.FOOTER)
        self.discard()
        return self.node_count, self.edge_count

    def _copy_untouched_base_nodes(self, base: BinaryIO, out: BinaryIO, touched: set[bytes]) -> bool:
        """Copy the node lines of the base graph.json that no new paper changed, a block at a time,
        and leave `base` at its first edge. Returns whether the section is still empty.

        Each block's lines are split, keyed and written back in C-level passes (`split`, slices in
        a list comprehension, `join`): a Python loop over the 417k lines of the 103k graph, with a
        call per line, took 1.3 s of a 10 s daily update."""
        first = True
        separator = fmt.SEPARATOR.rstrip(b"\n")
        at_block, rest = base.tell(), b""
        while block := base.read(NODE_BLOCK):
            data = rest + block
            whole = data.rfind(b"\n") + 1  # the block's whole lines; the rest joins the next one
            lines = data[:whole].split(b"\n")
            lines.pop()  # what follows the last newline: nothing
            try:
                end = lines.index(separator)
            except ValueError:
                end = -1
            if end >= 0:
                del lines[end:]
            # `,{"id":"` and the id up to its closing quote; a line of another shape, or an id with
            # an escape (its slice holds a backslash), is keyed by the regex (`_node_key`)
            keys = [line[7 : line.find(b'"', 8) + 1] for line in lines]
            odd = [i for i, line in enumerate(lines) if not line.startswith(b',{"id":"')]
            odd += [i for i, key in enumerate(keys) if b"\\" in key or len(key) < 2]
            for i in odd:
                keys[i] = _node_key(lines[i], self.base)
            dropped = [i for i, key in enumerate(keys) if key in touched]
            self.node_count += len(lines) - len(dropped)
            kept = 0
            for i in [*dropped, len(lines)]:
                if i > kept:
                    chunk = b"\n".join(lines[kept:i]) + b"\n"
                    out.write(chunk[1:] if first and chunk.startswith(b",") else chunk)
                    first = False
                kept = i + 1
            if end >= 0:  # the edges start after the separator's line
                base.seek(at_block + sum(map(len, lines)) + len(lines) + len(fmt.SEPARATOR))
                return first
            at_block, rest = at_block + whole, data[whole:]
        raise KgError(f"{self.base}: graph.json is cut off; rebuild it")

    def _write_delta(self, path: Path, graph: dict[str, Any], entity_lines: list[bytes]) -> None:
        repositories = self.resolver.repositories
        known = [
            fmt.encode(fmt.repository_node(r, repositories[r])).encode()
            for r in sorted(self.known_repositories)
        ]
        with open(path, "wb") as out:
            out.write(fmt.header({**graph, "delta": True}))
            first = _append_spill(out, self._nodes, True)
            _append_lines(out, [*entity_lines, *known], first)
            out.write(fmt.SEPARATOR)
            _append_spill(out, self._edges, True)
            out.write(fmt.FOOTER)


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


NODE_BLOCK = 1 << 22  # bytes of the base graph.json's nodes read at a time


def _node_key(line: bytes, path: Path | None) -> bytes:
    """The id of a node line, still JSON-quoted (`fmt.NODE_ID`), found by slicing when it holds
    no escape."""
    start = 6 if line.startswith(b'{"id":"') else 7 if line.startswith(b',{"id":"') else 0
    if start:
        key = line[start : line.find(b'"', start + 1) + 1]
        if b"\\" not in key and len(key) > 1:
            return key
    m = fmt.NODE_ID.match(line)
    if m is None:
        raise KgError(f"{path}: not a graph.json written by `kg build`; rebuild it")
    return m.group(1)


def _append_lines(out: BinaryIO, lines: Iterable[bytes], first: bool) -> bool:
    for line in lines:
        out.write(line if first else b"," + line)
        out.write(b"\n")
        first = False
    return first


def build_graph(extractions: Iterable[PaperExtraction], vocabulary: Vocabulary) -> nx.MultiDiGraph:
    """The graph of some extractions, in memory: what `kg build` writes, without the files."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / fmt.GRAPH_FILE
        writer = GraphWriter(path, Resolver(), vocabulary)
        for ex in extractions:
            writer.add(paper_part(ex))
        writer.close({"format": "kg", "version": fmt.FORMAT_VERSION})
        return load(path)
