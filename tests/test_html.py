"""The HTML page in a real headless Chromium (slow): offline, complete, searchable, safe."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import networkx as nx
import pytest
from conftest import ROOT, SHARED, hostile_graph

from kg.exporters.html import STYLE, HtmlView, select_from_store, select_view, short_label, write_html
from kg.exporters.html_entities import FOCUS_PAPERS

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


def open_page(browser, path: Path, timeout_ms: int = 180_000, size: tuple[int, int] = (1280, 800)):
    """Open a page from file://; return (page, console errors, network requests, seconds to the
    first still picture: the page lays out in Python, so that is its first drawing)."""
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    start = time.perf_counter()
    page.goto(path.resolve().as_uri(), timeout=timeout_ms)
    page.wait_for_function("window.kgStable === true", timeout=timeout_ms)
    return page, errors, requests, time.perf_counter() - start


def check_page(page, h: nx.MultiDiGraph, search: str, expect_id: str) -> None:
    assert page.evaluate("nodes.length") == h.number_of_nodes()
    assert page.evaluate("edges.length") == h.number_of_edges()
    page.fill("#kg-search", search)
    assert page.evaluate("window.kgFound") == expect_id
    # search moves the view to the node and opens its panel
    centre = page.evaluate("id => [network.getViewPosition(), network.getPositions([id])[id]]", expect_id)
    assert abs(centre[0]["x"] - centre[1]["x"]) < 1 and abs(centre[0]["y"] - centre[1]["y"]) < 1
    assert page.evaluate("window.kgShown") == expect_id and page.is_visible("#kg-panel")
    models = sum(1 for _, d in h.nodes(data=True) if d["type"] == "Model")
    page.uncheck("input.kg-type[value=Model]")
    assert page.evaluate("nodes.get({filter: n => n.hidden}).length") == models > 0
    assert page.evaluate("id => nodes.get(id).kind", expect_id) in STYLE
    page.check("input.kg-type[value=Model]")
    assert page.evaluate("nodes.get({filter: n => n.hidden}).length") == 0


# the labels drawn at the current zoom (vis-network draws a label once its size on screen reaches
# drawThreshold) whose boxes, as vis-network reports them, overlap another drawn label's box;
# only nodes inside the view count (vis-network updates the boxes of the nodes it draws)
OVERLAPS = """() => {
  const scale = network.getScale();
  const threshold = network.body.nodes[nodes.getIds()[0]].options.scaling.label.drawThreshold;
  const c = document.querySelector("#mynetwork canvas").getBoundingClientRect();
  const tl = network.DOMtoCanvas({x: 0, y: 0}), br = network.DOMtoCanvas({x: c.width, y: c.height});
  const inView = nodes.get({filter: n => !n.hidden && n.x > tl.x && n.x < br.x && n.y > tl.y && n.y < br.y});
  const drawn = inView.filter(n => n.label !== undefined && n.font.size * scale >= threshold - 1);
  const boxes = drawn.map(n => [n.id, network.getBoundingBox(n.id)]);
  const pairs = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i][1], b = boxes[j][1];
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
        pairs.push([boxes[i][0], boxes[j][0]]);
      }
    }
  }
  return [boxes.length, inView.length, pairs];
}"""


def check_labels(page, zooms: tuple[float, ...] = (1, 2.5, 6)) -> list[tuple[int, int]]:
    """At the fitted zoom and zoomed in on the middle: labels are drawn and none overlap; a larger
    share of the nodes in view is named zoomed in than at the fitted zoom. Returns (labels drawn,
    nodes in view) at each zoom."""
    page.evaluate("network.fit({animation: false})")
    fitted = page.evaluate("network.getScale()")
    drawn = []
    for zoom in zooms:
        page.evaluate(
            "s => { network.moveTo({scale: s, animation: false}); kgCapLabels(); network.redraw(); }",
            fitted * zoom,
        )
        page.wait_for_timeout(100)
        count, in_view, pairs = page.evaluate(OVERLAPS)
        assert count > 0 and pairs == [], (zoom, pairs[:5])
        drawn.append((count, in_view))
    # zoomed in, a larger share of what is in view is named than at the fitted zoom (not always
    # more at each step: the middle of the picture, where the last zoom looks, is its densest part)
    shares = [count / in_view for count, in_view in drawn]
    assert all(share > shares[0] for share in shares[1:]), drawn
    page.evaluate("network.fit({animation: false})")
    return drawn


def panel_papers(page) -> list[str]:
    return page.evaluate(
        "[...document.querySelectorAll('#kg-panel .kg-item > div > a.kg-go')].map(a => a.textContent)"
    )


def click_node(page, node: str) -> str:
    """Click a node where it is drawn (after moving the view to it); return the node the click
    hit (where nodes overlap, vis-network gives the one drawn on top)."""
    page.evaluate("id => network.focus(id, {scale: 2, animation: false})", node)
    x, y, hit = page.evaluate(
        "id => { const p = network.canvasToDOM(network.getPositions([id])[id]);"
        " const r = document.querySelector('#mynetwork canvas').getBoundingClientRect();"
        " return [r.left + p.x, r.top + p.y, network.getNodeAt(p)]; }",
        node,
    )
    page.mouse.click(x, y)
    page.wait_for_function("id => window.kgShown === id", arg=hit, timeout=5_000)
    return hit


def test_example_day_page(browser, example_build):
    g, _, out = example_build
    h, _ = select_view(g, HtmlView())
    ARTIFACTS.mkdir(exist_ok=True)
    wide, *_ = open_page(browser, out / "graph.html", size=(1920, 1080))
    wide.screenshot(path=str(ARTIFACTS / "example_day_1920x1080.png"))
    wide.close()
    page, errors, requests, seconds = open_page(browser, out / "graph.html")
    page.screenshot(path=str(ARTIFACTS / "example_day_1280x800.png"))
    assert page.is_hidden("#kg-panel")
    drawn = check_labels(page)
    assert drawn[0][0] >= 10
    check_page(page, h, "sdxl", "model:sdxl")
    page.fill("#kg-search", "stable diffusion-xl")  # an alias, folded as kg query folds names
    assert page.evaluate("window.kgFound") == "model:sdxl"

    # a click on a node opens its panel: the papers that name it, with their sentences
    page.click("#kg-panel .kg-close")
    assert click_node(page, "model:sdxl") == "model:sdxl"
    papers = {
        u
        for u, _, k in g.in_edges("model:sdxl", keys=True)
        if g.nodes[u]["type"] == "Paper" and k != "REPORTS"
    }
    assert sorted(panel_papers(page)) == sorted(g.nodes[p]["title"] for p in papers)
    assert page.inner_text("#kg-panel h2") == "SDXL"
    marks = page.evaluate("[...document.querySelectorAll('#kg-panel mark')].map(m => m.textContent)")
    assert marks and all(m.replace("-", " ").lower().startswith(("sdxl", "stable diffusion")) for m in marks)
    page.screenshot(path=str(ARTIFACTS / "example_day_panel_1280x800.png"))
    # a paper's panel: what it proposes, uses ...; a link in it moves the view to that node
    paper = next(p for p in papers if g.nodes[p]["title"] == panel_papers(page)[0])
    page.click("#kg-panel .kg-item > div > a.kg-go")
    assert page.evaluate("window.kgShown") == paper
    assert page.inner_text("#kg-panel h2") == g.nodes[paper]["title"]
    named = {v for _, v in g.out_edges(paper) if v in h and g.nodes[v]["type"] != "Result"}
    links = page.evaluate("[...document.querySelectorAll('#kg-panel h3 ~ .kg-item > a.kg-go')].length")
    assert links >= min(len(named), 1)
    assert errors == [] and requests == []
    print(f"\nexample day: {h.number_of_nodes()} nodes, first still picture in {seconds:.2f} s")


HOSTILE = '<script>window.pwned=1</script><img src=x onerror="window.pwned=2"> "quotes" & \'it\''


def test_hostile_strings_show_as_text_and_run_nothing(browser, tmp_path):
    g = hostile_graph(HOSTILE, url="javascript:alert(1)")
    path = tmp_path / "hostile.html"
    write_html(g, path, title=HOSTILE)
    page, errors, requests, _ = open_page(browser, path, 60_000)
    page.hover("canvas")
    assert page.evaluate("window.pwned") is None
    assert page.evaluate("nodes.get('method:h').name") == HOSTILE
    assert page.evaluate("nodes.get('method:h').label") in (
        None,
        short_label(g.nodes["method:h"], "method:h"),
    )
    for node in ("paper:h", "method:h"):
        page.evaluate("id => kgGo(id)", node)
        assert page.text_content("#kg-panel h2") == HOSTILE
        assert page.evaluate("document.querySelectorAll('#kg-panel script, #kg-panel img').length") == 0
    # the paper's url is no http(s) link: the panel shows no link for it
    assert (
        page.evaluate(
            "[...document.querySelectorAll('#kg-panel a[target]')]"
            ".filter(a => !a.href.startsWith('http')).length"
        )
        == 0
    )
    assert "“" + HOSTILE in page.inner_text("#kg-panel")  # the evidence sentence, as text
    assert page.evaluate("window.pwned") is None and errors == [] and requests == []


@pytest.fixture(scope="module")
def hf_build(tmp_path_factory):
    """The HF corpus built once (graph.json and graph.db), as `kg build` does."""
    corpus = SHARED / "corpora" / "hf_daily_papers.jsonl"
    if not corpus.exists():
        pytest.skip("no HF corpus")
    from kg.build import BuildOptions, build

    out = tmp_path_factory.mktemp("hf") / "out"
    build([corpus], out, BuildOptions(exports=frozenset()))
    return out


def test_hf_corpus_view_of_2000_nodes(browser, hf_build, tmp_path):
    from kg.graph import load

    g = load(hf_build / "graph.json")
    view = HtmlView(max_nodes=2000, papers=True)  # the paper view (the default is entity-centred)
    h, notes = select_view(g, view)
    assert 1900 <= h.number_of_nodes() <= 2000 and "left out" in notes[-1]
    path = tmp_path / "hf.html"
    write_html(g, path, view)
    page, errors, requests, seconds = open_page(browser, path)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hf_2000_1280x800.png"))
    top = max(h.degree(), key=lambda item: (item[1], item[0]))[0]
    check_page(page, h, str(h.nodes[top]["name"]), top)
    hrefs = page.evaluate("[...document.querySelectorAll('#kg-panel a[target=_blank]')].map(a => a.href)")
    assert hrefs and all(href.startswith("https://arxiv.org/abs/") for href in hrefs)
    assert "left out" in page.inner_text("#kg-toolbar")
    assert errors == [] and requests == []
    print(f"\nHF corpus view: {h.number_of_nodes()} nodes, first still picture in {seconds:.2f} s")


def test_hf_corpus_view_of_10000_nodes(browser, hf_build, tmp_path):
    """The page `kg build` writes from graph.db, with 10,000 nodes: entity-centred (the corpus has
    more than BIG_GRAPH_PAPERS papers); focusing an entity brings its papers back."""
    from kg.store import Store

    store = Store(hf_build / "graph.db")
    path = tmp_path / "hf10k.html"
    start = time.perf_counter()
    write_html(store, path, HtmlView(max_nodes=10_000))
    written = time.perf_counter() - start
    h, notes = select_from_store(store, HtmlView(max_nodes=10_000))
    assert h.number_of_nodes() > 8000
    ARTIFACTS.mkdir(exist_ok=True)
    wide, *_ = open_page(browser, path, size=(1920, 1080))
    wide.screenshot(path=str(ARTIFACTS / "hf_10000_1920x1080.png"))
    wide.close()
    page, errors, requests, seconds = open_page(browser, path)
    page.screenshot(path=str(ARTIFACTS / "hf_10000_1280x800.png"))
    # entity-centred: no paper, every link a co-occurrence that says in how many papers
    assert page.evaluate("nodes.get({filter: n => n.kind === 'Paper'}).length") == 0
    titles = page.evaluate("[...new Set(edges.get().map(e => e.title.replace(/[0-9,]+/, 'N')))]")
    assert sorted(titles) in (
        ["co-occurring in N paper", "co-occurring in N papers"],
        ["co-occurring in N papers"],
    )
    u, v, w = max(h.edges(data="weight"), key=lambda e: (e[2], e[0], e[1]))
    title = page.evaluate("([u, v]) => edges.get({filter: e => e.from === u && e.to === v})[0].title", [u, v])
    assert title == f"co-occurring in {w:,} papers"
    # the note says what is shown and what is left out
    toolbar = page.inner_text("#kg-toolbar")
    papers = store.value("SELECT count(*) FROM nodes WHERE type = 'Paper'")
    assert notes[0] in toolbar and f"{papers:,} papers left out" in toolbar and "entities only" in toolbar
    drawn = check_labels(page)
    assert drawn[0][0] >= 10
    top = max((n for n, d in h.nodes(data=True) if d["type"] == "Dataset"), key=lambda n: (h.degree(n), n))
    check_page(page, h, str(h.nodes[top]["name"]), top)
    page.evaluate("kgUnfocus()")
    # a click on an entity focuses it: the papers its panel lists come back as paper nodes linked to it
    hit = click_node(page, top)
    assert page.inner_text("#kg-panel h2") == h.nodes[hit]["name"]
    named = {
        p
        for (p,) in store.rows(
            "SELECT DISTINCT source FROM edges WHERE target = ? AND source LIKE 'paper:%'", (hit,)
        )
    }
    brought = page.evaluate("window.kgBrought")
    assert 0 < len(brought) == min(FOCUS_PAPERS, len(named)) and set(brought) <= named
    assert sorted(panel_papers(page)) == sorted(
        page.evaluate("ids => ids.map(id => nodes.get(id).name)", brought)
    )
    assert page.evaluate(
        "id => network.getConnectedNodes(id).filter(n => nodes.get(n).kind === 'Paper').length", hit
    ) == len(brought)
    page.screenshot(path=str(ARTIFACTS / "hf_10000_focus_1280x800.png"))
    # an entity of a few papers brings them all back; focusing it takes the first ones away
    few = min(
        (
            n
            for n, d in h.nodes(data=True)
            if 3 <= store.value("SELECT papers FROM nodes WHERE id = ?", (n,)) <= FOCUS_PAPERS
        ),
        key=lambda n: (-h.degree(n), n),
    )
    page.evaluate("id => kgGo(id)", few)
    named = {
        p
        for (p,) in store.rows(
            "SELECT DISTINCT source FROM edges WHERE target = ? AND source LIKE 'paper:%'", (few,)
        )
    }
    assert set(page.evaluate("window.kgBrought")) == named
    assert page.evaluate("ids => ids.filter(id => nodes.get(id) !== null).length", brought) == len(
        set(brought) & named
    )
    # a click on a paper it brought opens the paper's panel and keeps the papers
    paper = sorted(named)[0]
    page.evaluate("id => network.focus(id, {scale: 3, animation: false})", paper)
    assert click_node(page, paper) == paper
    assert page.inner_text("#kg-panel h2") == page.evaluate("id => nodes.get(id).name", paper)
    assert set(page.evaluate("window.kgBrought")) == named
    # clearing the focus takes them away
    page.click("#kg-panel .kg-close")
    assert page.evaluate("window.kgBrought") == [] and page.evaluate("nodes.length") == h.number_of_nodes()
    assert page.evaluate("edges.length") == h.number_of_edges()
    page.evaluate("id => kgGo(id)", top)  # the most connected dataset: its results as a leaderboard
    assert page.evaluate("document.querySelectorAll('#kg-panel table tr').length") > 0
    page.screenshot(path=str(ARTIFACTS / "hf_10000_panel_1280x800.png"))
    assert errors == [] and requests == []
    size = path.stat().st_size / 1e6
    print(
        f"\nHF corpus 10,000-node view: {h.number_of_nodes()} entities, written in {written:.1f} s"
        f" ({size:.1f} MB), first still picture in {seconds:.2f} s, labels drawn {drawn}"
    )
