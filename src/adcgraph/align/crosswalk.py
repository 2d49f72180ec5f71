"""Identifier crosswalks: SSSOM mapping sets in the store, `xref` lookups, SSSOM export.

A loaded mapping becomes two things in the mappings graph: a reified mapping node (an
``owl:Axiom`` with ``owl:annotatedSource/Property/Target``, as SSSOM's RDF form has it,
carrying the justification, confidence, labels and mapping set) and, for SKOS predicates,
the direct triple, so a SPARQL query keyed to a MESH, DOID or NCIT IRI meets the graph's
MONDO diseases.

Curated identifiers win: a loaded ``skos:exactMatch`` that contradicts a curated disease's
exactMatch is reported as a conflict and, by default, not loaded. Loading is one
transaction (``Store.extend``): every file is read and checked before anything is written.

>>> sets = [Path("mondo_exactmatch_mesh.sssom.tsv")]
>>> report = load_mapping_sets(sets, store_path)  # doctest: +SKIP
>>> [x.id for x in xref(backend, "MONDO:0005494", to_prefix="MESH")]  # doctest: +SKIP
['MESH:D064726']
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.errors import AdcGraphError, MappingError
from adcgraph.storage import store

SSSOM = "https://w3id.org/sssom/"
SEMAPV = "https://w3id.org/semapv/vocab/"
MAPPING_NODE_PREFIX = vocab.RESOURCE + "mapping/"
MAPPING_SET_PREFIX = vocab.RESOURCE + "mapping-set/"
OBO_IN_OWL = "http://www.geneontology.org/formats/oboInOwl#"

CURATED_SOURCE = "curated"
MANUAL_CURATION = "semapv:ManualMappingCuration"
MAPPING_CHAINING = "semapv:MappingChaining"

#: SKOS mapping predicates and their inverses (used when a mapping is read backwards).
INVERSE_PREDICATES: Mapping[str, str] = {
    "skos:exactMatch": "skos:exactMatch",
    "skos:closeMatch": "skos:closeMatch",
    "skos:relatedMatch": "skos:relatedMatch",
    "skos:narrowMatch": "skos:broadMatch",
    "skos:broadMatch": "skos:narrowMatch",
    "oboInOwl:hasDbXref": "oboInOwl:hasDbXref",
}
#: Mapping predicates the SSSOM specification names (SKOS, OWL, RDFS, oboInOwl, SEMAPV).
SSSOM_PREDICATES = frozenset(
    {
        *(f"skos:{kind}Match" for kind in ("exact", "close", "broad", "narrow", "related")),
        "owl:equivalentClass",
        "owl:equivalentProperty",
        "owl:sameAs",
        "owl:differentFrom",
        "rdfs:subClassOf",
        "rdfs:subPropertyOf",
        "rdfs:seeAlso",
        "oboInOwl:hasDbXref",
        "semapv:crossSpeciesExactMatch",
        "semapv:crossSpeciesNarrowMatch",
        "semapv:crossSpeciesBroadMatch",
    }
)
SSSOM_NAMESPACES = frozenset({"skos", "owl", "rdfs", "oboInOwl", "semapv"})
REQUIRED_COLUMNS = ("subject_id", "predicate_id", "object_id", "mapping_justification")
MAX_ERRORS_SHOWN = 10

ConflictPolicy = Literal["skip", "keep", "error"]

_TYPE = ox.NamedNode(vocab.RDF + "type")
_LABEL = ox.NamedNode(vocab.RDFS + "label")
_AXIOM = ox.NamedNode(vocab.OWL + "Axiom")
_SOURCE = ox.NamedNode(vocab.OWL + "annotatedSource")
_PROPERTY = ox.NamedNode(vocab.OWL + "annotatedProperty")
_TARGET = ox.NamedNode(vocab.OWL + "annotatedTarget")
_JUSTIFICATION = ox.NamedNode(SSSOM + "mapping_justification")
_CONFIDENCE = ox.NamedNode(SSSOM + "confidence")
_SUBJECT_LABEL = ox.NamedNode(SSSOM + "subject_label")
_OBJECT_LABEL = ox.NamedNode(SSSOM + "object_label")
_SUBJECT_ID = ox.NamedNode(SSSOM + "subject_id")
_OBJECT_ID = ox.NamedNode(SSSOM + "object_id")
_MAPPING_SET = ox.NamedNode(SSSOM + "MappingSet")
_MAPPING_SET_ID = ox.NamedNode(SSSOM + "mapping_set_id")
_MAPPING_SET_VERSION = ox.NamedNode(SSSOM + "mapping_set_version")
_LICENSE = ox.NamedNode(SSSOM + "license")
_DC_SOURCE = ox.NamedNode(vocab.DCTERMS + "source")
_XSD_DOUBLE = ox.NamedNode(vocab.XSD + "double")


@dataclass(frozen=True)
class MappingRow:
    """One row of a mapping set, with identifiers standardised to the project's IRIs."""

    subject_iri: str
    predicate_iri: str
    object_iri: str
    justification_iri: str
    confidence: float | None
    subject_label: str
    object_label: str
    line: int
    subject_curie: str
    object_curie: str


