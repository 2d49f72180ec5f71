"""Bounds on every user-written SPARQL query, checked before the engine sees it, and the
bounded execution of a query in a child process (time, result size, memory, crashes).

What is refused before the engine (:func:`check_query`; the limits are documented here and in
`adcgraph sparql --help`):

* more than ``max_chars`` characters (default 100,000);
* groups, parentheses or brackets nested deeper than ``max_depth`` (default 128): Oxigraph's
  parser recurses, and 5,000 nested groups overflow its stack and abort the process;
* more than ``max_unions`` UNION branches (default 1,000) or ``max_operators`` operators
  (default 2,000), for the same reason;
* ``SERVICE`` (federation, an outbound request) unless its IRI is in ``allowed_services``;
  ``LOAD`` always;
* an update sent where a query is expected; a prefix neither declared nor predeclared; a
  ``REGEX`` whose pattern is not a valid regular expression.

Then :func:`run_bounded` runs the query in a forked child with a deadline, a cap on the
size of the serialised results and on memory; a child that overruns is killed, a child
that crashes is reported, and nothing is printed unless the whole answer is there.

>>> check_query("SELECT * WHERE { ?s ?p ?o }", QueryLimits())
'query'
>>> check_query("SELECT * WHERE " + "{" * 200 + "}" * 200, QueryLimits())  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
adcgraph.errors.QueryError: line 1, column 144: groups nested deeper than 128 levels; ...
"""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import resource
import signal
import struct
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from adcgraph.errors import AdcGraphError, QueryError

QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_FORMS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
#: Bytes of address space a query child may use (results and intermediate joins).
DEFAULT_MEMORY_BYTES = 6 * 2**30


