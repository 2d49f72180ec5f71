"""Every command example of the README runs against the built graph and prints what it shows."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from readme_examples import UPDATE_ENV, Example, matches, read_examples, rewrite

from adcgraph.cli import cli
from adcgraph.querying import results
from adcgraph.storage.locations import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
EXAMPLES = read_examples(README.read_text(encoding="utf-8"))
VERSION = re.compile(r"version [0-9a-f]{16}")
TERMINAL_COLUMNS = "120"


def _normalise(text: str, store: Path, workdir: Path) -> list[str]:
    text = text.replace(str(store), "var/store").replace(str(workdir) + os.sep, "")
    text = text.replace(str(PROJECT_ROOT) + os.sep, "")
    return [VERSION.sub("version <hash>", line.rstrip()) for line in text.splitlines()]


def _run(example: Example, built, workdir: Path, monkeypatch) -> list[str]:
    if example.argv == ["adcgraph", "build"]:
        # Building here would rewrite the committed release; the session build is the same
        # build of the same sources, so its report is what the command prints.
        summary = built.report.summary().replace(str(built.paths.release), "graph/adcgraph.ttl")
        return _normalise(summary, built.paths.store, workdir)
    monkeypatch.setattr(results, "is_terminal", lambda: True)
    monkeypatch.chdir(workdir)
    environment = {"ADCGRAPH_STORE": str(built.paths.store), "COLUMNS": TERMINAL_COLUMNS}
    result = CliRunner(env=environment).invoke(cli, example.argv[1:])
    # An example may show a refusal (its output then starts with "Error:"); anything else
    # must succeed.
    shows_error = bool(example.expected) and example.expected[0].startswith("Error:")
    assert result.exit_code == (1 if shows_error else 0), (
        f"README.md:{example.line} {example.command}\n{result.output}"
    )
    return _normalise(result.output, built.paths.store, workdir)


def test_the_readme_has_examples_and_says_why_any_is_not_run():
    assert len([e for e in EXAMPLES if e.run]) >= 10
    assert all(e.reason for e in EXAMPLES if not e.run)


@pytest.mark.parametrize(
    "example", [e for e in EXAMPLES if e.run], ids=lambda e: f"line{e.line}-{e.argv[1]}"
)
def test_readme_example_prints_what_the_readme_shows(example, built, tmp_path, monkeypatch):
    actual = _run(example, built, tmp_path, monkeypatch)
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
