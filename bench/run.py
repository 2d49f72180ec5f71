"""adcgraph benchmarks: every figure printed beside a baseline measured in the same run.

    python bench/run.py            # 10M-triple import, 2M-edge merged graph (~10 min, ~3 GB)
    python bench/run.py --quick    # small sizes, under a minute
    python bench/run.py --json     # one JSON object with every figure

Steps run in fresh processes (so start-up and peak memory are real); generated graphs and
stores live in a temporary directory that is removed afterwards. The synthetic hetnet comes
from bench/generate_hetnet.py (seeded), so nothing is downloaded.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
ADCGRAPH = str(Path(PYTHON).with_name("adcgraph"))
SIZES = {
    "quick": {
        "import_triples": 200_000,
        "merge_triples": 100_000,
        "repeats": 3,
        "import_rounds": 3,
        "networkx_limit_s": 10,
    },
    "full": {
        "import_triples": 10_000_000,
        "merge_triples": 2_100_000,
        "repeats": 5,
        "import_rounds": 2,
        "networkx_limit_s": 300,
    },
}


def run_python(code: str, *args: str) -> dict[str, object]:
    """Run a snippet in a fresh interpreter; it prints one JSON object; add its peak RSS."""
    wrapper = textwrap.dedent(code) + textwrap.dedent("""
        import resource as _r, json as _j
        RESULT["peak_rss_mb"] = _r.getrusage(_r.RUSAGE_SELF).ru_maxrss / 1024
        print(_j.dumps(RESULT))
    """)
    completed = subprocess.run(
        [PYTHON, "-c", wrapper, *args], capture_output=True, text=True, cwd=REPO, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def timed_command(command: list[str], repeats: int) -> float:
    """Median wall time of a command run in fresh processes."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, cwd=REPO)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def generate(path: Path, triples: int) -> None:
    subprocess.run(
        [
            PYTHON,
            str(REPO / "bench" / "generate_hetnet.py"),
            "--triples",
            str(triples),
            "--out",
            str(path),
        ],
        check=True,
        capture_output=True,
    )


_LOAD_SNIPPET = """
    import resource, sys, time, pyoxigraph as ox
    store = ox.Store(sys.argv[1])
    target = ox.NamedNode(sys.argv[3]) if len(sys.argv) > 3 else None
    start = time.perf_counter()
    store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES, to_graph=target)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    RESULT = {"seconds": seconds, "cpu_s": usage.ru_utime + usage.ru_stime}
"""
_IMPORT_SNIPPET = """
    import resource, sys, time
    from pathlib import Path
    from adcgraph.importers import run_import
    start = time.perf_counter()
    report = run_import("ntriples", [Path(sys.argv[2])], Path(sys.argv[1]))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    RESULT = {"seconds": time.perf_counter() - start, "triples": report.quads,
              "cpu_s": usage.ru_utime + usage.ru_stime}
"""


def bench_import(work: Path, curated_store: Path, triples: int, rounds: int) -> dict[str, object]:
    """adcgraph's import against bare ``Store(path).bulk_load`` calls on the same file.

    Two baselines: the same call the importer makes (into a named graph) and a load into
    the default graph, which Oxigraph indexes in 3 orders instead of 6. The three loads run
    interleaved for ``rounds`` rounds on this shared machine; each figure is the median.
    """
    data = work / "hetnet.nt"
    generate(data, triples)
    runs: dict[str, list[dict[str, object]]] = {"default": [], "named": [], "adcgraph": []}
    target = work / "import-store"
    for _ in range(rounds):
        bare = work / "bare-store"
        runs["default"].append(run_python(_LOAD_SNIPPET, str(bare), str(data)))
        shutil.rmtree(bare)
        runs["named"].append(
            run_python(_LOAD_SNIPPET, str(bare), str(data), "https://example.org/import")
        )
        shutil.rmtree(bare)
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(curated_store, target)
        runs["adcgraph"].append(run_python(_IMPORT_SNIPPET, str(target), str(data)))
    data.unlink()

    def median(kind: str, key: str) -> float:
        return statistics.median(float(run[key]) for run in runs[kind])  # type: ignore[arg-type]

    return {
        "triples": int(runs["adcgraph"][0]["triples"]),  # type: ignore[call-overload]
        "seconds": {kind: median(kind, "seconds") for kind in runs},
        "cpu_s": {kind: median(kind, "cpu_s") for kind in runs},
        "peak_rss_mb": {kind: max(float(r["peak_rss_mb"]) for r in runs[kind]) for kind in runs},  # type: ignore[arg-type]
        "rounds": rounds,
        "store": str(target),
    }


