"""Hostile strings end to end (issue 9): one corpus of quotes, backslashes, markup, Cypher, templates,
bidi marks, emoji and combining marks, built once, then read back through every export and loader.

The readers fold runs of white space (newlines, tabs) into one space by design, so the round trip
checked is graph.json -> each export -> back, exactly.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from conftest import DATA, hostile_graph

from kg.build import ALL_EXPORTS, BuildOptions, build
from kg.exporters.html import DEFAULT_TYPES, short_label
from kg.exporters.neo4j import ARRAY_DELIMITER, NODE_FIELDS, split_script, write_neo4j
from kg.exporters.rdf import FORMATS, parse_rdf, read_rdf, serialize
from kg.graph import load
from kg.sparql import open_store, run
from kg.validation import validate

CORPUS = DATA / "hostile_papers.jsonl"
# characters no IRI may hold (RFC 3987), besides white space and controls
NOT_IN_IRI = re.compile(r'[\s<>"{}|^`\\\x00-\x1f\x7f]')
# every kind of hostile character the corpus puts into entity names, and the entities holding them
HOSTILE_ENTITIES = {
    "quotes": 'Q"""Net<script>window.__pwned=2</script>',
    "cypher": "Bar'}) DETACH DELETE //Net",
    "backslash": "Back\\Slash\\Net",
    "trailing backslash": "TrailNet\\",
    "escaped quotes": "Esc\\'\"Net",
    "template": "Tmpl{$param}{}Net",
    "markup": "<Img Src=X Onerror=window.__pwned=1>",
    "comment in script": "Com<!--<script>Net",
    "entities": "Amp&amp;Net&lt;b&gt;",
    "emoji and rlm": "Rocket\U0001f680Diffusion\u200f",
    "combining": "Cafe\u0301Net",
}


def records() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").split("\n") if line.strip()]


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory):
    """The corpus built once: (graph.json as a graph, report, output folder)."""
    out = tmp_path_factory.mktemp("hostile") / "out"
    report = build([CORPUS], out, BuildOptions(exports=ALL_EXPORTS))
    return load(out / "graph.json"), report, out


def canonical(g: nx.MultiDiGraph) -> tuple:
    nodes = sorted((n, json.dumps(d, sort_keys=True)) for n, d in g.nodes(data=True))
    edges = sorted((u, v, k, json.dumps(d, sort_keys=True)) for u, v, k, d in g.edges(keys=True, data=True))
    return nodes, edges


def entity_id(g: nx.MultiDiGraph, name: str) -> str:
    (node,) = [n for n, d in g.nodes(data=True) if d["type"] != "Paper" and d["name"] == name]
    return node


def papers_naming(g: nx.MultiDiGraph, node: str) -> set[str]:
    return {g.nodes[u]["title"] for u, _ in g.in_edges(node) if g.nodes[u]["type"] == "Paper"}


# ---- the corpus and the build ----


def test_every_record_is_built(hostile_build):
    g, report, _ = hostile_build
    assert report.skipped == 0 and report.duplicates == 0
    assert report.papers == len(records()) == sum(1 for _, d in g.nodes(data=True) if d["type"] == "Paper")
    assert (report.nodes, report.edges) == (g.number_of_nodes(), g.number_of_edges())


def test_hostile_strings_reach_ids_titles_authors_and_entity_names(hostile_build):
    g, _, _ = hostile_build
    by_id = {n[len("paper:") :]: d for n, d in g.nodes(data=True) if d["type"] == "Paper"}
    for record in records():
        paper = by_id[record["id"]]  # ids are kept as given, spaces, `>`, `"`, `{}` and all
        assert paper["title"] == " ".join(record["title"].split())
        assert paper["authors"] == [" ".join(a.split()) for a in record.get("authors", [])]
    for name in HOSTILE_ENTITIES.values():  # each is an entity node, named by at least one paper
        assert papers_naming(g, entity_id(g, name))
    aliases = {a for _, d in g.nodes(data=True) for a in d.get("aliases", [])}
    assert {"Dollar $param Brace {} Network", "Cafe\u0301 Accent Fusion"} <= aliases
    assert "paper:cafe\u0301" in g and "paper:caf\u00e9" in g  # NFD and NFC ids stay two papers


