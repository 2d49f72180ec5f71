"""Options and helpers shared by every command module (defined once)."""

from __future__ import annotations

import difflib
import math
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from adcgraph.errors import AdcGraphError, QueryError

F = TypeVar("F", bound=Callable[..., Any])
RESULT_FORMATS = ("auto", "table", "tsv", "csv", "json")


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


class EndpointUrl(click.ParamType):
    """An http(s) SPARQL endpoint URL (a path is an error here, not a store location)."""

    name = "url"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from adcgraph.errors import StoreError
        from adcgraph.storage.store import check_endpoint_url

        text = str(value)
        if not text.startswith(("http://", "https://")):
            self.fail(
                f"{text!r} is not an http(s):// URL (a store directory is --store)", param, ctx
            )
        try:
            return check_endpoint_url(text)
        except StoreError as error:
            self.fail(error.message, param, ctx)


def endpoint_option(function: F) -> F:
    return click.option(
        "--endpoint",
        metavar="URL",
        type=EndpointUrl(),
        help="Query this SPARQL 1.1 endpoint instead of the embedded store.",
    )(function)


def result_format_option(function: F) -> F:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(RESULT_FORMATS),
        default="auto",
        show_default=True,
        help="Output: auto (a table fitted to the terminal; plain tab-separated text when "
        "piped), table, or standard SPARQL 1.1 results (tsv, csv, json).",
    )(function)


def open_query_backend(store_path: Path | None, endpoint: str | None) -> Any:
    """The embedded store (built on first use) or a remote endpoint."""
    from adcgraph.curated.build import ensure_store
    from adcgraph.storage import store

    if endpoint:
        return store.open_backend(endpoint)
    return store.open_backend(ensure_store(store_path))


def read_query_argument(query: str) -> str:
    """Query text, ``@file`` or ``-`` for standard input (UTF-8)."""
    if query == "-":
        data = sys.stdin.buffer.read()
        return _decoded_query(data, "standard input")
    if query.startswith("@"):
        path = Path(query[1:])
        if not path.exists():
            raise QueryError(f"query file {path} does not exist")
        if not path.is_file():
            raise QueryError(f"query file {path} is not a file")
        try:
            data = path.read_bytes()
        except OSError as error:
            raise QueryError(f"query file {path}: cannot read: {error.strerror}") from None
        return _decoded_query(data, str(path))
    return query


