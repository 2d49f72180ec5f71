"""Gather what the graph knows about one ADC into a typed dossier (no rendering here).

The dossier reads the store with bound SPARQL (the ADC and disease are RDF terms, never
pasted text): the ADC's components, its approvals with their label populations, every
resistance claim that applies to it (its own and its payload classes'), grouped by the step
of the ADC's journey the mechanism acts at, the curated strategies that use it, and, from path
analysis, cross-resistance with other ADCs and ranked combination partners.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.combos import Ranking
from adcgraph.evidencefilter import NO_FILTER, EvidenceFilter
from adcgraph.graphdata import Evidence
from adcgraph.storage import store

_COMPONENTS_QUERY = """
SELECT ?adc ?label ?status ?dar
       (GROUP_CONCAT(DISTINCT ?synonym; separator="|") AS ?synonyms)
       (GROUP_CONCAT(DISTINCT ?targetLabel; separator="|") AS ?targets)
       (SAMPLE(?antibodyLabel) AS ?antibody) (SAMPLE(?isotype) AS ?antibodyIsotype)
       (SAMPLE(?payloadLabel) AS ?payload) (SAMPLE(?linkerLabel) AS ?linker)
       (SAMPLE(?cleavable) AS ?isCleavable) (SAMPLE(?cleavageLabel) AS ?cleavage)
       (GROUP_CONCAT(DISTINCT ?classLabel; separator="|") AS ?classes)
       (GROUP_CONCAT(DISTINCT STR(?xref); separator=" ") AS ?xrefs)
WHERE {
  ?adc rdfs:label ?label ; adco:developmentStatus/rdfs:label ?status .
  OPTIONAL { ?adc adco:drugToAntibodyRatio ?dar }
  OPTIONAL { ?adc skos:altLabel ?synonym }
  OPTIONAL { ?adc adco:hasTarget/rdfs:label ?targetLabel }
  OPTIONAL { ?adc adco:hasAntibody ?antibodyNode . ?antibodyNode rdfs:label ?antibodyLabel .
             OPTIONAL { ?antibodyNode adco:isotype ?isotype } }
  OPTIONAL { ?adc adco:hasPayload ?payloadNode . ?payloadNode rdfs:label ?payloadLabel .
             OPTIONAL { ?payloadNode adco:inPayloadClass/adco:broaderPayloadClass* ?class .
                        ?class rdfs:label ?classLabel } }
  OPTIONAL { ?adc adco:hasLinker ?linkerNode . ?linkerNode rdfs:label ?linkerLabel .
             OPTIONAL { ?linkerNode adco:isCleavable ?cleavable }
             OPTIONAL { ?linkerNode adco:cleavage/rdfs:label ?cleavageLabel } }
  OPTIONAL { ?adc skos:exactMatch ?xref }
} GROUP BY ?adc ?label ?status ?dar
"""

_APPROVALS_QUERY = """
SELECT ?adc ?indication ?diseaseLabel ?statusLabel ?agency ?year ?month ?lineLabel ?populationLabel
       ?criteria ?curation ?evidenceLabel
       (GROUP_CONCAT(DISTINCT CONCAT(?geneLabel, " ", ?biomarkerLabel); separator="; ")
          AS ?biomarkers)
       (GROUP_CONCAT(DISTINCT STR(?trial); separator=" ") AS ?trials)
       (GROUP_CONCAT(DISTINCT STR(?source); separator=" ") AS ?sources)
WHERE {
  ?indication a adco:Indication ; rdf:subject ?adc ; rdf:object ?disease ;
              adco:indicationStatus/rdfs:label ?statusLabel ;
              adco:curationStatus/rdfs:label ?curation ;
              adco:evidenceType/rdfs:label ?evidenceLabel .
  ?disease rdfs:label ?diseaseLabel .
  OPTIONAL { ?indication adco:agency ?agency }
  OPTIONAL { ?indication adco:year ?year }
  OPTIONAL { ?indication adco:month ?month }
  OPTIONAL { ?indication adco:lineOfTherapy/rdfs:label ?lineLabel }
  OPTIONAL { ?indication adco:testedIn ?trial }
  OPTIONAL { ?indication dcterms:source ?source }
  OPTIONAL { ?indication adco:inPopulation ?population . ?population rdfs:label ?populationLabel .
             OPTIONAL { ?population adco:selectionCriteria ?criteria }
             OPTIONAL { ?population adco:hasBiomarkerCriterion ?criterion .
                        ?criterion adco:biomarkerGene/rdfs:label ?geneLabel ;
                                   adco:biomarkerStatus/rdfs:label ?biomarkerLabel } }
} GROUP BY ?adc ?indication ?diseaseLabel ?statusLabel ?agency ?year ?month ?lineLabel
           ?populationLabel ?criteria ?curation ?evidenceLabel
