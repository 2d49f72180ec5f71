"""Importers on the real files: DOID and HGNC OBO, CIViC evidence; bad input loads nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adcgraph import vocab
from adcgraph.errors import InputFileError, OntologyFileError
from adcgraph.importers import IMPORTERS, ImportOptions, run_import
from adcgraph.storage import store

TNBC = "MONDO:0005494"
HER2_POSITIVE_BREAST_CARCINOMA = "MONDO:0006244"
BREAST_CANCER_DOID = "DOID:1612"
TRASTUZUMAB_EMTANSINE = "DRUGBANK:DB05773"
TACSTD2 = "HGNC:11530"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def store_copy(built, tmp_path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(built.paths.store, target)
    return target


def graph_size(path: Path, graph: str) -> int:
    return len(list(store.open_store(path).quads_for_pattern(None, None, None, store.iri(graph))))


def test_doid_obo_hierarchy_finds_curated_breast_cancers_through_crosswalks(
    store_copy, shared_data
):
    report = run_import(
        "obo",
        [shared_data / "alignment-benchmark" / "doid-cancer-2018.obo"],
        store_copy,
        ImportOptions(name="doid"),
    )
    assert report.graph == vocab.IMPORT_GRAPH_PREFIX + "doid"
    assert "2050 terms" in report.summary
    rows = store.select(
        store.open_store(store_copy),
        """SELECT ?disease ?top WHERE {
             GRAPH <https://w3id.org/adcgraph/graph/curated> {
               ?disease a adco:Disease ; skos:exactMatch ?doid }
             ?doid rdfs:subClassOf* ?top }""",
        {"top": store.iri(BREAST_CANCER_DOID)},
    )
    breast_cancers = {vocab.compress(row["disease"].value) for row in rows}
    assert {TNBC, HER2_POSITIVE_BREAST_CARCINOMA} <= breast_cancers


def test_reimporting_an_ontology_replaces_its_graph(store_copy, shared_data):
    path = shared_data / "alignment-benchmark" / "doid-cancer-2018.obo"
    first = run_import("obo", [path], store_copy, ImportOptions(name="doid"))
    second = run_import("obo", [path], store_copy, ImportOptions(name="doid"))
    assert graph_size(store_copy, first.graph) == first.quads == second.quads


def test_hgnc_obo_with_iri_ids_meets_the_curated_genes(store_copy, shared_data):
    report = run_import("obo", [shared_data / "genes" / "hgnc_import.obo"], store_copy)
    rows = store.select(
        store.open_store(store_copy),
        f"SELECT ?gene ?label WHERE {{ GRAPH <{report.graph}> {{ ?gene rdfs:label ?label }} }}",
        {"gene": store.iri(TACSTD2)},
    )
    assert [row["label"].value for row in rows] == ["TACSTD2"]


def test_civic_keeps_adc_evidence_with_id_level_significance_citation_and_mondo(
    store_copy, shared_data
):
    run_import(
        "sssom",
        [shared_data / "mondo" / "mappings" / "mondo_exactmatch_doid.sssom.tsv"],
        store_copy,
    )
    report = run_import(
        "civic", [shared_data / "civic" / "01-Aug-2024-ClinicalEvidenceSummaries.tsv"], store_copy
    )
    assert report.graph == vocab.IMPORT_GRAPH_PREFIX + "civic"
    rows = store.select(
        store.open_store(store_copy),
        """SELECT ?item ?adc ?id ?level ?significance ?disease ?source WHERE {
             GRAPH <https://w3id.org/adcgraph/graph/import/civic> {
               ?item rdf:object ?adc ; dcterms:identifier ?id ; adco:evidenceLevel ?level ;
                     adco:clinicalSignificance ?significance ; adco:inDiseaseContext ?disease .
               OPTIONAL { ?item dcterms:source ?source } } }""",
    )
    assert len(rows) >= 15
    t_dm1 = [row for row in rows if vocab.compress(row["adc"].value) == TRASTUZUMAB_EMTANSINE]
    assert {row["significance"].value for row in t_dm1} == {"Resistance", "Sensitivity/Response"}
    assert all(row["id"].value.startswith("EID") and row["level"].value in "ABCDE" for row in rows)
    assert any(vocab.compress(row["disease"].value).startswith("MONDO:") for row in rows)
    assert all(
        vocab.compress(row["source"].value).startswith("PMID:") for row in rows if "source" in row
    )


def test_malformed_obo_names_the_line_and_loads_nothing(store_copy):
    before = graph_size(store_copy, vocab.IMPORT_GRAPH_PREFIX + "import_malformed")
    with pytest.raises(OntologyFileError, match=r"import_malformed.obo:\d+"):
        run_import("obo", [FIXTURES / "import_malformed.obo"], store_copy)
    assert graph_size(store_copy, vocab.IMPORT_GRAPH_PREFIX + "import_malformed") == before == 0


def test_a_file_that_is_not_civic_is_refused_with_its_header_line(store_copy):
    with pytest.raises(InputFileError, match=r"align_conflicts.sssom.tsv:1: not a CIViC"):
        run_import("civic", [FIXTURES / "align_conflicts.sssom.tsv"], store_copy)


def test_the_registry_names_every_format_and_refuses_others(store_copy):
    assert {"obo", "owl", "sssom", "civic"} <= set(IMPORTERS)
    with pytest.raises(InputFileError, match="unknown import format"):
        run_import("csv", [FIXTURES / "import_malformed.obo"], store_copy)


def test_owl_rdf_xml_imports_labels_and_subclass_links(store_copy):
    report = run_import("owl", [FIXTURES / "import_tiny.owl"], store_copy)
    rows = store.select(
        store.open_store(store_copy),
        f"SELECT ?child ?label WHERE {{ GRAPH <{report.graph}> {{ ?child rdfs:subClassOf DOID:162 ;"
        " rdfs:label ?label } }",
    )
    assert [(vocab.compress(r["child"].value), r["label"].value) for r in rows] == [
        (BREAST_CANCER_DOID, "breast cancer")
    ]


def test_malformed_owl_names_the_line_and_loads_nothing(store_copy):
    with pytest.raises(OntologyFileError, match=r"import_malformed.owl:11: invalid xml RDF"):
        run_import("owl", [FIXTURES / "import_malformed.owl"], store_copy)
    assert graph_size(store_copy, vocab.IMPORT_GRAPH_PREFIX + "import_malformed") == 0
