"""Regenerate word_clusters.tsv: classes of words that a corpus of abstracts writes in like contexts.

A word2vec model (gensim, CBOW) is trained on the lowercased words of the titles and abstracts,
and k-means (scikit-learn) groups the normalized vectors of the words written at least
MIN_COUNT times into CLUSTERS classes. The decision model reads the class of a candidate's
first and last words (`kg.extract.decisions.features`), so that a name whose head word no
annotated paper wrote is read like the names whose head words share its class.

Papers listed in the reserved file are left out, and so are the papers of the evaluation sets
given with --leave-out (their text too: the clusters must not have read them).

    pip install gensim==4.4.0 scikit-learn==1.9.1
    python ontology/make_word_clusters.py ../shared/corpora/hf_daily_papers.jsonl \\
        ../shared/corpora/arxiv_daily_cs.jsonl.gz --reserved ../shared/gold/reserved.tsv \\
        --leave-out training/data/blind_input.jsonl tests/data/heldout_papers.jsonl \\
        tests/data/heldout_arxiv_papers.jsonl examples/daily_papers_sep10.txt

One worker, one thread for k-means and fixed seeds: the same corpora give the same file (about
3 minutes on one core).
Then retrain the decision model (`training/train_decisions.py`): it records the digest of the
classes it learned with, and kg refuses it with others.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from pathlib import Path

from make_common_words import fold, reserved_keys

WORD = re.compile(r"[A-Za-z][A-Za-z\-]*|\d+")  # the words `kg.extract.decisions` reads
DIMENSIONS = 100
MIN_COUNT = 20
CLUSTERS = 1000
SEED = 1
HEADER = "# word<TAB>class: made by ontology/make_word_clusters.py (word2vec + k-means on the corpora)"


def records(path: Path):
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def left_out_keys(paths: list[Path]) -> set[str]:
    """The ids and folded titles of the papers in evaluation inputs (JSON Lines, or the example
    day's page, whose titles are read from its lines)."""
    keys: set[str] = set()
    for path in paths:
        if path.suffix == ".jsonl":
            for r in records(path):
                keys.update({str(r.get("id") or ""), fold(r.get("title") or "")} - {""})
        else:
            keys.update({fold(line) for line in path.read_text(encoding="utf-8").splitlines()} - {""})
    return keys


def texts(corpora: list[Path], left_out: set[str]) -> list[list[str]]:
    out = []
    for path in corpora:
        for r in records(path):
            if str(r.get("id") or "") in left_out or fold(r.get("title") or "") in left_out:
                continue
            for text in (r.get("title"), r.get("abstract")):
                if text:
                    out.append(WORD.findall(text.lower()))
    return out


def main() -> None:
    from gensim.models import Word2Vec
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", type=Path, nargs="+")
    parser.add_argument("--reserved", type=Path)
    parser.add_argument("--leave-out", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    left_out = reserved_keys(args.reserved) | left_out_keys(args.leave_out)
    sentences = texts(args.corpora, left_out)
    model = Word2Vec(
        sentences, vector_size=DIMENSIONS, window=5, min_count=MIN_COUNT, workers=1, seed=SEED, epochs=5
    )
    with threadpool_limits(1):  # k-means sums in threads in the order they finish: one thread
        kmeans = KMeans(n_clusters=CLUSTERS, random_state=0, n_init=1).fit(model.wv.get_normed_vectors())
    classes = kmeans.labels_
    rows = sorted(zip(model.wv.index_to_key, classes.tolist(), strict=True))
    out = Path(__file__).with_name("word_clusters.tsv")
    out.write_text("\n".join([HEADER, *(f"{w}\t{c}" for w, c in rows)]) + "\n", encoding="utf-8")
    print(f"{len(sentences)} texts, {len(rows)} words in {CLUSTERS} classes -> {out}")


if __name__ == "__main__":
    main()
