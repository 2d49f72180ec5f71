"""The long fault-injection and fuzz run (issue 13); prints a summary table.

    python tests/fault/run.py              # everything (~10 min on 2 cores)
    python tests/fault/run.py --quick      # crash points and a slice of the corpus
    python tests/fault/run.py --json out.jsonl   # also every case's result, one per line

Parts: kill -9 (``ADCGRAPH_FAULT``) at every named publish step of build and import; the
malformed-input corpus of every format (tests/fault/corpus.py); readers in a loop while the
store is rebuilt; a full disk (a small tmpfs); a read-only filesystem (a read-only bind
mount). The last two need root (mount); they are skipped, and said so, without it.
Everything runs on this machine; nothing is sent anywhere.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fault import corpus, crashes
from fault.crashes import environment, run

_BUILD_SEED = (
    "import sys; from pathlib import Path; from adcgraph.curated.build import BuildPaths, build\n"
    "from adcgraph.errors import AdcGraphError\n"
    "try:\n"
    "    build(BuildPaths(store=Path(sys.argv[1]), release=None, inferred_release=None), "
    "run_reasoner=False)\n"
    "except AdcGraphError as error:\n"
    "    print('Error:', error.message); sys.exit(1)\n"
)
_READER = (
    "import sys, time; from pathlib import Path; from adcgraph.storage import store\n"
    "from adcgraph.errors import AdcGraphError\n"
    "ok = clear = 0; end = time.monotonic() + float(sys.argv[2])\n"
    "while time.monotonic() < end:\n"
    "    try:\n"
    "        s = store.open_store(Path(sys.argv[1])); len(list(s.named_graphs())); ok += 1\n"
    "    except AdcGraphError as error:\n"
    "        clear += 1; print(error.message, file=sys.stderr)\n"
    "print(ok, clear)\n"
)


def seed_store(work: Path) -> Path:
    """A curated store built without the reasoner (quick), the seed of every case."""
    seed = work / "seed" / "store"
    seed.parent.mkdir(parents=True)
    completed = run([sys.executable, "-c", _BUILD_SEED, str(seed)])
    if completed.returncode != 0:
        raise SystemExit(completed.stderr)
    return seed


def crash_part(seed: Path, work: Path) -> list[tuple[str, str, str]]:
    rows = []
    for point in sorted(crashes.OPERATION_OF_POINT):
        case_dir = work / f"crash-{point}"
        case_dir.mkdir()
        outcome = crashes.crash_case(seed, point, case_dir)
        rows.append((point, outcome.verdict, outcome.detail))
        shutil.rmtree(case_dir, ignore_errors=True)
    return rows


def corpus_part(seed: Path, work: Path, quick: bool) -> list[corpus.Result]:
    cases = corpus.all_cases()
    if quick:
        cases = cases[::6]

    def one(numbered: tuple[int, corpus.Case]) -> corpus.Result:
        number, case = numbered
        case_dir = work / f"case-{number}"
        case_dir.mkdir()
        try:
            return corpus.run_case(case, seed, case_dir)
        finally:
            shutil.rmtree(case_dir, ignore_errors=True)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = []
        for result in pool.map(one, enumerate(cases)):
            results.append(result)
            print(f"  {len(results)}/{len(cases)} {result.verdict:<9} {result.case.family}: "
                  f"{result.case.name}", file=sys.stderr, flush=True)  # fmt: skip
        return results


def readers_during_builds(seed: Path, work: Path, seconds: float = 20.0) -> dict[str, int]:
    """Two readers open the store in a loop while it is rebuilt again and again."""
    target = work / "busy" / "store"
    target.parent.mkdir()
    shutil.copytree(seed, target)
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", _READER, str(target), str(seconds)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(),
        )
        for _ in range(2)
    ]
    builds = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        run([sys.executable, "-c", _BUILD_SEED, str(target)])
        builds += 1
    ok = clear = tracebacks = 0
    for reader in readers:
        output, errors = reader.communicate(timeout=seconds + 60)
        if "Traceback" in errors or reader.returncode != 0:
            tracebacks += 1
            print(f"reader failed: {errors.strip()[-600:]}", file=sys.stderr)
        else:
            good, refused = map(int, output.split())
            ok, clear = ok + good, clear + refused
    return {"builds": builds, "reads": ok, "clear errors": clear, "tracebacks": tracebacks}


def _mount(arguments: list[str]) -> bool:
    return subprocess.run(["mount", *arguments], capture_output=True, check=False).returncode == 0


def disk_full(seed: Path, work: Path) -> list[tuple[str, str, str]]:
    """Import and build on a filesystem with no room left."""
    mount = work / "full"
    mount.mkdir()
    if not _mount(["-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)]):
        return [("disk full", "skipped", "cannot mount a tmpfs here (needs root)")]
    rows = []
    try:
        shutil.copytree(seed, mount / "store")
        data = crashes.write_ntriples(work / "big.nt", 120_000)
        before = crashes.state(mount / "store")
        result = run(corpus._cli("import", str(data), "--format", "ntriples",
                                 "--store", str(mount / "store")))  # fmt: skip
        rows.append(_judge_refusal("import on a full disk", result))
        if crashes.state(mount / "store") != before:
            rows.append(("import on a full disk", "loss", "the store changed"))
        filler = mount / "filler"
        # Unbuffered: a buffered file would fail again when closed, with the disk full.
        with contextlib.suppress(OSError), filler.open("wb", buffering=0) as stream:
            while True:
                stream.write(b"\0" * (1 << 16))
        result = run([sys.executable, "-c", _BUILD_SEED, str(mount / "store")])
        rows.append(_judge_refusal("build on a full disk", result))
        filler.unlink()
        if crashes.state(mount / "store") != before:
            rows.append(("build on a full disk", "loss", "the store changed"))
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
    return rows


def _judge_refusal(name: str, result: subprocess.CompletedProcess[str]) -> tuple[str, str, str]:
    output = (result.stdout + result.stderr).strip()
    if "Traceback" in output:
        return (name, "traceback", output.splitlines()[-1][:160])
    if result.returncode == 0:
        return (name, "accepted", "")
    return (name, "clear", output.splitlines()[-1][:160] if output else "")


def read_only(seed: Path, work: Path) -> list[tuple[str, str, str]]:
    """Every read command on a read-only filesystem; build and import refused clearly."""
    source = work / "ro-source"
    shutil.copytree(seed, source / "store")
    mount = work / "ro"
    mount.mkdir()
    if not _mount(["--bind", "-o", "ro", str(source), str(mount)]):
        return [("read-only filesystem", "skipped", "cannot bind-mount here (needs root)")]
    rows = []
    location = str(mount / "store")
    commands = {
        "stats": ["stats"],
        "query": ["query", "adcs-by-target", "-p", "target=HER2"],
        "paths": ["paths", "T-DM1", "tucatinib"],
        "combos": ["combos", "T-DM1", "breast cancer", "--permutations", "2"],
        "sparql": ["sparql", "ASK {}"],
        "build": None,
        "import": ["import", str(crashes.TINY_OWL), "--format", "owl"],
    }
    try:
        for name, arguments in commands.items():
            if arguments is None:
                result = run([sys.executable, "-c", _BUILD_SEED, location])
            else:
                result = run(corpus._cli(*arguments, "--store", location))
            verdict = _judge_refusal(f"{name} read-only", result)
            expected = "clear" if name in ("build", "import") else "accepted"
            rows.append(verdict if verdict[1] == expected else (verdict[0], f"!{verdict[1]}",
                                                                verdict[2]))  # fmt: skip
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path, help="write every case's result here")
    options = parser.parse_args()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="adcgraph-fault-"))
    try:
        seed = seed_store(work)
        crash_rows = crash_part(seed, work)
        results = corpus_part(seed, work, options.quick)
        busy = readers_during_builds(seed, work, 8.0 if options.quick else 20.0)
        environment_rows = [*disk_full(seed, work), *read_only(seed, work)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if options.json:
        options.json.write_text(corpus.as_json(results) + "\n", encoding="utf-8")
    _print_report(crash_rows, results, busy, environment_rows, time.monotonic() - started)


def _print_report(crash_rows, results, busy, environment_rows, seconds: float) -> None:  # type: ignore[no-untyped-def]
    print(f"adcgraph fault and fuzz run ({seconds:.0f} s)\n")
    print("kill -9 at each publish step (recovered at the next start):")
    for point, verdict, detail in crash_rows:
        print(f"  {point:<20} {verdict:<9} {detail}")
    print("\nmalformed-input corpus, by format:")
    families = sorted({r.case.family for r in results})
    header = f"  {'format':<16}{'cases':>6}{'clear':>7}{'valid ok':>9}{'silent':>7}"
    print(header + f"{'traceback':>10}{'crash':>6}{'loss':>5}{'hang':>5}")
    for family in [*families, "all"]:
        chosen = [r for r in results if family in ("all", r.case.family)]
        c = corpus.summary(chosen)
        print(
            f"  {family:<16}{c['cases']:>6}{c['clear errors']:>7}{c['accepted (valid)']:>9}"
            f"{c['silent']:>7}{c['tracebacks']:>10}{c['native crashes']:>6}{c['losses']:>5}"
            f"{c['hangs']:>5}"
        )
    odd = [r for r in results if r.verdict not in ("clear", "accepted") or
           (r.verdict == "accepted") != r.case.valid]  # fmt: skip
    if odd:
        print("\ncases to look at:")
        for r in odd:
            print(f"  [{r.verdict}] {r.case.family}: {r.case.name}: {r.detail}")
    print(f"\nreaders during rebuilds: {busy}")
    print("\nenvironment:")
    for name, verdict, detail in environment_rows:
        print(f"  {name:<24} {verdict:<10} {detail}")
    totals = corpus.summary(results)
    crash_bad = sum(1 for _, verdict, _ in crash_rows if verdict != "ok")
    print(
        f"\nsummary: {totals['cases'] + len(crash_rows)} cases; "
        f"{totals['clear errors']} clear errors; {totals['tracebacks']} tracebacks; "
        f"{totals['native crashes']} native crashes; {totals['silent']} silent acceptances; "
        f"{totals['losses']} losses; {totals['hangs']} hangs; "
        f"{crash_bad} crash points not recovered; reader tracebacks {busy['tracebacks']}"
    )


if __name__ == "__main__":
    main()
