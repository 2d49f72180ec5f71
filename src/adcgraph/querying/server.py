"""Serve the store as a SPARQL 1.1 Protocol endpoint: a bounded front over query workers.

``adcgraph serve`` answers HTTP itself and runs every query in one of a pool of worker
processes, each holding the store open read-only (one writable worker with ``--writable``).
That is what bounds it:

* each query is checked first (:func:`adcgraph.querying.querylimits.check_query`: size, nesting,
  UNION branches, no SERVICE unless allowed, no LOAD): a query that would overflow the
  engine's stack never reaches it;
* a query still running at ``--timeout-s`` is stopped by killing its worker (a fresh one
  takes its place), so no query outlives its limit and no core burns after the client left;
  the client gets HTTP 504, never a truncated 200: an answer is sent only once complete,
  up to ``--max-result-mb`` (HTTP 500 past it);
* a worker that crashes is replaced and the request answered with HTTP 500; the others
  keep serving;
* a cheap query stays fast while expensive ones run: a query that has used
  :data:`CHEAP_S` of CPU time is demoted to the idle CPU class, and at most ``workers`` minus
  :data:`RESERVED_WORKERS` such long queries run at once (one more is refused with HTTP 503),
  so the reserved workers are always free for short queries; a worker killed at the time
  limit is replaced from booted spares before its client is answered, so a client that
  retries at once cannot take the reserve either;
* it listens on loopback only unless ``--allow-remote``, answers only requests whose
  ``Host`` header names this server (DNS rebinding), sends CORS headers only with
  ``--cors``, and makes no outbound requests;
* after a rebuild or an import each worker reopens the store (it watches the version
  record), so the endpoint follows the store without a restart.

Workers die with the server, even when it is killed with ``kill -9``.

>>> settings = ServerSettings(store=Path("var/store"), port=7879)
>>> settings.query_url
'http://127.0.0.1:7879/query'
"""

from __future__ import annotations

import contextlib
import ctypes
import http.server
import json
import multiprocessing
import os
import queue
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import IO, Any