ORDER BY ?year ?month ?agency ?diseaseLabel
"""

_CLAIMS_QUERY = """
SELECT ?adc ?claim ?mechanismLabel ?categoryLabel ?stepCode ?stepLabel ?stepOrder ?affectsLabel
       ?own ?diseaseLabel ?populationLabel ?evidenceType ?evidenceLabel ?modelLabel ?curationStatus
       ?curation ?direction ?effect ?n ?finding
       (GROUP_CONCAT(DISTINCT ?geneLabel; separator=", ") AS ?genes)
       (GROUP_CONCAT(DISTINCT STR(?source); separator=" ") AS ?sources)
WHERE {
  ?adc adco:hasPayload/adco:inPayloadClass/adco:broaderPayloadClass* ?class .
  ?claim a adco:ResistanceClaim ; rdf:subject ?mechanism ; rdf:object ?affects ;
         adco:evidenceType ?evidenceType ; adco:curationStatus ?curationStatus ;
         adco:finding ?finding .
  ?evidenceType rdfs:label ?evidenceLabel . ?curationStatus rdfs:label ?curation .
  ?affects rdfs:label ?affectsLabel .
  ?mechanism rdfs:label ?mechanismLabel ; a ?category .
  ?category rdfs:subClassOf adco:ResistanceMechanism ; rdfs:label ?categoryLabel .
  OPTIONAL { ?category adco:actsAtStep ?step . ?step skos:notation ?stepCode ;
             rdfs:label ?stepLabel ; adco:stepOrder ?stepOrder }
  OPTIONAL { ?mechanism adco:involvesGene/rdfs:label ?geneLabel }
  OPTIONAL { ?claim adco:inDiseaseContext/rdfs:label ?diseaseLabel }
  OPTIONAL { ?claim adco:inPopulation/rdfs:label ?populationLabel }
  OPTIONAL { ?claim adco:modelSystem/rdfs:label ?modelLabel }
  OPTIONAL { ?claim adco:evidenceDirectionCode/skos:notation ?direction }
  OPTIONAL { ?claim adco:effectSize ?effect }
  OPTIONAL { ?claim adco:sampleSize ?n }
  OPTIONAL { ?claim dcterms:source ?source }
  FILTER(?affects = ?adc || ?affects = ?class)
  BIND(?affects = ?adc AS ?own)
} GROUP BY ?adc ?claim ?mechanismLabel ?categoryLabel ?stepCode ?stepLabel ?stepOrder ?affectsLabel
           ?own ?diseaseLabel ?populationLabel ?evidenceType ?evidenceLabel ?modelLabel
           ?curationStatus ?curation ?direction ?effect ?n ?finding
ORDER BY ?stepOrder ?mechanismLabel ?claim
"""

_STRATEGIES_QUERY = """
SELECT ?adc ?strategy ?label ?typeLabel ?diseaseLabel ?phaseLabel ?outcomeLabel ?effect ?result
       ?evidenceType ?evidenceLabel ?curationStatus ?curation
       (GROUP_CONCAT(DISTINCT ?partnerLabel; separator=", ") AS ?partners)
       (GROUP_CONCAT(DISTINCT STR(?trial); separator=" ") AS ?trials)
       (GROUP_CONCAT(DISTINCT STR(?source); separator=" ") AS ?sources)
