"""Rank partner drugs and next ADCs for a failing ADC, and ADCs that share its weaknesses.

Scores are degree-weighted path counts (DWPC, Himmelstein et al. 2017, eLife 6:e26726)
summed over a fixed set of metapaths, computed with sparse matrices (:mod:`adcgraph.hetmat`)
on edges weighted by the strength of their evidence in the disease asked about. Because path
counts favour hubs, each score is compared with the same score on degree-preserving
permutations of the graph: ``adjusted_score = score - mean permuted score`` and an empirical
``p_value``. The best candidates are then explained by enumerating their actual paths, with
citations, in the claim graph (:mod:`adcgraph.paths`).
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyoxigraph as ox

from adcgraph import hetmat, rollup, vocab
from adcgraph.errors import QueryError
from adcgraph.evidencefilter import NO_FILTER, EvidenceFilter, filtered_data
from adcgraph.graphdata import (
    Evidence,
    GraphData,
    cache_directory,
    cached_pickle,
    read_graph_data,
)
from adcgraph.model.features import FEATURES, adjusted, raw_rows, transform
from adcgraph.model.training import Model, load_model
from adcgraph.querying.results import counted
from adcgraph.storage.store import is_endpoint

if TYPE_CHECKING:
    import networkx as nx

    from adcgraph.paths import MetapathGraph, PathGraph

#: Weight of an edge by the best evidence behind it (structural edges weigh 1).
EVIDENCE_WEIGHTS = {
    "Clinical": 1.0,
    "Regulatory": 0.9,
    "PreclinicalInVivo": 0.7,
    "PreclinicalInVitro": 0.5,
    "Review": 0.4,
    "Inferred": 0.3,
}
UNVERIFIED_FACTOR = 0.5
#: Mechanisms whose genes are no partner targets: inhibiting a mutated payload target adds
#: a drug that shares the payload's resistance (e.g. irinotecan after TOP1 E418K).
NO_PARTNER_TARGET_MECHANISMS = frozenset({"PayloadTargetAlteration"})
OTHER_DISEASE_FACTOR = 0.3
#: Weight of an imported indication edge by its maximum trial phase.
PHASE_WEIGHTS = {"4": 1.0, "3": 0.8, "2": 0.6, "1": 0.4, "0": 0.3}
DAMPING = 0.4
#: Above this many edges, fewer and shorter permutations keep the first run bounded.
LARGE_GRAPH_EDGES = 500_000
#: Threads for sparse products and cache reads (scipy and numpy release the GIL there).
WORKERS = min(2, os.cpu_count() or 1)
MAX_NEXT_ADCS = 5
#: Time every metapath search of an explanation gets, however little of the budget is left.
MIN_SEARCH_S = 0.05


@dataclass(frozen=True)
class NamedMetapath:
    """A metapath used for scoring, with the weight of its contribution and a reading."""

    name: str
    path: str
    weight: float
    reading: str


#: Partner metapaths: the model's features (:mod:`adcgraph.model.features`), plus the direct
#: curated strategy (shown and cited, never a feature: it is what the model predicts).
PARTNER_METAPATHS: tuple[NamedMetapath, ...] = (
    *(NamedMetapath(f.name, f.path, 1.0, f.reading) for f in FEATURES),
    NamedMetapath(
        "strategy-partner",
        "ADC<usesAdc-Strategy-usesDrug>Drug",
        1.0,
        "a curated strategy combines the ADC with the drug",
    ),
)
SWITCH_METAPATHS: tuple[NamedMetapath, ...] = (
    NamedMetapath(
        "mechanism-strategy-adc",
        "ADC<confersResistanceTo-Mechanism<addresses-Strategy-usesAdc>ADC",
        1.0,
        "a strategy using that ADC addresses one of its resistance mechanisms",
    ),
    NamedMetapath(
        "class-mechanism-strategy-adc",
        "ADC-hasPayloadClass>PayloadClass<confersResistanceTo-Mechanism"
        "<addresses-Strategy-usesAdc>ADC",
        1.0,
        "a strategy using that ADC addresses a resistance of its payload class",
    ),
)
CROSS_RESISTANCE_METAPATHS: tuple[NamedMetapath, ...] = (
    NamedMetapath(
        "shared-payload", "ADC-hasPayload>Payload<hasPayload-ADC", 1.0, "carries the same payload"
    ),
    NamedMetapath(
        "shared-payload-class",
        "ADC-hasPayloadClass>PayloadClass<hasPayloadClass-ADC",
        1.0,
        "its payload is in the same payload class",
    ),
    NamedMetapath(
        "shared-target", "ADC-hasTarget>Gene<hasTarget-ADC", 0.6, "binds the same target antigen"
    ),
    NamedMetapath(
        "shared-antibody", "ADC-hasAntibody>Antibody<hasAntibody-ADC", 0.6, "uses the same antibody"
    ),
    NamedMetapath(
        "shared-mechanism",
        "ADC<confersResistanceTo-Mechanism-confersResistanceTo>ADC",
        0.5,
        "is resisted through the same documented mechanism",
    ),
    NamedMetapath(
        "shared-class-mechanism",
        "ADC-hasPayloadClass>PayloadClass<confersResistanceTo-Mechanism-confersResistanceTo>ADC",
        0.3,
        "is resisted through a mechanism documented for its payload class",
    ),
)

#: Every metapath an explanation may follow (the explanation graph keeps their edges).
EXPLAINED_METAPATHS = PARTNER_METAPATHS + SWITCH_METAPATHS + CROSS_RESISTANCE_METAPATHS


@dataclass
class Candidate:
    """One ranked candidate with its score, permutation null, explanations and trials."""

    id: str
    iri: str
    label: str
    kind: str
    score: float
    adjusted_score: float
    p_value: float
    metapath_scores: dict[str, float]
    paths: list[dict[str, object]] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    trials: list[dict[str, object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "iri": self.iri,
            "label": self.label,
            "type": self.kind,
            "score": round(self.score, 6),
            "adjusted_score": round(self.adjusted_score, 6),
            "p_value": round(self.p_value, 6),
            "metapath_scores": {k: round(v, 6) for k, v in self.metapath_scores.items()},
            "paths": self.paths,
            "citations": self.citations,
            "trials": self.trials,
            "notes": self.notes,
        }


@dataclass
class Ranking:
    """A ranking (best first) with the query that produced it and any cut-short notice.

    ``next_adcs`` are the ADCs to switch to, ranked apart from the partner drugs (their
    scores are path sums, not the partner model's probabilities).
    """

    query: dict[str, str]
    candidates: list[Candidate]
    permutations: int
    truncated: list[str] = field(default_factory=list)
    next_adcs: list[Candidate] = field(default_factory=list)
    p_value_method: str = ""
    model: str = ""
    #: Drugs (CURIEs) with a feature that :func:`set_aside_partners` keeps out, best first,
    #: and the labels of the best three.
    set_aside: list[str] = field(default_factory=list)
    set_aside_best: list[str] = field(default_factory=list)

    def set_aside_note(self) -> str:
        """How many drugs the candidate rule kept out, why, and the best of them ("" if none).

        >>> Ranking({}, [], 0, set_aside=["A", "B", "C", "D"], set_aside_best=["a", "b", "c"]
        ...         ).set_aside_note()
        ... # doctest: +NORMALIZE_WHITESPACE
        '4 approved drugs never approved for a cancer and not curated (supportive care or
        repurposing, not anticancer agents) were set aside (best: a, b, c)'
        """
        if not self.set_aside:
            return ""
        best = ", ".join(self.set_aside_best)
        return f"{len(self.set_aside)} {SET_ASIDE_REASON} (best: {best})"

    def as_dict(self) -> dict[str, object]:
        return {
            "query": self.query,
            "permutations": self.permutations,
            "p_value_method": self.p_value_method,
            "model": self.model,
            "truncated": self.truncated,
            "set_aside": self.set_aside,
            "set_aside_note": self.set_aside_note(),
            "candidates": [c.as_dict() for c in self.candidates],
            "next_adcs": [c.as_dict() for c in self.next_adcs],
        }


@dataclass
class Scorer:
    """Evidence-weighted matrices of one store (and disease), with cached permutations.

    The permuted graphs are read (or found) on first use: a ranking whose null is cached
    (:meth:`cached_null`) never needs them.
    """

    data: GraphData
    graph: hetmat.HetMat
    find_permuted: Callable[[], list[hetmat.HetMat]]
    n_permutations: int
    projection: nx.MultiDiGraph | None  # type: ignore[name-defined]
    #: Disease parents (IRIs) of the roll-up (:func:`adcgraph.rollup.hierarchy`), read once.
    hierarchy: Mapping[str, set[str]] = field(default_factory=dict)
    #: Where this graph's nulls are cached (None: nowhere, e.g. when edges are hidden).
    cache: Path | None = None
    _permuted: list[hetmat.HetMat] | None = field(default=None, init=False, repr=False)

    @property
    def permuted(self) -> list[hetmat.HetMat]:
        """The degree-preserving permutations, weighted as the observed graph."""
        if self._permuted is None:
            self._permuted = self.find_permuted()
        return self._permuted

    def cached_null(
        self, key: str, compute: Callable[[], dict[str, np.ndarray]]
    ) -> dict[str, np.ndarray]:
        """Arrays computed on the permutations, read from this graph's cache when there.

        ``key`` names everything they depend on beyond the store version and disease (the
        source, the metapaths or model, the number of permutations); a file whose recorded
        key differs is recomputed.
        """
        path = None
        if self.cache is not None:
            digest = hashlib.sha256(key.encode()).hexdigest()[:16]
            path = self.cache / f"null-{digest}.npz"
            if path.exists():
                with contextlib.suppress(OSError, ValueError, KeyError), np.load(path) as stored:
                    if str(stored["key"]) == key:
                        return {name: stored[name] for name in stored.files if name != "key"}
        arrays = compute()
        if path is not None:
            with contextlib.suppress(OSError):  # no room or read-only: no cache, same result
                partial = path.with_name(path.name + ".partial.npz")
                np.savez(partial, key=np.array(key), **arrays)
                partial.replace(path)
        return arrays

    def scores(
        self, source: str, metapaths: Sequence[NamedMetapath], target_type: str
    ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Observed totals, permuted totals (n_perm x n_targets), per-metapath observed."""
        available = [
            m
            for m in metapaths
            if _metapath_available(self.graph, m.path)
            and hetmat.parse_metapath(m.path).source_type in ("ADC", "Drug")
        ]

        def weighted_rows(graph: hetmat.HetMat) -> list[np.ndarray]:
            return [_dwpc(graph, m.path, source) * m.weight for m in available]

        n_targets = len(self.graph.node_ids.get(target_type, []))

        def permuted_totals() -> dict[str, np.ndarray]:
            # scipy's sparse products release the GIL: one graph per thread uses both cores.
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                per_graph = list(pool.map(weighted_rows, self.permuted))
            totals = [
                np.sum(rows, axis=0) if available else np.zeros(n_targets) for rows in per_graph
            ]
            return {"null": np.array(totals).reshape(self.n_permutations, n_targets)}

        observed_rows = weighted_rows(self.graph)
        observed = np.sum(observed_rows, axis=0) if available else np.zeros(n_targets)
        key = "|".join(
            [
                source,
                target_type,
                str(self.n_permutations),
                *(f"{m.path}*{m.weight}" for m in available),
            ]
        )
        null = self.cached_null(key, permuted_totals)["null"]
        parts = {m.name: row for m, row in zip(available, observed_rows, strict=True)}
        return observed, null, parts


