"""The versioned release folder: every export read by two independent parsers, one licence
stated everywhere, VoID counts that match the store, PROV, checksums, SHACL without extra
files, SSSOM that sssom-py validates, compacted JSON-LD and the export IRI styles."""

from __future__ import annotations

import csv
import hashlib
import json

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner

from adcgraph import __version__, vocab
from adcgraph.cli import cli
from adcgraph.curated.ontology import SHAPES_FILE
from adcgraph.curated.shapes import shacl_violations
from adcgraph.export.release import DATASET, LICENCE, write_release
from adcgraph.storage.locations import PROJECT_ROOT

VOID = "http://rdfs.org/ns/void#"


@pytest.fixture(scope="module")
def release(built, tmp_path_factory):
    return write_release(built.paths.store, tmp_path_factory.mktemp("dist"), "2026-12-01")


def _oxigraph(path, fmt):
    with path.open("rb") as stream:
        return list(ox.parse(stream, format=fmt))


def test_the_release_folder_is_versioned_and_checksummed(release):
    assert release.name == f"adcgraph-{__version__}"
    listed = {}
    for line in (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.name for p in release.iterdir()} - {"SHA256SUMS"}
    assert set(listed) == files
    for name, digest in listed.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name
    assert {"adcgraph.ttl", "adcgraph_nodes.tsv", "adcgraph.graphml", "void.ttl"} <= files


def test_a_second_release_of_the_same_version_is_refused(built, release):
    from adcgraph.errors import InputFileError

    with pytest.raises(InputFileError, match="already there"):
        write_release(built.paths.store, release.parent)


@pytest.mark.parametrize(
    ("name", "ox_format", "rdflib_format"),
    [
        ("adcgraph.ttl", ox.RdfFormat.TURTLE, "turtle"),
        ("adcgraph.nt", ox.RdfFormat.N_TRIPLES, "nt"),
        ("void.ttl", ox.RdfFormat.TURTLE, "turtle"),
        ("adcgraph-ontology.ttl", ox.RdfFormat.TURTLE, "turtle"),
    ],
)
def test_rdf_files_read_the_same_with_oxigraph_and_rdflib(release, name, ox_format, rdflib_format):
    by_oxigraph = _oxigraph(release / name, ox_format)
    by_rdflib = rdflib.Graph().parse(release / name, format=rdflib_format)
    assert len(by_oxigraph) == len(by_rdflib) > 10


def test_nquads_read_the_same_with_oxigraph_and_rdflib(release):
    by_oxigraph = _oxigraph(release / "adcgraph.nq", ox.RdfFormat.N_QUADS)
    by_rdflib = rdflib.Dataset().parse(release / "adcgraph.nq", format="nquads")
    assert len(by_oxigraph) == len(by_rdflib) > 1000


def test_jsonld_is_compacted_and_pyld_and_rdflib_read_every_triple(release):
    pyld = pytest.importorskip("pyld")
    document = json.loads((release / "adcgraph.jsonld").read_text(encoding="utf-8"))
    assert document["@context"]["MONDO"] == "http://purl.obolibrary.org/obo/MONDO_"
    triples = len(_oxigraph(release / "adcgraph.nt", ox.RdfFormat.N_TRIPLES))
    nquads = pyld.jsonld.to_rdf(document, {"format": "application/n-quads"})
    assert len({line for line in nquads.splitlines() if line.strip()}) == triples
    assert len(rdflib.Graph().parse(release / "adcgraph.jsonld", format="json-ld")) == triples


def test_one_licence_is_stated_in_turtle_kgx_sssom_void_and_readme(release):
    committed = rdflib.Graph().parse(PROJECT_ROOT / "graph" / "adcgraph.ttl", format="turtle")
    dataset, licence = rdflib.URIRef(DATASET), rdflib.URIRef(LICENCE)
    assert (dataset, rdflib.DCTERMS.license, licence) in committed
    assert committed.value(dataset, rdflib.URIRef("http://purl.org/pav/version")).toPython() == (
        __version__
    )
    assert committed.value(dataset, rdflib.DCTERMS.modified) is not None
    metadata = json.loads((release / "kgx_graph_metadata.json").read_text(encoding="utf-8"))
    assert metadata["license"] == LICENCE and metadata["version"] == __version__
    sssom_header = (release / "adcgraph.sssom.tsv").read_text(encoding="utf-8")
    assert f'# license: "{LICENCE}"' in sssom_header
    void = rdflib.Graph().parse(release / "void.ttl", format="turtle")
    assert (dataset, rdflib.DCTERMS.license, licence) in void
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "CC BY 4.0" in readme and LICENCE in readme


