"""The CLI through click's CliRunner, on the session's built store."""

from __future__ import annotations

import csv
import io
import json

import pytest
import rdflib
from click.testing import CliRunner

from adcgraph.cli import cli

TOP1_ADCS_QUERY = """
SELECT ?adc ?label ?target WHERE {
  ?adc a adco:ADC ; rdfs:label ?label ; adco:hasPayload/adco:inPayloadClass ?class ;
       adco:hasTarget/rdfs:label ?target .
  ?class adco:broaderPayloadClass* <https://w3id.org/adcgraph/payload-class/top1-inhibitor> .
} ORDER BY ?label ?target
"""
EXPECTED_TOP1 = {
    ("sacituzumab govitecan", "TACSTD2"),
    ("trastuzumab deruxtecan", "ERBB2"),
    ("datopotamab deruxtecan", "TACSTD2"),
    ("patritumab deruxtecan", "ERBB3"),
    ("sacituzumab tirumotecan", "TACSTD2"),
}


@pytest.fixture
def run(built):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(
            cli,
            [*args, "--store", str(built.paths.store)] if args[0] not in ("lint",) else list(args),
            input=input,
        )

    return invoke


def _pairs_from_csv(text: str) -> set[tuple[str, str]]:
    return {(row["label"], row["target"]) for row in csv.DictReader(io.StringIO(text))}


def test_sparql_answers_which_adcs_carry_a_top1_inhibitor_payload_in_csv(run):
    result = run("sparql", TOP1_ADCS_QUERY, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert _pairs_from_csv(result.output) >= EXPECTED_TOP1
    assert ("trastuzumab emtansine", "ERBB2") not in _pairs_from_csv(result.output)


def test_sparql_json_is_standard_sparql_results(run):
    result = run("sparql", TOP1_ADCS_QUERY, "--format", "json")
    document = json.loads(result.output)
    assert document["head"]["vars"] == ["adc", "label", "target"]
    pairs = {(b["label"]["value"], b["target"]["value"]) for b in document["results"]["bindings"]}
    assert pairs >= EXPECTED_TOP1
    assert document["results"]["bindings"][0]["adc"]["type"] == "uri"


def test_sparql_tsv_and_table_formats(run):
    tsv = run("sparql", TOP1_ADCS_QUERY, "--format", "tsv").output.splitlines()
    assert tsv[0] == "?adc\t?label\t?target"
    assert any('"sacituzumab govitecan"' in line and '"TACSTD2"' in line for line in tsv)
    table = run("sparql", TOP1_ADCS_QUERY).output
    assert "sacituzumab govitecan" in table and "DRUGBANK:DB12893" in table


def test_sparql_reads_a_query_from_stdin_and_from_a_file(run, tmp_path):
    assert "sacituzumab" in run("sparql", "-", "--format", "csv", input=TOP1_ADCS_QUERY).output
    query_file = tmp_path / "top1.rq"
    query_file.write_text(TOP1_ADCS_QUERY, encoding="utf-8")
    assert "sacituzumab" in run("sparql", f"@{query_file}", "--format", "csv").output


def test_a_malformed_query_gives_a_clean_error_with_position(run):
    result = run("sparql", "SELECT ?x WHERE { ?x ?p }")
    assert result.exit_code == 1
    assert result.output.startswith("Error: malformed SPARQL query")
    assert "Traceback" not in result.output


def test_stats_counts_classes_and_predicates(run):
    result = run("stats", "--format", "json")
    counts = json.loads(result.output)
    assert counts["classes"]["adco:ADC"] >= 20
    assert counts["predicates"]["adco:confersResistanceTo"] >= 40
    assert counts["graphs"]["adcgraph.graph:inferred"] > 0


@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")]
)
def test_export_writes_parseable_rdf(run, tmp_path, fmt, rdflib_format):
    output = tmp_path / f"out.{fmt}"
    result = run("export", "--format", fmt, "-o", str(output))
    assert result.exit_code == 0, result.output
    assert len(rdflib.Graph().parse(output, format=rdflib_format)) > 1000


def test_export_nquads_keeps_named_graphs(run, tmp_path):
    output = tmp_path / "out.nq"
    run("export", "--format", "nquads", "-o", str(output))
    dataset = rdflib.Dataset().parse(output, format="nquads")
    names = {str(g.identifier) for g in dataset.graphs()}
    assert "https://w3id.org/adcgraph/graph/curated" in names
    assert "https://w3id.org/adcgraph/graph/inferred" in names


def test_every_command_help_shows_an_example():
    runner = CliRunner()
    for name, command in cli.commands.items():
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, f"`adcgraph {name} --help` has no example"
        del command


def test_lint_passes_on_the_committed_sources():
    result = CliRunner().invoke(cli, ["lint"])
    assert result.exit_code == 0, result.output