def _dwpc(graph: hetmat.HetMat, path: str, source: str) -> np.ndarray:
    return hetmat.dwpc_row(graph, path, source, DAMPING)


def _metapath_available(graph: hetmat.HetMat, path: str) -> bool:
    try:
        for step in hetmat.parse_metapath(path).steps:
            graph.step_matrix(step)
    except hetmat.HetMatError:
        return False
    except QueryError:
        return False
    return True


def evidence_weight(
    evidence: Iterable[Evidence], lineage: set[str] | Mapping[str, float] | None
) -> float:
    """Weight of an edge: its best claim, discounted when unverified or in another disease.

    >>> from adcgraph.graphdata import Evidence
    >>> evidence_weight([Evidence("c", "Clinical", "Unverified", None, ())], None)
    0.5
    """
    best = 0.0
    for item in evidence:
        if item.evidence_type == "SourceRecord":
            best = max(best, source_record_weight(item.phase))
            continue
        weight = EVIDENCE_WEIGHTS.get(item.evidence_type, 0.4)
        if item.status != "Verified":
            weight *= UNVERIFIED_FACTOR
        if isinstance(lineage, Mapping) and item.disease:
            weight *= lineage.get(item.disease, OTHER_DISEASE_FACTOR)  # roll-up weights
        elif lineage is not None and item.disease and item.disease not in lineage:
            weight *= OTHER_DISEASE_FACTOR
        best = max(best, weight)
    return best


def source_record_weight(qualifier: str | None) -> float:
    """Weight of an imported edge: 1 for targets and approvals, lower for earlier trial phases.

    >>> source_record_weight("phase 4"), source_record_weight("phase 2"), source_record_weight(None)
    (1.0, 0.6, 1.0)
    """
    if qualifier and qualifier.startswith("phase "):
        return PHASE_WEIGHTS.get(qualifier.removeprefix("phase "), 0.3)
    return 1.0


