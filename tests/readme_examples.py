"""Find, run and check the command examples of the README (``$ adcgraph ...`` lines).

Every ```text block of README.md is a sequence of examples: a ``$ adcgraph`` command (quoted
arguments may continue on the next lines) followed by its output. The examples of one block run
in order, like one shell session: in one working directory, against the test build's store,
or against a copy of it from the block's first ``import`` on. An output whose last line is
``...`` is abridged: the lines before it must be the first lines of the real output. Paths of
the test store and version hashes are written as ``var/store`` and ``version <hash>``;
durations (``in 0.2 s``) are not compared.

What a command may name, as a user in the repository's root would type it:

- ``../shared/data/...``: the shared data folder (the example is skipped when it is absent);
- ``tests/fixtures/...``: the repository's small committed example files;
- ``http://127.0.0.1:7878``: the server that the block's ``adcgraph serve`` example started
  (on a free port; its output shows 7878 and ``pid <pid>``).

A block right after the line ``<!-- readme: not run (REASON) -->`` is not run; its commands
and options are still checked against the CLI, as every example's are.

The paragraph and table between ``<!-- coverage: adcgraph stats --coverage -->`` and
``<!-- coverage end -->`` are that command's output on the test build.

Regenerate the outputs after a change with::

    ADCGRAPH_UPDATE_README=1 python -m pytest tests/test_readme.py
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

NOT_RUN = re.compile(r"^<!-- readme: not run \((?P<reason>[^)]+)\) -->$")
ABRIDGED = "..."
DURATION = re.compile(r"\bin \d+(?:\.\d+)? s\b")
UPDATE_ENV = "ADCGRAPH_UPDATE_README"
SHARED_DATA = "../shared/data"
FIXTURES = "tests/fixtures/"
SERVER = "http://127.0.0.1:7878"
COVERAGE_START = "<!-- coverage: adcgraph stats --coverage -->"
COVERAGE_END = "<!-- coverage end -->"


@dataclass
class Example:
    """One command of the README and the output it shows."""

    command: str
    line: int
    expected: list[str] = field(default_factory=list)
    run: bool = True
    reason: str = ""
    #: Which ```text block of the README it is in (0 for the first).
    block: int = 0

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.command, comments=True)

    @property
    def abridged(self) -> bool:
        return bool(self.expected) and self.expected[-1] == ABRIDGED

    @property
    def needs_shared_data(self) -> bool:
        return any(word.startswith(SHARED_DATA) for word in self.argv)


def _complete(command: str) -> bool:
    try:
        shlex.split(command, comments=True)
    except ValueError:
        return False
    return True


def read_examples(text: str) -> list[Example]:
    r"""Every example of every ```text block, in README order.

    >>> read_examples("```text\n$ adcgraph lint\nok\n```\n")[0].expected
    ['ok']
    """
    lines = text.splitlines()
    examples: list[Example] = []
    index = 0
    block = -1
    while index < len(lines):
        if lines[index] != "```text":
            index += 1
            continue
        block += 1
        previous = lines[index - 1] if index else ""
        skipped = NOT_RUN.match(previous)
        index += 1
        current: Example | None = None
        while index < len(lines) and lines[index] != "```":
            line = lines[index]
            if line.startswith("$ adcgraph") and (current is None or _complete(current.command)):
                current = Example(line[2:], index + 1, block=block)
                if skipped:
                    current.run, current.reason = False, skipped.group("reason")
                examples.append(current)
                while not _complete(current.command) and index + 1 < len(lines):
                    index += 1
                    current.command += "\n" + lines[index]
            elif current is not None:
                current.expected.append(line.rstrip())
            index += 1
        for example in examples:
            while example.expected and not example.expected[-1]:
                example.expected.pop()
        index += 1
    return examples


def _untimed(lines: list[str]) -> list[str]:
    r"""Lines with durations ("in 0.2 s") masked: timings vary from run to run.

    >>> _untimed(["loaded 26 mappings in 0.2 s; 213 quads written"])
    ['loaded 26 mappings in <time> s; 213 quads written']
    """
    return [DURATION.sub("in <time> s", line) for line in lines]


def matches(example: Example, actual: list[str]) -> bool:
    """Whether the real output agrees with what the README shows (durations aside)."""
    if example.abridged:
        shown = example.expected[:-1]
        return _untimed(actual[: len(shown)]) == _untimed(shown)
    return _untimed(actual) == _untimed(example.expected)


def rewrite(text: str, outputs: dict[int, list[str]]) -> str:
    r"""The README with each run example's output replaced (abridged ones keep their length).

    >>> readme = "```text\n$ adcgraph lint\nold\n\n$ adcgraph stats\na\n...\n```\n"
    >>> print(rewrite(readme, {2: ["new"], 5: ["x", "y", "z"]}), end="")
    ```text
    $ adcgraph lint
    new
    <BLANKLINE>
    $ adcgraph stats
    x
    ...
    ```
    """
    lines = text.splitlines()
    examples = {example.line: example for example in read_examples(text)}
    result: list[str] = []
    index = 0
    while index < len(lines):
        example = examples.get(index + 1)
        if example is None or example.line not in outputs:
            result.append(lines[index])
            index += 1
            continue
        command_lines = example.command.count("\n") + 1
        result.extend(lines[index : index + command_lines])
        index += command_lines
        actual = outputs[example.line]
        if example.abridged:
            actual = [*actual[: len(example.expected) - 1], ABRIDGED]
        result.extend(actual)
        index += len(example.expected)
    return "\n".join(result) + "\n"


def readme_path(root: Path) -> Path:
    return root / "README.md"


def generated_section(text: str) -> str | None:
    r"""The text between the coverage markers (None when the README has none).

    >>> generated_section(f"a\n{COVERAGE_START}\n| x |\n{COVERAGE_END}\n")
    '| x |\n'
    """
    if COVERAGE_START not in text or COVERAGE_END not in text:
        return None
    start = text.index(COVERAGE_START) + len(COVERAGE_START) + 1
    return text[start : text.index(COVERAGE_END)]


def replace_generated(text: str, section: str) -> str:
    r"""The README with the text between the coverage markers replaced by ``section``.

    >>> replace_generated(f"{COVERAGE_START}\nold\n{COVERAGE_END}\n", "new\n")
    '<!-- coverage: adcgraph stats --coverage -->\nnew\n<!-- coverage end -->\n'
    """
    start = text.index(COVERAGE_START) + len(COVERAGE_START) + 1
    return text[:start] + section + text[text.index(COVERAGE_END) :]