@dataclass(frozen=True)
class MappingSet:
    """A parsed SSSOM file: its set IRI, metadata, rows and the warnings found reading it."""

    path: Path
    iri: str
    metadata: Mapping[str, object]
    mappings: tuple[MappingRow, ...]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class Xref:
    """A cross-reference of an identifier, seen from that identifier.

    ``predicate`` reads "<queried identifier> <predicate> <id>" (narrow and broad are
    inverted when a mapping is read from its object side).
    """

    id: str
    iri: str
    predicate: str
    justification: str
    source: str
    confidence: float | None = None
    label: str | None = None


@dataclass(frozen=True)
class LoadReport:
    """What loading mapping sets did: counts, conflicts and warnings, and how long it took."""

    files: tuple[str, ...]
    rows_read: int
    mappings_loaded: int
    skipped_unrelated: int
    quads_written: int
    conflicts: tuple[str, ...]
    warnings: tuple[str, ...]
    seconds: float


@dataclass
class _CuratedXrefs:
    """Curated exactMatch links: entity -> xrefs and xref -> entities (IRIs)."""

    by_entity: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    by_xref: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


# --- reading SSSOM ----------------------------------------------------------------------------


def read_mapping_set(path: Path) -> MappingSet:
    """Parse and check an SSSOM TSV file; MappingError names the file and line of each fault.

    Identifiers are standardised with the project's prefix map (``mesh:D1`` -> ``MESH:D1``);
    prefixes it does not know are expanded with the file's ``curie_map``. Duplicate rows are
    warnings (the first is kept); rows that cannot be read are errors, and one error rejects
    the file.

    >>> mapping_set = read_mapping_set(Path("mondo_exactmatch_mesh.sssom.tsv"))  # doctest: +SKIP
    >>> len(mapping_set.mappings)  # doctest: +SKIP
    8182
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise MappingError(f"{path}: file not found") from None
    except UnicodeDecodeError as error:
        raise MappingError(f"{path}: not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise MappingError(f"{path}: cannot read ({error.strerror})") from None
    lines = text.splitlines()
    metadata_lines = 0
    while metadata_lines < len(lines) and lines[metadata_lines].startswith("#"):
        metadata_lines += 1
    metadata = _read_metadata(path, lines[:metadata_lines])
    curie_map = metadata.get("curie_map") or {}
    if not isinstance(curie_map, dict):
        raise MappingError(f"{path}:1: curie_map must be a mapping of prefix to URI prefix")
    table = lines[metadata_lines:]
    if not table or not table[0].strip():
        raise MappingError(f"{path}:{metadata_lines + 1}: no SSSOM table header after metadata")
    header_line = metadata_lines + 1
    columns = table[0].split("\t")
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise MappingError(
            f"{path}:{header_line}: SSSOM table lacks column(s) {', '.join(missing)}"
        )
    reader = csv.reader(io.StringIO("\n".join(table[1:])), delimiter="\t", quoting=csv.QUOTE_NONE)
    expand = _Expander(curie_map)
    errors: list[str] = []
    warnings: list[str] = []
    mappings: list[MappingRow] = []
    first_line_of: dict[tuple[str, str, str], int] = {}
    for offset, cells in enumerate(reader, start=1):
        line = header_line + offset
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            errors.append(f"{path}:{line}: {len(cells)} cells, header has {len(columns)}")
            continue
        row = dict(zip(columns, (cell.strip() for cell in cells), strict=True))
        row[_LINE_KEY] = str(line)
        try:
            mapping = _mapping_from_row(row, expand)
        except MappingError as error:
            errors.append(f"{path}:{line}: {error.message}")
            continue
        key = (mapping.subject_iri, mapping.predicate_iri, mapping.object_iri)
        if key in first_line_of:
            warnings.append(
                f"{path}:{line}: duplicate mapping {row['subject_id']} {row['predicate_id']} "
                f"{row['object_id']} (first at line {first_line_of[key]}); kept the first"
            )
            continue
        first_line_of[key] = line
        mappings.append(mapping)
    if errors:
        shown = "\n  ".join(errors[:MAX_ERRORS_SHOWN])
        more = (
            f"\n  ... and {len(errors) - MAX_ERRORS_SHOWN} more"
            if len(errors) > MAX_ERRORS_SHOWN
            else ""
        )
        raise MappingError(f"{len(errors)} bad row(s) in {path}; nothing loaded:\n  {shown}{more}")
    return MappingSet(
        path=path,
        iri=_mapping_set_iri(path, metadata),
        metadata=metadata,
        mappings=tuple(mappings),
        warnings=tuple(warnings),
    )


def _read_metadata(path: Path, comment_lines: list[str]) -> dict[str, object]:
    import yaml  # only when a file is read: PyYAML is slow to import

    text = "\n".join(line[1:] for line in comment_lines)
    try:
        metadata = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise MappingError(f"{path}:{line}: invalid YAML metadata ({error})") from None
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise MappingError(f"{path}:1: the # metadata block is not a YAML mapping")
    return metadata


def _mapping_from_row(row: Mapping[str, str], expand: _Expander) -> MappingRow:
    for column in REQUIRED_COLUMNS:
        if not row.get(column):
            raise MappingError(f"empty {column}")
    confidence = None
    if row.get("confidence"):
        try:
            confidence = float(row["confidence"])
        except ValueError:
            raise MappingError(f"confidence {row['confidence']!r} is not a number") from None
        if not 0.0 <= confidence <= 1.0:
            raise MappingError(f"confidence {confidence} is outside 0..1")
    namespace = row["predicate_id"].partition(":")[0]
    if namespace in SSSOM_NAMESPACES and row["predicate_id"] not in SSSOM_PREDICATES:
        # Other namespaces (RO, debio ...) are used by real mapping sets and are kept.
        raise MappingError(
            f"predicate_id {row['predicate_id']!r} is not an SSSOM mapping predicate; "
            f"expected one of {', '.join(sorted(SSSOM_PREDICATES))}"
        )
    subject_curie, subject_iri = expand(row["subject_id"])
    object_curie, object_iri = expand(row["object_id"])
    return MappingRow(
        subject_iri=subject_iri,
        predicate_iri=expand(row["predicate_id"])[1],
        object_iri=object_iri,
        justification_iri=expand(row["mapping_justification"])[1],
        confidence=confidence,
        subject_label=row.get("subject_label", ""),
        object_label=row.get("object_label", ""),
        line=line_of(row),
        subject_curie=subject_curie,
        object_curie=object_curie,
    )


def line_of(row: Mapping[str, str]) -> int:
    """The file line a parsed row came from (kept under a key no SSSOM column uses)."""
    return int(row[_LINE_KEY])


_LINE_KEY = "\x00line"


class _Expander:
    """Expands CURIEs of one file: the project's prefix map first, then the file's curie_map.

    Prefix look-ups are memoised per file, because a mapping set repeats a few prefixes
    over a hundred thousand rows.
    """

    def __init__(self, curie_map: Mapping[str, str]) -> None:
        self.curie_map = {str(key): str(value) for key, value in curie_map.items()}
        self.known: dict[str, tuple[str, str]] = {}

    def __call__(self, curie: str) -> tuple[str, str]:
        prefix, separator, local = curie.partition(":")
        if not separator or not prefix or not local or local.startswith("//") or " " in curie:
            raise MappingError(f"{curie!r} is not a CURIE (expected PREFIX:LOCAL)")
        if prefix not in self.known:
            self.known[prefix] = self._uri_prefix(prefix, curie)
        written, uri_prefix = self.known[prefix]
        return f"{written}:{local}", uri_prefix + local

    def _uri_prefix(self, prefix: str, curie: str) -> tuple[str, str]:
        written = vocab.written_prefixes().get(prefix.lower())
        if written:
            return written, vocab.sparql_prefixes()[written]
        if prefix in self.curie_map:
            return prefix, self.curie_map[prefix]
        raise MappingError(f"unknown prefix {prefix!r} in {curie!r} (not in the curie_map)")


def curie_to_iri(curie: str, curie_map: Mapping[str, str] | None = None) -> str:
    """Expand a CURIE with the project's prefix map, else with a file's ``curie_map``.

    >>> curie_to_iri("mesh:D064726")
    'http://id.nlm.nih.gov/mesh/D064726'
    >>> curie_to_iri("icd11.foundation:1", {"icd11.foundation": "http://id.who.int/icd/entity/"})
    'http://id.who.int/icd/entity/1'
    """
    return _Expander(curie_map or {})(curie)[1]


def _mapping_set_iri(path: Path, metadata: Mapping[str, object]) -> str:
    declared = str(metadata.get("mapping_set_id") or "")
    if declared.startswith(("http://", "https://")):
        return declared
    return MAPPING_SET_PREFIX + path.name


# --- loading ----------------------------------------------------------------------------------


def load_mapping_sets(
    paths: Sequence[Path],
    store_path: Path,
    *,
    restrict_to_graph: bool = True,
    on_conflict: ConflictPolicy = "skip",
) -> LoadReport:
    """Load SSSOM files into the mappings graph of the store at ``store_path``, atomically.

    With ``restrict_to_graph`` only mappings touching an entity of the graph (a labelled
    curated or imported node, or a curated exactMatch identifier) are kept. Conflicts with
    curated exactMatch links are skipped and reported (``on_conflict="keep"`` loads them
    anyway, ``"error"`` refuses the whole load).

    >>> report = load_mapping_sets(sorted(Path("mondo/mappings").glob("*.sssom.tsv")),
    ...                            Path("var/store"))  # doctest: +SKIP
    >>> report.mappings_loaded > 1000  # doctest: +SKIP
    True
    """
    from adcgraph.importers.loading import commit_quads

    started = time.perf_counter()
    mapping_sets = [read_mapping_set(Path(path)) for path in paths]
    backend = store.open_backend(store_path)
    curated = curated_xrefs(backend)
    entities = graph_entities(backend) if restrict_to_graph else None
    quads: list[ox.Quad] = []
    conflicts: list[str] = []
    warnings = [warning for mapping_set in mapping_sets for warning in mapping_set.warnings]
    rows_read = loaded = unrelated = 0
    for mapping_set in mapping_sets:
        rows_read += len(mapping_set.mappings)
        kept: list[MappingRow] = []
        for mapping in mapping_set.mappings:
            if entities is not None and not (
                mapping.subject_iri in entities or mapping.object_iri in entities
            ):
                unrelated += 1
                continue
            problem = _curated_conflict(mapping, curated)
            if problem:
                conflicts.append(f"{mapping_set.path}:{mapping.line}: {problem}")
                if on_conflict == "skip":
                    continue
            kept.append(mapping)
        warnings += _internal_conflicts(mapping_set.path, kept)
        quads += _mapping_set_quads(mapping_set, kept)
        loaded += len(kept)
    del backend  # release the read-only handle before the store is opened for writing
    if conflicts and on_conflict == "error":
        shown = "\n  ".join(conflicts[:MAX_ERRORS_SHOWN])
        raise MappingError(
            f"{len(conflicts)} mapping(s) conflict with curated identifiers; nothing loaded:\n"
            f"  {shown}"
        )
    names = [Path(path).name for path in paths]
    more = f" and {len(names) - 1} more" if len(names) > 1 else ""
    commit_quads(store_path, quads, note=f"sssom: {names[0] if names else 'nothing'}{more}")
    return LoadReport(
        files=tuple(str(path) for path in paths),
        rows_read=rows_read,
        mappings_loaded=loaded,
        skipped_unrelated=unrelated,
        quads_written=len(quads),
        conflicts=tuple(conflicts),
        warnings=tuple(warnings),
        seconds=time.perf_counter() - started,
    )


def curated_xrefs(backend: store.Backend) -> _CuratedXrefs:
    """The curated graph's exactMatch links, indexed both ways."""
    links = _CuratedXrefs()
    query = f"""
        SELECT ?entity ?xref WHERE {{
          GRAPH <{vocab.CURATED_GRAPH}> {{ ?entity skos:exactMatch ?xref }}
        }}"""
    for row in _solutions(backend, query):
        entity, xref_iri = row["entity"].value, row["xref"].value
        links.by_entity[entity].add(xref_iri)
        links.by_xref[xref_iri].add(entity)
    return links


