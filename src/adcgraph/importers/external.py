"""Write a normalised layer (:mod:`adcgraph.importers.records`) into its own import graph.

The layer is read completely first, then bulk-loaded into a draft generation of the store with
the graph's previous content removed (:func:`adcgraph.importers.loading.commit_quads`), so a bad
file leaves the store as it was and a repeated import replaces the previous one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.importers import ImportOptions, ImportReport
from adcgraph.importers.loading import commit_quads
from adcgraph.importers.records import Layer, layer_triples


def commit_layer(
    fmt: str, layer: Layer, paths: Sequence[Path], store_path: Path, options: ImportOptions
) -> ImportReport:
    """Replace ``graph/import/<name>`` with the layer's triples; report counts and unmapped ids."""
    name = options.name or layer.info.name
    graph = vocab.IMPORT_GRAPH_PREFIX + name
    target = ox.NamedNode(graph)
    quads = [ox.Quad(t.subject, t.predicate, t.object, target) for t in layer_triples(layer, graph)]
    note = f"{fmt}: {name} {layer.info.release}"
    count = commit_quads(store_path, quads, note=note, replace_graphs=[graph])
    warnings = tuple(
        f"{what}: {number} not mapped (e.g. {', '.join(layer.unmapped_examples[what])})"
        for what, number in sorted(layer.unmapped.items())
    )
    return ImportReport(fmt, graph, tuple(str(p) for p in paths), count, layer.summary(), warnings)
