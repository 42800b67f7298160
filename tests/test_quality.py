"""Extraction quality on the development gold set, measured by the project's scorer."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import SHARED

SCORER = SHARED / "eval" / "score.py"
pytestmark = pytest.mark.skipif(not SCORER.exists(), reason="../shared/eval/score.py not present")


def score(gold, graph) -> dict:
    import json

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
    assert s["core_strict"]["f1"] >= 0.60
    assert s["linking"]["f1"] >= 0.80
    assert s["code"]["f1"] == 1.0
