r"""What a line and a cell are, for every curated TSV file the project reads and rewrites.

A line ends at ``\n`` (a ``\r`` before it is dropped); cells are separated by ``\t``; no
quoting. A cell may not hold any other control or separator character (C0 controls, DEL,
C1 controls such as NEL U+0085, the line and paragraph separators U+2028/U+2029, BOM in
mid-text): other tools split lines on them, so a file holding one would mean different rows
to different readers. Such a cell, undecodable UTF-8 and over-long cells are reported with
file, line and column instead of being read or rewritten.

>>> rows, problems = parse_rows(b"id\tlabel\na\tone\nb\ttwo\xe2\x80\xa8three\n")
>>> rows
[(1, ['id', 'label']), (2, ['a', 'one'])]
>>> str(problems[0])  # doctest: +ELLIPSIS
'line 3 column 2: character U+2028 (LINE SEPARATOR) is not allowed in a cell ...'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from adcgraph.errors import InputFileError
from adcgraph.storage import atomicfile

#: Longest cell accepted, in characters (the longest curated cell is under 400).
MAX_CELL = 2000
_FORBIDDEN = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


@dataclass(frozen=True)
class Problem:
    """Something wrong at a line (1-based) and a column (1-based; 0 for the whole line)."""

    line: int
    column: int
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f" column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


def parse_rows(data: bytes) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """Split file contents into (line number, cells) rows; bad lines become problems.

    >>> parse_rows(b"a\\tb\\r\\n\\n")
    ([(1, ['a', 'b']), (2, [''])], [])
    >>> parse_rows(b"\\xff\\n")[1][0].message
    'not UTF-8 (byte 0xff at byte 1 of the line)'
    """
    rows: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for number, raw in enumerate(lines, start=1):
        raw = raw.removesuffix(b"\r")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            byte = raw[error.start : error.start + 1].hex()
            message = f"not UTF-8 (byte 0x{byte} at byte {error.start + 1} of the line)"
            problems.append(Problem(number, 0, message))
            continue
        if number == 1:
            text = text.removeprefix("\ufeff")
        cells = text.split("\t")
        line_problems = [
            p for c, cell in enumerate(cells, 1) for p in _cell_problems(number, c, cell)
        ]
        if line_problems:
            problems.extend(line_problems)
            continue
        rows.append((number, cells))
    return rows, problems


def _cell_problems(line: int, column: int, cell: str) -> list[Problem]:
    found = []
    match = _FORBIDDEN.search(cell)
    if match:
        char = match.group()
        name = unicodedata.name(char, "control character")
        found.append(
            Problem(
                line,
                column,
                f"character U+{ord(char):04X} ({name}) is not allowed in a cell "
                f"(at character {match.start() + 1}); use a plain space",
            )
        )
    if len(cell) > MAX_CELL:
        found.append(
            Problem(line, column, f"cell is {len(cell)} characters long; at most {MAX_CELL}")
        )
    return found


def read_bytes(path: Path) -> bytes:
    """A file's bytes; InputFileError naming the file when it cannot be read."""
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a directory, expected a TSV file") from None
    except OSError as error:
        raise InputFileError(f"{path}: cannot read: {error.strerror}") from None


def read_rows(path: Path) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """The rows of a TSV file and the problems of its lines (see :func:`parse_rows`)."""
    return parse_rows(read_bytes(path))


def sort_rows_by_id(path: Path) -> bool:
    """Rewrite a TSV file with its rows sorted by the first cell; True if it changed.

    Reads lines exactly as :func:`read_rows` does; a file with any problem, an empty file
    or one without a header is refused (InputFileError) and left as it is. Blank lines
    are dropped; the rewrite is atomic.
    """
    data = read_bytes(path)
    rows, problems = parse_rows(data)
    if problems:
        listed = "; ".join(f"{path}:{problem}" for problem in problems[:5])
        raise InputFileError(f"{listed}; not rewritten")
    if not rows:
        raise InputFileError(f"{path}: file is empty; expected a header row")
    header, body = rows[0], [row for row in rows[1:] if any(cell.strip() for cell in row[1])]
    ordered = sorted(body, key=lambda row: row[1][0])
    text = "\n".join("\t".join(cells) for _, cells in [header, *ordered]) + "\n"
    if text.encode("utf-8") == data:
        return False
    atomicfile.write_bytes(path, text.encode("utf-8"), mode=path.stat().st_mode & 0o777)
    return True
