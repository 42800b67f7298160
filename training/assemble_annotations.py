"""Gather the annotators' batch files into the training and blind gold sets.

    python training/assemble_annotations.py BATCH_DIR

BATCH_DIR holds `batch_NN.jsonl` (the first reading of every sampled paper) and
`batch_double.jsonl` (a second, independent reading of 25 training papers). Each line is checked
against the sample (same id and title, in order); the split comes from `training/data/sample.jsonl`
and the later rounds' `sample_N.jsonl` (all training papers), which follow it in the files written.
Writes `training/data/{train,blind,second_reader}.jsonl` and their inputs
(`train_input.jsonl`, `blind_input.jsonl`: records `kg build` reads).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from sample_papers import round_of

DATA = Path(__file__).resolve().parent / "data"


def main() -> None:
    batches = Path(sys.argv[1])
    sample = {}
    for path in sorted(DATA.glob("sample*.jsonl"), key=round_of):
        for line in path.read_text(encoding="utf-8").splitlines():
            paper = json.loads(line)
            sample[paper["id"]] = paper | {"order": (round_of(path), paper["index"])}
    gold: dict[str, dict] = {}
    for path in sorted(batches.glob("batch_[0-9][0-9].jsonl")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            record = json.loads(line)
            paper = sample.get(record.get("id"))
            if paper is None or record["paper"] != paper["title"]:
                raise SystemExit(f"{path}:{lineno}: not a sampled paper: {record.get('id')!r}")
            gold[paper["id"]] = record
    second = [
        json.loads(line) for line in (batches / "batch_double.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    order = sorted(gold, key=lambda pid: sample[pid]["order"])
    for split in ("train", "blind"):
        chosen = [pid for pid in order if sample[pid]["split"] == split]
        with open(DATA / f"{split}.jsonl", "w", encoding="utf-8") as out:
            for pid in chosen:
                out.write(json.dumps(gold[pid], ensure_ascii=False) + "\n")
        with open(DATA / f"{split}_input.jsonl", "w", encoding="utf-8") as out:
            for pid in chosen:
                p = sample[pid]
                out.write(
                    json.dumps(
                        {"id": pid, "title": p["title"], "abstract": p["abstract"], "source": p["source"]},
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        print(f"{split}: {len(chosen)} papers")
    with open(DATA / "second_reader.jsonl", "w", encoding="utf-8") as out:
        for record in second:
            assert sample[record["id"]]["split"] == "train", "second readings are of training papers"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(
        f"second reader: {len(second)} papers ({sum(r['id'] in gold for r in second)} with a first reading)"
    )


if __name__ == "__main__":
    main()
