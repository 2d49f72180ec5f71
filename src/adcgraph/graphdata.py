"""Read the store's typed nodes, edges and claim evidence into plain records (no graph library).

Both the networkx projection (:mod:`adcgraph.paths`) and the sparse matrices
(:mod:`adcgraph.combos`) are built from these records, which are cached on disk per store
version so that a warm command does not re-read the store.
"""

from __future__ import annotations

import hashlib
import pickle
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.errors import StoreError
from adcgraph.storage import store
from adcgraph.storage.publish import cache_directory

CACHE_FORMAT = 5
T = TypeVar("T")

#: Node types of the path analysis, from the ontology class of each node. Mechanism
#: categories and strategy types are added from the ontology by :func:`node_types`.
BASE_NODE_TYPES: dict[str, str] = {
    "ADC": "ADC",
    "SmallMoleculeDrug": "Drug",
    "AntibodyDrug": "Drug",
    "Drug": "Drug",
    "Gene": "Gene",
    "Variant": "Variant",
    "Disease": "Disease",
    "PayloadClass": "PayloadClass",
    "Payload": "Payload",
    "Antibody": "Antibody",
    "Linker": "Linker",
    "ClinicalTrial": "ClinicalTrial",
    "ResistanceMechanism": "Mechanism",
    "Strategy": "Strategy",
    "Pathway": "Pathway",
    "GeneFamily": "GeneFamily",
}


def node_types() -> dict[str, str]:
    """Ontology class local name -> path-analysis node type, subclasses read from the ontology.

    >>> node_types()["PayloadEfflux"], node_types()["CombinationStrategy"]
    ('Mechanism', 'Strategy')
    """
    from adcgraph.curated.ontology import controlled_values

    lists = controlled_values()
    types = dict(BASE_NODE_TYPES)
    for list_name, node_type in (
        ("mechanism_category", "Mechanism"),
        ("strategy_type", "Strategy"),
    ):
        for iri in lists[list_name].values():
            types[iri.removeprefix(vocab.ONTOLOGY)] = node_type
    return types


#: Predicates of the path analysis, from the ontology property of each edge.
EDGE_PREDICATES: tuple[str, ...] = (
    "hasTarget",
    "hasPayload",
    "inPayloadClass",
    "broaderPayloadClass",
    "hasPayloadClass",
    "hasAntibody",
    "hasLinker",
    "confersResistanceTo",
    "involvesGene",
    "involvesVariant",
    "variantOf",
    "addresses",
    "usesDrug",
    "usesAdc",
    "inhibits",
    "approvedFor",
    "inDevelopmentFor",
    "testedIn",
    "interactsWith",
    "associatedWith",
    "treats",
    "studiedToTreat",
    "targets",
    "activates",
    "participatesIn",
    "memberOf",
    "subPathwayOf",
)

_CLAIMS_QUERY = """
SELECT ?claim ?subject ?predicate ?object ?evidence ?status ?disease
       (GROUP_CONCAT(DISTINCT STR(?source); separator=" ") AS ?sources)
WHERE {
  ?claim rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object ;
         adco:curationStatus ?status .
  OPTIONAL { ?claim adco:evidenceType ?evidence }
  OPTIONAL { ?claim adco:inDiseaseContext ?disease }
  OPTIONAL { ?claim dcterms:source ?source }
  FILTER NOT EXISTS { ?claim adco:evidenceDirectionCode adco:DirectionDoesNotSupport }
} GROUP BY ?claim ?subject ?predicate ?object ?evidence ?status ?disease
"""
_STRATEGY_QUERY = """
SELECT ?strategy ?evidence ?status ?disease ?phase
       (GROUP_CONCAT(DISTINCT STR(?source); separator=" ") AS ?sources)
       (GROUP_CONCAT(DISTINCT STR(?trial); separator=" ") AS ?trials)
WHERE {
  ?strategy a/rdfs:subClassOf adco:Strategy ; adco:curationStatus ?status ;
            adco:evidenceType ?evidence ; adco:trialPhase ?phase .
  OPTIONAL { ?strategy adco:inDiseaseContext ?disease }
  OPTIONAL { ?strategy dcterms:source ?source }
  OPTIONAL { ?strategy adco:testedIn ?trial }
} GROUP BY ?strategy ?evidence ?status ?disease ?phase
"""
_TYPE = vocab.RDF + "type"
_LABEL = vocab.RDFS + "label"
_EXACT_MATCH_QUERY = """
SELECT ?graph ?a ?b WHERE { GRAPH ?graph { ?a skos:exactMatch ?b } FILTER(isIRI(?a) && isIRI(?b)) }
"""
#: The graphs `adcgraph build` writes (the ontology graph aside): the curated records and
#: the shipped reference layer (``graph/reference/<source>``).
_BUILT_GRAPHS = {vocab.CURATED_GRAPH, vocab.INFERRED_GRAPH}
REFERENCE_GRAPH_PREFIX = vocab.REFERENCE_GRAPH_PREFIX
_GRAPHS_QUERY = "SELECT DISTINCT ?graph WHERE { GRAPH ?graph { ?s a ?class } }"
_SOURCE_RECORDS_QUERY = """
SELECT ?graph ?record ?subject ?predicate ?object WHERE { GRAPH ?graph {
  ?record a adco:SourceRecord ; rdf:subject ?subject ; rdf:predicate ?predicate ;
          rdf:object ?object } }
"""
_SOURCE_DETAILS_QUERY = """
SELECT ?graph ?record ?field ?value WHERE { GRAPH ?graph {
  { ?record adco:sourceQualifier ?value BIND("qualifier" AS ?field) }
  UNION { ?record dcterms:source ?value BIND("source" AS ?field) } } }
"""
_HIGHEST_PHASE_QUERY = """
SELECT ?graph ?node ?phase WHERE { GRAPH ?graph { ?node adco:highestPhase ?phase } }
"""
_DISEASE_PARENTS_QUERY = """
SELECT ?disease ?parent WHERE { ?disease a adco:Disease ; rdfs:subClassOf ?parent }
"""


