"""Fit the metapath weights: logistic regression on the curated clinical ADC-partner pairs.

Positives are the curated strategies that combine an ADC with a partner drug and were tested
in patients (phase 1 or later, or approved); for each, every direct link between the two is
removed before its features are computed (the strategy edges that use both, so a strategy
does not predict itself), and all other drugs, scored on the same graph, are its negatives.
Features are permutation-adjusted (:mod:`adcgraph.model.features`). The fit is an
L2-regularised logistic regression with balanced class weights (scikit-learn), as Rephetio
did (Himmelstein et al. 2017, eLife 6:e26726).

>>> model = fit_model(examples)  # doctest: +SKIP
>>> model.coefficients["disease-approved-drug"] > 0  # doctest: +SKIP
True
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import scipy.sparse as sp

from adcgraph import hetmat
from adcgraph.graphdata import GraphData
from adcgraph.model.features import FEATURES, adjusted, names, raw_rows

#: Inverse regularisation strength of the logistic regression.
REGULARISATION_C = 0.3
CLINICAL_PHASES = frozenset({"Phase1", "Phase1to2", "Phase2", "Phase3", "Approved", "Phase1b"})


@dataclass(frozen=True)
class Pair:
    """A curated ADC-partner pair, the disease of its strategy, its direct links, its year."""

    adc: str
    drug: str
    disease: str
    hidden: frozenset[tuple[str, str, str]]
    clinical: bool
    year: int | None = None


@dataclass
class Model:
    """Fitted coefficients (per feature), intercept, feature scales and what it was fitted on."""

    features: list[str]
    coefficients: dict[str, float]
    intercept: float
    scales: dict[str, float]
    pairs: list[tuple[str, str, str]] = field(default_factory=list)
    regularisation_c: float = REGULARISATION_C
    note: str = ""

    def scale_vector(self) -> np.ndarray:
        """Scales of the metapath DWPCs (one per metapath, shared by both columns)."""
        return np.array([self.scales[f.name] for f in FEATURES])

    def weights(self) -> np.ndarray:
        return np.array([self.coefficients[name] for name in self.features])

    def decision(self, features: np.ndarray) -> np.ndarray:
        """Linear predictor of each column (candidate) of a feature matrix."""
        return self.weights() @ features + self.intercept

    def probability(self, features: np.ndarray) -> np.ndarray:
        """Fitted probability that each candidate is a partner."""
        return 1.0 / (1.0 + np.exp(-self.decision(features)))

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Model:
        value = json.loads(text)
        value["pairs"] = [tuple(p) for p in value["pairs"]]
        return cls(**value)


def curated_pairs(data: GraphData, years: dict[str, int] | None = None) -> list[Pair]:
    """Every (ADC, drug) pair that a curated strategy combines, with its direct links."""
    members: dict[str, dict[str, set[str]]] = {}
    for source, predicate, target in data.edges:
        if predicate in ("usesAdc", "usesDrug"):
            members.setdefault(source, {}).setdefault(predicate, set()).add(target)
    pairs: dict[tuple[str, str], Pair] = {}
    for strategy, uses in sorted(members.items()):
        for adc in sorted(uses.get("usesAdc", set())):
            evidence = data.evidence.get((strategy, "usesAdc", adc), [])
            disease = next((e.disease for e in evidence if e.disease), "") or ""
            clinical = any(e.phase in CLINICAL_PHASES for e in evidence)
            for drug in sorted(uses.get("usesDrug", set())):
                hidden = direct_links(data, adc, drug)
                year = _first_year(evidence, years or {})
                known = pairs.get((adc, drug))
                if known is None or (clinical and not known.clinical):
                    pairs[(adc, drug)] = Pair(adc, drug, disease, hidden, clinical, year)
    return [pairs[key] for key in sorted(pairs)]


def _first_year(evidence, years: dict[str, int]) -> int | None:  # type: ignore[no-untyped-def]
    found = [years[t] for e in evidence for t in (*e.trials, *e.citations) if t in years]
    return min(found) if found else None


def direct_links(data: GraphData, adc: str, drug: str) -> frozenset[tuple[str, str, str]]:
    """Edges that join ``adc`` and ``drug`` directly: strategies using both, and any edge between.

    The strategy edges of both sides are hidden (``usesDrug`` and ``usesAdc``), so neither the
    strategy nor its trials link the two.
    """
    uses: dict[str, set[str]] = {}
    for source, predicate, target in data.edges:
        if predicate in ("usesAdc", "usesDrug"):
            uses.setdefault(source, set()).add(target)
    hidden = set()
    for strategy, used in uses.items():
        if adc in used and drug in used:
            hidden.add((strategy, "usesDrug", drug))
            hidden.add((strategy, "usesAdc", adc))
    for edge in data.edges:
        if {edge[0], edge[2]} == {adc, drug}:
            hidden.add(edge)
    return frozenset(hidden)


def combination_trials(data: GraphData, adc: str, drug: str) -> frozenset[str]:
    """Trials (NCT CURIEs) of the curated strategies that combine ``adc`` with ``drug``."""
    uses: dict[str, set[str]] = {}
    for source, predicate, target in data.edges:
        if predicate in ("usesAdc", "usesDrug"):
            uses.setdefault(source, set()).add(target)
    trials: set[str] = set()
    for strategy, used in uses.items():
        if adc in used and drug in used:
            for edge in ((strategy, "usesAdc", adc), (strategy, "usesDrug", drug)):
                for evidence in data.evidence.get(edge, []):
                    trials.update(evidence.trials)
    return frozenset(trials)


def combination_records(
    scored: GraphData, adc: str, drug: str, trials: frozenset[str]
) -> frozenset[tuple[str, str, str]]:
    """Imported edges of the ADC or the drug that only restate the combination's own trials.

    A release lists a combination trial under each of its drugs (Open Targets puts EV-302,
    enfortumab vedotin with pembrolizumab, under pembrolizumab in urothelial carcinoma), so
    the partner's indication edge can *be* the pair. An edge is hidden when every source
    record behind it cites trials and all of them are ``trials``; one citing another trial
    (the drug tested there apart from the ADC) or none (an approval) is kept.

    >>> from adcgraph.graphdata import Evidence
    >>> def record(*trials):
    ...     return Evidence("r", "SourceRecord", "Imported", None, trials, trials, "phase 3")
    >>> scored = GraphData("v", edges=[("p", "studiedToTreat", "uc"), ("p", "studiedToTreat", "x")],
    ...     evidence={("p", "studiedToTreat", "uc"): [record("NCT:1")],
    ...               ("p", "studiedToTreat", "x"): [record("NCT:1", "NCT:2")]})
    >>> sorted(combination_records(scored, "a", "p", frozenset({"NCT:1"})))
    [('p', 'studiedToTreat', 'uc')]
    """
    if not trials:
        return frozenset()
    hidden = set()
    for edge in scored.edges:
        if edge[0] not in (adc, drug):
            continue
        records = scored.evidence.get(edge, [])
        if records and all(
            e.evidence_type == "SourceRecord" and e.trials and set(e.trials) <= trials
            for e in records
        ):
            hidden.add(edge)
    return frozenset(hidden)


def hide(graph: hetmat.HetMat, hidden: frozenset[tuple[str, str, str]]) -> hetmat.HetMat:
    """The graph with the ``hidden`` edges removed (only the matrices they sit in are copied)."""
    by_metaedge: dict[hetmat.Metaedge, list[tuple[int, int]]] = {}
    for source, predicate, target in hidden:
        for metaedge in graph.adjacency:
            if metaedge.predicate != predicate:
                continue
            rows = graph.node_index.get(metaedge.source_type, {})
            cols = graph.node_index.get(metaedge.target_type, {})
            if source in rows and target in cols:
                by_metaedge.setdefault(metaedge, []).append((rows[source], cols[target]))
    if not by_metaedge:
        return graph
    changed = {}
    for metaedge, cells in by_metaedge.items():
        matrix = graph.adjacency[metaedge].tolil(copy=True)
        for row, col in cells:
            matrix[row, col] = 0
        changed[metaedge] = sp.csr_matrix(matrix)
        changed[metaedge].eliminate_zeros()
    return graph.with_adjacency({**graph.adjacency, **changed})


@dataclass
class Examples:
    """Feature matrices of the training pairs: one (features x drugs) matrix per pair."""

    pairs: list[Pair]
    raw: list[np.ndarray]
    permuted: list[list[np.ndarray]]
    positives: list[int]
    #: Each drug's number of edges on the pair's graph (the degree baseline).
    degrees: list[np.ndarray] = field(default_factory=list)
    #: Which drugs are ranked at all (:func:`adcgraph.combos.set_aside_partners`); None: all.
    candidates: np.ndarray | None = None


def fit_model(
    examples: Examples, leave_out: Sequence[int] = (), c: float = REGULARISATION_C
) -> Model:
    """Fit the logistic regression on every example pair except ``leave_out`` (indices).

    Coefficients are kept non-negative (a metapath can only add support: a path from a
    resistance mechanism to a drug is never evidence against it), which keeps the fit stable
    on a few dozen positives with correlated features.
    """
    kept = [i for i in range(len(examples.pairs)) if i not in set(leave_out)]
    scales = feature_scales([examples.raw[i] for i in kept])
    blocks, labels = [], []
    for i in kept:
        matrix = adjusted(examples.raw[i], examples.permuted[i], scales)
        label = np.zeros(matrix.shape[1])
        label[examples.positives[i]] = 1
        ranked = candidate_mask(examples, i)
        blocks.append(matrix.T[ranked])
        labels.append(label[ranked])
    columns = names()
    scale_map = {f.name: float(v) for f, v in zip(FEATURES, scales, strict=True)}
    if not blocks:
        return Model(columns, dict.fromkeys(columns, 0.0), 0.0, scale_map)
    x, y = np.vstack(blocks), np.concatenate(labels)
    if y.sum() == 0 or y.sum() == len(y):
        return Model(columns, dict.fromkeys(columns, 0.0), 0.0, scale_map)
    weights, intercept = nonnegative_logistic(x, y, c)
    return Model(
        columns,
        dict(zip(columns, weights.round(6).tolist(), strict=True)),
        float(round(intercept, 6)),
        scale_map,
        [(examples.pairs[i].adc, examples.pairs[i].drug, examples.pairs[i].disease) for i in kept],
        c,
    )


def candidate_mask(examples: Examples, index: int) -> np.ndarray:
    """The drugs pair ``index`` is ranked among: the candidates, and always its own partner.

    >>> examples = Examples([], [], [], [3], candidates=np.array([True, False, True, False]))
    >>> candidate_mask(examples, 0).tolist()
    [True, False, True, True]
    """
    if examples.candidates is None:
        return np.ones(examples.raw[index].shape[1], dtype=bool)
    mask = examples.candidates.copy()
    mask[examples.positives[index]] = True
    return mask


def nonnegative_logistic(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    """Class-balanced, L2-regularised logistic regression with coefficients >= 0 (L-BFGS-B).

    >>> x = np.array([[0.0], [0.1], [1.0], [1.2]]); y = np.array([0, 0, 1, 1])
    >>> weights, _ = nonnegative_logistic(x, y, 1.0)
    >>> bool(weights[0] > 0)
    True
    """
    from scipy.optimize import minimize

    positives = y.sum()
    sample = np.where(y == 1, len(y) / (2 * positives), len(y) / (2 * (len(y) - positives)))
    sample = sample / sample.sum()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        weights, intercept = theta[:-1], theta[-1]
        margin = x @ weights + intercept
        probability = 1.0 / (1.0 + np.exp(-margin))
        value = np.sum(sample * (np.logaddexp(0, margin) - y * margin))
        value += weights @ weights / (2 * c * len(y)) * len(y) / max(positives, 1) / 100
        residual = sample * (probability - y)
        gradient = np.append(x.T @ residual, residual.sum())
        gradient[:-1] += weights / (c * len(y)) * len(y) / max(positives, 1) / 100
        return float(value), gradient

    start = np.zeros(x.shape[1] + 1)
    bounds = [(0.0, None)] * x.shape[1] + [(None, None)]
    result = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    return result.x[:-1], float(result.x[-1])


def feature_scales(raws: Sequence[np.ndarray]) -> np.ndarray:
    """Mean non-zero DWPC of each feature over the training matrices (1.0 when none)."""
    n = len(FEATURES)
    total, count = np.zeros(n), np.zeros(n)
    for raw in raws:
        total += np.where(raw > 0, raw, 0).sum(axis=1)
        count += (raw > 0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), 1.0)


def drug_degrees(graph: hetmat.HetMat) -> np.ndarray:
    """Number of edges of every drug of the graph, over all its metaedges."""
    degrees = np.zeros(len(graph.node_ids.get("Drug", [])))
    for metaedge, matrix in graph.adjacency.items():
        if metaedge.source_type == "Drug":
            degrees += np.asarray((matrix != 0).sum(axis=1)).ravel()
        if metaedge.target_type == "Drug":
            degrees += np.asarray((matrix != 0).sum(axis=0)).ravel()
    return degrees


#: Permutations per training disease (features are adjusted by their mean).
TRAINING_PERMUTATIONS = 3


def training_examples(store_path, data: GraphData, pairs: Sequence[Pair]) -> Examples:  # type: ignore[no-untyped-def]
    """Features of every drug for each pair (its direct links hidden), on the store's graph."""
    from adcgraph.combos import backbone_diseases, make_scorer, scored_predicates, set_aside_drugs
    from adcgraph.graphdata import read_graph_data

    examples = Examples([], [], [], [], [])
    scored = read_graph_data(store_path, scope="all", predicates=scored_predicates())
    # One graph for every pair (evidence not weighted by disease): permutations are the
    # costly part, and the disease enters through the backbone features.
    scorer = make_scorer(store_path, None, n_permutations=TRAINING_PERMUTATIONS)
    aside = set_aside_drugs(store_path, data)
    examples.candidates = np.array([d not in aside for d in scorer.graph.node_ids.get("Drug", [])])
    for pair in pairs:
        drugs = scorer.graph.node_index.get("Drug", {})  # type: ignore[attr-defined]
        if pair.adc not in scorer.graph.node_index.get("ADC", {}) or pair.drug not in drugs:  # type: ignore[attr-defined]
            continue
        diseases = backbone_diseases(scorer.hierarchy, pair.disease) if pair.disease else []
        trials = combination_trials(data, pair.adc, pair.drug)
        hidden = pair.hidden | combination_records(scored, pair.adc, pair.drug, trials)
        graph = hide(scorer.graph, hidden)  # type: ignore[attr-defined]
        observed = raw_rows(graph, pair.adc, diseases)
        nulls = [raw_rows(hide(p, hidden), pair.adc, diseases) for p in scorer.permuted]  # type: ignore[attr-defined]
        examples.degrees.append(drug_degrees(graph))
        examples.pairs.append(pair)
        examples.raw.append(observed)
        examples.permuted.append(nulls)
        examples.positives.append(drugs[pair.drug])
    return examples


