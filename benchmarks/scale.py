"""How fast kg extracts, builds and exports a real corpus, and how much memory each step takes.

    .venv/bin/python benchmarks/scale.py [--corpus hf|arxiv|PATH] [--limit N] [--workers N]
                                         [--out DIR] [--timeout 900] [--skip-spacy] [--no-save]

`hf` is the 9,877-paper Hugging Face corpus (the default) and `arxiv` the 103,145-paper arXiv cs
crawl, both in ../shared/corpora/; PATH is any input `kg build` reads. The result is a Markdown
report printed to stdout and saved to benchmarks/scale.last.txt (unless --no-save).

What it measures, on the first N papers of the corpus (all of them without --limit):

1. In this process, after one warm-up call: abstracts/s of `kg.extract.Extractor.extract` (the whole
   extraction: names, roles, results), and of `Vocabulary.find` alone (only the name matching).
2. The baseline: a blank spaCy English pipeline with an EntityRuler holding every name and alias
   of kg's own vocabulary as phrase patterns (matched on LOWER), run with `nlp.pipe` in one
   process over the same title + abstract texts. Building the ruler is timed apart from the rate.
3. As subprocesses, each killed after --timeout seconds, the commands a user runs, with their
   default outputs (graph.json, graph.db, graph.html): `kg build` of all papers but the last 100,
   `kg build --update` with those 100; then every `kg query` verb from a cold process, on names
   the graph itself ranks first (its most named model and dataset, its most linked paper); then
   the exports written on request, `kg export rdf --format nt` and `kg export neo4j`. For each:
   wall time, and the peak resident memory of the whole process tree (main process + workers,
   summed) and of the main process alone, both sampled every 0.1 s. Build rows add the
   per-stage seconds from report.json.
4. The size of the final graph (papers, nodes, edges from report.json; file sizes).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import itertools
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psutil

from kg.extract import Extractor
from kg.extract.vocabulary import Vocabulary
from kg.schema import Paper
from kg.sources import read_papers

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
NAMED_CORPORA = {"hf": CORPORA / "hf_daily_papers.jsonl", "arxiv": CORPORA / "arxiv_daily_cs.jsonl.gz"}
LAST = Path(__file__).with_name("scale.last.txt")
HOLDOUT = 100  # papers kept out of the main build and added with --update
POLL_SECONDS = 0.1
SPACY_BATCH = 256
MB = 1024 * 1024


# ---------------------------------------------------------------- in-process rates


@dataclass
class Rate:
    """One in-process measurement: how many abstracts in how many seconds."""

    step: str
    abstracts: int
    seconds: float | None
    notes: str = ""

    @property
    def per_second(self) -> float | None:
        return self.abstracts / self.seconds if self.seconds else None


def load_papers(corpus: Path, limit: int | None) -> list[Paper]:
    return list(itertools.islice(read_papers([corpus], strict=False), limit))


def time_extraction(papers: list[Paper], extractor: Extractor) -> Rate:
    extractor.extract(papers[0])  # warm-up: lazy imports, compiled patterns
    start = time.perf_counter()
    mentions = sum(len(extractor.extract(paper).mentions) for paper in papers)
    seconds = time.perf_counter() - start
    notes = f"full extraction (names, roles, results); {mentions:,} mentions"
    return Rate("kg extract_paper, 1 process", len(papers), seconds, notes)


def time_matching(papers: list[Paper], vocab: Vocabulary) -> Rate:
    vocab.find(papers[0].abstract)
    start = time.perf_counter()
    hits = sum(len(vocab.find(paper.title)) + len(vocab.find(paper.abstract)) for paper in papers)
    seconds = time.perf_counter() - start
    notes = f"name matching only (what the ruler does); {hits:,} hits"
    return Rate("kg Vocabulary.find, 1 process", len(papers), seconds, notes)


def spacy_text(paper: Paper) -> str:
    """The title and abstract exactly as kg's reader gives them to extraction."""
    return f"{paper.title}\n{paper.abstract}"


def spacy_patterns(vocab: Vocabulary) -> list[dict[str, str]]:
    """Every name and alias of every vocabulary entry, labelled with its type."""
    return [
        {"label": str(entry.type), "pattern": form, "id": entry.id}
        for entry in vocab.entries.values()
        for form in entry.forms
    ]


