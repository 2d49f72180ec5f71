"""Sparse-matrix path maths on a typed graph: path counts, DWPC and permutations.

A :class:`HetMat` holds one scipy CSR adjacency matrix per *metaedge*
``(source_type, predicate, target_type)``; rows index the source type's nodes and columns
the target type's nodes, and values are edge weights (evidence strength, 1.0 by default).
Every metapath computation is a chain of sparse products, the approach of hetmatpy
(Himmelstein et al. 2017, "Systematic integration of biomedical knowledge prioritizes
drugs for repurposing", https://doi.org/10.7554/eLife.26726), so a 2M-edge graph takes
seconds, not the hour a per-source traversal takes.

Metapath string syntax
----------------------
Node types alternate with steps; a step names a predicate and its direction::

    ADC<confers_resistance_to-Mechanism-involves_gene>Gene<inhibits-Drug

* ``A-pred>B``  follows ``A -pred-> B`` edges (forward),
* ``A<pred-B``  follows ``B -pred-> A`` edges against their direction (the transpose),
* ``A-pred-B``  follows either direction (undirected use, e.g. ``Gene-interacts_with-Gene``).

Type and predicate names are letters, digits and underscores (camelCase is fine).

Definitions
-----------
* A *path* visits distinct nodes; a *walk* may revisit. Self-loops are dropped when the
  HetMat is built, because no path can use one.
* Degrees are counted per step matrix as numbers of edges (stored entries), ignoring
  weights; hetmatpy instead degree-weights with the sums of the matrix values. The project
  uses edge counts because its weights are evidence strengths, not capacities: a hub is a
  node with many documented relations however strong each one is, so a weak edge should
  scale its own paths' contribution (linearly, ``w_e``) without making its endpoints look
  less connected and so boosting their other paths. With sums, multiplying every weight by
  one factor leaves a one-step DWPC unchanged at damping 0.5. With all weights 1.0 the two
  definitions agree and the values equal hetmatpy's (checked in ``bench/hetmatpy_side.py``;
  a weighted toy graph with hand-computed values is in ``tests/test_hetmat.py``).
* ``DWPC(s, t) = sum over paths s..t of  prod over edges e=(u,v) of
  w_e * deg_out(u)^-damping * deg_in(v)^-damping``.
* Repeated node types: for metapaths of length <= 3 the duplicate-node walks are removed
  exactly by inclusion-exclusion over which same-type positions coincide. Longer metapaths
  are cut into segments of length <= 3 so that every pair of same-type positions lies in
  one segment when possible, which is then exact; when no cut does, walks that revisit a
  node across segments are still counted and :func:`dwpc` refuses unless
  ``allow_approximation=True`` (see :func:`is_exact`).
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import os
import re
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np
import scipy.sparse as sp

from adcgraph.errors import AdcGraphError, QueryError

Direction = Literal["forward", "backward", "both"]

CACHE_FORMAT_VERSION = 1
CACHE_INDEX_FILE = "hetmat-index.json"
MAX_EXACT_SEGMENT_LENGTH = 3


class HetMatError(AdcGraphError):
    """The nodes, edges or cache given to build a HetMat are inconsistent."""


class MetapathError(QueryError):
    """A metapath is malformed or names a node type or predicate the graph lacks."""


class Metaedge(NamedTuple):
    """A directed edge type, e.g. ``Metaedge("Drug", "inhibits", "Gene")``."""

    source_type: str
    predicate: str
    target_type: str


class Step(NamedTuple):
    """One metapath step from ``source_type`` to ``target_type`` over ``predicate``.

    ``direction`` says how stored edges are followed: ``forward`` (source -> target as
    stored), ``backward`` (stored target -> source) or ``both``.

    >>> Step("Gene", "inhibits", "Drug", "backward").metaedge
    Metaedge(source_type='Drug', predicate='inhibits', target_type='Gene')
    """

    source_type: str
    predicate: str
    target_type: str
    direction: Direction

    @property
    def metaedge(self) -> Metaedge:
        """The stored metaedge a forward or backward step reads."""
        if self.direction == "backward":
            return Metaedge(self.target_type, self.predicate, self.source_type)
        return Metaedge(self.source_type, self.predicate, self.target_type)


@dataclass(frozen=True)
class Metapath:
    """A sequence of steps whose types chain: each step starts where the previous ended.

    >>> str(parse_metapath("Drug-inhibits>Gene"))
    'Drug-inhibits>Gene'
    """

    steps: tuple[Step, ...]

    def __post_init__(self) -> None:
        if not self.steps:
            raise MetapathError("a metapath needs at least one step")
        for before, after in itertools.pairwise(self.steps):
            if before.target_type != after.source_type:
                raise MetapathError(
                    f"metapath steps do not chain: {before.target_type!r} "
                    f"then {after.source_type!r}"
                )

    @property
    def source_type(self) -> str:
        """Type of the first node."""
        return self.steps[0].source_type

    @property
    def target_type(self) -> str:
        """Type of the last node."""
        return self.steps[-1].target_type

    @property
    def node_types(self) -> tuple[str, ...]:
        """Types of the ``len(steps) + 1`` node positions, in order."""
        return (self.source_type, *(step.target_type for step in self.steps))

    def __len__(self) -> int:
        return len(self.steps)

    def __str__(self) -> str:
        text = self.source_type
        for step in self.steps:
            if step.direction == "forward":
                text += f"-{step.predicate}>{step.target_type}"
            elif step.direction == "backward":
                text += f"<{step.predicate}-{step.target_type}"
            else:
                text += f"-{step.predicate}-{step.target_type}"
        return text


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_STEP_PATTERN = re.compile(
    rf"(?:-(?P<forward>{_NAME})>|<(?P<backward>{_NAME})-|-(?P<both>{_NAME})-)(?P<type>{_NAME})"
)
_FIRST_TYPE_PATTERN = re.compile(_NAME)


def parse_metapath(text: str) -> Metapath:
    """Parse the readable metapath form (see the module docstring).

    >>> path = parse_metapath("ADC<confers_resistance_to-Mechanism-involves_gene>Gene")
    >>> [step.direction for step in path.steps]
    ['backward', 'forward']
    """
    source = _FIRST_TYPE_PATTERN.match(text)
    if source is None:
        raise MetapathError(f"metapath {text!r} must start with a node type name")
    position = source.end()
    steps: list[Step] = []
    current_type = source.group()
    while position < len(text):
        match = _STEP_PATTERN.match(text, position)
        if match is None:
            raise MetapathError(
                f"metapath {text!r}: cannot read a step at character {position} "
                f"({text[position:]!r}); expected -predicate>Type, <predicate-Type "
                "or -predicate-Type"
            )
        direction: Direction
        if match.group("forward"):
            direction, predicate = "forward", match.group("forward")
        elif match.group("backward"):
            direction, predicate = "backward", match.group("backward")
        else:
            direction, predicate = "both", match.group("both")
        steps.append(Step(current_type, predicate, match.group("type"), direction))
        current_type = match.group("type")
        position = match.end()
    if not steps:
        raise MetapathError(f"metapath {text!r} has no step")
    return Metapath(tuple(steps))


def _as_metapath(metapath: Metapath | str) -> Metapath:
    return parse_metapath(metapath) if isinstance(metapath, str) else metapath


@dataclass
class HetMat:
    """Typed nodes and one weighted CSR adjacency matrix per metaedge.

    Build it with :meth:`from_edges`; ``node_ids[type][i]`` is the node of row/column ``i``.

    >>> graph = HetMat.from_edges([("d1", "Drug"), ("g1", "Gene")], [("d1", "inhibits", "g1", 1.0)])
    >>> graph.adjacency[Metaedge("Drug", "inhibits", "Gene")].toarray()
    array([[1.]])
    """

    node_ids: dict[str, list[str]]
    adjacency: dict[Metaedge, sp.csr_matrix]
    node_index: dict[str, dict[str, int]] = field(init=False, repr=False)
    # Degree-weighted step matrices, so repeated one-source queries skip the O(edges) work.
    # A HetMat is treated as immutable once built: do not edit ``adjacency`` in place.
    _weighted_steps: dict[tuple[Step, float, bool], sp.csr_matrix] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _steps: dict[Step, sp.csr_matrix] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        self.node_index = {
            node_type: {node_id: i for i, node_id in enumerate(ids)}
            for node_type, ids in self.node_ids.items()
        }

    @classmethod
    def from_edges(
        cls,
        nodes: Iterable[tuple[str, str]],
        edges: Iterable[tuple[str, str, str, float]],
    ) -> HetMat:
        """Build from ``(node_id, node_type)`` and ``(source_id, predicate, target_id, weight)``.

        Node order follows first appearance. A repeated edge keeps its largest weight;
        self-loops are dropped (no path can use one).

        >>> HetMat.from_edges([("a", "Gene"), ("b", "Gene")], [("a", "interacts", "b", 0.5)])
        HetMat(node_ids={'Gene': ['a', 'b']}, adjacency={...})
        """
        node_ids: dict[str, list[str]] = {}
        type_and_index: dict[str, tuple[str, int]] = {}
        for node_id, node_type in nodes:
            known = type_and_index.get(node_id)
            if known is not None:
                if known[0] != node_type:
                    raise HetMatError(
                        f"node {node_id!r} has two types: {known[0]!r} and {node_type!r}"
                    )
                continue
            ids = node_ids.setdefault(node_type, [])
            type_and_index[node_id] = (node_type, len(ids))
            ids.append(node_id)

        # Typed arrays, not lists of ints: 24 bytes per edge instead of about 100.
        buckets: dict[tuple[str, str, str], tuple[array, array, array]] = {}
        find_node = type_and_index.get
        for source_id, predicate, target_id, weight in edges:
            source = find_node(source_id)
            target = find_node(target_id)
            if source is None or target is None:
                missing = source_id if source is None else target_id
                raise HetMatError(
                    f"edge ({source_id!r}, {predicate!r}, {target_id!r}) uses node "
                    f"{missing!r}, which is not in the node list"
                )
            key = (source[0], predicate, target[0])
            bucket = buckets.get(key)
            if bucket is None:
                bucket = buckets[key] = (array("q"), array("q"), array("d"))
            bucket[0].append(source[1])
            bucket[1].append(target[1])
            bucket[2].append(weight)

        adjacency = {
            Metaedge(*key): _edge_lists_to_csr(
                np.asarray(rows, dtype=np.int64),
                np.asarray(cols, dtype=np.int64),
                np.asarray(weights, dtype=np.float64),
                shape=(len(node_ids[key[0]]), len(node_ids[key[2]])),
                drop_diagonal=key[0] == key[2],
            )
            for key, (rows, cols, weights) in buckets.items()
        }
        return cls(node_ids=node_ids, adjacency=adjacency)

    def __repr__(self) -> str:
        return f"HetMat(node_ids={self.node_ids!r}, adjacency={{...}})"

    def with_adjacency(self, adjacency: dict[Metaedge, sp.csr_matrix]) -> HetMat:
        """A HetMat with the same nodes (index shared, not rebuilt) and other matrices.

        >>> graph = HetMat.from_edges([("g", "Gene")], [])
        >>> graph.with_adjacency({}).node_index is graph.node_index
        True
        """
        other = copy.copy(self)
        other.adjacency = adjacency
        other._weighted_steps = {}
        other._steps = {}
        return other

    def node_count(self) -> int:
        """Number of nodes over all types."""
        return sum(len(ids) for ids in self.node_ids.values())

    def edge_count(self) -> int:
        """Number of stored edges over all metaedges."""
        return sum(matrix.nnz for matrix in self.adjacency.values())

    def index_of(self, node_type: str, node_id: str) -> int:
        """Row/column index of a node, with a clear error when absent.

        >>> HetMat.from_edges([("g1", "Gene")], []).index_of("Gene", "g1")
        0
        """
        try:
            return self.node_index[node_type][node_id]
        except KeyError:
            raise MetapathError(f"no {node_type} node {node_id!r} in the graph") from None

    def step_matrix(self, step: Step) -> sp.csr_matrix:
        """Adjacency matrix of one step, rows = step source nodes, columns = target nodes.

        >>> graph = HetMat.from_edges([("d", "Drug"), ("g", "Gene")], [("d", "inhibits", "g", 1)])
        >>> graph.step_matrix(Step("Gene", "inhibits", "Drug", "backward")).shape
        (1, 1)
        """
        if step not in self._steps:
            self._steps[step] = self._build_step_matrix(step)
        return self._steps[step]

    def _build_step_matrix(self, step: Step) -> sp.csr_matrix:
        self._check_type(step.source_type)
        self._check_type(step.target_type)
        forward = self.adjacency.get(Metaedge(step.source_type, step.predicate, step.target_type))
        backward = self.adjacency.get(Metaedge(step.target_type, step.predicate, step.source_type))
        if step.direction == "forward" and forward is not None:
            return forward
        if step.direction == "backward" and backward is not None:
            return backward.T.tocsr()
        if step.direction == "both" and (forward is not None or backward is not None):
            # For a same-type metaedge both lookups find the same matrix: A max Aᵀ.
            stored = [
                m for m in (forward, None if backward is None else backward.T) if m is not None
            ]
            union = stored[0] if len(stored) == 1 else stored[0].maximum(stored[1])
            return union.tocsr()
        raise MetapathError(
            f"no {step.predicate!r} edges for step {step.source_type}->{step.target_type} "
            f"({step.direction}); metaedges between these types: "
            f"{self._metaedges_between(step.source_type, step.target_type) or 'none'}"
        )

    def weighted_step_matrix(self, step: Step, damping: float, weighted: bool) -> sp.csr_matrix:
        """Degree-weighted step matrix (weights kept or set to 1), cached on this HetMat.

        >>> graph = HetMat.from_edges([("d", "Drug"), ("g", "Gene")], [("d", "inhibits", "g", 2)])
        >>> graph.weighted_step_matrix(Step("Drug", "inhibits", "Gene", "forward"), 0.5, False).data
        array([1.])
        """
        key = (step, float(damping), weighted)
        if key not in self._weighted_steps:
            matrix = self.step_matrix(step)
            if not weighted:
                matrix = matrix.copy()
                matrix.data = np.ones_like(matrix.data)
            self._weighted_steps[key] = degree_weight(matrix, damping)
        return self._weighted_steps[key]

    def _check_type(self, node_type: str) -> None:
        if node_type not in self.node_ids:
            raise MetapathError(
                f"unknown node type {node_type!r}; known types: {sorted(self.node_ids)}"
            )

    def _metaedges_between(self, first_type: str, second_type: str) -> list[str]:
        return sorted(
            f"{m.source_type}-{m.predicate}>{m.target_type}"
            for m in self.adjacency
            if {m.source_type, m.target_type} == {first_type, second_type}
        )


def _edge_lists_to_csr(
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    shape: tuple[int, int],
    drop_diagonal: bool,
) -> sp.csr_matrix:
    """CSR matrix from coordinate lists, keeping the largest weight of a repeated edge."""
    if drop_diagonal:
        off_diagonal = rows != cols
        rows, cols, weights = rows[off_diagonal], cols[off_diagonal], weights[off_diagonal]
    keys = rows * shape[1] + cols
    # Sort by key, heaviest first, so the first of each run of equal keys is the max weight.
    order = np.lexsort((-weights, keys))
    unique_keys, first = np.unique(keys[order], return_index=True)
    kept = order[first]
    matrix = sp.csr_matrix(
        (weights[kept], (unique_keys // shape[1], unique_keys % shape[1])), shape=shape
    )
    matrix.sort_indices()
    return matrix


# --- degree weighting and exact path products ---------------------------------------


def degree_weight(matrix: sp.csr_matrix, damping: float) -> sp.csr_matrix:
    """Scale entry (i, j) by ``deg_out(i)^-damping * deg_in(j)^-damping`` (edge counts).

    >>> degree_weight(sp.csr_matrix([[1.0, 1.0], [0.0, 1.0]]), 1.0).toarray()
    array([[0.5 , 0.25],
           [0.  , 0.5 ]])
    """
    if damping == 0:
        return matrix.tocsr(copy=True)
    matrix = matrix.tocsr()
    # Degrees count stored entries (the pattern), whatever the weights; one pass over the
    # stored values scales them, where diag @ A @ diag would build two new matrices.
    out_degree = np.diff(matrix.indptr)
    in_degree = np.bincount(matrix.indices, minlength=matrix.shape[1])
    row_scale = np.repeat(_inverse_power(out_degree, damping), out_degree)
    col_scale = _inverse_power(in_degree, damping)[matrix.indices]
    return sp.csr_matrix(
        (matrix.data * row_scale * col_scale, matrix.indices, matrix.indptr), shape=matrix.shape
    )


def _inverse_power(degrees: np.ndarray, damping: float) -> np.ndarray:
    scale = np.zeros_like(degrees, dtype=np.float64)
    connected = degrees > 0
    scale[connected] = degrees[connected] ** -damping
    return scale


def _exact_segment(matrices: Sequence[sp.csr_matrix], types: Sequence[str]) -> sp.csr_matrix:
    """Sum over paths (no repeated node) of products of ``matrices`` (1 to 3 steps).

    ``types`` are the segment's node-position types. Möbius inversion over which same-type
    positions coincide, e.g. for three steps A, B, C with every type equal:
    ``ABC - diag(AB) C - A diag(BC) - diag(ABC) + A∘Bᵀ∘C``. Partitions that merge
    neighbouring positions vanish because self-loops are removed at build time.
    """
    first = matrices[0]
    if len(matrices) == 1:
        return first.tocsr()
    if len(matrices) == 2:
        walks = (first @ matrices[1]).tocsr()
        if types[0] == types[2]:
            walks = walks - sp.diags(walks.diagonal())
        return _pruned(walks)
    second, third = matrices[1], matrices[2]
    if types[0] != types[2] and _right_first_is_cheaper(first, second, third):
        walks = (first @ (second @ third).tocsr()).tocsr()
    else:
        first_second = (first @ second).tocsr()
        walks = (first_second @ third).tocsr()
    result = walks
    if types[0] == types[2]:
        result = result - sp.diags(first_second.diagonal()) @ third
    if types[1] == types[3]:
        second_returns = np.asarray(second.multiply(third.T).sum(axis=1)).ravel()
        result = result - first @ sp.diags(second_returns)
    if types[0] == types[3]:
        result = result - sp.diags(walks.diagonal())
    if types[0] == types[2] and types[1] == types[3]:
        result = result + first.multiply(second.T).multiply(third)
    return walks if result is walks else _pruned(sp.csr_matrix(result))


def _right_first_is_cheaper(
    first: sp.csr_matrix, second: sp.csr_matrix, third: sp.csr_matrix
) -> bool:
    """Matrix-chain order by dimensions, as numpy.linalg.multi_dot and hetmatpy choose it."""
    n0, n1 = first.shape
    n2, n3 = second.shape[1], third.shape[1]
    left_cost = n0 * n1 * n2 + n0 * n2 * n3
    right_cost = n1 * n2 * n3 + n0 * n1 * n3
    return right_cost < left_cost


def _pruned(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Drop explicit zeros and the float dust left by subtracting equal terms."""
    matrix = matrix.tocsr()
    scale = np.abs(matrix.data).max() if matrix.nnz else 0.0
    matrix.data[np.abs(matrix.data) <= scale * 1e-12] = 0.0
    matrix.eliminate_zeros()
    return matrix