WHERE {
  ?strategy adco:usesAdc ?adc ; rdfs:label ?label ; a ?type ;
            adco:evidenceType ?evidenceType ; adco:curationStatus ?curationStatus .
  ?evidenceType rdfs:label ?evidenceLabel . ?curationStatus rdfs:label ?curation .
  ?type rdfs:subClassOf adco:Strategy ; rdfs:label ?typeLabel .
  OPTIONAL { ?strategy adco:inDiseaseContext/rdfs:label ?diseaseLabel }
  OPTIONAL { ?strategy adco:trialPhase/rdfs:label ?phaseLabel }
  OPTIONAL { ?strategy adco:outcome/rdfs:label ?outcomeLabel }
  OPTIONAL { ?strategy adco:effectSize ?effect }
  OPTIONAL { ?strategy adco:result ?result }
  OPTIONAL { ?strategy adco:usesDrug|adco:usesAdc ?partner . FILTER(?partner != ?adc)
             ?partner rdfs:label ?partnerLabel }
  OPTIONAL { ?strategy adco:testedIn ?trial }
  OPTIONAL { ?strategy dcterms:source ?source }
} GROUP BY ?adc ?strategy ?label ?typeLabel ?diseaseLabel ?phaseLabel ?outcomeLabel ?effect ?result
           ?evidenceType ?evidenceLabel ?curationStatus ?curation
