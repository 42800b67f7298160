"""Extraction on real sentences from paper abstracts."""

from __future__ import annotations

from kg import queries
from kg.extract import Extractor
from kg.extract.grouping import Group
from kg.graph.writer import build_graph
from kg.schema import NodeType, Paper, Role

EXTRACTOR = Extractor.load(with_model=False)  # the rules alone: what these tests pin down


def extract(abstract: str, title: str = "A paper"):
    return EXTRACTOR.extract(Paper(id="x", title=title, abstract=abstract))


def _candidate_names(title: str, abstract: str) -> dict[str, Group]:
    """The candidate entities a decision model sees, by name."""
    found = EXTRACTOR.with_model(None, phrases=True).candidates(Paper(id="x", title=title, abstract=abstract))
    return {g.name: g for g in found.groups.values()}


def by_name(ex):
    out = {}
    for m in ex.mentions:
        for form in [m.name, *m.aliases]:
            out[form] = m
    return out


def test_acronym_definition_is_one_proposed_entity():
    ex = extract(
        "To address this limitation, we propose Step-aware Preference Optimization (SPO), "
        "a novel post-training approach. SPO is fast."
    )
    m = by_name(ex)["SPO"]
    assert "Step-aware Preference Optimization" in [m.name, *m.aliases]
    assert m.roles == [Role.PROPOSES]
    assert len(m.spans) == 3


def test_hyphenated_acronyms_are_one_entity_with_what_they_spell():
    # capitals joined by hyphens, no part a name alone; and a short form whose part before the
    # hyphen names what it is for, the rest spelling the words in parentheses
    ex = extract("We present Time-Dependent Layer Normalization (TD-LN) for diffusion transformers.")
    assert by_name(ex)["TD-LN"] is by_name(ex)["Time-Dependent Layer Normalization"]
    ex = extract(
        "We further introduce GUI-RCPO (Region Consistency Policy Optimization), which transforms "
        "these consistency patterns into rewards."
    )
    assert by_name(ex)["GUI-RCPO"] is by_name(ex)["Region Consistency Policy Optimization"]


def test_vocabulary_versions_stay_distinct_and_compare_cue():
    ex = extract(
        "Our experiments with Stable Diffusion v1.5 and SDXL demonstrate that SPO "
        "significantly outperforms the latest Diffusion-DPO in aligning images."
    )
    names = by_name(ex)
    assert names["Stable Diffusion v1.5"].key != names["SDXL"].key
    assert Role.USES in names["SDXL"].roles
    assert Role.COMPARES_WITH in names["Diffusion-DPO"].roles


def test_title_prefix_is_proposed():
    ex = extract("We study noise.", title="ReNO: Enhancing One-step Text-to-Image Models")
    assert by_name(ex)["ReNO"].roles == [Role.PROPOSES]


def test_hardware_from_pattern_and_vocabulary():
    ex = extract("Our implementation on Hopper GPUs reaches 40 FPS on a single RTX 4060 Ti.")
    types = {m.name: m.type.value for m in ex.mentions}
    assert "Hardware" in types.values()
    hw = [m for m in ex.mentions if m.type.value == "Hardware"]
    assert len(hw) == 2 and all(m.roles == [Role.RUNS_ON] for m in hw)


def test_generic_words_are_not_entities():
    ex = extract("Large language models (LLMs) and diffusion models run on consumer GPUs.")
    assert not [m for m in ex.mentions if m.type.value in ("Model", "Method", "Hardware")]


def test_numbers_units_ranges_and_thousands():
    s = (
        "a decoding throughput of up to 4,039 tokens per second per GPU, reducing memory "
        "up to 8.2times, 50\\% faster, speedups of 1.4-2.5times"
    )
    found = [(n.value, n.unit) for n in EXTRACTOR.numbers.numbers(s, [], metric_starts=[])]
    assert (4039.0, "tokens/s/GPU") in found
    assert (8.2, "x") in found
    assert (50.0, "%") in found
    assert (1.4, "x") in found and (2.5, "x") in found


def test_ranges_give_both_ends():
    # GUIDELINES.md: a range gives two results, one per end, whichever way its unit is written
    s = "throughput up 9.3%-66.6%, 4x-4.3x faster, 95--96% accuracy, gains of 4--6 pp"
    found = [(n.value, n.unit) for n in EXTRACTOR.numbers.numbers(s, [], metric_starts=[])]
    assert found == [
        (9.3, "%"), (66.6, "%"), (4.0, "x"), (4.3, "x"), (95.0, "%"), (96.0, "%"), (4.0, "pp"), (6.0, "pp")
    ]  # fmt: skip


def test_factors_in_latex_and_in_words():
    s = "a $41\\times$ reduction, up to 3.1$\\times$, 22 $\\times$ lower cost, memory down by a factor of 2.6"
    found = [(n.value, n.unit) for n in EXTRACTOR.numbers.numbers(s, [], metric_starts=[])]
    assert found == [(41.0, "x"), (3.1, "x"), (22.0, "x"), (2.6, "x")]
    # a power of ten is part of a number, not a speed-up
    assert not EXTRACTOR.numbers.numbers("a pool of $1.1 \\times 10^7$ solutions", [], metric_starts=[])


