"""Import disease vocabularies that are not OBO/OWL: MeSH C04 (CSV) and OncoTree (JSON).

Both become the same small term model as an OBO import (label, is_a parents) in their own
named graph, so the resolver reads their names and lands each class on its MONDO class
through the crosswalks (MONDO's MESH exactMatch and ONCOTREE dbxrefs, shipped in the disease
index). A file is refused, with its file and line, when an identifier is given two different
names (a duplicate id) or when it has no disease branch.

>>> rows = "mesh_id,mesh_name,tree_number,level\\nD009369,Neoplasms,C04,1\\n"
>>> sorted(parse_mesh_csv(rows, "c04.csv"))
['MESH:D009369']
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from adcgraph import vocab
from adcgraph.errors import OntologyFileError
from adcgraph.importers import ImportOptions, ImportReport
from adcgraph.importers.ontology import commit_terms
from adcgraph.ontofile import Term

MESH_COLUMNS = ("mesh_id", "mesh_name", "tree_number")


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise OntologyFileError(f"{path}: not UTF-8 text ({error.reason})") from error


def parse_mesh_csv(text: str, source: str) -> dict[str, Term]:
    """MeSH descriptors (one row per tree number) as terms with parents from the tree.

    >>> rows = ("mesh_id,mesh_name,tree_number,level\\nD1,Neoplasms,C04,1\\n"
    ...         "D2,Cysts,C04.182,2\\n")
    >>> parse_mesh_csv(rows, "c04.csv")["MESH:D2"].parents
    ('MESH:D1',)
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [column for column in MESH_COLUMNS if column not in (reader.fieldnames or [])]
    if missing:
        raise OntologyFileError(
            f"{source}:1: missing column(s) {', '.join(missing)}; "
            f"expected {', '.join(MESH_COLUMNS)}"
        )
    names: dict[str, tuple[str, int]] = {}
    trees: dict[str, str] = {}
    for line, row in enumerate(reader, start=2):
        identifier, name, tree = (row[column].strip() for column in MESH_COLUMNS)
        if not identifier or not name or not tree:
            raise OntologyFileError(f"{source}:{line}: empty mesh_id, mesh_name or tree_number")
        seen = names.get(identifier)
        if seen and seen[0] != name:
            raise OntologyFileError(
                f"{source}:{line}: duplicate id {identifier!r} with another name ({name!r}; "
                f"line {seen[1]} names it {seen[0]!r})"
            )
        names.setdefault(identifier, (name, line))
        if tree in trees and trees[tree] != identifier:
            raise OntologyFileError(f"{source}:{line}: duplicate tree number {tree!r}")
        trees[tree] = identifier
    parents: dict[str, set[str]] = {identifier: set() for identifier in names}
    for tree, identifier in trees.items():
        parent_tree = tree.rpartition(".")[0]
        if parent_tree in trees:
            parents[identifier].add(trees[parent_tree])
    return {
        f"MESH:{identifier}": Term(
            f"MESH:{identifier}",
            name,
            (),
            tuple(sorted(f"MESH:{parent}" for parent in parents[identifier])),
            None,
            False,
        )
        for identifier, (name, _) in sorted(names.items())
    }


