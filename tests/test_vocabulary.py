"""The curated vocabulary stays well formed."""

from __future__ import annotations

from collections import defaultdict

import pytest

from kg.config import DataPaths
from kg.extract.text import norm
from kg.extract.vocabulary import build_vocabulary, read_vocabulary_files

PATHS = DataPaths.packaged()
VOCABULARY = build_vocabulary(PATHS.vocabulary)


def test_every_row_reads_and_every_broader_exists():
    vocab = VOCABULARY
    assert len(vocab.entries) > 500
    missing = [
        (e.source, e.broader) for e in vocab.entries.values() if e.broader and e.broader not in vocab.entries
    ]
    assert missing == []


def test_no_alias_claimed_twice_unless_marked_ambiguous():
    claims = defaultdict(set)
    entries = {}
    for e in read_vocabulary_files(PATHS.vocabulary):
        entries[e.id] = e
        for form in e.forms:
            claims[norm(form)].add(e.id)
    clashes = [
        (form, sorted(ids))
        for form, ids in claims.items()
        if len(ids) > 1 and not all(entries[i].ambiguous for i in ids)
    ]
    assert clashes == []


def test_generic_class_words_are_not_entries():
    vocab = VOCABULARY
    for word in ["LLMs", "diffusion models", "transformers", "GPUs", "CNN", "neural networks"]:
        assert vocab.lookup(word) is None, word


@pytest.mark.slow
def test_vocabulary_compiles_to_skos_with_the_graph_iris(tmp_path):
    import rdflib
    from rdflib.namespace import SKOS

    from kg.exporters.rdf import iri
    from kg.exporters.skos import write_skos

    vocab = VOCABULARY
    out = tmp_path / "vocab.ttl"
    write_skos(vocab, out)
    g = rdflib.Graph().parse(out)
    concepts = set(g.subjects(rdflib.RDF.type, SKOS.Concept))
    assert len(concepts) == len(vocab.entries)
    llama = iri("model:llama-2-7b")
    assert (llama, SKOS.broader, iri("model:llama-2")) in g
    assert (iri("model:llama-2"), SKOS.broader, iri("model:llama")) in g


def test_breadth_of_the_vocabulary():
    from collections import Counter

    counts = Counter(e.type.value for e in VOCABULARY.entries.values())
    assert counts["Model"] >= 400
    assert counts["Dataset"] >= 300
    assert counts["Hardware"] >= 60
    assert counts["Metric"] >= 100
    assert counts["Method"] >= 150