def graph_entities(backend: store.Backend) -> set[str]:
    """IRIs a mapping must touch to be loaded: labelled nodes and curated exactMatch targets.

    Nodes only the shipped reference layer names (pathways, drugs) do not count: their
    identifiers are normalised when the layer is derived.
    """
    query = f"""
        SELECT DISTINCT ?node WHERE {{
          {{ GRAPH ?graph {{ ?node rdfs:label ?label }}
             FILTER(?graph != <{vocab.ONTOLOGY_GRAPH}> && ?graph != <{vocab.MAPPINGS_GRAPH}>
                    && !STRSTARTS(STR(?graph), "{vocab.GRAPH}reference/")) }}
          UNION {{ GRAPH <{vocab.CURATED_GRAPH}> {{ ?entity skos:exactMatch ?node }} }}
        }}"""
    return {row["node"].value for row in _solutions(backend, query) if "node" in row}


def _curated_conflict(mapping: MappingRow, curated: _CuratedXrefs) -> str | None:
    if mapping.predicate_iri != vocab.SKOS + "exactMatch":
        return None
    for entity, other in (
        (mapping.subject_iri, mapping.object_iri),
        (mapping.object_iri, mapping.subject_iri),
    ):
        # The set maps a curated entity to an identifier of a scheme the curator already
        # mapped it to, but to a different identifier.
        curated_same_scheme = {
            x for x in curated.by_entity.get(entity, ()) if _scheme(x) == _scheme(other)
        }
        if curated_same_scheme and other not in curated_same_scheme:
            return (
                f"set maps {_curie(entity)} to {_curie(other)}; curated exactMatch says "
                f"{', '.join(sorted(_curie(x) for x in curated_same_scheme))}"
            )
        # The set maps a curated identifier to a different class of the curated entity's scheme.
        owners = {e for e in curated.by_xref.get(entity, ()) if _scheme(e) == _scheme(other)}
        if owners and other not in owners:
            return (
                f"set maps {_curie(entity)} to {_curie(other)}; curated exactMatch maps it to "
                f"{', '.join(sorted(_curie(e) for e in owners))}"
            )
    return None


