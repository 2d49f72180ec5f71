"""Importers of the open drug, target, indication and pathway releases, and the reference layer."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from adcgraph import vocab
from adcgraph.errors import InputFileError
from adcgraph.importers import ImportOptions, run_import
from adcgraph.importers.bulk import BIOLINK_PREDICATES
from adcgraph.importers.opentargets import read_opentargets
from adcgraph.importers.pathways import gmt_rows, read_famplex, read_msigdb
from adcgraph.importers.records import layer_names, mapped_predicate, read_layer
from adcgraph.reference import REFERENCE_DIR
from adcgraph.stats import graph_stats
from adcgraph.storage import store

OT = "drug-targets/opentargets-22.04"
OLAPARIB = "DRUGBANK:DB09074"
PARP1 = "HGNC:270"
PEMBROLIZUMAB = "DRUGBANK:DB09037"
PDCD1 = "HGNC:8760"


@pytest.fixture(scope="module")
def opentargets(request):
    data = Path(__file__).resolve().parents[1].parent / "shared" / "data"
    if not (data / OT).is_dir():
        pytest.skip("../shared/data is not present")
    return read_opentargets(
        data / OT / "molecule.jsonl.gz",
        data / OT / "mechanismOfAction.jsonl.gz",
        data / "indications/opentargets-22.04/indication.jsonl.gz",
        data,
    )


def test_open_targets_drugs_are_drugbank_genes_hgnc_diseases_mondo(opentargets):
    edges = {(e.subject, e.predicate, e.object) for e in opentargets.edges}
    assert (OLAPARIB, "inhibits", PARP1) in edges
    assert (PEMBROLIZUMAB, "inhibits", PDCD1) in edges
    assert opentargets.nodes[OLAPARIB].xrefs == ("CHEMBL.COMPOUND:CHEMBL521686",)
    diseases = {e.object for e in opentargets.edges if e.predicate in ("treats", "studiedToTreat")}
    assert diseases and all(d.startswith("MONDO:") for d in diseases)
    # Pembrolizumab is approved (phase 4) in at least one MONDO disease, with its trials cited.
    approved = [
        e for e in opentargets.edges if e.subject == PEMBROLIZUMAB and e.predicate == "treats"
    ]
    assert approved and any(c.startswith("NCT:") for e in approved for c in e.citations)


def test_open_targets_unmapped_identifiers_are_counted_not_dropped(opentargets):
    assert opentargets.unmapped["disease (EFO/HP without MONDO)"] > 1000
    assert "unmapped: disease" in opentargets.summary()


def test_mechanism_rows_cite_their_chembl_references(opentargets):
    olaparib = [e for e in opentargets.edges if (e.subject, e.object) == (OLAPARIB, PARP1)]
    assert olaparib[0].qualifier == "INHIBITOR: PARP 1, 2 and 3 inhibitor"
    mechanisms = [e for e in opentargets.edges if e.predicate == "inhibits"]
    cited = [e for e in mechanisms if any(c.startswith(("PMID:", "DOI:")) for c in e.citations)]
    assert len(cited) > len(mechanisms) / 2


def _tiny_opentargets(directory: Path, bad_line: str | None) -> list[Path]:
    molecule = {
        "id": "CHEMBL521686",
        "name": "OLAPARIB",
        "drugType": "Small molecule",
        "crossReferences": {"drugbank": ["DB09074"]},
    }
    mechanism = {
        "actionType": "INHIBITOR",
        "mechanismOfAction": "PARP 1 inhibitor",
        "chemblIds": ["CHEMBL521686"],
        "targets": ["ENSG00000143799"],
        "references": [{"source": "PubMed", "ids": ["12345678"]}],
    }
    indication = {
        "id": "CHEMBL521686",
        "indications": [
            {
                "disease": "MONDO_0005494",
                "efoName": "triple-negative breast cancer",
                "maxPhaseForIndication": 3,
                "references": [{"source": "ClinicalTrials", "ids": ["NCT04039230"]}],
            },
            {"disease": "EFO_9999999", "efoName": "x", "maxPhaseForIndication": 2},
        ],
    }
    files = []
    for name, line in (
        ("molecule", molecule),
        ("mechanismOfAction", mechanism),
        ("indication", indication),
    ):
        path = directory / f"{name}.jsonl.gz"
        lines = [json.dumps(line)] + (
            [bad_line] if bad_line and name == "mechanismOfAction" else []
        )
        with gzip.open(path, "wt", encoding="utf-8") as stream:
            stream.write("\n".join(lines) + "\n")
        files.append(path)
    return files


@pytest.fixture
def store_copy(built, tmp_path):
    target = tmp_path / "store"
    shutil.copytree(built.paths.store, target)
    return target


def test_import_writes_its_own_graph_with_metadata_and_counts(store_copy, tmp_path, shared_data):
    report = run_import("opentargets", _tiny_opentargets(tmp_path, None), store_copy)
    assert report.graph == vocab.IMPORT_GRAPH_PREFIX + "opentargets"
    assert "disease (EFO/HP without MONDO) 1" in report.summary
    sources = graph_stats(store.open_backend(store_copy)).sources
    assert sources["adcgraph.graph:import/opentargets"]["release"] == "22.04"
    assert "publicdomain/zero" in sources["adcgraph.graph:import/opentargets"]["licence"]
    rows = list(
        store.open_backend(store_copy).query(
            "SELECT ?d ?x ?trial WHERE { ?r a adco:SourceRecord ; rdf:subject ?d ; rdf:object ?x ; "
            "dcterms:source ?trial }",
            {"d": store.iri(OLAPARIB), "x": store.iri("MONDO:0005494")},
        )
    )
    assert "NCT:NCT04039230" in {vocab.compress(r["trial"].value) for r in rows}


def test_a_malformed_json_line_stops_with_file_line_and_leaves_the_store(
    store_copy, tmp_path, shared_data
):
    before = store.store_version(store_copy)["version"]
    files = _tiny_opentargets(tmp_path, '{"actionType": "INHIBITOR", ')
    expected = r"mechanismOfAction\.jsonl\.gz:2: column \d+: not JSON .*expected one mechanismOf"
    with pytest.raises(InputFileError, match=expected):
        run_import("opentargets", files, store_copy)
    assert store.store_version(store_copy)["version"] == before
    graphs = {str(g.value) for g in store.open_store(store_copy).named_graphs()}
    assert vocab.IMPORT_GRAPH_PREFIX + "opentargets" not in graphs


def test_a_malformed_gmt_row_names_file_and_line(tmp_path):
    gmt = tmp_path / "sets.gmt"
    gmt.write_text("HALLMARK_A\turl\tPARP1\tATR\nHALLMARK_B\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"sets\.gmt:2: expected a GMT row"):
        list(gmt_rows(gmt))


def test_gene_sets_and_families_map_to_hgnc(shared_data):
    hallmark = read_msigdb(
        shared_data / "pathways/msigdb-hallmark/h.all.v7.4.symbols.gmt", shared_data
    )
    dna_repair = {e.subject for e in hallmark.edges if e.object == "MSIGDB:HALLMARK_DNA_REPAIR"}
    assert "ERCC1" in {hallmark.nodes[g].label for g in dna_repair} and len(dna_repair) > 100
    famplex = read_famplex(shared_data / "pathways/famplex/relations.csv", shared_data)
    assert (PARP1, "memberOf", "FPLX:PARP") in {
        (e.subject, e.predicate, e.object) for e in famplex.edges
    }
    assert famplex.unmapped  # new HGNC symbols the 2016 gene table lacks are counted


def test_drugcentral_is_an_optional_import_with_its_licence(store_copy, shared_data):
    path = shared_data / "drug-targets/drugcentral-2018/drug.target.interaction.tsv.gz"
    report = run_import("drugcentral", [path], store_copy, ImportOptions(name="drugcentral"))
    sources = graph_stats(store.open_backend(store_copy)).sources
    assert "by-sa" in sources["adcgraph.graph:import/drugcentral"]["licence"]
    assert report.quads > 1000


def test_one_predicate_map_serves_every_importer_and_kgx():
    assert mapped_predicate("opentargets", "ANTAGONIST") == "inhibits"
    assert mapped_predicate("reactome", "member") == "participatesIn"
    assert BIOLINK_PREDICATES["biolink:treats"] == mapped_predicate(
        "opentargets", "indication-approved"
    )
    assert BIOLINK_PREDICATES["biolink:participates_in"] == "participatesIn"


def test_reference_layer_is_small_open_and_loaded_by_build(built):
    size = sum(p.stat().st_size for p in REFERENCE_DIR.iterdir())
    assert size < 10 * 2**20
    names = layer_names(REFERENCE_DIR)
    assert {"opentargets", "reactome", "msigdb", "wikipathways", "gobp", "famplex"} <= set(names)
    licences = {read_layer(REFERENCE_DIR, n).info.licence for n in names}
    assert all("by-sa" not in licence and "-nc" not in licence for licence in licences)
    assert (REFERENCE_DIR / "README.md").is_file() and (REFERENCE_DIR / "LICENSE.md").is_file()
    sources = graph_stats(built.backend).sources
    assert {f"adcgraph.graph:reference/{n}" for n in names} <= set(sources)
