"""Population names, the shipped disease index, every identifier of the graph, typos,
wrong-type inputs, and the roll-up of evidence along the disease hierarchy."""

from __future__ import annotations

import json
import random

import pytest
from click.testing import CliRunner

from adcgraph.cli import cli
from adcgraph.curated.build import SOURCES_DIR
from adcgraph.curated.curation import read_sources
from adcgraph.curated.ontology import controlled_values
from adcgraph.errors import ResolutionError
from adcgraph.resolving import (
    index_for_store,
    reference_build,
    resolve_candidates,
    resolve_disease,
    resolve_one,
)
from adcgraph.resolving.index import REFERENCE_DISEASES, read_reference
from adcgraph.resolving.learned import concept_words
from adcgraph.resolving.search import staging_reading
from adcgraph.rollup import evidence_scope, weight_for

BREAST_CANCER = "MONDO:0007254"
NSCLC = "MONDO:0005233"
OVARIAN_CANCER = "MONDO:0008170"
AML = "MONDO:0018874"
PROSTATE_CANCER = "MONDO:0008315"
ERBB2, EGFR, FOLR1, ESR1 = "HGNC:3430", "HGNC:3236", "HGNC:3791", "HGNC:3467"


@pytest.fixture(scope="module")
def index(built):
    return index_for_store(built.paths.store)


@pytest.mark.parametrize(
    ("text", "disease", "markers", "states"),
    [
        ("HER2-low breast cancer", BREAST_CANCER, {(ERBB2, "low")}, ()),
        ("EGFR-mutant non-small cell lung cancer", NSCLC, {(EGFR, "mutant")}, ()),
        ("EGFRm NSCLC", NSCLC, {(EGFR, "mutant")}, ()),
        (
            "FRα-high platinum-resistant ovarian cancer",
            OVARIAN_CANCER,
            {(FOLR1, "high")},
            ("platinum_resistant",),
        ),
        (
            "HR+/HER2− mBC",
            BREAST_CANCER,
            {(ESR1, "positive"), (ERBB2, "negative")},
            ("metastatic",),
        ),
        ("R/R AML", AML, set(), ("relapsed_or_refractory",)),
        ("relapsed or refractory acute myeloid leukaemia", AML, set(), ("relapsed_or_refractory",)),
        ("1L mCRPC", PROSTATE_CANCER, set(), ("castration_resistant", "first_line", "metastatic")),
    ],
)
def test_population_names_are_read_into_disease_biomarkers_and_states(
    index, text, disease, markers, states
):
    found = resolve_disease(index, text)
    assert found.disease == disease
    assert {(m["gene"], m["status"]) for m in found.biomarkers} == markers
    assert found.states == states
    assert {part["as"] for part in found.parts} >= {"disease"}


def test_a_disease_named_with_its_biomarker_lands_on_the_mondo_class_that_says_so(index):
    assert resolve_disease(index, "HER2-positive breast cancer").disease == "MONDO:0006244"
    assert resolve_disease(index, "TNBC").disease == "MONDO:0005494"


def test_resolve_json_contract_for_diseases_and_populations(built):
    runner = CliRunner()
    store = ["--store", str(built.paths.store)]
    population = json.loads(
        runner.invoke(cli, ["resolve", "EGFR-mutant NSCLC", "--format", "json", *store]).output
    )[0]
    assert population["disease"] == NSCLC
    assert population["biomarkers"] == [{"gene": EGFR, "status": "mutant"}]
    assert population["states"] == []
    assert {p["as"]: p["matched"] for p in population["parts"]}["biomarker"].startswith("gene EGFR")
    plain = json.loads(runner.invoke(cli, ["resolve", "TNBC", "--format", "json", *store]).output)
    assert (plain[0]["disease"], plain[0]["biomarkers"], plain[0]["states"]) == (
        "MONDO:0005494",
        [],
        [],
    )


