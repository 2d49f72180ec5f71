"""Crash-safe publishing of a store: its marker, the writer lock, the journal and recovery.

Standard library only. Everything a build or an import writes beside a store lives in paths
derived from the store's own name, so nothing else in its folder is ever touched:

* ``STORE/adcgraph-store`` marks a directory the project created; nothing else is ever
  replaced or deleted (a directory holding only the version record, from older releases,
  counts as a store too).
* ``STORE/g-*/``: the store's generations (:mod:`adcgraph.storage.generations`). Builds and imports
  write a new generation and publish it by replacing the version record; readers keep the
  one they opened. A draft a crash left behind is deleted at the next start.
* ``.STORE.lock``: one writer at a time (``flock``); a reader takes it only to recover.
* ``.STORE.journal.json``: written before a swap of the whole directory (a new store, or
  converting an older-layout one) and removed after it, so the next start (:func:`prepare`)
  can finish it.
* ``.STORE.staging/``: working directories of builds, imports and the reasoner, each locked
  by its owner while in use; the ones whose owner died are deleted at the next start.

Crashes are injected deterministically for tests: with ``ADCGRAPH_FAULT=<point>`` set, the
process exits at once (``os._exit(137)``, as after ``kill -9``) when it reaches that point.

>>> sidecar(Path("/data/store"), "lock")
PosixPath('/data/.store.lock')
>>> sorted(FAULT_POINTS)[:2]
['build.staged', 'bulk.journaled']
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from adcgraph.errors import StoreError
from adcgraph.storage import atomicfile, generations
from adcgraph.storage.locations import VERSION_FILE

MARKER_FILE = "adcgraph-store"
MARKER_TEXT = "This directory is an adcgraph store; adcgraph may replace or delete it.\n"
FAULT_ENV = "ADCGRAPH_FAULT"
#: Every named crash point, in the order a build or an import reaches them.
FAULT_POINTS = frozenset(
    {
        "build.staged",  # the new store or generation is complete, not yet published
        "swap.journaled",  # a directory swap is journaled, nothing renamed yet
        "swap.retired",  # the old store is renamed away, the new one not yet in place
        "swap.renamed",  # the new store is in place, the old one not yet deleted
        "replace.journaled",  # a build's draft generation (a copy) exists, not yet written
        "replace.written",  # the draft's graphs are replaced, the draft not yet published
        "bulk.journaled",  # a bulk import's draft generation exists, nothing loaded yet
        "bulk.loading",  # a bulk import has loaded its first file into the draft
        "bulk.loaded",  # a bulk import has loaded everything, the draft not yet published
        "bulk.versioned",  # the draft is published, older generations not yet deleted
        "commit.journaled",  # an import's draft generation exists, not yet written
        "commit.written",  # an import is written into the draft, not yet published
    }
)
BULK_LEFTOVERS = "bulk-*.sst"


def fault_point(name: str) -> None:
    """Exit at once, as if killed, when ``$ADCGRAPH_FAULT`` names this point (tests only).

    >>> fault_point("swap.retired")  # not set: nothing happens
    """
    if name not in FAULT_POINTS:
        raise ValueError(f"unknown fault point {name!r}")
    if os.environ.get(FAULT_ENV) == name:
        os._exit(137)


def sidecar(store: Path, kind: str) -> Path:
    """The path beside ``store`` that holds its ``kind`` (lock, journal.json, staging)."""
    return store.parent / f".{store.name}.{kind}"


def is_store(path: Path) -> bool:
    """True for a directory that the project created as a store.

    >>> is_store(Path("/nonexistent")), is_store(Path("/tmp"))
    (False, False)
    """
    return (
        not path.is_symlink()
        and path.is_dir()
        and ((path / MARKER_FILE).is_file() or (path / VERSION_FILE).is_file())
    )


def write_marker(directory: Path) -> None:
    """Mark a new store directory as the project's."""
    (directory / MARKER_FILE).write_text(MARKER_TEXT, encoding="utf-8")


def check_replaceable(path: Path) -> None:
    """Refuse to write a store at ``path`` unless it is absent, an empty directory or a store.

    >>> check_replaceable(Path("/nonexistent/store"))
    >>> check_replaceable(Path("/etc"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    adcgraph.errors.StoreError: /etc is a directory that is not an adcgraph store ...
    """
    if not path.exists() and not path.is_symlink():
        return
    if path.is_symlink() or not path.is_dir():
        raise StoreError(
            f"{path} exists and is not a directory; refusing to replace it with a store: "
            "choose another --store"
        )
    if is_store(path):
        return
    if any(path.iterdir()):
        raise StoreError(
            f"{path} is a directory that is not an adcgraph store (it has no {MARKER_FILE} "
            "file); refusing to write a store there: choose another --store"
        )


