"""Counts per class and per predicate, for `adcgraph stats` and the README."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.storage.store import Backend

_CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?node) AS ?count) WHERE {
  GRAPH ?graph { ?node a ?class }
  FILTER(?graph != <%(ontology)s>)
} GROUP BY ?class ORDER BY DESC(?count) ?class
"""
_PREDICATE_COUNTS = """
SELECT ?predicate (COUNT(*) AS ?count) WHERE {
  GRAPH ?graph { ?s ?predicate ?o }
  FILTER(?graph != <%(ontology)s>)
} GROUP BY ?predicate ORDER BY DESC(?count) ?predicate
"""
_GRAPH_COUNTS = """
SELECT ?graph (COUNT(*) AS ?count) WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph ORDER BY ?graph
"""


_SOURCES = """
SELECT ?graph ?title ?release ?date ?licence ?source WHERE {
  GRAPH ?graph { ?graph a adco:SourceRelease ; dcterms:title ?title ; dcterms:hasVersion ?release ;
                        dcterms:issued ?date ; dcterms:license ?licence ; dcterms:source ?source }
} ORDER BY ?graph
"""


@dataclass(frozen=True)
class GraphStats:
    """How many nodes per class, triples per predicate and per named graph; graph metadata."""

    classes: dict[str, int]
    predicates: dict[str, int]
    graphs: dict[str, int]
    #: Imported and reference graphs: source title, release, date, licence and origin.
    sources: dict[str, dict[str, str]] = field(default_factory=dict)


def graph_stats(backend: Backend) -> GraphStats:
    """Count the store's content outside the ontology graph, with CURIEs as keys.

    >>> stats = graph_stats(open_backend())  # doctest: +SKIP
    >>> stats.classes["adco:ADC"] >= 20  # doctest: +SKIP
    True
    """
    names = {"ontology": vocab.ONTOLOGY_GRAPH}
    return GraphStats(
        classes=_counts(backend, _CLASS_COUNTS % names, "class"),
        predicates=_counts(backend, _PREDICATE_COUNTS % names, "predicate"),
        graphs=_counts(backend, _GRAPH_COUNTS, "graph"),
        sources=_sources(backend),
    )


def _sources(backend: Backend) -> dict[str, dict[str, str]]:
    result = backend.query(_SOURCES)
    assert isinstance(result, ox.QuerySolutions)
    return {
        vocab.compress(row["graph"].value): {
            key: row[key].value for key in ("title", "release", "date", "licence", "source")
        }
        for row in result
    }


def _counts(backend: Backend, query: str, key: str) -> dict[str, int]:
    result = backend.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return {
        vocab.compress(row[key].value): int(row["count"].value)
        for row in result
        if row[key] is not None
    }


#: Nodes of one type in the curated graph, counted by the values of one property.
_CURATED_VALUES = """
SELECT ?graph ?type ?property ?value (COUNT(DISTINCT ?node) AS ?count) WHERE {
  GRAPH ?graph { ?node a ?type ; ?property ?value }
} GROUP BY ?graph ?type ?property ?value
"""
_CURATED_DATE = "SELECT ?graph ?date WHERE { GRAPH ?graph { ?dataset dcterms:modified ?date } }"
#: ADCs with no DrugBank, ChEMBL or NCIt identifier: a project IRI and no exactMatch to one.
_PROJECT_ADCS = """
SELECT ?graph ?project ?status (COUNT(DISTINCT ?adc) AS ?count) WHERE {
  GRAPH ?graph {
    ?adc a adco:ADC ; adco:developmentStatus ?status
    FILTER(STRSTARTS(STR(?adc), STR(?project)))
    FILTER NOT EXISTS {
      ?adc skos:exactMatch ?other
      FILTER(STRSTARTS(STR(?other), "http://identifiers.org/drugbank/")
             || STRSTARTS(STR(?other), "http://identifiers.org/chembl.compound/")
             || STRSTARTS(STR(?other), "http://purl.obolibrary.org/obo/NCIT_"))
    }
  }
} GROUP BY ?graph ?project ?status
"""


