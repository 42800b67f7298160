"""Builds that lose nothing: bad records skipped and reported, outputs never half-written, and
the same graph from every engine."""

from __future__ import annotations

import json
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import DATA, EXAMPLE_DAY, SHARED, store_tables

from kg.build import NO_EXPORTS, BuildOptions, build
from kg.build import _previous_state as previous_state
from kg.errors import InputError, KgError

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


def test_a_jsonl_file_of_bad_records_names_the_first_one(tmp_path):
    """A `.jsonl` whose first line is broken is still read as JSON Lines (not `unknown format`),
    and a build with no usable record says where the first bad one is."""
    src = tmp_path / "bad.jsonl"
    src.write_bytes(b"not json\nalso not\n")
    with pytest.raises(KgError, match=r"skipped 2 records \(2 invalid JSON\).*bad.jsonl:1: invalid JSON"):
        build([src], tmp_path / "out", BuildOptions())
    assert not (tmp_path / "out").exists()
    src.write_bytes(b"not json\n" + b'{"id": "1", "title": "A", "abstract": "We use SDXL."}\n')
    report = build([src], tmp_path / "out", BuildOptions(exports=NO_EXPORTS))
    assert (report.papers, report.skipped) == (1, 1)


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


# An update of graph.db is made in place, in one SQLite transaction committed just before
# graph.json is renamed into place. These kill an update (SIGKILL, as the OOM killer or a
# closed terminal would) at each point of that sequence, with a page cache so small that the
# store's changed pages are already written into graph.db before the commit, as they are when
# an update outgrows its cache: only the rollback journal can undo them.
KILLED_UPDATE = """
import os, signal, sys
from pathlib import Path
import kg.build as b
import kg.store.writer as w

w.CACHE_KB = -64  # KB: changed pages spill into graph.db long before the commit
point = sys.argv[1]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

real_finish, real_move = b._finish, b.move_into_place

def finish(report, out, stage, written, pending):
    if point == "before the commit":
        die()
    real_finish(report, out, stage, written, pending)

def move(source, target):
    if target.name == point.removeprefix("before "):
        die()
    real_move(source, target)

b._finish, b.move_into_place = finish, move
b.build([Path(sys.argv[2])], Path(sys.argv[3]), b.BuildOptions(update=True))
"""
KILL_POINTS = ["before the commit", "before graph.json", "before state.json"]


def kg_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=300
    )


@pytest.mark.slow
@pytest.mark.parametrize("point", KILL_POINTS)
def test_an_update_killed_at_each_step_leaves_consistent_outputs(tmp_path, point):
    from kg.store import STORE_FILE, journal_of, store_beside

    full, out = tmp_path / "full", tmp_path / "out"
    build([DATA / "heldout_papers.jsonl", EXAMPLE_DAY], full, BuildOptions(exports=NO_EXPORTS))
    build([DATA / "heldout_papers.jsonl"], out, BuildOptions(exports=NO_EXPORTS))
    before = {name: (out / name).read_bytes() for name in ("graph.json", "state.json", STORE_FILE)}
    old_tables = store_tables(out / STORE_FILE)

    killed = subprocess.run([sys.executable, "-c", KILLED_UPDATE, point, str(EXAMPLE_DAY), str(out)])
    assert killed.returncode == -signal.SIGKILL
    assert (out / "state.json").read_bytes() == before["state.json"]  # renamed last: never new here
    if point == "before the commit":  # graph.db was written into, and a hot journal left beside it
        assert (out / STORE_FILE).read_bytes() != before[STORE_FILE]
        assert journal_of(out / STORE_FILE).exists()
    top = kg_cli("query", str(out), "top", "--json")  # the first reader after the kill
    stats = kg_cli("stats", str(out), "--json")
    assert top.returncode == 0 and stats.returncode == 0, top.stderr + stats.stderr
    papers = json.loads(stats.stdout)["nodes"]["Paper"]
    if point == "before the commit":
        # the first reader rolled the journal back: the store is again the one of graph.json
        assert (out / "graph.json").read_bytes() == before["graph.json"]
        assert "no query store" not in top.stderr and papers == 20
        assert not journal_of(out / STORE_FILE).exists()
        assert store_tables(out / STORE_FILE) == old_tables
    elif point == "before graph.json":
        # the store was committed, graph.json was not renamed: the store names another build,
        # so queries read graph.json (and say so), which still goes with state.json
        assert (out / "graph.json").read_bytes() == before["graph.json"]
        assert store_beside(out) is None
        assert "no query store (graph.db) of this build" in top.stderr and papers == 20
        assert previous_state(out).token in before["graph.json"].split(b"\n", 1)[0].decode()
    else:  # graph.json and its store are in: both answer for the update; state.json is behind
        assert store_beside(out) is not None and "no query store" not in top.stderr and papers == 98
        with pytest.raises(InputError, match=r"does not match graph\.json"):
            previous_state(out)
    db = sqlite3.connect(out / STORE_FILE)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    if point == "before state.json":  # what --update says: rebuild the folder
        build([DATA / "heldout_papers.jsonl", EXAMPLE_DAY], out, BuildOptions(exports=NO_EXPORTS))
    else:  # the update, run again, gives the store of a full build
        build([EXAMPLE_DAY], out, BuildOptions(exports=NO_EXPORTS, update=True))
    assert store_beside(out) is not None
    assert store_tables(out / STORE_FILE) == store_tables(full / STORE_FILE)
    assert graph_without_sources(out) == graph_without_sources(full)


