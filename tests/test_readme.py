"""Every command example of the README runs against the built graph and prints what it shows."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import SHARED_DATA as SHARED_DATA_PATH
from readme_examples import (
    FIXTURES,
    SERVER,
    SHARED_DATA,
    UPDATE_ENV,
    Example,
    generated_section,
    matches,
    read_examples,
    replace_generated,
    rewrite,
)

from adcgraph.cli import cli
from adcgraph.querying import results
from adcgraph.querying.server import (
    RunningServer,
    ServerSettings,
    free_port,
    stop_server,
    wait_until_ready,
)
from adcgraph.storage.locations import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
EXAMPLES = read_examples(README.read_text(encoding="utf-8"))
VERSION = re.compile(r"version [0-9a-f]{16}")
PID = re.compile(r"pid \d+")
TERMINAL_COLUMNS = "120"


@dataclass
class Session:
    """One README block run like a shell session: its folder, its store, its server."""

    workdir: Path
    store: Path
    server: RunningServer | None = None


@pytest.fixture(scope="module")
def sessions(built, tmp_path_factory):
    """The session of each block (by index), made on its first example; servers stopped after."""
    made: dict[int, Session] = {}

    def session(block: int) -> Session:
        if block not in made:
            made[block] = Session(tmp_path_factory.mktemp(f"block{block}"), built.paths.store)
        return made[block]

    yield session
    for running in made.values():
        if running.server is not None:
            stop_server(running.server)


def _normalise(text: str, store: Path, workdir: Path, port: int | None = None) -> list[str]:
    text = text.replace(str(store), "var/store").replace(str(workdir) + os.sep, "")
    for shared in {str(SHARED_DATA_PATH.resolve()), str(SHARED_DATA_PATH)}:
        text = text.replace(shared, SHARED_DATA)
    text = text.replace(str(PROJECT_ROOT) + os.sep, "")
    if port is not None:
        text = text.replace(f"127.0.0.1:{port}", SERVER.removeprefix("http://"))
        text = PID.sub("pid <pid>", text)
    return [VERSION.sub("version <hash>", line.rstrip()) for line in text.splitlines()]


def _argument(word: str, session: Session) -> str:
    """A command's word as the test runs it (see readme_examples for what may be named)."""
    if word.startswith(SHARED_DATA):
        return str(SHARED_DATA_PATH) + word.removeprefix(SHARED_DATA)
    if word.startswith(FIXTURES):
        return str(PROJECT_ROOT / word)
    if SERVER in word and session.server is not None:
        return word.replace(SERVER, session.server.settings.query_url.removesuffix("/query"))
    return word