def _decoded_query(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise QueryError(
            f"{where}:{line}: not UTF-8 (byte 0x{data[error.start : error.start + 1].hex()}); "
            "a SPARQL query must be UTF-8 text"
        ) from None


def query_limit_options(function: F) -> F:
    """--timeout-s, --max-result-mb and --allow-service for commands running user queries."""
    for option in reversed(
        [
            click.option(
                "--timeout-s",
                type=PositiveSeconds(),
                default=60.0,
                show_default=True,
                help="Stop the query after this many seconds (it runs in a child process).",
            ),
            click.option(
                "--max-result-mb",
                type=click.IntRange(min=1),
                default=256,
                show_default=True,
                help="Refuse answers larger than this (nothing is printed then).",
            ),
            click.option(
                "--allow-service",
                "allowed_services",
                multiple=True,
                metavar="URL",
                help="Allow SERVICE <URL> (federation is off by default; repeatable).",
            ),
        ]
    ):
        function = option(function)
    return function


def bounded_options(default_timeout_s: float) -> Callable[[F], F]:
    """--timeout-s and --max-output-mb for a command whose work runs in a bounded child."""

    def decorate(function: F) -> F:
        function = click.option(
            "--max-output-mb",
            type=click.IntRange(min=1),
            default=256,
            show_default=True,
            help="Refuse output larger than this (nothing is printed then).",
        )(function)
        return click.option(
            "--timeout-s",
            type=PositiveSeconds(),
            default=default_timeout_s,
            show_default=True,
            help="Stop the command after this many seconds (it runs in a child process).",
        )(function)

    return decorate


def run_bounded_command(
    work: Callable[[], None], *, timeout_s: float, max_output_mb: int, what: str
) -> None:
    """Run a command's work in a child process bounded in time, output and memory.

    Its output is printed only when it finished; a run over a limit ends with a clear
    error (exit 1) naming the limit and the flag that raises it.
    """
    from adcgraph.querying.querylimits import QueryLimits, run_bounded_call

    def body() -> None:
        try:
            work()
        except click.exceptions.Exit as stop:
            raise SystemExit(stop.exit_code) from None
        except click.ClickException as error:
            # The same error without its context (which cannot cross to the parent).
            message = error.format_message()
            if isinstance(error, click.UsageError):
                raise click.UsageError(message) from None
            raise click.ClickException(message) from None

    from adcgraph.progress import status

    limits = QueryLimits(timeout_s=timeout_s, max_result_bytes=max_output_mb * 2**20)
    passthrough = (AdcGraphError, click.ClickException)
    waiting = status(f"running {what} (a first run fills caches; stopped after {timeout_s:g} s)")
    code = run_bounded_call(body, limits, what=what, passthrough=passthrough, waiting=waiting)
    if code:
        raise click.exceptions.Exit(code)


def run_user_query(
    query: str,
    store_path: Path | None,
    endpoint: str | None,
    fmt: str,
    timeout_s: float,
    max_result_mb: int,
    allowed_services: tuple[str, ...],
) -> None:
    """Check a user-written query against the limits, run it bounded and print the answer."""
    from adcgraph import vocab
    from adcgraph.curated.build import ensure_store
    from adcgraph.querying.querylimits import QueryLimits, check_query, first_keyword, run_bounded

    text = read_query_argument(query)
    limits = QueryLimits(
        timeout_s=timeout_s,
        max_result_bytes=max_result_mb * 2**20,
        allowed_services=frozenset(allowed_services),
    )
    form = check_query(text, limits, known_prefixes=frozenset(vocab.sparql_prefixes()))
    if form == "update":
        raise QueryError(
            f"this is a SPARQL update ({first_keyword(text)}); `adcgraph sparql` runs queries "
            "only (SELECT, ASK, CONSTRUCT, DESCRIBE): the store changes through build and import"
        )
    if first_keyword(text) in ("CONSTRUCT", "DESCRIBE") and fmt not in ("table",):
        raise QueryError(
            f"{first_keyword(text)} answers with RDF triples, which --format {fmt} cannot hold; "
            "use --format table (N-Triples)"
        )
    sys.stdout.flush()
    output = sys.stdout.buffer
    if endpoint:
        from adcgraph.querying.results import render
        from adcgraph.storage import store

        backend = store.open_backend(endpoint)
        backend.timeout_s = timeout_s  # type: ignore[attr-defined]
        backend.max_bytes = limits.max_result_bytes  # type: ignore[attr-defined]
        output.write(render(backend.query(text), fmt).encode("utf-8"))
        return
    run_bounded(ensure_store(store_path), text, fmt, limits, output)


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
            article = "an" if self.name[:1] in "aeiou" else "a"
            self.fail(
                f"{value!r} is not {article} {self.name}{hint}; expected one of: "
                + ", ".join(known),
                param,
                ctx,
            )
        return found


#: Counts such as --top, -k and --max-length: whole numbers from 1.
POSITIVE_INT = click.IntRange(min=1)
#: --permutations: each one rebuilds the scoring matrices (about 0.1-1 s); beyond 1000 a
#: ranking runs for many minutes with no better p-value resolution worth it.
PERMUTATIONS = click.IntRange(1, 1000)
SECONDS = PositiveSeconds()


def _node_types() -> list[str]:
    from adcgraph.graphdata import BASE_NODE_TYPES

    return list(BASE_NODE_TYPES.values())


def _edge_predicates() -> list[str]:
    from adcgraph.graphdata import EDGE_PREDICATES

    return list(EDGE_PREDICATES)


NODE_TYPE = LazyChoice("node type", _node_types)
PREDICATE = LazyChoice("path-analysis predicate", _edge_predicates)


def _codes(list_name: str) -> Callable[[], list[str]]:
    def read() -> list[str]:
        from adcgraph.evidencefilter import valid_codes

        return valid_codes(list_name)

    return read


CURATION_STATUS = LazyChoice("curation status", _codes("curation_status"))
EVIDENCE_TYPE = LazyChoice("evidence type", _codes("evidence_type"))


def evidence_filter_options(function: F) -> F:
    """--status and --evidence-type: which claims a ranking or path search may use.

    The command receives ``statuses`` and ``evidence_types`` (codes as the curated tables
    write them); :func:`evidence_filter_of` makes the filter.
    """

    function = click.option(
        "--evidence-type",
        "evidence_types",
        multiple=True,
        type=EVIDENCE_TYPE,
        help="Use only claims of this evidence type (clinical, regulatory, preclinical_in_vivo, "
        "preclinical_in_vitro, review, inferred); repeat for several. Edges without claims and "
        "reference-layer records are always used.",
    )(function)
    return click.option(
        "--status",
        "statuses",
        multiple=True,
        type=CURATION_STATUS,
        help="Use only claims of this curation status (verified, unverified); repeat for both.",
    )(function)


def evidence_filter_of(statuses: Iterable[str], evidence_types: Iterable[str]) -> Any:
    """The :class:`~adcgraph.evidencefilter.EvidenceFilter` of the two options' values.

    >>> evidence_filter_of(["verified"], ["clinical"]).describe()
    'verified; clinical'
    """
    from adcgraph.evidencefilter import EvidenceFilter

    return EvidenceFilter.from_codes(statuses, evidence_types)


def name_index(location: Path | str) -> Any:
    """The resolver's name index of a store or endpoint (read from its cache when there is one).

    >>> name_index(location).entity("MONDO:0005494").label  # doctest: +SKIP
    'triple-negative breast carcinoma'
    """
    from adcgraph.progress import status
    from adcgraph.resolving import index_for_backend
    from adcgraph.storage import store

    with status("reading the name index (built once per store version)"):
        return index_for_backend(store.open_backend(location))


def resolve_name(location: Path | str, text: str, kind: str | None, role: str | None = None) -> str:
    """An entity's IRI from a name, CURIE or IRI, through the resolver."""
    from adcgraph.resolving import resolve_one

    return resolve_one(name_index(location), text, kind=kind, role=role).iri


def resolve_disease_name(location: Path | str, text: str, role: str) -> tuple[str, Any]:
    """The IRI of the disease a disease or population name stands for, and the candidate.

    Shared by every command that takes a disease (combos, cross-resistance, paths, report).

    A population says what was read (disease, biomarkers, states) on standard error.
    """
    from adcgraph.resolving import resolve_disease

    index = name_index(location)
    found = resolve_disease(index, text, role=role)
    disease = index.entity(found.disease or found.id)
    if found.kind == "population":
        markers = ", ".join(f"{m['gene']} {m['status']}" for m in found.biomarkers)
        click.echo(
            f"note: {text!r} read as population {found.label}: disease {found.disease}"
            + (f"; biomarkers {markers}" if markers else "")
            + (f"; states {', '.join(found.states)}" if found.states else "")
            + " (scored on the disease's evidence)",
            err=True,
        )
    return (disease.iri if disease else found.iri), found