from adcgraph.errors import AdcGraphError, QueryError, StoreError
from adcgraph.querying.querylimits import (
    DEFAULT_MEMORY_BYTES,
    QueryLimits,
    ResultTooLarge,
    check_query,
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_S = 30
DEFAULT_WORKERS = 6
DEFAULT_MAX_RESULT_MB = 64
#: Booted workers kept in reserve to replace killed ones at once.
MAX_SPARES = 4
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_READY_PROBE = "ASK {}"
_RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_GRAPH_TYPES = {
    "application/n-triples": "ntriples",
    "text/turtle": "turtle",
    "application/rdf+xml": "rdfxml",
    "application/n-quads": "nquads",
}


@dataclass(frozen=True)
class ServerSettings:
    """How to serve a store: where, on which address, with which limits."""

    store: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout_s: int = DEFAULT_TIMEOUT_S
    writable: bool = False
    workers: int = DEFAULT_WORKERS
    max_result_mb: int = DEFAULT_MAX_RESULT_MB
    cors: bool = False
    allow_remote: bool = False
    allowed_services: tuple[str, ...] = ()
    memory_bytes: int = DEFAULT_MEMORY_BYTES

    @property
    def bind(self) -> str:
        """``host:port`` (IPv6 hosts in brackets).

        >>> ServerSettings(Path("s"), host="::1", port=8000).bind
        '[::1]:8000'
        """
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The server's root URL.

        >>> ServerSettings(Path("s")).base_url
        'http://127.0.0.1:7878'
        """
        return f"http://{self.bind}"

    @property
    def query_url(self) -> str:
        """The SPARQL query endpoint URL."""
        return f"{self.base_url}/query"

    @property
    def update_url(self) -> str:
        """The SPARQL update endpoint URL (refused unless writable)."""
        return f"{self.base_url}/update"

    @property
    def limits(self) -> QueryLimits:
        """The query limits of this server."""
        return QueryLimits(
            timeout_s=float(self.timeout_s),
            max_result_bytes=self.max_result_mb * 2**20,
            memory_bytes=self.memory_bytes,
            allowed_services=frozenset(self.allowed_services),
        )

    def allowed_host_headers(self) -> frozenset[str]:
        """``Host`` header values this server answers (its own names, with the port).

        >>> sorted(ServerSettings(Path("s"), port=80).allowed_host_headers())[:2]
        ['127.0.0.1', '127.0.0.1:80']
        """
        names = {self.host if ":" not in self.host else f"[{self.host}]"}
        if self.host in LOOPBACK_HOSTS:
            names |= {"127.0.0.1", "localhost", "[::1]"}
        return frozenset(n for name in names for n in (name, f"{name}:{self.port}"))


def check_settings(settings: ServerSettings) -> None:
    """Refuse settings that would expose or break the server; StoreError says why."""
    from adcgraph.storage import publish

    if not publish.is_store(settings.store):
        raise StoreError(f"no adcgraph store at {settings.store}; run `adcgraph build` first")
    if settings.timeout_s < 1:
        raise StoreError(f"the query timeout must be at least 1 s, not {settings.timeout_s}")
    if settings.workers < 1:
        raise StoreError(f"at least one query worker is needed, not {settings.workers}")
    if settings.host not in LOOPBACK_HOSTS and not settings.allow_remote:
        raise StoreError(
            f"--host {settings.host} would make the endpoint reachable from other machines; "
            "add --allow-remote if that is intended"
        )


# ---------------------------------------------------------------- query workers


def _die_with_parent() -> None:
    # Linux: the kernel sends SIGKILL to this worker when the server dies, even by kill -9.
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _store_stamp(store: Path) -> tuple[int, int]:
    from adcgraph.storage.locations import VERSION_FILE

    try:
        info = os.stat(store / VERSION_FILE)
    except OSError:
        return (0, 0)
    return (info.st_ino, info.st_mtime_ns)


def worker_main(
    store: str, writable: bool, max_bytes: int, memory_bytes: int, conn: Connection
) -> None:
    """One query worker: open the store, answer requests from ``conn`` until it closes."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    from adcgraph.storage.store import OpenedStore, open_store

    path = Path(store)
    opened: OpenedStore | None = None
    stamp = (0, 0)
    with contextlib.suppress(AdcGraphError):
        stamp = _store_stamp(path)
        opened = open_store(path, read_only=not writable)
    conn.send("ready")
    while True:
        try:
            kind, text, accept = conn.recv()
        except (EOFError, OSError):
            return
        try:
            current = _store_stamp(path)
            if opened is None or current != stamp:
                opened = None  # closes the old generation, which a writer may then delete
                opened = open_store(path, read_only=not writable)
                stamp = current
            conn.send(_answer(opened, kind, text, accept, max_bytes))
        except AdcGraphError as error:
            conn.send(("error", 503, f"the store cannot be opened: {error.message}"))
        except SyntaxError as error:
            conn.send(("error", 400, f"malformed SPARQL: {error}"))
        except ResultTooLarge as error:
            conn.send(("error", 500, f"{error}; the server's --max-result-mb is the limit"))
        except MemoryError:
            conn.send(("error", 500, "the query needs more memory than the server allows"))
        except (OSError, RuntimeError, ValueError) as error:
            conn.send(("error", 500, f"query failed: {error}"))


def _answer(
    opened: Any, kind: str, text: str, accept: str, max_bytes: int
) -> tuple[str, int, str, bytes]:
    import io

    import pyoxigraph as ox

    from adcgraph.querying.querylimits import _CappedWriter

    if kind == "update":
        opened.update(text)
        opened.flush()
        return ("ok", 204, "text/plain", b"")
    answer = opened.query(text, use_default_graph_as_union=True)
    buffer = io.BytesIO()
    sink = _CappedWriter(buffer, max_bytes)
    if isinstance(answer, ox.QueryTriples):
        media = _negotiate(accept, _GRAPH_TYPES, "application/n-triples")
        answer.serialize(sink, ox.RdfFormat.from_media_type(media))  # type: ignore[arg-type]
    else:
        media = _negotiate(accept, _RESULT_TYPES, "application/sparql-results+json")
        answer.serialize(sink, ox.QueryResultsFormat.from_media_type(media))  # type: ignore[arg-type]
    return ("ok", 200, media, buffer.getvalue())


def _negotiate(accept: str, known: dict[str, str], default: str) -> str:
    """The first media type of an Accept header that ``known`` holds, else ``default``.

    >>> _negotiate("text/csv;q=0.9, */*", _RESULT_TYPES, "application/sparql-results+json")
    'text/csv'
    """
    for part in accept.split(","):
        media = part.split(";")[0].strip().lower()
        if media in known:
            return media
    return default


@dataclass
class _Worker:
    process: Any
    conn: Connection
    niced: bool = False


#: A query that has used this many CPU seconds is a long query: it runs in the idle CPU
#: class and takes a place in the long-query lane.
CHEAP_S = 0.01
#: Workers kept free of long queries (fewer when the pool is smaller), so short ones never wait.
RESERVED_WORKERS = 2
#: The priority of a booting spare (and of a long query where the idle class is refused).
LONG_QUERY_NICE = 15


#: What :meth:`Engine._run_long` returns instead of a reply (compared by identity).
_TIMED_OUT = ("stopped", "time limit")
_LANE_FULL = ("stopped", "long-query lane full")


def _cpu_seconds(pid: int) -> float | None:
    """The CPU time process ``pid`` has run (Linux ``/proc/PID/schedstat``); None if unknown.

    >>> _cpu_seconds(os.getpid()) is None or _cpu_seconds(os.getpid()) > 0
    True
    """
    try:
        with open(f"/proc/{pid}/schedstat", encoding="ascii") as stat:
            return int(stat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


def long_lane(workers: int) -> int:
    """How many long queries may run at once in a pool of ``workers``.

    >>> [long_lane(n) for n in (1, 2, 3, 6)]
    [1, 1, 1, 4]
    """
    return max(1, workers - min(RESERVED_WORKERS, workers - 1))


def _can_restore_priority() -> bool:
    """Whether this process may give a child back the normal priority (root, RLIMIT_NICE).

    >>> isinstance(_can_restore_priority(), bool)
    True
    """
    return os.geteuid() == 0 or resource.getrlimit(resource.RLIMIT_NICE)[0] >= 20


def _lower_priority(pid: int, *, idle_class: bool = False) -> bool:
    # SCHED_IDLE (weight 3 against 1024 for a normal process) leaves a long query only the
    # CPU nobody else wants; nice 15 (weight 36) where the idle class is not available.
    if idle_class:
        with contextlib.suppress(OSError, AttributeError):
            os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
            return True
    try:
        os.setpriority(os.PRIO_PROCESS, pid, LONG_QUERY_NICE)
    except OSError:
        return False
    return True


def _restore_priority(pid: int) -> bool:
    try:
        if os.sched_getscheduler(pid) != os.SCHED_OTHER:
            os.sched_setscheduler(pid, os.SCHED_OTHER, os.sched_param(0))
        os.setpriority(os.PRIO_PROCESS, pid, 0)
    except OSError:
        return False
    return True


@dataclass
class Engine:
    """A pool of query workers; each request takes an idle one, killed if it overruns."""

    settings: ServerSettings
    idle: queue.Queue[_Worker] = field(default_factory=queue.Queue)
    restarts: int = 0
    _context: Any = None
    _closed: bool = False
    _retired: queue.Queue[tuple[_Worker, bool] | None] = field(default_factory=queue.Queue)
    _spares: queue.Queue[_Worker] = field(default_factory=queue.Queue)
    _renice: bool = False
    _lane: threading.BoundedSemaphore | None = None
    _long_running: int = 0
    _counter: threading.Lock = field(default_factory=threading.Lock)

    @property
    def long_running(self) -> int:
        """How many queries are running past :data:`CHEAP_S` now."""
        return self._long_running

    def start(self) -> None:
        """Start the workers, and the thread that replaces killed or crashed ones.

        Workers die with the thread that started them (PR_SET_PDEATHSIG), so every one is
        started by this long-lived thread, never by a request's thread.
        """
        self._context = multiprocessing.get_context("spawn")
        self._renice = _can_restore_priority()
        count = 1 if self.settings.writable else self.settings.workers
        self._lane = threading.BoundedSemaphore(long_lane(count))
        ready = threading.Event()
        threading.Thread(target=self._keeper, args=(count, ready), daemon=True).start()
        ready.wait()

    def _keeper(self, count: int, ready: threading.Event) -> None:
        for worker in [self._spawn() for _ in range(count)]:
            self._put_when_ready(worker)
        ready.set()
        if not self.settings.writable:
            # Booted spares take a killed worker's place at once: clients whose queries all
            # hit the time limit together cannot leave the pool empty while new ones boot.
            for _ in range(min(count, MAX_SPARES)):
                self._boot_in_background(self._spares)
        while (retired := self._retired.get()) is not None:
            self._replace(*retired)

    def _spawn(self, *, spare: bool = False) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=worker_main,
            args=(
                str(self.settings.store),
                self.settings.writable,
                self.settings.max_result_mb * 2**20,
                self.settings.memory_bytes,
                theirs,
            ),
            daemon=True,
        )
        process.start()
        theirs.close()
        # A booting spare (an interpreter starting, imports, the store opening) takes its
        # CPU from the cheap queries of other clients only when nothing else wants it; it
        # gets the normal priority back once ready (see _put_when_ready). Workers a client
        # waits for boot at the normal priority.
        niced = spare and self._renice and _lower_priority(process.pid)
        return _Worker(process, ours, niced)

    def _boot_in_background(self, into: queue.Queue[_Worker]) -> None:
        fresh = self._spawn(spare=into is self._spares)
        threading.Thread(target=self._put_when_ready, args=(fresh, into), daemon=True).start()

    def _put_when_ready(self, worker: _Worker, into: queue.Queue[_Worker] | None = None) -> None:
        # A worker takes queries once it has started and opened the store.
        try:
            if worker.conn.poll(READY_TIMEOUT_S) and worker.conn.recv() == "ready":
                if worker.niced and _restore_priority(worker.process.pid):
                    worker.niced = False
                if not worker.niced:
                    (self.idle if into is None else into).put(worker)
                    return
        except (EOFError, OSError):
            pass
        with contextlib.suppress(OSError, ValueError):
            worker.process.kill()

    def _retire(self, worker: _Worker) -> None:
        """Stop ``worker`` and put a booted spare in its place before the caller answers.

        Done in the request's thread: the keeper thread starts processes one after the
        other (tens of ms each on a loaded machine), and a client told 504 that retries at
        once must find its replacement already idle, not take a reserved worker.
        """
        with contextlib.suppress(OSError, ValueError):
            worker.process.kill()  # the query stops now, not when replaced
        try:
            self.idle.put(self._spares.get_nowait())
            replaced = True
        except queue.Empty:
            replaced = False
        self._retired.put((worker, replaced))

    def _replace(self, worker: _Worker, replaced: bool) -> None:
        # The new worker is started at once (by this thread, see start); its boot is awaited
        # elsewhere, so several replacements boot in parallel and the pool refills quickly.
        with contextlib.suppress(OSError, ValueError):
            worker.process.kill()
        self.restarts += 1
        if not self._closed:
            self._boot_in_background(self._spares if replaced else self.idle)
        worker.process.join(5)
        worker.conn.close()

    def run(self, kind: str, text: str, accept: str) -> tuple[int, str, bytes]:
        """Answer one request within the time limit: (HTTP status, media type, body)."""
        timeout = float(self.settings.timeout_s)
        deadline = time.monotonic() + timeout
        try:
            worker = self.idle.get(timeout=timeout)
        except queue.Empty:
            return 503, "text/plain", b"all query workers are busy; try again later"
        try:
            worker.conn.send((kind, text, accept))
            if self._finished_while_cheap(worker, deadline):
                reply = worker.conn.recv()
            else:
                reply = self._run_long(worker, deadline)
        except (EOFError, OSError):
            code = worker.process.exitcode
            self._retire(worker)
            return (
                500,
                "text/plain",
                (
                    f"the query engine crashed (exit {code}) and was restarted; the query was "
                    "not answered"
                ).encode(),
            )
        if reply is _LANE_FULL:
            return self._refusal_of_long(worker)
        if reply is _TIMED_OUT:
            self._retire(worker)
            return (
                504,
                "text/plain",
                (
                    "the query ran over the server's time limit of "
                    f"{self.settings.timeout_s} s and was stopped"
                ).encode(),
            )
        if worker.niced and not _restore_priority(worker.process.pid):
            self._retire(worker)  # cannot be raised again (not root): a fresh one
        else:
            worker.niced = False
            self.idle.put(worker)
        if reply[0] == "ok":
            return reply[1], reply[2], reply[3]
        return reply[1], "text/plain", str(reply[2]).encode("utf-8")

    @staticmethod
    def _finished_while_cheap(worker: _Worker, deadline: float) -> bool:
        """Wait for the reply while the query has used under :data:`CHEAP_S` of CPU time.

        CPU time, not wall time: on a loaded machine a cheap query waits for a processor
        longer than it computes, and must not be taken for a long one.
        """
        started = _cpu_seconds(worker.process.pid)
        while not worker.conn.poll(max(0.0, min(CHEAP_S, deadline - time.monotonic()))):
            used = _cpu_seconds(worker.process.pid)
            if used is None or started is None or used - started >= CHEAP_S:
                return False
            if time.monotonic() >= deadline:
                return False
        return True

    def _run_long(self, worker: _Worker, deadline: float) -> Any:
        """The reply of a query past :data:`CHEAP_S`; _TIMED_OUT or _LANE_FULL if none.

        It runs in the long-query lane at the idle CPU class; with the lane full it is
        stopped at once (_LANE_FULL), so long queries never hold the reserved workers.
        """
        assert self._lane is not None
        if not self._lane.acquire(blocking=False):
            return _LANE_FULL
        with self._counter:
            self._long_running += 1
        try:
            worker.niced = _lower_priority(worker.process.pid, idle_class=True)
            if worker.conn.poll(max(0.0, deadline - time.monotonic())):
                return worker.conn.recv()
            return _TIMED_OUT
        finally:
            with self._counter:
                self._long_running -= 1
            self._lane.release()

    def _refusal_of_long(self, worker: _Worker) -> tuple[int, str, bytes]:
        self._retire(worker)
        lane = long_lane(1 if self.settings.writable else self.settings.workers)
        return (
            503,
            "text/plain",
            (
                f"the server already runs its limit of long queries ({lane} at once; the "
                f"other workers are kept for queries under {CHEAP_S * 1000:.0f} ms of CPU); "
                "this one was stopped; try again later"
            ).encode(),
        )

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        self._retired.put(None)
        while not self._spares.empty():
            with contextlib.suppress(OSError, ValueError, queue.Empty):
                self._spares.get_nowait().process.kill()
        while True:
            try:
                worker = self.idle.get_nowait()
            except queue.Empty:
                break
            with contextlib.suppress(OSError, ValueError):
                worker.process.kill()
                worker.process.join(5)
        for child in multiprocessing.active_children():
            child.kill()


# ---------------------------------------------------------------- HTTP front

_INDEX = """<!doctype html><meta charset="utf-8"><title>adcgraph SPARQL endpoint</title>
<h1>adcgraph SPARQL endpoint</h1><p>SPARQL 1.1 Protocol queries: <code>{query_url}</code>
(GET <code>?query=</code> or POST). Query time limit {timeout} s. To use a browser client
such as YASGUI, start the server with <code>--cors</code> and point it at the URL above.</p>
"""


class _Handler(http.server.BaseHTTPRequestHandler):
    server_version = "adcgraph"
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes; with Nagle's algorithm the second waits for
    # the client's delayed ACK (up to 40 ms on Linux) whenever the first is unacknowledged.
    disable_nagle_algorithm = True
    settings: ServerSettings
    engine: Engine

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, media: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{media}; charset=utf-8" if "text" in media else media)
        self.send_header("Content-Length", str(len(body)))
        if self.settings.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
        if self.command == "HEAD":
            self.end_headers()
            return
        try:
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client left before its answer (a timed-out probe): nothing to tell it, and
            # no traceback for the server's log.
            self.close_connection = True

    def _refuse(self, status: int, message: str) -> None:
        self._send(status, "text/plain", message.encode("utf-8"))

    def _host_ok(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        if host in self.settings.allowed_host_headers():
            return True
        self._refuse(403, f"Host {host!r} is not this server's name")
        return False

    def do_OPTIONS(self) -> None:
        if not self._host_ok():
            return
        if not self.settings.cors:
            self._refuse(405, "cross-origin requests are off; start the server with --cors")
            return
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
        self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        if not self._host_ok():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            page = _INDEX.format(query_url=self.settings.query_url, timeout=self.settings.timeout_s)
            self._send(200, "text/html", page.encode("utf-8"))
            return
        if url.path != "/query":
            self._refuse(404, "not found; the SPARQL endpoint is /query")
            return
        values = urllib.parse.parse_qs(url.query)
        if "query" not in values:
            self._refuse(400, "missing 'query' parameter")
            return
        self._run("query", values["query"][0])

    do_HEAD = do_GET

    def do_POST(self) -> None:
        if not self._host_ok():
            return
        path = urllib.parse.urlsplit(self.path).path
        if path not in ("/query", "/update"):
            self._refuse(404, "not found; the SPARQL endpoint is /query")
            return
        body = self._body()
        if body is None:
            return
        kind = "update" if path == "/update" else "query"
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media in ("application/sparql-query", "application/sparql-update"):
            text = body
        else:
            values = urllib.parse.parse_qs(body)
            key = "update" if kind == "update" else "query"
            if key not in values:
                self._refuse(400, f"missing '{key}' parameter")
                return
            text = values[key][0]
        if kind == "update" and not self.settings.writable:
            self._refuse(403, "this endpoint is read-only (start it with --writable)")
            return
        self._run(kind, text)

    def _body(self) -> str | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._refuse(400, "bad Content-Length")
            return None
        limit = self.settings.limits.max_chars * 4 + 1024
        if length < 0 or length > limit:
            self._refuse(413, f"the request body is over {limit} bytes")
            self.close_connection = True
            return None
        data = self.rfile.read(length)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self._refuse(400, "the request body is not UTF-8")
            return None

    def _run(self, kind: str, text: str) -> None:
        try:
            form = check_query(text, self.settings.limits)
        except QueryError as error:
            status = 413 if "characters; at most" in error.message else 400
            self._refuse(status, error.message)
            return
        if form == "update" and kind == "query":
            self._refuse(400, "this is a SPARQL update; send it to /update")
            return
        status, media, body = self.engine.run(kind, text, self.headers.get("Accept") or "")
        self._send(status, media, body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def make_http_server(settings: ServerSettings, engine: Engine) -> _Server:
    """The HTTP server of ``settings`` (not yet serving)."""
    handler = type("Handler", (_Handler,), {"settings": settings, "engine": engine})
    server_class = type(
        "Server",
        (_Server,),
        {"address_family": socket.AF_INET6 if ":" in settings.host else socket.AF_INET},
    )
    try:
        return server_class((settings.host, settings.port), handler)
    except OSError as error:
        raise StoreError(f"cannot listen on {settings.bind}: {error.strerror}") from None


def serve(settings: ServerSettings, announce: Callable[[], None] | None = None) -> None:
    """Serve in the foreground until SIGTERM or Ctrl-C; the workers stop with it."""
    check_settings(settings)
    if port_in_use(settings.host, settings.port):
        raise StoreError(f"port {settings.port} on {settings.host} is already in use")
    engine = Engine(settings)
    http_server = make_http_server(settings, engine)
    engine.start()
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        if announce is not None:
            announce()
        http_server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        http_server.server_close()
        engine.close()


def _interrupt(signum: int, frame: object) -> None:
    # SIGTERM (e.g. `kill PID`) stops the foreground server the way Ctrl-C does.
    raise KeyboardInterrupt


# ---------------------------------------------------------------- a server in the background


@dataclass
class RunningServer:
    """A server started by :func:`start_server`: its settings, process and log file."""

    settings: ServerSettings
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        """The server process id."""
        return self.process.pid

    def log(self) -> str:
        """What the server wrote so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def serve_command(settings: ServerSettings) -> list[str]:
    """The `adcgraph serve` command line of ``settings``.

    >>> serve_command(ServerSettings(Path("/tmp/s"), timeout_s=7))[3:]
    ['serve', '--store', '/tmp/s', '--host', '127.0.0.1', '--port', '7878', '--timeout-s', '7', \
'--workers', '6', '--max-result-mb', '64']
    """
    command = [
        sys.executable,
        "-m",
        "adcgraph.cli",
        "serve",
        "--store",
        str(settings.store),
        "--host",
        settings.host,
        "--port",
        str(settings.port),
        "--timeout-s",
        str(settings.timeout_s),
        "--workers",
        str(settings.workers),
        "--max-result-mb",
        str(settings.max_result_mb),
    ]
    flags = {"--writable": settings.writable, "--cors": settings.cors}
    command += [flag for flag, wanted in flags.items() if wanted]
    if settings.allow_remote:
        command.append("--allow-remote")
    for url in settings.allowed_services:
        command += ["--allow-service", url]
    return command


def start_server(
    settings: ServerSettings, ready_timeout_s: float = READY_TIMEOUT_S
) -> RunningServer:
    """Start `adcgraph serve` in the background; return once it answers queries.

    >>> server = start_server(ServerSettings(Path("var/store"), port=free_port()))  # doctest: +SKIP
    >>> stop_server(server)                                            # doctest: +SKIP
    0
    """
    check_settings(settings)
    if port_in_use(settings.host, settings.port):
        raise StoreError(f"port {settings.port} on {settings.host} is already in use")
    log_file, log_path = _log_file()
    with log_file:
        process = subprocess.Popen(
            serve_command(settings), stdin=subprocess.DEVNULL, stdout=log_file, stderr=log_file
        )
    running = RunningServer(settings, process, log_path)
    try:
        wait_until_ready(running, ready_timeout_s)
    except BaseException:
        stop_server(running)
        raise
    return running


def _log_file() -> tuple[IO[bytes], Path]:
    handle, name = tempfile.mkstemp(prefix="adcgraph-serve-", suffix=".log")
    return os.fdopen(handle, "wb"), Path(name)


def wait_until_ready(server: RunningServer, timeout_s: float = READY_TIMEOUT_S) -> None:
    """Poll the endpoint until it answers; StoreError (with the server's log) on failure."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise StoreError(
                f"the server exited with code {server.process.returncode}: "
                f"{server.log().strip()[-500:]}"
            )
        if endpoint_answers(server.settings.query_url):
            return
        time.sleep(0.1)
    raise StoreError(
        f"the server did not answer at {server.settings.query_url} within {timeout_s} s"
    )


def endpoint_answers(query_url: str, timeout_s: float = 1.0) -> bool:
    """True if a SPARQL endpoint answers ``ASK {}`` with a success status.

    >>> endpoint_answers("http://127.0.0.1:9/query")
    False
    """
    url = f"{query_url}?{urllib.parse.urlencode({'query': _READY_PROBE})}"
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return 200 <= response.status < 300 and json.loads(response.read()) is not None
    except (urllib.error.URLError, OSError, ValueError):
        return False


def stop_server(server: RunningServer, timeout_s: float = STOP_TIMEOUT_S) -> int:
    """Stop the server (SIGTERM, SIGKILL if it lingers); return its exit code."""
    if server.process.poll() is None:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.kill(server.pid, signal.SIGKILL)
            server.process.wait()
    server.log_path.unlink(missing_ok=True)
    return server.process.returncode


def free_port(host: str = DEFAULT_HOST) -> int:
    """A TCP port that is free on ``host`` right now (for tests and ad-hoc servers).

    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    """True if something already listens on ``host:port``.

    >>> port_in_use("127.0.0.1", free_port())
    False
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((host, port)) == 0