def _segment_cuts(node_types: Sequence[str]) -> tuple[tuple[int, int], ...]:
    """Cut positions into segments of <= 3 steps covering as many same-type pairs as possible.

    Returns (start, end) position pairs; a pair of same-type positions is covered when
    both lie in one segment's closed range.
    """
    n_steps = len(node_types) - 1
    same_type_pairs = [
        (i, j)
        for i, j in itertools.combinations(range(len(node_types)), 2)
        if node_types[i] == node_types[j]
    ]
    best: tuple[tuple[int, int], ...] = ()
    best_uncovered = math.inf
    for cuts in _compositions(n_steps, MAX_EXACT_SEGMENT_LENGTH):
        uncovered = sum(
            1 for i, j in same_type_pairs if not any(s <= i and j <= e for s, e in cuts)
        )
        if uncovered < best_uncovered:
            best, best_uncovered = cuts, uncovered
    return best


def _compositions(n_steps: int, max_part: int) -> Iterator[tuple[tuple[int, int], ...]]:
    """Every way to split ``range(n_steps)`` into consecutive runs of <= max_part steps."""
    if n_steps == 0:
        yield ()
        return
    for part in range(min(max_part, n_steps), 0, -1):
        for rest in _compositions(n_steps - part, max_part):
            yield ((0, part), *((s + part, e + part) for s, e in rest))


