"""RDF: the graph under the ontology in `ontology/kg.ttl` (schema.org, Dublin Core, SKOS, PROV-O,
ML-Schema), with evidence on every role edge by RDF reification.

Reification, not RDF-star: every store and every rdflib version reads it, and SPARQL 1.1 can
query it; an `rdf:Statement` carries the edge and its `kg:evidence` nodes hold mention, sentence
and span.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import networkx as nx
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS, XSD

from kg.io import atomic_file

BASE = "https://w3id.org/mlkg/"
KG = Namespace(BASE + "ontology#")
RES = BASE + "resource/"
SCHEMA = Namespace("https://schema.org/")
MLS = Namespace("http://www.w3.org/ns/mls#")
ARXIV = "https://arxiv.org/abs/"

PROPERTY = {
    "PROPOSES": KG.proposes,
    "USES": KG.uses,
    "COMPARES_WITH": KG.comparesWith,
    "EVALUATED_ON": KG.evaluatedOn,
    "RUNS_ON": KG.runsOn,
    "MEASURES": KG.measures,
    "ADDRESSES": KG.addresses,
    "MENTIONS": KG.mentions,
    "REPORTS": KG.reports,
    "HAS_CODE": KG.hasCode,
    "SUBJECT": KG.subject,
    "METRIC": KG.metric,
    "DATASET": KG.dataset,
    "HARDWARE": KG.hardware,
    "BASELINE": KG.baseline,
    "BROADER": KG.broader,
}
FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


def iri(node_id: str) -> URIRef:
    """A stable IRI from a node id: `model:llama-2-7b` -> `.../resource/model/llama-2-7b`."""
    kind, _, rest = node_id.partition(":")
    return URIRef(RES + quote(kind, safe="") + "/" + quote(rest, safe="-._~"))


def to_rdf(g: nx.MultiDiGraph) -> Graph:
    rdf = Graph()
    for prefix, ns in (
        ("kg", KG),
        ("schema", SCHEMA),
        ("mls", MLS),
        ("skos", SKOS),
        ("dcterms", DCTERMS),
        ("owl", OWL),
    ):
        rdf.bind(prefix, ns)
    for node, data in g.nodes(data=True):
        s = iri(node)
        rdf.add((s, RDF.type, KG[str(data["type"])]))
        rdf.add((s, KG.nodeId, Literal(node)))
        if data.get("name") is not None:
            rdf.add((s, SKOS.prefLabel, Literal(data["name"])))
        for alias in data.get("aliases") or []:
            rdf.add((s, SKOS.altLabel, Literal(alias)))
        if "in_vocabulary" in data:
            rdf.add((s, KG.inVocabulary, Literal(bool(data["in_vocabulary"]))))
        if data["type"] == "Paper":
            _paper(rdf, s, node, data)
        elif data["type"] == "Result":
            rdf.add((s, MLS.hasValue, Literal(float(data["value"]), datatype=XSD.double)))
            if data.get("unit"):
                rdf.add((s, KG.unit, Literal(data["unit"])))
            if data.get("metric"):
                rdf.add((s, KG.metricName, Literal(data["metric"])))
            if data.get("text"):
                rdf.add((s, KG.text, Literal(data["text"])))
        elif data["type"] == "Repository" and data.get("url"):
            rdf.add((s, SCHEMA.url, Literal(data["url"], datatype=XSD.anyURI)))
    for u, v, data in g.edges(data=True):
        prop = PROPERTY[str(data["type"])]
        s, o = iri(u), iri(v)
        rdf.add((s, prop, o))
        evidence = data.get("evidence") or []
        if evidence:
            st = BNode()
            rdf.add((st, RDF.type, RDF.Statement))
            rdf.add((st, RDF.subject, s))
            rdf.add((st, RDF.predicate, prop))
            rdf.add((st, RDF.object, o))
            for ev in evidence:
                e = BNode()
                rdf.add((st, KG.evidence, e))
                rdf.add((e, RDF.type, KG.Evidence))
                for key in ("mention", "sentence", "field"):
                    if ev.get(key) is not None:
                        rdf.add((e, KG[key], Literal(ev[key])))
                for key in ("start", "end"):
                    if ev.get(key) is not None:
                        rdf.add((e, KG[key], Literal(int(ev[key]))))
    return rdf


def _paper(rdf: Graph, s: URIRef, node: str, data: dict) -> None:
    rdf.add((s, DCTERMS.title, Literal(data["title"])))
    if data.get("abstract"):
        rdf.add((s, DCTERMS.abstract, Literal(data["abstract"])))
    if data.get("published"):
        rdf.add((s, DCTERMS.issued, Literal(data["published"], datatype=XSD.date)))
    if data.get("listing_date"):
        rdf.add((s, KG.listingDate, Literal(data["listing_date"])))
    if data.get("source"):
        rdf.add((s, KG.source, Literal(data["source"])))
    for author in data.get("authors") or []:
        rdf.add((s, SCHEMA.author, Literal(author)))
    url = data.get("url") or ""
    if url.startswith(ARXIV):
        rdf.add((s, DCTERMS.identifier, Literal("arXiv:" + url[len(ARXIV) :])))
        rdf.add((s, OWL.sameAs, URIRef(ARXIV + quote(url[len(ARXIV) :], safe="/.-"))))
    elif url:
        rdf.add((s, SCHEMA.url, Literal(url, datatype=XSD.anyURI)))


def write_rdf(g: nx.MultiDiGraph, path: Path, fmt: str = "ttl") -> None:
    data = to_rdf(g).serialize(format=FORMATS[fmt], encoding="utf-8")
    with atomic_file(path, "wb", encoding=None) as f:
        f.write(data)
