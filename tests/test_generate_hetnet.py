"""Tests of bench/generate_hetnet.py on a 5k-triple hetnet."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pyoxigraph as ox
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import generate_hetnet as gen

SMALL_TRIPLES = 5000
SEED = 7
ONTOLOGY = "https://w3id.org/adcgraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
MAJOR_KINDS = ("Gene", "Drug", "Disease")
MINOR_KINDS = ("ADC", "ResistanceMechanism", "Strategy", "PayloadClass")


@pytest.fixture(scope="module")
def small_nt(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hetnet") / "small.nt"
    gen.write_hetnet(path, SMALL_TRIPLES, seed=SEED, fmt="nt")
    return path


@pytest.fixture(scope="module")
def small_triples(small_nt) -> list[ox.Triple]:
    return list(ox.parse(path=str(small_nt), format=ox.RdfFormat.N_TRIPLES))


def test_output_parses_and_has_about_the_requested_size(small_triples):
    assert 0.95 * SMALL_TRIPLES <= len(small_triples) <= SMALL_TRIPLES


def test_every_node_has_one_type_and_one_label(small_triples):
    types = Counter(t.subject.value for t in small_triples if t.predicate.value == RDF_TYPE)
    labels = Counter(t.subject.value for t in small_triples if t.predicate.value == RDFS_LABEL)
    edge_ends = {
        end.value
        for t in small_triples
        if t.predicate.value not in (RDF_TYPE, RDFS_LABEL)
        for end in (t.subject, t.object)
    }
    assert set(types.values()) == {1}
    assert types.keys() == labels.keys()
    assert edge_ends <= types.keys()


def test_most_nodes_are_genes_drugs_and_diseases(small_triples):
    kinds = Counter(
        t.object.value.removeprefix(ONTOLOGY)
        for t in small_triples
        if t.predicate.value == RDF_TYPE
    )
    major = sum(kinds[k] for k in MAJOR_KINDS)
    assert set(kinds) == set(MAJOR_KINDS) | set(MINOR_KINDS)
    assert major / sum(kinds.values()) > 0.85
    assert kinds["Gene"] > kinds["Drug"] > kinds["ADC"]


def test_identifiers_look_like_registry_iris(small_triples):
    typed = {
        t.subject.value: t.object.value for t in small_triples if t.predicate.value == RDF_TYPE
    }
    prefixes = {
        "Gene": "http://identifiers.org/hgnc/",
        "Disease": "http://purl.obolibrary.org/obo/MONDO_",
        "Drug": "http://purl.obolibrary.org/obo/CHEBI_",
        "ResistanceMechanism": "https://w3id.org/adcgraph/synthetic/mechanism/",
        "Strategy": "https://w3id.org/adcgraph/synthetic/strategy/",
    }
    for iri, kind_iri in typed.items():
        kind = kind_iri.removeprefix(ONTOLOGY)
        if kind in prefixes:
            assert iri.startswith(prefixes[kind])
            assert iri.removeprefix(prefixes[kind]).isdigit()
    mondo = [iri for iri, k in typed.items() if k == ONTOLOGY + "Disease"]
    assert all(len(iri.rsplit("_", 1)[1]) == 7 for iri in mondo)


def test_edges_follow_the_schema(small_triples):
    kind_of = {
        t.subject.value: t.object.value.removeprefix(ONTOLOGY)
        for t in small_triples
        if t.predicate.value == RDF_TYPE
    }
    allowed = {(k.source, k.predicate, k.target) for k in gen.EDGE_KINDS}
    seen = Counter(
        (
            kind_of[t.subject.value],
            t.predicate.value.removeprefix(ONTOLOGY),
            kind_of[t.object.value],
        )
        for t in small_triples
        if t.predicate.value not in (RDF_TYPE, RDFS_LABEL)
    )
    assert set(seen) == allowed
    assert seen[("ADC", "hasPayloadClass", "PayloadClass")] == Counter(kind_of.values())["ADC"]
    edges = [
        (t.subject.value, t.predicate.value, t.object.value)
        for t in small_triples
        if t.predicate.value not in (RDF_TYPE, RDFS_LABEL)
    ]
    assert len(edges) == len(set(edges))
    assert all(s != o for s, _, o in edges)


def test_gene_degrees_are_skewed(small_triples):
    genes = {t.subject.value for t in small_triples if t.object.value == ONTOLOGY + "Gene"}
    degree = Counter()
    for t in small_triples:
        if t.predicate.value in (RDF_TYPE, RDFS_LABEL):
            continue
        for end in (t.subject.value, t.object.value):
            if end in genes:
                degree[end] += 1
    values = np.array([degree[g] for g in genes])
    # A lognormal popularity gives hubs far above the median, unlike a uniform draw.
    assert values.max() > 5 * np.median(values)
    assert np.mean(values) > np.median(values)


def test_same_seed_gives_identical_bytes_and_another_seed_differs(small_nt, tmp_path):
    again = tmp_path / "again.nt"
    other = tmp_path / "other.nt"
    gen.write_hetnet(again, SMALL_TRIPLES, seed=SEED, fmt="nt")
    gen.write_hetnet(other, SMALL_TRIPLES, seed=SEED + 1, fmt="nt")
    assert again.read_bytes() == small_nt.read_bytes()
    assert other.read_bytes() != small_nt.read_bytes()


def test_turtle_holds_the_same_triples(small_triples, tmp_path):
    path = tmp_path / "small.ttl"
    written = gen.write_hetnet(path, SMALL_TRIPLES, seed=SEED, fmt="ttl")
    turtle = {str(t) for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)}
    assert written == len(turtle)
    assert turtle == {str(t) for t in small_triples}


def test_kgx_writes_node_and_edge_records(small_triples, tmp_path):
    written = gen.write_hetnet(tmp_path / "small", SMALL_TRIPLES, seed=SEED, fmt="kgx")
    nodes = [json.loads(line) for line in (tmp_path / "small_nodes.jsonl").open()]
    edges = [json.loads(line) for line in (tmp_path / "small_edges.jsonl").open()]
    node_ids = {n["id"] for n in nodes}
    assert written == len(nodes) + len(edges)
    assert len(nodes) == sum(1 for t in small_triples if t.predicate.value == RDF_TYPE)
    assert all(e["subject"] in node_ids and e["object"] in node_ids for e in edges)
    assert any(n["id"].startswith("MONDO:") and n["category"] == ["biolink:Disease"] for n in nodes)


def test_generate_edges_matches_the_written_edges(small_triples):
    n_edges = gen.edges_for_triples(SMALL_TRIPLES)
    edges = {(e.source, e.predicate, e.target) for e in gen.generate_edges(n_edges, seed=SEED)}
    written = {
        (t.subject.value, t.predicate.value, t.object.value)
        for t in small_triples
        if t.predicate.value not in (RDF_TYPE, RDFS_LABEL)
    }
    assert edges == written


def test_command_line_reports_what_it_wrote(tmp_path, capsys):
    out = tmp_path / "cli.nt"
    assert gen.main(["--triples", "2e3", "--out", str(out), "--seed", "3"]) == 0
    report = capsys.readouterr().err
    lines = out.read_text().count("\n")
    assert f"wrote {lines:,} triples" in report
