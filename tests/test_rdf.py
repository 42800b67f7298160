"""RDF: three syntaxes, SHACL, an exact round trip, SPARQL that agrees with the Python queries."""

from __future__ import annotations

import json
import subprocess
import sys

import networkx as nx
import pytest
import rdflib
from conftest import ROOT

from kg import queries
from kg.build import RDF_NEO4J, BuildOptions, build
from kg.exporters.rdf import FORMATS, iri, parse_rdf, read_rdf, serialize, to_rdf
from kg.graph import load
from kg.sparql import bind, named_query, open_store, run
from kg.validation import validate


def canonical(g: nx.MultiDiGraph) -> tuple:
    nodes = sorted((n, json.dumps(d, sort_keys=True)) for n, d in g.nodes(data=True))
    edges = sorted((u, v, k, json.dumps(d, sort_keys=True)) for u, v, k, d in g.edges(keys=True, data=True))
    return nodes, edges


@pytest.mark.slow
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_syntax_parses_and_round_trips_exactly(example_build, tmp_path, fmt):
    g, _, _ = example_build
    path = tmp_path / f"graph.{fmt}"
    path.write_bytes(serialize(g, fmt))
    rdf = rdflib.Graph().parse(path, format=FORMATS[fmt])
    assert len(rdf) > 10_000
    assert canonical(read_rdf(parse_rdf(path))) == canonical(g)


@pytest.mark.slow
def test_build_output_conforms_to_the_shapes(example_build):
    _, _, out = example_build
    assert validate(parse_rdf(out / "graph.ttl")) == []


