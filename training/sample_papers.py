"""Draw the papers to annotate: a seeded random sample of both corpora.

Papers already annotated elsewhere (the shared train and dev gold, tests/data held-out sets) and
papers reserved for evaluation (`reserved.tsv`, matched by arXiv id or title) are never drawn.
Abstracts under 300 characters are skipped, as for the shared train set.

    python training/sample_papers.py --shared ../shared --per-corpus 220 --out training/data/sample.jsonl

The first `--blind` papers of the shuffled sample (half from each corpus) form the blind set: only
ever scored, never read.

A later round draws more training papers with its own seed, leaving out every paper drawn before:

    python training/sample_papers.py --round 2 --per-corpus 120 --blind 0 --out training/data/sample_2.jsonl
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

SEED = 20261206


def _title_key(title: str) -> str:
    return " ".join(title.lower().split())


def _excluded(shared: Path, repo: Path, rounds_before: int) -> tuple[set[str], set[str]]:
    ids: set[str] = set()
    titles: set[str] = set()
    for line in (shared / "gold" / "reserved.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        pid, _, title = line.partition("\t")
        ids.add(pid.strip())
        titles.add(_title_key(title))
    gold_files = [shared / "gold" / "train.jsonl", shared / "gold" / "dev.jsonl"]
    gold_files += sorted((repo / "tests" / "data").glob("heldout_*.jsonl"))
    gold_files += [sample_file(repo, r) for r in range(1, rounds_before + 1)]
    for path in gold_files:
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("id"):
                ids.add(str(record["id"]))
            title = record.get("paper") or record.get("title")
            if title:
                titles.add(_title_key(title))
    return ids, titles


def sample_file(repo: Path, round_number: int) -> Path:
    """Where a round's sample is: `sample.jsonl` for the first, `sample_N.jsonl` for round N."""
    name = "sample.jsonl" if round_number == 1 else f"sample_{round_number}.jsonl"
    return repo / "training" / "data" / name


def round_of(path: Path) -> int:
    """The round a sample file holds (the inverse of `sample_file`)."""
    return int(path.stem.partition("_")[2] or 1)


def _records(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            abstract = record.get("abstract") or record.get("summary") or ""
            title = record.get("title") or ""
            yield {
                "id": str(record.get("id", "")),
                "title": " ".join(title.split()),
                "abstract": " ".join(abstract.split()),
            }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=Path("../shared"))
    parser.add_argument("--per-corpus", type=int, default=220)
    parser.add_argument("--blind", type=int, default=120)
    parser.add_argument("--out", type=Path, default=Path("training/data/sample.jsonl"))
    parser.add_argument("--round", type=int, default=1, help="a later round leaves out the earlier samples")
    args = parser.parse_args()
    repo = Path(__file__).resolve().parent.parent
    ids, titles = _excluded(args.shared, repo, rounds_before=args.round - 1)
    rng = random.Random(SEED + args.round - 1)
    corpora = {
        "hf_daily_papers": args.shared / "corpora" / "hf_daily_papers.jsonl",
        "arxiv_daily_cs": args.shared / "corpora" / "arxiv_daily_cs.jsonl.gz",
    }
    drawn: dict[str, list[dict]] = {}
    for source, path in corpora.items():
        pool = [
            r | {"source": source}
            for r in _records(path)
            if len(r["abstract"]) >= 300
            and r["title"]
            and r["id"] not in ids
            and _title_key(r["title"]) not in titles
        ]
        drawn[source] = rng.sample(pool, args.per_corpus)
    # Interleave the corpora so that any prefix (the blind set) holds both halves equally.
    sample = [paper for pair in zip(*drawn.values(), strict=True) for paper in pair]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as out:
        for index, paper in enumerate(sample):
            split = "blind" if index < args.blind else "train"
            # round 1's file was written before rounds existed: it stays byte for byte the same
            later_round = {"round": args.round} if args.round > 1 else {}
            record = {"index": index, "split": split} | later_round | paper
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"wrote {len(sample)} papers to {args.out} ({args.blind} blind)")


if __name__ == "__main__":
    main()
