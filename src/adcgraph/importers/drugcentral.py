"""DrugCentral drug -> target interactions: an optional import, never in the default release.

DrugCentral 2018/2021 are CC BY-SA 4.0 (share-alike): they may be imported into a user's own
store on request (``adcgraph import drug.target.interaction.tsv.gz --format drugcentral``),
into their own graph with that licence recorded, but the shipped reference layer
(graph/reference/, CC0 / CC BY only) never reads them. Only mechanism-of-action rows
(``MOA = 1``) of human targets are kept; drugs keep DrugCentral ids (``DRUGCENTRAL:<id>``
are not in the prefix map, so drugs are named by INN-keyed ChEMBL ids where the MOA source URL
gives one) and genes map to HGNC.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Sequence
from pathlib import Path

from adcgraph.errors import InputFileError
from adcgraph.importers import ImportOptions, ImportReport
from adcgraph.importers.normalise import chembl_to_drugbank, data_root_for, gene_map
from adcgraph.importers.records import Edge, Layer, Node, SourceInfo, mapped_predicate

DEFAULT_OPTIONS = ImportOptions()

INFO = SourceInfo(
    "drugcentral",
    "DrugCentral drug-target interactions (mechanism-of-action rows)",
    "2018",
    "2018",
    "https://creativecommons.org/licenses/by-sa/4.0/",
    "https://drugcentral.org/download",
)
COLUMNS = ("DRUG_NAME", "STRUCT_ID", "GENE", "MOA", "MOA_SOURCE_URL", "ACTION_TYPE", "ORGANISM")
_CHEMBL_URL = re.compile(r"CHEMBL\d+")


def read_drugcentral(path: Path, root: Path | None = None) -> Layer:
    """Read ``drug.target.interaction.tsv.gz`` (quoted TSV) into a layer."""
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    root = root or data_root_for(path)
    genes = gene_map(root)
    drugbank = chembl_to_drugbank(root)
    layer = Layer(INFO)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as stream:  # type: ignore[operator]
        reader = csv.DictReader(stream, delimiter="\t")
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputFileError(f"{path}:1: missing column(s) {', '.join(missing)}")
        for row in reader:
            if row["MOA"] != "1" or row["ORGANISM"] != "Homo sapiens":
                continue
            predicate = mapped_predicate("drugcentral", row["ACTION_TYPE"] or "OTHER")
            if predicate is None:
                layer.miss("action type", row["ACTION_TYPE"])
                continue
            chembl = _CHEMBL_URL.search(row["MOA_SOURCE_URL"] or "")
            if chembl is None:
                layer.miss("drug without ChEMBL id", row["DRUG_NAME"])
                continue
            bank = drugbank.get(chembl.group())
            drug = f"DRUGBANK:{bank}" if bank else f"CHEMBL.COMPOUND:{chembl.group()}"
            xrefs = (f"CHEMBL.COMPOUND:{chembl.group()}",) if bank else ()
            layer.add_node(Node(drug, "Drug", row["DRUG_NAME"], xrefs))
            for symbol in (row["GENE"] or "").split("|"):
                gene = genes.symbol(symbol)
                if gene is None:
                    layer.miss("gene", symbol)
                    continue
                layer.add_node(Node(gene, "Gene", genes.symbols.get(gene, symbol)))
                layer.edges.append(Edge(drug, predicate, gene, row["ACTION_TYPE"]))
    return layer


def import_drugcentral(
    fmt: str, paths: Sequence[Path], store_path: Path, options: ImportOptions = DEFAULT_OPTIONS
) -> ImportReport:
    """Optional CC BY-SA import into graph/import/drugcentral (licence recorded)."""
    from adcgraph.importers.external import commit_layer

    if len(paths) != 1:
        raise InputFileError("drugcentral import takes one drug.target.interaction file")
    return commit_layer(fmt, read_drugcentral(paths[0]), paths, store_path, options)