def time_spacy(papers: list[Paper], vocab: Vocabulary) -> tuple[Rate, float, int]:
    """The spaCy EntityRuler rate, the seconds building the ruler took, and its pattern count."""
    import spacy

    start = time.perf_counter()
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER", "validate": False})
    patterns = spacy_patterns(vocab)
    ruler.add_patterns(patterns)
    nlp(spacy_text(papers[0]))  # warm-up; the ruler also finishes its set-up on first use
    build_seconds = time.perf_counter() - start
    texts = [spacy_text(paper) for paper in papers]
    start = time.perf_counter()
    entities = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=SPACY_BATCH, n_process=1))
    seconds = time.perf_counter() - start
    notes = f"blank('en') + EntityRuler, nlp.pipe batch {SPACY_BATCH}; {entities:,} entities"
    return Rate("spaCy EntityRuler, 1 process", len(papers), seconds, notes), build_seconds, len(patterns)


# ---------------------------------------------------------------- subprocesses


@dataclass
class Run:
    """One subprocess: wall seconds, exit code (None: killed at the timeout), peak RSS in MB."""

    seconds: float
    returncode: int | None
    peak_tree_mb: float
    peak_main_mb: float
    stderr: str

    @property
    def status(self) -> str:
        if self.returncode is None:
            return "timeout"
        return "ok" if self.returncode == 0 else f"failed (exit {self.returncode})"


def tree_rss(main: psutil.Process) -> tuple[int, int]:
    """Resident bytes of the main process and of it plus all its descendants."""
    try:
        main_rss = main.memory_info().rss
        children = main.children(recursive=True)
    except psutil.Error:  # it has just exited
        return 0, 0
    total = main_rss
    for child in children:
        with contextlib.suppress(psutil.Error):
            total += child.memory_info().rss
    return main_rss, total