def test_an_unreadable_part_and_an_unknown_biomarker_are_named(index):
    with pytest.raises(ResolutionError, match="could not read the disease part 'xyzzy'") as error:
        resolve_disease(index, "HER2-low xyzzy")
    assert "biomarker 'HER2-low'" in error.value.message
    with pytest.raises(ResolutionError, match="unknown biomarker 'FOOBAR'"):
        resolve_disease(index, "FOOBAR-low breast cancer")
    with pytest.raises(ResolutionError, match="names no disease"):
        resolve_disease(index, "HER2-low metastatic")
    with pytest.raises(ResolutionError, match="unknown biomarker status 'mutnt' of EGFR") as error:
        resolve_disease(index, "EGFR-mutnt NSCLC")
    assert "did you mean EGFR-mutant?" in error.value.message


def test_a_staging_edition_is_dropped_and_stage_0_read_as_in_situ_with_a_note(index):
    rows = {row.id: row for row in read_reference()}
    for text, expected in [
        ("stage 0 cervical cancer (AJCC v8)", "MONDO:0042487"),
        ("Stage 0 Rectal Cancer, AJCC 8th edition", "MONDO:0004725"),
    ]:
        written = {name.casefold() for name in (*rows[expected].synonyms, rows[expected].label)}
        assert text.casefold() not in written  # read, not looked up
        found = resolve_disease(index, text)
        assert found.id == expected, text
        assert "dropped" in found.matched and "read as in situ" in found.matched
        roles = {part["as"]: part for part in found.parts}
        assert roles["disease"]["id"] == expected
        assert "AJCC" in roles["ignored"]["part"] and roles["qualifier"]["part"].startswith(
            ("stage 0", "Stage 0")
        )
    # a stage no state code says is reported as a qualifier of the population
    found = resolve_disease(index, "HER2-positive stage III breast cancer")
    assert found.disease == "MONDO:0006244" and found.biomarkers == ({"gene": ERBB2,
                                                                      "status": "positive"},)
    stage = next(part for part in found.parts if part["as"] == "qualifier")
    assert stage["part"] == "stage III" and "reported" in stage["matched"]
    # a carcinoma said not to infiltrate is its in situ form too
    found = resolve_disease(index, "Lobular Carcinoma of the Breast, Noninfiltrating")
    assert found.id == "MONDO:0006270"
    assert "'Noninfiltrating' read as in situ" in found.matched
    # stage 0 of a disease that has no in situ form is not read so
    assert staging_reading("Rai stage 0 chronic lymphocytic leukemia") is None


def test_common_cancers_the_curation_lacks_resolve_offline_from_the_shipped_index(index):
    rows = {row.id: row for row in read_reference()}
    assert len(rows) > 3000
    for text, expected in [
        ("endometrial cancer", "MONDO:0011962"),
        ("NSCLC", NSCLC),
        ("DOID:3908", NSCLC),
        ("NCIT:C2926", NSCLC),
        ("ONCOTREE:NSCLC", NSCLC),
    ]:
        assert resolve_disease(index, text).id == expected, text


def test_the_shipped_disease_index_is_what_the_committed_script_derives(shared_data, tmp_path):
    derived = tmp_path / "diseases.tsv.gz"
    reference_build.write_index(reference_build.derive(shared_data), derived)
    assert derived.read_bytes() == REFERENCE_DISEASES.read_bytes()


def test_every_class_of_mondos_design_patterns_is_indexed_under_its_patterns_class(
    shared_data, index
):
    rows = {row.id: row for row in read_reference()}
    by_label = {row.label: row.id for row in rows.values()}
    parents = {row.id: set(row.parents) for row in rows.values()}
    patterns = reference_build.read_patterns(shared_data)
    assert len(patterns) > 700
    for pattern in patterns:
        assert pattern.id in rows, pattern
        head = by_label[pattern.head]
        if pattern.id != head:
            assert head in reference_build.branch_above(parents, pattern.id), pattern
    # a cancer only the carcinoma pattern places in the branch resolves by its other names
    merkel = resolve_disease(index, "Merkel cell carcinoma")
    assert (merkel.id, merkel.disease) == ("MONDO:0019210", "MONDO:0019210")
    assert by_label["carcinoma"] in rows["MONDO:0019210"].parents


