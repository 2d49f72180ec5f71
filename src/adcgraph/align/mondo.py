"""MONDO as a matching target: its classes, and its crosswalks to other vocabularies.

Read from a folder laid out like ``../shared/data/mondo``: ``mappings/*.sssom.tsv``
(MONDO's released mapping sets: labels of MONDO classes and their exactMatch / hasDbXref
targets), ``synonyms/*.tsv`` (synonyms NCIt and DO confirm, ROBOT templates) and
``hierarchy/*.tsv`` (is_a links NCIt and DO also assert). A MONDO ontology file (OBO, OWL,
OBO Graphs JSON) may be given instead; it brings classes but no crosswalks.
"""

from __future__ import annotations

import csv
import os
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from adcgraph.align.matcher import EXACT_MATCH, PredictedMapping, match_ontologies
from adcgraph.align.nameforms import NameForms, shipped_name_forms
from adcgraph.align.text import word_bag
from adcgraph.errors import MappingError
from adcgraph.ontofile import Synonym, Term, read_ontology
from adcgraph.storage.locations import PROJECT_ROOT

MONDO_ENV = "ADCGRAPH_MONDO"
DEFAULT_MONDO = PROJECT_ROOT.parent / "shared" / "data" / "mondo"
# Mapping sets read as crosswalks: every exactMatch set, and OncoTree's cross-references
# (MONDO records OncoTree codes only as hasDbXref).
CROSSWALK_PATTERNS = ("mondo_exactmatch_*.sssom.tsv", "mondo_hasdbxref_oncotree.sssom.tsv")
SCOPES = {
    "oio:hasExactSynonym": "EXACT",
    "oio:hasBroadSynonym": "BROAD",
    "oio:hasNarrowSynonym": "NARROW",
    "oio:hasRelatedSynonym": "RELATED",
}


@dataclass(frozen=True)
class Crosswalk:
    """One MONDO mapping of another vocabulary's identifier."""

    mondo_id: str
    predicate_id: str
    mapping_set: str


@dataclass(frozen=True)
class MondoSource:
    """MONDO classes (labels, synonyms, is_a) and crosswalks keyed by normalised CURIE."""

    terms: Mapping[str, Term]
    crosswalks: Mapping[str, tuple[Crosswalk, ...]]
    location: Path

    def crosswalk(self, identifier: str) -> tuple[Crosswalk, ...]:
        """MONDO mappings of ``identifier`` (prefix case does not matter).

        >>> source = MondoSource({}, {"MESH:D1": (Crosswalk("MONDO:1", "skos:exactMatch", "x"),)},
        ...                      Path("."))
        >>> [c.mondo_id for c in source.crosswalk("mesh:D1")]
        ['MONDO:1']
        """
        return self.crosswalks.get(normalise_curie(identifier), ())


def normalise_curie(identifier: str) -> str:
    """A CURIE with its prefix upper-cased (``mesh:D1`` and ``MESH:D1`` are one key).

    >>> normalise_curie("mesh:D000309"), normalise_curie("NCIT:C2991")
    ('MESH:D000309', 'NCIT:C2991')
    """
    prefix, separator, local = identifier.strip().partition(":")
    return f"{prefix.upper()}{separator}{local}" if separator else identifier.strip()


def default_mondo_location() -> Path:
    """``$ADCGRAPH_MONDO`` if set, else ``../shared/data/mondo`` beside the repository."""
    configured = os.environ.get(MONDO_ENV)
    return Path(configured) if configured else DEFAULT_MONDO


