"""The schema in Python and the schema in ontology/kg.ttl say the same."""

from __future__ import annotations

import rdflib

from kg.config import DataPaths
from kg.exporters.rdf import KG, PROPERTY
from kg.schema import EdgeType, NodeType, Role


def test_owl_declares_every_node_and_edge_type():
    onto = rdflib.Graph().parse(DataPaths.packaged().schema)
    classes = set(onto.subjects(rdflib.RDF.type, rdflib.OWL.Class))
    for t in NodeType:
        assert KG[t.value] in classes, t
    labels = {str(o) for p in PROPERTY.values() for o in onto.objects(p, rdflib.RDFS.label)}
    assert {r.value for r in Role} | {e.value for e in EdgeType} <= labels
