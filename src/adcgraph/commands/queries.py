"""Named SPARQL queries (`queries`, `query`) and the SPARQL endpoint (`serve`)."""

from __future__ import annotations

import json
import os
import shlex
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from adcgraph.commands.common import (
    bounded_options,
    endpoint_option,
    result_format_option,
    run_bounded_command,
    store_option,
)
from adcgraph.errors import QueryError

if TYPE_CHECKING:
    from adcgraph.querying.queries import NamedQuery


@click.command("queries")
@click.argument("name", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="A readable listing, or JSON (objects with name, summary, parameters, example).",
)
def queries_command(name: str | None, fmt: str) -> None:
    """List the named queries with their parameters, or describe one query.

    Parameters marked * are required. Each query lives in queries/NAME.rq.

    \b
    Example:
      adcgraph queries
      adcgraph queries cross-resistance-candidates
      adcgraph queries --format json
    """
    from adcgraph.querying.queries import load_queries, load_query

    if name is not None:
        query = load_query(name)
        click.echo(json.dumps(query.as_dict(), indent=1) if fmt == "json" else describe(query))
        return
    found = load_queries()
    if fmt == "json":
        click.echo(json.dumps([query.as_dict() for query in found], indent=1))
        return
    for query in found:
        click.echo(f"{query.name}  {parameter_synopsis(query)}".rstrip())
        click.echo(textwrap.indent(textwrap.fill(query.summary, 92), "    "))


def parameter_synopsis(query: NamedQuery) -> str:
    """Parameters as ``name*=<type>`` words (``*`` marks the required ones)."""
    return " ".join(
        parameter.usage().replace("=", "*=", 1) if parameter.required else parameter.usage()
        for parameter in query.parameters
    )


def describe(query: NamedQuery) -> str:
    """A query's header as text: summary, description, parameters and the example command."""
    lines = [query.name, textwrap.fill(query.summary, 96), ""]
    if query.description:
        lines += [textwrap.fill(query.description, 96), ""]
    lines.append("Parameters:" if query.parameters else "Parameters: none")
    for parameter in query.parameters:
        facts = [parameter.type]
        if parameter.entity_class:
            facts.append(f"class {parameter.entity_class}")
        facts.append("required" if parameter.required else "optional")
        if parameter.default is not None:
            facts.append(f"default {parameter.default}")
        if parameter.values:
            facts.append("one of " + "|".join(parameter.values))
        lines.append(f"  {parameter.name} ({', '.join(facts)})")
        if parameter.description:
            lines.append(textwrap.indent(textwrap.fill(parameter.description, 90), "      "))
    lines += ["", "Example:", f"  {example_command(query)}"]
    return "\n".join(lines)


def example_command(query: NamedQuery) -> str:
    """The command line that runs the query's example.

    >>> from adcgraph.querying.queries import load_query
    >>> example_command(load_query("adcs-by-target"))
    'adcgraph query adcs-by-target -p target=HER2'
    """
    options = [f"-p {shlex.quote(f'{name}={value}')}" for name, value in query.example.items()]
    return " ".join(["adcgraph query", query.name, *options])


@click.command("query")
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value (repeatable). Entities take a name, CURIE or IRI.",
)
@store_option
@endpoint_option
@result_format_option
@bounded_options(60.0)
def query_command(
    name: str,
    params: tuple[str, ...],
    store_path: Path | None,
    endpoint: str | None,
    fmt: str,
    timeout_s: float,
    max_output_mb: int,
) -> None:
    """Run a named query from queries/ with typed parameters.

    Values are bound as RDF terms, never pasted into the query text. `adcgraph queries NAME`
    shows a query's parameters and example.

    \b
    Example:
      adcgraph query cross-resistance-candidates -p adc="sacituzumab govitecan"
      adcgraph query resistance-mechanisms-of-adc -p adc=T-DXd -p disease="breast cancer" \\
        -p evidence_type=clinical --format csv
      adcgraph query external-id-mappings -p xref=DOID:0060081 --format json
      adcgraph query adcs-by-target -p target=HER2 --endpoint http://127.0.0.1:7878/query

    The query runs in a child process: over --timeout-s or --max-output-mb it is stopped
    and nothing but the error is printed.
    """
    from adcgraph.curated.build import ensure_store
    from adcgraph.querying.queries import load_query, parse_assignments
    from adcgraph.storage import store

    query = load_query(name)
    values = parse_assignments(params)
    location = endpoint or ensure_store(store_path)

    def work() -> None:
        backend = store.open_backend(location)
        if isinstance(backend, store.EndpointBackend):
            backend.timeout_s = timeout_s
            backend.max_bytes = max_output_mb * 2**20
        click.echo(run_and_render(backend, query, values, fmt), nl=False)

    run_bounded_command(
        work, timeout_s=timeout_s, max_output_mb=max_output_mb, what=f"the query {name}"
    )


