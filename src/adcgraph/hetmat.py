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
* Every metapath is exact: walks that revisit a node are removed by inclusion-exclusion
  over which same-type positions hold one node (the Möbius expansion of "all such nodes
  differ"). A coincidence becomes a diagonal of loop weights inside a chain of sparse
  products; interleaved coincidences (``i -> j -> i -> j``) are summed by carrying the
  repeated nodes along. With one source, the source is simply removed from the later
  positions of its type, and for all pairs the diagonal is cleared when the first and last
  types agree, so a switch metapath such as ``ADC-...-ADC`` costs one chain of products.
* Products are multiplied in the cheapest order estimated from the matrices' shapes and
  densities over the whole chain (matrix-chain dynamic programming); one source's row is
  carried as a vector left to right, reading only the rows it reaches.
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


# --- exact path products: coincidence terms and the cheapest chain order --------------


class _Term(NamedTuple):
    """One term of the inclusion-exclusion over which same-type positions hold one node.

    ``blocks`` are the groups of two or more positions whose nodes coincide, sorted by
    their first position; ``crossing`` is True when two blocks interleave (positions
    ``i < j < k < l`` with ``i, k`` in one block and ``j, l`` in the other).
    """

    blocks: tuple[tuple[int, ...], ...]
    coefficient: int
    crossing: bool


def _coincidence_terms(node_types: Sequence[str], one_source: bool) -> list[_Term]:
    """Terms whose coefficient-weighted walk sums add up to the sum over paths.

    A path visits distinct nodes: every pair of same-type positions holds two different
    nodes, ``prod over pairs (1 - [x_i = x_j])``. Expanding the product groups the subsets
    of pairs by the partition of positions they join; a block's coefficient is the sum of
    ``(-1)^|S|`` over the subsets ``S`` of its constrained pairs that connect it
    (``(-1)^(k-1) (k-1)!`` for ``k`` positions whose pairs are all constrained). Blocks
    holding neighbouring positions vanish: the HetMat has no self-loops. Pairs that a cheaper
    rule enforces are left out of the product: with one source, the source node is removed
    from the later positions of its type; for all pairs, the diagonal is cleared when the
    first and last positions share a type.

    >>> [t.coefficient for t in _coincidence_terms(["A", "B", "A", "B"], one_source=False)]
    [1, -1, -1, 1]
    >>> _coincidence_terms(["ADC", "Class", "Mechanism", "Strategy", "ADC"], one_source=False)
    [_Term(blocks=(), coefficient=1, crossing=False)]
    """
    last = len(node_types) - 1
    first = 1 if one_source else 0
    clears_diagonal = not one_source and node_types[0] == node_types[last]
    constrained = {
        (i, j)
        for i, j in itertools.combinations(range(first, last + 1), 2)
        if node_types[i] == node_types[j] and not (clears_diagonal and (i, j) == (0, last))
    }
    positions_of: dict[str, list[int]] = {}
    for position in range(first, last + 1):
        positions_of.setdefault(node_types[position], []).append(position)
    choices = []
    for positions in positions_of.values():
        options = []
        for partition in _set_partitions(positions):
            coefficient = 1
            for block in partition:
                vanishes = any(b - a == 1 for a, b in itertools.pairwise(block)) or (
                    clears_diagonal and block[0] == 0 and block[-1] == last
                )
                coefficient *= 0 if vanishes else _block_coefficient(block, constrained)
            if coefficient:
                options.append((tuple(b for b in partition if len(b) > 1), coefficient))
        choices.append(options)
    terms = []
    for combination in itertools.product(*choices):
        blocks = tuple(sorted(block for blocks, _ in combination for block in blocks))
        coefficient = math.prod(c for _, c in combination)
        terms.append(_Term(blocks, coefficient, _any_crossing(blocks)))
    return terms


def _set_partitions(items: Sequence[int]) -> Iterator[list[tuple[int, ...]]]:
    """Every partition of sorted ``items`` into sorted blocks, all singletons first."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in _set_partitions(rest):
        yield [(first,), *partition]
        for i, block in enumerate(partition):
            yield [*partition[:i], (first, *block), *partition[i + 1 :]]


def _block_coefficient(block: tuple[int, ...], constrained: set[tuple[int, int]]) -> int:
    """Sum of ``(-1)^|S|`` over the subsets of the block's constrained pairs that connect it."""
    if len(block) == 1:
        return 1
    pairs = [pair for pair in itertools.combinations(block, 2) if pair in constrained]
    total = 0
    for size in range(len(block) - 1, len(pairs) + 1):
        for subset in itertools.combinations(pairs, size):
            if _connects(block, subset):
                total += (-1) ** size
    return total


def _connects(block: tuple[int, ...], pairs: Sequence[tuple[int, int]]) -> bool:
    group = {position: position for position in block}

    def root(position: int) -> int:
        while group[position] != position:
            position = group[position]
        return position

    for a, b in pairs:
        group[root(a)] = root(b)
    return len({root(position) for position in block}) == 1


def _any_crossing(blocks: Sequence[tuple[int, ...]]) -> bool:
    for first, second in itertools.combinations(blocks, 2):
        labels = [1 if p in first else 2 for p in sorted((*first, *second))]
        alternations = sum(1 for a, b in itertools.pairwise(labels) if a != b)
        if alternations >= 3:  # 1 2 1 2: interleaved; 1 2 2 1 and 1 1 2 2 are not
            return True
    return False


def _path_matrix(matrices: Sequence[sp.csr_matrix], node_types: Sequence[str]) -> sp.csr_matrix:
    """All-pairs sum over paths of the products of ``matrices`` (exact, any metapath)."""
    terms = _coincidence_terms(node_types, one_source=False)
    fused = _fused_pair(matrices, terms)
    if fused is not None:
        terms = [_Term((), 1, False)]
        matrices = fused
    total: sp.csr_matrix | None = None
    for term in terms:
        if term.crossing:
            walks = _coincident_walks(matrices, term.blocks, None, {})
        else:
            starts = {block[0]: block for block in term.blocks}
            walks = _chain_product(_factors(matrices, starts, 0, len(matrices), {}, False))
        walks = walks if term.coefficient == 1 else walks * term.coefficient
        total = walks if total is None else total + walks
    assert total is not None  # the all-singletons term is always there
    total = total.tocsr()
    if any(total is matrix for matrix in matrices):  # a one-step metapath: never hand out
        total = total.copy()  # the cached step matrix itself
    clears_diagonal = node_types[0] == node_types[-1]
    if clears_diagonal:
        rows = np.repeat(
            np.arange(total.shape[0], dtype=total.indices.dtype), np.diff(total.indptr)
        )
        total.data[total.indices == rows] = 0.0
        del rows
    if len(terms) > 1 or clears_diagonal:
        return _pruned(total)
    return total


def _fused_pair(
    matrices: Sequence[sp.csr_matrix], terms: Sequence[_Term]
) -> list[sp.csr_matrix] | None:
    """One chain for "walks minus walks with x_i = x_j", when it is estimated cheaper.

    With a single pair of coinciding positions the two terms are one product whose
    ``i..j`` part has its diagonal cleared. Forming that part first pays when it is small
    (``ADC x ADC`` through a shared target, where most walks return to the source and the
    two terms would be large and nearly equal); the two-term sum pays when it is large
    (``Drug x Drug`` through shared genes). None keeps the terms.
    """
    if len(terms) != 2 or terms[1].coefficient != -1 or len(terms[1].blocks) != 1:
        return None
    block = terms[1].blocks[0]
    if len(block) != 2:
        return None
    i, j = block
    sizes = [_size(matrix) for matrix in matrices]
    inner_cost, inner_size = _estimated(sizes[i:j])
    fused_cost = inner_cost + _estimated([*sizes[:i], inner_size, *sizes[j:]])[0]
    looped_cost = _diagonal_cost(sizes[i:j]) + _estimated([*sizes[:i], *sizes[j:]])[0]
    if fused_cost >= _estimated(sizes)[0] + looped_cost:
        return None
    part = _chain_product(matrices[i:j])
    part = part - sp.diags(part.diagonal(), shape=part.shape)
    return [*matrices[:i], _pruned(sp.csr_matrix(part)), *matrices[j:]]


def _path_row(
    matrices: Sequence[sp.csr_matrix], node_types: Sequence[str], source: int
) -> np.ndarray:
    """One source's row of :func:`_path_matrix`, carried as a dense vector.

    Only the rows the walk reaches are read and no all-pairs intermediate is formed: a
    one-source query stays cheap on a graph with millions of edges. The source is removed
    from every later position of its type, so only coincidences among later positions need
    correction terms; those share the walk up to their first block.
    """
    masked = {p: source for p in range(1, len(node_types)) if node_types[p] == node_types[0]}
    prefixes = [np.zeros(matrices[0].shape[0])]
    prefixes[0][source] = 1.0
    for position, matrix in enumerate(matrices, start=1):
        prefixes.append(_times(prefixes[-1], matrix))
        if position in masked:
            prefixes[-1][source] = 0.0
    total = np.zeros(matrices[-1].shape[1])
    for term in _coincidence_terms(node_types, one_source=True):
        if term.crossing:
            walks = _coincident_walks(matrices, term.blocks, source, masked).toarray().ravel()
        elif not term.blocks:
            walks = prefixes[-1]
        else:
            first = term.blocks[0][0]
            starts = {block[0]: block for block in term.blocks}
            walks = _walk_vector(matrices, starts, prefixes[first], first, masked)
        total += term.coefficient * walks
    # Subtracting equal terms leaves float dust, not paths (the rule of _pruned).
    total[np.abs(total) <= np.abs(total).max(initial=0.0) * 1e-12] = 0.0
    return total


def _walk_vector(
    matrices: Sequence[sp.csr_matrix],
    starts: Mapping[int, tuple[int, ...]],
    vector: np.ndarray,
    position: int,
    masked: Mapping[int, int],
) -> np.ndarray:
    """Carry ``vector`` (walks arriving at ``position``) to the end; blocks become loops."""
    while position < len(matrices):
        block = starts.get(position)
        if block is None:
            vector = _times(vector, matrices[position])
            position += 1
            if position in masked:
                vector[masked[position]] = 0.0
            continue
        reached = np.flatnonzero(vector)
        if len(reached) == 0:
            return np.zeros(matrices[-1].shape[1])
        loops = np.ones(len(reached))
        for start, end in itertools.pairwise(block):
            loops *= _loop_weights(_factors(matrices, starts, start, end, masked, True), reached)
        looped = np.zeros_like(vector)
        looped[reached] = vector[reached] * loops
        vector = looped
        position = block[-1]
    return vector


def _factors(
    matrices: Sequence[sp.csr_matrix],
    starts: Mapping[int, tuple[int, ...]],
    low: int,
    high: int,
    masked: Mapping[int, int],
    in_loop: bool,
) -> list[sp.csr_matrix]:
    """Matrices whose product sums the walks from position ``low`` to ``high``.

    A block starting in the range turns into a diagonal (its nodes' loop weights) folded
    into the next matrix's rows, and the walk skips to the block's last position. Inside a
    loop (``in_loop``) the block starting at ``low`` is the one being evaluated, not a
    nested one. ``masked`` positions inside the range may not hold the masked node.
    """
    factors: list[sp.csr_matrix] = []
    pending: np.ndarray | None = None
    position = low
    while position < high:
        block = starts.get(position)
        if block is not None and not (in_loop and position == low):
            diagonal = np.ones(matrices[position].shape[0])
            for start, end in itertools.pairwise(block):
                diagonal *= _chain_diagonal(_factors(matrices, starts, start, end, masked, True))
            pending = diagonal if pending is None else pending * diagonal
            position = block[-1]
        else:
            matrix = matrices[position]
            if pending is not None:
                matrix = _scaled_rows(matrix, pending)
                pending = None
            factors.append(matrix)
            position += 1
        if position < high and position in masked:
            mask = np.ones(matrices[position].shape[0])
            mask[masked[position]] = 0.0
            pending = mask if pending is None else pending * mask
    if pending is not None:  # a block ending at ``high``
        factors[-1] = _scaled_columns(factors[-1], pending)
    return factors


def _scaled_rows(matrix: sp.csr_matrix, scale: np.ndarray) -> sp.csr_matrix:
    data = matrix.data * np.repeat(scale, np.diff(matrix.indptr))
    return sp.csr_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape)


