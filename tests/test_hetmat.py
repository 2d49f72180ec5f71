"""Tests of adcgraph.hetmat: DWPC by hand, path counts against networkx, permutations, cache."""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import numpy as np
import pytest

from adcgraph.combos import DAMPING, PARTNER_METAPATHS, SWITCH_METAPATHS, make_scorer
from adcgraph.errors import AdcGraphError
from adcgraph.hetmat import (
    HetMat,
    HetMatError,
    Metaedge,
    MetapathError,
    adjusted_scores,
    dwpc,
    dwpc_row,
    load,
    metaedges_of,
    parse_metapath,
    path_counts,
    permutations,
    permute,
    save,
)

HALF = 0.5

# The disease-gene example hetnet of Himmelstein & Baranzini 2015 (PLOS Comp Bio,
# Figure 2, doi:10.1371/journal.pcbi.1004259.g002), used by hetnetpy/hetmatpy tests.
# Degrees, used in the hand computations below:
#   interacts_with (undirected): CXCR4 2, IL2RA 1, IRF1 4, IRF8 1, ITCH 1, SUMO1 1, STAT3 0
#   associated_with: CXCR4 1, IL2RA 1, IRF8 1, IRF1 1, STAT3 2; MS 4, Crohn's 2
#   expressed_in: IRF1 2; Leukocyte 1, Lung 1.   localizes_to: MS 1; Leukocyte 1
GENES = ["CXCR4", "IL2RA", "IRF1", "IRF8", "ITCH", "STAT3", "SUMO1"]
MULTIPLE_SCLEROSIS = "Multiple Sclerosis"
CROHNS_DISEASE = "Crohn's Disease"
EXAMPLE_NODES = (
    [(gene, "Gene") for gene in GENES]
    + [(CROHNS_DISEASE, "Disease"), (MULTIPLE_SCLEROSIS, "Disease")]
    + [("Leukocyte", "Tissue"), ("Lung", "Tissue")]
)
EXAMPLE_EDGES = [
    ("CXCR4", "interacts_with", "IRF1", 1.0),
    ("CXCR4", "interacts_with", "ITCH", 1.0),
    ("IL2RA", "interacts_with", "IRF1", 1.0),
    ("IRF1", "interacts_with", "IRF8", 1.0),
    ("IRF1", "interacts_with", "SUMO1", 1.0),
    ("CXCR4", "associated_with", MULTIPLE_SCLEROSIS, 1.0),
    ("IL2RA", "associated_with", MULTIPLE_SCLEROSIS, 1.0),
    ("IRF8", "associated_with", MULTIPLE_SCLEROSIS, 1.0),
    ("STAT3", "associated_with", MULTIPLE_SCLEROSIS, 1.0),
    ("IRF1", "associated_with", CROHNS_DISEASE, 1.0),
    ("STAT3", "associated_with", CROHNS_DISEASE, 1.0),
    ("IRF1", "expressed_in", "Leukocyte", 1.0),
    ("IRF1", "expressed_in", "Lung", 1.0),
    (MULTIPLE_SCLEROSIS, "localizes_to", "Leukocyte", 1.0),
]
GENE_INTERACTS_GENE_ASSOCIATED_DISEASE = "Gene-interacts_with-Gene-associated_with>Disease"
GENE_DISEASE_GENE_INTERACTS_GENE = (
    "Gene-associated_with>Disease<associated_with-Gene-interacts_with-Gene"
)
GENE_INTERACTS_GENE_INTERACTS_GENE = "Gene-interacts_with-Gene-interacts_with-Gene"


@pytest.fixture(scope="module")
def example() -> HetMat:
    return HetMat.from_edges(EXAMPLE_NODES, EXAMPLE_EDGES)


def value(graph: HetMat, matrix, metapath: str, source: str, target: str) -> float:
    parsed = parse_metapath(metapath)
    row = graph.index_of(parsed.source_type, source)
    col = graph.index_of(parsed.target_type, target)
    return float(matrix[row, col])