def is_exact(metapath: Metapath | str) -> bool:
    """True when :func:`dwpc` removes every duplicate-node walk for this metapath.

    >>> is_exact("Gene-interacts-Gene-interacts-Gene-interacts-Gene")
    True
    >>> is_exact("Gene-i-Gene-i-Gene-i-Gene-i-Gene")
    False
    """
    node_types = _as_metapath(metapath).node_types
    cuts = _segment_cuts(node_types)
    return all(
        any(s <= i and j <= e for s, e in cuts)
        for i, j in itertools.combinations(range(len(node_types)), 2)
        if node_types[i] == node_types[j]
    )


def _path_product(
    hetmat: HetMat,
    metapath: Metapath,
    damping: float,
    weighted: bool,
    allow_approximation: bool,
) -> sp.csr_matrix:
    _require_exact(metapath, allow_approximation)
    matrices = [hetmat.weighted_step_matrix(step, damping, weighted) for step in metapath.steps]
    node_types = metapath.node_types
    result: sp.csr_matrix | None = None
    for start, end in _segment_cuts(node_types):
        segment = _exact_segment(matrices[start:end], node_types[start : end + 1])
        result = segment if result is None else (result @ segment).tocsr()
    assert result is not None
    return result


def _require_exact(metapath: Metapath, allow_approximation: bool) -> None:
    if not allow_approximation and not is_exact(metapath):
        raise MetapathError(
            f"metapath {metapath} repeats a node type at positions more than 3 steps "
            "apart, so duplicate-node walks cannot all be removed; pass "
            "allow_approximation=True to count those walks"
        )


