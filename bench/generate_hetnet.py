"""Seeded synthetic hetnet shaped like the adcgraph schema, streamed as RDF or KGX.

    python bench/generate_hetnet.py --triples 1000000 --out /tmp/hetnet1M.nt
    python bench/generate_hetnet.py --triples 2000000 --out /tmp/h.ttl --format ttl
    python bench/generate_hetnet.py --triples 5000 --out /tmp/h --format kgx  # h_nodes/h_edges

Most nodes are genes, drugs and diseases; ADCs, resistance mechanisms, strategies and
payload classes are few. Every node has a lognormal popularity that it keeps in every
relation, so degrees are skewed (a few hub genes, a long tail). Each node yields an
``rdf:type`` and an ``rdfs:label`` triple; edges use camelCase predicates in
``https://w3id.org/adcgraph/ontology#``. Output is written per batch of source nodes, so
memory stays flat (10M triples need no more than 1M do, apart from per-node arrays).
The same seed and size give byte-identical output.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, TextIO

import numpy as np

ONTOLOGY = "https://w3id.org/adcgraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SYNTHETIC = "https://w3id.org/adcgraph/synthetic/"
TRIPLES_PER_NODE = 2  # rdf:type and rdfs:label
POPULARITY_SIGMA = 1.1  # lognormal sigma: p99 / median degree about 13, as in the performance notes
SOURCES_PER_BATCH = 2000
RESAMPLING_ROUNDS = 3


@dataclass(frozen=True)
class NodeKind:
    """A node class: its share of nodes, a floor for tiny graphs and its IRI shape."""

    name: str
    share: float
    minimum: int
    iri_prefix: str
    id_base: int
    id_stride: int
    id_digits: int


@dataclass(frozen=True)
class EdgeKind:
    """A relation between two node classes; ``per_source`` fixes each source's out-degree."""

    source: str
    predicate: str
    target: str
    share: float = 0.0
    per_source: int = 0


NODE_KINDS = (
    NodeKind("Gene", 0.60, 10, "http://identifiers.org/hgnc/", 5, 2, 0),
    NodeKind("Drug", 0.16, 6, "http://purl.obolibrary.org/obo/CHEBI_", 10000, 5, 0),
    NodeKind("Disease", 0.14, 6, "http://purl.obolibrary.org/obo/MONDO_", 1, 7, 7),
    NodeKind("ADC", 0.01, 3, SYNTHETIC + "adc/", 1, 1, 3),
    NodeKind("ResistanceMechanism", 0.025, 3, SYNTHETIC + "mechanism/", 1, 1, 3),
    NodeKind("Strategy", 0.025, 3, SYNTHETIC + "strategy/", 1, 1, 3),
    NodeKind("PayloadClass", 0.0002, 4, SYNTHETIC + "payload-class/", 1, 1, 3),
)

EDGE_KINDS = (
    EdgeKind("Gene", "interactsWith", "Gene", share=0.36),
    EdgeKind("Gene", "associatedWith", "Disease", share=0.20),
    EdgeKind("Drug", "inhibits", "Gene", share=0.22),
    EdgeKind("Drug", "treats", "Disease", share=0.08),
    EdgeKind("ADC", "hasTarget", "Gene", per_source=1),
    EdgeKind("ADC", "hasPayloadClass", "PayloadClass", per_source=1),
    EdgeKind("ResistanceMechanism", "confersResistanceTo", "ADC", share=0.035),
    EdgeKind("ResistanceMechanism", "confersResistanceTo", "PayloadClass", share=0.005),
    EdgeKind("ResistanceMechanism", "involvesGene", "Gene", share=0.04),
    EdgeKind("Strategy", "addresses", "ResistanceMechanism", share=0.02),
    EdgeKind("Strategy", "usesDrug", "Drug", share=0.02),
    EdgeKind("Strategy", "usesAdc", "ADC", share=0.02),
)

