"""`adcgraph validate PAIRS.tsv`: leave-pair-out ranks of known ADC-partner pairs.

For each row (``adc``, ``partner``, ``disease``: names, synonyms or CURIEs; other columns are
ignored) the three names are resolved; every direct link between the ADC and the partner is
removed (curated strategies using both, with their trials; any edge joining the two); the
model is refitted without the pair (its contribution to the learned weights goes too); all
drugs are ranked for (ADC, disease) and the partner's rank is reported. Beside the model,
two baselines are ranked on the same graphs: **degree** (how many edges a drug has) and
**same_disease** (drugs approved or tested in the asked disease, by phase).
``before`` keeps only evidence dated before a year (trial start, publication year): later
strategies and claims are hidden and later pairs are not trained on.

>>> row = PairResult("a", "b", "d", "A", "B", "D", True, 1, 10, 3, 7, 1.0, 0.8, 0.4)
>>> summary_of([row])["hit_at_5"], summary_of([row])["baselines"]["same_disease"]["hit_at_5"]
(1.0, 0.0)
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from adcgraph.errors import AdcGraphError, InputFileError
from adcgraph.graphdata import GraphData

HEADER = ("adc", "partner", "disease")


@dataclass
class PairResult:
    """One row's outcome (ids are CURIEs; rank is 1-based among ``candidates`` drugs)."""

    adc: str
    partner: str
    disease: str
    adc_id: str | None
    partner_id: str | None
    disease_id: str | None
    resolved: bool
    rank: int | None
    candidates: int
    degree_rank: int | None = None
    same_disease_rank: int | None = None
    auroc: float | None = None
    degree_auroc: float | None = None
    same_disease_auroc: float | None = None
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        public = ("adc", "partner", "disease", "adc_id", "partner_id", "disease_id", "resolved")
        value = {key: getattr(self, key) for key in public}
        value.update(rank=self.rank, candidates=self.candidates)
        if self.note:
            value["note"] = self.note
        return value


def read_pairs(path: Path) -> list[tuple[int, str, str, str]]:
    """(line, adc, partner, disease) rows of a PAIRS.tsv; a wrong header is an error."""
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.reader(stream, delimiter="\t")
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [h for h in HEADER if h not in header]
        if missing:
            raise InputFileError(
                f"{path}:1: missing column(s) {', '.join(missing)}; expected a header with "
                "adc<TAB>partner<TAB>disease (other columns are ignored)"
            )
        at = [header.index(h) for h in HEADER]
        rows = []
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            cells = [row[i].strip() if i < len(row) else "" for i in at]
            rows.append((line, *cells))
    return rows  # type: ignore[return-value]


def rank_of(scores: np.ndarray, position: int) -> int:
    """1-based rank with ties counted pessimistically (the drug ranks after its ties).

    >>> rank_of(np.array([0.9, 0.5, 0.5, 0.1]), 1)
    3
    """
    return int(np.count_nonzero(scores >= scores[position]))


def auroc_of(scores: np.ndarray, position: int) -> float:
    """Probability that the hidden drug outscores a random other drug (ties count half).

    >>> auroc_of(np.array([0.9, 0.5, 0.5, 0.1]), 1)
    0.5
    """
    others = np.delete(scores, position)
    if len(others) == 0:
        return 1.0
    wins = np.count_nonzero(others < scores[position])
    ties = np.count_nonzero(others == scores[position])
    return float((wins + 0.5 * ties) / len(others))


def summary_of(results: Sequence[PairResult]) -> dict[str, object]:
    """hit@5/10/20, MRR and AUROC of the model and of both baselines over resolved rows."""
    ranked = [r for r in results if r.rank is not None]

    def block(rank_key: str, auroc_key: str) -> dict[str, float | None]:
        ranks = [getattr(r, rank_key) for r in ranked]
        aurocs = [getattr(r, auroc_key) for r in ranked]
        if not ranks:
            return {
                "hit_at_5": None,
                "hit_at_10": None,
                "hit_at_20": None,
                "mrr": None,
                "auroc": None,
            }
        return {
            "hit_at_5": float(np.mean([k <= 5 for k in ranks])),
            "hit_at_10": float(np.mean([k <= 10 for k in ranks])),
            "hit_at_20": float(np.mean([k <= 20 for k in ranks])),
            "mrr": float(np.mean([1.0 / k for k in ranks])),
            "auroc": float(np.mean(aurocs)),
        }

    return {
        "pairs": len(results),
        "resolved": sum(r.resolved for r in results),
        **block("rank", "auroc"),
        "baselines": {
            "degree": block("degree_rank", "degree_auroc"),
            "same_disease": block("same_disease_rank", "same_disease_auroc"),
        },
    }


def evidence_years(sources: Path) -> dict[str, int]:
    """CURIE -> year: trials' ``start_year`` and references' ``year`` of the curated sources."""
    years: dict[str, int] = {}
    for table, column in (("trials", "start_year"), ("references", "year")):
        for path in [sources / f"{table}.tsv", *sorted((sources / table).glob("*.tsv"))]:
            if not path.is_file():
                continue
            with path.open(encoding="utf-8", newline="") as stream:
                for row in csv.DictReader(stream, delimiter="\t"):
                    value = (row.get(column) or "").strip()
                    if value.isdigit():
                        years[row["id"]] = int(value)
    return years


