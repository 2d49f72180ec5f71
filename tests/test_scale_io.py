"""Bulk import (N-Triples, KGX) and exports for other ecosystems (KGX TSV, GraphML)."""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from adcgraph import vocab
from adcgraph.cli import cli
from adcgraph.combos import _scored_metaedges, disease_lineage, scored_predicates, weighted_edges
from adcgraph.errors import InputFileError
from adcgraph.graphdata import read_graph_data
from adcgraph.hetmat import HetMat
from adcgraph.importers import run_import
from adcgraph.storage import store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import generate_hetnet

TOP1 = vocab.expand("HGNC:11986")


@pytest.fixture
def store_copy(built, tmp_path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(built.paths.store, target)
    return target


def _count(path: Path, graph: str) -> int:
    rows = store.open_backend(path).query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        {"g": store.iri(graph)},
    )
    return sum(int(row["n"].value) for row in rows)


def test_bulk_import_of_ntriples_goes_into_its_own_graph_and_changes_the_version(
    store_copy, tmp_path
):
    hetnet = tmp_path / "hetnet.nt"
    written = generate_hetnet.write_hetnet(hetnet, 5000, seed=1, fmt="nt")
    version_before = store.store_version(store_copy)["version"]
    report = run_import("ntriples", [hetnet], store_copy)
    assert report.quads == written
    assert _count(store_copy, vocab.IMPORT_GRAPH_PREFIX + "hetnet") == written
    assert store.store_version(store_copy)["version"] != version_before


def test_a_malformed_line_mid_import_leaves_the_store_as_it_was(store_copy, tmp_path):
    broken = tmp_path / "broken.nt"
    good = "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"
    broken.write_text(good * 1000 + "<http://example.org/a> <oops\n" + good, encoding="utf-8")
    before = _count(store_copy, vocab.CURATED_GRAPH)
    version = store.store_version(store_copy)
    with pytest.raises(InputFileError) as error:
        run_import("ntriples", [broken], store_copy)
    assert "broken.nt" in str(error.value) and "nothing was imported" in str(error.value)
    assert _count(store_copy, vocab.IMPORT_GRAPH_PREFIX + "broken") == 0
    assert _count(store_copy, vocab.CURATED_GRAPH) == before
    assert store.store_version(store_copy) == version


def test_kgx_import_joins_curated_nodes_through_shared_identifiers(store_copy, tmp_path):
    nodes = tmp_path / "extra_nodes.tsv"
    edges = tmp_path / "extra_edges.tsv"
    nodes.write_text(
        "id\tcategory\tname\nHGNC:11986\tbiolink:Gene\tTOP1\n"
        "CHEBI:46345\tbiolink:SmallMolecule\tsome inhibitor\n",
        encoding="utf-8",
    )
    edges.write_text(
        "subject\tpredicate\tobject\nCHEBI:46345\tadco:inhibits\tHGNC:11986\n", encoding="utf-8"
    )
    report = run_import("kgx", [nodes, edges], store_copy)
    assert report.quads > 0
    ask = store.open_backend(store_copy).query(
        "ASK { ?drug adco:inhibits ?gene . ?gene a adco:Gene ; rdfs:label 'TOP1' }",
        {"gene": store.iri(TOP1)},
    )
    assert bool(ask)


