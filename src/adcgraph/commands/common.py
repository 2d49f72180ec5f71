"""Options and helpers shared by every command module (defined once)."""

from __future__ import annotations

import difflib
import math
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from adcgraph.errors import AdcGraphError

F = TypeVar("F", bound=Callable[..., Any])
RESULT_FORMATS = ("table", "tsv", "csv", "json")


class AdcGraphGroup(click.Group):
    """A click group that turns AdcGraphError into a clean message and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AdcGraphError as error:
            click.echo(f"Error: {error.message}", err=True)
            ctx.exit(1)


def store_option(function: F) -> F:
    return click.option(
        "--store",
        "store_path",
        type=click.Path(path_type=Path),
        envvar="ADCGRAPH_STORE",
        help="Directory of the embedded Oxigraph store [default: <repo>/var/store; "
        "env ADCGRAPH_STORE].",
    )(function)


def endpoint_option(function: F) -> F:
    return click.option(
        "--endpoint",
        metavar="URL",
        help="Query this SPARQL 1.1 endpoint instead of the embedded store.",
    )(function)


def result_format_option(function: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(RESULT_FORMATS),
        default="table",
        show_default=True,
        help="Output: a table, or standard SPARQL 1.1 results (tsv, csv, json).",
    )(function)


def open_query_backend(store_path: Path | None, endpoint: str | None) -> Any:
    """The embedded store (built on first use) or a remote endpoint."""
    from adcgraph import store
    from adcgraph.build import ensure_store

    if endpoint:
        return store.open_backend(endpoint)
    return store.open_backend(ensure_store(store_path))


def read_query_argument(query: str) -> str:
    """Query text, ``@file`` or ``-`` for standard input."""
    if query == "-":
        return sys.stdin.read()
    if query.startswith("@"):
        path = Path(query[1:])
        if not path.exists():
            raise AdcGraphError(f"query file {path} does not exist")
        return path.read_text(encoding="utf-8")
    return query


class PositiveSeconds(click.ParamType):
    """A time limit in seconds: a finite number above zero (not nan, not inf).

    >>> PositiveSeconds().convert("2.5", None, None)
    2.5
    """

    name = "seconds"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(number) or number <= 0:
            self.fail(f"{value!r} must be a finite number of seconds above 0", param, ctx)
        return number


class LazyChoice(click.ParamType):
    """One of a set of values read when first needed (so `--help` stays fast), any case.

    >>> choice = LazyChoice("colour", lambda: ["red", "green"])
    >>> choice.convert("RED", None, None)
    'red'
    """

    def __init__(self, name: str, values: Callable[[], Iterable[str]]) -> None:
        self.name = name
        self._values = values

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        known = sorted(set(self._values()))
        by_key = {item.lower(): item for item in known}
        found = by_key.get(str(value).lower())
        if found is None:
            nearest = difflib.get_close_matches(str(value).lower(), list(by_key), n=3)
            hint = f" (did you mean {', '.join(by_key[n] for n in nearest)}?)" if nearest else ""
            self.fail(
                f"{value!r} is not a {self.name}{hint}; expected one of: {', '.join(known)}",
                param,
                ctx,
            )
        return found


#: Counts such as --top, --permutations, -k and --max-length: whole numbers from 1.
POSITIVE_INT = click.IntRange(min=1)
SECONDS = PositiveSeconds()


def _node_types() -> list[str]:
    from adcgraph.graphdata import BASE_NODE_TYPES

    return list(BASE_NODE_TYPES.values())


def _edge_predicates() -> list[str]:
    from adcgraph.graphdata import EDGE_PREDICATES

    return list(EDGE_PREDICATES)


NODE_TYPE = LazyChoice("node type", _node_types)
PREDICATE = LazyChoice("path-analysis predicate", _edge_predicates)