def run_measured(cmd: list[str], timeout: float) -> Run:
    """Run `cmd`, sampling its memory every POLL_SECONDS; kill its whole group after `timeout` s."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        main = psutil.Process(proc.pid)
        peak_main = peak_tree = 0
        timed_out = False
        while proc.poll() is None:
            main_rss, total = tree_rss(main)
            peak_main, peak_tree = max(peak_main, main_rss), max(peak_tree, total)
            if time.perf_counter() - start > timeout:
                with contextlib.suppress(ProcessLookupError):  # it may have just finished
                    os.killpg(proc.pid, signal.SIGKILL)  # its own session: the workers go too
                proc.wait()
                timed_out = True
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(POLL_SECONDS)
        seconds = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    returncode = None if timed_out else proc.returncode
    return Run(seconds, returncode, peak_tree / MB, peak_main / MB, stderr)


def kg_command() -> list[str]:
    """The `kg` script of the Python running this benchmark."""
    script = Path(sys.executable).with_name("kg")
    return [str(script)] if script.exists() else [shutil.which("kg") or "kg"]


@dataclass
class Step:
    """A subprocess row of the report."""

    name: str
    run: Run | None  # None: not run, because an earlier step failed
    notes: str = ""


def read_report(out: Path) -> dict:
    path = out / "report.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def stage_notes(report: dict, papers: int, seconds: float) -> str:
    stages = "; ".join(f"{name} {secs:.1f} s" for name, secs in report.get("seconds", {}).items())
    rate = f"{papers / seconds:,.0f} papers/s" if seconds else ""
    # not report.json's peak_rss_mb: Linux keeps ru_maxrss across exec, so it starts at our own RSS
    return "; ".join(part for part in (stages, rate) if part)


def size_mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / MB
    return path.stat().st_size / MB if path.exists() else 0.0


def run_steps(inputs: Inputs, out: Path, workers: int | None, timeout: float) -> tuple[list[Step], dict]:
    """Build, update, ask and export as subprocesses; the steps and the final report.json."""
    kg, base, day, nt = kg_command(), str(inputs.base), str(inputs.day), str(out / "graph.nt")
    build = [*kg, "build", base, "--out", str(out), *workers_option(workers), "--quiet"]
    update = [*kg, "build", day, "--out", str(out), "--update", "--quiet"]
    steps: list[Step] = []

    def run(plan: list[tuple[str, list[str]]]) -> bool:
        for name, cmd in plan:
            if steps and steps[-1].run is not None and steps[-1].run.status != "ok":
                steps.append(Step(name, None, "not run: an earlier step did not finish"))
                continue
            measured = run_measured(cmd, timeout)
            steps.append(Step(name, measured, step_notes(name, measured, out)))
        return all(s.run is not None and s.run.status == "ok" for s in steps)

    if run(
        [
            (f"kg build ({inputs.n_base:,} records, {workers_text(workers)}, default outputs)", build),
            (f"kg build --update (+{inputs.n_day:,} records, default outputs)", update),
        ]
    ):
        run([(f"kg query {' '.join(q)}", [*kg, "query", str(out), *q, "--json"]) for q in questions(out)])
        run(
            [
                (
                    "kg export rdf --format nt",
                    [*kg, "export", "rdf", str(out), "--format", "nt", "--out", nt],
                ),
                ("kg export neo4j", [*kg, "export", "neo4j", str(out), "--out", str(out / "neo4j")]),
            ]
        )
    return steps, read_report(out)


def questions(out: Path) -> list[list[str]]:
    """Every `kg query` verb, on what the graph ranks first: the questions with the most to read."""
    db = sqlite3.connect(out / "graph.db")

    def first(sql: str) -> str:
        row = db.execute(sql).fetchone()
        return row[0] if row else "none"

    model = first("SELECT name FROM nodes WHERE type = 'Model' ORDER BY papers DESC, id LIMIT 1")
    dataset = first(
        "SELECT d.name FROM nodes d JOIN edges e ON e.target = d.id AND e.type = 'DATASET' "
        "WHERE d.type = 'Dataset' GROUP BY d.id ORDER BY count(*) DESC, d.id LIMIT 1"
    )
    method = first("SELECT name FROM nodes WHERE type = 'Method' ORDER BY papers DESC, id LIMIT 1")
    paper = first("SELECT id FROM nodes WHERE type = 'Paper' ORDER BY degree DESC, id LIMIT 1")
    rare = first("SELECT name FROM nodes WHERE type = 'Dataset' AND papers = 1 ORDER BY id LIMIT 1")
    db.close()
    return [
        ["papers", model],
        ["papers", "A100"],
        ["entity", model],
        ["compared-with", method],
        ["leaderboard", dataset],
        ["hardware"],
        ["top", "--by", "papers"],
        ["top", "--type", "Model", "--by", "degree"],
        ["top", "--by", "pagerank"],
        ["path", rare, model],
        ["similar", paper],
        ["trend", model],
        ["cooccur", model],
    ]


def step_notes(name: str, run: Run, out: Path) -> str:
    if run.returncode is None:
        return "killed at --timeout, with its workers"
    if run.status != "ok":
        last = run.stderr.strip().splitlines()[-1:] or [""]
        return last[0][:200].replace("|", "/")
    if name.startswith("kg build"):
        report = read_report(out)
        sizes = ", ".join(f"{k} {v / MB:,.1f} MB" for k, v in report.get("sizes", {}).items())
        return f"{stage_notes(report, report.get('added', 0), run.seconds)}; {sizes}"
    if name.startswith("kg query"):
        return ""
    if "rdf" in name:
        return f"graph.nt {size_mb(out / 'graph.nt'):,.1f} MB"
    return f"neo4j/ {size_mb(out / 'neo4j'):,.1f} MB"


# ---------------------------------------------------------------- inputs


def raw_records(corpus: Path) -> Iterator[bytes]:
    """The corpus as JSON Lines: its own lines when it is JSONL, else its papers re-serialized."""
    if corpus.name.endswith((".jsonl", ".jsonl.gz")):
        opener = gzip.open if corpus.suffix == ".gz" else open
        with opener(corpus, "rb") as f:
            yield from (line.rstrip(b"\n") + b"\n" for line in f if line.strip())
    else:
        for paper in read_papers([corpus], strict=False):
            yield paper.model_dump_json().encode("utf-8") + b"\n"


@dataclass
class Inputs:
    """The build's input (`base`) and the held-out papers added with --update (`day`)."""

    base: Path
    day: Path
    n_base: int
    n_day: int


def split_corpus(corpus: Path, limit: int | None, folder: Path) -> Inputs:
    """Write the first `limit` records to base.jsonl, all but the last HOLDOUT, and those to day.jsonl."""
    records = list(itertools.islice(raw_records(corpus), limit))
    holdout = min(HOLDOUT, len(records) // 10) or 1
    base, day = folder / "base.jsonl", folder / "day.jsonl"
    base.write_bytes(b"".join(records[:-holdout]))
    day.write_bytes(b"".join(records[-holdout:]))
    return Inputs(base, day, len(records) - holdout, holdout)


def resolve_corpus(name: str) -> Path:
    path = NAMED_CORPORA.get(name, Path(name))
    if not path.is_file():
        raise SystemExit(f"no corpus at {path}")
    return path


# ---------------------------------------------------------------- report


def workers_option(workers: int | None) -> list[str]:
    return [] if workers is None else ["--workers", str(workers)]


def workers_text(workers: int | None) -> str:
    return "default --workers" if workers is None else f"--workers {workers}"


def machine_lines(corpus: Path, papers: int, limit: int | None, workers: int | None) -> list[str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    ram = psutil.virtual_memory().total / 1024**3
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- machine: {cpu}, {os.cpu_count()} cores, {ram:.1f} GB RAM; load average at start {load}",
        f"- Python {platform.python_version()}; kg commit {git_commit()}",
        f"- date: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- corpus: {corpus.name}, {papers:,} papers"
        + (f" (--limit {limit:,})" if limit else "")
        + f"; build with {workers_text(workers)}",
    ]


def git_commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" (with uncommitted changes)" if git("status", "--porcelain", "--", "kg") else "")


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def rate_table(rates: list[Rate]) -> list[str]:
    lines = ["| in one process | abstracts | seconds | abstracts/s | notes |", "|---|---:|---:|---:|---|"]
    for rate in rates:
        numbers = f"{rate.abstracts:,} | {fmt(rate.seconds)} | {fmt(rate.per_second)}"
        lines.append(f"| {rate.step} | {numbers} | {rate.notes} |")
    return lines


