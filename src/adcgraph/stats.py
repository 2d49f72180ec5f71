"""Counts per class and per predicate, for `adcgraph stats` and the README."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.storage.store import Backend

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


_SOURCES = """
SELECT ?graph ?title ?release ?date ?licence ?source WHERE {
  GRAPH ?graph { ?graph a adco:SourceRelease ; dcterms:title ?title ; dcterms:hasVersion ?release ;
                        dcterms:issued ?date ; dcterms:license ?licence ; dcterms:source ?source }
} ORDER BY ?graph
"""


@dataclass(frozen=True)
class GraphStats:
    """How many nodes per class, triples per predicate and per named graph; graph metadata."""

    classes: dict[str, int]
    predicates: dict[str, int]
    graphs: dict[str, int]
    #: Imported and reference graphs: source title, release, date, licence and origin.
    sources: dict[str, dict[str, str]] = field(default_factory=dict)


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
        sources=_sources(backend),
    )


def _sources(backend: Backend) -> dict[str, dict[str, str]]:
    result = backend.query(_SOURCES)
    assert isinstance(result, ox.QuerySolutions)
    return {
        vocab.compress(row["graph"].value): {
            key: row[key].value for key in ("title", "release", "date", "licence", "source")
        }
        for row in result
    }


def _counts(backend: Backend, query: str, key: str) -> dict[str, int]:
    result = backend.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return {
        vocab.compress(row[key].value): int(row["count"].value)
        for row in result
        if row[key] is not None
    }
