"""The questions of `kg.queries`, asked of the query store (graph.db) instead of a networkx graph.

Each function has the name, arguments and answer of its `kg.queries` twin, with a `Store` in
place of the graph, so a caller picks a module and asks the same thing; tests/test_store.py
checks that both give the same answers. The SQL is here, one statement per question, over the
tables of `schema.sql`.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kg.answers import (
    UNKNOWN_MONTH,
    Comparison,
    NameNotFound,
    PaperUse,
    ReportedResult,
    comparison_order,
    not_found,
    path_steps,
    pick_entity,
    rank_results,
    roles_asked,
    trend_rows,
)
from kg.errors import KgError
from kg.ids import norm
from kg.schema import CLAIM_TYPES, ENTITY_TYPES, NodeType
from kg.store import Store, chunks

if TYPE_CHECKING:
    from kg.extract.patterns import Patterns

ENTITY_TYPE_NAMES = tuple(str(t) for t in ENTITY_TYPES)
IS_ENTITY = f"type IN ({','.join(repr(t) for t in ENTITY_TYPE_NAMES)})"
PAPER = str(NodeType.PAPER)
SUGGESTIONS = 2000  # names handed to difflib for "did you mean"

# the papers linked to a node, once each
PAPERS_OF = """
    SELECT DISTINCT e.source FROM edges e JOIN nodes p ON p.id = e.source
    WHERE e.target = ? AND p.type = 'Paper'"""


def find_entity(store: Store, name: str) -> str:
    """The entity node a name or alias means; a clear error if none or several."""
    if store.value(f"SELECT id FROM nodes WHERE id = ? AND {IS_ENTITY}", (name,)):
        return name
    key = norm(name)
    hits = store.rows(
        f"""SELECT n.id, n.name, json_extract(n.data, '$.in_vocabulary') FROM names
            JOIN nodes n ON n.id = names.node WHERE names.key = ? AND n.{IS_ENTITY}""",
        (key,),
    )
    if not hits:
        # the names that share its first letters or contain it: difflib over all 200k would take seconds
        near = store.rows(
            f"""SELECT DISTINCT n.name FROM names JOIN nodes n ON n.id = names.node
                WHERE n.{IS_ENTITY} AND (names.key >= ? AND names.key < ? OR instr(names.key, ?) > 0)
                ORDER BY n.papers DESC LIMIT {SUGGESTIONS}""",
            (key[:3], key[:3] + "\uffff", key or "\uffff"),
        )
        raise NameNotFound(not_found(name, [n for (n,) in near]))
    return pick_entity(name, [(n, node_name, bool(vocabulary)) for n, node_name, vocabulary in hits])


def members(store: Store, node: str) -> set[str]:
    """The node and every version under it, down the BROADER edges, one query per level (a
    recursive CTE plans a bloom filter over all edges at each step: 500 times slower here)."""
    found, level = {node}, [node]
    while level:
        below = []
        for chunk in chunks(level):
            marks = ",".join("?" * len(chunk))
            below += store.rows(
                f"SELECT source FROM edges WHERE target IN ({marks}) AND type = 'BROADER'", chunk
            )
        level = sorted({n for (n,) in below} - found)
        found.update(level)
    return found


def _node(store: Store, node: str) -> dict:
    return json.loads(store.value("SELECT data FROM nodes WHERE id = ?", (node,)))


def node_names(store: Store, ids: Iterable[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for chunk in chunks(sorted(ids)):
        marks = ",".join("?" * len(chunk))
        names.update(store.rows(f"SELECT id, name FROM nodes WHERE id IN ({marks})", chunk))
    return names


def papers_using(store: Store, name: str, role: str | None = None) -> list[PaperUse]:
    """Papers linked to an entity or one of its versions, by any role or by `role`."""
    roles = sorted(roles_asked(role))
    out = []
    for member in sorted(members(store, find_entity(store, name))):
        rows = store.rows(
            f"""SELECT e.source, json_extract(p.data, '$.title'), e.type, json_extract(p.data, '$.url'),
                       json_extract(e.data, '$.evidence[0].sentence'), m.name
                FROM edges e JOIN nodes p ON p.id = e.source JOIN nodes m ON m.id = e.target
                WHERE e.target = ? AND p.type = 'Paper' AND e.type IN ({",".join("?" * len(roles))})""",
            (member, *roles),
        )
        out += [
            PaperUse(pid, title or "", t, url, sentence or "", m) for pid, title, t, url, sentence, m in rows
        ]
    return sorted(out, key=lambda u: (u.title, u.role, u.entity))


def stats(store: Store, top: int = 10) -> dict:
    """Nodes and edges by type, and the entities named by the most papers."""
    counts = json.loads(store.meta["counts"])
    return {
        "nodes": counts["nodes"],
        "edges": counts["edges"],
        "top": [
            {"id": n, "name": name, "type": t, "papers": c}
            for n, name, t, c in store.rows(
                f"SELECT id, name, type, papers FROM nodes WHERE {IS_ENTITY} AND papers > 0 "
                "ORDER BY papers DESC, id LIMIT ?",
                (top,),
            )
        ],
    }


def compared_with(store: Store, name: str) -> list[Comparison]:
    """What an entity was compared with, both ways, as sentences state it (as
    `ontology/queries/compared_with.rq`)."""
    target = find_entity(store, name)
    rows = store.rows(
        """SELECT DISTINCT other.id, other.name,
                  CASE mine.type WHEN 'CHALLENGER' THEN 'baseline' ELSE 'challenger' END,
                  (SELECT d.name FROM edges de JOIN nodes d ON d.id = de.target
                   WHERE de.source = c.id AND de.type = 'DATASET'),
                  json_extract(p.data, '$.title'), json_extract(c.data, '$.text')
           FROM edges mine JOIN nodes c ON c.id = mine.source
           JOIN edges theirs ON theirs.source = c.id
             AND theirs.type = CASE mine.type WHEN 'CHALLENGER' THEN 'BASELINE' ELSE 'CHALLENGER' END
           JOIN nodes other ON other.id = theirs.target
           JOIN edges st ON st.target = c.id AND st.type = 'STATES'
           JOIN nodes p ON p.id = st.source
           WHERE mine.target = ? AND mine.type IN ('CHALLENGER', 'BASELINE') AND c.type = 'Comparison'
             AND other.id != mine.target""",
        (target,),
    )
    return sorted({Comparison(*row) for row in rows}, key=comparison_order)


def results_for_dataset(store: Store, dataset: str, metric: str | None = None) -> list[ReportedResult]:
    """Results reported on a dataset, highest value first (as `results_for_dataset.rq`)."""
    target = find_entity(store, dataset)
    rows = store.rows(
        """SELECT json_extract(p.data, '$.title'),
                  (SELECT s.name FROM edges se JOIN nodes s ON s.id = se.target
                   WHERE se.source = r.id AND se.type = 'SUBJECT' ORDER BY se.rowid LIMIT 1),
                  json_extract(r.data, '$.metric'), json_extract(r.data, '$.value'),
                  json_extract(r.data, '$.unit'), json_extract(r.data, '$.text'),
                  json_extract(r.data, '$.change') IS 1
           FROM edges d JOIN nodes r ON r.id = d.source
           JOIN edges rep ON rep.target = r.id AND rep.type = 'REPORTS'
           JOIN nodes p ON p.id = rep.source
           WHERE d.target = ? AND d.type = 'DATASET'""",
        (target,),
    )
    out = [
        ReportedResult(title, subject, measured, value, unit, text, bool(change))
        for title, subject, measured, value, unit, text, change in rows
        if not metric or (measured or "").lower() == metric.lower()
    ]
    return sorted(out, key=lambda r: (-r.value, r.title))


def hardware_per_paper(store: Store) -> list[tuple[str, str]]:
    """(paper title, hardware name) pairs (as `hardware_per_paper.rq`)."""
    return sorted(
        store.rows(
            """SELECT json_extract(p.data, '$.title'), h.name FROM edges e
               JOIN nodes p ON p.id = e.source JOIN nodes h ON h.id = e.target WHERE e.type = 'RUNS_ON'"""
        )
    )


def hardware(store: Store) -> list[dict]:
    """Hardware by the number of papers that run on it."""
    titles: dict[str, list[str]] = {}
    for name, title in store.rows(
        """SELECT h.name, json_extract(p.data, '$.title') FROM edges e JOIN nodes h ON h.id = e.target
           JOIN nodes p ON p.id = e.source WHERE e.type = 'RUNS_ON' AND h.type = 'Hardware'"""
    ):
        titles.setdefault(name, []).append(title)
    rows = [{"hardware": h, "papers": len(t), "titles": sorted(t)} for h, t in titles.items()]
    return sorted(rows, key=lambda r: (-r["papers"], r["hardware"]))


def top(store: Store, node_type: str | None = None, by: str = "papers", limit: int = 20) -> list[dict]:
    """The most central entities of a type, by papers naming them, degree, or PageRank."""
    if node_type is not None and node_type.capitalize() not in ENTITY_TYPE_NAMES:
        raise KgError(f"unknown type {node_type!r} (known: {', '.join(ENTITY_TYPE_NAMES)})")
    if by not in ("papers", "degree", "pagerank"):
        raise KgError(f"unknown ranking {by!r} (papers, degree or pagerank)")
    which, params = ("n.type = ?", [node_type.capitalize()]) if node_type else (f"n.{IS_ENTITY}", [])
    if by == "pagerank":
        # by the index on the raw score; ranked by the rounded score, ties by id, as kg.queries
        rows = store.rows(
            f"""SELECT n.id, n.name, n.type, round(r.pagerank, 6) FROM rank r JOIN nodes n ON n.rowid = r.node
                WHERE {which} ORDER BY r.pagerank DESC LIMIT ?""",
            (*params, limit + 100),
        )
        rows = sorted((row for row in rows if row[3] > 0), key=lambda row: (-row[3], row[0]))[:limit]
    else:
        rows = store.rows(
            f"""SELECT n.id, n.name, n.type, n.{by} FROM nodes n WHERE {which} AND n.{by} > 0
                ORDER BY n.{by} DESC, n.id LIMIT ?""",
            (*params, limit),
        )
    return [{"id": n, "name": name, "type": t, by: s} for n, name, t, s in rows]


def shortest_path(store: Store, source: str, target: str, cutoff: int = 8) -> list[str]:
    """Node ids on a shortest undirected path between two entities (result nodes left out);
    empty when none. A breadth-first search from both ends, one query per ring, always
    widening the smaller side, so hubs with thousands of papers are crossed once at most."""
    a, b = find_entity(store, source), find_entity(store, target)
    if a == b:
        return [a]
    parents: tuple[dict[str, str | None], dict[str, str | None]] = ({a: None}, {b: None})
    rings = ([a], [b])
    for _ in range(cutoff):
        side = 0 if len(rings[0]) <= len(rings[1]) else 1
        seen, other = parents[side], parents[1 - side]
        ring: list[str] = []
        for node, step in _neighbours(store, rings[side]):
            if step in seen:
                continue
            seen[step] = node
            ring.append(step)
            if step in other:
                path = _walk(parents[0], step)[::-1] + _walk(parents[1], step)[1:]
                return path if len(path) - 1 <= cutoff else []
        if not ring:
            return []
        rings = (ring, rings[1]) if side == 0 else (rings[0], ring)
    return []


CLAIMS = "(" + ",".join(f"'{t}'" for t in CLAIM_TYPES) + ")"


def _neighbours(store: Store, ring: list[str]) -> list[tuple[str, str]]:
    """(node, neighbour) pairs across any edge, results and comparisons left out, in a stable order."""
    pairs: list[tuple[str, str]] = []
    for chunk in chunks(sorted(ring)):
        marks = ",".join("?" * len(chunk))
        pairs += store.rows(
            f"""SELECT e.source, e.target FROM edges e JOIN nodes n ON n.id = e.target
                WHERE e.source IN ({marks}) AND n.type NOT IN {CLAIMS}
                UNION SELECT e.target, e.source FROM edges e JOIN nodes n ON n.id = e.source
                WHERE e.target IN ({marks}) AND n.type NOT IN {CLAIMS}
                ORDER BY 1, 2""",
            (*chunk, *chunk),
        )
    return pairs


def _walk(parents: dict[str, str | None], node: str) -> list[str]:
    out = [node]
    while (parent := parents[out[-1]]) is not None:
        out.append(parent)
    return out


def path(store: Store, source: str, target: str, cutoff: int = 8) -> list[dict]:
    """A shortest chain of papers and entities between two entities, with the relation at each step."""
    ids = shortest_path(store, source, target, cutoff)
    links: dict[tuple[str, str], list[str]] = {}
    for u, v in itertools.pairwise(ids):
        for x, y in ((u, v), (v, u)):
            links[x, y] = [
                t for (t,) in store.rows("SELECT type FROM edges WHERE source = ? AND target = ?", (x, y))
            ]
    nodes = []
    for n in ids:
        node_type, name = store.rows("SELECT type, name FROM nodes WHERE id = ?", (n,))[0]
        nodes.append({"id": n, "type": node_type, "name": name})
    return path_steps(nodes, links)


def entity_info(store: Store, name: str) -> dict:
    """What an entity is: type, aliases, family, papers by role, and what it is named with."""
    node = find_entity(store, name)
    data = _node(store, node)
    family: list[str] = []
    current = node
    while True:  # up the first family of each, as kg.queries.entity_info
        parent = store.value(
            "SELECT target FROM edges WHERE source = ? AND type = 'BROADER' ORDER BY rowid LIMIT 1",
            (current,),
        )
        if parent is None or parent in family:
            break
        family.append(parent)
        current = parent
    by_role: dict[str, list[str]] = {}
    for role, title in store.rows(
        """SELECT e.type, json_extract(p.data, '$.title') FROM edges e JOIN nodes p ON p.id = e.source
           WHERE e.target = ? AND p.type = 'Paper'""",
        (node,),
    ):
        by_role.setdefault(role, []).append(title)
    versions = members(store, node) - {node}
    names = node_names(store, {*family, *versions})
    named_with = cooccurring(store, node)[:10]
    other_names = node_names(store, [n for n, _ in named_with])
    return {
        "id": node,
        "type": data.get("type"),
        "name": data.get("name"),
        "aliases": list(data.get("aliases") or []),
        "family": [names[f] for f in family],
        "versions": sorted(names[v] for v in versions),
        "papers": {role: sorted(titles) for role, titles in sorted(by_role.items())},
        "named_with": [{"name": other_names[n], "papers": c} for n, c in named_with],
    }


def cooccurring(store: Store, node: str) -> list[tuple[str, int]]:
    """Entities named in the same papers as `node`, most shared papers first; a paper counts
    once per role it gives the other entity."""
    return store.rows(
        f"""SELECT e.target, count(*) AS shared FROM edges e JOIN nodes n ON n.id = e.target
            WHERE e.source IN ({PAPERS_OF}) AND e.target != ? AND n.{IS_ENTITY}
            GROUP BY e.target ORDER BY shared DESC, e.target""",
        (node, node),
    )


def cooccur_rows(store: Store, name: str, limit: int = 20) -> list[dict]:
    """`cooccurring` for a name, as rows: id, name, type and shared papers."""
    pairs = cooccurring(store, find_entity(store, name))[:limit]
    kinds = (
        dict(
            store.rows(
                f"SELECT id, type FROM nodes WHERE id IN ({','.join('?' * len(pairs))})",
                [n for n, _ in pairs],
            )
        )
        if pairs
        else {}
    )
    names = node_names(store, [n for n, _ in pairs])
    return [{"id": n, "name": names[n], "type": kinds[n], "papers": c} for n, c in pairs]


def similar(store: Store, paper: str, limit: int = 10) -> list[dict]:
    """Papers sharing the most entities with a paper (given by id or title)."""
    pid = store.value("SELECT id FROM nodes WHERE id = ? AND type = 'Paper'", (paper,))
    if pid is None:
        wanted = norm(paper)
        hits = [
            n
            for (n,) in store.rows(
                """SELECT DISTINCT n.id FROM names JOIN nodes n ON n.id = names.node
                   WHERE instr(names.key, ?) > 0 AND n.type = 'Paper'""",
                (wanted,),
            )
        ]
        if len(hits) != 1:
            raise NameNotFound(f"{len(hits)} papers match {paper!r}; give more of the title or the id")
        pid = hits[0]
    rows = store.rows(
        f"""WITH mine AS (SELECT DISTINCT e.target AS id FROM edges e JOIN nodes n ON n.id = e.target
                          WHERE e.source = ? AND n.{IS_ENTITY})
            SELECT e.source, count(DISTINCT e.target) AS shared, json_extract(p.data, '$.title'),
                   json_group_array(DISTINCT m.name)
            FROM edges e JOIN mine ON mine.id = e.target JOIN nodes p ON p.id = e.source
            JOIN nodes m ON m.id = e.target
            WHERE e.source != ? AND p.type = 'Paper'
            GROUP BY e.source ORDER BY shared DESC, e.source LIMIT ?""",
        (pid, pid, limit),
    )
    return [
        {"paper": other, "title": title, "shared": shared, "entities": sorted(json.loads(names))}
        for other, shared, title, names in rows
    ]


def trend(store: Store, name: str) -> list[dict]:
    """Papers naming an entity (or its versions) per month, with the share of that month's papers."""
    mine = sorted(members(store, find_entity(store, name)))
    marks = ",".join("?" * len(mine))
    per_month = Counter(
        dict(
            store.rows(
                f"""SELECT coalesce(p.month, '{UNKNOWN_MONTH}'), count(DISTINCT p.id) FROM edges e
                    JOIN nodes p ON p.id = e.source WHERE e.target IN ({marks}) AND p.type = 'Paper'
                    GROUP BY 1""",
                mine,
            )
        )
    )
    all_papers = Counter(
        dict(
            store.rows(
                f"SELECT coalesce(month, '{UNKNOWN_MONTH}'), count(*) FROM nodes WHERE type = 'Paper' "
                "GROUP BY 1"
            )
        )
    )
    return trend_rows(per_month, all_papers)


def leaderboard(
    store: Store, dataset: str, metric: str | None = None, patterns: Patterns | None = None
) -> list[dict]:
    """Results reported on a dataset or its versions, by metric, best first in each."""
    target = find_entity(store, dataset)
    members_of = members(store, target)
    names = node_names(store, members_of)
    rows = [
        {**r.__dict__, "dataset": names[m]}
        for m in sorted(members_of)
        for r in results_for_dataset(store, m, metric)
    ]
    if patterns is None:  # the packaged ones (loading them brings in the extractor: only then)
        from kg.config import DataPaths
        from kg.extract.patterns import Patterns

        patterns = Patterns.load(DataPaths.packaged().patterns)
    return rank_results(rows, patterns.lower_is_better_metrics)
