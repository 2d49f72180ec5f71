"""How adcgraph.hetmat scales on a generated 2M-edge hetnet, beside the measured baselines.

    python bench/dwpc_scale.py            # 2M edges, a few minutes, ~2 GB RAM
    python bench/dwpc_scale.py --quick    # 60k edges, under 30 s

Figures: HetMat build time and extra peak RSS, DWPC of one length-3 metapath over all
pairs (scipy) against networkx per-source traversal on a sample (extrapolated), one-source
``dwpc_row``, one XSwap permutation, and a warm load from the cache in a fresh process.
Baselines are from /work/shared/design/performance-notes.md (same machine, 2 vCPU).
Generated files go under a temporary directory and are removed afterwards.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate_hetnet as gen

from adcgraph import hetmat as hm

METAPATH = "Drug-inhibits>Gene-interactsWith>Gene-associatedWith>Disease"
UNDIRECTED_METAPATH = "Drug-inhibits>Gene-interactsWith-Gene-associatedWith>Disease"
DAMPING = 0.4
SEED = 42

BASELINE_BUILD = "IRI->int 1.49 s + scipy CSR 0.64 s, 47 MB (target <= 5 s)"
BASELINE_DWPC = "2.28 s (1.87-3.01), 78% dense, 44M nnz (target <= 3 s)"
BASELINE_NX_PER_DRUG = "0.293 s per drug, ~2,350 s for all"
BASELINE_SPEEDUP = "about 1,000x"


def local_name(iri: str) -> str:
    """``https://w3id.org/adcgraph/ontology#inhibits`` -> ``inhibits``."""
    return iri.rsplit("#", 1)[-1]