def load_mondo(location: Path | None = None) -> MondoSource:
    """Read MONDO from a shared-data style folder or an ontology file.

    Raises :class:`MappingError` naming the path when there is nothing to read.
    """
    path = Path(location) if location is not None else default_mondo_location()
    if path.is_file():
        terms = {i: t for i, t in read_ontology(path).items() if i.upper().startswith("MONDO:")}
        if not terms:
            raise MappingError(f"{path}: no MONDO classes (expected MONDO:nnnnnnn identifiers)")
        return MondoSource(terms, {}, path)
    mapping_files = sorted((path / "mappings").glob("*.sssom.tsv")) if path.is_dir() else []
    if not mapping_files:
        raise MappingError(
            f"{path}: no MONDO data (expected a folder with mappings/*.sssom.tsv, synonyms/ "
            f"and hierarchy/ as in ../shared/data/mondo, or a MONDO ontology file); "
            f"give one with --mondo or ${MONDO_ENV}"
        )
    labels, crosswalks = _read_mappings(path / "mappings")
    synonyms = _read_synonyms(path / "synonyms", labels)
    parents = _read_hierarchy(path / "hierarchy", labels)
    terms = {
        mondo_id: Term(
            mondo_id,
            label,
            tuple(synonyms.get(mondo_id, ())),
            tuple(sorted(parents.get(mondo_id, ()))),
            None,
            False,
        )
        for mondo_id, label in sorted(labels.items())
    }
    return MondoSource(terms, crosswalks, path)


def _read_mappings(
    folder: Path,
) -> tuple[dict[str, str], dict[str, tuple[Crosswalk, ...]]]:
    labels: dict[str, str] = {}
    crosswalks: dict[str, list[Crosswalk]] = defaultdict(list)
    crosswalk_files = {p for pattern in CROSSWALK_PATTERNS for p in folder.glob(pattern)}
    for path in sorted(folder.glob("*.sssom.tsv")):
        for row in _sssom_rows(path):
            mondo_id = row.get("subject_id", "")
            if not mondo_id.startswith("MONDO:"):
                continue
            if row.get("subject_label"):
                labels.setdefault(mondo_id, row["subject_label"])
            if path in crosswalk_files and row.get("object_id"):
                crosswalks[normalise_curie(row["object_id"])].append(
                    Crosswalk(mondo_id, row.get("predicate_id", ""), path.name)
                )
    return labels, {key: tuple(found) for key, found in crosswalks.items()}


