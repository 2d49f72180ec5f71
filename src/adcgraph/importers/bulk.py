"""Bulk import of large RDF files (N-Triples, N-Quads, Turtle) and KGX node/edge files.

Files go through Oxigraph's bulk loader into their own named graph ``.../graph/import/<name>``.
The bulk loader is not transactional, so a failure part-way (a malformed line, a bad IRI)
is undone by dropping the graph it was filling: the store is left as it was before.
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.errors import AdcGraphError, InputFileError
from adcgraph.importers import ImportOptions, ImportReport, graph_name
from adcgraph.importers.loading import import_record
from adcgraph.importers.records import predicate_map
from adcgraph.storage import publish, store

DEFAULT_OPTIONS = ImportOptions()
RDF_FORMATS = {
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
}

#: Biolink categories and predicates read as adcgraph classes and predicates (so metapaths
#: cross into imported graphs), from the one mapping file shared with the other importers.
BIOLINK_CLASSES = MappingProxyType(predicate_map()["classes"]["biolink"])
BIOLINK_PREDICATES = MappingProxyType(predicate_map()["predicates"]["biolink"])


class ProgressReader(io.RawIOBase):
    """A binary file wrapper that reports bytes read, for a progress bar."""

    def __init__(self, path: Path, advance) -> None:  # type: ignore[no-untyped-def]
        self._file = path.open("rb")
        self._advance = advance

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        count = self._file.readinto(buffer)
        self._advance(count or 0)
        return count or 0

    def close(self) -> None:
        self._file.close()
        super().close()


def import_rdf(
    fmt: str,
    paths: Sequence[Path],
    store_path: Path,
    options: ImportOptions = DEFAULT_OPTIONS,
    *,
    progress: bool | None = None,
) -> ImportReport:
    """Bulk-load RDF files into the import graph named after the first file (or ``--name``).

    N-Triples and Turtle go into that graph. N-Quads keep their own graph names (their
    default-graph quads go into the import graph), and a file that would write into a graph
    the store already has is refused before loading, so a failed import can always be undone.

    >>> import_rdf("ntriples", [Path("hetnet.nt")], default_store_path())  # doctest: +SKIP
    ImportReport(format='ntriples', graph='https://w3id.org/adcgraph/graph/import/hetnet', ...)
    """
    if progress is None:
        progress = sys.stderr.isatty()
    name = graph_name(options, paths[0])
    with publish.writer(store_path):
        loaded = _load_journaled(store_path, paths, fmt, name, progress)
    graph = vocab.IMPORT_GRAPH_PREFIX + name
    return ImportReport(
        fmt, graph, tuple(str(p) for p in paths), loaded, f"bulk-loaded {loaded} statements"
    )


def _load_journaled(
    store_path: Path, paths: Sequence[Path], fmt: str, name: str, progress: bool
) -> int:
    # The bulk loader is not transactional, so it writes into a draft generation (a copy
    # of the store): a failure or a crash part-way leaves the published store as it was.
    graph = ox.NamedNode(vocab.IMPORT_GRAPH_PREFIX + name)
    record = store.store_version(store_path)
    with store.draft_generation(store_path) as draft:
        if draft.store.contains_named_graph(graph):
            loaded = 0
            failure = f"the store already has an import graph {name!r}; choose another --name"
        else:
            loaded, failure = _load_files(draft, paths, RDF_FORMATS[fmt], graph, progress)
        if failure is None:
            publish.fault_point("bulk.loaded")
            draft.publish(import_record(record, f"{fmt}:{name}", loaded))
            publish.fault_point("bulk.versioned")
    if failure is not None:
        raise InputFileError(failure)
    return loaded


def _load_files(
    draft: store.Draft,
    paths: Sequence[Path],
    rdf_format: ox.RdfFormat,
    graph: ox.NamedNode,
    progress: bool,
) -> tuple[int, str | None]:
    """(statements loaded, None), or (0, why nothing was imported); the draft is discarded."""
    graphs_before = set(draft.store.named_graphs())
    publish.fault_point("bulk.journaled")
    loaded = 0
    path = paths[0]
    try:
        for path in paths:
            if rdf_format is ox.RdfFormat.N_QUADS:
                _refuse_existing_graphs(path, graphs_before)
            loaded += _bulk_load(draft.store, path, rdf_format, graph, progress, draft.store_path)
            publish.fault_point("bulk.loading")
    except InputFileError as error:
        return 0, str(error)
    except (SyntaxError, ValueError, OSError, MemoryError) as error:
        return 0, (
            f"{_position(error, path)}: {_reason(error)}; "
            "nothing was imported (the store is as it was)"
        )
    return loaded, None


def _refuse_existing_graphs(path: Path, existing: set[ox.NamedNode | ox.BlankNode]) -> None:
    """Refuse an N-Quads file naming a graph the store has (curated, mappings, an import)."""
    named = set()
    with path.open("rb") as stream:
        for quad in ox.parse(stream, format=ox.RdfFormat.N_QUADS, lenient=True):
            named.add(quad.graph_name)
    clashes = sorted(g.value for g in named & existing if isinstance(g, ox.NamedNode))
    if clashes:
        raise InputFileError(
            f"{path}: writes into graphs the store already has ({', '.join(clashes[:3])}); "
            "an import may only add new graphs. Nothing was imported."
        )


def _bulk_load(
    graph_store: ox.Store,
    path: Path,
    rdf_format: ox.RdfFormat,
    graph: ox.NamedNode,
    progress: bool,
    store_path: Path,
) -> int:
    # Line-based formats hold one statement per line: counting lines reads the file at disk
    # speed, where a SPARQL COUNT would walk a whole index.
    line_based = rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
    before = 0 if line_based else _count(graph_store, graph)
    with _canonical_copy(path, store_path) as source:
        if progress:
            _bulk_load_with_progress(graph_store, source, rdf_format, graph)
        else:
            graph_store.bulk_load(path=str(source), format=rdf_format, to_graph=graph)
    return _statement_lines(path) if line_based else _count(graph_store, graph) - before


@contextmanager
def _canonical_copy(path: Path, store_path: Path) -> Iterator[Path]:
    """The file itself, or a line-for-line copy with every IRI in its canonical form.

    Alternative forms (identifiers.org, Bio2RDF, web pages ...) are rewritten before
    loading, so a SPARQL join with the curated graph works after an import; a file
    without any is loaded as it is, after one scan at disk speed. The copy lives in the
    store's staging area, so a killed import leaves nothing in the system's temp folder.
    """
    with path.open("rb") as stream:
        needed = any(vocab.normalise_rdf_iris(chunk) is not chunk for chunk in _line_chunks(stream))
    if not needed:
        yield path
        return
    with publish.staging_dir(store_path, "iris") as directory:
        copy = directory / path.name
        with path.open("rb") as stream, copy.open("wb") as out:
            for chunk in _line_chunks(stream):
                out.write(vocab.normalise_rdf_iris(chunk))
        yield copy


def _line_chunks(stream: io.BufferedIOBase) -> Iterator[bytes]:
    while chunk := stream.read(1 << 24):
        yield chunk + stream.readline()


def _bulk_load_with_progress(
    graph_store: ox.Store, path: Path, rdf_format: ox.RdfFormat, graph: ox.NamedNode
) -> None:
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(f"loading {path.name}", total=path.stat().st_size)
        reader = io.BufferedReader(
            ProgressReader(path, lambda n: bar.advance(task, n)), buffer_size=1 << 20
        )
        with reader:
            graph_store.bulk_load(reader, format=rdf_format, to_graph=graph)


def _statement_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 24):
            chunk += stream.readline()
            count += _statements_in(chunk)
    return count


def _statements_in(chunk: bytes) -> int:
    r"""Lines of a chunk (of whole lines) that are neither blank nor comments.

    >>> _statements_in(b"<a> <b> <c> .\n\n# note\n<d> <e> <f> .")
    2
    """
    ends_with_newline = chunk.endswith(b"\n")
    lines = chunk.count(b"\n") + (0 if ends_with_newline or not chunk else 1)
    if _NON_STATEMENT_START.search(b"\n" + chunk[:1]) is None and (
        _NON_STATEMENT_START.search(chunk) is None
    ):
        return lines
    # Only chunks with blank or comment lines pay for the line-by-line pattern.
    skipped = len(_NON_STATEMENT.findall(chunk)) - (1 if ends_with_newline else 0)
    return lines - skipped


_NON_STATEMENT_START = re.compile(rb"\n[\n\r \t#]")
_NON_STATEMENT = re.compile(rb"^[ \t\r]*(?:#|$)", re.MULTILINE)


def _count(graph_store: ox.Store, graph: ox.NamedNode) -> int:
    # Counting in SPARQL stays in Rust and reads only this graph's index range.
    result = graph_store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
        substitutions={ox.Variable("g"): graph},
    )
    rows = list(result)
    return int(rows[0]["n"].value) if rows else 0


def _position(error: BaseException, path: Path) -> str:
    line = getattr(error, "lineno", None)
    return f"{path}:{line}" if line else str(path)


def _reason(error: BaseException) -> str:
    if isinstance(error, MemoryError):
        return f"a statement is longer than the RDF parser accepts ({error})"
    return str(getattr(error, "msg", None) or error)


def import_kgx(
    fmt: str,
    paths: Sequence[Path],
    store_path: Path,
    options: ImportOptions = DEFAULT_OPTIONS,
    *,
    progress: bool = False,
) -> ImportReport:
    """Import KGX node and edge files (TSV or JSON Lines; Biolink categories and predicates).

    Nodes are typed with their Biolink categories and, where one matches, the adcgraph class,
    so imported genes, diseases and drugs meet the curated ones through shared identifiers.
    """
    nodes = [p for p in paths if "node" in p.name]
    edges = [p for p in paths if "edge" in p.name]
    if not nodes or not edges:
        raise InputFileError(
            "KGX import needs a nodes file and an edges file (names containing 'node' and 'edge')"
        )
    with publish.staging_dir(store_path, "kgx") as directory:
        converted = directory / "kgx.nt"
        # Identifiers repeat on every edge: each is expanded and checked once per import.
        terms: dict[str, str] = {}
        with converted.open("w", encoding="utf-8") as out:
            for path in nodes:
                for line, record in _records(path, "nodes"):
                    _write_node(out, record, _Place(path, line, terms))
            for path in edges:
                for line, record in _records(path, "edges"):
                    _write_edge(out, record, _Place(path, line, terms))
        name = options.name or graph_name(options, nodes[0]).removesuffix("_nodes")
        report = import_rdf(
            "ntriples", [converted], store_path, ImportOptions(name=name), progress=progress
        )
    return ImportReport(
        "kgx", report.graph, tuple(str(p) for p in paths), report.quads, report.summary
    )


#: Columns (TSV) or fields (JSON Lines) every KGX record of a kind must have.
KGX_REQUIRED = {"nodes": ("id",), "edges": ("subject", "predicate", "object")}


def _records(path: Path, kind: str) -> Iterator[tuple[int, dict[str, object]]]:
    """The records of a KGX nodes or edges file, with their line numbers.

    An empty file, a record without a required column, a row with more or fewer fields
    than the header, bytes that are not UTF-8: InputFileError with file, line and column.
    """
    required = KGX_REQUIRED[kind]
    count = 0
    reader = _json_records if path.suffix in (".jsonl", ".json") else _tsv_records
    for line, record in reader(path, required):
        count += 1
        yield line, record
    if count == 0:
        raise InputFileError(
            f"{path}: no {kind} records (the file is empty or holds only a header); "
            f"expected one {kind[:-1]} per line with {', '.join(required)}"
        )


def _decoded(raw: bytes, path: Path, line: int) -> str:
    try:
        return raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as error:
        raise InputFileError(
            f"{path}:{line}: not UTF-8 (byte 0x{raw[error.start : error.start + 1].hex()} "
            f"at byte {error.start + 1} of the line)"
        ) from None


def _json_records(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, object]]]:
    with path.open("rb") as stream:
        for line, raw in enumerate(stream, start=1):
            text = _decoded(raw, path, line)
            if not text.strip():
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as error:
                raise InputFileError(f"{path}:{line}: not JSON: {error.msg}") from None
            if not isinstance(record, dict):
                raise InputFileError(f"{path}:{line}: expected a JSON object per line")
            missing = [name for name in required if name not in record]
            if missing:
                raise InputFileError(
                    f"{path}:{line}: the record has no {', '.join(map(repr, missing))} field"
                )
            yield line, record


def _tsv_records(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, object]]]:
    with path.open("rb") as stream:
        header = _decoded(stream.readline(), path, 1).split("\t")
        if header == [""]:
            return
        missing = [name for name in required if name not in header]
        if missing:
            raise InputFileError(
                f"{path}:1: the header has no {', '.join(map(repr, missing))} column "
                f"(it has: {', '.join(header)})"
            )
        for line, raw in enumerate(stream, start=2):
            text = _decoded(raw, path, line)
            if not text.strip():
                continue
            cells = text.split("\t")
            if len(cells) != len(header):
                raise InputFileError(
                    f"{path}:{line}: {len(cells)} tab-separated fields, but the header has "
                    f"{len(header)}"
                )
            yield line, dict(zip(header, cells, strict=True))


class _Place(NamedTuple):
    """Where a KGX value comes from (for errors), with the import's cache of written terms."""

    path: Path
    line: int
    terms: dict[str, str]