@pytest.mark.slow
def test_a_journal_left_by_a_killed_update_never_meets_another_store(tmp_path, monkeypatch):
    import kg.store
    from kg.store import STORE_FILE, journal_of, store_beside

    out = tmp_path / "out"
    build([DATA / "heldout_papers.jsonl"], out, BuildOptions(exports=NO_EXPORTS))
    old_tables = store_tables(out / STORE_FILE)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_UPDATE, "before the commit", str(EXAMPLE_DAY), str(out)]
    )
    assert killed.returncode == -signal.SIGKILL and journal_of(out / STORE_FILE).exists()
    # a reader that may not write there cannot roll the journal back: the store is stale to it
    with monkeypatch.context() as m:
        m.setattr(kg.store, "roll_back", lambda path: None)
        assert store_beside(out) is None
    # a build that writes the store anew rolls the old one back before renaming the new one in,
    # and drops the journal: SQLite would otherwise play it into the new file
    assert journal_of(out / STORE_FILE).exists()
    res = kg_cli("index", str(out))
    assert res.returncode == 0, res.stderr
    assert not journal_of(out / STORE_FILE).exists()
    assert store_beside(out) is not None and store_tables(out / STORE_FILE) == old_tables


@pytest.mark.slow
def test_an_update_killed_at_any_moment_leaves_consistent_outputs(tmp_path):
    """SIGKILL at random moments of `kg build DAY --update`: each time, the store answers for
    graph.json or is passed over for it, and --update goes on or says to rebuild."""
    from kg.store import STORE_FILE, store_beside

    pristine, out = tmp_path / "pristine", tmp_path / "out"
    build([DATA / "heldout_papers.jsonl"], pristine, BuildOptions())
    build([DATA / "heldout_papers.jsonl", EXAMPLE_DAY], tmp_path / "full", BuildOptions(exports=NO_EXPORTS))
    shutil.copytree(pristine, out)
    command = [sys.executable, "-m", "kg.cli", "build", str(EXAMPLE_DAY), "--out", str(out), "--update"]
    start = time.perf_counter()
    subprocess.run([*command[:-2], str(tmp_path / "probe"), "--update"], check=True, capture_output=True)
    duration = time.perf_counter() - start
    rng = random.Random(11)
    for _ in range(8):
        if (out / "graph.json").read_bytes() != (pristine / "graph.json").read_bytes():
            shutil.rmtree(out)  # the last update got through: start again from the base
            shutil.copytree(pristine, out)
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        top = kg_cli("query", str(out), "top", "--json")
        assert top.returncode == 0, top.stderr
        papers = sum(n["type"] == "Paper" for n in json.loads((out / "graph.json").read_bytes())["nodes"])
        assert papers in (20, 98)
        store = store_beside(out)
        if store is not None:  # it answers for graph.json
            assert store.value("SELECT count(*) FROM nodes WHERE type = 'Paper'") == papers
            assert store.value("PRAGMA integrity_check") == "ok"
            store.close()
        else:
            assert "no query store (graph.db) of this build" in top.stderr
        try:
            previous_state(out)
        except InputError as e:  # killed between graph.json and state.json
            assert "does not match graph.json" in str(e) and papers == 98
    shutil.rmtree(out)
    shutil.copytree(pristine, out)
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(duration / 2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    subprocess.run(command, check=True, capture_output=True)  # and the next update gets through
    assert store_beside(out) is not None and not list(out.glob(".kg-build.*"))
    assert store_tables(out / STORE_FILE) == store_tables(tmp_path / "full" / STORE_FILE)


@pytest.mark.slow
def test_an_update_kept_from_committing_by_a_reader_changes_neither_store_nor_graph(tmp_path, monkeypatch):
    import kg.store.writer
    from kg.errors import KgError
    from kg.store import STORE_FILE, journal_of, store_beside

    out = tmp_path / "out"
    build([DATA / "heldout_papers.jsonl"], out, BuildOptions(exports=NO_EXPORTS))
    before, old_tables = (out / "graph.json").read_bytes(), store_tables(out / STORE_FILE)
    monkeypatch.setattr(kg.store.writer, "BUSY_SECONDS", 0.2)
    reader = sqlite3.connect(out / STORE_FILE, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM nodes").fetchone()  # a read transaction: the store may not change
    with pytest.raises(KgError, match="cannot commit the update of the query store"):
        build([EXAMPLE_DAY], out, BuildOptions(exports=NO_EXPORTS, update=True))
    reader.close()
    assert (out / "graph.json").read_bytes() == before and not journal_of(out / STORE_FILE).exists()
    assert store_beside(out) is not None and store_tables(out / STORE_FILE) == old_tables
    build([EXAMPLE_DAY], out, BuildOptions(exports=NO_EXPORTS, update=True))  # once it has let go
    assert store_beside(out) is not None and store_tables(out / STORE_FILE) != old_tables
