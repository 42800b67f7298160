"""rdflib against pyoxigraph on the graph of the HF corpus: load N-Triples, run two joins.

    .venv/bin/python benchmarks/rdf_stores.py [CORPUS] [--limit-seconds 240]

Each store runs in a child process with a time limit, so the benchmark bounds its own time.
Prints one table; the choice of the embedded store in `kg sparql` rests on it.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import tempfile
import time
from pathlib import Path

from kg.build import BuildOptions, build
from kg.exporters.rdf import serialize
from kg.graph import load
from kg.sparql import bind, named_query

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "hf_daily_papers.jsonl"
JOIN = """
PREFIX kg: <https://w3id.org/mlkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?name (COUNT(DISTINCT ?paper) AS ?papers) WHERE {
  ?paper kg:uses ?m . ?m a kg:Model ; skos:prefLabel ?name .
  ?paper kg:evaluatedOn ?d .
} GROUP BY ?name ORDER BY DESC(?papers) LIMIT 10
"""


def run_store(kind: str, path: str, queue: mp.Queue) -> None:
    family = bind(named_query("papers_using"), {"name": "LLaMA"})
    times = {}
    start = time.perf_counter()
    if kind == "rdflib":
        import rdflib

        store = rdflib.Graph()
        store.parse(path, format="nt")
        query = store.query
    else:
        import pyoxigraph as ox

        store = ox.Store()
        store.load(path=path, format=ox.RdfFormat.N_TRIPLES)
        query = store.query
    times["load"] = time.perf_counter() - start
    queue.put(dict(times))
    for label, q in (("join", JOIN), ("family", family)):
        start = time.perf_counter()
        rows = list(query(q))
        times[label] = time.perf_counter() - start
        times[f"{label}_rows"] = len(rows)
        queue.put(dict(times))


def measure(kind: str, path: str, limit: float) -> dict:
    queue: mp.Queue = mp.Queue()
    proc = mp.Process(target=run_store, args=(kind, path, queue))
    proc.start()
    proc.join(limit)
    if proc.is_alive():
        proc.kill()
        proc.join()
    result: dict = {}
    while not queue.empty():
        result = queue.get()
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default=str(CORPUS))
    ap.add_argument("--limit-seconds", type=float, default=240)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        report = build([Path(a.corpus)], Path(tmp) / "out", BuildOptions(html=False))
        g = load(Path(tmp) / "out")
        t_build = time.perf_counter() - start
        nt = Path(tmp) / "graph.nt"
        start = time.perf_counter()
        nt.write_bytes(serialize(g, "nt"))
        t_ser = time.perf_counter() - start
        triples = nt.read_bytes().count(b"\n")
        results = {kind: measure(kind, str(nt), a.limit_seconds) for kind in ("pyoxigraph", "rdflib")}
    print(f"{report.papers:,} papers, {triples:,} triples; build {t_build:.0f} s, N-Triples {t_ser:.0f} s")
    print(f"{'operation':34} {'rdflib':>10} {'pyoxigraph':>11} {'ratio':>7}")
    for key, label in (
        ("load", "load N-Triples"),
        ("join", "join: models used with a dataset"),
        ("family", "papers_using.rq (LLaMA family)"),
    ):
        r, o = results["rdflib"].get(key), results["pyoxigraph"].get(key)
        r_text = f"{r:9.2f}s" if r is not None else f">{a.limit_seconds:.0f}s".rjust(10)
        o_text = f"{o:10.3f}s" if o is not None else "-".rjust(11)
        ratio = f"{r / o:6.0f}x" if r is not None and o else "   n/a"
        print(f"{label:34} {r_text} {o_text} {ratio}")
    if results["rdflib"].get("join_rows") is not None:
        assert results["rdflib"]["join_rows"] == results["pyoxigraph"]["join_rows"]


if __name__ == "__main__":
    main()