def bench_combos(
    work: Path, curated_store: Path, triples: int, repeats: int, networkx_limit_s: float
) -> dict[str, object]:
    """combos on the curated graph merged with a synthetic hetnet: cold, warm, vs networkx."""
    data = work / "merge.nt"
    generate(data, triples)
    store = work / "merged-store"
    shutil.copytree(curated_store, store)
    run_python(
        """
        import sys
        from pathlib import Path
        from adcgraph.importers import run_import
        run_import("ntriples", [Path(sys.argv[2])], Path(sys.argv[1]))
        RESULT = {}
    """,
        str(store),
        str(data),
    )
    command = [
        ADCGRAPH,
        "combos",
        "DRUGBANK:DB12893",
        "MONDO:0005494",
        "--format",
        "json",
        "--store",
        str(store),
    ]
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True, cwd=REPO)
    cold = time.perf_counter() - start
    warm = timed_command(command, repeats)
    versus = run_python(
        """
        import sys, time
        from pathlib import Path
        import numpy as np
        from adcgraph import hetmat
        from adcgraph.combos import DAMPING, PARTNER_METAPATHS, make_scorer, _metapath_available
        from adcgraph.graphdata import EDGE_PREDICATES, read_graph_data
        from adcgraph.paths import _walk, build_projection
        store = Path(sys.argv[1])
        scorer = make_scorer(store, "http://purl.obolibrary.org/obo/MONDO_0005494",
                             n_permutations=0)
        graph_matrices = scorer.graph
        # The best-connected ADC: the case where path enumeration hurts most.
        degree = np.zeros(len(graph_matrices.node_ids["ADC"]))
        for edge, matrix in graph_matrices.adjacency.items():
            if edge.source_type == "ADC":
                degree += np.diff(matrix.indptr)
            if edge.target_type == "ADC":
                degree += np.bincount(matrix.indices, minlength=len(degree))
        order = np.argsort(degree, kind="stable")
        connected = order[degree[order] > 0]
        # networkx walks the claim projection, which has no synthetic inCategory edges.
        paths = [hetmat.parse_metapath(m.path) for m in PARTNER_METAPATHS
                 if _metapath_available(graph_matrices, m.path)
                 and hetmat.parse_metapath(m.path).source_type == "ADC"
                 and {s.predicate for s in hetmat.parse_metapath(m.path).steps}
                 <= set(EDGE_PREDICATES)]
        out_degrees = {e: np.diff(a.indptr) for e, a in graph_matrices.adjacency.items()}
        in_degrees = {e: np.bincount(a.indices, minlength=a.shape[1])
                      for e, a in graph_matrices.adjacency.items()}
        start = time.perf_counter()
        graph = build_projection(read_graph_data(store, scope="all"))
        build_s = time.perf_counter() - start

        class Anywhere:
            def __contains__(self, node):
                return True

        def compare(source, limit_s, per_metapath):
            # per_metapath: each metapath gets an equal share of the time, and the scores
            # of those networkx finishes are compared; otherwise one deadline for all.
            start = time.perf_counter()
            rows = [hetmat.dwpc_row(graph_matrices, m, source, DAMPING) for m in paths]
            scipy_s = time.perf_counter() - start
            start = time.perf_counter()
            deadline = start + limit_s
            worst, cut, compared = 0.0, False, 0
            for metapath, row in zip(paths, rows):
                if per_metapath:
                    deadline = time.perf_counter() + limit_s / len(paths)
                totals = {}
                finished = True
                # Every node may lead to some target: no pruning by a target's reach.
                anywhere = [Anywhere()] * (len(metapath.steps) + 1)
                for nodes, steps in _walk(
                    graph, source, metapath.steps, anywhere, (source,), ()
                ):
                    if time.perf_counter() > deadline:
                        cut = True
                        finished = False
                        break
                    if any(node not in graph_matrices.node_index[kind]
                           for node, kind in zip(nodes, metapath.node_types)):
                        continue  # the projection follows an edge to a node of another type
                    weight = 1.0
                    for step, walked in zip(metapath.steps, steps):
                        edge = step.metaedge
                        first, second = ((walked.source, walked.target) if walked.forward
                                         else (walked.target, walked.source))
                        u = graph_matrices.index_of(edge.source_type, first)
                        v = graph_matrices.index_of(edge.target_type, second)
                        matrix = graph_matrices.adjacency[edge]
                        # The product's degree weighting, recomputed here from edge
                        # counts: deg_out of the stored source, deg_in of the stored target.
                        weight *= matrix[u, v] * (
                            out_degrees[edge][u] * in_degrees[edge][v]
                        ) ** -DAMPING
                    totals[nodes[-1]] = totals.get(nodes[-1], 0.0) + weight
                if not finished:
                    continue
                compared += 1
                targets = graph_matrices.node_ids[metapath.target_type]
                expected = np.array([totals.get(t, 0.0) for t in targets])
                worst = max(worst, float(np.abs(expected - row).max()) if len(row) else 0.0)
            return {"scipy_s": scipy_s, "networkx_s": time.perf_counter() - start,
                    "max_abs_difference": worst if compared else None, "cut": cut,
                    "compared_metapaths": compared, "source": source}

        # The best-connected ADC, where path enumeration hurts most, and a typical one
        # (median degree), where networkx finishes and the scores can be compared.
        best = compare(
            graph_matrices.node_ids["ADC"][int(connected[-1])], float(sys.argv[2]), False
        )
        typical = compare(
            graph_matrices.node_ids["ADC"][int(connected[len(connected) // 2])],
            float(sys.argv[2]),
            True,
        )
        RESULT = {"scipy_s": best["scipy_s"], "networkx_s": best["networkx_s"],
                  "networkx_build_s": build_s, "max_abs_difference": best["max_abs_difference"],
                  "metapaths": len(paths), "source": best["source"],
                  "networkx_cut": best["cut"], "compared_metapaths": best["compared_metapaths"],
                  "typical": typical, "damping": DAMPING}
    """,
        str(store),
        str(networkx_limit_s),
    )
    data.unlink()
    return {"cold_s": cold, "warm_s": warm, "versus": versus, "store": str(store)}


