"""Figures of issue 15: learned combos model, reference layer, Open Targets import.

    python bench/combos_model.py [--store DIR] [--json] [--quick]

Each figure is printed beside a baseline measured in the same run:

* leave-pair-out over the curated ADC-partner pairs with clinical data (the pair's direct
  links and its part in the fitted weights removed): hit@5/10/20, MRR, AUROC of the model,
  beside the node-degree and same-disease baselines;
* `combos` cold (the first run after a build, whose caches `adcgraph build` prepared; the
  preparing timed apart) and warm (median of 3), another pair's first and warm runs after
  those, and the first run with no caches at all (a `--no-prepare` build), fresh CLI
  processes with compiled modules kept, beside `adcgraph --help` (start-up alone);
  then the same on two fresh builds, curated only (the baseline) and with the reference
  layer, wall and CPU seconds (CPU is what a machine shared with other jobs does not inflate);
* the Open Targets 22.04 import (wall and CPU seconds) into a copy of the store, beside reading
  the three files alone (JSON parsing and normalisation without writing).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CLI = [sys.executable, "-m", "adcgraph.cli"]


def timed(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bench_validation(store: Path) -> dict[str, object]:
    from adcgraph import vocab
    from adcgraph.graphdata import read_graph_data
    from adcgraph.model.training import curated_pairs
    from adcgraph.model.validate import validate

    data = read_graph_data(store)
    rows = [
        (0, vocab.compress(p.adc), vocab.compress(p.drug), vocab.compress(p.disease))
        for p in curated_pairs(data)
        if p.clinical and p.disease
    ]
    start = time.perf_counter()
    results, summary = validate(store, rows)
    summary["seconds"] = round(time.perf_counter() - start, 1)
    summary["ranks"] = [
        (r.adc_id, r.partner_id, r.rank, r.degree_rank, r.same_disease_rank) for r in results
    ]
    return summary


def timed_cpu(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one CLI process (CPU is what a shared machine cannot skew)."""
    before = children_cpu()
    wall = timed(command, env)
    return wall, children_cpu() - before


