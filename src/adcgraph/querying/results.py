"""Render SPARQL results: standard SPARQL 1.1 JSON / CSV / TSV, or a readable table."""

from __future__ import annotations

import io
import os
import shutil
import sys

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.storage.store import QueryResult

RESULT_FORMATS = ("auto", "table", "tsv", "csv", "json")
#: Width of a table when standard output is no terminal and COLUMNS is not set.
DEFAULT_WIDTH = 120
_STANDARD = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun in the right number.

    >>> counted(1, "edge"), counted(0, "edge"), counted(3, "strategy", "strategies")
    ('1 edge', '0 edges', '3 strategies')
    """
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def render(result: QueryResult, fmt: str) -> str:
    """Render a query result; SELECT/ASK in a standard format or a table, graphs as N-Triples.

    >>> store = ox.Store()
    >>> print(render(store.query("ASK { ?s ?p ?o }"), "json"))
    {"head":{},"boolean":false}
    """
    if isinstance(result, ox.QueryTriples):
        return (result.serialize(format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    if fmt in _STANDARD:
        return (result.serialize(format=_STANDARD[fmt]) or b"").decode("utf-8")
    if isinstance(result, ox.QueryBoolean):
        return "true" if bool(result) else "false"
    if resolve_format(fmt) == "plain":
        names = [variable.value for variable in result.variables]
        return plain_tsv(names, [[short(s[name]) for name in names] for s in result])
    return table(result)


def short(term: object) -> str:
    """A term as a person reads it: CURIEs for known IRIs, plain text for literals."""
    if isinstance(term, ox.NamedNode):
        return vocab.compress(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    return "" if term is None else str(term)


def table(solutions: ox.QuerySolutions) -> str:
    """A rich table of SELECT solutions (IRIs shortened to CURIEs)."""
    names = [variable.value for variable in solutions.variables]
    rows = [[short(solution[name]) for name in names] for solution in solutions]
    return rich_table(names, rows) + f"{len(rows)} row{'s' if len(rows) != 1 else ''}\n"


def is_terminal() -> bool:
    """Whether standard output is an interactive terminal."""
    return sys.stdout.isatty()


def resolve_format(fmt: str) -> str:
    """``auto`` is a table on a terminal and plain tab-separated text when piped.

    >>> resolve_format("json")
    'json'
    """
    if fmt != "auto":
        return fmt
    return "table" if is_terminal() else "plain"


def table_width() -> int:
    """The terminal's width (``COLUMNS`` wins), or :data:`DEFAULT_WIDTH` off a terminal."""
    if "COLUMNS" in os.environ or is_terminal():
        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


def plain_tsv(headers: list[str], rows: list[list[str]]) -> str:
    r"""Rows as tab-separated text with a header line; tabs and newlines in cells become spaces.

    >>> plain_tsv(["id", "label"], [["MONDO:0005494", "TNBC carcinoma"]])
    'id\tlabel\nMONDO:0005494\tTNBC carcinoma\n'
    """

    def clean(cell: str) -> str:
        return " ".join(cell.split())

    lines = ["\t".join(headers), *("\t".join(clean(c) for c in row) for row in rows)]
    return "\n".join(lines) + "\n"


def rich_table(
    headers: list[str], rows: list[list[str]], *, key_columns: int = 2, width: int | None = None
) -> str:
    """Render rows as a plain-text table that fits the terminal (no colour codes).

    The first ``key_columns`` columns keep their width; the others share what is left: text
    wraps between words, identifiers are shortened with an ellipsis, and no line is wider
    than the terminal.

    >>> text = rich_table(["id", "finding"], [["res-1", "word " * 60]], key_columns=1, width=60)
    >>> max(len(line) for line in text.splitlines()) <= 60, text.count("word")
    (True, 60)
    """
    from rich.console import Console
    from rich.table import Table

    natural_widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]
    fitted = min(sum(w + 3 for w in natural_widths) + 1, width or table_width())
    # A column of text wraps between words, so it needs room for its longest word (up to
    # 24 characters); a column of identifiers is shortened with an ellipsis instead.
    wraps = [any(" " in r[i] for r in rows) for i in range(len(headers))]
    minimums = [
        max(
            len(h),
            min(
                24, natural_widths[i], max((len(w) for r in rows for w in r[i].split()), default=0)
            ),
        )
        if wraps[i]
        else min(len(h), natural_widths[i])
        for i, h in enumerate(headers)
    ]
    # On a terminal too narrow for every column, the last non-key columns are left out
    # (tsv and json always carry them).
    shown = len(headers)
    keys_width = sum(w + 3 for w in natural_widths[:key_columns]) + 1
    while (
        shown > key_columns
        and keys_width + sum(minimums[i] + 3 for i in range(key_columns, shown)) > fitted
    ):
        shown -= 1
    headers, rows = headers[:shown], [row[:shown] for row in rows]
    natural_widths, minimums, wraps = natural_widths[:shown], minimums[:shown], wraps[:shown]
    others = natural_widths[key_columns:]
    room = max(fitted - keys_width - 3 * len(others), 0)
    share = _share(others, minimums[key_columns:], room)
    from rich import box

    grid = Table(header_style="bold", box=box.HEAVY_HEAD if is_terminal() else box.ASCII)
    for index, header in enumerate(headers):
        if index < key_columns:
            grid.add_column(header, overflow="fold", min_width=min(natural_widths[index], 40))
            continue
        limit = max(share[index - key_columns], 1)
        if wraps[index]:
            grid.add_column(header, overflow="fold", min_width=limit, max_width=limit)
        else:
            grid.add_column(
                header, overflow="ellipsis", no_wrap=True, min_width=limit, max_width=limit
            )
    for row in rows:
        grid.add_row(*row)
    buffer = io.StringIO()
    Console(file=buffer, width=fitted, force_terminal=False, color_system=None).print(grid)
    return buffer.getvalue()


def _share(widths: list[int], minimums: list[int], room: int) -> list[int]:
    """Split ``room`` characters among columns: each gets its minimum, then narrow ones all
    they need, then the rest is shared evenly.

    >>> _share([5, 40, 40], [3, 3, 3], 45)
    [5, 20, 20]
    >>> _share([14, 60], [14, 9], 30)
    [14, 16]
    """
    shares = [min(m, w) for m, w in zip(minimums, widths, strict=True)]
    room -= sum(shares)
    pending = sorted(range(len(widths)), key=lambda i: widths[i] - shares[i])
    while pending and room > 0:
        fair = room // len(pending)
        index = pending[0]
        need = widths[index] - shares[index]
        if need <= fair:
            shares[index] += need
            room -= need
            pending.pop(0)
            continue
        for index in pending:
            shares[index] += fair
        break
    return shares