def backbone_diseases(hierarchy: Mapping[str, set[str]], disease: str) -> list[str]:
    """The disease asked about, its sub-types and its direct parents (the backbone features).

    The hierarchy is the roll-up's (:func:`adcgraph.rollup.hierarchy`: the curated parents
    and the MONDO index). A drug approved for a parent class (breast cancer) counts for TNBC;
    one approved for "cancer" or "neoplasm" does not.

    >>> backbone_diseases({"tnbc": {"breast"}, "breast": {"cancer"}}, "breast")
    ['breast', 'cancer', 'tnbc']
    """
    children: dict[str, set[str]] = {}
    for child, parents in hierarchy.items():
        for parent in parents:
            children.setdefault(parent, set()).add(child)
    found = {disease} | set(hierarchy.get(disease, set()))
    frontier = [disease]
    while frontier:
        for child in children.get(frontier.pop(), set()):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return sorted(found)


def disease_lineage(data: GraphData, disease: str) -> set[str]:
    """A disease with its ancestors and descendants among the graph's diseases."""
    parents = data.disease_parents
    children: dict[str, set[str]] = {}
    for child, its_parents in parents.items():
        for parent in its_parents:
            children.setdefault(parent, set()).add(child)
    lineage = {disease}
    for links in (parents, children):
        frontier = [disease]
        while frontier:
            for neighbour in links.get(frontier.pop(), set()):
                if neighbour not in lineage:
                    lineage.add(neighbour)
                    frontier.append(neighbour)
    return lineage


def weighted_edges(
    data: GraphData,
    lineage: set[str] | Mapping[str, float] | None,
    hidden: set[tuple[str, str, str]] = frozenset(),  # type: ignore[assignment]
) -> list[tuple[str, str, str, float]]:
    """Edges with evidence weights (claims) or weight 1 (structure), minus ``hidden`` ones."""
    edges = []
    for edge in data.edges:
        if edge in hidden:
            continue
        if edge[1] == "involvesGene" and data.classes.get(edge[0]) in NO_PARTNER_TARGET_MECHANISMS:
            continue
        evidence = data.evidence.get(edge)
        weight = evidence_weight(evidence, lineage) if evidence else 1.0
        edges.append((edge[0], edge[1], edge[2], weight))
    return edges


def mechanism_categories(data: GraphData) -> list[tuple[str, str]]:
    """(mechanism, ontology category IRI): the synthetic edges of the complementarity feature."""
    return sorted(
        (node, vocab.ONTOLOGY + category)
        for node, category in data.classes.items()
        if data.node_types.get(node) == "Mechanism"
    )


def make_scorer(
    store_path: Path,
    disease: str | None,
    *,
    n_permutations: int | None = None,
    hidden: set[tuple[str, str, str]] = frozenset(),  # type: ignore[assignment]
    data: GraphData | None = None,
    seed: int = 0,
    evidence_filter: EvidenceFilter = NO_FILTER,
) -> Scorer:
    """Build (or load from the per-version cache) the weighted matrices and permutations.

    ``evidence_filter`` removes the claims it fails (and the edges only they supported) from
    the matrices and from the claim records kept on the scorer; a filtered graph has its own
    caches (observed matrices, permutations, nulls), named by the filter's key.

    The matrices cover every graph of the store (imports included); the claim records kept
    on the scorer cover the curated graph only. Only the metaedges the scoring metapaths
    read are permuted. The evidence weights depend on the disease, the permutations do not
    (XSwap looks only at which nodes are joined): each permutation is found once per store
    version and re-weighted for every disease (:class:`hetmat.Rewiring`).
    """
    curated = filtered_data(data or read_graph_data(store_path), evidence_filter)
    parents = rollup.hierarchy(store_path, curated.disease_parents)
    cached = not hidden and not is_endpoint(store_path)
    directory = observed_dir = None
    if cached:
        folder = evidence_filter.cache_name("hetmat")
        directory = cache_directory(Path(store_path), curated.version.split(":")[-1]) / folder
        observed_dir = directory / (vocab.compress(disease).replace(":", "_") if disease else "any")
    key = f"{curated.version}|{disease}"
    if evidence_filter.active:
        key += f"|{evidence_filter.key()}"
    graph = hetmat.load(observed_dir / "observed", key) if observed_dir else None
    if graph is None:
        graph = _weighted_graph(
            store_path, curated, parents, disease, hidden, data, evidence_filter
        )
        chosen = _scored_metaedges(graph)
        graph = graph.with_adjacency({m: a for m, a in graph.adjacency.items() if m in chosen})
        if observed_dir is not None:
            with contextlib.suppress(OSError):  # no room or read-only: no cache, same result
                hetmat.save(graph, observed_dir / "observed", key)
    large = graph.edge_count() >= LARGE_GRAPH_EDGES
    if n_permutations is None:
        n_permutations = 5 if large else 10
    settings = _PermutationSettings(
        multiplier=3 if large else 10,
        metaedges=tuple(sorted(_scored_metaedges(graph))),
        key=f"{curated.version}|{3 if large else 10}",
    )

    def find_permuted() -> list[hetmat.HetMat]:
        folder = directory / "permutations" if directory else None
        wirings = [_rewiring(folder, graph, settings, seed + n) for n in range(n_permutations)]
        return [hetmat.rewired(graph, w) for w in wirings]

    null_cache = observed_dir if seed == 0 else None
    return Scorer(curated, graph, find_permuted, n_permutations, None, parents, null_cache)


def _weighted_graph(
    store_path: Path,
    curated: GraphData,
    parents: Mapping[str, set[str]],
    disease: str | None,
    hidden: set[tuple[str, str, str]],
    data: GraphData | None,
    evidence_filter: EvidenceFilter,
) -> hetmat.HetMat:
    full = filtered_data(
        data or read_graph_data(store_path, scope="all", predicates=scored_predicates()),
        evidence_filter,
    )
    lineage = rollup.scoring_weights(parents, curated, disease) if disease else None
    edges = weighted_edges(full, lineage, hidden)
    edges.extend((m, "inCategory", category, 1.0) for m, category in mechanism_categories(full))
    categories = [
        (c, "MechanismCategory") for c in sorted({c for _, c in mechanism_categories(full)})
    ]
    return hetmat.HetMat.from_edges([*full.node_types.items(), *categories], edges)


@dataclass(frozen=True)
class _PermutationSettings:
    multiplier: int
    metaedges: tuple[hetmat.Metaedge, ...]
    #: Store version and swap multiplier: what a cached rewiring must match.
    key: str