def test_counts_of_named_things_and_scale_words():
    s = "with 8.9 million 3D assets, 38,522 QA pairs and 140 thousand GitHub projects"
    found = [n.value for n in EXTRACTOR.numbers.numbers(s, [], metric_starts=[])]
    assert found == [8_900_000.0, 38_522.0, 140_000.0]


def test_a_result_model_is_shown_setup_counts_and_bare_scores_the_rules_drop():
    numbers = EXTRACTOR.numbers.numbers
    s = "GRADE has 520 samples across 10 academic domains, from 1,925 repositories."
    assert [n.value for n in numbers(s, [], metric_starts=[])] == [520.0, 1925.0]  # `1,925` is no year
    assert [n.value for n in numbers("2K prompts, 2 thousand images and 2024 papers", [], [])] == [
        2000.0,
        2000.0,
    ]
    assert [n.value for n in numbers(s, [], [], setup_counts=True)] == [520.0, 10.0, 1925.0]
    s = "It lifts Qwen on T2I-CompBench from 82.18 to 88.37."
    assert numbers(s, [], metric_starts=[]) == []
    assert [n.value for n in numbers(s, [], [], bare_scores=True)] == [82.18, 88.37]


def test_counts_of_tokens_and_parameters_in_billions_keep_their_scale_in_the_unit():
    s = "trained on 12T tokens, then 172 billion tokens; 28 billion activated parameters; a 10B-token corpus"
    found = [(n.value, n.unit) for n in EXTRACTOR.numbers.numbers(s, [], metric_starts=[])]
    assert found == [(12.0, "T tokens"), (172.0, "B tokens"), (28.0, "B params"), (10.0, "B tokens")]
    assert [(n.value, n.unit) for n in EXTRACTOR.numbers.numbers("a 1T-parameter MoE", [], [])] == [
        (1.0, "T params")
    ]
    rate = EXTRACTOR.numbers.numbers("at 1.5 billion tokens per second", [], [])
    assert all(n.unit != "B tokens" for n in rate)  # a rate, not a count of tokens


def test_a_score_takes_the_dataset_of_its_own_clause():
    from kg.extract.results import datasets_of_numbers

    s = "boosting it on T2I-CompBench from 82.18 to 88.37 and on T2I-ReasonBench from 43.82 to 46.75."
    numbers = EXTRACTOR.numbers.numbers(s, [], [], bare_scores=True)
    named = [(s.index("T2I-CompBench"), "compbench"), (s.index("T2I-ReasonBench"), "reasonbench")]
    assert datasets_of_numbers(s, numbers, named) == ["compbench", "compbench", "reasonbench", "reasonbench"]
    s = "FooNet gains +18.6 on HardMatch, +29.5 on WxBS."
    numbers = EXTRACTOR.numbers.numbers(s, [], [], bare_scores=True)
    named = [(s.index("HardMatch"), "hardmatch"), (s.index("WxBS"), "wxbs")]
    assert datasets_of_numbers(s, numbers, named) == ["hardmatch", "wxbs"]
    # a dataset after another score's break is still this score's: two scores, then their datasets
    s = "Trained on C4, FooNet reaches 71.3 and 80.1 on MMLU and GSM8K."
    numbers = EXTRACTOR.numbers.numbers(s, [], [], bare_scores=True)
    named = [(s.index("C4"), "c4"), (s.index("MMLU"), "mmlu"), (s.index("GSM8K"), "gsm8k")]
    assert "c4" not in datasets_of_numbers(s, numbers, named)


def test_a_number_written_before_its_metric():
    ex = extract("We propose FooNet. FooNet improves the baseline by over 2 BLEU and needs only 4-8 NFE.")
    nfe = "number of function evaluations"  # the vocabulary's name of `NFE`
    assert {(r.value, r.metric) for r in ex.results} >= {(2.0, "BLEU"), (4.0, nfe), (8.0, nfe)}


def test_each_number_is_a_score_of_the_metric_written_next_to_it():
    ex = extract(
        "We propose FooNet. FooNet boosts average accuracy by 9% and BLEU by over 15%. "
        "It reduces ADE by 40.2%, FDE by 51.7%, and reaches an accuracy of 81.2% and 45.1 F1."
    )
    scores = {(r.value, r.metric) for r in ex.results}
    assert scores >= {(9.0, "accuracy"), (15.0, "BLEU"), (40.2, "ADE"), (51.7, "FDE"), (81.2, "accuracy")}
    assert (45.1, "F1 score") in scores


def test_a_score_at_any_cutoff_is_a_metric_candidate():
    text = "FooNet reaches 45.2% pass@32, a Hit@5 of 0.81 and avg@16 of 61.0; CoT-Pass@K rises. Mail a@b.com."
    groups = _candidate_names("A", text)
    assert {"pass@32", "Hit@5", "avg@16", "CoT-Pass@K"} <= groups.keys()
    assert {groups[n].type for n in ("pass@32", "Hit@5", "avg@16", "CoT-Pass@K")} == {NodeType.METRIC}
    assert not [n for n in groups if "@b" in n]


def test_code_links_without_a_scheme_or_split_by_a_line_break():
    ex = extract(
        "We propose PersPose. Code is available at: https://github.com/ KenAdamsJoseph/PersPose. "
        "Data: github.com/wjun0830/SSync, and https://github.com/Medical-Lab/ and huggingface.co/x/y."
    )
    assert ex.code_urls == [
        "https://github.com/KenAdamsJoseph/PersPose",
        "https://github.com/wjun0830/SSync",
        "https://github.com/Medical-Lab/",
        "https://huggingface.co/x/y",
    ]
    assert [m.name for m in ex.mentions] == ["PersPose"]  # no name is read inside a link


