"""The build: release in step with the sources, round trips, SHACL, reasoning, atomicity."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import to_isomorphic

from adcgraph import vocab
from adcgraph.curated.build import INFERRED_RELEASE_FILE, RELEASE_FILE, BuildPaths, build
from adcgraph.curated.ontology import SHAPES_FILE
from adcgraph.curated.shapes import check_shapes, shacl_violations
from adcgraph.errors import InputFileError, ValidationError
from adcgraph.export import serialize_quads

SACITUZUMAB_GOVITECAN = "http://identifiers.org/drugbank/DB12893"
TOP1_INHIBITOR = vocab.RESOURCE + "payload-class/top1-inhibitor"
REGENERATE = "run `adcgraph build` and commit graph/adcgraph.ttl"


def test_committed_release_is_in_step_with_the_sources(built):
    assert built.paths.release.read_bytes() == RELEASE_FILE.read_bytes(), REGENERATE
    inferred = built.paths.inferred_release.read_bytes()
    assert inferred == INFERRED_RELEASE_FILE.read_bytes(), REGENERATE


def test_release_parses_in_rdflib_and_pyoxigraph_and_keeps_provenance(built):
    graph = rdflib.Graph().parse(built.paths.release, format="turtle")
    triples = list(ox.parse(path=str(built.paths.release), format=ox.RdfFormat.TURTLE))
    assert len(graph) == len(triples) == built.report.curated_triples
    claims = graph.query(
        """SELECT ?claim ?source ?evidence ?disease ?status WHERE {
             ?claim a adco:ResistanceClaim ; dcterms:source ?source ; adco:evidenceType ?evidence ;
                    adco:inDiseaseContext ?disease ; adco:curationStatus ?status }""",
        initNs={"adco": vocab.ONTOLOGY, "dcterms": vocab.DCTERMS},
    )
    assert len({row.claim for row in claims}) >= 40


def test_export_and_reparse_is_isomorphic(built):
    store = built.backend.store
    quads = [
        q for q in store.quads_for_pattern(None, None, None, ox.NamedNode(vocab.CURATED_GRAPH))
    ]
    for fmt, rdflib_format in (("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")):
        exported = rdflib.Graph().parse(data=serialize_quads(quads, fmt), format=rdflib_format)
        original = rdflib.Graph().parse(built.paths.release, format="turtle")
        assert to_isomorphic(exported) == to_isomorphic(original), fmt


def test_same_input_gives_byte_identical_release(built, tmp_path):
    again = BuildPaths(
        store=tmp_path / "store", release=tmp_path / "release.ttl", inferred_release=None
    )
    build(again, run_reasoner=False)
    assert (tmp_path / "release.ttl").read_bytes() == built.paths.release.read_bytes()


def test_reasoner_infers_defined_class_members_into_the_inferred_graph(built):
    rows = list(
        built.backend.query(
            """SELECT ?adc ?g ?class WHERE { GRAPH ?g { ?adc a ?class } }""",
            {"adc": ox.NamedNode(SACITUZUMAB_GOVITECAN), "g": ox.NamedNode(vocab.INFERRED_GRAPH)},
        )
    )
    classes = {row["class"].value for row in rows}
    assert vocab.ONTOLOGY + "Top1InhibitorADC" in classes
    assert vocab.ONTOLOGY + "CleavableLinkerADC" in classes
    assert vocab.ONTOLOGY + "NonCleavableLinkerADC" not in classes


def test_reasoner_climbs_the_payload_class_hierarchy(built):
    ask = built.backend.query(
        "ASK { GRAPH ?g { ?adc adco:hasPayloadClass ?class } }",
        {
            "adc": ox.NamedNode(SACITUZUMAB_GOVITECAN),
            "class": ox.NamedNode(TOP1_INHIBITOR),
            "g": ox.NamedNode(vocab.INFERRED_GRAPH),
        },
    )
    assert bool(ask)


def test_shacl_passes_on_the_built_graph(built):
    # The shapes describe curated records; the reference layer is external data.
    triples = [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in built.backend.store.quads_for_pattern(None, None, None, None)
        if not str(q.graph_name.value).startswith(vocab.GRAPH + "reference/")
    ]
    assert shacl_violations(triples, SHAPES_FILE) == []


def test_shacl_fails_on_an_adc_without_payload_or_citation():
    adc = ox.NamedNode("http://identifiers.org/drugbank/DB00000")
    broken = [
        ox.Triple(adc, ox.NamedNode(vocab.RDF + "type"), ox.NamedNode(vocab.ONTOLOGY + "ADC")),
        ox.Triple(adc, ox.NamedNode(vocab.RDFS + "label"), ox.Literal("broken ADC")),
    ]
    with pytest.raises(ValidationError) as error:
        check_shapes(broken, SHAPES_FILE)
    message = str(error.value)
    assert "adco:hasPayload" in message and "adco:hasLinker" in message
    assert "dcterms:source" in message


def test_shacl_fails_on_a_disease_that_is_not_mondo():
    disease = ox.NamedNode("http://purl.obolibrary.org/obo/DOID_3908")
    broken = [
        ox.Triple(
            disease, ox.NamedNode(vocab.RDF + "type"), ox.NamedNode(vocab.ONTOLOGY + "Disease")
        ),
        ox.Triple(disease, ox.NamedNode(vocab.RDFS + "label"), ox.Literal("NSCLC")),
    ]
    assert any("DOID:3908" in str(v) for v in shacl_violations(broken, SHAPES_FILE))


def test_a_failed_build_leaves_store_and_release_untouched(built, sources_copy, tmp_path):
    paths = BuildPaths(
        sources=sources_copy,
        store=tmp_path / "store",
        release=tmp_path / "release.ttl",
        inferred_release=None,
    )
    build(paths, run_reasoner=False)
    release_before = paths.release.read_bytes()
    version_before = (paths.store / "adcgraph-version.json").read_bytes()
    (sources_copy / "genes.tsv").write_text("id\tsymbol\nbroken\n", encoding="utf-8")
    with pytest.raises(InputFileError):
        build(paths, run_reasoner=False)
    assert paths.release.read_bytes() == release_before
    assert (paths.store / "adcgraph-version.json").read_bytes() == version_before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".store.building")]
    shutil.rmtree(paths.store)


def test_store_is_not_found_gives_a_clear_error(tmp_path: Path):
    from adcgraph.errors import StoreError
    from adcgraph.storage.store import open_backend

    with pytest.raises(StoreError, match="run `adcgraph build` first"):
        open_backend(tmp_path / "nowhere")


def test_a_missing_java_runtime_gives_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    paths = BuildPaths(store=tmp_path / "store", release=None, inferred_release=None)
    with pytest.raises(ValidationError, match="needs a Java runtime"):
        build(paths)
    assert not (tmp_path / "store").exists()