def _internal_conflicts(path: Path, mappings: Iterable[MappingRow]) -> list[str]:
    # One identifier mapped exactly to two classes of the same scheme within one set.
    partners: dict[str, dict[str, list[MappingRow]]] = defaultdict(lambda: defaultdict(list))
    for mapping in mappings:
        if mapping.predicate_iri == vocab.SKOS + "exactMatch":
            subject_scheme = mapping.subject_curie.split(":", 1)[0]
            object_scheme = mapping.object_curie.split(":", 1)[0]
            partners[mapping.subject_iri][object_scheme].append(mapping)
            partners[mapping.object_iri][subject_scheme].append(mapping)
    warnings = []
    for identifier, by_scheme in partners.items():
        for group in by_scheme.values():
            if len(group) > 1:
                others = sorted(
                    m.object_curie if m.subject_iri == identifier else m.subject_curie
                    for m in group
                )
                lines = ", ".join(str(m.line) for m in group)
                first = group[0]
                name = (
                    first.subject_curie if first.subject_iri == identifier else first.object_curie
                )
                warnings.append(
                    f"{path}:{first.line}: {name} has exactMatch to "
                    f"{len(group)} identifiers of one scheme: {', '.join(others)} (lines {lines})"
                )
    return warnings


def _scheme(iri: str) -> str:
    curie = vocab.compress(iri)
    return curie.split(":", 1)[0] if curie != iri else iri.rsplit("/", 1)[0]