def test_from_to_in_a_metric_sentence():
    ex = extract("With HyperAttention, perplexity increases from 5.6 to 6.3 on long contexts.")
    assert {r.value for r in ex.results} >= {5.6, 6.3}


def test_code_urls_without_trailing_punctuation():
    ex = extract(
        "Code is at https://github.com/ExplainableML/ReNO. See also "
        "(https://rockeycoss.github.io/spo.github.io/)."
    )
    assert ex.code_urls == [
        "https://github.com/ExplainableML/ReNO",
        "https://rockeycoss.github.io/spo.github.io/",
    ]


def test_evidence_spans_point_at_the_mention():
    abstract = "We fine-tune LLaMA-2-7B on GSM8K."
    ex = extract(abstract)
    for m in ex.mentions:
        for s in m.spans:
            assert abstract[s.start : s.end] in [m.name, *m.aliases]
            assert s.sentence == abstract[s.sentence_start : s.sentence_start + len(s.sentence)]


def test_names_nobody_listed_are_typed_from_form_and_context():
    ex = extract(
        "We introduce ZorbBench, a new benchmark for agents, and evaluate Kavlo-7B on the "
        "Quixote dataset. Training takes 3 days on 8 RTX 7090 Ti cards and a TPU v9x pod."
    )
    types = {m.name: m.type.value for m in ex.mentions}
    assert types["ZorbBench"] == "Dataset"
    assert types["Quixote"] == "Dataset"
    assert types["Kavlo-7B"] == "Model"
    hardware = {m.name for m in ex.mentions if m.type.value == "Hardware"}
    assert any("7090" in h for h in hardware) and any("v9x" in h for h in hardware)


def test_a_proposed_dataset_is_evaluated_on_or_trained_on_as_the_paper_says():
    # annotators mark 61% of the datasets a paper proposes evaluated on, 15% used (training
    # data), 23% neither: the model decides, where the rules had marked each evaluated on
    evaluated = extract(
        "We introduce ZorbBench, a benchmark of 500 agent tasks. Evaluating 12 LLMs on ZorbBench, "
        "we find that the best model solves only 31% of the tasks."
    )
    assert set(by_name(evaluated)["ZorbBench"].roles) == {Role.PROPOSES, Role.EVALUATED_ON}
    trained = extract(
        "We introduce ZorbInstruct, a dataset of 50K instruction pairs for supervised fine-tuning. "
        "Models fine-tuned on ZorbInstruct gain 5% on MMLU."
    )
    assert set(by_name(trained)["ZorbInstruct"].roles) == {Role.PROPOSES, Role.USES}


def test_unlisted_version_of_a_known_family_links_to_it():
    ex = extract("HyperAttention makes the inference of ChatGLM2 50% faster.")
    m = by_name(ex)["ChatGLM2"]
    assert m.type.value == "Model" and m.broader and m.broader[0] == "model:chatglm"


def test_vocabulary_aliases_resolve_sizes_exactly():
    ex = extract("Step-3 is cheaper than DeepSeek-V3 and Qwen3 MoE 235B, and than LLaMA2 7B.")
    keys = {m.key for m in ex.mentions}
    assert {"model:qwen3-235b-a22b", "model:deepseek-v3", "model:llama-2-7b"} <= keys
    assert "model:llama-2" not in keys and "model:llama-7b" not in keys


def test_plural_acronyms_name_classes_not_entities():
    ex = extract("We evaluate multimodal foundation models (MFMs) and find that MFMs hallucinate.")
    assert not [m for m in ex.mentions if "MFM" in m.name]


def test_signed_and_thousands_numbers_are_one_value_each():
    found = [
        (n.value, n.unit) for n in EXTRACTOR.numbers.numbers("drops by −3.1% and 1,234.5 tokens/s", [], [0])
    ]
    assert found == [(-3.1, "%"), (1234.5, "tokens/s")]


def test_a_score_is_the_papers_own_unless_it_follows_a_baseline():
    ex = extract(
        "We propose FooNet. On MS COCO, FooNet reaches an FID of 12.1, outperforming StyleGAN-T (13.9).",
        title="FooNet: Fast Images",
    )
    subjects = {r.value: r.subject for r in ex.results}
    keys = {m.name: m.key for m in ex.mentions}
    assert subjects[12.1] == keys["FooNet"]
    assert subjects[13.9] == keys["StyleGAN-T"]


def test_counts_of_an_artifact_are_results_and_setup_counts_are_not():
    ex = extract("We release VidBench, a benchmark of 47 categories, and evaluate it across 12 benchmarks.")
    counts = {r.value: r.subject for r in ex.results}
    assert 47 in counts and 12 not in counts
    assert counts[47] == next(m.key for m in ex.mentions if m.name == "VidBench")


def test_a_benchmark_papers_scores_are_measured_on_its_benchmark():
    ex = extract(
        "We introduce VidBench, a benchmark for long video reasoning. "
        "Even the strongest model, GPT-4o, reaches only 45.2% accuracy, while humans reach 92.1%."
    )
    vidbench = next(m.key for m in ex.mentions if m.name == "VidBench")
    assert {r.value: r.dataset for r in ex.results} == {45.2: vidbench, 92.1: vidbench}


