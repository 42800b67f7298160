"""The example day end to end: every output written, and each one readable by its real reader."""

from __future__ import annotations

import csv
import json
import re

import pytest
import rdflib
from conftest import EXAMPLE_DAY

from kg.build import NO_EXPORTS, RDF_NEO4J, BuildOptions, build
from kg.errors import InputError, KgError
from kg.graph import load


def test_graph_json_is_the_scorer_contract(example_build):
    _g, report, out = example_build
    assert report.papers == 78 and report.workers == 1
    data = json.loads((out / "graph.json").read_text())
    assert "edges" in data
    papers = [n for n in data["nodes"] if n["type"] == "Paper"]
    assert len(papers) == 78 and all(p["title"] for p in papers)
    for n in data["nodes"]:
        assert {"id", "type", "name", "aliases"} <= n.keys()
        if n["type"] == "Result":
            assert isinstance(n["value"], float) and "unit" in n and "metric" in n
    roles = [e for e in data["edges"] if e["type"] in ("USES", "PROPOSES", "COMPARES_WITH")]
    assert roles and all(e["mentions"] and e["evidence"] for e in roles)
    # one node per real entity: SDXL is named by several papers
    sdxl = [n for n in data["nodes"] if n["id"] == "model:sdxl"]
    assert len(sdxl) == 1
    assert len({e["source"] for e in data["edges"] if e["target"] == "model:sdxl"}) >= 3


def test_evidence_spans_are_exact(example_build):
    g, _, _ = example_build
    for u, _v, d in g.edges(data=True):
        for ev in d.get("evidence") or []:
            text = g.nodes[u]["abstract"] if ev["field"] == "abstract" else g.nodes[u]["title"]
            assert text[ev["start"] : ev["end"]] == ev["mention"]


def test_turtle_parses_with_rdflib(example_build):
    _, _, out = example_build
    rdf = rdflib.Graph().parse(out / "graph.ttl", format="turtle")
    kg = rdflib.Namespace("https://w3id.org/mlkg/ontology#")
    assert len(set(rdf.subjects(rdflib.RDF.type, kg.Paper))) == 78
    assert len(rdf) > 5000