def test_a_name_whose_parts_name_a_disease_and_its_ancestor_answers_the_narrower(index):
    found = resolve_candidates(index, "Lung Adenocarcinoma/Lung Cancer", "disease")
    assert [c.id for c in found] == ["MONDO:0005061"]
    assert found[0].matched.startswith("part 'Lung Adenocarcinoma' of the name")
    # parts naming two unrelated diseases stay a tie, which resolve_disease refuses
    with pytest.raises(ResolutionError, match="ambiguous"):
        resolve_disease(index, "Vulva/Vagina")


def test_a_mesh_heading_lands_on_the_class_mondo_maps_mesh_headings_to(index):
    rows = {row.id: row for row in read_reference()}
    heading = resolve_candidates(index, "Ovarian Neoplasms", "disease")
    assert [c.id for c in heading[:2]] == [OVARIAN_CANCER, "MONDO:0021068"]
    assert heading[0].matched.startswith("MeSH heading read as 'Ovarian cancer'")
    assert heading[0].score > heading[1].score
    assert any(xref.startswith("MESH:") for xref in rows[OVARIAN_CANCER].xrefs)
    # written as MONDO and NCIt write synonyms (lower case), or benign: the neoplasm class
    assert resolve_disease(index, "ovarian neoplasms").id == "MONDO:0021068"
    assert resolve_disease(index, "Benign Ovarian Neoplasms").id != OVARIAN_CANCER


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PMID:33339894", "PMID:33339894"),
        ("33339894", "PMID:33339894"),
        ("https://pubmed.ncbi.nlm.nih.gov/33339894", "PMID:33339894"),
        ("NCT02574455", "NCT:NCT02574455"),
        ("ASCENT", "NCT:NCT02574455"),
        ("rs12459419", "DBSNP:rs12459419"),
        ("T256R", "adcgraph:variant/tacstd2-t256r"),
        ("TACSTD2 p.T256R", "adcgraph:variant/tacstd2-t256r"),
        ("sacituzimab govitecan", "DRUGBANK:DB12893"),
    ],
)
def test_every_identifier_and_name_the_graph_holds_resolves(index, text, expected):
    assert resolve_one(index, text).id == expected


def test_typos_rank_below_exact_matches_and_short_names_get_none(index):
    exact = resolve_one(index, "sacituzumab govitecan")
    typo = resolve_one(index, "sacituzimab govitecan")
    assert exact.id == typo.id and exact.score > typo.score
    assert typo.matched.startswith("typo")
    with pytest.raises(ResolutionError):
        resolve_one(index, "HER9")  # under 6 characters: no typo tolerance


def test_wrong_type_inputs_are_explained(built):
    result = CliRunner().invoke(
        cli, ["combos", "olaparib", "TNBC", "--store", str(built.paths.store)]
    )
    assert result.exit_code == 1
    assert "'olaparib' is a Drug (DRUGBANK:DB09074 olaparib), not an ADC" in result.output
    assert "combos needs an ADC" in result.output


def _corrupted(name: str, rng: random.Random) -> list[tuple[str, str]]:
    """One systematic corruption of each applicable kind."""
    forms = [("case", name.swapcase())]
    if any(char in name for char in " -"):
        forms.append(("punctuation", name.replace(" ", "-").replace("--", "-")))
    if len(name) >= 8 and name.isascii():
        position = rng.randrange(2, len(name) - 2)
        forms.append(("typo", name[:position] + name[position + 1 :]))
    if name[-1:].isalpha():
        forms.append(("plural", name + "s"))
    return forms


