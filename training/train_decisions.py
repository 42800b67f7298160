"""Train the extraction's decision model from the annotated abstracts, or cross-validate it.

    python training/train_decisions.py                  # writes ontology/models/decisions.json
    python training/train_decisions.py --folds 5 --scorer ../shared/eval/score.py   # CV score

The rules propose candidate entities for each training paper (`Extractor.candidates`, run with no
model). Each candidate is matched to the paper's gold entities by its surface forms, the way the
scorer matches: a match to a required entity labels it with the entity's type and roles, no
match labels it `none`, a match to an `optional` entity leaves it out of training. Two
scikit-learn logistic regressions learn from them: the entity label (multinomial), and each
role (one binary model per role, on the matched candidates). A third one learns whose number a
reported result is (`subject_questions`): with the first two in place, each number the extractor
reads that the gold reports with a subject is matched by value, and it learns from the gold's
subject against each other possible one (`fit_subjects`). A fourth one learns which numbers the
rules read are results at all (`result_rows`: each number the rules read for a model, counts in
words, of the setup and of one digit and bare decimals too, labelled with whether the gold
reports its value). Their weights are written as JSON, rounded, with
features sorted: the same data and versions give the same file, byte for byte.

Needs scikit-learn (`pip install -e '.[train]'`); kg itself reads the JSON without it.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from kg.config import DataPaths
from kg.extract import Extractor
from kg.extract.decisions import (
    DECIDED_ROLES,
    ENTITY_LABELS,
    NONE,
    ROLES_ONLY,
    DecisionModel,
    LinearModel,
    features,
)
from kg.extract.grouping import abstract_places
from kg.extract.results import Number, SubjectOptions, read_results, rule_choice
from kg.graph import save
from kg.graph.writer import build_graph
from kg.schema import Paper

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
# gold files and the records kg reads for them; the blind set is never used here
TRAINING_SETS = [("train.jsonl", "train_input.jsonl"), ("shared_train.jsonl", "shared_train_input.jsonl")]
ROLE_OF_GOLD = {
    "proposes": "PROPOSES",
    "uses": "USES",
    "compares_with": "COMPARES_WITH",
    "evaluates_on": "EVALUATED_ON",
}
DIGITS = 4  # weights are rounded: the file is stable and small
MIN_WEIGHT = 0.01  # features whose weights all stay under this are left out of the file


def norm(text: str) -> str:
    """The scorer's normal form of a name."""
    return re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKC", str(text)).lower())


def load_examples() -> list[tuple[Paper, dict]]:
    examples = []
    for gold_file, input_file in TRAINING_SETS:
        golds = [json.loads(line) for line in (DATA / gold_file).read_text(encoding="utf-8").splitlines()]
        inputs = [json.loads(line) for line in (DATA / input_file).read_text(encoding="utf-8").splitlines()]
        by_title = {norm(r["title"]): r for r in inputs}
        for gold in golds:
            record = by_title[norm(gold["paper"])]
            paper = Paper(id=str(record["id"]), title=" ".join(record["title"].split()),
                          abstract=" ".join(record["abstract"].split()))  # fmt: skip
            examples.append((paper, gold))
    return examples


def labelled_candidates(extractor: Extractor, paper: Paper, gold: dict):
    """(features, entity label, gold roles or None) for each candidate of the paper."""
    candidates = extractor.candidates(paper)
    gold_forms = [{norm(x) for x in [g["name"], *g.get("aliases", [])] if norm(x)} for g in gold["entities"]]
    rows = []
    taken: set[int] = set()
    for key, group in candidates.groups.items():
        forms = {norm(x) for x in [group.name, *group.aliases] if norm(x)}
        forms |= {
            norm(s.sentence[s.start - s.sentence_start : s.end - s.sentence_start]) for s in group.spans
        }
        match = next((i for i, g in enumerate(gold_forms) if i not in taken and g & forms), None)
        cues = extractor.patterns.decision_cue_words
        feats = features(
            group, candidates.found_by_key[key], candidates.fields, cues, extractor.words.clusters
        )
        if match is None:
            rows.append((feats, NONE, None))
            continue
        taken.add(match)
        entity = gold["entities"][match]
        if entity.get("optional"):
            continue
        label = entity["type"] if group.entry is None or entity["type"] in ENTITY_LABELS else NONE
        roles = {ROLE_OF_GOLD[r] for r in entity.get("roles", []) if r in ROLE_OF_GOLD}
        rows.append((feats, label, roles))
    return rows


