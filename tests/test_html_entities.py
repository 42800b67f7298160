"""The entity-centred view of a big graph (quick; the browser test is in test_html.py): the same
from a networkx graph and from the query store, and the default above BIG_GRAPH_PAPERS."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kg.exporters import html_entities
from kg.exporters.html import HtmlView, select_from_store, select_view, write_html
from kg.exporters.html_entities import CO_OCCURS, count_pairs, strongest_links
from kg.graph import load
from kg.schema import ENTITY_TYPES
from kg.store import Store
from kg.store.writer import write_store


def edges(h) -> list[tuple]:
    return sorted((u, v, k, d.get("weight")) for u, v, k, d in h.edges(keys=True, data=True))


def test_pairs_count_shared_papers_and_links_keep_each_ends_best():
    # 0 = a hub named in 100 papers; 1, 2, 3, 4 = a, b, c, d, named in 10 each
    links = [(p, 0) for p in range(100)] + [(p, 1) for p in range(10)] + [(p, 2) for p in range(5, 15)]
    links += [(p, 3) for p in range(20, 30)] + [(29, 4)] + [(200 + p, 4) for p in range(9)]
    a, b, w = count_pairs(np.array([p for p, _ in links]), np.array([n for _, n in links]), 5)
    shared = list(zip(a.tolist(), b.tolist(), w.tolist(), strict=True))
    assert shared == [(0, 1, 10), (0, 2, 10), (0, 3, 10), (0, 4, 1), (1, 2, 5), (3, 4, 1)]
    papers = np.array([100, 10, 10, 10, 10], dtype=float)
    # a's and b's best link is each other (5 of 10 papers), not the hub they share more with
    # (10 of its 100); the hub keeps its first; c's best is the hub, d's is c
    kept = strongest_links(a, b, w.astype(float), papers, keep=1)
    assert [pair for pair, k in zip(shared, kept, strict=True) if k] == [
        (0, 1, 10),
        (0, 3, 10),
        (1, 2, 5),
        (3, 4, 1),
    ]
    assert strongest_links(a, b, w.astype(float), papers, keep=3).all()


def test_entity_view_is_the_same_from_the_graph_and_from_the_store(example_build):
    g, _, out = example_build
    view = HtmlView(papers=False)
    h, notes = select_view(g, view)
    s, store_notes = select_from_store(Store(out / "graph.db"), view)
    assert h.number_of_nodes() > 100 and set(h) == set(s) and edges(h) == edges(s) and notes == store_notes
    assert all(d["type"] != "Paper" for _, d in h.nodes(data=True))
    # a link's weight is the number of papers that name both ends
    for u, v, k, w in edges(h)[:50]:
        both = {p for p in g.predecessors(u) if g.nodes[p]["type"] == "Paper"} & set(g.predecessors(v))
        assert k == CO_OCCURS and w == len(both) > 0
    papers = sum(1 for _, d in g.nodes(data=True) if d["type"] == "Paper")
    entities = sum(1 for _, d in g.nodes(data=True) if d["type"] in ENTITY_TYPES)
    assert f"{h.number_of_nodes():,} of {entities:,} entities" in notes[0]
    assert f"{papers:,} papers left out" in notes[0] and "appear when you focus" in notes[0]


def test_a_big_graph_opens_entity_centred(example_build, monkeypatch, tmp_path):
    g, _, out = example_build
    assert any(d["type"] == "Paper" for _, d in select_view(g, HtmlView())[0].nodes(data=True))
    monkeypatch.setattr(html_entities, "BIG_GRAPH_PAPERS", 10)  # the example day is "big" now
    store = Store(out / "graph.db")
    for h, _ in (select_view(g, HtmlView(max_nodes=50)), select_from_store(store, HtmlView(max_nodes=50))):
        assert 0 < h.number_of_nodes() <= 50 and {k for _, _, k in h.edges(keys=True)} == {CO_OCCURS}
    assert edges(select_view(g, HtmlView(max_nodes=50))[0]) == edges(
        select_from_store(store, HtmlView(max_nodes=50))[0]
    )
    # --papers still gives the paper view
    h, _ = select_from_store(store, HtmlView(max_nodes=50, papers=True))
    assert any(d["type"] == "Paper" for _, d in h.nodes(data=True))
    write_html(store, tmp_path / "big.html", HtmlView(max_nodes=50))
    page = (tmp_path / "big.html").read_text(encoding="utf-8")
    assert "co-occurring in " in page and '"fp":' in page and "appear when you focus" in page


@pytest.mark.parametrize("papers", [True, None])
def test_the_paper_view_has_no_focus_papers(example_build, tmp_path, papers):
    g, _, _ = example_build
    write_html(g, tmp_path / "p.html", HtmlView(papers=papers))
    assert '"fp":' not in (tmp_path / "p.html").read_text(encoding="utf-8")


def _graph_file(path, nodes, edges):
    header = {"format": "kg", "version": 1, "build": "0" * 32}
    path.write_text(
        json.dumps({"directed": True, "multigraph": True, "graph": header, "nodes": nodes, "edges": edges}),
        encoding="utf-8",
    )


def test_an_entity_whose_only_use_comes_from_another_entity_is_left_out_from_the_store_too(tmp_path):
    # a graph.json from elsewhere: method:b is used by a method, not a paper, yet a paper edge
    # type counts it in the store's `papers`; the store's view must still be the graph's
    nodes = [{"id": "paper:p1", "type": "Paper", "name": "P1"}]
    nodes += [{"id": f"method:{x}", "type": "Method", "name": x} for x in "acb"]  # b last in the store
    links = [
        {"source": "paper:p1", "target": "method:a", "type": "USES"},
        {"source": "paper:p1", "target": "method:c", "type": "USES"},
        {"source": "method:a", "target": "method:b", "type": "USES"},
    ]
    _graph_file(tmp_path / "graph.json", nodes, links)
    write_store(tmp_path / "graph.json", tmp_path / "graph.db")
    view = HtmlView(papers=False)
    h, _ = select_view(load(tmp_path / "graph.json"), view)
    s, _ = select_from_store(Store(tmp_path / "graph.db"), view)
    assert set(s) == set(h) == {"method:a", "method:c"} and edges(s) == edges(h)


def test_evidence_with_a_lone_surrogate_escape_still_draws_the_page(example_build, tmp_path):
    # `\\ud800` is valid JSON that orjson refuses; a graph.json from elsewhere can hold it
    _, _, out = example_build
    text = (out / "graph.json").read_bytes().replace(b'"sentence":"', b'"sentence":"\\ud800 ')
    (tmp_path / "graph.json").write_bytes(text)
    write_store(tmp_path / "graph.json", tmp_path / "graph.db")
    write_html(Store(tmp_path / "graph.db"), tmp_path / "page.html", HtmlView(papers=False))
    assert "\\ud800" in (tmp_path / "page.html").read_text(encoding="utf-8")
