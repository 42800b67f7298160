"""How long the HTML page takes to write and to open.

    .venv/bin/python benchmarks/html_page.py GRAPH_DB [--nodes 2000,10000] [--opens 3] [--papers] [--no-save]

For each view (the default one: entity-centred for a graph of more than 2,000 papers; --papers:
the paper view) of the most connected nodes of GRAPH_DB (graph.db of a `kg build`): the seconds
`write_html` takes (selection, layout, labels, panel data), the page's size, and the seconds from
opening the page in headless Chromium (1280x800, file://) to its first still picture
(`window.kgStable`, set after the first drawing; the page has no physics to wait for), the
median of --opens opens. Saved to benchmarks/html_page.last.txt unless --no-save. Timings on a
shared machine are noisy: the report gives the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.exporters.html import HtmlView, write_html  # noqa: E402
from kg.store import Store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"


def open_seconds(path: Path, opens: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(opens):
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            start = time.perf_counter()
            page.goto(path.resolve().as_uri(), timeout=300_000)
            page.wait_for_function("window.kgStable === true", timeout=300_000)
            times.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--nodes", default="2000,10000")
    parser.add_argument("--opens", type=int, default=3)
    parser.add_argument("--papers", action="store_true", help="the paper view of a big graph")
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    lines = [
        "# kg HTML page benchmark",
        "",
        f"- graph.db: {args.db} ({args.db.stat().st_size / 1e6:.0f} MB)",
        f"- kg commit {commit.stdout.strip()}; {os.cpu_count()} cores; load average at start "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg()),
        f"- date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        "",
        "| view | nodes shown | write s | page MB | first still picture s (median) | opens s |",
        "|---|---:|---:|---:|---:|---|",
    ]
    store = Store(args.db)
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(x) for x in args.nodes.split(",")):
            path = Path(tmp) / f"view{n}.html"
            start = time.perf_counter()
            write_html(store, path, HtmlView(max_nodes=n, papers=True if args.papers else None))
            written = time.perf_counter() - start
            page = path.read_text(encoding="utf-8")
            toolbar = page[page.index('id="kg-toolbar"') :]
            shown = toolbar.split(" nodes, ", 1)[0].rsplit("· ", 1)[-1]
            times = open_seconds(path, args.opens)
            lines.append(
                f"| --max-nodes {n}{' --papers' if args.papers else ''} | {shown} | {written:.1f} |"
                f" {path.stat().st_size / 1e6:.1f} |"
                f" {statistics.median(times):.2f} | {', '.join(f'{t:.2f}' for t in times)} |"
            )
            print(lines[-1], flush=True)
    report = "\n".join(lines) + "\n"
    print(report)
    if not args.no_save:
        (ROOT / "benchmarks" / "html_page.last.txt").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