def cli_environment(store: Path, bytecode: Path) -> dict[str, str]:
    """The CLI's environment: the store, and compiled modules kept (in ``bytecode``).

    An installed package runs from compiled modules; a session that sets
    PYTHONDONTWRITEBYTECODE would otherwise time the compiling of every module at each start.
    """
    env = {**os.environ, "ADCGRAPH_STORE": str(store), "PYTHONPYCACHEPREFIX": str(bytecode)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


#: A pair outside the timed one: its first run after the SG runs fills only its own caches.
OTHER_PAIR = ("enfortumab vedotin", "urothelial carcinoma")


def bench_combos(store: Path) -> dict[str, float]:
    """`combos` after `adcgraph build` prepared the caches (first run, then warm: median of 3),
    another pair's first and warm runs, and the first run with the caches removed (a store
    built with `--no-prepare`); `--help` (start-up alone) is the baseline."""
    from adcgraph.combos import prepare_caches

    env = cli_environment(store, Path(tempfile.mkdtemp(prefix="adcgraph-bytecode-")))
    subprocess.run([*CLI, "--help"], check=True, capture_output=True, env=env)  # compiles
    cache = store.parent / f".{store.name}.cache"
    command = [*CLI, "combos", "sacituzumab govitecan", "TNBC", "--format", "json"]
    shutil.rmtree(cache, ignore_errors=True)
    unprepared, unprepared_cpu = timed_cpu(command, env)
    shutil.rmtree(cache, ignore_errors=True)
    start, cpu = time.perf_counter(), time.process_time()
    prepare_caches(store)
    prepare_s, prepare_cpu = time.perf_counter() - start, time.process_time() - cpu
    first, first_cpu = timed_cpu(command, env)
    warm_runs = [timed_cpu(command, env) for _ in range(3)]
    other = [*CLI, "combos", *OTHER_PAIR, "--format", "json"]
    other_first, other_first_cpu = timed_cpu(other, env)
    other_warm = [timed_cpu(other, env) for _ in range(3)]
    startup = statistics.median(timed([*CLI, "--help"], env) for _ in range(3))
    return {
        "other_first_s": round(other_first, 2),
        "other_first_cpu_s": round(other_first_cpu, 2),
        "other_warm_s": round(statistics.median(w for w, _ in other_warm), 2),
        "other_warm_cpu_s": round(statistics.median(c for _, c in other_warm), 2),
        "prepare_s": round(prepare_s, 2),
        "prepare_cpu_s": round(prepare_cpu, 2),
        "cold_s": round(first, 2),
        "cold_cpu_s": round(first_cpu, 2),
        "warm_s": round(statistics.median(w for w, _ in warm_runs), 2),
        "warm_cpu_s": round(statistics.median(c for _, c in warm_runs), 2),
        "unprepared_cold_s": round(unprepared, 2),
        "unprepared_cold_cpu_s": round(unprepared_cpu, 2),
        "startup_s": round(startup, 2),
    }


def bench_layers(directory: Path) -> dict[str, dict[str, float]]:
    """Cold and warm `combos` on two fresh builds: curated only (the baseline) and with the
    reference layer, measured in the same run."""
    from adcgraph.curated.build import BuildPaths, build
    from adcgraph.reference import REFERENCE_DIR

    empty = directory / "no-reference"
    empty.mkdir()
    figures = {}
    for name, reference in (("curated_only", empty), ("with_reference", REFERENCE_DIR)):
        store = directory / name / "store"
        paths = BuildPaths(store=store, release=None, inferred_release=None, reference=reference)
        start = time.perf_counter()
        build(paths)
        figures[name] = {"build_s": round(time.perf_counter() - start, 1), **bench_combos(store)}
    return figures


def bench_import(store: Path) -> dict[str, float]:
    from adcgraph.importers.opentargets import read_opentargets

    files = [
        DATA / "drug-targets/opentargets-22.04/molecule.jsonl.gz",
        DATA / "drug-targets/opentargets-22.04/mechanismOfAction.jsonl.gz",
        DATA / "indications/opentargets-22.04/indication.jsonl.gz",
    ]
    start, cpu = time.perf_counter(), time.process_time()
    read_opentargets(*files, DATA)
    read_s, read_cpu = time.perf_counter() - start, time.process_time() - cpu
    with tempfile.TemporaryDirectory() as directory:
        copy = Path(directory) / "store"
        shutil.copytree(store, copy)
        before = children_cpu()
        wall = timed(
            [*CLI, "import", *map(str, files), "--format", "opentargets", "--store", str(copy)],
            dict(os.environ),
        )
        cpu_s = children_cpu() - before
    return {
        "import_s": round(wall, 1),
        "import_cpu_s": round(cpu_s, 1),
        "read_only_s": round(read_s, 1),
        "read_only_cpu_s": round(read_cpu, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", type=Path, default=ROOT / "var" / "store")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="leave-pair-out and combos on --store only (no fresh builds, no import)",
    )
    args = parser.parse_args()
    figures = {
        "validation": bench_validation(args.store),
        "combos": bench_combos(args.store),
        "layers": {}
        if args.quick
        else bench_layers(Path(tempfile.mkdtemp(prefix="adcgraph-bench-"))),
        "import": bench_import(args.store) if DATA.is_dir() and not args.quick else {},
    }
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    v = figures["validation"]
    print(f"leave-pair-out over {v['pairs']} curated clinical pairs ({v['seconds']} s)")
    for name, block in (("model", v), *v["baselines"].items()):  # type: ignore[union-attr]
        print(
            f"  {name:<13} hit@5 {block['hit_at_5']:.2f}  hit@10 {block['hit_at_10']:.2f}  "
            f"hit@20 {block['hit_at_20']:.2f}  MRR {block['mrr']:.2f}  AUROC {block['auroc']:.2f}"
        )
    c = figures["combos"]
    print(
        f"combos SG TNBC: first after build {c['cold_s']} s ({c['cold_cpu_s']} s CPU), warm "
        f"{c['warm_s']} s ({c['warm_cpu_s']} s CPU), with no caches {c['unprepared_cold_s']} s "
        f"(build's preparing {c['prepare_s']} s; start-up {c['startup_s']} s)\n"
        f"  {' / '.join(OTHER_PAIR)}, after those: first {c['other_first_s']} s "
        f"({c['other_first_cpu_s']} s CPU), warm {c['other_warm_s']} s "
        f"({c['other_warm_cpu_s']} s CPU)"
    )
    for name, block in figures["layers"].items():  # type: ignore[union-attr]
        print(
            f"  fresh build, {name:<15} build {block['build_s']} s + preparing "
            f"{block['prepare_s']} s ({block['prepare_cpu_s']} s CPU); combos first "
            f"{block['cold_s']} s ({block['cold_cpu_s']} s CPU), warm {block['warm_s']} s "
            f"({block['warm_cpu_s']} s CPU), with no caches {block['unprepared_cold_s']} s "
            f"({block['unprepared_cold_cpu_s']} s CPU)"
        )
    i = figures["import"]
    if i:
        print(
            f"Open Targets import: {i['import_s']} s wall, {i['import_cpu_s']} s CPU "
            f"(reading alone {i['read_only_s']} s, {i['read_only_cpu_s']} s CPU)"
        )


if __name__ == "__main__":
    main()
