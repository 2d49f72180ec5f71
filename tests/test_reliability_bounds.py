"""Named queries and the path commands are bounded like `sparql` (issue 13, unbounded work)."""

from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from adcgraph import combos, paths
from adcgraph.cli import cli
from adcgraph.errors import InputFileError, QueryError
from adcgraph.querying import queries, results
from adcgraph.querying.querylimits import QueryLimits, run_bounded_call


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def _hang(*args, **kwargs):
    time.sleep(600)


@pytest.mark.parametrize(
    ("module", "function", "command"),
    [
        (queries, "run_named_query", ["query", "adcs-by-target", "-p", "target=HER2"]),
        (paths, "shortest_paths", ["paths", "T-DM1", "tucatinib"]),
        (combos, "combos", ["combos", "T-DM1", "breast cancer"]),
        (combos, "cross_resistance", ["cross-resistance", "T-DM1"]),
    ],
)
def test_a_command_over_its_time_limit_is_stopped_with_a_clear_error(
    built, monkeypatch, module, function, command
):
    # Before: these commands had no time limit at all (a slow query or ranking ran forever).
    monkeypatch.setattr(module, function, _hang)
    started = time.monotonic()
    result = invoke(*command, "--store", str(built.paths.store), "--timeout-s", "1")
    assert time.monotonic() - started < 300  # it was stopped, not run to the end
    assert result.exit_code == 1, result.output
    assert "ran over its time limit of 1 s and was stopped; raise it with --timeout-s" in (
        result.output
    )
    assert result.output.startswith("Error:")  # nothing else was printed


def test_output_over_the_limit_prints_nothing_but_the_error(built, monkeypatch):
    monkeypatch.setattr(results, "render", lambda *args, **kwargs: "x" * (2 * 2**20))
    result = invoke(
        "query", "adcs-by-target", "-p", "target=HER2", "--store", str(built.paths.store),
        "--max-output-mb", "1",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output.startswith("Error: the output exceeds 1 MiB; nothing was printed")


def test_bounded_commands_print_their_real_output_and_errors(built):
    store = str(built.paths.store)
    result = invoke("query", "adcs-by-target", "-p", "target=HER2", "--store", store)
    assert result.exit_code == 0 and "trastuzumab deruxtecan" in result.output
    result = invoke("paths", "T-DM1", "tucatinib", "-k", "1", "--store", store)
    assert result.exit_code == 0
    assert result.output.splitlines()[:2] == [
        "path 1 (2 edges)",
        "  trastuzumab emtansine -hasTarget-> ERBB2   [structural]",
    ]
    assert "note: search cut short" in result.output.splitlines()[-1]
    result = invoke("combos", "olaparib", "TNBC", "--store", store)
    assert result.exit_code == 1
    assert result.output == (
        "Error: 'olaparib' is a Drug (DRUGBANK:DB09074 olaparib), not an ADC; "
        "combos needs an ADC\n"
    )


def test_run_bounded_call_keeps_the_order_the_exit_code_and_the_error_class(capsys):
    def work() -> None:
        print("one")
        print("two", file=__import__("sys").stderr)
        print("three")
        raise SystemExit(3)

    assert run_bounded_call(work, QueryLimits(timeout_s=60), what="a test") == 3
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("one\nthree\n", "two\n")

    def failing() -> None:
        print("half an answer")
        raise InputFileError("x.tsv:3: bad value")

    with pytest.raises(InputFileError, match=r"x\.tsv:3: bad value"):
        run_bounded_call(failing, QueryLimits(timeout_s=60), what="a test")
    assert capsys.readouterr().out == ""

    with pytest.raises(QueryError, match="memory"):
        run_bounded_call(
            lambda: print(len(bytearray(2**30))),
            QueryLimits(timeout_s=60, memory_bytes=2**28),
            what="a test",
        )