def test_resolver_test_set_from_the_graphs_own_tables_resolves_top1_95_percent(index):
    curation = read_sources(SOURCES_DIR, controlled_values())
    rng = random.Random(14)
    cases = []
    for table, label_column in [
        ("adcs", "label"),
        ("drugs", "label"),
        ("genes", "symbol"),
        ("diseases", "label"),
        ("mechanisms", "label"),
        ("trials", "label"),
        ("payloads", "label"),
    ]:
        for record in curation.records(table):
            label = record.one(label_column) or ""
            if len(label) >= 6:
                kind, text = rng.choice(_corrupted(label, rng))
                cases.append((table, kind, text, record.id))
            for synonym in record.many("synonyms")[:1] if "synonyms" in record.cells else ():
                if table == "adcs":
                    cases.append((table, "brand name or code", synonym, record.id))
    for record in curation.records("references"):
        cases.append(("references", "code", record.id.lower(), record.id))
    assert len(cases) >= 100
    wrong = []
    for table, kind, text, expected in cases:
        try:
            found = resolve_candidates(index, text)[0].id
        except ResolutionError:
            found = None
        if found != expected:
            wrong.append((table, kind, text, expected, found))
    assert 1 - len(wrong) / len(cases) >= 0.95, wrong


def test_word_variants_learned_from_the_diseases_names_never_tell_two_diseases_apart(index):
    learned = index.learned
    # a site adjective and its noun are one word of the concept key (learned from MONDO)
    assert index.equivalents["cerebellum"] == "cerebellar"
    assert index.equivalents["renal"] == "kidney"
    assert "central nervous system" in learned.abbreviations["cns"]
    assert "alveolar soft part sarcoma" in learned.abbreviations["asps"]  # a whole-name one
    found = resolve_disease(index, "AML with BCR-ABL1")
    assert found.id == "MONDO:0035112" and found.matched.startswith("learned variant")
    labels: dict[frozenset[str], set[str]] = {}
    for entity in index.entities:
        if entity.kind == "disease":
            bag = frozenset(concept_words(entity.label, index.equivalents))
            labels.setdefault(bag, set()).add(entity.id)
    for bag, ids in labels.items():
        for word in bag:
            for other in set(learned.words.get(word, ())) - bag:  # no reading repeats a word
                swapped = (bag - {word}) | {other}
                assert not labels.get(swapped, set()) - ids, (word, other, sorted(bag))


def test_a_word_swap_seen_only_inside_one_phrase_is_learned_with_that_phrase(index):
    # MONDO's names swap these words only beside one same word (broad/uterine ligament,
    # acute lymphoid/lymphoblastic leukemia, endometrial/endometrioid stromal sarcoma)
    def reading(word: str) -> str:
        return index.equivalents.get(word, word)

    for word, partner in (
        ("uterine", "broad"),
        ("lymphoid", "lymphoblastic"),
        ("endometrioid", "endometrial"),
    ):
        assert reading(word) != reading(partner), (word, partner, reading(word))
    assert reading("uterine") == reading("uteri")  # 'cervix uteri' is the uterine cervix
    assert index.equivalents["ethmoidal"] == "ethmoid"  # a noun and its adjective stay one
    learned = index.learned
    assert "broad" not in learned.words.get("uterus", ())
    assert "lymphoblastic" not in learned.words.get("type", ())
    assert learned.phrases["accessory"]["paranasal"] == ("sinus",)
    # a phrase-bound swap is tried only where its phrase is
    assert "paranasal sinus neoplasm" in set(learned.variants("accessory sinus neoplasm"))
    assert not any("paranasal" in v for v in learned.variants("accessory spleen neoplasm"))