def _rewiring(
    directory: Path | None, graph: hetmat.HetMat, settings: _PermutationSettings, seed: int
) -> dict[hetmat.Metaedge, hetmat.Rewiring]:
    """Permutation ``seed`` of the scored metaedges: read from the cache, else found and saved.

    One uncompressed file per permutation holds the rewirings of every scored metaedge, so a
    warm command opens a handful of files.
    """
    path = directory / f"rewiring-{seed}.npz" if directory is not None else None
    names = [f"{m.source_type}|{m.predicate}|{m.target_type}" for m in settings.metaedges]
    if path is not None and path.exists():
        with np.load(path) as arrays:
            if str(arrays["key"]) == settings.key and list(arrays["metaedges"]) == names:
                return {
                    m: hetmat.Rewiring(
                        arrays[f"{i}_indices"],
                        arrays[f"{i}_indptr"],
                        arrays[f"{i}_order"],
                        (int(arrays[f"{i}_shape"][0]), int(arrays[f"{i}_shape"][1])),
                    )
                    for i, m in enumerate(settings.metaedges)
                }
    found = hetmat.rewirings(graph, settings.multiplier, seed, settings.metaedges)
    if path is not None:
        with contextlib.suppress(OSError):
            _save_rewiring(path, settings, names, found)
    return found