def _path_vector(
    matrices: Sequence[sp.csr_matrix], node_types: Sequence[str], source: int
) -> np.ndarray:
    """One source's row of the path product, carried as a dense vector segment by segment.

    Only the rows the walk reaches are read, so no intermediate matrix is ever formed:
    this is what keeps a one-source query cheap on a graph with millions of edges.
    """
    vector = np.zeros(matrices[0].shape[0])
    vector[source] = 1.0
    for start, end in _segment_cuts(node_types):
        if not vector.any():
            return np.zeros(matrices[-1].shape[1])
        vector = _exact_segment_vector(matrices[start:end], node_types[start : end + 1], vector)
        # Same rule as _pruned: subtracting equal terms leaves float dust, not paths.
        vector[np.abs(vector) <= np.abs(vector).max(initial=0.0) * 1e-12] = 0.0
    return vector


def _exact_segment_vector(
    matrices: Sequence[sp.csr_matrix], types: Sequence[str], vector: np.ndarray
) -> np.ndarray:
    """``vector @ segment`` for the exact segment of ``_exact_segment``, in vector form.

    Same Möbius terms, each weighted by the vector's entries instead of one row per
    start node: ``v ABC - (v∘d(AB)) C - (vA)∘d(BC) - v∘d(ABC) + Σᵢ vᵢ (A∘Bᵀ∘C)ᵢ``,
    where ``d(XY)[i] = Σⱼ X[i, j] Y[j, i]`` is the weight of returning to ``i``.
    """
    first = matrices[0]
    starts = np.flatnonzero(vector)
    walks = _times(vector, first)
    if len(matrices) == 1:
        return walks
    second = matrices[1]
    if len(matrices) == 2:
        walks = _times(walks, second)
        if types[0] == types[2]:
            walks[starts] -= vector[starts] * _return_weights(first, second, starts)
        return walks
    third = matrices[2]
    middle = walks
    result = _times(_times(middle, second), third)
    if types[0] == types[2]:
        returned = np.zeros(first.shape[0])
        returned[starts] = vector[starts] * _return_weights(first, second, starts)
        result -= _times(returned, third)
    if types[1] == types[3]:
        reached = np.flatnonzero(middle)
        result[reached] -= middle[reached] * _return_weights(second, third, reached)
    if types[0] == types[3]:
        result[starts] -= vector[starts] * _cycle_weights(first, second, third, starts)
    if types[0] == types[2] and types[1] == types[3]:
        result += _back_and_forth(vector, starts, first, second, third)
    return result