NONE_SHIFT = 0.7  # subtracted from the `none` class's bias: > 0 keeps more candidates


ROLE_SHIFT = 0.5  # added to every role's bias: > 0 says yes to a role more often
C = 1.0  # inverse regularization of the entity, role and result regressions (5-fold CV: 0.2 to 4 tried)
# of the subject model, trained on pairs of options: a tie by 5-fold CV on three splits (attributed
# with 1.0: 0.700 / 0.701 / 0.692, with 0.3: 0.701 / 0.701 / 0.693); the shipped model has 0.3
SUBJECT_C = 0.3


def fit(rows: list, none_shift: float | None = None, c: float | None = None) -> DecisionModel:
    c = C if c is None else c
    vectorizer = DictVectorizer(sparse=True)
    x = vectorizer.fit_transform([dict.fromkeys(f, 1) for f, _, _ in rows])
    names = vectorizer.get_feature_names_out()
    labels = [label for _, label, _ in rows]
    entity = LogisticRegression(C=c, max_iter=3000)
    for_entity = np.array([not n.startswith(ROLES_ONLY) for n in names])
    entity.fit(x[:, for_entity], labels)
    classes = tuple(str(c) for c in entity.classes_)
    shift = NONE_SHIFT if none_shift is None else none_shift
    intercept = entity.intercept_ - np.array([shift if c == NONE else 0.0 for c in classes])
    entity_model = _linear(classes, intercept, entity.coef_, names[for_entity])
    matched = [i for i, (_, label, _) in enumerate(rows) if label != NONE and rows[i][2] is not None]
    xm = x[matched]
    role_coefs, role_bias = [], []
    for role in DECIDED_ROLES:
        y = np.array([str(role) in rows[i][2] for i in matched])
        model = LogisticRegression(C=c, max_iter=3000)
        model.fit(xm, y)
        role_coefs.append(model.coef_[0])
        role_bias.append(model.intercept_[0] + ROLE_SHIFT)
    roles_model = _linear(
        tuple(str(r) for r in DECIDED_ROLES), np.array(role_bias), np.array(role_coefs), names
    )
    return DecisionModel(entity_model, roles_model)


def _linear(classes: tuple[str, ...], bias, coef, names) -> LinearModel:
    coef = np.asarray(coef)
    weights = {}
    for j, name in enumerate(names):
        column = tuple(round(float(c), DIGITS) for c in coef[:, j])
        if max(abs(c) for c in column) >= MIN_WEIGHT:
            weights[str(name)] = column
    return LinearModel(classes, tuple(round(float(b), DIGITS) for b in bias), weights)


Question = list[tuple[list[str], bool]]  # a number's possible subjects: features, and whether the gold's


def subject_questions(extractor: Extractor, paper: Paper, gold: dict) -> list[Question]:
    """For each number the extractor reads in the paper that the gold reports with a subject it
    annotates: the possible subjects (`kg.extract.results.subject_options`), each labelled with
    whether it is the gold's. Numbers are matched to the gold's results by value, in order."""
    candidates = extractor.candidates(paper)
    extractor.decide(candidates)
    groups = candidates.groups
    asked: list[tuple[Number, SubjectOptions]] = []

    def record(number: Number, options: SubjectOptions) -> str | None:
        if not asked or asked[-1][0] is not number:  # asked again among fewer options: once is enough
            asked.append((number, options))
        return rule_choice(number, options)

    spans = candidates.sentence_spans["abstract"]
    read_results(extractor.numbers, paper.abstract, spans, groups, abstract_places(groups.values()), record)
    entities = {e["id"]: e for e in gold["entities"]}
    questions, used = [], set()
    for result in gold.get("results", []):
        subject = entities.get(result.get("subject") or "")
        if subject is None or subject.get("optional"):
            continue
        gold_forms = {norm(x) for x in [subject["name"], *subject.get("aliases", [])] if norm(x)}
        value = float(result["value"])
        same = [i for i, (n, _) in enumerate(asked) if abs(n.value - value) <= 1e-6 * max(1.0, abs(value))]
        match = next((i for i in same if i not in used), None)
        if match is None:
            continue
        used.add(match)
        labelled = []
        for key, feats in asked[match][1]:
            group = groups[key]
            forms = {norm(x) for x in [group.name, *group.aliases] if norm(x)}
            labelled.append((feats, bool(forms & gold_forms)))
        if any(yes for _, yes in labelled):
            questions.append(labelled)
    return questions


