"""Name forms learned from MONDO: word variants, vocabulary head conventions, abbreviations.

MONDO records, for each of its classes, the names other vocabularies give the same disease
(its exact mappings to NCIt, DOID, MeSH, ICD ..., its cross-references to OncoTree) and the
synonyms NCIt and DO confirm. Comparing a MONDO label with each of those names, word bag
against word bag, shows three kinds of regularity:

- word variants: two words of one stem that alone tell two names of one disease apart, in
  at least two diseases ("duodenal" / "duodenum", "ovarian" / "ovary"), neither a head word,
  and never the only difference between two MONDO classes ("endometrial" / "endometrioid");
- head conventions, per vocabulary: the phrase a vocabulary writes where MONDO writes
  another, with the share of that vocabulary's mapped names that do so (MeSH "Neoplasms"
  stands for MONDO "cancer" in about a fifth of its mappings, NCIt "malignant neoplasm"
  for "cancer" in most);
- abbreviations: MONDO synonyms of type ABBREVIATION with a single expansion.

Head words are found the same way, not listed: words that end most of the MONDO labels they
occur in ("neoplasm", "carcinoma", "syndrome" ...).

:func:`derive_name_forms` computes the table from the shared data; the repository ships
its output (``data/name-forms.tsv``, see ``data/README.md`` for sources and licences), read
by :func:`shipped_name_forms`.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from adcgraph.align.text import word_bag, words_in_order
from adcgraph.errors import MappingError

ANY_VOCABULARY = "*"
# The vocabulary the rewrites lead to: its own names need none.
CANONICAL_VOCABULARY = "MONDO"
TABLE_FILE = "name-forms.tsv"
TABLE_COLUMNS = ("kind", "vocabulary", "from", "to", "support", "ratio")

# A word is a head word when it ends at least this share of the MONDO labels holding it.
HEAD_FINAL_SHARE = 0.5
HEAD_MIN_LABELS = 10
MIN_VARIANT_SUPPORT = 2
MIN_REWRITE_SUPPORT = 3
MIN_REWRITE_RATIO = 0.05
# A rewrite's ratio is shrunk towards 0 as if this many more names held its phrase without
# following it, so a phrase seen in four classes cannot reach a ratio of 0.75.
RATIO_PRIOR = 5
# A rewrite that only drops words ("childhood", "type") must be followed this often.
MIN_DROP_RATIO = 0.3
MAX_PHRASE_WORDS = 2

# Mapping files read by the derivation: (file, vocabulary prefix written in task files).
# Only vocabularies whose names may be redistributed in a derived table: NCIt (CC BY 4.0),
# DO (CC0), ICD-10-CM (US public domain), Orphanet (CC BY 4.0); MeSH (NLM, public domain)
# and OncoTree (CC BY 4.0) names are read from their own files. OMIM, ICD-10 (WHO) and
# ICD-11 (CC BY-ND) are left out.
LABELLED_MAPPINGS = (
    ("mondo_exactmatch_ncit.sssom.tsv", "NCIT"),
    ("mondo_exactmatch_doid.sssom.tsv", "DOID"),
    ("mondo_exactmatch_icd10cm.sssom.tsv", "ICD10CM"),
    ("mondo_exactmatch_orphanet.sssom.tsv", "ORPHANET"),
)
_ABBREVIATION_FORM = re.compile(r"[A-Z][A-Z0-9]{1,7}")
SYNONYM_FILES = ("ncit.synonyms.confirmed.robot.tsv", "doid.synonyms.confirmed.robot.tsv")


@dataclass(frozen=True)
class Rewrite:
    """A vocabulary's phrase and the phrase MONDO writes instead, with how often it does."""

    source: tuple[str, ...]
    target: tuple[str, ...]
    support: int
    ratio: float


