"""Turn validated curated records into RDF triples (pure: no I/O).

Entities become nodes typed with ontology classes and keyed by their standard identifiers.
Every claim (resistance, strategy, indication) is a node of its own carrying the direct edge
it qualifies (``rdf:subject`` / ``rdf:predicate`` / ``rdf:object``) and its provenance
(``dcterms:source``, evidence type, disease context and state, curation status), so that the
qualifiers survive any plain RDF 1.1 export; the direct edge is asserted too, for simple
queries and path analysis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.curated.curation import Curation, Record, biomarker_parts
from adcgraph.storage.store import iri, literal

A = ox.NamedNode(vocab.RDF + "type")
LABEL = ox.NamedNode(vocab.RDFS + "label")
SUBCLASS_OF = ox.NamedNode(vocab.RDFS + "subClassOf")
ALT_LABEL = ox.NamedNode(vocab.SKOS + "altLabel")
EXACT_MATCH = ox.NamedNode(vocab.SKOS + "exactMatch")
DESCRIPTION = ox.NamedNode(vocab.DCTERMS + "description")
SOURCE = ox.NamedNode(vocab.DCTERMS + "source")
CREATOR = ox.NamedNode(vocab.DCTERMS + "creator")
IS_PART_OF = ox.NamedNode(vocab.DCTERMS + "isPartOf")
TITLE = ox.NamedNode(vocab.DCTERMS + "title")
RDF_SUBJECT = ox.NamedNode(vocab.RDF + "subject")
RDF_PREDICATE = ox.NamedNode(vocab.RDF + "predicate")
RDF_OBJECT = ox.NamedNode(vocab.RDF + "object")
XSD_BOOLEAN = vocab.XSD + "boolean"
XSD_DECIMAL = vocab.XSD + "decimal"
XSD_INTEGER = vocab.XSD + "integer"

Codes = Mapping[str, Mapping[str, str]]


def adco(name: str) -> ox.NamedNode:
    """An ontology term by local name.

    >>> adco("hasTarget").value
    'https://w3id.org/adcgraph/ontology#hasTarget'
    """
    return ox.NamedNode(vocab.ONTOLOGY + name)


def curated_triples(curation: Curation, codes: Codes) -> Iterator[ox.Triple]:
    """Every triple of the curated graph, table by table.

    >>> from pathlib import Path
    >>> from adcgraph.curated.curation import read_sources
    >>> from adcgraph.curated.ontology import controlled_values
    >>> codes = controlled_values()
    >>> triples = list(curated_triples(read_sources(Path("graph/sources"), codes), codes))
    >>> len(triples) > 10
    True
    """
    mappers = {
        "references": _reference,
        "diseases": _disease,
        "genes": _gene,
        "variants": _variant,
        "payload_classes": _payload_class,
        "payloads": _payload,
        "linkers": _linker,
        "antibodies": _antibody,
        "adcs": _adc,
        "drugs": _drug,
        "trials": _trial_mapper(curation),
        "mechanisms": _mechanism,
        "resistance_claims": _resistance_claim,
        "strategies": _strategy,
        "indications": _indication,
        "populations": _population_mapper(curation),
    }
    for table, mapper in mappers.items():
        for record in curation.records(table):
            yield from mapper(record, codes)


def _labels(node: ox.NamedNode, record: Record, label_column: str = "label") -> Iterator[ox.Triple]:
    yield ox.Triple(node, LABEL, literal(record.one(label_column) or ""))
    for synonym in record.many("synonyms"):
        yield ox.Triple(node, ALT_LABEL, literal(synonym))


def _links(
    node: ox.NamedNode, predicate: ox.NamedNode, values: tuple[str, ...]
) -> Iterator[ox.Triple]:
    for value in values:
        yield ox.Triple(node, predicate, iri(value))


def _code(codes: Codes, scheme: str, value: str | None) -> ox.NamedNode | None:
    return ox.NamedNode(codes[scheme][value]) if value else None


def _provenance(node: ox.NamedNode, record: Record, codes: Codes) -> Iterator[ox.Triple]:
    yield from _links(node, SOURCE, record.many("citations"))
    yield ox.Triple(
        node,
        adco("curationStatus"),
        ox.NamedNode(codes["curation_status"][record.one("curation_status") or ""]),
    )
    if "evidence_type" in record.cells:
        code = record.one("evidence_type") or ""
        yield ox.Triple(node, adco("evidenceType"), ox.NamedNode(codes["evidence_type"][code]))
        if code in codes.get("evidence_class", {}):  # the ECO class, for ECO-aware consumers
            eco = ox.NamedNode(codes["evidence_class"][code])
            yield ox.Triple(node, adco("evidenceClass"), eco)


def _context(node: ox.NamedNode, record: Record, codes: Codes) -> Iterator[ox.Triple]:
    yield from _links(node, adco("inDiseaseContext"), record.many("disease"))
    yield from _links(node, adco("inPopulation"), record.many("population"))
    state = _code(codes, "disease_state", record.one("disease_state"))
    if state:
        yield ox.Triple(node, adco("diseaseState"), state)


def _coded(
    node: ox.NamedNode, predicate: str, codes: Codes, scheme: str, value: str | None
) -> Iterator[ox.Triple]:
    concept = _code(codes, scheme, value)
    if concept:
        yield ox.Triple(node, adco(predicate), concept)


def _text_value(
    node: ox.NamedNode, predicate: str, value: str | None, datatype: str | None = None
) -> Iterator[ox.Triple]:
    if value:
        yield ox.Triple(
            node, adco(predicate), literal(value, datatype) if datatype else literal(value)
        )


def _reified(
    node: ox.NamedNode, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode
) -> Iterator[ox.Triple]:
    yield ox.Triple(subject, predicate, obj)
    yield ox.Triple(node, RDF_SUBJECT, subject)
    yield ox.Triple(node, RDF_PREDICATE, predicate)
    yield ox.Triple(node, RDF_OBJECT, obj)


def _reference(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    yield ox.Triple(node, A, adco("Publication"))
    if record.one("first_author"):
        yield ox.Triple(node, CREATOR, literal(record.one("first_author") or ""))
    if record.one("year"):
        yield ox.Triple(node, adco("year"), literal(record.one("year") or "", XSD_INTEGER))
    if record.one("journal"):
        yield ox.Triple(node, IS_PART_OF, literal(record.one("journal") or ""))
    if record.one("title"):
        yield ox.Triple(node, TITLE, literal(record.one("title") or ""))
    yield from _links(node, EXACT_MATCH, record.many("pmid_or_doi"))
    yield ox.Triple(
        node, adco("identifierVerified"), literal(record.one("verified") == "true", XSD_BOOLEAN)
    )
    yield from _text_value(node, "identifierCheck", record.one("checked"))


def _disease(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    yield ox.Triple(node, A, adco("Disease"))
    yield from _labels(node, record)
    for column in ("mesh", "doid", "ncit", "efo"):
        yield from _links(node, EXACT_MATCH, record.many(column))
    yield from _links(node, SUBCLASS_OF, record.many("parents"))


def _gene(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    yield ox.Triple(node, A, adco("Gene"))
    yield from _labels(node, record, "symbol")
    yield ox.Triple(node, DESCRIPTION, literal(record.one("name") or ""))


def _variant(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    yield ox.Triple(node, A, adco("Variant"))
    yield from _labels(node, record)
    yield from _links(node, adco("variantOf"), record.many("gene"))
    if record.one("change"):
        yield ox.Triple(node, adco("proteinChange"), literal(record.one("change") or ""))


def _payload_class(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    yield ox.Triple(node, A, adco("PayloadClass"))
    yield from _labels(node, record)
    yield from _links(node, adco("broaderPayloadClass"), record.many("parent"))
    yield ox.Triple(
        node, adco("mechanismOfAction"), literal(record.one("mechanism_of_action") or "")
    )
    yield from _links(node, EXACT_MATCH, record.many("xrefs"))


def _payload(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    yield ox.Triple(node, A, adco("Payload"))
    yield from _labels(node, record)
    yield from _links(node, adco("inPayloadClass"), record.many("payload_class"))
    yield from _links(node, EXACT_MATCH, record.many("xrefs"))


def _linker(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    cleavable = record.one("cleavable") == "true"
    yield ox.Triple(node, A, adco("Linker"))
    yield from _labels(node, record)
    yield ox.Triple(node, adco("isCleavable"), literal(cleavable, XSD_BOOLEAN))
    yield ox.Triple(
        node, adco("cleavage"), ox.NamedNode(codes["cleavage"][record.one("cleavage") or ""])
    )
    if record.one("chemistry"):
        yield ox.Triple(node, adco("linkerChemistry"), literal(record.one("chemistry") or ""))


def _antibody(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    yield ox.Triple(node, A, adco("Antibody"))
    yield from _labels(node, record)
    yield from _links(node, adco("hasTarget"), record.many("targets"))
    if record.one("isotype"):
        yield ox.Triple(node, adco("isotype"), literal(record.one("isotype") or ""))


def _adc(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    yield ox.Triple(node, A, adco("ADC"))
    yield from _labels(node, record)
    yield from _links(node, adco("hasTarget"), record.many("targets"))
    yield from _links(node, adco("hasAntibody"), record.many("antibody"))
    yield from _links(node, adco("hasPayload"), record.many("payload"))
    yield from _links(node, adco("hasLinker"), record.many("linker"))
    if record.one("dar"):
        yield ox.Triple(
            node, adco("drugToAntibodyRatio"), literal(record.one("dar") or "", XSD_DECIMAL)
        )
    yield from _links(node, EXACT_MATCH, record.many("xrefs"))
    yield ox.Triple(
        node,
        adco("developmentStatus"),
        ox.NamedNode(codes["development_status"][record.one("development_status") or ""]),
    )
    yield from _provenance(node, record, codes)


def _drug(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    yield ox.Triple(node, A, ox.NamedNode(codes["drug_type"][record.one("drug_type") or ""]))
    yield ox.Triple(node, A, adco("Drug"))
    yield from _labels(node, record)
    yield ox.Triple(node, adco("drugClass"), literal(record.one("drug_class") or ""))
    yield from _links(node, adco("inhibits"), record.many("targets"))
    yield from _links(node, EXACT_MATCH, record.many("xrefs"))


def _trial_mapper(curation: Curation) -> Callable[[Record, Codes], Iterator[ox.Triple]]:
    """The trials mapper, with each trial's registry conditions read as populations."""
    from adcgraph.resolving.conditions import trial_conditions

    conditions, _ = trial_conditions(curation)
    symbols = {gene.id: gene.one("symbol") or gene.id for gene in curation.records("genes")}

    def mapper(record: Record, codes: Codes) -> Iterator[ox.Triple]:
        yield from _trial(record, codes)
        yield from _trial_populations(record, codes, conditions.get(record.id, []), symbols)

    return mapper


