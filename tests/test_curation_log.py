"""The second curator's log (graph/curation-log.tsv): its format, its rows, and its coverage.

The log records a re-check of sampled new rows (those in the fragment files
``graph/sources/<table>/<part>.tsv``) against their sources. Coverage is computed from the
fragments as they are now, so adding rows without re-checking a share of them fails here.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

from adcgraph.curated.build import SOURCES_DIR
from adcgraph.curated.curation import TABLES, Curation, read_sources
from adcgraph.curated.ontology import controlled_values
from adcgraph.storage.locations import PROJECT_ROOT

LOG = PROJECT_ROOT / "graph" / "curation-log.tsv"
HEADER = ["row", "table", "checked_by", "date", "verdict", "note"]
VERDICTS = {"agree", "weaker", "wrong", "unverifiable"}
CHECKED_TABLES = ("resistance_claims", "strategies", "indications")
#: Re-checked and logged too, but not counted in the coverage of new claim/strategy/indication rows.
ALSO_CHECKED_TABLES = ("references", "adcs", "populations")
MIN_SHARE = 0.15
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def read_log(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The header and the rows of a curation log."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header, *body = list(reader)
    return header, [
        dict(zip(header, cells, strict=False)) | {"_width": str(len(cells))} for cells in body
    ]


def is_removed(entry: Mapping[str, str]) -> bool:
    """A row judged wrong and deleted from the sources is logged `wrong` with note `removed...`."""
    return entry.get("verdict") == "wrong" and entry.get("note", "").startswith("removed")


def log_problems(
    header: list[str], entries: Iterable[Mapping[str, str]], ids: Mapping[str, set[str]]
) -> list[str]:
    """Every format problem of a log, naming the line; ``ids`` maps table to its current ids."""
    problems = [] if header == HEADER else [f"header {header!r}, expected {HEADER!r}"]
    seen: set[str] = set()
    for line, entry in enumerate(entries, start=2):
        where = f"curation-log.tsv:{line}"
        if entry.get("_width") != str(len(HEADER)):
            problems.append(f"{where}: {entry.get('_width')} fields, expected {len(HEADER)}")
            continue
        row, table = entry["row"], entry["table"]
        if table not in (*CHECKED_TABLES, *ALSO_CHECKED_TABLES):
            problems.append(f"{where}: table {table!r} is not a checked table")
        elif not is_removed(entry) and row not in ids.get(table, set()):
            problems.append(
                f"{where}: row {row!r} is not in {table} (removed: log wrong + 'removed')"
            )
        if entry["verdict"] not in VERDICTS:
            problems.append(
                f"{where}: verdict {entry['verdict']!r}, expected one of {sorted(VERDICTS)}"
            )
        if not DATE.match(entry["date"]):
            problems.append(f"{where}: date {entry['date']!r}, expected YYYY-MM-DD")
        if not entry["checked_by"].strip() or len(entry["note"].strip()) < 20:
            problems.append(f"{where}: checked_by and a note saying what was checked are required")
        if row in seen:
            problems.append(f"{where}: row {row!r} logged twice")
        seen.add(row)
    return problems


def fragment_ids(directory: Path, table: str) -> set[str]:
    """Ids of the rows in a table's fragment files (the new rows), not in its main file."""
    ids: set[str] = set()
    for path in TABLES[table].files(directory)[1:]:
        with path.open(encoding="utf-8", newline="") as handle:
            ids |= {
                row["id"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            }
    return ids


def coverage(entries: Iterable[Mapping[str, str]], new: set[str]) -> float:
    """Share of new rows (plus rows removed after checking) that the log covers."""
    logged = {entry["row"] for entry in entries if entry.get("table") in CHECKED_TABLES}
    removed = {entry["row"] for entry in entries if is_removed(entry)} - new
    total = len(new) + len(removed)
    return len((logged & new) | removed) / total if total else 1.0


@pytest.fixture(scope="module")
def curation() -> Curation:
    return read_sources(SOURCES_DIR, controlled_values())


@pytest.fixture(scope="module")
def log() -> tuple[list[str], list[dict[str, str]]]:
    return read_log(LOG)


def test_the_log_is_well_formed_and_names_existing_rows(curation, log):
    ids = {table: curation.ids(table) for table in (*CHECKED_TABLES, *ALSO_CHECKED_TABLES)}
    assert log_problems(*log, ids) == []


def test_the_log_covers_the_required_share_of_new_rows(log):
    new = set().union(*(fragment_ids(SOURCES_DIR, table) for table in CHECKED_TABLES))
    share = coverage(log[1], new)
    assert share >= MIN_SHARE, (
        f"curation log covers {share:.1%} of {len(new)} new rows, need {MIN_SHARE:.0%}"
    )


def test_log_problems_name_line_and_value():
    entries = [
        {
            "_width": "6",
            "row": "adcgraph:claim/nope",
            "table": "resistance_claims",
            "checked_by": "x",
            "date": "2026-12-01",
            "verdict": "agree",
            "note": "checked the abstract of it",
        },
        {
            "_width": "6",
            "row": "adcgraph:claim/gone",
            "table": "resistance_claims",
            "checked_by": "x",
            "date": "1 Dec",
            "verdict": "fine",
            "note": "removed",
        },
        {"_width": "3", "row": "a", "table": "b", "checked_by": "c"},
    ]
    problems = log_problems(HEADER, entries, {"resistance_claims": set()})
    assert any(
        "curation-log.tsv:2: row 'adcgraph:claim/nope' is not in resistance_claims" in p
        for p in problems
    )
    assert any("curation-log.tsv:3: verdict 'fine'" in p for p in problems)
    assert any("curation-log.tsv:3: date '1 Dec'" in p for p in problems)
    assert any("curation-log.tsv:4: 3 fields, expected 6" in p for p in problems)
    assert log_problems(["row"], [], {}) != []


def test_a_removed_row_is_accepted_and_counted():
    removed = {
        "_width": "6",
        "row": "adcgraph:claim/gone",
        "table": "resistance_claims",
        "checked_by": "x",
        "date": "2026-12-01",
        "verdict": "wrong",
        "note": "removed: paper says the opposite",
    }
    assert log_problems(HEADER, [removed], {"resistance_claims": set()}) == []
    assert coverage([removed], {"adcgraph:claim/a", "adcgraph:claim/b", "adcgraph:claim/c"}) == 0.25
    assert coverage([], {"adcgraph:claim/a"}) == 0.0
