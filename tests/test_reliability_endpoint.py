"""Every query is bounded, in the CLI and behind `adcgraph serve` (issue 13, issue 12 item 7)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from adcgraph.cli import cli
from adcgraph.errors import StoreError
from adcgraph.querying import server

CARTESIAN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
DEEP = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
UNIONS = "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 1500) + " }"


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize(
    ("query", "extra", "expected"),
    [
        (DEEP, [], "groups nested deeper than 128 levels"),
        (UNIONS, [], "more than 1000 UNION branches"),
        (CARTESIAN_COUNT, ["--timeout-s", "1"], "ran over its time limit of 1 s"),
        ("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", ["--max-result-mb", "1"], "exceed 1 MiB"),
        ("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", [], "federation is off"),
        ("INSERT DATA { <a:s> <a:p> <a:o> }", [], "this is a SPARQL update (INSERT)"),
        ("SELECT * WHERE { ?s foo:bar ?o }", [], "column 21: prefix 'foo:' is not declared"),
        ('SELECT * { ?s ?p ?o FILTER REGEX(?o, "([a-") }', [], "is not a valid pattern"),
        ('SELECT * { ?s ?p ?o FILTER REGEX(STR(?o), "(") }', [], "is not a valid pattern"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", ["--format", "csv"], "--format csv cannot hold"),
    ],
    ids=["deep", "unions", "timeout", "result-size", "service", "update", "prefix", "regex",
         "regex-of-expression", "construct-csv"],
)  # fmt: skip
def test_the_cli_bounds_a_query_and_says_which_limit(built, query, extra, expected):
    # Before: a segfault (deep, unions), a run without end (timeout), memory exhaustion,
    # an outbound request, "expected CONSTRUCT", "expected OPTIONAL", 0 rows, csv ignored.
    result = invoke("sparql", query, "--store", str(built.paths.store), *extra)
    assert result.exit_code == 1, result.output
    assert expected in result.output and "Traceback" not in result.output
    assert result.output.startswith("Error:")  # nothing of a partial answer was printed


def test_query_files_that_are_directories_or_not_utf8_are_clear_errors(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_bytes(b"SELECT * WHERE { ?s ?p '\xe9' }")
    for argument, expected in ((f"@{tmp_path}", "is not a file"), (f"@{bad}", "not UTF-8")):
        result = invoke("sparql", argument)
        assert result.exit_code == 1 and expected in result.output, result.output


@pytest.mark.parametrize(
    ("url", "expected"),
    [("notaurl", "is not an http(s):// URL"), ("http://[::1/query", "Invalid IPv6 URL")],
)
def test_bad_endpoint_urls_are_rejected(url, expected):
    result = invoke("sparql", "ASK {}", "--endpoint", url)
    assert result.exit_code == 2 and expected in result.output


@pytest.fixture(scope="module")
def endpoint(built, tmp_path_factory) -> Iterator[server.RunningServer]:
    copy = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(built.paths.store, copy)
    settings = server.ServerSettings(copy, port=server.free_port(), timeout_s=2, cors=True)
    running = server.start_server(settings)
    yield running
    assert server.stop_server(running) == 0


def request(
    running: server.RunningServer, query: str, headers: dict[str, str] | None = None
) -> tuple[int, str, dict[str, str]]:
    body = urllib.parse.urlencode({"query": query}).encode()
    call = urllib.request.Request(running.settings.query_url, data=body, headers=headers or {})
    try:
        with urllib.request.urlopen(call, timeout=30) as answer:
            return answer.status, answer.read().decode(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def test_a_query_over_the_time_limit_gets_504_not_a_truncated_200(endpoint):
    status, text, _ = request(endpoint, CARTESIAN_COUNT)
    assert status == 504 and "time limit of 2 s" in text
    assert request(endpoint, "ASK {}")[:2] == (200, '{"head":{},"boolean":true}')


def test_a_query_that_would_crash_the_engine_is_refused_and_the_endpoint_stays_up(endpoint):
    # Before: 5,000 nested groups aborted the Oxigraph server ("stack overflow").
    status, text, _ = request(endpoint, DEEP)
    assert status == 400 and "nested deeper" in text
    assert request(endpoint, "ASK {}")[0] == 200


def test_a_dead_worker_is_replaced(endpoint):
    workers = subprocess.run(
        ["pgrep", "-P", str(endpoint.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert len(workers) >= endpoint.settings.workers
    for pid in workers:
        subprocess.run(["kill", "-9", pid], check=False)
    deadline = time.monotonic() + 20
    statuses = []
    while time.monotonic() < deadline:
        statuses.append(request(endpoint, "ASK {}")[0])
        if statuses[-1] == 200:
            break
    assert statuses[-1] == 200 and set(statuses) <= {200, 500, 503}  # 503: still booting


def test_service_is_refused_and_no_request_leaves_the_server(endpoint):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(1.0)
        port = listener.getsockname()[1]
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        status, text, _ = request(endpoint, query)
        assert status == 400 and "federation is off" in text
        with pytest.raises(TimeoutError):
            listener.accept()


def test_only_this_servers_host_header_is_answered_and_cors_is_sent(endpoint):
    assert request(endpoint, "ASK {}", {"Host": "attacker.example"})[0] == 403
    status, _, headers = request(endpoint, "ASK {}", {"Origin": "https://yasgui.org"})
    assert status == 200 and headers.get("Access-Control-Allow-Origin") == "*"
    preflight = urllib.request.Request(endpoint.settings.query_url, method="OPTIONS")
    with urllib.request.urlopen(preflight, timeout=10) as answer:
        assert "POST" in answer.headers["Access-Control-Allow-Methods"]


def test_the_server_follows_an_import_without_a_restart(endpoint, tmp_path):
    data = tmp_path / "extra.nt"
    data.write_text('<https://example.org/s> <https://example.org/p> "new" .\n')
    ask = 'ASK { <https://example.org/s> ?p "new" }'
    assert '"boolean":false' in request(endpoint, ask)[1]
    result = invoke(
        "import", str(data), "--format", "ntriples", "--store", str(endpoint.settings.store)
    )
    assert result.exit_code == 0, result.output
    assert '"boolean":true' in request(endpoint, ask)[1]


def test_a_public_interface_needs_allow_remote(built):
    with pytest.raises(StoreError, match="--allow-remote"):
        server.check_settings(server.ServerSettings(built.paths.store, host="0.0.0.0"))


def test_error_positions_through_the_endpoint_are_the_querys_own(built, endpoint):
    # Before: a line-1 column came back shifted by the PREFIX declarations the client puts
    # on line 1 (here about 50 characters for adco:).
    import re

    for query in (
        "SELECT ?adc WHERE { ?adc a adco:ADC ; adco:hasTarget }",
        "SELECT ?adc WHERE {\n  ?adc a adco:ADC ; adco:hasTarget }",
    ):
        results = [
            invoke("sparql", query, *where)
            for where in (
                ["--store", str(built.paths.store)],
                ["--endpoint", endpoint.settings.query_url],
            )
        ]
        positions = [re.findall(r"error at (\d+:\d+)", r.output) for r in results]
        assert all(r.exit_code == 1 for r in results), [r.output for r in results]
        assert positions[0] and positions[0] == positions[1], [r.output for r in results]
