"""The path commands through click's CliRunner, with names resolved to entities."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from adcgraph.cli import cli
from adcgraph.commands.paths import RANKING_COLUMNS


@pytest.fixture
def run(built):
    def invoke(*args: str):
        return CliRunner().invoke(cli, [*args, "--store", str(built.paths.store)])

    return invoke


def test_combos_by_brand_name_and_abbreviation_as_json(run, tmp_path):
    page = tmp_path / "sg.html"
    result = run(
        "combos", "Trodelvy", "TNBC", "--format", "json", "--permutations", "5", "--html", str(page)
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    query = document["query"]
    assert (query["adc"], query["disease"]) == ("DRUGBANK:DB12893", "MONDO:0005494")
    assert query["evidence_disease"] == "MONDO:0005494"
    labels = [c["label"] for c in document["candidates"]]
    assert "talazoparib" in labels and "pembrolizumab" in labels
    assert "<svg" in page.read_text(encoding="utf-8")


def test_combos_table_and_tsv(run):
    table = run("combos", "sacituzumab govitecan", "MONDO:0005494", "--permutations", "3")
    assert table.exit_code == 0 and "talazoparib" in table.output
    tsv = run(
        "combos", "IMMU-132", "TNBC", "--format", "tsv", "--no-explain", "--permutations", "3"
    )
    assert tsv.output.splitlines()[0].startswith("rank\tid\tlabel")


def test_cross_resistance_command(run):
    result = run("cross-resistance", "SG", "--format", "json", "--permutations", "3")
    assert result.exit_code == 0, result.output
    first = json.loads(result.stdout)["candidates"][0]
    assert first["label"] == "sacituzumab tirumotecan"


def test_paths_command_prints_citations_for_each_edge(run):
    result = run("paths", "T-DM1", "tucatinib", "-k", "2")
    assert result.exit_code == 0, result.output
    assert "path 1" in result.output and "NCT" not in result.output.split("path 1")[0]
    assert "PMID:" in result.output or "DOI:" in result.output
    as_json = json.loads(run("paths", "T-DM1", "tucatinib", "--format", "json").stdout)
    assert as_json["paths"] and as_json["paths"][0]["nodes"][0] == "DRUGBANK:DB05773"


def test_unknown_entity_gives_nearest_names_and_no_traceback(run):
    result = run("combos", "sacitzmb govtcn", "TNBC")
    assert result.exit_code == 1
    assert "sacituzumab govitecan" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("columns", [80, 120])
def test_combos_table_fits_the_terminal_width_and_shows_what_json_says(run, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    table = run("combos", "SG", "TNBC", "--format", "table", "--permutations", "3", "--top", "5")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert lines and max(len(line) for line in lines) <= columns
    document = json.loads(
        run("combos", "SG", "TNBC", "--format", "json", "--permutations", "3", "--top", "5").stdout
    )
    for candidate in document["candidates"]:
        assert candidate["label"] in table.stdout
        assert candidate["type"] in table.stdout
    header_line = next(line for line in lines if "rank" in line)
    headers = [cell.strip() for cell in header_line.strip("|").split("|")]
    assert headers[:3] == ["rank", "label", "type"]
    assert set(headers) <= {*RANKING_COLUMNS}
    if columns >= 120:
        assert {"adjusted_score", "p_value", "metapaths", "tested"} <= set(headers)


def test_combos_tsv_keeps_metapaths_phase_and_notes(run):
    tsv = run("combos", "SG", "TNBC", "--format", "tsv", "--no-explain", "--permutations", "3")
    header, *rows = tsv.stdout.splitlines()
    columns = header.split("\t")
    assert columns[:7] == ["rank", "id", "label", "type", "score", "adjusted_score", "p_value"]
    assert {"metapaths", "tested", "notes", "citations"} <= set(columns)
    cells = [dict(zip(columns, row.split("\t"), strict=True)) for row in rows]
    assert all(cell["metapaths"] for cell in cells)
    assert any("NCT:" in cell["tested"] for cell in cells)


def test_trials_in_another_disease_are_marked_with_that_disease():
    """A strategy tried in SCLC never reads as a TNBC trial: it is flagged with its disease."""
    from adcgraph.combos import Candidate, attach_trials
    from adcgraph.graphdata import Evidence, GraphData

    adc, drug, strategy = "ex:sg", "ex:berzosertib", "ex:sg-berzosertib"
    tnbc, breast, sclc = "ex:tnbc", "ex:breast", "ex:sclc"
    data = GraphData(
        "v",
        {adc: "ADC", drug: "Drug", strategy: "Strategy", tnbc: "Disease", sclc: "Disease"},
        [(strategy, "usesAdc", adc), (strategy, "usesDrug", drug)],
        {
            (strategy, "usesAdc", adc): [
                Evidence("c", "clinical", "Verified", sclc, (), ("NCT:NCT0001",), "Phase1to2")
            ]
        },
        labels={sclc: "small cell lung carcinoma"},
        disease_parents={tnbc: {breast}},
    )

    def candidate() -> Candidate:
        return Candidate("b", drug, "berzosertib", "Drug", 1.0, 1.0, 0.1, {})

    asked_tnbc, asked_sclc = candidate(), candidate()
    attach_trials([asked_tnbc], adc, data, tnbc)
    attach_trials([asked_sclc], adc, data, sclc)
    assert asked_tnbc.trials[0]["in_disease"] is False
    assert asked_tnbc.notes == [
        "tested clinically with this ADC only in another disease (small cell lung carcinoma)"
    ]
    assert asked_sclc.trials[0]["in_disease"] is True
    assert asked_sclc.notes == ["tested clinically with this ADC"]


def test_tested_column_names_the_disease_of_trials_outside_the_asked_one(run):
    quick = ("--no-explain", "--permutations", "2")
    document = json.loads(run("combos", "SG", "TNBC", "--format", "json", *quick).stdout)
    tsv = run("combos", "SG", "TNBC", "--format", "tsv", *quick)
    header, *rows = tsv.stdout.splitlines()
    tested = {
        row.split("\t")[2]: row.split("\t")[header.split("\t").index("tested")] for row in rows
    }
    for found in document["candidates"]:
        for trial in found["trials"]:
            assert set(trial) >= {"disease", "disease_label", "in_disease"}
            marked = f"(in {trial['disease_label']})" in tested[found["label"]]
            assert marked is (not trial["in_disease"]), (found["label"], trial)


def test_cross_resistance_lists_the_sequencing_trials_of_each_adc(run):
    document = json.loads(
        run("cross-resistance", "T-DM1", "--format", "json", "--permutations", "2").stdout
    )
    by_label = {c["label"]: c for c in document["candidates"]}
    tdxd = by_label["trastuzumab deruxtecan"]
    assert any("NCT:NCT03529110" in t["trial_ids"] for t in tdxd["trials"])  # DESTINY-Breast03


def test_paths_between_an_entity_and_itself_is_a_usage_error(run):
    result = run("paths", "SG", "sacituzumab govitecan")
    assert result.exit_code == 2
    assert "same entity" in result.output and "path 1" not in result.output


def test_path_and_count_wording_is_singular_for_one():
    from adcgraph.querying.results import counted

    assert [counted(n, "edge") for n in (0, 1, 2)] == ["0 edges", "1 edge", "2 edges"]