def test_length_two_dwpc_matches_the_paper_figure(example):
    # IRF1 -interacts- X -associated- MS for X in CXCR4, IL2RA, IRF8:
    #   IL2RA: (deg_i IRF1 4 * deg_i IL2RA 1 * deg_a IL2RA 1 * deg_a MS 4)^-0.5 = 16^-0.5
    #   IRF8:  (4 * 1 * 1 * 4)^-0.5 = 1/4
    #   CXCR4: (4 * 2 * 1 * 4)^-0.5 = 32^-0.5
    expected = 0.25 + 0.25 + 32**-0.5
    metapath = GENE_INTERACTS_GENE_ASSOCIATED_DISEASE
    scores = dwpc(example, metapath, damping=HALF)
    counts = path_counts(example, metapath)

    assert value(example, scores, metapath, "IRF1", MULTIPLE_SCLEROSIS) == pytest.approx(expected)
    assert value(example, counts, metapath, "IRF1", MULTIPLE_SCLEROSIS) == 3


def test_length_three_dwpc_excludes_the_walk_that_revisits_the_source(example):
    # CXCR4 -a- MS -a- X -i- IRF1 with X a MS gene interacting with IRF1:
    #   X = IL2RA: (deg_a CXCR4 1 * MS 4 * MS 4 * IL2RA 1 * deg_i IL2RA 1 * IRF1 4)^-0.5 = 1/8
    #   X = IRF8:  same degrees, 1/8
    #   X = CXCR4 would revisit the source; as a walk it would add (1*4*4*1*2*4)^-0.5.
    expected_paths = 1 / 8 + 1 / 8
    revisiting_walk = 128**-0.5
    metapath = GENE_DISEASE_GENE_INTERACTS_GENE
    scores = dwpc(example, metapath, damping=HALF)

    observed = value(example, scores, metapath, "CXCR4", "IRF1")
    assert observed == pytest.approx(expected_paths)
    assert observed != pytest.approx(expected_paths + revisiting_walk)
    assert value(example, path_counts(example, metapath), metapath, "CXCR4", "IRF1") == 2


def test_gene_interacts_gene_interacts_gene_has_no_returning_paths(example):
    # CXCR4 -i- IRF1 -i- IL2RA: (deg CXCR4 2 * IRF1 4 * IRF1 4 * IL2RA 1)^-0.5 = 32^-0.5,
    # and CXCR4 -i- IRF1 -i- CXCR4 is a walk, not a path: the diagonal is zero.
    metapath = GENE_INTERACTS_GENE_INTERACTS_GENE
    scores = dwpc(example, metapath, damping=HALF)

    assert value(example, scores, metapath, "CXCR4", "IL2RA") == pytest.approx(32**-0.5)
    assert np.all(scores.diagonal() == 0)


def test_damping_zero_dwpc_equals_path_count(example):
    metapath = GENE_DISEASE_GENE_INTERACTS_GENE
    assert np.allclose(
        dwpc(example, metapath, damping=0).toarray(), path_counts(example, metapath).toarray()
    )


def test_dwpc_row_equals_the_matrix_row(example):
    metapath = GENE_DISEASE_GENE_INTERACTS_GENE
    matrix = dwpc(example, metapath, damping=0.4).toarray()
    for gene in GENES:
        row = dwpc_row(example, metapath, gene, damping=0.4)
        assert np.allclose(row, matrix[example.index_of("Gene", gene)])


def test_evidence_weight_scales_a_path_without_changing_degrees():
    nodes = [("d", "Drug"), ("g1", "Gene"), ("g2", "Gene")]
    strong_and_weak = [("d", "inhibits", "g1", 1.0), ("d", "inhibits", "g2", 0.25)]
    graph = HetMat.from_edges(nodes, strong_and_weak)
    # Out-degree of d is 2 edges whatever their weights: w * (2 * 1)^-0.5.
    row = dwpc_row(graph, "Drug-inhibits>Gene", "d", damping=HALF)
    assert row.tolist() == pytest.approx([2**-0.5, 0.25 * 2**-0.5])