def _curie(iri: str) -> str:
    return vocab.compress(iri)


def _mapping_set_quads(
    mapping_set: MappingSet, mappings: Iterable[MappingRow]
) -> Iterator[ox.Quad]:
    graph = ox.NamedNode(vocab.MAPPINGS_GRAPH)
    set_node = ox.NamedNode(mapping_set.iri)
    yield ox.Quad(set_node, _TYPE, _MAPPING_SET, graph)
    yield ox.Quad(set_node, _LABEL, ox.Literal(mapping_set.path.name), graph)
    yield ox.Quad(set_node, _MAPPING_SET_ID, ox.Literal(mapping_set.iri), graph)
    for key, predicate in (("mapping_set_version", _MAPPING_SET_VERSION), ("license", _LICENSE)):
        if mapping_set.metadata.get(key):
            yield ox.Quad(set_node, predicate, ox.Literal(str(mapping_set.metadata[key])), graph)
    for mapping in mappings:
        yield from _mapping_quads(mapping, set_node, graph)


def _mapping_quads(
    mapping: MappingRow, set_node: ox.NamedNode, graph: ox.NamedNode
) -> Iterator[ox.Quad]:
    subject, predicate, obj = (
        ox.NamedNode(mapping.subject_iri),
        ox.NamedNode(mapping.predicate_iri),
        ox.NamedNode(mapping.object_iri),
    )
    key = "\t".join(
        (set_node.value, mapping.subject_iri, mapping.predicate_iri, mapping.object_iri)
    )
    node = ox.NamedNode(MAPPING_NODE_PREFIX + hashlib.sha1(key.encode()).hexdigest()[:20])
    yield ox.Quad(node, _TYPE, _AXIOM, graph)
    yield ox.Quad(node, _SOURCE, subject, graph)
    yield ox.Quad(node, _PROPERTY, predicate, graph)
    yield ox.Quad(node, _TARGET, obj, graph)
    yield ox.Quad(node, _JUSTIFICATION, ox.NamedNode(mapping.justification_iri), graph)
    yield ox.Quad(node, _DC_SOURCE, set_node, graph)
    if mapping.confidence is not None:
        yield ox.Quad(
            node, _CONFIDENCE, ox.Literal(repr(mapping.confidence), datatype=_XSD_DOUBLE), graph
        )
    for curie, _iri, predicate_node in (
        (mapping.subject_curie, mapping.subject_iri, _SUBJECT_ID),
        (mapping.object_curie, mapping.object_iri, _OBJECT_ID),
    ):
        if curie.split(":", 1)[0] not in vocab.sparql_prefixes():  # compress() cannot name it
            yield ox.Quad(node, predicate_node, ox.Literal(curie), graph)
    if mapping.subject_label:
        yield ox.Quad(node, _SUBJECT_LABEL, ox.Literal(mapping.subject_label), graph)
    if mapping.object_label:
        yield ox.Quad(node, _OBJECT_LABEL, ox.Literal(mapping.object_label), graph)
    if mapping.predicate_iri.startswith(vocab.SKOS):
        yield ox.Quad(subject, predicate, obj, graph)