def step_table(steps: list[Step]) -> list[str]:
    lines = [
        "| subprocess | status | wall s | peak RSS, all processes (MB) | peak RSS, main (MB) | notes |",
        "|---|---|---:|---:|---:|---|",
    ]
    for step in steps:
        run = step.run
        if run is None:
            lines.append(f"| {step.name} | not run | – | – | – | {step.notes} |")
            continue
        lines.append(
            f"| {step.name} | {run.status} | {fmt(run.seconds)} | {fmt(run.peak_tree_mb, 0)} "
            f"| {fmt(run.peak_main_mb, 0)} | {step.notes} |"
        )
    return lines


def graph_table(report: dict, out: Path) -> list[str]:
    def count(key: str) -> str:
        return f"{report[key]:,}" if key in report else "–"

    graph = out / "graph.json"
    return [
        "| graph after the update | value |",
        "|---|---:|",
        f"| papers | {count('papers')} |",
        f"| nodes | {count('nodes')} |",
        f"| edges | {count('edges')} |",
        f"| graph.json MB | {fmt(size_mb(graph)) if graph.exists() else '–'} |",
    ]


def comparison(rates: list[Rate]) -> str:
    by_step = {r.step.split(",")[0]: r.per_second for r in rates}
    spacy_rate = by_step.get("spaCy EntityRuler")
    if not spacy_rate:
        return "spaCy baseline skipped."
    full, find = by_step["kg extract_paper"] or 0, by_step["kg Vocabulary.find"] or 0
    return (
        f"kg extract_paper is {full / spacy_rate:.1f}x spaCy; "
        f"kg Vocabulary.find alone is {find / spacy_rate:.1f}x spaCy (same vocabulary, same texts)."
    )


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default="hf", help="hf, arxiv or a path (default: hf)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N papers")
    parser.add_argument(
        "--workers", type=int, default=None, help="kg build --workers (default: kg build's own default)"
    )
    parser.add_argument("--out", type=Path, default=None, help="build folder to keep (default: a temp one)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per subprocess (default: 900)")
    parser.add_argument("--skip-spacy", action="store_true", help="no spaCy baseline")
    parser.add_argument("--no-save", action="store_true", help=f"do not write {LAST.name}")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 2:
        parser.error("--limit must be at least 2")
    return args


def measure_rates(papers: list[Paper], skip_spacy: bool) -> tuple[list[Rate], str]:
    extractor = Extractor.load()
    vocab = extractor.vocabulary
    rates = [time_extraction(papers, extractor), time_matching(papers, vocab)]
    if skip_spacy:
        rates.append(Rate("spaCy EntityRuler, 1 process", len(papers), None, "skipped (--skip-spacy)"))
        return rates, ""
    rate, build_seconds, patterns = time_spacy(papers, vocab)
    rates.append(rate)
    return rates, f"spaCy EntityRuler built in {build_seconds:.1f} s from {patterns:,} phrase patterns."


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    corpus = resolve_corpus(args.corpus)
    papers = load_papers(corpus, args.limit)
    header = machine_lines(corpus, len(papers), args.limit, args.workers)
    rates, ruler_line = measure_rates(papers, args.skip_spacy)
    del papers
    with tempfile.TemporaryDirectory(prefix="kg-scale-") as tmp:
        inputs = split_corpus(corpus, args.limit, Path(tmp))
        out = args.out or Path(tmp) / "out"
        steps, report = run_steps(inputs, out, args.workers, args.timeout)
        lines = [
            "# kg scale benchmark",
            "",
            *header,
            "",
            *rate_table(rates),
            "",
            " ".join(part for part in (comparison(rates), ruler_line) if part),
            "",
            *step_table(steps),
            "",
            *graph_table(report, out),
        ]
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if not args.no_save:
        LAST.write_text(text, encoding="utf-8")
    return 0 if all(s.run and s.run.status == "ok" for s in steps) else 1


if __name__ == "__main__":
    sys.exit(main())
