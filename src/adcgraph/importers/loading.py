"""Write imported quads into a new generation of an existing store, with a new version.

Importers collect every quad first and call :func:`commit_quads` once, so a failure while
reading a file leaves the store untouched; the write goes into a private copy of the store
(:func:`adcgraph.storage.store.draft_generation`) that readers see only once it is complete.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from adcgraph.errors import StoreError
from adcgraph.storage import publish, store


def commit_quads(
    store_path: Path, quads: Iterable[ox.Quad], *, note: str, replace_graphs: Sequence[str] = ()
) -> int:
    """Add ``quads`` to the store atomically (replacing ``replace_graphs`` first); return the count.

    The quads are bulk-loaded into a draft generation (a copy of the store), which is
    published with a new version, so caches keyed by the version are rebuilt.

    >>> commit_quads(Path("var/store"), quads, note="obo:doid")  # doctest: +SKIP
    21034
    """
    quads = list(quads)
    with publish.writer(store_path):
        record = store.store_version(store_path)
        with store.draft_generation(store_path) as draft:
            publish.fault_point("commit.journaled")
            try:
                for graph in replace_graphs:
                    draft.store.remove_graph(ox.NamedNode(graph))
                draft.store.bulk_extend(quads)
                draft.store.flush()
            except OSError as error:
                failure = f"cannot write the store {store_path}: {error}; nothing was imported"
            else:
                failure = None
                publish.fault_point("commit.written")
                draft.publish(import_record(record, note, len(quads)))
        if failure is not None:
            raise StoreError(failure)
    return len(quads)


def import_record(record: dict[str, str], note: str, quad_count: int) -> dict[str, str]:
    """The version record after an import: a new version, the import listed.

    >>> new = import_record({"version": "v1", "adcgraph": "0.1.0"}, "sssom:pos.sssom.tsv", 9)
    >>> new["imports"], new["version"] != "v1"
    ('sssom:pos.sssom.tsv (9 quads)', True)
    """
    updated = dict(record)
    imports = [*filter(None, updated.get("imports", "").split("\n"))]
    imports.append(f"{note} ({quad_count} quads)")
    updated["imports"] = "\n".join(imports)
    digest = hashlib.sha256(f"{record['version']}\n{note}\n{quad_count}".encode()).hexdigest()
    updated["version"] = digest[:16]
    return updated