# ---- RDF: Turtle, N-Triples, JSON-LD; rdflib, pySHACL, Oxigraph ----


@pytest.fixture(scope="module", params=sorted(FORMATS))
def rdf_file(request, hostile_build, tmp_path_factory) -> Path:
    """graph.ttl as the build wrote it, and N-Triples and JSON-LD serialized from graph.json."""
    g, _, out = hostile_build
    if request.param == "ttl":
        return out / "graph.ttl"
    path = tmp_path_factory.mktemp("rdf") / f"graph.{request.param}"
    path.write_bytes(serialize(g, request.param))
    return path


def test_rdf_round_trips_exactly(hostile_build, rdf_file):
    g, _, _ = hostile_build
    assert canonical(read_rdf(parse_rdf(rdf_file))) == canonical(g)


def test_rdf_iris_are_valid(hostile_build, rdf_file):
    g, _, _ = hostile_build
    rdf = parse_rdf(rdf_file)
    iris = {str(term) for triple in rdf for term in triple if isinstance(term, rdflib.URIRef)}
    assert len(iris) > g.number_of_nodes()
    assert [i for i in iris if NOT_IN_IRI.search(i) or not i.startswith(("http://", "https://"))] == []


def test_rdf_conforms_to_the_shapes(hostile_build):
    _, _, out = hostile_build
    assert validate(parse_rdf(out / "graph.ttl")) == []


def test_strict_sparql_store_returns_exact_names(hostile_build):
    """Oxigraph's parser rejects any IRI rdflib might let through; its answers are the exact strings."""
    g, _, out = hostile_build
    store = open_store(out / "graph.ttl")
    rows = run(
        store,
        "SELECT ?id ?name WHERE { ?s <https://w3id.org/mlkg/ontology#nodeId> ?id . "
        "?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?name }",
    ).rows
    assert {r["id"]: r["name"] for r in rows} == {n: d["name"] for n, d in g.nodes(data=True)}


# ---- kg query ----


