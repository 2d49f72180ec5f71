"""Write the graph for other tools: deterministic Turtle, N-Triples, N-Quads, JSON-LD.

KGX is in :mod:`adcgraph.export.kgx`, GraphML in :mod:`adcgraph.export.graphml` and the
versioned release folder in :mod:`adcgraph.export.release`.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.errors import InputFileError
from adcgraph.storage import atomicfile

EXPORT_FORMATS = ("turtle", "ntriples", "nquads", "jsonld")
SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
RDF_TYPE = vocab.RDF + "type"


def release_prefixes(iri_style: str = "biolink") -> dict[str, str]:
    """Prefixes offered to Turtle and JSON-LD writers: the project's map in an IRI style.

    >>> release_prefixes()["HGNC"], release_prefixes("identifiers.org")["HGNC"]
    ('http://identifiers.org/hgnc/', 'https://identifiers.org/hgnc:')
    """
    if iri_style == vocab.IRI_STYLES[0]:
        return {str(r["prefix"]): str(r["uri_prefix"]) for r in vocab.prefix_records()}
    return {str(r["prefix"]): str(r["styles"][iri_style]) for r in vocab.prefix_records()}  # type: ignore[index]


def styled_quads(quads: Iterable[ox.Quad], iri_style: str) -> list[ox.Quad]:
    """The quads with every IRI rewritten to an export style (``export --iri-style``).

    >>> q = ox.Quad(ox.NamedNode("http://id.nlm.nih.gov/mesh/D064726"),
    ...             ox.NamedNode("http://x/p"), ox.Literal("TNBC"))
    >>> styled_quads([q], "obo")[0].subject.value
    'http://purl.obolibrary.org/obo/MESH_D064726'
    """
    if iri_style == vocab.IRI_STYLES[0]:
        return list(quads)
    cache: dict[str, ox.NamedNode] = {}

    def term(node):  # type: ignore[no-untyped-def]
        if not isinstance(node, ox.NamedNode):
            return node
        if node.value not in cache:
            cache[node.value] = ox.NamedNode(vocab.styled_iri(node.value, iri_style))
        return cache[node.value]

    return [
        ox.Quad(term(q.subject), term(q.predicate), term(q.object), q.graph_name) for q in quads
    ]


def deterministic_turtle(
    triples: Iterable[ox.Triple], prefixes: Mapping[str, str], header: str = ""
) -> str:
    """Serialise triples as Turtle whose bytes depend only on the set of triples.

    Subjects, predicates (``rdf:type`` first) and objects are sorted; only the prefixes used
    are declared; IRIs whose local part is not a safe prefixed name are written in full.

    >>> t = ox.Triple(ox.NamedNode("http://purl.obolibrary.org/obo/MONDO_0005494"),
    ...               ox.NamedNode(vocab.RDFS + "label"), ox.Literal("TNBC"))
    >>> print(deterministic_turtle([t], {"MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    ...                                  "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}))
    @prefix MONDO: <http://purl.obolibrary.org/obo/MONDO_> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    <BLANKLINE>
    MONDO:0005494 rdfs:label "TNBC" .
    <BLANKLINE>
    """
    namespaces = sorted(prefixes.items(), key=lambda item: -len(item[1]))
    used: set[str] = set()

    def name(node: ox.NamedNode) -> str:
        for prefix, namespace in namespaces:
            if node.value.startswith(namespace):
                local = node.value[len(namespace) :]
                if SAFE_LOCAL.match(local):
                    used.add(prefix)
                    return f"{prefix}:{local}"
        return str(node)

    def term(node: ox.NamedNode | ox.Literal | ox.BlankNode) -> str:
        if isinstance(node, ox.NamedNode):
            return name(node)
        if isinstance(node, ox.Literal) and node.datatype.value not in (
            vocab.XSD + "string",
            vocab.RDF + "langString",
        ):
            return f"{ox.Literal(node.value)}^^{name(node.datatype)}"
        return str(node)

    by_subject: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for triple in triples:
        predicate = "a" if triple.predicate.value == RDF_TYPE else name(triple.predicate)
        by_subject[term(triple.subject)][predicate].add(term(triple.object))
    blocks = []
    for subject in sorted(by_subject):
        predicates = by_subject[subject]
        ordered = sorted(predicates, key=lambda p: (p != "a", p))
        lines = [f"    {p} {' , '.join(sorted(predicates[p]))}" for p in ordered]
        body = " ;\n".join(lines).lstrip()
        blocks.append(f"{subject} {body} .\n" if len(lines) == 1 else f"{subject}\n    {body} .\n")
    declarations = "".join(f"@prefix {p}: <{prefixes[p]}> .\n" for p in sorted(used))
    return header + declarations + "\n" + "\n".join(blocks)


STDOUT = Path("-")


def write_output(path: Path, data: bytes) -> None:
    """Write to ``path`` atomically, or to standard output when ``path`` is ``-``."""
    if path == STDOUT:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_atomically(path, data)


def write_atomically(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` through a temporary file and a rename, never half a file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomicfile.write_bytes(path, data)
    except OSError as error:
        raise InputFileError(f"{path}: cannot write: {error.strerror}") from None


def exported_quads(
    graph_store: ox.Store, *, include_ontology: bool = False, include_reference: bool = False
) -> list[ox.Quad]:
    """The quads an RDF export writes: the curated, inferred and imported graphs.

    The ontology graph and the reference layer are left out unless asked for: the reference
    layer is a copy of other releases (Open Targets, Reactome ...) with their own licences
    and metadata, which a re-export would credit to adcgraph.

    >>> from adcgraph import vocab
    >>> store = ox.Store()
    >>> for graph in (vocab.CURATED_GRAPH, vocab.REFERENCE_GRAPH_PREFIX + "reactome"):
    ...     store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"),
    ...                       ox.NamedNode("http://x/b"), ox.NamedNode(graph)))
    >>> len(exported_quads(store)), len(exported_quads(store, include_reference=True))
    (1, 2)
    """
    quads = []
    for quad in graph_store.quads_for_pattern(None, None, None, None):
        graph = str(quad.graph_name.value)
        if graph == vocab.ONTOLOGY_GRAPH and not include_ontology:
            continue
        if graph.startswith(vocab.REFERENCE_GRAPH_PREFIX) and not include_reference:
            continue
        quads.append(quad)
    return quads


def serialize_quads(quads: Iterable[ox.Quad], fmt: str, iri_style: str = "biolink") -> bytes:
    """Serialise the store's quads: Turtle (deterministic), N-Triples (sorted), N-Quads,
    JSON-LD (compacted with an ``@context`` of the prefixes used), IRIs in ``iri_style``.

    >>> q = ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/b"), ox.Literal("c"),
    ...             ox.NamedNode("http://x/g"))
    >>> serialize_quads([q], "nquads")
    b'<http://x/a> <http://x/b> "c" <http://x/g> .\\n'
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(
            f"unknown export format {fmt!r}; expected one of {', '.join(EXPORT_FORMATS)}"
        )
    quads = styled_quads(quads, iri_style)
    if fmt == "turtle":
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads}
        return deterministic_turtle(triples, release_prefixes(iri_style)).encode("utf-8")
    if fmt == "ntriples":
        lines = sorted({f"{q.subject} {q.predicate} {q.object} .\n" for q in quads})
        return "".join(lines).encode("utf-8")
    if fmt == "nquads":
        lines = sorted({f"{q} .\n" for q in quads})
        return "".join(lines).encode("utf-8")
    return compact_jsonld(quads, release_prefixes(iri_style))