def test_weighted_two_step_dwpc_counts_edges_not_weight_sums():
    # d1 -0.5-> g1, d1 -1.0-> g2, d2 -0.25-> g2. Degrees in edges: d1 2, d2 1; g1 1, g2 2.
    # (By sums of weights they would be d1 1.5, d2 0.25; g1 0.5, g2 1.25, as in hetmatpy.)
    nodes = [("d1", "Drug"), ("d2", "Drug"), ("g1", "Gene"), ("g2", "Gene")]
    edges = [("d1", "inhibits", "g1", 0.5), ("d1", "inhibits", "g2", 1.0)]
    graph = HetMat.from_edges(nodes, [*edges, ("d2", "inhibits", "g2", 0.25)])
    one_step = dwpc(graph, "Drug-inhibits>Gene", damping=HALF).toarray()
    # d1-g1: 0.5 * (2 * 1)^-0.5; d1-g2: 1.0 * (2 * 2)^-0.5; d2-g2: 0.25 * (1 * 2)^-0.5.
    assert one_step.ravel().tolist() == pytest.approx([0.5 / 2**0.5, 0.5, 0, 0.25 / 2**0.5])
    # Weight sums would give d1-g1 0.5 * (1.5 * 0.5)^-0.5 = 0.577, not 0.354.
    assert one_step[0, 0] != pytest.approx(0.5 * (1.5 * 0.5) ** -0.5)
    # The only path d1 -> g2 -> d2 (d1 -> g -> d1 revisits d1): 0.5 * 0.25 * (2 * 1)^-0.5.
    two_steps = dwpc(graph, "Drug-inhibits>Gene<inhibits-Drug", damping=HALF).toarray()
    expected = 0.5 * 0.25 / 2**0.5
    assert two_steps.ravel().tolist() == pytest.approx([0, expected, expected, 0])
    row = dwpc_row(graph, "Drug-inhibits>Gene<inhibits-Drug", "d2", damping=HALF)
    assert row.tolist() == pytest.approx([expected, 0])


# A switch toy graph: two ADCs of one payload class p, two mechanisms resisting p, two
# strategies; s1 uses both ADCs (the a2 use weighted 0.5), s2 uses a2. Degrees in edges:
#   hasPayloadClass: a1 1, a2 1; p 2.   confersResistanceTo: m1 1, m2 1; p 2.
#   addresses: s1 1, s2 1; m1 1, m2 1.   usesAdc: s1 2, s2 1; a1 1, a2 2.
SWITCH = (
    "ADC-hasPayloadClass>PayloadClass<confersResistanceTo-Mechanism<addresses-Strategy-usesAdc>ADC"
)
SWITCH_NODES = [
    ("a1", "ADC"),
    ("a2", "ADC"),
    ("p", "PayloadClass"),
    ("m1", "Mechanism"),
    ("m2", "Mechanism"),
    ("s1", "Strategy"),
    ("s2", "Strategy"),
]
SWITCH_EDGES = [
    ("a1", "hasPayloadClass", "p", 1.0),
    ("a2", "hasPayloadClass", "p", 1.0),
    ("m1", "confersResistanceTo", "p", 1.0),
    ("m2", "confersResistanceTo", "p", 1.0),
    ("s1", "addresses", "m1", 1.0),
    ("s2", "addresses", "m2", 1.0),
    ("s1", "usesAdc", "a1", 1.0),
    ("s1", "usesAdc", "a2", 0.5),
    ("s2", "usesAdc", "a2", 1.0),
]


def test_five_node_switch_metapath_removes_walks_back_to_the_source():
    graph = HetMat.from_edges(SWITCH_NODES, SWITCH_EDGES)
    # a1 -p- m1 -s1- a2: 2^-0.5 * 2^-0.5 * 1 * 0.5 * (2 * 2)^-0.5 = 1/8
    # a1 -p- m2 -s2- a2: 2^-0.5 * 2^-0.5 * 1 * (1 * 2)^-0.5 = 2^-1.5
    # a2 -p- m1 -s1- a1: 2^-0.5 * 2^-0.5 * 1 * (2 * 1)^-0.5 = 2^-1.5
    # a1 -p- m1 -s1- a1 (2^-1.5) and a2 -p- m?- s?- a2 (1/8 + 2^-1.5) are walks, not paths.
    expected = [[0.0, 1 / 8 + 2**-1.5], [2**-1.5, 0.0]]
    all_pairs = dwpc(graph, SWITCH, damping=HALF).toarray()
    assert all_pairs.ravel().tolist() == pytest.approx(np.ravel(expected).tolist())
    assert dwpc_row(graph, SWITCH, "a1", damping=HALF).tolist() == pytest.approx(expected[0])
    assert dwpc_row(graph, SWITCH, "a2", damping=HALF).tolist() == pytest.approx(expected[1])
    assert path_counts(graph, SWITCH).toarray().tolist() == [[0, 2], [1, 0]]


