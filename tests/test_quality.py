"""Extraction quality measured by the project's scorer (`../shared/eval/score.py`), on the
development gold of the example day and on our own held-out annotation of 20 HF papers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import DATA, SHARED

from kg.build import RDF_NEO4J, BuildOptions, build

SCORER = SHARED / "eval" / "score.py"
pytestmark = pytest.mark.skipif(not SCORER.exists(), reason="../shared/eval/score.py not present")


def score(gold, graph) -> dict:
    out = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(gold), "--graph", str(graph), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


def test_dev_gold_floor(example_build):
    _, _, out = example_build
    s = score(SHARED / "gold" / "dev.jsonl", out / "graph.json")
    assert s["papers_missing"] == 0
    assert s["core_strict"]["f1"] >= 0.92 and s["core_strict"]["p"] >= 0.92
    assert s["by_type"]["Metric"]["f1"] >= 0.70
    assert s["roles"]["proposes"]["f1"] >= 0.90
    # linking counts, for each entity, the pairs of papers that name it on one node: a paper that
    # misses it costs recall; a false merge would cost precision, and there is none
    assert s["linking"]["f1"] >= 0.94 and s["linking"]["p"] == 1.0
    assert s["results"]["f1"] >= 0.75
    assert s["code"]["f1"] == 1.0


def test_heldout_gold_floor(tmp_path):
    build([DATA / "heldout_papers.jsonl"], tmp_path, BuildOptions(exports=RDF_NEO4J))
    s = score(DATA / "heldout_gold.jsonl", tmp_path / "graph.json")
    assert s["papers_missing"] == 0
    assert s["core_strict"]["f1"] >= 0.85
    # this gold lists the code links of the abstracts; the records' own `code_url` (HF's repository
    # field) are code links too, which it does not list
    assert s["code"]["r"] == 1.0
