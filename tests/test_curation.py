"""Lint the curated data itself, and check that bad rows are reported precisely."""

from __future__ import annotations

from pathlib import Path

import pytest

from adcgraph.curated.build import SOURCES_DIR
from adcgraph.curated.curation import TABLES, order_issues, read_sources
from adcgraph.curated.ontology import controlled_values
from adcgraph.errors import InputFileError

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


def _claim_row(path: Path, **changes: str) -> str:
    header = path.read_text(encoding="utf-8").splitlines()[0].split("\t")
    row = dict(zip(header, _second_line(path), strict=True))
    row.update(changes)
    return "\t".join(row[column] for column in header)


def test_fragment_rows_are_read_and_duplicate_ids_across_files_are_named(sources_copy):
    main = sources_copy / "resistance_claims.tsv"
    fragment_dir = sources_copy / "resistance_claims"
    fragment_dir.mkdir(exist_ok=True)
    header = main.read_text(encoding="utf-8").splitlines()[0]
    new_id = "adcgraph:claim/test-fragment-row"
    (fragment_dir / "part.tsv").write_text(
        f"{header}\n{_claim_row(main, id=new_id)}\n", encoding="utf-8"
    )
    assert new_id in _read(sources_copy).ids("resistance_claims")
    duplicate = _claim_row(main)
    (fragment_dir / "part.tsv").write_text(f"{header}\n{duplicate}\n", encoding="utf-8")
    with pytest.raises(InputFileError) as error:
        _read(sources_copy)
    assert "part.tsv:2 column 'id'" in str(error.value)
    assert "duplicate id (first in resistance_claims.tsv line 2)" in str(error.value)


def test_a_clinical_claim_from_cell_lines_is_refused(sources_copy):
    path = sources_copy / "resistance_claims.tsv"
    _replace_line(path, 2, _claim_row(path, evidence_type="clinical", model_system="cell_line"))
    with pytest.raises(InputFileError) as error:
        _read(sources_copy)
    assert "resistance_claims.tsv:2 column 'model_system'" in str(error.value)
    assert "evidence type 'clinical' needs a model system among" in str(error.value)


def test_a_verified_claim_resting_on_a_review_is_refused(sources_copy):
    path = sources_copy / "resistance_claims.tsv"
    row = _claim_row(
        path, evidence_type="review", model_system="not_applicable", curation_status="verified"
    )
    _replace_line(path, 2, row)
    with pytest.raises(InputFileError) as error:
        _read(sources_copy)
    assert "a row resting only on a review must be 'unverified'" in str(error.value)


def test_a_verified_approval_citing_a_review_is_refused(sources_copy):
    path = sources_copy / "indications.tsv"
    header = path.read_text(encoding="utf-8").splitlines()[0].split("\t")
    row = dict(zip(header, _second_line(path), strict=True))
    row.update(status="approved", evidence_type="review", curation_status="verified")
    _replace_line(path, 2, "\t".join(row[column] for column in header))
    with pytest.raises(InputFileError) as error:
        _read(sources_copy)
    assert "indications.tsv:2 column 'evidence_type'" in str(error.value)


def test_a_population_biomarker_needs_a_known_gene_and_status(sources_copy):
    path = sources_copy / "populations.tsv"
    header = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(
        f"{header}\nadcgraph:population/her2-low-bc\tHER2-low breast cancer\tMONDO:0007254\t"
        "HGNC:3430=lowish|HGNC:99999999=low\tmetastatic\tIHC 1+ or IHC 2+/ISH-\t\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError) as error:
        _read(sources_copy)
    message = str(error.value)
    assert (
        "populations.tsv:2 column 'biomarkers': value 'HGNC:3430=lowish|HGNC:99999999=low'"
        in message
    )
    assert "unknown biomarker status 'lowish': biomarker status must be one of" in message
    assert "did you mean 'low'?" in message
    assert "value 'HGNC:99999999=low': dangling reference" in message
