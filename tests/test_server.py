"""`adcgraph serve`: the real Oxigraph server on the built store, queried by real SPARQL clients
and by `adcgraph query --endpoint` (remote stores)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, SPARQLWrapper

from adcgraph.cli import cli
from adcgraph.commands.queries import run_and_render
from adcgraph.errors import QueryError, StoreError
from adcgraph.querying import queries, server
from adcgraph.storage import store

ADC_LABELS = """
PREFIX adco: <https://w3id.org/adcgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?label WHERE { ?adc a adco:ADC ; rdfs:label ?label } ORDER BY ?label
"""
INSERT = "INSERT DATA { <https://example.org/s> <https://example.org/p> <https://example.org/o> }"
ASK_INSERTED = "ASK { <https://example.org/s> ?p ?o }"


@dataclass(frozen=True)
class Served:
    """An `adcgraph serve` process and its endpoint URLs."""

    process: subprocess.Popen[str]
    settings: server.ServerSettings


@pytest.fixture(scope="module")
def served(built) -> Iterator[Served]:
    """`adcgraph serve` on a free port, against the session's store (built in a temp dir)."""
    # A generous limit: these tests check answers, and a loaded CI machine must not turn an
    # ordinary query into a 504 (the timeout itself is tested with its own short limit).
    settings = server.ServerSettings(built.paths.store, port=server.free_port(), timeout_s=60)
    command = [
        sys.executable,
        "-m",
        "adcgraph.cli",
        "serve",
        "--store",
        str(settings.store),
        "--port",
        str(settings.port),
        "--timeout-s",
        str(settings.timeout_s),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not server.endpoint_answers(settings.query_url):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "adcgraph serve did not start"
            time.sleep(0.1)
        yield Served(process, settings)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
        output, errors = process.communicate(timeout=15)
    assert process.returncode == 0, errors
    assert "stopped" in output
    assert not server.endpoint_answers(settings.query_url), "a query worker outlived serve"


def test_serve_announces_the_endpoint_and_binds_to_localhost(served):
    assert served.settings.query_url.startswith("http://127.0.0.1:")
    assert server.port_in_use("127.0.0.1", served.settings.port)


def test_sparqlwrapper_queries_the_endpoint(served):
    client = SPARQLWrapper(served.settings.query_url)
    client.setQuery(ADC_LABELS)
    client.setReturnFormat(JSON)
    document = client.query().convert()
    labels = [binding["label"]["value"] for binding in document["results"]["bindings"]]
    assert "sacituzumab govitecan" in labels and len(labels) >= 20


def test_rdflib_sparqlstore_queries_the_endpoint(served):
    graph = rdflib.Graph(store=SPARQLStore(served.settings.query_url))
    labels = {str(row.label) for row in graph.query(ADC_LABELS)}
    assert {"trastuzumab deruxtecan", "trastuzumab emtansine"} <= labels


def test_default_graph_is_the_union_of_the_named_graphs(served):
    # Inferred triples (reasoner) and curated ones answer together, as in the embedded store.
    client = SPARQLWrapper(served.settings.query_url)
    client.setQuery(
        "ASK { <http://identifiers.org/drugbank/DB12893> a "
        "<https://w3id.org/adcgraph/ontology#Top1InhibitorADC> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_the_endpoint_is_read_only(served):
    client = SPARQLWrapper(served.settings.query_url, updateEndpoint=served.settings.update_url)
    client.setMethod(POST)
    client.setQuery(INSERT)
    with pytest.raises(urllib.error.HTTPError) as refused:
        client.query()
    assert refused.value.code == 403
    check = SPARQLWrapper(served.settings.query_url)
    check.setQuery(ASK_INSERTED)
    check.setReturnFormat(JSON)
    assert check.query().convert()["boolean"] is False


@pytest.mark.parametrize("name", [path.stem for path in queries.query_paths()])
def test_every_example_gives_the_same_rows_remotely_and_embedded(built, served, name):
    query = queries.load_query(name)
    remote = store.open_backend(served.settings.query_url)
    embedded = queries.run_named_query(built.backend, query, query.example)
    over_http = queries.run_named_query(remote, query, query.example)
    assert _sorted_rows(queries.result_rows(over_http)) == _sorted_rows(
        queries.result_rows(embedded)
    )


@pytest.mark.parametrize(
    "values",
    [
        {"adc": "T-DXd", "evidence_type": "clinical", "curation_status": "verified"},
        {"adc": "Kadcyla"},
    ],
)
def test_optional_parameters_mean_the_same_remotely(built, served, values):
    remote = store.open_backend(served.settings.query_url)
    name = "resistance-mechanisms-of-adc"
    embedded = queries.result_rows(queries.run_named_query(built.backend, name, values))
    over_http = queries.result_rows(queries.run_named_query(remote, name, values))
    assert embedded and _sorted_rows(over_http) == _sorted_rows(embedded)


def _sorted_rows(rows: list[dict[str, str]]) -> list[list[tuple[str, str]]]:
    # GROUP_CONCAT order is not specified, so multi-valued cells are compared as sets.
    return sorted(
        sorted((key, " | ".join(sorted(value.split(" | ")))) for key, value in row.items())
        for row in rows
    )


def test_adcgraph_query_and_sparql_run_against_the_endpoint(served):
    runner = CliRunner()
    url = served.settings.query_url
    named = runner.invoke(
        cli,
        [
            "query",
            "cross-resistance-candidates",
            "-p",
            "adc=Trodelvy",
            "--endpoint",
            url,
            "--format",
            "json",
        ],
    )
    assert named.exit_code == 0, named.output
    candidates = {
        b["candidate_label"]["value"] for b in json.loads(named.output)["results"]["bindings"]
    }
    assert {"trastuzumab deruxtecan", "sacituzumab tirumotecan"} <= candidates
    adhoc = runner.invoke(cli, ["sparql", ADC_LABELS, "--endpoint", url, "--format", "csv"])
    assert adhoc.exit_code == 0, adhoc.output
    assert "datopotamab deruxtecan" in adhoc.output


def test_unresolvable_entity_over_the_endpoint_suggests_names(served):
    result = CliRunner().invoke(
        cli,
        ["query", "adcs-by-target", "-p", "target=HER2X", "--endpoint", served.settings.query_url],
    )
    assert result.exit_code == 1
    assert "did you mean" in result.output and "HER2" in result.output
    assert "Traceback" not in result.output


def test_unreachable_endpoint_is_a_clear_error():
    url = f"http://127.0.0.1:{server.free_port()}/query"
    result = CliRunner().invoke(
        cli, ["query", "adcs-by-target", "-p", "target=HER2", "--endpoint", url]
    )
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot reach SPARQL endpoint {url}")
    assert "Traceback" not in result.output


def test_a_result_stream_cut_by_the_server_timeout_is_a_query_error():
    # The exact bytes Oxigraph sends when --timeout-s cancels a streaming query.
    truncated = b'{"head":{"vars":["n"]},"results":{"bindings":[The SPARQL operation has been'

    @dataclass
    class TruncatingEndpoint:
        location: str = "http://127.0.0.1:7878/query"

        def query(self, text: str, bindings: object = None) -> ox.QuerySolutions:
            return ox.parse_query_results(truncated, format=ox.QueryResultsFormat.JSON)

    query = queries.load_query("non-cleavable-linker-resistance-bypass")
    with pytest.raises(QueryError, match="malformed results"):
        run_and_render(TruncatingEndpoint(), query, {}, "table")


def test_server_functions_start_refuse_a_busy_port_and_stop(built, served):
    with pytest.raises(StoreError, match="already in use"):
        server.start_server(server.ServerSettings(built.paths.store, port=served.settings.port))
    with pytest.raises(StoreError, match="no adcgraph store"):
        server.start_server(server.ServerSettings(built.paths.store / "missing"))
    settings = server.ServerSettings(built.paths.store, port=server.free_port())
    running = server.start_server(settings)
    assert server.endpoint_answers(settings.query_url)
    assert server.stop_server(running) == 0
    assert not server.endpoint_answers(settings.query_url)


def test_serve_command_is_read_only_unless_writable(tmp_path):
    read_only = server.serve_command(server.ServerSettings(tmp_path, timeout_s=7))
    assert read_only[3] == "serve" and "--writable" not in read_only
    assert read_only[read_only.index("--timeout-s") + 1] == "7"
    writable = server.serve_command(server.ServerSettings(tmp_path, writable=True, cors=True))
    assert "--writable" in writable and "--cors" in writable


def test_path_commands_run_against_the_endpoint(served):
    runner = CliRunner()
    url = served.settings.query_url
    combos = runner.invoke(
        cli,
        [
            "combos",
            "Trodelvy",
            "TNBC",
            "--endpoint",
            url,
            "--format",
            "json",
            "--permutations",
            "2",
        ],
    )
    assert combos.exit_code == 0, combos.output
    labels = [c["label"] for c in json.loads(combos.stdout)["candidates"]]
    assert "talazoparib" in labels and "pembrolizumab" in labels
    crossed = runner.invoke(
        cli,
        ["cross-resistance", "SG", "--endpoint", url, "--format", "json", "--permutations", "2"],
    )
    assert json.loads(crossed.stdout)["candidates"][0]["label"] == "sacituzumab tirumotecan"
    paths = runner.invoke(
        cli, ["paths", "T-DM1", "tucatinib", "--endpoint", url, "--format", "json"]
    )
    assert json.loads(paths.stdout)["paths"][0]["nodes"][-1] == "DRUGBANK:DB11652"