def test_a_generic_metric_stays_where_it_stands_by_a_number_or_in_a_list_of_metrics():
    # `accuracy` alone, with no number, is mostly the word, not a metric the paper reports
    alone = extract("XNet achieves high accuracy, outperforming ResNet-50.")
    assert "accuracy" not in by_name(alone)
    listed = extract("XNet achieves high accuracy, F1-score, and AUC, outperforming ResNet-50.")
    assert {"accuracy", "AUC"} <= set(by_name(listed))
    assert by_name(listed)["accuracy"].type == NodeType.METRIC


def test_a_new_acronyms_definition_is_the_papers_own_only_where_no_model_decides():
    paper = Paper(
        id="x",
        title="Variance-reduced slicing",
        abstract="The Sliced Wasserstein Distance (SWD) offers a scalable alternative, yet it is noisy.",
    )

    def roles(extractor):
        return {g.name: g.roles for g in extractor.candidates(paper).groups.values()}["SWD"]

    assert Role.PROPOSES in roles(EXTRACTOR)  # the rules alone
    assert Role.PROPOSES not in roles(EXTRACTOR.with_model(None, phrases=True))  # left to the model


def test_a_proposal_sentence_proposes_its_first_new_name_and_the_list_it_opens():
    def roles(abstract, phrases):
        paper = Paper(id="x", title="A paper", abstract=abstract)
        found = EXTRACTOR.with_model(None, phrases=phrases).candidates(paper)
        return {g.name: g.roles for g in found.groups.values()}

    listed = (
        "Our approach integrates three core components: Feature Slicer, Operator Grouping, and Step Rehash."
    )
    assert all(Role.PROPOSES in r for r in roles(listed, phrases=True).values())
    later = "We propose FooNet; unlike QuuxNet, it needs no labels."
    assert Role.PROPOSES in roles(later, phrases=False)["QuuxNet"]  # the rules alone
    assert Role.PROPOSES not in roles(later, phrases=True)["QuuxNet"]  # left to the model
    assert Role.PROPOSES in roles(later, phrases=True)["FooNet"]


def test_known_names_joined_by_slashes_are_each_a_name():
    names = {
        m.name
        for m in extract("We align the model with DPO/KTO/GRPO and compare full/LoRA fine-tuning.").mentions
    }
    assert {"DPO", "KTO", "GRPO", "LoRA"} <= names
    assert not any("/" in n for n in names)
    # a version after a slash keeps the name whole
    assert "ViT-L/14" in {m.name for m in extract("We use the OpenCLIP ViT-L/14 encoder.").mentions}


def test_a_compound_name_keeps_its_short_code_and_uncommon_parts():
    names = {
        m.name for m in extract("We evaluate on CIFAR-LT and compare with DotaMath-deepseek-7B.").mentions
    }
    assert {"CIFAR-LT", "DotaMath-deepseek-7B"} <= names
    # a common word or a count after a name is no part of it
    names = {m.name for m in extract("We start from SDXL-1step and a CLIP-guided variant of SDXL.").mentions}
    assert "SDXL-1step" not in names and "CLIP-guided" not in names


def test_an_acronym_the_paper_defines_otherwise_is_not_the_vocabularys():
    ex = extract("We study the Sylvester-Fermat-Torricelli (SFT) problem. SFT is hard, and we train with RL.")
    assert "method:supervised-fine-tuning" not in {m.key for m in ex.mentions}
    ex = extract("We apply SFT and then RL.")  # undefined, it is the vocabulary's
    assert "method:supervised-fine-tuning" in {m.key for m in ex.mentions}


def test_a_models_variants_are_their_own_nodes_under_it():
    ex = extract("We fine-tune Llama-3.1-8B-Instruct and Qwen3-4B-Base, and compare with Qwen3-4B.")
    keys = {m.key for m in ex.mentions}
    assert {"model:llama-3-1-8b-instruct", "model:qwen3-4b-base", "model:qwen3-4b"} <= keys
    g = build_graph([ex], EXTRACTOR.vocabulary)
    assert ("model:qwen3-4b-base", "model:qwen3-4b") in {
        (u, v) for u, v, k in g.edges(keys=True) if k == "BROADER"
    }


def test_a_family_name_after_its_one_member_is_that_member():
    ex = extract("We evaluate Llama-3.1-8B and BERT. Fine-tuned Llama achieved the highest accuracy.")
    by_key = {m.key: m for m in ex.mentions}
    assert "model:llama" not in by_key and "Llama" in by_key["model:llama-3-1-8b"].aliases
    # with two members named, the family name stays the family
    ex = extract("We compare Llama-3.1-8B with Llama-3.1-70B; Llama models are strong.")
    assert "model:llama" in {m.key for m in ex.mentions}


def test_a_form_two_entries_share_is_the_one_the_paper_speaks_of():
    speech = extract("Our ASR system transcribes speech with a 5% word error rate.")
    attacks = extract("Jailbreak attacks reach a 90% ASR against aligned models.")
    assert "task:speech-recognition" in {m.key for m in speech.mentions}
    assert "metric:attack-success-rate" in {m.key for m in attacks.mentions}