def _start_server(arguments: list[str], session: Session) -> RunningServer:
    """`adcgraph serve ...` in the background on a free port, on the block's store."""
    settings = ServerSettings(session.store, port=free_port())
    log_path = session.workdir / "serve.log"
    command = [sys.executable, "-m", "adcgraph.cli", *arguments]
    command += ["--store", str(session.store), "--port", str(settings.port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    server = RunningServer(settings, process, log_path)
    try:
        wait_until_ready(server)
    except BaseException:
        stop_server(server)
        raise
    return server


def _run(example: Example, built, session: Session, monkeypatch) -> list[str]:
    if example.argv == ["adcgraph", "build"]:
        # Building here would rewrite the committed release; the session build is the same
        # build of the same sources, so its report is what the command prints.
        summary = built.report.summary().replace(str(built.paths.release), "graph/adcgraph.ttl")
        return _normalise(summary, built.paths.store, session.workdir)
    if example.needs_shared_data and not SHARED_DATA_PATH.is_dir():
        pytest.skip("../shared/data is not present")
    if example.argv[1] == "import" and session.store == built.paths.store:
        # Imports change the store: the block goes on with its own copy.
        copy = session.workdir / "store"
        shutil.copytree(built.paths.store, copy)
        session.store = copy
    if example.argv[1] == "serve":
        session.server = session.server or _start_server(example.argv[1:], session)
        port = session.server.settings.port
        return _normalise(session.server.log(), session.store, session.workdir, port)
    if SERVER in example.command and session.server is None:
        # An endpoint example run on its own (pytest -k): the block's server first.
        session.server = _start_server(["serve"], session)
    monkeypatch.setattr(results, "is_terminal", lambda: True)
    monkeypatch.chdir(session.workdir)
    environment = {"ADCGRAPH_STORE": str(session.store), "COLUMNS": TERMINAL_COLUMNS}
    arguments = [_argument(word, session) for word in example.argv[1:]]
    result = CliRunner(env=environment).invoke(cli, arguments)
    # An example may show a refusal (its output then starts with "Error:"); anything else
    # must succeed.
    shows_error = bool(example.expected) and example.expected[0].startswith("Error:")
    assert result.exit_code == (1 if shows_error else 0), (
        f"README.md:{example.line} {example.command}\n{result.output}"
    )
    port = session.server.settings.port if session.server else None
    return _normalise(result.output, session.store, session.workdir, port)


def test_the_readme_has_examples_and_says_why_any_is_not_run():
    assert len([e for e in EXAMPLES if e.run]) >= 10
    assert all(e.reason for e in EXAMPLES if not e.run)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"line{e.line}-{e.argv[1]}")
def test_every_command_and_option_of_the_readme_is_one_the_cli_knows(example):
    command: click.Command = cli
    words = example.argv[1:]
    while isinstance(command, click.Group):
        assert words, f"README.md:{example.line}: `{example.command}` names no command"
        found = command.get_command(click.Context(command), words[0])
        assert found is not None, f"README.md:{example.line}: no command {words[0]!r}"
        command, words = found, words[1:]
    known = {name for param in command.params for name in (*param.opts, *param.secondary_opts)}
    for word in words:
        if word.startswith("-") and word != "-":
            option = word.split("=", 1)[0]
            assert option in known, f"README.md:{example.line}: {command.name} has no {option}"
    command.make_context(command.name or "", list(words), resilient_parsing=True)


@pytest.mark.parametrize(
    "example", [e for e in EXAMPLES if e.run], ids=lambda e: f"line{e.line}-{e.argv[1]}"
)
def test_readme_example_prints_what_the_readme_shows(example, built, sessions, monkeypatch):
    actual = _run(example, built, sessions(example.block), monkeypatch)
    if os.environ.get(UPDATE_ENV):
        # Earlier updates may have moved the example: find it again by its command.
        text = README.read_text(encoding="utf-8")
        occurrence = [e.command for e in EXAMPLES].index(example.command)
        same = [e for e in read_examples(text) if e.command == example.command]
        current = same[[e.command for e in EXAMPLES][: occurrence + 1].count(example.command) - 1]
        if not matches(current, actual):
            README.write_text(rewrite(text, {current.line: actual}), encoding="utf-8")
        return
    assert matches(example, actual), (
        f"README.md:{example.line}: `{example.command}` printed\n"
        + "\n".join(actual[:40])
        + f"\nupdate the README with: {UPDATE_ENV}=1 python -m pytest tests/test_readme.py"
    )


def test_the_coverage_table_is_what_the_store_holds(built):
    text = README.read_text(encoding="utf-8")
    shown = generated_section(text)
    assert shown is not None, "README.md has no coverage markers"
    result = CliRunner(env={"ADCGRAPH_STORE": str(built.paths.store)}).invoke(
        cli, ["stats", "--coverage"]
    )
    assert result.exit_code == 0, result.output
    if os.environ.get(UPDATE_ENV):
        if shown != result.output:
            README.write_text(replace_generated(text, result.output), encoding="utf-8")
        return
    assert shown == result.output, (
        "README.md's coverage table differs from `adcgraph stats --coverage`:\n"
        + result.output
        + f"\nupdate the README with: {UPDATE_ENV}=1 python -m pytest tests/test_readme.py"
    )