LABEL_STEMS = {
    "Gene": ("ERBB", "TOP", "SLC", "ABCB", "KRT", "ZNF", "TMEM", "CD", "IL", "MAP3K"),
    "Drug": ("tinib", "ciclib", "parib", "rafenib", "lisib", "mab", "platin", "taxel"),
    "Disease": ("carcinoma", "adenocarcinoma", "lymphoma", "sarcoma", "leukemia"),
    "ADC": ("vedotin", "deruxtecan", "emtansine", "govitecan", "tesirine"),
    "ResistanceMechanism": ("efflux", "antigen loss", "lysosomal defect", "payload target"),
    "Strategy": ("combination", "sequencing", "bispecific switch", "payload switch"),
    "PayloadClass": ("auristatin", "maytansinoid", "camptothecin", "PBD dimer", "calicheamicin"),
}


class SyntheticNode(NamedTuple):
    """A generated node: IRI, class local name and label."""

    iri: str
    kind: str
    label: str


class SyntheticEdge(NamedTuple):
    """A generated edge with the classes of both ends (handy for typed graph builders)."""

    source: str
    predicate: str
    target: str
    source_kind: str
    target_kind: str


@dataclass(frozen=True)
class HetnetPlan:
    """How many nodes of each kind and edges of each kind a generated hetnet has."""

    node_counts: dict[str, int]
    edge_counts: tuple[int, ...]  # aligned with EDGE_KINDS

    @property
    def n_nodes(self) -> int:
        """Total nodes."""
        return sum(self.node_counts.values())


def nodes_for_edges(n_edges: int) -> int:
    """Node count that grows slower than edges: ~48k nodes for 2M edges, ~770 for 2k.

    >>> nodes_for_edges(2_000_000)
    48273
    """
    return max(40, round(8 * n_edges**0.6))


def plan_for_edges(n_edges: int) -> HetnetPlan:
    """Node counts per kind and the split of ``n_edges`` over edge kinds.

    >>> plan_for_edges(10_000).node_counts["Gene"] > plan_for_edges(10_000).node_counts["ADC"]
    True
    """
    n_nodes = nodes_for_edges(n_edges)
    node_counts = {kind.name: max(kind.minimum, round(kind.share * n_nodes)) for kind in NODE_KINDS}
    fixed = sum(kind.per_source * node_counts[kind.source] for kind in EDGE_KINDS)
    shared = max(0, n_edges - fixed)
    total_share = sum(kind.share for kind in EDGE_KINDS)
    edge_counts = tuple(
        kind.per_source * node_counts[kind.source]
        if kind.per_source
        else round(shared * kind.share / total_share)
        for kind in EDGE_KINDS
    )
    return HetnetPlan(node_counts=node_counts, edge_counts=edge_counts)


def edges_for_triples(n_triples: int) -> int:
    """Edge count whose hetnet, with type and label triples, totals about ``n_triples``.

    >>> abs(edges_for_triples(100_000) + 2 * nodes_for_edges(edges_for_triples(100_000))
    ...     - 100_000) < 10
    True
    """
    n_edges = n_triples
    for _ in range(50):
        n_edges = max(1, n_triples - TRIPLES_PER_NODE * nodes_for_edges(n_edges))
    return n_edges


def _kind_index(name: str) -> int:
    return [kind.name for kind in NODE_KINDS].index(name)


def _node_iris(kind: NodeKind, count: int, seed: int) -> list[str]:
    """Increasing, gap-spaced identifiers so they look like real registry numbers."""
    rng = np.random.default_rng([seed, 1, _kind_index(kind.name)])
    jitter = rng.integers(0, kind.id_stride, size=count)
    numbers = kind.id_base + np.arange(count) * kind.id_stride + jitter
    return [f"{kind.iri_prefix}{number:0{kind.id_digits}d}" for number in numbers.tolist()]


def _labels(kind: NodeKind, count: int, seed: int) -> list[str]:
    rng = np.random.default_rng([seed, 3, _kind_index(kind.name)])
    stems = LABEL_STEMS[kind.name]
    choices = rng.integers(0, len(stems), size=count).tolist()
    if kind.name == "Gene":
        return [f"{stems[c]}{i + 1}" for i, c in enumerate(choices)]
    if kind.name in ("Drug", "ADC"):
        return [f"synthetic-{i + 1} {stems[c]}" for i, c in enumerate(choices)]
    return [f"synthetic {stems[c]} {i + 1}" for i, c in enumerate(choices)]