def test_learn_keeps_a_swap_bound_to_one_phrase_apart_from_free_ones():
    from adcgraph.resolving.learned import learn

    learned = learn(
        [
            ["uterine ligament adenocarcinoma", "broad ligament adenocarcinoma"],
            ["uterine ligament sarcoma", "broad ligament sarcoma"],
            ["cerebellar tumor", "tumor of cerebellum"],
            ["cerebellar glioma", "glioma of the cerebellum"],
        ]
    )
    assert learned.words == {"cerebellar": ("cerebellum",), "cerebellum": ("cerebellar",)}
    assert learned.phrases == {
        "broad": {"uterine": ("ligament",)},
        "uterine": {"broad": ("ligament",)},
    }
    assert list(learned.variants("uterine leiomyoma")) == []
    assert list(learned.variants("uterine ligament leiomyoma")) == ["broad ligament leiomyoma"]
    assert type(learned).from_json(learned.to_json()) == learned


def test_curated_populations_the_name_does_not_tell_apart_follow_the_parsed_one(index):
    wanted = ("MONDO:0006244", [("HGNC:3430", "positive")], ["early_stage"])
    same = [
        curie
        for curie, details in index.details.items()
        if (
            details.get("disease"),
            sorted((m["gene"], m["status"]) for m in details.get("biomarkers", ())),
            sorted(details.get("states", ())),
        )
        == wanted
    ]
    found = resolve_candidates(index, "HER2+ eBC", "disease")
    if len(same) > 1:
        assert found[0].source == "parsed" and found[0].score > found[1].score
        assert {c.id for c in found[1 : 1 + len(same)]} == set(same)
        assert all("one of" in c.matched for c in found[1 : 1 + len(same)])
    else:
        assert found[0].id == (same[0] if same else "MONDO:0006244")
    assert (found[0].disease, found[0].states) == ("MONDO:0006244", ("early_stage",))


def test_malignant_or_benign_is_left_out_only_when_the_class_says_it(index):
    found = resolve_disease(index, "desmoplastic small round cell tumour, malignant")
    assert found.id == "MONDO:0019373" and "said by the class" in found.matched
    with pytest.raises(ResolutionError):  # a malignant class is not benign
        resolve_disease(index, "benign desmoplastic small round cell tumor")


def test_a_negated_state_is_not_read_as_the_state(index):
    found = resolve_disease(index, "non-metastatic castration-resistant prostate cancer")
    assert found.disease == PROSTATE_CANCER
    assert found.states == ("castration_resistant",)
    qualifiers = [part["part"] for part in found.parts if part["as"] == "qualifier"]
    assert qualifiers == ["non-metastatic"]


def test_a_typo_does_not_change_the_letter_a_word_starts_with(index):
    with pytest.raises(ResolutionError):
        resolve_disease(index, "Extrahepatic Cholangiocarcinoma")  # not intrahepatic
    # not "tracheal carcinoma" by a typo: NCIt's label for MONDO's bladder urachal carcinoma
    urachal = resolve_disease(index, "Urachal Carcinoma")
    assert urachal.id == "MONDO:0003715" and not urachal.matched.startswith("typo")
    assert resolve_one(index, "sacituzumab ovitecan").id == "DRUGBANK:DB12893"


def test_roll_up_weights_and_fallback_follow_the_hierarchy():
    parents = {"tnbc": {"bc"}, "her2low": {"bc"}, "bc": {"cancer"}, "aml": {"cancer"}}
    assert weight_for(parents, "bc", "tnbc") == 1.0  # narrower counts fully for broader
    assert weight_for(parents, "tnbc", "bc") == 0.7  # broader applies, down-weighted
    assert weight_for(parents, "tnbc", "her2low") == 0.7  # through their common parent
    assert weight_for(parents, "aml", "tnbc") == 0.7  # common ancestor one step above AML
    assert weight_for(parents, "tnbc", "aml") == 0.49  # two steps above TNBC
    scope = evidence_scope(parents, "her2low", {"tnbc"})
    assert (scope.used, scope.steps, scope.factor) == ("bc", 1, 0.7)
    assert evidence_scope(parents, "aml", set()).used is None