def _trial(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    yield ox.Triple(node, A, adco("ClinicalTrial"))
    yield from _labels(node, record)
    yield ox.Triple(
        node, adco("trialPhase"), ox.NamedNode(codes["phase"][record.one("phase") or ""])
    )
    yield from _text_value(node, "startYear", record.one("start_year"), XSD_INTEGER)
    yield from _links(node, SOURCE, record.many("citations"))


def _trial_populations(
    record: Record, codes: Codes, conditions: list[Any], symbols: Mapping[str, str]
) -> Iterator[ox.Triple]:
    """A trial's populations: the curated ones it names, and one per registry condition
    (the curated population with the same parts, else a population node of the trial's)."""
    node = iri(record.id)
    yield from _links(node, adco("inPopulation"), record.many("population"))
    diseases = set()
    for number, condition in enumerate(conditions, start=1):
        yield ox.Triple(node, adco("registryCondition"), literal(condition.text))
        diseases.add(condition.disease)
        if condition.population:
            yield ox.Triple(node, adco("inPopulation"), iri(condition.population))
            continue
        identifier = condition.slug_for(record.id, number)
        cells = {
            "id": (identifier,),
            "label": (condition.text,),
            "disease": (condition.disease,),
            "biomarkers": tuple(f"{m['gene']}={m['status']}" for m in condition.biomarkers),
            "states": condition.states,
            "criteria": (),
            "synonyms": (),
        }
        derived = Record("populations", record.path, record.line, cells)
        yield ox.Triple(node, adco("inPopulation"), iri(identifier))
        yield from _population(derived, codes, symbols)
        yield ox.Triple(iri(identifier), adco("registryCondition"), literal(condition.text))
    yield from _links(node, adco("inDiseaseContext"), tuple(sorted(diseases)))


def _mechanism(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    yield ox.Triple(
        node, A, ox.NamedNode(codes["mechanism_category"][record.one("category") or ""])
    )
    yield ox.Triple(node, A, adco("ResistanceMechanism"))  # queries and shapes need no reasoner
    yield ox.Triple(node, LABEL, literal(record.one("label") or ""))
    yield from _links(node, adco("involvesGene"), record.many("genes"))
    yield from _links(node, adco("involvesVariant"), record.many("variants"))
    yield ox.Triple(node, DESCRIPTION, literal(record.one("definition") or ""))


def _resistance_claim(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    yield ox.Triple(node, A, adco("ResistanceClaim"))
    mechanism, affects = iri(record.one("mechanism") or ""), iri(record.one("affects") or "")
    if record.one("direction") == "does_not_support":
        # Negative evidence keeps its reified statement but asserts no resistance edge.
        yield ox.Triple(node, RDF_SUBJECT, mechanism)
        yield ox.Triple(node, RDF_PREDICATE, adco("confersResistanceTo"))
        yield ox.Triple(node, RDF_OBJECT, affects)
    else:
        yield from _reified(node, mechanism, adco("confersResistanceTo"), affects)
    yield from _context(node, record, codes)
    yield from _provenance(node, record, codes)
    yield from _coded(node, "evidenceDirectionCode", codes, "direction", record.one("direction"))
    yield from _coded(node, "modelSystem", codes, "model_system", record.one("model_system"))
    yield from _text_value(node, "effectSize", record.one("effect_size"))
    yield from _text_value(node, "sampleSize", record.one("n"), XSD_INTEGER)
    yield ox.Triple(node, adco("finding"), literal(record.one("finding") or ""))


def _strategy(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    yield ox.Triple(
        node, A, ox.NamedNode(codes["strategy_type"][record.one("strategy_type") or ""])
    )
    yield ox.Triple(node, A, adco("Strategy"))
    yield ox.Triple(node, LABEL, literal(record.one("label") or ""))
    yield from _links(node, adco("usesAdc"), record.many("adcs"))
    yield from _links(node, adco("usesDrug"), record.many("drugs"))
    yield from _links(node, adco("addresses"), record.many("addresses"))
    yield from _links(node, adco("testedIn"), record.many("trials"))
    yield ox.Triple(
        node, adco("trialPhase"), ox.NamedNode(codes["phase"][record.one("phase") or ""])
    )
    if record.one("result"):
        yield ox.Triple(node, adco("result"), literal(record.one("result") or ""))
    yield from _coded(node, "outcome", codes, "outcome", record.one("outcome"))
    yield from _text_value(node, "effectSize", record.one("effect_size"))
    yield from _context(node, record, codes)
    yield from _provenance(node, record, codes)


def _indication(record: Record, codes: Codes) -> Iterator[ox.Triple]:
    node = iri(record.id)
    status = record.one("status") or ""
    yield ox.Triple(node, A, adco("Indication"))
    adc, disease = iri(record.one("adc") or ""), iri(record.one("disease") or "")
    if status in ("approved", "accelerated_approval", "conditional_approval"):
        yield from _reified(node, adc, adco("approvedFor"), disease)
    elif status != "withdrawn":
        yield from _reified(node, adc, adco("inDevelopmentFor"), disease)
    else:
        yield ox.Triple(node, RDF_SUBJECT, adc)
        yield ox.Triple(node, RDF_OBJECT, disease)
    yield ox.Triple(
        node, adco("indicationStatus"), ox.NamedNode(codes["indication_status"][status])
    )
    if record.one("agency"):
        yield ox.Triple(node, adco("agency"), literal(record.one("agency") or ""))
    if record.one("year"):
        yield ox.Triple(node, adco("year"), literal(record.one("year") or "", XSD_INTEGER))
    month = record.one("month")
    yield from _text_value(node, "month", month.lstrip("0") if month else None, XSD_INTEGER)
    yield from _coded(
        node, "lineOfTherapy", codes, "line_of_therapy", record.one("line_of_therapy")
    )
    yield from _links(node, adco("testedIn"), record.many("trials"))
    yield from _context(node, record, codes)
    yield from _provenance(node, record, codes)


def _population_mapper(curation: Curation) -> Callable[[Record, Codes], Iterator[ox.Triple]]:
    """The populations mapper, knowing gene symbols to label each biomarker criterion."""
    symbols = {gene.id: gene.one("symbol") or gene.id for gene in curation.records("genes")}

    def mapper(record: Record, codes: Codes) -> Iterator[ox.Triple]:
        return _population(record, codes, symbols)

    return mapper


def _population(
    record: Record, codes: Codes, symbols: Mapping[str, str] | None = None
) -> Iterator[ox.Triple]:
    """A population: its disease, one node per biomarker criterion, its clinical states.

    A criterion is a node of its own (``<population>/biomarker/<HGNC number>-<status>``)
    labelled ``<symbol> <status>`` (``ERBB2 low``), so a query can ask for the gene and the
    status separately and every export shows a readable name.
    """
    node = iri(record.id)
    yield ox.Triple(node, A, adco("Population"))
    yield from _labels(node, record)
    yield from _links(node, adco("populationDisease"), record.many("disease"))
    for value in record.many("biomarkers"):
        gene, status = biomarker_parts(value)
        criterion = ox.NamedNode(f"{node.value}/biomarker/{gene.split(':')[1]}-{status}")
        yield ox.Triple(node, adco("hasBiomarkerCriterion"), criterion)
        yield ox.Triple(criterion, A, adco("BiomarkerCriterion"))
        symbol = (symbols or {}).get(gene, gene)
        yield ox.Triple(criterion, LABEL, literal(f"{symbol} {status.replace('_', ' ')}"))
        yield ox.Triple(criterion, adco("biomarkerGene"), iri(gene))
        yield from _coded(criterion, "biomarkerStatus", codes, "biomarker_status", status)
    for state in record.many("states"):
        yield from _coded(node, "diseaseState", codes, "disease_state", state)
    yield from _text_value(node, "selectionCriteria", record.one("criteria"))
