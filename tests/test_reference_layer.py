"""The reference layer beside the curated graph: no triple twice, named queries unchanged.

Oxigraph's union default graph returns a triple once per graph holding it, so a reference
layer restating a curated triple would repeat SPARQL rows; and a second label or class for a
curated node would multiply them. The build keeps every triple in one graph only.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest

from adcgraph import vocab
from adcgraph.curated.build import BuildPaths, build
from adcgraph.querying import queries
from adcgraph.storage import store

REFERENCE = vocab.GRAPH + "reference/"


def _graph_triples(graph_store: ox.Store, graph: str) -> list[ox.Triple]:
    return [
        ox.Triple(q.subject, q.predicate, q.object)
        for q in graph_store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
    ]


@pytest.fixture(scope="module")
def curated_only(tmp_path_factory: pytest.TempPathFactory) -> store.Backend:
    """The same sources built without the reference layer (an empty reference directory)."""
    directory = tmp_path_factory.mktemp("curated-only")
    (directory / "no-reference").mkdir()
    paths = BuildPaths(
        store=directory / "store",
        release=None,
        inferred_release=None,
        reference=directory / "no-reference",
    )
    build(paths)
    return store.open_backend(paths.store)


def test_no_triple_is_in_two_graphs_and_curated_nodes_keep_one_label(built):
    graph_store = built.backend.store
    graphs = sorted(g.value for g in graph_store.named_graphs())
    reference = [g for g in graphs if g.startswith(REFERENCE)]
    assert len(reference) >= 6, graphs
    counts: Counter[ox.Triple] = Counter()
    for graph in graphs:
        counts.update(set(_graph_triples(graph_store, graph)))
    repeated = [t for t, n in counts.items() if n > 1]
    assert not repeated, repeated[:5]
    label = ox.NamedNode(vocab.RDFS + "label")
    curated_labelled = {
        q.subject
        for q in graph_store.quads_for_pattern(None, label, None, ox.NamedNode(vocab.CURATED_GRAPH))
    }
    relabelled = [
        q
        for graph in reference
        for q in graph_store.quads_for_pattern(None, label, None, ox.NamedNode(graph))
        if q.subject in curated_labelled
    ]
    assert not relabelled, relabelled[:5]
    # ... while the layer still adds edges to curated nodes (a curated drug's trials).
    studied = ox.NamedNode(vocab.ONTOLOGY + "studiedToTreat")
    assert any(
        q.subject in curated_labelled
        for q in graph_store.quads_for_pattern(
            None, studied, None, ox.NamedNode(REFERENCE + "opentargets")
        )
    )


@pytest.mark.parametrize("name", [path.stem for path in queries.query_paths()])
def test_named_queries_answer_as_without_the_reference_layer(built, curated_only, name):
    query = queries.load_query(name)
    union = queries.result_rows(queries.run_named_query(built.backend, query, query.example))
    alone = queries.result_rows(queries.run_named_query(curated_only, query, query.example))
    # Same rows, as many times each (row order of unordered queries may differ).
    assert Counter(tuple(sorted(r.items())) for r in union) == Counter(
        tuple(sorted(r.items())) for r in alone
    )
    assert len(union) == len(alone)


def test_open_targets_molecules_meet_the_curated_drug_by_xref_or_name():
    # Open Targets gives atezolizumab and durvalumab no DrugBank id and keeps fludarabine's
    # indications on its phosphate salt: joined by name, they carry their indications.
    from adcgraph.importers.records import Edge, Layer, Node, SourceInfo, read_layer
    from adcgraph.reference import REFERENCE_DIR, join_curated

    layer = read_layer(REFERENCE_DIR, "opentargets")
    subjects = Counter(edge.subject for edge in layer.edges if edge.predicate == "treats")
    for curated in ("DRUGBANK:DB11595", "DRUGBANK:DB11714", "DRUGBANK:DB01073"):
        assert subjects[curated] > 0, curated
    assert "CHEMBL.COMPOUND:CHEMBL3707227" not in layer.nodes

    toy = Layer(SourceInfo("x", "X", "1", "2022", "https://l", "https://u"))
    toy.add_node(Node("CHEMBL.COMPOUND:C1", "Drug", "FOO SODIUM"))
    toy.add_node(Node("CHEMBL.COMPOUND:C2", "Drug", "BAR"))
    toy.add_node(Node("CHEMBL.COMPOUND:C3", "Drug", "FOO"))
    toy.edges += [Edge("CHEMBL.COMPOUND:C1", "treats", "MONDO:1"),
                  Edge("CHEMBL.COMPOUND:C3", "treats", "MONDO:1"),
                  Edge("CHEMBL.COMPOUND:C2", "treats", "MONDO:1")]  # fmt: skip
    keys = {"name:foo": "DRUGBANK:DB1", "CHEMBL.COMPOUND:C2": "DRUGBANK:DB2", "name:bar": "X:3"}
    joined, renamed = join_curated(toy, keys)
    # the cross-reference wins over the name; the salt and the free base are one edge
    assert renamed["CHEMBL.COMPOUND:C2"] == "DRUGBANK:DB2"
    assert [e.subject for e in joined.edges] == ["DRUGBANK:DB1", "DRUGBANK:DB2"]
