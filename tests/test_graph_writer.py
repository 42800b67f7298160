"""The resolver (a keyed merge of counters) and the graph writer, tested directly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import KgError
from kg.extract import Extractor
from kg.graph import format as fmt
from kg.graph import load
from kg.graph.parts import paper_part
from kg.graph.writer import GraphWriter
from kg.resolve import Resolver
from kg.schema import Paper

EXTRACTOR = Extractor.load()
PAPERS = [
    Paper(
        id="2401.00001",
        title="FooNet: Fast Images",
        abstract="We propose FooNet, built on SDXL. FooNet beats SD 1.5 on MS COCO with an FID of 7.2 "
        "on an NVIDIA A100. Code: https://github.com/a/foonet",
    ),
    Paper(
        id="2401.00002",
        title="BarGen for Video",
        abstract="We fine-tune SDXL and compare with FooNet on MS COCO, where BarGen reaches an FID of 6.9.",
    ),
    Paper(
        id="2401.00003",
        title="Scaling LLaMA-2-7B",
        abstract="We train LLaMA-2-7B on 8 H100 GPUs and compare with FooNet and Mistral 7B on MMLU.",
    ),
]


def mention(key: str, node_type: str, name: str, vocabulary: bool = False) -> fmt.MentionRecord:
    return {
        "key": key,
        "type": node_type,
        "name": name,
        "aliases": [name],
        "in_vocabulary": vocabulary,
        "broader": [],
    }


def test_a_new_name_keeps_the_id_and_type_of_its_first_sight_and_takes_the_majority_name():
    resolver = Resolver()
    first = resolver.node_id(mention("foonet", "Method", "FooNet"))
    resolver.add_mention(first, mention("foonet", "Method", "FooNet"))
    for _ in range(2):
        again = resolver.node_id(mention("foonet", "Model", "Foonet"))
        resolver.add_mention(again, mention("foonet", "Model", "Foonet"))
    assert first == again == "method:foonet"  # ids never change once given
    node = resolver.entity(first).node(first)
    assert (node["type"], node["name"]) == ("Method", "Foonet")  # the first type, the commonest name
    assert node["aliases"] == ["FooNet"] and node["in_vocabulary"] is False


def test_a_vocabulary_entry_keeps_its_own_type_and_name():
    resolver = Resolver()
    node_id = resolver.node_id(mention("model:sdxl", "Model", "SDXL", vocabulary=True))
    resolver.add_mention(node_id, mention("model:sdxl", "Model", "SDXL", vocabulary=True))
    for _ in range(2):  # papers that type it otherwise do not move a vocabulary entry
        resolver.add_mention(node_id, mention("model:sdxl", "Method", "sdxl"))
    assert node_id == "model:sdxl"
    assert resolver.entity(node_id).node(node_id)["type"] == "Model"


def test_the_state_survives_a_save_and_a_load(tmp_path: Path):
    resolver = Resolver()
    node_id = resolver.node_id(mention("foonet", "Method", "FooNet"))
    resolver.add_mention(node_id, mention("foonet", "Method", "FooNet"))
    resolver.papers.add("paper:1")
    resolver.save(tmp_path / "state.json", "token")
    loaded = Resolver.load(tmp_path / "state.json")
    assert loaded.ids == resolver.ids and loaded.papers == resolver.papers and loaded.token == "token"
    assert loaded.entity(node_id).node(node_id) == resolver.entity(node_id).node(node_id)


def _write(path: Path, papers: list[Paper], resolver: Resolver, base: Path | None = None) -> GraphWriter:
    writer = GraphWriter(path, resolver, EXTRACTOR.vocabulary, base=base)
    for paper in papers:
        assert writer.add(paper_part(EXTRACTOR.extract(paper)))
    writer.close({"format": "kg"}, delta=path.with_name("delta.json") if base else None)
    return writer


def _elements(path: Path) -> tuple[list[str], list[str]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    nodes = sorted(json.dumps(n, sort_keys=True) for n in data["nodes"])
    edges = sorted(json.dumps(e, sort_keys=True) for e in data["edges"])
    return nodes, edges


def test_an_update_with_a_third_paper_equals_a_full_build_of_all_three(tmp_path: Path):
    for folder in ("full", "day", "next"):
        (tmp_path / folder).mkdir()
    _write(tmp_path / "full" / "graph.json", PAPERS, Resolver())
    first_two = Resolver()
    _write(tmp_path / "day" / "graph.json", PAPERS[:2], first_two)
    updated = _write(
        tmp_path / "next" / "graph.json", PAPERS[2:], first_two, base=tmp_path / "day" / "graph.json"
    )

    assert _elements(tmp_path / "next" / "graph.json") == _elements(tmp_path / "full" / "graph.json")
    # the counts the writer reports are those of the file it wrote
    nodes, edges = _elements(tmp_path / "next" / "graph.json")
    assert (updated.node_count, updated.edge_count) == (len(nodes), len(edges))
    # delta.json: the new paper and every node its edges reach, and nothing else
    delta = load(tmp_path / "next" / "delta.json")
    papers = {n for n, d in delta.nodes(data=True) if d["type"] == "Paper"}
    assert papers == {"paper:2401.00003"}
    assert "model:llama-2-7b" in delta and "model:sdxl" not in delta


def test_a_paper_already_in_the_graph_is_not_added_twice(tmp_path: Path):
    writer = GraphWriter(tmp_path / "graph.json", Resolver(), EXTRACTOR.vocabulary)
    part = paper_part(EXTRACTOR.extract(PAPERS[0]))
    assert writer.add(part) and not writer.add(part)
    writer.discard()
    assert not list(tmp_path.iterdir())  # the spill files are gone


def test_every_line_of_graph_json_is_one_element(tmp_path: Path):
    _write(tmp_path / "graph.json", PAPERS, Resolver())
    lines = (tmp_path / "graph.json").read_bytes().splitlines(keepends=True)
    assert lines[0].startswith(b'{"directed":true') and lines[0].endswith(b'"nodes":[\n')
    assert fmt.SEPARATOR in lines and lines[-1] == fmt.FOOTER
    for line in lines[1:-1]:
        if line != fmt.SEPARATOR:
            element = json.loads(line.removeprefix(b","))
            assert "id" in element or {"source", "target", "key", "type"} <= set(element)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SQuAD 1.1", "squad-1-1"),
        ("PixArt-α", "pixart-alpha"),
        ("DPM-Solver++", "dpm-solver-plus-plus"),
        ("", ""),
    ],
)
def test_one_slug_rule(name: str, expected: str):
    from kg.ids import slug

    assert slug(name) == expected


def test_an_edge_follows_the_type_of_the_node_it_reaches(tmp_path: Path):
    """A paper that takes a method's name for a task still links to the method, as something it
    uses: `addresses` would say the method is a task."""
    from kg.graph.parts import PaperPart

    resolver = Resolver()
    writer = GraphWriter(tmp_path / "graph.json", resolver, EXTRACTOR.vocabulary)
    for pid, node_type in (("paper:1", "Method"), ("paper:2", "Task")):
        part = PaperPart(pid, nodes=[fmt.encode({"id": pid, "type": "Paper", "name": pid, "aliases": []})])
        part.mentions.append(mention("foonet", node_type, "FooNet"))
        role = "USES" if node_type == "Method" else "ADDRESSES"
        part.entity_edges.append((fmt.edge_head(pid), "foonet", role, fmt.edge_tail(role)))
        writer.add(part)
    writer.close({"format": "kg"})
    g = load(tmp_path / "graph.json")
    assert g.nodes["method:foonet"]["type"] == "Method"
    assert {d["type"] for _, _, d in g.in_edges("method:foonet", data=True)} == {"USES"}


def test_an_acronym_defined_otherwise_by_another_paper_is_another_entity():
    resolver = Resolver()
    memory = {**mention("new:stateadaptivememory", "Method", "SAM"), "aliases": ["State-Adaptive Memory"]}
    motion = {**mention("new:spatialaudiomotion", "Method", "SAM"), "aliases": ["Spatial Audio Motion"]}
    first = resolver.node_id(memory)
    resolver.add_mention(first, memory)
    second = resolver.node_id(motion)
    resolver.add_mention(second, motion)
    assert first == "method:sam" and second == "method:sam--spatial-audio-motion"
    assert resolver.node_id(memory) == first  # the same expansion again: the same entity


ODD_ID = Paper(id='odd"id\\', title="Quoted", abstract="We fine-tune SDXL on MS COCO.")


def test_an_update_copies_the_base_the_same_in_blocks_of_any_size(tmp_path: Path, monkeypatch):
    """The base's node lines are read a block at a time; lines cut by a block's end, an id that
    needs escapes and the separator are found whatever the block size."""
    import kg.graph.writer as graph_writer

    def update(folder: Path, block: int) -> bytes:
        folder.mkdir()
        resolver = Resolver()
        _write(folder / "base.json", [ODD_ID, *PAPERS[:2]], resolver)
        monkeypatch.setattr(graph_writer, "NODE_BLOCK", block)
        writer = _write(folder / "graph.json", PAPERS[2:], resolver, base=folder / "base.json")
        nodes, _ = _elements(folder / "graph.json")
        assert writer.node_count == len(nodes)
        return (folder / "graph.json").read_bytes()

    whole = update(tmp_path / "whole", 1 << 22)
    assert '"paper:odd\\"id\\\\"' in whole.decode()
    for block in (1, 16, 100, 1000):
        assert update(tmp_path / str(block), block) == whole, block


def test_an_update_refuses_a_base_cut_off_or_not_written_by_kg(tmp_path: Path):
    base = tmp_path / "base.json"
    for damage, message in [
        (lambda text: text[: text.index(fmt.SEPARATOR) - 5], "cut off"),
        (lambda text: text.replace(b'\n,{"id":', b'\n,{"xx":', 1), "not a graph.json written by"),
    ]:
        resolver = Resolver()
        _write(base, PAPERS[:2], resolver)
        base.write_bytes(damage(base.read_bytes()))
        with pytest.raises(KgError, match=message):
            _write(tmp_path / "graph.json", PAPERS[2:], resolver, base=base)
