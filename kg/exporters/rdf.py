"""RDF both ways: the graph under the ontology in `ontology/kg.ttl` (schema.org, Dublin Core, SKOS,
PROV-O, ML-Schema), and back.

Evidence hangs off each edge by RDF reification rather than RDF-star: every store and every
rdflib version reads it, and plain SPARQL 1.1 queries it. An `rdf:Statement` carries the edge;
its `kg:evidence` nodes hold mention, sentence and span, and `prov:wasDerivedFrom` the paper.
Everything in graph.json has a place in the RDF, so `read_rdf(to_rdf(g))` gives `g` back.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import networkx as nx
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.config import DataPaths
from kg.errors import InputError
from kg.graph import AnyGraph
from kg.io import atomic_file
from kg.schema import EdgeType, NodeType, Role

BASE = "https://w3id.org/mlkg/"
KG = Namespace(BASE + "ontology#")
RES = BASE + "resource/"
SCHEMA = Namespace("https://schema.org/")
MLS = Namespace("http://www.w3.org/ns/mls#")
ARXIV = "https://arxiv.org/abs/"

PROPERTY: dict[str, URIRef] = {
    Role.PROPOSES: KG.proposes,
    Role.USES: KG.uses,
    Role.COMPARES_WITH: KG.comparesWith,
    Role.EVALUATED_ON: KG.evaluatedOn,
    Role.RUNS_ON: KG.runsOn,
    Role.MEASURES: KG.measures,
    Role.ADDRESSES: KG.addresses,
    Role.MENTIONS: KG.mentions,
    EdgeType.REPORTS: KG.reports,
    EdgeType.HAS_CODE: KG.hasCode,
    EdgeType.SUBJECT: KG.subject,
    EdgeType.METRIC: KG.metric,
    EdgeType.DATASET: KG.dataset,
    EdgeType.HARDWARE: KG.hardware,
    EdgeType.BASELINE: KG.baseline,
    EdgeType.STATES: KG.states,
    EdgeType.CHALLENGER: KG.challenger,
    EdgeType.BROADER: KG.broader,
}
EDGE_OF = {v: k for k, v in PROPERTY.items()}
FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
SUFFIX_FORMAT = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}
LITERAL_FIELDS: dict[str, dict[str, URIRef]] = {  # graph.json attribute -> RDF property, per node type
    NodeType.PAPER: {
        "title": DCTERMS.title,
        "abstract": DCTERMS.abstract,
        "listing_date": KG.listingDate,
        "code_url": KG.codeUrl,
        "source": KG.source,
    },
    NodeType.RESULT: {"unit": KG.unit, "metric": KG.metricName, "text": KG.text},
    NodeType.COMPARISON: {"text": KG.text},
}


@lru_cache(maxsize=1 << 16)
def iri(node_id: str) -> URIRef:
    """A stable IRI from a node id: `model:llama-2-7b` -> `.../resource/model/llama-2-7b`."""
    kind, _, rest = node_id.partition(":")
    return URIRef(RES + quote(kind, safe="") + "/" + quote(rest, safe="-._~"))


def _bind(rdf: Graph) -> None:
    for prefix, ns in (
        ("kg", KG),
        ("schema", SCHEMA),
        ("mls", MLS),
        ("skos", SKOS),
        ("dcterms", DCTERMS),
        ("prov", PROV),
        ("owl", OWL),
    ):
        rdf.bind(prefix, ns)


Term = URIRef | Literal | BNode
Triple = tuple[Term, Term, Term]


def to_rdf(g: nx.MultiDiGraph) -> Graph:
    rdf = Graph()
    _bind(rdf)
    for triple in triples(g):
        rdf.add(triple)
    return rdf


class Terms:
    """How triples are spelled: as rdflib terms (for rdflib and pySHACL) or, in `NTerms`, as
    N-Triples text (for the fast writer). One description of the RDF serves both.

    `c` holds every constant the RDF uses, spelled once, since building them is the slow part."""

    def __init__(self) -> None:
        self.c = {
            name: self.term(value)
            for name, value in {
                "type": RDF.type,
                "first": RDF.first,
                "rest": RDF.rest,
                "nil": RDF.nil,
                "Statement": RDF.Statement,
                "subject": RDF.subject,
                "predicate": RDF.predicate,
                "object": RDF.object,
                "nodeId": KG.nodeId,
                "prefLabel": SKOS.prefLabel,
                "altLabel": SKOS.altLabel,
                "inVocabulary": KG.inVocabulary,
                "hasValue": MLS.hasValue,
                "change": KG.change,
                "url": SCHEMA.url,
                "author": SCHEMA.author,
                "issued": DCTERMS.issued,
                "identifier": DCTERMS.identifier,
                "seeAlso": RDFS.seeAlso,
                "evidence": KG.evidence,
                "Evidence": KG.Evidence,
                "wasDerivedFrom": PROV.wasDerivedFrom,
                "mention": KG.mention,
                "sentence": KG.sentence,
                "field": KG.field,
                "start": KG.start,
                "end": KG.end,
                "sentence_start": KG.sentenceStart,
            }.items()
        }
        self.kinds = {str(kind): self.term(KG[str(kind)]) for kind in NodeType}
        self.properties = {edge: self.term(prop) for edge, prop in PROPERTY.items()}
        self.fields = {
            kind: [(key, self.term(prop)) for key, prop in fields.items()]
            for kind, fields in LITERAL_FIELDS.items()
        }

    def iri(self, value: str) -> Any:
        return URIRef(value)

    def term(self, constant: URIRef) -> Any:
        return constant

    def text(self, value: str) -> Any:
        return Literal(value)

    def typed(self, value: str, datatype: URIRef) -> Any:
        return Literal(value, datatype=datatype)

    def integer(self, value: int) -> Any:
        return Literal(int(value))

    def boolean(self, value: bool) -> Any:
        return Literal(bool(value))

    def double(self, value: float) -> Any:
        return Literal(float(value), datatype=XSD.double)

    def blank(self) -> Any:
        return BNode()


class NTerms(Terms):
    """Terms as N-Triples text; blank nodes are numbered in order."""

    def __init__(self) -> None:
        self._blanks = 0
        super().__init__()

    def iri(self, value: str) -> str:
        return f"<{value}>"

    def term(self, constant: URIRef) -> str:
        return f"<{constant}>"

    def text(self, value: str) -> str:
        return f'"{_escaped(value)}"'

    def typed(self, value: str, datatype: URIRef) -> str:
        return f'"{_escaped(value)}"^^<{datatype}>'

    def integer(self, value: int) -> str:
        return f'"{int(value)}"^^<{XSD.integer}>'

    def boolean(self, value: bool) -> str:
        return f'"{"true" if value else "false"}"^^<{XSD.boolean}>'

    def double(self, value: float) -> str:
        text = repr(float(value))
        text = {"inf": "INF", "-inf": "-INF", "nan": "NaN"}.get(text, text)
        return f'"{text}"^^<{XSD.double}>'

    def blank(self) -> str:
        self._blanks += 1
        return f"_:b{self._blanks}"


def triples(g: AnyGraph, t: Terms | None = None) -> Iterator[Triple]:
    """Every triple of the graph's RDF, node by node, then edge by edge."""
    t = t or Terms()
    for node, data in g.nodes(data=True):
        yield from _node(node, data, t)
    for u, v, data in g.edges(data=True):
        yield from _edge(u, v, data, t)