# ---------------------------------------------------------------- the writer lock


@contextlib.contextmanager
def writer(store: Path) -> Iterator[None]:
    """Hold the store's writer lock; recover an interrupted write and clean stale leftovers.

    StoreError when another process is writing the store, or beside it is read-only.
    """
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        handle = sidecar(store, "lock").open("a+")
    except OSError as error:
        raise StoreError(
            f"cannot write beside the store {store}: {error.strerror}; "
            "a build or import needs a writable folder"
        ) from None
    with handle:
        if not _lock_within(handle, WRITER_WAIT_S):
            raise StoreError(
                f"another adcgraph process is building or importing into {store}; "
                "wait for it to finish"
            )
        recover(store)
        clean_staging(store)
        generations.remove_unused(store)
        yield


#: How long a writer waits for the lock (a reader holds it for a moment to clean up).
WRITER_WAIT_S = 3.0


def _lock_within(handle: IO[Any], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not _try_lock(handle):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def _try_lock(handle: IO[Any]) -> bool:
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise
    return True


def writing_now(store: Path) -> bool:
    """True while another process holds the store's writer lock."""
    lock = sidecar(store, "lock")
    try:
        handle = lock.open("r")
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            return True
    return False


def prepare(store: Path) -> None:
    """Before reading a store: finish or roll back an interrupted write, clean leftovers.

    A store being written by a live process is left alone. On a read-only folder an
    interrupted write cannot be repaired: StoreError says so.
    """
    journal = sidecar(store, "journal.json")
    if journal.exists() and not writing_now(store):
        try:
            with writer(store):
                pass
        except StoreError as error:
            raise StoreError(
                f"{store}: a build or import was interrupted and cannot be repaired here "
                f"({error.message})"
            ) from None
    elif not writing_now(store) and os.access(store.parent, os.W_OK):
        clean_staging(store)
        _remove_unused_generations(store)


def _remove_unused_generations(store: Path) -> None:
    # Only under the writer lock, so a writer's draft is never mistaken for a leftover.
    if not generations.unused(store) or not os.access(store, os.W_OK):
        return
    with contextlib.suppress(OSError), sidecar(store, "lock").open("a+") as handle:
        if _try_lock(handle):
            generations.remove_unused(store)


# ---------------------------------------------------------------- staging directories


@contextlib.contextmanager
def staging_dir(store: Path, kind: str) -> Iterator[Path]:
    """A working directory in the store's staging area, locked by this process while in use.

    Deleted on exit; if the process dies, the next start finds it unlocked and deletes it.
    """
    area = sidecar(store, "staging")
    try:
        area.mkdir(parents=True, exist_ok=True)
        directory = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=area))
    except OSError as error:
        raise StoreError(f"cannot create a working directory in {area}: {error.strerror}") from None
    owner = (directory / ".owner").open("w")
    fcntl.flock(owner.fileno(), fcntl.LOCK_EX)
    try:
        yield directory
    finally:
        owner.close()
        if directory.exists():
            shutil.rmtree(directory, ignore_errors=True)
        with contextlib.suppress(OSError):
            area.rmdir()  # only when empty


def clean_staging(store: Path) -> list[Path]:
    """Delete staging directories whose owner died (never one a journal still needs)."""
    area = sidecar(store, "staging")
    if not area.is_dir():
        return []
    needed = _journal_paths(store)
    removed = []
    for directory in area.iterdir():
        if directory in needed or not directory.is_dir():
            continue
        try:
            owner = (directory / ".owner").open("a")
        except OSError:
            owner = None
        if owner is not None:
            with owner:
                if not _try_lock(owner):
                    continue
                shutil.rmtree(directory, ignore_errors=True)
        else:
            shutil.rmtree(directory, ignore_errors=True)
        removed.append(directory)
    with contextlib.suppress(OSError):
        area.rmdir()  # only when empty
    return removed


# ---------------------------------------------------------------- the journal


def begin(store: Path, entry: dict[str, Any]) -> None:
    """Journal a publish step before it starts (atomically, synced to disk)."""
    journal = sidecar(store, "journal.json")
    atomicfile.write_bytes(journal, json.dumps(entry, sort_keys=True).encode("utf-8"), sync=True)


def end(store: Path) -> None:
    """The publish step finished: remove its journal."""
    sidecar(store, "journal.json").unlink(missing_ok=True)


