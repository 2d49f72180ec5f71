"""adcgraph's DWPC beside hetmatpy's on the bench's synthetic hetnet (same nodes, same edges).

    python bench/hetmatpy_side.py --triples 100000     # prints one JSON object

Both libraries get the seeded hetnet of bench/generate_hetnet.py restricted to the metaedges
the partner metapaths read, with every edge weight 1.0 (hetnetpy edges carry no weight), and
the product's damping (``combos.DAMPING``). hetmatpy has no one-source API, so its cost for one
ADC is the all-pairs matrix; its sparse mode (``dense_threshold=1``) is the fast one on these
graphs. Peak memory is the tracemalloc peak of one call (numpy and scipy report to it).
When hetmatpy or hetnetpy is not installed every figure is null and ``why`` says so.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import generate_hetnet as gen
import numpy as np

from adcgraph import hetmat
from adcgraph.combos import DAMPING, PARTNER_METAPATHS, SWITCH_METAPATHS

# Generator class names -> the node types the product's metapaths use.
TYPE_OF_KIND = {"ResistanceMechanism": "Mechanism"}
NODE_ABBREV = {
    "ADC": "A",
    "Mechanism": "M",
    "Gene": "G",
    "Drug": "D",
    "PayloadClass": "P",
    "Strategy": "S",
}
EDGE_ABBREV = {
    "confersResistanceTo": "c",
    "involvesGene": "v",
    "inhibits": "i",
    "hasPayloadClass": "p",
    "addresses": "a",
    "usesDrug": "u",
    "usesAdc": "w",
    "hasTarget": "t",
}
COMPARED_ADCS = 5


def _kind(name: str) -> str:
    return TYPE_OF_KIND.get(name, name)


def abbreviation(metapath: hetmat.Metapath) -> str:
    """The hetnetpy abbreviation of a metapath of forward/backward steps.

    >>> abbreviation(hetmat.parse_metapath("ADC-hasTarget>Gene<inhibits-Drug"))
    'At>G<iD'
    """
    text = NODE_ABBREV[metapath.source_type]
    for step in metapath.steps:
        edge = EDGE_ABBREV[step.predicate]
        target = NODE_ABBREV[step.target_type]
        text += f"{edge}>{target}" if step.direction == "forward" else f"<{edge}{target}"
    return text


def compared_metapaths() -> list[tuple[str, hetmat.Metapath]]:
    """Partner and switch metapaths from an ADC that the generated hetnet can walk.

    >>> [name for name, _ in compared_metapaths()][:2]
    ['mechanism-gene-inhibitor', 'class-mechanism-gene-inhibitor']
    """
    generated = {
        hetmat.Metaedge(_kind(kind.source), kind.predicate, _kind(kind.target))
        for kind in gen.EDGE_KINDS
    }
    chosen = []
    for named in (*PARTNER_METAPATHS, *SWITCH_METAPATHS):
        path = hetmat.parse_metapath(named.path)
        if path.source_type == "ADC" and all(step.metaedge in generated for step in path.steps):
            chosen.append((named.name, path))
    return chosen


def build_graphs(n_edges: int, metaedges: set[hetmat.Metaedge]):  # type: ignore[no-untyped-def]
    """The same nodes and edges as an adcgraph HetMat and a hetnetpy Graph."""
    import hetnetpy.hetnet

    nodes = [(node.iri, _kind(node.kind)) for node in gen.generate_nodes(n_edges)]
    edges = [
        (
            e.source,
            e.predicate.removeprefix(gen.ONTOLOGY),
            e.target,
            _kind(e.source_kind),
            _kind(e.target_kind),
        )
        for e in gen.generate_edges(n_edges)
    ]
    edges = [e for e in edges if hetmat.Metaedge(e[3], e[1], e[4]) in metaedges]
    ours = hetmat.HetMat.from_edges(nodes, [(s, p, t, 1.0) for s, p, t, _, _ in edges])
    kinds = {t for m in metaedges for t in (m.source_type, m.target_type)}
    metagraph = hetnetpy.hetnet.MetaGraph.from_edge_tuples(
        [(m.source_type, m.target_type, m.predicate, "forward") for m in sorted(metaedges)],
        {**{k: NODE_ABBREV[k] for k in kinds}, **EDGE_ABBREV},
    )
    theirs = hetnetpy.hetnet.Graph(metagraph)
    for iri, kind in nodes:
        if kind in kinds:
            theirs.add_node(kind, iri)
    seen = set()
    for source, predicate, target, source_kind, target_kind in edges:
        if (source, predicate, target) in seen or source == target:
            continue
        seen.add((source, predicate, target))
        theirs.add_edge((source_kind, source), (target_kind, target), predicate, "forward")
    return ours, theirs, len(seen)


def _timed(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = call()
    return time.perf_counter() - start, value


def _peak_mb(call: Callable[[], object]) -> float:
    tracemalloc.start()
    call()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def compare(n_edges: int, rounds: int) -> dict[str, object]:
    """Per partner metapath: all-pairs times, peaks and agreement; one-source speed-up."""
    import hetmatpy.degree_weight
    import hetmatpy.hetmat

    paths = compared_metapaths()
    metaedges = {step.metaedge for _, path in paths for step in path.steps}
    start = time.perf_counter()
    ours, theirs, n_hetnet_edges = build_graphs(n_edges, metaedges)
    build_s = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="hetmatpy-") as directory:
        start = time.perf_counter()
        matrices = hetmatpy.hetmat.hetmat_from_graph(theirs, Path(directory) / "hetmat")
        hetmat_build_s = time.perf_counter() - start
        per_metapath = {}
        for name, path in paths:
            metapath = matrices.metagraph.metapath_from_abbrev(abbreviation(path))

            def ours_all(path: hetmat.Metapath = path) -> object:
                return hetmat.dwpc(ours, path, DAMPING)

            def theirs_all(metapath: object = metapath) -> object:
                return hetmatpy.degree_weight.dwpc(
                    matrices, metapath, damping=DAMPING, dense_threshold=1
                )

            ours_all()
            theirs_all()
            ours_times, theirs_times = [], []
            for _ in range(rounds):  # interleaved on this shared machine
                ours_times.append(_timed(ours_all)[0])
                seconds, result = _timed(theirs_all)
                theirs_times.append(seconds)
            rows, columns, their_matrix = result  # type: ignore[misc]
            our_matrix = ours_all()
            row_at = [ours.index_of(path.source_type, r) for r in rows]
            column_at = [ours.index_of(path.target_type, c) for c in columns]
            aligned = our_matrix.toarray()[np.ix_(row_at, column_at)]  # type: ignore[attr-defined]
            their_dense = (
                their_matrix.toarray() if hasattr(their_matrix, "toarray") else their_matrix
            )
            per_metapath[name] = {
                "adcgraph_allpairs_s": statistics.median(ours_times),
                "hetmatpy_allpairs_s": statistics.median(theirs_times),
                "adcgraph_peak_mb": _peak_mb(ours_all),
                "hetmatpy_peak_mb": _peak_mb(theirs_all),
                "max_abs_difference": float(np.abs(aligned - their_dense).max()),
            }
        adcs = ours.node_ids["ADC"]
        degree = np.diff(ours.adjacency[hetmat.Metaedge("ADC", "hasTarget", "Gene")].indptr)
        chosen = [adcs[i] for i in np.argsort(-degree, kind="stable")[:COMPARED_ADCS]]
        one_source = []
        for adc in chosen:
            seconds = statistics.median(
                _timed(lambda adc=adc: [hetmat.dwpc_row(ours, p, adc, DAMPING) for _, p in paths])[
                    0
                ]
                for _ in range(rounds)
            )
            one_source.append(seconds)
    hetmatpy_one_source = sum(m["hetmatpy_allpairs_s"] for m in per_metapath.values())
    return {
        "why": None,
        "damping": DAMPING,
        "hetnet_edges": n_hetnet_edges,
        "build_s": build_s,
        "hetmat_from_graph_s": hetmat_build_s,
        "per_metapath": per_metapath,
        "adcgraph_one_source_s": statistics.median(one_source),
        "hetmatpy_one_source_s": hetmatpy_one_source,
        "hetmatpy_one_source_speedup": statistics.median(
            hetmatpy_one_source / s for s in one_source
        ),
        "hetmatpy_allpairs_ratio_min": min(
            m["hetmatpy_allpairs_s"] / m["adcgraph_allpairs_s"] for m in per_metapath.values()
        ),
        "max_abs_difference": max(m["max_abs_difference"] for m in per_metapath.values()),
    }


def unavailable() -> str | None:
    """Why hetmatpy cannot be compared here, or None when it can."""
    try:
        import hetmatpy.degree_weight  # noqa: F401
        import hetnetpy.hetnet  # noqa: F401
    except ImportError as error:
        return f"{error}; install the bench extra: pip install -e '.[bench]'"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    why = unavailable()
    if why is not None:
        print(json.dumps({"why": why}))
        return 0
    print(json.dumps(compare(gen.edges_for_triples(args.triples), args.rounds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
