"""A described, licensed, versioned release: one folder with every export and checksums.

The data licence is stated here once (:data:`LICENCE`) and written into the Turtle (the
dataset description of the curated graph), the KGX graph metadata, the SSSOM header and
the VoID/DCAT description. It is CC BY 4.0: the release holds only the project's own
curation (facts paraphrased from cited papers) and identifiers of other resources, and CC BY
4.0 is compatible with every source named in ``../shared/data/SOURCES.tsv`` that a derived
table could come from (CC0, CC BY, public domain); share-alike and non-commercial sources
are kept out of the default release.

``adcgraph release DIR`` writes ``DIR/adcgraph-<version>/`` with the RDF exports, KGX,
GraphML, SSSOM, the ontology and shapes, ``void.ttl`` (VoID + DCAT + PROV: triple counts per
graph and per class, sources and their licences), ``kgx_graph_metadata.json`` and
``SHA256SUMS``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from adcgraph import __version__, vocab
from adcgraph.errors import InputFileError

LICENCE = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = "CC BY 4.0"
DATASET = vocab.RESOURCE + "dataset"
TITLE = "adcgraph: resistance to antibody-drug conjugates, with evidence"
DESCRIPTION = (
    "Curated claims about mechanisms of resistance to antibody-drug conjugates, each with its "
    "citations, evidence type (ECO), disease context and curation status, with the ADCs, "
    "payloads, linkers, targets, strategies, trials and indications they involve."
)
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
PAV = "http://purl.org/pav/"
DATE = re.compile(r"\b(20\d\d-[01]\d-[0-3]\d)\b")


def _term(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _triple(subject: str, predicate: str, obj: ox.NamedNode | ox.Literal) -> ox.Triple:
    return ox.Triple(_term(subject), _term(predicate), obj)


def data_date(sources: Path) -> str:
    """The newest ISO date written in the curated sources (when the curation last changed).

    Deterministic, unlike a build clock: the committed Turtle changes only with its data.

    >>> from adcgraph.curated.build import SOURCES_DIR
    >>> len(data_date(SOURCES_DIR)) == 10
    True
    """
    dates = {
        match
        for path in sorted(sources.rglob("*.tsv"))
        for match in DATE.findall(path.read_text(encoding="utf-8"))
    }
    return max(dates) if dates else "1970-01-01"


def source_digest(sources: Path) -> str:
    """A digest of every curated source file (names and bytes): the build's identity."""
    digest = hashlib.sha256()
    for path in sorted(sources.rglob("*.tsv")):
        digest.update(path.relative_to(sources).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def provenance_triples(sources: Path) -> list[ox.Triple]:
    """The dataset description and PROV of the built graphs, for the curated graph.

    Licence, version, date of the curation; which source tables each graph was derived
    from and which build (identified by the sources' digest) generated it.

    >>> from adcgraph.curated.build import SOURCES_DIR
    >>> triples = provenance_triples(SOURCES_DIR)
    >>> any(t.predicate.value.endswith("license") and t.object.value == LICENCE
    ...     for t in triples)
    True
    """
    rdf_type, prov = vocab.RDF + "type", vocab.PROV
    build = f"{vocab.RESOURCE}build/{source_digest(sources)}"
    software = f"{vocab.RESOURCE}software/adcgraph-{__version__}"
    triples = [
        _triple(DATASET, rdf_type, _term(DCAT + "Dataset")),
        _triple(DATASET, rdf_type, _term(VOID + "Dataset")),
        _triple(DATASET, rdf_type, _term(prov + "Entity")),
        _triple(DATASET, vocab.DCTERMS + "title", ox.Literal(TITLE)),
        _triple(DATASET, vocab.DCTERMS + "description", ox.Literal(DESCRIPTION)),
        _triple(DATASET, vocab.DCTERMS + "license", _term(LICENCE)),
        _triple(DATASET, PAV + "version", ox.Literal(__version__)),
        _triple(DATASET, vocab.OWL + "versionInfo", ox.Literal(__version__)),
        _triple(
            DATASET,
            vocab.DCTERMS + "modified",
            ox.Literal(data_date(sources), datatype=_term(vocab.XSD + "date")),
        ),
        _triple(DATASET, prov + "wasGeneratedBy", _term(build)),
        _triple(build, rdf_type, _term(prov + "Activity")),
        _triple(build, vocab.RDFS + "label", ox.Literal("adcgraph build")),
        _triple(build, prov + "wasAssociatedWith", _term(software)),
        _triple(software, rdf_type, _term(prov + "SoftwareAgent")),
        _triple(software, vocab.RDFS + "label", ox.Literal(f"adcgraph {__version__}")),
    ]
    for graph in (vocab.CURATED_GRAPH, vocab.INFERRED_GRAPH):
        triples += [
            _triple(DATASET, vocab.DCTERMS + "hasPart", _term(graph)),
            _triple(graph, rdf_type, _term(prov + "Entity")),
            _triple(graph, prov + "wasGeneratedBy", _term(build)),
            _triple(graph, vocab.DCTERMS + "license", _term(LICENCE)),
        ]
    triples.append(
        _triple(vocab.INFERRED_GRAPH, prov + "wasDerivedFrom", _term(vocab.CURATED_GRAPH))
    )
    triples.append(
        _triple(vocab.INFERRED_GRAPH, prov + "wasDerivedFrom", _term(vocab.ONTOLOGY_GRAPH))
    )
    for path in sorted(sources.rglob("*.tsv")):
        table = f"{vocab.RESOURCE}source/{path.relative_to(sources).as_posix()}"
        triples += [
            _triple(table, rdf_type, _term(prov + "Entity")),
            _triple(build, prov + "used", _term(table)),
            _triple(vocab.CURATED_GRAPH, prov + "wasDerivedFrom", _term(table)),
        ]
    return triples


def dataset_version(backend) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(version, date of the curation) that the store's dataset description states."""
    query = (
        f"SELECT ?version ?date WHERE {{ <{DATASET}> <{PAV}version> ?version ; "
        f"<{vocab.DCTERMS}modified> ?date }}"
    )
    for row in backend.query(query):
        return row["version"].value, row["date"].value
    return __version__, dt.date.today().isoformat()


@dataclass(frozen=True)
class Counts:
    """Statements per named graph and entities per class, for VoID."""

    per_graph: dict[str, int]
    per_class: dict[str, int]
    triples: int
    namespaces: frozenset[str] = frozenset()


def count(quads: Iterable[ox.Quad]) -> Counts:
    """Count statements per graph and distinct typed entities per class.

    >>> q = ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode(vocab.RDF + "type"),
    ...             ox.NamedNode("http://x/C"), ox.NamedNode("http://x/g"))
    >>> count([q]).per_class
    {'http://x/C': 1}
    """
    per_graph: dict[str, int] = {}
    members: dict[str, set[str]] = {}
    triples: set[tuple[str, str, str]] = set()
    for quad in quads:
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        per_graph[graph] = per_graph.get(graph, 0) + 1
        triples.add((str(quad.subject), str(quad.predicate), str(quad.object)))
        if quad.predicate.value == vocab.RDF + "type" and isinstance(quad.object, ox.NamedNode):
            members.setdefault(quad.object.value, set()).add(str(quad.subject))
    per_class = {c: len(m) for c, m in sorted(members.items())}
    namespaces = frozenset(
        uri_prefix
        for iri in {t for triple in triples for t in triple if t.startswith("<")}
        if (uri_prefix := _uri_prefix(iri[1:-1]))
    )
    return Counts(dict(sorted(per_graph.items())), per_class, len(triples), namespaces)


def _uri_prefix(iri: str) -> str | None:
    curie = vocab.compress(iri)
    if curie == iri or ":" not in curie:
        return None
    return vocab.sparql_prefixes()[curie.split(":", 1)[0]]


def void_triples(counts: Counts, issued: str, files: Iterable[str]) -> Iterator[ox.Triple]:
    """VoID + DCAT description: counts per graph and per class, files, sources, licences."""
    rdf_type = vocab.RDF + "type"
    yield _triple(DATASET, rdf_type, _term(VOID + "Dataset"))
    yield _triple(DATASET, rdf_type, _term(DCAT + "Dataset"))
    yield _triple(DATASET, vocab.DCTERMS + "title", ox.Literal(TITLE))
    yield _triple(DATASET, vocab.DCTERMS + "license", _term(LICENCE))
    yield _triple(DATASET, PAV + "version", ox.Literal(__version__))
    yield _triple(
        DATASET, vocab.DCTERMS + "issued", ox.Literal(issued, datatype=_term(vocab.XSD + "date"))
    )
    yield _triple(DATASET, VOID + "triples", _integer(counts.triples))
    yield _triple(DATASET, VOID + "uriSpace", ox.Literal(vocab.RESOURCE))
    for graph, number in counts.per_graph.items():
        if not graph:
            continue
        yield _triple(DATASET, VOID + "subset", _term(graph))
        yield _triple(graph, rdf_type, _term(VOID + "Dataset"))
        yield _triple(graph, VOID + "triples", _integer(number))
    for number, (class_iri, entities) in enumerate(counts.per_class.items()):
        partition = f"{DATASET}/class-partition/{number}"
        yield _triple(DATASET, VOID + "classPartition", _term(partition))
        yield _triple(partition, VOID + "class", _term(class_iri))
        yield _triple(partition, VOID + "entities", _integer(entities))
    for name in files:
        distribution = f"{DATASET}/distribution/{name}"
        yield _triple(DATASET, DCAT + "distribution", _term(distribution))
        yield _triple(distribution, rdf_type, _term(DCAT + "Distribution"))
        yield _triple(distribution, vocab.DCTERMS + "title", ox.Literal(name))
        yield _triple(distribution, vocab.DCTERMS + "license", _term(LICENCE))
    curation = f"{vocab.RESOURCE}source/curation"
    yield _triple(DATASET, vocab.DCTERMS + "source", _term(curation))
    yield _triple(
        curation, vocab.RDFS + "label", ox.Literal("adcgraph curated tables (graph/sources)")
    )
    yield _triple(curation, vocab.DCTERMS + "license", _term(LICENCE))
    for prefix, uri_prefix, licence in referenced_schemes(counts.namespaces):
        scheme = f"{vocab.RESOURCE}source/scheme/{prefix}"
        yield _triple(DATASET, VOID + "vocabulary", _term(uri_prefix))
        yield _triple(DATASET, vocab.DCTERMS + "references", _term(scheme))
        yield _triple(scheme, vocab.RDFS + "label", ox.Literal(f"{prefix} (identifiers only)"))
        yield _triple(scheme, VOID + "uriSpace", ox.Literal(uri_prefix))
        if licence:
            yield _triple(scheme, vocab.DCTERMS + "license", ox.Literal(licence))


def referenced_schemes(namespaces: Iterable[str]) -> list[tuple[str, str, str | None]]:
    """(prefix, URI prefix, licence per the Bioregistry) of identifier schemes the data uses.

    >>> referenced_schemes(["http://purl.obolibrary.org/obo/MONDO_"])
    [('MONDO', 'http://purl.obolibrary.org/obo/MONDO_', 'CC-BY-4.0')]
    """
    used = set(namespaces)
    return [
        (str(r["prefix"]), str(r["uri_prefix"]), r.get("license"))  # type: ignore[misc]
        for r in vocab.prefix_records()
        if r["uri_prefix"] in used and r["prefix"] not in vocab.LOCAL_PREFIXES
    ]


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_term(vocab.XSD + "integer"))