def bench_hetmatpy(triples: int, rounds: int) -> dict[str, object]:
    """hetmatpy beside adcgraph on the same synthetic hetnet (bench/hetmatpy_side.py)."""
    completed = subprocess.run(
        [
            PYTHON,
            str(REPO / "bench" / "hetmatpy_side.py"),
            "--triples",
            str(triples),
            "--rounds",
            str(rounds),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    if completed.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def bench_queries(store: Path, label: str, repeats: int) -> dict[str, object]:
    """Median time of every named query's example, beside an IRI lookup in the same store."""
    return run_python(
        """
        import sys, time, statistics
        from pathlib import Path
        from adcgraph.storage import store as s
        from adcgraph.querying.queries import bind_parameters, load_queries
        backend = s.open_backend(Path(sys.argv[1]))
        repeats = int(sys.argv[2])
        medians = {}
        for query in load_queries():
            bindings = bind_parameters(backend, query, dict(query.example))
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                list(backend.query(query.text, bindings))
                times.append((time.perf_counter() - start) * 1000)
            medians[query.name] = statistics.median(times)
        lookup = []
        for _ in range(repeats * 5):
            start = time.perf_counter()
            list(backend.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 1000"))
            lookup.append((time.perf_counter() - start) * 1000)
        RESULT = {"median_ms": statistics.median(medians.values()),
                  "max_ms": max(medians.values()), "per_query_ms": medians,
                  "baseline_scan_1000_ms": statistics.median(lookup)}
    """,
        str(store),
        str(repeats),
    )


def bench_holdout(store: Path) -> dict[str, object]:
    return run_python(
        """
        import sys
        from pathlib import Path
        from adcgraph.validation import hold_one_out
        RESULT = hold_one_out(Path(sys.argv[1])).summary()
    """,
        str(store),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    sizes = SIZES["quick" if args.quick else "full"]
    work = Path(tempfile.mkdtemp(prefix="adcgraph-bench-"))
    figures: dict[str, object] = {
        "machine": "2 vCPU, 24 GiB (see /work/.library/env)",
        "mode": "quick" if args.quick else "full",
    }
    try:
        curated = work / "curated-store"
        built = run_python(
            """
            import sys, time
            from pathlib import Path
            from adcgraph.curated.build import BuildPaths, build
            start = time.perf_counter()
            build(BuildPaths(store=Path(sys.argv[1]), release=None, inferred_release=None))
            RESULT = {"seconds": time.perf_counter() - start}
        """,
            str(curated),
        )
        startup = {
            "python": timed_command([PYTHON, "-c", "pass"], sizes["repeats"]),
            "help": timed_command([ADCGRAPH, "--help"], sizes["repeats"]),
            "resolve": timed_command(
                [ADCGRAPH, "resolve", "TNBC", "--store", str(curated)], sizes["repeats"]
            ),
        }
        imported = bench_import(work, curated, sizes["import_triples"], sizes["import_rounds"])
        combos = bench_combos(
            work, curated, sizes["merge_triples"], sizes["repeats"], sizes["networkx_limit_s"]
        )
        versus_hetmatpy = bench_hetmatpy(sizes["merge_triples"], sizes["repeats"])
        queries_curated = bench_queries(curated, "curated", sizes["repeats"])
        queries_large = bench_queries(Path(str(imported["store"])), "large", sizes["repeats"])
        holdout = bench_holdout(curated)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds, cpu = imported["seconds"], imported["cpu_s"]
    n_triples = imported["triples"]
    versus = combos["versus"]
    figures.update(
        {
            "build_s": built["seconds"],
            "import_triples": n_triples,
            "import_rounds": imported["rounds"],
            "import_triples_per_s": n_triples / seconds["adcgraph"],
            "bulk_load_triples_per_s": n_triples / seconds["named"],
            "import_ratio_vs_bulk_load": seconds["named"] / seconds["adcgraph"],
            "default_graph_bulk_load_triples_per_s": n_triples / seconds["default"],
            "import_ratio_vs_default_graph_bulk_load": seconds["default"] / seconds["adcgraph"],
            "named_vs_default_graph_cpu_ratio": cpu["named"] / cpu["default"],
            "damping": versus["damping"],
            "combos_cold_s": combos["cold_s"],
            "combos_warm_s": combos["warm_s"],
            "combos_scipy_s": versus["scipy_s"],
            "combos_networkx_s": versus["networkx_s"],
            "combos_networkx_cut_at_limit": versus["networkx_cut"],
            "combos_speedup_vs_networkx": versus["networkx_s"] / max(versus["scipy_s"], 1e-9),
            "combos_networkx_build_s": versus["networkx_build_s"],
            "combos_max_abs_difference_vs_networkx": versus["max_abs_difference"],
            "combos_networkx_source": versus["source"],
            "combos_typical_adc": versus["typical"]["source"],
            "combos_typical_scipy_s": versus["typical"]["scipy_s"],
            "combos_typical_networkx_s": versus["typical"]["networkx_s"],
            "combos_typical_max_abs_difference": versus["typical"]["max_abs_difference"],
            "combos_typical_compared_metapaths": versus["typical"]["compared_metapaths"],
            "combos_metapaths": versus["metapaths"],
            "hetmatpy_unavailable": versus_hetmatpy["why"],
            "hetmatpy_allpairs_ratio_min": versus_hetmatpy.get("hetmatpy_allpairs_ratio_min"),
            "hetmatpy_one_source_speedup": versus_hetmatpy.get("hetmatpy_one_source_speedup"),
            "hetmatpy_max_abs_difference": versus_hetmatpy.get("max_abs_difference"),
            "hetmatpy": versus_hetmatpy,
            "combos_compared_metapaths": versus["compared_metapaths"],
            "query_median_ms_curated": queries_curated["median_ms"],
            "query_median_ms_large": queries_large["median_ms"],
            "query_max_ms_large": queries_large["max_ms"],
            "query_baseline_scan_ms_large": queries_large["baseline_scan_1000_ms"],
            "startup_s": {
                "adcgraph --help": startup["help"],
                "adcgraph resolve": startup["resolve"],
                "python -c pass": startup["python"],
            },
            "holdout": holdout,
            "peak_rss_mb": {
                "build": built["peak_rss_mb"],
                "bulk_load_baseline": imported["peak_rss_mb"]["named"],
                "bulk_load_default_graph": imported["peak_rss_mb"]["default"],
                "import": imported["peak_rss_mb"]["adcgraph"],
                "combos_vs_networkx": versus["peak_rss_mb"],
                "queries_curated": queries_curated["peak_rss_mb"],
                "queries_large": queries_large["peak_rss_mb"],
                "holdout": holdout["peak_rss_mb"],
            },
        }
    )
    if args.json:
        print(json.dumps(figures, indent=1, default=float))
        return
    print_table(figures)


def print_table(f: dict) -> None:  # type: ignore[type-arg]
    """Each figure beside its baseline from the same run (and the goal where one is set)."""
    at_least = ">= " if f["combos_networkx_cut_at_limit"] else ""
    rows = [
        (
            "import",
            f"{f['import_triples_per_s']:,.0f} triples/s ({f['import_triples']:,})",
            f"bare bulk_load, same graph: {f['bulk_load_triples_per_s']:,.0f}/s, ratio "
            f"{f['import_ratio_vs_bulk_load']:.2f} (goal >= 0.8); into the default graph: "
            f"{f['default_graph_bulk_load_triples_per_s']:,.0f}/s, ratio "
            f"{f['import_ratio_vs_default_graph_bulk_load']:.2f} (named graph costs "
            f"{f['named_vs_default_graph_cpu_ratio']:.2f}x the CPU); median of "
            f"{f['import_rounds']} rounds",
        ),
        (
            "combos warm (fresh CLI)",
            f"{f['combos_warm_s']:.2f} s",
            f"goal < 2 s; cold {f['combos_cold_s']:.1f} s",
        ),
        (
            f"DWPC scoring (w = {f['damping']})",
            f"scipy {f['combos_scipy_s'] * 1000:.1f} ms",
            f"networkx paths {f['combos_networkx_s']:.2f} s (+{f['combos_networkx_build_s']:.1f} s "
            f"build); speed-up {at_least}{f['combos_speedup_vs_networkx']:.0f}x; max diff "
            f"{f['combos_max_abs_difference_vs_networkx']} on the "
            f"{f['combos_compared_metapaths']} metapaths it finished",
        ),
        (
            f"DWPC scoring, typical ADC (w = {f['damping']})",
            f"scipy {f['combos_typical_scipy_s'] * 1000:.1f} ms",
            f"networkx paths {f['combos_typical_networkx_s']:.2f} s; same scores on the "
            f"{f['combos_typical_compared_metapaths']} of {f['combos_metapaths']} metapaths "
            f"it finished: max diff {f['combos_typical_max_abs_difference']}",
        ),
        ("named queries, curated", f"median {f['query_median_ms_curated']:.2f} ms", "goal < 10 ms"),
        (
            "named queries, large",
            f"median {f['query_median_ms_large']:.2f} ms (max {f['query_max_ms_large']:.1f})",
            f"scan of 1000 triples {f['query_baseline_scan_ms_large']:.2f} ms; goal < 100 ms",
        ),
        (
            "start-up",
            f"--help {f['startup_s']['adcgraph --help']:.2f} s, resolve "
            f"{f['startup_s']['adcgraph resolve']:.2f} s",
            f"python -c pass {f['startup_s']['python -c pass']:.2f} s; goal < 0.3 s",
        ),
        (
            "hold-one-out",
            f"hit@5 {f['holdout']['hit_at_5']:.2f} hit@10 "
            f"{f['holdout']['hit_at_10']:.2f} AUROC {f['holdout']['auroc']:.2f}",
            f"degree: hit@5 {f['holdout']['degree_hit_at_5']:.2f} hit@10 "
            f"{f['holdout']['degree_hit_at_10']:.2f} AUROC {f['holdout']['degree_auroc']:.2f}",
        ),
    ]
    print(f"adcgraph benchmarks ({f['mode']}; {f['machine']})")
    for name, value, baseline in rows:
        print(f"  {name:<26} {value:<44} | {baseline}")
    print_hetmatpy(f["hetmatpy"])
    print("  peak RSS (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in f["peak_rss_mb"].items()))


def print_hetmatpy(h: dict) -> None:  # type: ignore[type-arg]
    """Per partner metapath: adcgraph and hetmatpy (sparse) all-pairs time, peak and agreement."""
    if h["why"] is not None:
        print(f"  hetmatpy: not compared ({h['why']})")
        return
    print(
        f"  hetmatpy side by side (w = {h['damping']}, {h['hetnet_edges']:,} edges, weights 1.0): "
        f"one source {h['adcgraph_one_source_s'] * 1000:.1f} ms vs hetmatpy's full matrices "
        f"{h['hetmatpy_one_source_s']:.2f} s, speed-up {h['hetmatpy_one_source_speedup']:.0f}x; "
        f"all-pairs ratio min {h['hetmatpy_allpairs_ratio_min']:.2f}"
    )
    for name, m in h["per_metapath"].items():
        print(
            f"    {name:<32} all pairs {m['adcgraph_allpairs_s'] * 1000:8.1f} ms "
            f"{m['adcgraph_peak_mb']:7.1f} MB | hetmatpy {m['hetmatpy_allpairs_s'] * 1000:8.1f} ms "
            f"{m['hetmatpy_peak_mb']:7.1f} MB | max diff {m['max_abs_difference']:.1e}"
        )


if __name__ == "__main__":
    main()