def test_repeated_edges_keep_the_largest_weight_and_self_loops_are_dropped():
    nodes = [("a", "Gene"), ("b", "Gene")]
    edges = [("a", "x", "b", 0.2), ("a", "x", "b", 0.7), ("a", "x", "a", 1.0)]
    graph = HetMat.from_edges(nodes, edges)
    assert graph.adjacency[Metaedge("Gene", "x", "Gene")].toarray().tolist() == [
        [0.0, 0.7],
        [0.0, 0.0],
    ]


# --- networkx brute force as the oracle -------------------------------------------------

RANDOM_TYPES = {"A": 12, "B": 14}
RANDOM_METAEDGES = [
    Metaedge("A", "r", "B"),
    Metaedge("B", "s", "B"),
    Metaedge("A", "t", "A"),
    Metaedge("B", "u", "A"),
]
ORACLE_METAPATHS = [
    "A-r>B",
    "B-s-B",
    "A-r>B<r-A",
    "B-s>B-s>B",
    "B-s-B-s-B",
    "A-r>B<r-A-r>B",  # positions A B A B: both pairs repeat
    "A-r>B-s-B<r-A",  # first and last positions share a type
    "B-s-B-s-B-s-B",  # every position is a Gene-like B
    "A-t-A-r>B-u>A",
    "B<r-A<u-B-s>B",
    "A-t-A-r>B-s-B-s-B",  # length 4
    "B-s-B-s-B-s-B-s-B",  # positions 0 and 4 (and 1 and 4 ...) four steps apart
    "A-r>B-u>A-r>B-u>A",  # the source type at 0, 2 and 4
    "A-t-A-r>B-u>A-t-A",  # a switch-like metapath: A at 0, 1, 3 and 4
    "A-r>B-s-B<r-A-r>B",  # B at 1, 2 and 4, A at 0 and 3: interleaved and nested
    "B-s-B-s-B-s-B-s-B-s-B",  # six positions of one type, five steps
]


def random_typed_graph(
    seed: int,
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str, float]]]:
    rng = random.Random(seed)
    nodes = [(f"{t}{i}", t) for t, n in RANDOM_TYPES.items() for i in range(n)]
    edges = {}
    for metaedge in RANDOM_METAEDGES:
        sources = [f"{metaedge.source_type}{i}" for i in range(RANDOM_TYPES[metaedge.source_type])]
        targets = [f"{metaedge.target_type}{i}" for i in range(RANDOM_TYPES[metaedge.target_type])]
        for source, target in itertools.product(sources, targets):
            if source != target and rng.random() < 0.22:
                edges[(source, metaedge.predicate, target)] = rng.choice([0.5, 1.0, 2.0])
    return nodes, [(s, p, t, w) for (s, p, t), w in edges.items()]


