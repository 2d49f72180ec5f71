"""A transient status line on the terminal for work that can take more than a couple of
seconds (a build, the first ranking after a build or import fills its caches).

Shown only when standard error is a terminal, so piped output and logs stay clean; it
disappears when the work ends.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def status(message: str, *, terminal: bool | None = None) -> Iterator[None]:
    """Show ``message`` with a spinner on standard error while the block runs.

    ``terminal`` overrides the check of standard error (tests); on a non-terminal nothing
    is written.

    >>> with status("building the store", terminal=False):
    ...     answer = 6 * 7
    >>> answer
    42
    """
    if not (sys.stderr.isatty() if terminal is None else terminal):
        yield
        return
    from rich.console import Console  # only on a terminal: keeps piped start-up light

    with Console(stderr=True, force_terminal=True).status(message, spinner="dots"):
        yield