def current_rss_mb() -> float:
    """Resident set size now, from /proc (Linux)."""
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * resource.getpagesize() / 2**20


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_runs(function: Callable[[], object], repeats: int) -> tuple[list[float], object]:
    """Wall times of ``repeats`` calls and the last result."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return times, result


def describe(times: list[float]) -> str:
    """Median (min-max) in seconds, like the performance notes."""
    unit, scale = ("ms", 1000) if max(times) < 0.1 else ("s", 1)
    if len(times) == 1:
        return f"{times[0] * scale:.3f} {unit}"
    low, middle, high = min(times) * scale, statistics.median(times) * scale, max(times) * scale
    return f"{middle:.3f} {unit} ({low:.3f}-{high:.3f})"


def report(figure: str, measured: str, baseline: str = "") -> None:
    """One line: figure, measured value, baseline."""
    print(f"{figure:<44} {measured:<34} {('baseline: ' + baseline) if baseline else ''}")


def networkx_dwpc_row(
    graph: nx.MultiDiGraph,
    metapath: hm.Metapath,
    degrees: dict[tuple[str, str, str], dict[str, int]],
    source: str,
) -> dict[str, float]:
    """Per-source DWPC by traversal, forward steps only, summed per reached node.

    Summing per node counts walks; for the benchmark metapath (Drug, Gene, Gene, Disease,
    no self-loops) no walk can revisit a node, so walks and paths coincide.
    """
    frontier = {source: 1.0}
    for step in metapath.steps:
        out_degree = degrees[(step.predicate, "out", step.source_type)]
        in_degree = degrees[(step.predicate, "in", step.target_type)]
        following: dict[str, float] = {}
        for here, score in frontier.items():
            for _, other, key, data in graph.out_edges(here, keys=True, data=True):
                if key != step.predicate:
                    continue
                factor = data["weight"] * (out_degree[here] * in_degree[other]) ** -DAMPING
                following[other] = following.get(other, 0.0) + score * factor
        frontier = following
    return frontier


def networkx_degrees(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str], dict[str, int]]:
    """Edge counts per (predicate, out|in, node type) and node, as the DWPC needs them."""
    degrees: dict[tuple[str, str, str], dict[str, int]] = {}
    node_type = nx.get_node_attributes(graph, "type")
    for source, target, key in graph.edges(keys=True):
        out_counts = degrees.setdefault((key, "out", node_type[source]), {})
        in_counts = degrees.setdefault((key, "in", node_type[target]), {})
        out_counts[source] = out_counts.get(source, 0) + 1
        in_counts[target] = in_counts.get(target, 0) + 1
    return degrees


def main(argv: list[str] | None = None) -> int:
    """Run every measurement and print it beside its baseline."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small graph, under 30 s")
    parser.add_argument("--edges", type=lambda text: int(float(text)), default=None)
    parser.add_argument("--sample", type=int, default=None, help="drugs for networkx")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    n_edges = args.edges or (60_000 if args.quick else 2_000_000)
    sample_size = args.sample or (20 if args.quick else 40)
    repeats = args.repeats
    quick_note = " (quick mode: baselines are for 2M edges)" if args.quick else ""
    print(f"hetnet: {n_edges:,} edges requested, seed {SEED}{quick_note}")

    started = time.perf_counter()
    nodes = [(node.iri, node.kind) for node in gen.generate_nodes(n_edges, SEED)]
    edges = [
        (e.source, local_name(e.predicate), e.target, 1.0)
        for e in gen.generate_edges(n_edges, SEED)
    ]
    report("generate node and edge lists", f"{time.perf_counter() - started:.2f} s")

    rss_before = current_rss_mb()
    build_times, graph = timed_runs(lambda: hm.HetMat.from_edges(nodes, edges), 1)
    assert isinstance(graph, hm.HetMat)
    build_peak = peak_rss_mb() - rss_before
    report(
        f"HetMat.from_edges ({graph.node_count():,} nodes, {graph.edge_count():,} edges)",
        f"{describe(build_times)}, +{build_peak:.0f} MB peak",
        BASELINE_BUILD,
    )

    metapath = hm.parse_metapath(METAPATH)
    # A fresh HetMat per run, so the cached degree-weighted matrices are not reused.
    dwpc_times, matrix = timed_runs(
        lambda: hm.dwpc(hm.HetMat(graph.node_ids, graph.adjacency), metapath, DAMPING), repeats
    )
    n_drugs = len(graph.node_ids["Drug"])
    n_diseases = len(graph.node_ids["Disease"])
    density = matrix.nnz / (n_drugs * n_diseases)
    report(
        f"DWPC all pairs {n_drugs:,} x {n_diseases:,}",
        f"{describe(dwpc_times)}, {density:.0%} dense, {matrix.nnz / 1e6:.1f}M nnz",
        BASELINE_DWPC,
    )
    undirected_times, undirected = timed_runs(
        lambda: hm.dwpc(graph, UNDIRECTED_METAPATH, DAMPING), 1
    )
    report(
        "DWPC all pairs, interactsWith undirected",
        f"{describe(undirected_times)}, {undirected.nnz / 1e6:.1f}M nnz",
    )
    del undirected

    rng = np.random.default_rng(SEED)
    drug_ids = graph.node_ids["Drug"]
    sample = [drug_ids[i] for i in rng.choice(n_drugs, size=sample_size, replace=False)]
    row_times = []
    for drug in sample:
        started = time.perf_counter()
        hm.dwpc_row(graph, metapath, drug, DAMPING)
        row_times.append(time.perf_counter() - started)
    report("dwpc_row, first drug (weights degrees)", describe(row_times[:1]))
    report(f"dwpc_row, one drug ({sample_size - 1} more)", describe(row_times[1:]))

    started = time.perf_counter()
    nx_graph = nx.MultiDiGraph()
    nx_graph.add_nodes_from((node_id, {"type": node_type}) for node_id, node_type in nodes)
    nx_graph.add_edges_from((s, t, p, {"weight": w}) for s, p, t, w in edges)
    degrees = networkx_degrees(nx_graph)
    report("networkx MultiDiGraph build", f"{time.perf_counter() - started:.2f} s", "8.94 s")

    started = time.perf_counter()
    worst_difference = 0.0
    disease_index = graph.node_index["Disease"]
    for drug in sample:
        scores = networkx_dwpc_row(nx_graph, metapath, degrees, drug)
        expected = matrix[graph.index_of("Drug", drug)].toarray().ravel()
        observed = np.zeros(n_diseases)
        for disease, score in scores.items():
            observed[disease_index[disease]] = score
        worst_difference = max(worst_difference, float(np.abs(observed - expected).max()))
    per_drug = (time.perf_counter() - started) / sample_size
    all_drugs = per_drug * n_drugs
    scipy_median = statistics.median(dwpc_times)
    report(
        f"networkx per-drug traversal ({sample_size} drugs)",
        f"{per_drug:.3f} s per drug, {all_drugs:,.0f} s for all",
        BASELINE_NX_PER_DRUG,
    )
    report(
        "speed-up scipy all pairs vs networkx",
        f"{all_drugs / scipy_median:,.0f}x (rows agree to {worst_difference:.1e})",
        BASELINE_SPEEDUP,
    )
    report(
        "speed-up dwpc_row vs networkx, one drug",
        f"{per_drug / statistics.median(row_times[1:]):,.0f}x",
    )
    del nx_graph, degrees

    metaedges = hm.metaedges_of(graph, metapath)
    permute_times, _ = timed_runs(lambda: hm.permute(graph, 10, SEED, metaedges), 1)
    permuted_edges = sum(graph.adjacency[m].nnz for m in metaedges)
    report(
        f"XSwap permutation, multiplier 10 ({permuted_edges:,} edges)",
        describe(permute_times),
        "hetnetpy.permute is pure Python",
    )

    with tempfile.TemporaryDirectory(prefix="hetmat-cache-") as cache:
        save_times, _ = timed_runs(lambda: hm.save(graph, cache, "bench"), 1)
        size_mb = sum(p.stat().st_size for p in Path(cache).iterdir()) / 2**20
        report("save to cache (npz + JSON index)", f"{describe(save_times)}, {size_mb:.0f} MB")
        probe = (
            "import time; t0 = time.perf_counter(); from adcgraph import hetmat; "
            f"t1 = time.perf_counter(); g = hetmat.load({cache!r}, 'bench'); "
            "t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
        )
        imports, loads, process = [], [], []
        for _ in range(repeats):
            started = time.perf_counter()
            output = subprocess.run(
                [sys.executable, "-c", probe], capture_output=True, text=True, check=True
            ).stdout
            process.append(time.perf_counter() - started)
            import_time, load_time = map(float, output.split())
            imports.append(import_time)
            loads.append(load_time)
        report("warm load in a fresh process: load()", describe(loads), "goal: well under 1 s")
        report("  import adcgraph.hetmat (numpy, scipy)", describe(imports))
        report("  whole process incl. interpreter start", describe(process))
    report("peak RSS of this benchmark process", f"{peak_rss_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