def _term(value: object, place: _Place, column: str) -> str:
    """The N-Triples form of an identifier (a CURIE or an IRI) of a KGX column."""
    text = str(value or "").strip()
    written = place.terms.get(text)
    if written is not None:
        return written
    if not text:
        raise InputFileError(f"{place.path}:{place.line}: column {column!r} is empty")
    try:
        iri = vocab.canonical_iri(text)
        written = place.terms[text] = str(ox.NamedNode(iri))
    except AdcGraphError:
        raise InputFileError(
            f"{place.path}:{place.line}: column {column!r}: value {text!r} has an unknown "
            "CURIE prefix"
        ) from None
    except ValueError as error:
        raise InputFileError(
            f"{place.path}:{place.line}: column {column!r}: value {text!r} is not a valid IRI "
            f"({error})"
        ) from None
    return written


def _values(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v for v in str(value or "").split("|") if v]


def _write_node(out: io.TextIOBase, record: dict[str, object], place: _Place) -> None:
    node = _term(record.get("id"), place, "id")
    for category in _values(record.get("category")):
        local = BIOLINK_CLASSES.get(category) or _local_class(category)
        out.write(f"{node} <{vocab.RDF}type> {_term(category, place, 'category')} .\n")
        if local:
            out.write(f"{node} <{vocab.RDF}type> <{vocab.ONTOLOGY}{local}> .\n")
    if record.get("name"):
        out.write(f"{node} <{vocab.RDFS}label> {ox.Literal(str(record['name']))} .\n")


def _local_class(category: str) -> str | None:
    prefix, _, local = category.partition(":")
    return local if prefix in ("adco", "adcgraph") and local else None


def _write_edge(out: io.TextIOBase, record: dict[str, object], place: _Place) -> None:
    subject = _term(record.get("subject"), place, "subject")
    obj = _term(record.get("object"), place, "object")
    # A KGX file written by adcgraph keeps the project's own predicate beside Biolink's.
    predicate_text = str(record.get("original_predicate") or record.get("predicate") or "")
    local = BIOLINK_PREDICATES.get(predicate_text) or _local_class(predicate_text)
    predicate = f"<{vocab.ONTOLOGY}{local}>" if local else _term(predicate_text, place, "predicate")
    out.write(f"{subject} {predicate} {obj} .\n")