def _node(node: str, data: dict[str, Any], t: Terms) -> Iterator[Triple]:
    c = t.c
    s = t.iri(iri(node))
    kind = str(data["type"])
    yield s, c["type"], t.kinds[kind]
    yield s, c["nodeId"], t.text(node)
    yield s, c["prefLabel"], t.text(data.get("name") or "")
    for alias in data.get("aliases") or []:
        yield s, c["altLabel"], t.text(alias)
    if "in_vocabulary" in data:
        yield s, c["inVocabulary"], t.boolean(data["in_vocabulary"])
    for key, prop in t.fields.get(kind, ()):
        if data.get(key) is not None:
            yield s, prop, t.text(str(data[key]))
    if kind == NodeType.PAPER:
        yield from _paper(s, data, t)
    elif kind == NodeType.RESULT:
        yield s, c["hasValue"], t.double(data["value"])
        yield s, c["change"], t.boolean(bool(data.get("change")))
    elif kind == NodeType.REPOSITORY and data.get("url"):
        yield s, c["url"], t.typed(data["url"], XSD.anyURI)


def _paper(s: Any, data: dict[str, Any], t: Terms) -> Iterator[Triple]:
    c = t.c
    if data.get("published"):
        yield s, c["issued"], t.typed(data["published"], XSD.date)
    url = data.get("url")
    if url:
        yield s, c["url"], t.typed(url, XSD.anyURI)
        if url.startswith(ARXIV):
            arxiv_id = url[len(ARXIV) :]
            yield s, c["identifier"], t.text("arXiv:" + arxiv_id)
            yield s, c["seeAlso"], t.iri(ARXIV + quote(arxiv_id, safe="/.-"))
    authors = data.get("authors") or []
    if authors:  # an rdf:List keeps their order
        cells = [t.blank() for _ in authors]
        yield s, c["author"], cells[0]
        for i, (cell, author) in enumerate(zip(cells, authors, strict=True)):
            yield cell, c["first"], t.text(author)
            yield cell, c["rest"], cells[i + 1] if i + 1 < len(cells) else c["nil"]


