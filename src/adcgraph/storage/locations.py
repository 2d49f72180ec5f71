"""Where things live on disk; standard library only, so light commands start fast."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
STORE_ENV = "ADCGRAPH_STORE"
VERSION_FILE = "adcgraph-version.json"


def default_store_path() -> Path:
    """Where the embedded store lives: ``$ADCGRAPH_STORE``, else ``<repository>/var/store``.

    >>> default_store_path().name
    'store'
    """
    configured = os.environ.get(STORE_ENV)
    return Path(configured) if configured else PROJECT_ROOT / "var" / "store"
