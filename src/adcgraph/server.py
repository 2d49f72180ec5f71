"""Serve the store as a SPARQL 1.1 Protocol endpoint through the Oxigraph server.

The server is the ``oxigraph`` executable of the ``oxigraph`` PyPI package, run as a child
process: ``serve-read-only`` by default (updates are refused with HTTP 403), ``serve`` when
writable. The default graph is the union of the named graphs, as in the embedded store, so
the named queries answer the same over HTTP.

Query timeout, and its limits: ``--timeout-s`` asks Oxigraph to cancel a query after that
many whole seconds. Oxigraph checks the deadline as the query produces solutions, so

* a query that streams results stops at the deadline, but the HTTP status (200) and the start
  of the results are already sent: the client receives a truncated body that fails to parse;
* a query that computes for long before producing anything (a large join under a selective
  FILTER, an aggregate over a huge join) is cancelled late or not at all: measured with
  ``--timeout-s 1`` on the release graph, COUNT over a three-way cross join stopped after about
  6 s, and a FILTERed three-way cross join was still running after 60 s.

A client-side timeout (``EndpointBackend.timeout_s``) bounds how long a caller waits; nothing
here can stop work already running inside Oxigraph except stopping the server.

>>> settings = ServerSettings(store=Path("var/store"), port=7879)
>>> server_command(settings)[1:3]
['serve-read-only', '--location']
>>> settings.query_url
'http://127.0.0.1:7879/query'
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from adcgraph.errors import StoreError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT_S = 30
READY_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0
_READY_PROBE = "ASK {}"


@dataclass(frozen=True)
class ServerSettings:
    """How to serve a store: where it is, where to listen, the query timeout, read-only or not."""

    store: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout_s: int = DEFAULT_TIMEOUT_S
    writable: bool = False

    @property
    def bind(self) -> str:
        """``host:port`` as Oxigraph's ``--bind`` expects it (IPv6 hosts in brackets).

        >>> ServerSettings(Path("s"), host="::1", port=8000).bind
        '[::1]:8000'
        """
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The server's root URL (YASGUI is served there).

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


@dataclass
class RunningServer:
    """A started Oxigraph server: its settings, its process and the file holding its log."""

    settings: ServerSettings
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        """The server process id."""
        return self.process.pid

    def log(self) -> str:
        """What the server wrote to its standard output and error so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def oxigraph_executable() -> str:
    """The ``oxigraph`` executable: next to this Python (the virtualenv's bin), else on PATH.

    >>> Path(oxigraph_executable()).name
    'oxigraph'
    """
    beside_python = Path(sys.executable).with_name("oxigraph")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("oxigraph")
    if found is None:
        raise StoreError("the `oxigraph` server is not installed; pip install oxigraph")
    return found


def server_command(settings: ServerSettings) -> list[str]:
    """The command line that serves ``settings.store``.

    >>> server_command(ServerSettings(Path("/tmp/s"), writable=True))[1:]
    ['serve', '--location', '/tmp/s', '--bind', '127.0.0.1:7878', '--union-default-graph', \
'--timeout-s', '30']
    """
    return [
        oxigraph_executable(),
        "serve" if settings.writable else "serve-read-only",
        "--location",
        str(settings.store),
        "--bind",
        settings.bind,
        "--union-default-graph",
        "--timeout-s",
        str(settings.timeout_s),
    ]


def start_server(
    settings: ServerSettings, ready_timeout_s: float = READY_TIMEOUT_S
) -> RunningServer:
    """Start the server and return once it answers queries; StoreError if it cannot start.

    >>> settings = ServerSettings(Path("var/store"), port=free_port())
    >>> server = start_server(settings)                                # doctest: +SKIP
    >>> stop_server(server)                                            # doctest: +SKIP
    """
    _check_store(settings.store)
    if settings.timeout_s < 1:
        raise StoreError(f"the query timeout must be at least 1 s, not {settings.timeout_s}")
    if port_in_use(settings.host, settings.port):
        raise StoreError(f"port {settings.port} on {settings.host} is already in use")
    log_file, log_path = _log_file()
    with log_file:
        process = subprocess.Popen(
            server_command(settings),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    server = RunningServer(settings, process, log_path)
    try:
        wait_until_ready(server, ready_timeout_s)
    except BaseException:
        stop_server(server)
        raise
    return server


def _check_store(store: Path) -> None:
    from adcgraph.store import VERSION_FILE

    if not (store / VERSION_FILE).exists():
        raise StoreError(f"no adcgraph store at {store}; run `adcgraph build` first")


def _log_file() -> tuple[IO[bytes], Path]:
    handle, name = tempfile.mkstemp(prefix="adcgraph-oxigraph-", suffix=".log")
    return os.fdopen(handle, "wb"), Path(name)


def wait_until_ready(server: RunningServer, timeout_s: float = READY_TIMEOUT_S) -> None:
    """Poll the endpoint until it answers; StoreError (with the server's log) on failure."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise StoreError(
                f"the Oxigraph server exited with code {server.process.returncode}: "
                f"{server.log().strip()[-500:]}"
            )
        if endpoint_answers(server.settings.query_url):
            return
        time.sleep(0.1)
    raise StoreError(
        f"the Oxigraph server did not answer at {server.settings.query_url} within {timeout_s} s"
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
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError):
        return False


def stop_server(server: RunningServer, timeout_s: float = STOP_TIMEOUT_S) -> int:
    """Stop the server (SIGTERM to its PID, SIGKILL if it lingers); return its exit code."""
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


def run_until_stopped(server: RunningServer) -> int:
    """Wait for the server in the foreground; Ctrl-C or SIGTERM stop it. Returns its exit code.

    Raises StoreError (with the server's log) if the server stops on its own with an error.

    >>> server = start_server(ServerSettings(Path("var/store")))       # doctest: +SKIP
    >>> run_until_stopped(server)                                      # doctest: +SKIP
    """
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        code = server.process.wait()
    except KeyboardInterrupt:
        return stop_server(server)
    except BaseException:
        stop_server(server)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
    log = server.log()
    stop_server(server)
    if code != 0:
        raise StoreError(f"the Oxigraph server exited with code {code}: {log.strip()[-500:]}")
    return code


def _interrupt(signum: int, frame: object) -> None:
    # SIGTERM (e.g. `kill PID`) stops the foreground server the way Ctrl-C does.
    raise KeyboardInterrupt