def test_a_title_prefix_is_a_name_only_where_it_names_one():
    names = EXTRACTOR.finder.names
    assert names.title_prefix("Position: The Complexity of Perfect AI Alignment") is None
    assert names.title_prefix('"TODO: Fix the Mess Gemini Created": Towards Understanding') is None
    assert names.title_prefix("HiddenTables & PyQTax: A Cooperative Game and Dataset") is None
    own = names.title_prefix("Proposer-Agent-Evaluator(PAE): Autonomous Skill Discovery")
    assert own is not None and own.surface == "Proposer-Agent-Evaluator"


def test_what_a_proposal_uses_is_not_proposed():
    ex = extract(
        "We propose CONFEX, a method using Conformal Prediction (CP) to explain models. "
        "We also introduce Reward-based Noise Optimization (ReNO), a new approach."
    )
    roles = {form: m.roles for form, m in by_name(ex).items()}
    assert Role.PROPOSES not in roles["CP"] and roles["ReNO"] == [Role.PROPOSES]


def test_a_count_may_name_its_things_in_several_words():
    ex = extract(
        "We present VidBench, which pairs 967 videos with 2,585 meticulously annotated image-text queries."
    )
    assert {967, 2585} <= {r.value for r in ex.results}


def test_a_model_size_stated_as_a_claim_is_a_result_and_one_in_a_name_is_not():
    ex = extract(
        "We train Hala models at 350M, 700M, 1.2B, and 9B parameters. Training a 7B model from "
        "scratch beats Qwen2.5-7B and the 671B DeepSeek-V3 on MATH."
    )
    sizes = sorted((r.value, r.unit) for r in ex.results)
    assert sizes == [
        (1.2, "B params"), (7.0, "B params"), (9.0, "B params"), (350.0, "M params"),
        (671.0, "B params"), (700.0, "M params"),
    ]  # fmt: skip
    assert all(r.metric is None for r in ex.results)  # sizes are no scores: no leaderboard lists them


def test_names_written_after_a_slash_as_a_tail_are_each_a_name():
    ex = extract(
        "Frontier models (GPT-5, Gemini 2.5 Pro/Flash) saturate AIME24/25, and Deepseek V2/V3/R1 use "
        "Qwen3-VL-2B/4B. We report ROUGE-1/L."
    )
    keys = {m.key for m in ex.mentions}
    assert {"model:gemini-2-5-pro", "model:gemini-2-5-flash", "model:deepseek-v3"} <= keys
    assert "model:deepseek-r1" in keys
    assert {"dataset:aime-2024", "dataset:aime-2025", "model:qwen3-vl-4b"} <= keys
    assert "metric:recall-1" not in keys  # `R1` after a slash is DeepSeek-R1, not Recall@1
    assert not any(m.name.startswith("AIME24/") for m in ex.mentions)


def test_a_capitalized_phrase_may_start_with_a_dimension_or_deep():
    ex = extract(
        "We propose 3D Reference Attention, which enables direct interaction. We also introduce "
        "Deep Forcing, which consists of two training-free mechanisms."
    )
    assert {"3D Reference Attention", "Deep Forcing"} <= set(by_name(ex))


def test_changes_are_marked_and_counts_are_no_scores():
    ex = extract(
        "We propose FooNet. On MMLU, FooNet reaches 85.2% accuracy, improving accuracy by 5.5% over "
        "BarNet, with a 2.1 point gain in accuracy after pre-training on 50,176 tokens."
    )
    results = {r.value: r for r in ex.results}
    assert not results[85.2].change
    assert results[5.5].change and results[2.1].change
    assert results[50176].metric is None  # a count: measured by no metric
    g = build_graph([ex], EXTRACTOR.vocabulary)
    assert [(r["value"], r["metric"]) for r in queries.leaderboard(g, "MMLU")] == [(85.2, "accuracy")]


def test_aliases_are_names_not_sentence_words():
    # `S was` would be a plural of SWA and `CLIP is` one of CLIP-I were spaces ignored; the words
    # before `(GPT-4)` spell it but hold a number
    ex = extract(
        "Sliding window attention (SWA) is fast. The S was used for CLIP-I, and CLIP is computed too. "
        "Our method shows gains of up to 46% (GPT-4) over prior work."
    )
    aliases = {a for m in ex.mentions for a in [m.name, *m.aliases]}
    assert {"SWA", "CLIP-I", "GPT-4"} <= aliases
    assert not aliases & {"S was", "CLIP is", "gains of up to 46%"}
    assert "Stable Diffusion XLs" in {
        h.surface for h in EXTRACTOR.vocabulary.find("two Stable Diffusion XLs")
    }


def test_each_score_gets_its_own_dataset():
    ex = extract(
        "We propose FooNet. On MMLU, GSM8K and HumanEval, FooNet scores 71.2%, 80.5% and 62.0%, "
        "respectively. It also gains +3.1 accuracy on ARC-Challenge and +2.4 accuracy on HellaSwag."
    )
    names = {m.key: m.name for m in ex.mentions}
    measured = {r.value: names.get(r.dataset or "") for r in ex.results}
    assert measured[71.2] == "MMLU" and measured[80.5] == "GSM8K" and measured[62.0] == "HumanEval"
    assert measured[3.1] == "ARC-Challenge" and measured[2.4] == "HellaSwag"


