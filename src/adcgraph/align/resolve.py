"""Name resolution lives in :mod:`adcgraph.resolving`; this module keeps the old import path.

>>> from adcgraph.align.resolve import resolve_one
>>> resolve_one.__module__
'adcgraph.resolving.search'
"""

from __future__ import annotations

from adcgraph.resolving import (
    KIND_ORDER,
    LEVELS,
    Candidate,
    NameIndex,
    build_index,
    cache_path,
    describe,
    index_for_backend,
    index_for_store,
    resolve,
    resolve_disease,
    resolve_one,
    search,
    store_version_of,
    unknown_message,
)
from adcgraph.resolving.text import normalise, word_order_key

__all__ = [
    "KIND_ORDER",
    "LEVELS",
    "Candidate",
    "NameIndex",
    "build_index",
    "cache_path",
    "describe",
    "index_for_backend",
    "index_for_store",
    "normalise",
    "resolve",
    "resolve_disease",
    "resolve_one",
    "search",
    "store_version_of",
    "unknown_message",
    "word_order_key",
]