def _times(vector: np.ndarray, matrix: sp.csr_matrix) -> np.ndarray:
    """``vector @ matrix`` reading only the rows where the vector is non-zero."""
    rows = np.flatnonzero(vector)
    if len(rows) == 0:
        return np.zeros(matrix.shape[1])
    return np.asarray(matrix[rows].T @ vector[rows]).ravel()


def _return_weights(first: sp.csr_matrix, second: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """``Σⱼ first[i, j] second[j, i]`` for each ``i`` in ``rows``: two-step returns."""
    block = first[rows].tocoo()
    if block.nnz == 0:
        return np.zeros(len(rows))
    back = np.asarray(second[block.col, rows[block.row]]).ravel()
    return np.bincount(block.row, weights=block.data * back, minlength=len(rows))


def _cycle_weights(
    first: sp.csr_matrix, second: sp.csr_matrix, third: sp.csr_matrix, rows: np.ndarray
) -> np.ndarray:
    """``Σⱼₖ first[i, j] second[j, k] third[k, i]`` for each ``i`` in ``rows``."""
    block = (first[rows] @ second).tocoo()
    if block.nnz == 0:
        return np.zeros(len(rows))
    back = np.asarray(third[block.col, rows[block.row]]).ravel()
    return np.bincount(block.row, weights=block.data * back, minlength=len(rows))


def _back_and_forth(
    vector: np.ndarray,
    rows: np.ndarray,
    first: sp.csr_matrix,
    second: sp.csr_matrix,
    third: sp.csr_matrix,
) -> np.ndarray:
    """``Σᵢ vᵢ first[i, j] second[j, i] third[i, j]`` for every ``j``: walks i→j→i→j."""
    block = first[rows].tocoo()
    if block.nnz == 0:
        return np.zeros(first.shape[1])
    starts = rows[block.row]
    back = np.asarray(second[block.col, starts]).ravel()
    again = np.asarray(third[starts, block.col]).ravel()
    weights = vector[starts] * block.data * back * again
    return np.bincount(block.col, weights=weights, minlength=first.shape[1])


def path_counts(
    hetmat: HetMat,
    metapath: Metapath | str,
    weighted: bool = False,
    allow_approximation: bool = False,
) -> sp.csr_matrix:
    """Number of paths (distinct nodes) between every source and target node.

    ``weighted=True`` sums products of edge weights instead of counting paths.

    >>> graph = HetMat.from_edges(
    ...     [("d", "Drug"), ("g1", "Gene"), ("g2", "Gene")],
    ...     [("d", "inhibits", "g1", 1), ("d", "inhibits", "g2", 1)])
    >>> path_counts(graph, "Drug-inhibits>Gene<inhibits-Drug").toarray()
    array([[0.]])
    """
    metapath = _as_metapath(metapath)
    return _path_product(hetmat, metapath, 0.0, weighted, allow_approximation)


def dwpc(
    hetmat: HetMat,
    metapath: Metapath | str,
    damping: float = 0.4,
    allow_approximation: bool = False,
) -> sp.csr_matrix:
    """Degree-weighted path count for all source x target pairs (weights included).

    >>> graph = HetMat.from_edges(
    ...     [("d", "Drug"), ("g1", "Gene"), ("g2", "Gene")],
    ...     [("d", "inhibits", "g1", 1), ("d", "inhibits", "g2", 1)])
    >>> dwpc(graph, "Drug-inhibits>Gene", damping=0.5).toarray().round(4)
    array([[0.7071, 0.7071]])
    """
    metapath = _as_metapath(metapath)
    return _path_product(hetmat, metapath, damping, True, allow_approximation)


def dwpc_row(
    hetmat: HetMat,
    metapath: Metapath | str,
    source_id: str,
    damping: float = 0.4,
    allow_approximation: bool = False,
) -> np.ndarray:
    """DWPC from one source to every target node, as a dense vector.

    Entry ``i`` belongs to ``hetmat.node_ids[metapath.target_type][i]``. Only the source's
    row is propagated, so this costs a few sparse row-vector products.

    >>> graph = HetMat.from_edges(
    ...     [("d", "Drug"), ("g1", "Gene"), ("g2", "Gene")],
    ...     [("d", "inhibits", "g1", 1), ("d", "inhibits", "g2", 1)])
    >>> dwpc_row(graph, "Drug-inhibits>Gene", "d", damping=0.0)
    array([1., 1.])
    """
    metapath = _as_metapath(metapath)
    hetmat._check_type(metapath.source_type)
    source = hetmat.index_of(metapath.source_type, source_id)
    _require_exact(metapath, allow_approximation)
    matrices = [hetmat.weighted_step_matrix(step, damping, True) for step in metapath.steps]
    return _path_vector(matrices, metapath.node_types, source)


# --- degree-preserving permutation ----------------------------------------------------


def permute(
    hetmat: HetMat,
    n_swaps_multiplier: float = 10,
    seed: int = 0,
    metaedges: Iterable[Metaedge] | None = None,
) -> HetMat:
    """A copy whose edges are rewired by XSwap, keeping every node's degree per metaedge.

    Like ``hetnetpy.permute``, about ``n_swaps_multiplier * n_edges`` swaps are attempted
    per metaedge: edges (a, x) and (b, y) become (a, y) and (b, x) unless that would
    create a self-loop or an edge that already exists (in either direction for
    same-type metaedges). Swaps run in vectorised rounds that pair all edges at random
    and apply the non-conflicting ones together. A weight stays with its source slot.
    ``metaedges`` limits the rewiring (the rest are shared, not copied).

    >>> graph = HetMat.from_edges([("a", "G"), ("b", "G")], [("a", "x", "b", 1)])
    >>> permute(graph, seed=1).edge_count()
    1
    """
    return rewired(hetmat, rewirings(hetmat, n_swaps_multiplier, seed, metaedges))


@dataclass(frozen=True)
class Rewiring:
    """Where one permutation moved the edges of one metaedge, whatever their weights.

    XSwap only looks at which node pairs are joined, so a rewiring found on one weighting of
    a graph applies to every other weighting of the same edges (e.g. evidence weighted for
    another disease): entry ``k`` of the permuted matrix carries the weight of entry
    ``order[k]`` of the original one.

    >>> graph = HetMat.from_edges([("a", "G"), ("b", "G"), ("c", "G")],
    ...                           [("a", "x", "b", 0.5), ("b", "x", "c", 2.0)])
    >>> wiring = rewirings(graph, seed=3)
    >>> [m.nnz for m in rewired(graph, wiring).adjacency.values()]
    [2]
    """

    indices: np.ndarray
    indptr: np.ndarray
    order: np.ndarray
    shape: tuple[int, int]

    def apply(self, matrix: sp.csr_matrix) -> sp.csr_matrix:
        """The permuted matrix carrying ``matrix``'s weights (same edges as the original)."""
        if matrix.nnz != len(self.order) or matrix.shape != self.shape:
            raise HetMatError(
                f"rewiring of a {self.shape} matrix with {len(self.order)} edges cannot be "
                f"applied to a {matrix.shape} matrix with {matrix.nnz} edges"
            )
        return sp.csr_matrix((matrix.data[self.order], self.indices, self.indptr), shape=self.shape)


def rewirings(
    hetmat: HetMat,
    n_swaps_multiplier: float = 10,
    seed: int = 0,
    metaedges: Iterable[Metaedge] | None = None,
) -> dict[Metaedge, Rewiring]:
    """One XSwap permutation of ``metaedges`` (all by default), as reusable rewirings."""
    chosen = set(hetmat.adjacency) if metaedges is None else set(metaedges)
    unknown = chosen - set(hetmat.adjacency)
    if unknown:
        raise MetapathError(f"cannot permute unknown metaedges {sorted(unknown)}")
    rng = np.random.default_rng(seed)
    return {
        metaedge: _xswap(
            hetmat.adjacency[metaedge],
            n_swaps_multiplier,
            rng,
            metaedge.source_type == metaedge.target_type,
        )
        for metaedge in hetmat.adjacency
        if metaedge in chosen
    }


def rewired(hetmat: HetMat, wiring: Mapping[Metaedge, Rewiring]) -> HetMat:
    """``hetmat`` with the rewired metaedges permuted (the others shared, not copied)."""
    adjacency = dict(hetmat.adjacency)
    for metaedge, rewiring in wiring.items():
        adjacency[metaedge] = rewiring.apply(adjacency[metaedge])
    return HetMat(node_ids=hetmat.node_ids, adjacency=adjacency)


def _xswap(
    matrix: sp.csr_matrix, multiplier: float, rng: np.random.Generator, same_type: bool
) -> Rewiring:
    matrix = matrix.tocsr()
    matrix.sort_indices()
    n_rows, n_cols = matrix.shape
    sources = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(matrix.indptr))
    targets = matrix.indices.astype(np.int64)
    n_edges = len(sources)
    n_rounds = math.ceil(2 * multiplier) if n_edges >= 2 else 0  # n_edges / 2 swaps a round
    for _ in range(n_rounds):
        order = rng.permutation(n_edges)
        half = n_edges // 2
        first, second = order[:half], order[half : 2 * half]
        new_first_targets = targets[second]
        new_second_targets = targets[first]
        existing = np.sort(sources * n_cols + targets)
        proposed_first = sources[first] * n_cols + new_first_targets
        proposed_second = sources[second] * n_cols + new_second_targets
        ok = ~_sorted_contains(existing, proposed_first) & ~_sorted_contains(
            existing, proposed_second
        )
        if same_type:
            ok &= new_first_targets != sources[first]
            ok &= new_second_targets != sources[second]
            reversed_first = new_first_targets * n_cols + sources[first]
            reversed_second = new_second_targets * n_cols + sources[second]
            ok &= ~_sorted_contains(existing, reversed_first)
            ok &= ~_sorted_contains(existing, reversed_second)
        ok &= ~_duplicated_among(proposed_first, proposed_second, ok, same_type, n_cols)
        targets[first[ok]] = new_first_targets[ok]
        targets[second[ok]] = new_second_targets[ok]
    # Sources never move, so the row pointers stay; rows are re-sorted by their new targets.
    slots = np.lexsort((targets, sources))
    return Rewiring(
        indices=targets[slots].astype(matrix.indices.dtype),
        indptr=matrix.indptr.copy(),
        order=slots,
        shape=(n_rows, n_cols),
    )