def test_a_version_or_variant_tail_is_part_of_the_name():
    text = (
        "We compare Opus 4.6 with WavLM-large and ShuffleNetV2 Large on CASME II and HMMT 2026, "
        "and GPT-4 is 2.5 times slower."
    )
    # the candidates a decision model sees (undefined acronyms and capitalized words among them)
    names = _candidate_names("A", text).keys()
    assert {"Opus 4.6", "WavLM-large", "ShuffleNetV2 Large", "CASME II", "HMMT 2026"} <= names
    assert not [n for n in names if "2.5" in n]  # a number before a unit is no version
    m = by_name(extract(text))["WavLM-large"]
    assert m.type.value == "Model" and m.broader[0] == "model:wavlm"  # a variant of a listed model


def test_hyphenated_names_with_joiners_letters_and_capital_codes():
    # `Hide-and-Seek` and `M-Portal` are names in running text; `E5-V` is a variant of `E5`; a
    # metric followed by a number is a score, never a version of the metric
    text = (
        "We propose Hide-and-Seek, a framework, and test it on M-Portal against E5-V. "
        "It reaches F1 0.802 there."
    )
    names = _candidate_names("A", text)
    assert {"Hide-and-Seek", "M-Portal", "E5-V"} <= names.keys()
    assert "E5" not in names and not [n for n in names if "0.802" in n]


def test_a_new_name_that_ends_with_a_metric_word_is_a_metric():
    text = (
        "We report the Fairness Disagreement Index. We propose StructScore, a metric that measures structure."
    )
    groups = _candidate_names("A", text)
    assert groups["Fairness Disagreement Index"].type == groups["StructScore"].type == NodeType.METRIC


def test_an_aside_before_a_list_in_parentheses_is_no_expansion():
    # the letters of RLHF are inside `regardless of the specific alignment method`, but no word
    # starts with them: the parentheses list examples, they do not define an acronym
    text = "This holds regardless of the specific alignment method (RLHF, DPO, or others)."
    names = {m.name: m for m in extract(text).mentions}
    assert "RLHF" in names and "regardless of the specific alignment method" not in names["RLHF"].aliases


def test_robots_and_sensors_are_hardware():
    ex = extract(
        "We deploy the policy on a Unitree G1 humanoid and a Franka Emika Panda arm with a RealSense D435i."
    )
    types = {m.name: m.type for m in ex.mentions}
    assert (
        types["Unitree G1"]
        == types["Franka Emika Panda"]
        == types["Intel RealSense D435"]
        == NodeType.HARDWARE
    )


def test_a_common_word_is_not_a_name_spelled_with_separators():
    # `tokens` is a word, not `token/s`; `Multiple` is not MultiPL-E; `UNet` is still U-Net
    text = "Multiple visual tokens are merged. A UNet decodes 50 tokens/s."
    groups = _candidate_names("A", text)
    assert "MultiPL-E" not in groups and "U-Net" in groups
    assert [text[s.start : s.end] for s in groups["tokens per second"].spans] == ["tokens/s"]


def test_an_acronym_is_never_written_with_spaces_between_its_letters():
    # `of $t` folds to OFT (Orthogonal Finetuning) and `k to` to KTO: neither is the acronym, and
    # the name that starts inside them (`$t$-SNE`) is found; names of several words still match
    vocab = EXTRACTOR.vocabulary
    found = vocab.find("combines the locality of $t$-SNE with PCA, unlike k to 1 search on MS COCO")
    assert [h.entry.name for h in found if h.entry] == ["t-SNE", "PCA", "MS COCO"]


def test_caseless_pattern_finds_what_ignoring_case_finds():
    """The lowercased search of ASCII text answers as the case-insensitive regex does, and other
    texts and regexes with capitals take the case-insensitive regex itself."""
    import re

    from kg.extract.text import CaselessPattern

    lower = CaselessPattern(r"\b(?:we|our (?:\w+ ){0,2}method)s?\b\S*")
    upper = CaselessPattern(r"\bGPT\b")
    assert lower.lowercase is not None and upper.lowercase is None
    texts = ["We propose", "OUR New METHODS", "Ourmethod", "ſtill we", "Straße OUR method", "gpt-4", ""]
    for text in texts:
        for caseless in (lower, upper):
            assert caseless.search(text) == bool(re.search(caseless.any_case.pattern, text, re.I)), text


def test_counts_in_words_are_found_alike_in_ascii_and_other_text():
    from kg.extract.results import SPELLED_COUNT, spelled_count_places

    for text in (
        "Across Six classes and twenty-two tasks, two new benchmarks; often ten annotated queries.",
        "Über six classes, between two carefully written prompts and Three réseaux.",
    ):
        assert spelled_count_places(text) == [m.start() for m in SPELLED_COUNT.finditer(text)]
    assert spelled_count_places("the often tense attention seven") == []


def test_a_name_written_with_dataset_after_it_has_that_form_too():
    groups = _candidate_names(
        "A study",
        "In this paper, we introduce the ETD Dataset, the first public dataset for end-turn "
        "detection. The ETD dataset has many samples. We also test on the RxnScribe benchmark.",
    )
    assert {"ETD Dataset", "ETD dataset"} <= set(groups["ETD"].aliases)
    assert "RxnScribe benchmark" in groups["RxnScribe"].aliases


def test_a_name_that_runs_into_the_next_sentence_ends_at_the_dot():
    groups = _candidate_names(
        "A study", "Agents browse sites from WebVoyager and WebArena.To the best of our knowledge."
    )
    assert "WebArena" in groups and "WebArena.To" not in groups
    assert "FLUX.1" in _candidate_names("A study", "We fine-tune FLUX.1 for editing.")


