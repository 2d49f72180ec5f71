"""Shared fixtures: one reasoned build of the real curated sources per test session."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from adcgraph.curated.build import SOURCES_DIR, BuildPaths, BuildReport, build
from adcgraph.storage import store
from adcgraph.storage.locations import PROJECT_ROOT

REPO = PROJECT_ROOT
SHARED = REPO.parent / "shared"
SHARED_DATA = SHARED / "data"


@dataclass(frozen=True)
class BuiltGraph:
    """A build of the real sources into a temporary store and release files."""

    paths: BuildPaths
    report: BuildReport

    @property
    def backend(self) -> store.EmbeddedBackend:
        return store.open_backend(self.paths.store)  # type: ignore[return-value]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuiltGraph:
    """The real curated graph, built once (with the reasoner) for the whole session."""
    directory = tmp_path_factory.mktemp("built")
    paths = BuildPaths(
        store=directory / "store",
        release=directory / "adcgraph.ttl",
        inferred_release=directory / "adcgraph-inferred.ttl",
    )
    return BuiltGraph(paths, build(paths))


@pytest.fixture
def sources_copy(tmp_path: Path) -> Path:
    """A writable copy of graph/sources for bad-input tests."""
    target = tmp_path / "sources"
    shutil.copytree(SOURCES_DIR, target)
    return target


@pytest.fixture
def shared_data() -> Path:
    """The shared real data folder; tests using it skip cleanly when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


def top1_inhibitor_adc_labels(excluding: str) -> set[str]:
    """Labels of the curated ADCs whose payload class descends from the TOP1-inhibitor class.

    Read from ``graph/sources`` so the expectation grows with the curation.

    >>> "trastuzumab deruxtecan" in top1_inhibitor_adc_labels(excluding="DRUGBANK:DB12893")
    True
    """
    from adcgraph.curated.curation import read_sources
    from adcgraph.curated.ontology import controlled_values

    curation = read_sources(SOURCES_DIR, controlled_values())
    parent = {r.id: r.one("parent") for r in curation.records("payload_classes")}
    payload_class = {r.id: r.one("payload_class") for r in curation.records("payloads")}

    def in_top1(cls: str | None) -> bool:
        while cls:
            if cls == "adcgraph:payload-class/top1-inhibitor":
                return True
            cls = parent.get(cls)
        return False

    return {
        r.one("label") or ""
        for r in curation.records("adcs")
        if r.id != excluding and in_top1(payload_class.get(r.one("payload") or ""))
    }