def _sorted_contains(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    positions = np.searchsorted(sorted_keys, keys)
    positions[positions == len(sorted_keys)] = 0
    return sorted_keys[positions] == keys


def _duplicated_among(
    proposed_first: np.ndarray,
    proposed_second: np.ndarray,
    ok: np.ndarray,
    same_type: bool,
    n_cols: int,
) -> np.ndarray:
    """Mark swaps whose new edges collide with another accepted swap's new edges."""
    keys = [proposed_first, proposed_second]
    if same_type:
        # An undirected reading makes (a, b) and (b, a) the same edge.
        keys = [
            np.minimum(k // n_cols, k % n_cols) * n_cols + np.maximum(k // n_cols, k % n_cols)
            for k in keys
        ]
    swap_ids = np.arange(len(ok))
    candidate_keys = np.concatenate([keys[0][ok], keys[1][ok]])
    candidate_swaps = np.concatenate([swap_ids[ok], swap_ids[ok]])
    _, inverse, counts = np.unique(candidate_keys, return_inverse=True, return_counts=True)
    clashing = np.zeros(len(ok), dtype=bool)
    clashing[candidate_swaps[counts[inverse] > 1]] = True
    return clashing


# --- permutation-adjusted scores ------------------------------------------------------


class AdjustedScore(NamedTuple):
    """Observed DWPC of one target beside its permutation null.

    ``ratio`` is ``observed / permuted_mean`` (Rephetio's adjustment), None when the
    null mean is 0. ``p_value`` is ``(1 + #{permuted >= observed}) / (1 + n_permutations)``.
    """

    target_id: str
    observed: float
    permuted_mean: float
    permuted_sd: float
    delta: float
    ratio: float | None
    p_value: float


def permutations(
    hetmat: HetMat,
    n_permutations: int,
    seed: int = 0,
    n_swaps_multiplier: float = 10,
    metaedges: Iterable[Metaedge] | None = None,
) -> list[HetMat]:
    """``n_permutations`` independent XSwap permutations, seeded ``seed, seed+1, ...``.

    >>> graph = HetMat.from_edges([("a", "G"), ("b", "G")], [("a", "x", "b", 1)])
    >>> len(permutations(graph, 3))
    3
    """
    chosen = None if metaedges is None else list(metaedges)
    return [
        permute(hetmat, n_swaps_multiplier, seed + offset, chosen)
        for offset in range(n_permutations)
    ]


def metaedges_of(hetmat: HetMat, metapath: Metapath | str) -> set[Metaedge]:
    """The stored metaedges a metapath reads, e.g. to permute only those.

    >>> graph = HetMat.from_edges([("d", "Drug"), ("g", "Gene")], [("d", "inhibits", "g", 1)])
    >>> metaedges_of(graph, "Gene<inhibits-Drug")
    {Metaedge(source_type='Drug', predicate='inhibits', target_type='Gene')}
    """
    found: set[Metaedge] = set()
    for step in _as_metapath(metapath).steps:
        hetmat.step_matrix(step)  # validates the step
        for metaedge in (
            Metaedge(step.source_type, step.predicate, step.target_type),
            Metaedge(step.target_type, step.predicate, step.source_type),
        ):
            wanted = step.direction == "both" or (step.direction == "forward") == (
                metaedge.source_type == step.source_type
            )
            if wanted and metaedge in hetmat.adjacency:
                found.add(metaedge)
    return found


def adjusted_scores(
    hetmat: HetMat,
    permuted: Sequence[HetMat],
    metapath: Metapath | str,
    source_id: str,
    damping: float = 0.4,
    targets: Iterable[str] | None = None,
) -> list[AdjustedScore]:
    """Observed DWPC from ``source_id`` to each target against permuted graphs.

    ``targets`` defaults to every target node with a nonzero observed DWPC; results are
    sorted by decreasing ratio then observed DWPC.

    >>> graph = HetMat.from_edges([("d", "Drug"), ("g", "Gene")], [("d", "inhibits", "g", 1)])
    >>> adjusted_scores(graph, [graph], "Drug-inhibits>Gene", "d")[0].p_value
    1.0
    """
    if not permuted:
        raise MetapathError("adjusted_scores needs at least one permuted graph")
    metapath = _as_metapath(metapath)
    observed = dwpc_row(hetmat, metapath, source_id, damping)
    null = np.vstack([dwpc_row(graph, metapath, source_id, damping) for graph in permuted])
    target_ids = hetmat.node_ids[metapath.target_type]
    if targets is None:
        indices = np.flatnonzero(observed)
    else:
        indices = np.array([hetmat.index_of(metapath.target_type, t) for t in targets], dtype=int)
    scores = []
    for i in indices:
        mean = float(null[:, i].mean())
        exceed = int(np.count_nonzero(null[:, i] >= observed[i] - 1e-12 * abs(observed[i])))
        scores.append(
            AdjustedScore(
                target_id=target_ids[i],
                observed=float(observed[i]),
                permuted_mean=mean,
                permuted_sd=float(null[:, i].std()),
                delta=float(observed[i]) - mean,
                ratio=float(observed[i]) / mean if mean > 0 else None,
                p_value=(1 + exceed) / (1 + len(permuted)),
            )
        )
    scores.sort(key=_ranking_key)
    return scores


def _ranking_key(score: AdjustedScore) -> tuple[float, float]:
    # A positive observation against an all-zero null is the strongest possible signal.
    if score.ratio is not None:
        return (-score.ratio, -score.observed)
    return (-math.inf if score.observed > 0 else 0.0, -score.observed)


# --- cache ----------------------------------------------------------------------------


def save(hetmat: HetMat, directory: str | Path, cache_key: str) -> None:
    """Write matrices (``.npz``) and a JSON index tagged with the caller's ``cache_key``.

    The index is written last and atomically, so a reader never sees a half-written cache.

    >>> import tempfile
    >>> graph = HetMat.from_edges([("g", "Gene")], [])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save(graph, tmp, "v1")
    ...     load(tmp, "v1").node_ids
    {'Gene': ['g']}
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    index_path = directory / CACHE_INDEX_FILE
    index_path.unlink(missing_ok=True)
    matrices = []
    for number, (metaedge, matrix) in enumerate(hetmat.adjacency.items()):
        file_name = f"metaedge-{number}.npz"
        sp.save_npz(directory / file_name, matrix.tocsr(), compressed=False)
        matrices.append({"metaedge": list(metaedge), "file": file_name})
    index = {
        "format_version": CACHE_FORMAT_VERSION,
        "cache_key": cache_key,
        "node_ids": hetmat.node_ids,
        "matrices": matrices,
    }
    partial = directory / (CACHE_INDEX_FILE + ".partial")
    partial.write_text(json.dumps(index), encoding="utf-8")
    os.replace(partial, index_path)
    current_files = {entry["file"] for entry in matrices}
    for leftover in directory.glob("metaedge-*.npz"):
        if leftover.name not in current_files:
            leftover.unlink()


def load(directory: str | Path, cache_key: str) -> HetMat | None:
    """The cached HetMat if ``directory`` holds one saved under ``cache_key``, else None.

    A cache that exists but is damaged raises :class:`HetMatError`.

    >>> load("/nonexistent-cache-dir", "v1") is None
    True
    """
    directory = Path(directory)
    index_path = directory / CACHE_INDEX_FILE
    if not index_path.is_file():
        return None
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise HetMatError(f"{index_path}: damaged HetMat cache index ({error})") from None
    if index.get("format_version") != CACHE_FORMAT_VERSION or index.get("cache_key") != cache_key:
        return None
    adjacency = {}
    for entry in index["matrices"]:
        matrix_path = directory / entry["file"]
        try:
            adjacency[Metaedge(*entry["metaedge"])] = sp.csr_matrix(sp.load_npz(matrix_path))
        except (OSError, ValueError) as error:
            raise HetMatError(f"{matrix_path}: damaged HetMat cache matrix ({error})") from None
    return HetMat(node_ids=index["node_ids"], adjacency=adjacency)