def test_kgx_import_reports_file_and_line_of_a_bad_identifier(store_copy, tmp_path):
    nodes = tmp_path / "bad_nodes.tsv"
    edges = tmp_path / "bad_edges.tsv"
    nodes.write_text("id\tcategory\tname\nFOO:1\tbiolink:Gene\tx\n", encoding="utf-8")
    edges.write_text("subject\tpredicate\tobject\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"bad_nodes.tsv:2: column 'id'"):
        run_import("kgx", [nodes, edges], store_copy)


def test_kgx_export_keeps_biolink_predicates_and_claim_provenance(built, tmp_path):
    result = CliRunner().invoke(
        cli,
        ["export", "--format", "kgx", "-o", str(tmp_path / "g"), "--store", str(built.paths.store)],
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "g_edges.tsv").open(encoding="utf-8") as stream:
        edges = list(csv.DictReader(stream, delimiter="\t"))
    claims = [e for e in edges if e["original_predicate"] == "adco:confersResistanceTo"]
    assert claims and all(e["predicate"].startswith("biolink:") for e in edges)
    assert all(
        e["publications"] and e["adco:evidenceType"] and e["adco:curationStatus"] for e in claims
    )
    with (tmp_path / "g_nodes.tsv").open(encoding="utf-8") as stream:
        node_ids = {row["id"] for row in csv.DictReader(stream, delimiter="\t")}
    assert {e["subject"] for e in edges} <= node_ids
    copy = tmp_path / "store"
    shutil.copytree(built.paths.store, copy)
    run_import("kgx", [tmp_path / "g_nodes.tsv", tmp_path / "g_edges.tsv"], copy)
    ask = store.open_backend(copy).query(
        f"ASK {{ GRAPH ?g {{ ?adc adco:hasTarget ?gene }} FILTER(?g != <{vocab.CURATED_GRAPH}>) }}"
    )
    assert bool(ask), "a KGX export imported back keeps the project's predicates and ids"


def test_graphml_export_opens_in_networkx(built, tmp_path):
    output = tmp_path / "g.graphml"
    result = CliRunner().invoke(
        cli, ["export", "--format", "graphml", "-o", str(output), "--store", str(built.paths.store)]
    )
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(output)
    assert graph.nodes["DRUGBANK:DB12893"]["type"] == "ADC"
    assert graph.number_of_edges() > 300


def test_a_graph_too_large_for_memory_is_refused_before_reading(store_copy, tmp_path, monkeypatch):
    from adcgraph import graphdata
    from adcgraph.errors import StoreError

    hetnet = tmp_path / "big.nt"
    generate_hetnet.write_hetnet(hetnet, 2000, seed=2, fmt="nt")
    run_import("ntriples", [hetnet], store_copy)
    monkeypatch.setattr(graphdata, "available_memory", lambda: 1024)
    with pytest.raises(StoreError, match="GiB is available"):
        graphdata.read_graph_data(store_copy, scope="all")


def test_a_rebuild_keeps_imported_graphs_and_replaces_the_curated_ones(store_copy, tmp_path):
    from adcgraph.curated.build import BuildPaths, build

    hetnet = tmp_path / "kept.nt"
    written = generate_hetnet.write_hetnet(hetnet, 1000, seed=3, fmt="nt")
    run_import("ntriples", [hetnet], store_copy)
    curated = _count(store_copy, vocab.CURATED_GRAPH)
    before = store.store_version(store_copy)
    report = build(
        BuildPaths(store=store_copy, release=None, inferred_release=None), run_reasoner=False
    )
    after = store.store_version(store_copy)
    assert _count(store_copy, vocab.IMPORT_GRAPH_PREFIX + "kept") == written
    assert _count(store_copy, vocab.CURATED_GRAPH) == curated == report.curated_triples
    assert _count(store_copy, vocab.INFERRED_GRAPH) == 0  # rebuilt without the reasoner
    assert after["imports"] == before["imports"] and after["version"] != before["version"]


def test_scoring_reads_only_its_predicates_and_builds_the_same_matrices(store_copy, tmp_path):
    hetnet = tmp_path / "hetnet.nt"
    generate_hetnet.write_hetnet(hetnet, 20000, seed=2, fmt="nt")
    run_import("ntriples", [hetnet], store_copy)
    everything = read_graph_data(store_copy, scope="all")
    scored = read_graph_data(store_copy, scope="all", predicates=scored_predicates())
    assert {p for _, p, _ in scored.edges} <= scored_predicates()
    assert "interactsWith" in {p for _, p, _ in everything.edges}
    assert len(scored.edges) < len(everything.edges)

    lineage = disease_lineage(read_graph_data(store_copy), vocab.expand("MONDO:0005494"))
    full = HetMat.from_edges(everything.node_types.items(), weighted_edges(everything, lineage))
    lean = HetMat.from_edges(scored.node_types.items(), weighted_edges(scored, lineage))
    metaedges = _scored_metaedges(full)
    assert metaedges == _scored_metaedges(lean)
    for metaedge in metaedges:
        assert (full.adjacency[metaedge] != lean.adjacency[metaedge]).nnz == 0, metaedge


def test_imported_doid_disease_and_identifiers_org_gene_meet_the_curated_nodes(
    store_copy, tmp_path
):
    tnbc_doid = vocab.expand("DOID:0060081")
    top1_identifiers_org = "https://identifiers.org/hgnc:11986"
    imported = tmp_path / "other.nt"
    associated = f"<{vocab.ONTOLOGY}associatedWith>"
    disease_class = f"<{vocab.ONTOLOGY}Disease>"
    gene_class = f"<{vocab.ONTOLOGY}Gene>"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    imported.write_text(
        f"<{tnbc_doid}> {rdf_type} {disease_class} .\n"
        f"<{top1_identifiers_org}> {rdf_type} {gene_class} .\n"
        f"<{top1_identifiers_org}> {associated} <{tnbc_doid}> .\n",
        encoding="utf-8",
    )
    run_import("ntriples", [imported], store_copy)
    data = read_graph_data(store_copy, scope="all")
    assert (TOP1, "associatedWith", vocab.expand("MONDO:0005494")) in data.edges
    assert tnbc_doid not in data.node_types
    assert top1_identifiers_org not in data.node_types
    assert data.label(TOP1) == "TOP1"


def _graphs(path: Path) -> set[str]:
    return {g.value for g in store.open_store(path).named_graphs()}


def test_turtle_files_load_into_one_import_graph_and_are_counted_once_each(store_copy, tmp_path):
    first, second = tmp_path / "part1.ttl", tmp_path / "part2.ttl"
    first.write_text(
        "@prefix ex: <https://example.org/> .\nex:a ex:p ex:b , ex:c .\n", encoding="utf-8"
    )
    second.write_text("<https://example.org/d> <https://example.org/p> 'x' .\n", encoding="utf-8")
    report = run_import("turtle", [first, second], store_copy)
    assert report.graph == vocab.IMPORT_GRAPH_PREFIX + "part1"
    assert report.quads == 3 == _count(store_copy, report.graph)


def test_nquads_keep_their_graphs_and_default_graph_quads_go_to_the_import_graph(
    store_copy, tmp_path
):
    quads = tmp_path / "release.nq"
    quads.write_text(
        "<https://example.org/a> <https://example.org/p> <https://example.org/b> "
        "<https://example.org/graph/one> .\n"
        "<https://example.org/c> <https://example.org/p> <https://example.org/d> .\n",
        encoding="utf-8",
    )
    report = run_import("nquads", [quads], store_copy)
    assert report.quads == 2
    assert _count(store_copy, "https://example.org/graph/one") == 1
    assert _count(store_copy, vocab.IMPORT_GRAPH_PREFIX + "release") == 1


def test_nquads_writing_into_the_curated_graph_are_refused_and_nothing_changes(
    store_copy, tmp_path
):
    quads = tmp_path / "intruder.nq"
    quads.write_text(
        "<https://example.org/new> <https://example.org/p> <https://example.org/x> "
        "<https://example.org/graph/fresh> .\n"
        "<https://example.org/a> <https://example.org/p> <https://example.org/b> "
        f"<{vocab.CURATED_GRAPH}> .\n",
        encoding="utf-8",
    )
    graphs = _graphs(store_copy)
    curated = _count(store_copy, vocab.CURATED_GRAPH)
    with pytest.raises(InputFileError, match=r"intruder\.nq: writes into graphs the store already"):
        run_import("nquads", [quads], store_copy)
    assert _graphs(store_copy) == graphs
    assert _count(store_copy, vocab.CURATED_GRAPH) == curated


def test_kgx_import_reports_file_and_line_of_an_invalid_iri(store_copy, tmp_path):
    nodes = tmp_path / "odd_nodes.tsv"
    edges = tmp_path / "odd_edges.tsv"
    nodes.write_text("id\tcategory\tname\nHGNC:11986\tbiolink:Gene\tTOP1\n", encoding="utf-8")
    edges.write_text(
        "subject\tpredicate\tobject\nHGNC:11986\tbiolink:interacts_with\thttp://ex ample.org/x\n",
        encoding="utf-8",
    )
    graphs = {g.value for g in store.open_store(store_copy).named_graphs()}
    with pytest.raises(InputFileError, match=r"odd_edges\.tsv:2: column 'object'.*not a valid IRI"):
        run_import("kgx", [nodes, edges], store_copy)
    assert {g.value for g in store.open_store(store_copy).named_graphs()} == graphs


def test_a_refused_second_nquads_file_takes_the_first_one_back_out(store_copy, tmp_path):
    first, second = tmp_path / "first.nq", tmp_path / "second.nq"
    first.write_text(
        "<https://example.org/a> <https://example.org/p> <https://example.org/b> "
        "<https://example.org/graph/first> .\n",
        encoding="utf-8",
    )
    second.write_text(
        "<https://example.org/c> <https://example.org/p> <https://example.org/d> "
        f"<{vocab.INFERRED_GRAPH}> .\n",
        encoding="utf-8",
    )
    graphs = _graphs(store_copy)
    with pytest.raises(InputFileError, match=r"second\.nq: writes into graphs"):
        run_import("nquads", [first, second], store_copy)
    assert _graphs(store_copy) == graphs


def test_ntriples_files_of_one_import_are_counted_together(store_copy, tmp_path):
    first, second = tmp_path / "one.nt", tmp_path / "two.nt"
    line = "<https://example.org/{0}> <https://example.org/p> <https://example.org/x> .\n"
    first.write_text(line.format("a") + line.format("b"), encoding="utf-8")
    second.write_text(line.format("c"), encoding="utf-8")
    report = run_import("ntriples", [first, second], store_copy)
    assert report.quads == 3 == _count(store_copy, report.graph)
