"""Render SPARQL results: standard SPARQL 1.1 JSON / CSV / TSV, or a readable table."""

from __future__ import annotations

import io

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.store import QueryResult

RESULT_FORMATS = ("table", "tsv", "csv", "json")
_STANDARD = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


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


def rich_table(headers: list[str], rows: list[list[str]]) -> str:
    """Render rows as a plain-text table (no colour codes), as wide as its content."""
    from rich.console import Console
    from rich.table import Table

    grid = Table(*headers, header_style="bold")
    for row in rows:
        grid.add_row(*row)
    buffer = io.StringIO()
    # Wide enough for the content (a pager or redirect copes better than wrapped cells).
    natural = sum(max([len(h), *(len(r[i]) for r in rows)]) + 3 for i, h in enumerate(headers))
    width = min(max(natural + 1, 80), 400)
    Console(file=buffer, width=width, force_terminal=False, color_system=None).print(grid)
    return buffer.getvalue()