def _edge(u: str, v: str, data: dict[str, Any], t: Terms) -> Iterator[Triple]:
    c = t.c
    prop = t.properties[str(data["type"])]
    s, o = t.iri(iri(u)), t.iri(iri(v))
    yield s, prop, o
    evidence = data.get("evidence") or []
    if not evidence:
        return
    statement = t.blank()
    yield statement, c["type"], c["Statement"]
    yield statement, c["subject"], s
    yield statement, c["predicate"], prop
    yield statement, c["object"], o
    for ev in evidence:
        e = t.blank()
        yield statement, c["evidence"], e
        yield e, c["type"], c["Evidence"]
        yield e, c["wasDerivedFrom"], s
        for key in ("mention", "sentence", "field"):
            if ev.get(key) is not None:
                yield e, c[key], t.text(ev[key])
        for key in ("start", "end", "sentence_start"):
            if ev.get(key) is not None:
                yield e, c[key], t.integer(ev[key])


# ---- a fast N-Triples writer: rdflib's serializers take minutes on a 10k-paper graph ----

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f\ud800-\udfff]')


def _escape(char: str) -> str:
    found = _ESCAPES.get(char)
    if found is not None:
        return found
    if "\ud800" <= char <= "\udfff":  # a lone surrogate cannot be written as UTF-8
        return "\\uFFFD"
    return f"\\u{ord(char):04X}"


def _escaped(text: str) -> str:
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    return _NEEDS_ESCAPE.sub(lambda m: _escape(m.group(0)), text)


def ntriples(g: AnyGraph) -> Iterator[str]:
    """The graph's RDF as N-Triples lines (also valid Turtle)."""
    for s, p, o in triples(g, NTerms()):
        yield f"{s} {p} {o} .\n"


def jsonld_context() -> dict[str, Any]:
    with open(DataPaths.packaged().jsonld_context, encoding="utf-8") as f:
        return json.load(f)["@context"]


