"""RDF at scale and in a real triple store (slow: run with `pytest -m slow`)."""

from __future__ import annotations

import itertools
import json
import urllib.parse
import urllib.request

import pytest
import rdflib
from conftest import SHARED
from test_rdf import canonical

from kg import queries
from kg.build import RDF_NEO4J, BuildOptions, build
from kg.exporters.rdf import FORMATS, parse_rdf, push, read_rdf, serialize
from kg.graph import load
from kg.sparql import bind, named_query
from kg.validation import validate

pytestmark = pytest.mark.slow
HF = SHARED / "corpora" / "hf_daily_papers.jsonl"


def sparql_over_http(url: str, query: str) -> list[dict]:
    request = urllib.request.Request(
        f"{url}/query",
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={
            "Accept": "application/sparql-results+json",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        data = json.load(response)
    rows = []
    for binding in data["results"]["bindings"]:
        row = {}
        for key, term in binding.items():
            value = term["value"]
            if term.get("datatype", "").endswith("#double"):
                value = float(value)
            row[key] = value
        rows.append(row)
    return rows


def test_graph_loads_into_a_real_store_and_answers_like_kg_query(example_build, oxigraph_server):
    g, _, _ = example_build
    assert push(g, f"{oxigraph_server}/store") > 0
    count = sparql_over_http(oxigraph_server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(count[0]["n"]) == len(rdflib.Graph().parse(data=serialize(g, "nt"), format="nt"))
    rows = sparql_over_http(oxigraph_server, bind(named_query("papers_using"), {"name": "SDXL"}))
    assert sorted((r["title"], r["role"]) for r in rows) == sorted(
        (u.title, u.role) for u in queries.papers_using(g, "SDXL")
    )
    rows = sparql_over_http(
        oxigraph_server, bind(named_query("results_for_dataset"), {"dataset": "MS COCO 2014-30k"})
    )
    assert [(r["title"], r["value"]) for r in rows] == [
        (e.title, e.value) for e in queries.results_for_dataset(g, "MS COCO 2014-30k")
    ]
    rows = sparql_over_http(oxigraph_server, named_query("hardware_per_paper"))
    assert [(r["title"], r["hardware"]) for r in rows] == queries.hardware_per_paper(g)
    # a named graph, replaced on a second push rather than added to
    push(g, f"{oxigraph_server}/store", "https://example.org/day")
    push(g, f"{oxigraph_server}/store", "https://example.org/day")
    named = sparql_over_http(
        oxigraph_server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/day> { ?s ?p ?o } }"
    )
    assert named[0]["n"] == count[0]["n"]


@pytest.mark.skipif(not HF.exists(), reason="HF corpus not present")
def test_first_thousand_hf_papers_export_validate_round_trip_and_serve(tmp_path, oxigraph_server):
    src = tmp_path / "hf1000.jsonl"
    with open(HF, encoding="utf-8") as f:
        src.write_text("".join(itertools.islice(f, 1000)), encoding="utf-8")
    report = build([src], tmp_path / "out", BuildOptions(exports=RDF_NEO4J))
    g = load(tmp_path / "out" / "graph.json")
    assert report.papers == 1000
    for fmt in FORMATS:
        path = tmp_path / f"graph.{fmt}"
        path.write_bytes(serialize(g, fmt))
        rdf = parse_rdf(path)
        if fmt == "ttl":
            assert validate(rdf) == []
        assert canonical(read_rdf(rdf)) == canonical(g), fmt
    push(g, f"{oxigraph_server}/store", "https://example.org/hf1000")
    for name in ("LLaMA", "GPT-4o", "LoRA"):
        query = (
            bind(named_query("papers_using"), {"name": name})
            .replace("WHERE {", "WHERE { GRAPH <https://example.org/hf1000> {", 1)
            .replace("}\nORDER BY", "} }\nORDER BY", 1)
        )
        rows = sparql_over_http(oxigraph_server, query)
        assert rows and sorted((r["title"], r["role"]) for r in rows) == sorted(
            (u.title, u.role) for u in queries.papers_using(g, name)
        ), name
