"""Cut the README's import example files from the shared data: slices of real releases.

The README's import examples are run by a test (`tests/test_readme.py`). Two of the releases
take tens of seconds to import whole, so the examples import slices of them instead, in the
same formats: the curated drugs' molecules of Open Targets 22.04 with their mechanisms and
indications (the full release is 483k quads, about 20 s), and the CIViC evidence items whose
therapies name a curated ADC (the full file has 4,375 rows). Both sources are CC0.

    python scripts/readme_fixtures.py ../shared/data tests/fixtures
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DRUGS_TABLE = PROJECT_ROOT / "graph" / "sources" / "drugs.tsv"
ADCS_TABLE = PROJECT_ROOT / "graph" / "sources" / "adcs.tsv"
CIVIC_FILE = Path("civic/01-Aug-2024-ClinicalEvidenceSummaries.tsv")
FILES = {
    "molecule": Path("drug-targets/opentargets-22.04/molecule.jsonl.gz"),
    "mechanismOfAction": Path("drug-targets/opentargets-22.04/mechanismOfAction.jsonl.gz"),
    "indication": Path("indications/opentargets-22.04/indication.jsonl.gz"),
}


def curated_drugbank_ids(table: Path = DRUGS_TABLE) -> set[str]:
    """DrugBank ids of the curated drugs table (``DRUGBANK:DB09074`` -> ``DB09074``).

    >>> "DB09074" in curated_drugbank_ids()  # olaparib
    True
    """
    with table.open(encoding="utf-8", newline="") as stream:
        rows = csv.DictReader(stream, delimiter="\t")
        return {
            row["id"].removeprefix("DRUGBANK:") for row in rows if row["id"].startswith("DRUGBANK:")
        }


def curated_adc_names(table: Path = ADCS_TABLE) -> set[str]:
    """Case-folded labels and synonyms of the curated ADCs table.

    >>> "trastuzumab emtansine" in curated_adc_names()
    True
    """
    with table.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream, delimiter="\t"))
    names = {row["label"].casefold() for row in rows}
    names |= {s.casefold() for row in rows for s in row["synonyms"].split("|") if s}
    return names


def slice_civic(data: Path, output: Path, adc_names: set[str]) -> int:
    """Write the header and the evidence rows whose therapies name one of ``adc_names``."""
    source = data / CIVIC_FILE
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split("\t")
    column = header.index("therapies")
    kept = [
        line
        for line in lines[1:]
        if {t.strip().casefold() for t in line.split("\t")[column].split(",")} & adc_names
    ]
    output.write_text("".join([lines[0], *kept]), encoding="utf-8")
    return len(kept)


def _records(path: Path) -> Iterator[tuple[str, dict[str, object]]]:
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        for line in stream:
            yield line, json.loads(line)


def _write(path: Path, lines: list[str]) -> None:
    # mtime 0: the same slice gives the same bytes.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as stream:
        stream.write("".join(lines).encode("utf-8"))


def slice_release(data: Path, output: Path, drugbank: set[str]) -> dict[str, int]:
    """Write the molecules cross-referenced to ``drugbank`` and their mechanisms and
    indications to ``output``; return the rows kept per file."""
    output.mkdir(parents=True, exist_ok=True)
    molecules = [
        (line, record)
        for line, record in _records(data / FILES["molecule"])
        if drugbank & set(record.get("crossReferences", {}).get("drugbank", []))  # type: ignore[union-attr]
    ]
    kept = {str(record["id"]) for _, record in molecules}
    mechanisms = [
        line
        for line, record in _records(data / FILES["mechanismOfAction"])
        if kept & set(record.get("chemblIds", []))  # type: ignore[arg-type]
    ]
    indications = [
        line for line, record in _records(data / FILES["indication"]) if record["id"] in kept
    ]
    chosen = {
        "molecule": [line for line, _ in molecules],
        "mechanismOfAction": mechanisms,
        "indication": indications,
    }
    for name, lines in chosen.items():
        _write(output / f"{name}.jsonl.gz", lines)
    return {name: len(lines) for name, lines in chosen.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="the shared data folder (../shared/data)")
    parser.add_argument("fixtures", type=Path, help="the fixtures folder (tests/fixtures)")
    arguments = parser.parse_args()
    missing = [str(arguments.data / f) for f in (*FILES.values(), CIVIC_FILE)]
    missing = [f for f in missing if not Path(f).is_file()]
    if missing:
        parser.error(f"{arguments.data}: not the shared data folder; missing {', '.join(missing)}")
    slice_folder = arguments.fixtures / "opentargets-slice"
    counts = slice_release(arguments.data, slice_folder, curated_drugbank_ids())
    print(", ".join(f"{name}: {n} rows" for name, n in counts.items()))
    civic = arguments.fixtures / "civic-adc-evidence.tsv"
    print(f"civic: {slice_civic(arguments.data, civic, curated_adc_names())} rows")


if __name__ == "__main__":
    main()
