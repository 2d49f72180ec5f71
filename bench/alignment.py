"""Benchmark the ontology matcher on OAEI Bio-ML NCIt <-> DOID (development references).

    python bench/alignment.py [--shared PATH] [--json]

The matcher sees only the two ontology files; the reference file is read afterwards, for
scoring. The baseline (normalised labels and EXACT synonyms, every shared key a mapping) is
computed in the same run so both figures come from the same data and machine.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path

from adcgraph.align.evaluate import evaluate, read_sssom_pairs
from adcgraph.align.matcher import match_ontologies
from adcgraph.ontofile import Term, read_ontology

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"
BENCHMARK = Path("data") / "alignment-benchmark"
SOURCE_FILE = "ncit-neoplasm-2018.obo"
TARGET_FILE = "doid-cancer-2018.obo"
REFERENCE_FILE = "ncit-doid-dev.sssom.tsv"


def baseline_pairs(source: Mapping[str, Term], target: Mapping[str, Term]) -> set[tuple[str, str]]:
    """Every pair sharing a normalised label or EXACT synonym (no selection, no structure).

    >>> t = Term("A:1", "Lung Cancer", (), (), None, False)
    >>> baseline_pairs({"A:1": t}, {"B:1": Term("B:1", "lung cancer", (), (), None, False)})
    {('A:1', 'B:1')}
    """
    target_ids_by_key: dict[str, set[str]] = defaultdict(set)
    for term in target.values():
        for key in _baseline_keys(term):
            target_ids_by_key[key].add(term.id)
    return {
        (term.id, target_id)
        for term in source.values()
        for key in _baseline_keys(term)
        for target_id in target_ids_by_key.get(key, ())
    }


def _baseline_keys(term: Term) -> set[str]:
    texts = [term.label or ""] + [s.text for s in term.synonyms if s.scope == "EXACT"]
    keys = {" ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split()) for text in texts}
    return keys - {""}


def run(shared: Path) -> dict[str, object]:
    """Match, score and time; return one JSON-ready dict."""
    folder = shared / BENCHMARK
    started = time.perf_counter()
    source = read_ontology(folder / SOURCE_FILE)
    target = read_ontology(folder / TARGET_FILE)
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    mappings = match_ontologies(source, target)
    match_seconds = time.perf_counter() - started
    gold = read_sssom_pairs(folder / REFERENCE_FILE)
    matcher_scores = evaluate(((m.subject_id, m.object_id) for m in mappings), gold)
    baseline_scores = evaluate(baseline_pairs(source, target), gold)
    return {
        "benchmark": str(folder),
        "source_classes": len(source),
        "target_classes": len(target),
        "reference_pairs": len(gold),
        "matcher": matcher_scores.as_dict(),
        "baseline": baseline_scores.as_dict(),
        "read_seconds": round(read_seconds, 2),
        "match_seconds": round(match_seconds, 2),
    }


def _line(name: str, scores: Mapping[str, float | int]) -> str:
    return (
        f"{name:<10} P {scores['precision']:.3f}  R {scores['recall']:.3f}  "
        f"F1 {scores['f1']:.3f}  ({scores['true_positives']} of {scores['gold_pairs']} found, "
        f"{scores['judged_predictions']} of {scores['predictions']} predictions judged)"
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared/ folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    arguments = parser.parse_args(argv)
    if not (arguments.shared / BENCHMARK).is_dir():
        print(f"no benchmark at {arguments.shared / BENCHMARK}", file=sys.stderr)
        return 2
    result = run(arguments.shared)
    if arguments.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"NCIt neoplasm ({result['source_classes']} classes) -> DOID cancer "
        f"({result['target_classes']} classes), {result['reference_pairs']} reference pairs"
    )
    print(_line("matcher", result["matcher"]))
    print(_line("baseline", result["baseline"]))
    print(f"read {result['read_seconds']} s, match {result['match_seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