TURTLE_HEADER = "".join(
    f"@prefix {p}: <{ns}> .\n"
    for p, ns in (("kg", KG), ("schema", SCHEMA), ("mls", MLS), ("skos", SKOS), ("dcterms", DCTERMS))
)


def serialize(g: nx.MultiDiGraph, fmt: str = "ttl", pretty: bool = False) -> bytes:
    """Bytes of the graph's RDF. N-Triples, and Turtle unless `pretty`, come from the fast
    writer (Turtle as prefixes plus N-Triples lines); JSON-LD and pretty Turtle from rdflib."""
    if fmt == "nt":
        return "".join(ntriples(g)).encode("utf-8")
    if fmt == "ttl" and not pretty:
        return (TURTLE_HEADER + "\n" + "".join(ntriples(g))).encode("utf-8")
    rdf = to_rdf(g)
    if fmt == "jsonld":
        return rdf.serialize(format="json-ld", context=jsonld_context(), encoding="utf-8")
    return rdf.serialize(format=FORMATS[fmt], encoding="utf-8")


def write_rdf(g: AnyGraph, path: Path, fmt: str = "ttl", pretty: bool = False) -> None:
    """Write the graph's RDF; N-Triples and plain Turtle stream, line by line."""
    if fmt == "nt" or (fmt == "ttl" and not pretty):
        with atomic_file(path) as f:
            if fmt == "ttl":
                f.write(TURTLE_HEADER + "\n")
            f.writelines(ntriples(g))
        return
    data = serialize(g, fmt, pretty)
    with atomic_file(path, "wb", encoding=None) as f:
        f.write(data)


# ---- back from RDF ----


def rdf_source(path: Path) -> Path:
    """The file `rdf_of` reads for `path`: a folder's graph.ttl, else its graph.json; a file itself."""
    path = Path(path)
    if path.is_dir():
        return path / "graph.ttl" if (path / "graph.ttl").exists() else path / "graph.json"
    return path


def rdf_of(path: Path) -> Graph:
    """The RDF of a build: a folder (its graph.ttl, else its graph.json), a graph.json, or an RDF
    file."""
    path = rdf_source(path)
    if path.suffix != ".json":
        return parse_rdf(path)
    from kg.graph import load

    return Graph().parse(data=serialize(load(path), "nt"), format="nt")


def parse_rdf(path: Path, fmt: str | None = None) -> Graph:
    rdf = Graph()
    fmt = fmt or SUFFIX_FORMAT.get(path.suffix.lower())
    if fmt is None:
        raise InputError(path, "unknown RDF syntax (use .ttl, .nt or .jsonld, or --format)")
    try:
        rdf.parse(path, format=fmt)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except Exception as e:  # rdflib raises many kinds; all mean the same to a user
        raise InputError(path, f"not valid {fmt}: {str(e).splitlines()[0][:200]}") from None
    return rdf


def read_rdf(rdf: Graph) -> nx.MultiDiGraph:
    """The graph that `to_rdf` wrote: same nodes, edges and attributes."""
    g = nx.MultiDiGraph()
    ids: dict[Any, str] = {s: str(o) for s, o in rdf.subject_objects(KG.nodeId)}
    types = {str(t) for t in NodeType}
    for s, node in ids.items():
        kind = next(
            (str(t)[len(str(KG)) :] for t in rdf.objects(s, RDF.type) if str(t)[len(str(KG)) :] in types),
            None,
        )
        if kind is None:
            continue
        g.add_node(node, **_node_data(rdf, s, kind))
    evidence = _evidence_by_edge(rdf, ids)
    for s, p, o in rdf:
        edge_type = EDGE_OF.get(p)  # type: ignore[call-overload]  # any term; most are not edges
        if edge_type is None or s not in ids or o not in ids:
            continue
        attrs: dict[str, Any] = {"type": edge_type}
        found = evidence.get((ids[s], edge_type, ids[o]))
        if found:
            attrs["mentions"] = sorted({ev["mention"] for ev in found})
            attrs["evidence"] = sorted(found, key=_evidence_order)
        g.add_edge(ids[s], ids[o], key=edge_type, **attrs)
    return g


