"""Importers for real sources a user downloads: ontologies, SSSOM mapping sets, CIViC.

Each importer reads and checks its files completely, then writes everything in one
transaction (see :mod:`adcgraph.importers.loading`), so bad input loads nothing. The registry
names each format's function as ``"module:function"``; adding an importer is one line here.

>>> run_import("obo", [Path("doid-cancer-2018.obo")], Path("var/store"))  # doctest: +SKIP
ImportReport(format='obo', graph='https://w3id.org/adcgraph/graph/import/doid-cancer-2018', ...)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from adcgraph.errors import InputFileError

#: Format name -> "module:function" of the importer (imported only when used).
IMPORTERS = MappingProxyType(
    {
        "obo": "adcgraph.importers.ontology:import_ontology",
        "owl": "adcgraph.importers.ontology:import_ontology",
        "sssom": "adcgraph.importers.sssom:import_sssom",
        "civic": "adcgraph.importers.civic:import_civic",
        "ntriples": "adcgraph.importers.bulk:import_rdf",
        "nquads": "adcgraph.importers.bulk:import_rdf",
        "turtle": "adcgraph.importers.bulk:import_rdf",
        "kgx": "adcgraph.importers.bulk:import_kgx",
        "mesh": "adcgraph.importers.diseases:import_disease_file",
        "oncotree": "adcgraph.importers.diseases:import_disease_file",
        "opentargets": "adcgraph.importers.opentargets:import_opentargets",
        "reactome": "adcgraph.importers.pathways:import_pathways",
        "msigdb": "adcgraph.importers.pathways:import_pathways",
        "wikipathways": "adcgraph.importers.pathways:import_pathways",
        "gobp": "adcgraph.importers.pathways:import_pathways",
        "famplex": "adcgraph.importers.pathways:import_pathways",
        "drugcentral": "adcgraph.importers.drugcentral:import_drugcentral",
    }
)

_GRAPH_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True)
class ImportOptions:
    """What every importer may be told: the import graph's name and mapping-set policies."""

    name: str | None = None
    restrict_to_graph: bool = True
    on_conflict: Literal["skip", "keep", "error"] = "skip"
    #: obo/owl: the file is a disease ontology (refused without a disease branch).
    diseases: bool = False


@dataclass(frozen=True)
class ImportReport:
    """What an import wrote, and what it skipped or warned about."""

    format: str
    graph: str
    files: tuple[str, ...]
    quads: int
    summary: str
    warnings: tuple[str, ...] = ()


def run_import(
    fmt: str, paths: Sequence[Path], store_path: Path, options: ImportOptions = ImportOptions()
) -> ImportReport:
    """Import ``paths`` in format ``fmt`` into the store at ``store_path``.

    >>> run_import("sssom", [Path("positive.sssom.tsv")], Path("var/store")).quads  # doctest: +SKIP
    1204
    """
    if fmt not in IMPORTERS:
        raise InputFileError(
            f"unknown import format {fmt!r}; expected one of {', '.join(IMPORTERS)}"
        )
    for path in paths:
        if not Path(path).is_file():
            raise InputFileError(f"{path}: file not found")
    module_name, function_name = IMPORTERS[fmt].split(":")
    importer = getattr(import_module(module_name), function_name)
    return importer(fmt, [Path(p) for p in paths], Path(store_path), options)


def graph_name(options: ImportOptions, path: Path) -> str:
    """The import graph's short name: ``options.name`` or the file's stem, lowercased.

    >>> graph_name(ImportOptions(), Path("doid-cancer-2018.obo"))
    'doid-cancer-2018'
    """
    name = options.name or re.sub(r"[^a-z0-9._-]+", "-", path.name.split(".")[0].lower()).strip("-")
    if not _GRAPH_NAME.match(name):
        raise InputFileError(f"import name {name!r} must match [a-z0-9][a-z0-9._-]*")
    return name
