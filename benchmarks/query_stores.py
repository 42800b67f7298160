"""Which embedded engine should answer `kg query`: SQLite, DuckDB, Oxigraph or LadybugDB, measured.

    .venv/bin/python benchmarks/query_stores.py GRAPH_JSON [--workdir DIR] [--reuse] [--engines LIST]
                       [--repeat 3] [--timeout 120] [--load-timeout 1800] [--max-rss-gb 12] [--offline]

GRAPH_JSON is a graph.json written by `kg build` (this script builds nothing). Each engine loads it,
streamed line by line (`kg.graph.reader.GraphFile`), into one on-disk store with the same logical
schema: nodes (id, type, name, the rest as JSON), names (folded name or alias -> entity id) and
edges (source, target, type, mentions and evidence as JSON), edges indexed on (target, type) and
(source, type). Oxigraph holds the RDF of `kg export rdf` instead, plus one `kg:key` triple per
folded name; LadybugDB holds Node/Name nodes and Edge/NAMES relationships.

Then six questions, each asked of each store by a cold process: a fresh `python -c` that imports
the engine, opens the file and answers once (then once more, warm), --repeat times (median shown).
Wall time and peak RSS (the child's maximum resident set, from /usr/bin/time) are what a user
would see; the child also reports its import, open and query times. The OS page cache is warm:
the files were just written. Every child is killed after --timeout seconds (loads after
--load-timeout) or above --max-rss-gb.

    a. name lookup: the entities whose folded name or alias is 'llama'
    b. papers naming the entity named by the most papers, with title and first evidence sentence
    c. entities named by the same papers as that entity, by shared papers, top 20
    d. papers sharing the most entities with one paper (the one naming that entity and the most
       entities), top 10
    e. leaderboard of the dataset with the most results: value, paper title, subject
    f. a shortest path (at most 4 hops, no Result node) between two entities named by one paper each:
       bidirectional BFS in Python with one query per frontier (SQL, SPARQL), SHORTEST in Cypher;
       f* is the same distance by one recursive CTE in the SQL engines, the other way to do it.

The answers are compared across engines (counts, top lists, digests) and disagreements printed.
The report (markdown) goes to stdout.
"""

from __future__ import annotations