def _scaled_columns(matrix: sp.csr_matrix, scale: np.ndarray) -> sp.csr_matrix:
    data = matrix.data * scale[matrix.indices]
    return sp.csr_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape)


class _Estimate(NamedTuple):
    """Rows, columns and expected stored entries of a (product) matrix."""

    rows: int
    columns: int
    nnz: float


def _product_estimate(left: _Estimate, right: _Estimate) -> tuple[float, _Estimate]:
    """Multiply-adds of ``left @ right`` and its expected size, entries spread uniformly.

    Each stored entry of the left matrix meets ``right.nnz / inner`` entries of the right
    one; the product's entries fill its cells as independent hits (a Poisson estimate).

    >>> flops, size = _product_estimate(_Estimate(10, 100, 50.0), _Estimate(100, 4, 400.0))
    >>> flops, size.rows, size.columns, round(size.nnz, 1)
    (200.0, 10, 4, 39.7)
    """
    inner = max(left.columns, 1)
    flops = left.nnz * right.nnz / inner
    cells = left.rows * right.columns
    nnz = cells * -math.expm1(-flops / cells) if cells else 0.0
    return flops, _Estimate(left.rows, right.columns, nnz)


def _size(matrix: sp.csr_matrix) -> _Estimate:
    return _Estimate(matrix.shape[0], matrix.shape[1], float(matrix.nnz))


