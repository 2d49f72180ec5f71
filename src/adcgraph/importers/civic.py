"""Import CIViC's ClinicalEvidenceSummaries TSV: predictive evidence about the graph's ADCs.

An evidence item is kept when one of its therapies is an ADC of the graph (by label or
synonym) and its significance is resistance or sensitivity. Each becomes a claim node named
by its CIViC URL, keeping the evidence id, level, direction, significance, molecular profile
and citation, in the disease context of the MONDO class its DOID disease maps to (curated
exactMatch or loaded mapping sets); a disease with no MONDO mapping keeps its DOID IRI.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.errors import InputFileError
from adcgraph.importers import ImportOptions, ImportReport, graph_name
from adcgraph.importers.loading import commit_quads
from adcgraph.storage import store

REQUIRED_COLUMNS = (
    "evidence_id",
    "molecular_profile",
    "disease",
    "doid",
    "therapies",
    "evidence_type",
    "evidence_direction",
    "evidence_level",
    "significance",
    "citation_id",
    "source_type",
)
SIGNIFICANCES = frozenset({"Resistance", "Reduced Sensitivity", "Sensitivity/Response"})
EVIDENCE_ITEM = "https://civicdb.org/links/evidence_items/"
#: CIViC levels: A validated, B clinical, C case study, D preclinical, E inferential.
EVIDENCE_TYPE_BY_LEVEL: Mapping[str, str] = {
    "A": "Clinical",
    "B": "Clinical",
    "C": "Clinical",
    "D": "PreclinicalInVitro",
}


@dataclass(frozen=True)
class CivicItem:
    """One ADC-relevant CIViC evidence item."""

    evidence_id: str
    line: int
    adc_iris: tuple[str, ...]
    molecular_profile: str
    disease: str
    doid: str
    direction: str
    level: str
    significance: str
    citation: str | None
    therapies: str


def import_civic(
    fmt: str, paths: Sequence[Path], store_path: Path, options: ImportOptions
) -> ImportReport:
    """Import a CIViC ClinicalEvidenceSummaries file's ADC evidence into ``graph/import/civic``.

    >>> import_civic("civic", [Path("01-Aug-2024-ClinicalEvidenceSummaries.tsv")],
    ...              Path("var/store"), ImportOptions())  # doctest: +SKIP
    """
    from adcgraph.align.crosswalk import xref
    from adcgraph.resolving import index_for_backend

    if len(paths) != 1:
        raise InputFileError(f"import one CIViC file at a time (got {len(paths)})")
    path = paths[0]
    name = options.name or "civic"
    graph_name(ImportOptions(name=name), path)
    backend = store.open_backend(store_path)
    index = index_for_backend(backend)
    adcs = {
        text.casefold(): index.entities[position].iri
        for position, name_field, text in index.names
        if index.entities[position].kind == "adc" and name_field in ("label", "synonym")
    }
    items, rows = read_civic_items(path, adcs)
    mondo_by_doid: dict[str, str | None] = {}
    warnings: list[str] = []
    for item in items:
        if not item.doid:
            warnings.append(f"{path}:{item.line}: EID{item.evidence_id} names no DOID disease")
            mondo_by_doid[item.doid] = None
        if item.doid not in mondo_by_doid:
            exact = [
                x
                for x in xref(backend, f"DOID:{item.doid}", to_prefix="MONDO", chain=False)
                if x.predicate == "skos:exactMatch"
            ]
            mondo_by_doid[item.doid] = exact[0].iri if exact else None
            if not exact:
                warnings.append(
                    f"{path}:{item.line}: DOID:{item.doid} ({item.disease}) has no MONDO "
                    "exactMatch; "
                    "kept as DOID (load MONDO's mappings with `adcgraph import --format sssom`)"
                )
    del backend
    graph = vocab.IMPORT_GRAPH_PREFIX + name
    quads = [quad for item in items for quad in civic_quads(item, mondo_by_doid[item.doid], graph)]
    written = commit_quads(store_path, quads, note=f"civic:{name}", replace_graphs=[graph])
    mapped = sum(1 for item in items if mondo_by_doid.get(item.doid))
    return ImportReport(
        format=fmt,
        graph=graph,
        files=(str(path),),
        quads=written,
        summary=(
            f"imported {len(items)} ADC evidence items of {rows} ({mapped} with a MONDO disease) "
            f"from {path} into {graph}"
        ),
        warnings=tuple(warnings),
    )


def read_civic_items(path: Path, adcs: Mapping[str, str]) -> tuple[list[CivicItem], int]:
    """The ADC-relevant evidence items of a CIViC file, and how many rows it has.

    ``adcs`` maps case-folded ADC names to ADC IRIs.

    >>> path = Path("ClinicalEvidenceSummaries.tsv")
    >>> items, rows = read_civic_items(path, adcs)  # doctest: +SKIP
    """
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            lines = stream.read().splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(f"{path}: cannot read ({error})") from None
    if not lines:
        raise InputFileError(f"{path}:1: empty file; expected a CIViC evidence TSV header")
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [column for column in REQUIRED_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise InputFileError(
            f"{path}:1: not a CIViC ClinicalEvidenceSummaries file: "
            f"no column(s) {', '.join(missing)}"
        )
    items: list[CivicItem] = []
    rows = 0
    for line, row in enumerate(reader, start=2):
        rows += 1
        if None in row or any(value is None for value in row.values()):
            raise InputFileError(
                f"{path}:{line}: the row has a different number of cells than the header"
            )
        if not row["evidence_id"].isdigit():
            raise InputFileError(
                f"{path}:{line}: evidence_id {row['evidence_id']!r} is not a number"
            )
        therapies = [therapy.strip().casefold() for therapy in row["therapies"].split(",")]
        adc_iris = tuple(sorted({adcs[t] for t in therapies if t in adcs}))
        if not adc_iris or row["significance"] not in SIGNIFICANCES:
            continue
        if row["doid"] and not row["doid"].isdigit():
            raise InputFileError(f"{path}:{line}: doid {row['doid']!r} is not a DOID number")
        citation = None
        if row["source_type"] == "PubMed" and row["citation_id"].isdigit():
            citation = f"PMID:{row['citation_id']}"
        items.append(
            CivicItem(
                evidence_id=row["evidence_id"],
                line=line,
                adc_iris=adc_iris,
                molecular_profile=row["molecular_profile"],
                disease=row["disease"],
                doid=row["doid"],
                direction=row["evidence_direction"],
                level=row["evidence_level"],
                significance=row["significance"],
                citation=citation,
                therapies=row["therapies"],
            )
        )
    return items, rows


def civic_quads(item: CivicItem, mondo_iri: str | None, graph: str) -> Iterator[ox.Quad]:
    """The quads of one evidence item: a claim about its ADC(s) with CIViC's qualifiers."""
    graph_node = ox.NamedNode(graph)
    node = ox.NamedNode(EVIDENCE_ITEM + item.evidence_id)
    adco = vocab.ONTOLOGY

    def quad(predicate: str, value: ox.NamedNode | ox.Literal) -> ox.Quad:
        return ox.Quad(node, ox.NamedNode(predicate), value, graph_node)

    yield quad(vocab.RDF + "type", ox.NamedNode(adco + "Claim"))
    yield quad(
        vocab.RDFS + "label",
        ox.Literal(
            f"CIViC EID{item.evidence_id}: {item.molecular_profile}, {item.significance.lower()} "
            f"to {item.therapies} in {item.disease}"
        ),
    )
    yield quad(vocab.DCTERMS + "identifier", ox.Literal(f"EID{item.evidence_id}"))
    for adc in item.adc_iris:
        yield quad(vocab.RDF + "object", ox.NamedNode(adc))
    if item.significance == "Resistance":
        yield quad(vocab.RDF + "predicate", ox.NamedNode(adco + "confersResistanceTo"))
    if item.doid:
        doid = vocab.canonical_iri(f"DOID:{item.doid}")
        yield quad(adco + "inDiseaseContext", ox.NamedNode(mondo_iri or doid))
        yield quad(adco + "civicDisease", ox.NamedNode(doid))
    yield quad(adco + "evidenceLevel", ox.Literal(item.level))
    yield quad(adco + "evidenceDirection", ox.Literal(item.direction))
    yield quad(adco + "clinicalSignificance", ox.Literal(item.significance))
    yield quad(adco + "molecularProfile", ox.Literal(item.molecular_profile))
    if item.level in EVIDENCE_TYPE_BY_LEVEL:
        yield quad(adco + "evidenceType", ox.NamedNode(adco + EVIDENCE_TYPE_BY_LEVEL[item.level]))
    if item.citation:
        yield quad(vocab.DCTERMS + "source", ox.NamedNode(vocab.canonical_iri(item.citation)))