def _literal(rdf: Graph, s: Any, prop: URIRef) -> Any:
    value = rdf.value(s, prop)
    return None if value is None else value.toPython()


def _node_data(rdf: Graph, s: Any, kind: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": kind,
        "name": str(rdf.value(s, SKOS.prefLabel) or ""),
        "aliases": sorted(str(a) for a in rdf.objects(s, SKOS.altLabel)),
    }
    if (s, KG.inVocabulary, None) in rdf:
        data["in_vocabulary"] = bool(_literal(rdf, s, KG.inVocabulary))
    for key, prop in LITERAL_FIELDS.get(kind, {}).items():
        data[key] = _literal(rdf, s, prop)
    if kind == NodeType.PAPER:
        issued = rdf.value(s, DCTERMS.issued)
        data["published"] = str(issued) if issued is not None else None
        url = rdf.value(s, SCHEMA.url)
        data["url"] = str(url) if url is not None else None
        head = rdf.value(s, SCHEMA.author)
        data["authors"] = [str(a) for a in Collection(rdf, head)] if head is not None else []
    elif kind == NodeType.RESULT:
        data["value"] = float(_literal(rdf, s, MLS.hasValue))
        data["change"] = bool(_literal(rdf, s, KG.change))
    elif kind == NodeType.REPOSITORY:
        url = rdf.value(s, SCHEMA.url)
        data["url"] = str(url) if url is not None else None
    return data


def _evidence_by_edge(rdf: Graph, ids: dict) -> dict[tuple[str, str, str], list[dict]]:
    out: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for statement in rdf.subjects(RDF.type, RDF.Statement):
        s, p, o = (rdf.value(statement, x) for x in (RDF.subject, RDF.predicate, RDF.object))
        if s not in ids or o not in ids or p not in EDGE_OF:
            continue
        assert isinstance(p, URIRef)
        for e in rdf.objects(statement, KG.evidence):
            ev: dict[str, Any] = {}
            for key in ("field", "start", "end", "mention", "sentence"):
                value = _literal(rdf, e, KG[key])
                if value is not None:
                    ev[key] = value
            sentence_start = _literal(rdf, e, KG.sentenceStart)
            if sentence_start is not None:
                ev["sentence_start"] = sentence_start
            out[(ids[s], EDGE_OF[p], ids[o])].append(ev)
    return out


def _evidence_order(ev: dict[str, Any]) -> tuple:
    return (ev.get("field") != "title", ev.get("start", 0), ev.get("end", 0), ev.get("mention", ""))


def push(g: nx.MultiDiGraph, endpoint: str, graph_iri: str | None = None, timeout: float = 60) -> int:
    """Replace a graph in a SPARQL 1.1 store with the Graph Store Protocol (HTTP PUT).

    `endpoint` is the store's Graph Store URL (Oxigraph: `http://host:7878/store`). Returns the
    number of bytes sent.
    """
    import urllib.error
    import urllib.parse
    import urllib.request

    from kg.errors import KgError

    target = f"graph={urllib.parse.quote(graph_iri, safe='')}" if graph_iri else "default"
    url = f"{endpoint}{'&' if '?' in endpoint else '?'}{target}"
    body = serialize(g, "nt")
    request = urllib.request.Request(
        url, data=body, method="PUT", headers={"Content-Type": "application/n-triples"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as e:
        detail = e.read().decode("utf-8", "replace").strip().splitlines()[:1]
        raise KgError(f"{endpoint}: the store refused the graph (HTTP {e.code}) {' '.join(detail)}") from None
    except (urllib.error.URLError, OSError) as e:
        raise KgError(f"{endpoint}: cannot reach the store ({getattr(e, 'reason', e)})") from None
    return len(body)
