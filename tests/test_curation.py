"""Lint the curated data itself, and check that bad rows are reported precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from adcgraph.build import SOURCES_DIR
from adcgraph.curation import TABLES, order_issues, read_sources
from adcgraph.errors import InputFileError
from adcgraph.ontology import controlled_values

FIX_ORDER = "run `adcgraph lint --fix-order` to sort the sources"


@pytest.fixture(scope="module")
def curation():
    return read_sources(SOURCES_DIR, controlled_values())


def test_every_row_of_every_source_is_valid(curation):
    assert set(curation.tables) == set(TABLES)


def test_rows_are_sorted_by_id(curation):
    assert order_issues(curation) == [], FIX_ORDER


def test_every_claim_is_cited_with_evidence_and_status(curation):
    for table in ("resistance_claims", "strategies", "indications", "adcs"):
        for record in curation.records(table):
            assert record.many("citations"), f"{record.path}:{record.line} has no citation"
            assert record.one("curation_status") in {"verified", "unverified"}


def test_citations_are_pmid_or_doi(curation):
    for record in curation.records("references"):
        assert record.id.split(":")[0] in {"PMID", "DOI"}


def _replace_line(path: Path, line_number: int, new_line: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line_number - 1] = new_line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _read(directory: Path):
    return read_sources(directory, controlled_values())


def _second_line(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()[1].split("\t")


def test_a_row_with_missing_fields_names_file_and_line(sources_copy):
    path = sources_copy / "diseases.tsv"
    _replace_line(path, 2, "MONDO:0005494\ttriple-negative breast carcinoma")
    with pytest.raises(InputFileError) as error:
        _read(sources_copy)
    assert "diseases.tsv:2" in str(error.value)
    assert "expected 8 tab-separated fields, found 2" in str(error.value)


def test_an_unknown_prefix_is_reported_with_its_value(sources_copy):
    path = sources_copy / "genes.tsv"
    cells = _second_line(path)
    cells[0] = "FOO:123"
    _replace_line(path, 2, "\t".join(cells))
    with pytest.raises(InputFileError) as error:
        _read(sources_copy)
    message = str(error.value)
    assert "genes.tsv:2 column 'id': value 'FOO:123'" in message
    assert "unknown identifier prefix 'FOO'" in message


def test_a_dangling_reference_is_reported(sources_copy):
    path = sources_copy / "resistance_claims.tsv"
    cells = _second_line(path)
    cells[1] = "adcgraph:mechanism/does-not-exist"
    _replace_line(path, 2, "\t".join(cells))
    with pytest.raises(InputFileError) as error:
        _read(sources_copy)
    assert "resistance_claims.tsv:2 column 'mechanism'" in str(error.value)
    assert "dangling reference: no row with this id in mechanisms.tsv" in str(error.value)


def test_a_claim_without_citation_is_refused(sources_copy):
    path = sources_copy / "resistance_claims.tsv"
    header = path.read_text(encoding="utf-8").splitlines()[0].split("\t")
    cells = _second_line(path)
    cells[header.index("citations")] = ""
    _replace_line(path, 2, "\t".join(cells))
    with pytest.raises(InputFileError) as error:
        _read(sources_copy)
    assert "resistance_claims.tsv:2 column 'citations': a value is required" in str(error.value)


def test_an_unknown_evidence_type_suggests_the_nearest(sources_copy):
    path = sources_copy / "resistance_claims.tsv"
    header = path.read_text(encoding="utf-8").splitlines()[0].split("\t")
    cells = _second_line(path)
    cells[header.index("evidence_type")] = "clinicall"
    _replace_line(path, 2, "\t".join(cells))
    with pytest.raises(InputFileError) as error:
        _read(sources_copy)
    assert "did you mean clinical?" in str(error.value)


def test_a_malformed_local_identifier_is_refused(sources_copy):
    path = sources_copy / "mechanisms.tsv"
    cells = _second_line(path)
    cells[0] = "adcgraph:mechanism/Bad Slug"
    _replace_line(path, 2, "\t".join(cells))
    with pytest.raises(InputFileError, match="lowercase a-z0-9- slug"):
        _read(sources_copy)
