"""Regenerate the word lists read from a corpus of abstracts (JSON Lines, optionally gzipped):
common_words.txt and transitive_words.txt. Papers listed in the reserved file (`id<TAB>title`)
are left out: they are kept for evaluation elsewhere.

python3 ontology/make_common_words.py ../shared/corpora/arxiv_daily_cs.jsonl.gz \
    --reserved ../shared/gold/reserved.tsv
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

MIN_COUNT = 30
LOWER_RATIO = 3
# transitive_words.txt: a word that takes an object (`enhancing the`, `over our`) is followed by
# one of OBJECT_STARTS in at least OBJECT_RATIO of its uses, counted on at least OBJECT_MIN_COUNT
OBJECT_STARTS = frozenset(
    [
        *("the", "a", "an", "our", "their", "its", "this", "these", "those", "such", "both", "each"),
        *("them", "it", "his", "her", "we", "whether", "how", "what", "which"),
    ]
)
OBJECT_MIN_COUNT = 50
OBJECT_RATIO = 0.2
WORD = re.compile(r"[A-Za-z][A-Za-z\-]*")


def reserved_keys(path: Path | None) -> set[str]:
    """The ids and the titles (folded) of the reserved papers."""
    keys: set[str] = set()
    if path is None:
        return keys
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            paper_id, _, title = line.partition("\t")
            keys.update({paper_id.strip(), fold(title)} - {""})
    return keys


def fold(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", title.lower())


def main(path: str, reserved: Path | None) -> None:
    lower, other = Counter(), Counter()
    uses, before_object = Counter(), Counter()
    left_out = reserved_keys(reserved)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if str(record.get("id", "")) in left_out or fold(record.get("title", "")) in left_out:
                continue
            abstract = record.get("abstract", "")
            for word in re.findall(r"[A-Za-z]+", abstract):
                (lower if word.islower() else other)[word.lower()] += 1
            words = WORD.findall(abstract)
            for word, following in pairwise(words):
                if word.islower() and not word.endswith("-"):
                    uses[word] += 1
                    if following in OBJECT_STARTS:
                        before_object[word] += 1
    common = sorted(
        w for w, c in lower.items() if c >= MIN_COUNT and len(w) >= 3 and c >= LOWER_RATIO * other[w]
    )
    transitive = sorted(
        w for w, c in uses.items() if c >= OBJECT_MIN_COUNT and before_object[w] >= OBJECT_RATIO * c
    )
    for name, words in (("common_words.txt", common), ("transitive_words.txt", transitive)):
        out = Path(__file__).with_name(name)
        header = [line for line in out.read_text().splitlines() if line.startswith("#")]
        out.write_text("\n".join([*header, *words]) + "\n", encoding="utf-8")
        print(f"{len(words)} words -> {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--reserved", type=Path, default=None, help="papers to leave out (id<TAB>title)")
    args = parser.parse_args()
    main(args.corpus, args.reserved)
