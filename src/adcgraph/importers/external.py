"""Write a normalised layer (:mod:`adcgraph.importers.records`) into its own import graph.

The layer is read completely first. Small layers replace ``graph/import/<name>`` in one
transaction; large ones are bulk-loaded into a copy of the store (with the graph's previous
content removed) that is swapped in. Either way a bad file leaves the store as it was, and a
repeated import replaces the previous one.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from adcgraph import store, vocab
from adcgraph.importers import ImportOptions, ImportReport
from adcgraph.importers.loading import BULK_LOAD_QUADS, bump_store_version, commit_quads
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
    if len(quads) > BULK_LOAD_QUADS:
        _replace_by_swap(store_path, target, quads, note)
        count = len(quads)
    else:
        count = commit_quads(store_path, quads, note=note, replace_graphs=[graph])
    warnings = tuple(
        f"{what}: {number} not mapped (e.g. {', '.join(layer.unmapped_examples[what])})"
        for what, number in sorted(layer.unmapped.items())
    )
    return ImportReport(fmt, graph, tuple(str(p) for p in paths), count, layer.summary(), warnings)


def _replace_by_swap(
    store_path: Path, graph: ox.NamedNode, quads: list[ox.Quad], note: str
) -> None:
    # A transaction of this size is slow (about 30k quads/s); the bulk loader is not
    # transactional, so it writes into a copy of the store that replaces the original.
    store.store_version(store_path)
    staging = Path(tempfile.mkdtemp(prefix=f".{store_path.name}.importing-", dir=store_path.parent))
    try:
        shutil.copytree(store_path, staging, dirs_exist_ok=True)
        staged = ox.Store(str(staging))
        if graph in set(staged.named_graphs()):
            staged.remove_graph(graph)
        staged.bulk_extend(quads)
        staged.flush()
        del staged
        bump_store_version(staging, note, len(quads))
        store.swap_directory(staging, store_path)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
