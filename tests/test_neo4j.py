"""Neo4j three ways, on a real Neo4j 5.26 server started by the tests (slow)."""

from __future__ import annotations

import json

import networkx as nx
import pytest
from conftest import hostile_graph
from neo4j import GraphDatabase

from kg import queries
from kg.exporters.neo4j import cypher_script, split_script
from kg.exporters.neo4j_bolt import load_graph
from kg.ontology import cypher_dir

pytestmark = pytest.mark.slow


@pytest.fixture
def neo4j(neo4j_server):
    """An empty database on the session's server: (uri, auth, driver)."""
    uri, auth = neo4j_server
    with GraphDatabase.driver(uri, auth=auth) as driver:
        with driver.session() as session:
            session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS").consume()
        yield uri, auth, driver


def counts(driver) -> tuple[dict, dict]:
    labels, _, _ = driver.execute_query(
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label"
    )
    types, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS t, count(*) AS n ORDER BY t")
    return {r["label"]: r["n"] for r in labels}, {r["t"]: r["n"] for r in types}


def expected_counts(g: nx.MultiDiGraph) -> tuple[dict, dict]:
    labels: dict[str, int] = {}
    for _, d in g.nodes(data=True):
        labels[d["type"]] = labels.get(d["type"], 0) + 1
        if d["type"] not in ("Paper", "Result", "Repository"):
            labels["Entity"] = labels.get("Entity", 0) + 1
    types: dict[str, int] = {}
    for _, _, d in g.edges(data=True):
        types[d["type"]] = types.get(d["type"], 0) + 1
    return labels, types


def test_bolt_load_twice_is_idempotent_and_complete(example_build, neo4j):
    g, _, _ = example_build
    uri, auth, driver = neo4j
    first = load_graph(g, uri, auth, batch_size=200)
    assert first.nodes_created == g.number_of_nodes()
    assert first.relationships_created == g.number_of_edges()
    assert counts(driver) == expected_counts(g)
    second = load_graph(g, uri, auth, batch_size=200)
    assert second.nodes_created == 0 and second.relationships_created == 0
    assert counts(driver) == expected_counts(g)
    constraints, _, _ = driver.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")
    assert {"paper_id", "model_id", "entity_id"} <= set(constraints[0]["names"])
    # properties arrive: evidence on edges, values on results, aliases on entities
    rows, _, _ = driver.execute_query(
        "MATCH (p:Paper)-[r:USES]->(m:Model {id: 'model:sdxl'}) RETURN p.title AS t, r.sentences AS s, "
        "r.starts AS a, r.ends AS b, r.mentions AS m"
    )
    assert rows and all(r["s"] and len(r["s"]) == len(r["a"]) == len(r["b"]) and r["m"] for r in rows)
    for u, v, d in g.edges(data=True):
        if d["type"] == "USES" and v == "model:sdxl":
            row = next(r for r in rows if r["t"] == g.nodes[u]["title"])
            assert row["s"] == [e["sentence"] for e in d["evidence"]]
    values, _, _ = driver.execute_query("MATCH (r:Result) RETURN r.id AS id, r.value AS v")
    assert {r["id"]: r["v"] for r in values} == {
        n: d["value"] for n, d in g.nodes(data=True) if d["type"] == "Result"
    }


def test_cypher_script_twice_equals_the_bolt_load(example_build, neo4j):
    g, _, out = example_build
    _, _, driver = neo4j
    statements = split_script((out / "neo4j" / "import.cypher").read_text(encoding="utf-8"))
    assert len(statements) > 20
    for _ in range(2):
        with driver.session() as session:
            for statement in statements:
                session.run(statement).consume()
        assert counts(driver) == expected_counts(g)


HOSTILE = "it's \"quoted\" \\ back\\slash\nnew line '}) DETACH DELETE n // $param {} \u200f 🚀"


