"""The query store (graph.db): every `kg query` question gets the answer of the networkx
implementation, after a build and after an update; names resolve as people type them."""

from __future__ import annotations

import itertools
import random
import shutil
import subprocess
import sys

import networkx as nx
import numpy as np
import pytest
from conftest import DATA, EXAMPLE_DAY, SHARED, store_tables

from kg import queries as graph_queries
from kg.build import NO_EXPORTS, BuildOptions, build
from kg.errors import KgError
from kg.graph import load
from kg.schema import ENTITY_TYPES, NodeType
from kg.store import STORE_FILE, Store, store_beside
from kg.store import queries as store_queries
from kg.store.writer import pagerank

HF = SHARED / "corpora" / "hf_daily_papers.jsonl"
NAMED = ("papers_using", "compared_with", "entity_info", "trend", "cooccur_rows", "leaderboard")


def answer(module, source, question: str, *args):
    """What a question answers, or the error it raises (the same error is the same answer)."""
    try:
        return getattr(module, question)(source, *args)
    except KgError as e:
        return f"{type(e).__name__}: {e}"


def assert_same_answers(out, entities: int = 80, papers: int = 25) -> int:
    """Ask both implementations every question, for a sample of entities and papers."""
    g, store = load(out), store_beside(out)
    assert store is not None
    asked = 0
    rng = random.Random(7)
    ids = sorted(n for n, d in g.nodes(data=True) if d.get("type") in ENTITY_TYPES)
    for node in rng.sample(ids, min(entities, len(ids))):
        name = g.nodes[node]["name"]
        for question in NAMED:
            assert answer(graph_queries, g, question, name) == answer(store_queries, store, question, name), (
                question,
                name,
            )
            asked += 1
        ask = ("results_for_dataset", name)
        assert answer(graph_queries, g, *ask) == answer(store_queries, store, *ask)
    for node_type, by in itertools.product(
        [None, "Model", "Dataset", "Method"], ["papers", "degree", "pagerank"]
    ):
        assert graph_queries.top(g, node_type, by) == store_queries.top(store, node_type, by), (node_type, by)
        asked += 1
    for question in ("hardware", "hardware_per_paper", "stats"):
        assert getattr(graph_queries, question)(g) == getattr(store_queries, question)(store), question
        asked += 1
    paper_ids = sorted(n for n, d in g.nodes(data=True) if d.get("type") == NodeType.PAPER)
    for paper in rng.sample(paper_ids, min(papers, len(paper_ids))):
        assert graph_queries.similar(g, paper) == store_queries.similar(store, paper), paper
        asked += 1
    for a, b in itertools.pairwise(rng.sample(ids, min(30, len(ids)))):
        # the same length: ties between shortest paths may be broken differently
        mine = store_queries.path(store, a, b)
        assert len(mine) == len(graph_queries.path(g, a, b)), (a, b)
        for before, step in itertools.pairwise(mine):  # and every step is a real edge
            assert g.has_edge(before["id"], step["id"]) or g.has_edge(step["id"], before["id"])
        asked += 1
    return asked


def test_every_question_has_the_same_answer_on_the_example_day(example_build):
    _, _, out = example_build
    assert assert_same_answers(out) > 400


@pytest.mark.slow
@pytest.mark.skipif(not HF.exists(), reason="no HF corpus")
def test_every_question_has_the_same_answer_on_1000_hf_papers(tmp_path):
    src = tmp_path / "hf1000.jsonl"
    with open(HF, encoding="utf-8") as f:
        src.write_text("".join(itertools.islice(f, 1000)), encoding="utf-8")
    build([src], tmp_path / "out", BuildOptions(exports=NO_EXPORTS, workers=2))
    assert assert_same_answers(tmp_path / "out", entities=150, papers=40) > 900


@pytest.mark.slow
def test_an_update_gives_the_store_of_a_full_build(tmp_path):
    build([DATA / "heldout_papers.jsonl", EXAMPLE_DAY], tmp_path / "full", BuildOptions(exports=NO_EXPORTS))
    build([DATA / "heldout_papers.jsonl"], tmp_path / "inc", BuildOptions(exports=NO_EXPORTS))
    build([EXAMPLE_DAY], tmp_path / "inc", BuildOptions(exports=NO_EXPORTS, update=True))

    full, inc = store_tables(tmp_path / "full" / STORE_FILE), store_tables(tmp_path / "inc" / STORE_FILE)
    for table in ("nodes", "names", "edges", "rank"):
        assert full[table] == inc[table], table
    assert assert_same_answers(tmp_path / "inc", entities=40, papers=10) > 200


def test_pagerank_is_networkx_pagerank(example_build):
    g, _, _ = example_build
    expected = graph_queries.pagerank(g)
    nodes = list(g)
    index = {n: i for i, n in enumerate(nodes)}
    links = [(index[u], index[v]) for u, v, t in g.edges(data="type") if t != "BROADER" and u != v]
    mine = dict(zip(nodes, pagerank(len(nodes), np.array(links)), strict=True))
    assert max(abs(mine[n] - expected[n]) for n in nodes) < 1e-10
    # and on a graph with a dangling node and a repeated link
    h = nx.Graph([("a", "b"), ("b", "c")])
    h.add_node("d")
    ranks = pagerank(4, np.array([(0, 1), (1, 0), (1, 2)]))
    assert ranks == pytest.approx([nx.pagerank(h, tol=1e-12, max_iter=1000)[n] for n in "abcd"], abs=1e-10)