def _cheapest_splits(sizes: Sequence[_Estimate]) -> dict[tuple[int, int], int]:
    """Matrix-chain order over shapes and densities (dynamic programming over sub-chains).

    The cost of a product is its multiply-adds plus the entries it writes; the split of
    ``factors[i:j]`` is the ``k`` of ``factors[i:k] @ factors[k:j]``. A 483 x 10 matrix
    in front of 10 x 29,000 x 30,000 x 5,000 gets multiplied last, through the 10 rows.

    >>> tall, wide = _Estimate(1000, 2, 2000.0), _Estimate(2, 1000, 2000.0)
    >>> _cheapest_splits([tall, wide, _Estimate(1000, 3, 3000.0)])[(0, 3)]
    1
    """
    return _chain_table(sizes)[0]


def _chain_table(
    sizes: Sequence[_Estimate],
) -> tuple[
    dict[tuple[int, int], int], dict[tuple[int, int], float], dict[tuple[int, int], _Estimate]
]:
    n = len(sizes)
    estimate = {(i, i + 1): size for i, size in enumerate(sizes)}
    cost = {(i, i + 1): 0.0 for i in range(n)}
    split: dict[tuple[int, int], int] = {}
    for length in range(2, n + 1):
        for i in range(n - length + 1):
            j = i + length
            best: tuple[float, int, _Estimate] | None = None
            for k in range(i + 1, j):
                flops, size = _product_estimate(estimate[(i, k)], estimate[(k, j)])
                total = cost[(i, k)] + cost[(k, j)] + flops + size.nnz
                if best is None or total < best[0]:
                    best = (total, k, size)
            assert best is not None
            cost[(i, j)], split[(i, j)], estimate[(i, j)] = best
    return split, cost, estimate