def model_file() -> str:
    """The cache file of the model: named after the features and settings it was fitted with.

    >>> model_file().startswith("model-") and model_file().endswith(".json")
    True
    """
    import hashlib

    settings = "|".join(
        [
            *(f"{f.name}={f.path}" for f in FEATURES),
            str(REGULARISATION_C),
            str(TRAINING_PERMUTATIONS),
            "ranked among anticancer candidates",
            "combination trials restated by releases hidden",
        ]
    )
    return f"model-{hashlib.sha256(settings.encode()).hexdigest()[:12]}.json"


def load_model(store_path, data: GraphData) -> Model:  # type: ignore[no-untyped-def]
    """The model fitted on the store's curated clinical pairs, cached per store version."""
    from pathlib import Path

    from adcgraph.graphdata import cache_directory
    from adcgraph.storage.store import is_endpoint

    def fit() -> Model:
        pairs = [p for p in curated_pairs(data) if p.clinical]
        model = fit_model(training_examples(store_path, data, pairs))
        model.note = f"fitted on {len(model.pairs)} curated ADC-partner pairs with clinical data"
        return model

    if is_endpoint(store_path):
        return fit()
    cache = cache_directory(Path(store_path), data.version.split(":")[-1]) / model_file()
    if cache.exists():
        return Model.from_json(cache.read_text(encoding="utf-8"))
    model = fit()
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_suffix(".partial")
    partial.write_text(model.to_json(), encoding="utf-8")
    partial.replace(cache)
    return model