def fit_subjects(questions: list[Question], c: float | None = None) -> LinearModel:
    """A logistic regression on pairs of a number's possible subjects, the gold's against each
    other one (each pair both ways round): the difference of their features says which is the
    gold's. The extractor takes the best-scoring option of each number, so only the differences
    between options matter, and the model learns from nothing else."""
    vectorizer = DictVectorizer(sparse=True)
    x = vectorizer.fit_transform([dict.fromkeys(f, 1) for question in questions for f, _ in question]).tocsr()
    rows = []
    first = 0  # the row of the question's first option
    for question in questions:
        yes = [first + i for i, (_, gold) in enumerate(question) if gold]
        no = [first + i for i, (_, gold) in enumerate(question) if not gold]
        rows += [x[i] - x[j] for i in yes for j in no]
        first += len(question)
    if not rows:
        raise ValueError("no number has both the gold's subject and another among its options")
    # each pair both ways round, so that the classes balance with no intercept; with no intercept
    # this is the same fit as the pairs one way at twice the C, so taking it out changes the model
    pairs = sparse.vstack(rows + [-r for r in rows]).tocsr()
    labels = np.array([True] * len(rows) + [False] * len(rows))
    model = LogisticRegression(C=SUBJECT_C if c is None else c, max_iter=3000, fit_intercept=False)
    model.fit(pairs, labels)
    return _linear(("subject",), [0.0], model.coef_, vectorizer.get_feature_names_out())


def _fit_yes_or_no(label: str, rows: list[tuple[list[str], bool]], c: float | None) -> LinearModel:
    """One logistic regression over (features, yes or no) rows: the log-odds of `label`."""
    vectorizer = DictVectorizer(sparse=True)
    x = vectorizer.fit_transform([dict.fromkeys(f, 1) for f, _ in rows])
    model = LogisticRegression(C=C if c is None else c, max_iter=3000)
    model.fit(x, np.array([yes for _, yes in rows]))
    return _linear((label,), model.intercept_, model.coef_, vectorizer.get_feature_names_out())


def same_value(gold: float, read: float) -> bool:
    """The scorer's match: equal, or equal at a scale (`4M` may be annotated 4 or 4,000,000)."""
    return any(abs(read - gold * scale) <= 1e-6 * max(1.0, abs(read)) for scale in (1, 1e3, 1e6, 1e9, 1e-3))


def result_rows(extractor: Extractor, paper: Paper, gold: dict) -> list[tuple[list[str], bool]]:
    """For each number the extractor's rules read in the paper (counts in words too): its features
    (`kg.extract.results.result_features`), and whether the gold reports it. Numbers are matched to
    the gold's results by value, each result once, in order."""
    candidates = extractor.candidates(paper)
    extractor.decide(candidates)
    read: list[tuple[Number, list[str]]] = []

    def record(number: Number, feats: list[str]) -> bool:
        read.append((number, feats))
        return True

    spans = candidates.sentence_spans["abstract"]
    groups = candidates.groups
    places = abstract_places(groups.values())
    read_results(extractor.numbers, paper.abstract, spans, groups, places, rule_choice, record)
    left = [float(r["value"]) for r in gold.get("results", []) if r.get("value") is not None]
    rows = []
    for number, feats in read:
        hit = next((i for i, value in enumerate(left) if same_value(value, number.value)), None)
        if hit is not None:
            del left[hit]
        rows.append((feats, hit is not None))
    return rows


