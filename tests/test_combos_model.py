"""The learned partner model, leave-pair-out validation and the new metapaths."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from adcgraph import hetmat
from adcgraph.cli import cli
from adcgraph.errors import InputFileError
from adcgraph.graphdata import GraphData
from adcgraph.model.features import FEATURES, raw_rows
from adcgraph.model.training import direct_links, hide, nonnegative_logistic
from adcgraph.model.validate import read_pairs

PAIR_KEYS = {
    "adc",
    "partner",
    "disease",
    "adc_id",
    "partner_id",
    "disease_id",
    "resolved",
    "rank",
    "candidates",
}
SUMMARY_KEYS = {"pairs", "resolved", "hit_at_5", "hit_at_10", "hit_at_20", "mrr", "auroc"}


def _toy() -> tuple[GraphData, hetmat.HetMat]:
    nodes = {
        "adc": "ADC",
        "m": "Mechanism",
        "g": "Gene",
        "g2": "Gene",
        "p": "Pathway",
        "d1": "Drug",
        "d2": "Drug",
        "s": "Strategy",
        "tnbc": "Disease",
    }
    edges = [
        ("m", "confersResistanceTo", "adc"),
        ("m", "involvesGene", "g"),
        ("g", "participatesIn", "p"),
        ("g2", "participatesIn", "p"),
        ("d1", "inhibits", "g2"),
        ("d2", "inhibits", "g"),
        ("s", "usesAdc", "adc"),
        ("s", "usesDrug", "d1"),
        ("d1", "treats", "tnbc"),
    ]
    data = GraphData("v", nodes, edges)
    graph = hetmat.HetMat.from_edges(nodes.items(), [(*e, 1.0) for e in edges])
    return data, graph


def test_pathway_and_backbone_features_reach_drugs_beyond_the_curation():
    _, graph = _toy()
    rows = raw_rows(graph, "adc", ["tnbc"])
    names = [f.name for f in FEATURES]
    drugs = graph.node_ids["Drug"]
    pathway = rows[names.index("mechanism-pathway-inhibitor")]
    assert pathway[drugs.index("d1")] > 0 and pathway[drugs.index("d2")] == 0
    assert rows[names.index("mechanism-gene-inhibitor")][drugs.index("d2")] > 0
    assert rows[names.index("disease-approved-drug")][drugs.index("d1")] > 0


def test_a_drug_combined_with_a_sibling_adc_is_a_feature_of_this_adc():
    # adc and sibling share payload class, target and approved disease; only the sibling has
    # a strategy with the partner: the three "other ADC" features reach it, not the bystander.
    nodes = {
        "adc": "ADC",
        "sibling": "ADC",
        "class": "PayloadClass",
        "target": "Gene",
        "tnbc": "Disease",
        "s": "Strategy",
        "partner": "Drug",
        "bystander": "Drug",
    }
    edges = [
        ("adc", "hasPayloadClass", "class"),
        ("sibling", "hasPayloadClass", "class"),
        ("adc", "hasTarget", "target"),
        ("sibling", "hasTarget", "target"),
        ("adc", "approvedFor", "tnbc"),
        ("sibling", "approvedFor", "tnbc"),
        ("s", "usesAdc", "sibling"),
        ("s", "usesDrug", "partner"),
        ("bystander", "inhibits", "target"),
    ]
    graph = hetmat.HetMat.from_edges(nodes.items(), [(*e, 1.0) for e in edges])
    rows = raw_rows(graph, "adc", ["tnbc"])
    names = [f.name for f in FEATURES]
    drugs = graph.node_ids["Drug"]
    for name in ("class-adc-partner", "target-adc-partner", "indication-adc-partner"):
        row = rows[names.index(name)]
        assert row[drugs.index("partner")] > 0 and row[drugs.index("bystander")] == 0, name


def test_direct_links_are_hidden_before_scoring():
    data, graph = _toy()
    hidden = direct_links(data, "adc", "d1")
    assert hidden == {("s", "usesDrug", "d1"), ("s", "usesAdc", "adc")}
    before = hetmat.dwpc_row(graph, "ADC<usesAdc-Strategy-usesDrug>Drug", "adc")
    after = hetmat.dwpc_row(hide(graph, hidden), "ADC<usesAdc-Strategy-usesDrug>Drug", "adc")
    assert before.sum() > 0 and after.sum() == 0
    assert graph.edge_count() == hide(graph, hidden).edge_count() + 2


def test_nonnegative_fit_gives_no_feature_a_negative_weight():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    y = (x[:, 0] - x[:, 1] + rng.normal(scale=0.3, size=400) > 1).astype(float)
    weights, _ = nonnegative_logistic(x, y, 1.0)
    assert weights[0] > 0.5 and weights[1] == 0.0


def test_pairs_file_needs_the_three_columns_and_ignores_others(tmp_path):
    good = tmp_path / "pairs.tsv"
    good.write_text("adc\tpartner\tdisease\tsource\nSG\tolaparib\tTNBC\tx\n\n", encoding="utf-8")
    assert read_pairs(good) == [(2, "SG", "olaparib", "TNBC")]
    bad = tmp_path / "bad.tsv"
    bad.write_text("adc\tdrug\nSG\tolaparib\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"bad\.tsv:1: missing column\(s\) partner, disease"):
        read_pairs(bad)


@pytest.fixture(scope="module")
def run_cli(built):
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, [*args, "--store", str(built.paths.store)])
        assert result.exit_code == 0, result.output
        return result.output

    return run


def test_validate_json_leaves_each_pair_out_and_reports_unresolved_rows(run_cli, tmp_path):
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        "adc\tpartner\tdisease\n"
        "sacituzumab govitecan\ttalazoparib\tTNBC\n"
        "Trodelvy\tpembrolizumab\tMONDO:0005494\n"
        "no such ADC\tolaparib\tTNBC\n",
        encoding="utf-8",
    )
    document = json.loads(run_cli("validate", str(pairs), "--format", "json"))
    rows = document["pairs"]
    assert [set(r) - {"note"} for r in rows] == [PAIR_KEYS] * 3
    assert [r["resolved"] for r in rows] == [True, True, False]
    assert rows[2]["rank"] is None
    for row in rows[:2]:
        assert isinstance(row["rank"], int) and 1 <= row["rank"] <= row["candidates"]
        assert row["candidates"] > 500  # curated and reference-layer drugs
    summary = document["summary"]
    assert set(summary) >= SUMMARY_KEYS and summary["pairs"] == 3 and summary["resolved"] == 2
    assert set(summary["baselines"]) == {"degree", "same_disease"}
    assert {"hit_at_10", "auroc"} <= set(summary["baselines"]["degree"])


def test_model_command_prints_fitted_coefficients(run_cli):
    output = run_cli("model")
    assert "fitted on" in output and "curated ADC-partner pairs with clinical data" in output
    lines = output.splitlines()[2:]
    assert {f.name for f in FEATURES} | {"intercept"} <= {line.split()[0] for line in lines}
    assert sum("(permutation-adjusted)" in line for line in lines) == len(FEATURES)


def test_cross_resistance_counts_the_mechanisms_the_named_query_counts(built):
    from adcgraph import vocab
    from adcgraph.combos import cross_resistance
    from adcgraph.querying import queries

    t_dm1 = vocab.expand("DRUGBANK:DB05773")
    ranking = cross_resistance(
        built.paths.store, t_dm1, top=30, n_permutations=2, explain_paths=False
    )
    command = {
        c.label: {part.strip() for part in note.removeprefix("shared mechanisms:").split(",")}
        for c in ranking.candidates
        for note in c.notes
        if note.startswith("shared mechanisms:")
    }
    rows = queries.result_rows(
        queries.run_named_query(built.backend, "cross-resistance-candidates", {"adc": "T-DM1"})
    )
    query: dict[str, set[str]] = {}
    for row in rows:
        if row["basis"] == "resistance mechanism":
            query.setdefault(row["candidate_label"], set()).add(row["shared_label"])
    assert command == query


def test_switch_evidence_lowers_and_is_shown_against_the_shared_weakness(built):
    from adcgraph import vocab
    from adcgraph.combos import cross_resistance

    ranking = cross_resistance(
        built.paths.store, vocab.expand("DRUGBANK:DB05773"), n_permutations=2, explain_paths=False
    )
    t_dxd = next(c for c in ranking.candidates if c.label == "trastuzumab deruxtecan")
    assert t_dxd.metapath_scores["contrary-switch-evidence"] < 0
    note = next(n for n in t_dxd.notes if n.startswith("activity after progression"))
    assert "NCT:NCT03529110" in note  # DESTINY-Breast03


def test_before_year_hides_evidence_dated_that_year_or_later(tmp_path):
    from adcgraph.graphdata import Evidence
    from adcgraph.model.validate import dated_after, evidence_years

    (tmp_path / "trials.tsv").write_text(
        "id\tlabel\tsynonyms\tphase\tstart_year\tcitations\nNCT:NCT1\tA\t\tphase3\t2021\t\n",
        encoding="utf-8",
    )
    (tmp_path / "references.tsv").write_text(
        "id\tfirst_author\tyear\tjournal\ttitle\tpmid_or_doi\tverified\tchecked\n"
        "PMID:1\tX\t2015\tJ\tT\t\ttrue\t\n",
        encoding="utf-8",
    )
    years = evidence_years(tmp_path)
    assert years == {"NCT:NCT1": 2021, "PMID:1": 2015}
    late = ("s", "usesDrug", "d")
    early = ("m", "confersResistanceTo", "a")
    data = GraphData(
        "v",
        {},
        [late, early],
        {
            late: [Evidence("s", "Clinical", "Verified", None, (), ("NCT:NCT1",), "Phase3")],
            early: [Evidence("c", "Clinical", "Verified", None, ("PMID:1",))],
        },
    )
    assert dated_after(data, years, 2020) == {late}
    assert dated_after(data, years, 2010) == {late, early}


def test_a_release_edge_that_only_restates_the_combination_trial_is_hidden():
    from adcgraph.graphdata import Evidence
    from adcgraph.model.training import combination_records, combination_trials

    def record(*trials):
        return Evidence("r", "SourceRecord", "Imported", None, trials, trials, "phase 3")

    curated = GraphData(
        "v",
        {"s": "Strategy", "adc": "ADC", "p": "Drug"},
        [("s", "usesAdc", "adc"), ("s", "usesDrug", "p")],
        evidence={("s", "usesAdc", "adc"): [Evidence("c", "Clinical", "Verified", "uc", (),
                                                     ("NCT:1",))]},
    )  # fmt: skip
    trials = combination_trials(curated, "adc", "p")
    assert trials == {"NCT:1"}
    scored = GraphData(
        "v",
        edges=[("p", "studiedToTreat", "uc"), ("p", "studiedToTreat", "x"), ("p", "treats", "y"),
               ("q", "studiedToTreat", "uc")],
        evidence={("p", "studiedToTreat", "uc"): [record("NCT:1")],
                  ("p", "studiedToTreat", "x"): [record("NCT:1", "NCT:2")],
                  ("p", "treats", "y"): [record()],
                  ("q", "studiedToTreat", "uc"): [record("NCT:1")]},
    )  # fmt: skip
    assert combination_records(scored, "adc", "p", trials) == {("p", "studiedToTreat", "uc")}
    assert combination_records(scored, "adc", "p", frozenset()) == frozenset()
