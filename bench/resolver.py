"""Resolver benchmark: disease and population names the project did not write, to MONDO.

    python bench/resolver.py            # every set, with the baseline, and start-up times
    python bench/resolver.py --json     # one JSON object

Sets (all from ``../shared/data``; gold MONDO classes from MONDO's own mapping files):

- ``mondo-ncit-synonyms``: MONDO exact synonyms and abbreviations confirmed by NCIt, resolved
  by an index derived *without* NCIt's synonyms and labels (held out), so the names are unseen;
- ``oncotree``: OncoTree 2025-10 names; gold through MONDO's ONCOTREE dbxrefs;
- ``mesh-c04``: MeSH 2025 C04 (neoplasm) descriptor names; gold through MONDO's MESH
  exactMatch (the shared MeSH files hold descriptor names, not entry terms);
- ``registry``: the disease areas of approved ADCs as the pirlygenes table writes them
  (``HER2+ mBC``, ``R/R DLBCL`` ...), split at ``;``, gold written here (disease, biomarkers,
  states; a population counts as right when its disease is).

A name whose MONDO class is not in the index should be refused: the share refused is
reported beside the accuracy. A name MONDO maps to no class is not scored (counted apart):
nothing says MONDO lacks its disease. Every set is split in two by a
digest of the name (:func:`split`): the ``dev`` half is the one whose misses are read when
changing the resolver, the ``held-out`` half is only ever scored, and both are reported.
The name forms the resolver reads names with (word equivalents, abbreviations; see
:mod:`adcgraph.align.nameforms`) are learned here without any pair of a gold class of any
set, so no name scored taught the resolver its own answer.
The baseline, in the same run, is an exact case-insensitive match on MONDO labels. Start-up
of ``adcgraph resolve`` is measured in fresh processes beside ``python -c pass`` and
``adcgraph --help``, as wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"
ADCGRAPH = str(Path(sys.executable).with_name("adcgraph"))
#: Names drawn from the (large) NCIt synonym set, seeded.
SAMPLE = 2000

#: Approved-ADC disease areas as pirlygenes writes them -> (MONDO, biomarkers, states).
REGISTRY_GOLD: dict[str, tuple[str, set[tuple[str, str]], set[str]]] = {
    "R/R HL": ("MONDO:0004952", set(), {"relapsed_or_refractory"}),
    "sALCL": ("MONDO:0020325", set(), set()),
    "pcALCL": ("MONDO:0017598", set(), set()),
    "CD30+ MF": ("MONDO:0009691", {("HGNC:11923", "positive")}, set()),
    "CD30+ PTCL": ("MONDO:0000430", {("HGNC:11923", "positive")}, set()),
    "HER2+ mBC": ("MONDO:0006244", {("HGNC:3430", "positive")}, {"metastatic"}),
    "HER2+ eBC": ("MONDO:0006244", {("HGNC:3430", "positive")}, {"early_stage"}),
    "R/R B-cell precursor ALL": ("MONDO:0020511", set(), {"relapsed_or_refractory"}),
    "R/R DLBCL": ("MONDO:0018905", set(), {"relapsed_or_refractory"}),
    "Locally advanced or metastasis UC": (
        "MONDO:0040679",
        set(),
        {"locally_advanced_or_metastatic"},
    ),
    "HER2+ BC": ("MONDO:0006244", {("HGNC:3430", "positive")}, set()),
    "HERlow BC": ("MONDO:0007254", {("HGNC:3430", "low")}, set()),
    "HER2Mut NSCLC": ("MONDO:0005233", {("HGNC:3430", "mutant")}, set()),
    "Locally advanced or metastasis TNBC": (
        "MONDO:0005494",
        set(),
        {"locally_advanced_or_metastatic"},
    ),
    "UC": ("MONDO:0040679", set(), set()),
    # MONDO's class that says so, as for HER2+ BC (the graph holds it since 2026-12-02).
    "HR+ BC": ("MONDO:0700079", {("HGNC:3467", "positive")}, set()),
    "Unresectable locally advanced or recurrent head and neck cancer": (
        "MONDO:0005627",
        set(),
        {"unresectable", "locally_advanced_or_metastatic"},
    ),
    "HER2+ UC": ("MONDO:0040679", {("HGNC:3430", "positive")}, set()),
    "Recurrent or metastatic cervical cancer": ("MONDO:0002974", set(), {"metastatic"}),
    "R/R CD33+ AML": (
        "MONDO:0018874",
        {("HGNC:1659", "positive")},
        {"relapsed_or_refractory"},
    ),
    "R/R MM": ("MONDO:0009693", set(), {"relapsed_or_refractory"}),
    "HR+/HER2- metastatic BC": (
        "MONDO:0007254",
        {("HGNC:3467", "positive"), ("HGNC:3430", "negative")},
        {"metastatic"},
    ),
    "c-MET high non-squamous NSCLC": ("MONDO:0005233", {("HGNC:7029", "high")}, set()),
}


def _tsv(path: Path) -> Iterable[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader((line for line in handle if not line.startswith("#")),
                                  delimiter="\t")


def _mondo_of(shared: Path, filename: str, prefix: str) -> dict[str, set[str]]:
    gold: dict[str, set[str]] = {}
    for row in _tsv(shared / "data" / "mondo" / "mappings" / filename):
        local = row["object_id"].rsplit("/", 1)[-1].split(":", 1)[-1]
        gold.setdefault(f"{prefix}:{local}", set()).add(row["subject_id"])
    return gold


def ncit_synonym_set(shared: Path) -> list[tuple[str, set[str]]]:
    """NCIt-confirmed exact synonyms that DO does not also give (unseen by the held-out index)."""
    robot = shared / "data" / "mondo" / "synonyms"
    seen = set()
    for name in ("doid.synonyms.confirmed.robot.tsv",):
        rows = _tsv(robot / name)
        next(rows)
        seen |= {(row["mondo_id"], row["synonym"].casefold()) for row in rows}
    rows = _tsv(robot / "ncit.synonyms.confirmed.robot.tsv")
    next(rows)
    cases: dict[str, set[str]] = {}
    for row in rows:
        text = row["synonym"]
        if not text or (row["mondo_id"], text.casefold()) in seen:
            continue
        if text.casefold() == row["mondo_label"].casefold():
            continue
        cases.setdefault(text, set()).add(row["mondo_id"])
    return sorted(cases.items())


def oncotree_set(shared: Path) -> list[tuple[str, set[str]]]:
    """OncoTree names with the MONDO classes MONDO maps their codes to (empty: none)."""
    gold = _mondo_of(shared, "mondo_hasdbxref_oncotree.sssom.tsv", "ONCOTREE")
    tree = json.loads((shared / "data" / "oncotree" / "oncotree_2025_10_03.json").read_text())
    cases: list[tuple[str, set[str]]] = []

    def walk(nodes: dict[str, dict[str, object]]) -> None:
        for code, node in nodes.items():
            if code != "TISSUE":
                cases.append((str(node["name"]), gold.get(f"ONCOTREE:{code}", set())))
            walk(node["children"])  # type: ignore[arg-type]

    walk(tree)
    return cases


def mesh_set(shared: Path) -> list[tuple[str, set[str]]]:
    """MeSH C04 descriptor names with the MONDO classes exactMatched to them."""
    gold = _mondo_of(shared, "mondo_exactmatch_mesh.sssom.tsv", "MESH")
    path = shared / "data" / "mesh" / "mesh2025-c04" / "mesh_c04_complete.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = {row["mesh_id"]: row["mesh_name"] for row in csv.DictReader(handle)}
    return [(name, gold.get(f"MESH:{mesh_id}", set())) for mesh_id, name in sorted(rows.items())]


def registry_set() -> list[tuple[str, set[str]]]:
    """The approved-ADC disease areas with their gold disease."""
    return [(name, {gold[0]}) for name, gold in REGISTRY_GOLD.items()]


def sample(cases: list[tuple[str, set[str]]], limit: int) -> list[tuple[str, set[str]]]:
    """At most ``limit`` cases, drawn with a fixed seed (the same names in every run)."""
    import random

    if len(cases) <= limit:
        return cases
    return sorted(random.Random(14).sample(cases, limit))


def split(cases: list[tuple[str, set[str]]]) -> dict[str, list[tuple[str, set[str]]]]:
    """The dev and held-out halves of a set, by a digest of each name (stable across runs).

    >>> {part: len(found) for part, found in split([("a", set()), ("e", set())]).items()}
    {'dev': 1, 'held-out': 1}
    """
    import hashlib

    halves: dict[str, list[tuple[str, set[str]]]] = {"dev": [], "held-out": []}
    for text, gold in cases:
        digest = hashlib.sha256(text.encode("utf-8")).digest()[0]
        halves["dev" if digest % 2 == 0 else "held-out"].append((text, gold))
    return halves


def score(
    cases: list[tuple[str, set[str]]],
    answer: Callable[[str], str | None],
    known: set[str],
) -> dict[str, float | int]:
    """Top-1 accuracy where the gold class is in the index; share refused where MONDO has a
    class for the name but the index does not. A name MONDO maps to no class at all is not
    scored (counted as ``names_unmapped``): an unmapped OncoTree or MeSH code does not mean
    MONDO lacks the disease (``Leiomyoma``, ``Uveal Melanoma`` have exact MONDO labels).

    >>> score([("a", {"M:1"}), ("b", {"M:2"}), ("c", set())], {"a": "M:1"}.get, {"M:1"})
    {'names_with_class': 1, 'top1': 1.0, 'names_without_class': 1, 'refused': 1.0, \
'names_unmapped': 1}
    """
    right = total = refused = absent = unmapped = 0
    for text, gold in cases:
        if not gold:
            unmapped += 1
            continue
        found = answer(text)
        if gold & known:
            total += 1
            right += found in gold
        else:
            absent += 1
            refused += found is None
    return {
        "names_with_class": total,
        "top1": round(right / total, 4) if total else 0.0,
        "names_without_class": absent,
        "refused": round(refused / absent, 4) if absent else 0.0,
        "names_unmapped": unmapped,
    }


def _resolver(index: object) -> Callable[[str], str | None]:
    from adcgraph.errors import ResolutionError
    from adcgraph.resolving import resolve_candidates

    def answer(text: str) -> str | None:
        try:
            found = resolve_candidates(index, text, "disease", explain=False)  # type: ignore[arg-type]
        except ResolutionError:
            return None
        best = {c.disease or c.id for c in found if c.score == found[0].score}
        return found[0].disease or found[0].id if len(best) == 1 else None  # a tie: refused

    return answer


def _baseline(rows: Iterable[object]) -> Callable[[str], str | None]:
    labels: dict[str, set[str]] = {}
    for row in rows:
        labels.setdefault(row.label.casefold(), set()).add(row.id)  # type: ignore[attr-defined]

    def answer(text: str) -> str | None:
        found = labels.get(text.casefold(), set())
        return next(iter(found)) if len(found) == 1 else None

    return answer


def _index(rows: list[object], forms: object) -> object:
    from adcgraph.resolving.index import IndexBuilder, add_reference

    builder = IndexBuilder()
    add_reference(builder, rows)  # type: ignore[arg-type]
    return builder.build("bench", forms)  # type: ignore[arg-type]


def held_out_forms(shared: Path, sets: Iterable[list[tuple[str, set[str]]]]) -> object:
    """Name forms learned from MONDO without any pair of a gold class of ``sets``."""
    from adcgraph.align.nameforms import derive_name_forms

    gold = frozenset(mondo for cases in sets for _, classes in cases for mondo in classes)
    return derive_name_forms(shared / "data", exclude_mondo=gold)


def held_out_rows(shared: Path) -> list[object]:
    """Reference rows derived without NCIt's names (its synonyms and its labels), for the
    NCIt synonym set."""
    from adcgraph.resolving import reference_build
    from adcgraph.resolving.index import read_reference

    derived = reference_build.derive(
        shared / "data",
        synonym_files=("doid.synonyms.confirmed.robot.tsv",),
        labelled=reference_build.LABELLED_XREFS - {"NCIT"},
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "held-out.tsv.gz"
        reference_build.write_index(derived, path)
        return list(read_reference(path))


def startup(repeats: int = 5) -> dict[str, dict[str, float]]:
    """Median wall and CPU (user + system) seconds of fresh processes, in interleaved rounds.

    On a machine shared with other jobs the wall time mostly measures waiting for a core;
    the CPU time is what the start-up itself costs (it is single-threaded and reads little).
    """
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "adcgraph --help": [ADCGRAPH, "--help"],
        "adcgraph resolve TNBC": [ADCGRAPH, "resolve", "TNBC"],
        "adcgraph resolve (population)": [ADCGRAPH, "resolve", "HER2-low breast cancer"],
    }
    subprocess.run(commands["adcgraph resolve TNBC"], capture_output=True, check=True)
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True, env=os.environ)
            times[name].append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(
                after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            )
    return {
        name: {
            "wall": round(statistics.median(times[name]), 3),
            "cpu": round(statistics.median(cpu[name]), 3),
        }
        for name in commands
    }


def run(shared: Path) -> dict[str, object]:
    """Every set, the resolver beside the baseline."""
    from adcgraph.curated.build import ensure_store
    from adcgraph.resolving import build_index
    from adcgraph.resolving.index import read_reference
    from adcgraph.storage import store
    from adcgraph.storage.locations import default_store_path

    ncit = sample(ncit_synonym_set(shared), SAMPLE)
    oncotree, mesh = oncotree_set(shared), mesh_set(shared)
    forms = held_out_forms(shared, (ncit, oncotree, mesh))
    shipped_rows = read_reference()
    known = {row.id for row in shipped_rows}
    backend = store.open_backend(ensure_store(default_store_path()))
    full = build_index(backend, "bench", forms=forms)  # type: ignore[arg-type]
    held_rows = held_out_rows(shared)
    # The classes each index holds: the shipped ones and the curated diseases of the store.
    known_full = known | {e.id for e in full.entities if e.kind == "disease"}
    held_index = _index(held_rows, forms)
    known_held = {e.id for e in held_index.entities if e.kind == "disease"}  # type: ignore[attr-defined]
    sets = {
        "mondo-ncit-synonyms (held out)": (
            ncit,
            held_index,
            held_rows,
            known_held,
        ),
        "oncotree": (oncotree, full, shipped_rows, known_full),
        "mesh-c04": (mesh, full, shipped_rows, known_full),
        "registry": (registry_set(), full, shipped_rows, known_full),
    }
    results: dict[str, object] = {"index_diseases": len(shipped_rows)}
    for name, (cases, index, rows, known) in sets.items():
        halves = {"all": cases, **split(cases)} if name != "registry" else {"all": cases}
        for half, found in halves.items():
            results[f"{name} [{half}]"] = {
                "resolver": score(found, _resolver(index), known),
                "baseline": score(found, _baseline(rows), known),
            }
    results["registry populations"] = registry_parts(full)
    results["startup_s"] = startup()
    return results


def registry_parts(index: object) -> dict[str, float | int]:
    """Share of registry names whose disease, biomarkers and states are all right."""
    from adcgraph.errors import ResolutionError
    from adcgraph.resolving import resolve_disease

    right = 0
    for text, (disease, markers, states) in REGISTRY_GOLD.items():
        try:
            found = resolve_disease(index, text)
        except ResolutionError:
            continue
        got = {(m["gene"], m["status"]) for m in found.biomarkers}
        right += found.disease == disease and got == markers and set(found.states) == states
    return {"names": len(REGISTRY_GOLD), "all_parts_right": round(right / len(REGISTRY_GOLD), 4)}


def main(argv: list[str] | None = None) -> int:
    """Print the figures (or one JSON object)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared/ folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not (args.shared / "data").is_dir():
        raise SystemExit(f"{args.shared}/data not found (pass --shared)")
    results = run(args.shared)
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"disease index: {results['index_diseases']} MONDO classes")
    for name, value in results.items():
        if isinstance(value, dict) and "resolver" in value:
            for who in ("resolver", "baseline"):
                figures = value[who]
                print(
                    f"{name:<43} {who:<9} top-1 {figures['top1']:.3f} "
                    f"({figures['names_with_class']} names)  refused {figures['refused']:.3f} "
                    f"({figures['names_without_class']} without class in the index; "
                    f"{figures['names_unmapped']} unmapped, not scored)"
                )
    print(f"registry names with every part right: {results['registry populations']}")
    for name, seconds in results["startup_s"].items():  # type: ignore[union-attr]
        print(f"start-up {name:<45} wall {seconds['wall']:.3f} s  cpu {seconds['cpu']:.3f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

