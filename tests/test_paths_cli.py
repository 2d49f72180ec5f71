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
