"""Rebuild graph/reference/ from the staged open releases (one command).

    python scripts/derive_reference.py [DATA_ROOT]

DATA_ROOT defaults to ../shared/data. Only CC0 / CC BY files are read; see
graph/reference/README.md for what is kept and why.
"""

from __future__ import annotations

import sys
from pathlib import Path

from adcgraph.curated.build import SOURCES_DIR
from adcgraph.importers.normalise import DEFAULT_DATA_ROOT
from adcgraph.reference import REFERENCE_DIR, derive


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA_ROOT
    for layer in derive(root, SOURCES_DIR, REFERENCE_DIR, print):
        print(f"{layer.info.name}: {len(layer.nodes)} nodes, {len(layer.edges)} edges")
    print(f"wrote {REFERENCE_DIR}")


if __name__ == "__main__":
    main()
