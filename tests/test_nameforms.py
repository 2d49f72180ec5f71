"""Name forms learned from MONDO: the shipped table, its reader, and the derivation."""

from __future__ import annotations

from pathlib import Path

import pytest

from adcgraph.align.matcher import match_ontologies
from adcgraph.align.nameforms import (
    NamePair,
    derive_name_forms,
    learn_name_forms,
    read_table,
    shipped_name_forms,
)
from adcgraph.errors import MappingError
from adcgraph.ontofile import Term


def term(identifier: str, label: str, *parents: str) -> Term:
    return Term(identifier, label, (), tuple(parents), None, False)


def test_shipped_table_holds_learned_variants_and_head_conventions() -> None:
    forms = shipped_name_forms()
    assert forms.canonical(["duodenal"]) == forms.canonical(["duodenum"])
    conventions = {(r.source, r.target) for r in forms.rewrites_for("NCIT")}
    assert (("malignant", "neoplasm"), ("cancer",)) in conventions
    assert {"carcinoma", "neoplasm", "lymphoma"} <= forms.heads


def test_mesh_style_inverted_heading_and_head_convention_match_a_labels_only_pair() -> None:
    doid = {
        "DOID:1": term("DOID:1", "duodenum cancer"),
        "DOID:2": term("DOID:2", "breast ductal carcinoma"),
    }
    mesh = {
        "MESH:D1": term("MESH:D1", "Duodenal Neoplasms"),
        "MESH:D2": term("MESH:D2", "Carcinoma, Ductal, Breast"),
    }
    found = {(m.subject_id, m.object_id): m for m in match_ontologies(doid, mesh)}
    assert set(found) == {("DOID:1", "MESH:D1"), ("DOID:2", "MESH:D2")}
    assert found[("DOID:1", "MESH:D1")].confidence < found[("DOID:2", "MESH:D2")].confidence


def test_learning_counts_distinct_classes_not_rows() -> None:
    # One class seen three times is not three votes for a MeSH convention.
    pairs = [NamePair("M:1", "lung cancer", "MESH", "Lung Neoplasms")] * 3
    assert "MESH" not in learn_name_forms(pairs).rewrites


def test_table_reader_names_the_bad_line() -> None:
    header = "kind\tvocabulary\tfrom\tto\tsupport\tratio\n"
    with pytest.raises(MappingError, match=r"x\.tsv:2: bad support or ratio"):
        read_table(header + "rewrite\tMESH\tneoplasm\tcancer\tmany\t0.2\n", source="x.tsv")
    with pytest.raises(MappingError, match=r"x\.tsv:1: expected the header"):
        read_table("kind\tfrom\n", source="x.tsv")


def test_excluded_classes_teach_nothing() -> None:
    pairs = [
        NamePair(f"M:{i}", f"{site} cancer", "MESH", f"{site} Neoplasms")
        for i, site in enumerate(["Kidney", "Lung", "Bone", "Skin"])
    ]
    learned = learn_name_forms(pairs, [("NSCLC", "non-small cell lung carcinoma")])
    assert learned.rewrites["MESH"][0].source == ("neoplasm",)
    assert learned.abbreviations["NSCLC"] == ("non", "small", "cell", "lung", "carcinoma")
    assert "MESH" not in learn_name_forms(pairs[:2]).rewrites  # two classes are too few


def test_derivation_without_data_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="no MONDO mappings or synonyms"):
        derive_name_forms(tmp_path)
