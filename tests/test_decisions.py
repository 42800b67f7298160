"""The learned decision layer: the shipped model, its file format, and its reproduction."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from kg.config import DataPaths
from kg.errors import InputError
from kg.extract import Extractor
from kg.extract.decisions import ROLES_ONLY, DecisionModel, LinearModel, features
from kg.extract.patterns import read_clusters
from kg.extract.results import Number
from kg.schema import NodeType, Paper, Role

PAPER = Paper(
    id="2401.00001",
    title="FooNet: Universal Photometric Stereo with Diffusion Priors",
    abstract="We propose FooNet, a universal photometric stereo method built on Stable Diffusion v1.5. "
    "FooNet outperforms SDM-UniPS on the DiLiGenT benchmark, reducing the mean angular error by 12%, "
    "and is trained with on-policy self-distillation on 8 NVIDIA A100 GPUs.",
)


def test_the_shipped_model_is_used_by_default_and_decides_types_and_roles():
    extractor = Extractor.load()
    assert extractor.model is not None
    mentions = {m.name: m for m in extractor.extract(PAPER).mentions}
    assert mentions["FooNet"].roles == [Role.PROPOSES]
    assert mentions["NVIDIA A100"].type == NodeType.HARDWARE
    assert mentions["Stable Diffusion v1.5"].type == NodeType.MODEL


def test_extraction_with_the_model_is_deterministic():
    first, second = Extractor.load(), Extractor.load()
    assert first.extract(PAPER).model_dump() == second.extract(PAPER).model_dump()


def test_the_model_file_round_trips(tmp_path: Path):
    model = DecisionModel.load(DataPaths.packaged().decision_model)
    path = tmp_path / "decisions.json"
    path.write_text(json.dumps(model.to_json()), encoding="utf-8")
    again = DecisionModel.load(path)
    assert again.to_json() == model.to_json()


def test_a_broken_model_file_is_named(tmp_path: Path):
    path = tmp_path / "decisions.json"
    path.write_text('{"entity": {"classes": []}}', encoding="utf-8")
    with pytest.raises(InputError, match=r"decisions\.json"):
        DecisionModel.load(path)


def test_the_model_reads_the_word_classes_of_a_name(tmp_path: Path):
    # the shipped classes put words the corpus writes alike together, and the model weighs the
    # class of a candidate's last word: a word no training paper wrote is read like its class
    extractor = Extractor.load()
    clusters = extractor.words.clusters
    assert clusters["outperforms"] == clusters["surpasses"]
    assert clusters["cifar"] == clusters["imagenet"]
    model = extractor.model
    assert model is not None and model.word_classes == extractor.words.clusters_digest
    assert f"name_cl={clusters['benchmark']}" in model.entity.weights
    # the classes of the words around a mention are read by the role model only
    around = f"{ROLES_ONLY}prev_class={clusters['outperforms']}"
    assert around in model.roles.weights and around not in model.entity.weights
    assert not any(name.startswith(ROLES_ONLY) for name in model.entity.weights)
    candidates = extractor.candidates(PAPER)
    key = next(k for k, g in candidates.groups.items() if g.name == "DiLiGenT")
    cues = extractor.patterns.decision_cue_words
    read = features(candidates.groups[key], candidates.found_by_key[key], candidates.fields, cues, clusters)
    # a word the corpus wrote too seldom has no class (`-`)
    assert (
        f"name_cl={clusters.get('diligent', '-')}" in read
        and f"{ROLES_ONLY}prev_class={clusters['the']}" in read
    )


def test_word_classes_are_checked_where_they_are_read(tmp_path: Path):
    broken = tmp_path / "word_clusters.tsv"
    broken.write_text("# comment\nquantization\t12\npruning 13\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"word_clusters\.tsv:3"):
        read_clusters(broken)
    broken.write_text("# only a comment\n", encoding="utf-8")
    with pytest.raises(InputError, match="no word classes"):
        read_clusters(broken)
    with pytest.raises(InputError, match="make it with"):
        read_clusters(tmp_path / "missing.tsv")
    # a model trained with other classes than the folder's is refused: its class numbers differ
    ontology = tmp_path / "ontology"
    shutil.copytree(DataPaths.packaged().ontology, ontology)
    (ontology / "word_clusters.tsv").write_text("quantization\t1\npruning\t2\n", encoding="utf-8")
    with pytest.raises(InputError, match="other word classes"):
        Extractor.load(DataPaths(ontology, DataPaths.packaged().cypher))
    assert Extractor.load(DataPaths(ontology, DataPaths.packaged().cypher), with_model=False).model is None


@pytest.mark.slow
def test_retraining_reproduces_the_shipped_model_exactly(tmp_path: Path):
    pytest.importorskip("sklearn")
    out = tmp_path / "decisions.json"
    subprocess.run(
        [sys.executable, str(ROOT / "training" / "train_decisions.py"), "--out", str(out)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=600,
    )
    assert out.read_bytes() == DataPaths.packaged().decision_model.read_bytes()


def test_the_subject_model_picks_the_best_scored_option_and_the_rules_without_it():
    number = Number(start=0, end=4, value=45.2, unit="%", text_start=0, text_end=5)
    options = [("a", ["rule", "side=before"]), ("b", ["side=after", "name_prev=than"])]
    shipped = DecisionModel.load(DataPaths.packaged().decision_model)
    assert shipped.subjects is not None  # the shipped file has a subject model
    rules_only = DecisionModel(shipped.entity, shipped.roles)
    assert rules_only.choose_subject(number, options) == "a"
    prefers_after = DecisionModel(
        shipped.entity, shipped.roles, LinearModel(("subject",), (0.0,), {"side=after": (1.0,)})
    )
    assert prefers_after.choose_subject(number, options) == "b"
    assert prefers_after.choose_subject(number, []) is None


def test_the_result_model_decides_which_numbers_are_results_and_the_rules_drop_counts_in_words():
    spelled = Number(start=0, end=3, value=6, unit=None, text_start=0, text_end=11, count=True, spelled=True)
    score = Number(start=0, end=4, value=45.2, unit="%", text_start=0, text_end=5)
    shipped = DecisionModel.load(DataPaths.packaged().decision_model)
    assert shipped.results is not None  # the shipped file has a result model
    rules_only = DecisionModel(shipped.entity, shipped.roles)
    assert not rules_only.keep_result(spelled, ["spelled"]) and rules_only.keep_result(score, [])
    setup = LinearModel(("result",), (0.5,), {"noun=count|benchmarks": (-2.0,), "spelled": (-0.2,)})
    learned = DecisionModel(shipped.entity, shipped.roles, shipped.subjects, setup)
    assert learned.keep_result(spelled, ["kind=count", "spelled", "noun=count|classes"])
    assert not learned.keep_result(spelled, ["kind=count", "spelled", "noun=count|benchmarks"])


def test_a_count_in_words_is_read_only_with_a_result_model():
    abstract = "We release FooBench, a dataset of 12,000 leaf images across six classes."
    paper = Paper(id="x", title="FooBench: leaf images", abstract=abstract)
    rules = Extractor.load(with_model=False).extract(paper)
    assert 6 not in {r.value for r in rules.results} and 12000 in {r.value for r in rules.results}
    shipped = DecisionModel.load(DataPaths.packaged().decision_model)
    keep_all = LinearModel(("result",), (1.0,), {})
    learned = Extractor.load(with_model=False).with_model(
        DecisionModel(shipped.entity, shipped.roles, shipped.subjects, keep_all)
    )
    assert {6, 12000} <= {r.value for r in learned.extract(paper).results}
