"""Crash every publish step of build and import at a named point, then read the store.

Each case copies a seed store, runs one operation in a child process with
``ADCGRAPH_FAULT=<point>`` (the child exits with 137 at that point, as after ``kill -9``),
then runs a read command, which must recover. The outcome is judged against the store's
state before the operation and after the same operation run without a fault:

* ``ok``: the store holds exactly the before or the after graphs, its version changed if
  and only if its contents did (caches key on it), and no journal, staging directory,
  retired copy or ``bulk-*.sst`` file is left;
* ``loss``: a graph of the before state is missing or changed, or the store is gone;
* ``partial``: a graph is neither as before nor as after (half an import);
* ``stale``: the contents changed but the version did not (caches would lie);
* ``leftover``: as ok, but something was left behind;
* ``no-crash``: the operation never reached the point.

Used by tests/test_reliability_store.py (a few points) and tests/fault/run.py (all).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TINY_OWL = REPO / "tests" / "fixtures" / "import_tiny.owl"

#: Fault point -> the operation that passes through it.
OPERATION_OF_POINT = {
    "build.staged": "build-new",
    "swap.journaled": "build-legacy",
    "swap.retired": "build-legacy",
    "swap.renamed": "build-legacy",
    "replace.journaled": "build-replace",
    "replace.written": "build-replace",
    "bulk.journaled": "import-bulk",
    "bulk.loading": "import-bulk",
    "bulk.loaded": "import-bulk",
    "bulk.versioned": "import-bulk",
    "commit.journaled": "import-commit",
    "commit.written": "import-commit",
}
_BUILD = (
    "import sys; from pathlib import Path; from adcgraph.curated.build import BuildPaths, build; "
    "d = Path(sys.argv[2]); "
    "build(BuildPaths(store=Path(sys.argv[1]), release=d / 'r.ttl', "
    "inferred_release=d / 'ri.ttl'), run_reasoner=False)"
)


@dataclass(frozen=True)
class Outcome:
    """What one crash case left."""

    point: str
    verdict: str
    detail: str = ""


def environment(fault: str | None = None) -> dict[str, str]:
    """The child's environment: this one, with or without a fault point."""
    env = {k: v for k, v in os.environ.items() if k not in ("ADCGRAPH_FAULT", "ADCGRAPH_STORE")}
    if fault:
        env["ADCGRAPH_FAULT"] = fault
    return env


def write_ntriples(path: Path, count: int = 3000) -> Path:
    """A small N-Triples file for bulk-import cases."""
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            out.write(f'<https://example.org/s{number}> <https://example.org/p> "v{number}" .\n')
    return path


def operation_command(operation: str, store: Path, work: Path) -> list[str]:
    """The child command line of an operation on ``store``."""
    cli = [sys.executable, "-m", "adcgraph.cli"]
    if operation in ("build-new", "build-replace", "build-legacy"):
        return [sys.executable, "-c", _BUILD, str(store), str(work)]
    if operation == "import-bulk":
        data = write_ntriples(work / "extra.nt")
        return [*cli, "import", str(data), "--format", "ntriples", "--store", str(store)]
    if operation == "import-commit":
        return [*cli, "import", str(TINY_OWL), "--format", "owl", "--store", str(store)]
    raise ValueError(operation)


def seed_store(seed: Path, operation: str, target: Path, work: Path) -> None:
    """Copy the seed store; a build-replace case first gets an import (so graphs are kept)."""
    shutil.copytree(seed, target)
    if operation == "build-legacy":
        to_older_layout(target)
    if operation == "build-replace":
        run(operation_command("import-bulk", target, work))
    if operation in ("build-new", "build-replace", "build-legacy"):
        # A different curated graph than the seed's, so "after" differs from "before".
        run([sys.executable, "-c", _REMOVE_CURATED, str(target)])


def to_older_layout(store: Path) -> None:
    """Rewrite a store in generations as older releases wrote it (database files on top);
    writing it then swaps a whole new store in, through the ``swap.*`` points."""
    record_path = store / "adcgraph-version.json"
    record = json.loads(record_path.read_text(encoding="utf-8"))
    generation = store / record.pop("generation")
    for item in generation.iterdir():
        if item.name != ".readers":
            item.rename(store / item.name)
    shutil.rmtree(generation)
    record_path.write_text(json.dumps(record), encoding="utf-8")


