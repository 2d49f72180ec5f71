"""Metapath features of (ADC, disease, candidate drug): DWPC, permutation-adjusted, scaled.

Each feature is a metapath from the ADC (or from the asked disease and its sub-types) to a
drug. Its raw value is the evidence-weighted DWPC (:func:`adcgraph.hetmat.dwpc_row`); the
model sees ``asinh(DWPC / scale)`` minus the mean of the same on the degree-preserving
permutations (what the graph's degrees alone would give), where ``scale`` is the feature's
mean non-zero DWPC in the training set (as Rephetio did).

>>> [f.name for f in FEATURES][:2]
['mechanism-gene-inhibitor', 'class-mechanism-gene-inhibitor']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from adcgraph import hetmat

DAMPING = 0.4


@dataclass(frozen=True)
class Feature:
    """A metapath feature; ``source`` is ``ADC`` or ``Disease`` (the asked disease)."""

    name: str
    path: str
    reading: str
    source: str = "ADC"


FEATURES: tuple[Feature, ...] = (
    Feature(
        "mechanism-gene-inhibitor",
        "ADC<confersResistanceTo-Mechanism-involvesGene>Gene<inhibits-Drug",
        "resisted through a mechanism involving a gene the drug inhibits",
    ),
    Feature(
        "class-mechanism-gene-inhibitor",
        "ADC-hasPayloadClass>PayloadClass<confersResistanceTo-Mechanism-involvesGene>Gene"
        "<inhibits-Drug",
        "its payload class is resisted through a gene the drug inhibits",
    ),
    Feature(
        "mechanism-strategy-drug",
        "ADC<confersResistanceTo-Mechanism<addresses-Strategy-usesDrug>Drug",
        "a strategy using the drug addresses one of its resistance mechanisms",
    ),
    Feature(
        "class-mechanism-strategy-drug",
        "ADC-hasPayloadClass>PayloadClass<confersResistanceTo-Mechanism<addresses-Strategy"
        "-usesDrug>Drug",
        "a strategy using the drug addresses a resistance of its payload class",
    ),
    Feature(
        "similar-to-partner",
        "ADC<usesAdc-Strategy-usesDrug>Drug-inhibits>Gene<inhibits-Drug",
        "inhibits the same gene as a drug already combined with the ADC",
    ),
    Feature(
        "class-adc-partner",
        "ADC-hasPayloadClass>PayloadClass<hasPayloadClass-ADC<usesAdc-Strategy-usesDrug>Drug",
        "combined with another ADC of the same payload class",
    ),
    Feature(
        "target-adc-partner",
        "ADC-hasTarget>Gene<hasTarget-ADC<usesAdc-Strategy-usesDrug>Drug",
        "combined with another ADC against the same target",
    ),
    Feature(
        "indication-adc-partner",
        "ADC-approvedFor>Disease<approvedFor-ADC<usesAdc-Strategy-usesDrug>Drug",
        "combined with another ADC approved in a disease this ADC is approved for",
    ),
    Feature(
        "mechanism-pathway-inhibitor",
        "ADC<confersResistanceTo-Mechanism-involvesGene>Gene-participatesIn>Pathway"
        "<participatesIn-Gene<inhibits-Drug",
        "inhibits a gene in a pathway of one of its resistance genes",
    ),
    Feature(
        "mechanism-family-inhibitor",
        "ADC<confersResistanceTo-Mechanism-involvesGene>Gene-memberOf>GeneFamily"
        "<memberOf-Gene<inhibits-Drug",
        "inhibits a gene of the family of one of its resistance genes",
    ),
    Feature(
        "payload-complementarity",
        "ADC-hasPayloadClass>PayloadClass<confersResistanceTo-Mechanism-inCategory>"
        "MechanismCategory<inCategory-Mechanism-involvesGene>Gene<inhibits-Drug",
        "inhibits a gene of a mechanism category that resists its payload class",
    ),
    Feature(
        "target-inhibitor",
        "ADC-hasTarget>Gene<inhibits-Drug",
        "the drug inhibits the ADC's target antigen",
    ),
    Feature(
        "target-binder",
        "ADC-hasTarget>Gene<targets-Drug",
        "the drug binds the ADC's target antigen",
    ),
    Feature(
        "adc-indication-approved-drug",
        "ADC-approvedFor>Disease<treats-Drug",
        "approved in a disease the ADC is approved for",
    ),
    Feature(
        "adc-indication-studied-drug",
        "ADC-approvedFor>Disease<studiedToTreat-Drug",
        "in trials in a disease the ADC is approved for",
    ),
    Feature(
        "disease-approved-drug",
        "Disease<treats-Drug",
        "approved in the disease asked about (standard-of-care backbone)",
        "Disease",
    ),
    Feature(
        "disease-studied-drug",
        "Disease<studiedToTreat-Drug",
        "in trials in the disease asked about",
        "Disease",
    ),
)
BY_NAME = {feature.name: feature for feature in FEATURES}


def predicates() -> frozenset[str]:
    """Predicates the features read (the synthetic ``inCategory`` aside).

    >>> "participatesIn" in predicates(), "inCategory" in predicates()
    (True, False)
    """
    return frozenset(
        step.predicate
        for feature in FEATURES
        for step in hetmat.parse_metapath(feature.path).steps
        if step.predicate != "inCategory"
    )


def available(graph: hetmat.HetMat, feature: Feature) -> bool:
    """Whether the graph has every metaedge the feature walks."""
    try:
        for step in hetmat.parse_metapath(feature.path).steps:
            graph.step_matrix(step)
    except (hetmat.HetMatError, hetmat.MetapathError):
        return False
    return True


def raw_rows(
    graph: hetmat.HetMat, adc: str, diseases: Iterable[str], features: Sequence[Feature] = FEATURES
) -> np.ndarray:
    """DWPC of every feature (rows) to every drug of the graph (columns)."""
    n_drugs = len(graph.node_ids.get("Drug", []))
    rows = np.zeros((len(features), n_drugs))
    disease_nodes = [d for d in diseases if d in graph.node_index.get("Disease", {})]
    for i, feature in enumerate(features):
        if not available(graph, feature):
            continue
        if feature.source == "ADC":
            rows[i] = hetmat.dwpc_row(graph, feature.path, adc, DAMPING)
        else:
            for disease in disease_nodes:
                rows[i] += hetmat.dwpc_row(graph, feature.path, disease, DAMPING)
    return rows


def transform(raw: np.ndarray, scales: np.ndarray) -> np.ndarray:
    """``asinh(raw / scale)`` per feature row (scales > 0).

    >>> transform(np.array([[0.0, 2.0]]), np.array([2.0])).round(3).tolist()
    [[0.0, 0.881]]
    """
    return np.arcsinh(raw / scales[:, None])


def names() -> list[str]:
    """The model's columns: each metapath's DWPC, then each permutation-adjusted DWPC.

    >>> names()[len(FEATURES)]
    'mechanism-gene-inhibitor (permutation-adjusted)'
    """
    plain = [f.name for f in FEATURES]
    return plain + [f"{name} (permutation-adjusted)" for name in plain]


def adjusted(
    observed: np.ndarray,
    permuted: Sequence[np.ndarray],
    scales: np.ndarray,
    null_mean: np.ndarray | None = None,
) -> np.ndarray:
    """Model inputs: transformed DWPC rows, then the same minus their permuted mean.

    Both go in: the plain DWPC carries what a hub-rich backbone (standard-of-care drugs)
    says, the adjusted one what the graph says beyond its degrees; the fit weighs them.
    ``null_mean`` (the mean transformed permuted rows) can be given when already known.
    """
    value = transform(observed, scales)
    if null_mean is None:
        null_mean = (
            np.mean([transform(p, scales) for p in permuted], axis=0)
            if permuted
            else np.zeros_like(value)
        )
    return np.vstack([value, value - null_mean])
