"""The project's ontology files and the controlled value lists they define."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from adcgraph import vocab
from adcgraph.errors import ValidationError
from adcgraph.storage import store
from adcgraph.storage.locations import PROJECT_ROOT

ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
ONTOLOGY_FILE = ONTOLOGY_DIR / "adcgraph.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"

#: Controlled lists kept as SKOS concept schemes: list name -> scheme IRI.
CONCEPT_SCHEMES: dict[str, str] = {
    "evidence_type": vocab.ONTOLOGY + "EvidenceTypes",
    "curation_status": vocab.ONTOLOGY + "CurationStatuses",
    "disease_state": vocab.ONTOLOGY + "DiseaseStates",
    "direction": vocab.ONTOLOGY + "EvidenceDirections",
    "model_system": vocab.ONTOLOGY + "ModelSystems",
    "outcome": vocab.ONTOLOGY + "Outcomes",
    "line_of_therapy": vocab.ONTOLOGY + "LinesOfTherapy",
    "biomarker_status": vocab.ONTOLOGY + "BiomarkerStatuses",
    "development_status": vocab.ONTOLOGY + "DevelopmentStatuses",
    "indication_status": vocab.ONTOLOGY + "IndicationStatuses",
    "phase": vocab.ONTOLOGY + "Phases",
    "cleavage": vocab.ONTOLOGY + "CleavageTriggers",
}

#: Controlled lists kept as subclasses: list name -> parent class IRI.
CLASS_LISTS: dict[str, str] = {
    "mechanism_category": vocab.ONTOLOGY + "ResistanceMechanism",
    "strategy_type": vocab.ONTOLOGY + "Strategy",
    "drug_type": vocab.ONTOLOGY + "Drug",
}

_SCHEME_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?scheme ?code ?concept WHERE { ?concept skos:inScheme ?scheme ; skos:notation ?code }
"""
_CLASS_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?parent ?code ?concept WHERE { ?concept rdfs:subClassOf ?parent ; skos:notation ?code }
"""
#: The ECO class of each evidence type (its skos:closeMatch into ECO): list "evidence_class".
_EVIDENCE_CLASS_QUERY = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?scheme ?code ?concept WHERE {
  ?type skos:inScheme ?scheme ; skos:notation ?code ; skos:closeMatch ?concept .
  FILTER(STRSTARTS(STR(?concept), "http://purl.obolibrary.org/obo/ECO_"))
}
"""


@cache
def controlled_values(path: Path = ONTOLOGY_FILE) -> dict[str, dict[str, str]]:
    """Read every controlled list from the ontology: list name -> code -> IRI.

    >>> controlled_values()["evidence_type"]["clinical"]
    'https://w3id.org/adcgraph/ontology#Clinical'
    """
    graph = store.memory_store(store.parse_rdf(path))
    lists: dict[str, dict[str, str]] = {}
    for name, scheme in CONCEPT_SCHEMES.items():
        rows = store.select(graph, _SCHEME_QUERY, {"scheme": store.iri(scheme)})
        lists[name] = {row["code"].value: row["concept"].value for row in rows}
    for name, parent in CLASS_LISTS.items():
        rows = store.select(graph, _CLASS_QUERY, {"parent": store.iri(parent)})
        lists[name] = {row["code"].value: row["concept"].value for row in rows}
    rows = store.select(
        graph, _EVIDENCE_CLASS_QUERY, {"scheme": store.iri(CONCEPT_SCHEMES["evidence_type"])}
    )
    lists["evidence_class"] = {row["code"].value: row["concept"].value for row in rows}
    empty = [name for name, codes in lists.items() if not codes]
    if empty:
        raise ValidationError(f"{path}: no controlled values for {', '.join(empty)}")
    return lists