@dataclass(frozen=True)
class NameForms:
    """Learned name forms: canonical words, head rewrites per vocabulary, abbreviations."""

    variants: Mapping[str, str] = field(default_factory=dict)
    rewrites: Mapping[str, tuple[Rewrite, ...]] = field(default_factory=dict)
    abbreviations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    heads: frozenset[str] = frozenset()

    def canonical(self, words: Iterable[str]) -> list[str]:
        """Words with each learned variant replaced by its canonical form, sorted.

        >>> NameForms(variants={"duodenal": "duodenum"}).canonical(["duodenal", "neoplasm"])
        ['duodenum', 'neoplasm']
        """
        return sorted({self.variants.get(word, word) for word in words})

    def rewrites_for(self, vocabulary: str | None) -> tuple[Rewrite, ...]:
        """The vocabulary's own rewrites, then the pooled ones it has no own ratio for (none
        for MONDO, whose names the rewrites lead to).

        >>> forms = NameForms(rewrites={"*": (Rewrite(("neoplasm",), ("cancer",), 9, 0.2),)})
        >>> [r.target for r in forms.rewrites_for("MESH")]
        [('cancer',)]
        """
        if vocabulary == CANONICAL_VOCABULARY:
            return ()
        own = self.rewrites.get(vocabulary or "", ()) if vocabulary != ANY_VOCABULARY else ()
        known = {(r.source, r.target) for r in own}
        pooled = self.rewrites.get(ANY_VOCABULARY, ())
        return own + tuple(r for r in pooled if (r.source, r.target) not in known)


@dataclass(frozen=True)
class NamePair:
    """A MONDO label and another name of the same class (from a mapping or a synonym)."""

    mondo_id: str
    mondo_label: str
    vocabulary: str
    name: str


# --- derivation --------------------------------------------------------------------------


def derive_name_forms(
    shared_data: Path, *, exclude_mondo: frozenset[str] = frozenset()
) -> NameForms:
    """Learn name forms from MONDO's mappings and synonyms under ``shared_data``.

    ``exclude_mondo`` leaves out every pair of those MONDO classes (for example those that
    bridge the held-out gold pairs of a benchmark).
    """
    pairs = [p for p in name_pairs(shared_data) if p.mondo_id not in exclude_mondo]
    if not pairs:
        raise MappingError(f"{shared_data}: no MONDO mappings or synonyms to learn from")
    return learn_name_forms(pairs, abbreviation_pairs(shared_data, exclude_mondo))


def learn_name_forms(
    pairs: list[NamePair], abbreviations: Iterable[tuple[str, str]] = ()
) -> NameForms:
    """Learn variants, rewrites and abbreviations from name pairs.

    >>> pairs = [NamePair(f"M:{i}", f"{site} cancer", "MESH", f"{site} Neoplasms")
    ...          for i, site in enumerate(["Kidney", "Lung", "Bone"])]
    >>> pairs += [NamePair("M:7", "duodenum cancer", "X", "duodenal cancer"),
    ...           NamePair("M:8", "duodenum carcinoma", "X", "duodenal carcinoma")]
    >>> forms = learn_name_forms(pairs)
    >>> forms.variants["duodenal"], forms.rewrites["MESH"][0].target
    ('duodenum', ('cancer',))
    """
    heads = head_words(pair.mondo_label for pair in pairs)
    variants = _learn_variants(pairs, heads, distinguishing_swaps(pairs))
    forms = NameForms(variants=variants)
    rewrites = _learn_rewrites(pairs, forms)
    return NameForms(
        variants=variants,
        rewrites=rewrites,
        abbreviations=_unique_expansions(abbreviations),
        heads=heads,
    )


def head_words(labels: Iterable[str]) -> frozenset[str]:
    """Words that end most of the labels they occur in (at least ``HEAD_MIN_LABELS``).

    Labels with "of", "in" or "with" are left out: their last word is often a site.

    >>> sites = ["lung", "bone", "skin", "liver", "brain", "kidney", "colon", "breast", "eye"]
    >>> head_words([f"{site} cancer" for site in sites] + ["cancer of lung", "cancer stem"])
    frozenset({'cancer'})
    """
    seen: Counter[str] = Counter()
    final: Counter[str] = Counter()
    for label in set(labels):
        words = words_in_order(label)
        if not words or "of" in words or "in" in words or "with" in words:
            continue
        seen.update(set(words))
        final[words[-1]] += 1
    return frozenset(
        word
        for word, count in seen.items()
        if count >= HEAD_MIN_LABELS and final[word] / count >= HEAD_FINAL_SHARE
    )


