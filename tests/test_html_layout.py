"""The page's layout, labels and panel data, computed in Python (quick; the browser tests are in
test_html.py)."""

from __future__ import annotations

import networkx as nx

from kg.exporters.html import short_label
from kg.exporters.html_layout import choose_labels, fitted_scale, label_box, layout, overlaps, ranked
from kg.exporters.html_panel import clip, evidence, panel_data, paper_date


def star_forest() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for hub in range(12):
        for leaf in range(3 + hub * 4):
            g.add_edge(f"paper:{hub}-{leaf}", f"method:{hub}", key="USES")
        g.add_edge(f"method:{hub}", f"method:{(hub + 1) % 12}", key="BROADER")
    g.add_edge("paper:x", "dataset:apart", key="EVALUATED_ON")  # a part apart from the rest
    return g


def test_layout_is_deterministic_and_places_every_node():
    g = star_forest()
    pos = layout(g)
    assert set(pos) == set(g) and pos == layout(g)
    assert len(set(pos.values())) == len(pos)  # no two nodes on one spot


def test_labels_never_overlap_and_hubs_come_first():
    g = star_forest()
    pos = layout(g)
    scale = fitted_scale(pos)
    order = ranked(g)
    sizes = {n: 4 / scale for n in g}
    labels = {n: f"a rather long name for {n}" for n in g}
    fonts = choose_labels(order, pos, sizes, labels, scale)
    assert order[0] in fonts and fonts[order[0]] == max(fonts.values())
    boxes = [label_box(*pos[n], sizes[n], labels[n], fonts[n]) for n in fonts]
    assert not any(overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_short_labels():
    assert short_label({"type": "Paper", "name": "InstaFlow: One Step is Enough"}, "p") == "InstaFlow"
    long = short_label({"type": "Paper", "name": "A very long title without any colon in it at all"}, "p")
    assert long.endswith("…") and len(long) <= 27
    assert short_label({"type": "Model", "name": "x" * 50}, "m") == "x" * 37 + "..."


def test_clip_keeps_the_name_in_view():
    sentence = "word " * 100 + "LoRA" + " word" * 100
    start = sentence.index("LoRA")
    text, s, e = clip(sentence, start, start + 4)
    assert len(text) <= 302 and text[s:e] == "LoRA" and text.startswith("…") and text.endswith("…")
    assert clip("short", -1, -1) == ("short", -1, -1)


def test_evidence_finds_the_mention_in_its_sentence():
    edge = {
        "evidence": [
            {
                "field": "title",
                "start": 0,
                "end": 4,
                "mention": "LoRA",
                "sentence": "LoRA: x",
                "sentence_start": 0,
            },
            {
                "field": "abstract",
                "start": 15,
                "end": 19,
                "mention": "LoRA",
                "sentence": "We use LoRA.",
                "sentence_start": 8,
            },
        ]
    }
    assert evidence(edge) == ("We use LoRA.", 7, 11)  # the abstract's sentence is preferred


def test_panel_lists_papers_by_role_with_their_sentences():
    g = nx.MultiDiGraph()
    g.add_node(
        "paper:a", type="Paper", name="A", title="A: a", url="https://arxiv.org/abs/1", published="2024-05-01"
    )
    g.add_node("paper:b", type="Paper", name="B", title="B: b", url="javascript:alert(1)")
    g.add_node("method:m", type="Method", name="M", aliases=["Em"])
    ev = [
        {"field": "abstract", "start": 4, "end": 5, "mention": "M", "sentence": "Use M.", "sentence_start": 0}
    ]
    g.add_edge("paper:b", "method:m", key="USES", type="USES", evidence=ev)
    g.add_edge("paper:a", "method:m", key="PROPOSES", type="PROPOSES", evidence=ev)
    data = panel_data(g, ["method:m", "paper:a"])
    m = data["d"]["method:m"]
    assert [p[:2] for p in m["p"]] == [["paper:a", "PROPOSES"], ["paper:b", "USES"]]
    assert data["s"][m["p"][0][2]] == "Use M." and m["p"][0][3:] == [4, 5] and m["a"] == ["Em"]
    assert data["p"]["paper:a"] == ["A: a", "https://arxiv.org/abs/1", "2024-05-01"]
    assert data["p"]["paper:b"][1] == ""  # only http(s) links
    assert data["d"]["paper:a"]["r"][0][:2] == ["method:m", "PROPOSES"]


def test_a_paper_date_without_a_year_reads_as_month_and_day():
    # a daily page lists papers by a day with no year (`--09-10`, xsd:gMonthDay)
    assert paper_date({"listing_date": "--09-10"}) == "Sep 10"
    assert paper_date({"published": "2024-09-10T12:00:00Z", "listing_date": "--09-10"}) == "2024-09-10"
    assert paper_date({}) == ""
