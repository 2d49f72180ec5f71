"""Build ontology-matching tasks from the shared data, with gold pairs derived from MONDO.

    python bench/alignment_tasks.py [--shared PATH] [--out DIR] [--name-forms TSV]

``--name-forms src/adcgraph/align/data/name-forms.tsv`` regenerates the table the matcher
ships (see ``adcgraph.align.nameforms``), learned from all of MONDO. ``bench/alignment.py``
does not use that table: it derives its own with every MONDO class that bridges a held-out
gold pair left out (:func:`held_out_mondo`), so the held-out figures stay out of sample.

Each task is two ontology files (OBO: id, name, synonyms where the source has them, is_a;
never a cross-reference) and two reference files, ``<task>-dev.sssom.tsv`` and
``<task>-held-out.sssom.tsv``. A gold pair (X, Y) is two classes that the same MONDO class
maps to one-to-one (MONDO exactMatch, or hasDbXref for OncoTree, which MONDO records only
as cross-references): MONDO class M with exactly one X and one Y, and neither X nor Y
reached from another MONDO class. A pair goes to the development or the held-out half by a
hash of its two identifiers, so the split is the same on every run and machine.

Sides:
- ``doid``: Disease Ontology 2026-07 (``doid/HumanDO.tsv``), the descendants of
  DOID:14566 "disease of cellular proliferation"; labels and is_a only.
- ``mesh``: MeSH 2025 C04 Neoplasms (``mesh/mesh2025-c04``); headings ("Carcinoma, Ductal,
  Breast") and tree parents only.
- ``oncotree``: OncoTree 2025-10 (``oncotree/oncotree_2025_10_03.json``); names and tree
  parents only (its NCIt/UMLS references are left out).
- ``ncit``: the NCIt neoplasm file of the OAEI Bio-ML task (labels, synonyms, is_a).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT = REPO / "var" / "alignment-tasks"
DOID_ROOT = "DOID:14566"
NCIT_FILE = Path("alignment-benchmark") / "ncit-neoplasm-2018.obo"

# (task name, source side, target side); the source is the first ontology of each pair.
TASKS = (
    ("doid-mesh", "doid", "mesh"),
    ("oncotree-ncit", "oncotree", "ncit"),
    ("ncit-mesh", "ncit", "mesh"),
    ("doid-oncotree", "doid", "oncotree"),
)
# Which MONDO mapping file gives the side's identifiers, and the prefix written in the task.
MONDO_MAPPING_FILES = {
    "doid": ("mondo_exactmatch_doid.sssom.tsv", "DOID"),
    "mesh": ("mondo_exactmatch_mesh.sssom.tsv", "MESH"),
    "ncit": ("mondo_exactmatch_ncit.sssom.tsv", "NCIT"),
    "oncotree": ("mondo_hasdbxref_oncotree.sssom.tsv", "ONCOTREE"),
}


@dataclass(frozen=True)
class TaskClass:
    """One class of a task ontology: identifier, name, synonyms and parents."""

    id: str
    name: str
    parents: tuple[str, ...]
    synonyms: tuple[tuple[str, str], ...] = ()


def doid_classes(shared: Path) -> dict[str, TaskClass]:
    """DOID cellular-proliferation diseases from ``HumanDO.tsv`` (parents given by label)."""
    rows = _tsv_rows(shared / "data" / "doid" / "HumanDO.tsv")
    id_by_label: dict[str, str] = {}
    parent_labels: dict[str, list[str]] = defaultdict(list)
    names: dict[str, str] = {}
    for row in rows:
        term_id, label, parent = (cell.strip('"') for cell in row[:3])
        names[term_id] = label
        id_by_label.setdefault(label, term_id)
        if parent:
            parent_labels[term_id].append(parent)
    parents = {
        term_id: tuple(sorted({id_by_label[p] for p in labels if p in id_by_label}))
        for term_id, labels in parent_labels.items()
    }
    keep = _descendants(DOID_ROOT, parents)
    return {
        term_id: TaskClass(
            term_id, names[term_id], tuple(p for p in parents.get(term_id, ()) if p in keep)
        )
        for term_id in sorted(keep)
    }


def mesh_classes(shared: Path) -> dict[str, TaskClass]:
    """MeSH 2025 C04 descriptors; a parent is the descriptor one tree level up."""
    path = shared / "data" / "mesh" / "mesh2025-c04" / "mesh_c04_complete.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_tree = {row["tree_number"]: f"MESH:{row['mesh_id']}" for row in rows}
    names: dict[str, str] = {}
    parents: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        term_id = f"MESH:{row['mesh_id']}"
        names[term_id] = row["mesh_name"]
        parent_tree = row["tree_number"].rsplit(".", 1)[0]
        if "." in row["tree_number"] and parent_tree in by_tree:
            parents[term_id].add(by_tree[parent_tree])
    return {
        term_id: TaskClass(term_id, name, tuple(sorted(parents.get(term_id, ()))))
        for term_id, name in sorted(names.items())
    }


def oncotree_classes(shared: Path) -> dict[str, TaskClass]:
    """OncoTree nodes (names and tree parents; external references left out)."""
    path = shared / "data" / "oncotree" / "oncotree_2025_10_03.json"
    tree = json.loads(path.read_text(encoding="utf-8"))
    classes = {}
    for node in _oncotree_nodes(tree):
        parent = (f"ONCOTREE:{node['parent']}",) if node.get("parent") else ()
        term_id = f"ONCOTREE:{node['code']}"
        classes[term_id] = TaskClass(term_id, node["name"], parent)
    return dict(sorted(classes.items()))


def _oncotree_nodes(children: Mapping[str, dict]) -> Iterator[dict]:
    for node in children.values():
        yield node
        yield from _oncotree_nodes(node.get("children") or {})


def side_file(shared: Path, out: Path, side: str) -> Path:
    """The ontology file of one side, written to ``out`` unless it is a shared file as is."""
    if side == "ncit":
        return shared / "data" / NCIT_FILE
    readers = {"doid": doid_classes, "mesh": mesh_classes, "oncotree": oncotree_classes}
    path = out / f"{side}.obo"
    write_obo(readers[side](shared), path, ontology=side)
    return path


def side_ids(shared: Path, side: str, side_path: Path) -> set[str]:
    """Identifiers of the classes in one side's ontology file."""
    prefix = "id: "
    with side_path.open(encoding="utf-8") as handle:
        return {line[len(prefix) :].strip() for line in handle if line.startswith(prefix)}