@pytest.mark.parametrize(
    "name", ["A100", "Llama 3", "COCO", "llama-3", "LLaMA3", "sd 1.5", "stable diffusion"]
)
def test_names_as_people_type_them(example_build, name):
    g, _, out = example_build
    store = store_beside(out)
    node = store_queries.find_entity(store, name)
    assert node == graph_queries.find_entity(g, name)
    assert store_queries.papers_using(store, name)


def test_vocabulary_aliases_are_on_the_node(example_build):
    g, _, _ = example_build
    a100 = graph_queries.find_entity(g, "A100")
    assert g.nodes[a100]["name"] == "NVIDIA A100" and "A100" in g.nodes[a100]["aliases"]


def test_a_family_answers_for_its_versions(example_build):
    _, _, out = example_build
    store = store_beside(out)
    family = store_queries.find_entity(store, "Stable Diffusion")
    versions = store_queries.members(store, family) - {family}
    assert "model:sdxl" in versions
    named = {u.entity for u in store_queries.papers_using(store, "Stable Diffusion")}
    assert "SDXL" in named and len(named) > 1
    res = kg_cli("query", str(out), "papers", "Stable Diffusion", "--json")
    assert res.returncode == 0 and "Stable Diffusion is a family" in res.stderr and "SDXL" in res.stderr


def test_a_name_that_matches_nothing_gets_did_you_mean(example_build):
    _, _, out = example_build
    with pytest.raises(KgError, match=r"did you mean: .*SDXL"):
        store_queries.find_entity(store_beside(out), "SDXLL")


def test_a_store_opens_from_a_path_written_as_a_string(example_build, monkeypatch):
    _, _, out = example_build
    monkeypatch.chdir(out)  # as the README writes it: `Store("out/graph.db")`, relative
    store = Store(STORE_FILE)
    assert store.path.is_file() and store_queries.find_entity(store, "SDXL") == "model:sdxl"


def test_path_names_the_relation_at_each_step(example_build):
    _, _, out = example_build
    steps = store_queries.path(store_beside(out), "SDXL", "LoRA")
    assert steps[0]["relation"] == "" and steps[0]["name"] == "SDXL"
    assert all(s["relation"].startswith(("--", "<--")) for s in steps[1:])
    assert steps[1]["type"] == "Paper" and "USES" in steps[1]["relation"]


def test_trend_shows_empty_months_and_the_share(tmp_path):
    src = tmp_path / "dated.jsonl"
    src.write_text(
        '{"id": "1", "title": "A", "abstract": "We fine-tune SDXL.", "published": "2024-01-03"}\n'
        '{"id": "2", "title": "B", "abstract": "We train a GAN.", "published": "2024-01-05"}\n'
        '{"id": "3", "title": "C", "abstract": "We distill SDXL.", "published": "2024-03-01"}\n',
        encoding="utf-8",
    )
    build([src], tmp_path / "out", BuildOptions(exports=NO_EXPORTS))
    rows = store_queries.trend(Store(tmp_path / "out" / STORE_FILE), "SDXL")
    assert rows == [
        {"month": "2024-01", "papers": 1, "of_all": 2, "percent": 50.0},
        {"month": "2024-02", "papers": 0, "of_all": 0, "percent": 0.0},
        {"month": "2024-03", "papers": 1, "of_all": 1, "percent": 100.0},
    ]
    assert rows == graph_queries.trend(load(tmp_path / "out"), "SDXL")


def kg_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_a_store_of_another_build_is_not_used(tmp_path):
    build([EXAMPLE_DAY], tmp_path / "a", BuildOptions(exports=NO_EXPORTS))
    build([DATA / "heldout_papers.jsonl"], tmp_path / "b", BuildOptions(exports=NO_EXPORTS))
    shutil.copyfile(tmp_path / "a" / STORE_FILE, tmp_path / "b" / STORE_FILE)  # a stale store
    assert store_beside(tmp_path / "b") is None
    res = kg_cli("query", str(tmp_path / "b"), "top", "--json")
    assert res.returncode == 0 and "no query store (graph.db) of this build" in res.stderr
    res = kg_cli("index", str(tmp_path / "b"))
    assert res.returncode == 0 and "wrote" in res.stderr
    assert store_beside(tmp_path / "b") is not None
    res = kg_cli("query", str(tmp_path / "b"), "top", "--json")
    assert res.returncode == 0 and "no query store" not in res.stderr


def test_a_broken_store_is_a_clear_error(tmp_path):
    build([EXAMPLE_DAY], tmp_path, BuildOptions(exports=NO_EXPORTS))
    (tmp_path / STORE_FILE).write_bytes(b"not a database at all" * 100)
    with pytest.raises(KgError, match=r"graph\.db: not a query store"):
        store_beside(tmp_path)


@pytest.mark.slow
def test_commands_say_what_they_wrote(tmp_path):
    """Without a terminal (CI, cron): stage lines, then each output with its size and time."""
    res = kg_cli("build", str(EXAMPLE_DAY), "--out", str(tmp_path / "out"))
    assert res.returncode == 0
    lines = res.stderr.splitlines()
    assert "writing graph.json" in lines and "writing graph.db" in lines
    summary = [line.split() for line in lines if line.startswith("  ")]
    assert {row[0] for row in summary} >= {"graph.json", "graph.db", "graph.html", "state.json"}
    assert all(row[2] in {"B", "kB", "MB", "GB"} for row in summary)
    res = kg_cli("html", str(tmp_path / "out"), "--out", str(tmp_path / "page.html"))
    assert res.returncode == 0 and f"wrote {tmp_path / 'page.html'} (" in res.stderr
