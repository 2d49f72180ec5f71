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
import json
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyoxigraph as ox
import scipy.sparse as sp

from adcgraph import hetmat, rollup, vocab
from adcgraph.errors import QueryError
from adcgraph.graphdata import Evidence, GraphData, cache_directory, read_graph_data
from adcgraph.results import counted
from adcgraph.store import is_endpoint

if TYPE_CHECKING:
    import networkx as nx

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
DAMPING = 0.4
#: Above this many edges, fewer and shorter permutations keep the first run bounded.
LARGE_GRAPH_EDGES = 500_000
#: Threads for sparse products and cache reads (scipy and numpy release the GIL there).
WORKERS = min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class NamedMetapath:
    """A metapath used for scoring, with the weight of its contribution and a reading."""

    name: str
    path: str
    weight: float
    reading: str


PARTNER_METAPATHS: tuple[NamedMetapath, ...] = (
    NamedMetapath(
        "mechanism-gene-inhibitor",
        "ADC<confersResistanceTo-Mechanism-involvesGene>Gene<inhibits-Drug",
        1.0,
        "resisted through a mechanism involving a gene the drug inhibits",
    ),
    NamedMetapath(
        "class-mechanism-gene-inhibitor",
        "ADC-hasPayloadClass>PayloadClass<confersResistanceTo-Mechanism"
        "-involvesGene>Gene<inhibits-Drug",
        1.0,
        "its payload class is resisted through a gene the drug inhibits",
    ),
    NamedMetapath(
        "mechanism-strategy-drug",
        "ADC<confersResistanceTo-Mechanism<addresses-Strategy-usesDrug>Drug",
        1.0,
        "a strategy using the drug addresses one of its resistance mechanisms",
    ),
    NamedMetapath(
        "class-mechanism-strategy-drug",
        "ADC-hasPayloadClass>PayloadClass<confersResistanceTo-Mechanism"
        "<addresses-Strategy-usesDrug>Drug",
        1.0,
        "a strategy using the drug addresses a resistance of its payload class",
    ),
    NamedMetapath(
        "strategy-partner",
        "ADC<usesAdc-Strategy-usesDrug>Drug",
        1.0,
        "a curated strategy combines the ADC with the drug",
    ),
    NamedMetapath(
        "similar-to-partner",
        "ADC<usesAdc-Strategy-usesDrug>Drug-inhibits>Gene<inhibits-Drug",
        0.5,
        "inhibits the same gene as a drug already combined with the ADC",
    ),
    NamedMetapath(
        "target-inhibitor",
        "ADC-hasTarget>Gene<inhibits-Drug",
        0.5,
        "the drug inhibits the ADC's target antigen",
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
    """A ranking (best first) with the query that produced it and any cut-short notice."""

    query: dict[str, str]
    candidates: list[Candidate]
    permutations: int
    truncated: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "query": self.query,
            "permutations": self.permutations,
            "truncated": self.truncated,
            "candidates": [c.as_dict() for c in self.candidates],
        }


@dataclass
class Scorer:
    """Evidence-weighted matrices of one store (and disease), with cached permutations."""

    data: GraphData
    graph: hetmat.HetMat
    permuted: list[hetmat.HetMat]
    projection: nx.MultiDiGraph | None  # type: ignore[name-defined]

    def scores(
        self, source: str, metapaths: Sequence[NamedMetapath], target_type: str
    ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Observed totals, permuted totals (n_perm x n_targets), per-metapath observed."""
        available = [m for m in metapaths if _metapath_available(self.graph, m.path)]

        def weighted_rows(graph: hetmat.HetMat) -> list[np.ndarray]:
            # Metapaths that revisit ADC more than 3 steps apart count a few walks through
            # the source itself; the source is never a candidate, so rankings are unaffected.
            return [_dwpc(graph, m.path, source) * m.weight for m in available]

        # scipy's sparse products release the GIL: one graph per thread uses both cores.
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            per_graph = list(pool.map(weighted_rows, [self.graph, *self.permuted]))
        n_targets = len(self.graph.node_ids.get(target_type, []))
        observed = np.sum(per_graph[0], axis=0) if available else np.zeros(n_targets)
        null = np.array(
            [np.sum(rows, axis=0) if available else np.zeros(n_targets) for rows in per_graph[1:]]
        ).reshape(len(self.permuted), n_targets)
        parts = {m.name: row for m, row in zip(available, per_graph[0], strict=True)}
        return observed, null, parts


def _dwpc(graph: hetmat.HetMat, path: str, source: str) -> np.ndarray:
    return hetmat.dwpc_row(graph, path, source, DAMPING, allow_approximation=True)


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
        weight = EVIDENCE_WEIGHTS.get(item.evidence_type, 0.4)
        if item.status != "Verified":
            weight *= UNVERIFIED_FACTOR
        if isinstance(lineage, Mapping) and item.disease:
            weight *= lineage.get(item.disease, OTHER_DISEASE_FACTOR)  # roll-up weights
        elif lineage is not None and item.disease and item.disease not in lineage:
            weight *= OTHER_DISEASE_FACTOR
        best = max(best, weight)
    return best


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


def make_scorer(
    store_path: Path,
    disease: str | None,
    *,
    n_permutations: int | None = None,
    hidden: set[tuple[str, str, str]] = frozenset(),  # type: ignore[assignment]
    data: GraphData | None = None,
    seed: int = 0,
) -> Scorer:
    """Build (or load from the per-version cache) the weighted matrices and permutations.

    The matrices cover every graph of the store (imports included); the claim records kept
    on the scorer cover the curated graph only. Only the metaedges the scoring metapaths
    read are permuted, and only those are cached per permutation.
    """
    curated = data or read_graph_data(store_path)
    cache = None
    if not hidden and not is_endpoint(store_path):
        key = f"{curated.version}|{disease}|{n_permutations}|{seed}"
        cache = (
            cache_directory(store_path, curated.version.split(":")[-1])
            / "hetmat"
            / (vocab.compress(disease).replace(":", "_") if disease else "any")
        )
        loaded = _load_cached(cache, key, n_permutations)
        if loaded is not None:
            return Scorer(curated, loaded[0], loaded[1], None)
    full = data or read_graph_data(store_path, scope="all", predicates=scored_predicates())
    lineage = rollup.scoring_weights(store_path, curated, disease) if disease else None
    edges = weighted_edges(full, lineage, hidden)
    graph = hetmat.HetMat.from_edges(full.node_types.items(), edges)
    chosen = _scored_metaedges(graph)
    large = len(edges) >= LARGE_GRAPH_EDGES
    multiplier = 3 if large else 10
    if n_permutations is None:
        n_permutations = 5 if large else 10
    permuted = hetmat.permutations(
        graph, n_permutations, seed=seed, n_swaps_multiplier=multiplier, metaedges=chosen
    )
    if cache is not None:
        with contextlib.suppress(OSError):  # no room or read-only: no cache, same result
            _save_cached(cache, key, graph, permuted, chosen)
    return Scorer(curated, graph, permuted, None)


def scored_predicates() -> frozenset[str]:
    """Predicates of every scoring metapath: the only edges the matrices need.

    >>> "inhibits" in scored_predicates(), "interactsWith" in scored_predicates()
    (True, False)
    """
    return frozenset(
        step.predicate
        for named in PARTNER_METAPATHS + SWITCH_METAPATHS + CROSS_RESISTANCE_METAPATHS
        for step in hetmat.parse_metapath(named.path).steps
    )


def _scored_metaedges(graph: hetmat.HetMat) -> set[hetmat.Metaedge]:
    chosen: set[hetmat.Metaedge] = set()
    for named in PARTNER_METAPATHS + SWITCH_METAPATHS + CROSS_RESISTANCE_METAPATHS:
        if _metapath_available(graph, named.path):
            chosen |= hetmat.metaedges_of(graph, named.path)
    return chosen


def _load_cached(
    directory: Path, key: str, n_permutations: int | None
) -> tuple[hetmat.HetMat, list[hetmat.HetMat]] | None:
    graph = hetmat.load(directory / "observed", key)
    index_file = directory / "permutations.json"
    if graph is None or not index_file.exists():
        return None
    index = json.loads(index_file.read_text(encoding="utf-8"))
    if index["key"] != key or (n_permutations is not None and index["count"] != n_permutations):
        return None
    metaedges = [hetmat.Metaedge(*m) for m in index["metaedges"]]

    def load_permutation(number: int) -> hetmat.HetMat:
        with np.load(directory / f"permuted-{number}.npz") as arrays:
            changed = {
                metaedge: sp.csr_matrix(
                    (arrays[f"{i}_data"], arrays[f"{i}_indices"], arrays[f"{i}_indptr"]),
                    shape=tuple(arrays[f"{i}_shape"]),
                )
                for i, metaedge in enumerate(metaedges)
            }
        return graph.with_adjacency({**graph.adjacency, **changed})

    # Read in this thread, one file after another: np.load parses each array header with
    # ast.literal_eval, and CPython 3.11 keeps the AST constructor's recursion counter per
    # interpreter, so two threads parsing at once can fail with "AST constructor recursion
    # depth mismatch" (CPython gh-106905).
    permuted = [load_permutation(number) for number in range(index["count"])]
    return graph, permuted


def _save_cached(
    directory: Path,
    key: str,
    graph: hetmat.HetMat,
    permuted: list[hetmat.HetMat],
    chosen: set[hetmat.Metaedge],
) -> None:
    # One uncompressed file per permutation holding only the rewired matrices: a warm
    # command opens a handful of files instead of one per matrix.
    directory.mkdir(parents=True, exist_ok=True)
    metaedges = sorted(chosen)
    for number, permuted_graph in enumerate(permuted):
        arrays = {}
        for i, metaedge in enumerate(metaedges):
            matrix = permuted_graph.adjacency[metaedge].tocsr()
            arrays.update(
                {
                    f"{i}_data": matrix.data,
                    f"{i}_indices": matrix.indices,
                    f"{i}_indptr": matrix.indptr,
                    f"{i}_shape": np.array(matrix.shape),
                }
            )
        np.savez(directory / f"permuted-{number}.npz", **arrays)
    # Only the metaedges the scoring metapaths read: the rest (e.g. gene-gene interactions of
    # an imported hetnet) would only slow down every warm load.
    scored = graph.with_adjacency({m: a for m, a in graph.adjacency.items() if m in chosen})
    hetmat.save(scored, directory / "observed", key)
    index = {"key": key, "count": len(permuted), "metaedges": [list(m) for m in metaedges]}
    partial = directory / "permutations.json.partial"
    partial.write_text(json.dumps(index), encoding="utf-8")
    partial.replace(directory / "permutations.json")


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
    n = max(len(scorer.permuted), 1)
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
    projection: nx.MultiDiGraph,  # type: ignore[name-defined]
    *,
    paths_per_candidate: int = 5,
    time_limit_s: float = 5.0,
) -> list[str]:
    """Attach cited paths to each candidate (bounded); return notices of cut-short searches."""
    from adcgraph.paths import metapath_paths

    deadline = time.monotonic() + time_limit_s
    notices = []
    by_name = {m.name: m for m in metapaths}
    for candidate in candidates:
        found = []
        for name in candidate.metapath_scores:
            metapath = hetmat.parse_metapath(by_name[name].path)
            if source not in projection or candidate.iri not in projection:
                continue
            search = metapath_paths(
                projection,
                source,
                candidate.iri,
                metapath,
                limit=paths_per_candidate,
                deadline=deadline,
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
        candidate.citations = sorted({c for _, path in found for c in path.citations})
        if time.monotonic() > deadline:
            notices.append(f"explanations stopped after {time_limit_s:g} s")
            break
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
) -> Ranking:
    """Rank partner drugs and next ADCs for ``adc`` (IRI) failing in ``disease`` (IRI).

    >>> ranking = combos(default_store_path(), SG, TNBC)  # doctest: +SKIP
    >>> ranking.candidates[0].label  # doctest: +SKIP
    'talazoparib'
    """
    scorer = make_scorer(store_path, disease, n_permutations=n_permutations)
    drugs = rank(scorer, adc, PARTNER_METAPATHS, "Drug")
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
    candidates = sorted(drugs + adcs, key=lambda c: (-c.score, -c.adjusted_score, c.id))[:top]
    ranking = Ranking(
        {"adc": vocab.compress(adc), "disease": vocab.compress(disease)},
        candidates,
        len(scorer.permuted),
    )
    ranking.query.update(_scope_fields(rollup.adc_scope(store_path, scorer.data, adc, disease)))
    attach_trials(candidates, adc, scorer.data, disease)
    _fill_labels(store_path, candidates)
    if explain_paths:
        from adcgraph.paths import load_projection

        ranking.truncated = explain(
            candidates, adc, PARTNER_METAPATHS + SWITCH_METAPATHS, load_projection(store_path)
        )
    return ranking


def cross_resistance(
    store_path: Path,
    adc: str,
    *,
    top: int = 10,
    n_permutations: int | None = None,
    explain_paths: bool = True,
    disease: str | None = None,
) -> Ranking:
    """Rank other ADCs by vulnerabilities shared with ``adc`` (payload, target, mechanisms),
    with the evidence of ``disease`` (rolled up along its hierarchy) when one is given."""
    scorer = make_scorer(store_path, disease, n_permutations=n_permutations)
    candidates = rank(scorer, adc, CROSS_RESISTANCE_METAPATHS, "ADC")[:top]
    ranking = Ranking({"adc": vocab.compress(adc)}, candidates, len(scorer.permuted))
    attach_trials(candidates, adc, scorer.data, disease)
    if disease:
        ranking.query["disease"] = vocab.compress(disease)
        ranking.query.update(_scope_fields(rollup.adc_scope(store_path, scorer.data, adc, disease)))
    if explain_paths:
        from adcgraph.paths import load_projection

        ranking.truncated = explain(
            candidates, adc, CROSS_RESISTANCE_METAPATHS, load_projection(store_path)
        )
    return ranking


def _scope_fields(scope: rollup.EvidenceScope) -> dict[str, str]:
    return {"evidence_disease": scope.used or "", "evidence_note": scope.note}


def _fill_labels(location: Path, candidates: list[Candidate]) -> None:
    """Labels of candidates from imported graphs, which the curated records do not hold."""
    from adcgraph.store import open_backend

    unlabelled = [c for c in candidates if c.label == c.id]
    if not unlabelled:
        return
    backend = open_backend(location)
    for candidate in unlabelled:
        rows = list(
            backend.query(
                "SELECT ?node ?label WHERE { ?node rdfs:label ?label } LIMIT 1",
                {"node": ox.NamedNode(candidate.iri)},
            )
        )
        if rows:
            candidate.label = rows[0]["label"].value


def _payload_classes_of(data: GraphData, adc: str) -> set[str]:
    return {t for s, p, t in data.edges if s == adc and p == "hasPayloadClass"}
