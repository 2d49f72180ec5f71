"""Trials point to populations: curated ones, and the conditions registries write."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from adcgraph.curated.curation import TABLES, read_sources
from adcgraph.curated.ontology import controlled_values
from adcgraph.curated.triples import curated_triples
from adcgraph.errors import InputFileError

ADCO = "https://w3id.org/adcgraph/ontology#"
#: Conditions as ClinicalTrials.gov writes them (MeSH-inverted, biomarker and state in text).
CONDITIONS = (
    "Carcinoma, Non-Small-Cell Lung",
    "HER2-positive Metastatic Breast Cancer",
    "Relapsed/Refractory AML",
)


def _with_trial_columns(sources: Path, population: str, conditions: str) -> tuple[Path, int]:
    """Add the two late columns to trials.tsv (its fragments keep the old header) and fill
    them on the first trial row; return the file and that line."""
    path = sources / "trials.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += "\tpopulation\tconditions"
    lines[1] += f"\t{population}\t{conditions}"
    lines[2:] = [line + "\t\t" for line in lines[2:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, 2


def _triples(sources: Path) -> tuple[str, ox.Store]:
    codes = controlled_values()
    curation = read_sources(sources, codes)
    trial = curation.records("trials")[0].id
    store = ox.Store()
    for triple in curated_triples(curation, codes):
        store.add(ox.Quad(triple.subject, triple.predicate, triple.object))
    return trial, store


def _objects(store: ox.Store, subject: ox.NamedNode, predicate: str) -> set[str]:
    found = store.quads_for_pattern(subject, ox.NamedNode(ADCO + predicate), None)
    return {quad.object.value for quad in found}


def test_fragments_without_the_late_trial_columns_still_read():
    trials = TABLES["trials"]
    assert trials.header[-2:] == ["population", "conditions"]
    for path in trials.files(Path("graph/sources")):
        header = path.read_text(encoding="utf-8").splitlines()[0].split("\t")
        assert trials.accepts_header(header), path


def test_a_trial_points_to_its_curated_population_and_its_registry_conditions(sources_copy):
    curation = read_sources(sources_copy, controlled_values())
    population = curation.records("populations")[0].id
    _with_trial_columns(sources_copy, population, "|".join(CONDITIONS))
    trial, store = _triples(sources_copy)
    from adcgraph import vocab

    node = ox.NamedNode(vocab.expand(trial))
    assert _objects(store, node, "registryCondition") == set(CONDITIONS)
    populations = _objects(store, node, "inPopulation")
    assert vocab.expand(population) in populations
    derived = {}
    for value in populations - {vocab.expand(population)}:
        subject = ox.NamedNode(value)
        (text,) = _objects(store, subject, "registryCondition")
        (disease,) = _objects(store, subject, "populationDisease")
        criteria = _objects(store, subject, "hasBiomarkerCriterion")
        genes = {g for c in criteria for g in _objects(store, ox.NamedNode(c), "biomarkerGene")}
        states = {s.rsplit("#", 1)[-1].casefold() for s in _objects(store, subject, "diseaseState")}
        derived[text] = (vocab.compress(disease), {vocab.compress(g) for g in genes}, states)
    assert derived["Carcinoma, Non-Small-Cell Lung"] == ("MONDO:0005233", set(), set())
    disease, genes, states = derived["HER2-positive Metastatic Breast Cancer"]
    assert (disease, genes) == ("MONDO:0006244", {"HGNC:3430"})
    assert states == {"metastatic"}
    disease, genes, states = derived["Relapsed/Refractory AML"]
    assert (disease, genes) == ("MONDO:0018874", set())
    assert states == {"relapsedorrefractory"}
    contexts = {vocab.compress(d) for d in _objects(store, node, "inDiseaseContext")}
    assert contexts == {"MONDO:0005233", "MONDO:0006244", "MONDO:0018874"}


def test_a_condition_that_names_no_disease_is_refused_with_file_line_and_value(sources_copy):
    path, line = _with_trial_columns(sources_copy, "", "Carcinoma, Non-Small-Cell Lung|XYZZY-high")
    with pytest.raises(InputFileError) as error:
        read_sources(sources_copy, controlled_values())
    message = str(error.value)
    assert f"{path}:{line} column 'conditions'" in message
    assert "XYZZY-high" in message
