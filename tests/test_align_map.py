"""`adcgraph align map`: a user vocabulary to MONDO, by crosswalk and by matching.

The MONDO fixture (tests/fixtures/mondo-mini) holds a few real MONDO rows in the layout
of ../shared/data/mondo.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sssom.parsers import parse_sssom_table

from adcgraph.align.mondo import load_mondo, map_to_mondo
from adcgraph.align.vocabulary import read_vocabulary
from adcgraph.cli import cli
from adcgraph.errors import MappingError

MONDO_MINI = Path(__file__).parent / "fixtures" / "mondo-mini"
NSCLC = "MONDO:0005233"
GASTRIC_CARCINOMA = "MONDO:0004950"
BREAST_CANCER = "MONDO:0007254"
TNBC = "MONDO:0005494"


def rows(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line[:1] != "#"]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


def run_map(*args: str):
    return CliRunner().invoke(cli, ["align", "map", *args])


def test_mondo_folder_gives_labels_synonyms_parents_and_crosswalks() -> None:
    mondo = load_mondo(MONDO_MINI)
    assert mondo.terms[NSCLC].label == "non-small cell lung carcinoma"
    assert [s.text for s in mondo.terms[NSCLC].synonyms] == ["NSCLC"]
    assert mondo.terms["MONDO:0005036"].parents == (GASTRIC_CARCINOMA,)
    assert mondo.terms["MONDO:0001056"].label == "gastric cancer"  # known from the hierarchy
    assert [c.mondo_id for c in mondo.crosswalk("ncit:C2926")] == [NSCLC]


def test_a_list_of_names_maps_by_label_synonym_and_inverted_heading(tmp_path: Path) -> None:
    names = tmp_path / "conditions.txt"
    names.write_text(
        "NSCLC\nCarcinoma, Gastric\nMalignant tumour of the breast\nbreast cancers\n"
        "chronic kidney disease\n",
        encoding="utf-8",
    )
    output = tmp_path / "conditions.sssom.tsv"
    result = run_map(str(names), "--to", "MONDO", "--mondo", str(MONDO_MINI), "-o", str(output))
    assert result.exit_code == 0, result.output
    found = {row["subject_label"]: row for row in rows(output)}
    assert found["NSCLC"]["object_id"] == NSCLC
    assert found["NSCLC"]["comment"] == "evidence: synonym (folded text)"
    assert found["Carcinoma, Gastric"]["object_id"] == GASTRIC_CARCINOMA
    assert found["Carcinoma, Gastric"]["comment"].startswith("evidence: label")
    # Two names of one disease both map: a list is not held to one-to-one.
    assert found["Malignant tumour of the breast"]["object_id"] == BREAST_CANCER
    assert found["breast cancers"]["object_id"] == BREAST_CANCER
    assert "chronic kidney disease" not in found
    assert "mapped 4 of 5 terms" in result.output
    msdf = parse_sssom_table(output)
    assert set(msdf.df["object_id"]) == {NSCLC, GASTRIC_CARCINOMA, BREAST_CANCER}


def test_identifiers_mondo_maps_take_the_crosswalk(tmp_path: Path) -> None:
    table = tmp_path / "terms.tsv"
    table.write_text(
        "id\tname\nDOID:0060081\tTNBC (DO)\nX:1\tgastric carcinoma\n", encoding="utf-8"
    )
    mappings = map_to_mondo(read_vocabulary(table), load_mondo(MONDO_MINI))
    by_subject = {m.subject_id: m for m in mappings}
    assert by_subject["DOID:0060081"].object_id == TNBC
    assert by_subject["DOID:0060081"].confidence == 1.0
    assert by_subject["DOID:0060081"].evidence.startswith("crosswalk: MONDO skos:exactMatch")
    assert by_subject["X:1"].object_id == GASTRIC_CARCINOMA
    assert by_subject["X:1"].evidence == "label (folded text)"


def test_min_confidence_keeps_only_the_stronger_mappings(tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("gastric carcinoma\nNSCLC\n", encoding="utf-8")
    output = tmp_path / "out.sssom.tsv"
    result = run_map(
        str(names), "--mondo", str(MONDO_MINI), "--min-confidence", "0.99", "-o", str(output)
    )
    assert result.exit_code == 0, result.output
    assert [row["object_id"] for row in rows(output)] == [GASTRIC_CARCINOMA]
    assert all(float(row["confidence"]) >= 0.99 for row in rows(output))


def test_missing_mondo_is_a_clear_error(tmp_path: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("NSCLC\n", encoding="utf-8")
    output = tmp_path / "out.sssom.tsv"
    result = run_map(str(names), "--mondo", str(tmp_path), "-o", str(output))
    assert result.exit_code != 0
    assert "no MONDO data" in result.output and str(tmp_path) in result.output
    assert not output.exists()


def test_a_table_without_a_name_column_names_file_and_line(tmp_path: Path) -> None:
    table = tmp_path / "bad.tsv"
    table.write_text("code\twhat\nA\tB\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"bad\.tsv:1: no name column"):
        read_vocabulary(table)
    table.write_text("id\tlabel\nA:1\tx\tsurplus\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"bad\.tsv:2: 3 columns, expected 2"):
        read_vocabulary(table)


def test_real_mondo_maps_a_mesh_heading(shared_data: Path) -> None:
    mondo = load_mondo(shared_data / "mondo")
    terms = read_vocabulary_text("Carcinoma, Non-Small-Cell Lung")
    (mapping,) = map_to_mondo(terms, mondo)
    assert mapping.object_id == NSCLC


def read_vocabulary_text(*names: str):
    from adcgraph.align.vocabulary import parse_name_list

    return parse_name_list("\n".join(names))
