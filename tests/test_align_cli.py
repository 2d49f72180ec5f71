"""The alignment and data commands through click's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from adcgraph.cli import cli

TNBC = "MONDO:0005494"
TNBC_MESH = "MESH:D064726"
FIXTURES = Path(__file__).parent / "fixtures"
COMMANDS = (
    ["xref"],
    ["resolve"],
    ["align"],
    ["align", "match"],
    ["align", "evaluate"],
    ["align", "map"],
    ["import"],
    ["export-mappings"],
)


@pytest.fixture
def store_copy(built, tmp_path) -> str:
    target = tmp_path / "store"
    shutil.copytree(built.paths.store, target)
    return str(target)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_help_shows_an_example(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0 and "Example:" in result.output


def test_resolve_json_lists_candidates_best_first(built):
    result = invoke("resolve", "Enhertu", "--format", "json", "--store", str(built.paths.store))
    candidates = json.loads(result.output)
    assert candidates[0]["id"] == "DRUGBANK:DB14962"
    assert {"id", "label", "score"} <= set(candidates[0])


def test_resolve_unknown_text_exits_1_with_suggestions(built):
    result = invoke("resolve", "sacitzmab govtkan", "--store", str(built.paths.store))
    assert result.exit_code == 1
    assert "Error: no entity of the graph is named" in result.output
    assert "sacituzumab govitecan" in result.output and "Traceback" not in result.output


def test_import_sssom_then_xref_both_ways(store_copy, shared_data):
    mesh_set = shared_data / "mondo" / "mappings" / "mondo_exactmatch_mesh.sssom.tsv"
    imported = invoke("import", str(mesh_set), "--format", "sssom", "--store", store_copy)
    assert imported.exit_code == 0, imported.output
    assert "loaded" in imported.output
    forward = invoke("xref", TNBC, "--to", "MESH", "--format", "json", "--store", store_copy)
    assert {item["id"] for item in json.loads(forward.output)} == {TNBC_MESH}
    back = invoke("xref", TNBC_MESH, "--store", store_copy)
    assert TNBC in back.output and "mondo_exactmatch_mesh.sssom.tsv" in back.output


def test_import_of_a_malformed_file_exits_1_naming_the_line(store_copy):
    result = invoke(
        "import",
        str(FIXTURES / "align_malformed.sssom.tsv"),
        "--format",
        "sssom",
        "--store",
        store_copy,
    )
    assert result.exit_code == 1
    assert "align_malformed.sssom.tsv:6: unknown prefix 'FOO'" in result.output


def test_export_mappings_writes_sssom(store_copy, tmp_path):
    from sssom.parsers import parse_sssom_table

    output = tmp_path / "out.sssom.tsv"
    result = invoke("export-mappings", "-o", str(output), "--store", store_copy)
    assert result.exit_code == 0, result.output
    assert (TNBC, "mesh:D064726") in set(  # MeSH as MONDO's released sets write it
        zip(*(parse_sssom_table(output).df[c] for c in ("subject_id", "object_id")), strict=True)
    )


def test_align_match_then_evaluate(tmp_path):
    output = tmp_path / "predicted.sssom.tsv"
    matched = invoke(
        "align",
        "match",
        str(FIXTURES / "align-source.obo"),
        str(FIXTURES / "align-target.obo"),
        "-o",
        str(output),
    )
    assert matched.exit_code == 0, matched.output
    scored = invoke("align", "evaluate", str(output), str(output), "--format", "json")
    assert json.loads(scored.output)["f1"] == 1.0
