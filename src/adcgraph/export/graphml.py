"""GraphML export that strict readers accept (graphology, igraph, yEd, Gephi, networkx).

Node ids are XML NMTOKENs (the KGX CURIE where it is one, else ``n<number>``) and every
edge has its own id; attributes are declared once with their GraphML types, and each node
carries its CURIE, IRI, label, project type and Biolink category.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import quoteattr

from adcgraph import vocab
from adcgraph.export.kgx import Alignment, kgx_curie

NMTOKEN = re.compile(r"^[A-Za-z0-9._:\-]+$")
#: (key id, domain, name, GraphML type).
KEYS = (
    ("d0", "node", "curie", "string"),
    ("d1", "node", "iri", "string"),
    ("d2", "node", "label", "string"),
    ("d3", "node", "type", "string"),
    ("d4", "node", "category", "string"),
    ("d5", "edge", "predicate", "string"),
    ("d6", "edge", "biolink_predicate", "string"),
    ("d7", "edge", "citations", "string"),
    ("d8", "edge", "evidence_types", "string"),
    ("d9", "edge", "statuses", "string"),
    ("d10", "edge", "diseases", "string"),
    ("d11", "edge", "claim_count", "int"),
    ("d12", "edge", "verified", "boolean"),
)


def node_ids(nodes: list[str]) -> dict[str, str]:
    """IRI -> GraphML node id: the KGX CURIE when it is a unique NMTOKEN, else ``n<i>``.

    >>> node_ids(["http://identifiers.org/hgnc/3430", "https://doi.org/10.1/x"])
    {'http://identifiers.org/hgnc/3430': 'HGNC:3430', 'https://doi.org/10.1/x': 'n1'}
    """
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for number, node in enumerate(nodes):
        curie = kgx_curie(node)
        chosen = curie if NMTOKEN.match(curie) and curie not in taken else f"n{number}"
        ids[node] = chosen
        taken.add(chosen)
    return ids


def graphml_bytes(data: Any, alignment: Alignment | None = None) -> bytes:
    """The typed graph of ``data`` (GraphData) as GraphML, deterministic.

    >>> from adcgraph.graphdata import GraphData
    >>> data = GraphData("v", {"a": "ADC", "g": "Gene"}, [("a", "hasTarget", "g")])
    >>> text = graphml_bytes(data).decode()
    >>> '<edge id="e0" source="a" target="g">' in text
    True
    """
    return "".join(_lines(data, alignment or Alignment({}, {}))).encode("utf-8")


def _lines(data: Any, alignment: Alignment) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield (
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for key, domain, name, kind in KEYS:
        yield f'  <key id="{key}" for="{domain}" attr.name="{name}" attr.type="{kind}"/>\n'
    yield '  <graph id="adcgraph" edgedefault="directed">\n'
    nodes = sorted(data.node_types)
    ids = node_ids(nodes)
    for node in nodes:
        node_type = data.node_types[node]
        node_class = data.classes.get(node) or node_type
        values = {
            "d0": vocab.compress(node),
            "d1": node,
            "d2": data.label(node),
            "d3": node_type,
            "d4": alignment.category(node_class),
        }
        yield f"    <node id={quoteattr(ids[node])}>{_data(values)}</node>\n"
    edges = sorted({e for e in data.edges if e[0] in ids and e[2] in ids})
    for number, (source, predicate, target) in enumerate(edges):
        evidence = data.evidence.get((source, predicate, target), [])
        values = {
            "d5": predicate,
            "d6": alignment.predicates.get(predicate, "biolink:related_to"),
            "d7": "|".join(sorted({c for e in evidence for c in e.citations})),
            "d8": "|".join(sorted({_local(e.evidence_type) for e in evidence})),
            "d9": "|".join(sorted({_local(e.status) for e in evidence})),
            "d10": "|".join(sorted({vocab.compress(e.disease) for e in evidence if e.disease})),
            "d11": str(len({e.claim for e in evidence})),
            "d12": "true" if any(_local(e.status) == "Verified" for e in evidence) else "false",
        }
        yield (
            f'    <edge id="e{number}" source={quoteattr(ids[source])} '
            f"target={quoteattr(ids[target])}>{_data(values)}</edge>\n"
        )
    yield "  </graph>\n</graphml>\n"


def _data(values: dict[str, str]) -> str:
    return "".join(f'<data key="{k}">{_escape(v)}</data>' for k, v in values.items() if v)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _local(value: str) -> str:
    return value.removeprefix(vocab.ONTOLOGY) if value else ""
