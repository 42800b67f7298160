"""The curated vocabulary as a SKOS concept scheme, with the same IRIs the graph uses."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.exporters.rdf import BASE, KG, iri
from kg.extract.vocabulary import Vocabulary
from kg.io import atomic_file

SCHEME = URIRef(BASE + "vocabulary")


def vocabulary_to_skos(vocab: Vocabulary) -> Graph:
    g = Graph()
    g.bind("skos", SKOS)
    g.bind("kg", KG)
    g.add((SCHEME, RDF.type, SKOS.ConceptScheme))
    g.add((SCHEME, SKOS.prefLabel, Literal("kg: curated vocabulary of machine-learning research")))
    for entry in vocab.entries.values():
        concept = iri(entry.id)
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, RDF.type, KG[entry.type.value]))
        g.add((concept, SKOS.inScheme, SCHEME))
        g.add((concept, SKOS.prefLabel, Literal(entry.name)))
        g.add((concept, KG.nodeId, Literal(entry.id)))
        for alias in entry.aliases:
            g.add((concept, SKOS.altLabel, Literal(alias)))
        if entry.broader:
            g.add((concept, SKOS.broader, iri(entry.broader)))
        else:
            g.add((concept, SKOS.topConceptOf, SCHEME))
    return g


def write_skos(vocab: Vocabulary, path: Path) -> None:
    data = vocabulary_to_skos(vocab).serialize(format="turtle", encoding="utf-8")
    with atomic_file(path, "wb", encoding=None) as f:
        f.write(data)
