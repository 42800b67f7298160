"""Builds that lose nothing: bad records skipped and reported, outputs never half-written, and
the same graph from every engine."""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import DATA, EXAMPLE_DAY, SHARED

from kg.build import NO_EXPORTS, BuildOptions, build
from kg.build import _previous_state as previous_state
from kg.errors import InputError

HF = SHARED / "corpora" / "hf_daily_papers.jsonl"
needs_hf = pytest.mark.skipif(not HF.exists(), reason="no HF corpus in ../shared/corpora")

BAD_LINES = [  # (line, the reason the report gives)
    (b'{"id": "x1", "title": "Cut off', "invalid JSON"),
    (b'{"id": "x2", "title": "No abstract", "abstract": ""}', "empty abstract"),
    (b'{"id": "x3", "abstract": "An abstract without a title."}', "no title"),
    (b'{"id": "x4", "title": "Latin-1 \xe9", "abstract": "Bytes that are not UTF-8."}', "not UTF-8"),
    (b'["a", "list", "not", "a", "record"]', "expected a JSON object"),
    (b'{"id": "x6", "title": {"nested": 1}, "abstract": "A title that is an object."}', "no title"),
    (b"\x00\x01\x02 binary junk", "invalid JSON"),
    (b'{"id": "x8", "title": "Huge", "abstract": "' + b"word " * 30000 + b'"}', "abstract too long"),
]


def graph_without_sources(out):
    """graph.json as sets, leaving out each paper's `source` (its line number moves)."""
    data = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    nodes = {n["id"]: {k: v for k, v in n.items() if k != "source"} for n in data["nodes"]}
    return nodes, sorted(json.dumps(e, sort_keys=True) for e in data["edges"])


@pytest.mark.slow
@needs_hf
def test_one_percent_bad_records_are_reported_and_every_good_one_is_built(tmp_path):
    good = HF.read_bytes().splitlines()
    rng = random.Random(9)
    dirty, injected = list(good), []
    for i in sorted(rng.sample(range(len(good)), len(good) // 100), reverse=True):
        line, reason = BAD_LINES[i % len(BAD_LINES)]
        dirty.insert(i, line)
        injected.append(reason)
    dirty_file = tmp_path / "dirty.jsonl"
    dirty_file.write_bytes(b"\n".join(dirty) + b"\n")

    clean = build([HF], tmp_path / "clean", BuildOptions(exports=NO_EXPORTS, workers=2))
    report = build([dirty_file], tmp_path / "dirty", BuildOptions(exports=NO_EXPORTS, workers=2))

    assert report.papers == clean.papers == len(good)
    assert report.skipped == len(injected) == len(good) // 100
    for reason in set(injected):
        assert report.skipped_by_reason.get(reason) == injected.count(reason), reason
    bad_lines = {i + 1 for i, line in enumerate(dirty) if line not in set(good)}
    assert {r.line for r in report.skipped_records} == bad_lines
    assert graph_without_sources(tmp_path / "dirty") == graph_without_sources(tmp_path / "clean")


def test_strict_stops_at_the_first_bad_record(tmp_path):
    src = tmp_path / "two.jsonl"
    src.write_bytes(b'{"id": "1", "title": "A", "abstract": "We use SDXL."}\n' + BAD_LINES[3][0] + b"\n")
    with pytest.raises(InputError, match=r"two.jsonl:2: not UTF-8"):
        build([src], tmp_path / "out", BuildOptions(strict=True))
    assert not (tmp_path / "out" / "graph.json").exists()


def _outputs_are_whole(out) -> None:
    """Every output parses; graph.json and state.json belong together or --update says so."""
    from pyoxigraph import RdfFormat, parse

    data = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    assert sum(n["type"] == "Paper" for n in data["nodes"]) == 78
    with open(out / "graph.ttl", "rb") as f:
        assert sum(1 for _ in parse(f, format=RdfFormat.TURTLE)) > 10_000
    cypher = (out / "neo4j" / "import.cypher").read_text(encoding="utf-8")
    assert cypher.endswith(";\n") and (out / "neo4j" / "nodes_Paper.csv").exists()
    assert "</html>" in (out / "graph.html").read_text(encoding="utf-8")
    json.loads((out / "report.json").read_text(encoding="utf-8"))
    db = sqlite3.connect(out / "graph.db")
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("SELECT count(*) FROM nodes WHERE type = 'Paper'").fetchone() == (78,)
    db.close()


@pytest.mark.slow
def test_a_build_killed_at_any_moment_leaves_the_previous_outputs_whole(tmp_path):
    out = tmp_path / "out"
    command = [sys.executable, "-m", "kg.cli", "build", str(EXAMPLE_DAY), "--out", str(out), "--quiet"]
    command += ["--exports", "all"]
    subprocess.run(command, check=True)
    start = time.perf_counter()
    subprocess.run(command, check=True)
    duration = time.perf_counter() - start
    rng = random.Random(8)
    for _ in range(8):
        proc = subprocess.Popen(command)
        time.sleep(rng.uniform(0.2, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _outputs_are_whole(out)
        try:  # killed between its renames, graph.json and state.json disagree: --update refuses
            previous_state(out)
        except InputError as e:
            assert "does not match graph.json" in str(e)
    subprocess.run(command, check=True)  # the next build cleans up after the killed ones
    assert not list(out.glob(".kg-build.*"))
    _outputs_are_whole(out)


@pytest.mark.slow
def test_dask_engine_on_a_two_worker_cluster_builds_the_same_graph(tmp_path):
    from dask.distributed import LocalCluster

    inputs = [DATA / "heldout_papers.jsonl", EXAMPLE_DAY]
    build(inputs, tmp_path / "local", BuildOptions(exports=NO_EXPORTS))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        options = BuildOptions(exports=NO_EXPORTS, engine="dask", scheduler=cluster.scheduler_address)
        report = build(inputs, tmp_path / "dask", options)
    assert report.papers == 98

    def body(out):
        return (out / "graph.json").read_bytes().split(b"\n", 1)[1]

    assert body(tmp_path / "dask") == body(tmp_path / "local")