def fit_results(rows: list[tuple[list[str], bool]], c: float | None = None) -> LinearModel:
    """One logistic regression over every number the rules read: a result or not."""
    return _fit_yes_or_no("result", rows, c)


def with_subjects(model: DecisionModel, examples, paths: DataPaths) -> DecisionModel:
    """`model` with a subject model and a result model trained on the numbers its extractor reads
    in `examples`."""
    extractor = Extractor.load(paths, with_model=False).with_model(model)
    questions = [q for paper, gold in examples for q in subject_questions(extractor, paper, gold)]
    rows = [r for paper, gold in examples for r in result_rows(extractor, paper, gold)]
    return DecisionModel(model.entity, model.roles, fit_subjects(questions), fit_results(rows))


def fold_of(count: int, folds: int, split_seed: int | None) -> list[int]:
    """Each paper's fold: `index mod folds`, or, with a seed, the same sizes dealt at random. A
    change that moves a score less than two splits disagree by is not evidence (session 30: role
    F1 moved 0.007 one way on one split and 0.007 the other way on another)."""
    order = list(range(count))
    if split_seed is not None:
        random.Random(split_seed).shuffle(order)
    fold = [0] * count
    for position, index in enumerate(order):
        fold[index] = position % folds
    return fold


def cross_validate(
    examples,
    folds: int,
    scorer: Path,
    paths: DataPaths,
    none_shift: float | None,
    c: float | None,
    split_seed: int | None = None,
) -> None:
    base = Extractor.load(paths, with_model=False).with_model(None, phrases=True)
    rows_by_paper = [labelled_candidates(base, paper, gold) for paper, gold in examples]
    fold_of_paper = fold_of(len(examples), folds, split_seed)
    extractions = []
    for fold in range(folds):
        train = [r for i, rows in enumerate(rows_by_paper) if fold_of_paper[i] != fold for r in rows]
        model = fit(train, none_shift, c)
        model = with_subjects(model, [e for i, e in enumerate(examples) if fold_of_paper[i] != fold], paths)
        extractor = Extractor.load(paths, with_model=False).with_model(model)
        extractions += [extractor.extract(p) for i, (p, _) in enumerate(examples) if fold_of_paper[i] == fold]
    with tempfile.TemporaryDirectory() as tmp:
        graph_file, gold = Path(tmp) / "graph.json", Path(tmp) / "gold.jsonl"
        save(build_graph(extractions, base.vocabulary), graph_file)
        gold.write_text("".join(json.dumps(g) + "\n" for _, g in examples), encoding="utf-8")
        command = [sys.executable, str(scorer), "--gold", str(gold), "--graph", str(graph_file)]
        print(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=0, help="cross-validate with this many folds instead")
    parser.add_argument("--scorer", type=Path, default=Path("../shared/eval/score.py"))
    parser.add_argument("--c", type=float, default=None, help=f"default {C}")
    parser.add_argument("--none-shift", type=float, default=None, help=f"default {NONE_SHIFT}")
    parser.add_argument("--out", type=Path, default=None, help="default: ontology/models/decisions.json")
    parser.add_argument(
        "--split-seed", type=int, default=None, help="with --folds: random folds by this seed"
    )
    args = parser.parse_args()
    paths = DataPaths.packaged()
    examples = load_examples()
    if args.folds:
        cross_validate(examples, args.folds, args.scorer, paths, args.none_shift, args.c, args.split_seed)
        return
    base = Extractor.load(paths, with_model=False).with_model(None, phrases=True)
    rows = [r for paper, gold in examples for r in labelled_candidates(base, paper, gold)]
    model = with_subjects(fit(rows), examples, paths)
    model.word_classes = base.words.clusters_digest  # the classes its features were read with
    out = args.out or paths.decision_model
    out.write_text(json.dumps(model.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{len(examples)} papers, {len(rows)} candidates -> {out} ({len(model.entity.weights)} features)")


if __name__ == "__main__":
    main()