def kgx_graph_metadata(nodes: Path, edges: Path, issued: str) -> dict[str, object]:
    """KGX graph metadata (``kgx graph-summary`` style): counts per category and predicate."""
    categories: dict[str, int] = {}
    predicates: dict[str, int] = {}
    for path, column, table in ((nodes, "category", categories), (edges, "predicate", predicates)):
        with path.open(encoding="utf-8") as stream:
            header = stream.readline().rstrip("\n").split("\t")
            position = header.index(column)
            for line in stream:
                value = line.rstrip("\n").split("\t")[position]
                table[value] = table.get(value, 0) + 1
    return {
        "name": "adcgraph",
        "version": __version__,
        "date": issued,
        "license": LICENCE,
        "knowledge_source": "infores:adcgraph",
        "node_count": sum(categories.values()),
        "edge_count": sum(predicates.values()),
        "node_categories": dict(sorted(categories.items())),
        "edge_predicates": dict(sorted(predicates.items())),
    }


def write_checksums(folder: Path) -> Path:
    """``SHA256SUMS`` for every file of the folder (``sha256sum -c`` reads it)."""
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"
        for path in sorted(folder.iterdir())
        if path.is_file() and path.name != "SHA256SUMS"
    ]
    target = folder / "SHA256SUMS"
    target.write_text("".join(lines), encoding="utf-8")
    return target