def mondo_targets(shared: Path, side: str) -> dict[str, set[str]]:
    """MONDO class -> identifiers of one side that MONDO maps it to."""
    file_name, prefix = MONDO_MAPPING_FILES[side]
    targets: dict[str, set[str]] = defaultdict(set)
    for row in _sssom_rows(shared / "data" / "mondo" / "mappings" / file_name):
        local = row["object_id"].split(":", 1)[1]
        targets[row["subject_id"]].add(f"{prefix}:{local}")
    return targets


def gold_pairs(
    source_targets: Mapping[str, set[str]],
    target_targets: Mapping[str, set[str]],
    source_ids: set[str],
    target_ids: set[str],
) -> list[tuple[str, str, str]]:
    """(source id, target id, MONDO id) for one-to-one MONDO bridges between two sides.

    >>> gold_pairs({"M:1": {"A:1"}, "M:2": {"A:2", "A:3"}}, {"M:1": {"B:1"}, "M:2": {"B:2"}},
    ...            {"A:1", "A:2", "A:3"}, {"B:1", "B:2"})
    [('A:1', 'B:1', 'M:1')]
    """
    source_uses = _use_counts(source_targets, source_ids)
    target_uses = _use_counts(target_targets, target_ids)
    pairs = []
    for mondo_id in sorted(set(source_targets) & set(target_targets)):
        sources = source_targets[mondo_id] & source_ids
        targets = target_targets[mondo_id] & target_ids
        if len(sources) != 1 or len(targets) != 1:
            continue
        source, target = next(iter(sources)), next(iter(targets))
        if source_uses[source] == 1 and target_uses[target] == 1:
            pairs.append((source, target, mondo_id))
    return pairs


