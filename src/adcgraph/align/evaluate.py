"""Score predicted mappings against incomplete reference mappings.

Reference alignments (such as OAEI Bio-ML's) list only some of the true equivalences, so a
predicted pair between two classes the references never mention is neither right nor wrong.
Precision therefore counts only predicted pairs whose subject or object appears in the
references; recall is the share of all reference pairs that were predicted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from adcgraph.errors import MappingError

REQUIRED_SSSOM_COLUMNS = ("subject_id", "object_id")


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 with the counts they come from."""

    precision: float
    recall: float
    f1: float
    true_positives: int
    judged_predictions: int
    gold_pairs: int
    predictions: int

    def as_dict(self) -> dict[str, float | int]:
        """Return the scores as a plain dict (for JSON output).

        >>> evaluate([("A:1", "B:1")], [("A:1", "B:1")]).as_dict()["f1"]
        1.0
        """
        return {
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "true_positives": self.true_positives,
            "judged_predictions": self.judged_predictions,
            "gold_pairs": self.gold_pairs,
            "predictions": self.predictions,
        }


def evaluate(predicted: Iterable[tuple[str, str]], gold: Iterable[tuple[str, str]]) -> Scores:
    """Score predicted (subject, object) pairs against reference pairs.

    A prediction is judged only if its subject or object occurs in some reference pair.

    >>> scores = evaluate(
    ...     [("A:1", "B:1"), ("A:2", "B:9"), ("A:7", "B:7")],  # A:7-B:7 is not judged
    ...     [("A:1", "B:1"), ("A:2", "B:2")],
    ... )
    >>> (scores.precision, scores.recall, scores.judged_predictions)
    (0.5, 0.5, 2)
    """
    predicted_pairs = set(predicted)
    gold_pairs = set(gold)
    gold_subjects = {subject for subject, _ in gold_pairs}
    gold_objects = {obj for _, obj in gold_pairs}
    judged = {
        (subject, obj)
        for subject, obj in predicted_pairs
        if subject in gold_subjects or obj in gold_objects
    }
    true_positives = len(judged & gold_pairs)
    precision = true_positives / len(judged) if judged else 0.0
    recall = true_positives / len(gold_pairs) if gold_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(
        precision=precision,
        recall=recall,
        f1=f1,
        true_positives=true_positives,
        judged_predictions=len(judged),
        gold_pairs=len(gold_pairs),
        predictions=len(predicted_pairs),
    )


def read_sssom_pairs(path: Path) -> list[tuple[str, str]]:
    """Read (subject_id, object_id) pairs from an SSSOM TSV file, skipping ``#`` metadata.

    >>> read_sssom_pairs(Path("ncit-doid-dev.sssom.tsv"))[:1]  # doctest: +SKIP
    [('NCIT:C102872', 'DOID:0050921')]
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise MappingError(f"{path}: cannot read SSSOM file ({error.strerror})") from error
    body_lines = []
    header_line_number = 0
    for line_number, line in enumerate(text.splitlines(keepends=True), start=1):
        if line.startswith("#") and not body_lines:
            continue
        if not body_lines:
            header_line_number = line_number
        body_lines.append(line)
    if not body_lines:
        raise MappingError(f"{path}: no SSSOM table (only metadata or empty)")
    reader = csv.DictReader(io.StringIO("".join(body_lines)), delimiter="\t")
    missing = [c for c in REQUIRED_SSSOM_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise MappingError(
            f"{path}:{header_line_number}: SSSOM table lacks column(s) {', '.join(missing)}"
        )
    pairs = []
    for row_offset, row in enumerate(reader, start=1):
        subject, obj = (row.get("subject_id") or "").strip(), (row.get("object_id") or "").strip()
        if not subject or not obj:
            line_number = header_line_number + row_offset
            raise MappingError(f"{path}:{line_number}: empty subject_id or object_id")
        pairs.append((subject, obj))
    return pairs