# The cold children import this module: its top-level imports are the few every child needs.
import hashlib
import importlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("sqlite", "duckdb", "oxigraph", "ladybug")
LABEL = {"sqlite": "SQLite", "duckdb": "DuckDB", "oxigraph": "Oxigraph", "ladybug": "LadybugDB"}
STORE_FILE = {"sqlite": "kg.sqlite", "duckdb": "kg.duckdb", "oxigraph": "kg.oxigraph", "ladybug": "kg.lbug"}
PYPI = {"duckdb": "duckdb", "oxigraph": "pyoxigraph", "ladybug": "ladybug"}
OPENS_WITH = {
    "sqlite": "sqlite3 CLI, Datasette, any SQLite binding; SQL",
    "duckdb": "DuckDB CLI/bindings, Polars/pandas via duckdb; SQL (same file format only within DuckDB)",
    "oxigraph": "pyoxigraph, Oxigraph server (SPARQL endpoint); SPARQL",
    "ladybug": "LadybugDB CLI/bindings, its explorer; Cypher",
}
QUESTIONS = {
    "a": "a. name lookup 'llama'",
    "b": "b. papers naming the top entity",
    "c": "c. co-occurring entities, top 20",
    "d": "d. similar papers, top 10",
    "e": "e. leaderboard of a dataset",
    "f": "f. shortest path <= 4 hops (BFS / SHORTEST)",
    "f*": "f*. distance by one recursive CTE",
}
KG_NS = "https://w3id.org/mlkg/ontology#"
PREFIXES = f"""PREFIX kg: <{KG_NS}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX mls: <http://www.w3.org/ns/mls#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""
BATCH = 50_000
MB = 1024 * 1024
TIME = "/usr/bin/time"  # GNU time: the peak RSS of the command it runs


def fold(text: str) -> str:
    """The names-table key: lowercase, without spaces, hyphens and dots (`LLaMA-2` -> `llama2`)."""
    return "".join(ch for ch in text.lower() if ch not in " -.\t\n")


def digest(rows: Iterable) -> str:
    return hashlib.sha1(json.dumps(sorted(rows), ensure_ascii=False).encode()).hexdigest()[:10]


def first_sentence(data: str | None) -> str:
    evidence = json.loads(data).get("evidence") if data else None
    return (evidence or [{}])[0].get("sentence") or ""


def path_search(a: str, b: str, neighbours: Callable[[list[str]], Iterable], hops: int) -> list[str]:
    """A shortest path a..b of at most `hops` edges by bidirectional BFS, expanding the smaller
    frontier one whole level at a time; `neighbours(frontier)` yields (node, neighbour) pairs."""
    if a == b:
        return [a]
    parent: tuple[dict, dict] = ({a: None}, {b: None})
    depth: tuple[dict, dict] = ({a: 0}, {b: 0})
    frontier = [[a], [b]]
    reached = [0, 0]
    while frontier[0] and frontier[1] and reached[0] + reached[1] < hops:
        side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
        other = 1 - side
        reached[side] += 1
        found, best = None, hops + 1
        new = []
        for node, near in neighbours(frontier[side]):
            if near in parent[side]:
                continue
            parent[side][near], depth[side][near] = node, reached[side]
            new.append(near)
            if near in depth[other] and reached[side] + depth[other][near] < best:
                found, best = near, reached[side] + depth[other][near]
        frontier[side] = new
        if found is not None:
            halves = []
            for s in (0, 1):
                half, node = [], found
                while node is not None:
                    half.append(node)
                    node = parent[s][node]
                halves.append(half)
            return halves[0][::-1] + halves[1][1:]
    return []


def chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# ---------------------------------------------------------------- the stores, as a child opens them


class SqlStore:
    """The questions in SQL; SQLite and DuckDB run the same statements."""

    def __init__(self, params: dict) -> None:
        self.p = params
        self.roles = "(" + ",".join(f"'{r}'" for r in params["roles"]) + ")"

    def rows(self, sql: str, args: Iterable = ()) -> list[tuple]:
        return self.con.execute(sql, list(args)).fetchall()

    def a(self) -> dict:
        rows = self.rows(
            "SELECT n.id, n.type, n.name FROM names k JOIN nodes n ON n.id = k.id "
            "WHERE k.key = ? ORDER BY n.id",
            [self.p["key"]],
        )
        return {"rows": len(rows), "ids": [r[0] for r in rows], "show": [r[2] for r in rows]}

    def b(self) -> dict:
        rows = self.rows(
            "SELECT e.source, p.name, e.type, e.data ->> '$.evidence[0].sentence' "
            "FROM edges e JOIN nodes p ON p.id = e.source "
            f"WHERE e.target = ? AND e.type IN {self.roles} ORDER BY p.name, e.type",
            [self.p["entity"]],
        )
        return paper_rows(rows)

    def c(self) -> dict:
        rows = self.rows(
            "SELECT t.id, t.name, s.n FROM (SELECT o.target AS id, COUNT(DISTINCT o.source) AS n "
            "FROM edges x JOIN edges o ON o.source = x.source "
            f"WHERE x.target = ? AND x.type IN {self.roles} AND o.type IN {self.roles} AND o.target <> ? "
            "GROUP BY o.target ORDER BY n DESC, o.target LIMIT 20) s JOIN nodes t ON t.id = s.id "
            "ORDER BY s.n DESC, t.id",
            [self.p["entity"], self.p["entity"]],
        )
        return top_rows(rows)

    def d(self) -> dict:
        rows = self.rows(
            "SELECT t.id, t.name, s.n FROM (SELECT o.source AS id, COUNT(DISTINCT o.target) AS n "
            "FROM edges x JOIN edges o ON o.target = x.target "
            f"WHERE x.source = ? AND x.type IN {self.roles} AND o.type IN {self.roles} AND o.source <> ? "
            "GROUP BY o.source ORDER BY n DESC, o.source LIMIT 10) s JOIN nodes t ON t.id = s.id "
            "ORDER BY s.n DESC, t.id",
            [self.p["paper"], self.p["paper"]],
        )
        return top_rows(rows)

    def e(self) -> dict:
        rows = self.rows(
            "SELECT r.id, CAST(r.data ->> '$.value' AS DOUBLE) AS v, p.name, s.name "
            "FROM edges d JOIN nodes r ON r.id = d.source "
            "JOIN edges rp ON rp.target = d.source AND rp.type = 'REPORTS' JOIN nodes p ON p.id = rp.source "
            "LEFT JOIN edges se ON se.source = d.source AND se.type = 'SUBJECT' "
            "LEFT JOIN nodes s ON s.id = se.target "
            "WHERE d.target = ? AND d.type = 'DATASET' ORDER BY v DESC, p.name, r.id, s.name",
            [self.p["dataset"]],
        )
        return board_rows(rows)

    def neighbours(self, frontier: list[str]) -> list[tuple]:
        out: list[tuple] = []
        for part in chunks(frontier):
            marks = ",".join("?" * len(part))
            out += self.rows(
                "SELECT e.source, e.target FROM edges e JOIN nodes n ON n.id = e.target "
                f"WHERE e.source IN ({marks}) AND n.type <> 'Result' UNION ALL "
                "SELECT e.target, e.source FROM edges e JOIN nodes n ON n.id = e.source "
                f"WHERE e.target IN ({marks}) AND n.type <> 'Result'",
                part + part,
            )
        return sorted(out)  # one order, so that every engine finds the same path among equals

    def f(self) -> dict:
        a, b = self.p["path"]
        return path_answer(path_search(a, b, self.neighbours, self.p["hops"]))

    # the walk of f*, both directions, Result nodes left out; each engine has its faster spelling
    WALK = ""

    def f_cte(self) -> dict:
        a, b = self.p["path"]
        rows = self.rows(
            f"WITH RECURSIVE walk(id, hops) AS (SELECT ?, 0 {self.WALK}) "
            "SELECT MIN(hops) FROM walk WHERE id = ?",
            [a, *[self.p["hops"]] * self.WALK.count("?"), b],
        )
        return {"hops": rows[0][0], "show": f"{rows[0][0]} hops"}


class SqliteStore(SqlStore):
    WALK = (  # two recursive terms, one per direction, each on its index (SQLite 3.34+)
        "UNION SELECT e.target, w.hops + 1 FROM walk w JOIN edges e ON e.source = w.id "
        "JOIN nodes n ON n.id = e.target WHERE w.hops < ? AND n.type <> 'Result' "
        "UNION SELECT e.source, w.hops + 1 FROM walk w JOIN edges e ON e.target = w.id "
        "JOIN nodes n ON n.id = e.source WHERE w.hops < ? AND n.type <> 'Result'"
    )

    def load_module(self) -> None:
        self.engine = importlib.import_module("sqlite3")

    def open(self, path: str) -> None:
        self.con = self.engine.connect(f"file:{path}?mode=ro", uri=True)


class DuckdbStore(SqlStore):
    WALK = (  # one recursive term (DuckDB takes no more) over the edges seen both ways
        "UNION SELECT x.b, w.hops + 1 FROM walk w JOIN (SELECT source AS a, target AS b FROM edges "
        "UNION ALL SELECT target, source FROM edges) x ON x.a = w.id "
        "JOIN nodes n ON n.id = x.b WHERE w.hops < ? AND n.type <> 'Result'"
    )

    def load_module(self) -> None:
        self.engine = importlib.import_module("duckdb")

    def open(self, path: str) -> None:
        self.con = self.engine.connect(path, read_only=True)


class OxigraphStore:
    """The questions in SPARQL over the RDF of `kg export rdf` (evidence reified)."""

    def __init__(self, params: dict) -> None:
        self.p = params
        self.role_of = {iri: role for role, iri in params["role_iris"].items()}
        self.roles = ", ".join(f"<{iri}>" for iri in self.role_of)

    def load_module(self) -> None:
        self.engine = importlib.import_module("pyoxigraph")

    def open(self, path: str) -> None:
        self.store = self.engine.Store.read_only(path)

    def rows(self, query: str) -> list[tuple]:
        solutions = self.store.query(PREFIXES + query)
        names = [v.value for v in solutions.variables]
        return [tuple(None if s[n] is None else s[n].value for n in names) for s in solutions]

    def a(self) -> dict:
        rows = self.rows(
            f"SELECT ?id ?type ?name WHERE {{ ?n kg:key {lit(self.p['key'])} ; kg:nodeId ?id ; a ?type ; "
            "skos:prefLabel ?name } ORDER BY ?id"
        )
        return {"rows": len(rows), "ids": [r[0] for r in rows], "show": [r[2] for r in rows]}

    def b(self) -> dict:
        # Two queries: the evidence as an OPTIONAL of the first takes a minute here (Oxigraph joins
        # the whole optional part, every reified statement, before the left join), and so do roles
        # given by VALUES instead of FILTER (... IN ...).
        entity = lit(self.p["entity"])
        edges = self.rows(
            f"SELECT ?pid ?title ?prop WHERE {{ ?x kg:nodeId {entity} . ?p ?prop ?x "
            f"FILTER (?prop IN ({self.roles})) ?p kg:nodeId ?pid ; dcterms:title ?title }}"
        )
        evidence = self.rows(
            f"SELECT ?pid ?prop ?field ?start ?end ?mention ?sentence WHERE {{ ?x kg:nodeId {entity} . "
            f"?st rdf:object ?x ; rdf:subject ?p ; rdf:predicate ?prop ; kg:evidence ?ev "
            f"FILTER (?prop IN ({self.roles})) ?p kg:nodeId ?pid . ?ev kg:sentence ?sentence ; "
            "kg:field ?field ; kg:start ?start ; kg:end ?end ; kg:mention ?mention }"
        )
        first: dict[tuple, tuple] = {}  # the first evidence as graph.json orders it (title, then offsets)
        for pid, prop, field, start, end, mention, sentence in evidence:
            key = (field != "title", int(start), int(end), mention)
            if (pid, prop) not in first or key < first[pid, prop][0]:
                first[pid, prop] = (key, sentence)
        out = [
            (pid, title, self.role_of[prop], first.get((pid, prop), (0, ""))[1]) for pid, title, prop in edges
        ]
        return paper_rows(sorted(out, key=lambda r: (r[1], r[2])))

    def c(self) -> dict:
        rows = self.rows(  # ids and names joined inside the grouping: as a join outside, 5x slower
            f"SELECT ?oid ?name (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?x kg:nodeId {lit(self.p['entity'])} . "
            f"?p ?r1 ?x FILTER (?r1 IN ({self.roles})) ?p ?r2 ?o FILTER (?r2 IN ({self.roles}) && ?o != ?x) "
            "?o kg:nodeId ?oid ; skos:prefLabel ?name } GROUP BY ?oid ?name ORDER BY DESC(?n) ?oid LIMIT 20"
        )
        return top_rows([(i, name, int(n)) for i, name, n in rows])

    def d(self) -> dict:
        rows = self.rows(
            f"SELECT ?qid ?title (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?p kg:nodeId {lit(self.p['paper'])} . "
            f"?p ?r1 ?x FILTER (?r1 IN ({self.roles})) ?q ?r2 ?x FILTER (?r2 IN ({self.roles}) && ?q != ?p) "
            "?q kg:nodeId ?qid ; skos:prefLabel ?title } GROUP BY ?qid ?title ORDER BY DESC(?n) ?qid LIMIT 10"
        )
        return top_rows([(i, title, int(n)) for i, title, n in rows])

    def e(self) -> dict:
        rows = self.rows(
            f"SELECT ?rid ?v ?title ?subject WHERE {{ ?d kg:nodeId {lit(self.p['dataset'])} . "
            "?r kg:dataset ?d ; kg:nodeId ?rid ; mls:hasValue ?v . ?p kg:reports ?r ; dcterms:title ?title . "
            "OPTIONAL { ?r kg:subject ?s . ?s skos:prefLabel ?subject } } "
            "ORDER BY DESC(?v) ?title ?rid ?subject"
        )
        return board_rows([(rid, float(v), title, subject) for rid, v, title, subject in rows])

    def neighbours(self, frontier: list[str]) -> list[tuple]:
        props = " ".join(f"<{iri}>" for iri in self.p["edge_iris"])
        out: list[tuple] = []
        for part in chunks(frontier):
            values = " ".join(f"<{iri}>" for iri in part)
            out += self.rows(
                f"SELECT ?f ?n WHERE {{ VALUES ?f {{ {values} }} VALUES ?p {{ {props} }} "
                "{ ?f ?p ?n } UNION { ?n ?p ?f } FILTER NOT EXISTS { ?n a kg:Result } }"
            )
        return out

    def f(self) -> dict:
        a, b = (self.rows(f"SELECT ?n WHERE {{ ?n kg:nodeId {lit(x)} }}")[0][0] for x in self.p["path"])
        found = path_search(a, b, lambda nodes: sorted(self.neighbours(nodes)), self.p["hops"])
        ids = [self.rows(f"SELECT ?id WHERE {{ <{n}> kg:nodeId ?id }}")[0][0] for n in found]
        return path_answer(ids)


class LadybugStore:
    """The questions in Cypher over Node/Name nodes and Edge/NAMES relationships."""

    def __init__(self, params: dict) -> None:
        self.p = params

    def load_module(self) -> None:
        self.engine = importlib.import_module("ladybug")

    def open(self, path: str) -> None:
        self.db = self.engine.Database(path, read_only=True)
        self.con = self.engine.Connection(self.db)

    def rows(self, query: str, args: dict | None = None) -> list[list]:
        return self.con.execute(query, args or {}).get_all()

    def a(self) -> dict:
        rows = self.rows(
            "MATCH (k:Name {key: $key})-[:NAMES]->(n:Node) RETURN n.id, n.type, n.name ORDER BY n.id",
            {"key": self.p["key"]},
        )
        return {"rows": len(rows), "ids": [r[0] for r in rows], "show": [r[2] for r in rows]}

    def b(self) -> dict:
        rows = self.rows(
            "MATCH (p:Node)-[e:Edge]->(x:Node {id: $id}) WHERE e.type IN $roles "
            "RETURN p.id, p.name, e.type, e.data ORDER BY p.name, e.type",
            {"id": self.p["entity"], "roles": self.p["roles"]},
        )
        return paper_rows([(pid, title, role, first_sentence(data)) for pid, title, role, data in rows])

    def c(self) -> dict:
        rows = self.rows(
            "MATCH (x:Node {id: $id})<-[r1:Edge]-(p:Node)-[r2:Edge]->(o:Node) "
            "WHERE r1.type IN $roles AND r2.type IN $roles AND o.id <> $id "
            "RETURN o.id, o.name, COUNT(DISTINCT p.id) AS n ORDER BY n DESC, o.id LIMIT 20",
            {"id": self.p["entity"], "roles": self.p["roles"]},
        )
        return top_rows(rows)

    def d(self) -> dict:
        rows = self.rows(
            "MATCH (p:Node {id: $id})-[r1:Edge]->(x:Node)<-[r2:Edge]-(q:Node) "
            "WHERE r1.type IN $roles AND r2.type IN $roles AND q.id <> $id "
            "RETURN q.id, q.name, COUNT(DISTINCT x.id) AS n ORDER BY n DESC, q.id LIMIT 10",
            {"id": self.p["paper"], "roles": self.p["roles"]},
        )
        return top_rows(rows)

    def e(self) -> dict:
        rows = self.rows(
            "MATCH (d:Node {id: $id})<-[:Edge {type: 'DATASET'}]-(r:Node)"
            "<-[:Edge {type: 'REPORTS'}]-(p:Node) "
            "OPTIONAL MATCH (r)-[:Edge {type: 'SUBJECT'}]->(s:Node) RETURN r.id, r.data, p.name, s.name",
            {"id": self.p["dataset"]},
        )
        out = [(rid, float(json.loads(data)["value"]), title, subject) for rid, data, title, subject in rows]
        return board_rows(sorted(out, key=lambda r: (-r[1], r[2], r[0], r[3] or "")))

    def f(self) -> dict:
        a, b = self.p["path"]
        rows = self.rows(
            f"MATCH p = (a:Node {{id: $a}})-[:Edge* SHORTEST 1..{self.p['hops']} "
            "(r, n | WHERE n.type <> 'Result')]-(b:Node {id: $b}) RETURN properties(nodes(p), 'id')",
            {"a": a, "b": b},
        )
        return path_answer(rows[0][0] if rows else [])


STORES: dict[str, Callable[[dict], object]] = {
    "sqlite": SqliteStore,
    "duckdb": DuckdbStore,
    "oxigraph": OxigraphStore,
    "ladybug": LadybugStore,
}


def lit(text: str) -> str:
    """A SPARQL string literal."""
    return json.dumps(text, ensure_ascii=False)


def paper_rows(rows: list) -> dict:
    """(paper id, title, role, first sentence) rows: what b compares."""
    return {
        "rows": len(rows),
        "papers": len({r[0] for r in rows}),
        "with sentence": sum(1 for r in rows if r[3]),
        "digest": digest([[r[0], r[2], r[3] or ""] for r in rows]),
        "show": rows[0][1] if rows else None,
    }


def top_rows(rows: list) -> dict:
    """(id, name, count) rows, ranked: what c and d compare."""
    return {
        "rows": len(rows),
        "top": [[r[0], int(r[2])] for r in rows],
        "show": [[r[1], int(r[2])] for r in rows],
    }


def board_rows(rows: list) -> dict:
    """(result id, value, title, subject) rows, best first: what e compares."""
    return {
        "rows": len(rows),
        "results": len({r[0] for r in rows}),
        "digest": digest([[r[0], r[1], r[2], r[3] or ""] for r in rows]),
        "show": [[r[1], r[2], r[3]] for r in rows[:1]],
    }


def path_answer(path: list[str]) -> dict:
    return {"hops": len(path) - 1 if path else None, "path": path, "show": " - ".join(path)}


def child(argv: list[str]) -> None:
    """A cold process: import the engine, open the store, answer one question (a second time too
    with `warm`, in a run of its own, so that the wall time of the cold runs is one answer's); print JSON."""
    engine, path, question, params, mode = argv[0], argv[1], argv[2], json.loads(argv[3]), argv[4]
    if engine == "python":  # the interpreter and this module alone
        print(json.dumps({"import": 0.0, "open": 0.0, "query": 0.0}))
        return
    store = STORES[engine](params)
    t0 = time.perf_counter()
    store.load_module()
    t1 = time.perf_counter()
    store.open(path)
    t2 = time.perf_counter()
    ask = getattr(store, "f_cte" if question == "f*" else question)
    answer = ask()
    t3 = time.perf_counter()
    out = {"import": t1 - t0, "open": t2 - t1, "query": t3 - t2, "answer": answer}
    if mode == "warm":
        ask()
        out["warm"] = time.perf_counter() - t3
    print(json.dumps(out))


# ---------------------------------------------------------------- loading, in a child too


def graph_rows(graph: str, names: list[tuple[str, str]]) -> tuple[Iterator[tuple], Callable[[], Iterator]]:
    """Node rows (id, type, name, JSON) filling `names` as they pass, and a function giving the
    edge rows (source, target, type, JSON or None), both streamed from graph.json."""
    from kg.graph.format import encode
    from kg.graph.reader import GraphFile
    from kg.schema import ENTITY_TYPES

    entity_types = {str(t) for t in ENTITY_TYPES}
    g = GraphFile(graph)

    def nodes() -> Iterator[tuple]:
        for node_id, data in g.nodes(data=True):
            node_type, name = data.pop("type"), data.pop("name", None)
            if node_type in entity_types:
                keys = {fold(str(x)) for x in [name or "", *(data.get("aliases") or [])]} - {""}
                names.extend((key, node_id) for key in sorted(keys))
            yield node_id, node_type, name, encode(data)

    def edges() -> Iterator[tuple]:
        for u, v, data in g.edges(data=True):
            edge_type = data.pop("type")
            yield u, v, edge_type, encode(data) if data else None

    return nodes(), edges


def batched(rows: Iterator[tuple], size: int = BATCH) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_csvs(graph: str, folder: Path) -> dict[str, int]:
    """nodes.csv, names.csv, keys.csv (unique keys) and edges.csv, RFC 4180 quoting."""
    import csv

    names: list[tuple[str, str]] = []
    nodes, edges = graph_rows(graph, names)
    counts = {}
    for table, rows in (("nodes", nodes), ("edges", edges())):
        with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            counts[table] = 0
            for batch in batched(rows):
                writer.writerows(batch)
                counts[table] += len(batch)
    with open(folder / "names.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(names)
    with open(folder / "keys.csv", "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows((key,) for key in sorted({k for k, _ in names}))
    counts["names"] = len(names)
    return counts


SQL_TABLES = (
    "CREATE TABLE nodes(id {text} PRIMARY KEY, type {text} NOT NULL, name {text}, data {json})",
    "CREATE TABLE names(key {text} NOT NULL, id {text} NOT NULL)",
    "CREATE TABLE edges(source {text} NOT NULL, target {text} NOT NULL, type {text} NOT NULL, data {json})",
)
SQL_INDEXES = (  # the third column makes them covering for the joins of c, d and f
    "CREATE INDEX names_key ON names(key, id)",
    "CREATE INDEX edges_target ON edges(target, type, source)",
    "CREATE INDEX edges_source ON edges(source, type, target)",
)


def load_sqlite(graph: str, path: str) -> dict:
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    for sql in SQL_TABLES:
        con.execute(sql.format(text="TEXT", json="TEXT"))
    names: list[tuple[str, str]] = []
    nodes, edges = graph_rows(graph, names)
    start = time.perf_counter()
    for batch in batched(nodes):
        con.executemany("INSERT INTO nodes VALUES (?, ?, ?, ?)", batch)
    con.executemany("INSERT INTO names VALUES (?, ?)", names)
    for batch in batched(edges()):
        con.executemany("INSERT INTO edges VALUES (?, ?, ?, ?)", batch)
    con.commit()
    t_rows = time.perf_counter() - start
    start = time.perf_counter()
    for sql in SQL_INDEXES:
        con.execute(sql)
    con.execute("ANALYZE")
    con.commit()
    con.close()
    return {"rows": t_rows, "index": time.perf_counter() - start}


def load_duckdb(graph: str, path: str) -> dict:
    import duckdb

    folder = Path(path).parent / "csv-duckdb"
    folder.mkdir(exist_ok=True)
    start = time.perf_counter()
    write_csvs(graph, folder)
    t_csv = time.perf_counter() - start
    con = duckdb.connect(path)
    start = time.perf_counter()
    for sql in SQL_TABLES:
        con.execute(sql.format(text="VARCHAR", json="JSON"))
    for table in ("nodes", "names", "edges"):
        con.execute(
            f"COPY {table} FROM '{folder / table}.csv' (FORMAT csv, HEADER false, QUOTE '\"', ESCAPE '\"')"
        )
    t_copy = time.perf_counter() - start
    start = time.perf_counter()
    for sql in SQL_INDEXES:
        con.execute(sql)
    con.execute("CHECKPOINT")
    con.close()
    t_index = time.perf_counter() - start
    remove_tree(folder)
    return {"csv": t_csv, "copy": t_copy, "index": t_index}


def load_oxigraph(graph: str, path: str) -> dict:
    import pyoxigraph as ox

    from kg.exporters.rdf import iri, ntriples
    from kg.graph.reader import GraphFile

    nt = Path(path).parent / "graph.nt"
    names: list[tuple[str, str]] = []
    nodes, _ = graph_rows(graph, names)
    start = time.perf_counter()
    with open(nt, "w", encoding="utf-8") as f:
        f.writelines(ntriples(GraphFile(graph)))
        t_nt = time.perf_counter() - start
        start = time.perf_counter()
        for _ in nodes:  # a second pass for the folded names; the node rows themselves are not needed
            pass
        f.writelines(f"<{iri(node)}> <{KG_NS}key> {lit(key)} .\n" for key, node in names)
    t_names = time.perf_counter() - start
    start = time.perf_counter()
    store = ox.Store(path)
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    t_load = time.perf_counter() - start
    start = time.perf_counter()
    store.optimize()
    store.flush()
    del store
    t_optimize = time.perf_counter() - start
    nt.unlink()
    return {"n-triples": t_nt, "names": t_names, "bulk_load": t_load, "optimize": t_optimize}


def load_ladybug(graph: str, path: str) -> dict:
    import ladybug as lb

    folder = Path(path).parent / "csv-ladybug"
    folder.mkdir(exist_ok=True)
    start = time.perf_counter()
    write_csvs(graph, folder)
    t_csv = time.perf_counter() - start
    start = time.perf_counter()
    db = lb.Database(path)
    con = lb.Connection(db)
    for sql in (
        "CREATE NODE TABLE Node(id STRING PRIMARY KEY, type STRING, name STRING, data STRING)",
        "CREATE NODE TABLE Name(key STRING PRIMARY KEY)",
        "CREATE REL TABLE NAMES(FROM Name TO Node)",
        "CREATE REL TABLE Edge(FROM Node TO Node, type STRING, data STRING)",
    ):
        con.execute(sql)
    for table, csv_file in (("Node", "nodes"), ("Name", "keys"), ("NAMES", "names"), ("Edge", "edges")):
        con.execute(f"COPY {table} FROM '{folder / csv_file}.csv' (HEADER=false, QUOTE='\"', ESCAPE='\"')")
    con.close()
    db.close()
    t_copy = time.perf_counter() - start
    remove_tree(folder)
    return {"csv": t_csv, "copy": t_copy}


LOADERS: dict[str, Callable[[str, str], dict]] = {
    "sqlite": load_sqlite,
    "duckdb": load_duckdb,
    "oxigraph": load_oxigraph,
    "ladybug": load_ladybug,
}


def load_child(argv: list[str]) -> None:
    engine, graph, path = argv
    start = time.perf_counter()
    phases = LOADERS[engine](graph, path)
    print(json.dumps({"phases": phases, "seconds": time.perf_counter() - start}))


def remove_tree(path: Path) -> None:
    import shutil

    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


# ---------------------------------------------------------------- measuring, in the parent

CHILD_CODE = "import sys; sys.path.insert(0, sys.argv[1]); import query_stores as q; q.{entry}(sys.argv[2:])"


class Run:
    """One child process: wall seconds, peak RSS, status, and the JSON it printed."""

    def __init__(self, seconds: float, peak_mb: float, status: str, out: dict, error: str) -> None:
        self.seconds, self.peak_mb, self.status, self.out, self.error = seconds, peak_mb, status, out, error

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def run_child(entry: str, args: list[str], timeout: float, max_rss_mb: float) -> Run:
    """`python -c` calling `entry(args)` of this module, under /usr/bin/time for its peak RSS (its
    ru_maxrss: a child forked from this process would report this process's RSS instead); its
    process group is killed after `timeout` s or above `max_rss_mb`, sampled every 0.05 s."""
    import contextlib
    import signal
    import subprocess
    import tempfile
    import threading

    import psutil

    code = CHILD_CODE.format(entry=entry)
    command = [sys.executable, "-c", code, str(Path(__file__).parent), *args]
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "maxrss"
        if Path(TIME).exists():
            command = [TIME, "-f", "%M", "-o", str(peak_file), *command]
        with open(Path(tmp) / "out", "w+b") as out, open(Path(tmp) / "err", "w+b") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(command, stdout=out, stderr=err, start_new_session=True)
            verdict: list[str] = []
            polled = [0]

            def watch() -> None:
                root = psutil.Process(proc.pid)
                while proc.poll() is None:
                    with contextlib.suppress(psutil.Error):
                        tree = [root, *root.children(recursive=True)]
                        rss = sum(p.memory_info().rss for p in tree)
                        polled[0] = max(polled[0], rss)
                        elapsed = time.perf_counter() - start
                        if elapsed > timeout or rss > max_rss_mb * MB:
                            over = (
                                f"timeout {timeout:.0f} s" if elapsed > timeout else f"> {max_rss_mb:.0f} MB"
                            )
                            verdict.append(over)
                            os.killpg(proc.pid, signal.SIGKILL)
                            return
                    time.sleep(0.05)

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            proc.wait()
            seconds = time.perf_counter() - start
            watcher.join()
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read().decode(), err.read().decode("utf-8", "replace")
        reported = peak_file.read_text().split() if peak_file.exists() else []
        peak = int(reported[-1]) / 1024 if reported and reported[-1].isdigit() else polled[0] / MB
    if verdict:
        return Run(seconds, peak, verdict[0], {}, stderr)
    if proc.returncode != 0:
        lines = [line for line in stderr.strip().splitlines() if "Error" in line or "Exception" in line]
        why = (lines or stderr.strip().splitlines() or ["?"])[-1]
        return Run(seconds, peak, f"failed: {why[:160]}", {}, stderr)
    return Run(seconds, peak, "ok", json.loads(stdout.strip().splitlines()[-1]), stderr)


def repeated(entry: str, args: list[str], timeout: float, max_rss_mb: float, times: int) -> Run:
    """The run of median wall time among `times` (the highest peak RSS of them all); the first
    failure ends the series and is what is reported."""
    runs = []
    for _ in range(times):
        run = run_child(entry, args, timeout, max_rss_mb)
        if not run.ok:
            return run
        runs.append(run)
    middle = sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]
    return Run(middle.seconds, max(r.peak_mb for r in runs), "ok", middle.out, middle.error)


def size_mb(path: Path) -> float:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / MB
    siblings = [p for p in path.parent.glob(path.name + "*") if p.is_file()]  # with a .wal, if any
    return sum(p.stat().st_size for p in siblings) / MB


def query_params() -> dict:
    """What every child needs besides the question's own parameters: roles and RDF properties."""
    from kg.exporters.rdf import PROPERTY
    from kg.schema import Role

    return {
        "roles": [str(r) for r in Role],
        "role_iris": {str(r): str(PROPERTY[r]) for r in Role},
        "edge_iris": sorted(str(p) for p in PROPERTY.values()),
        "key": "llama",
        "hops": 4,
    }


def pick_parameters(db: Path, params: dict) -> dict:
    """The entity, paper, dataset and entity pair of the questions, from the SQLite store."""
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    roles = "(" + ",".join(f"'{r}'" for r in params["roles"]) + ")"
    entity, entity_papers = con.execute(
        f"SELECT target, COUNT(DISTINCT source) AS n FROM edges WHERE type IN {roles} "
        "GROUP BY target ORDER BY n DESC, target LIMIT 1"
    ).fetchone()
    paper, paper_entities = con.execute(
        f"SELECT source, COUNT(DISTINCT target) AS n FROM edges WHERE type IN {roles} AND source IN "
        f"(SELECT source FROM edges WHERE target = ? AND type IN {roles}) "
        "GROUP BY source ORDER BY n DESC, source LIMIT 1",
        [entity],
    ).fetchone()
    dataset, dataset_results = con.execute(
        "SELECT target, COUNT(*) AS n FROM edges WHERE type = 'DATASET' "
        "GROUP BY target ORDER BY n DESC, target LIMIT 1"
    ).fetchone()
    lonely = [
        row[0]
        for row in con.execute(
            f"SELECT target FROM edges WHERE type IN {roles} GROUP BY target "
            "HAVING COUNT(DISTINCT source) = 1 ORDER BY target LIMIT 400"
        )
    ]
    store = SqliteStore(params)
    store.con = con
    pair = None
    for other in lonely[1:]:  # the first entity 4 hops from the first one named by one paper
        if len(path_search(lonely[0], other, store.neighbours, params["hops"])) == params["hops"] + 1:
            pair = [lonely[0], other]
            break
    name = dict(con.execute("SELECT id, name FROM nodes WHERE id IN (?, ?, ?)", [entity, paper, dataset]))
    papers, nodes = con.execute("SELECT SUM(type = 'Paper'), COUNT(*) FROM nodes").fetchone()
    edges = con.execute("SELECT COUNT(*) FROM edges").fetchone()[0]
    con.close()
    if pair is None:
        raise SystemExit("no two entities named by one paper each are 4 hops apart")
    return {
        **params,
        "entity": entity,
        "paper": paper,
        "dataset": dataset,
        "path": pair,
        "about": {
            "graph": f"{papers:,} papers, {nodes:,} nodes, {edges:,} edges",
            "entity": f"{entity} ({name[entity]}), named by {entity_papers:,} papers",
            "paper": f"{paper} ({name[paper][:60]}), naming {paper_entities} entities",
            "dataset": f"{dataset} ({name[dataset]}), {dataset_results:,} results",
            "path": f"{pair[0]} .. {pair[1]}",
        },
    }


def release_dates(offline: bool) -> dict[str, str]:
    """The newest release of each package on PyPI, and when; '' when not looked up."""
    import urllib.request

    out = {}
    for package in (*PYPI.values(), "real-ladybug", "kuzu"):
        if offline:
            out[package] = ""
            continue
        try:
            with urllib.request.urlopen(f"https://pypi.org/pypi/{package}/json", timeout=10) as r:
                data = json.load(r)
            version = data["info"]["version"]
            out[package] = f"{version}, {data['releases'][version][0]['upload_time'][:10]}"
        except Exception as e:  # offline, or PyPI changed: the report says so
            out[package] = f"not looked up ({type(e).__name__})"
    return out


def versions() -> dict[str, str]:
    import sqlite3
    from importlib.metadata import PackageNotFoundError, version

    out = {"sqlite": f"SQLite {sqlite3.sqlite_version} (Python {sys.version.split()[0]} stdlib)"}
    for engine, package in PYPI.items():
        try:
            out[engine] = f"{package} {version(package)}"
        except PackageNotFoundError:
            out[engine] = f"{package}: not installed"
    return out


# ---------------------------------------------------------------- report


def machine_lines(graph: Path) -> list[str]:
    import platform
    import subprocess
    from datetime import datetime

    import psutil

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    ram = psutil.virtual_memory().total / 1024**3
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    commit += " (with uncommitted changes)" if git("status", "--porcelain", "--", "kg") else ""
    return [
        f"- machine: {cpu}, {os.cpu_count()} cores, {ram:.1f} GB RAM; load average at start {load}",
        f"- Python {platform.python_version()}; kg commit {commit}",
        f"- date: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- graph: {graph}, {graph.stat().st_size / MB:,.1f} MB",
    ]


def fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def load_table(loads: dict[str, Run], sizes: dict[str, float], vers: dict, released: dict) -> list[str]:
    lines = [
        "| engine | version | newest on PyPI | load s | load phases s | load peak RSS MB | on disk MB "
        "| users open the file with |",
        "|---|---|---|---:|---|---:|---:|---|",
    ]
    for engine in ENGINES:
        run = loads.get(engine)
        newest = released.get(PYPI.get(engine, ""), "ships with Python")
        if run is None or not run.ok:
            status = run.status if run else "not run"
            lines.append(
                f"| {LABEL[engine]} | {vers[engine]} | {newest} | {status} | – | – | – "
                f"| {OPENS_WITH[engine]} |"
            )
            continue
        phases = ", ".join(f"{k} {v:.1f}" for k, v in run.out["phases"].items())
        lines.append(
            f"| {LABEL[engine]} | {vers[engine]} | {newest} | {run.seconds:.1f} | {phases} "
            f"| {run.peak_mb:,.0f} | {sizes.get(engine, 0):,.1f} | {OPENS_WITH[engine]} |"
        )
    return lines


def cell(run: Run | None, what: str) -> str:
    if run is None:
        return "n/a"
    if not run.ok:
        return run.status.split(":")[0]
    if what == "cold":
        return f"{run.seconds:.2f} s, {run.peak_mb:,.0f} MB"
    o = run.out
    warm = "–" if o.get("warm") is None else secs(o["warm"])
    return f"{secs(o['query'])} (warm {warm}; import+open {secs(o['import'] + o['open'])})"


def secs(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def query_tables(runs: dict[tuple[str, str], Run], engines: list[str]) -> list[str]:
    head = "| question | " + " | ".join(LABEL[e] for e in engines) + " |"
    rule = "|---|" + "---:|" * len(engines)
    lines = [
        "Cold process (fresh `python -c`: import, open, answer once): median wall s of the runs, peak RSS MB",
        "",
        head,
        rule,
    ]
    base = runs.get(("python", "-"))
    if base is not None:
        lines.append("| (python -c, no engine) | " + " | ".join(cell(base, "cold") for _ in engines) + " |")
    for q, label in QUESTIONS.items():
        lines.append(f"| {label} | " + " | ".join(cell(runs.get((e, q)), "cold") for e in engines) + " |")
    lines += [
        "",
        "In the process: the first answer (the same question again, warm; import + open before it)",
        "",
        head,
        rule,
    ]
    for q, label in QUESTIONS.items():
        lines.append(f"| {label} | " + " | ".join(cell(runs.get((e, q)), "inside") for e in engines) + " |")
    return lines


COMPARED = {"a": ("ids",), "b": ("rows", "papers", "digest"), "c": ("top",), "d": ("top",)}
COMPARED |= {"e": ("rows", "results", "digest"), "f": ("hops",), "f*": ("hops",)}


def answer_table(runs: dict[tuple[str, str], Run], engines: list[str]) -> tuple[list[str], list[str]]:
    """One line per question: the answer, and whether the engines agree. Also the disagreements."""
    lines = ["| question | answer (first engine that answered) | engines agreeing |", "|---|---|---|"]
    problems = []
    for q, label in QUESTIONS.items():
        answers = {e: runs[e, q].out["answer"] for e in engines if (e, q) in runs and runs[e, q].ok}
        if not answers:
            lines.append(f"| {label} | – | none answered |")
            continue
        first = next(iter(answers.values()))
        keys = COMPARED[q]
        groups: dict[str, list[str]] = {}
        for e, answer in answers.items():
            groups.setdefault(json.dumps([answer.get(k) for k in keys]), []).append(LABEL[e])
        if len(groups) > 1:
            for value, members in groups.items():
                problems.append(f"- {label}: {', '.join(members)} say {', '.join(keys)} = {value[:300]}")
        agree = " / ".join(", ".join(m) for m in groups.values())
        lines.append(
            f"| {label} | {summary(q, first)} | {agree if len(groups) > 1 else 'all ' + str(len(answers))} |"
        )
    return lines, problems


def summary(q: str, answer: dict) -> str:
    show = answer.get("show")
    if q == "a":
        return f"{answer['rows']} node(s): {', '.join(answer['ids'])}"
    if q == "b":
        sentences = answer["with sentence"]
        return f"{answer['rows']:,} rows, {answer['papers']:,} papers, {sentences:,} with a sentence"
    if q in ("c", "d"):
        top = "; ".join(f"{str(name)[:40]} {n}" for name, n in show[:3])
        return f"{answer['rows']} rows; first: {top}".replace("|", "/")
    if q == "e":
        best = show[0] if show else None
        lead = f"; best {best[0]:g}, {str(best[1])[:50]}" if best else ""
        return f"{answer['rows']:,} rows, {answer['results']:,} results{lead}".replace("|", "/")
    return f"{answer['hops']} hops: {show}" if q == "f" else f"{answer['hops']} hops"


def conclusion(
    runs: dict[tuple[str, str], Run], loads: dict[str, Run], sizes: dict[str, float], problems: list[str]
) -> list[str]:
    """The choice, from the numbers: the engine whose cold answers take the least time in total."""
    timeout_penalty = 120.0
    totals, worst = {}, {}
    for e in ENGINES:
        if e not in loads or not loads[e].ok:
            continue
        times = []
        for q in "abcdef":  # f*: an alternative, not a question of its own
            run = runs.get((e, q))
            times.append(run.seconds if run is not None and run.ok else timeout_penalty)
        totals[e], worst[e] = sum(times), max(times)
    if not totals:
        return ["No engine loaded the graph."]
    ranked = sorted(totals, key=totals.__getitem__)
    best = ranked[0]
    text = [
        "Total cold wall time of questions a-f (a failure or timeout counted as "
        f"{timeout_penalty:.0f} s): "
        + ", ".join(f"{LABEL[e]} {totals[e]:.1f} s (slowest {worst[e]:.1f} s)" for e in ranked)
        + ".",
        "On disk: "
        + ", ".join(f"{LABEL[e]} {sizes[e]:,.0f} MB" for e in sorted(sizes, key=sizes.__getitem__))
        + "; load: "
        + ", ".join(
            f"{LABEL[e]} {loads[e].seconds:.0f} s" for e in sorted(totals, key=lambda e: loads[e].seconds)
        )
        + ".",
    ]
    sql_f = {e: runs.get((e, "f")) for e in ("sqlite", "duckdb")}
    sql_cte = {e: runs.get((e, "f*")) for e in ("sqlite", "duckdb")}
    for e in ("sqlite", "duckdb"):
        bfs, cte = sql_f[e], sql_cte[e]
        if bfs is not None and bfs.ok and cte is not None:
            cte_text = secs(cte.out["query"]) if cte.ok else cte.status
            text.append(
                f"{LABEL[e]} path: bidirectional BFS {secs(bfs.out['query'])} in the process, "
                f"recursive CTE {cte_text}: "
                + (
                    "the BFS is faster."
                    if not cte.ok or cte.out["query"] > bfs.out["query"]
                    else "the CTE is faster."
                )
            )
    fastest = []
    for q in "abcdef":
        timed = {e: runs[e, q].seconds for e in totals if (e, q) in runs and runs[e, q].ok}
        if timed:
            fastest.append(f"{q} {LABEL[min(timed, key=timed.__getitem__)]}")
    peaks = {e: max((r.peak_mb for (x, _), r in runs.items() if x == e and r.ok), default=0) for e in totals}
    text += [
        "Fastest cold answer per question: " + ", ".join(fastest) + ".",
        "Highest peak RSS of a cold query: "
        + ", ".join(f"{LABEL[e]} {peaks[e]:,.0f} MB" for e in ranked)
        + ".",
        f"Recommendation by these numbers: {LABEL[best]}"
        + (
            f", {totals[ranked[1]] / totals[best]:.1f}x less cold time than the next, {LABEL[ranked[1]]}"
            if len(ranked) > 1
            else ""
        )
        + (", all engines agreeing on the answers." if not problems else "; see the disagreements above."),
    ]
    return text


def parse_args(argv: list[str] | None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", nargs="?", type=Path, help="a graph.json written by `kg build`")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where the stores go (default: a temp folder)"
    )
    parser.add_argument("--reuse", action="store_true", help="keep stores already in --workdir (no reload)")
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help="comma-separated subset of " + ",".join(ENGINES)
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per cold query process (120)")
    parser.add_argument("--load-timeout", type=float, default=1800.0, help="seconds per load process (1800)")
    parser.add_argument("--max-rss-gb", type=float, default=12.0, help="kill a child above this RSS (12)")
    parser.add_argument("--repeat", type=int, default=3, help="cold runs per question, median reported (3)")
    parser.add_argument("--offline", action="store_true", help="do not ask PyPI for release dates")
    args = parser.parse_args(argv)
    if args.graph is None:
        parser.print_help(sys.stderr)
        raise SystemExit(2)
    if not args.graph.is_file():
        parser.error(f"no such file: {args.graph}")
    args.engines = [e for e in args.engines.split(",") if e]
    if unknown := set(args.engines) - set(ENGINES):
        parser.error(f"unknown engine(s): {', '.join(sorted(unknown))}")
    if args.reuse and args.workdir is None:
        parser.error("--reuse needs --workdir")
    return args


def main(argv: list[str] | None = None) -> int:
    import tempfile

    args = parse_args(argv)
    graph = args.graph.resolve()
    header = machine_lines(graph)
    max_mb = args.max_rss_gb * 1024
    with tempfile.TemporaryDirectory(prefix="kg-query-stores-") as tmp:
        work = (args.workdir or Path(tmp)).resolve()
        work.mkdir(parents=True, exist_ok=True)
        loads: dict[str, Run] = {}
        saved = work / "loads.json"
        previous = json.loads(saved.read_text()) if args.reuse and saved.exists() else {}
        for engine in ["sqlite", *[e for e in args.engines if e != "sqlite"]]:  # SQLite picks the parameters
            store = work / STORE_FILE[engine]
            if engine in previous and store.exists():
                loads[engine] = Run(**previous[engine])
                continue
            remove_tree(store)
            print(f"loading {engine} ...", file=sys.stderr, flush=True)
            loads[engine] = run_child(
                "load_child", [engine, str(graph), str(store)], args.load_timeout, max_mb
            )
            print(f"  {loads[engine].status}, {loads[engine].seconds:.0f} s", file=sys.stderr, flush=True)
            if loads[engine].ok:
                previous[engine] = vars(loads[engine]) | {"error": ""}
        saved.write_text(json.dumps(previous))
        if not loads["sqlite"].ok:
            raise SystemExit(
                f"SQLite did not load the graph: {loads['sqlite'].status}\n{loads['sqlite'].error}"
            )
        sizes = {e: size_mb(work / STORE_FILE[e]) for e in loads if loads[e].ok}
        params = pick_parameters(work / STORE_FILE["sqlite"], query_params())
        about = params.pop("about")
        runs: dict[tuple[str, str], Run] = {}
        base = ["python", "-", "-", "{}", "cold"]
        runs["python", "-"] = repeated("child", base, args.timeout, max_mb, args.repeat)
        blob = json.dumps(params)
        for engine in args.engines:
            if not loads[engine].ok:
                continue
            for q in QUESTIONS:
                if q == "f*" and engine not in ("sqlite", "duckdb"):
                    continue
                print(f"{engine} {q} ...", file=sys.stderr, flush=True)
                store = str(work / STORE_FILE[engine])
                run = repeated("child", [engine, store, q, blob, "cold"], args.timeout, max_mb, args.repeat)
                if run.ok:  # the warm answer: one more run, answering twice (its wall time not reported)
                    warm = run_child("child", [engine, store, q, blob, "warm"], args.timeout, max_mb)
                    run.out["warm"] = warm.out["warm"] if warm.ok else None
                runs[engine, q] = run
                print(f"  {run.status}, {run.seconds:.2f} s", file=sys.stderr, flush=True)
    engines = [e for e in args.engines if loads[e].ok]
    released = release_dates(args.offline)
    answers, problems = answer_table(runs, engines)
    failed = [f"- {LABEL[e]} load: {loads[e].status}" for e in args.engines if not loads[e].ok]
    lines = [
        "# kg query engines benchmark",
        "",
        *header,
        f"- in it: {about['graph']}",
        f"- questions about: entity {about['entity']}; paper {about['paper']}; dataset {about['dataset']}; "
        f"path {about['path']}",
        "- cold = a fresh `python -c` per question (interpreter start, engine import, open, one answer) "
        f"on a warm OS page cache, {args.repeat} times, the median shown; peak RSS = the child's maximum "
        f"resident set (/usr/bin/time %M), the highest of the runs; each killed after {args.timeout:.0f} s",
        "",
        *load_table(loads, sizes, versions(), released),
        "",
        f"LadybugDB is the `ladybug` package (newest {released['ladybug'] or '?'}); `real-ladybug`, its "
        f"earlier name, stops at {released['real-ladybug'] or '?'}; Kùzu, which it forks, at "
        f"{released['kuzu'] or '?'} (neither benchmarked).",
        "",
        *query_tables(runs, engines),
        "",
        *answers,
        "",
        "Disagreements between engines:" if problems else "The engines agree on every compared answer.",
        *problems,
        *(["", "Failures:", *failed] if failed else []),
        "",
        *conclusion(runs, {e: loads[e] for e in engines}, sizes, problems),
        "",
        "Load average at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + ".",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
