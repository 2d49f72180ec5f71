"""Derive the compact cancer-branch disease index shipped in ``graph/reference/``.

The index holds every MONDO class of the neoplasm branch that MONDO's released files in
``../shared/data`` describe, with its label, exact synonyms (those MONDO shares with NCIt and
the Disease Ontology, abbreviations flagged), cross-references (DOID, NCIT, MESH, EFO
exactMatch; ONCOTREE dbxref) and parents (MONDO is_a links confirmed by NCIt or DO, plus DO's
own is_a carried over through the DOID exactMatch links). MONDO is CC BY 4.0 and DO CC0; the
attribution is written beside the index.

Rebuild it with one command (a few seconds)::

    python -m adcgraph.resolving.reference_build ../shared/data graph/reference/diseases.tsv.gz

>>> sorted(branch_of({"A": {"ROOT"}, "B": {"A"}, "C": {"X"}}, {"ROOT"}))
['A', 'B', 'ROOT']
"""

from __future__ import annotations

import csv
import gzip
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from adcgraph import rollup

#: The neoplasm branch: MONDO "neoplasm" and DO "disease of cellular proliferation".
MONDO_ROOTS = frozenset({"MONDO:0005070"})
DOID_ROOTS = frozenset({"DOID:14566"})
XREF_FILES = {
    "DOID": "mondo_exactmatch_doid.sssom.tsv",
    "NCIT": "mondo_exactmatch_ncit.sssom.tsv",
    "MESH": "mondo_exactmatch_mesh.sssom.tsv",
    "EFO": "mondo_exactmatch_efo.sssom.tsv",
    "ONCOTREE": "mondo_hasdbxref_oncotree.sssom.tsv",
}
SYNONYM_FILES = ("doid.synonyms.confirmed.robot.tsv", "ncit.synonyms.confirmed.robot.tsv")
#: Vocabularies whose own label for an exactMatched class is kept as an exact synonym (the
#: names other vocabularies give the same disease): those whose names may be redistributed
#: in a derived table (NCIt and Orphanet CC BY 4.0, DO CC0, ICD-10-CM US public domain).
#: MeSH and OncoTree labels are not in MONDO's mapping files.
LABELLED_XREFS = frozenset({"DOID", "NCIT", "ORPHANET", "ICD10CM"})
LABEL_FILES = {
    "ORPHANET": "mondo_exactmatch_orphanet.sssom.tsv",
    "ICD10CM": "mondo_exactmatch_icd10cm.sssom.tsv",
}
#: Deprecated MONDO classes, whose labels say so: never an answer.
OBSOLETE_PREFIX = "obsolete "
HIERARCHY_FILES = ("doid.subclass.confirmed.robot.tsv", "ncit.subclass.confirmed.robot.tsv")
#: MONDO's design-pattern tables (``patterns/<name>.tsv``) -> the label of the class each
#: pattern specialises: every class of ``carcinoma.tsv`` is a carcinoma at a location,
#: every class of ``malignant.tsv`` the malignant form of a neoplasm (so also a cancer).
PATTERN_HEADS = {
    "adenocarcinoma": "adenocarcinoma",
    "cancer": "cancer",
    "carcinoma": "carcinoma",
    "lymphoma": "lymphoma",
    "malignant": "cancer",
    "melanoma": "melanoma",
    "neoplasm": "neoplasm",
    "sarcoma": "sarcoma",
    "squamous_cell_carcinoma": "squamous cell carcinoma",
}
ABBREVIATION_TYPE = "http://purl.obolibrary.org/obo/mondo#ABBREVIATION"
HEADER = ("id", "label", "synonyms", "abbreviations", "xrefs", "parents")


@dataclass
class DiseaseRow:
    """One MONDO class of the index."""

    id: str
    label: str = ""
    synonyms: set[str] = field(default_factory=set)
    abbreviations: set[str] = field(default_factory=set)
    xrefs: set[str] = field(default_factory=set)
    parents: set[str] = field(default_factory=set)

    def cells(self) -> tuple[str, ...]:
        """The TSV cells of the row (``|`` between values, sorted; a synonym that only
        differs from the label or another synonym in case is written once).

        >>> DiseaseRow("MONDO:1", "lymphoid leukemia", {"Lymphoid Leukemia", "LL", "ll"}).cells()[2]
        'LL'
        """
        seen = {self.label.casefold()}
        synonyms = set()
        for synonym in sorted(self.synonyms - self.abbreviations):
            if synonym.casefold() not in seen and "|" not in synonym and "\t" not in synonym:
                seen.add(synonym.casefold())
                synonyms.add(synonym)
        return (
            self.id,
            self.label,
            "|".join(sorted(synonyms)),
            "|".join(sorted(self.abbreviations - {self.label})),
            "|".join(sorted(self.xrefs)),
            "|".join(sorted(self.parents)),
        )