@dataclass(frozen=True)
class Evidence:
    """The provenance of one claim behind an edge."""

    claim: str
    evidence_type: str
    status: str
    disease: str | None
    citations: tuple[str, ...]
    trials: tuple[str, ...] = ()
    phase: str | None = None


@dataclass
class GraphData:
    """Typed nodes, typed edges, the evidence of claim edges, labels and disease parents."""

    version: str
    node_types: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)
    evidence: dict[tuple[str, str, str], list[Evidence]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    #: The most specific ontology class of typed nodes (e.g. a mechanism's category).
    classes: dict[str, str] = field(default_factory=dict)
    disease_parents: dict[str, set[str]] = field(default_factory=dict)
    #: Drugs' furthest development stage in any indication (phase concept local names), as
    #: imported and reference releases record it (not read for ``scope="curated"``).
    highest_phase: dict[str, str] = field(default_factory=dict)

    def label(self, node: str) -> str:
        """A node's label, or its CURIE when it has none."""
        return self.labels.get(node) or vocab.compress(node)


def read_graph_data(
    location: Path | str,
    *,
    use_cache: bool = True,
    scope: str = "curated",
    predicates: Iterable[str] = EDGE_PREDICATES,
) -> GraphData:
    """The graph records of a store directory or SPARQL endpoint URL.

    ``scope="curated"`` reads the curated and inferred graphs (the claims, small);
    ``scope="reference"`` adds the shipped reference layer (``graph/reference/<source>``);
    ``scope="all"`` adds every imported graph (for the sparse matrices); ``scope="export"``
    is every graph but the reference layer (what the KGX and GraphML exports carry). ``predicates``
    limits the edges read (on a store with millions of imported edges, reading only those a
    computation uses is what keeps its first run short). A store's records are cached beside
    it per store version and predicate set; an endpoint is read afresh.

    >>> data = read_graph_data(default_store_path())  # doctest: +SKIP
    >>> data.node_types["http://identifiers.org/drugbank/DB12893"]  # doctest: +SKIP
    'ADC'
    """
    chosen = frozenset(predicates)
    unknown = chosen - set(EDGE_PREDICATES)
    if unknown:
        raise ValueError(f"not path-analysis predicates: {sorted(unknown)}")
    if str(location).startswith(("http://", "https://")):
        return read_from_backend(store.open_backend(str(location)), "endpoint", scope, chosen)
    store_path = Path(location)
    version = store.store_version(store_path)["version"]
    subset = "" if chosen == set(EDGE_PREDICATES) else "-" + _digest(chosen)
    cache_file = cache_directory(store_path, version) / f"graphdata-{scope}{subset}.pickle"
    tag = f"{CACHE_FORMAT}:{version}"

    def read() -> GraphData:
        if scope == "all":
            check_memory(store_path)
        return read_from_backend(store.open_backend(store_path), tag, scope, chosen)

    if not use_cache:
        return read()
    data = cached_pickle(cache_file, read)
    return data if isinstance(data, GraphData) and data.version == tag else read()


def cached_pickle(cache_file: Path, make: Callable[[], T]) -> T:
    """Load ``cache_file``, or make the value and write it there atomically.

    Cache files sit in a directory named after the store version, so they are never stale.
    """
    if cache_file.exists():
        with cache_file.open("rb") as stream:
            return pickle.load(stream)
    value = make()
    partial = cache_file.with_suffix(".partial")
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(cache_file)
    except OSError:
        # A full disk or a read-only folder: work from memory, without a cache.
        partial.unlink(missing_ok=True)
    return value


#: Peak bytes per imported statement when records and matrices are built (measured: 1.3 GB
#: for a 2.1M-triple import).
BYTES_PER_STATEMENT = 650


def check_memory(store_path: Path) -> None:
    """Refuse, before starting, to read a graph whose records would not fit in memory.

    The statement count comes from the import notes of the store's version record.
    """
    notes = store.store_version(store_path).get("imports", "")
    statements = sum(int(n) for n in re.findall(r"\((\d+) quads\)", notes))
    needed = statements * BYTES_PER_STATEMENT
    available = available_memory()
    if available is not None and needed > available:
        raise StoreError(
            f"the store holds about {statements:,} imported statements; path scoring would need "
            f"about {needed / 2**30:.1f} GiB but {available / 2**30:.1f} GiB is available. "
            "Query it with SPARQL (`adcgraph sparql`, `adcgraph serve`) or import less."
        )


def available_memory() -> int | None:
    """Bytes the kernel reports as available (Linux), or None where unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _digest(predicates: frozenset[str]) -> str:
    return hashlib.sha256(" ".join(sorted(predicates)).encode()).hexdigest()[:12]


def read_from_backend(
    backend: store.Backend,
    version: str,
    scope: str = "curated",
    predicates: Iterable[str] = EDGE_PREDICATES,
) -> GraphData:
    """Read typed nodes, edges (of ``predicates``), evidence, labels and disease parents."""
    data = GraphData(version)
    known_types = node_types()
    wanted = {
        "curated": _BUILT_GRAPHS,
        "reference": built_graphs(backend) if scope == "reference" else None,
        "export": exported_graphs(backend) if scope == "export" else None,
    }.get(scope)
    type_rows = _curated_first(_pattern_rows(backend, _TYPE, wanted, subject_iri=True))
    curated_nodes = {node for rank, node, _ in type_rows if rank == 0}
    canonical = _canonical_names(backend, curated_nodes)
    for _, node, class_iri in type_rows:
        class_name = class_iri.removeprefix(vocab.ONTOLOGY)
        node_type = known_types.get(class_name)
        if node_type and class_iri.startswith(vocab.ONTOLOGY):
            node = canonical(node)
            data.node_types.setdefault(node, node_type)
            if class_name != node_type:
                data.classes.setdefault(node, class_name)
    seen: set[tuple[str, str, str]] = set()
    for predicate in sorted(predicates):
        rows = _pattern_rows(backend, vocab.ONTOLOGY + predicate, wanted, object_iri=True)
        for _, subject, obj in rows:
            edge = (canonical(subject), predicate, canonical(obj))
            if edge[0] in data.node_types and edge[2] in data.node_types and edge not in seen:
                seen.add(edge)
                data.edges.append(edge)
    data.edges.sort()
    for row in backend.query(_CLAIMS_QUERY):
        predicate = row["predicate"].value.removeprefix(vocab.ONTOLOGY)
        key = (row["subject"].value, predicate, row["object"].value)
        data.evidence.setdefault(key, []).append(_evidence(row, "claim"))
    if scope != "curated":  # the curated graphs cite claims, not source records
        _read_source_records(backend, data, canonical, set(predicates), wanted)
        for row in _rows_in(backend, _HIGHEST_PHASE_QUERY, wanted):
            phase = row["phase"].value.removeprefix(vocab.ONTOLOGY)
            data.highest_phase.setdefault(canonical(row["node"].value), phase)
    strategy_edges: dict[str, list[tuple[str, str, str]]] = {}
    for edge in data.edges:
        if data.node_types[edge[0]] == "Strategy":
            strategy_edges.setdefault(edge[0], []).append(edge)
    for row in backend.query(_STRATEGY_QUERY):
        evidence = _evidence(row, "strategy")
        for edge in strategy_edges.get(row["strategy"].value, []):
            data.evidence.setdefault(edge, []).append(evidence)
    for _, node, label in _curated_first(_pattern_rows(backend, _LABEL, wanted)):
        data.labels.setdefault(canonical(node), label)
    for row in backend.query(_DISEASE_PARENTS_QUERY):
        data.disease_parents.setdefault(row["disease"].value, set()).add(row["parent"].value)
    return data


def built_graphs(backend: store.Backend) -> set[str]:
    """The curated and inferred graphs and the reference-layer graphs the store holds."""
    present = {row["graph"].value for row in backend.query(_GRAPHS_QUERY)}
    return _BUILT_GRAPHS | {g for g in present if g.startswith(REFERENCE_GRAPH_PREFIX)}


def exported_graphs(backend: store.Backend) -> set[str]:
    """Every graph but the reference layer's: what the KGX and GraphML exports carry.

    The reference layer is a copy of other releases (Open Targets, Reactome ...), shipped with
    their own licences and metadata; re-exported, it would be credited to adcgraph.
    """
    present = {row["graph"].value for row in backend.query(_GRAPHS_QUERY)}
    return _BUILT_GRAPHS | {g for g in present if not g.startswith(REFERENCE_GRAPH_PREFIX)}


def _graph_rank(graph: str) -> int:
    """0 for the curated records, 1 for the reference layer, 2 for imports."""
    if graph in _BUILT_GRAPHS:
        return 0
    return 1 if graph.startswith(REFERENCE_GRAPH_PREFIX) else 2


def _curated_first(rows: Iterable[tuple[str, str, str]]) -> list[tuple[int, str, str]]:
    """(graph rank, node, value) of (graph, node, value) rows outside the ontology graph.

    Sorted so that curated rows come first, then the reference layer's, then imports': read
    in this order, a curated node keeps its curated type, class and label.

    >>> imported = vocab.IMPORT_GRAPH_PREFIX + "x"
    >>> _curated_first([(imported, "n", "b"), (vocab.CURATED_GRAPH, "n", "a")])
    [(0, 'n', 'a'), (2, 'n', 'b')]
    """
    return sorted(
        (_graph_rank(graph), node, value)
        for graph, node, value in rows
        if graph != vocab.ONTOLOGY_GRAPH
    )


def _read_source_records(
    backend: store.Backend,
    data: GraphData,
    canonical: Callable[[str], str],
    predicates: set[str],
    graphs: set[str] | None,
) -> None:
    """Evidence of imported and reference edges: their source records' citations, qualifiers.

    Two flat reads (records, then their qualifiers and sources) joined here: an aggregate
    over the reference layer's records costs several times as much in the store.
    """
    qualifiers: dict[str, str] = {}
    sources: dict[str, list[str]] = {}
    curies: dict[str, str] = {}  # the same trial and paper are cited by many records

    def short(iri: str) -> str:
        curie = curies.get(iri)
        if curie is None:
            curie = curies[iri] = vocab.compress(iri)
        return curie

    for row in _rows_in(backend, _SOURCE_DETAILS_QUERY, graphs):
        record, value = row["record"].value, row["value"].value
        if row["field"].value == "qualifier":
            qualifiers.setdefault(record, value)
        else:
            sources.setdefault(record, []).append(value)
    for row in _rows_in(backend, _SOURCE_RECORDS_QUERY, graphs):
        predicate = row["predicate"].value.removeprefix(vocab.ONTOLOGY)
        if predicate not in predicates:
            continue
        record = row["record"].value
        key = (canonical(row["subject"].value), predicate, canonical(row["object"].value))
        cited = tuple(sorted({short(s) for s in sources.get(record, ())}))
        data.evidence.setdefault(key, []).append(
            Evidence(
                claim=record,
                evidence_type="SourceRecord",
                status="Imported",
                disease=None,
                citations=cited,
                trials=tuple(c for c in cited if c.startswith("NCT:")),
                phase=qualifiers.get(record),
            )
        )


def _pattern_rows(
    backend: store.Backend,
    predicate: str,
    graphs: set[str] | None,
    *,
    subject_iri: bool = False,
    object_iri: bool = False,
) -> Iterator[tuple[str, str, str]]:
    """(graph, subject, object) values of one predicate's statements in named graphs.

    ``graphs`` limits the graphs read (None: every named graph); ``subject_iri`` and
    ``object_iri`` keep only statements whose subject or object is an IRI. An embedded store
    is read with ``quads_for_pattern``: no SPARQL plan or solution objects per row, which
    makes reading a few million imported statements about a third quicker; an endpoint is
    asked the same pattern in SPARQL.
    """
    if not isinstance(backend, store.EmbeddedBackend):
        query = _pattern_query(subject_iri, object_iri)
        for row in _rows_in(backend, query, graphs, p=predicate):
            yield row["graph"].value, row["s"].value, row["o"].value
        return
    named = ox.NamedNode
    chosen = [None] if graphs is None else [named(g) for g in sorted(graphs)]
    for graph in chosen:
        for quad in backend.store.quads_for_pattern(None, named(predicate), None, graph):
            if not isinstance(quad.graph_name, named):
                continue  # the default graph: SPARQL's GRAPH ?graph reads named graphs only
            if (subject_iri and not isinstance(quad.subject, named)) or (
                object_iri and not isinstance(quad.object, named)
            ):
                continue
            yield quad.graph_name.value, quad.subject.value, quad.object.value


def _pattern_query(subject_iri: bool, object_iri: bool) -> str:
    """The SPARQL form of :func:`_pattern_rows` (for endpoints).

    >>> _pattern_query(False, True)
    'SELECT ?graph ?s ?o WHERE { GRAPH ?graph { ?s ?p ?o } FILTER(isIRI(?o)) }'
    """
    tests = [
        f"isIRI(?{name})" for name, wanted in (("s", subject_iri), ("o", object_iri)) if wanted
    ]
    condition = f" FILTER({' && '.join(tests)})" if tests else ""
    return f"SELECT ?graph ?s ?o WHERE {{ GRAPH ?graph {{ ?s ?p ?o }}{condition} }}"


def _rows_in(
    backend: store.Backend, query: str, graphs: set[str] | None, **bound: str
) -> Iterator[ox.QuerySolution]:
    """Rows of a query with a ``?graph`` variable, graph by graph (None: every graph).

    Binding the graph lets Oxigraph read only that graph's index range, so reading the
    curated records stays quick however large the imported graphs are.
    """
    bindings = {name: store.iri(value) for name, value in bound.items()}
    if graphs is None:
        yield from backend.query(query, bindings)
        return
    for graph in sorted(graphs):
        yield from backend.query(query, {**bindings, "graph": store.iri(graph)})


def _canonical_names(backend: store.Backend, curated_nodes: set[str]) -> Callable[[str], str]:
    """Name imported nodes as the curated graph does: standard IRI form, then crosswalks.

    An imported ``identifiers.org`` or OBO PURL IRI is rewritten to the project's IRI form
    (shared identifiers meet), and an IRI that a curated node is ``skos:exactMatch`` to, in
    the curated graph or a loaded mapping set, becomes that curated node (a DOID or MESH
    disease meets the MONDO disease). An IRI matched to two curated nodes stays as it is.
    """
    targets: dict[str, set[str]] = {}
    crosswalks = {vocab.CURATED_GRAPH, vocab.MAPPINGS_GRAPH}
    for row in _rows_in(backend, _EXACT_MATCH_QUERY, crosswalks):
        first, second = row["a"].value, row["b"].value
        for node, other in ((first, second), (second, first)):
            if node in curated_nodes and other not in curated_nodes:
                targets.setdefault(other, set()).add(node)
    aliases = {other: next(iter(nodes)) for other, nodes in targets.items() if len(nodes) == 1}
    names: dict[str, str] = {}

    def canonical(iri: str) -> str:
        name = names.get(iri)
        if name is None:
            standard = iri if iri in curated_nodes else vocab.standardize_iri(iri) or iri
            name = names[iri] = aliases.get(standard, standard)
        return name

    return canonical


def _evidence(row: ox.QuerySolution, key: str) -> Evidence:
    def text(name: str) -> str | None:
        term = row[name]
        return term.value if term is not None else None

    def split(name: str) -> tuple[str, ...]:
        value = text(name)
        return tuple(sorted(vocab.compress(v) for v in value.split())) if value else ()

    return Evidence(
        claim=text(key) or "",
        evidence_type=(text("evidence") or "").removeprefix(vocab.ONTOLOGY),
        status=(text("status") or "").removeprefix(vocab.ONTOLOGY),
        disease=text("disease"),
        citations=split("sources"),
        trials=split("trials") if key == "strategy" else (),
        phase=(text("phase") or "").removeprefix(vocab.ONTOLOGY) or None
        if key == "strategy"
        else None,
    )