def run_and_render(backend: Any, query: NamedQuery, values: dict[str, str], fmt: str) -> str:
    """Run a named query and render it; malformed results (a stream cut short by an
    endpoint's timeout) become a QueryError instead of a traceback."""
    from adcgraph.querying.queries import run_named_query
    from adcgraph.querying.results import render

    try:
        return render(run_named_query(backend, query, values), fmt)
    except SyntaxError as error:
        raise QueryError(
            f"{backend.location} returned malformed results ({error.msg}); a query cut short "
            "by the server's timeout arrives this way"
        ) from None


@click.command("serve")
@store_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on (loopback unless --allow-remote).",
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=7878, show_default=True, help="TCP port."
)
@click.option(
    "--timeout-s",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Stop a query after this many seconds (its worker is killed); the client gets "
    "HTTP 504, never a truncated answer.",
)
@click.option(
    "--max-result-mb",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Refuse answers larger than this (HTTP 500).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=6,
    show_default=True,
    help="Query worker processes (a query runs in one; cheap queries stay fast while "
    "expensive ones run).",
)
@click.option("--cors", is_flag=True, help="Allow cross-origin requests (browser clients).")
@click.option(
    "--allow-remote", is_flag=True, help="Allow a --host that is reachable from other machines."
)
@click.option(
    "--allow-service",
    "allowed_services",
    multiple=True,
    metavar="URL",
    help="Allow SERVICE <URL> in queries (federation is off by default; repeatable).",
)
@click.option(
    "--writable",
    is_flag=True,
    help="Accept SPARQL updates at /update; they change the store in place (one worker).",
)
def serve_command(
    store_path: Path | None,
    host: str,
    port: int,
    timeout_s: int,
    max_result_mb: int,
    workers: int,
    cors: bool,
    allow_remote: bool,
    allowed_services: tuple[str, ...],
    writable: bool,
) -> None:
    """Serve the store as a SPARQL 1.1 Protocol endpoint (queries bounded, read-only).

    Read-only by default (updates get HTTP 403). The default graph is the union of all
    graphs, as for `adcgraph sparql`, and the same query limits apply. Any SPARQL client
    works: SPARQLWrapper, rdflib's SPARQLStore, Jena, YASGUI (with --cors), or
    `adcgraph query ... --endpoint URL`. Stop it with Ctrl-C (or SIGTERM).

    \b
    Example:
      adcgraph serve
      adcgraph serve --port 8080 --timeout-s 10 --cors
      adcgraph query adcs-by-target -p target=HER2 --endpoint http://127.0.0.1:7878/query
    """
    from adcgraph.curated.build import ensure_store
    from adcgraph.querying.server import ServerSettings, serve

    settings = ServerSettings(
        ensure_store(store_path),
        host,
        port,
        timeout_s,
        writable,
        workers=workers,
        max_result_mb=max_result_mb,
        cors=cors,
        allow_remote=allow_remote,
        allowed_services=allowed_services,
    )
    mode = "read-write" if writable else "read-only"

    def announce() -> None:
        click.echo(
            f"serving {settings.store} ({mode}, query timeout {timeout_s} s, "
            f"{1 if writable else workers} workers, pid {os.getpid()})\n"
            f"SPARQL endpoint: {settings.query_url}\n"
            "stop with Ctrl-C"
        )

    serve(settings, announce)
    click.echo("stopped")


COMMANDS: list[click.Command] = [queries_command, query_command, serve_command]