def _estimated(sizes: Sequence[_Estimate]) -> tuple[float, _Estimate]:
    """Estimated cost and size of the cheapest product of matrices of these ``sizes``."""
    _, cost, estimate = _chain_table(sizes)
    whole = (0, len(sizes))
    return cost[whole], estimate[whole]


def _diagonal_split(sizes: Sequence[_Estimate]) -> tuple[float, int]:
    """Estimated cost and split ``k`` of diag(L R), L and R the products before and after k."""
    best: tuple[float, int] | None = None
    for k in range(1, len(sizes)):
        left_cost, left = _estimated(sizes[:k])
        right_cost, right = _estimated(sizes[k:])
        total = left_cost + right_cost + min(left.nnz, right.nnz)
        if best is None or total < best[0]:
            best = (total, k)
    assert best is not None
    return best


def _diagonal_cost(sizes: Sequence[_Estimate]) -> float:
    return _diagonal_split(sizes)[0] if len(sizes) > 1 else 0.0


def _chain_product(factors: Sequence[sp.csr_matrix]) -> sp.csr_matrix:
    """The product of ``factors`` multiplied in the cheapest estimated order."""
    split = _cheapest_splits([_size(factor) for factor in factors])

    def product(i: int, j: int) -> sp.csr_matrix:
        if j - i == 1:
            return factors[i]
        k = split[(i, j)]
        return (product(i, k) @ product(k, j)).tocsr()

    return product(0, len(factors))