def parse_oncotree_json(text: str, source: str) -> dict[str, Term]:
    """OncoTree's nested JSON (``{"TISSUE": {"code", "name", "children": {...}}}``) as terms.

    >>> tree = '{"TISSUE": {"code": "TISSUE", "name": "Tissue", "children": {"BREAST":'
    >>> tree += ' {"code": "BREAST", "name": "Breast", "children": {}}}}}'
    >>> parse_oncotree_json(tree, "o.json")["ONCOTREE:BREAST"].parents
    ('ONCOTREE:TISSUE',)
    """
    try:
        tree = json.loads(text)
    except json.JSONDecodeError as error:
        raise OntologyFileError(f"{source}:{error.lineno}: invalid JSON ({error.msg})") from error
    if not isinstance(tree, dict):
        raise OntologyFileError(f"{source}:1: expected an object of OncoTree nodes")
    terms: dict[str, Term] = {}

    def walk(nodes: Mapping[str, Any], parent: str | None, path: str) -> None:
        for key, node in nodes.items():
            code = str(node.get("code") or key) if isinstance(node, dict) else ""
            if not code or not isinstance(node, dict) or "name" not in node:
                raise OntologyFileError(f"{source}: node {path}/{key} has no code or name")
            curie = f"ONCOTREE:{code}"
            if curie in terms:
                raise OntologyFileError(
                    f"{source}:{_line_of(text, code)}: duplicate code {code!r} (at {path}/{key})"
                )
            terms[curie] = Term(
                curie, str(node["name"]), (), (f"ONCOTREE:{parent}",) if parent else (), None, False
            )
            walk(node.get("children") or {}, code, f"{path}/{key}")

    walk(tree, None, "")
    return terms


def _line_of(text: str, code: str) -> int:
    needle = f'"code":"{code}"'
    compact = text.replace('": "', '":"')
    position = compact.rfind(needle)
    return compact.count("\n", 0, position) + 1 if position >= 0 else 1


def check_disease_branch(terms: Mapping[str, Term], source: str) -> None:
    """Refuse an ontology with no disease branch: none of its classes is a disease root or a
    disease that MONDO maps (an id of the shipped disease index or one of its xrefs).

    >>> check_disease_branch({"SO:1": Term("SO:1", "gene", (), (), None, False)}, "so.obo")
    Traceback (most recent call last):
    adcgraph.errors.OntologyFileError: so.obo:1: no disease branch: ...
    """
    from adcgraph.resolving.graph_names import DISEASE_ROOTS
    from adcgraph.resolving.index import read_reference

    found = {_canonical_id(curie) for curie in terms}
    if found & {_canonical_id(root) for root in DISEASE_ROOTS}:
        return
    for row in read_reference():
        if _canonical_id(row.id) in found or any(_canonical_id(x) in found for x in row.xrefs):
            return
    raise OntologyFileError(
        f"{source}:1: no disease branch: none of its {len(terms)} classes is a disease root "
        f"({', '.join(sorted(DISEASE_ROOTS))}) or a disease MONDO maps; import it without "
        "--diseases if it is not a disease ontology"
    )


def _canonical_id(identifier: str) -> str:
    """An id as the store writes it, whatever its spelling (``ncit:C3262``, NCIt's Thesaurus
    IRI, an OBO PURL), casefolded; an id the IRI policy cannot read stays as written.

    >>> _canonical_id("http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl#C3262")
    'ncit:c3262'
    """
    from adcgraph.errors import AdcGraphError

    try:
        return vocab.compress(vocab.canonical_iri(identifier)).casefold()
    except AdcGraphError:
        return identifier.casefold()


def _import_terms(
    fmt: str, path: Path, terms: dict[str, Term], store_path: Path, options: ImportOptions
) -> ImportReport:
    if not terms:
        raise OntologyFileError(f"{path}: no terms found; is this a {fmt} file?")
    return commit_terms(fmt, path, terms, store_path, options, "diseases")


def import_disease_file(
    fmt: str, paths: Sequence[Path], store_path: Path, options: ImportOptions
) -> ImportReport:
    """Import one MeSH C04 CSV (``mesh``) or OncoTree JSON (``oncotree``) file.

    >>> import_disease_file("mesh", [Path("mesh_c04_complete.csv")], Path("var/store"),
    ...                     ImportOptions())  # doctest: +SKIP
    """
    if len(paths) != 1:
        raise OntologyFileError(f"import one {fmt} file at a time (got {len(paths)})")
    path = paths[0]
    text = _read(path)
    terms = (
        parse_mesh_csv(text, str(path)) if fmt == "mesh" else parse_oncotree_json(text, str(path))
    )
    check_disease_branch(terms, str(path))
    return _import_terms(fmt, path, terms, store_path, options)