def oracle_scores(nodes, edges, metapath_text: str, damping: float) -> dict:
    """Enumerate paths with networkx and degree-weight them, one edge at a time."""
    graph = nx.MultiDiGraph()
    graph.add_nodes_from((node, {"type": node_type}) for node, node_type in nodes)
    for source, predicate, target, weight in edges:
        graph.add_edge(source, target, key=predicate, weight=weight)
    metapath = parse_metapath(metapath_text)

    def neighbours(node, step):
        found = {}
        if step.direction in ("forward", "both"):
            for _, other, key, data in graph.out_edges(node, keys=True, data=True):
                if key == step.predicate and graph.nodes[other]["type"] == step.target_type:
                    found[other] = max(found.get(other, 0.0), data["weight"])
        if step.direction in ("backward", "both"):
            for other, _, key, data in graph.in_edges(node, keys=True, data=True):
                if key == step.predicate and graph.nodes[other]["type"] == step.target_type:
                    found[other] = max(found.get(other, 0.0), data["weight"])
        return found

    def in_degree(node, step):
        reverse = step._replace(
            source_type=step.target_type,
            target_type=step.source_type,
            direction={"forward": "backward", "backward": "forward", "both": "both"}[
                step.direction
            ],
        )
        return len(neighbours(node, reverse))

    counts, scores = {}, {}
    sources = [node for node, node_type in nodes if node_type == metapath.source_type]
    for source in sources:
        stack = [([source], 1.0)]
        while stack:
            path, score = stack.pop()
            if len(path) == len(metapath) + 1:
                key = (path[0], path[-1])
                counts[key] = counts.get(key, 0) + 1
                scores[key] = scores.get(key, 0.0) + score
                continue
            step = metapath.steps[len(path) - 1]
            here = neighbours(path[-1], step)
            for other, weight in here.items():
                if other in path:
                    continue
                factor = weight * (len(here) * in_degree(other, step)) ** -damping
                stack.append(([*path, other], score * factor))
    return {"counts": counts, "scores": scores}


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("metapath", ORACLE_METAPATHS)
def test_path_counts_and_dwpc_equal_networkx_enumeration(metapath, seed):
    nodes, edges = random_typed_graph(seed)
    graph = HetMat.from_edges(nodes, edges)
    oracle = oracle_scores(nodes, edges, metapath, damping=0.4)
    parsed = parse_metapath(metapath)

    counts = path_counts(graph, metapath).toarray()
    scores = dwpc(graph, metapath, damping=0.4).toarray()

    sources = graph.node_ids[parsed.source_type]
    targets = graph.node_ids[parsed.target_type]
    expected_counts = np.array(
        [[oracle["counts"].get((s, t), 0) for t in targets] for s in sources]
    )
    expected_scores = np.array(
        [[oracle["scores"].get((s, t), 0.0) for t in targets] for s in sources]
    )
    assert expected_counts.sum() > 0, "the oracle should find paths on this graph"
    assert np.array_equal(counts, expected_counts)
    assert np.allclose(scores, expected_scores, rtol=1e-10, atol=1e-12)
    for source in sources[:4]:
        row = dwpc_row(graph, metapath, source, damping=0.4)
        assert np.allclose(row, expected_scores[graph.index_of(parsed.source_type, source)])


def test_one_source_query_that_reaches_a_dead_end_is_all_zero():
    nodes = [("a", "A"), ("a2", "A"), ("b", "B"), ("b2", "B")]
    edges = [("a", "t", "a2", 1.0), ("a", "r", "b", 1.0), ("b", "s", "b2", 1.0)]
    graph = HetMat.from_edges(nodes, edges)
    # a -t- a2 has no r edge, so the cut after two steps finds nothing to continue from.
    assert dwpc_row(graph, "A-t-A-r>B-s-B-s-B", "a").tolist() == [0.0, 0.0]
    assert dwpc_row(graph, "A-t-A-r>B-s-B-s-B", "a2").tolist() == [0.0, 0.0]


def test_curated_graph_switch_and_partner_metapaths_equal_path_enumeration(built):
    graph = make_scorer(built.paths.store, None, n_permutations=0).graph
    nodes = [(node, node_type) for node_type, ids in graph.node_ids.items() for node in ids]
    edges = []
    for metaedge, matrix in graph.adjacency.items():
        entries = matrix.tocoo()
        sources = graph.node_ids[metaedge.source_type]
        targets = graph.node_ids[metaedge.target_type]
        edges += [
            (sources[i], metaedge.predicate, targets[j], w)
            for i, j, w in zip(entries.row, entries.col, entries.data, strict=True)
        ]
    named = {m.name: m.path for m in (*PARTNER_METAPATHS, *SWITCH_METAPATHS)}
    checked = 0
    for name in ("class-mechanism-strategy-adc", "mechanism-strategy-adc", "class-adc-partner"):
        path = parse_metapath(named[name])
        oracle = oracle_scores(nodes, edges, named[name], damping=DAMPING)["scores"]
        sources = graph.node_ids[path.source_type]
        targets = graph.node_ids[path.target_type]
        expected = np.array([[oracle.get((s, t), 0.0) for t in targets] for s in sources])
        assert expected.sum() > 0, f"{name}: the curated graph should have such paths"
        assert np.allclose(dwpc(graph, path, DAMPING).toarray(), expected, rtol=1e-10, atol=0)
        for source in sources:
            row = dwpc_row(graph, path, source, DAMPING)
            assert np.allclose(row, expected[graph.index_of(path.source_type, source)])
        checked += 1
    assert checked == 3