@pytest.mark.slow
def test_shapes_catch_a_broken_graph(example_build, tmp_path):
    g, _, _ = example_build
    rdf = to_rdf(g)
    paper = next(iter(rdf.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/mlkg/ontology#Paper"))))
    rdf.remove((paper, rdflib.namespace.DCTERMS.title, None))
    broken = tmp_path / "broken.ttl"
    rdf.serialize(broken, format="turtle")
    violations = validate(parse_rdf(broken))
    assert len(violations) == 1 and violations[0].focus == str(paper)
    cli = subprocess.run(
        [sys.executable, "-m", "kg.cli", "validate", str(broken)], capture_output=True, text=True
    )
    assert cli.returncode == 1 and "violation" in cli.stdout
    _, _, out = example_build
    command = [sys.executable, "-m", "kg.cli", "validate", str(out)]
    ok = subprocess.run(command, capture_output=True, text=True)
    assert ok.returncode == 0 and "triples of graph.ttl conform to the SHACL shapes" in ok.stdout


def test_papers_with_an_arxiv_id_get_identifier_and_link(tmp_path):
    src = ROOT / "tests" / "data" / "heldout_papers.jsonl"
    build([src], tmp_path, BuildOptions(exports=RDF_NEO4J))
    g = load(tmp_path / "graph.json")
    rdf = to_rdf(g)
    paper = (
        iri("paper:2405.14906")
        if "paper:2405.14906" in g
        else iri(next(n for n in g if n.startswith("paper:")))
    )
    ident = rdf.value(paper, rdflib.namespace.DCTERMS.identifier)
    assert ident is not None and str(ident).startswith("arXiv:")
    assert (paper, rdflib.RDFS.seeAlso, rdflib.URIRef("https://arxiv.org/abs/" + str(ident)[6:])) in rdf


HOSTILE = 'Tab\there "quotes" \\backslash\\ <script>alert(1)</script> > spaces émoji 🚀 \u200f'


def test_hostile_strings_make_valid_iris_and_exact_literals(tmp_path):
    g = nx.MultiDiGraph()
    pid = 'paper:x y>z"{}\\|^`'
    g.add_node(
        pid,
        type="Paper",
        name=HOSTILE,
        title=HOSTILE,
        aliases=[],
        abstract=HOSTILE + "\nline",
        published=None,
        listing_date=None,
        url=None,
        authors=['A "B"', "C\\D"],
        code_url=None,
        source="s",
    )
    g.add_node(
        "method:a b>c",
        type="Method",
        name=HOSTILE,
        aliases=sorted([HOSTILE, "'}) DETACH DELETE n //"]),
        in_vocabulary=False,
    )
    g.add_edge(
        pid,
        "method:a b>c",
        key="USES",
        type="USES",
        mentions=[HOSTILE],
        evidence=[
            {
                "field": "abstract",
                "start": 0,
                "end": 5,
                "mention": HOSTILE,
                "sentence": HOSTILE,
                "sentence_start": 0,
            }
        ],
    )
    for fmt in FORMATS:
        path = tmp_path / f"hostile.{fmt}"
        path.write_bytes(serialize(g, fmt))
        assert canonical(read_rdf(parse_rdf(path))) == canonical(g), fmt
    nt = tmp_path / "hostile.nt"
    store = open_store(nt)  # Oxigraph's strict parser accepts the IRIs
    rows = run(store, "SELECT ?t WHERE { ?p <http://purl.org/dc/terms/title> ?t }").rows
    assert rows == [{"t": HOSTILE}]


def test_sparql_queries_agree_with_the_python_queries(example_build):
    g, _, out = example_build
    store = open_store(out)
    for name in ("SDXL", "Stable Diffusion", "LoRA"):
        rows = run(store, bind(named_query("papers_using"), {"name": name})).rows
        expected = queries.papers_using(g, name)
        assert sorted((r["title"], r["role"]) for r in rows) == sorted((u.title, u.role) for u in expected)
        assert rows
    for name in ("Diffusion-DPO", "LoRA", "SDXL"):
        rows = run(store, bind(named_query("compared_with"), {"name": name})).rows
        expected = queries.compared_with(g, name)
        assert [(r["otherName"], r["direction"], r["title"]) for r in rows] == [
            (c.name, c.direction, c.title) for c in expected
        ]
    rows = run(store, bind(named_query("results_for_dataset"), {"dataset": "MS COCO 2014-30k"})).rows
    expected = queries.results_for_dataset(g, "MS COCO 2014-30k")
    assert rows and [(r["title"], r["value"]) for r in rows] == [(e.title, e.value) for e in expected]
    rows = run(store, named_query("hardware_per_paper")).rows
    assert rows and [(r["title"], r["hardware"]) for r in rows] == queries.hardware_per_paper(g)


@pytest.mark.slow
def test_import_rdf_cli_writes_the_same_graph(example_build, tmp_path):
    g, _, out = example_build
    cli = subprocess.run(
        [sys.executable, "-m", "kg.cli", "import", "rdf", str(out / "graph.ttl"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 0, cli.stderr
    from kg.graph import load

    assert canonical(load(tmp_path / "graph.json")) == canonical(g)


def test_import_rdf_refuses_a_build_folder(example_build, tmp_path):
    _, _, out = example_build
    (tmp_path / "state.json").write_text("{}", encoding="utf-8")  # a build's folder, as `kg build` leaves it
    (tmp_path / "graph.json").write_text("the build's graph", encoding="utf-8")
    cli = subprocess.run(
        [sys.executable, "-m", "kg.cli", "import", "rdf", str(out / "graph.ttl"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 2 and "holds a `kg build` (state.json)" in cli.stderr, cli.stderr
    assert (tmp_path / "graph.json").read_text(encoding="utf-8") == "the build's graph"


def test_cli_sparql_named_query_and_bad_query(example_build):
    _, _, out = example_build
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg.cli",
            "sparql",
            str(out),
            "-q",
            "papers_using",
            "-p",
            "name=SDXL",
            "--json",
        ],
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and len(json.loads(ok.stdout)) >= 3
    bad = subprocess.run(
        [sys.executable, "-m", "kg.cli", "sparql", str(out), "SELEC nothing"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "bad SPARQL" in bad.stderr