def test_hostile_strings_are_stored_verbatim(neo4j, tmp_path):
    uri, auth, driver = neo4j
    g = hostile_graph(HOSTILE, abstract=HOSTILE, authors=[HOSTILE], source="x")
    load_graph(g, uri, auth)
    with driver.session() as session:
        for statement in split_script("".join(cypher_script(g))):
            session.run(statement).consume()
    rows, _, _ = driver.execute_query(
        "MATCH (p:Paper)-[r:USES]->(m:Method) "
        "RETURN p.title AS t, m.name AS n, m.aliases AS a, r.mentions AS rm, p.authors AS au"
    )
    assert [dict(r) for r in rows] == [
        {"t": HOSTILE, "n": HOSTILE, "a": [HOSTILE], "rm": [HOSTILE], "au": [HOSTILE]}
    ]
    assert counts(driver) == ({"Entity": 1, "Method": 1, "Paper": 1}, {"USES": 1})


def test_interrupted_load_then_rerun_is_complete_without_duplicates(example_build, neo4j):
    g, _, _ = example_build
    uri, auth, driver = neo4j

    class Interrupted(Exception):
        pass

    def stop_after_three(done: int, total: int) -> None:
        if done >= 3 * 100:
            raise Interrupted

    with pytest.raises(Interrupted):
        load_graph(g, uri, auth, batch_size=100, on_batch=stop_after_three)
    partial = counts(driver)
    assert sum(partial[0].values()) < sum(expected_counts(g)[0].values())
    load_graph(g, uri, auth, batch_size=100)
    assert counts(driver) == expected_counts(g)


def run_query(driver, query_name: str, **params) -> list[dict]:
    text = (cypher_dir() / "queries" / f"{query_name}.cypher").read_text(encoding="utf-8")
    (statement,) = split_script(text)
    rows, _, _ = driver.execute_query(statement, parameters_=params)
    return [dict(r) for r in rows]


def test_cypher_queries_agree_with_kg_query(example_build, neo4j):
    g, _, _ = example_build
    uri, auth, driver = neo4j
    load_graph(g, uri, auth)
    for name in ("SDXL", "Stable Diffusion", "LoRA"):
        rows = run_query(driver, "papers_using", name=name)
        assert rows and sorted((r["title"], r["role"]) for r in rows) == sorted(
            (u.title, u.role) for u in queries.papers_using(g, name)
        )
    for name in ("Diffusion-DPO", "LoRA", "SDXL"):
        rows = run_query(driver, "compared_with", name=name)
        assert [(r["otherName"], r["direction"], r["title"]) for r in rows] == [
            (c.name, c.direction, c.title) for c in queries.compared_with(g, name)
        ]
    rows = run_query(driver, "results_for_dataset", dataset="MS COCO 2014-30k", metric="")
    assert rows and [(r["title"], r["value"]) for r in rows] == [
        (e.title, e.value) for e in queries.results_for_dataset(g, "MS COCO 2014-30k")
    ]
    rows = run_query(driver, "hardware_per_paper")
    assert rows and [(r["title"], r["hardware"]) for r in rows] == queries.hardware_per_paper(g)
    rows = run_query(driver, "shortest_path", **{"from": "SDXL", "to": "LoRA"})
    path = queries.shortest_path(g, "SDXL", "LoRA")
    assert rows and rows[0]["hops"] == len(path) - 1
    assert json.dumps(rows[0]["ids"][0]) == json.dumps(path[0])


def test_bulk_csv_import_with_the_real_importer(example_build, tmp_path):
    """`neo4j-admin database import full` on our CSVs, then served: counts equal graph.json."""
    import neo4j_harness
    from conftest import free_port

    g, _, out = example_build
    home = tmp_path / "home"
    neo4j_harness.bulk_import(str(out / "neo4j"), str(home))
    port = free_port()
    proc = neo4j_harness.start_server(port, data_dir=str(home))
    try:
        with GraphDatabase.driver(f"bolt://127.0.0.1:{port}", auth=neo4j_harness.AUTH) as driver:
            assert counts(driver) == expected_counts(g)
            rows, _, _ = driver.execute_query(
                "MATCH (p:Paper)-[r:USES]->(m:Model {id: 'model:sdxl'}) RETURN r.mentions AS m, r.starts AS s"
            )
            assert rows and all(r["m"] and all(isinstance(x, int) for x in r["s"]) for r in rows)
            values, _, _ = driver.execute_query("MATCH (r:Result) RETURN r.id AS id, r.value AS v")
            assert {r["id"]: r["v"] for r in values} == {
                n: d["value"] for n, d in g.nodes(data=True) if d["type"] == "Result"
            }
    finally:
        neo4j_harness.stop_server(proc)
