"""Counts per class and per predicate, for `adcgraph stats` and the README."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.store import Backend

_CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?node) AS ?count) WHERE {
  GRAPH ?graph { ?node a ?class }
  FILTER(?graph != <%(ontology)s>)
} GROUP BY ?class ORDER BY DESC(?count) ?class
"""
_PREDICATE_COUNTS = """
SELECT ?predicate (COUNT(*) AS ?count) WHERE {
  GRAPH ?graph { ?s ?predicate ?o }
  FILTER(?graph != <%(ontology)s>)
} GROUP BY ?predicate ORDER BY DESC(?count) ?predicate
"""
_GRAPH_COUNTS = """
SELECT ?graph (COUNT(*) AS ?count) WHERE { GRAPH ?graph { ?s ?p ?o } }
GROUP BY ?graph ORDER BY ?graph
"""


@dataclass(frozen=True)
class GraphStats:
    """How many nodes per class, triples per predicate and triples per named graph."""

    classes: dict[str, int]
    predicates: dict[str, int]
    graphs: dict[str, int]


def graph_stats(backend: Backend) -> GraphStats:
    """Count the store's content outside the ontology graph, with CURIEs as keys.

    >>> stats = graph_stats(open_backend())  # doctest: +SKIP
    >>> stats.classes["adco:ADC"] >= 20  # doctest: +SKIP
    True
    """
    names = {"ontology": vocab.ONTOLOGY_GRAPH}
    return GraphStats(
        classes=_counts(backend, _CLASS_COUNTS % names, "class"),
        predicates=_counts(backend, _PREDICATE_COUNTS % names, "predicate"),
        graphs=_counts(backend, _GRAPH_COUNTS, "graph"),
    )


def _counts(backend: Backend, query: str, key: str) -> dict[str, int]:
    result = backend.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return {
        vocab.compress(row[key].value): int(row["count"].value)
        for row in result
        if row[key] is not None
    }