# --- permutations ---------------------------------------------------------------------


def pattern_degrees(matrix) -> tuple[list[float], list[float]]:
    pattern = matrix.copy()
    pattern.data[:] = 1
    return (
        np.asarray(pattern.sum(axis=1)).ravel().tolist(),
        np.asarray(pattern.sum(axis=0)).ravel().tolist(),
    )


def test_permutation_preserves_every_degree_per_metaedge_but_moves_edges():
    nodes, edges = random_typed_graph(4)
    graph = HetMat.from_edges(nodes, edges)
    permuted = permute(graph, n_swaps_multiplier=10, seed=7)

    moved = 0
    for metaedge, original in graph.adjacency.items():
        shuffled = permuted.adjacency[metaedge]
        assert shuffled.nnz == original.nnz
        assert pattern_degrees(shuffled) == pattern_degrees(original)
        assert shuffled.max() <= original.max()  # no edge merged into a multi-edge
        assert shuffled.diagonal().sum() == 0 or metaedge.source_type != metaedge.target_type
        for row in range(original.shape[0]):
            assert sorted(shuffled[row].data) == sorted(original[row].data)
        moved += (original != shuffled).nnz
    assert moved > 0


def test_same_type_permutation_never_creates_an_edge_and_its_reverse():
    nodes, edges = random_typed_graph(5)
    one_way_only = [(s, p, t, w) for s, p, t, w in edges if p != "s" or s < t]
    graph = HetMat.from_edges(nodes, one_way_only)
    interactions = Metaedge("B", "s", "B")
    permuted = permute(graph, seed=3, metaedges=[interactions])
    shuffled = permuted.adjacency[interactions]

    assert shuffled.diagonal().sum() == 0
    assert shuffled.maximum(shuffled.T).nnz == 2 * shuffled.nnz
    assert (shuffled != graph.adjacency[interactions]).nnz > 0
    untouched = Metaedge("A", "r", "B")
    assert permuted.adjacency[untouched] is graph.adjacency[untouched]


def test_same_seed_gives_the_same_permutation():
    nodes, edges = random_typed_graph(6)
    graph = HetMat.from_edges(nodes, edges)
    first, second = permute(graph, seed=11), permute(graph, seed=11)
    for metaedge in graph.adjacency:
        assert (first.adjacency[metaedge] != second.adjacency[metaedge]).nnz == 0


def test_adjusted_scores_compare_observed_with_the_permuted_mean():
    nodes, edges = random_typed_graph(8)
    graph = HetMat.from_edges(nodes, edges)
    metapath = "A-r>B-s-B"
    null_graphs = permutations(graph, 4, seed=1, metaedges=metaedges_of(graph, metapath))
    scores = adjusted_scores(graph, null_graphs, metapath, "A0", damping=0.4)

    observed = dwpc_row(graph, metapath, "A0", damping=0.4)
    null = np.vstack([dwpc_row(g, metapath, "A0", damping=0.4) for g in null_graphs])
    assert {s.target_id for s in scores} == {
        graph.node_ids["B"][i] for i in np.flatnonzero(observed)
    }
    for score in scores:
        i = graph.index_of("B", score.target_id)
        exceed = int(np.sum(null[:, i] >= observed[i]))
        assert score.observed == pytest.approx(observed[i])
        assert score.permuted_mean == pytest.approx(null[:, i].mean())
        assert score.p_value == pytest.approx((1 + exceed) / (1 + len(null_graphs)))
        if score.permuted_mean > 0:
            assert score.ratio == pytest.approx(score.observed / score.permuted_mean)
    ratios = [math.inf if s.ratio is None else s.ratio for s in scores]
    assert ratios == sorted(ratios, reverse=True)


def test_scores_against_identical_graphs_are_never_significant(example):
    scores = adjusted_scores(
        example, [example, example], GENE_INTERACTS_GENE_ASSOCIATED_DISEASE, "IRF1"
    )
    assert all(s.ratio == pytest.approx(1.0) and s.p_value == 1.0 for s in scores)