def _read_synonyms(folder: Path, labels: dict[str, str]) -> dict[str, list[Synonym]]:
    synonyms: dict[str, list[Synonym]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    for path in sorted(folder.glob("*.tsv")):
        for row in _robot_rows(path):
            mondo_id, text = row.get("mondo_id", ""), (row.get("synonym") or "").strip()
            if not mondo_id.startswith("MONDO:") or not text:
                continue
            if row.get("mondo_label"):
                labels.setdefault(mondo_id, row["mondo_label"])
            if (mondo_id, text.lower()) in seen or text == labels.get(mondo_id):
                continue
            seen.add((mondo_id, text.lower()))
            scope = SCOPES.get(row.get("synonym_scope", ""), "RELATED")
            synonyms[mondo_id].append(Synonym(text, scope))  # type: ignore[arg-type]
    return synonyms


def _read_hierarchy(folder: Path, labels: dict[str, str]) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    for path in sorted(folder.glob("*.tsv")):
        for row in _robot_rows(path):
            child, parent = row.get("subject_mondo_id", ""), row.get("object_mondo_id", "")
            if child.startswith("MONDO:") and parent.startswith("MONDO:"):
                parents[child].add(parent)
                for mondo_id, key in (
                    (child, "subject_mondo_label"),
                    (parent, "object_mondo_label"),
                ):
                    if row.get(key):
                        labels.setdefault(mondo_id, row[key])
    return parents


def _sssom_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        body = (line for line in handle if not line.startswith("#"))
        yield from csv.DictReader(body, delimiter="\t")


def _robot_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        next(reader, None)  # the ROBOT template row
        yield from reader


MANUAL_CURATION = "semapv:ManualMappingCuration"
# MONDO's exactMatch is taken as it is; a MONDO cross-reference (OncoTree) is weaker.
CROSSWALK_CONFIDENCE = {"skos:exactMatch": 1.0}
XREF_CONFIDENCE = 0.9


# A word held by more than this share of MONDO classes does not pick candidates on its own.
COMMON_WORD_SHARE = 0.02


def relevant_terms(
    source: Mapping[str, Term], target: Mapping[str, Term], forms: NameForms
) -> dict[str, Term]:
    """The target classes that share a word with some source name, with their ancestors.

    Matching a short list against all of MONDO only needs these: a class sharing no word
    (canonical form, abbreviations expanded) with any source name cannot be matched.
    """
    classes_by_word: dict[str, set[str]] = defaultdict(set)
    for term in target.values():
        for text in (term.label or "", *(s.text for s in term.synonyms)):
            for word in _words(text, forms):
                classes_by_word[word].add(term.id)
    common = COMMON_WORD_SHARE * max(len(target), 1)
    chosen: set[str] = set()
    for term in source.values():
        for text in (term.label or "", *(s.text for s in term.synonyms)):
            words = _words(text, forms)
            rare = [w for w in words if len(classes_by_word.get(w, ())) <= common]
            for word in rare or words:
                chosen |= classes_by_word.get(word, set())
    frontier = list(chosen)
    while frontier:
        parents = {p for i in frontier for p in target[i].parents if p in target} - chosen
        chosen |= parents
        frontier = list(parents)
    return {term_id: target[term_id] for term_id in sorted(chosen)}


def _words(text: str, forms: NameForms) -> set[str]:
    words = set(forms.canonical(word_bag(text)))
    for abbreviation in re.findall(r"\b[A-Z][A-Z0-9]{1,7}\b", text):
        words.update(forms.canonical(forms.abbreviations.get(abbreviation, ())))
    return words


def map_to_mondo(
    terms: Mapping[str, Term],
    mondo: MondoSource,
    *,
    min_confidence: float = 0.5,
    name_forms: NameForms | None = None,
) -> list[PredictedMapping]:
    """Map a vocabulary to MONDO: MONDO's own crosswalks first, then the matcher.

    A term whose identifier MONDO maps (an exactMatch, or OncoTree's cross-reference) takes
    that mapping; every other term gets its best-matching MONDO class by name (labels,
    synonyms, learned name forms) and, where the vocabulary has one, is_a structure.
    Several terms may map to one MONDO class.
    """
    mappings: list[PredictedMapping] = []
    unmapped: dict[str, Term] = {}
    for term_id, term in terms.items():
        found = [c for c in mondo.crosswalk(term_id) if c.mondo_id in mondo.terms]
        if not found:
            unmapped[term_id] = term
            continue
        for crosswalk in found:
            confidence = CROSSWALK_CONFIDENCE.get(crosswalk.predicate_id, XREF_CONFIDENCE)
            if confidence < min_confidence:
                continue
            mappings.append(
                PredictedMapping(
                    subject_id=term_id,
                    subject_label=term.label,
                    object_id=crosswalk.mondo_id,
                    object_label=mondo.terms[crosswalk.mondo_id].label,
                    predicate_id=EXACT_MATCH
                    if crosswalk.predicate_id == EXACT_MATCH
                    else "skos:closeMatch",
                    confidence=confidence,
                    mapping_justification=MANUAL_CURATION,
                    match_string=term_id,
                    evidence=(
                        f"crosswalk: MONDO {crosswalk.predicate_id} in {crosswalk.mapping_set}"
                    ),
                )
            )
    if unmapped:
        forms = shipped_name_forms() if name_forms is None else name_forms
        mappings += match_ontologies(
            unmapped,
            relevant_terms(unmapped, mondo.terms, forms),
            threshold=min_confidence,
            name_forms=forms,
            one_to_one=False,
        )
    return sorted(mappings, key=lambda m: (m.subject_id, -m.confidence, m.object_id))