def compact_jsonld(quads: Iterable[ox.Quad], prefixes: Mapping[str, str]) -> bytes:
    """JSON-LD compacted with an ``@context`` holding the prefixes the triples use.

    >>> q = ox.Quad(ox.NamedNode("http://identifiers.org/hgnc/3430"),
    ...             ox.NamedNode(vocab.RDFS + "label"), ox.Literal("ERBB2"))
    >>> print(compact_jsonld([q], {"HGNC": "http://identifiers.org/hgnc/",
    ...                            "rdfs": vocab.RDFS}).decode())
    {
      "@context": {
        "HGNC": "http://identifiers.org/hgnc/",
        "rdfs": "http://www.w3.org/2000/01/rdf-schema#"
      },
      "@id": "HGNC:3430",
      "rdfs:label": "ERBB2"
    }
    <BLANKLINE>
    """
    import rdflib

    triples = sorted({f"{q.subject} {q.predicate} {q.object} .\n" for q in quads})
    graph = rdflib.Graph().parse(data="".join(triples), format="nt")
    iris = {str(t) for triple in graph for t in triple if isinstance(t, rdflib.URIRef)}
    context = {
        prefix: namespace
        for prefix, namespace in sorted(prefixes.items())
        if any(iri.startswith(namespace) for iri in iris)
    }
    text = graph.serialize(format="json-ld", context=context, auto_compact=True, indent=2)
    # JSON-LD 1.1 expands a compact IRI only with a prefix ending in a gen-delim character.
    usable = [item for item in context.items() if item[1][-1] in "/#:?"]
    document = _compact_ids(json.loads(text), sorted(usable, key=lambda item: -len(item[1])))
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _compact_ids(node: object, prefixes: list[tuple[str, str]]) -> object:
    """Write ``@id`` values as CURIEs of the context where the local part is safe."""
    if isinstance(node, list):
        return [_compact_ids(item, prefixes) for item in node]
    if not isinstance(node, dict):
        return node
    compacted = {}
    for key, value in node.items():
        if key == "@id" and isinstance(value, str):
            for prefix, namespace in prefixes:
                local = value[len(namespace) :]
                if value.startswith(namespace) and SAFE_LOCAL.match(local):
                    value = f"{prefix}:{local}"
                    break
            compacted[key] = value
        elif key == "@context":
            compacted[key] = value
        else:
            compacted[key] = _compact_ids(value, prefixes)
    return compacted