def test_void_counts_match_the_store_per_graph_and_per_class(built, release):
    void = rdflib.Graph().parse(release / "void.ttl", format="turtle")
    triples = rdflib.URIRef(VOID + "triples")
    backend = built.backend
    for graph in (vocab.CURATED_GRAPH, vocab.INFERRED_GRAPH):
        rows = backend.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        expected = int(next(iter(rows))["n"].value)
        assert void.value(rdflib.URIRef(graph), triples).toPython() == expected
    partitions = {
        str(void.value(p, rdflib.URIRef(VOID + "class"))): void.value(
            p, rdflib.URIRef(VOID + "entities")
        ).toPython()
        for p in void.objects(rdflib.URIRef(DATASET), rdflib.URIRef(VOID + "classPartition"))
    }
    rows = backend.query(
        f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a <{vocab.ONTOLOGY}ADC> "
        f"FILTER EXISTS {{ GRAPH ?g {{ ?a a <{vocab.ONTOLOGY}ADC> }} "
        f"FILTER(?g != <{vocab.ONTOLOGY_GRAPH}>) }} }}"
    )
    assert partitions[vocab.ONTOLOGY + "ADC"] == int(next(iter(rows))["n"].value) > 20
    licences = {str(o) for o in void.objects(None, rdflib.DCTERMS.license)}
    assert "CC-BY-4.0" in licences and LICENCE in licences


def test_built_graphs_carry_prov(built):
    rows = built.backend.query(
        "SELECT ?graph ?build ?table WHERE { ?graph <http://www.w3.org/ns/prov#wasGeneratedBy> "
        "?build . OPTIONAL { ?graph <http://www.w3.org/ns/prov#wasDerivedFrom> ?table } }"
    )
    derived = {}
    for row in rows:
        derived.setdefault(row["graph"].value, set()).add(
            row["table"].value if row["table"] else ""
        )
    assert any(t.endswith("source/resistance_claims.tsv") for t in derived[vocab.CURATED_GRAPH])
    assert vocab.CURATED_GRAPH in derived[vocab.INFERRED_GRAPH]


def test_the_default_export_passes_the_shapes_without_the_ontology(release):
    triples = _oxigraph(release / "adcgraph.ttl", ox.RdfFormat.TURTLE)
    assert shacl_violations(triples, SHAPES_FILE) == []


def test_evidence_types_are_eco_classes_in_the_data(release):
    graph = rdflib.Graph().parse(release / "adcgraph.ttl", format="turtle")
    eco = {str(o) for o in graph.objects(None, rdflib.URIRef(vocab.ONTOLOGY + "evidenceClass"))}
    assert eco and all(iri.startswith("http://purl.obolibrary.org/obo/ECO_") for iri in eco)


def test_sssom_has_labels_version_date_creator_and_mondo_prefixes_and_validates(release):
    from sssom.parsers import parse_sssom_table
    from sssom.validators import validate

    path = release / "adcgraph.sssom.tsv"
    text = path.read_text(encoding="utf-8")
    for slot in ("mapping_set_version", "mapping_date", "creator_id"):
        assert f"# {slot}:" in text
    table = (line for line in text.splitlines() if not line.startswith("#"))
    rows = list(csv.DictReader(table, delimiter="\t"))
    assert sum(bool(r["subject_label"] and r["object_label"]) for r in rows) / len(rows) > 0.9
    objects = {r["object_id"].split(":")[0] for r in rows}
    assert "mesh" in objects and "MESH" not in objects
    validate(parse_sssom_table(path), fail_on_error=True)


def test_export_iri_styles_rewrite_on_the_way_out_and_import_reads_them_back(built, tmp_path):
    runner = CliRunner()
    written = {}
    for style in ("identifiers.org", "obo", "bioregistry"):
        output = tmp_path / f"{style}.nt"
        result = runner.invoke(
            cli,
            ["export", "--format", "ntriples", "--iri-style", style, "-o", str(output),
             "--store", str(built.paths.store)],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        written[style] = output.read_text(encoding="utf-8")
    assert "<https://identifiers.org/hgnc:3430>" in written["identifiers.org"]
    assert "<http://purl.obolibrary.org/obo/MESH_D064726>" in written["obo"]
    assert (
        "<https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/3430>"
        in written["bioregistry"]
    )
    canonical = {
        style: set(vocab.normalise_rdf_iris(text.encode()).splitlines())
        for style, text in written.items()
    }
    assert canonical["identifiers.org"] == canonical["bioregistry"]