def test_combos_says_whose_evidence_it_used(built):
    result = CliRunner().invoke(
        cli,
        [
            "combos",
            "T-DM1",
            "AML",
            "--no-explain",
            "--format",
            "json",
            "--permutations",
            "2",
            "--store",
            str(built.paths.store),
        ],
    )
    assert result.exit_code == 0, result.output
    query = json.loads(result.stdout)["query"]
    assert query["disease"] == AML and query["evidence_disease"] != AML
    assert query["evidence_note"].startswith("no evidence recorded on acute myeloid leukemia")


# --- disease vocabularies imported by the user -------------------------------------------------


@pytest.fixture
def store_copy(built, tmp_path):
    import shutil

    target = tmp_path / "store"
    shutil.copytree(built.paths.store, target)
    return target


def test_oncotree_and_mesh_names_and_ids_land_on_their_mondo_class(store_copy, shared_data):
    from adcgraph.importers import ImportOptions, run_import

    run_import(
        "oncotree",
        [shared_data / "oncotree" / "oncotree_2025_10_03.json"],
        store_copy,
        ImportOptions(),
    )
    run_import(
        "mesh",
        [shared_data / "mesh" / "mesh2025-c04" / "mesh_c04_complete.csv"],
        store_copy,
        ImportOptions(),
    )
    index = index_for_store(store_copy)
    ductal = resolve_disease(index, "Breast Invasive Ductal Carcinoma")
    assert (ductal.id, ductal.matched) == (
        "MONDO:0004953",
        "exact imported 'Breast Invasive Ductal Carcinoma'",
    )
    assert resolve_disease(index, "ONCOTREE:IDC").id == "MONDO:0004953"
    assert resolve_disease(index, "Triple Negative Breast Neoplasms").id == "MONDO:0005494"
    # a MeSH class without a MONDO crosswalk stands for itself, with its MeSH parent
    unmapped = resolve_disease(index, "Neoplasms, Ductal, Lobular, and Medullary")
    assert unmapped.id == "MESH:D018299" and unmapped.source.startswith("import:")


def test_disease_files_with_duplicate_ids_or_no_disease_branch_are_refused(
    store_copy, shared_data, tmp_path
):
    from adcgraph.errors import OntologyFileError
    from adcgraph.importers import ImportOptions, run_import

    mesh = tmp_path / "c04.csv"
    mesh.write_text(
        "mesh_id,mesh_name,tree_number,level\nD009369,Neoplasms,C04,1\n"
        "D003560,Cysts,C04.182,2\nD003560,Cyst,C04.183,2\n",
        encoding="utf-8",
    )
    with pytest.raises(OntologyFileError, match=r"c04.csv:4: duplicate id 'D003560'"):
        run_import("mesh", [mesh], store_copy, ImportOptions())
    tree = tmp_path / "onco.json"
    tree.write_text(
        '{"TISSUE": {"code": "TISSUE", "name": "Tissue", "children": {\n'
        '"A": {"code": "BRCA", "name": "Breast", "children": {}},\n'
        '"B": {"code": "BRCA", "name": "Breast again", "children": {}}}}}\n',
        encoding="utf-8",
    )
    with pytest.raises(OntologyFileError, match=r"onco.json:3: duplicate code 'BRCA'"):
        run_import("oncotree", [tree], store_copy, ImportOptions())
    with pytest.raises(OntologyFileError, match=r"hgnc_import.obo:1: no disease branch"):
        run_import(
            "obo",
            [shared_data / "genes" / "hgnc_import.obo"],
            store_copy,
            ImportOptions(diseases=True),
        )


