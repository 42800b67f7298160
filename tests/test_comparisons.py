"""Comparisons between named things, read from sentences (`kg.extract.comparisons`), and the
`compared-with` answers built on them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kg import queries
from kg.extract import Extractor
from kg.graph.writer import build_graph
from kg.schema import EdgeType, NodeType, Paper
from kg.store import STORE_FILE, Store
from kg.store import queries as store_queries

EXTRACTOR = Extractor.load()  # what a build runs: rules and the decision model


def kg_query(out, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", "query", str(out), *args], capture_output=True, text=True, check=True
    )


def comparisons(abstract: str, title: str = "A paper") -> list[tuple[str, str, str | None]]:
    ex = EXTRACTOR.extract(Paper(id="x", title=title, abstract=abstract))
    names = {m.key: m.name for m in ex.mentions}
    return [
        (names[c.challenger], names[c.baseline], names[c.dataset] if c.dataset else None)
        for c in ex.comparisons
    ]


def test_a_named_challenger_and_its_listed_baselines():
    found = comparisons(
        "We propose FooNet, a convolutional network. FooNet outperforms ResNet-50 and ViT-B/16 on "
        "ImageNet by 2%."
    )
    assert found == [("FooNet", "ResNet-50", "ImageNet"), ("FooNet", "ViT-B/16", "ImageNet")]


def test_our_method_is_the_paper_s_own():
    found = comparisons(
        "We present QuxRL, a reinforcement learning algorithm. Our method surpasses PPO, DPO, and "
        "GRPO on GSM8K, while using less compute."
    )
    assert [(c, b) for c, b, _ in found] == [("QuxRL", "PPO"), ("QuxRL", "DPO"), ("QuxRL", "GRPO")]


def test_a_reversed_and_a_leading_comparison():
    assert comparisons("We study scaling laws. GPT-4 is outperformed by Claude 3 on MMLU.") == [
        ("Claude 3", "GPT-4", "MMLU")
    ]
    found = comparisons(
        "We introduce BarLM, a language model. Compared to LLaMA-2-7B, our model achieves higher accuracy."
    )
    assert [(c, b) for c, b, _ in found] == [("BarLM", "LLaMA-2-7B")]


def test_a_method_the_paper_uses_is_no_challenger():
    # the paper's model is trained with DPO and compared with BLOOM: DPO is compared with nothing
    abstract = (
        "We introduce ZephLM, a chat model trained with DPO on synthetic preferences. Our model outperforms "
        "BLOOM and Mistral 7B on MT-Bench."
    )
    found = comparisons(abstract)
    assert {(c, b) for c, b, _ in found} == {("ZephLM", "BLOOM"), ("ZephLM", "Mistral-7B")}
    g = build_graph(
        [EXTRACTOR.extract(Paper(id="x", title="ZephLM", abstract=abstract))], EXTRACTOR.vocabulary
    )
    assert queries.compared_with(g, "DPO") == []
    assert {(c.name, c.direction) for c in queries.compared_with(g, "BLOOM")} == {("ZephLM", "challenger")}


def test_sentences_that_compare_nothing_named():
    assert comparisons("We propose FooNet. It uses ResNet-50 as a backbone and runs on ImageNet.") == []
    # a baseline too far from the cue, in another clause
    assert (
        comparisons(
            "We propose FooNet. FooNet is better than prior work in most settings we tried in our "
            "study of many kinds of networks; ResNet-50 is the backbone."
        )
        == []
    )


def test_a_comparison_is_a_node_with_its_sentence(example_build):
    g, _, out = example_build
    stated = [(u, v) for u, v, d in g.edges(data=True) if d["type"] == EdgeType.STATES]
    assert stated, "the example day states comparisons"
    for paper, comparison in stated:
        assert g.nodes[paper]["type"] == NodeType.PAPER
        assert g.nodes[comparison]["type"] == NodeType.COMPARISON
        ends = {d["type"] for _, _, d in g.out_edges(comparison, data=True)}
        assert {EdgeType.CHALLENGER, EdgeType.BASELINE} <= ends
        (evidence,) = g.edges[paper, comparison, EdgeType.STATES]["evidence"]
        abstract = g.nodes[paper]["abstract"]
        assert abstract[evidence["start"] : evidence["end"]] == g.nodes[comparison]["text"]
        assert g.nodes[comparison]["text"] in evidence["sentence"]
    # "Lion outperforms Adam", "Sophia achieves a 2x speed-up compared with Adam"
    rows = json.loads(kg_query(out, "compared-with", "Adam", "--json").stdout)
    assert {(r["name"], r["direction"]) for r in rows} == {("Lion", "challenger"), ("Sophia", "challenger")}
    assert all(r["text"] and r["title"] for r in rows)


@pytest.mark.parametrize("name", ["Adam", "LoRA", "SDXL", "Diffusion-DPO"])
def test_the_store_answers_as_networkx(example_build, name):
    g, _, out = example_build
    store = Store(out / STORE_FILE)
    try:
        assert store_queries.compared_with(store, name) == queries.compared_with(g, name)
    finally:
        store.close()


def test_a_baseline_of_a_comparison_is_compared_with():
    # whatever the decision model says of its role, a sentence's baseline is compared with
    from kg.extract import Extractor
    from kg.schema import Paper, Role

    extractor = Extractor.load()
    paper = Paper(
        id="x",
        title="ZorbNet: fast retrieval",
        abstract="We propose ZorbNet, a retriever. ZorbNet outperforms ColBERT on MS MARCO by 3 points.",
    )
    ex = extractor.extract(paper)
    roles = {m.name: set(m.roles) for m in ex.mentions}
    assert any("colbert" in c.baseline for c in ex.comparisons)
    assert Role.COMPARES_WITH in roles["ColBERT"]
    assert Role.COMPARES_WITH not in roles["ZorbNet"]
