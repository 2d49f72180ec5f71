"""Draw the second curator's re-check sample of new curated rows, reproducibly.

New rows are those in the curators' fragment files ``graph/sources/<table>/<part>.tsv`` of the
tables resistance_claims, strategies and indications (every part). Stratified by fragment
(table x part): from each fragment ``ceil(share * rows)`` ids are drawn with a fixed seed, and
the total is topped up to ``--minimum`` rows if needed. Ids already in the curation log can be
left out with ``--exclude-logged`` to draw a second sample of rows added later.

The first sample (25 rows) was drawn on main at commit c44c636, before later rows landed;
later samples use ``--exclude-logged`` so rows already re-checked are not drawn again.

Usage::

    python graph/scripts/curation_sample.py            # first sample (seed 20261201)
    python graph/scripts/curation_sample.py --exclude-logged --share 0.15 --minimum 0
"""

from __future__ import annotations

import argparse
import csv
import math
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "graph" / "sources"
LOG = ROOT / "graph" / "curation-log.tsv"
TABLES = ("resistance_claims", "strategies", "indications")
SEED = 20261201


def new_rows(sources: Path = SOURCES) -> dict[tuple[str, str], list[str]]:
    """Ids of the rows in each (table, part) fragment, in file order."""
    rows: dict[tuple[str, str], list[str]] = {}
    for table in TABLES:
        for path in sorted((sources / table).glob("*.tsv")):
            with path.open(encoding="utf-8", newline="") as handle:
                reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
                rows[(table, path.stem)] = [row["id"] for row in reader if row.get("id")]
    return rows


def logged_rows(log: Path = LOG) -> set[str]:
    """Row ids already recorded in the curation log."""
    if not log.is_file():
        return set()
    with log.open(encoding="utf-8", newline="") as handle:
        return {
            row["row"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        }


def draw(
    rows: dict[tuple[str, str], list[str]], share: float, minimum: int, seed: int
) -> list[tuple[str, str, str]]:
    """(table, part, id) triples: ``ceil(share*n)`` per fragment, topped up to ``minimum``."""
    rng = random.Random(seed)
    picked: list[tuple[str, str, str]] = []
    rest: list[tuple[str, str, str]] = []
    for (table, part), ids in sorted(rows.items()):
        shuffled = sorted(ids)
        rng.shuffle(shuffled)
        take = math.ceil(share * len(shuffled))
        picked += [(table, part, row) for row in shuffled[:take]]
        rest += [(table, part, row) for row in shuffled[take:]]
    rng.shuffle(rest)
    picked += rest[: max(0, minimum - len(picked))]
    return sorted(picked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=float, default=0.15)
    parser.add_argument("--minimum", type=int, default=25)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--exclude-logged", action="store_true")
    parser.add_argument("--sources", type=Path, default=SOURCES, help="graph/sources directory")
    args = parser.parse_args()
    rows = new_rows(args.sources)
    if args.exclude_logged:
        done = logged_rows()
        rows = {key: [row for row in ids if row not in done] for key, ids in rows.items()}
    total = sum(len(ids) for ids in rows.values())
    sample = draw(rows, args.share, args.minimum, args.seed)
    print(f"# {len(sample)} of {total} new rows (seed {args.seed}, share {args.share})")
    for table, part, row in sample:
        print(f"{table}\t{part}\t{row}")


if __name__ == "__main__":
    main()
