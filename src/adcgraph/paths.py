"""The only home of networkx: the typed claim multigraph, path search and path explanations.

The projection holds the curated and inferred claims (not bulk imports, which the sparse
matrices of :mod:`adcgraph.combos` score) as a ``MultiDiGraph``: nodes carry ``type`` and
``label``; each edge is keyed by its predicate and carries the evidence of the claims behind
it (evidence types, curation statuses, citations, diseases).
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Union

from adcgraph import vocab
from adcgraph.errors import QueryError
from adcgraph.evidencefilter import NO_FILTER, EvidenceFilter, filtered_data
from adcgraph.graphdata import GraphData, cache_directory, cached_pickle, read_graph_data
from adcgraph.hetmat import Metapath, Step
from adcgraph.querying.results import counted
from adcgraph.storage.store import is_endpoint, store_version

if TYPE_CHECKING:  # imported where a graph is built: a ranking that only explains never needs it
    import networkx as nx

PROJECTION_FILE = "projection.pickle"


@dataclass(frozen=True)
class PathStep:
    """One edge of a path, in the direction the path walks it."""

    source: str
    predicate: str
    target: str
    forward: bool
    citations: tuple[str, ...]
    evidence_types: tuple[str, ...]
    statuses: tuple[str, ...]


@dataclass(frozen=True)
class FoundPath:
    """A path: its nodes and the steps between them."""

    nodes: tuple[str, ...]
    steps: tuple[PathStep, ...]

    @property
    def citations(self) -> tuple[str, ...]:
        return tuple(sorted({c for step in self.steps for c in step.citations}))

    def as_dict(self, graph: PathGraph) -> dict[str, object]:
        """The JSON form: nodes (CURIEs), labels, predicates (with direction), citations."""
        return {
            "nodes": [vocab.compress(node) for node in self.nodes],
            "labels": [graph.nodes[node].get("label", "") for node in self.nodes],
            "types": [graph.nodes[node].get("type", "") for node in self.nodes],
            "predicates": [s.predicate if s.forward else f"^{s.predicate}" for s in self.steps],
            "citations": list(self.citations),
            "steps": [
                {
                    "source": vocab.compress(s.source),
                    "predicate": s.predicate,
                    "target": vocab.compress(s.target),
                    "citations": list(s.citations),
                    "evidence_types": list(s.evidence_types),
                    "curation_statuses": list(s.statuses),
                }
                for s in self.steps
            ],
        }


@dataclass
class PathSearch:
    """Paths found, and whether a bound (count, length or time) cut the search short."""

    paths: list[FoundPath] = field(default_factory=list)
    truncated: bool = False
    reason: str = ""


@dataclass(frozen=True)
class PathFilters:
    """Which node types and predicates a path may use (None means any).

    Curation status and evidence type are the projection's (:func:`load_projection` with an
    :class:`~adcgraph.evidencefilter.EvidenceFilter`): they decide per claim, not per edge.
    """

    node_types: frozenset[str] | None = None
    predicates: frozenset[str] | None = None

    def allows_edge(self, attributes: dict[str, object]) -> bool:
        return self.predicates is None or attributes["predicate"] in self.predicates


def build_projection(data: GraphData) -> nx.MultiDiGraph:
    """The typed multigraph of the claims, with evidence attributes on every edge.

    >>> from adcgraph.graphdata import GraphData
    >>> data = GraphData("v", {"a": "ADC", "g": "Gene"}, [("a", "hasTarget", "g")])
    >>> graph = build_projection(data)
    >>> graph.edges["a", "g", "hasTarget"]["predicate"]
    'hasTarget'
    """
    import networkx as nx

    graph = nx.MultiDiGraph()
    for node, node_type in data.node_types.items():
        graph.add_node(node, type=node_type, label=data.label(node))
    for source, predicate, target in data.edges:
        evidence = data.evidence.get((source, predicate, target), [])
        graph.add_edge(
            source,
            target,
            key=predicate,
            predicate=predicate,
            citations=tuple(sorted({c for e in evidence for c in e.citations})),
            evidence_types=tuple(sorted({e.evidence_type for e in evidence})),
            statuses=tuple(sorted({e.status for e in evidence})),
            diseases=tuple(sorted({e.disease for e in evidence if e.disease})),
            claims=tuple(sorted({e.claim for e in evidence})),
        )
    return graph


def load_projection(
    store_path: Path | str,
    scope: str = "curated",
    evidence_filter: EvidenceFilter = NO_FILTER,
) -> nx.MultiDiGraph:
    """The projection of a store, built once per store version and cached beside it.

    ``scope="reference"`` adds the shipped reference layer (what `combos` explains with).
    An active ``evidence_filter`` builds it from the claims the filter keeps
    (:func:`adcgraph.evidencefilter.filtered_data`), cached under the filter's own name.
    For a SPARQL endpoint (a URL) the projection is built afresh: there is nowhere to cache.

    >>> verified = EvidenceFilter.from_codes(["verified"])
    >>> graph = load_projection(default_store_path(), evidence_filter=verified)  # doctest: +SKIP
    """

    def build() -> nx.MultiDiGraph:
        return build_projection(
            filtered_data(read_graph_data(store_path, scope=scope), evidence_filter)
        )

    if is_endpoint(store_path):
        return build()
    store_path = Path(store_path)
    version = store_version(store_path)["version"]
    name = PROJECTION_FILE if scope == "curated" else f"{scope}-{PROJECTION_FILE}"
    return cached_pickle(
        cache_directory(store_path, version) / evidence_filter.cache_name(name), build
    )


@dataclass
class MetapathGraph:
    """The part of a projection that walks of given metapaths can use, in plain dictionaries.

    It reads like a ``MultiDiGraph`` for :func:`metapath_paths` (``succ``, ``pred``,
    ``nodes``, ``in``) but loads without networkx, and is small: an edge that no walk of any
    metapath (from a node of its first type to a node of its last) passes through never
    shows up in an explanation, and most edges of the reference layer are such (the members
    of pathways that no drug acts on).
    """

    nodes: dict[str, dict[str, object]] = field(default_factory=dict)
    #: node -> neighbour -> predicate -> edge attributes (``pred``: the edges reaching it).
    succ: dict[str, dict[str, dict[str, dict[str, object]]]] = field(default_factory=dict)
    pred: dict[str, dict[str, dict[str, dict[str, object]]]] = field(default_factory=dict)

    def __contains__(self, node: object) -> bool:
        return node in self.nodes

    def add_node(self, node: str, attributes: dict[str, object]) -> None:
        if node not in self.nodes:
            self.nodes[node] = dict(attributes)
            self.succ[node] = {}
            self.pred[node] = {}


#: The edge attributes a found path shows (:class:`PathStep`).
STEP_ATTRIBUTES = ("predicate", "citations", "evidence_types", "statuses")
#: What :func:`metapath_paths` walks: a projection, or the part of it its metapaths use.
PathGraph = Union["nx.MultiDiGraph", MetapathGraph]


def metapath_graph(graph: PathGraph, metapaths: Iterable[Metapath]) -> MetapathGraph:
    """The edges of ``graph`` on some walk of one of ``metapaths``, with their end nodes.

    >>> from adcgraph.graphdata import GraphData
    >>> from adcgraph.hetmat import parse_metapath
    >>> data = GraphData("v", {"a": "ADC", "g": "Gene", "h": "Gene", "d": "Drug"},
    ...                  [("a", "hasTarget", "g"), ("d", "inhibits", "g"), ("d", "inhibits", "h")])
    >>> walked = [parse_metapath("ADC-hasTarget>Gene<inhibits-Drug")]
    >>> kept = metapath_graph(build_projection(data), walked)
    >>> sorted(kept.nodes), "h" in kept
    (['a', 'd', 'g'], False)
    """
    used: set[tuple[str, str, str]] = set()
    for metapath in metapaths:
        steps = metapath.steps
        first = {n for n, a in graph.nodes.items() if a["type"] == metapath.source_type}
        reach = [first]
        for step in steps:
            reach.append(
                {
                    neighbour
                    for node in reach[-1]
                    for neighbour, _, _ in _neighbours(graph, node, step)
                    if graph.nodes[neighbour]["type"] == step.target_type
                }
            )
        live = [reach[-1]]
        for position in range(len(steps) - 1, -1, -1):
            live.insert(
                0,
                {
                    neighbour
                    for node in live[0]
                    for neighbour, _, _ in _neighbours(graph, node, steps[position], reverse=True)
                    if neighbour in reach[position]
                },
            )
        for position, step in enumerate(steps):
            for node in live[position]:
                for neighbour, _, forward in _neighbours(graph, node, step):
                    if neighbour not in live[position + 1]:
                        continue
                    source, target = (node, neighbour) if forward else (neighbour, node)
                    used.add((source, target, step.predicate))
    # In the projection's order, so that searches meet neighbours as they would there.
    kept = MetapathGraph()
    ends = {node for source, target, _ in used for node in (source, target)}
    for node, attributes in graph.nodes.items():
        if node in ends:
            kept.add_node(node, attributes)
    shown: dict[tuple[str, str, str], dict[str, object]] = {}
    for node in kept.nodes:
        for neighbour, edges in graph.succ[node].items():
            for predicate, attributes in edges.items():
                if (node, neighbour, predicate) in used:
                    shown[node, neighbour, predicate] = {k: attributes[k] for k in STEP_ATTRIBUTES}
                    kept.succ[node].setdefault(neighbour, {})[predicate] = shown[
                        node, neighbour, predicate
                    ]
    for node in kept.nodes:  # predecessors in the projection's order too
        for source, edges in graph.pred[node].items():
            for predicate in edges:
                if (source, node, predicate) in used:
                    kept.pred[node].setdefault(source, {})[predicate] = shown[
                        source, node, predicate
                    ]
    return kept


def load_metapath_graph(
    store_path: Path | str,
    metapaths: Iterable[Metapath],
    scope: str = "reference",
    evidence_filter: EvidenceFilter = NO_FILTER,
) -> MetapathGraph:
    """The part of the ``scope`` projection the metapaths use, cached per store version.

    Built once (by ``adcgraph build``, which prepares the ranking caches); a warm ranking
    then loads a few thousand edges instead of the whole projection and networkx. An active
    ``evidence_filter`` walks the filtered projection (:func:`load_projection`), cached apart.
    """
    chosen = list(metapaths)

    def build() -> MetapathGraph:
        return metapath_graph(load_projection(store_path, scope, evidence_filter), chosen)

    if is_endpoint(store_path):
        return build()
    store_path = Path(store_path)
    version = store_version(store_path)["version"]
    digest = hashlib.sha256(" ".join(sorted(map(str, chosen))).encode()).hexdigest()[:12]
    name = evidence_filter.cache_name(f"{scope}-metapaths-{digest}.pickle")
    return cached_pickle(cache_directory(store_path, version) / name, build)


def shortest_paths(
    graph: nx.MultiDiGraph,
    source: str,
    target: str,
    *,
    k: int = 5,
    max_length: int = 6,
    filters: PathFilters = PathFilters(),
    time_limit_s: float = 10.0,
) -> PathSearch:
    """The ``k`` shortest simple paths between two nodes, edges walked in either direction.

    Bounded by count (``k``), length (``max_length`` edges) and time; ``truncated`` says
    which bound stopped the search.
    """
    import networkx as nx

    for node in (source, target):
        if node not in graph:
            raise QueryError(f"{vocab.compress(node)} is not a node of the path graph")
    view = _undirected_view(graph, filters, keep={source, target})
    search = PathSearch()
    if source not in view or target not in view or not nx.has_path(view, source, target):
        return search
    deadline = time.monotonic() + time_limit_s
    for nodes in nx.shortest_simple_paths(view, source, target):
        if len(nodes) - 1 > max_length:
            search.truncated, search.reason = True, f"longer paths exceed --max-length {max_length}"
            break
        search.paths.append(_explain(graph, nodes, filters))
        if len(search.paths) >= k:
            search.truncated, search.reason = True, f"stopped after {counted(k, 'path')} (--k)"
            break
        if time.monotonic() > deadline:
            search.truncated, search.reason = True, f"stopped after {time_limit_s:g} s"
            break
    return search


def _undirected_view(graph: nx.MultiDiGraph, filters: PathFilters, keep: set[str]) -> nx.Graph:
    import networkx as nx

    view = nx.Graph()
    for node, attributes in graph.nodes(data=True):
        if node in keep or filters.node_types is None or attributes["type"] in filters.node_types:
            view.add_node(node)
    for source, target, attributes in graph.edges(data=True):
        if source in view and target in view and filters.allows_edge(attributes):
            view.add_edge(source, target)
    return view


def _explain(graph: nx.MultiDiGraph, nodes: list[str], filters: PathFilters) -> FoundPath:
    steps = []
    for first, second in itertools.pairwise(nodes):
        forward = graph.has_edge(first, second)
        source, target = (first, second) if forward else (second, first)
        candidates = [a for a in graph[source][target].values() if filters.allows_edge(a)]
        steps.append(_step(first, second, candidates[0], forward))
    return FoundPath(tuple(nodes), tuple(steps))


def _step(source: str, target: str, attributes: dict[str, object], forward: bool) -> PathStep:
    return PathStep(
        source=source,
        predicate=str(attributes["predicate"]),
        target=target,
        forward=forward,
        citations=tuple(attributes["citations"]),  # type: ignore[arg-type]
        evidence_types=tuple(attributes["evidence_types"]),  # type: ignore[arg-type]
        statuses=tuple(attributes["statuses"]),  # type: ignore[arg-type]
    )


def metapath_paths(
    graph: PathGraph,
    source: str,
    target: str,
    metapath: Metapath,
    *,
    limit: int = 10,
    deadline: float | None = None,
) -> PathSearch:
    """Enumerate the paths from ``source`` to ``target`` that follow a metapath.

    >>> from adcgraph.graphdata import GraphData
    >>> from adcgraph.hetmat import parse_metapath
    >>> data = GraphData("v", {"a": "ADC", "g": "Gene", "d": "Drug"},
    ...                  [("a", "hasTarget", "g"), ("d", "inhibits", "g")])
    >>> found = metapath_paths(build_projection(data), "a", "d",
    ...                        parse_metapath("ADC-hasTarget>Gene<inhibits-Drug"))
    >>> found.paths[0].nodes
    ('a', 'g', 'd')
    """
    search = PathSearch()
    productive = _productive_nodes(graph, target, metapath.steps)
    for nodes, steps in _walk(graph, source, metapath.steps, productive, (source,), ()):
        search.paths.append(FoundPath(nodes, steps))
        if len(search.paths) >= limit:
            search.truncated, search.reason = True, f"stopped after {counted(limit, 'path')}"
            break
        if deadline is not None and time.monotonic() > deadline:
            search.truncated, search.reason = True, "stopped at the time limit"
            break
    return search


def _productive_nodes(
    graph: PathGraph, target: str, steps: tuple[Step, ...]
) -> list[frozenset[str]]:
    """Per position of the metapath, the nodes from which the rest of it reaches ``target``.

    Walking back from the target first means the forward walk never enters a branch that
    cannot end at the target: its cost follows the paths found, not the hubs passed.
    """
    reach = [frozenset({target}) if target in graph else frozenset()]
    for step in reversed(steps):
        before = {
            neighbour
            for node in reach[0]
            for neighbour, _, _ in _neighbours(graph, node, step, reverse=True)
            if graph.nodes[neighbour]["type"] == step.source_type
        }
        reach.insert(0, frozenset(before))
    return reach


def _walk(
    graph: PathGraph,
    node: str,
    steps: tuple[Step, ...],
    productive: list[frozenset[str]],
    nodes: tuple[str, ...],
    walked: tuple[PathStep, ...],
) -> Iterator[tuple[tuple[str, ...], tuple[PathStep, ...]]]:
    if not steps:
        yield nodes, walked
        return
    step, rest, ahead = steps[0], steps[1:], productive[1]
    for neighbour, attributes, forward in _neighbours(graph, node, step):
        if neighbour in nodes or neighbour not in ahead:
            continue
        path_step = _step(node, neighbour, attributes, forward)
        yield from _walk(
            graph, neighbour, rest, productive[1:], (*nodes, neighbour), (*walked, path_step)
        )


def _neighbours(
    graph: PathGraph, node: str, step: Step, *, reverse: bool = False
) -> Iterator[tuple[str, dict[str, object], bool]]:
    """The nodes one ``step`` away from ``node`` (``reverse``: the nodes it is one step from).

    Edges are keyed by predicate, so each neighbour has at most one edge of the step's kind.
    """
    followed = {"forward": (True,), "backward": (False,), "both": (True, False)}[step.direction]
    for forward in followed:
        adjacency = graph.succ if forward != reverse else graph.pred
        for neighbour, edges in adjacency[node].items():
            attributes = edges.get(step.predicate)
            if attributes is not None:
                yield neighbour, attributes, forward