def test_a_repeated_phrase_takes_the_place_of_the_known_name_it_ends_with():
    once = _candidate_names("A study", "We apply cold-start supervised fine-tuning to the model.")
    assert "supervised fine-tuning" in once and "cold-start supervised fine-tuning" not in once
    twice = _candidate_names(
        "A study",
        "We add temporal self-attention to the encoder. With temporal self-attention, it is cheap.",
    )
    assert "temporal self-attention" in twice and "self-attention" not in twice


def test_a_phrase_never_spans_a_verb_or_a_preposition():
    groups = _candidate_names(
        "A study", "The method shows gains over contrastive learning while enhancing long-context reasoning."
    )
    assert "long-context reasoning" in groups
    assert not [name for name in groups if name.startswith(("over ", "enhancing "))]


def test_a_task_is_addressed_never_proposed():
    ex = Extractor.load().extract(  # with the shipped model, as `kg build` runs
        Paper(
            id="x",
            title="ColorFLUX: A Structure-Color Decoupling Framework for Old Photo Colorization",
            abstract="We propose ColorFLUX for old photo colorization, built on FLUX.",
        )
    )
    tasks = [m for m in ex.mentions if m.type.value == "Task"]
    assert tasks and all(m.roles == [Role.ADDRESSES] for m in tasks)
    assert Role.PROPOSES in by_name(ex)["ColorFLUX"].roles


def test_a_title_name_whose_initials_the_abstract_writes_is_that_acronym():
    groups = _candidate_names(
        "Region-Adaptive Sampling for Diffusion Transformers",
        "We introduce RAS, a training-free sampling strategy. RAS updates only the regions in focus.",
    )
    assert "Region-Adaptive Sampling" not in groups
    assert "Region-Adaptive Sampling" in groups["RAS"].aliases


def test_a_candidate_knows_the_types_of_the_known_names_it_is_listed_with():
    groups = _candidate_names(
        "A study", "We evaluate on Stable Diffusion 3 and Lumina-Next-T2I, and on MMLU, GSM8K and FooBench."
    )
    assert groups["Lumina-Next-T2I"].listed_with == {NodeType.MODEL}
    assert groups["FooBench"].listed_with == {NodeType.DATASET}
    assert groups["Stable Diffusion 3"].listed_with == set()  # a new name tells nothing


def test_latex_that_styles_a_name_is_read_through():
    groups = _candidate_names(
        "A study",
        r"Then, we introduce \textbf{Style-Aligned Refinement}, which keeps the trajectory, and "
        r"$\textit{FooNet}$, a model.",
    )
    assert {"Style-Aligned Refinement", "FooNet"} <= set(groups)
    span = groups["FooNet"].spans[0]
    assert span.sentence[span.start - span.sentence_start : span.end - span.sentence_start] == "FooNet"


def test_the_words_before_a_class_word_name_a_method_and_take_the_known_names_place():
    groups = _candidate_names(
        "A study",
        "We introduce a symmetric clipping method. It adds a gated self-attention mechanism and a "
        "multi-instance attention mechanism. We use this method.",
    )
    assert groups["symmetric clipping"].type == NodeType.METHOD
    assert "symmetric clipping method" in groups["symmetric clipping"].aliases
    assert {"gated self-attention", "multi-instance attention"} <= set(groups)
    assert not {"self-attention", "attention mechanism", "this"} & set(groups)


def test_a_new_name_written_with_a_class_word_has_that_form_too():
    groups = _candidate_names("A study", "Sigma uses DiffQKV attention and the CSC loss, with a GPT-4 model.")
    assert "DiffQKV attention" in groups["DiffQKV"].aliases
    assert "CSC loss" in groups["CSC"].aliases
    assert "GPT-4 model" not in groups["GPT-4"].aliases  # a known name keeps the vocabulary's forms


def test_a_score_the_chooser_gives_a_dataset_goes_to_a_model_the_sentence_names():
    ex = Extractor.load().extract(  # with the shipped model, as `kg build` runs
        Paper(
            id="x",
            title="FooBench: A Benchmark for Translating Text to Plans",
            abstract="We introduce FooBench, a benchmark for translating text to plans. We find that "
            "87.6% of the plans generated by GPT-4o are valid, while 35.1% are correct.",
        )
    )
    scores = {r.value: (r.subject, r.dataset) for r in ex.results}
    assert scores[87.6] == ("model:gpt-4o", "new:foobench")


def test_an_acronym_spells_the_initials_of_its_expansion():
    # Schwartz & Hearst's shortest match would take `Policy Optimization` (the P of `oPtimization`)
    ex = extract("We train the policy with Proximal Policy Optimization (PPO).")
    assert [(m.name, m.key) for m in ex.mentions] == [("PPO", "method:ppo")]
    # an aside in parentheses is no expansion
    ex = extract("All models are tuned with RLHF (regardless of the specific alignment method).")
    assert [m.name for m in ex.mentions] == ["RLHF"]


def test_a_short_code_is_not_a_name_written_with_a_separator():
    # `R1` had been Recall@1 (`R@1` with its separator dropped) wherever a paper wrote R1
    ex = extract("We compare o1 and R1 on MATH; R@1 on COCO.")
    recall = [m for m in ex.mentions if m.key == "metric:recall-1"]
    assert recall and "R1" not in recall[0].aliases