def test_paths_and_cross_resistance_take_population_and_reference_disease_names(built):
    store = ["--store", str(built.paths.store)]
    runner = CliRunner()
    paths = runner.invoke(cli, ["paths", "T-DM1", "endometrial cancer", "-k", "1", *store])
    assert paths.exit_code == 0, paths.output
    assert "MONDO:0011962 is not in the path graph; using its nearest ancestor" in paths.output
    cross = runner.invoke(
        cli,
        [
            "cross-resistance",
            "T-DM1",
            "--disease",
            "HER2+ mBC",
            "--format",
            "json",
            "--permutations",
            "2",
            *store,
        ],
    )
    assert cross.exit_code == 0, cross.output
    query = json.loads(cross.stdout)["query"]
    assert query["disease"] == "MONDO:0006244" and query["evidence_disease"] == "MONDO:0006244"


def test_a_query_disease_parameter_takes_a_population_name(built):
    from adcgraph.querying import queries

    node = queries.resolve_entity(built.backend, "R/R AML", "adco:Disease")
    assert node.value.endswith("MONDO_0018874")


#: Conditions as trial registries and papers write them, with an ADC and a partner tried
#: together, and the MONDO class each condition names.
VALIDATE_ROWS = (
    ("trastuzumab deruxtecan", "pertuzumab", "HER2-positive Metastatic Breast Cancer",
     "MONDO:0006244"),
    ("sacituzumab govitecan", "pembrolizumab", "Locally advanced or metastatic TNBC",
     "MONDO:0005494"),
    ("enfortumab vedotin", "pembrolizumab", "la/mUC", "MONDO:0040679"),
    ("brentuximab vedotin", "nivolumab", "R/R HL", "MONDO:0004952"),
    ("gemtuzumab ozogamicin", "venetoclax", "Relapsed/Refractory AML", AML),
    ("trastuzumab deruxtecan", "osimertinib", "Carcinoma, Non-Small-Cell Lung", NSCLC),
    ("belantamab mafodotin", "bortezomib", "Relapsed or Refractory Multiple Myeloma",
     "MONDO:0009693"),
)


def test_validate_resolves_population_names_as_registries_write_them(built, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    rows = [*VALIDATE_ROWS, ("trastuzumab deruxtecan", "pertuzumab", "HER2-low flurb", None)]
    pairs.write_text(
        "adc\tpartner\tdisease\n" + "".join(f"{a}\t{p}\t{d}\n" for a, p, d, _ in rows),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["validate", str(pairs), "--format", "json", "--store", str(built.paths.store)]
    )
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)["pairs"]
    assert [(r["disease"], r["disease_id"]) for r in found[:-1]] == [
        (disease, mondo) for _, _, disease, mondo in VALIDATE_ROWS
    ]
    assert all(r["resolved"] for r in found[:-1])
    unreadable = found[-1]
    assert not unreadable["resolved"]
    assert "disease part 'flurb'" in unreadable["note"]
    assert "biomarker 'HER2-low'" in unreadable["note"] and "nearest diseases" in unreadable["note"]


@pytest.mark.parametrize(
    ("text", "gene", "status", "threshold", "disease"),
    [
        ("PD-L1 CPS ≥ 10 gastric cancer", "HGNC:17635", "positive", "CPS >= 10", "MONDO:0001056"),
        ("PD-L1 TPS <1% NSCLC", "HGNC:17635", "negative", "TPS < 1%", NSCLC),
        ("FRα ≥75% platinum-resistant ovarian cancer", FOLR1, "positive", ">= 75%",
         OVARIAN_CANCER),
    ],
)
def test_a_biomarker_threshold_is_read_with_its_assay(
    index, text, gene, status, threshold, disease
):
    found = resolve_disease(index, text)
    assert found.disease == disease
    assert [dict(m) for m in found.biomarkers] == [
        {"gene": gene, "status": status, "threshold": threshold}
    ]


def test_a_threshold_on_a_biomarker_the_vocabulary_lacks_names_it(index):
    with pytest.raises(ResolutionError) as error:
        resolve_disease(index, "XYZ9 CPS ≥ 10 gastric cancer")
    assert "unknown biomarker 'XYZ9'" in str(error.value)
