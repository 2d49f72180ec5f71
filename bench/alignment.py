"""Benchmark the ontology matcher on five tasks, beside two baselines measured in the same run.

    python bench/alignment.py [--shared PATH] [--split dev|held-out|both] [--task NAME] [--json]

Tasks: OAEI Bio-ML NCIt <-> DOID (its development references), and the tasks that
``bench/alignment_tasks.py`` builds from the shared data with MONDO-derived gold, each
scored on its development and its held-out half. The matcher sees only the two ontology
files of a task; the reference files are read afterwards, for scoring. Its learned name
forms are derived here from the shared MONDO files with every MONDO class that bridges a
held-out gold pair left out (the shipped table, learned from all of MONDO, is not used).

Beside the scores, each split counts the matcher's errors by kind (see :func:`error_kinds`):
the gold reading MeSH "X Neoplasms" as MONDO's "X cancer" where the labels say "X neoplasm"
(or the other way round), two labels with the same words that MONDO maps apart, and the
matcher's own; and scores the matcher once more with the first kind taken out of both the
predictions and the gold ("head readings out"), which is how far that convention caps it.

Baselines, computed on the same files in the same run:
- exact label: classes whose labels are equal after lowercasing and whitespace folding;
- OAK-style lexmatch: like OAK's default ``lexmatch`` (case and whitespace normalised
  labels and synonyms, every class pair sharing a normalised name), keeping the pairs OAK
  would call skos:exactMatch (label or EXACT synonym on both sides).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import alignment_tasks

from adcgraph.align.evaluate import evaluate, read_sssom_pairs
from adcgraph.align.matcher import match_ontologies
from adcgraph.align.nameforms import NameForms, derive_name_forms
from adcgraph.align.text import word_bag
from adcgraph.ontofile import Term, read_ontology

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"
OAEI = Path("data") / "alignment-benchmark"
OAEI_TASK = "ncit-doid"
OAEI_FILES = ("ncit-neoplasm-2018.obo", "doid-cancer-2018.obo", "ncit-doid-dev.sssom.tsv")
SPLITS = ("dev", "held-out")
# Words that only say which kind of neoplasm a label names: two labels that differ by these
# alone read one heading two ways ("Brain Neoplasm" / "Malignant Brain Neoplasm").
KIND_OF_NEOPLASM = frozenset({"malignant", "benign", "cancer", "neoplasm", "neoplasia", "tumor"})
ERROR_KINDS = ("head reading", "literal label", "matcher")

Pairs = set[tuple[str, str]]


def exact_label_pairs(source: Mapping[str, Term], target: Mapping[str, Term]) -> Pairs:
    """Every pair whose labels are equal after lowercasing and whitespace folding.

    >>> t = Term("A:1", "Lung  Cancer", (), (), None, False)
    >>> exact_label_pairs({"A:1": t}, {"B:1": Term("B:1", "lung cancer", (), (), None, False)})
    {('A:1', 'B:1')}
    """
    return _shared_key_pairs(source, target, lambda term: [(term.label or "", "LABEL")])


def oak_style_pairs(source: Mapping[str, Term], target: Mapping[str, Term]) -> Pairs:
    """OAK-style lexmatch: labels and synonyms, case/whitespace normalised, exactMatch pairs.

    >>> from adcgraph.ontofile import Synonym
    >>> a = Term("A:1", "NSCLC", (Synonym("Non-small cell lung cancer", "EXACT"),), (), None, False)
    >>> b = Term("B:1", "non-small cell lung cancer", (), (), None, False)
    >>> oak_style_pairs({"A:1": a}, {"B:1": b})
    {('A:1', 'B:1')}
    """

    def names(term: Term) -> list[tuple[str, str]]:
        return [(term.label or "", "LABEL")] + [(s.text, s.scope) for s in term.synonyms]

    return _shared_key_pairs(source, target, names)


def _shared_key_pairs(
    source: Mapping[str, Term],
    target: Mapping[str, Term],
    names: Callable[[Term], list[tuple[str, str]]],
) -> Pairs:
    exact_scopes = {"LABEL", "EXACT"}
    target_ids: dict[str, set[str]] = defaultdict(set)
    for term in target.values():
        for text, scope in names(term):
            if scope in exact_scopes and text.strip():
                target_ids[" ".join(text.lower().split())].add(term.id)
    return {
        (term.id, target_id)
        for term in source.values()
        for text, scope in names(term)
        if scope in exact_scopes
        for target_id in target_ids.get(" ".join(text.lower().split()), ())
    }


def error_kinds(
    predicted: Pairs,
    gold: Pairs,
    labels: Mapping[str, str],
    forms: NameForms,
) -> dict[str, dict[str, int]]:
    """Count the wrong predictions and the missed gold pairs by what they come from.

    - ``head reading``: the predicted class and the gold one differ only by words that say
      which kind of neoplasm it is (MeSH "Brain Neoplasms" is MONDO's "brain cancer", so the
      gold wants NCIt "Malignant Brain Neoplasm", not "Brain Neoplasm");
    - ``literal label``: the two labels have the same words, but MONDO maps them apart;
    - ``matcher``: the rest, the matcher's own errors.

    A missed gold pair counts with the wrong prediction that took one of its classes.

    >>> labels = {"A:1": "Brain Neoplasm", "A:2": "Malignant Brain Neoplasm",
    ...           "B:1": "Brain Neoplasms", "A:3": "Lung cancer", "B:3": "Lung carcinoma"}
    >>> kinds = error_kinds({("A:1", "B:1"), ("A:3", "B:3")}, {("A:2", "B:1")}, labels,
    ...                     NameForms())
    >>> kinds["head reading"]
    {'wrong': 1, 'missed': 1}
    """
    gold_target = dict(gold)
    gold_source = {target: source for source, target in gold}
    counts = {kind: {"wrong": 0, "missed": 0} for kind in ERROR_KINDS}
    kind_of_class: dict[str, str] = {}
    for source, target in sorted(predicted - gold):
        rivals = [(source, gold_source.get(target)), (target, gold_target.get(source))]
        judged = [(mine, theirs) for mine, theirs in rivals if theirs is not None]
        if not judged:
            continue
        if any(
            _kind_blind(labels, mine, forms) == _kind_blind(labels, theirs, forms)
            for mine, theirs in judged
        ):
            kind = "head reading"
        elif _bag(labels, source, forms) == _bag(labels, target, forms):
            kind = "literal label"
        else:
            kind = "matcher"
        counts[kind]["wrong"] += 1
        for _, theirs in judged:
            kind_of_class.setdefault(theirs, kind)
    for source, target in sorted(gold - predicted):
        kind = kind_of_class.get(source) or kind_of_class.get(target) or "matcher"
        counts[kind]["missed"] += 1
    return counts


def _bag(labels: Mapping[str, str], term_id: str, forms: NameForms) -> frozenset[str]:
    return frozenset(forms.canonical(word_bag(labels.get(term_id, ""))))


def _kind_blind(labels: Mapping[str, str], term_id: str, forms: NameForms) -> frozenset[str]:
    return _bag(labels, term_id, forms) - KIND_OF_NEOPLASM


def without_head_readings(
    predicted: Pairs, gold: Pairs, labels: Mapping[str, str], forms: NameForms
) -> tuple[Pairs, Pairs]:
    """Predictions and gold with every head-reading error taken out of both: what the
    matcher would score if the gold read "X Neoplasms" as the labels do."""
    gold_target = dict(gold)
    gold_source = {target: source for source, target in gold}
    dropped_predictions, dropped_gold = set(), set()
    for source, target in predicted - gold:
        for mine, theirs, pair in (
            (source, gold_source.get(target), (gold_source.get(target), target)),
            (target, gold_target.get(source), (source, gold_target.get(source))),
        ):
            if theirs is not None and _kind_blind(labels, mine, forms) == _kind_blind(
                labels, theirs, forms
            ):
                dropped_predictions.add((source, target))
                dropped_gold.add(pair)
    return predicted - dropped_predictions, gold - dropped_gold


def task_files(shared: Path, out: Path) -> dict[str, tuple[Path, Path, dict[str, Path]]]:
    """Task name -> (source file, target file, {split: reference file})."""
    folder = shared / OAEI
    tasks = {
        OAEI_TASK: (folder / OAEI_FILES[0], folder / OAEI_FILES[1], {"dev": folder / OAEI_FILES[2]})
    }
    alignment_tasks.build(shared, out)
    for name, _, _ in alignment_tasks.TASKS:
        manifest = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
        references = {split: out / f"{name}-{split}.sssom.tsv" for split in SPLITS}
        tasks[name] = (Path(manifest["source"]), Path(manifest["target"]), references)
    return tasks


def run_task(
    source_path: Path,
    target_path: Path,
    references: Mapping[str, Path],
    splits: Iterable[str],
    forms: NameForms,
) -> dict[str, object]:
    """Read, match and score one task; the references are read only after matching."""
    source = read_ontology(source_path)
    target = read_ontology(target_path)
    started, cpu_started = time.perf_counter(), time.process_time()
    mappings = match_ontologies(source, target, name_forms=forms)
    match_seconds = time.perf_counter() - started
    match_cpu_seconds = time.process_time() - cpu_started
    predicted = {(m.subject_id, m.object_id) for m in mappings}
    baselines = {
        "exact label": exact_label_pairs(source, target),
        "OAK-style": oak_style_pairs(source, target),
    }
    scores = {}
    labels = {t.id: t.label or "" for t in (*source.values(), *target.values())}
    errors = {}
    for split in splits:
        if split not in references:
            continue
        gold = set(read_sssom_pairs(references[split]))
        scores[split] = {"matcher": evaluate(predicted, gold).as_dict()} | {
            name: evaluate(pairs, gold).as_dict() for name, pairs in baselines.items()
        }
        kept, kept_gold = without_head_readings(predicted, gold, labels, forms)
        scores[split]["matcher, head readings out"] = evaluate(kept, kept_gold).as_dict()
        errors[split] = error_kinds(predicted, gold, labels, forms)
    return {
        "source_classes": len(source),
        "target_classes": len(target),
        "synonyms": {
            "source": sum(len(t.synonyms) for t in source.values()),
            "target": sum(len(t.synonyms) for t in target.values()),
        },
        "match_seconds": round(match_seconds, 2),
        "match_cpu_seconds": round(match_cpu_seconds, 2),
        "scores": scores,
        "errors": errors,
    }


def _line(name: str, scores: Mapping[str, float | int]) -> str:
    return (
        f"  {name:<26} P {scores['precision']:.3f}  R {scores['recall']:.3f}  "
        f"F1 {scores['f1']:.3f}  ({scores['true_positives']} of {scores['gold_pairs']} found, "
        f"{scores['judged_predictions']} of {scores['predictions']} predictions judged)"
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared/ folder")
    parser.add_argument("--out", type=Path, default=alignment_tasks.DEFAULT_OUT, help="task files")
    parser.add_argument("--split", choices=[*SPLITS, "both"], default="both")
    parser.add_argument("--task", action="append", help="only this task (repeatable)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    arguments = parser.parse_args(argv)
    if not (arguments.shared / OAEI).is_dir():
        print(f"no benchmark at {arguments.shared / OAEI}", file=sys.stderr)
        return 2
    splits = SPLITS if arguments.split == "both" else (arguments.split,)
    tasks = task_files(arguments.shared, arguments.out)
    held_out = alignment_tasks.held_out_mondo(arguments.out)
    forms = derive_name_forms(arguments.shared / "data", exclude_mondo=held_out)
    results = {}
    for name, (source, target, references) in tasks.items():
        if arguments.task and name not in arguments.task:
            continue
        results[name] = run_task(source, target, references, splits, forms)
        if not arguments.json:
            _print_task(name, results[name])
    if arguments.json:
        print(json.dumps(results, indent=2))
    return 0


def _print_task(name: str, result: Mapping[str, object]) -> None:
    synonyms = result["synonyms"]
    print(
        f"{name}: {result['source_classes']} x {result['target_classes']} classes "
        f"({synonyms['source']} / {synonyms['target']} synonyms), match "
        f"{result['match_seconds']} s ({result['match_cpu_seconds']} s CPU)"
    )
    for split, by_method in result["scores"].items():
        print(f" {split}")
        for method, scores in by_method.items():
            print(_line(method, scores))
        kinds = result["errors"][split]
        print(
            "  errors                     "
            + "; ".join(f"{k}: {v['wrong']} wrong, {v['missed']} missed" for k, v in kinds.items())
        )


if __name__ == "__main__":
    sys.exit(main())