def test_a_new_name_a_comparison_points_at_is_a_baseline_even_beside_our_method():
    ex = extract("On Complex Lighting scenes, our method surpasses OmniRe by 1.18 dB PSNR.")
    assert by_name(ex)["OmniRe"].roles == [Role.COMPARES_WITH]
    ex = extract("We propose OmniRe, which outperforms prior work.")
    assert by_name(ex)["OmniRe"].roles == [Role.PROPOSES]


def test_the_plural_of_a_defined_name_is_that_name():
    ex = extract(
        "We propose a Metadata-aware Mixture-of-Experts Masked Autoencoder (MoE-MAE) with 2.5M "
        "parameters. Compact MoE-MAEs are an efficient step toward EO foundation models."
    )
    names = by_name(ex)
    assert names["MoE-MAEs"] is names["MoE-MAE"]


def test_the_words_after_a_name_type_it_up_to_a_preposition():
    ex = extract("We evaluate on MERIT, a new benchmark for document understanding.")
    assert by_name(ex)["MERIT"].type == NodeType.DATASET
    ex = extract("We pretrain FooNet on the BigEarthNet-Landsat dataset.")
    assert by_name(ex)["FooNet"].type != NodeType.DATASET
    assert by_name(ex)["BigEarthNet-Landsat"].type == NodeType.DATASET


def test_hardware_written_after_its_count():
    ex = extract("Within 12 hours of training on 8xA800 GPUs, our method converges.")
    assert by_name(ex)["NVIDIA A800"].type == NodeType.HARDWARE
    ex = extract("We fine-tune Mixtral 8x7B on two nodes.")
    assert all(m.type != NodeType.HARDWARE for m in ex.mentions)


def test_a_coined_compound_with_a_size_is_a_model_even_opening_a_sentence():
    ex = extract("Skywork-Math 7B has achieved accuracies of 51.2% on MATH. Open-Source 7B models lag.")
    assert by_name(ex)["Skywork-Math 7B"].type == NodeType.MODEL
    assert not any(m.name.startswith("Open-Source") for m in ex.mentions)


def test_a_score_closing_its_sentence_is_read_once_and_a_size_is_no_score():
    ex = extract(
        "We propose InstaFlow. With an expanded network with 1.7B parameters, we further improve the "
        "FID to 22.4. It reaches an FID of 23.3 on MS COCO 2017-5k, surpassing progressive "
        "distillation (37.2 rightarrow 23.3 in FID).",
        title="InstaFlow: One Step",
    )
    by_value = {}
    for r in ex.results:
        by_value.setdefault(r.value, []).append(r)
    assert by_value[22.4][0].metric == "FID"  # the sentence's last word: read
    assert len(by_value[23.3]) == 1  # said twice, one result
    assert by_value[1.7][0].unit == "B params" and by_value[1.7][0].metric is None


def test_percentage_points_and_signed_percentages_are_changes_not_levels():
    ex = extract(
        "We propose FooNet. On GSM8K, FooNet's accuracy drops -0.13 pp and its recall falls -26.5%, "
        "while its correlation is -0.875 and its accuracy 95.2%."
    )
    change = {r.value: r.change for r in ex.results}
    assert change[-0.13] and change[-26.5]  # a leaderboard ranks levels only
    points = extract("We propose FooNet. FooNet gains up to 45.5%p on MMLU.").results
    assert [(r.value, r.unit, r.change) for r in points] == [(45.5, "pp", True)]  # `%p`: percent points
    assert not change[95.2]
    assert not change.get(-0.875, False)


def test_a_benchmark_named_after_a_known_name_with_bench_is_one_new_dataset():
    ex = extract("We set a new state of the art on benchmarks including DeepResearch Bench and DeepConsult.")
    names = by_name(ex)
    assert names["DeepResearch Bench"].type == NodeType.DATASET
    assert "Bench" not in names and "DeepResearch" not in names


def test_a_score_is_measured_on_the_one_dataset_the_paper_evaluates_on():
    # the sentence names no dataset, but the paper evaluates on one only (it trains on another);
    # with two evaluated on, it is unsaid
    one = extract(
        "We propose FooNet, trained on the Pile. FooNet is evaluated on HotpotQA. It reaches an "
        "exact match of 61.2%, 4.1 points above the best baseline."
    )
    names = {m.key: m.name for m in one.mentions}
    assert {r.value: names.get(r.dataset or "") for r in one.results} == {61.2: "HotpotQA", 4.1: "HotpotQA"}
    two = extract(
        "We propose FooNet. It reaches 61.2% exact match on HotpotQA and 48.0% on MuSiQue. It is 2x faster."
    )
    assert next(r for r in two.results if r.value == 2.0).dataset is None


def test_a_dataset_the_paper_reports_a_score_on_is_evaluated_on():
    ex = extract(
        "We introduce ZorbBench, a benchmark of 500 agent tasks for web navigation. The best model, "
        "GPT-4o, reaches an accuracy of 31.2% on it."
    )
    bench = by_name(ex)["ZorbBench"]
    assert next(r for r in ex.results if r.value == 31.2).dataset == bench.key
    assert set(bench.roles) == {Role.PROPOSES, Role.EVALUATED_ON}
