"""A smoke test of benchmarks/scale.py on the real HF corpus (9,877 papers, the "10k subset")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "hf_daily_papers.jsonl"
SCRIPT = ROOT / "benchmarks" / "scale.py"

RATE_ROWS = ["kg extract_paper", "kg Vocabulary.find"]
STEP_ROWS = [
    "kg build (",
    "kg build --update",
    "kg query papers A100",
    "kg query top --by pagerank",
    "kg query path",
    "kg query similar",
    "kg export rdf --format nt",
    "kg export neo4j",
]
GRAPH_ROWS = ["papers", "nodes", "edges", "graph.json MB"]


def number(cell: str) -> float:
    return float(cell.strip().replace(",", ""))


def table_rows(text: str) -> dict[str, list[str]]:
    """Every Markdown table row of `text`, by its first cell."""
    rows = {}
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


def row(rows: dict[str, list[str]], prefix: str) -> list[str]:
    found = [cells for name, cells in rows.items() if name.startswith(prefix)]
    assert len(found) == 1, f"no single row {prefix!r} in {list(rows)}"
    return found[0]


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_file(), reason="needs ../shared/corpora")
def test_scale_benchmark_smoke(tmp_path):
    cmd = [sys.executable, str(SCRIPT), "--corpus", "hf", "--workers", "2"]
    cmd += ["--skip-spacy", "--no-save", "--timeout", "240", "--out", str(tmp_path / "out")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    text = done.stdout
    assert "hf_daily_papers.jsonl, 9,877 papers" in text
    assert "kg commit " in text and "cores" in text
    rows = table_rows(text)

    for name in RATE_ROWS:
        abstracts, seconds, per_second, _ = row(rows, name)
        assert number(abstracts) == 9877 and number(seconds) > 0 and number(per_second) > 0
    assert "skipped" in row(rows, "spaCy EntityRuler")[-1]

    for name in STEP_ROWS:
        status, wall, rss_all, rss_main, _ = row(rows, name)
        assert status == "ok"
        assert number(wall) > 0 and number(rss_all) >= number(rss_main) > 0
    assert "read+extract+resolve" in row(rows, "kg build (")[-1]
    assert "graph.db" in row(rows, "kg build --update")[-1]

    papers, nodes, edges, size = (number(row(rows, name)[0]) for name in GRAPH_ROWS)
    assert papers > 1900 and nodes > papers and edges > 0 and size > 0
    assert (tmp_path / "out" / "graph.nt").stat().st_size > 0


@pytest.mark.slow
def test_no_pattern_backtracks_and_extraction_stays_linear():
    """benchmarks/regex_guard.py: every regex under its bound on adversarial text, extraction
    linear in the abstract's length, a 5 MB abstract rejected. Bounded by its own child timeouts."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "regex_guard.py")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("ok  ") == 3