def _popularity(kind_name: str, count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng([seed, 4, _kind_index(kind_name)])
    weights = rng.lognormal(mean=0.0, sigma=POPULARITY_SIGMA, size=count)
    return weights / weights.sum()


def generate_nodes(n_edges: int, seed: int = 42) -> Iterator[SyntheticNode]:
    """Every node of the hetnet that :func:`generate_edges` draws edges between.

    >>> next(generate_nodes(1000, seed=1)).kind
    'Gene'
    """
    plan = plan_for_edges(n_edges)
    for kind in NODE_KINDS:
        count = plan.node_counts[kind.name]
        iris = _node_iris(kind, count, seed)
        labels = _labels(kind, count, seed)
        for iri, label in zip(iris, labels, strict=True):
            yield SyntheticNode(iri, kind.name, label)


def _edge_batches(
    kind: EdgeKind, n_edges: int, node_counts: dict[str, int], seed: int, kind_number: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(source index, target index) arrays, one batch of sources at a time, no repeats."""
    n_sources, n_targets = node_counts[kind.source], node_counts[kind.target]
    same_kind = kind.source == kind.target
    rng = np.random.default_rng([seed, 2, kind_number])
    source_weights = _popularity(kind.source, n_sources, seed)
    target_cdf = np.cumsum(_popularity(kind.target, n_targets, seed))
    target_cdf[-1] = 1.0
    if kind.per_source:
        degrees = np.full(n_sources, kind.per_source, dtype=np.int64)
    else:
        degrees = rng.multinomial(n_edges, source_weights)
    degrees = np.minimum(degrees, n_targets - 1 if same_kind else n_targets)

    for start in range(0, n_sources, SOURCES_PER_BATCH):
        wanted = degrees[start : start + SOURCES_PER_BATCH]
        batch_sources = np.arange(start, start + len(wanted))
        keys = np.empty(0, dtype=np.int64)
        missing = wanted
        for _ in range(RESAMPLING_ROUNDS):
            sources = np.repeat(batch_sources, missing)
            targets = np.searchsorted(target_cdf, rng.random(len(sources)), side="right")
            targets = np.minimum(targets, n_targets - 1)
            fresh = sources * n_targets + targets
            if same_kind:
                fresh = fresh[sources != targets]
            # Each round draws at most the missing count per source, so no cap is needed.
            keys = np.union1d(keys, fresh)
            have = np.bincount(keys // n_targets - start, minlength=len(wanted))
            missing = wanted - have
            if not missing.any():
                break
        yield keys // n_targets, keys % n_targets


def generate_edges(n_edges: int, seed: int = 42) -> Iterator[SyntheticEdge]:
    """About ``n_edges`` distinct edges (a few percent fewer when hubs saturate).

    >>> edges = list(generate_edges(2000, seed=1))
    >>> 1900 < len(edges) <= 2000 and edges[0].predicate.endswith("#interactsWith")
    True
    """
    plan = plan_for_edges(n_edges)
    iris = {kind.name: _node_iris(kind, plan.node_counts[kind.name], seed) for kind in NODE_KINDS}
    for number, (kind, count) in enumerate(zip(EDGE_KINDS, plan.edge_counts, strict=True)):
        predicate = ONTOLOGY + kind.predicate
        source_iris, target_iris = iris[kind.source], iris[kind.target]
        for sources, targets in _edge_batches(kind, count, plan.node_counts, seed, number):
            for source, target in zip(sources.tolist(), targets.tolist(), strict=True):
                yield SyntheticEdge(
                    source_iris[source], predicate, target_iris[target], kind.source, kind.target
                )


# --- serialisation ----------------------------------------------------------------------


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _write_ntriples(
    nodes: Iterator[SyntheticNode], edges: Iterator[SyntheticEdge], out: TextIO
) -> int:
    written = 0
    for node in nodes:
        out.write(f"<{node.iri}> <{RDF_TYPE}> <{ONTOLOGY}{node.kind}> .\n")
        out.write(f"<{node.iri}> <{RDFS_LABEL}> {_literal(node.label)} .\n")
        written += TRIPLES_PER_NODE
    for edge in edges:
        out.write(f"<{edge.source}> <{edge.predicate}> <{edge.target}> .\n")
        written += 1
    return written


def _write_turtle(
    nodes: Iterator[SyntheticNode], edges: Iterator[SyntheticEdge], out: TextIO
) -> int:
    out.write(
        f"@prefix adc: <{ONTOLOGY}> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
    )
    written = 0
    for node in nodes:
        out.write(f"<{node.iri}> a adc:{node.kind} ;\n    rdfs:label {_literal(node.label)} .\n")
        written += TRIPLES_PER_NODE
    # Edges arrive grouped by (predicate, source): one statement per group.
    group_key: tuple[str, str] | None = None
    objects: list[str] = []
    for edge in edges:
        key = (edge.source, edge.predicate)
        if key != group_key and objects:
            _write_turtle_group(out, group_key, objects)
            objects = []
        group_key = key
        objects.append(f"<{edge.target}>")
        written += 1
    if objects:
        _write_turtle_group(out, group_key, objects)
    return written


def _write_turtle_group(out: TextIO, key: tuple[str, str] | None, objects: list[str]) -> None:
    assert key is not None
    source, predicate = key
    out.write(f"<{source}> adc:{predicate.removeprefix(ONTOLOGY)} {', '.join(objects)} .\n")


def curie(iri: str) -> str:
    """Compact identifier for KGX output.

    >>> curie("http://purl.obolibrary.org/obo/MONDO_0000008")
    'MONDO:0000008'
    """
    for prefix, replacement in (
        (NODE_KINDS[0].iri_prefix, "HGNC:"),
        ("http://purl.obolibrary.org/obo/MONDO_", "MONDO:"),
        ("http://purl.obolibrary.org/obo/CHEBI_", "CHEBI:"),
        (SYNTHETIC, "adcgraph:synthetic/"),
        (ONTOLOGY, "adco:"),
    ):
        if iri.startswith(prefix):
            return replacement + iri.removeprefix(prefix)
    return iri


KGX_CATEGORIES = {"Gene": "biolink:Gene", "Drug": "biolink:Drug", "Disease": "biolink:Disease"}


def _write_kgx(
    nodes: Iterator[SyntheticNode], edges: Iterator[SyntheticEdge], out_path: Path
) -> int:
    """KGX JSON Lines: ``<stem>_nodes.jsonl`` and ``<stem>_edges.jsonl``; returns records."""
    stem = out_path.with_suffix("") if out_path.suffix else out_path
    written = 0
    with open(f"{stem}_nodes.jsonl", "w", encoding="utf-8") as node_file:
        for node in nodes:
            category = KGX_CATEGORIES.get(node.kind, f"adco:{node.kind}")
            record = {"id": curie(node.iri), "category": [category], "name": node.label}
            node_file.write(json.dumps(record) + "\n")
            written += 1
    with open(f"{stem}_edges.jsonl", "w", encoding="utf-8") as edge_file:
        for edge in edges:
            record = {
                "subject": curie(edge.source),
                "predicate": curie(edge.predicate),
                "object": curie(edge.target),
            }
            edge_file.write(json.dumps(record) + "\n")
            written += 1
    return written


def write_hetnet(out_path: Path, n_triples: int, seed: int = 42, fmt: str = "nt") -> int:
    """Write a hetnet of about ``n_triples`` triples; returns triples (KGX: records) written.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_hetnet(pathlib.Path(tmp, "h.nt"), 3000, seed=1) > 2800
    True
    """
    n_edges = edges_for_triples(n_triples)
    nodes = generate_nodes(n_edges, seed)
    edges = generate_edges(n_edges, seed)
    if fmt == "kgx":
        return _write_kgx(nodes, edges, out_path)
    writer = _write_ntriples if fmt == "nt" else _write_turtle
    with open(out_path, "w", encoding="utf-8", buffering=1 << 20) as out:
        return writer(nodes, edges, out)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=lambda text: int(float(text)), required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--format", choices=("nt", "ttl", "kgx"), default="nt")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    written = write_hetnet(args.out, args.triples, args.seed, args.format)
    elapsed = time.perf_counter() - started
    unit = "records" if args.format == "kgx" else "triples"
    print(
        f"wrote {written:,} {unit} to {args.out} ({args.format}) in {elapsed:.1f} s "
        f"({written / max(elapsed, 1e-9):,.0f} {unit}/s); asked for {args.triples:,}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
