"""The only home of pyoxigraph: the embedded on-disk store, in-memory graphs, remote endpoints.

A *backend* answers SPARQL: :class:`EmbeddedBackend` wraps an Oxigraph store on disk,
:class:`EndpointBackend` any SPARQL 1.1 Protocol endpoint. :func:`open_backend` picks one from
a location string, the way oaklib picks an adapter: a URL is an endpoint, anything else a path.
"""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.errors import InputFileError, QueryError, StoreError
from adcgraph.storage import generations, publish
from adcgraph.storage.locations import VERSION_FILE, default_store_path

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Bindings = Mapping[str, Term]
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


def iri(value: str) -> ox.NamedNode:
    """A named node for an IRI, or a CURIE expanded with the project's prefix map.

    >>> iri("MONDO:0005494").value
    'http://purl.obolibrary.org/obo/MONDO_0005494'
    """
    if value.startswith(("http://", "https://", "urn:")):
        return ox.NamedNode(value)
    return ox.NamedNode(vocab.expand(value))


def literal(value: str | int | float | bool, datatype: str | None = None) -> ox.Literal:
    """A literal, typed when ``datatype`` (an IRI) is given."""
    if datatype is None:
        return ox.Literal(value)
    return ox.Literal(
        str(value).lower() if isinstance(value, bool) else str(value),
        datatype=ox.NamedNode(datatype),
    )


def parse_rdf(path: Path, fmt: ox.RdfFormat | None = None) -> Iterator[ox.Quad]:
    """Parse an RDF file, raising InputFileError with the file, line and reason on bad syntax.

    >>> quads = list(parse_rdf(Path("ontology/adcgraph.ttl")))
    >>> len(quads) > 100
    True
    """
    fmt = fmt or ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    try:
        yield from ox.parse(path=str(path), format=fmt)
    except SyntaxError as error:
        raise InputFileError(f"{path}:{_syntax_position(error)}: {error.msg}") from None
    except OSError as error:
        raise InputFileError(f"{path}: cannot read: {error.strerror}") from None


def _syntax_position(error: SyntaxError) -> str:
    if error.lineno is None:
        return "?"
    return f"{error.lineno}:{error.offset}" if error.offset else str(error.lineno)


def memory_store(quads: Iterable[ox.Quad] = ()) -> ox.Store:
    """An in-memory store holding ``quads`` (for validation and tests)."""
    store = ox.Store()
    store.extend(quads)
    return store


def select(store: ox.Store, query: str, bindings: Bindings | None = None) -> list[dict[str, Term]]:
    """Run a SELECT on a store, with variables bound to RDF terms, as a list of dicts.

    Oxigraph substitutes bound variables only when the query projects them, so every
    parameter must appear in the SELECT clause.

    >>> store = memory_store(parse_rdf(Path("ontology/adcgraph.ttl")))
    >>> rows = select(store, "SELECT ?c ?l WHERE { ?c rdfs:label ?l }",
    ...               {"c": iri("adco:ADC")})
    >>> rows[0]["l"].value
    'antibody-drug conjugate'
    """
    result = store.query(
        query,
        substitutions=_substitutions(bindings),
        prefixes=vocab.sparql_prefixes(),
        use_default_graph_as_union=True,
    )
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("expected a SELECT query")
    names = [variable.value for variable in result.variables]
    return [
        {name: solution[name] for name in names if solution[name] is not None}
        for solution in result
    ]


def _substitutions(bindings: Bindings | None) -> dict[ox.Variable, Term]:
    return {ox.Variable(name): term for name, term in (bindings or {}).items()}


class Backend(Protocol):
    """Something that answers SPARQL queries with parameters bound as RDF terms."""

    location: str

    def query(self, text: str, bindings: Bindings | None = None) -> QueryResult:
        """Run a query and return pyoxigraph results."""
        ...