def read_journal(store: Path) -> dict[str, Any] | None:
    """The pending journal entry of a store, or None."""
    journal = sidecar(store, "journal.json")
    try:
        entry = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise StoreError(f"{journal}: unreadable journal ({error}); remove it by hand") from None
    if not isinstance(entry, dict) or entry.get("kind") not in ("swap", "bulk", "transaction"):
        raise StoreError(f"{journal}: not an adcgraph journal; remove it by hand")
    return entry


def _journal_paths(store: Path) -> set[Path]:
    try:
        entry = read_journal(store)
    except StoreError:
        return set()
    if not entry:
        return set()
    return {Path(entry[key]) for key in ("staged", "retired") if entry.get(key)}


def recover(store: Path) -> str | None:
    """Finish or roll back the journaled step (the caller holds the writer lock).

    * swap: the staged store is complete (it is journaled only then): finish the swap.
    * bulk: the bulk loader is not transactional: drop the graphs it added, unless the
      version was already bumped (then only the journal was left).
    * transaction: the write was all or nothing, but whether it happened is unknown: give
      the store a fresh version so caches are rebuilt from what it holds.

    Returns what was done, or None when nothing was pending.
    """
    entry = read_journal(store)
    if entry is None:
        return None
    if entry["kind"] == "swap":
        done = finish_swap(store, Path(entry["staged"]), Path(entry["retired"]))
    elif entry["kind"] == "bulk":
        done = _recover_bulk(store, entry)
    else:
        done = _recover_transaction(store, entry)
    end(store)
    return done


def finish_swap(store: Path, staged: Path, retired: Path) -> str:
    """Put ``staged`` in place of ``store`` (keeping the old one at ``retired`` until done)."""
    if staged.exists():
        if store.exists():
            if retired.exists():
                shutil.rmtree(retired)
            store.rename(retired)
        fault_point("swap.retired")
        staged.rename(store)
        fault_point("swap.renamed")
    if retired.exists() and is_store(store):
        shutil.rmtree(retired, ignore_errors=True)
    return f"finished an interrupted swap of {store}"


def _current_version(store: Path) -> str:
    try:
        return str(json.loads((store / VERSION_FILE).read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return ""


def _recover_bulk(store: Path, entry: dict[str, Any]) -> str:
    for leftover in store.glob(BULK_LEFTOVERS):
        leftover.unlink(missing_ok=True)
    if _current_version(store) != entry.get("version_before"):
        return f"{store}: the import {entry.get('note')} had finished"
    import pyoxigraph as ox

    before = set(entry.get("graphs_before", []))
    graph_store = ox.Store(str(store))
    for graph in list(graph_store.named_graphs()):
        if isinstance(graph, ox.NamedNode) and graph.value not in before:
            graph_store.remove_graph(graph)
    graph_store.flush()
    del graph_store
    return f"{store}: rolled back the interrupted import {entry.get('note')}"


def _recover_transaction(store: Path, entry: dict[str, Any]) -> str:
    if _current_version(store) != entry.get("version_before"):
        return f"{store}: the write {entry.get('note')} had finished"
    record = json.loads((store / VERSION_FILE).read_text(encoding="utf-8"))
    seed = f"{record['version']}\nrecovered\n{entry.get('note')}\n{os.getpid()}"
    record["version"] = hashlib.sha256(seed.encode()).hexdigest()[:16]
    record["recovered"] = f"after an interrupted {entry.get('note')}"
    write_json_atomically(store / VERSION_FILE, record)
    return f"{store}: gave a fresh version after the interrupted {entry.get('note')}"


def write_json_atomically(path: Path, record: dict[str, Any], *, sync: bool = False) -> None:
    """Write a JSON record by rename, so a reader sees the old or the new one.

    With ``sync`` the data reaches the disk before the rename (a publishing step).
    """
    text = json.dumps(record, indent=1, sort_keys=True)
    atomicfile.write_bytes(path, text.encode("utf-8"), sync=sync)


def cache_directory(store_path: Path, version: str) -> Path:
    """Where derived data of one store version is cached: beside the store, or, when that
    folder is read-only, in a per-user folder of the system's temporary directory.

    >>> cache_directory(Path("var/store"), "v1").parts[-2:]
    ('.store.cache', 'v1')
    """
    beside = sidecar(store_path, "cache")
    existing = next(p for p in (beside, *beside.absolute().parents) if p.exists())
    if os.access(existing, os.W_OK):
        return beside / version
    key = hashlib.sha256(str(store_path.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"adcgraph-cache-{os.getuid()}" / key / version