def distinguishing_swaps(pairs: Iterable[NamePair]) -> frozenset[tuple[str, str]]:
    """Word pairs (a, b), a < b, that alone tell two different MONDO classes apart
    ("endometrial carcinoma" / "endometrioid carcinoma"): such words are not variants.

    >>> pairs = [NamePair("M:1", "endometrial carcinoma", "*", ""),
    ...          NamePair("M:2", "endometrioid carcinoma", "*", "")]
    >>> sorted(distinguishing_swaps(pairs))
    [('endometrial', 'endometrioid')]
    """
    labels = {pair.mondo_id: pair.mondo_label for pair in pairs}
    by_rest: dict[tuple[str, ...], set[tuple[str, str]]] = defaultdict(set)
    for mondo_id, label in labels.items():
        bag = word_bag(label)
        for position, word in enumerate(bag):
            by_rest[tuple(bag[:position] + bag[position + 1 :])].add((word, mondo_id))
    swaps = set()
    for entries in by_rest.values():
        for first_word, first_id in entries:
            for second_word, second_id in entries:
                if first_word < second_word and first_id != second_id:
                    swaps.add((first_word, second_word))
    return frozenset(swaps)


def _learn_variants(
    pairs: list[NamePair], heads: frozenset[str], distinguishing: frozenset[tuple[str, str]]
) -> dict[str, str]:
    support: dict[tuple[str, str], set[str]] = defaultdict(set)
    mondo_words: Counter[str] = Counter()
    for pair in pairs:
        mondo, other = set(word_bag(pair.mondo_label)), set(word_bag(pair.name))
        mondo_words.update(mondo)
        only_mondo, only_other = mondo - other, other - mondo
        if len(only_mondo) != 1 or len(only_other) != 1 or not mondo & other:
            continue
        first, second = sorted((next(iter(only_mondo)), next(iter(only_other))))
        if {first, second} & heads or not _same_stem(first, second):
            continue
        if (first, second) in distinguishing:
            continue
        support[(first, second)].add(pair.mondo_id)
    groups: dict[str, set[str]] = {}
    for (first, second), mondo_ids in sorted(support.items()):
        if len(mondo_ids) < MIN_VARIANT_SUPPORT:
            continue
        group_a = groups.get(first, {first})
        group_b = groups.get(second, {second})
        if group_a is group_b:
            continue
        if any((min(x, y), max(x, y)) in distinguishing for x in group_a for y in group_b):
            continue  # chaining would join two words that tell MONDO classes apart
        merged = group_a | group_b
        for word in merged:
            groups[word] = merged
    members = {min(group): sorted(group) for group in groups.values()}
    canonical = {}
    for group in members.values():
        best = max(group, key=lambda w: (mondo_words[w], w))
        canonical.update({word: best for word in group if word != best})
    return dict(sorted(canonical.items()))


def _same_stem(first: str, second: str) -> bool:
    """Whether two words share a stem: a common start of 3+ letters, half the shorter word.

    >>> _same_stem("duodenal", "duodenum"), _same_stem("cardiac", "heart")
    (True, False)
    """
    if not (first.isalpha() and second.isalpha()):
        return False
    common = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        common += 1
    return common >= 3 and common * 2 >= min(len(first), len(second))


def _learn_rewrites(pairs: list[NamePair], forms: NameForms) -> dict[str, tuple[Rewrite, ...]]:
    """Phrase changes between a vocabulary's names and MONDO's, counted in distinct classes."""
    votes: dict[str, dict[tuple[tuple[str, ...], tuple[str, ...]], set[str]]] = defaultdict(
        lambda: defaultdict(set)
    )
    bags: dict[str, dict[frozenset[str], set[str]]] = defaultdict(lambda: defaultdict(set))
    for pair in pairs:
        mondo = set(forms.canonical(word_bag(pair.mondo_label)))
        other = frozenset(forms.canonical(word_bag(pair.name)))
        for vocabulary in (pair.vocabulary, ANY_VOCABULARY):
            bags[vocabulary][other].add(pair.mondo_id)
        only_mondo, only_other = mondo - other, other - mondo
        if not (0 < len(only_other) <= MAX_PHRASE_WORDS) or len(only_mondo) > MAX_PHRASE_WORDS:
            continue
        if not mondo & other:
            continue
        change = (tuple(sorted(only_other)), tuple(sorted(only_mondo)))
        for vocabulary in (pair.vocabulary, ANY_VOCABULARY):
            votes[vocabulary][change].add(pair.mondo_id)
    rewrites = {}
    for vocabulary, counted in sorted(votes.items()):
        frequent = {c: len(ids) for c, ids in counted.items() if len(ids) >= MIN_REWRITE_SUPPORT}
        holding = _phrase_counts({source for source, _ in frequent}, bags[vocabulary])
        kept = []
        for (source, target), support in frequent.items():
            ratio = support / (holding[source] + RATIO_PRIOR)
            if ratio >= (MIN_REWRITE_RATIO if target else MIN_DROP_RATIO):
                kept.append(Rewrite(source, target, support, round(ratio, 4)))
        if kept:
            rewrites[vocabulary] = tuple(sorted(kept, key=lambda r: (-r.ratio, r.source, r.target)))
    return rewrites