def _chain_diagonal(factors: Sequence[sp.csr_matrix]) -> np.ndarray:
    """Diagonal of the product of ``factors`` without forming it: rowsum(L ∘ Rᵀ)."""
    if len(factors) == 1:
        return factors[0].diagonal()
    _, k = _diagonal_split([_size(factor) for factor in factors])
    left = _chain_product(factors[:k])
    right = _chain_product(factors[k:])
    return np.asarray(left.multiply(right.T).sum(axis=1)).ravel()


def _loop_weights(factors: Sequence[sp.csr_matrix], rows: np.ndarray) -> np.ndarray:
    """For each node ``rows[r]``: the summed weight of the walks through ``factors`` that
    leave it and come back to it (the first factor read only at ``rows``)."""
    left = _chain_product([factors[0][rows], *factors[1:-1]]).tocoo()
    if left.nnz == 0:
        return np.zeros(len(rows))
    back = np.asarray(factors[-1][left.col, rows[left.row]]).ravel()
    return np.bincount(left.row, weights=left.data * back, minlength=len(rows))


def _coincident_walks(
    matrices: Sequence[sp.csr_matrix],
    blocks: Sequence[tuple[int, ...]],
    source: int | None,
    masked: Mapping[int, int],
) -> sp.csr_matrix:
    """Walks whose positions in each block hold one node, carrying the blocks' nodes along.

    The general rule, used for interleaved blocks (walks ``i -> j -> i -> j``), which no
    product of matrices and diagonals expresses: each state is a start row, the nodes of the
    open blocks and the current node, with the summed weight of the walks reaching it.
    Rows are the sources (``source`` alone when given).
    """
    n_sources = matrices[0].shape[0]
    if source is None:
        current = np.arange(n_sources, dtype=np.int64)
    else:
        current = np.array([source], dtype=np.int64)
    rows = np.arange(len(current), dtype=np.int64)
    weights = np.ones(len(current))
    held = np.empty((len(current), 0), dtype=np.int64)
    open_blocks: list[tuple[int, ...]] = []
    block_of = {position: block for block in blocks for position in block}
    for position in range(len(matrices) + 1):
        if position > 0:
            matrix = matrices[position - 1]
            counts = np.diff(matrix.indptr)[current]
            origin = np.repeat(np.arange(len(current)), counts)
            offsets = np.arange(len(origin)) - np.repeat(np.cumsum(counts) - counts, counts)
            slots = np.repeat(matrix.indptr[current], counts) + offsets
            rows, held = rows[origin], held[origin]
            weights = weights[origin] * matrix.data[slots]
            current = matrix.indices[slots].astype(np.int64)
        keep = np.ones(len(current), dtype=bool)
        if position in masked:
            keep &= current != masked[position]
        block = block_of.get(position)
        if block is not None and position != block[0]:
            keep &= current == held[:, open_blocks.index(block)]
        rows, current, weights, held = rows[keep], current[keep], weights[keep], held[keep]
        if block is not None and position == block[0]:
            held = np.column_stack([held, current])
            open_blocks.append(block)
        elif block is not None and position == block[-1]:
            slot = open_blocks.index(block)
            held = np.delete(held, slot, axis=1)
            open_blocks.pop(slot)
        rows, current, weights, held = _merged_states(rows, current, weights, held)
    shape = (n_sources if source is None else 1, matrices[-1].shape[1])
    return sp.csr_matrix((weights, (rows, current)), shape=shape)


