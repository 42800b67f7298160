from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kg.build import ALL_EXPORTS, BuildOptions, build
from kg.graph import load

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
EXAMPLE_DAY = ROOT / "examples" / "daily_papers_sep10.txt"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def example_build(tmp_path_factory):
    """The example day built once: (graph, report, output folder)."""
    out = tmp_path_factory.mktemp("example") / "out"
    report = build([EXAMPLE_DAY], out, BuildOptions(exports=ALL_EXPORTS))
    return load(out / "graph.json"), report, out


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def oxigraph_server():
    """A real SPARQL 1.1 server (Oxigraph, in memory) on 127.0.0.1, stopped after the tests."""
    import shutil
    import subprocess
    import sys
    import time
    import urllib.request

    exe = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(exe).exists():
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    port = free_port()
    proc = subprocess.Popen(
        [exe, "serve", "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"oxigraph did not start: {proc.stderr.read().decode()[:500]}")
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def neo4j_server():
    """A real Neo4j 5.26 (tests/neo4j_server, built with Maven) with Bolt on 127.0.0.1.

    Yields (bolt uri, auth). Built and started once per session, stopped at the end.
    """
    import neo4j_harness

    neo4j_harness.build_server()
    port = free_port()
    proc = neo4j_harness.start_server(port)
    try:
        yield f"bolt://127.0.0.1:{port}", neo4j_harness.AUTH
    finally:
        neo4j_harness.stop_server(proc)


def hostile_graph(text: str, **paper: object):
    """A paper and a method whose every string is `text`, linked by USES with evidence."""
    import networkx as nx

    g = nx.MultiDiGraph()
    g.add_node("paper:h", type="Paper", name=text, title=text, aliases=[], **paper)
    g.add_node("method:h", type="Method", name=text, aliases=[text], in_vocabulary=False)
    g.add_edge(
        "paper:h",
        "method:h",
        key="USES",
        type="USES",
        mentions=[text],
        evidence=[{"field": "abstract", "start": 0, "end": 1, "mention": text, "sentence": text}],
    )
    return g


def store_tables(path) -> dict[str, list]:
    """The tables of a query store, sorted, the build token left out: what two builds compare."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    tables = {
        "meta": sorted(db.execute("SELECT * FROM meta WHERE key != 'build'")),
        "nodes": sorted(db.execute("SELECT id, type, name, month, papers, degree, data FROM nodes")),
        "names": sorted(db.execute("SELECT * FROM names")),
        "edges": sorted(db.execute("SELECT source, target, type, data FROM edges")),
        "rank": sorted(
            (n, round(r, 9))
            for n, r in db.execute("SELECT id, pagerank FROM rank JOIN nodes ON nodes.rowid = node")
        ),
    }
    db.close()
    return tables