def test_neo4j_csv_headers_and_cypher(example_build):
    g, _, out = example_build
    neo = out / "neo4j"
    node_rows = 0
    for f in neo.glob("nodes_*.csv"):
        with open(f, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        assert rows[0][:2] == ["id:ID(Node)", ":LABEL"]
        assert all(re.fullmatch(r"\w+:(string|float|boolean|string\[\])", h) for h in rows[0][2:])
        node_rows += len(rows) - 1
    assert node_rows == g.number_of_nodes()
    for f in neo.glob("rels_*.csv"):
        with open(f, newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert header[:3] == [":START_ID(Node)", ":END_ID(Node)", ":TYPE"]
    script = (neo / "import.cypher").read_text()
    assert "CREATE CONSTRAINT paper_id IF NOT EXISTS" in script
    assert "MERGE (n:Paper {id: row.id})" in script
    assert 'neo4j-admin" database import full' in (neo / "import.sh").read_text()


def test_html_holds_the_nodes_and_needs_no_network(example_build):
    _g, _, out = example_build
    page = (out / "graph.html").read_text()
    assert "vis-network" in page or "vis.Network" in page
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?://", page)
    assert "model:sdxl" in page
    assert page.count('"id": "paper:') == 78


def test_round_trip_of_graph_json(example_build):
    g, _, out = example_build
    h = load(out / "graph.json")
    assert h.number_of_nodes() == g.number_of_nodes()
    assert h.number_of_edges() == g.number_of_edges()


def test_bad_input_writes_nothing(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "title": "A", "abstract": "B."}\n{"id": ')
    out = tmp_path / "out"
    with pytest.raises(InputError, match=":2:"):
        build([EXAMPLE_DAY, bad], out, BuildOptions(strict=True))
    assert not out.exists()  # a folder the failed build made goes with it


def test_bad_input_messages_say_what_is_wrong(tmp_path):
    control = tmp_path / "control.jsonl"
    control.write_text('{"id": "1", "title": "A", "abstract": "We use\tSDXL."}\n')
    with pytest.raises(
        InputError, match=r"control.jsonl:1: invalid JSON \(Invalid control character at column \d+\)"
    ):
        build([control], tmp_path / "out", BuildOptions(strict=True))
    cut = tmp_path / "cut.jsonl"
    cut.write_text('{"id": "1", "title": "A", "abstract": "We use SDXL."\n')  # the `}` is missing
    with pytest.raises(InputError, match=r"cut.jsonl:1: invalid JSON \(Expecting ',' delimiter, column 53\)"):
        build([cut], tmp_path / "out", BuildOptions(strict=True))
    with pytest.raises(InputError, match="a folder, not a file"):
        build([tmp_path], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_bad_records_are_skipped_and_reported(tmp_path):
    src = tmp_path / "mixed.jsonl"
    src.write_text(
        '{"id": "1", "title": "A", "abstract": "We fine-tune SDXL."}\n'
        '{"id": \n'
        '{"id": "3", "title": "C", "abstract": ""}\n'
        '{"id": "4", "title": "D", "abstract": "We evaluate on MMLU."}\n'
        '{"id": "1", "title": "A again", "abstract": "We fine-tune SDXL."}\n'
    )
    report = build([src], tmp_path / "out", BuildOptions(exports=RDF_NEO4J))
    assert report.papers == 2 and report.skipped == 2 and report.duplicates == 1
    assert report.skipped_by_reason == {"invalid JSON": 1, "empty abstract": 1}
    assert [(r.line, r.reason.split(" (")[0]) for r in report.skipped_records] == [
        (2, "invalid JSON"),
        (3, "record 'C' has an empty abstract"),
    ]
    saved = json.loads((tmp_path / "out" / "report.json").read_text())
    assert saved["skipped"] == 2 and saved["skipped_records"][0]["path"] == str(src)


def test_failed_rebuild_keeps_previous_outputs(tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "1", "title": "A", "abstract": "We fine-tune SDXL."}\n')
    out = tmp_path / "out"
    build([good], out, BuildOptions(exports=RDF_NEO4J))
    before = (out / "graph.json").read_bytes()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "title": "A", "abstract": ""}\n')
    with pytest.raises(KgError, match="no papers to build"):
        build([bad], out, BuildOptions(exports=RDF_NEO4J))
    assert (out / "graph.json").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [
        "graph.db",
        "graph.json",
        "graph.ttl",
        "neo4j",
        "report.json",
        "state.json",
    ]


@pytest.mark.slow
def test_two_workers_build_the_same_graph(tmp_path):
    from conftest import DATA

    inputs = [DATA / "heldout_papers.jsonl", EXAMPLE_DAY]
    build(inputs, tmp_path / "one", BuildOptions(exports=RDF_NEO4J))
    build(inputs, tmp_path / "two", BuildOptions(workers=2, exports=RDF_NEO4J))
    assert body(tmp_path / "one") == body(tmp_path / "two")


def test_the_default_plans_one_process_for_a_small_input_and_one_per_core_beyond():
    from kg.engines import SMALL_INPUT, default_workers, plan_workers

    for n, expected in ((SMALL_INPUT, 1), (SMALL_INPUT + 1, default_workers())):
        items, workers = plan_workers(iter(range(n)), None, "local")
        assert workers == expected and list(items) == list(range(n))  # nothing lost to reading ahead
    assert plan_workers([], 3, "local")[1] == 3


def _default_workers_in_a_pool_worker(_: int) -> int:
    from kg.engines import default_workers

    return default_workers()


def test_the_default_starts_no_processes_inside_a_pool_worker():
    import multiprocessing

    # a daemonic process may not start children: a library user's pool worker builds in itself
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map(_default_workers_in_a_pool_worker, [0]) == [1]


@pytest.mark.slow
def test_the_default_extracts_a_small_input_here_and_a_large_one_with_a_worker_per_core():
    import multiprocessing

    from kg.config import DataPaths
    from kg.engines import SMALL_INPUT, default_workers, extract_parts
    from kg.sources import read_papers

    paths = DataPaths.packaged()
    day = list(read_papers([EXAMPLE_DAY]))
    small = extract_parts(day, paths)
    next(small)
    assert multiprocessing.active_children() == []  # no worker started for 78 papers
    assert len([next(small), *small]) == len(day) - 1

    large = day * (SMALL_INPUT // len(day) + 1)
    in_this_process = list(extract_parts(large, paths, workers=1))
    by_default = extract_parts(large, paths)
    first = next(by_default)
    if default_workers() > 1:  # a machine of one core extracts here whatever the input
        assert multiprocessing.active_children()
    assert [first, *by_default] == in_this_process


def body(out):
    """graph.json without its header line, which names the build."""
    return (out / "graph.json").read_bytes().split(b"\n", 1)[1]


def test_markup_and_surrogates_in_titles_do_not_break_the_cli(tmp_path):
    import subprocess
    import sys

    src = tmp_path / "odd.jsonl"
    src.write_text(
        '{"id": "1", "title": "Masking [/mask] tokens [bold] \\ud83d", "abstract": "We fine-tune BERT."}\n'
    )
    build([src], tmp_path / "out", BuildOptions(exports=RDF_NEO4J))
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", "query", str(tmp_path / "out"), "papers", "BERT"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "[/mask]" in result.stdout


def canonical(out):
    """A graph.json as sets: nodes with their attributes, edges with theirs (order aside)."""
    data = json.loads((out / "graph.json").read_text(encoding="utf-8"))
    nodes = {n["id"]: n for n in data["nodes"]}
    edges = sorted(json.dumps(e, sort_keys=True) for e in data["edges"])
    assert len(nodes) == len(data["nodes"])
    return nodes, edges


@pytest.mark.slow
def test_update_equals_a_full_rebuild_and_is_idempotent(tmp_path):
    from conftest import DATA

    day_one, day_two = DATA / "heldout_papers.jsonl", EXAMPLE_DAY
    build([day_one, day_two], tmp_path / "full", BuildOptions(exports=RDF_NEO4J))
    first = build([day_one], tmp_path / "inc", BuildOptions(exports=RDF_NEO4J))
    second = build([day_two], tmp_path / "inc", BuildOptions(exports=RDF_NEO4J, update=True))
    assert (first.added, second.added, second.papers) == (20, 78, 98)
    assert canonical(tmp_path / "inc") == canonical(tmp_path / "full")
    assert load(tmp_path / "inc").number_of_nodes() == second.nodes
    assert load(tmp_path / "inc").number_of_edges() == second.edges
    delta = load(tmp_path / "inc" / "delta.json")  # what a database needs to catch up
    assert sum(d["type"] == "Paper" for _, d in delta.nodes(data=True)) == 78
    assert all("type" in d for _, d in delta.nodes(data=True))  # every edge's ends are in it
    full = load(tmp_path / "full")
    assert all(full.nodes[n] == d for n, d in delta.nodes(data=True))
    before = {p.name: p.read_bytes() for p in (tmp_path / "inc").iterdir() if p.is_file()}
    again = build([day_two, day_one], tmp_path / "inc", BuildOptions(exports=RDF_NEO4J, update=True))
    assert again.added == 0 and again.duplicates == 98
    assert {p.name: p.read_bytes() for p in (tmp_path / "inc").iterdir() if p.is_file()} == before


def test_update_refuses_a_state_that_does_not_match_the_graph(tmp_path):
    from conftest import DATA

    build([DATA / "heldout_papers.jsonl"], tmp_path / "a", BuildOptions(exports=NO_EXPORTS))
    build([EXAMPLE_DAY], tmp_path / "b", BuildOptions(exports=NO_EXPORTS))
    (tmp_path / "a" / "state.json").write_bytes((tmp_path / "b" / "state.json").read_bytes())
    with pytest.raises(InputError, match=r"does not match graph\.json"):
        build([EXAMPLE_DAY], tmp_path / "a", BuildOptions(update=True))


@pytest.mark.parametrize("damage", ["cut short", "not UTF-8"])
def test_update_refuses_a_damaged_state_and_changes_nothing(tmp_path, damage):
    from conftest import DATA

    out = tmp_path / "out"
    build([DATA / "heldout_papers.jsonl"], out, BuildOptions(exports=NO_EXPORTS))
    state = (out / "state.json").read_bytes()
    (out / "state.json").write_bytes(state[: len(state) // 2] if damage == "cut short" else b"\xff" + state)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    with pytest.raises(InputError, match=r"state\.json: build state is unreadable"):
        build([EXAMPLE_DAY], out, BuildOptions(update=True))
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_a_build_without_exports_removes_the_old_ones(tmp_path):
    from conftest import DATA

    build([EXAMPLE_DAY], tmp_path, BuildOptions(exports=RDF_NEO4J))
    report = build([DATA / "heldout_papers.jsonl"], tmp_path, BuildOptions(exports=NO_EXPORTS))
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["graph.db", "graph.json", "report.json", "state.json"]
    assert report.removed == ["graph.ttl", "neo4j"]


def test_one_repository_under_two_spellings_is_one_edge(tmp_path):
    src = tmp_path / "code.jsonl"
    src.write_text(
        '{"id": "1", "title": "T", "abstract": "Code: https://github.com/Foo/Bar and '
        'https://github.com/foo/bar.git here."}\n'
        '{"id": "2", "title": "U", "abstract": "Also https://github.com/foo/bar here."}\n'
    )
    build([src], tmp_path / "a", BuildOptions(exports=NO_EXPORTS))
    report = build([src], tmp_path / "b", BuildOptions(exports=NO_EXPORTS))
    g = load(tmp_path / "b")
    assert report.edges == g.number_of_edges() == 2
    delta_src = tmp_path / "day.jsonl"
    delta_src.write_text(
        '{"id": "3", "title": "V", "abstract": "See https://github.com/new/repo now."}\n'
        '{"id": "4", "title": "W", "abstract": "See https://github.com/new/repo too."}\n'
    )
    build([delta_src], tmp_path / "b", BuildOptions(exports=NO_EXPORTS, update=True))
    delta = json.loads((tmp_path / "b" / "delta.json").read_text())
    ids = [n["id"] for n in delta["nodes"]]
    assert len(ids) == len(set(ids)) and "repo:github.com/new/repo" in ids


def test_an_input_with_no_records_says_so(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    with pytest.raises(KgError, match="the inputs hold none"):
        build([empty], tmp_path / "out")


def test_an_update_whose_base_graph_is_cut_off_says_so_and_changes_nothing(tmp_path):
    # an update's graph.json is assembled in a forked process beside the store: the error it
    # meets must reach the user as it is, and nothing go into place
    first = tmp_path / "first.jsonl"
    first.write_text('{"id": "1", "title": "A", "abstract": "We fine-tune SDXL on COCO."}\n')
    out = tmp_path / "out"
    build([first], out, BuildOptions())
    graph = out / "graph.json"
    graph.write_bytes(graph.read_bytes()[:-4])  # the footer and the last edge's end
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    day = tmp_path / "day.jsonl"
    day.write_text('{"id": "2", "title": "B", "abstract": "We evaluate LLaMA-2-7B on MMLU."}\n')
    with pytest.raises(KgError, match=r"graph\.json is cut off; rebuild it"):
        build([day], out, BuildOptions(update=True))
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not list(out.glob(".kg-build.*"))


def test_a_state_writer_that_fails_fails_the_update_and_changes_nothing(tmp_path, monkeypatch):
    # state.json is written in a forked process beside graph.db and the page: its failure must
    # still fail the build, before anything goes into place
    first = tmp_path / "first.jsonl"
    first.write_text('{"id": "1", "title": "A", "abstract": "We fine-tune SDXL on COCO."}\n')
    out = tmp_path / "out"
    build([first], out, BuildOptions())
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def broken_save(self, path, token):
        raise OSError("disk full")

    monkeypatch.setattr("kg.resolve.Resolver.save", broken_save)
    day = tmp_path / "day.jsonl"
    day.write_text('{"id": "2", "title": "B", "abstract": "We evaluate LLaMA-2-7B on MMLU."}\n')
    with pytest.raises(KgError, match="state"):
        build([day], out, BuildOptions(update=True))
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before
    assert not list(out.glob(".kg-build.*"))


def test_a_build_leaves_the_callers_garbage_collector_as_it_found_it(tmp_path):
    import gc

    from conftest import DATA

    build([DATA / "heldout_papers.jsonl"], tmp_path / "out", BuildOptions(exports=NO_EXPORTS))
    build([EXAMPLE_DAY], tmp_path / "out", BuildOptions(exports=NO_EXPORTS, update=True))
    assert gc.get_freeze_count() == 0 and gc.isenabled()  # what the build froze, it let go
    gc.freeze()  # a caller's own frozen heap (a pre-fork server's) stays frozen
    try:
        frozen = gc.get_freeze_count()
        build([EXAMPLE_DAY], tmp_path / "again", BuildOptions(exports=NO_EXPORTS))
        assert gc.get_freeze_count() > frozen // 2  # frozen objects may still be freed: a few were
    finally:
        gc.unfreeze()
