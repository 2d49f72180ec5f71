"""Trial conditions as registries write them, read as populations when the graph is built.

A trial row may list its ``conditions`` as ClinicalTrials.gov spells them
(``Carcinoma, Non-Small-Cell Lung``, ``HER2-positive Metastatic Breast Cancer``,
``Relapsed/Refractory AML``). The build reads each through the population resolver, over
an index of the curated tables and the shipped MONDO cancer index (no store is needed, so
lint and build agree), and the trial points at the population it names: a curated
population when one has the same disease, biomarkers and states, else a population node of
its own (``adcgraph:population/<nct>-condition-<n>``). A condition that names no disease,
or is ambiguous, is a lint error naming the file, line and value, with the nearest names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adcgraph.errors import ResolutionError
from adcgraph.resolving.index import Entity, IndexBuilder, NameIndex, add_reference, read_reference


@dataclass(frozen=True)
class Condition:
    """What a registry condition names: a MONDO disease, biomarkers, states, and the
    curated population with exactly those parts (when there is one).

    >>> Condition("Relapsed/Refractory AML", "MONDO:0018874", (), ("relapsed_or_refractory",),
    ...           None, "population name").slug_for("NCT:NCT02785900", 1)
    'adcgraph:population/nct02785900-condition-1'
    """

    text: str
    disease: str
    biomarkers: tuple[Mapping[str, str], ...]
    states: tuple[str, ...]
    population: str | None
    matched: str

    def slug_for(self, trial: str, number: int) -> str:
        """The id of the population node a trial's ``number``-th condition gets."""
        local = trial.split(":", 1)[-1].casefold()
        return f"adcgraph:population/{local}-condition-{number}"


def curation_index(curation: Any) -> NameIndex:
    """A name index of the curated diseases, genes and populations and the reference
    diseases, read from the curated records (no store).

    >>> from pathlib import Path
    >>> from adcgraph.curated.curation import read_sources
    >>> from adcgraph.curated.ontology import controlled_values
    >>> index = curation_index(read_sources(Path("graph/sources"), controlled_values()))
    >>> index.entity("MONDO:0005494").label
    'triple-negative breast carcinoma'
    """
    from adcgraph import vocab

    builder = IndexBuilder()
    for kind, table, label in (
        ("disease", "diseases", "label"),
        ("gene", "genes", "symbol"),
        ("population", "populations", "label"),
    ):
        for record in curation.records(table):
            text = record.one(label) or record.id
            position = builder.add_entity(
                Entity(record.id, vocab.expand(record.id), text, kind)
            )
            builder.add_name(position, "label", text)
            for synonym in record.many("synonyms"):
                builder.add_name(position, "synonym", synonym)
            if table == "diseases":
                builder.parents.setdefault(record.id, set()).update(record.many("parents"))
            if table == "populations":
                builder.details[record.id] = _details(record)
    add_reference(builder, read_reference())
    return builder.build("curation")


def _details(record: Any) -> dict[str, Any]:
    markers = []
    for value in record.many("biomarkers"):
        gene, _, status = value.partition("=")
        markers.append({"gene": gene, "status": status})
    return {
        "disease": record.one("disease"),
        "biomarkers": markers,
        "states": list(record.many("states")),
    }


def read_condition(index: NameIndex, text: str) -> Condition:
    """The population a registry condition names; ResolutionError when it names none or
    several.

    >>> read_condition(index, "Relapsed/Refractory AML").states  # doctest: +SKIP
    ('relapsed_or_refractory',)
    """
    from adcgraph.resolving import resolve_candidates
    from adcgraph.resolving.search import describe

    found = resolve_candidates(index, text, "disease")
    top = [c for c in found if c.score == found[0].score and c.source != "parsed"]
    if len(top) > 1 and found[0].source != "parsed":
        listing = "; ".join(describe(candidate) for candidate in top[:5])
        raise ResolutionError(f"{text!r} is ambiguous: {listing}")
    best = found[0]
    curated = best.id if best.kind == "population" and best.source != "parsed" else None
    exact = curated is not None and best.matched.endswith("same disease, biomarkers and states")
    return Condition(
        text,
        best.disease or best.id,
        tuple(best.biomarkers),
        tuple(best.states),
        curated if exact else None,
        best.matched,
    )


def trial_conditions(curation: Any) -> tuple[dict[str, list[Condition]], list[Any]]:
    """Every trial's conditions read as populations, and an Issue for each that fails."""
    from adcgraph.curated.curation import Issue

    trials = [record for record in curation.records("trials") if record.many("conditions")]
    if not trials:
        return {}, []
    index = curation_index(curation)
    read: dict[str, list[Condition]] = {}
    issues = []
    for record in trials:
        for text in record.many("conditions"):
            try:
                read.setdefault(record.id, []).append(read_condition(index, text))
            except ResolutionError as error:
                message = f"the condition names no population of the graph: {error}"
                issues.append(Issue(record.path, record.line, "conditions", text, message))
    return read, issues


def condition_issues(curation: Any) -> list[Any]:
    """The lint issues of trial conditions (empty when every condition reads)."""
    return trial_conditions(curation)[1]