def dated_after(data: GraphData, years: dict[str, int], before: int) -> frozenset:  # type: ignore[type-arg]
    """Curated edges all of whose evidence is dated ``before`` or later (to hide)."""
    hidden = set()
    for edge, evidence in data.evidence.items():
        dated = [
            min((years[c] for c in (*e.trials, *e.citations) if c in years), default=None)
            for e in evidence
        ]
        if dated and all(y is not None and y >= before for y in dated):
            hidden.add(edge)
    return frozenset(hidden)


def validate(
    store_path: Path,
    rows: Sequence[tuple[int, str, str, str]],
    *,
    before: int | None = None,
    sources: Path | None = None,
) -> tuple[list[PairResult], dict[str, object]]:
    """Leave-pair-out ranks of each row's partner, and the summary (see the module doc)."""
    from adcgraph import vocab
    from adcgraph.curated.build import SOURCES_DIR
    from adcgraph.graphdata import read_graph_data
    from adcgraph.model.training import Pair, curated_pairs, direct_links, training_examples
    from adcgraph.storage import store

    data = read_graph_data(store_path)
    years = evidence_years(sources or SOURCES_DIR)
    late = dated_after(data, years, before) if before else frozenset()
    backend = store.open_backend(store_path)
    results: list[PairResult] = []
    asked: list[tuple[PairResult, Pair]] = []
    for _, adc, partner, disease in rows:
        result = PairResult(adc, partner, disease, None, None, None, False, None, 0)
        results.append(result)
        try:
            adc_iri = _resolve(backend, adc, "adc")
            partner_iri = _resolve(backend, partner, None)
            disease_iri = _resolve(backend, disease, "disease")
        except AdcGraphError as error:
            result.note = str(error).splitlines()[0]
            continue
        result.adc_id, result.partner_id, result.disease_id = (
            vocab.compress(adc_iri),
            vocab.compress(partner_iri),
            vocab.compress(disease_iri),
        )
        result.resolved = True
        hidden = direct_links(data, adc_iri, partner_iri) | late
        asked.append((result, Pair(adc_iri, partner_iri, disease_iri, hidden, True)))
    training = [
        Pair(p.adc, p.drug, p.disease, p.hidden | late, p.clinical, p.year)
        for p in curated_pairs(data, years)
        if p.clinical and (before is None or (p.year is not None and p.year < before))
    ]
    examples = training_examples(store_path, data, training)
    questions = training_examples(store_path, data, [pair for _, pair in asked])
    answered = {(p.adc, p.drug, p.disease): i for i, p in enumerate(questions.pairs)}
    for result, pair in asked:
        index = answered.get((pair.adc, pair.drug, pair.disease))
        if index is None:
            result.note = "the ADC or the partner is not a node of the scored graph"
            continue
        _score_row(result, examples, questions, index, pair)
    return results, summary_of(results)


def _resolve(backend, text: str, kind: str | None) -> str:  # type: ignore[no-untyped-def]
    from adcgraph.resolving import resolve_disease, resolve_one
    from adcgraph.vocab import expand

    if kind != "disease":
        return resolve_one(backend, text, kind=kind).iri
    found = resolve_disease(backend, text)
    curie = found.disease or found.id
    return curie if curie.startswith(("http://", "https://")) else expand(curie)


def _score_row(result: PairResult, examples, questions, index: int, pair) -> None:  # type: ignore[no-untyped-def]
    from adcgraph.model.features import BY_NAME, FEATURES, adjusted
    from adcgraph.model.training import candidate_mask, fit_model

    leave = [i for i, p in enumerate(examples.pairs) if (p.adc, p.drug) == (pair.adc, pair.drug)]
    model = fit_model(examples, leave_out=leave)
    raw = questions.raw[index]
    features = adjusted(raw, questions.permuted[index], model.scale_vector())
    # Every ranking (model and baselines) is among the same candidates, the partner included.
    ranked = candidate_mask(questions, index)
    scores = model.decision(features)[ranked]
    position = int(np.count_nonzero(ranked[: questions.positives[index]]))
    result.rank = rank_of(scores, position)
    result.candidates = int(scores.shape[0])
    result.auroc = auroc_of(scores, position)
    degree = questions_degree(questions, index)[ranked]
    result.degree_rank, result.degree_auroc = rank_of(degree, position), auroc_of(degree, position)
    backbone = sum(raw[k] for k, f in enumerate(FEATURES) if BY_NAME[f.name].source == "Disease")
    backbone = backbone[ranked]
    result.same_disease_rank = rank_of(backbone, position)
    result.same_disease_auroc = auroc_of(backbone, position)


def questions_degree(questions, index: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Each drug's number of edges in the scored graph (with the pair's links hidden)."""
    return questions.degrees[index]


def as_json(results: Sequence[PairResult], summary: dict[str, object]) -> dict[str, object]:
    """The `--format json` document."""
    return {"pairs": [r.as_dict() for r in results], "summary": summary}