def _use_counts(targets: Mapping[str, set[str]], ids: set[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for mapped in targets.values():
        for identifier in mapped & ids:
            counts[identifier] += 1
    return counts


def is_held_out(source: str, target: str) -> bool:
    """Whether a gold pair belongs to the held-out half (a stable hash of the pair).

    >>> is_held_out("DOID:1", "MESH:D1") == is_held_out("DOID:1", "MESH:D1")
    True
    """
    digest = hashlib.sha256(f"{source}\t{target}".encode()).digest()
    return digest[0] % 2 == 1


def build(shared: Path, out: Path) -> list[dict[str, object]]:
    """Write every task's ontology and reference files; return one summary row per task."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {side: side_file(shared, out, side) for side in MONDO_MAPPING_FILES}
    ids = {side: side_ids(shared, side, path) for side, path in paths.items()}
    mondo = {side: mondo_targets(shared, side) for side in MONDO_MAPPING_FILES}
    summary = []
    for name, source, target in TASKS:
        pairs = gold_pairs(mondo[source], mondo[target], ids[source], ids[target])
        halves = {"dev": [], "held-out": []}
        for pair in pairs:
            halves["held-out" if is_held_out(pair[0], pair[1]) else "dev"].append(pair)
        for half, half_pairs in halves.items():
            write_reference(half_pairs, out / f"{name}-{half}.sssom.tsv", name)
        manifest = {"source": str(paths[source]), "target": str(paths[target])}
        (out / f"{name}.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        summary.append(
            {
                "task": name,
                "source_classes": len(ids[source]),
                "target_classes": len(ids[target]),
                "dev": len(halves["dev"]),
                "held_out": len(halves["held-out"]),
            }
        )
    return summary


def held_out_mondo(out: Path) -> frozenset[str]:
    """MONDO classes that bridge a held-out gold pair of any built task (read from ``out``)."""
    bridges = set()
    for name, _, _ in TASKS:
        with (out / f"{name}-held-out.sssom.tsv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(
                (ln for ln in handle if not ln.startswith("#")), delimiter="\t"
            ):
                bridges.add(row["comment"].removeprefix("via "))
    return frozenset(bridges)


def write_name_forms(shared: Path, table: Path) -> int:
    """Derive the name-forms table the matcher ships (from all of MONDO); return its rows."""
    from adcgraph.align.nameforms import derive_name_forms, write_table

    return write_table(derive_name_forms(shared / "data"), table)


def write_obo(classes: Mapping[str, TaskClass], path: Path, *, ontology: str) -> None:
    """Write classes as a minimal OBO file (names, synonyms, is_a; nothing else)."""
    lines = ["format-version: 1.2", f"ontology: {ontology}", ""]
    for task_class in classes.values():
        lines += ["[Term]", f"id: {task_class.id}", f"name: {_obo_text(task_class.name)}"]
        lines += [
            f'synonym: "{_obo_quoted(text)}" {scope} []' for text, scope in task_class.synonyms
        ]
        lines += [f"is_a: {parent}" for parent in task_class.parents]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def write_reference(pairs: Iterable[tuple[str, str, str]], path: Path, task: str) -> None:
    """Write gold pairs as SSSOM TSV (the MONDO class that bridges them as the comment)."""
    lines = [
        f"# mapping_set_id: https://w3id.org/adcgraph/alignment-tasks/{path.name}",
        f"# comment: gold pairs of task {task}, bridged one-to-one by MONDO mappings",
        "subject_id\tpredicate_id\tobject_id\tmapping_justification\tcomment",
    ]
    lines += [
        f"{source}\tskos:exactMatch\t{target}\tsemapv:MappingChaining\tvia {mondo_id}"
        for source, target, mondo_id in pairs
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _obo_text(text: str) -> str:
    return " ".join(text.split())


def _obo_quoted(text: str) -> str:
    return _obo_text(text).replace("\\", "\\\\").replace('"', '\\"')


def _descendants(root: str, parents: Mapping[str, tuple[str, ...]]) -> set[str]:
    children: dict[str, set[str]] = defaultdict(set)
    for child, child_parents in parents.items():
        for parent in child_parents:
            children[parent].add(child)
    seen, stack = {root}, [root]
    while stack:
        for child in children[stack.pop()] - seen:
            seen.add(child)
            stack.append(child)
    return seen


def _tsv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[1:]


def _sssom_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        body = (line for line in handle if not line.startswith("#"))
        yield from csv.DictReader(body, delimiter="\t")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared/ folder")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where tasks are written")
    parser.add_argument(
        "--name-forms",
        type=Path,
        metavar="TSV",
        help="also derive the name-forms table the matcher ships into this file",
    )
    arguments = parser.parse_args(argv)
    if not (arguments.shared / "data" / "mondo").is_dir():
        print(f"no shared data at {arguments.shared / 'data'}", file=sys.stderr)
        return 2
    for row in build(arguments.shared, arguments.out):
        print(
            f"{row['task']:<14} {row['source_classes']:>6} x {row['target_classes']:<6} classes"
            f"  gold dev {row['dev']}, held-out {row['held_out']}"
        )
    if arguments.name_forms:
        rows = write_name_forms(arguments.shared, arguments.name_forms)
        print(f"wrote {rows} name forms to {arguments.name_forms}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
