"""How the comparisons kg reads from sentences agree with the gold roles of the training papers.

    python training/comparisons_vs_gold.py

The gold has no comparison edges, only each entity's roles for its paper, so this measures the
two halves apart, on the training papers (never the blind set):
- precision: of the baselines of kg's comparisons that match a gold entity, the share the gold
  says the paper compares with; of the challengers, the share the gold does not;
- coverage: of the gold's required compares_with models and methods, the share that is the
  baseline of some comparison.
"""

from __future__ import annotations

from train_decisions import load_examples, norm

from kg.extract import Extractor


def forms(name: str, aliases: list[str]) -> set[str]:
    return {norm(x) for x in [name, *aliases] if norm(x)}


def gold_of(names: set[str], gold_forms: list[tuple[set[str], dict]]) -> dict | None:
    return next((e for f, e in gold_forms if f & names), None)


def main() -> None:
    extractor = Extractor.load()
    comparisons = baseline_matched = baseline_right = challenger_matched = challenger_right = 0
    gold_baselines = covered = 0
    examples = load_examples()
    for paper, gold in examples:
        ex = extractor.extract(paper)
        gold_forms = [(forms(e["name"], e.get("aliases", [])), e) for e in gold["entities"]]
        mentions = {m.key: forms(m.name, m.aliases) for m in ex.mentions}

        for c in ex.comparisons:
            comparisons += 1
            if (b := gold_of(mentions[c.baseline], gold_forms)) is not None:
                baseline_matched += 1
                baseline_right += "compares_with" in b.get("roles", [])
            if (ch := gold_of(mentions[c.challenger], gold_forms)) is not None:
                challenger_matched += 1
                challenger_right += "compares_with" not in ch.get("roles", [])
        baselines = set().union(*(mentions[c.baseline] for c in ex.comparisons))
        for f, e in gold_forms:
            if e.get("optional") or e["type"] not in ("Model", "Method"):
                continue
            if "compares_with" in e.get("roles", []):
                gold_baselines += 1
                covered += bool(f & baselines)
    print(f"{comparisons} comparisons in {len(examples)} training papers")
    print(f"baselines that the gold compares with: {baseline_right}/{baseline_matched} "
          f"({baseline_right / max(baseline_matched, 1):.2f})")  # fmt: skip
    print(f"challengers that are no gold baseline: {challenger_right}/{challenger_matched} "
          f"({challenger_right / max(challenger_matched, 1):.2f})")  # fmt: skip
    print(f"gold compares_with models and methods that are a baseline: {covered}/{gold_baselines} "
          f"({covered / max(gold_baselines, 1):.2f})")  # fmt: skip


if __name__ == "__main__":
    main()
