"""Bolt load rate and CSV bulk-import time on a real Neo4j 5.26 (tests/neo4j_server).

    .venv/bin/python benchmarks/neo4j_load.py [CORPUS]     # default: the 9,877-paper HF corpus

Builds the corpus graph (or reuses GRAPH_JSON if set), loads it over Bolt twice (the second load
must create nothing), and times `neo4j-admin database import full` on the exported CSVs.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import neo4j_harness  # noqa: E402
from conftest import free_port  # noqa: E402

from kg.build import BuildOptions, build  # noqa: E402
from kg.exporters.neo4j import write_neo4j  # noqa: E402
from kg.exporters.neo4j_bolt import LoadOptions, Neo4jTarget, load_graph  # noqa: E402
from kg.graph import load  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "hf_daily_papers.jsonl"


def main(corpus: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if os.environ.get("GRAPH_JSON"):
            g = load(os.environ["GRAPH_JSON"])
        else:
            build([corpus], tmp_path / "out", BuildOptions(html=False))
            g = load(tmp_path / "out")
        rows = g.number_of_nodes() + g.number_of_edges()
        neo4j_harness.build_server()
        port = free_port()
        proc = neo4j_harness.start_server(port)
        try:
            target = Neo4jTarget(f"bolt://127.0.0.1:{port}", neo4j_harness.AUTH)
            start = time.perf_counter()
            first = load_graph(g, target, LoadOptions(batch_size=1000))
            t_first = time.perf_counter() - start
            start = time.perf_counter()
            second = load_graph(g, target, LoadOptions(batch_size=1000))
            t_second = time.perf_counter() - start
        finally:
            neo4j_harness.stop_server(proc)
        assert second.nodes_created == 0 and second.relationships_created == 0
        csv_dir = tmp_path / "neo4j"
        start = time.perf_counter()
        write_neo4j(g, csv_dir)
        t_csv = time.perf_counter() - start
        start = time.perf_counter()
        neo4j_harness.bulk_import(str(csv_dir), str(tmp_path / "home"))
        t_import = time.perf_counter() - start
    print(f"{g.number_of_nodes():,} nodes + {g.number_of_edges():,} relationships = {rows:,} rows")
    print(
        f"Bolt load, empty database : {t_first:7.1f} s  {rows / t_first:9,.0f} rows/s "
        f"(created {first.nodes_created:,} nodes, {first.relationships_created:,} relationships)"
    )
    print(f"Bolt load again (no-op)   : {t_second:7.1f} s  {rows / t_second:9,.0f} rows/s")
    print(f"CSV export + import.cypher: {t_csv:7.1f} s")
    print(f"neo4j-admin import full   : {t_import:7.1f} s  (JVM start included)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