@dataclass
class EmbeddedBackend:
    """The embedded on-disk Oxigraph store (the default graph is the union of all graphs)."""

    store: ox.Store | OpenedStore
    location: str

    def query(self, text: str, bindings: Bindings | None = None) -> QueryResult:
        """Run a query in process; syntax errors become QueryError with the position."""
        try:
            return self.store.query(
                text,
                substitutions=_substitutions(bindings),
                prefixes=vocab.sparql_prefixes(),
                use_default_graph_as_union=True,
            )
        except SyntaxError as error:
            raise QueryError(f"malformed SPARQL query: {error}") from None
        except (OSError, RuntimeError) as error:
            raise QueryError(f"query failed: {error}") from None


@dataclass
class EndpointBackend:
    """A remote SPARQL 1.1 Protocol endpoint (QLever, Virtuoso, GraphDB, an Oxigraph server).

    Bound parameters travel as a trailing ``VALUES`` clause written from RDF terms, because
    the protocol has no parameter binding.
    """

    location: str
    timeout_s: float = 60.0
    max_bytes: int = 256 * 2**20

    def query(self, text: str, bindings: Bindings | None = None) -> QueryResult:
        """POST the query and parse the standard results (JSON) or RDF (N-Triples).

        The predeclared prefixes the query uses are declared on its first line, so the line
        numbers of the endpoint's error messages are the query's own.
        """
        prologue = _prologue(text)
        full_text = prologue + text + _values_clause(bindings)
        body = urllib.parse.urlencode({"query": full_text}).encode()
        request = urllib.request.Request(
            self.location,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json, application/n-triples;q=0.9",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                payload = response.read(self.max_bytes + 1)
                content_type = response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip()[:500]
            detail = _line_one_columns(detail, len(prologue))
            raise QueryError(
                f"endpoint {self.location} rejected the query (HTTP {error.code}): {detail}"
            ) from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise StoreError(f"cannot reach SPARQL endpoint {self.location}: {reason}") from None
        if len(payload) > self.max_bytes:
            raise QueryError(
                f"endpoint {self.location} answered with more than "
                f"{self.max_bytes / 2**20:g} MiB; raise the limit with --max-result-mb"
            )
        malformed = QueryError(
            f"endpoint {self.location} sent an incomplete or malformed "
            "result (a server timeout cuts results short)"
        )
        try:
            if "n-triples" in content_type:
                return _triples_result(payload)
            json.loads(payload)
            return ox.parse_query_results(payload, format=ox.QueryResultsFormat.JSON)
        except (ValueError, SyntaxError):
            raise malformed from None


def _prologue(text: str) -> str:
    """PREFIX declarations, on one line, for the predeclared prefixes ``text`` uses.

    >>> _prologue("SELECT * WHERE { ?a a adco:ADC }")
    'PREFIX adco: <https://w3id.org/adcgraph/ontology#> '
    """
    used = set(re.findall(r"(?<![\w<?$])([A-Za-z][\w.-]*):", text))
    prefixes = vocab.sparql_prefixes()
    return "".join(f"PREFIX {p}: <{prefixes[p]}> " for p in sorted(used) if p in prefixes)


_LINE_ONE_COLUMN = re.compile(
    r"(?P<head>\bat 1:|(?<=\d)-1:|\bline 1,? column |\bline 1, col )(?P<column>\d+)"
)


def _line_one_columns(message: str, shift: int) -> str:
    """An endpoint's error message with line-1 columns moved back over the prologue.

    The prologue adcgraph puts in front of the query is on line 1, so an endpoint counts
    line-1 columns from its start; this gives the columns of the query as the user wrote it
    (Oxigraph's ``error at 1:C``, Jena's and QLever's ``line 1, column C``).

    >>> _line_one_columns("error at 1:90: expected one of ...", 52)
    'error at 1:38: expected one of ...'
    >>> _line_one_columns("Encountered ... at line 1, column 60. Was expecting", 52)
    'Encountered ... at line 1, column 8. Was expecting'
    >>> _line_one_columns("error at 3:18: expected", 52)
    'error at 3:18: expected'
    """
    if not shift:
        return message

    def moved(match: re.Match[str]) -> str:
        column = int(match.group("column"))
        return match.group("head") + str(column - shift if column > shift else column)

    return _LINE_ONE_COLUMN.sub(moved, message)


def _values_clause(bindings: Bindings | None) -> str:
    if not bindings:
        return ""
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    return f"\nVALUES ({names}) {{ ({terms}) }}"


def _triples_result(payload: bytes) -> ox.QueryTriples:
    store = memory_store(
        ox.Quad(t.subject, t.predicate, t.object)
        for t in ox.parse(payload, format=ox.RdfFormat.N_TRIPLES)
    )
    return store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def is_endpoint(location: str | Path | None) -> bool:
    """True when a location names a SPARQL endpoint (an http(s) URL), not a store directory.

    >>> is_endpoint("http://localhost:7878/query"), is_endpoint(Path("var/store"))
    (True, False)
    """
    return str(location or "").startswith(("http://", "https://"))


def check_endpoint_url(url: str) -> str:
    """An endpoint URL as given; StoreError for one that is not a valid http(s) URL.

    >>> check_endpoint_url("http://[::1]:7878/query")
    'http://[::1]:7878/query'
    >>> check_endpoint_url("http://[::1/query")
    Traceback (most recent call last):
    ...
    adcgraph.errors.StoreError: 'http://[::1/query' is not a valid endpoint URL (Invalid IPv6 URL)
    """
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - validates the port
    except ValueError as error:
        raise StoreError(f"{url!r} is not a valid endpoint URL ({error})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreError(f"{url!r} is not a valid endpoint URL (expected http(s)://host/path)")
    return url


def open_backend(location: str | Path | None = None, *, read_only: bool = True) -> Backend:
    """Open the store at ``location``: an ``http(s)://`` SPARQL endpoint or a store directory.

    >>> open_backend("http://localhost:7878/query").location
    'http://localhost:7878/query'
    """
    text = str(location) if location is not None else ""
    if text.startswith(("http://", "https://")):
        return EndpointBackend(check_endpoint_url(text))
    return EmbeddedBackend(
        open_store(Path(text) if text else default_store_path(), read_only=read_only),
        text or str(default_store_path()),
    )


class OpenedStore:
    """An on-disk store opened on one generation, which is kept for as long as this lives.

    It answers like the :class:`pyoxigraph.Store` it wraps (``query``, ``named_graphs``,
    ``quads_for_pattern`` ...). Dropping it closes the database and releases the generation.
    """

    __slots__ = ("_hold", "_store", "directory")

    def __init__(self, opened: ox.Store, hold: IO[str] | None, directory: Path) -> None:
        self._store = opened
        self._hold = hold
        self.directory = directory

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def __len__(self) -> int:
        return len(self._store)

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self._store)

    def __del__(self) -> None:
        self._store = None
        if self._hold is not None:
            self._hold.close()


def open_store(path: Path, *, read_only: bool = True) -> OpenedStore:
    """Open an existing on-disk store on its current generation; StoreError when there is none.

    A reader racing a build or an import keeps the generation it opened (writers publish a
    new one beside it); in the older layout it may meet a store half swapped, and retries
    for a few seconds before giving up with a clear error. ``read_only=False`` writes into
    the published generation in place (``serve --writable`` only; builds and imports write
    drafts, :func:`draft_generation`).
    """
    for attempt in range(OPEN_ATTEMPTS):
        if not publish.is_store(path):
            if attempt + 1 < OPEN_ATTEMPTS and publish.writing_now(path):
                time.sleep(OPEN_RETRY_S)
                continue
            raise StoreError(_no_store_message(path))
        directory, hold = generations.hold(path)
        try:
            opened = ox.Store.read_only(str(directory)) if read_only else ox.Store(str(directory))
        except (OSError, RuntimeError) as error:
            if hold is not None:
                hold.close()
            if attempt + 1 < OPEN_ATTEMPTS and _transient(error):
                time.sleep(OPEN_RETRY_S)
                continue
            raise StoreError(f"cannot open the store at {path}: {error}") from None
        return OpenedStore(opened, hold, directory)
    raise StoreError(_no_store_message(path))


OPEN_ATTEMPTS = 25
OPEN_RETRY_S = 0.2


def _transient(error: Exception) -> bool:
    # A swap under a reader: the manifest of one directory, the table files of the other
    # ("Corruption: Sst file size mismatch ... MANIFEST"), or files gone ("No such file").
    text = str(error)
    return any(word in text for word in ("Corruption", "MANIFEST", "No such file", "IO error"))


def _no_store_message(path: Path) -> str:
    if path.exists() and not path.is_dir():
        return f"{path} is not a directory, so not an adcgraph store"
    if path.is_dir() and any(path.iterdir()):
        return (
            f"{path} is not an adcgraph store (it has no {publish.MARKER_FILE} file); "
            "adcgraph will not write into it: choose another --store"
        )
    return f"no adcgraph store at {path}; run `adcgraph build` first"


def store_version(path: Path) -> dict[str, str]:
    """The version record written next to a store (a content hash of what was loaded)."""
    version_path = path / VERSION_FILE
    try:
        text = version_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StoreError(_no_store_message(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(f"{version_path}: cannot read the version record ({error})") from None
    try:
        record = json.loads(text)
    except ValueError as error:
        raise StoreError(f"{version_path}: damaged version record ({error})") from None
    if not isinstance(record, dict) or "version" not in record:
        raise StoreError(f"{version_path}: damaged version record (no 'version')")
    return record


def write_store(
    path: Path, graphs: Mapping[str, Iterable[ox.Triple]], version: dict[str, str]
) -> None:
    """Write a store holding only ``graphs`` at ``path``, published atomically.

    The caller holds the writer lock (:func:`adcgraph.storage.publish.writer`). A store in
    generations gets a new generation; an absent path, an empty directory or an older-layout
    store gets a complete new store built aside and swapped in. If anything fails, or the
    process dies, readers keep the previous store. Nothing but a store is ever replaced.
    """
    publish.check_replaceable(path)
    if generations.is_layered(path):
        with draft_generation(path, copy=False) as draft:
            _fill(draft, graphs)
            publish.fault_point("build.staged")
            draft.publish(version)
        return
    with publish.staging_dir(path, "build") as work:
        staged = work / "store"
        try:
            _write_new_store(staged, graphs, version)
        except OSError as error:
            raise StoreError(
                f"cannot write the new store beside {path}: {error}; the store is unchanged"
            ) from None
        publish.fault_point("build.staged")
        swap_directory(staged, path)


def _fill(draft: Draft, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
    for graph, triples in graphs.items():
        name = ox.NamedNode(graph)
        draft.store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
    draft.store.flush()
    draft.store.optimize()


def _write_new_store(
    staged: Path, graphs: Mapping[str, Iterable[ox.Triple]], version: dict[str, str]
) -> None:
    staged.mkdir()
    directory = staged / generations.new_name()
    with generations.create(directory):
        draft = Draft(ox.Store(str(directory)), directory, staged)
        _fill(draft, graphs)
        draft.close()
    publish.write_marker(staged)
    record = {**version, generations.GENERATION_KEY: directory.name}
    publish.write_json_atomically(staged / VERSION_FILE, record)


def other_graphs(path: Path, built_graphs: Iterable[str]) -> list[str]:
    """Named graphs of an existing store that a build does not write (imports, mappings).

    >>> other_graphs(Path("/nonexistent"), [])
    []
    """
    if not publish.is_store(path):
        return []
    built = set(built_graphs)
    graph_store = open_store(path)
    return sorted(g.value for g in graph_store.named_graphs() if g.value not in built)


def replace_graphs(
    path: Path, graphs: Mapping[str, Iterable[ox.Triple]], version: dict[str, str]
) -> None:
    """Replace some named graphs of an existing store, keeping the rest, in a new generation.

    The graphs are dropped and re-inserted in a private copy of the current generation,
    which is published only when complete: readers see the old store or the new one, and a
    crash at any point leaves the old one. The caller holds the writer lock.
    """
    blocks = []
    for graph, triples in graphs.items():
        lines = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        blocks.append(
            f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n{lines}\n}} }}"
        )
    with draft_generation(path) as draft:
        publish.fault_point("replace.journaled")
        try:
            draft.store.update(" ;\n".join(blocks))
            draft.store.flush()
        except OSError as error:
            raise StoreError(f"cannot write the store {path}: {error}; it is unchanged") from None
        publish.fault_point("replace.written")
        draft.publish(version)


def write_version(path: Path, version: dict[str, str]) -> None:
    """Write a store's version record atomically (keeping the generation it points to)."""
    name = generations.pointer(path)
    record = {**version, generations.GENERATION_KEY: name} if name else dict(version)
    publish.write_json_atomically(path / VERSION_FILE, record)


class Draft:
    """A private, writable generation of a store, invisible to readers until published.

    ``store`` is the open database (use it through this attribute only, so that closing
    the draft really closes it).
    """

    def __init__(self, opened: ox.Store, directory: Path, store_path: Path) -> None:
        self.store: Any = opened
        self.directory = directory
        self.store_path = store_path
        self.published = False

    def close(self) -> None:
        """Flush and close the database (before it is published or discarded)."""
        if self.store is not None:
            self.store.flush()
            self.store = None
        for leftover in self.directory.glob(publish.BULK_LEFTOVERS):
            leftover.unlink(missing_ok=True)

    def publish(self, version: dict[str, str]) -> None:
        """Close the draft and make it the store's current generation, with ``version``."""
        self.close()
        record = {**version, generations.GENERATION_KEY: self.directory.name}
        publish.write_json_atomically(self.store_path / VERSION_FILE, record, sync=True)
        self.published = True


@contextmanager
def draft_generation(path: Path, *, copy: bool = True) -> Iterator[Draft]:
    """A new generation of store ``path``: a copy of the current one, or empty (``copy=False``).

    The caller holds the writer lock and calls :meth:`Draft.publish` when the draft is
    complete. A draft left unpublished (an error) is deleted; one left by a crash is deleted
    at the next start. Generations that no reader holds any more are deleted afterwards.
    An older-layout store is first converted (once, by a journaled swap).
    """
    if not generations.is_layered(path):
        _convert(path)
    directory = path / generations.new_name()
    try:
        if copy:
            open_store(path).backup(str(directory))
        lock = generations.create(directory)
        draft = Draft(ox.Store(str(directory)), directory, path)
    except OSError as error:
        shutil.rmtree(directory, ignore_errors=True)
        raise StoreError(f"cannot write the store {path}: {error}; it is unchanged") from None
    try:
        yield draft
    finally:
        if not draft.published:
            draft.store = None
            shutil.rmtree(directory, ignore_errors=True)
        lock.close()
        generations.remove_unused(path)


def _convert(path: Path) -> None:
    # An older-layout store (database files at the top level) becomes a store in
    # generations: a hard-linked copy is staged and swapped in like a new build.
    version = store_version(path)
    with publish.staging_dir(path, "convert") as work:
        staged = work / "store"
        staged.mkdir()
        directory = staged / generations.new_name()
        try:
            open_store(path).backup(str(directory))
            generations.create(directory).close()
        except OSError as error:
            raise StoreError(f"cannot write the store {path}: {error}; it is unchanged") from None
        publish.write_marker(staged)
        record = {**version, generations.GENERATION_KEY: directory.name}
        publish.write_json_atomically(staged / VERSION_FILE, record)
        swap_directory(staged, path)


def swap_directory(new: Path, target: Path) -> None:
    """Replace store ``target`` by the complete store ``new``, journaled and by renames.

    Used for a new store and for converting an older-layout one. A crash at any point is
    finished at the next start (:func:`adcgraph.storage.publish.recover`). Refuses to replace
    anything that is not a store.
    """
    publish.check_replaceable(target)
    retired = publish.sidecar(target, "retired")
    publish.begin(target, {"kind": "swap", "staged": str(new), "retired": str(retired)})
    publish.fault_point("swap.journaled")
    publish.finish_swap(target, new, retired)
    publish.end(target)
