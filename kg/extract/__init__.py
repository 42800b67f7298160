"""Extraction: one paper in, its mentions, roles, results, comparisons and code links out.

The stages, one module each:
- `candidates`: the vocabulary and the name patterns propose candidate entities, with the rules'
  type and the roles their sentences' cue words give (`names`, `vocabulary`, `roles`, `grouping`);
- `decisions`: the learned model keeps, drops or retypes each candidate and decides its roles;
- `results`: the numbers of each sentence, with whose score they are, on which dataset;
- `comparisons`: the sentences that compare two named things.

`Extractor` owns the data they read (vocabulary, patterns, model) and runs them in that order.
`Extractor.extract` is a pure function of the paper and the extractor's data files, so a corpus is
a map over papers that any pool of workers can run, each worker with an extractor of its own.
"""

from __future__ import annotations

from kg.config import DataPaths
from kg.errors import InputError
from kg.extract.candidates import CandidateFinder
from kg.extract.comparisons import ComparisonReader
from kg.extract.decisions import NONE, DecisionModel, features
from kg.extract.grouping import Candidates, Group, MentionSpan, abstract_places
from kg.extract.names import NameFinder
from kg.extract.patterns import Patterns, WordLists
from kg.extract.results import NumberReader, read_results, rule_choice, rule_keep
from kg.extract.roles import RoleCues, combine_roles
from kg.extract.text import URL, urls
from kg.extract.vocabulary import Vocabulary, build_vocabulary
from kg.schema import (
    ROLE_OF_TYPE,
    ComparisonClaim,
    Mention,
    NodeType,
    Paper,
    PaperExtraction,
    ResultClaim,
    Role,
)


def _mention(group: Group, vocab: Vocabulary) -> Mention:
    entry = group.entry
    aliases = [a for a in group.aliases if a != group.name]
    # one validation of plain values, spans included, makes the whole mention: a pydantic
    # model made apart for each span, then checked again as part of the mention, costs more
    return Mention.model_validate(
        {
            "type": group.type,
            "name": group.name,
            "key": group.key,
            "aliases": aliases,
            "roles": combine_roles(group.type, group.roles),
            "spans": [_span_values(s) for s in group.spans],
            "in_vocabulary": entry is not None,
            "broader": vocab.lineage(entry) if entry else group.family,
        }
    )


def _span_values(span: MentionSpan) -> dict[str, str | int]:
    return {
        "field": span.field,
        "start": span.start,
        "end": span.end,
        "sentence": span.sentence,
        "sentence_start": span.sentence_start,
    }


BASELINE_TYPES = (NodeType.METHOD, NodeType.MODEL)


def _compare_with_baselines(mentions: list[Mention], comparisons: list[ComparisonClaim]) -> None:
    """A method or model that a sentence names as the baseline of a comparison (`X outperforms Y`)
    is one the paper compares with, whatever the decision model said of it; unless the paper
    proposes it. (5-fold CV on the 760 training papers: compares_with F1 0.519 -> 0.562, P 0.616 ->
    0.633, R 0.449 -> 0.505; nothing else moves.)"""
    baselines = {c.baseline for c in comparisons}
    for m in mentions:
        # the model's other roles stay: dropping its `uses` lost more than it won (5-fold CV)
        if (
            m.key in baselines
            and m.type in BASELINE_TYPES
            and not {Role.PROPOSES, Role.COMPARES_WITH} & set(m.roles)
        ):
            m.roles.append(Role.COMPARES_WITH)


def _evaluated_where_scored(mentions: list[Mention], results: list[ResultClaim]) -> None:
    """A dataset the paper reports a metric's score on is one it evaluates on, whatever the decision
    model said of it (`The best model reaches an accuracy of 31.2% on it`): a leaderboard entry
    then always has the paper's EVALUATED_ON edge beside it. (5-fold CV on three splits:
    evaluates_on +0.003, +0.001, 0.000; with scores without a metric too, -0.000 to -0.002.)"""
    scored = {r.dataset for r in results if r.dataset is not None and r.metric_key is not None}
    for m in mentions:
        if m.key in scored and m.type == NodeType.DATASET and Role.EVALUATED_ON not in m.roles:
            m.roles.append(Role.EVALUATED_ON)
            m.roles.sort()


def _code_urls(paper: Paper) -> list[str]:
    """The URLs in the abstract, then the record's own `code_url` (the HF API's repository)."""
    links = [url for _, _, url in urls(paper.abstract)]
    if paper.code_url and URL.fullmatch(paper.code_url):
        links.append(paper.code_url)
    return list(dict.fromkeys(links))


# types a name's form decides (sized model names, hardware patterns): the model does not change them
FORM_TYPES = frozenset({NodeType.MODEL, NodeType.HARDWARE})