def kg_query(out: Path, *args: str) -> object:
    cli = subprocess.run(
        [sys.executable, "-m", "kg.cli", "query", str(out), *args, "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    assert cli.returncode == 0, cli.stderr
    return json.loads(cli.stdout)


@pytest.mark.parametrize("kind", ["quotes", "escaped quotes", "combining"])
def test_kg_query_finds_hostile_entities_by_exact_name(hostile_build, kind):
    g, _, out = hostile_build
    name = HOSTILE_ENTITIES[kind]
    node = entity_id(g, name)
    entity = kg_query(out, "entity", name)
    assert (entity["id"], entity["name"]) == (node, name)
    assert {t for titles in entity["papers"].values() for t in titles} == papers_naming(g, node)
    papers = kg_query(out, "papers", name)
    assert {p["title"] for p in papers} == papers_naming(g, node)
    assert {p["paper"] for p in papers} == {u for u, _ in g.in_edges(node) if g.nodes[u]["type"] == "Paper"}


# ---- Neo4j: the Bolt loader and import.cypher, on the real server ----


@pytest.fixture
def neo4j(neo4j_server):
    """An empty database on the session's server: (uri, auth, driver)."""
    from neo4j import GraphDatabase

    uri, auth = neo4j_server
    with GraphDatabase.driver(uri, auth=auth) as driver:
        driver.execute_query("MATCH (n) DETACH DELETE n")
        yield uri, auth, driver


def stored(driver) -> tuple[dict, dict]:
    """Every node's properties by id, and every relationship's properties by (start, type, end)."""
    nodes, _, _ = driver.execute_query("MATCH (n) RETURN n.id AS id, properties(n) AS p, labels(n) AS l")
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p"
    )
    by_node = {r["id"]: (r["p"], sorted(r["l"])) for r in nodes}
    by_rel = {(r["a"], r["t"], r["b"]): r["p"] for r in rels}
    assert len(by_node) == len(nodes) and len(by_rel) == len(rels)  # no two share a key
    return by_node, by_rel


def assert_stored_exactly(driver, g: nx.MultiDiGraph, empty_lists: bool = True) -> None:
    """Every node and relationship of `g` is in the database, with the same strings, and no more.

    The bulk importer stores no property for an empty array: `empty_lists=False` expects none.
    """
    by_node, by_rel = stored(driver)
    assert len(by_node) == g.number_of_nodes() and len(by_rel) == g.number_of_edges()
    for node, data in g.nodes(data=True):
        props, labels = by_node[node]
        expected = {
            k: data[k] for k in NODE_FIELDS if data.get(k) is not None and (empty_lists or data[k] != [])
        }
        assert {k: v for k, v in props.items() if k in NODE_FIELDS} == expected, node
        assert data["type"] in labels
        for key in ("name", "title", "abstract"):
            assert props.get(key) == data.get(key), (node, key)
    for u, v, data in g.edges(data=True):
        props = by_rel[(u, data["type"], v)]
        assert props.get("mentions") == data.get("mentions"), (u, v)
        assert props.get("sentences") == ([e["sentence"] for e in data.get("evidence") or []] or None), (u, v)


@pytest.mark.slow
def test_bolt_load_stores_every_string_verbatim(hostile_build, neo4j):
    g, _, _ = hostile_build
    uri, auth, driver = neo4j
    summary = load_graph_from(g, uri, auth)
    assert (summary.nodes_created, summary.relationships_created) == (
        g.number_of_nodes(),
        g.number_of_edges(),
    )
    assert_stored_exactly(driver, g)
    load_graph_from(g, uri, auth)  # again: MERGE on the hostile ids finds every node
    assert_stored_exactly(driver, g)


def load_graph_from(g: nx.MultiDiGraph, uri: str, auth: tuple[str, str]):
    from kg.exporters.neo4j_bolt import LoadOptions, Neo4jTarget, load_graph

    small = LoadOptions(batch_size=3)  # small batches: many statements, many rows
    return load_graph(g, Neo4jTarget(uri, auth), small)


@pytest.mark.slow
def test_import_cypher_stores_every_string_verbatim(hostile_build, neo4j):
    g, _, out = hostile_build
    _, _, driver = neo4j
    statements = split_script((out / "neo4j" / "import.cypher").read_text(encoding="utf-8"))
    assert statements
    for _ in range(2):  # the script is idempotent, and no `DETACH DELETE` in it ever runs
        with driver.session() as session:
            for statement in statements:
                session.run(statement).consume()
        assert_stored_exactly(driver, g)


@pytest.mark.slow
def test_bulk_csv_import_stores_every_string_verbatim(hostile_build, tmp_path):
    """`neo4j-admin database import full` on the CSVs, then served: the same nodes, edges and strings."""
    import neo4j_harness
    from conftest import free_port
    from neo4j import GraphDatabase

    g, _, out = hostile_build
    with (
        neo4j_harness.imported_server(str(out / "neo4j"), str(tmp_path / "home"), free_port()) as uri,
        GraphDatabase.driver(uri, auth=neo4j_harness.AUTH) as driver,
    ):
        assert_stored_exactly(driver, g, empty_lists=False)


def read_csv_export(folder: Path) -> tuple[dict, dict]:
    """The neo4j/ CSVs read back as the importer reads them: node properties by id, relationship
    properties by (start, type, end); arrays split at the delimiter, empty cells absent."""

    def rows(pattern: str) -> Iterator[dict]:
        for path in sorted(folder.glob(pattern)):
            with open(path, encoding="utf-8", newline="") as f:
                yield from csv.DictReader(f)

    def props(row: dict) -> dict:
        out = {}
        for column, cell in row.items():
            key, _, kind = column.partition(":")
            if key and cell != "":
                out[key] = cell.split(ARRAY_DELIMITER) if kind.endswith("[]") else cell
        return out

    nodes = {row["id:ID(Node)"]: props(row) for row in rows("nodes_*.csv")}
    rels = {(r[":START_ID(Node)"], r[":TYPE"], r[":END_ID(Node)"]): props(r) for r in rows("rels_*.csv")}
    return nodes, rels


def test_neo4j_csv_files_read_back_exactly(hostile_build):
    g, _, out = hostile_build
    nodes, rels = read_csv_export(out / "neo4j")
    assert len(nodes) == g.number_of_nodes() and len(rels) == g.number_of_edges()
    for node, data in g.nodes(data=True):
        for key in ("name", "title", "abstract", "url", "authors", "aliases"):
            assert nodes[node].get(key) == (data.get(key) or None), (node, key)
    for u, v, data in g.edges(data=True):
        props = rels[(u, data["type"], v)]
        assert props.get("mentions") == data.get("mentions"), (u, v)
        assert props.get("sentences") == ([e["sentence"] for e in data.get("evidence") or []] or None), (u, v)


def test_array_values_holding_the_array_delimiter_survive_the_csv_export(tmp_path):
    text = "A | B ||"
    write_neo4j(hostile_graph(text, abstract=text, authors=[text], source="x"), tmp_path / "neo4j")
    nodes, rels = read_csv_export(tmp_path / "neo4j")
    assert nodes["paper:h"]["authors"] == [text]
    assert nodes["method:h"]["aliases"] == [text]
    assert rels[("paper:h", "USES", "method:h")]["mentions"] == [text]


# ---- the HTML page in a real Chromium ----

CHROMIUM = Path("/usr/bin/chromium")
CANARY = "window.__pwned"  # what any injected onerror or script in the corpus would set


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("no chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield b
        b.close()


# elements in the page's panel that are not of those it builds for text and links
PANEL_MARKUP = (
    "document.querySelectorAll('#kg-panel :not(div, a, span, h2, h3, mark, button, table, tr, td)').length"
)


@pytest.mark.slow
def test_html_page_shows_every_string_and_runs_nothing(hostile_build, browser):
    g, _, out = hostile_build
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))  # file: too: `<img src=x>` would load ./x
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    url = (out / "graph.html").resolve().as_uri()
    page.goto(url)
    page.wait_for_function("window.kgStable === true", timeout=60_000)

    # the page shows papers and entities (results and comparisons are details of their paper)
    g = g.subgraph([n for n, d in g.nodes(data=True) if d["type"] in DEFAULT_TYPES])
    assert page.evaluate("nodes.length") == g.number_of_nodes()
    assert page.evaluate("edges.length") == g.number_of_edges()
    # every node carries its name; those with room for a label on the canvas carry a short one
    shown = page.evaluate("nodes.get().map(n => [n.id, n.label === undefined ? null : n.label, n.name])")
    assert {n: name for n, _, name in shown} == {n: d["name"] for n, d in g.nodes(data=True)}
    assert all(label in (None, short_label(g.nodes[n], n)) for n, label, _ in shown)
    assert any(label for _, label, _ in shown)
    for name in HOSTILE_ENTITIES.values():  # search by the exact name finds the node, and its panel
        page.fill("#kg-search", name)
        node = entity_id(g, name)
        assert page.evaluate("window.kgFound") == node, name
        assert page.text_content("#kg-panel h2") == name  # the panel shows the name as text
    for node in g:  # every panel (papers, entities) holds text and links only
        page.evaluate("id => kgGo(id)", node)
        assert page.evaluate(PANEL_MARKUP) == 0, node
    page.click("#kg-panel .kg-close")  # the panel covers the right of the network
    page.evaluate("network.fit({animation: false})")
    for node in g:  # hover every node: its tooltip shows its name, as text
        x, y = page.evaluate(
            "id => { const p = network.canvasToDOM(network.getPositions([id])[id]);"
            " const r = document.querySelector('canvas').getBoundingClientRect();"
            " return [r.left + p.x, r.top + p.y]; }",
            node,
        )
        page.mouse.move(x, y)
        page.wait_for_function(
            "id => { const tip = document.querySelector('div.vis-tooltip');"
            " return tip && tip.style.visibility !== 'hidden' && tip.firstChild === nodes.get(id).title; }",
            arg=node,
            timeout=5_000,
        )
        assert (
            page.evaluate("id => nodes.get(id).title.firstChild.textContent", node) == g.nodes[node]["name"]
        )
        tip_markup = "document.querySelector('div.vis-tooltip').querySelectorAll(':not(div, a, br)').length"
        assert page.evaluate(tip_markup) == 0, node
    assert page.evaluate(f"typeof {CANARY}") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert errors == [] and dialogs == [] and requests == [url]