@dataclass(frozen=True)
class CoverageRow:
    """One row of the README's coverage table: what is counted, and the count."""

    content: str
    count: str


def curated_values(backend: Backend, node_type: str, prop: str) -> dict[str, int]:
    """Curated nodes of ``node_type`` per value of ``prop`` (local names of ontology terms).

    >>> curated_values(open_backend(), "ResistanceClaim", "curationStatus")  # doctest: +SKIP
    {'Verified': 218, 'Unverified': 47}
    """
    bindings = {
        "graph": ox.NamedNode(vocab.CURATED_GRAPH),
        "type": ox.NamedNode(vocab.ONTOLOGY + node_type),
        "property": ox.NamedNode(vocab.expand(prop) if ":" in prop else vocab.ONTOLOGY + prop),
    }
    result = backend.query(_CURATED_VALUES, bindings)
    assert isinstance(result, ox.QuerySolutions)
    return {
        row["value"].value.removeprefix(vocab.ONTOLOGY): int(row["count"].value) for row in result
    }


def _count(backend: Backend, node_type: str) -> int:
    return curated_values(backend, node_type, "rdf:type").get(node_type, 0)


def _listed(counts: dict[str, int], codes: dict[str, str], ordered: bool = True) -> str:
    """``52 combination, 16 biomarker selection``: counts by the tables' codes, largest first."""
    by_name = {iri.removeprefix(vocab.ONTOLOGY): code for code, iri in codes.items()}
    known = [(n, by_name[name].replace("_", " ")) for name, n in counts.items() if name in by_name]
    known.sort(key=lambda item: (-item[0], item[1]) if ordered else item[1])
    return ", ".join(f"{n} {code}" for n, code in known)


def coverage(backend: Backend) -> list[CoverageRow]:
    """What the curated graph holds, row by row (the README's table).

    >>> rows = coverage(open_backend())  # doctest: +SKIP
    >>> rows[0].count  # doctest: +SKIP
    '41'
    """
    from adcgraph.curated.ontology import controlled_values

    lists = controlled_values()
    types = curated_values(backend, "ADC", "rdf:type")
    mechanisms = curated_values(backend, "ResistanceMechanism", "rdf:type")
    categories = {n: c for n, c in mechanisms.items() if n != "ResistanceMechanism"}
    claims = {
        key: curated_values(backend, "ResistanceClaim", prop)
        for key, prop in (
            ("status", "curationStatus"),
            ("evidence", "evidenceType"),
            ("direction", "evidenceDirectionCode"),
        )
    }
    strategies = curated_values(backend, "Strategy", "rdf:type")
    outcomes = curated_values(backend, "Strategy", "outcome")
    publications = curated_values(backend, "Publication", "identifierVerified")
    drugs = sum(_count(backend, t) for t in ("SmallMoleculeDrug", "AntibodyDrug"))
    status = curated_values(backend, "ADC", "developmentStatus")
    rows = [
        CoverageRow(
            f"ADCs ({_listed(status, lists['development_status'])}) with target, antibody, "
            "payload and payload class, linker (cleavable or not, chemistry), DAR, brand names "
            "and codes, DrugBank/ChEMBL/NCIt ids",
            str(types.get("ADC", 0)),
        ),
        CoverageRow(
            "Payloads / payload classes (TOP1 inhibitor › camptothecin; microtubule inhibitor › "
            "auristatin, maytansinoid; calicheamicin; DNA alkylator › PBD, IGN, duocarmycin)",
            f"{_count(backend, 'Payload')} / {_count(backend, 'PayloadClass')}",
        ),
        CoverageRow(
            f"Resistance mechanisms in {len(categories)} of the ontology's "
            f"{len(lists['mechanism_category'])} categories "
            f"({_listed(categories, lists['mechanism_category'])})",
            str(mechanisms.get("ResistanceMechanism", 0)),
        ),
        CoverageRow(
            "Resistance claims (mechanism → ADC or payload class, in a disease or population, "
            "with direction, evidence type, model system, effect size): "
            f"{_listed(claims['status'], lists['curation_status'])}; "
            f"{_listed(claims['direction'], lists['direction'])}; "
            f"{_listed(claims['evidence'], lists['evidence_type'])}",
            str(_count(backend, "ResistanceClaim")),
        ),
        CoverageRow(
            f"Strategies ({_listed(strategies, lists['strategy_type'])}), with trials, reported "
            f"outcome ({_listed(outcomes, lists['outcome'])}) and effect sizes",
            str(strategies.get("Strategy", 0)),
        ),
        CoverageRow(
            "Indications (one row per approval, label change or withdrawal, or phase: agency, "
            "year and month, line of therapy, pivotal trial, label population)",
            str(_count(backend, "Indication")),
        ),
        CoverageRow(
            "Diseases (MONDO; MESH/DOID/NCIT/EFO checked against MONDO's release mappings)",
            str(_count(backend, "Disease")),
        ),
        CoverageRow(
            "Genes (HGNC, checked against the HGNC and NCBI Gene tables), variants (TACSTD2 "
            "T256R, TOP1 E418K, CD33 rs12459419 ...)",
            f"{_count(backend, 'Gene')} / {_count(backend, 'Variant')}",
        ),
        CoverageRow(
            "Partner drugs (PARP, ATR, CHK1, WEE1, EZH2, PD-1/PD-L1/CTLA-4, HER2, EGFR, P-gp, "
            "mTOR/PI3K, BCL-2 inhibitors ...)",
            str(drugs),
        ),
        CoverageRow(
            f"Publications ({publications.get('true', 0)} with the identifier checked against "
            "the paper and the check recorded), trials",
            f"{_count(backend, 'Publication')} / {_count(backend, 'ClinicalTrial')}",
        ),
    ]
    return rows


