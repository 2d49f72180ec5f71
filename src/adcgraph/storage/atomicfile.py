"""The one way adcgraph replaces a file: a temporary file beside it, then a rename.

Standard library only. A reader sees the old file or the new one, never half of either,
and a failure (a full disk, a crash) leaves the old file as it was.

>>> import tempfile
>>> target = Path(tempfile.mkdtemp()) / "record.json"
>>> write_bytes(target, b'{"version": "v1"}')
>>> target.read_bytes()
b'{"version": "v1"}'
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes(path: Path, data: bytes, *, mode: int | None = None, sync: bool = False) -> None:
    """Replace ``path`` by ``data`` atomically; OSError when it cannot be written.

    ``mode`` is the new file's permission bits (default: what a plain ``open()`` gives,
    0666 less the umask; ``mkstemp`` alone would make it private). With ``sync`` the data
    reaches the disk before the rename (a publishing step).
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if sync:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask() if mode is None else mode)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
