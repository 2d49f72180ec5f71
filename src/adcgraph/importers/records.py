"""Normalised records of the external drug, target, indication and gene-set releases.

Every external importer (Open Targets, DrugCentral, Reactome, MSigDB, WikiPathways, GO,
FamPlex) reads its files into the same few record types; one function turns records into
RDF (:func:`layer_triples`), used both by `adcgraph import` (into ``graph/import/<name>``)
and by `adcgraph build` for the shipped reference layer (``graph/reference/<source>``), and
one pair of functions writes and reads them as the compact TSV files of
``graph/reference/``. The relation -> predicate mapping comes from ``predicate_map.yaml``.

Every imported edge keeps its source record: a node ``adcgraph:record/<source>/<digest>``
typed ``adco:SourceRecord`` with ``rdf:subject/predicate/object``, the citations of the
source row (``dcterms:source``: PubMed ids, trial ids) and its qualifiers (action type,
maximum phase), so `combos` can cite the ChEMBL mechanism reference or the trials.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import yaml

from adcgraph import vocab
from adcgraph.errors import AdcGraphError, InputFileError

PREDICATE_MAP_FILE = Path(__file__).with_name("predicate_map.yaml")
DCTERMS_TITLE = ox.NamedNode(vocab.DCTERMS + "title")
RDF_TYPE = ox.NamedNode(vocab.RDF + "type")
RDFS_LABEL = ox.NamedNode(vocab.RDFS + "label")
SKOS_EXACT = ox.NamedNode(vocab.SKOS + "exactMatch")
SOURCE = ox.NamedNode(vocab.DCTERMS + "source")


def adco(local: str) -> ox.NamedNode:
    """An ontology term.

    >>> adco("inhibits").value
    'https://w3id.org/adcgraph/ontology#inhibits'
    """
    return ox.NamedNode(vocab.ONTOLOGY + local)


@cache
def predicate_map() -> dict[str, dict[str, dict[str, str]]]:
    """The parsed ``predicate_map.yaml``: predicates, classes and extra URI prefixes.

    >>> predicate_map()["predicates"]["opentargets"]["INHIBITOR"]
    'inhibits'
    """
    return yaml.safe_load(PREDICATE_MAP_FILE.read_text(encoding="utf-8"))


def mapped_predicate(source: str, relation: str) -> str | None:
    """The ontology predicate a source's relation maps to, or None when unmapped.

    >>> mapped_predicate("famplex", "isa"), mapped_predicate("opentargets", "NOPE")
    ('memberOf', None)
    """
    return predicate_map()["predicates"].get(source, {}).get(relation)


def mapped_class(source: str, kind: str) -> str | None:
    """The ontology class a source's node kind maps to, or None.

    >>> mapped_class("biolink", "biolink:Pathway")
    'Pathway'
    """
    return predicate_map()["classes"].get(source, {}).get(kind)


def expand(curie: str) -> str:
    """A CURIE's IRI: the project prefix map first, then the map's extra prefixes.

    >>> expand("REACT:R-HSA-73894")
    'https://reactome.org/content/detail/R-HSA-73894'
    >>> expand("HGNC:5")
    'http://identifiers.org/hgnc/5'
    """
    try:
        return vocab.expand(curie)
    except AdcGraphError:
        prefix, _, local = curie.partition(":")
        extra = predicate_map()["prefixes"].get(prefix)
        if extra is None:
            raise
        return extra + local


def compress(iri: str) -> str:
    """A CURIE for an IRI, knowing the map's extra prefixes too.

    >>> compress("https://reactome.org/content/detail/R-HSA-73894")
    'REACT:R-HSA-73894'
    """
    curie = vocab.compress(iri)
    if curie != iri:
        return curie
    for prefix, uri in predicate_map()["prefixes"].items():
        if iri.startswith(uri):
            return f"{prefix}:{iri[len(uri) :]}"
    return iri


@dataclass(frozen=True)
class SourceInfo:
    """Provenance of one release: shown by `adcgraph stats` as graph metadata."""

    name: str
    title: str
    release: str
    date: str
    licence: str
    url: str

    def triples(self, graph: str) -> list[ox.Triple]:
        node = ox.NamedNode(graph)
        values = {
            DCTERMS_TITLE: ox.Literal(self.title),
            ox.NamedNode(vocab.DCTERMS + "hasVersion"): ox.Literal(self.release),
            ox.NamedNode(vocab.DCTERMS + "issued"): ox.Literal(self.date),
            ox.NamedNode(vocab.DCTERMS + "license"): ox.NamedNode(self.licence),
            SOURCE: ox.NamedNode(self.url),
        }
        return [ox.Triple(node, RDF_TYPE, adco("SourceRelease"))] + [
            ox.Triple(node, predicate, value) for predicate, value in values.items()
        ]


@dataclass(frozen=True)
class Node:
    """A drug, gene set, family or disease with its class, label and cross-references."""

    id: str
    kind: str
    label: str
    xrefs: tuple[str, ...] = ()
    #: Drug type, maximum phase and approval as the source gives them (drugs only).
    detail: str = ""


@dataclass(frozen=True)
class Edge:
    """One source row as an edge: subject, ontology predicate, object, qualifiers, citations."""

    subject: str
    predicate: str
    object: str
    qualifier: str = ""
    citations: tuple[str, ...] = ()


@dataclass
class Layer:
    """What one importer read: nodes, edges and what it could not map (counted, not dropped)."""

    info: SourceInfo
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    unmapped: dict[str, int] = field(default_factory=dict)
    unmapped_examples: dict[str, list[str]] = field(default_factory=dict)

    def miss(self, what: str, value: str) -> None:
        """Count one identifier or relation that could not be mapped."""
        self.unmapped[what] = self.unmapped.get(what, 0) + 1
        examples = self.unmapped_examples.setdefault(what, [])
        if len(examples) < 3 and value not in examples:
            examples.append(value)

    def add_node(self, node: Node) -> None:
        self.nodes.setdefault(node.id, node)

    def summary(self) -> str:
        """One line: counts of nodes, edges and unmapped identifiers.

        >>> layer = Layer(SourceInfo("x", "X", "1", "2022", "https://l", "https://u"))
        >>> layer.miss("gene", "ENSG1")
        >>> layer.summary()
        'x 1: 0 nodes, 0 edges; unmapped: gene 1 (e.g. ENSG1)'
        """
        text = f"{self.info.name} {self.info.release}: {len(self.nodes)} nodes, "
        text += f"{len(self.edges)} edges"
        if self.unmapped:
            parts = [
                f"{what} {count} (e.g. {', '.join(self.unmapped_examples[what])})"
                for what, count in sorted(self.unmapped.items())
            ]
            text += "; unmapped: " + "; ".join(parts)
        return text


def record_iri(source: str, edge: Edge) -> str:
    """The deterministic IRI of an edge's source record.

    >>> record_iri("x", Edge("DRUGBANK:DB1", "inhibits", "HGNC:5")).startswith(vocab.RESOURCE)
    True
    """
    digest = hashlib.sha1(
        f"{edge.subject} {edge.predicate} {edge.object} {edge.qualifier}".encode()
    ).hexdigest()[:16]
    return f"{vocab.RESOURCE}record/{source}/{digest}"


#: ``max phase N`` of a drug node's detail, as a concept of the phases list.
_PHASE_CONCEPTS = {"1": "Phase1", "2": "Phase2", "3": "Phase3", "4": "Phase4"}


def highest_phase(detail: str) -> str | None:
    """The phase concept (local name) a drug node's ``detail`` gives, or None.

    The detail is written by the importer as ``<drug type>; max phase N[; approved]``.

    >>> highest_phase("Small molecule; max phase 4; approved")
    'Approved'
    >>> highest_phase("Protein; max phase 2")
    'Phase2'
    >>> highest_phase("") is None
    True
    """
    if detail.endswith("; approved"):
        return "Approved"
    found = re.search(r"; max phase (\d)\b", detail)
    return _PHASE_CONCEPTS.get(found.group(1)) if found else None


def layer_triples(layer: Layer, graph: str) -> Iterator[ox.Triple]:
    """The RDF of a layer: metadata, typed labelled nodes, edges and their source records."""
    yield from layer.info.triples(graph)
    terms: dict[str, ox.NamedNode] = {}

    def term(curie: str) -> ox.NamedNode:
        node = terms.get(curie)
        if node is None:
            node = terms[curie] = ox.NamedNode(expand(curie))
        return node

    for node in layer.nodes.values():
        subject = term(node.id)
        yield ox.Triple(subject, RDF_TYPE, adco(node.kind))
        if node.label:
            yield ox.Triple(subject, RDFS_LABEL, ox.Literal(node.label))
        for xref in node.xrefs:
            yield ox.Triple(subject, SKOS_EXACT, term(xref))
        phase = highest_phase(node.detail)
        if phase:
            yield ox.Triple(subject, adco("highestPhase"), adco(phase))
    for edge in layer.edges:
        predicate = (
            ox.NamedNode(expand(edge.predicate)) if ":" in edge.predicate else adco(edge.predicate)
        )
        subject, obj = term(edge.subject), term(edge.object)
        yield ox.Triple(subject, predicate, obj)
        if not (edge.qualifier or edge.citations):
            continue
        record = ox.NamedNode(record_iri(layer.info.name, edge))
        yield ox.Triple(record, RDF_TYPE, adco("SourceRecord"))
        yield ox.Triple(record, ox.NamedNode(vocab.RDF + "subject"), subject)
        yield ox.Triple(record, ox.NamedNode(vocab.RDF + "predicate"), predicate)
        yield ox.Triple(record, ox.NamedNode(vocab.RDF + "object"), obj)
        if edge.qualifier:
            yield ox.Triple(record, adco("sourceQualifier"), ox.Literal(edge.qualifier))
        for citation in edge.citations:
            yield ox.Triple(record, SOURCE, term(citation))


# --- the compact TSV form of graph/reference/ -------------------------------------------

NODE_HEADER = ("id", "kind", "label", "xrefs", "detail")
EDGE_HEADER = ("subject", "predicate", "object", "qualifier", "citations")
INFO_HEADER = ("name", "title", "release", "date", "licence", "url")


def write_layer(layer: Layer, directory: Path) -> list[Path]:
    """Write a layer as ``<name>.nodes.tsv``, ``<name>.edges.tsv`` and ``<name>.source.tsv``.

    Rows are sorted, so a rebuild from the same releases gives the same bytes.
    """
    directory.mkdir(parents=True, exist_ok=True)
    name = layer.info.name
    files = {
        directory / f"{name}.source.tsv": (
            INFO_HEADER,
            [[getattr(layer.info, column) for column in INFO_HEADER]],
        ),
        directory / f"{name}.nodes.tsv": (
            NODE_HEADER,
            sorted(
                [n.id, n.kind, n.label, "|".join(n.xrefs), n.detail] for n in layer.nodes.values()
            ),
        ),
        directory / f"{name}.edges.tsv": (
            EDGE_HEADER,
            sorted(
                {
                    (e.subject, e.predicate, e.object, e.qualifier, "|".join(e.citations))
                    for e in layer.edges
                }
            ),
        ),
    }
    for path, (header, rows) in files.items():
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, delimiter="\t", lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        partial.replace(path)
    return sorted(files)


def read_layer(directory: Path, name: str) -> Layer:
    """Read one layer written by :func:`write_layer`; a bad row names file, line and column."""
    info_rows = list(_tsv_rows(directory / f"{name}.source.tsv", INFO_HEADER))
    if len(info_rows) != 1:
        raise InputFileError(f"{directory / (name + '.source.tsv')}: expected exactly one row")
    layer = Layer(SourceInfo(*info_rows[0][1]))
    for _, row in _tsv_rows(directory / f"{name}.nodes.tsv", NODE_HEADER):
        layer.add_node(Node(row[0], row[1], row[2], _split(row[3]), row[4]))
    for _, row in _tsv_rows(directory / f"{name}.edges.tsv", EDGE_HEADER):
        layer.edges.append(Edge(row[0], row[1], row[2], row[3], _split(row[4])))
    return layer


def layer_names(directory: Path) -> list[str]:
    """The layers present in a reference directory, by name."""
    return sorted(p.name.removesuffix(".source.tsv") for p in directory.glob("*.source.tsv"))


def _split(text: str) -> tuple[str, ...]:
    return tuple(v for v in text.split("|") if v)


def _tsv_rows(path: Path, header: tuple[str, ...]) -> Iterable[tuple[int, list[str]]]:
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream, delimiter="\t", quoting=csv.QUOTE_NONE)
        first = next(reader, None)
        if tuple(first or ()) != header:
            raise InputFileError(f"{path}:1: header {first!r}; expected {list(header)!r}")
        for line, row in enumerate(reader, start=2):
            if len(row) != len(header):
                raise InputFileError(
                    f"{path}:{line}: {len(row)} columns; expected {len(header)} "
                    f"({', '.join(header)})"
                )
            yield line, row
