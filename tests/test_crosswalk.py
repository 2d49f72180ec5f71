"""Crosswalks: MONDO's and Biomappings' SSSOM sets in the store, xref, conflicts, SSSOM out."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from adcgraph import vocab
from adcgraph.align.crosswalk import export_sssom, load_mapping_sets, read_mapping_set, xref
from adcgraph.errors import MappingError
from adcgraph.storage import store

TNBC = "MONDO:0005494"
TNBC_MESH = "MESH:D064726"
TNBC_DOID = "DOID:0060081"
TNBC_NCIT = "NCIT:C71732"
FIXTURES = Path(__file__).parent / "fixtures"
CONFLICTS = FIXTURES / "align_conflicts.sssom.tsv"
MALFORMED = FIXTURES / "align_malformed.sssom.tsv"
MONDO_SETS = (
    "mondo_exactmatch_mesh",
    "mondo_exactmatch_doid",
    "mondo_exactmatch_ncit",
    "mondo_narrowmatch_mesh",
)


def copy_store(built, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(built.paths.store, target)
    return target


def mapping_quads(path: Path) -> int:
    graph = store.iri(vocab.MAPPINGS_GRAPH)
    return len(list(store.open_store(path).quads_for_pattern(None, None, None, graph)))


@pytest.fixture(scope="module")
def mapped_store(built, shared_data, tmp_path_factory) -> Path:
    """A copy of the built store with four MONDO sets and Biomappings loaded."""
    path = copy_store(built, tmp_path_factory.mktemp("mapped"))
    files = [shared_data / "mondo" / "mappings" / f"{name}.sssom.tsv" for name in MONDO_SETS]
    files.append(shared_data / "biomappings" / "positive.sssom.tsv")
    report = load_mapping_sets(files, path)
    assert report.mappings_loaded > 100
    assert report.skipped_unrelated > 10_000
    return path


@pytest.fixture(scope="module")
def shared_data() -> Path:
    from conftest import SHARED_DATA

    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


def test_xref_from_mondo_reaches_mesh_doid_and_ncit_with_provenance(mapped_store):
    found = xref(store.open_backend(mapped_store), TNBC)
    ids = {x.id for x in found}
    assert {TNBC_MESH, TNBC_DOID, TNBC_NCIT} <= ids
    from_mondo_set = [
        x
        for x in found
        if x.id == TNBC_MESH and x.source.endswith("mondo_exactmatch_mesh.sssom.tsv")
    ]
    assert from_mondo_set[0].predicate == "skos:exactMatch"
    assert from_mondo_set[0].justification == "semapv:ManualMappingCuration"
    assert any(x.id == TNBC_MESH and x.source == "curated" for x in found)


@pytest.mark.parametrize("identifier", [TNBC_MESH, TNBC_DOID, TNBC_NCIT, "mesh:D064726"])
def test_xref_leads_back_to_mondo_from_each_identifier(mapped_store, identifier):
    found = xref(store.open_backend(mapped_store), identifier, to_prefix="MONDO")
    assert next(x.id for x in found if x.justification != "semapv:MappingChaining") == TNBC


def test_xref_chains_doid_to_mesh_through_mondo(mapped_store):
    chained = xref(store.open_backend(mapped_store), TNBC_DOID, to_prefix="MESH")
    assert any(x.id == TNBC_MESH for x in chained)


def test_a_sparql_query_keyed_to_a_mesh_identifier_finds_the_disease(mapped_store):
    rows = store.select(
        store.open_store(mapped_store),
        "SELECT ?disease ?mesh WHERE { ?disease a adco:Disease ; skos:exactMatch ?mesh }",
        {"mesh": store.iri(TNBC_MESH)},
    )
    assert {vocab.compress(row["disease"].value) for row in rows} == {TNBC}


def test_conflicts_with_curated_identifiers_are_reported_and_not_loaded(built, tmp_path):
    path = copy_store(built, tmp_path)
    report = load_mapping_sets([CONFLICTS], path)
    assert len(report.conflicts) == 2
    assert "MESH:D000001" in report.conflicts[0] and TNBC_MESH in report.conflicts[0]
    assert any("duplicate mapping" in warning for warning in report.warnings)
    backend = store.open_backend(path)
    assert "MESH:D000001" not in {x.id for x in xref(backend, TNBC)}
    assert any(
        x.id == "DOID:0000001" and x.predicate == "skos:narrowMatch" for x in xref(backend, TNBC)
    )
    assert any(
        x.id == TNBC and x.predicate == "skos:broadMatch" for x in xref(backend, "DOID:0000001")
    )


def test_conflict_policy_error_loads_nothing(built, tmp_path):
    path = copy_store(built, tmp_path)
    before = mapping_quads(path)
    with pytest.raises(MappingError, match="conflict with curated identifiers; nothing loaded"):
        load_mapping_sets([CONFLICTS], path, on_conflict="error")
    assert mapping_quads(path) == before


def test_malformed_sssom_names_file_and_lines_and_loads_nothing(built, tmp_path):
    path = copy_store(built, tmp_path)
    before = mapping_quads(path)
    with pytest.raises(MappingError) as error:
        load_mapping_sets([CONFLICTS, MALFORMED], path)
    assert f"{MALFORMED}:6: unknown prefix 'FOO'" in error.value.message
    assert f"{MALFORMED}:7: 2 cells, header has 4" in error.value.message
    assert mapping_quads(path) == before


def test_missing_required_column_is_reported_with_the_header_line(tmp_path):
    bad = tmp_path / "no-justification.sssom.tsv"
    bad.write_text(
        "# license: x\nsubject_id\tpredicate_id\tobject_id\nMONDO:1\tskos:exactMatch\tDOID:1\n"
    )
    with pytest.raises(
        MappingError,
        match=r"no-justification.sssom.tsv:2: SSSOM table lacks column\(s\) mapping_justification",
    ):
        read_mapping_set(bad)


def test_all_mondo_and_biomappings_sets_read_quickly(shared_data):
    files = sorted((shared_data / "mondo" / "mappings").glob("*.sssom.tsv"))
    sets = [read_mapping_set(path) for path in files]
    assert sum(len(s.mappings) for s in sets) > 140_000


def test_export_sssom_is_valid_and_holds_curated_and_loaded_mappings(mapped_store, tmp_path):
    from sssom.parsers import parse_sssom_table

    output = tmp_path / "adcgraph.sssom.tsv"
    count = export_sssom(store.open_backend(mapped_store), output)
    frame = parse_sssom_table(output).df
    assert len(frame) == count
    pairs = set(zip(frame["subject_id"], frame["predicate_id"], frame["object_id"], strict=True))
    assert (TNBC, "skos:exactMatch", "mesh:D064726") in pairs  # as MONDO writes it
    assert any(predicate == "skos:narrowMatch" for _, predicate, _ in pairs)