ORDER BY ?typeLabel ?label
"""

_LABEL_QUERY = "SELECT ?node ?label WHERE { ?node rdfs:label ?label } LIMIT 1"
_MAIN_DISEASE_QUERY = """
SELECT ?adc ?disease (COUNT(?claim) AS ?claims) WHERE {
  { ?indication a adco:Indication ; rdf:subject ?adc ; rdf:object ?disease .
    BIND(?indication AS ?claim) }
  UNION
  { ?claim a adco:ResistanceClaim ; rdf:object ?adc ; adco:inDiseaseContext ?disease }
} GROUP BY ?adc ?disease ORDER BY DESC(?claims) STR(?disease) LIMIT 1
"""


@dataclass(frozen=True)
class Components:
    """What the ADC is made of."""

    label: str
    status: str
    synonyms: tuple[str, ...]
    targets: tuple[str, ...]
    antibody: str
    payload: str
    payload_classes: tuple[str, ...]
    linker: str
    cleavable: bool | None
    cleavage: str
    dar: str
    xrefs: tuple[str, ...]


@dataclass(frozen=True)
class Approval:
    """One approval, withdrawal or development status of the ADC in a population."""

    id: str
    disease: str
    status: str
    agency: str
    date: str
    line_of_therapy: str
    population: str
    biomarkers: str
    criteria: str
    trials: tuple[str, ...]
    citations: tuple[str, ...]
    evidence_type: str
    curation_status: str


@dataclass(frozen=True)
class ClaimRow:
    """One resistance claim that applies to the ADC (its own or its payload class's)."""

    id: str
    mechanism: str
    category: str
    genes: str
    applies_to: str
    own: bool
    disease: str
    population: str
    evidence_type: str
    model_system: str
    curation_status: str
    supports: bool
    effect_size: str
    n: str
    finding: str
    citations: tuple[str, ...]


@dataclass
class JourneyStep:
    """The claims whose mechanisms act at one step of the ADC's journey."""

    code: str
    label: str
    order: int
    claims: list[ClaimRow] = field(default_factory=list)


@dataclass(frozen=True)
class StrategyRow:
    """A curated strategy that uses the ADC, with its reported outcome."""

    id: str
    label: str
    strategy_type: str
    partners: str
    disease: str
    phase: str
    outcome: str
    effect_size: str
    result: str
    trials: tuple[str, ...]
    citations: tuple[str, ...]
    evidence_type: str
    curation_status: str


@dataclass
class Dossier:
    """Everything the report shows about one ADC; ``combinations`` is for ``disease``."""

    adc: str
    components: Components
    approvals: list[Approval]
    steps: list[JourneyStep]
    strategies: list[StrategyRow]
    disease: str | None
    disease_label: str | None
    disease_chosen: bool
    cross_resistance: Ranking | None
    combinations: Ranking | None
    version: str
    built: str
    evidence_filter: str = "none"

    @property
    def claims(self) -> list[ClaimRow]:
        return [claim for step in self.steps for claim in step.claims]


def _text(solution: ox.QuerySolution, name: str) -> str:
    term = solution[name]
    return term.value if term is not None else ""


def _curies(value: str) -> tuple[str, ...]:
    return tuple(sorted(vocab.compress(part) for part in value.split()))


def _date(year: str, month: str) -> str:
    if not year:
        return ""
    return f"{year}-{int(month):02d}" if month else year


def read_components(backend: store.Backend, adc: str) -> Components:
    """The ADC's label, status, targets, antibody, payload and classes, linker, DAR, xrefs."""
    rows = list(backend.query(_COMPONENTS_QUERY, {"adc": ox.NamedNode(adc)}))
    if not rows:
        from adcgraph.errors import QueryError

        raise QueryError(f"{vocab.compress(adc)} is not an ADC of this graph")
    row = rows[0]
    cleavable = _text(row, "isCleavable")
    return Components(
        label=_text(row, "label"),
        status=_text(row, "status"),
        synonyms=tuple(sorted(filter(None, _text(row, "synonyms").split("|")))),
        targets=tuple(sorted(filter(None, _text(row, "targets").split("|")))),
        antibody=" ".join(filter(None, (_text(row, "antibody"), _bracket(row, "antibodyIsotype")))),
        payload=_text(row, "payload"),
        payload_classes=tuple(filter(None, _text(row, "classes").split("|"))),
        linker=_text(row, "linker"),
        cleavable=None if not cleavable else cleavable == "true",
        cleavage=_text(row, "cleavage"),
        dar=_text(row, "dar"),
        xrefs=_curies(_text(row, "xrefs")),
    )


def _passes(row: ox.QuerySolution, subject: str, evidence_filter: EvidenceFilter) -> bool:
    """Whether the claim or strategy of a row passes the filter (its concepts' local names)."""
    evidence = Evidence(
        claim=_text(row, subject),
        evidence_type=_text(row, "evidenceType").removeprefix(vocab.ONTOLOGY),
        status=_text(row, "curationStatus").removeprefix(vocab.ONTOLOGY),
        disease=None,
        citations=(),
    )
    return evidence_filter.keeps(evidence)


def _bracket(row: ox.QuerySolution, name: str) -> str:
    value = _text(row, name)
    return f"({value})" if value else ""


def read_approvals(backend: store.Backend, adc: str) -> list[Approval]:
    """Every indication row of the ADC, oldest first, with its label population."""
    return [
        Approval(
            id=vocab.compress(_text(row, "indication")),
            disease=_text(row, "diseaseLabel"),
            status=_text(row, "statusLabel"),
            agency=_text(row, "agency"),
            date=_date(_text(row, "year"), _text(row, "month")),
            line_of_therapy=_text(row, "lineLabel"),
            population=_text(row, "populationLabel"),
            biomarkers=_text(row, "biomarkers"),
            criteria=_text(row, "criteria"),
            trials=_curies(_text(row, "trials")),
            citations=_curies(_text(row, "sources")),
            evidence_type=_text(row, "evidenceLabel"),
            curation_status=_text(row, "curation"),
        )
        for row in backend.query(_APPROVALS_QUERY, {"adc": ox.NamedNode(adc)})
    ]


def read_journey(
    backend: store.Backend, adc: str, evidence_filter: EvidenceFilter = NO_FILTER
) -> list[JourneyStep]:
    """Claims applying to the ADC grouped by journey step, in journey order; only the claims
    ``evidence_filter`` keeps."""
    steps: dict[str, JourneyStep] = {}
    for row in backend.query(_CLAIMS_QUERY, {"adc": ox.NamedNode(adc)}):
        if not _passes(row, "claim", evidence_filter):
            continue
        code = _text(row, "stepCode") or "other"
        step = steps.get(code)
        if step is None:
            order = int(_text(row, "stepOrder") or 99)
            step = steps[code] = JourneyStep(code, _text(row, "stepLabel") or "other", order)
        step.claims.append(
            ClaimRow(
                id=vocab.compress(_text(row, "claim")),
                mechanism=_text(row, "mechanismLabel"),
                category=_text(row, "categoryLabel"),
                genes=_text(row, "genes"),
                applies_to=_text(row, "affectsLabel"),
                own=_text(row, "own") == "true",
                disease=_text(row, "diseaseLabel"),
                population=_text(row, "populationLabel"),
                evidence_type=_text(row, "evidenceLabel"),
                model_system=_text(row, "modelLabel"),
                curation_status=_text(row, "curation"),
                supports=_text(row, "direction") != "does_not_support",
                effect_size=_text(row, "effect"),
                n=_text(row, "n"),
                finding=_text(row, "finding"),
                citations=_curies(_text(row, "sources")),
            )
        )
    return sorted(steps.values(), key=lambda step: step.order)


def read_strategies(
    backend: store.Backend, adc: str, evidence_filter: EvidenceFilter = NO_FILTER
) -> list[StrategyRow]:
    """Curated strategies that use the ADC, by type, with outcomes; only those
    ``evidence_filter`` keeps."""
    return [
        StrategyRow(
            id=vocab.compress(_text(row, "strategy")),
            label=_text(row, "label"),
            strategy_type=_text(row, "typeLabel"),
            partners=_text(row, "partners"),
            disease=_text(row, "diseaseLabel"),
            phase=_text(row, "phaseLabel"),
            outcome=_text(row, "outcomeLabel"),
            effect_size=_text(row, "effect"),
            result=_text(row, "result"),
            trials=_curies(_text(row, "trials")),
            citations=_curies(_text(row, "sources")),
            evidence_type=_text(row, "evidenceLabel"),
            curation_status=_text(row, "curation"),
        )
        for row in backend.query(_STRATEGIES_QUERY, {"adc": ox.NamedNode(adc)})
        if _passes(row, "strategy", evidence_filter)
    ]


def main_disease(backend: store.Backend, adc: str) -> str | None:
    """The disease with most approvals and claims of the ADC (the default for combinations)."""
    rows = list(backend.query(_MAIN_DISEASE_QUERY, {"adc": ox.NamedNode(adc)}))
    return rows[0]["disease"].value if rows else None


def label_of(backend: store.Backend, node: str) -> str:
    rows = list(backend.query(_LABEL_QUERY, {"node": ox.NamedNode(node)}))
    return rows[0]["label"].value if rows else vocab.compress(node)


def build_dossier(
    location: Path | str,
    adc: str,
    disease: str | None = None,
    *,
    top: int = 10,
    n_permutations: int | None = None,
    version: str = "",
    built: str = "",
    evidence_filter: EvidenceFilter = NO_FILTER,
) -> Dossier:
    """Read the dossier of ``adc`` (IRI); combinations are ranked for ``disease`` (IRI).

    Without a disease, combinations are ranked for the disease with most of the ADC's
    approvals and claims, and the dossier says it chose it. ``evidence_filter`` limits the
    mechanisms' claims, the strategies and both rankings to the claims it keeps (approvals,
    regulatory facts, are always shown).

    >>> from adcgraph.storage.locations import default_store_path
    >>> sg = vocab.expand("DRUGBANK:DB12893")
    >>> dossier = build_dossier(default_store_path(), sg)  # doctest: +SKIP
    >>> dossier.components.label  # doctest: +SKIP
    'sacituzumab govitecan'
    """
    from adcgraph.combos import combos, cross_resistance

    backend = store.open_backend(location)
    chosen = disease is None
    if disease is None:
        disease = main_disease(backend, adc)
    combinations = (
        combos(
            location,
            adc,
            disease,
            top=top,
            n_permutations=n_permutations,  # type: ignore[arg-type]
            evidence_filter=evidence_filter,
        )
        if disease
        else None
    )
    return Dossier(
        adc=adc,
        components=read_components(backend, adc),
        approvals=read_approvals(backend, adc),
        steps=read_journey(backend, adc, evidence_filter),
        strategies=read_strategies(backend, adc, evidence_filter),
        disease=disease,
        disease_label=label_of(backend, disease) if disease else None,
        disease_chosen=chosen,
        cross_resistance=cross_resistance(
            location,
            adc,
            top=top,
            n_permutations=n_permutations,  # type: ignore[arg-type]
            evidence_filter=evidence_filter,
        ),
        combinations=combinations,
        version=version,
        built=built,
        evidence_filter=evidence_filter.describe(),
    )


def cited(rows: Iterable[ClaimRow | Approval | StrategyRow]) -> set[str]:
    """Every citation CURIE of some rows."""
    return {citation for row in rows for citation in row.citations}