def _merged_states(
    rows: np.ndarray, current: np.ndarray, weights: np.ndarray, held: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    if len(current) == 0:
        return rows, current, weights, held
    keys = np.column_stack([rows, held, current])
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    summed = np.bincount(inverse.reshape(-1), weights=weights, minlength=len(unique))
    return unique[:, 0], unique[:, -1], summed, unique[:, 1:-1]


def _times(vector: np.ndarray, matrix: sp.csr_matrix) -> np.ndarray:
    """``vector @ matrix`` reading only the rows where the vector is non-zero."""
    rows = np.flatnonzero(vector)
    if len(rows) == 0:
        return np.zeros(matrix.shape[1])
    return np.asarray(matrix[rows].T @ vector[rows]).ravel()


def _pruned(matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Drop explicit zeros and the float dust left by subtracting equal terms."""
    matrix = matrix.tocsr()
    magnitude = np.abs(matrix.data)
    scale = magnitude.max() if matrix.nnz else 0.0
    matrix.data[magnitude <= scale * 1e-12] = 0.0
    del magnitude
    matrix.eliminate_zeros()
    return matrix


def _step_matrices(
    hetmat: HetMat, metapath: Metapath, damping: float, weighted: bool
) -> list[sp.csr_matrix]:
    return [hetmat.weighted_step_matrix(step, damping, weighted) for step in metapath.steps]


def path_counts(hetmat: HetMat, metapath: Metapath | str, weighted: bool = False) -> sp.csr_matrix:
    """Number of paths (distinct nodes) between every source and target node.

    ``weighted=True`` sums products of edge weights instead of counting paths.

    >>> graph = HetMat.from_edges(
    ...     [("d", "Drug"), ("g1", "Gene"), ("g2", "Gene")],
    ...     [("d", "inhibits", "g1", 1), ("d", "inhibits", "g2", 1)])
    >>> path_counts(graph, "Drug-inhibits>Gene<inhibits-Drug").toarray()
    array([[0.]])
    """
    metapath = _as_metapath(metapath)
    return _path_matrix(_step_matrices(hetmat, metapath, 0.0, weighted), metapath.node_types)


def dwpc(hetmat: HetMat, metapath: Metapath | str, damping: float = 0.4) -> sp.csr_matrix:
    """Degree-weighted path count for all source x target pairs (weights included).

    >>> graph = HetMat.from_edges(
    ...     [("d", "Drug"), ("g1", "Gene"), ("g2", "Gene")],
    ...     [("d", "inhibits", "g1", 1), ("d", "inhibits", "g2", 1)])
    >>> dwpc(graph, "Drug-inhibits>Gene", damping=0.5).toarray().round(4)
    array([[0.7071, 0.7071]])
    """
    metapath = _as_metapath(metapath)
    return _path_matrix(_step_matrices(hetmat, metapath, damping, True), metapath.node_types)


def dwpc_row(
    hetmat: HetMat, metapath: Metapath | str, source_id: str, damping: float = 0.4
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
    matrices = _step_matrices(hetmat, metapath, damping, True)
    return _path_row(matrices, metapath.node_types, source)


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
    """Which ``keys`` are in ``sorted_keys`` (ascending).

    The keys are looked up in ascending order: consecutive binary searches then walk
    nearby parts of ``sorted_keys`` (cache-friendly), which on a 2M-edge graph halves the
    time of the lookups that dominate a permutation.

    >>> _sorted_contains(np.array([2, 5, 9]), np.array([9, 1, 5, 10]))
    array([ True, False,  True, False])
    """
    order = np.argsort(keys, kind="stable")
    ascending = keys[order]
    positions = np.searchsorted(sorted_keys, ascending)
    positions[positions == len(sorted_keys)] = 0
    found = np.empty(len(keys), dtype=bool)
    found[order] = sorted_keys[positions] == ascending
    return found


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
