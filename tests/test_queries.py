"""`kg query` verbs on the example day; expected answers checked by reading the abstracts."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import networkx as nx

from kg import queries
from kg.schema import EdgeType, NodeType, Role

SPO = "Step-aware Preference Optimization: Aligning Preference with Denoising Performance at Each Step"
RENO = "ReNO: Enhancing One-step Text-to-Image Models through Reward-based Noise Optimization"
INSTAFLOW = "InstaFlow: One Step is Enough for High-Quality Diffusion-Based Text-to-Image Generation"


def kg_query(out, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", "query", str(out), *args], capture_output=True, text=True
    )


def test_entity(example_build):
    g, _, _ = example_build
    info = queries.entity_info(g, "sdxl")
    assert info["type"] == "Model" and info["id"] == "model:sdxl"
    assert "Stable Diffusion" in info["family"]
    # "Our experiments with Stable Diffusion v1.5 and SDXL demonstrate that SPO ..."
    assert SPO in info["papers"]["USES"]
    # "our model is preferred nearly twice as often compared to the popular SDXL model"
    assert RENO in info["papers"]["COMPARES_WITH"]


def test_papers_by_role_and_aliases(example_build):
    _, _, out = example_build
    rows = json.loads(kg_query(out, "papers", "SD 1.5", "--role", "uses", "--json").stdout)
    assert SPO in {r["title"] for r in rows} and {r["role"] for r in rows} == {"USES"}
    # a role as the verb spells it (`compared-with`) or as the edge does: the same rows
    hyphen, underscore = (
        kg_query(out, "papers", "Diffusion-DPO", "--role", role, "--json")
        for role in ("compares-with", "COMPARES_WITH")
    )
    assert hyphen.returncode == 0 and hyphen.stdout == underscore.stdout
    assert {r["role"] for r in json.loads(hyphen.stdout)} == {"COMPARES_WITH"}


def test_compared_with(example_build):
    g, _, _ = example_build
    # "SPO significantly outperforms the latest Diffusion-DPO"
    assert [(c.name, c.direction, c.title) for c in queries.compared_with(g, "Diffusion-DPO")] == [
        ("SPO", "challenger", SPO)
    ]


def test_leaderboard_lower_fid_first(example_build):
    _, _, out = example_build
    # "On MS COCO 2014-30k, InstaFlow yields an FID of 13.1 ... outperforming ... StyleGAN-T (13.9 ...)"
    rows = json.loads(kg_query(out, "leaderboard", "MS COCO 2014-30k", "--metric", "FID", "--json").stdout)
    assert [(r["subject"], r["value"]) for r in rows] == [("InstaFlow", 13.1), ("StyleGAN-T", 13.9)]
    assert all(r["title"] == INSTAFLOW for r in rows)


def test_hardware(example_build):
    g, _, _ = example_build
    rows = queries.hardware(g)
    a100 = next(r for r in rows if r["hardware"] == "NVIDIA A100")
    assert INSTAFLOW in a100["titles"]  # "the training of InstaFlow only costs 199 A100 GPU days"


def test_top_models(example_build):
    g, _, _ = example_build
    rows = queries.top(g, "Model", "papers", 3)
    assert rows[0]["name"] == "SDXL" and rows[0]["papers"] == 5
    assert queries.top(g, "Model", "pagerank", 3)[0]["type"] == "Model"


def test_path_and_similar_and_cooccur(example_build):
    g, _, out = example_build
    path = queries.shortest_path(g, "SDXL", "LoRA")
    assert path[0] == "model:sdxl" and path[-1] == "method:lora" and len(path) >= 3
    assert all(g.nodes[n]["type"] != "Result" for n in path)
    # LLM4GEN names SDXL and T2I-CompBench, as ReNO does
    similar = queries.similar(g, "ReNO: Enhancing")
    assert similar[0]["title"].startswith("LLM4GEN") and "SDXL" in similar[0]["entities"]
    rows = json.loads(kg_query(out, "cooccur", "SDXL", "--json").stdout)
    # the papers that name both, counted from the graph itself: the query agrees with it
    papers_of = {n: {u for u, _ in g.in_edges(n) if g.nodes[u]["type"] == "Paper"} for n in g}
    both = papers_of["model:sdxl"] & papers_of["task:text-to-image-generation"]
    assert rows[0]["name"] == "text-to-image generation" and rows[0]["papers"] == len(both) >= 3
    assert all(row["papers"] <= rows[0]["papers"] for row in rows)


def test_versions_and_family_follow_broader_edges_only():
    g = nx.MultiDiGraph()
    for node in ("model:llama", "model:llama-2", "model:llama-2-7b", "model:llama-2-13b", "model:gpt-4"):
        g.add_node(node, type=NodeType.MODEL, name=node.split(":")[1], aliases=[])
    g.add_node("paper:p", type=NodeType.PAPER, title="P")
    for version, family in [
        ("model:llama-2", "model:llama"),
        ("model:llama-2-7b", "model:llama-2"),
        ("model:llama-2-13b", "model:llama-2"),
    ]:
        g.add_edge(version, family, key=EdgeType.BROADER, type=EdgeType.BROADER)
    for entity in ("model:llama-2-7b", "model:gpt-4"):  # named by one paper: no version of each other
        g.add_edge("paper:p", entity, key=Role.USES, type=Role.USES, evidence=[{"sentence": "s"}])
    assert queries.members(g, "model:llama") == {
        "model:llama",
        "model:llama-2",
        "model:llama-2-7b",
        "model:llama-2-13b",
    }
    assert queries.members(g, "model:llama-2-7b") == {"model:llama-2-7b"}
    info = queries.entity_info(g, "llama-2-7b")
    assert info["family"] == ["llama-2", "llama"] and info["versions"] == []
    assert queries.entity_info(g, "llama-2")["versions"] == ["llama-2-13b", "llama-2-7b"]
    assert [u.paper for u in queries.papers_using(g, "llama")] == ["paper:p"]
    assert queries.cooccurring(g, "model:gpt-4") == [("model:llama-2-7b", 1)]


def test_trend_counts_every_paper(example_build):
    g, _, _ = example_build
    rows = queries.trend(g, "SDXL")
    assert sum(r["papers"] for r in rows) == 5 and rows[0]["month"] == "unknown"  # the page has no year


def test_unknown_and_misspelt_names(example_build):
    _, _, out = example_build
    result = kg_query(out, "entity", "Stable Difusion")
    assert result.returncode == 2 and "did you mean: Stable Diffusion" in result.stderr
    assert kg_query(out, "papers", "Zzyzx").returncode == 2


def test_a_missing_graph_is_one_error_and_a_family_counts_its_papers(example_build, tmp_path):
    missing = kg_query(tmp_path / "nothing-here", "papers", "A100")
    assert missing.returncode == 2 and missing.stderr.startswith("error:") and "note:" not in missing.stderr
    _, _, out = example_build
    table = kg_query(out, "papers", "LLaMA").stdout  # 6 papers, some by two roles
    papers = {r["paper"] for r in json.loads(kg_query(out, "papers", "LLaMA", "--json").stdout)}
    assert f"({len(papers)} papers, " in " ".join(table.split())


def test_python_api():
    import kg

    assert callable(kg.load) and callable(kg.queries.papers_using)


def test_leaderboard_unknown_metric_lists_the_metrics(example_build):
    _, _, out = example_build
    r = kg_query(out, "leaderboard", "MS COCO 2014-30k", "--metric", "no-such-metric")
    assert r.returncode == 2
    assert "no result on MS COCO 2014-30k is measured by 'no-such-metric'; its metrics: FID" in r.stderr
    rows = json.loads(kg_query(out, "leaderboard", "MS COCO 2014-30k", "--json").stdout)
    assert rows and all("change" not in row for row in rows)  # every row is a score


def test_piped_table_keeps_every_cell_whole(example_build):
    """Without a terminal (a pipe, a file) a table is as wide as its cells: nothing is cut."""
    _, _, out = example_build
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    r = subprocess.run(
        [sys.executable, "-m", "kg.cli", "query", str(out), "papers", "A100"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert r.returncode == 0
    assert INSTAFLOW in r.stdout and "…" not in r.stdout
    r = subprocess.run(
        [sys.executable, "-m", "kg.cli", "query", str(out), "papers", "A100"],
        capture_output=True, text=True, env={**env, "COLUMNS": "80"},
    )  # fmt: skip
    assert "…" in r.stdout and max(map(len, r.stdout.splitlines())) <= 80  # $COLUMNS still bounds it


def test_empty_csv_prints_nothing(example_build):
    _, _, out = example_build
    r = kg_query(out, "papers", "A100", "--role", "proposes", "--csv")
    assert r.returncode == 0 and r.stdout == ""


def test_closed_pipe_exits_141_quietly(example_build):
    """`kg stats out | head -1`: the reader goes away; the exit code says so (not 1, a bug)."""
    _, _, out = example_build
    p = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "stats", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()  # before kg has written a line
    assert p.wait(timeout=120) == 141
    assert p.stderr.read() == b""