_REMOVE_CURATED = (
    "import sys, pyoxigraph as ox; from pathlib import Path; "
    "from adcgraph import vocab; from adcgraph.storage import generations, store; "
    "s = ox.Store(str(generations.current_directory(Path(sys.argv[1])))); "
    "g = ox.NamedNode(vocab.CURATED_GRAPH); "
    "q = next(iter(s.quads_for_pattern(None, None, None, g))); s.remove(q); s.flush(); "
    "r = store.store_version(Path(sys.argv[1])); r['version'] = 'older-build'; "
    "store.write_version(Path(sys.argv[1]), r)"
)


def run(command: list[str], fault: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run a child process (bounded in time)."""
    return subprocess.run(
        command, capture_output=True, text=True, env=environment(fault), timeout=300, cwd=REPO
    )


def state(store: Path) -> tuple[dict[str, int], str]:
    """Graph -> statement count, and the version, of a store (read in a child process)."""
    script = (
        "import sys, json, pyoxigraph as ox; from pathlib import Path; "
        "from adcgraph.storage import publish, store; p = Path(sys.argv[1]); publish.prepare(p); "
        "s = store.open_store(p); "
        "counts = {}; "
        "[counts.__setitem__(q.graph_name.value, counts.get(q.graph_name.value, 0) + 1) "
        " for q in s.quads_for_pattern(None, None, None, None)]; "
        "print(json.dumps([counts, store.store_version(p)['version']]))"
    )
    result = run([sys.executable, "-c", script, str(store)])
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip()[-800:])
    counts, version = json.loads(result.stdout)
    return counts, version


def leftovers(store: Path) -> list[str]:
    """Files a crashed publish step may leave beside or inside a store."""
    found = [
        p.name
        for p in store.parent.iterdir()
        if p.name.startswith(f".{store.name}.") and not p.name.endswith((".lock", ".cache"))
    ]
    if store.is_dir():
        found += [p.name for p in store.glob("bulk-*.sst")]
        found += [p.name for p in store.glob("*/bulk-*.sst")]
        record = json.loads((store / "adcgraph-version.json").read_text(encoding="utf-8"))
        current = record.get("generation")
        found += [p.name for p in store.glob("g-*") if p.name != current]
    return sorted(found)


def judge(
    before: tuple[dict[str, int], str],
    after: tuple[dict[str, int], str],
    found: tuple[dict[str, int], str],
    left: list[str],
    point: str,
) -> Outcome:
    """Compare a recovered store with the before and after states."""
    counts, version = found
    lost = [g for g, n in before[0].items() if g not in counts]
    if counts == before[0] or counts == after[0]:
        changed = counts != before[0]
        if changed and version == before[1]:
            return Outcome(point, "stale", "contents changed but the version did not")
        if left:
            return Outcome(point, "leftover", ", ".join(left))
        return Outcome(point, "ok", "after" if changed else "before")
    if lost:
        return Outcome(point, "loss", f"graphs gone: {lost}")
    return Outcome(point, "partial", json.dumps(counts)[:300])


def crash_case(seed: Path, point: str, work: Path) -> Outcome:
    """Run one crash case in ``work`` (an empty directory)."""
    operation = OPERATION_OF_POINT[point]
    clean = work / "clean" / "store"
    crashed = work / "crashed" / "store"
    for target in (clean, crashed):
        target.parent.mkdir(parents=True)
        seed_store(seed, operation, target, work)
    before = state(clean)
    result = run(operation_command(operation, clean, work))
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip()[-800:])
    after = state(clean)
    result = run(operation_command(operation, crashed, work), fault=point)
    if result.returncode != 137:
        return Outcome(point, "no-crash", f"exit {result.returncode}: {result.stderr[-300:]}")
    try:
        found = state(crashed)
    except RuntimeError as error:
        return Outcome(point, "loss", str(error)[-300:])
    return judge(before, after, found, leftovers(crashed), point)