def _save_rewiring(
    path: Path,
    settings: _PermutationSettings,
    names: list[str],
    found: dict[hetmat.Metaedge, hetmat.Rewiring],
) -> None:
    arrays: dict[str, np.ndarray] = {"key": np.array(settings.key), "metaedges": np.array(names)}
    for i, metaedge in enumerate(settings.metaedges):
        wiring = found[metaedge]
        arrays.update(
            {
                f"{i}_indices": wiring.indices,
                f"{i}_indptr": wiring.indptr,
                f"{i}_order": wiring.order,
                f"{i}_shape": np.array(wiring.shape),
            }
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial.npz")
    np.savez(partial, **arrays)
    partial.replace(path)


def scored_predicates() -> frozenset[str]:
    """Predicates of every scoring metapath: the only edges the matrices need.

    >>> "inhibits" in scored_predicates(), "interactsWith" in scored_predicates()
    (True, False)
    """
    return frozenset(
        step.predicate
        for named in PARTNER_METAPATHS + SWITCH_METAPATHS + CROSS_RESISTANCE_METAPATHS
        for step in hetmat.parse_metapath(named.path).steps
        if step.predicate != "inCategory"
    )


def _scored_metaedges(graph: hetmat.HetMat) -> set[hetmat.Metaedge]:
    chosen: set[hetmat.Metaedge] = set()
    for named in PARTNER_METAPATHS + SWITCH_METAPATHS + CROSS_RESISTANCE_METAPATHS:
        if _metapath_available(graph, named.path):
            chosen |= hetmat.metaedges_of(graph, named.path)
    return chosen


def rank(
    scorer: Scorer,
    source: str,
    metapaths: Sequence[NamedMetapath],
    target_type: str,
    *,
    exclude: set[str] = frozenset(),
) -> list[Candidate]:  # type: ignore[assignment]
    """Score every target of ``target_type`` from ``source``; best (highest score) first."""
    if source not in scorer.graph.node_index.get("ADC", {}):
        raise QueryError(f"{vocab.compress(source)} is not an ADC of the graph")
    observed, null, parts = scorer.scores(source, metapaths, target_type)
    targets = scorer.graph.node_ids.get(target_type, [])
    n = max(scorer.n_permutations, 1)
    candidates = []
    for i in np.flatnonzero(observed):
        node = targets[i]
        if node == source or node in exclude:
            continue
        exceed = int(np.count_nonzero(null[:, i] >= observed[i] - 1e-12)) if len(null) else 0
        candidates.append(
            Candidate(
                id=vocab.compress(node),
                iri=node,
                label=scorer.data.label(node),
                kind=target_type,
                score=float(observed[i]),
                adjusted_score=float(observed[i] - (null[:, i].mean() if len(null) else 0.0)),
                p_value=(1 + exceed) / (1 + n) if len(null) else 1.0,
                metapath_scores={name: float(row[i]) for name, row in parts.items() if row[i] > 0},
            )
        )
    candidates.sort(key=lambda c: (-c.score, -c.adjusted_score, c.id))
    return candidates


def explain(
    candidates: list[Candidate],
    source: str,
    metapaths: Sequence[NamedMetapath],
    projection: PathGraph,
    *,
    paths_per_candidate: int = 5,
    time_limit_s: float = 5.0,
    disease_sources: Sequence[str] = (),
) -> list[str]:
    """Attach cited paths to each candidate (bounded); return notices of cut-short searches.

    Metapaths that start from a disease (the standard-of-care backbone) are searched from
    ``disease_sources`` (the disease asked about and its sub-types).
    """
    from adcgraph.paths import metapath_paths

    final = time.monotonic() + time_limit_s
    notices = []
    by_name = {m.name: m for m in metapaths}
    for number, candidate in enumerate(candidates):
        # Each candidate gets its share of the time left; short metapaths are searched first,
        # so every candidate keeps a cited path even when long ones would take the budget.
        share = (final - time.monotonic()) / max(len(candidates) - number, 1)
        deadline = min(final, time.monotonic() + max(share, 0.0))
        found = []
        named = [name for name in candidate.metapath_scores if name in by_name]
        named.sort(key=lambda name: (len(hetmat.parse_metapath(by_name[name].path)), name))
        for name in named:
            if len(found) >= paths_per_candidate or (found and time.monotonic() > deadline):
                break
            metapath = hetmat.parse_metapath(by_name[name].path)
            starts = disease_sources if metapath.source_type == "Disease" else [source]
            for start in starts:
                if start not in projection or candidate.iri not in projection:
                    continue
                search = metapath_paths(
                    projection,
                    start,
                    candidate.iri,
                    metapath,
                    limit=paths_per_candidate,
                    deadline=max(deadline, time.monotonic() + MIN_SEARCH_S),
                )
                found.extend((name, path) for path in search.paths)
                if search.truncated:
                    notices.append(f"{candidate.id}: {search.reason}")
        found.sort(key=lambda item: (len(item[1].steps), item[0]))
        kept = found[:paths_per_candidate]
        if len(found) > paths_per_candidate:
            notices.append(
                f"{candidate.id}: showing {paths_per_candidate} of {counted(len(found), 'path')}"
            )
        candidate.paths = [
            {"metapath": name, "reading": by_name[name].reading, **path.as_dict(projection)}
            for name, path in kept
        ]
        candidate.citations = sorted(
            set(candidate.citations) | {c for _, path in found for c in path.citations}
        )
    if time.monotonic() > final:
        notices.append(f"explanations took longer than {time_limit_s:g} s and were cut short")
    return notices


def attach_trials(
    candidates: list[Candidate], source: str, data: GraphData, disease: str | None = None
) -> None:
    """Record the curated strategies that pair the ADC with each candidate, with trials.

    Each entry says its disease and whether that disease is the asked one (or in its MONDO
    lineage), so a trial in another disease is never shown as if it tested the asked one.
    """
    lineage = disease_lineage(data, disease) if disease else None
    uses: dict[str, set[str]] = {}
    for strategy, predicate, target in data.edges:
        if predicate in ("usesAdc", "usesDrug"):
            uses.setdefault(strategy, set()).add(target)
    for candidate in candidates:
        for strategy, members in sorted(uses.items()):
            if source in members and candidate.iri in members:
                for evidence in data.evidence.get((strategy, "usesAdc", source), []):
                    entry = {
                        "strategy": vocab.compress(strategy),
                        "label": data.label(strategy),
                        "phase": evidence.phase or "",
                        "evidence_type": evidence.evidence_type,
                        "trial_ids": list(evidence.trials),
                        "disease": vocab.compress(evidence.disease) if evidence.disease else "",
                        "disease_label": data.label(evidence.disease) if evidence.disease else "",
                        "in_disease": lineage is None
                        or evidence.disease is None
                        or evidence.disease in lineage,
                    }
                    if entry not in candidate.trials:
                        candidate.trials.append(entry)
        clinical = [t for t in candidate.trials if _is_clinical(str(t["phase"]))]
        if any(t["in_disease"] for t in clinical):
            candidate.notes.append("tested clinically with this ADC")
        elif clinical:
            elsewhere = sorted({str(t["disease_label"]) for t in clinical})
            candidate.notes.append(
                "tested clinically with this ADC only in another disease ("
                + ", ".join(elsewhere)
                + ")"
            )


def _is_clinical(phase: str) -> bool:
    return phase.startswith("Phase") or phase == "Approved"


def combos(
    store_path: Path,
    adc: str,
    disease: str,
    *,
    top: int = 10,
    n_permutations: int | None = None,
    explain_paths: bool = True,
    include_adcs: bool = True,
    evidence_filter: EvidenceFilter = NO_FILTER,
) -> Ranking:
    """Rank partner drugs and next ADCs for ``adc`` (IRI) failing in ``disease`` (IRI).

    With an active ``evidence_filter`` the candidates are scored and explained on the claims
    it keeps; the model's weights and the set-aside drugs still come from the whole graph
    (they describe the graph, not this question).

    >>> ranking = combos(default_store_path(), SG, TNBC)  # doctest: +SKIP
    >>> ranking.candidates[0].label  # doctest: +SKIP
    'talazoparib'
    >>> verified = EvidenceFilter.from_codes(["verified"])
    >>> ranking = combos(default_store_path(), SG, TNBC, evidence_filter=verified)  # doctest: +SKIP
    >>> ranking.query["filter"]  # doctest: +SKIP
    'verified'
    """
    scorer = make_scorer(
        store_path, disease, n_permutations=n_permutations, evidence_filter=evidence_filter
    )
    whole = read_graph_data(store_path) if evidence_filter.active else scorer.data
    model = load_model(store_path, whole)
    drugs, aside = rank_partners(
        store_path,
        scorer,
        model,
        adc,
        disease,
        limit=top,
        set_aside=set_aside_drugs(store_path, whole),
    )
    adcs = rank(scorer, adc, SWITCH_METAPATHS, "ADC") if include_adcs else []
    cross = _payload_classes_of(scorer.data, adc)
    for candidate in adcs:
        shared = cross & _payload_classes_of(scorer.data, candidate.iri)
        if shared:
            candidate.notes.append(
                "shares a payload class: cross-resistance likely ("
                + ", ".join(sorted(scorer.data.label(c) for c in shared))
                + ")"
            )
    candidates = drugs[:top]
    ranking = Ranking(
        {
            "adc": vocab.compress(adc),
            "disease": vocab.compress(disease),
            "filter": evidence_filter.describe(),
        },
        candidates,
        scorer.n_permutations,
        next_adcs=adcs[: min(top, MAX_NEXT_ADCS)],
        p_value_method=p_value_resolution(
            scorer.n_permutations, len(scorer.graph.node_ids.get("Drug", []))
        ),
        model=model.note,
        set_aside=[vocab.compress(drug) for drug in aside],
    )
    ranking.set_aside_best = list(_labels(store_path, scorer.data, aside[:3]).values())
    ranking.query.update(
        _scope_fields(rollup.adc_scope(store_path, scorer.data, adc, disease, scorer.hierarchy))
    )
    attach_trials(candidates, adc, scorer.data, disease)
    _fill_labels(store_path, candidates)
    if explain_paths:
        ranking.truncated = explain(
            candidates + ranking.next_adcs,
            adc,
            PARTNER_METAPATHS + SWITCH_METAPATHS,
            explanation_graph(store_path, evidence_filter),
            disease_sources=backbone_diseases(scorer.hierarchy, disease),
        )
    return ranking


def prepare_caches(store_path: Path) -> None:
    """Fill the per-version caches every first ``combos`` needs, whatever the ADC and disease.

    The name index, the graph records, the degree-preserving permutations, the fitted model
    and the explanation graph depend only on the store version, so ``adcgraph build`` makes
    them once; a first ranking then only weights the evidence for its disease.

    >>> prepare_caches(default_store_path())  # doctest: +SKIP
    """
    from adcgraph.resolving.index import index_for_store

    index_for_store(store_path)
    scorer = make_scorer(store_path, None)
    load_model(store_path, scorer.data)
    explanation_graph(store_path)


def explanation_graph(
    store_path: Path | str, evidence_filter: EvidenceFilter = NO_FILTER
) -> MetapathGraph:
    """What explanations walk: the reference projection's edges on a ranking metapath (cached).

    Under an active ``evidence_filter`` it is built from the filtered records, so a path with
    a step only failing claims support is never shown, and steps cite passing claims only.

    >>> graph = explanation_graph(default_store_path())  # doctest: +SKIP
    >>> len(graph.nodes) < len(load_projection(default_store_path(), "reference"))  # doctest: +SKIP
    True
    """
    from adcgraph.paths import load_metapath_graph

    return load_metapath_graph(
        store_path,
        [hetmat.parse_metapath(m.path) for m in EXPLAINED_METAPATHS],
        evidence_filter=evidence_filter,
    )


def rank_partners(
    location: Path | str,
    scorer: Scorer,
    model: Model,
    adc: str,
    disease: str | None,
    *,
    limit: int | None = None,
    set_aside: Collection[str] = frozenset(),
) -> tuple[list[Candidate], list[str]]:
    """Drugs with a feature ranked by the fitted model (the first ``limit``, or all).

    Drugs in ``set_aside`` (:func:`set_aside_partners`) are not ranked; the second value
    lists those that had a feature, best first.

    ``score`` is the model's probability on permutation-adjusted features. ``p_value`` is
    empirical (:func:`pooled_p_values`): the share of the model's scores on the permuted
    graphs, for the drugs of nearest degree, at least as high as the drug's own.
    """
    if adc not in scorer.graph.node_index.get("ADC", {}):
        raise QueryError(f"{vocab.compress(adc)} is not an ADC of the graph")
    diseases = backbone_diseases(scorer.hierarchy, disease) if disease else []
    observed = raw_rows(scorer.graph, adc, diseases)
    scales = model.scale_vector()
    cached = scorer.cached_null(
        "|".join([adc, *diseases, str(scorer.n_permutations), model.to_json()]),
        lambda: model_null(scorer.permuted, model, adc, diseases, observed.shape),
    )
    null_mean, null_scores = cached["mean"], cached["scores"]
    inputs = adjusted(observed, (), scales, null_mean)
    score = model.probability(inputs)
    floor = model.probability(adjusted(np.zeros_like(observed), (), scales, null_mean))
    null_average = null_scores.mean(axis=0) if len(null_scores) else floor
    targets = scorer.graph.node_ids.get("Drug", [])
    known = curated_partners(scorer.data, adc)
    featured = np.flatnonzero(observed.any(axis=0)).tolist()
    order = sorted(
        (i for i in featured if targets[i] not in set_aside),
        key=lambda i: (targets[i] not in known, -score[i], -(score[i] - null_average[i])),
    )
    aside = sorted((i for i in featured if targets[i] in set_aside), key=lambda i: -score[i])
    chosen = _with_ties(
        order, limit, lambda i: (targets[i] not in known, score[i], null_average[i])
    )
    p_values = pooled_p_values(score, null_scores, node_degrees(scorer.graph, "Drug"), chosen)
    weights = model.weights()
    candidates = []
    for i in chosen:
        contributions = weights * inputs[:, i]
        candidates.append(
            Candidate(
                id=vocab.compress(targets[i]),
                iri=targets[i],
                label=scorer.data.label(targets[i]),
                kind="Drug",
                score=float(score[i]),
                adjusted_score=float(score[i] - null_average[i]),
                p_value=float(p_values[i]),
                metapath_scores={
                    f.name: float(observed[k, i])
                    for k, f in enumerate(FEATURES)
                    if observed[k, i] > 0
                },
                notes=[
                    "model: "
                    + ", ".join(
                        f"{model.features[k]} {contributions[k]:+.2f}"
                        for k in np.argsort(-np.abs(contributions))[:3]
                        if abs(contributions[k]) > 0.005
                    )
                ],
            )
        )
    for candidate in candidates:
        if candidate.iri in known:
            candidate.notes.insert(0, "curated combination with this ADC (listed first)")
    candidates.sort(key=lambda c: (c.iri not in known, -c.score, -c.adjusted_score, c.id))
    shown = candidates[:limit] if limit is not None else candidates
    return shown, [targets[i] for i in aside]


def _with_ties(order: list[int], limit: int | None, key: Callable[[int], object]) -> list[int]:
    """The first ``limit`` of ``order``, and every later one tied with the last (by ``key``).

    The caller breaks those ties by identifier, which it then computes for these only.

    >>> _with_ties([5, 3, 4, 1], 1, lambda i: min(i, 3))
    [5, 3, 4]
    >>> _with_ties([5, 3, 4, 1], 1, lambda i: i)
    [5]
    """
    if limit is None or limit >= len(order):
        return order
    cut = limit
    last = key(order[limit - 1])
    while cut < len(order) and key(order[cut]) == last:
        cut += 1
    return order[:cut]


#: Nodes of nearest degree whose permuted scores together form a candidate's null.
NULL_NEIGHBOURS = 200


def pooled_p_values(
    observed: np.ndarray,
    null: np.ndarray,
    degrees: np.ndarray,
    columns: Sequence[int],
    neighbours: int = NULL_NEIGHBOURS,
) -> np.ndarray:
    """Upper-tail p-values of ``observed[c]`` for each of ``columns`` (else 1).

    The null of a column is every permuted score (rows of ``null``) of the ``neighbours``
    columns of nearest degree, itself included: degree-preserving permutations keep each
    node's degree, so nodes of about the same degree are exchangeable under the null, and
    pooling them gives ``n_permutations * neighbours`` null scores instead of
    ``n_permutations``. The p-value is empirical while at least :data:`TAIL_EXCEEDANCES`
    null scores reach the score; beyond that, where an empirical p-value would stop at its
    floor, the upper tail of the null is approximated (:func:`tail_p_value`).

    >>> null = np.array([[0.1, 0.2, 0.9], [0.3, 0.0, 0.8]])
    >>> observed, degrees = np.array([0.25, 0.5, 0.85]), np.array([1, 2, 9])
    >>> pooled_p_values(observed, null, degrees, [0, 2], neighbours=2).round(3).tolist()
    [0.4, 1.0, 0.4]
    """
    p_values = np.ones(len(observed))
    n_permutations, n_nodes = null.shape if null.ndim == 2 else (0, 0)
    if n_permutations == 0 or n_nodes == 0:
        return p_values
    size = min(neighbours, n_nodes)
    by_degree = np.argsort(degrees, kind="stable")
    position = np.empty(n_nodes, dtype=int)
    position[by_degree] = np.arange(n_nodes)
    ordered = null[:, by_degree]
    for column in columns:
        start = int(np.clip(position[column] - size // 2, 0, n_nodes - size))
        window = ordered[:, start : start + size].ravel()
        exceed = np.count_nonzero(window >= observed[column] - 1e-12)
        empirical = (1 + exceed) / (1 + window.size)
        if exceed >= TAIL_EXCEEDANCES or window.size < 10 * TAIL_EXCEEDANCES:
            p_values[column] = empirical
        else:
            p_values[column] = tail_p_value(float(observed[column]), window)
    return p_values


#: Below this many null scores at least as high, the p-value comes from the fitted tail.
TAIL_EXCEEDANCES = 10
#: The share of the highest null scores whose excesses give the tail's scale.
TAIL_SHARE = 0.025


def tail_p_value(value: float, null: np.ndarray) -> float:
    """P(null >= value) past the :data:`TAIL_EXCEEDANCES`-th highest null score, by an
    exponential tail.

    A tail approximation of permutation p-values (Knijnenburg et al. 2009, Bioinformatics
    25:i161, doi:10.1093/bioinformatics/btp211, fit a generalized Pareto distribution; the
    exponential is its shape-0 case). The scale is the mean excess of the top
    :data:`TAIL_SHARE` of the null over the lowest of them; the tail starts at the
    ``TAIL_EXCEEDANCES``-th highest score with the empirical p-value there, so p-values keep
    falling past the highest null score, in the order of the scores, and never reach 0.

    >>> null = np.linspace(0.0, 1.0, 1001)
    >>> tail_p_value(1.0, null) < tail_p_value(0.995, null) <= 11 / 1002
    True
    >>> 0 < tail_p_value(1.2, null) < 1 / 1002
    True
    """
    ordered = np.sort(null)[::-1]
    kept = ordered[: max(int(len(ordered) * TAIL_SHARE), TAIL_EXCEEDANCES + 1)]
    scale = max(float(np.mean(kept - kept[-1])), 1e-12)
    anchor = float(ordered[min(TAIL_EXCEEDANCES, len(ordered)) - 1])
    at_anchor = (1 + TAIL_EXCEEDANCES) / (1 + len(ordered))
    return float(at_anchor * math.exp(-max(value - anchor, 0.0) / scale))


def p_value_resolution(n_permutations: int, n_nodes: int) -> str:
    """How the partner p-values were found, and where the empirical part stops.

    >>> print(p_value_resolution(10, 1457))  # doctest: +NORMALIZE_WHITESPACE
    the share of the model's scores on 10 degree-preserving permutations, for the 200 drugs
    of nearest degree (2000 null scores), at least as high (resolution 1/2001 = 0.0005);
    below 10 such scores, an exponential tail fitted to the top 2.5% (Knijnenburg et al. 2009)
    """
    size = n_permutations * min(NULL_NEIGHBOURS, n_nodes)
    return (
        f"the share of the model's scores on {n_permutations} degree-preserving "
        f"permutations, for the {min(NULL_NEIGHBOURS, n_nodes)} drugs of nearest degree "
        f"({size} null scores), at least as high (resolution 1/{size + 1} = "
        f"{1 / (size + 1):.2g}); below {TAIL_EXCEEDANCES} such scores, an exponential tail "
        f"fitted to the top {TAIL_SHARE:.1%} (Knijnenburg et al. 2009)"
    )


def node_degrees(graph: hetmat.HetMat, node_type: str) -> np.ndarray:
    """Number of edges of every node of ``node_type``, over all the graph's metaedges.

    >>> graph = hetmat.HetMat.from_edges([("d", "Drug"), ("g", "Gene"), ("h", "Gene")],
    ...                                  [("d", "inhibits", "g", 1), ("d", "inhibits", "h", 1)])
    >>> node_degrees(graph, "Drug").tolist(), node_degrees(graph, "Gene").tolist()
    ([2.0], [1.0, 1.0])
    """
    degrees = np.zeros(len(graph.node_ids.get(node_type, [])))
    for metaedge, matrix in graph.adjacency.items():
        if metaedge.source_type == node_type:
            degrees += np.asarray((matrix != 0).sum(axis=1)).ravel()
        if metaedge.target_type == node_type:
            degrees += np.asarray((matrix != 0).sum(axis=0)).ravel()
    return degrees


def model_null(
    permuted: Sequence[hetmat.HetMat],
    model: Model,
    adc: str,
    diseases: Sequence[str],
    shape: tuple[int, ...],
) -> dict[str, np.ndarray]:
    """The model's null: mean transformed features and scores on each permuted graph.

    Features whose two coefficients are both zero change no score, so they are not
    computed on the permutations (their mean stays 0).
    """
    scales = model.scale_vector()
    weights = model.weights().reshape(2, len(FEATURES))
    rows = [k for k in range(len(FEATURES)) if weights[:, k].any()]
    used = [FEATURES[k] for k in rows]
    nulls = []
    for graph in permuted:
        full = np.zeros(shape)
        full[rows] = raw_rows(graph, adc, diseases, used)
        nulls.append(full)
    if not nulls:
        return {"mean": np.zeros(shape), "scores": np.zeros((0, shape[1]))}
    mean = np.mean([transform(n, scales) for n in nulls], axis=0)
    scores = np.array([model.probability(adjusted(n, (), scales, mean)) for n in nulls])
    return {"mean": mean, "scores": scores}


def set_aside_partners(scored: GraphData, curated: GraphData) -> frozenset[str]:
    """Drugs not ranked as partners: approved, but for no cancer, and curated nowhere.

    ``combos`` ranks anticancer agents. A drug its release records as approved (highest
    phase ``Approved``) that the graph never shows approved for a cancer (no ``treats``
    edge: the reference layer keeps oncology indications only) reached its cancer trials as
    supportive care (a topical steroid against a treatment rash, an antiemetic, an
    anticoagulant) or as repurposing, not as an anticancer agent. Investigational drugs are
    kept whatever their phase, and so is every drug the curation describes (a P-gp inhibitor
    tested to reverse efflux is a partner by curation).

    >>> from adcgraph.graphdata import GraphData
    >>> types = {"s": "Drug", "a": "Drug", "n": "Drug", "c": "Drug", "t": "Disease"}
    >>> edges = [("s", "studiedToTreat", "t"), ("a", "treats", "t"), ("n", "studiedToTreat", "t"),
    ...          ("c", "studiedToTreat", "t")]
    >>> phases = {"s": "Approved", "a": "Approved", "n": "Phase2", "c": "Approved"}
    >>> scored = GraphData("v", types, edges, highest_phase=phases)
    >>> sorted(set_aside_partners(scored, GraphData("v", {"c": "Drug"})))
    ['s']
    """
    approved_for_cancer = {source for source, predicate, _ in scored.edges if predicate == "treats"}
    return frozenset(
        drug
        for drug, phase in scored.highest_phase.items()
        if phase == "Approved"
        and scored.node_types.get(drug) == "Drug"
        and drug not in approved_for_cancer
        and curated.node_types.get(drug) != "Drug"
    )


def set_aside_drugs(store_path: Path | str, curated: GraphData) -> frozenset[str]:
    """:func:`set_aside_partners` of the store, cached per store version (small).

    >>> aside = set_aside_drugs(default_store_path(), curated)  # doctest: +SKIP
    >>> vocab.expand("DRUGBANK:DB01047") in aside  # fluocinonide  # doctest: +SKIP
    True
    """

    def find() -> frozenset[str]:
        scored = read_graph_data(store_path, scope="all", predicates=scored_predicates())
        return set_aside_partners(scored, curated)

    if is_endpoint(store_path):
        return find()
    version = curated.version.split(":")[-1]
    cache = cache_directory(Path(store_path), version) / "set-aside-partners.pickle"
    return cached_pickle(cache, find)


#: Why the set-aside drugs are not ranked (printed with their number and the best of them).
SET_ASIDE_REASON = (
    "approved drugs never approved for a cancer and not curated (supportive care or "
    "repurposing, not anticancer agents) were set aside"
)


def curated_partners(data: GraphData, adc: str) -> set[str]:
    """Drugs a curated strategy combines with ``adc``: known combinations, shown first."""
    uses: dict[str, set[str]] = {}
    for strategy, predicate, target in data.edges:
        if predicate in ("usesAdc", "usesDrug"):
            uses.setdefault(strategy, set()).add(target)
    return {node for used in uses.values() if adc in used for node in used} - {adc}


def cross_resistance(
    store_path: Path,
    adc: str,
    *,
    top: int = 10,
    n_permutations: int | None = None,
    explain_paths: bool = True,
    disease: str | None = None,
    evidence_filter: EvidenceFilter = NO_FILTER,
) -> Ranking:
    """Rank other ADCs by vulnerabilities shared with ``adc`` (payload, target, mechanisms),
    with the evidence of ``disease`` (rolled up along its hierarchy) when one is given, on
    the claims ``evidence_filter`` keeps."""
    scorer = make_scorer(
        store_path, disease, n_permutations=n_permutations, evidence_filter=evidence_filter
    )
    structural = [m for m in CROSS_RESISTANCE_METAPATHS if "Mechanism" not in m.path]
    found = {c.iri: c for c in rank(scorer, adc, structural, "ADC")}
    for other in sorted(n for n, t in scorer.data.node_types.items() if t == "ADC" and n != adc):
        shared = shared_mechanisms(scorer.data, adc, other)
        if not shared:
            continue
        candidate = found.get(other) or Candidate(
            vocab.compress(other), other, scorer.data.label(other), "ADC", 0.0, 0.0, 1.0, {}
        )
        candidate.metapath_scores["shared-mechanism"] = SHARED_MECHANISM_WEIGHT * len(shared)
        candidate.score += SHARED_MECHANISM_WEIGHT * len(shared)
        candidate.adjusted_score += SHARED_MECHANISM_WEIGHT * len(shared)
        candidate.notes.append(
            "shared mechanisms: " + ", ".join(sorted(scorer.data.label(m) for m in shared))
        )
        candidate.citations = sorted(
            set(candidate.citations)
            | {
                c
                for (m, p, _), evidence in scorer.data.evidence.items()
                if m in shared and p == "confersResistanceTo"
                for e in evidence
                for c in e.citations
            }
        )
        found[other] = candidate
    for candidate in found.values():
        _weigh_contrary_evidence(scorer.data, adc, candidate)
    candidates = sorted(found.values(), key=lambda c: (-c.score, -c.adjusted_score, c.id))[:top]
    ranking = Ranking(
        {"adc": vocab.compress(adc), "filter": evidence_filter.describe()},
        candidates,
        scorer.n_permutations,
    )
    attach_trials(candidates, adc, scorer.data, disease)
    if disease:
        ranking.query["disease"] = vocab.compress(disease)
        ranking.query.update(
            _scope_fields(rollup.adc_scope(store_path, scorer.data, adc, disease, scorer.hierarchy))
        )
    if explain_paths:
        ranking.truncated = explain(
            candidates,
            adc,
            CROSS_RESISTANCE_METAPATHS + SWITCH_METAPATHS,
            explanation_graph(store_path, evidence_filter),
        )
    return ranking


#: Score of each resistance mechanism two ADCs share (counted as `cross-resistance-candidates`
#: counts them).
SHARED_MECHANISM_WEIGHT = 0.05
#: How much clinical activity after progression on the first ADC takes off the shared score.
CONTRARY_FACTOR = 0.75
SWITCH_CLASSES = frozenset({"PayloadSwitchStrategy", "SequencingStrategy"})


def payload_classes(data: GraphData, adc: str) -> set[str]:
    """The ADC's payload classes at every level (payload -> class -> broader classes)."""
    payloads = {t for s, p, t in data.edges if s == adc and p == "hasPayload"}
    found = {t for s, p, t in data.edges if s in payloads and p == "inPayloadClass"}
    found |= {t for s, p, t in data.edges if s == adc and p == "hasPayloadClass"}
    frontier = list(found)
    while frontier:
        node = frontier.pop()
        for s, p, t in data.edges:
            if s == node and p == "broaderPayloadClass" and t not in found:
                found.add(t)
                frontier.append(t)
    return found


def shared_mechanisms(data: GraphData, adc: str, other: str) -> set[str]:
    """Mechanisms claimed (supporting) for both ADCs or their classes, the query's rule.

    As in the named query `cross-resistance-candidates`: a claim on a payload class counts
    for every ADC of that class, but not when both ADCs carry that class (the shared payload
    class already says so); claims that found no association assert no edge and never count.
    """
    mine, theirs = payload_classes(data, adc), payload_classes(data, other)
    mine_sides, their_sides = {adc} | (mine - theirs), {other} | (theirs - mine)
    resisting: dict[str, set[str]] = {}
    for mechanism, predicate, target in data.edges:
        if predicate == "confersResistanceTo":
            resisting.setdefault(mechanism, set()).add(target)
    return {m for m, targets in resisting.items() if targets & mine_sides and targets & their_sides}


def _weigh_contrary_evidence(data: GraphData, adc: str, candidate: Candidate) -> None:
    """Lower the shared-weakness score by curated clinical activity after the first ADC."""
    uses: dict[str, set[str]] = {}
    for strategy, predicate, target in data.edges:
        if predicate == "usesAdc":
            uses.setdefault(strategy, set()).add(target)
    best, cited = 0.0, []
    for strategy, adcs in sorted(uses.items()):
        if not {adc, candidate.iri} <= adcs or data.classes.get(strategy) not in SWITCH_CLASSES:
            continue
        evidence = data.evidence.get((strategy, "usesAdc", candidate.iri), [])
        clinical = [e for e in evidence if e.evidence_type in ("Clinical", "Regulatory")]
        if not clinical:
            continue
        best = max(best, evidence_weight(clinical, None))
        trials = sorted({t for e in clinical for t in e.trials})
        cited.append(f"{data.label(strategy)} ({', '.join(trials) or 'no trial id'})")
    if best == 0:
        return
    shared = candidate.score
    candidate.score = shared * (1 - CONTRARY_FACTOR * best)
    candidate.adjusted_score = candidate.adjusted_score * (1 - CONTRARY_FACTOR * best)
    candidate.metapath_scores["contrary-switch-evidence"] = candidate.score - shared
    candidate.notes.append(
        f"activity after progression on the first ADC lowers the shared-weakness score "
        f"{shared:.3f} to {candidate.score:.3f}: " + "; ".join(cited)
    )


def _scope_fields(scope: rollup.EvidenceScope) -> dict[str, str]:
    return {"evidence_disease": scope.used or "", "evidence_note": scope.note}


def _fill_labels(location: Path, candidates: list[Candidate]) -> None:
    """Labels of candidates from imported graphs, which the curated records do not hold."""
    unlabelled = [c for c in candidates if c.label == c.id]
    if not unlabelled:
        return
    data = GraphData("")
    found = _labels(location, data, [c.iri for c in unlabelled])
    for candidate in unlabelled:
        candidate.label = found[candidate.iri]


def _labels(location: Path | str, data: GraphData, nodes: Sequence[str]) -> dict[str, str]:
    """Each node's curated label, else its label in the store, else its CURIE."""
    from adcgraph.storage.store import open_backend

    found = {}
    backend = None
    for node in nodes:
        if node in data.labels:
            found[node] = data.labels[node]
            continue
        backend = backend or open_backend(location)
        rows = list(
            backend.query(
                "SELECT ?node ?label WHERE { ?node rdfs:label ?label } LIMIT 1",
                {"node": ox.NamedNode(node)},
            )
        )
        found[node] = rows[0]["label"].value if rows else vocab.compress(node)
    return found


def _payload_classes_of(data: GraphData, adc: str) -> set[str]:
    return {t for s, p, t in data.edges if s == adc and p == "hasPayloadClass"}
