"""Store generations: readers open a snapshot that no writer ever modifies or reuses.

Standard library only. A store directory holds its marker, its version record and one or
more *generations*, each a complete Oxigraph database in ``STORE/g-<stamp>-<pid>-<random>/``::

    var/store/adcgraph-store            the marker (see adcgraph.storage.publish)
    var/store/adcgraph-version.json     {"version": ..., "generation": "g-...", ...}
    var/store/g-.../                    the database the version record points to

A writer (holding the writer lock) never touches a published generation: it copies the
current one (RocksDB hard links its immutable table files), writes the copy, and publishes
it by replacing the version record atomically. A reader reads the record, takes a shared
lock on ``<generation>/.readers`` and opens that directory; a generation that is no longer
current is deleted only when no reader holds that lock. A generation name is never reused,
so a reader's lazily opened table files always belong to the snapshot it opened (a reused
path was what made readers meet "Sst file size mismatch" during rebuilds).

Stores written by older releases keep their database files at the top level (no
``generation`` in the record): they are read in place and converted at their next write.

>>> is_generation_name("g-20261201T220501-4242-3f9a"), is_generation_name("000012.sst")
(True, False)
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import shutil
import time
from pathlib import Path
from typing import IO

from adcgraph.errors import StoreError
from adcgraph.storage.locations import VERSION_FILE

READERS_FILE = ".readers"
GENERATION_KEY = "generation"
PREFIX = "g-"
OPEN_ATTEMPTS = 50


def is_generation_name(name: str) -> bool:
    """True for a directory name this module gives to generations."""
    return name.startswith(PREFIX) and name.count("-") >= 3


def new_name() -> str:
    """A generation name that no other generation of any store ever had.

    >>> new_name() != new_name()
    True
    """
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    return f"{PREFIX}{stamp}-{os.getpid()}-{secrets.token_hex(4)}"


def pointer(store: Path) -> str | None:
    """The current generation's name from the version record; None for the older layout.

    StoreError when the record names something that is not a generation.
    """
    try:
        record = json.loads((store / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    name = record.get(GENERATION_KEY) if isinstance(record, dict) else None
    if name is None:
        return None
    if not isinstance(name, str) or not is_generation_name(name) or "/" in name:
        raise StoreError(
            f"{store / VERSION_FILE}: {GENERATION_KEY!r} is not a generation: {name!r}"
        )
    return name


def is_layered(store: Path) -> bool:
    """True when the store keeps its database in generations (this module's layout)."""
    return pointer(store) is not None


def current_directory(store: Path) -> Path:
    """Where the current database files of ``store`` are (the store itself in the old layout).

    >>> current_directory(Path("/nonexistent/store"))
    PosixPath('/nonexistent/store')
    """
    name = pointer(store)
    return store / name if name else store


def create(directory: Path) -> IO[str]:
    """Create the reader-lock file of a new generation and hold it (a draft is in use)."""
    directory.mkdir(parents=False, exist_ok=True)
    handle = (directory / READERS_FILE).open("a+")
    fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
    return handle


def hold(store: Path) -> tuple[Path, IO[str] | None]:
    """Take a shared lock on the current generation; the caller closes the handle when done.

    A writer may publish a newer generation and delete this one between reading the record
    and locking: then the record is read again.
    """
    for _ in range(OPEN_ATTEMPTS):
        name = pointer(store)
        if name is None:
            return store, None
        directory = store / name
        locked, handle = _lock_shared(directory / READERS_FILE)
        if locked:
            return directory, handle
    raise StoreError(f"{store}: the store kept changing while it was being opened; try again")


def _lock_shared(path: Path) -> tuple[bool, IO[str] | None]:
    """(True, handle) once held; (False, None) when the generation went away meanwhile."""
    try:
        handle = path.open("r")
    except FileNotFoundError:
        return False, None
    except OSError:
        return True, None  # not readable here (another user's store): read without holding
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
    except OSError:
        return True, handle  # a filesystem without locks: read anyway
    try:
        same = os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except FileNotFoundError:
        same = False
    if not same:
        handle.close()
        return False, None
    return True, handle


def unused(store: Path) -> list[Path]:
    """Generation directories of ``store`` that are not its current one (drafts included).

    >>> unused(Path("/nonexistent"))
    []
    """
    if not store.is_dir() or store.is_symlink():
        return []
    current = pointer(store)
    return [
        directory
        for directory in sorted(store.iterdir())
        if is_generation_name(directory.name)
        and directory.name != current
        and directory.is_dir()
        and not directory.is_symlink()
    ]


def remove_unused(store: Path) -> list[str]:
    """Delete generations that are not current and that no reader holds (writer lock held).

    Also deletes drafts a crashed writer left. Returns the names removed.
    """
    return [d.name for d in unused(store) if _remove_if_free(d)]


def _remove_if_free(directory: Path) -> bool:
    try:
        handle = (directory / READERS_FILE).open("a")
    except FileNotFoundError:
        shutil.rmtree(directory, ignore_errors=True)
        return True
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        shutil.rmtree(directory, ignore_errors=True)
    return True