def _tsv(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = (line for line in handle if not line.startswith("#"))
        yield from csv.DictReader(lines, delimiter="\t")


def _robot_rows(path: Path) -> Iterator[dict[str, str]]:
    rows = _tsv(path)
    next(rows, None)  # the ROBOT template row under the header
    yield from rows


def branch_of(parents: Mapping[str, set[str]], roots: Iterable[str]) -> set[str]:
    """Every class at or under ``roots`` in a child -> parents map."""
    children: dict[str, set[str]] = {}
    for child, its_parents in parents.items():
        for parent in its_parents:
            children.setdefault(parent, set()).add(child)
    found = set(roots)
    frontier = list(found)
    while frontier:
        for child in children.get(frontier.pop(), ()):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found


NEOPLASM_WORDS = frozenset({"neoplasm", "neoplasms", "tumor", "tumors", "tumour", "neoplasia"})


def neoplasm_parents(
    parents: Mapping[str, set[str]], branch: set[str], labels: Mapping[str, str]
) -> set[str]:
    """Parents of branch classes that are named as neoplasms (``ovarian neoplasm`` above
    ``ovarian cancer``) but whose own link into the branch no source confirms; repeated
    upwards while the parents are still neoplasms.

    >>> labels = {"C": "ovarian cancer", "N": "ovarian neoplasm", "D": "ovary disease"}
    >>> sorted(neoplasm_parents({"C": {"N"}, "N": {"D"}}, {"C"}, labels))
    ['N']
    """
    found: set[str] = set()
    frontier = set(branch)
    while frontier:
        above = {parent for child in frontier for parent in parents.get(child, ())}
        named = {
            parent
            for parent in above - branch - found
            if NEOPLASM_WORDS & set(labels.get(parent, "").casefold().split())
        }
        found |= named
        frontier = named
    return found


@dataclass(frozen=True)
class PatternClass:
    """One row of a MONDO design-pattern table: a class defined as the pattern's head at a
    location (``carcinoma.tsv``) or as the malignant form of a neoplasm (``malignant.tsv``)."""

    id: str
    label: str
    head: str
    location: str = ""
    neoplasm: str = ""


def read_patterns(data: Path) -> list[PatternClass]:
    """The classes of MONDO's design-pattern tables under ``data/mondo/patterns`` (none when
    the folder is absent); a table of a pattern not in :data:`PATTERN_HEADS` is skipped."""
    folder = data / "mondo" / "patterns"
    found = []
    for path in sorted(folder.glob("*.tsv")) if folder.is_dir() else ():
        head = PATTERN_HEADS.get(path.stem)
        if head is None:
            continue
        for line in _tsv(path):
            found.append(
                PatternClass(
                    _obo_curie(line["defined_class"]),
                    line["defined_class_label"],
                    head,
                    location=_obo_curie(line.get("location") or ""),
                    neoplasm=_obo_curie(line.get("neoplasm") or ""),
                )
            )
    return found


def _obo_curie(iri: str) -> str:
    """``http://purl.obolibrary.org/obo/MONDO_0004992`` -> ``MONDO:0004992``.

    >>> _obo_curie("http://purl.obolibrary.org/obo/UBERON_0002369"), _obo_curie("")
    ('UBERON:0002369', '')
    """
    local = iri.rsplit("/", 1)[-1]
    return local.replace("_", ":", 1) if local else ""


def pattern_parents(
    patterns: Iterable[PatternClass], parents: Mapping[str, set[str]], labels: Mapping[str, str]
) -> dict[str, set[str]]:
    """The is_a parents each pattern class's definition entails: its pattern's head class,
    the neoplasm it is the malignant form of, and the class another pattern defines at the
    same location whose head is an ancestor of this one's head (a carcinoma of a site is a
    cancer of that site, which is a neoplasm of it).

    >>> labels = {"M:N": "neoplasm", "M:C": "cancer", "M:K": "carcinoma"}
    >>> rows = [PatternClass("M:1", "adrenal carcinoma", "carcinoma", "U:1"),
    ...         PatternClass("M:2", "adrenal cancer", "cancer", "U:1")]
    >>> sorted(pattern_parents(rows, {"M:K": {"M:C"}, "M:C": {"M:N"}}, labels)["M:1"])
    ['M:2', 'M:K']
    """
    by_label = {label: identifier for identifier, label in labels.items()}
    patterns = list(patterns)
    heads = {row.head: by_label.get(row.head, "") for row in patterns}
    above = {head: branch_above(parents, identifier) for head, identifier in heads.items()}
    at_location: dict[str, list[PatternClass]] = {}
    for row in patterns:
        if row.location:
            at_location.setdefault(row.location, []).append(row)
    found: dict[str, set[str]] = {}
    for row in patterns:
        entailed = {heads[row.head], row.neoplasm}
        entailed |= {
            other.id
            for other in at_location.get(row.location, ())
            if other.head != row.head and heads[other.head] in above[row.head]
        }
        found[row.id] = {parent for parent in entailed if parent and parent != row.id}
    return found


def branch_above(parents: Mapping[str, set[str]], start: str) -> set[str]:
    """Every class above ``start`` in a child -> parents map (``start`` excluded).

    >>> sorted(branch_above({"C": {"B"}, "B": {"A"}}, "C"))
    ['A', 'B']
    """
    return set(rollup.ancestors(parents, start)) - {start}


def _do_parents(data: Path) -> dict[str, set[str]]:
    by_label: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []
    for row in _tsv(data / "doid" / "HumanDO.tsv"):
        identifier, label = row["id"].strip('"'), row["label"].strip('"')
        by_label.setdefault(label, identifier)
        pairs.append((identifier, row["subClassOf"].strip('"')))
    parents: dict[str, set[str]] = {}
    for identifier, parent_label in pairs:
        if parent_label in by_label:
            parents.setdefault(identifier, set()).add(by_label[parent_label])
    return parents


def derive(
    data: Path,
    *,
    synonym_files: Iterable[str] = SYNONYM_FILES,
    labelled: frozenset[str] = LABELLED_XREFS,
) -> list[DiseaseRow]:
    """The index rows derived from the shared data folder, sorted by id: synonyms from
    ``synonym_files`` and the labels the ``labelled`` vocabularies give each class (a
    benchmark leaves one vocabulary's names out to score them unseen)."""
    rows: dict[str, DiseaseRow] = {}
    given: list[tuple[str, str]] = []  # (MONDO class, another vocabulary's label for it)

    def row(identifier: str) -> DiseaseRow:
        return rows.setdefault(identifier, DiseaseRow(identifier))

    doid_of: dict[str, str] = {}
    for prefix, filename in XREF_FILES.items():
        for mapping in _tsv(data / "mondo" / "mappings" / filename):
            mondo, other = mapping["subject_id"], mapping["object_id"]
            if not mondo.startswith("MONDO:"):
                continue
            local = other.rsplit("/", 1)[-1].split(":", 1)[-1]
            other = f"{prefix}:{local}"
            row(mondo).label = row(mondo).label or mapping.get("subject_label", "")
            row(mondo).xrefs.add(other)
            if prefix in labelled and mapping.get("object_label"):
                given.append((mondo, mapping["object_label"]))
            if prefix == "DOID":
                doid_of.setdefault(other, mondo)
    for filename in HIERARCHY_FILES:
        for link in _robot_rows(data / "mondo" / "hierarchy" / filename):
            child = row(link["subject_mondo_id"])
            child.label = child.label or link["subject_mondo_label"]
            child.parents.add(link["object_mondo_id"])
            row(link["object_mondo_id"]).label = (
                row(link["object_mondo_id"]).label or link["object_mondo_label"]
            )
    do_parents = _do_parents(data)
    mondo_of_doid = {doid: mondo for doid, mondo in doid_of.items()}
    for doid, mondo in mondo_of_doid.items():
        for parent in do_parents.get(doid, ()):
            if parent in mondo_of_doid and mondo_of_doid[parent] != mondo:
                row(mondo).parents.add(mondo_of_doid[parent])
    for prefix, filename in LABEL_FILES.items():
        if prefix not in labelled:
            continue
        for mapping in _tsv(data / "mondo" / "mappings" / filename):
            if mapping["subject_id"] in rows and mapping.get("object_label"):
                given.append((mapping["subject_id"], mapping["object_label"]))
    for filename in synonym_files:
        for synonym in _robot_rows(data / "mondo" / "synonyms" / filename):
            if synonym["synonym_scope"] != "oio:hasExactSynonym" or not synonym["synonym"]:
                continue
            entry = row(synonym["mondo_id"])
            entry.label = entry.label or synonym["mondo_label"]
            entry.synonyms.add(synonym["synonym"])
            if ABBREVIATION_TYPE in synonym.get("synonym_type", ""):
                entry.abbreviations.add(synonym["synonym"])
    for mondo, name in agreed_labels(given, rows):
        rows[mondo].synonyms.add(name)
    mondo_parents = {identifier: entry.parents for identifier, entry in rows.items()}
    branch = branch_of(mondo_parents, MONDO_ROOTS)
    do_branch = branch_of(do_parents, DOID_ROOTS)
    branch |= {mondo for doid, mondo in mondo_of_doid.items() if doid in do_branch}
    branch |= neoplasm_parents(mondo_parents, branch, {i: r.label for i, r in rows.items()})
    branch |= add_pattern_classes(rows, read_patterns(data), branch)
    kept = [
        rows[identifier]
        for identifier in sorted(branch)
        if rows[identifier].label and not rows[identifier].label.startswith(OBSOLETE_PREFIX)
    ]
    names = {entry.id for entry in kept}
    for entry in kept:
        entry.parents &= names
    return kept


def add_pattern_classes(
    rows: dict[str, DiseaseRow], patterns: list[PatternClass], branch: set[str]
) -> set[str]:
    """Give every class of MONDO's design-pattern tables a row (its label from the table
    when no mapping or synonym file named it) and the parents its definition entails
    (:func:`pattern_parents`) that no other parent in ``branch`` already implies; return
    their ids. The tables define cancers no confirmed is_a link places in the branch
    (*cutaneous neuroendocrine carcinoma*, i.e. Merkel cell carcinoma, is a carcinoma of
    the Merkel cell)."""
    for pattern in patterns:
        entry = rows.setdefault(pattern.id, DiseaseRow(pattern.id))
        entry.label = entry.label or pattern.label
    labels = {identifier: entry.label for identifier, entry in rows.items()}
    parents = {identifier: entry.parents for identifier, entry in rows.items()}
    entailed = pattern_parents(patterns, parents, labels)
    kept = {i for i in branch | set(entailed) if not rows[i].label.startswith(OBSOLETE_PREFIX)}
    combined = {
        identifier: (parents.get(identifier, set()) | entailed.get(identifier, set())) & kept
        for identifier in kept
    }
    for identifier, found in entailed.items():
        # a parent already implied through another one adds nothing but a shortcut
        others = combined[identifier]
        implied = set().union(
            *(branch_above(combined, other) for other in others), set()
        )
        rows[identifier].parents |= {parent for parent in found if parent not in implied}
    return {pattern.id for pattern in patterns}


def agreed_labels(
    given: Iterable[tuple[str, str]], rows: Mapping[str, DiseaseRow]
) -> list[tuple[str, str]]:
    """The (class, label) pairs of other vocabularies that name one MONDO class only: a
    label that another vocabulary, or MONDO itself, gives a different class is dropped (DO's
    *Merkel cell carcinoma* is matched to MONDO's *trabecular adenocarcinoma*, NCIt's to
    *cutaneous neuroendocrine carcinoma*), as is a label that negates a word of the class's
    own label (``non-squamous`` for a *squamous* class).

    >>> rows = {"M:1": DiseaseRow("M:1", "non-small cell squamous lung carcinoma"),
    ...         "M:2": DiseaseRow("M:2", "trabecular adenocarcinoma"),
    ...         "M:3": DiseaseRow("M:3", "cutaneous neuroendocrine carcinoma")}
    >>> agreed_labels([("M:1", "lung non-squamous non-small cell carcinoma"),
    ...                ("M:1", "Lung Non-Small Cell Squamous Carcinoma"),
    ...                ("M:2", "Merkel cell carcinoma"), ("M:3", "Merkel Cell Carcinoma")], rows)
    [('M:1', 'Lung Non-Small Cell Squamous Carcinoma')]
    """
    given = list(given)
    owners: dict[str, set[str]] = {}
    for mondo, name in given:
        owners.setdefault(name.casefold(), set()).add(mondo)
    for mondo, entry in rows.items():
        for name in (entry.label, *entry.synonyms):
            owners.setdefault(name.casefold(), set()).add(mondo)
    kept = []
    for mondo, name in dict.fromkeys(given):
        if owners[name.casefold()] != {mondo}:
            continue
        label_words = set(rows[mondo].label.casefold().split())
        negations = [word for word in name.casefold().split() if word.startswith("non")]
        if any(word[3:].strip("-") in label_words - {word} for word in negations):
            continue
        kept.append((mondo, name))
    return kept


def write_index(rows: Iterable[DiseaseRow], output: Path) -> int:
    """Write the rows as gzipped TSV (deterministic bytes: no timestamp); return the count."""
    lines = ["\t".join(HEADER)] + ["\t".join(entry.cells()) for entry in rows]
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    with (
        partial.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as handle,
    ):
        handle.write(("\n".join(lines) + "\n").encode("utf-8"))
    partial.replace(output)
    return len(lines) - 1


def main(argv: list[str] | None = None) -> int:
    """Command line: ``DATA_DIR OUTPUT``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(
            "usage: python -m adcgraph.resolving.reference_build DATA_DIR OUTPUT", file=sys.stderr
        )
        return 2
    count = write_index(derive(Path(args[0])), Path(args[1]))
    print(f"wrote {count} diseases to {args[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
