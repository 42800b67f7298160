"""The agreement figure: each reader of the doubly annotated papers scored against the other.

    python training/agreement.py [--scorer ../shared/eval/score.py]

Either reader's required entities are scored with the other as gold (as in
`../shared/gold/README.md`); the last line of each run is printed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from gold_to_graph import gold_graph

DATA = Path(__file__).resolve().parent / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scorer", type=Path, default=Path("../shared/eval/score.py"))
    args = parser.parse_args()
    second = [
        json.loads(line) for line in (DATA / "second_reader.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    ids = {r["id"] for r in second}
    first = [json.loads(line) for line in (DATA / "train.jsonl").read_text(encoding="utf-8").splitlines()]
    first = [r for r in first if r["id"] in ids]
    with tempfile.TemporaryDirectory() as tmp:
        for name, gold, other in (
            ("second against first", first, second),
            ("first against second", second, first),
        ):
            gold_file, graph_file = Path(tmp) / "gold.jsonl", Path(tmp) / "graph.json"
            gold_file.write_text("".join(json.dumps(r) + "\n" for r in gold), encoding="utf-8")
            graph_file.write_text(json.dumps(gold_graph(other)), encoding="utf-8")
            run = subprocess.run(
                [sys.executable, str(args.scorer), "--gold", str(gold_file), "--graph", str(graph_file)],
                capture_output=True,
                text=True,
                check=True,
            )
            print(f"{name}: {run.stdout.strip().splitlines()[-1]}")


if __name__ == "__main__":
    main()
