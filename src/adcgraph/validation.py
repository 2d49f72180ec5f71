"""Hold-one-out validation of `combos`: hide each known ADC-partner pairing, find its rank.

For every curated strategy that combines an ADC with a partner drug, every strategy edge
linking that ADC's strategies to the drug is hidden, the graph is re-scored, and the rank of
the drug among all drugs is recorded. A node-degree baseline (rank drugs by how connected
they are) is computed on the same held-out graphs, because path counts favour hubs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from adcgraph import vocab
from adcgraph.combos import PARTNER_METAPATHS, make_scorer
from adcgraph.graphdata import GraphData, read_graph_data
from adcgraph.model.validate import auroc_of, rank_of


@dataclass(frozen=True)
class HeldOut:
    """One hidden ADC-drug pairing and where it came back."""

    adc: str
    drug: str
    disease: str
    rank: int
    n_drugs: int
    auroc: float
    degree_rank: int
    degree_auroc: float


@dataclass
class HoldOutReport:
    """Ranks of every held-out pairing and the summary figures."""

    items: list[HeldOut] = field(default_factory=list)

    def hit_at(self, k: int, degree: bool = False) -> float:
        ranks = [item.degree_rank if degree else item.rank for item in self.items]
        return float(np.mean([r <= k for r in ranks])) if ranks else 0.0

    def auroc(self, degree: bool = False) -> float:
        values = [item.degree_auroc if degree else item.auroc for item in self.items]
        return float(np.mean(values)) if values else 0.0

    def summary(self) -> dict[str, float]:
        return {
            "pairs": len(self.items),
            "hit_at_5": self.hit_at(5),
            "hit_at_10": self.hit_at(10),
            "auroc": self.auroc(),
            "degree_hit_at_5": self.hit_at(5, True),
            "degree_hit_at_10": self.hit_at(10, True),
            "degree_auroc": self.auroc(True),
        }


def known_pairings(data: GraphData) -> list[tuple[str, str, str, set[tuple[str, str, str]]]]:
    """(ADC, drug, disease, strategy edges to hide) for every curated ADC-drug strategy."""
    members: dict[str, dict[str, set[str]]] = {}
    for source, predicate, target in data.edges:
        if predicate in ("usesAdc", "usesDrug"):
            members.setdefault(source, {}).setdefault(predicate, set()).add(target)
    diseases: dict[str, str] = {}
    for (source, predicate, _), evidence in data.evidence.items():
        if predicate == "usesAdc" and evidence and evidence[0].disease:
            diseases[source] = evidence[0].disease
    pairs: dict[tuple[str, str], tuple[str, set[tuple[str, str, str]]]] = {}
    for strategy, uses in members.items():
        for adc in uses.get("usesAdc", set()):
            for drug in uses.get("usesDrug", set()):
                disease = diseases.get(strategy, "")
                hidden = {
                    (other, "usesDrug", drug)
                    for other, other_uses in members.items()
                    if adc in other_uses.get("usesAdc", set())
                    and drug in other_uses.get("usesDrug", set())
                }
                pairs.setdefault((adc, drug), (disease, hidden))
    return [
        (adc, drug, disease, hidden) for (adc, drug), (disease, hidden) in sorted(pairs.items())
    ]


def hold_one_out(store_path: Path) -> HoldOutReport:
    """Hide each known ADC-partner pairing in turn and rank the drug with `combos` scoring.

    >>> report = hold_one_out(default_store_path())  # doctest: +SKIP
    >>> report.summary()["pairs"] > 5  # doctest: +SKIP
    True
    """
    data = read_graph_data(store_path)
    report = HoldOutReport()
    for adc, drug, disease, hidden in known_pairings(data):
        scorer = make_scorer(
            store_path, disease or None, n_permutations=0, hidden=hidden, data=data
        )
        drugs = scorer.graph.node_ids["Drug"]
        scores = scorer.scores(adc, PARTNER_METAPATHS, "Drug")[0]
        degrees = _drug_degrees(data, hidden, drugs)
        position = drugs.index(drug)
        report.items.append(
            HeldOut(
                adc=vocab.compress(adc),
                drug=vocab.compress(drug),
                disease=vocab.compress(disease) if disease else "",
                rank=rank_of(scores, position),
                n_drugs=len(drugs),
                auroc=auroc_of(scores, position),
                degree_rank=rank_of(degrees, position),
                degree_auroc=auroc_of(degrees, position),
            )
        )
    return report


def _drug_degrees(
    data: GraphData, hidden: set[tuple[str, str, str]], drugs: list[str]
) -> np.ndarray:
    index = {drug: i for i, drug in enumerate(drugs)}
    degrees = np.zeros(len(drugs))
    for edge in data.edges:
        if edge in hidden:
            continue
        for node in (edge[0], edge[2]):
            if node in index:
                degrees[index[node]] += 1
    return degrees
