"""Find, run and check the command examples of the README (``$ adcgraph ...`` lines).

Every ```text block of README.md is a sequence of examples: a ``$ adcgraph`` command (quoted
arguments may continue on the next lines) followed by its output. A block right after the line
``<!-- readme: not run (REASON) -->`` is shown only, for commands that need the user's files or
a running server. An output whose last line is ``...`` is abridged: the lines before it must be
the first lines of the real output. Paths of the test store and version hashes are written as
``var/store`` and ``version <hash>``.

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
UPDATE_ENV = "ADCGRAPH_UPDATE_README"


@dataclass
class Example:
    """One command of the README and the output it shows."""

    command: str
    line: int
    expected: list[str] = field(default_factory=list)
    run: bool = True
    reason: str = ""

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.command, comments=True)

    @property
    def abridged(self) -> bool:
        return bool(self.expected) and self.expected[-1] == ABRIDGED


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
    while index < len(lines):
        if lines[index] != "```text":
            index += 1
            continue
        previous = lines[index - 1] if index else ""
        skipped = NOT_RUN.match(previous)
        index += 1
        current: Example | None = None
        while index < len(lines) and lines[index] != "```":
            line = lines[index]
            if line.startswith("$ adcgraph") and (current is None or _complete(current.command)):
                current = Example(line[2:], index + 1)
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


def matches(example: Example, actual: list[str]) -> bool:
    """Whether the real output agrees with what the README shows."""
    if example.abridged:
        shown = example.expected[:-1]
        return actual[: len(shown)] == shown
    return actual == example.expected


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
