"""The HTML page in a real headless Chromium (slow): offline, complete, searchable, safe."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import networkx as nx
import pytest
from conftest import ROOT, SHARED, hostile_graph

from kg.exporters.html import STYLE, HtmlView, select_view, write_html

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("no chromium (apt-get install chromium; .ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield b
        b.close()


def open_page(browser, path: Path, timeout_ms: int = 180_000):
    """Open a page from file://; return (page, console errors, network requests, seconds to stable)."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    start = time.perf_counter()
    page.goto(path.resolve().as_uri(), timeout=timeout_ms)  # the page lays out before "load"
    page.wait_for_function("window.kgStable === true", timeout=timeout_ms)
    return page, errors, requests, time.perf_counter() - start


def check_page(page, h: nx.MultiDiGraph, search: str, expect_id: str) -> None:
    assert page.evaluate("nodes.length") == h.number_of_nodes()
    assert page.evaluate("edges.length") == h.number_of_edges()
    page.fill("#kg-search", search)
    assert page.evaluate("window.kgFound") == expect_id
    models = sum(1 for _, d in h.nodes(data=True) if d["type"] == "Model")
    page.uncheck("input.kg-type[value=Model]")
    assert page.evaluate("nodes.get({filter: n => n.hidden}).length") == models > 0
    assert page.evaluate("id => nodes.get(id).kind", expect_id) in STYLE
    page.check("input.kg-type[value=Model]")
    assert page.evaluate("nodes.get({filter: n => n.hidden}).length") == 0


def test_example_day_page(browser, example_build):
    g, _, out = example_build
    h, _ = select_view(g, HtmlView())
    page, errors, requests, seconds = open_page(browser, out / "graph.html")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "example_day_overview.png"))
    check_page(page, h, "sdxl", "model:sdxl")
    page.fill("#kg-search", "stable diffusion-xl")  # an alias, folded as kg query folds names
    assert page.evaluate("window.kgFound") == "model:sdxl"
    tip = page.evaluate("nodes.get('model:sdxl').title.innerText")
    assert "SDXL" in tip and "paper(s)" in tip
    papers = {u for u, _ in g.in_edges("model:sdxl") if g.nodes[u]["type"] == "Paper"}
    assert page.evaluate("nodes.get('model:sdxl').title.querySelectorAll(':scope > div').length") == min(
        len(papers), 6
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "example_day.png"))
    assert errors == [] and requests == []
    print(f"\nexample day: {h.number_of_nodes()} nodes stable in {seconds:.1f} s")


HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2"> "quotes" & \'it\''


def test_hostile_strings_show_as_text_and_run_nothing(browser, tmp_path):
    g = hostile_graph(HOSTILE, url="javascript:alert(1)")
    path = tmp_path / "hostile.html"
    write_html(g, path, title=HOSTILE)
    page, errors, requests, _ = open_page(browser, path, 60_000)
    page.hover("canvas")
    assert page.evaluate("window.pwned") is None
    assert page.evaluate("nodes.get('method:h').label") == HOSTILE[:37] + "..."
    tip = page.evaluate("nodes.get('paper:h').title")
    assert page.evaluate("nodes.get('paper:h').title.innerText").startswith(HOSTILE)
    assert page.evaluate("nodes.get('paper:h').title.querySelectorAll('a, script, img').length") == 0
    assert page.evaluate("nodes.get('method:h').title.querySelectorAll('script, img').length") == 0
    assert tip is not None and errors == [] and requests == []


@pytest.mark.skipif(not (SHARED / "corpora" / "hf_daily_papers.jsonl").exists(), reason="no HF corpus")
def test_hf_corpus_view_of_2000_nodes(browser, tmp_path):
    from kg.extract import Extractor
    from kg.graph.writer import build_graph
    from kg.sources import read_papers

    extractor = Extractor.load()
    papers = read_papers([SHARED / "corpora" / "hf_daily_papers.jsonl"])
    g = build_graph((extractor.extract(p) for p in papers), extractor.vocabulary)
    view = HtmlView(max_nodes=2000)
    h, notes = select_view(g, view)
    assert 1900 <= h.number_of_nodes() <= 2000 and "left out" in notes[-1]
    path = tmp_path / "hf.html"
    write_html(g, path, view)
    page, errors, requests, seconds = open_page(browser, path)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hf_2000_overview.png"))
    top = max(h.degree(), key=lambda item: (item[1], item[0]))[0]
    check_page(page, h, str(h.nodes[top]["name"]), top)
    hrefs = page.evaluate("id => [...nodes.get(id).title.querySelectorAll('a')].map(a => a.href)", top)
    assert hrefs and all(href.startswith("https://arxiv.org/abs/") for href in hrefs)
    assert "left out" in page.inner_text("#kg-toolbar")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hf_2000.png"))
    assert errors == [] and requests == []
    print(f"\nHF corpus view: 2000 nodes stable in {seconds:.1f} s")