def write_release(store_path: Path, directory: Path, issued: str | None = None) -> Path:
    """Write ``directory/adcgraph-<version>/`` with every export, VoID and checksums.

    The folder is assembled beside its destination and renamed into place, so a reader
    never sees half a release; an existing release of the same version is refused.

    >>> write_release(default_store_path(), Path("dist"))  # doctest: +SKIP
    PosixPath('dist/adcgraph-0.1.0')
    """
    from adcgraph.align.crosswalk import export_sssom
    from adcgraph.curated.ontology import ONTOLOGY_FILE, SHAPES_FILE
    from adcgraph.export import exported_quads, serialize_quads
    from adcgraph.export.graphml import graphml_bytes
    from adcgraph.export.kgx import read_alignment, write_kgx
    from adcgraph.graphdata import read_graph_data
    from adcgraph.storage import store

    issued = issued or dt.date.today().isoformat()
    target = directory / f"adcgraph-{__version__}"
    if target.exists():
        raise InputFileError(f"{target}: a release of version {__version__} is already there")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=directory))
    except OSError as error:
        raise InputFileError(f"{directory}: cannot write here: {error.strerror}") from None
    try:
        quads = exported_quads(store.open_store(store_path))
        for fmt, name in (
            ("turtle", "adcgraph.ttl"),
            ("ntriples", "adcgraph.nt"),
            ("nquads", "adcgraph.nq"),
            ("jsonld", "adcgraph.jsonld"),
        ):
            (work / name).write_bytes(serialize_quads(quads, fmt))
        backend = store.open_backend(store_path)
        data = read_graph_data(store_path, scope="export")
        nodes, edges = write_kgx(data, backend, work / "adcgraph")
        (work / "adcgraph.graphml").write_bytes(graphml_bytes(data, read_alignment(backend)))
        export_sssom(backend, work / "adcgraph.sssom.tsv")
        shutil.copyfile(ONTOLOGY_FILE, work / "adcgraph-ontology.ttl")
        shutil.copyfile(SHAPES_FILE, work / "adcgraph-shapes.ttl")
        metadata = kgx_graph_metadata(nodes, edges, issued)
        (work / "kgx_graph_metadata.json").write_text(
            json.dumps(metadata, indent=1) + "\n", encoding="utf-8"
        )
        files = [*sorted(p.name for p in work.iterdir()), "void.ttl"]
        from adcgraph.export import deterministic_turtle, release_prefixes

        void = deterministic_turtle(
            set(void_triples(count(quads), issued, files)), release_prefixes()
        )
        (work / "void.ttl").write_text(void, encoding="utf-8")
        (work / "LICENSE").write_text(
            f"adcgraph data release {__version__}: {LICENCE_NAME} ({LICENCE}).\n"
            "Cite adcgraph and the papers each claim cites. Code: MIT.\n",
            encoding="utf-8",
        )
        write_checksums(work)
        for path in work.iterdir():
            path.chmod(0o644)
        work.chmod(0o755)
        work.rename(target)
    finally:
        if work.exists():
            shutil.rmtree(work)
    return target
