"""Write imported quads into an existing store in one transaction, then bump its version.

Importers collect every quad first and call :func:`commit_quads` once, so a failure while
reading a file leaves the store untouched, and the write itself is all or nothing.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import pyoxigraph as ox

from adcgraph import publish, store
from adcgraph.errors import StoreError

#: Above this many quads an import is bulk-loaded into a copy of the store and swapped in.
BULK_LOAD_QUADS = 200_000


def commit_quads(
    store_path: Path, quads: Iterable[ox.Quad], *, note: str, replace_graphs: Sequence[str] = ()
) -> int:
    """Add ``quads`` to the store atomically (replacing ``replace_graphs`` first); return the count.

    Replacing a graph runs as one SPARQL update (DROP, then INSERT DATA), which Oxigraph
    executes in a single transaction; plain additions use ``Store.extend``, also one
    transaction. The store's version changes, so caches keyed by it are rebuilt.

    >>> commit_quads(Path("var/store"), quads, note="obo:doid")  # doctest: +SKIP
    21034
    """
    quads = list(quads)
    with publish.writer(store_path):
        if len(quads) > BULK_LOAD_QUADS and not replace_graphs:
            _commit_by_swap(store_path, quads, note)
            return len(quads)
        before = store.store_version(store_path)["version"]
        publish.begin(store_path, {"kind": "transaction", "version_before": before, "note": note})
        publish.fault_point("commit.journaled")
        try:
            with store.writable_store(store_path) as writable:
                if replace_graphs:
                    drops = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in replace_graphs)
                    writable.update(f"{drops} ;\n{_insert_data(quads)}" if quads else drops)
                else:
                    writable.extend(quads)
        except OSError as error:
            publish.end(store_path)  # the transaction did not commit: nothing to recover
            raise StoreError(
                f"cannot write the store {store_path}: {error}; nothing was imported"
            ) from None
        publish.fault_point("commit.written")
        bump_store_version(store_path, note, len(quads))
        publish.end(store_path)
    return len(quads)


def _commit_by_swap(store_path: Path, quads: list[ox.Quad], note: str) -> None:
    # A transaction holds every quad in memory and writes about 30k quads/s; a bulk load is
    # several times faster but not transactional, so it goes into a copy that is swapped in.
    store.store_version(store_path)  # fails early, with the usual message, if no store
    with publish.staging_dir(store_path, "import") as work:
        staging = work / "store"
        shutil.copytree(store_path, staging)
        publish.write_marker(staging)
        staged = ox.Store(str(staging))
        staged.bulk_extend(quads)
        staged.flush()
        del staged
        bump_store_version(staging, note, len(quads))
        store.swap_directory(staging, store_path)


def _insert_data(quads: list[ox.Quad]) -> str:
    by_graph: dict[str, list[str]] = {}
    for quad in quads:
        by_graph.setdefault(str(quad.graph_name), []).append(
            f"{quad.subject} {quad.predicate} {quad.object} ."
        )
    blocks = "\n".join(
        f"GRAPH {graph} {{\n{chr(10).join(lines)}\n}}" for graph, lines in by_graph.items()
    )
    return f"INSERT DATA {{\n{blocks}\n}}"


def bump_store_version(store_path: Path, note: str, quad_count: int) -> dict[str, str]:
    """Give the store a new version after an import and record what was imported.

    >>> bump_store_version(Path("var/store"), "sssom: positive.sssom.tsv", 9)  # doctest: +SKIP
    {'adcgraph': '0.1.0', 'imports': '...', 'version': '...'}
    """
    record = dict(store.store_version(store_path))
    imports = [*filter(None, record.get("imports", "").split("\n")), f"{note} ({quad_count} quads)"]
    record["imports"] = "\n".join(imports)
    digest = hashlib.sha256(f"{record['version']}\n{note}\n{quad_count}".encode()).hexdigest()
    record["version"] = digest[:16]
    store.write_version(store_path, record)
    return record