# --- lookups ----------------------------------------------------------------------------------


def identifier_iri(identifier: str) -> str:
    """The project IRI of a CURIE (any Bioregistry prefix synonym) or of an IRI in any known form.

    >>> identifier_iri("mesh:D064726")
    'http://id.nlm.nih.gov/mesh/D064726'
    >>> identifier_iri("http://purl.obolibrary.org/obo/MONDO_0005494")
    'http://purl.obolibrary.org/obo/MONDO_0005494'
    """
    try:
        return vocab.canonical_iri(identifier)
    except AdcGraphError:
        raise MappingError(
            f"{identifier!r} is not a CURIE with a known prefix or an IRI "
            f"(known prefixes include MONDO, MESH, DOID, NCIT, EFO, HGNC)"
        ) from None


def xref(
    backend: store.Backend, identifier: str, to_prefix: str | None = None, *, chain: bool = True
) -> list[Xref]:
    """Cross-references of ``identifier`` from curated exactMatch links and loaded mapping sets.

    Each result says its predicate (from the queried identifier's side), justification and
    source (``curated`` or the mapping set IRI). With ``chain``, identifiers reached by two
    exactMatch steps (say DOID -> MONDO -> MESH) are added, justified as mapping chaining.

    >>> [x.id for x in xref(backend, "MONDO:0005494", to_prefix="MESH")]  # doctest: +SKIP
    ['MESH:D064726']
    >>> xref(backend, "MESH:D064726")[0].id  # doctest: +SKIP
    'MONDO:0005494'
    """
    start = identifier_iri(identifier)
    direct = _direct_xrefs(backend, start)
    results = list(direct)
    if chain:
        seen = {start, *(x.iri for x in direct)}
        for step in {x.iri: x for x in direct if x.predicate == "skos:exactMatch"}.values():
            for second in _direct_xrefs(backend, step.iri):
                if second.iri in seen or second.predicate != "skos:exactMatch":
                    continue
                seen.add(second.iri)
                results.append(
                    Xref(
                        id=second.id,
                        iri=second.iri,
                        predicate="skos:exactMatch",
                        justification=MAPPING_CHAINING,
                        source=f"via {step.id}",
                        label=second.label,
                    )
                )
    if to_prefix:
        wanted = (vocab.written_prefixes().get(to_prefix.lower()) or to_prefix).lower()
        results = [x for x in results if x.id.split(":", 1)[0].lower() == wanted]
    return sorted(results, key=_xref_order)


def _xref_order(item: Xref) -> tuple[int, str, str, str]:
    return (item.justification == MAPPING_CHAINING, item.id, item.predicate, item.source)


