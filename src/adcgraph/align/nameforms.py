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
- word synonyms: two words of different stems that alone tell two names of one disease
  apart in at least ``MIN_SYNONYM_SUPPORT`` diseases ("lung" / "pulmonary", "kidney" /
  "renal"), neither a head word nor a word that says malignant or benign, and never the
  only difference between two MONDO classes;
- modifiers: how often a word is left out by another name of the same class ("acral
  lentiginous melanoma" / "acral melanoma") against how often it tells two MONDO classes
  apart ("childhood leukemia" / "leukemia"), as a share with one of each added;
- abbreviations: MONDO synonyms of type ABBREVIATION, and capitalised words of one name
  whose letters start the words of another name of the same class ("AML with maturation"
  beside "acute myeloid leukemia with maturation"), with the expansion most of them give.

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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType

from adcgraph.align.text import STOP_WORDS, abbreviated_span, word_bag, words_in_order
from adcgraph.errors import MappingError

ANY_VOCABULARY = "*"
# The vocabulary the rewrites lead to: its own names need none.
CANONICAL_VOCABULARY = "MONDO"
TABLE_FILE = "name-forms.tsv"
TABLE_COLUMNS = ("kind", "vocabulary", "from", "to", "support", "ratio")

# A word is a head word when it ends at least this share of the MONDO labels holding it.
HEAD_FINAL_SHARE = 0.5
HEAD_MIN_LABELS = 10
MIN_HEAD_LENGTH = 3
MIN_VARIANT_SUPPORT = 2
MIN_SYNONYM_SUPPORT = 4
# Words whose swap changes the kind of disease, never learned as synonyms.
KIND_WORDS = frozenset({"malignant", "benign", "metastatic"})
# A modifier share is kept for words seen at least this often; others get the prior share.
MIN_MODIFIER_EVIDENCE = 2
PRIOR_MODIFIER_SHARE = 0.5
# Deprecated MONDO classes, whose labels say so.
OBSOLETE_PREFIX = "obsolete "
# An abbreviation's expansion must be given by at least this share of its occurrences.
ABBREVIATION_MIN_SHARE = 0.6
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
_CAPITALISED_WORD = re.compile(r"\b[A-Z][A-Z0-9]{1,7}\b")
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
    synonyms: Mapping[str, frozenset[str]] = field(default_factory=dict)
    modifiers: Mapping[str, float] = field(default_factory=dict)

    def modifier_share(self, word: str) -> float:
        """How often names of one disease leave ``word`` out, rather than two diseases
        differing by it (the prior share for a word MONDO says nothing about).

        >>> NameForms(modifiers={"childhood": 0.47}).modifier_share("childhood")
        0.47
        >>> NameForms().modifier_share("lentiginous")
        0.5
        """
        return self.modifiers.get(word, PRIOR_MODIFIER_SHARE)

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


# A word left out by other names of its class at least this often is a qualifier (``type``,
# ``system``), not a word to stand for another in a concept key.
QUALIFIER_SHARE = 0.75


def concept_equivalents(forms: NameForms) -> dict[str, str]:
    """Each word of a learned variant or synonym -> the one word its group is written as
    (the alphabetically first), for keys that compare names by concept: site adjectives and
    their nouns (``ovarian`` / ``ovary``, ``renal`` / ``kidney``), spellings of one stem.

    Groups grow one word at a time (two groups are never chained into one), and a word
    names drop as often as not (a modifier share of at least ``QUALIFIER_SHARE``) joins
    none: ``type`` / ``variant`` says nothing about the disease.

    >>> forms = NameForms(variants={"ovarian": "ovary"},
    ...                   synonyms={"kidney": frozenset({"renal"}), "renal": frozenset({"kidney"}),
    ...                             "type": frozenset({"variant"})},
    ...                   modifiers={"type": 0.96})
    >>> concept_equivalents(forms)
    {'ovary': 'ovarian', 'renal': 'kidney'}
    """
    pairs = sorted(forms.variants.items())
    pairs += sorted((a, b) for a, others in forms.synonyms.items() for b in others if a < b)
    groups: dict[str, set[str]] = {}
    for first, second in pairs:
        if max(forms.modifier_share(first), forms.modifier_share(second)) >= QUALIFIER_SHARE:
            continue
        one, other = groups.get(first, {first}), groups.get(second, {second})
        if one is other or (len(one) > 1 and len(other) > 1):
            continue
        merged = one | other
        for word in merged:
            groups[word] = merged
    return {
        word: min(group) for word, group in sorted(groups.items()) if word != min(group)
    }


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
    distinguishing = distinguishing_swaps(pairs)
    variants = _learn_variants(pairs, heads, distinguishing)
    forms = NameForms(variants=variants, heads=heads)
    rewrites = _learn_rewrites(pairs, forms)
    modifiers = _learn_modifiers(pairs)
    return NameForms(
        variants=variants,
        rewrites=rewrites,
        abbreviations=_unique_expansions(abbreviations),
        heads=heads,
        synonyms=_learn_synonyms(pairs, heads, distinguishing, variants, modifiers),
        modifiers=modifiers,
    )


def head_words(labels: Iterable[str]) -> frozenset[str]:
    """Words that end most of the labels they occur in (at least ``HEAD_MIN_LABELS``).

    Labels with "of", "in" or "with" are left out: their last word is often a site. A head
    word is a word of letters, three or more: a number or a letter that ends a label names a
    subtype ("type 2", "type B"), not the kind of disease.

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
        if count >= HEAD_MIN_LABELS
        and final[word] / count >= HEAD_FINAL_SHARE
        and len(word) >= MIN_HEAD_LENGTH
        and word.isalpha()
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
        mondo_words.update(set(word_bag(pair.mondo_label)))
    for first, second, mondo_id in word_swaps(pairs):
        if {first, second} & heads or not _same_stem(first, second):
            continue
        if (first, second) in distinguishing:
            continue
        support[(first, second)].add(mondo_id)
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


def word_swaps(
    pairs: Iterable[NamePair], read: Callable[[str], Iterable[str]] = word_bag
) -> Iterator[tuple[str, str, str]]:
    """(a, b, class id), a < b, for each pair of names of one class whose words (as ``read``
    gives them) differ by one word each and share at least one word: the raw material of
    every word variant and synonym learned from names, by the matcher (here) and by the
    resolver (:mod:`adcgraph.resolving.learned`). Pairs of a deprecated class are skipped.

    >>> pairs = [NamePair("M:1", "duodenum cancer", "X", "duodenal cancer"),
    ...          NamePair("M:2", "lung cancer", "X", "lung carcinoma of the left side")]
    >>> list(word_swaps(pairs))
    [('duodenal', 'duodenum', 'M:1')]
    """
    for first, second, mondo_id, _ in word_swaps_in_context(pairs, read):
        yield first, second, mondo_id


def word_swaps_in_context(
    pairs: Iterable[NamePair], read: Callable[[str], Iterable[str]] = word_bag
) -> Iterator[tuple[str, str, str, frozenset[str]]]:
    """:func:`word_swaps` with the words the two names share (the swap's setting), so a
    learner can tell a swap seen in many settings from one only ever seen inside one phrase
    (``uterine ligament`` / ``broad ligament``).

    >>> pairs = [NamePair("M:1", "uterine ligament adenocarcinoma", "X",
    ...                   "broad ligament adenocarcinoma")]
    >>> [(a, b, sorted(shared)) for a, b, _, shared in word_swaps_in_context(pairs)]
    [('broad', 'uterine', ['adenocarcinoma', 'ligament'])]
    """
    for pair in pairs:
        if pair.mondo_label.startswith(OBSOLETE_PREFIX):
            continue
        mondo, other = set(read(pair.mondo_label)), set(read(pair.name))
        only_mondo, only_other = mondo - other, other - mondo
        if len(only_mondo) != 1 or len(only_other) != 1 or not mondo & other:
            continue
        first, second = sorted((next(iter(only_mondo)), next(iter(only_other))))
        yield first, second, pair.mondo_id, frozenset(mondo & other)


def _learn_synonyms(
    pairs: list[NamePair],
    heads: frozenset[str],
    distinguishing: frozenset[tuple[str, str]],
    variants: Mapping[str, str],
    modifiers: Mapping[str, float] | None = None,
) -> dict[str, frozenset[str]]:
    """Word pairs that stand for each other in at least ``MIN_SYNONYM_SUPPORT`` classes.

    Two kinds of swap are not word synonyms: one whose supporting names all share a word
    besides their head words (the swap is bound to that phrase: NCIt "Broad Ligament X" for
    MONDO "uterine ligament X" says nothing about "uterine" elsewhere), and one of a word
    that names leave out at least ``QUALIFIER_SHARE`` of the time (``modifiers``; "type").

    >>> pairs = [NamePair(f"M:{i}", f"{head} of lung", "X", f"pulmonary {head}")
    ...          for i, head in enumerate(["fibroma", "lipoma", "myoma", "hamartoma"])]
    >>> _learn_synonyms(pairs, frozenset(), frozenset(), {})["lung"]
    frozenset({'pulmonary'})
    >>> bound = [NamePair(f"M:{i}", f"uterine ligament {head}", "X", f"broad ligament {head}")
    ...          for i, head in enumerate(["fibroma", "lipoma", "myoma", "hamartoma"])]
    >>> _learn_synonyms(bound, frozenset(), frozenset(), {})
    {}
    """
    modifiers = modifiers or {}
    support: dict[tuple[str, str], set[str]] = defaultdict(set)
    shared: dict[tuple[str, str], frozenset[str]] = {}
    for first, second, mondo_id, common in word_swaps_in_context(pairs):
        words = {first, second}
        if words & heads or words & KIND_WORDS or (first, second) in distinguishing:
            continue
        if not all(len(word) >= 3 and word.isalpha() for word in words):
            continue
        if variants.get(first, first) == variants.get(second, second):
            continue  # already one canonical word
        if max(modifiers.get(first, 0.0), modifiers.get(second, 0.0)) >= QUALIFIER_SHARE:
            continue
        support[(first, second)].add(mondo_id)
        context = common - heads
        shared[(first, second)] = shared.get((first, second), context) & context
    partners: dict[str, set[str]] = defaultdict(set)
    for (first, second), mondo_ids in support.items():
        if len(mondo_ids) >= MIN_SYNONYM_SUPPORT and not shared[(first, second)]:
            partners[first].add(second)
            partners[second].add(first)
    return {word: frozenset(others) for word, others in sorted(partners.items())}


def _learn_modifiers(pairs: list[NamePair]) -> dict[str, float]:
    """Per word: (classes where a name leaves it out + 1) / (that + MONDO class pairs it
    tells apart + 2), for words seen at least ``MIN_MODIFIER_EVIDENCE`` times.

    >>> pairs = [NamePair("M:1", "acral lentiginous melanoma", "X", "acral melanoma"),
    ...          NamePair("M:2", "childhood leukemia", "X", "childhood leukemia"),
    ...          NamePair("M:3", "leukemia", "X", "leukemia"),
    ...          NamePair("M:4", "lentiginous melanoma", "X", "lentiginous melanoma")]
    >>> _learn_modifiers(pairs + [NamePair("M:5", "skin melanoma", "X", "melanoma of skin")])
    {}
    >>> nevus = NamePair("M:6", "acral lentiginous nevus", "X", "acral nevus")
    >>> _learn_modifiers(pairs + [nevus])
    {'lentiginous': 0.75}
    """
    left_out: dict[str, set[str]] = defaultdict(set)
    labels: dict[frozenset[str], str] = {}
    for pair in pairs:
        if pair.mondo_label.startswith(OBSOLETE_PREFIX):
            continue
        mondo, other = frozenset(word_bag(pair.mondo_label)), frozenset(word_bag(pair.name))
        labels.setdefault(mondo, pair.mondo_id)
        longer, shorter = (mondo, other) if len(mondo) > len(other) else (other, mondo)
        if shorter < longer and len(longer - shorter) == 1:
            left_out[next(iter(longer - shorter))].add(pair.mondo_id)
    apart: dict[str, set[str]] = defaultdict(set)
    for bag, mondo_id in labels.items():
        for word in bag:
            if bag - {word} in labels:
                apart[word].add(mondo_id)
    shares = {}
    for word in sorted(set(left_out) | set(apart)):
        same, different = len(left_out.get(word, ())), len(apart.get(word, ()))
        if same + different >= MIN_MODIFIER_EVIDENCE:
            shares[word] = round((same + 1) / (same + different + 2), 4)
    return shares


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
    """Phrase changes between a vocabulary's names and MONDO's, counted in distinct classes.

    A change whose supporting names all share a word besides their head words is bound to
    that word, which joins both of its phrases: NCIt "Broad Ligament X" for MONDO "uterine
    ligament X" is learned as "broad ligament" -> "uterine ligament", not "broad" ->
    "uterine".

    >>> pairs = [NamePair(f"M:{i}", f"uterine ligament {h}", "NCIT", f"broad ligament {h}")
    ...          for i, h in enumerate(["adenoma", "sarcoma", "carcinoma"])]
    >>> [(r.source, r.target) for r in _learn_rewrites(pairs, NameForms())["NCIT"]]
    [(('broad', 'ligament'), ('ligament', 'uterine'))]
    """
    votes: dict[str, dict[tuple[tuple[str, ...], tuple[str, ...]], set[str]]] = defaultdict(
        lambda: defaultdict(set)
    )
    contexts: dict[str, dict[tuple[tuple[str, ...], tuple[str, ...]], frozenset[str]]] = (
        defaultdict(dict)
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
        context = frozenset(mondo & other) - forms.heads
        for vocabulary in (pair.vocabulary, ANY_VOCABULARY):
            votes[vocabulary][change].add(pair.mondo_id)
            seen = contexts[vocabulary].get(change, context)
            contexts[vocabulary][change] = seen & context
    rewrites = {}
    for vocabulary, counted in sorted(votes.items()):
        frequent = {
            _bound(change, contexts[vocabulary][change]): len(ids)
            for change, ids in counted.items()
            if len(ids) >= MIN_REWRITE_SUPPORT
        }
        holding = _phrase_counts({source for source, _ in frequent}, bags[vocabulary])
        kept = []
        for (source, target), support in frequent.items():
            ratio = support / (holding[source] + RATIO_PRIOR)
            if ratio >= (MIN_DROP_RATIO if only_drops(source, target) else MIN_REWRITE_RATIO):
                kept.append(Rewrite(source, target, support, round(ratio, 4)))
        if kept:
            rewrites[vocabulary] = tuple(sorted(kept, key=lambda r: (-r.ratio, r.source, r.target)))
    return rewrites


def _bound(
    change: tuple[tuple[str, ...], tuple[str, ...]], context: frozenset[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A change with the context words all its names share added to both phrases."""
    source, target = change
    return tuple(sorted({*source, *context})), tuple(sorted({*target, *context}))


def only_drops(source: Iterable[str], target: Iterable[str]) -> bool:
    """Whether a rewrite only leaves words out (its target is part of its source).

    >>> only_drops(("childhood",), ()), only_drops(("broad", "ligament"), ("ligament",))
    (True, True)
    >>> only_drops(("neoplasm",), ("cancer",))
    False
    """
    return set(target) <= set(source)


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
    """Each abbreviation's expansion, when at least ``ABBREVIATION_MIN_SHARE`` of its
    occurrences give that one.

    >>> _unique_expansions([("AML", "acute myeloid leukemia")] * 3 + [("AML", "x y z")])
    {'AML': ('acute', 'myeloid', 'leukemia')}
    """
    expansions: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    for short, long in pairs:
        expansions[short][tuple(words_in_order(long))] += 1
    chosen = {}
    for short, found in sorted(expansions.items()):
        if not (short.isupper() and 2 <= len(short) <= 8):
            continue
        expansion, count = found.most_common(1)[0]
        if count >= ABBREVIATION_MIN_SHARE * sum(found.values()):
            chosen[short] = expansion
    return chosen


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
    """(abbreviation, expansion) from synonyms of type ABBREVIATION or written as one
    capitalised word ("NSCLC"), and from capitalised words inside a name that another name
    of the class spells out (see :func:`abbreviations_within`)."""
    names: dict[str, set[str]] = defaultdict(set)
    for file_name in SYNONYM_FILES:
        for row in _robot_rows(shared_data / "mondo" / "synonyms" / file_name):
            if row.get("mondo_id") in exclude_mondo or not row.get("mondo_label"):
                continue
            synonym = (row.get("synonym") or "").strip()
            typed = "ABBREVIATION" in (row.get("synonym_type") or "")
            if typed or _ABBREVIATION_FORM.fullmatch(synonym):
                yield synonym, row["mondo_label"]
            elif synonym:
                names[row["mondo_id"]].add(synonym)
            names[row["mondo_id"]].add(row["mondo_label"])
            if row.get("source_label"):
                names[row["mondo_id"]].add(row["source_label"])
    for _, class_names in sorted(names.items()):
        yield from abbreviations_within(sorted(class_names))


def abbreviations_within(names: list[str]) -> Iterator[tuple[str, str]]:
    """(abbreviation, expansion) where a capitalised word of one name is spelled out by
    consecutive words of another name that holds every other word of the first.

    A name that is the capitalised word alone is spelled out by the content words of a
    whole other name.

    >>> names = ["AML with maturation", "acute myeloid leukemia with maturation"]
    >>> list(abbreviations_within(names))
    [('AML', 'acute myeloid leukemia')]
    >>> list(abbreviations_within(["ASPS", "alveolar soft part sarcoma"]))
    [('ASPS', 'alveolar soft part sarcoma')]
    """
    word_lists = [words_in_order(name) for name in names]
    for name, words in zip(names, word_lists, strict=True):
        for short in _CAPITALISED_WORD.findall(name):
            letters = short.lower()
            rest = set(words) - {letters}
            if not rest:
                yield from _whole_name_expansions(short, word_lists)
                continue
            for other in word_lists:
                if letters in other or not rest <= set(other):
                    continue
                span = abbreviated_span(letters, [w for w in other if w not in rest])
                if span and _is_run(span, other):
                    yield short, " ".join(span)
                    break


def _whole_name_expansions(short: str, word_lists: list[list[str]]) -> Iterator[tuple[str, str]]:
    """(abbreviation, name) for the first other name whose content words it spells out."""
    for other in word_lists:
        content = [word for word in other if word not in STOP_WORDS]
        if len(content) >= 2 and abbreviated_span(short.lower(), content) == tuple(content):
            yield short, " ".join(content)
            return


def _is_run(span: tuple[str, ...], words: list[str]) -> bool:
    """Whether ``span`` occurs as consecutive words of ``words``."""
    size = len(span)
    return any(tuple(words[i : i + size]) == span for i in range(len(words) - size + 1))


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
    rows += [
        ("modifier", ANY_VOCABULARY, word, "", "", str(share))
        for word, share in sorted(forms.modifiers.items())
    ]
    rows += [
        ("synonym", ANY_VOCABULARY, word, other, "", "")
        for word, others in sorted(forms.synonyms.items())
        for other in sorted(others)
        if word < other
    ]
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
    synonyms: dict[str, set[str]] = defaultdict(set)
    modifiers: dict[str, float] = {}
    for number, line in enumerate(lines[1:], start=2):
        cells = line.split("\t")
        if len(cells) != len(TABLE_COLUMNS):
            raise MappingError(f"{source}:{number}: expected {len(TABLE_COLUMNS)} columns")
        kind, vocabulary, source_text, target_text, support, ratio = cells
        if kind == "variant":
            variants[source_text] = target_text
        elif kind == "head":
            heads.add(source_text)
        elif kind == "modifier":
            modifiers[source_text] = _share(ratio, source, number)
        elif kind == "synonym":
            synonyms[source_text].add(target_text)
            synonyms[target_text].add(source_text)
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
        synonyms=MappingProxyType({w: frozenset(o) for w, o in sorted(synonyms.items())}),
        modifiers=MappingProxyType(modifiers),
    )


def _share(text: str, source: str, number: int) -> float:
    try:
        share = float(text)
    except ValueError:
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise MappingError(f"{source}:{number}: expected a share between 0 and 1, got {text!r}")
    return share


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