@dataclass(frozen=True)
class QueryLimits:
    """How big, deep, long and large a query and its answer may be."""

    max_chars: int = 100_000
    max_depth: int = 128
    max_unions: int = 1_000
    max_operators: int = 2_000
    timeout_s: float = 60.0
    max_result_bytes: int = 256 * 2**20
    memory_bytes: int = DEFAULT_MEMORY_BYTES
    allowed_services: frozenset[str] = field(default_factory=frozenset)


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
   |(?P<comment>\#[^\n]*)
   |(?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
   |(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
   |(?P<var>[?$][\w\u00b7-\uffff]+)
   |(?P<bnode>_:[\w.\-]+)
   |(?P<pname>(?:[A-Za-z\u00c0-\uffff][\w.\-\u00b7-\uffff]*)?:
              (?:[\w\-.:%\\\u00b7-\uffff]*[\w\-:%\u00b7-\uffff])?)
   |(?P<word>[A-Za-z][A-Za-z0-9_]*)
   |(?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
   |(?P<open>[{(\[])
   |(?P<close>[})\]])
   |(?P<datatype>\^\^)
   |(?P<op>\|\||&&|[+*/|^])
   |(?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    """The SPARQL tokens of ``text`` (whitespace and comments left out).

    >>> [t.kind for t in tokens('SELECT ?x { ?x rdfs:label "a#b" } # c')]
    ['word', 'var', 'open', 'var', 'pname', 'string', 'close']
    """
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start())


def _where(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def check_query(
    text: str, limits: QueryLimits, *, known_prefixes: frozenset[str] | None = None
) -> str:
    """Refuse a query beyond the limits; return its form, ``query`` or ``update``.

    ``known_prefixes`` are the prefixes predeclared for the query (None: any prefix).
    """
    if len(text) > limits.max_chars:
        raise QueryError(
            f"the query has {len(text):,} characters; at most {limits.max_chars:,} are accepted"
        )
    checker = _Checker(text, limits, known_prefixes)
    for token in tokens(text):
        checker.take(token)
    return checker.form or "query"


class _Checker:
    """One pass over the tokens: nesting, counts, form, prefixes, SERVICE, REGEX."""

    def __init__(self, text: str, limits: QueryLimits, known: frozenset[str] | None) -> None:
        self.text = text
        self.limits = limits
        self.known = known
        self.declared: set[str] = set()
        self.depth = 0
        self.unions = 0
        self.operators = 0
        self.form: str | None = None
        self.previous: list[Token] = []
        self.regex_depth: int | None = None  # depth inside REGEX( ... ), awaiting its comma
        self.pattern_next = False

    def fail(self, token: Token, message: str) -> None:
        raise QueryError(f"{_where(self.text, token.start)}: {message}")

    def take(self, token: Token) -> None:
        kind, upper = token.kind, token.text.upper()
        self._track_regex(token)
        if kind == "open":
            self.depth += 1
            if self.depth > self.limits.max_depth:
                self.fail(
                    token,
                    f"groups nested deeper than {self.limits.max_depth} levels; flatten the query",
                )
        elif kind == "close":
            self.depth = max(0, self.depth - 1)
        elif kind == "op":
            self.operators += 1
            if self.operators > self.limits.max_operators:
                self.fail(token, f"more than {self.limits.max_operators} operators in the query")
        elif kind == "word":
            self._word(token, upper)
        elif kind == "pname":
            self._prefixed_name(token)
        elif kind == "string":
            self._regex_pattern(token)
        elif kind == "iri":
            self._service_iri(token)
        self.previous = [*self.previous[-3:], token]

    def _word(self, token: Token, upper: str) -> None:
        if upper == "UNION":
            self.unions += 1
            if self.unions > self.limits.max_unions:
                self.fail(token, f"more than {self.limits.max_unions} UNION branches")
        if self.form is None and (upper in QUERY_FORMS or upper in UPDATE_FORMS):
            self.form = "query" if upper in QUERY_FORMS else "update"
        if upper == "LOAD":
            self.fail(token, "LOAD fetches a URL; adcgraph makes no outbound requests")

    def _service_iri(self, token: Token) -> None:
        last = [t.text.upper() for t in self.previous[-2:]]
        if last[-1:] == ["SERVICE"] or last == ["SERVICE", "SILENT"]:
            iri = token.text[1:-1]
            if iri not in self.limits.allowed_services:
                self.fail(
                    token,
                    f"SERVICE <{iri}> is a federated query (an outbound request); federation "
                    "is off unless the endpoint is allowed with --allow-service URL",
                )

    def _prefixed_name(self, token: Token) -> None:
        prefix = token.text.split(":", 1)[0]
        last = self.previous[-1].text.upper() if self.previous else ""
        if last == "PREFIX":
            self.declared.add(prefix)
            return
        if last in ("SERVICE", "SILENT") and self._after_service():
            self.fail(token, "write the SERVICE endpoint as a full <IRI>")
        if self.known is not None and prefix not in self.declared and prefix not in self.known:
            self.fail(
                token,
                f"prefix '{prefix}:' is not declared; add PREFIX {prefix}: <...> or use one "
                "of the predeclared prefixes (`adcgraph sparql --help`)",
            )

    def _after_service(self) -> bool:
        last = [t.text.upper() for t in self.previous[-2:]]
        return last[-1:] == ["SERVICE"] or last == ["SERVICE", "SILENT"]

    def _track_regex(self, token: Token) -> None:
        # REGEX ( any expression , "pattern" ...: remember where its second argument starts.
        last = self.previous[-1].text.upper() if self.previous else ""
        if token.kind == "open" and last == "REGEX":
            self.regex_depth = self.depth + 1
        elif token.text == "," and self.regex_depth == self.depth:
            self.pattern_next, self.regex_depth = True, None
        elif self.pattern_next and token.kind != "string":
            self.pattern_next = False

    def _regex_pattern(self, token: Token) -> None:
        if not self.pattern_next:
            return
        self.pattern_next = False
        body = token.text.strip("\"'")
        pattern = re.sub(
            r"\\(.)", lambda m: m.group(1) if m.group(1) in "\"'" else m.group(0), body
        )
        try:
            re.compile(pattern)
        except re.error as error:
            self.fail(token, f"REGEX pattern {token.text} is not a valid pattern ({error})")


def first_keyword(text: str) -> str:
    """The first keyword after the prologue: SELECT, ASK, CONSTRUCT, DESCRIBE, INSERT ...

    >>> first_keyword("PREFIX a: <http://a/> CONSTRUCT WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    for token in tokens(text):
        if token.kind == "word" and token.text.upper() not in ("PREFIX", "BASE"):
            return token.text.upper()
    return ""


# ---------------------------------------------------------------- bounded execution


def run_bounded(
    store_path: Path, text: str, fmt: str, limits: QueryLimits, output: IO[bytes]
) -> None:
    """Run a query on the store at ``store_path`` in a child process and copy its rendered
    answer to ``output``; QueryError when it overruns a limit, fails or crashes.

    Nothing is written to ``output`` unless the child finished within every limit.
    """
    with tempfile.TemporaryDirectory(prefix="adcgraph-query-") as directory:
        result_path = Path(directory) / "result"
        error_path = Path(directory) / "error.json"
        pid = os.fork()
        if pid == 0:  # the child: never returns
            _child(store_path, text, fmt, limits, result_path, error_path)
        status = _wait(pid, limits.timeout_s)
        if status is None:
            raise QueryError(
                f"the query ran over its time limit of {limits.timeout_s:g} s and was stopped; "
                "raise it with --timeout-s"
            )
        if error_path.exists():
            raise QueryError(json.loads(error_path.read_text(encoding="utf-8"))["message"])
        if os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0:
            raise QueryError(_crash_message(status, limits))
        with result_path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                output.write(chunk)


def run_bounded_call(
    work: Callable[[], None],
    limits: QueryLimits,
    *,
    what: str,
    passthrough: tuple[type[Exception], ...] = (AdcGraphError,),
    waiting: AbstractContextManager[None] | None = None,
) -> int:
    """Run ``work`` (a command body that prints) in a forked child within ``limits``.

    What the child writes to standard output and error is recorded, in order, and written
    here only once it finished: a run stopped at its time limit, over its output or memory
    limit, or failing, prints nothing but the error (QueryError, or the child's own
    exception when it is one of ``passthrough``). ``waiting`` (a status line, say) is
    entered while the child runs. Returns the exit code the body asked for
    (``SystemExit``), else 0.

    >>> run_bounded_call(lambda: print("hello"), QueryLimits(timeout_s=30), what="a test")
    hello
    0
    """
    with tempfile.TemporaryDirectory(prefix="adcgraph-run-") as directory:
        result_path = Path(directory) / "result"
        error_path = Path(directory) / "error.pickle"
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            _call_child(work, limits, passthrough, result_path, error_path)
        with waiting or nullcontext():
            status = _wait(pid, limits.timeout_s)
        if status is None:
            raise QueryError(
                f"{what} ran over its time limit of {limits.timeout_s:g} s and was stopped; "
                "raise it with --timeout-s"
            )
        if error_path.exists():
            with error_path.open("rb") as stream:
                raise pickle.load(stream)
        if os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0:
            raise QueryError(_crash_message(status, limits))
        return _replay(result_path)


def _call_child(
    work: Callable[[], None],
    limits: QueryLimits,
    passthrough: tuple[type[Exception], ...],
    result: Path,
    error: Path,
) -> None:
    code = 1
    failure: Exception | None = None
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        recording = _Recording(limits.max_result_bytes)
        sys.stdout = recording.stream(1, sys.stdout.isatty())
        # Not a terminal: a transient status line (a spinner) would be replayed afterwards;
        # the parent shows one while it waits instead.
        sys.stderr = recording.stream(2, False)
        exit_code = 0
        try:
            work()
        except SystemExit as stop:
            exit_code = stop.code if isinstance(stop.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        recording.save(result, exit_code)
        code = 0
    except ResultTooLarge as too_large:
        failure = QueryError(
            f"the output exceeds {too_large.limit / 2**20:g} MiB; nothing was printed: "
            "raise the limit with --max-output-mb"
        )
    except MemoryError:
        failure = QueryError("the command needs more memory than its limit; nothing was printed")
    except passthrough as expected:
        failure = expected
    except BaseException:  # a bug: its traceback reaches the parent
        failure = RuntimeError(f"failed in a child process:\n{traceback.format_exc()}")
    finally:
        if failure is not None:
            _save_failure(error, failure)
        os._exit(code)


def _save_failure(path: Path, failure: Exception) -> None:
    try:
        data = pickle.dumps(failure)
    except Exception:  # an exception holding something that cannot be pickled
        data = pickle.dumps(AdcGraphError(str(getattr(failure, "message", failure))))
    path.write_bytes(data)


class _Recording:
    """Standard output and error of a child, in the order written, up to a size limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.chunks: list[tuple[int, bytes]] = []

    def add(self, tag: int, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise ResultTooLarge(self.limit)
        if self.chunks and self.chunks[-1][0] == tag:
            self.chunks[-1] = (tag, self.chunks[-1][1] + data)
        else:
            self.chunks.append((tag, data))

    def stream(self, tag: int, terminal: bool) -> io.TextIOWrapper:
        """A text stream recording into ``tag``, claiming to be a terminal if ``terminal``."""
        return io.TextIOWrapper(
            _RecordingSink(self, tag, terminal), encoding="utf-8", write_through=True
        )

    def save(self, path: Path, exit_code: int) -> None:
        """Write the exit code and the chunks (tag, length, bytes) to ``path``."""
        with path.open("wb") as out:
            out.write(struct.pack(">i", exit_code))
            for tag, data in self.chunks:
                out.write(struct.pack(">BQ", tag, len(data)) + data)


class _RecordingSink(io.RawIOBase):
    def __init__(self, recording: _Recording, tag: int, terminal: bool) -> None:
        super().__init__()
        self.recording = recording
        self.tag = tag
        self.terminal = terminal

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.terminal

    def write(self, data: Any) -> int:
        self.recording.add(self.tag, bytes(data))
        return len(data)


def _replay(path: Path) -> int:
    with path.open("rb") as stream:
        (exit_code,) = struct.unpack(">i", stream.read(4))
        while header := stream.read(9):
            tag, length = struct.unpack(">BQ", header)
            target = sys.stdout if tag == 1 else sys.stderr
            target.write(stream.read(length).decode("utf-8", "replace"))
            target.flush()
    return int(exit_code)


def _wait(pid: int, timeout_s: float) -> int | None:
    deadline = time.monotonic() + timeout_s
    pause = 0.001
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _crash_message(status: int, limits: QueryLimits) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        name = signal.Signals(number).name if number in signal.Signals._value2member_map_ else ""
        return (
            f"the query engine stopped with signal {number} {name}".rstrip()
            + f" (memory limit {limits.memory_bytes / 2**30:.0f} GiB); nothing was printed"
        )
    return f"the query engine failed (exit {os.WEXITSTATUS(status)}); nothing was printed"


class _CappedWriter:
    """A binary sink that refuses to grow beyond ``limit`` bytes."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.written = 0

    def write(self, data: bytes) -> int:
        self.written += len(data)
        if self.written > self.limit:
            raise ResultTooLarge(self.limit)
        return self.stream.write(data)

    def flush(self) -> None:
        self.stream.flush()


class ResultTooLarge(OSError):
    """The serialised results passed the result-size limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the results exceed {limit / 2**20:g} MiB")
        self.limit = limit


def _child(
    store_path: Path, text: str, fmt: str, limits: QueryLimits, result: Path, error: Path
) -> None:
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        from adcgraph.storage import store

        backend = store.EmbeddedBackend(store.open_store(store_path), str(store_path))
        answer = backend.query(text)
        with result.open("wb") as stream:
            sink = _CappedWriter(stream, limits.max_result_bytes)
            write_answer(answer, fmt, sink, limits.max_result_bytes)
    except ResultTooLarge as too_large:
        _report(error, f"{too_large}; raise the limit with --max-result-mb")
        code = 1
    except MemoryError:
        _report(error, "the query needs more memory than its limit; nothing was printed")
        code = 1
    except Exception as failure:  # every error reaches the parent as a message
        message = getattr(failure, "message", None) or f"query failed: {failure}"
        _report(error, str(message))
        code = 1
    finally:
        os._exit(code)


def _report(error: Path, message: str, kind: str = "QueryError") -> None:
    error.write_text(json.dumps({"message": message, "kind": kind}), encoding="utf-8")


def write_answer(answer: object, fmt: str, sink: _CappedWriter, limit: int) -> None:
    """Serialise a query answer to ``sink``: SPARQL results formats, N-Triples, or a table."""
    import pyoxigraph as ox

    from adcgraph.querying import results

    if isinstance(answer, ox.QueryTriples):
        if fmt not in ("table", "ntriples"):
            raise QueryError(
                f"CONSTRUCT and DESCRIBE answer with RDF triples, which --format {fmt} cannot "
                "hold; use --format table (N-Triples)"
            )
        answer.serialize(sink, ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
        return
    standard = {
        "json": ox.QueryResultsFormat.JSON,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }
    if fmt in standard:
        answer.serialize(sink, standard[fmt])  # type: ignore[attr-defined]
        return
    if isinstance(answer, ox.QueryBoolean):
        sink.write(b"true" if bool(answer) else b"false")
        return
    assert isinstance(answer, ox.QuerySolutions)
    names = [variable.value for variable in answer.variables]
    rows, size = [], 0
    for solution in answer:
        row = [results.short(solution[name]) for name in names]
        size += sum(len(cell) + 3 for cell in row)
        if size > limit:
            raise ResultTooLarge(limit)
        rows.append(row)
    text = results.rich_table(names, rows) + f"{len(rows)} row{'s' if len(rows) != 1 else ''}\n"
    sink.write(text.encode("utf-8"))
