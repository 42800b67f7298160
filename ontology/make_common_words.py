"""Regenerate common_words.txt from a corpus of abstracts (JSON Lines, optionally gzipped).

python3 ontology/make_common_words.py ../shared/corpora/arxiv_daily_cs.jsonl.gz
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

MIN_COUNT = 30
LOWER_RATIO = 3


def main(path: str) -> None:
    lower, other = Counter(), Counter()
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            for word in re.findall(r"[A-Za-z]+", json.loads(line).get("abstract", "")):
                (lower if word.islower() else other)[word.lower()] += 1
    words = sorted(
        w for w, c in lower.items() if c >= MIN_COUNT and len(w) >= 3 and c >= LOWER_RATIO * other[w]
    )
    out = Path(__file__).with_name("common_words.txt")
    header = [line for line in out.read_text().splitlines() if line.startswith("#")]
    out.write_text("\n".join([*header, *words]) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {out}")


if __name__ == "__main__":
    main(sys.argv[1])
