from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLE_DAY

from kg.errors import InputError
from kg.sources import detect, read_papers


def papers(path: Path, fmt: str | None = None):
    return list(read_papers([path], fmt))


def test_daily_page_keeps_titles_abstracts_and_listing_date():
    ps = papers(EXAMPLE_DAY)
    assert len(ps) == 78
    assert ps[0].title.startswith("Step-aware Preference Optimization")
    assert ps[0].abstract.startswith("Recently, Direct Preference Optimization (DPO)")
    assert ps[-1].abstract.endswith("https://github.com/Infini-AI-Lab/Kinetics.")
    assert {p.listing_date for p in ps} == {"--09-10"}
    assert ps[1].source.endswith(":17")


def test_hf_api_response():
    ps = papers(DATA / "hf_daily_papers_api_2025-11-10.json")
    assert detect(DATA / "hf_daily_papers_api_2025-11-10.json").name == "hf-api"
    assert len(ps) == 6
    assert ps[0].id == "2511.05271"
    assert ps[0].title == "DeepEyesV2: Toward Agentic Multimodal Model"
    assert "\n" not in ps[0].abstract
    assert ps[0].code_url == "https://github.com/Visual-Agent/DeepEyes"
    assert ps[0].published == "2025-11-07"
    assert ps[0].authors[0] == "Jack Hong"


def test_hf_api_python_repr_items_and_no_data_days(tmp_path):
    item = {
        "paper": {
            "id": "2412.07730",
            "title": "T",
            "summary": "An abstract.",
            "authors": [{"name": "A", "hidden": False}],
        },
        "title": "T",
    }
    f = tmp_path / "day.json"
    f.write_text(json.dumps({"status": "success", "date": "2024-12-12", "count": 1, "data": [repr(item)]}))
    assert [p.id for p in papers(f)] == ["2412.07730"]
    empty = tmp_path / "empty.json"
    empty.write_text('{"status": "no_data", "date": "2025-01-11", "message": "No papers"}')
    assert papers(empty, "hf-api") == []


def test_arxiv_atom():
    ps = papers(DATA / "arxiv_api_atom_query_response.xml")
    assert len(ps) == 3
    assert ps[0].id == "2511.18882"
    assert ps[0].title == "Facade Segmentation for Solar Photovoltaic Suitability"
    assert ps[0].url == "https://arxiv.org/abs/2511.18882v1"
    assert ps[0].published == "2025-11-24"


def test_crawler_jsonl_and_gzip(tmp_path):
    src = DATA / "daily_arxiv_ai_enhanced_2025-12-20.jsonl"
    ps = papers(src)
    assert len(ps) == 52
    assert ps[0].id == "2512.16814"
    gz = tmp_path / "day.jsonl.gz"
    with gzip.open(gz, "wb") as f:
        f.write(src.read_bytes())
    assert [p.id for p in papers(gz)] == [p.id for p in ps]


def test_corpus_records_and_json_array(tmp_path):
    ps = papers(DATA / "heldout_papers.jsonl")
    assert len(ps) == 20 and all(p.url and p.url.startswith("https://arxiv.org/abs/") for p in ps)
    arr = tmp_path / "records.json"
    arr.write_text(json.dumps([{"id": "1", "title": "A", "abstract": "B."}]))
    assert [p.title for p in papers(arr)] == ["A"]


def test_truncated_jsonl_names_file_and_line(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"id": "1", "title": "A", "abstract": "B."}\n{"id": "2", "title": "C", "abs\n')
    with pytest.raises(InputError) as e:
        papers(f)
    assert e.value.line == 2 and str(f) in str(e.value) and "\n" not in str(e.value)


def test_truncated_json_array(tmp_path):
    f = tmp_path / "bad.json"
    f.write_text('[{"id": "1", "title": "A",\n "abstract": "B."},\n {"id": ')
    with pytest.raises(InputError) as e:
        papers(f)
    assert e.value.line == 3


def test_empty_abstract_is_an_error(tmp_path):
    f = tmp_path / "bad.jsonl"
    f.write_text('{"id": "1", "title": "A", "abstract": "B."}\n{"id": "2", "title": "C", "abstract": " "}\n')
    with pytest.raises(InputError, match="empty abstract") as e:
        papers(f)
    assert e.value.line == 2


def test_unknown_format(tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("just some text\nwith no date line\n")
    with pytest.raises(InputError, match="unknown format"):
        papers(f)
    with pytest.raises(InputError, match="unknown format 'csv'"):
        papers(f, "csv")


def test_not_utf8(tmp_path):
    f = tmp_path / "latin1.jsonl"
    f.write_bytes('{"id": "1", "title": "caf\xe9", "abstract": "B."}\n'.encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        papers(f)


def test_records_without_ids_in_other_scripts_stay_distinct(tmp_path):
    f = tmp_path / "zh.jsonl"
    rows = [{"title": t, "abstract": "An abstract."} for t in ("扩散模型的研究", "大语言模型", "نموذج")]
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    ids = [p.id for p in papers(f)]
    assert len(set(ids)) == 3 and all(ids)


def test_numeric_ids_impossible_dates_and_lone_surrogates(tmp_path):
    f = tmp_path / "odd.jsonl"
    f.write_text('{"id": 2401.10010, "title": "A \\ud83d B", "abstract": "x", "published": "2024-02-30"}\n')
    (p,) = papers(f)
    assert p.id != "2401.1001" and p.published is None and "\ufffd" in p.title