def _phrase_counts(
    phrases: set[tuple[str, ...]], bags: Mapping[frozenset[str], set[str]]
) -> dict[tuple[str, ...], int]:
    """How many distinct MONDO classes have a name of the vocabulary holding each phrase."""
    holders: dict[tuple[str, ...], set[str]] = defaultdict(set)
    by_word: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for phrase in phrases:
        by_word[phrase[0]].append(phrase)
    for bag, mondo_ids in bags.items():
        for word in bag:
            for phrase in by_word.get(word, ()):
                if bag.issuperset(phrase):
                    holders[phrase] |= mondo_ids
    return {phrase: len(ids) for phrase, ids in holders.items()}


def _unique_expansions(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    expansions: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for short, long in pairs:
        expansions[short].add(tuple(words_in_order(long)))
    return {
        short: next(iter(found))
        for short, found in sorted(expansions.items())
        if len(found) == 1 and short.isupper() and 2 <= len(short) <= 8
    }


# --- reading the shared data -------------------------------------------------------------


def name_pairs(shared_data: Path) -> Iterator[NamePair]:
    """Every (MONDO label, other name) pair the shared MONDO files give."""
    mondo_dir = shared_data / "mondo"
    for file_name, vocabulary in LABELLED_MAPPINGS:
        for row in _sssom_rows(mondo_dir / "mappings" / file_name):
            if row.get("object_label") and row.get("subject_label"):
                yield NamePair(
                    row["subject_id"], row["subject_label"], vocabulary, row["object_label"]
                )
    mesh_names = _mesh_names(shared_data)
    for row in _sssom_rows(mondo_dir / "mappings" / "mondo_exactmatch_mesh.sssom.tsv"):
        name = mesh_names.get(row["object_id"].split(":", 1)[-1])
        if name and row.get("subject_label"):
            yield NamePair(row["subject_id"], row["subject_label"], "MESH", name)
    oncotree_names = _oncotree_names(shared_data)
    for row in _sssom_rows(mondo_dir / "mappings" / "mondo_hasdbxref_oncotree.sssom.tsv"):
        name = oncotree_names.get(row["object_id"].split(":", 1)[-1])
        if name and row.get("subject_label"):
            yield NamePair(row["subject_id"], row["subject_label"], "ONCOTREE", name)
    for file_name in SYNONYM_FILES:
        for row in _robot_rows(mondo_dir / "synonyms" / file_name):
            if row.get("synonym_type") or not row.get("mondo_label"):
                continue
            vocabulary = row["source_id"].split(":", 1)[0].upper()
            yield NamePair(row["mondo_id"], row["mondo_label"], ANY_VOCABULARY, row["synonym"])
            if row.get("source_label"):
                yield NamePair(row["mondo_id"], row["mondo_label"], vocabulary, row["source_label"])


def abbreviation_pairs(
    shared_data: Path, exclude_mondo: frozenset[str] = frozenset()
) -> Iterator[tuple[str, str]]:
    """(abbreviation, MONDO label) from synonyms of type ABBREVIATION or written as one
    capitalised word ("NSCLC")."""
    for file_name in SYNONYM_FILES:
        for row in _robot_rows(shared_data / "mondo" / "synonyms" / file_name):
            if row.get("mondo_id") in exclude_mondo:
                continue
            synonym = (row.get("synonym") or "").strip()
            typed = "ABBREVIATION" in (row.get("synonym_type") or "")
            if row.get("mondo_label") and (typed or _ABBREVIATION_FORM.fullmatch(synonym)):
                yield synonym, row["mondo_label"]


def _sssom_rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.is_file():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(
            (line for line in handle if not line.startswith("#")), delimiter="\t"
        )


def _robot_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a ROBOT template (its second line holds the template strings)."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        next(reader, None)
        yield from reader


def _mesh_names(shared_data: Path) -> dict[str, str]:
    path = shared_data / "mesh" / "dhimmel-mesh-2015" / "terms.tsv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["mesh_id"]: row["mesh_name"] for row in csv.DictReader(handle, delimiter="\t")}


def _oncotree_names(shared_data: Path) -> dict[str, str]:
    paths = sorted((shared_data / "oncotree").glob("oncotree_*.json"))
    if not paths:
        return {}
    names: dict[str, str] = {}
    stack = [json.loads(paths[-1].read_text(encoding="utf-8"))]
    while stack:
        for node in stack.pop().values():
            names[node["code"]] = node["name"]
            stack.append(node.get("children") or {})
    return names


# --- the shipped table -------------------------------------------------------------------


def write_table(forms: NameForms, path: Path) -> int:
    """Write name forms as a TSV table; return the number of rows."""
    rows = [
        ("variant", ANY_VOCABULARY, word, canonical, "", "")
        for word, canonical in forms.variants.items()
    ]
    for vocabulary, rewrites in forms.rewrites.items():
        rows += [
            (
                "rewrite",
                vocabulary,
                " ".join(r.source),
                " ".join(r.target),
                str(r.support),
                str(r.ratio),
            )
            for r in rewrites
        ]
    rows += [
        ("abbreviation", ANY_VOCABULARY, short, " ".join(long), "", "")
        for short, long in forms.abbreviations.items()
    ]
    rows += [("head", ANY_VOCABULARY, word, "", "", "") for word in sorted(forms.heads)]
    lines = ["\t".join(TABLE_COLUMNS)] + ["\t".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(rows)


def read_table(text: str, *, source: str = "<string>") -> NameForms:
    """Parse a name-forms table (see :func:`write_table`).

    >>> forms = read_table("kind\\tvocabulary\\tfrom\\tto\\tsupport\\tratio\\n"
    ...                    "variant\\t*\\trenal\\tkidney\\t\\t\\n"
    ...                    "rewrite\\tMESH\\tneoplasm\\tcancer\\t25\\t0.21\\n")
    >>> forms.variants["renal"], forms.rewrites["MESH"][0].ratio
    ('kidney', 0.21)
    """
    lines = text.splitlines()
    if not lines or tuple(lines[0].split("\t")) != TABLE_COLUMNS:
        raise MappingError(f"{source}:1: expected the header {' '.join(TABLE_COLUMNS)}")
    variants: dict[str, str] = {}
    rewrites: dict[str, list[Rewrite]] = defaultdict(list)
    abbreviations: dict[str, tuple[str, ...]] = {}
    heads: set[str] = set()
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(TABLE_COLUMNS):
            raise MappingError(f"{source}:{number}: expected {len(TABLE_COLUMNS)} columns")
        kind, vocabulary, source_text, target_text, support, ratio = cells
        if kind == "variant":
            variants[source_text] = target_text
        elif kind == "head":
            heads.add(source_text)
        elif kind == "abbreviation":
            abbreviations[source_text] = tuple(target_text.split())
        elif kind == "rewrite":
            try:
                rewrite = Rewrite(
                    tuple(source_text.split()),
                    tuple(target_text.split()),
                    int(support),
                    float(ratio),
                )
            except ValueError as error:
                raise MappingError(f"{source}:{number}: bad support or ratio ({error})") from error
            rewrites[vocabulary].append(rewrite)
        else:
            raise MappingError(f"{source}:{number}: unknown kind {kind!r}")
    return NameForms(
        variants=MappingProxyType(variants),
        rewrites=MappingProxyType({v: tuple(r) for v, r in rewrites.items()}),
        abbreviations=MappingProxyType(abbreviations),
        heads=frozenset(heads),
    )


@lru_cache(maxsize=1)
def shipped_name_forms() -> NameForms:
    """The name-forms table shipped with adcgraph (empty forms if it is missing).

    >>> shipped_name_forms().variants.get("tumour", "tumor")
    'tumor'
    """
    table = resources.files("adcgraph.align").joinpath("data", TABLE_FILE)
    if not table.is_file():
        return NameForms()
    return read_table(table.read_text(encoding="utf-8"), source=str(table))
