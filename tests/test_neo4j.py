"""Neo4j three ways, on a real Neo4j 5.26 server started by the tests (slow)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time

import networkx as nx
import pytest
from conftest import hostile_graph
from neo4j import GraphDatabase

from kg import queries
from kg.config import DataPaths
from kg.errors import KgError
from kg.exporters.neo4j import node_batches, relationship_batches, split_script, write_neo4j
from kg.exporters.neo4j_bolt import LoadOptions, Neo4jTarget, load_graph
from kg.schema import ENTITY_TYPES, NodeType, Role

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
        if d["type"] in ENTITY_TYPES:
            labels["Entity"] = labels.get("Entity", 0) + 1
    types: dict[str, int] = {}
    for _, _, d in g.edges(data=True):
        types[d["type"]] = types.get(d["type"], 0) + 1
    return labels, types


def test_bolt_load_twice_is_idempotent_and_complete(example_build, neo4j):
    g, _, _ = example_build
    uri, auth, driver = neo4j
    first = load_graph(g, Neo4jTarget(uri, auth), LoadOptions(batch_size=200))
    assert first.nodes_created == g.number_of_nodes()
    assert first.relationships_created == g.number_of_edges()
    assert counts(driver) == expected_counts(g)
    second = load_graph(g, Neo4jTarget(uri, auth), LoadOptions(batch_size=200))
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
        if d["type"] == Role.USES and v == "model:sdxl":
            row = next(r for r in rows if r["t"] == g.nodes[u]["title"])
            assert row["s"] == [e["sentence"] for e in d["evidence"]]
    values, _, _ = driver.execute_query("MATCH (r:Result) RETURN r.id AS id, r.value AS v")
    assert {r["id"]: r["v"] for r in values} == {
        n: d["value"] for n, d in g.nodes(data=True) if d["type"] == NodeType.RESULT
    }


def test_import_cypher_twice_equals_the_bolt_load(example_build, neo4j):
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
    load_graph(g, Neo4jTarget(uri, auth))
    write_neo4j(g, tmp_path / "neo4j")  # then import.cypher, as `kg export neo4j` writes it
    with driver.session() as session:
        for statement in split_script((tmp_path / "neo4j" / "import.cypher").read_text(encoding="utf-8")):
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
        load_graph(g, Neo4jTarget(uri, auth), LoadOptions(batch_size=100), on_batch=stop_after_three)
    partial = counts(driver)
    assert sum(partial[0].values()) < sum(expected_counts(g)[0].values())
    load_graph(g, Neo4jTarget(uri, auth), LoadOptions(batch_size=100))
    assert counts(driver) == expected_counts(g)


def run_query(driver, query_name: str, **params) -> list[dict]:
    text = (DataPaths.packaged().cypher_queries / f"{query_name}.cypher").read_text(encoding="utf-8")
    (statement,) = split_script(text)
    rows, _, _ = driver.execute_query(statement, parameters_=params)
    return [dict(r) for r in rows]


def test_cypher_queries_agree_with_kg_query(example_build, neo4j):
    g, _, _ = example_build
    uri, auth, driver = neo4j
    load_graph(g, Neo4jTarget(uri, auth))
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
    with (
        neo4j_harness.imported_server(str(out / "neo4j"), str(tmp_path / "home"), free_port()) as uri,
        GraphDatabase.driver(uri, auth=neo4j_harness.AUTH) as driver,
    ):
        assert counts(driver) == expected_counts(g)
        rows, _, _ = driver.execute_query(
            "MATCH (p:Paper)-[r:USES]->(m:Model {id: 'model:sdxl'}) RETURN r.mentions AS m, r.starts AS s"
        )
        assert rows and all(r["m"] and all(isinstance(x, int) for x in r["s"]) for r in rows)
        values, _, _ = driver.execute_query("MATCH (r:Result) RETURN r.id AS id, r.value AS v")
        assert {r["id"]: r["v"] for r in values} == {
            n: d["value"] for n, d in g.nodes(data=True) if d["type"] == NodeType.RESULT
        }


# Faults: the server is killed (SIGKILL) in the middle of a load, then restarted on the same store.


KG = [sys.executable, "-c", "from kg.cli import app; app(prog_name='kg')"]


def clean_env(**extra: str) -> dict[str, str]:
    """os.environ without the Neo4j password variables, plus `extra`."""
    keep = {k: v for k, v in os.environ.items() if k not in ("KG_NEO4J_PASSWORD", "NEO4J_PASSWORD")}
    return {**keep, **extra}


def kg_cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the `kg` command line in a fresh process, stdin not a terminal, no password in the environment
    unless `env` sets one."""
    return subprocess.run(
        [*KG, *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=clean_env(**(env or {})),
    )


def node_count(uri: str) -> int:
    with GraphDatabase.driver(uri, auth=None) as driver:
        rows, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n")
        return rows[0]["n"]


def test_server_killed_mid_load_then_rerun_on_the_same_store_completes(example_build, tmp_path):
    import neo4j_harness
    from conftest import free_port

    g, _, out = example_build
    home, port = tmp_path / "home", free_port()
    uri = f"bolt://127.0.0.1:{port}"
    n_batches = len([*node_batches(g, 100), *relationship_batches(g, 100)])
    assert g.number_of_nodes() > 300 and n_batches > 4
    proc = neo4j_harness.start_server(port, data_dir=str(home))
    try:
        # 1. In-process load: the server is killed for real after the third batch committed.
        calls = []

        def kill_after_three(done: int, total: int) -> None:
            calls.append(done)
            if len(calls) == 3:
                neo4j_harness.kill_server(proc)

        start = time.monotonic()
        with pytest.raises(KgError) as failed:
            impatient = Neo4jTarget(uri, connect_timeout=2, max_retry_time=2)
            load_graph(g, impatient, LoadOptions(batch_size=100), on_batch=kill_after_three)
        assert time.monotonic() - start < 30  # bounded retries, no hang
        message = str(failed.value)
        assert message.startswith(
            f"Neo4j at {uri} became unavailable during the load after 3 of {n_batches} batches; "
            "rerun to finish (loads are idempotent)"
        ), message
        assert "\n" not in message and len(calls) == 3
        assert proc.poll() is not None

        # 2. Same home, same port: the three committed batches survived the kill (recovery), nothing more.
        proc = neo4j_harness.start_server(port, data_dir=str(home))
        assert node_count(uri) == calls[-1] < g.number_of_nodes()

        # 3. The command line, killed from a thread once the load is under way: one line, exit 2.
        stop = threading.Event()

        def killer() -> None:
            with GraphDatabase.driver(uri, auth=None) as driver:
                while not stop.is_set():
                    rows, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n")
                    if rows[0]["n"] > 320:
                        neo4j_harness.kill_server(proc)
                        return
                    time.sleep(0.02)

        thread = threading.Thread(target=killer, daemon=True)
        thread.start()
        try:
            args = ["neo4j", "load", str(out), "--uri", uri, "--no-auth", "--batch-size", "5"]
            res = kg_cli(*args, "--connect-timeout", "2", "--retry-time", "2", timeout=120)
        finally:
            stop.set()
            thread.join(timeout=30)
        assert proc.poll() is not None, "the load finished before the server was killed"
        assert res.returncode == 2, res.stderr
        # the driver's retry notices, then the error
        *retries, last = [line for line in res.stderr.splitlines() if line.strip()]
        assert all(line.startswith("neo4j: ") for line in retries) and "Traceback" not in res.stderr, (
            res.stderr
        )
        found = re.search(
            r"became unavailable during the load after (\d+) of (\d+) batches; rerun to finish", last
        )
        assert last.startswith(f"error: Neo4j at {uri} ") and found, last
        assert 0 < int(found[1]) < int(found[2])

        # 4. Restarted on the same store again: the rerun completes, a third load creates nothing.
        proc = neo4j_harness.start_server(port, data_dir=str(home))
        assert node_count(uri) > 320
        res = kg_cli("neo4j", "load", str(out), "--uri", uri, "--no-auth", "--quiet")
        assert res.returncode == 0, res.stderr
        with GraphDatabase.driver(uri, auth=None) as driver:
            assert counts(driver) == expected_counts(g)
        res = kg_cli("neo4j", "load", str(out), "--uri", uri, "--no-auth", "--quiet")
        assert res.returncode == 0, res.stderr
        assert res.stderr.strip().endswith("created 0 nodes and 0 relationships"), res.stderr
        with GraphDatabase.driver(uri, auth=None) as driver:
            assert counts(driver) == expected_counts(g)
    finally:
        neo4j_harness.stop_server(proc)


# Secrets: the password never reaches the output, whatever goes wrong.

SECRET = "Zq9-kg-s3cret-PW"


def test_password_is_never_printed(example_build, neo4j, tmp_path):
    from conftest import free_port

    _, _, out = example_build
    uri, _, driver = neo4j
    closed = f"bolt://127.0.0.1:{free_port()}"  # nothing listens there
    runs = {
        "--password": kg_cli("neo4j", "load", str(out), "--uri", closed, "--password", SECRET),
        "env var": kg_cli("neo4j", "load", str(out), "--uri", closed, env={"KG_NEO4J_PASSWORD": SECRET}),
        "NEO4J_PASSWORD": kg_cli("neo4j", "load", str(out), "--uri", closed, env={"NEO4J_PASSWORD": SECRET}),
        "URI": kg_cli("neo4j", "load", str(out), "--uri", f"bolt://neo4j:{SECRET}@127.0.0.1:7687"),
        "neo4j URI": kg_cli(
            "neo4j",
            "load",
            str(out),
            "--uri",
            f"neo4j://neo4j:{SECRET}/x@localhost",
            "--password",
            "pw",
        ),
        # the test server runs without authentication and so accepts any credentials: a load that works
        "real server": kg_cli("neo4j", "load", str(out), "--uri", uri, env={"KG_NEO4J_PASSWORD": SECRET}),
        "help": kg_cli("neo4j", "load", "--help", env={"KG_NEO4J_PASSWORD": SECRET}),
    }
    for name, res in runs.items():
        assert SECRET not in res.stdout + res.stderr, name
        assert "Traceback" not in res.stderr, (name, res.stderr)
    for name in ("--password", "env var", "NEO4J_PASSWORD"):
        assert runs[name].returncode == 2
        assert runs[name].stderr.startswith(f"error: cannot reach Neo4j at {closed}: "), runs[name].stderr
        assert len(runs[name].stderr.strip().splitlines()) == 1, runs[name].stderr
    for name in ("URI", "neo4j URI"):
        assert runs[name].returncode == 2 and "credentials in the URI are not supported" in runs[name].stderr
        assert "://***@" in runs[name].stderr and "neo4j:" not in runs[name].stderr.split("://")[1]
    assert runs["real server"].returncode == 0, runs["real server"].stderr
    assert counts(driver) == expected_counts(example_build[0])
    assert runs["help"].returncode == 0 and "KG_NEO4J_PASSWORD" in runs["help"].stdout


def test_password_stays_out_of_the_driver_log_and_exceptions(neo4j, caplog):
    import logging

    uri, _, _ = neo4j
    g = hostile_graph("x")
    with caplog.at_level(logging.DEBUG, logger="neo4j"):
        load_graph(g, Neo4jTarget(uri, ("neo4j", SECRET)))  # auth is disabled on the test server: accepted
        with pytest.raises(KgError) as failed:
            load_graph(g, Neo4jTarget(f"bolt://neo4j:{SECRET}@127.0.0.1:1", ("neo4j", SECRET)))
    assert caplog.records and SECRET not in caplog.text
    assert SECRET not in str(failed.value) and failed.value.__cause__ is None


def test_without_a_password_the_cli_asks_only_on_a_terminal(example_build):
    import pty
    import select

    from conftest import free_port

    _, _, out = example_build
    res = kg_cli("neo4j", "load", str(out), timeout=30)  # stdin is not a terminal: no prompt, no hang
    assert res.returncode == 2 and res.stderr.startswith("error: no password: pass --password, set ")

    master, slave = pty.openpty()
    closed = f"bolt://127.0.0.1:{free_port()}"
    proc = subprocess.Popen(
        [*KG, "neo4j", "load", str(out), "--uri", closed, "--quiet"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        env=clean_env(),
    )
    os.close(slave)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        sent = False
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            if not sent and seen.endswith(b": "):  # the prompt is complete and echo is off: type
                os.write(master, SECRET.encode() + b"\n")
                sent = True
            if proc.poll() is not None and not ready:
                break
        assert proc.wait(timeout=30) == 2
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    text = seen.decode("utf-8", "replace")
    assert sent and "Neo4j password for neo4j" in text, text
    assert SECRET not in text and f"cannot reach Neo4j at {closed}" in text, text


def test_a_day_merged_with_update_reaches_neo4j_as_its_delta(neo4j, tmp_path):
    """The first load of day one, then only `delta.json` of `--update`: the database holds the
    graph of both days, node for node and property for property."""
    from conftest import DATA, EXAMPLE_DAY

    from kg.build import NO_EXPORTS, BuildOptions, build
    from kg.graph import load

    uri, auth, driver = neo4j
    build([DATA / "heldout_papers.jsonl"], tmp_path / "out", BuildOptions(exports=NO_EXPORTS))
    load_graph(load(tmp_path / "out"), Neo4jTarget(uri, auth))
    build([EXAMPLE_DAY], tmp_path / "out", BuildOptions(exports=NO_EXPORTS, update=True))
    load_graph(load(tmp_path / "out" / "delta.json"), Neo4jTarget(uri, auth))
    full = load(tmp_path / "out")
    assert counts(driver) == expected_counts(full)
    rows, _, _ = driver.execute_query(
        "MATCH (n:Entity) RETURN n.id AS id, n.name AS name, n.aliases AS aliases"
    )
    assert {r["id"]: (r["name"], sorted(r["aliases"] or [])) for r in rows} == {
        n: (d["name"], d["aliases"]) for n, d in full.nodes(data=True) if n in {r["id"] for r in rows}
    }
    assert len(rows) == sum(d["type"] in ENTITY_TYPES for _, d in full.nodes(data=True))


def test_an_entity_whose_type_changes_is_relabelled_not_duplicated(neo4j):
    uri, auth, driver = neo4j
    g = nx.MultiDiGraph()
    g.add_node("method:x", type=NodeType.METHOD, name="X", aliases=[], in_vocabulary=False)
    load_graph(g, Neo4jTarget(uri, auth))
    g.nodes["method:x"]["type"] = NodeType.DATASET  # later papers call it a dataset
    load_graph(g, Neo4jTarget(uri, auth))
    rows, _, _ = driver.execute_query("MATCH (n {id: 'method:x'}) RETURN labels(n) AS labels")
    assert [sorted(r["labels"]) for r in rows] == [["Dataset", "Entity"]]
