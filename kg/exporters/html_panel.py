"""What the page's side panel says about each node it shows, bounded so that the page stays small.

For an entity: its aliases, family and versions, the papers that name it by role (each with the
evidence sentence and where the name sits in it) and, for a dataset or a metric, the results
reported on it. For a paper: what it proposes, uses, compares with, is evaluated on ... and the
results and comparisons it states. The panel data is one JSON object (`panel_data`); sentences
and papers are listed once and referred to by index or id. All of it is shown as text by the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import networkx as nx

from kg.io import fast_json_loads
from kg.schema import EdgeType, NodeType, Role
from kg.store import Store, chunks

MAX_PAPERS = 20  # papers listed per entity
MAX_LINKS = 30  # entities listed per paper
MAX_RESULTS = 20  # leaderboard rows per dataset or metric, results per paper
MAX_SENTENCE = 300  # characters of an evidence sentence
MAX_ALIASES = 12
MAX_VERSIONS = 20
# an entity's papers: those that propose it first, then those that measure it ...
ROLE_ORDER = [
    Role.PROPOSES,
    Role.EVALUATED_ON,
    Role.COMPARES_WITH,
    Role.MEASURES,
    Role.USES,
    Role.ADDRESSES,
    Role.RUNS_ON,
    Role.MENTIONS,
    EdgeType.HAS_CODE,
]
ROLES = {str(r) for r in ROLE_ORDER}
ROLE_RANK = {str(r): i for i, r in enumerate(ROLE_ORDER)}
RESULT_EDGES = (EdgeType.SUBJECT, EdgeType.DATASET, EdgeType.METRIC, EdgeType.BASELINE, EdgeType.CHALLENGER)


def clip(sentence: str, start: int, end: int, limit: int = MAX_SENTENCE) -> tuple[str, int, int]:
    """At most `limit` characters of a sentence around [start, end) (the name to highlight), with
    '…' where it was cut; the name's span moves with the cut (-1, -1: no name to highlight)."""
    if not 0 <= start < end <= len(sentence):
        start = end = -1
    if len(sentence) <= limit:
        return sentence, start, end
    begin = 0 if start < 0 else max(0, min(start - limit // 3, len(sentence) - limit))
    text = sentence[begin : begin + limit]
    head = "…" if begin else ""
    tail = "…" if begin + limit < len(sentence) else ""
    if start >= 0:
        start, end = start - begin + len(head), min(end - begin, limit) + len(head)
    return head + text + tail, start, end


def evidence(edge: dict) -> tuple[str, int, int] | None:
    """The sentence of an edge's evidence (from the abstract if any) and where the name is in it."""
    found = [ev for ev in edge.get("evidence") or [] if ev.get("sentence")]
    if not found:
        return None
    ev = next((e for e in found if e.get("field") == "abstract"), found[0])
    sentence = str(ev["sentence"])
    offset = ev.get("sentence_start") or 0
    start, end = (ev.get("start", -1) or 0) - offset, (ev.get("end", -1) or 0) - offset
    mention = str(ev.get("mention") or "")
    if sentence[max(start, 0) : max(end, 0)] != mention or not mention:
        start = sentence.find(mention) if mention else -1
        end = start + len(mention)
    return clip(sentence, start, end)


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_DAY = re.compile(r"--(\d\d)-(\d\d)$")  # a daily page's listing date has no year: `--09-10`


def paper_date(data: dict) -> str:
    """A paper's date as the page shows it: `2024-09-10`, or `Sep 10` where the year is unknown."""
    date = str(data.get("published") or data.get("listing_date") or "")[:10]
    month_day = MONTH_DAY.match(date)
    if month_day and 1 <= int(month_day.group(1)) <= 12:
        return f"{MONTHS[int(month_day.group(1)) - 1]} {int(month_day.group(2))}"
    return date


class Panel:
    """Collects the panel data of the nodes of a view from `g`, the whole graph or the part of it
    `store_context` read."""

    def __init__(self, g: nx.MultiDiGraph, max_papers: int = MAX_PAPERS) -> None:
        self.g = g
        self.max_papers = max_papers
        self.sentences: list[str] = []
        self.sentence_index: dict[str, int] = {}
        self.papers: dict[str, list] = {}
        self.names: dict[str, list[str]] = {}
        self.details: dict[str, dict] = {}

    def sentence(self, edge: dict) -> list:
        """[sentence index, start, end] of an edge's evidence, or []."""
        found = evidence(edge)
        if not found:
            return []
        text, start, end = found
        if text not in self.sentence_index:
            self.sentence_index[text] = len(self.sentences)
            self.sentences.append(text)
        return [self.sentence_index[text], start, end]

    def name(self, node: str) -> str:
        if node not in self.names:
            data = self.g.nodes[node] if node in self.g else {}
            self.names[node] = [str(data.get("name", node)), str(data.get("type", ""))]
        return node

    def paper(self, node: str) -> str:
        if node not in self.papers:
            data = self.g.nodes[node] if node in self.g else {}
            url = str(data.get("url") or "")
            self.papers[node] = [
                str(data.get("title") or data.get("name") or node),
                url if url.startswith(("https://", "http://")) else "",
                paper_date(data),
            ]
        return node

    def add(self, node: str, paper_count: int | None = None) -> None:
        data = self.g.nodes[node]
        kind = data.get("type")
        if kind == NodeType.PAPER:
            self.paper(node)
            self.details[node] = self.of_paper(node)
        else:
            self.name(node)
            self.details[node] = self.of_entity(node, data, paper_count)

    def of_entity(self, node: str, data: dict, paper_count: int | None) -> dict:
        g = self.g
        found: dict[str, list] = {}  # paper -> [role, evidence] of its first edge in ROLE_ORDER
        for paper, _, edge in g.in_edges(node, data=True):
            role = str(edge.get("type"))
            if role not in ROLES or g.nodes[paper].get("type") != NodeType.PAPER:
                continue
            old = found.get(paper)
            if old is None or ROLE_RANK[role] < ROLE_RANK[old[0]]:
                found[paper] = [role, edge]
        ranked = sorted(found.items(), key=lambda item: (ROLE_RANK[item[1][0]], item[0]))
        out: dict = {
            "c": paper_count if paper_count is not None else len(found),
            "p": [
                [self.paper(p), role, *self.sentence(edge)] for p, (role, edge) in ranked[: self.max_papers]
            ],
        }
        aliases = [str(a) for a in (data.get("aliases") or [])[:MAX_ALIASES]]
        if aliases:
            out["a"] = aliases
        family = [self.name(v) for _, v, k in g.out_edges(node, keys=True) if k == EdgeType.BROADER]
        versions = [self.name(u) for u, _, k in g.in_edges(node, keys=True) if k == EdgeType.BROADER]
        if family:
            out["f"] = sorted(family)
        if versions:
            out["v"] = sorted(versions)[:MAX_VERSIONS]
        if data.get("url"):
            out["u"] = str(data["url"]) if str(data["url"]).startswith(("https://", "http://")) else ""
        if data.get("type") in (NodeType.DATASET, NodeType.METRIC):
            via = EdgeType.DATASET if data.get("type") == NodeType.DATASET else EdgeType.METRIC
            results = sorted({u for u, _, k in g.in_edges(node, keys=True) if k == via})
            rows = [self.result(r) for r in results[:MAX_RESULTS]]
            rows = [r for r in rows if r]
            # a leaderboard: by metric (or dataset), the highest value first
            rows.sort(key=lambda r: (str(r["m"] if via == EdgeType.DATASET else r["d"]), -(r["x"] or 0)))
            out["lb"] = rows[:MAX_RESULTS]
        return out

    def result(self, node: str) -> dict:
        """A result as a row: subject, value, metric, dataset, paper (ids, or text)."""
        g = self.g
        if node not in g:
            return {}
        data = g.nodes[node]
        row: dict = {"t": str(data.get("text") or data.get("name") or ""), "x": data.get("value")}
        if not isinstance(row["x"], int | float):
            row["x"] = None
        for _, target, k in g.out_edges(node, keys=True):
            field = {
                EdgeType.SUBJECT: "s",
                EdgeType.DATASET: "d",
                EdgeType.METRIC: "m",
                EdgeType.BASELINE: "b",
            }
            key = field.get(k)
            if key and key not in row:
                row[key] = self.name(target)
        if "m" not in row and data.get("metric"):
            row["m"] = ""
            row["mt"] = str(data["metric"])
        row.setdefault("m", "")
        row.setdefault("d", "")
        papers = [u for u, _, k in g.in_edges(node, keys=True) if k == EdgeType.REPORTS]
        if papers:
            row["p"] = self.paper(papers[0])
        return row

    def of_paper(self, node: str) -> dict:
        g = self.g
        links: list[list] = []
        results: list[dict] = []
        comparisons: list[str] = []
        for _, target, key, edge in sorted(
            g.out_edges(node, keys=True, data=True), key=lambda e: (str(e[2]), e[1])
        ):
            if key in ROLES and len(links) < MAX_LINKS:
                links.append([self.name(target), str(key), *self.sentence(edge)])
            elif key == EdgeType.REPORTS and len(results) < MAX_RESULTS:
                row = self.result(target)
                if row:
                    row.pop("p", None)
                    results.append(row)
            elif key == EdgeType.STATES and len(comparisons) < MAX_RESULTS:
                text = str(g.nodes[target].get("text") or g.nodes[target].get("name") or "")
                comparisons.append(clip(text, -1, -1)[0])
        out: dict = {"r": links}
        if results:
            out["res"] = results
        if comparisons:
            out["cmp"] = comparisons
        return out

    def data(self) -> dict:
        return {"s": self.sentences, "p": self.papers, "n": self.names, "d": self.details}


def panel_data(
    g: nx.MultiDiGraph,
    nodes: Iterable[str],
    paper_counts: dict[str, int] | None = None,
    max_papers: int = MAX_PAPERS,
) -> dict:
    """The panel data of `nodes`, read from `g`, with at most `max_papers` papers an entity."""
    panel = Panel(g, max_papers)
    for node in nodes:
        panel.add(node, (paper_counts or {}).get(node))
    return panel.data()


# the fields of a node the panel reads, extracted by SQLite (no Python JSON parse of whole rows)
PANEL_FIELDS = ("title", "url", "published", "listing_date", "text", "value", "metric")


def _load_nodes(store: Store, ctx: nx.MultiDiGraph) -> None:
    """Read what the panel shows of the nodes that edges brought in."""
    fields = ", ".join(f"json_extract(data, '$.{f}')" for f in ("aliases", *PANEL_FIELDS))
    for chunk in chunks(sorted(n for n, d in ctx.nodes(data=True) if "type" not in d), 400):
        marks = ",".join("?" * len(chunk))
        for node_id, kind, name, aliases, *values in store.rows(
            f"SELECT id, type, name, {fields} FROM nodes WHERE id IN ({marks})",
            chunk,
        ):
            node = {f: v for f, v in zip(PANEL_FIELDS, values, strict=True) if v is not None}
            node["aliases"] = fast_json_loads(aliases) if aliases and aliases != "[]" else []
            ctx.add_node(node_id, type=kind, name=name, **node)


# an edge as the panel needs it: the evidence of roles only (parsing JSON is most of the cost:
# orjson parses the 20k of an update of the 103k graph in a third of the json module's time)
ROLE_LIST = ",".join(f"'{r}'" for r in sorted(ROLES))
EDGE = f"source, target, type, CASE WHEN type IN ({ROLE_LIST}) THEN json_extract(data, '$.evidence') END"


def _add_edges(ctx: nx.MultiDiGraph, rows: Iterable[tuple[str, str, str, str | None]]) -> None:
    for source, target, kind, found in rows:
        if found:
            ctx.add_edge(source, target, key=kind, type=kind, evidence=fast_json_loads(found))
        else:
            ctx.add_edge(source, target, key=kind, type=kind)


def store_context(
    store: Store, h: nx.MultiDiGraph, max_papers: int = MAX_PAPERS
) -> tuple[nx.MultiDiGraph, dict[str, int]]:
    """The part of the query store the panel of `h`'s nodes needs (a bounded read: an entity's
    first papers by role, not all of a hub's thousands), and each entity's number of papers."""
    ctx = nx.MultiDiGraph()
    ctx.add_nodes_from(h.nodes(data=True))
    papers = [n for n, d in h.nodes(data=True) if d.get("type") == NodeType.PAPER]
    entities = [n for n, d in h.nodes(data=True) if d.get("type") != NodeType.PAPER]
    counts: dict[str, int] = {}
    for chunk in chunks(entities, 400):
        marks = ",".join("?" * len(chunk))
        counts.update(store.rows(f"SELECT id, papers FROM nodes WHERE id IN ({marks})", chunk))
        for end in ("source", "target"):  # family and versions
            _add_edges(
                ctx,
                store.rows(f"SELECT {EDGE} FROM edges WHERE type = 'BROADER' AND {end} IN ({marks})", chunk),
            )
    roles = ",".join(f"'{r}'" for r in sorted(ROLES))
    rowids: list[int] = []
    results: list[str] = []
    for node in entities:
        # rowids first (the index answers), then the evidence of the few kept
        hits = store.rows(
            f"SELECT rowid, type, source FROM edges WHERE target = ? AND type IN ({roles}) LIMIT ?",
            (node, max_papers * 10),
        )
        hits.sort(key=lambda hit: ROLE_RANK[hit[1]])
        # the first `max_papers` papers by role, with each of their edges: a paper that both uses
        # and compares with the entity has two, and counts once
        kept = set(list(dict.fromkeys(source for _, _, source in hits))[:max_papers])
        rowids += [r for r, _, source in hits if source in kept]
        kind = h.nodes[node].get("type")
        if kind in (NodeType.DATASET, NodeType.METRIC):
            via = str(EdgeType.DATASET if kind == NodeType.DATASET else EdgeType.METRIC)
            found = store.rows(
                "SELECT source FROM edges WHERE target = ? AND type = ? LIMIT ?", (node, via, MAX_RESULTS)
            )
            results += [r for (r,) in found]
    for part in (rowids[i : i + 400] for i in range(0, len(rowids), 400)):
        marks = ",".join("?" * len(part))
        _add_edges(ctx, store.rows(f"SELECT {EDGE} FROM edges WHERE rowid IN ({marks})", part))
    for chunk in chunks(papers, 400):
        marks = ",".join("?" * len(chunk))
        found_edges = store.rows(f"SELECT {EDGE} FROM edges WHERE source IN ({marks})", chunk)
        _add_edges(ctx, found_edges)
        results += [t for _, t, k, _ in found_edges if k in (EdgeType.REPORTS, EdgeType.STATES)]
    for chunk in chunks(sorted(set(results)), 400):
        marks = ",".join("?" * len(chunk))
        _add_edges(ctx, store.rows(f"SELECT {EDGE} FROM edges WHERE source IN ({marks})", chunk))
        _add_edges(
            ctx, store.rows(f"SELECT {EDGE} FROM edges WHERE type = 'REPORTS' AND target IN ({marks})", chunk)
        )
    _load_nodes(store, ctx)
    return ctx, counts