class Extractor:
    """Extraction with everything it reads: the vocabulary, the patterns and the stages built on
    them. Build one per process (`Extractor.load`) and call `extract` for each paper; the caches
    of its stages belong to it, so two extractors with different word lists never mix answers.
    """

    def __init__(
        self,
        vocabulary: Vocabulary,
        patterns: Patterns,
        words: WordLists,
        model: DecisionModel | None = None,
        phrases: bool | None = None,
    ) -> None:
        self.vocabulary = vocabulary
        self.patterns = patterns
        self.words = words
        self.model = model
        # lowercase phrases are candidates only where a model decides on them (or learns to)
        self.phrases = model is not None if phrases is None else phrases
        self.finder = CandidateFinder(
            vocabulary, patterns, NameFinder(patterns, words), RoleCues(patterns), self.phrases
        )
        self.numbers = NumberReader(patterns)
        self.comparisons = ComparisonReader(patterns.comparison_cues)

    @classmethod
    def load(cls, paths: DataPaths | None = None, with_model: bool = True) -> Extractor:
        """The extractor of the data files in `paths` (default: the packaged ones), with the
        decision model there unless `with_model` is False (the rules alone decide then)."""
        paths = paths or DataPaths.packaged()
        words = WordLists.load(paths)
        model = None
        if with_model and paths.decision_model.exists():
            model = DecisionModel.load(paths.decision_model)
            if model.word_classes not in (None, words.clusters_digest):
                raise InputError(
                    paths.decision_model,
                    f"trained with other word classes than {paths.word_clusters}: retrain it "
                    "(training/train_decisions.py) after remaking the classes",
                )
        return cls(build_vocabulary(paths.vocabulary), Patterns.load(paths.patterns), words, model)

    def with_model(self, model: DecisionModel | None, phrases: bool | None = None) -> Extractor:
        """The same data with another decision model (cross-validation trains several); with no
        model and `phrases`, the candidates a model is trained on."""
        return Extractor(self.vocabulary, self.patterns, self.words, model, phrases)

    def candidates(self, paper: Paper) -> Candidates:
        """What the rules propose for a paper: names, grouped into candidate entities with a type
        and roles (`kg.extract.candidates`)."""
        return self.finder.candidates(paper)

    def decide(self, candidates: Candidates) -> None:
        """The model's word on each candidate: dropped, or given its type and roles."""
        if self.model is None:
            return
        groups = candidates.groups
        by_key = candidates.found_by_key
        keys = list(by_key)
        cues = self.patterns.decision_cue_words
        clusters = self.words.clusters
        decisions = self.model.decide(
            [features(groups[k], by_key[k], candidates.fields, cues, clusters) for k in keys]
        )
        for key, (label, decided) in zip(keys, decisions, strict=True):
            group = groups[key]
            # a type the form itself gives (`GShard 2.9B` is a model, `RTX 4090` hardware) stands
            fixed = next((f.name.type for f in by_key[key] if f.name and f.name.type in FORM_TYPES), None)
            if label == NONE and not self._kept_by_rule(group, fixed):
                del groups[key]
                continue
            if group.entry is not None:
                fixed = group.entry.type  # the vocabulary's entry: the model only keeps or drops it
            elif group.family and group.typed:
                fixed = group.type  # a version or variant of a listed family (`SAM-H`) is of its type
            group.type = fixed or (group.type if label == NONE else NodeType(label))
            # the rules' reading of the paper's own work (title, `we propose`, definitions) is
            # better than the model's: where they say the paper proposes it, that stands
            roles = set(group.roles) if Role.PROPOSES in group.roles else set(decided)
            if group.type == NodeType.DATASET and Role.PROPOSES in roles:
                # a dataset the paper makes is evaluated on, trained on, or neither: the model reads
                # which (annotators mark 61%, 15% and 23% of 209 so), not the proposal rules
                roles = {Role.PROPOSES} | (set(decided) & {Role.EVALUATED_ON, Role.USES})
            by_type = ROLE_OF_TYPE.get(group.type)
            if group.type == NodeType.TASK:
                roles = {Role.ADDRESSES}  # never proposed (see `RoleCues.role_of_mention`)
            elif by_type is not None and by_type != Role.EVALUATED_ON:  # hardware, metrics
                # proposed only where the rules read it so: the model learns the roles of methods,
                # models and datasets, and says `proposes` of a metric that is only reported
                roles = {by_type} | (group.roles & {Role.PROPOSES})
            group.roles = roles

    def extract(self, paper: Paper) -> PaperExtraction:
        """Everything one paper names: a pure function of the paper and this extractor's data."""
        vocab = self.vocabulary
        candidates = self.candidates(paper)
        self.decide(candidates)
        groups, sentence_spans = candidates.groups, candidates.sentence_spans
        mentions = [_mention(g, vocab) for g in groups.values()]
        places = abstract_places(groups.values())
        choose = self.model.choose_subject if self.model is not None else rule_choice
        keep = self.model.keep_result if self.model is not None else rule_keep
        results, kept, only_units = read_results(
            self.numbers, paper.abstract, sentence_spans["abstract"], groups, places, choose, keep
        )
        # a generic metric (`accuracy`) is one the paper reports where it stands by a number, or
        # where the paper lists it among metrics (`high accuracy, F1-score, and AUC`): 5-fold CV on
        # three splits, Metric F1 +0.002 and linking +0.001 on each
        mentions = [
            m
            for m in mentions
            if (m.key in kept or not self._numeric_only(m) or NodeType.METRIC in groups[m.key].listed_with)
            and m.key not in only_units
        ]
        comparisons = self.comparisons.comparisons(paper.abstract, sentence_spans["abstract"], places)
        _compare_with_baselines(mentions, comparisons)
        _evaluated_where_scored(mentions, results)
        return PaperExtraction(
            paper=paper,
            mentions=mentions,
            results=results,
            comparisons=comparisons,
            code_urls=_code_urls(paper),
        )

    def _kept_by_rule(self, group: Group, form_type: NodeType | None) -> bool:
        """Candidates the rules keep whatever the model says: a name whose form gives its type (a
        sized model, a hardware pattern) or that versions a vocabulary family (`ChatGLM2`), and a
        generic metric (`accuracy`), which `extract` keeps only where it stands by a number."""
        if form_type is not None or group.family:
            return True
        if group.type != NodeType.METRIC:
            return False
        generic = self.patterns.numeric_only_metrics
        return any(f.lower() in generic for f in [group.name, *group.aliases])

    def _numeric_only(self, mention: Mention) -> bool:
        if mention.type != NodeType.METRIC:
            return False
        generic = self.patterns.numeric_only_metrics
        return any(f.lower() in generic for f in [mention.name, *mention.aliases])
