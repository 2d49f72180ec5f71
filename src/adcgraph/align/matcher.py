"""Align two ontologies by their names and is_a structure, with a confidence per pair.

How a pair gets its confidence:

1. Every class contributes names: its label, then synonyms weighted by scope (EXACT above
   NARROW/BROAD/RELATED, which often name a broader or narrower idea), then names derived
   from those: a parenthesised qualifier dropped, each reading of "A/B" (either word in
   the whole name, or either name when a whole name stands before the slash), and, for an
   organ-level class that names no disease ("Breast" above "Breast Carcinoma"), "<organ>
   neoplasm".
2. Names are compared at increasingly loose normalisation levels, each with a lower factor:
   exact text after case/punctuation folding; a bag of words without stop words, plurals
   and British spellings (so inverted headings such as "Carcinoma, Ductal, Breast" meet
   "breast ductal carcinoma"); disease patterns (``tumour``/``neoplasm``, ``cancer`` =
   ``malignant neoplasm``); word variants learned from MONDO (``duodenal``/``duodenum``,
   see :mod:`adcgraph.align.nameforms`); abbreviations (learned from the two ontologies
   and from MONDO); one word swapped for a variant the two ontologies use themselves or
   a synonym learned from MONDO ("pulmonary" / "lung", unless one of the ontologies
   tells two classes apart by it; a one-word name too: "Neurilemmoma" / "Schwannoma");
   a vocabulary's head convention learned from MONDO's mappings (MeSH "Neoplasms" where
   MONDO says "cancer"), scaled by how often MONDO follows it; words that only the
   class's is_a ancestors give ("Yolk Sac Tumor" under
   "Ovarian Germ Cell Tumor"); and, between two classes nothing else claims, one
   modifier fewer ("Acral Melanoma" / "acral lentiginous melanoma"), for words MONDO's
   names leave out at least as often as they tell two diseases apart by them.
3. Labels must agree on the kind of disease: "malignant" against unspecified (or benign)
   lowers a pair, and so does "cancer" (any malignant neoplasm) against "carcinoma", and a
   metastasis against a label that names none. A label that two classes of one ontology
   share counts for less than its is_a context.
4. Structure: pairs whose parents (else children) are candidates of each other get a
   small bonus; a loose pair whose matched ancestors (in a first one-to-one pass) all
   point elsewhere in the other ontology is lowered.
5. A greedy best-first pass keeps at most one partner per class (or, for a list of names
   against a reference ontology, each source class's best target); of two equal scores,
   the pair whose labels share more words goes first.
6. Structural propagation (one-to-one only): children left unmatched under two matched
   parents are paired when their names share most of their rarity-weighted words and
   each is the other's best.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from adcgraph.align.nameforms import (
    MIN_DROP_RATIO,
    NameForms,
    Rewrite,
    only_drops,
    shipped_name_forms,
)
from adcgraph.align.text import abbreviated_span, fold_text, word_bag, words_in_order
from adcgraph.ontofile import Term

EXACT_MATCH = "skos:exactMatch"
LEXICAL_MATCHING = "semapv:LexicalMatching"
# Lexical evidence raised or found by the is_a structure.
COMPOSITE_MATCHING = "semapv:CompositeMatching"

# Scope weights: a label names the class itself; EXACT synonyms almost always do; the other
# scopes name a related idea, so they can only win when nothing better is there.
NAME_WEIGHTS = MappingProxyType(
    {"LABEL": 1.0, "EXACT": 0.92, "NARROW": 0.6, "BROAD": 0.6, "RELATED": 0.6}
)

# A name that is another's with one modifier fewer ("Acral Melanoma" / "acral lentiginous
# melanoma"): only between two classes that no other level gives a candidate.
SUBSET_FACTOR = 0.78
# Words that change the kind of disease are never the dropped modifier.
KIND_WORDS = frozenset({"malignant", "benign", "metastatic"})
MIN_MODIFIER_LENGTH = 3
# The dropped word must be left out by MONDO's names at least as often as not.
MIN_MODIFIER_SHARE = 0.5

# Structural propagation: children left unmatched under two matched parents are paired when
# their names share most of their (rarity-weighted) words, each the other's best.
SIBLING_FACTOR = 0.85
MIN_SIBLING_SIMILARITY = 0.7

# One factor per normalisation level, loosest last. The first five are exact key lookups;
# then one word swapped for a variant the two ontologies use; then a vocabulary's learned
# head convention (scaled by how often MONDO's mappings follow it); then words that only
# the class's is_a ancestors give.
EXACT_LEVELS = (
    "folded text",
    "bag of words",
    "disease pattern",
    "learned name forms",
    "abbreviations expanded",
)
LEVEL_NAMES = (
    *EXACT_LEVELS,
    "learned word variant",
    "vocabulary convention",
    "is_a context",
    "one modifier fewer",
    "shared words under matched parents",
)
LEVEL_FACTORS = (1.0, 0.98, 0.94, 0.91, 0.9, 0.88, 0.9, 0.8, SUBSET_FACTOR, SIBLING_FACTOR)
CANONICAL_LEVEL = EXACT_LEVELS.index("learned name forms")
SUBSTITUTION_LEVEL = len(EXACT_LEVELS)
CONVENTION_LEVEL = SUBSTITUTION_LEVEL + 1
CONTEXT_LEVEL = SUBSTITUTION_LEVEL + 2
SUBSET_LEVEL = SUBSTITUTION_LEVEL + 3
SIBLING_LEVEL = SUBSTITUTION_LEVEL + 4
STRUCTURAL_LEVELS = frozenset({CONTEXT_LEVEL, SIBLING_LEVEL})

# Derived names: a name with a parenthesised qualifier dropped, one part of "A/B", and an
# organ-level class that names no disease ("Breast" over "Breast Carcinoma" ...) read as
# "<organ> neoplasm".
WITHOUT_QUALIFIER_WEIGHT = 0.95
SLASH_PART_WEIGHT = 0.85
IMPLIED_HEAD_WEIGHT = 0.7
IMPLIED_HEAD = "neoplasm"
# A word that ends this many labels of an ontology is one of its head words.
MIN_LABEL_ENDS = 1
# How far up the is_a hierarchy a class's context words are collected.
CONTEXT_DEPTH = 3
MAX_CONTEXT_WORDS = 2
# A label shared by two classes of one ontology: plain matches of it are lowered, matches
# that its is_a context completes are raised to this level.
AMBIGUOUS_LABEL_FACTOR = 0.9
AMBIGUOUS_CONTEXT_LEVEL_FACTOR = 0.97
# Only labels and exact synonyms take part in is_a context matching.
CONTEXT_MIN_WEIGHT = 0.9

# A label that says "malignant" (or carcinoma, sarcoma ...) against one that does not is a
# weaker match; against one that says "benign" it is almost certainly wrong.
MALIGNANCY_UNSPECIFIED_FACTOR = 0.9
MALIGNANCY_CONFLICT_FACTOR = 0.5
# "cancer" (any malignant neoplasm) in one label and "carcinoma" (the epithelial kind) in
# the other: a carcinoma class that lists "cancer" as a synonym should lose to the class
# that is labelled "malignant neoplasm".
CANCER_VS_CARCINOMA_FACTOR = 0.95
# A label that names a metastasis against one that does not: a spread of a cancer is not
# the cancer where it began ("Metastatic Carcinoma in the Adrenal Cortex").
METASTATIC_WORDS = frozenset({"metastatic", "metastasis", "secondary"})
METASTATIC_CONFLICT_FACTOR = 0.6

PARENT_BONUS = 0.03
CHILD_BONUS = 0.02
# A loose match whose matched ancestors point elsewhere in the other ontology.
CONTEXT_CONFLICT_FACTOR = 0.85
CONFLICT_DEPTH = 4
DEFAULT_THRESHOLD = 0.5
# Scores equal to this many digits are a tie.
SCORE_DIGITS = 6

NEOPLASM_WORDS = frozenset({"tumor", "neoplasm", "neoplasia"})
# Words that already say "malignant", so an extra "malignant" adds nothing.
MALIGNANT_SUFFIXES = ("carcinoma", "sarcoma", "blastoma", "melanoma", "lymphoma", "leukemia")

_CAPITALISED_WORD = re.compile(r"\b[A-Z][A-Z0-9]{1,5}\b")
_PARENTHESISED = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_SLASH_BETWEEN_WORDS = re.compile(r"(?<=[A-Za-z])\s*/\s*(?=[A-Za-z])")
# One slash between two words, each taken whole ("NK/T" in "NK/T-cell lymphoma").
_SLASH_WORDS = re.compile(r"([A-Za-z][A-Za-z0-9]*)\s*/\s*([A-Za-z][A-Za-z0-9]*)")


@dataclass(frozen=True)
class PredictedMapping:
    """One predicted correspondence, ready to be written as an SSSOM row."""

    subject_id: str
    subject_label: str | None
    object_id: str
    object_label: str | None
    predicate_id: str
    confidence: float
    mapping_justification: str
    match_string: str
    evidence: str = ""


@dataclass(frozen=True)
class Lexicon:
    """Rewrites learned from the ontologies: abbreviation expansions and word variants."""

    abbreviations: Mapping[str, tuple[str, ...]]
    word_variants: Mapping[str, frozenset[str]]


@dataclass(frozen=True)
class TermName:
    """One name of a class (label or synonym) with the weight its scope gives it."""

    term_id: str
    text: str
    weight: float
    scope: str = "LABEL"


@dataclass(frozen=True)
class _Candidate:
    score: float
    source_name: str
    target_name: str
    level: int
    source_scope: str = "LABEL"
    target_scope: str = "LABEL"
    structure: str = ""
    # Dice share of the two labels' canonical words: breaks ties between equal scores.
    label_overlap: float = 0.0


@dataclass(frozen=True)
class _KeyedName:
    name: TermName
    keys: tuple[str, ...]
    canonical_bag: frozenset[str]


@dataclass(frozen=True)
class _Side:
    """One ontology prepared for matching: its terms, vocabulary and keyed names."""

    terms: Mapping[str, Term]
    vocabulary: str | None
    names: list[_KeyedName]


def match_ontologies(
    source: Mapping[str, Term],
    target: Mapping[str, Term],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    name_forms: NameForms | None = None,
    one_to_one: bool = True,
) -> list[PredictedMapping]:
    """Align ``source`` to ``target``; return mappings with confidence >= threshold.

    With ``one_to_one`` (two ontologies of the same granularity) every class has at most
    one partner; without it every source class keeps its best target, and several source
    classes may share one (a list of names against a reference ontology).
    ``name_forms`` defaults to the table shipped with adcgraph (learned from MONDO).

    >>> a = {"A:1": Term("A:1", "Breast Tumour", (), (), None, False)}
    >>> b = {"B:1": Term("B:1", "tumor of the breast", (), (), None, False)}
    >>> [(m.subject_id, m.object_id) for m in match_ontologies(a, b)]
    [('A:1', 'B:1')]
    """
    forms = shipped_name_forms() if name_forms is None else name_forms
    source_terms = _live_terms(source)
    target_terms = _live_terms(target)
    learned = learn_lexicon([*source_terms.values(), *target_terms.values()])
    variants = merged_variants(
        learned.word_variants, forms.synonyms, (source_terms.values(), target_terms.values())
    )
    lexicon = Lexicon({**forms.abbreviations, **learned.abbreviations}, variants)
    source_side = _prepare_side(source_terms, lexicon, forms)
    target_side = _prepare_side(target_terms, lexicon, forms)
    candidates = _lexical_candidates(source_side, target_side, lexicon, forms)
    scored = _add_structure(candidates, source_terms, target_terms, threshold)
    if one_to_one:
        chosen = _select_one_to_one(scored, threshold)
        siblings = sibling_matches(chosen, source_side, target_side)
        scored.update(siblings)
        chosen += _select_one_to_one(siblings, threshold)
    else:
        chosen = _select_best_per_source(scored, threshold)
    return [
        _predicted_mapping(source_terms[s], target_terms[t], scored[(s, t)])
        for s, t in sorted(chosen)
    ]


def vocabulary_of(terms: Mapping[str, Term]) -> str | None:
    """The identifier prefix most classes share, upper-cased (None without prefixes).

    >>> vocabulary_of({"mesh:D1": Term("mesh:D1", "x", (), (), None, False)})
    'MESH'
    """
    prefixes = Counter(
        term_id.split(":", 1)[0].upper()
        for term_id in terms
        if ":" in term_id and "//" not in term_id
    )
    return prefixes.most_common(1)[0][0] if prefixes else None


def merged_variants(
    own: Mapping[str, frozenset[str]],
    learned: Mapping[str, frozenset[str]],
    ontologies: Iterable[Iterable[Term]],
) -> Mapping[str, frozenset[str]]:
    """The ontologies' own word variants joined with the word synonyms learned from MONDO,
    less any synonym that alone tells two classes of one of the ontologies apart.

    >>> terms = [[Term("A:1", "Lymphoblastic Leukemia", (), (), None, False),
    ...           Term("A:2", "Lymphocytic Leukemia", (), (), None, False)]]
    >>> learned = {"lung": frozenset({"pulmonary"}), "pulmonary": frozenset({"lung"}),
    ...            "lymphoblastic": frozenset({"lymphocytic"}),
    ...            "lymphocytic": frozenset({"lymphoblastic"})}
    >>> sorted(merged_variants({}, learned, terms))
    ['lung', 'pulmonary']
    """
    distinguishing = {swap for terms in ontologies for swap in _label_swaps(terms, learned)}
    merged: dict[str, set[str]] = defaultdict(set)
    for word, others in own.items():
        merged[word] |= others
    for word, others in learned.items():
        merged[word] |= {o for o in others if (min(word, o), max(word, o)) not in distinguishing}
    return MappingProxyType({w: frozenset(o) for w, o in sorted(merged.items()) if o})


def _label_swaps(
    terms: Iterable[Term], pairs: Mapping[str, frozenset[str]]
) -> set[tuple[str, str]]:
    """Word pairs (a, b), a < b, of ``pairs`` that are the only difference between two
    labels."""
    by_rest: dict[str, set[str]] = defaultdict(set)
    for term in terms:
        for left_out, rest in _leave_one_out(" ".join(pattern_words(term.label or ""))):
            if left_out in pairs:
                by_rest[rest].add(left_out)
    return {
        (min(word, other), max(word, other))
        for words in by_rest.values()
        if len(words) > 1
        for word in words
        for other in pairs[word] & words
    }


def _live_terms(terms: Mapping[str, Term]) -> dict[str, Term]:
    return {term_id: term for term_id, term in terms.items() if not term.deprecated}


# --- names and normalisation ---------------------------------------------------------------


def term_names(term: Term) -> list[TermName]:
    """List a term's label and synonyms with their weights, best first.

    >>> from adcgraph.ontofile import Synonym
    >>> t = Term("A:1", "Lung Cancer", (Synonym("LC", "RELATED"),), (), None, False)
    >>> [(n.text, n.weight) for n in term_names(t)]
    [('Lung Cancer', 1.0), ('LC', 0.6)]
    """
    names = []
    if term.label:
        names.append(TermName(term.id, term.label, NAME_WEIGHTS["LABEL"]))
    for synonym in term.synonyms:
        names.append(TermName(term.id, synonym.text, NAME_WEIGHTS[synonym.scope], synonym.scope))
    return sorted(names, key=lambda name: -name.weight)


def derived_names(
    term: Term,
    names: list[TermName],
    heads: frozenset[str],
    has_children: bool,
    name_ends: frozenset[str] = frozenset(),
) -> list[TermName]:
    """Extra names read off a class's own names: qualifiers dropped, each reading of "A/B"
    (see :func:`slash_readings`; ``name_ends`` are the words names end in), and an
    organ-level class that names no disease read as "<organ> neoplasm".

    >>> t = Term("O:1", "Spiroma/Spiradenoma (Skin)", (), (), None, False)
    >>> [n.text for n in derived_names(t, term_names(t), frozenset({"spiradenoma"}), False)]
    ['Spiroma/Spiradenoma', 'Spiroma', 'Spiradenoma']
    """
    extra: list[TermName] = []
    for name in names:
        text = name.text
        without = " ".join(_PARENTHESISED.sub("", text).split())
        if without and without != text:
            extra.append(
                TermName(term.id, without, name.weight * WITHOUT_QUALIFIER_WEIGHT, name.scope)
            )
            text = without
        weight = name.weight * SLASH_PART_WEIGHT
        extra += [
            TermName(term.id, part, weight, name.scope)
            for part in slash_readings(text, heads | name_ends)
        ]
    label_words = set(words_in_order(term.label or ""))
    if has_children and term.label and heads and not label_words & heads:
        implied = f"{term.label} {IMPLIED_HEAD}"
        extra.append(TermName(term.id, implied, IMPLIED_HEAD_WEIGHT, "DERIVED"))
    return extra


def slash_readings(text: str, name_ends: frozenset[str] = frozenset()) -> list[str]:
    """The names "A/B" stands for, in order and without repeats.

    A slash between two words offers either word in the rest of the name ("Acute
    Monoblastic/Monocytic Leukemia" is "Acute Monoblastic Leukemia" or "Acute Monocytic
    Leukemia"). When the text before the slash is itself a name of two words or more, ending
    in a word that names end in (``name_ends``: head words, the last words of an ontology's
    labels), the slash joins two whole names ("Uterine Carcinosarcoma/Uterine Malignant
    Mixed Mullerian Tumor"), and each side is read as one.

    >>> slash_readings("nasal type extranodal NK/T-cell lymphoma")
    ['nasal type extranodal NK-cell lymphoma', 'nasal type extranodal T-cell lymphoma']
    >>> slash_readings("Serous Carcinoma/Papillary Serous Carcinoma", frozenset({"carcinoma"}))
    ['Serous Carcinoma', 'Papillary Serous Carcinoma']
    """
    if "/" not in text:
        return []
    parts = [part.strip() for part in _SLASH_BETWEEN_WORDS.split(text)]
    first_words = words_in_order(parts[0])
    if len(parts) > 1 and len(first_words) >= 2 and first_words[-1] in name_ends:
        readings = [part for part in parts if part]
    else:
        readings = [
            " ".join(f"{text[: match.start()]}{word}{text[match.end() :]}".split())
            for match in _SLASH_WORDS.finditer(text)
            for word in (match.group(1), match.group(2))
        ]
    return list(dict.fromkeys(reading for reading in readings if reading != text))


def disease_pattern(words: Iterable[str]) -> list[str]:
    """Rewrite a word bag so that "cancer", "malignant tumor" and "malignant neoplasm" agree.

    >>> disease_pattern(["cancer", "lung"])
    ['lung', 'malignant', 'neoplasm']
    >>> disease_pattern(["malignant", "tumor", "lung"])
    ['lung', 'malignant', 'neoplasm']
    >>> disease_pattern(["adenocarcinoma", "malignant"])
    ['adenocarcinoma']
    """
    rewritten: list[str] = []
    for word in words:
        if word == "cancer":
            rewritten += ["malignant", "neoplasm"]
        elif word in NEOPLASM_WORDS:
            rewritten.append("neoplasm")
        else:
            rewritten.append(word)
    already_malignant = any(word.endswith(MALIGNANT_SUFFIXES) for word in rewritten)
    if already_malignant:
        rewritten = [word for word in rewritten if word != "malignant"]
    return sorted(set(rewritten))


def name_keys(text: str, lexicon: Lexicon, forms: NameForms | None = None) -> tuple[str, ...]:
    """The comparison key of a name at each exact-lookup level, strictest first.

    The fourth key spells words in their learned canonical form; the last also expands
    abbreviations written in capitals ("NET", not "net").

    >>> lexicon = Lexicon({"NET": ("neuroendocrine", "tumor")}, {})
    >>> name_keys("Appendix NET", lexicon)[2:]
    ('appendix net', 'appendix net', 'appendix neoplasm neuroendocrine')
    """
    forms = forms or NameForms()
    bag = word_bag(text)
    pattern = " ".join(disease_pattern(bag))
    canonical = " ".join(disease_pattern(forms.canonical(bag)))
    expanded_text = expand_abbreviations(text, lexicon)
    if expanded_text == text:
        expanded = canonical
    else:
        expanded = " ".join(disease_pattern(forms.canonical(word_bag(expanded_text))))
    return fold_text(text), " ".join(bag), pattern, canonical, expanded


def pattern_words(text: str) -> list[str]:
    """The disease-pattern word bag of a name (see :func:`disease_pattern`).

    >>> pattern_words("Cancer of the Lung")
    ['lung', 'malignant', 'neoplasm']
    """
    return disease_pattern(word_bag(text))


def expand_abbreviations(text: str, lexicon: Lexicon) -> str:
    """Replace capitalised abbreviations that the lexicon knows by their expansion.

    >>> expand_abbreviations("Appendix NET", Lexicon({"NET": ("neuroendocrine", "tumor")}, {}))
    'Appendix neuroendocrine tumor'
    """
    return _CAPITALISED_WORD.sub(
        lambda match: " ".join(lexicon.abbreviations.get(match.group(0), (match.group(0),))),
        text,
    )


# --- learning the lexicon from the ontologies ----------------------------------------------


def learn_lexicon(terms: Iterable[Term], *, min_support: int = 2) -> Lexicon:
    """Learn abbreviations and word variants from names that one class gives itself.

    An abbreviation is an all-capitals word in one name whose letters are the initials of
    consecutive words in another name of the same class. A word variant is a pair of words
    that are the only difference between two names of one class, seen in at least
    ``min_support`` classes.

    >>> from adcgraph.ontofile import Synonym
    >>> def t(i, *names):
    ...     return Term(i, names[0], tuple(Synonym(n, "EXACT") for n in names[1:]), (), None, False)
    >>> lexicon = learn_lexicon([
    ...     t("A:1", "Penile Carcinoma", "Carcinoma of the Penis"),
    ...     t("A:2", "Penile Melanoma", "Melanoma of Penis"),
    ...     t("A:3", "Neuroendocrine Tumor", "NET"),
    ... ])
    >>> lexicon.word_variants["penile"], lexicon.abbreviations["NET"]
    (frozenset({'penis'}), ('neuroendocrine', 'tumor'))
    """
    abbreviation_votes: dict[str, Counter[tuple[str, ...]]] = defaultdict(Counter)
    variant_votes: Counter[tuple[str, str]] = Counter()
    patterns_by_text: dict[str, frozenset[str]] = {}
    for term in terms:
        texts = [name.text for name in term_names(term)]
        for short, expansion in _abbreviations_in(texts):
            abbreviation_votes[short][expansion] += 1
        for text in texts:
            if text not in patterns_by_text:
                patterns_by_text[text] = frozenset(pattern_words(text))
        variant_votes.update(_word_variants_in([patterns_by_text[text] for text in texts]))
    abbreviations = {
        short: votes.most_common(1)[0][0] for short, votes in sorted(abbreviation_votes.items())
    }
    partners: dict[str, set[str]] = defaultdict(set)
    for (first, second), count in variant_votes.items():
        if count >= min_support:
            partners[first].add(second)
            partners[second].add(first)
    return Lexicon(
        abbreviations=MappingProxyType(abbreviations),
        word_variants=MappingProxyType(
            {word: frozenset(others) for word, others in sorted(partners.items())}
        ),
    )


def _abbreviations_in(texts: list[str]) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Yield (abbreviation, expansion words) found among the names of one class."""
    abbreviations = {word for text in texts for word in _CAPITALISED_WORD.findall(text)}
    if not abbreviations:
        return
    word_lists = [words_in_order(text) for text in texts]
    for abbreviation in sorted(abbreviations):
        letters = abbreviation.lower()
        for words in word_lists:
            if letters in words:
                continue
            span = abbreviated_span(letters, words)
            if span:
                yield abbreviation, span
                break


def _word_variants_in(bags: list[frozenset[str]]) -> set[tuple[str, str]]:
    """Word pairs that alone tell two word bags of one class apart, as (a, b) with a < b.

    Only alphabetic words of three letters or more count: numbers and stage letters
    ("ii", "1", "v7") differ between names for reasons other than wording.
    """
    variants = set()
    for first in set(bags):
        for second in set(bags):
            only_first, only_second = first - second, second - first
            if len(only_first) != 1 or len(only_second) != 1:
                continue
            pair = (next(iter(only_first)), next(iter(only_second)))
            if pair[0] < pair[1] and all(len(w) >= 3 and w.isalpha() for w in pair):
                variants.add(pair)
    return variants


# --- candidates, structure and selection ---------------------------------------------------


def _prepare_side(terms: Mapping[str, Term], lexicon: Lexicon, forms: NameForms) -> _Side:
    """Key every name (own and derived) of every class once."""
    with_children = {parent for term in terms.values() for parent in term.parents}
    name_ends = _label_ends(terms.values())
    keys_by_text: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {}
    keyed = []
    for term in terms.values():
        names = term_names(term)
        names += derived_names(term, names, forms.heads, term.id in with_children, name_ends)
        for name in names:
            if name.text not in keys_by_text:
                keys = name_keys(name.text, lexicon, forms)
                bag = frozenset(forms.canonical(word_bag(name.text)))
                keys_by_text[name.text] = (keys, bag)
            keys, bag = keys_by_text[name.text]
            keyed.append(_KeyedName(name, keys, bag))
    return _Side(terms, vocabulary_of(terms), keyed)


def _label_ends(terms: Iterable[Term]) -> frozenset[str]:
    """Words that end the labels of at least ``MIN_LABEL_ENDS`` classes (an ontology's own
    head words: "carcinosarcoma", "leukemia")."""
    ends = Counter(words[-1] for term in terms if (words := words_in_order(term.label or "")))
    return frozenset(word for word, count in ends.items() if count >= MIN_LABEL_ENDS)


def _lexical_candidates(
    source: _Side, target: _Side, lexicon: Lexicon, forms: NameForms
) -> dict[tuple[str, str], _Candidate]:
    """Best candidate per (source, target) pair over all names and levels."""
    best: dict[tuple[str, str], _Candidate] = {}
    for level in range(len(EXACT_LEVELS)):
        index: dict[str, list[TermName]] = defaultdict(list)
        for keyed in target.names:
            index[keyed.keys[level]].append(keyed.name)
        for keyed in source.names:
            for target_name in index.get(keyed.keys[level], ()):
                _keep_best(best, keyed.name, target_name, level)
    substitutions = _one_substitution_matches(source.names, target.names, lexicon, forms.heads)
    for name, target_name in substitutions:
        _keep_best(best, name, target_name, SUBSTITUTION_LEVEL)
    for name, target_name, factor in _convention_matches(source, target, forms):
        _keep_best(best, name, target_name, CONVENTION_LEVEL, factor)
    for name, target_name in _context_matches(source, target, forms):
        _keep_best(best, name, target_name, CONTEXT_LEVEL)
    claimed = {s for s, _ in best} | {t for _, t in best}
    for name, target_name in _modifier_matches(source, target, forms):
        if name.term_id not in claimed and target_name.term_id not in claimed:
            _keep_best(best, name, target_name, SUBSET_LEVEL)
    ambiguous = _ambiguous_labels(source, forms) | _ambiguous_labels(target, forms)
    profiles = {term_id: _label_profile(term) for term_id, term in source.terms.items()}
    profiles |= {term_id: _label_profile(term) for term_id, term in target.terms.items()}
    label_bags = _label_bags(source, forms) | _label_bags(target, forms)
    return {
        pair: replace(
            candidate,
            score=candidate.score
            * _label_agreement(profiles[pair[0]], profiles[pair[1]])
            * _ambiguity_factor(candidate, ambiguous & set(pair)),
            label_overlap=label_overlap(label_bags[pair[0]], label_bags[pair[1]]),
        )
        for pair, candidate in best.items()
    }


def _label_bags(side: _Side, forms: NameForms) -> dict[str, frozenset[str]]:
    return {
        term_id: frozenset(disease_pattern(forms.canonical(word_bag(term.label or ""))))
        for term_id, term in side.terms.items()
    }


def label_overlap(first: frozenset[str], second: frozenset[str]) -> float:
    """Dice share of two labels' words, which breaks a tie between two equally scored
    partners: a synonym a class shares with its subclass ("Classical Hodgkin Lymphoma" on
    both "Classic Hodgkin Lymphoma" and "Adult Classic Hodgkin Lymphoma") goes to the class
    whose label is nearer.

    >>> label_overlap(frozenset({"classical", "hodgkin", "lymphoma"}),
    ...               frozenset({"classic", "hodgkin", "lymphoma"}))
    0.6667
    """
    total = len(first) + len(second)
    return round(2 * len(first & second) / total, 4) if total else 0.0


def _ambiguous_labels(side: _Side, forms: NameForms) -> set[str]:
    """Classes whose label (canonical key) another class of the same ontology shares, as
    OncoTree's "Dysgerminoma" under both Ovary and Testis."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for term_id, term in side.terms.items():
        if term.label:
            by_key[" ".join(disease_pattern(forms.canonical(word_bag(term.label))))].append(term_id)
    return {term_id for ids in by_key.values() if len(ids) > 1 for term_id in ids}


def _ambiguity_factor(candidate: _Candidate, ambiguous: set[str]) -> float:
    """A label two classes share says less than its is_a context: the context match is
    raised to a plain one, and a plain match is lowered."""
    if not ambiguous:
        return 1.0
    if candidate.level == CONTEXT_LEVEL:
        return AMBIGUOUS_CONTEXT_LEVEL_FACTOR / LEVEL_FACTORS[CONTEXT_LEVEL]
    return AMBIGUOUS_LABEL_FACTOR


def _keep_best(
    best: dict[tuple[str, str], _Candidate],
    name: TermName,
    target_name: TermName,
    level: int,
    factor: float = 1.0,
) -> None:
    score = name.weight * target_name.weight * LEVEL_FACTORS[level] * factor
    pair = (name.term_id, target_name.term_id)
    if pair not in best or score > best[pair].score:
        best[pair] = _Candidate(
            score, name.text, target_name.text, level, name.scope, target_name.scope
        )


def _one_substitution_matches(
    source_keys: list[_KeyedName],
    target_keys: list[_KeyedName],
    lexicon: Lexicon,
    heads: frozenset[str] = frozenset(),
) -> Iterator[tuple[TermName, TermName]]:
    """Name pairs whose disease-pattern word bags differ by one learned word variant.

    Only one word may be swapped, so variants never chain (a~b and b~c do not make a~c).
    Head words (``carcinoma``, ``neoplasm`` ...) are never swapped: an ontology that calls
    one class both "X carcinoma" and "X neoplasm" does not make the two heads equal.
    """
    pattern_level = EXACT_LEVELS.index("disease pattern")
    index: dict[str, list[tuple[str, TermName]]] = defaultdict(list)
    for keyed in target_keys:
        for left_out, rest in _swappable_words(keyed.keys[pattern_level]):
            index[rest].append((left_out, keyed.name))
    for keyed in source_keys:
        for left_out, rest in _swappable_words(keyed.keys[pattern_level]):
            variants = lexicon.word_variants.get(left_out, frozenset()) - heads
            if left_out in heads or not variants:
                continue
            for target_left_out, target_name in index.get(rest, ()):
                if target_left_out in variants:
                    yield keyed.name, target_name


def convention_factor(ratio: float) -> float:
    """How much a learned head convention is trusted, from the share of mappings that use it.

    >>> round(convention_factor(1.0), 2), round(convention_factor(0.2), 2)
    (1.0, 0.67)
    """
    return ratio**0.25


def rewritten_keys(bag: frozenset[str], rewrites: Iterable[Rewrite]) -> dict[str, float]:
    """Disease-pattern keys of a canonical word bag after one learned rewrite each.

    >>> rewritten_keys(frozenset({"kidney", "neoplasm"}),
    ...                [Rewrite(("neoplasm",), ("cancer",), 9, 0.2)])
    {'kidney malignant neoplasm': 0.6687}
    """
    keys: dict[str, float] = {}
    for rewrite in rewrites:
        if not bag.issuperset(rewrite.source):
            continue
        kept = bag - set(rewrite.source)
        drops = kept.issuperset(rewrite.target) or only_drops(rewrite.source, rewrite.target)
        if drops and rewrite.ratio < MIN_DROP_RATIO:
            continue  # in effect it only drops words, which needs a stronger convention
        rest = kept | set(rewrite.target)
        if not rest:
            continue
        key = " ".join(disease_pattern(rest))
        factor = round(convention_factor(rewrite.ratio), 4)
        if factor > keys.get(key, 0.0):
            keys[key] = factor
    return keys


def _convention_matches(
    source: _Side, target: _Side, forms: NameForms
) -> Iterator[tuple[TermName, TermName, float]]:
    """Name pairs that agree once one side's head phrase is rewritten as MONDO writes it."""
    source_index = _convention_index(source, forms)
    target_index = _convention_index(target, forms)
    for key, source_entries in source_index.items():
        for target_name, target_factor in target_index.get(key, ()):
            for name, source_factor in source_entries:
                if source_factor < 1.0 or target_factor < 1.0:
                    yield name, target_name, source_factor * target_factor


def _convention_index(side: _Side, forms: NameForms) -> dict[str, list[tuple[TermName, float]]]:
    rewrites = forms.rewrites_for(side.vocabulary)
    by_word: dict[str, list[Rewrite]] = defaultdict(list)
    for rewrite in rewrites:
        by_word[rewrite.source[0]].append(rewrite)
    index: dict[str, list[tuple[TermName, float]]] = defaultdict(list)
    cache: dict[frozenset[str], dict[str, float]] = {}
    for keyed in side.names:
        index[keyed.keys[CANONICAL_LEVEL]].append((keyed.name, 1.0))
        bag = keyed.canonical_bag
        if bag not in cache:
            applicable = [r for word in bag for r in by_word.get(word, ())]
            cache[bag] = rewritten_keys(bag, applicable)
        for key, factor in cache[bag].items():
            index[key].append((keyed.name, factor))
    return index


def _context_matches(
    source: _Side, target: _Side, forms: NameForms
) -> Iterator[tuple[TermName, TermName]]:
    """Name pairs where one name has at most two more words, all found in the other
    class's is_a ancestors ("Yolk Sac Tumor" under "Ovarian Germ Cell Tumor" and
    "ovarian yolk sac tumor")."""
    source_context = _context_words(source.terms, forms)
    target_context = _context_words(target.terms, forms)
    yield from _contained_matches(source.names, target.names, source_context)
    for target_name, name in _contained_matches(target.names, source.names, target_context):
        yield name, target_name


def _contained_matches(
    shorter: list[_KeyedName], longer: list[_KeyedName], context: Mapping[str, frozenset[str]]
) -> Iterator[tuple[TermName, TermName]]:
    by_key: dict[frozenset[str], list[tuple[_KeyedName, frozenset[str]]]] = defaultdict(list)
    for keyed in shorter:
        extra_words = context.get(keyed.name.term_id, frozenset())
        if extra_words and keyed.name.weight >= CONTEXT_MIN_WEIGHT:
            by_key[frozenset(keyed.keys[CANONICAL_LEVEL].split())].append((keyed, extra_words))
    removable = frozenset(w for entries in by_key.values() for _, extra in entries for w in extra)
    for keyed in longer:
        if keyed.name.weight < CONTEXT_MIN_WEIGHT:
            continue
        words = frozenset(keyed.keys[CANONICAL_LEVEL].split())
        candidates = sorted(words & removable)
        if len(words) < 2 or not candidates:
            continue
        for removed in _small_subsets(candidates):
            rest = words - removed
            for short, extra_words in by_key.get(rest, ()) if rest else ():
                if removed <= extra_words:
                    yield short.name, keyed.name


def _modifier_matches(
    source: _Side, target: _Side, forms: NameForms
) -> Iterator[tuple[TermName, TermName]]:
    """Name pairs where one canonical word bag is the other's with one modifier more.

    The modifier is not a head word, nor a word that says what kind of disease it is
    (``malignant``, ``benign``), nor one that MONDO more often uses to tell two diseases
    apart than leaves out of a disease's names (``childhood``); the shorter name has two
    words or more, or is one word that is no head word naming a class without subclasses
    ("Acrospiroma" / "eccrine acrospiroma"), and a shorter name's class with subclasses of
    its own meets only a class that has subclasses too (a broad class is not a narrow leaf
    of the other).
    """
    yield from _one_more_word(source, target, forms)
    for target_name, name in _one_more_word(target, source, forms):
        yield name, target_name


def _one_more_word(
    shorter: _Side, longer: _Side, forms: NameForms
) -> Iterator[tuple[TermName, TermName]]:
    shorter_parents = {parent for term in shorter.terms.values() for parent in term.parents}
    longer_parents = {parent for term in longer.terms.values() for parent in term.parents}
    by_bag: dict[frozenset[str], list[TermName]] = defaultdict(list)
    for keyed in shorter.names:
        if keyed.name.weight < CONTEXT_MIN_WEIGHT:
            continue
        words = frozenset(keyed.keys[CANONICAL_LEVEL].split())
        if len(words) >= 2 or _leaf_disease_word(words, keyed.name.term_id, shorter_parents, forms):
            by_bag[words].append(keyed.name)
    for keyed in longer.names:
        if keyed.name.weight < CONTEXT_MIN_WEIGHT:
            continue
        words = frozenset(keyed.keys[CANONICAL_LEVEL].split())
        for word in words:
            if word in forms.heads or word in KIND_WORDS or not _modifier_word(word):
                continue
            if forms.modifier_share(word) < MIN_MODIFIER_SHARE:
                continue
            for short in by_bag.get(words - {word}, ()):
                broader = short.term_id in shorter_parents
                if not broader or keyed.name.term_id in longer_parents:
                    yield short, keyed.name


def _leaf_disease_word(
    words: frozenset[str], term_id: str, parents: set[str], forms: NameForms
) -> bool:
    """A one-word name that may meet a two-word one: a class without subclasses (not an
    organ above its diseases), named by a word that is not a bare head ("carcinoma")."""
    return len(words) == 1 and not words & forms.heads and term_id not in parents


def _modifier_word(word: str) -> bool:
    return len(word) >= MIN_MODIFIER_LENGTH and word.isalpha()


def _small_subsets(words: list[str]) -> Iterator[frozenset[str]]:
    for first in range(len(words)):
        yield frozenset({words[first]})
        if MAX_CONTEXT_WORDS > 1:
            for second in range(first + 1, len(words)):
                yield frozenset({words[first], words[second]})


def _context_words(terms: Mapping[str, Term], forms: NameForms) -> dict[str, frozenset[str]]:
    """Canonical words of each class's ancestors (up to ``CONTEXT_DEPTH`` levels) that its
    own label lacks."""
    label_words = {
        term_id: frozenset(disease_pattern(forms.canonical(word_bag(term.label or ""))))
        for term_id, term in terms.items()
    }
    context = {}
    for term_id, term in terms.items():
        words: set[str] = set()
        frontier = list(term.parents)
        for _ in range(CONTEXT_DEPTH):
            words.update(w for parent in frontier for w in label_words.get(parent, ()))
            frontier = [p for parent in frontier if parent in terms for p in terms[parent].parents]
        context[term_id] = frozenset(words - label_words[term_id])
    return context


def _swappable_words(key: str) -> Iterator[tuple[str, str]]:
    """Each word of a key with the rest; a one-word key is its word with an empty rest
    (a one-word name meets its learned synonym: "Neurilemmoma" / "Schwannoma")."""
    words = key.split()
    if len(words) == 1:
        yield words[0], ""
    yield from _leave_one_out(key)


def _leave_one_out(key: str) -> Iterator[tuple[str, str]]:
    words = key.split()
    if len(words) < 2:
        return
    for position, word in enumerate(words):
        yield word, " ".join(words[:position] + words[position + 1 :])


def label_malignancy(term: Term) -> str:
    """Whether the label calls the class "malignant", "benign" or leaves it "unspecified".

    >>> label_malignancy(Term("A:1", "Gastric Cancer", (), (), None, False))
    'malignant'
    >>> label_malignancy(Term("A:2", "Gastric Neoplasm", (), (), None, False))
    'unspecified'
    """
    words = disease_pattern(word_bag(term.label or ""))
    if "benign" in words:
        return "benign"
    if "malignant" in words or any(word.endswith(MALIGNANT_SUFFIXES) for word in words):
        return "malignant"
    return "unspecified"


def label_head(term: Term) -> str | None:
    """``"cancer"`` if the label names any malignant neoplasm, ``"carcinoma"`` if it names
    the epithelial kind, else None.

    >>> label_head(Term("A:1", "Malignant Rectal Neoplasm", (), (), None, False))
    'cancer'
    >>> label_head(Term("A:2", "Rectal Adenocarcinoma", (), (), None, False))
    'carcinoma'
    """
    words = word_bag(term.label or "")
    if "cancer" in words or ("malignant" in words and NEOPLASM_WORDS & set(words)):
        return "cancer"
    if any(word.endswith("carcinoma") for word in words):
        return "carcinoma"
    return None


LabelProfile = tuple[str, str | None, bool]


def _label_profile(term: Term) -> LabelProfile:
    metastatic = bool(METASTATIC_WORDS & set(word_bag(term.label or "")))
    return label_malignancy(term), label_head(term), metastatic


def _label_agreement(first: LabelProfile, second: LabelProfile) -> float:
    """Factor for what two labels say about the kind of disease (1.0 when they agree)."""
    factor = 1.0
    if first[0] != second[0]:
        unspecified = "unspecified" in (first[0], second[0])
        factor *= MALIGNANCY_UNSPECIFIED_FACTOR if unspecified else MALIGNANCY_CONFLICT_FACTOR
    if {first[1], second[1]} == {"cancer", "carcinoma"}:
        factor *= CANCER_VS_CARCINOMA_FACTOR
    if first[2] != second[2]:
        factor *= METASTATIC_CONFLICT_FACTOR
    return factor


def _scaled(candidate: _Candidate, factor: float) -> _Candidate:
    return replace(candidate, score=candidate.score * factor)


def _add_structure(
    candidates: Mapping[tuple[str, str], _Candidate],
    source: Mapping[str, Term],
    target: Mapping[str, Term],
    threshold: float,
) -> dict[tuple[str, str], _Candidate]:
    """Raise pairs whose parents (or children) are candidates of each other; lower loose
    pairs whose matched ancestors, in a first one-to-one pass, point elsewhere."""
    source_children = _children(source)
    target_children = _children(target)
    anchors = dict(_select_one_to_one(candidates, threshold))
    source_up = {term_id: _ancestors(source, term_id, 2) for term_id in {s for s, _ in candidates}}
    target_up = {term_id: _ancestors(target, term_id, 2) for term_id in {t for _, t in candidates}}
    adjusted = {}
    for (source_id, target_id), candidate in candidates.items():
        notes = []
        score = candidate.score
        if _linked(source[source_id].parents, target[target_id].parents, candidates):
            score += PARENT_BONUS
            notes.append("parents agree")
        elif _linked(source_children[source_id], target_children[target_id], candidates):
            score += CHILD_BONUS
            notes.append("children agree")
        elif candidate.level >= SUBSTITUTION_LEVEL and _context_conflict(
            (source_up[source_id], target_up[target_id]),
            (
                _ancestors(source, source_id, CONFLICT_DEPTH),
                _ancestors(target, target_id, CONFLICT_DEPTH),
            ),
            anchors,
        ):
            score *= CONTEXT_CONFLICT_FACTOR
            notes.append("ancestors disagree")
        adjusted[(source_id, target_id)] = replace(
            candidate, score=score, structure=", ".join(notes)
        )
    return adjusted


def sibling_matches(
    chosen: Iterable[tuple[str, str]], source: _Side, target: _Side
) -> dict[tuple[str, str], _Candidate]:
    """Candidates between classes left unmatched whose parents are matched to each other:
    a pair whose names share at least ``MIN_SIBLING_SIMILARITY`` of their words (a Dice
    share, each word weighted by its rarity in the two ontologies), each the other's best
    among those siblings, and whose labels agree on the kind of disease.
    """
    chosen = list(chosen)
    matched_sources = {s for s, _ in chosen}
    matched_targets = {t for _, t in chosen}
    source_bags, target_bags = _name_bags(source), _name_bags(target)
    weights = _rarity_weights([*source_bags.values(), *target_bags.values()])
    source_children, target_children = _children(source.terms), _children(target.terms)
    scores: dict[tuple[str, str], float] = {}
    for source_parent, target_parent in chosen:
        free_sources = [c for c in source_children[source_parent] if c not in matched_sources]
        free_targets = [c for c in target_children[target_parent] if c not in matched_targets]
        for source_id in free_sources:
            for target_id in free_targets:
                similarity = max(
                    (
                        _dice(a, b, weights)
                        for a in source_bags[source_id]
                        for b in target_bags[target_id]
                    ),
                    default=0.0,
                )
                if similarity >= MIN_SIBLING_SIMILARITY:
                    scores[(source_id, target_id)] = similarity
    best_source: dict[str, float] = defaultdict(float)
    best_target: dict[str, float] = defaultdict(float)
    for (source_id, target_id), similarity in scores.items():
        best_source[source_id] = max(best_source[source_id], similarity)
        best_target[target_id] = max(best_target[target_id], similarity)
    found = {}
    for (source_id, target_id), similarity in scores.items():
        if similarity < best_source[source_id] or similarity < best_target[target_id]:
            continue
        source_term, target_term = source.terms[source_id], target.terms[target_id]
        agreement = _label_agreement(_label_profile(source_term), _label_profile(target_term))
        found[(source_id, target_id)] = _Candidate(
            SIBLING_FACTOR * similarity * agreement,
            source_term.label or source_id,
            target_term.label or target_id,
            SIBLING_LEVEL,
            structure=f"parents matched, {similarity:.2f} of words shared",
        )
    return found


def _name_bags(side: _Side) -> dict[str, list[frozenset[str]]]:
    bags: dict[str, list[frozenset[str]]] = {term_id: [] for term_id in side.terms}
    for keyed in side.names:
        if keyed.name.weight >= CONTEXT_MIN_WEIGHT:
            bags[keyed.name.term_id].append(frozenset(keyed.keys[CANONICAL_LEVEL].split()))
    return bags


def _rarity_weights(bags: Iterable[list[frozenset[str]]]) -> dict[str, float]:
    """Inverse document frequency of each word over the classes' names."""
    counts: Counter[str] = Counter()
    classes = 0
    for term_bags in bags:
        classes += 1
        counts.update({word for bag in term_bags for word in bag})
    return {word: math.log((classes + 1) / count) for word, count in counts.items()}


def _dice(first: frozenset[str], second: frozenset[str], weights: Mapping[str, float]) -> float:
    """Weighted Dice share of two word bags.

    >>> weights = {"a": 2.0, "b": 1.0, "c": 1.0}
    >>> round(_dice(frozenset({"a", "b"}), frozenset({"a", "c"}), weights), 2)
    0.67
    """
    total = sum(weights.get(w, 0.0) for w in first) + sum(weights.get(w, 0.0) for w in second)
    if not total:
        return 0.0
    shared = sum(weights.get(w, 0.0) for w in first & second)
    return 2 * shared / total


def _linked(
    first: Iterable[str], second: Iterable[str], candidates: Mapping[tuple[str, str], object]
) -> bool:
    second = tuple(second)
    return any((a, b) in candidates for a in first for b in second)


def _context_conflict(
    near: tuple[frozenset[str], frozenset[str]],
    far: tuple[frozenset[str], frozenset[str]],
    anchors: Mapping[str, str],
) -> bool:
    """Near ancestors on both sides are matched, none of them to a (far) ancestor of the
    other class."""
    backwards = {target: source for source, target in anchors.items()}
    forward = {anchors[a] for a in near[0] if a in anchors}
    backward = {backwards[a] for a in near[1] if a in backwards}
    return bool(forward and backward) and not (forward & far[1] or backward & far[0])


def _children(terms: Mapping[str, Term]) -> dict[str, list[str]]:
    children: dict[str, list[str]] = {term_id: [] for term_id in terms}
    for term in terms.values():
        for parent in term.parents:
            if parent in children:
                children[parent].append(term.id)
    return children


def _ancestors(terms: Mapping[str, Term], term_id: str, depth: int) -> frozenset[str]:
    found: set[str] = set()
    frontier = list(terms[term_id].parents)
    for _ in range(depth):
        found.update(frontier)
        frontier = [p for parent in frontier if parent in terms for p in terms[parent].parents]
    return frozenset(found)


def _select_one_to_one(
    candidates: Mapping[tuple[str, str], _Candidate], threshold: float
) -> list[tuple[str, str]]:
    """Greedy best-first: take pairs by falling score (equal scores: nearer labels first)
    while both classes are free."""
    ranked = sorted(candidates.items(), key=_rank)
    used_sources: set[str] = set()
    used_targets: set[str] = set()
    chosen = []
    for (source_id, target_id), candidate in ranked:
        if candidate.score < threshold:
            break
        if source_id in used_sources or target_id in used_targets:
            continue
        used_sources.add(source_id)
        used_targets.add(target_id)
        chosen.append((source_id, target_id))
    return chosen


def _rank(item: tuple[tuple[str, str], _Candidate]) -> tuple[float, float, tuple[str, str]]:
    pair, candidate = item
    return (-round(candidate.score, SCORE_DIGITS), -candidate.label_overlap, pair)


def _select_best_per_source(
    candidates: Mapping[tuple[str, str], _Candidate], threshold: float
) -> list[tuple[str, str]]:
    """Each source class's best target (ties to the smaller identifier)."""
    best: dict[str, tuple[float, str]] = {}
    for (source_id, target_id), candidate in candidates.items():
        if candidate.score < threshold:
            continue
        key = (candidate.score, target_id)
        current = best.get(source_id)
        if current is None or (key[0], _reverse(key[1])) > (current[0], _reverse(current[1])):
            best[source_id] = key
    return [(source_id, target_id) for source_id, (_, target_id) in best.items()]


def _reverse(text: str) -> tuple[int, ...]:
    return tuple(-ord(character) for character in text)


def _predicted_mapping(source: Term, target: Term, candidate: _Candidate) -> PredictedMapping:
    match_string = (
        f"{candidate.source_name} ~ {candidate.target_name} ({LEVEL_NAMES[candidate.level]})"
    )
    structural = candidate.level in STRUCTURAL_LEVELS or bool(candidate.structure)
    return PredictedMapping(
        subject_id=source.id,
        subject_label=source.label,
        object_id=target.id,
        object_label=target.label,
        predicate_id=EXACT_MATCH,
        confidence=round(min(candidate.score, 1.0), 4),
        mapping_justification=COMPOSITE_MATCHING if structural else LEXICAL_MATCHING,
        match_string=match_string,
        evidence=mapping_evidence(candidate),
    )


def mapping_evidence(candidate: _Candidate) -> str:
    """What a mapping rests on: ``label``, ``synonym`` or ``structure``, with details.

    >>> mapping_evidence(_Candidate(0.9, "a", "b", 1, "LABEL", "EXACT", "parents agree"))
    'synonym (bag of words); structure: parents agree'
    """
    if candidate.level in STRUCTURAL_LEVELS:
        kind = "structure"
    elif candidate.source_scope == "LABEL" and candidate.target_scope == "LABEL":
        kind = "label"
    elif "DERIVED" in (candidate.source_scope, candidate.target_scope):
        kind = "structure"
    else:
        kind = "synonym"
    text = f"{kind} ({LEVEL_NAMES[candidate.level]})"
    return f"{text}; structure: {candidate.structure}" if candidate.structure else text