# --- cache -----------------------------------------------------------------------------


def test_save_and_load_round_trip(example, tmp_path):
    save(example, tmp_path, cache_key="store-v1")
    loaded = load(tmp_path, cache_key="store-v1")

    assert loaded is not None
    assert loaded.node_ids == example.node_ids
    assert set(loaded.adjacency) == set(example.adjacency)
    for metaedge, matrix in example.adjacency.items():
        assert (loaded.adjacency[metaedge] != matrix).nnz == 0
    assert np.allclose(
        dwpc(loaded, GENE_DISEASE_GENE_INTERACTS_GENE).toarray(),
        dwpc(example, GENE_DISEASE_GENE_INTERACTS_GENE).toarray(),
    )


def test_load_ignores_a_cache_saved_under_another_key(example, tmp_path):
    save(example, tmp_path, cache_key="store-v1")
    assert load(tmp_path, cache_key="store-v2") is None
    assert load(tmp_path / "missing", cache_key="store-v1") is None


def test_damaged_cache_raises_a_clear_error(example, tmp_path):
    save(example, tmp_path, cache_key="store-v1")
    for matrix_file in tmp_path.glob("metaedge-*.npz"):
        matrix_file.write_bytes(b"not a matrix")
    with pytest.raises(HetMatError, match="damaged"):
        load(tmp_path, cache_key="store-v1")


# --- bad input ----------------------------------------------------------------------------


def test_unknown_node_type_in_metapath_names_the_known_types(example):
    with pytest.raises(MetapathError, match=r"unknown node type 'Protein'.*'Gene'"):
        dwpc(example, "Gene-interacts_with-Protein")


def test_unknown_predicate_in_metapath_lists_what_exists(example):
    with pytest.raises(MetapathError, match=r"'treats'.*Gene-associated_with>Disease"):
        dwpc(example, "Gene-treats>Disease")


def test_wrong_direction_is_an_unknown_step(example):
    with pytest.raises(MetapathError, match="associated_with"):
        dwpc(example, "Gene<associated_with-Disease")


@pytest.mark.parametrize("text", ["", "Gene", "Gene->Disease", "Gene-a>", "Gene=a=>Disease"])
def test_malformed_metapath_string_is_rejected(text):
    with pytest.raises(MetapathError):
        parse_metapath(text)


def test_metapath_errors_are_adcgraph_errors(example):
    with pytest.raises(AdcGraphError):
        dwpc_row(example, GENE_INTERACTS_GENE_ASSOCIATED_DISEASE, "BRCA1")


def test_metapath_string_round_trips():
    text = "ADC<confers_resistance_to-Mechanism-involves_gene>Gene<inhibits-Drug"
    parsed = parse_metapath(text)
    assert str(parsed) == text
    assert [step.direction for step in parsed.steps] == ["backward", "forward", "backward"]
    assert parsed.node_types == ("ADC", "Mechanism", "Gene", "Drug")


def test_edges_must_use_listed_nodes_with_one_type():
    with pytest.raises(HetMatError, match="not in the node list"):
        HetMat.from_edges([("a", "Gene")], [("a", "x", "b", 1.0)])
    with pytest.raises(HetMatError, match="two types"):
        HetMat.from_edges([("a", "Gene"), ("a", "Drug")], [])


@pytest.mark.parametrize("seed", [4, 5])
def test_one_source_rows_are_zero_exactly_where_the_matrix_is(seed):
    # Subtracting the walks that revisit a node must not leave float dust behind: a target
    # with no path must score exactly 0, or it would be ranked as a candidate.
    nodes, edges = random_typed_graph(seed)
    graph = HetMat.from_edges(nodes, edges)
    for metapath in ORACLE_METAPATHS:
        matrix = dwpc(graph, metapath, damping=0.4).toarray()
        sources = graph.node_ids[parse_metapath(metapath).source_type]
        for index, source in enumerate(sources):
            row = dwpc_row(graph, metapath, source, damping=0.4)
            assert np.array_equal(row == 0, matrix[index] == 0), (metapath, source)
