"""Name forms learned from MONDO: the shipped table, its reader, and the derivation."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from adcgraph.align.matcher import match_ontologies
from adcgraph.align.nameforms import (
    NameForms,
    NamePair,
    derive_name_forms,
    head_words,
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


def test_shipped_table_holds_learned_synonyms_modifiers_and_inner_abbreviations() -> None:
    forms = shipped_name_forms()
    # Different stems that MONDO's names of one disease swap ("pulmonary"/"lung" ...).
    assert "pulmonary" in forms.synonyms["lung"]
    assert "renal" in forms.synonyms["kidney"]
    # A word that names subtypes in MONDO is not a droppable modifier; "gland" is.
    assert forms.modifier_share("childhood") < 0.5 < forms.modifier_share("gland")
    # Capitalised words inside names spelled out by another name of the class.
    assert forms.abbreviations["AML"] == ("acute", "myeloid", "leukemia")


def test_a_swap_that_tells_two_classes_of_one_ontology_apart_is_not_used() -> None:
    pairs = [
        NamePair(f"M:{i}", f"skin {disease}", "X", f"cutaneous {disease}")
        for i, disease in enumerate(["lymphoma", "melanoma", "angiosarcoma", "leiomyoma"])
    ]
    # Without the pooled head conventions, which learn the same swap as a rewrite.
    forms = replace(learn_name_forms(pairs), rewrites={})
    assert forms.synonyms["skin"] == frozenset({"cutaneous"})
    source = {"A:1": term("A:1", "Cutaneous Fibroma")}
    target = {"B:1": term("B:1", "skin fibroma")}
    assert [m.object_id for m in match_ontologies(source, target, name_forms=forms)] == ["B:1"]
    # An ontology that holds both as different classes says that there they differ.
    target["B:3"] = term("B:3", "skin neurofibroma")
    target["B:4"] = term("B:4", "cutaneous neurofibroma")
    assert match_ontologies(source, target, name_forms=forms) == []


def test_one_modifier_fewer_matches_only_unclaimed_leaf_classes() -> None:
    forms = NameForms(modifiers={"childhood": 0.3})
    doid = {
        "DOID:1": term("DOID:1", "acral lentiginous melanoma"),
        "DOID:2": term("DOID:2", "childhood salivary carcinoma"),
        "DOID:3": term("DOID:3", "nasal mucosal melanoma"),
    }
    onco = {
        "ONCOTREE:ACRM": term("ONCOTREE:ACRM", "Acral Melanoma"),
        "ONCOTREE:SACA": term("ONCOTREE:SACA", "Salivary Carcinoma"),
        "ONCOTREE:MM": term("ONCOTREE:MM", "Mucosal Melanoma"),
        "ONCOTREE:MMX": term("ONCOTREE:MMX", "Mucosal Melanoma Subtype", "ONCOTREE:MM"),
    }
    found = {m.subject_id: m for m in match_ontologies(doid, onco, name_forms=forms)}
    assert found["DOID:1"].object_id == "ONCOTREE:ACRM"
    assert "one modifier fewer" in found["DOID:1"].evidence
    assert "DOID:2" not in found  # "childhood" tells MONDO classes apart
    assert "DOID:3" not in found  # the shorter class has subclasses of its own


def test_table_reader_rejects_a_modifier_share_outside_zero_to_one() -> None:
    header = "kind\tvocabulary\tfrom\tto\tsupport\tratio\n"
    with pytest.raises(MappingError, match=r"x\.tsv:2: expected a share between 0 and 1"):
        read_table(header + "modifier\t*\tgland\t\t\t1.7\n", source="x.tsv")
    forms = read_table(header + "modifier\t*\tgland\t\t\t0.98\nsynonym\t*\tlung\tpulmonary\t\t\n")
    assert forms.modifier_share("gland") == 0.98
    assert forms.synonyms["pulmonary"] == frozenset({"lung"})


def test_unmatched_children_of_matched_parents_pair_by_shared_words() -> None:
    doid = {
        "DOID:1": term("DOID:1", "cervical adenocarcinoma"),
        "DOID:2": term("DOID:2", "cervical villoglandular papillary adenocarcinoma", "DOID:1"),
        "DOID:3": term("DOID:3", "cervical serous adenocarcinoma", "DOID:1"),
        "DOID:4": term("DOID:4", "ovarian villoglandular papillary carcinoma"),
    }
    onco = {
        "ONCOTREE:CEAD": term("ONCOTREE:CEAD", "Cervical Adenocarcinoma"),
        "ONCOTREE:VGCE": term(
            "ONCOTREE:VGCE", "Villoglandular Adenocarcinoma of the Cervix", "ONCOTREE:CEAD"
        ),
        "ONCOTREE:OVPC": term("ONCOTREE:OVPC", "Ovarian Villoglandular Carcinoma, Low Grade"),
    }
    forms = shipped_name_forms()
    found = {m.subject_id: m for m in match_ontologies(doid, onco, name_forms=forms)}
    assert found["DOID:1"].object_id == "ONCOTREE:CEAD"
    assert found["DOID:2"].object_id == "ONCOTREE:VGCE"
    assert "shared words under matched parents" in found["DOID:2"].evidence
    assert found["DOID:2"].confidence < found["DOID:1"].confidence
    # Shared words alone, without matched parents, are not enough.
    assert "DOID:4" not in found and "DOID:3" not in found


def test_numbers_and_letters_ending_labels_are_not_head_words() -> None:
    # "type 2" ends many labels, but a subtype number is not the kind of disease.
    labels = [f"{site} ataxia type {n}" for site in ("spinal", "cerebellar") for n in range(12)]
    labels += [f"{site} carcinoma" for site in ("lung", "skin", "bone", "liver", "colon")] * 2
    labels += [f"{site} carcinoma" for site in ("eye", "ear", "lip", "gum", "jaw")]
    heads = head_words(labels)
    assert "carcinoma" in heads
    assert not {str(n) for n in range(12)} & heads
    assert {"2", "ii", "e"}.isdisjoint(shipped_name_forms().heads)


def test_a_swap_bound_to_one_phrase_or_a_qualifier_is_no_word_synonym() -> None:
    sites = ["fibroma", "lipoma", "myoma", "hamartoma", "sarcoma"]
    pairs = [NamePair(f"M:{i}", f"{h} of lung", "X", f"pulmonary {h}") for i, h in enumerate(sites)]
    # NCIt "Broad Ligament X" is MONDO "uterine ligament X": "broad" is not "uterine".
    pairs += [
        NamePair(f"M:b{i}", f"uterine ligament {h}", "NCIT", f"broad ligament {h}")
        for i, h in enumerate(sites)
    ]
    forms = learn_name_forms(pairs)
    assert forms.synonyms["lung"] == {"pulmonary"}
    assert "uterine" not in forms.synonyms
    bound = {(r.source, r.target) for r in forms.rewrites_for("NCIT")}
    assert (("broad", "ligament"), ("ligament", "uterine")) in bound
    assert (("broad",), ("uterine",)) not in bound
    shipped = shipped_name_forms()
    assert "uterine" not in shipped.synonyms.get("broad", ())
    assert "recessive" not in shipped.synonyms.get("type", ())