def _direct_xrefs(backend: store.Backend, start: str) -> list[Xref]:
    query = f"""
        SELECT ?start ?other ?otherCurie ?predicate ?justification ?source ?confidence ?label
               ?reverse
        WHERE {{
          {{
            GRAPH <{vocab.CURATED_GRAPH}> {{ ?start skos:exactMatch ?other }}
            BIND(skos:exactMatch AS ?predicate) BIND(false AS ?reverse)
          }} UNION {{
            GRAPH <{vocab.CURATED_GRAPH}> {{ ?other skos:exactMatch ?start }}
            BIND(skos:exactMatch AS ?predicate) BIND(true AS ?reverse)
          }} UNION {{
            GRAPH <{vocab.MAPPINGS_GRAPH}> {{
              ?node owl:annotatedSource ?start ; owl:annotatedProperty ?predicate ;
                    owl:annotatedTarget ?other ; sssom:mapping_justification ?justification ;
                    dcterms:source ?source .
              OPTIONAL {{ ?node sssom:confidence ?confidence }}
              OPTIONAL {{ ?node sssom:object_label ?label }}
              OPTIONAL {{ ?node sssom:object_id ?otherCurie }}
            }}
            BIND(false AS ?reverse)
          }} UNION {{
            GRAPH <{vocab.MAPPINGS_GRAPH}> {{
              ?node owl:annotatedTarget ?start ; owl:annotatedProperty ?predicate ;
                    owl:annotatedSource ?other ; sssom:mapping_justification ?justification ;
                    dcterms:source ?source .
              OPTIONAL {{ ?node sssom:confidence ?confidence }}
              OPTIONAL {{ ?node sssom:subject_label ?label }}
              OPTIONAL {{ ?node sssom:subject_id ?otherCurie }}
            }}
            BIND(true AS ?reverse)
          }}
        }}"""
    query = f"PREFIX owl: <{vocab.OWL}>\nPREFIX sssom: <{SSSOM}>\n" + query
    results: dict[tuple[str, str, str], Xref] = {}
    for row in _solutions(backend, query, {"start": ox.NamedNode(start)}):
        other = row["other"]
        if not isinstance(other, ox.NamedNode) or other.value == start:
            continue
        predicate = _curie(row["predicate"].value)
        if row["reverse"].value == "true":
            predicate = INVERSE_PREDICATES.get(predicate, predicate)
        source = row["source"].value if "source" in row else CURATED_SOURCE
        justification = (
            _curie(row["justification"].value) if "justification" in row else MANUAL_CURATION
        )
        confidence = float(row["confidence"].value) if "confidence" in row else None
        item = Xref(
            id=row["otherCurie"].value if "otherCurie" in row else _curie(other.value),
            iri=other.value,
            predicate=predicate,
            justification=justification,
            source=source,
            confidence=confidence,
            label=row["label"].value if "label" in row else None,
        )
        results.setdefault((item.iri, item.predicate, item.source), item)
    return list(results.values())


def _solutions(
    backend: store.Backend, query: str, bindings: store.Bindings | None = None
) -> Iterator[dict[str, ox.NamedNode | ox.Literal]]:
    result = backend.query(query, bindings)
    variables = [variable.value for variable in result.variables]  # type: ignore[union-attr]
    for solution in result:  # type: ignore[union-attr]
        yield {name: solution[name] for name in variables if solution[name] is not None}


# --- SSSOM out --------------------------------------------------------------------------------


def graph_mappings(backend: store.Backend) -> list[tuple[str, str, str, str, str, float, str]]:
    """Every mapping of the graph as (subject, subject label, predicate, object, object label,
    confidence, justification) CURIE rows: curated exactMatch links, then loaded sets.

    >>> rows = graph_mappings(backend)  # doctest: +SKIP
    >>> triples = {(r[0], r[2], r[3]) for r in rows}  # doctest: +SKIP
    >>> ("MONDO:0005494", "skos:exactMatch", "MESH:D064726") in triples  # doctest: +SKIP
    True
    """
    query = f"""
        PREFIX owl: <{vocab.OWL}>
        PREFIX sssom: <{SSSOM}>
        SELECT ?subject ?subjectId ?subjectLabel ?predicate ?object ?objectId ?objectLabel
               ?confidence ?justification
        WHERE {{
          {{
            GRAPH <{vocab.CURATED_GRAPH}> {{
              ?subject skos:exactMatch ?object . OPTIONAL {{ ?subject rdfs:label ?subjectLabel }}
            }}
            BIND(skos:exactMatch AS ?predicate)
          }} UNION {{
            GRAPH <{vocab.MAPPINGS_GRAPH}> {{
              ?node owl:annotatedSource ?subject ; owl:annotatedProperty ?predicate ;
                    owl:annotatedTarget ?object ; sssom:mapping_justification ?justification .
              OPTIONAL {{ ?node sssom:subject_label ?subjectLabel }}
              OPTIONAL {{ ?node sssom:object_label ?objectLabel }}
              OPTIONAL {{ ?node sssom:confidence ?confidence }}
              OPTIONAL {{ ?node sssom:subject_id ?subjectId }}
              OPTIONAL {{ ?node sssom:object_id ?objectId }}
            }}
          }}
        }}"""
    rows: dict[tuple[str, str, str], tuple[str, str, str, str, str, float, str]] = {}
    for row in _solutions(backend, query):
        subject = row["subjectId"].value if "subjectId" in row else _curie(row["subject"].value)
        obj = row["objectId"].value if "objectId" in row else _curie(row["object"].value)
        predicate = _curie(row["predicate"].value)
        if ":" not in subject or ":" not in obj or "://" in subject or "://" in obj:
            continue  # an identifier outside every known prefix cannot be written as a CURIE
        justification = (
            _curie(row["justification"].value) if "justification" in row else MANUAL_CURATION
        )
        confidence = float(row["confidence"].value) if "confidence" in row else 1.0
        rows.setdefault(
            (subject, predicate, obj),
            (
                subject,
                row["subjectLabel"].value if "subjectLabel" in row else "",
                predicate,
                obj,
                row["objectLabel"].value if "objectLabel" in row else "",
                confidence,
                justification,
            ),
        )
    return sorted(rows.values())


