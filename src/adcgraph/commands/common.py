"""Options and helpers shared by every command module (defined once)."""

from __future__ import annotations

import sys
from collections.abc import Callable
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