def curation_date(backend: Backend) -> str:
    """The date the curated graph was last changed (its dataset's ``dcterms:modified``)."""
    result = backend.query(_CURATED_DATE, {"graph": ox.NamedNode(vocab.CURATED_GRAPH)})
    assert isinstance(result, ox.QuerySolutions)
    dates = sorted(row["date"].value for row in result)
    return dates[-1] if dates else "an unrecorded date"


def project_id_adcs(backend: Backend) -> dict[str, int]:
    """ADCs known by a project IRI only (no DrugBank, ChEMBL or NCIt id), per status."""
    bindings = {
        "graph": ox.NamedNode(vocab.CURATED_GRAPH),
        "project": ox.Literal(vocab.RESOURCE + "adc/"),
    }
    result = backend.query(_PROJECT_ADCS, bindings)
    assert isinstance(result, ox.QuerySolutions)
    return {
        row["status"].value.removeprefix(vocab.ONTOLOGY): int(row["count"].value) for row in result
    }


def coverage_markdown(backend: Backend) -> str:
    """The README's "What the graph covers" paragraph and table, from the store.

    >>> print(coverage_markdown(open_backend()))  # doctest: +SKIP
    Curated up to 2026-12-02 from primary studies, ...
    """
    from adcgraph.curated.ontology import controlled_values

    project = project_id_adcs(backend)
    statuses = _listed(project, controlled_values()["development_status"])
    lines = [
        f"Curated up to {curation_date(backend)} from primary studies, trial reports, regulatory "
        "summaries and reviews (`graph/sources/` and its per-curator fragments; `adcgraph "
        "stats --coverage` prints this table from the store):",
        "",
        "| content | count |",
        "|---|---|",
        *(f"| {row.content} | {row.count} |" for row in coverage(backend)),
        "",
        f"{sum(project.values())} ADCs ({statuses}) have no DrugBank, ChEMBL or NCIt identifier "
        "in the graph and keep a project id (`adcgraph:adc/...`).",
    ]
    return "\n".join(lines) + "\n"