def export_sssom(backend: store.Backend, path: Path) -> int:
    """Write the graph's mappings (curated exactMatch and loaded sets) as SSSOM TSV.

    Returns the number of mappings written; the file is replaced atomically. Both sides
    carry labels, the header the set's version, date, creator and the release licence, and
    MeSH is written ``mesh:`` as MONDO's released sets write it.

    >>> export_sssom(backend, Path("adcgraph.sssom.tsv"))  # doctest: +SKIP
    214
    """
    from adcgraph.align.matcher import PredictedMapping
    from adcgraph.align.sssom_out import write_sssom
    from adcgraph.export.release import LICENCE, dataset_version

    labels = _graph_labels(backend)
    version, date = dataset_version(backend)
    mappings = []
    for (
        subject,
        subject_label,
        predicate,
        obj,
        object_label,
        confidence,
        justification,
    ) in graph_mappings(backend):
        subject_name = subject_label or labels.get(subject, "")
        # An exact match of a curated entity names the same thing: its label serves.
        same = subject_name if predicate == "skos:exactMatch" else ""
        mappings.append(
            PredictedMapping(
                subject_id=_sssom_curie(subject),
                subject_label=subject_name or None,
                object_id=_sssom_curie(obj),
                object_label=object_label or labels.get(obj) or same or None,
                predicate_id=predicate,
                confidence=confidence,
                mapping_justification=justification,
                match_string="",
            )
        )
    prefixes = {**_stored_prefixes(backend), **vocab.sparql_prefixes()}
    prefixes.update({new: prefixes[old] for old, new in SSSOM_PREFIXES.items()})
    write_sssom(
        mappings,
        Path(path),
        mapping_set_id=vocab.RESOURCE + "mappings/adcgraph.sssom.tsv",
        license=LICENCE,
        prefix_map={**prefixes, "infores": vocab.sparql_prefixes()["infores"]},
        metadata_extra={
            "mapping_set_version": version,
            "mapping_date": date,
            "creator_id": ["infores:adcgraph"],
        },
    )
    return len(mappings)


#: Written prefixes that MONDO's released mapping sets spell otherwise (``mesh:D064726``),
#: so a CURIE join with MONDO's SSSOM files works.
SSSOM_PREFIXES = {"MESH": "mesh"}


def _sssom_curie(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return f"{SSSOM_PREFIXES.get(prefix, prefix)}:{local}"


def _graph_labels(backend: store.Backend) -> dict[str, str]:
    """CURIE -> the label the graph gives it (any graph; the smallest when several)."""
    labels: dict[str, str] = {}
    query = "SELECT ?node ?label WHERE { ?node rdfs:label|dcterms:title ?label }"
    for row in _solutions(backend, query):
        if isinstance(row.get("node"), ox.NamedNode):
            curie = _curie(row["node"].value)
            labels[curie] = min(labels.get(curie, row["label"].value), row["label"].value)
    return labels


def _stored_prefixes(backend: store.Backend) -> dict[str, str]:
    # Identifiers outside the project's prefix map keep the CURIE their set wrote; the URI
    # prefix is what remains of the IRI without the local part.
    query = f"""
        PREFIX owl: <{vocab.OWL}>
        PREFIX sssom: <{SSSOM}>
        SELECT DISTINCT ?curie ?iri WHERE {{
          GRAPH <{vocab.MAPPINGS_GRAPH}> {{
            {{ ?node sssom:subject_id ?curie ; owl:annotatedSource ?iri }}
            UNION {{ ?node sssom:object_id ?curie ; owl:annotatedTarget ?iri }}
          }}
        }}"""
    prefixes: dict[str, str] = {}
    for row in _solutions(backend, query):
        prefix, _, local = row["curie"].value.partition(":")
        iri = row["iri"].value
        if iri.endswith(local):
            prefixes.setdefault(prefix, iri[: len(iri) - len(local)])
    return prefixes
