"""Cheap queries never wait behind expensive ones in `adcgraph serve` (issue 13).

The mechanism is tested, not the wall time: which workers are free while long queries run,
their CPU class, and that a worker stopped at the time limit is replaced before its client
hears of it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterator

import pytest

from adcgraph.querying import server

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def wait_for(condition, what: str, limit_s: float = 120.0) -> None:
    """Poll ``condition`` (a bounded wait for workers to boot; not a timing assertion)."""
    deadline = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def engine(built, request) -> Iterator[server.Engine]:
    workers, timeout_s = request.param
    settings = server.ServerSettings(built.paths.store, workers=workers, timeout_s=timeout_s)
    running = server.Engine(settings)
    running.start()
    spares = min(workers, server.MAX_SPARES)
    wait_for(lambda: running._spares.qsize() == spares, "the spare workers")
    yield running
    running.close()


def busy_pids(engine: server.Engine) -> set[int]:
    free = {worker.process.pid for worker in list(engine.idle.queue) + list(engine._spares.queue)}
    return {child.pid for child in multiprocessing.active_children()} - free


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux scheduling classes")
@pytest.mark.parametrize("engine", [(3, 60)], indirect=True)
def test_a_full_long_lane_leaves_the_reserved_workers_to_cheap_queries(engine):
    assert server.long_lane(3) == 1  # 3 workers: 1 long query at a time, 2 reserved
    answers: list[tuple[int, str, bytes]] = []
    long_query = threading.Thread(target=lambda: answers.append(engine.run("query", EXPENSIVE, "")))
    long_query.start()
    wait_for(lambda: engine.long_running == 1, "the expensive query to become long")
    (running,) = busy_pids(engine)
    assert os.sched_getscheduler(running) == os.SCHED_IDLE  # demoted, not merely niced
    assert engine.idle.qsize() == 2  # a cheap query finds a worker without queueing
    assert all(os.sched_getscheduler(w.process.pid) == os.SCHED_OTHER for w in engine.idle.queue)
    assert engine.run("query", "ASK {}", "")[:2] == (200, "application/sparql-results+json")
    # Before: a second expensive query took a reserved worker and kept it to its time limit.
    status, _, text = engine.run("query", EXPENSIVE, "")
    assert status == 503 and b"limit of long queries (1 at once" in text
    assert engine.idle.qsize() == 2 and engine.long_running == 1  # replaced from a spare
    for worker in busy_pids(engine):
        os.kill(worker, 9)
    long_query.join(30)
    assert answers and answers[0][0] == 500


@pytest.mark.parametrize("engine", [(2, 1)], indirect=True)
def test_a_worker_stopped_at_the_time_limit_is_replaced_before_the_504(engine):
    # Before: the keeper thread moved a spare in later, so a client retrying at once took
    # the last free worker and cheap queries queued for the next one to boot.
    status, _, text = engine.run("query", EXPENSIVE, "")
    assert status == 504 and b"time limit of 1 s" in text
    assert engine.idle.qsize() == 2
    assert engine.run("query", "ASK {}", "")[0] == 200
