"""Align two ontologies by their names: tiered normalisation, learned lexicon, one-to-one.

How a pair gets its confidence:

1. Every class contributes names: its label, then synonyms weighted by scope (EXACT above
   NARROW/BROAD/RELATED, which often name a broader or narrower idea).
2. Names are compared at increasingly loose normalisation levels, each with a lower factor:
   exact text after case/punctuation folding; a bag of words without stop words, plurals
   and British spellings; disease patterns (``tumour``/``neoplasm``, ``cancer`` =
   ``malignant neoplasm``, redundant ``malignant``); and a lexicon learned from the two
   ontologies themselves (abbreviations such as ``NET`` and word variants such as
   ``penile``/``penis`` that the same class uses in two of its own names).
3. Labels must agree on the kind of disease: "malignant" against unspecified (or benign)
   lowers a pair, and so does "cancer" (any malignant neoplasm) against "carcinoma".
4. Candidates whose parents are also candidates of each other get a small bonus, so the
   is_a structure breaks ties between equally named classes.
5. A greedy best-first pass keeps at most one partner per class.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from adcgraph.ontofile import Term

EXACT_MATCH = "skos:exactMatch"
LEXICAL_MATCHING = "semapv:LexicalMatching"

# Scope weights: a label names the class itself; EXACT synonyms almost always do; the other
# scopes name a related idea, so they can only win when nothing better is there.
NAME_WEIGHTS = MappingProxyType(
    {"LABEL": 1.0, "EXACT": 0.92, "NARROW": 0.6, "BROAD": 0.6, "RELATED": 0.6}
)

# One factor per normalisation level, loosest last. The first four are exact key lookups,
# the last swaps one word for a learned variant.
EXACT_LEVELS = ("folded text", "bag of words", "disease pattern", "abbreviations expanded")
LEVEL_NAMES = (*EXACT_LEVELS, "learned word variant")
LEVEL_FACTORS = (1.0, 0.98, 0.94, 0.92, 0.88)
SUBSTITUTION_LEVEL = len(EXACT_LEVELS)

# A label that says "malignant" (or carcinoma, sarcoma ...) against one that does not is a
# weaker match; against one that says "benign" it is almost certainly wrong.
MALIGNANCY_UNSPECIFIED_FACTOR = 0.9
MALIGNANCY_CONFLICT_FACTOR = 0.5
# "cancer" (any malignant neoplasm) in one label and "carcinoma" (the epithelial kind) in
# the other: a carcinoma class that lists "cancer" as a synonym should lose to the class
# that is labelled "malignant neoplasm".
CANCER_VS_CARCINOMA_FACTOR = 0.95

PARENT_BONUS = 0.03
DEFAULT_THRESHOLD = 0.5

STOP_WORDS = frozenset({"of", "the", "a", "an", "nos", "and", "or", "in", "with", "by", "to"})

# British to American spellings, as whole-word rewrites and as word-start rewrites.
BRITISH_WORDS = MappingProxyType(
    {"tumour": "tumor", "tumours": "tumors", "oesophagus": "esophagus", "foetal": "fetal"}
)
BRITISH_PREFIXES = (
    ("oesophag", "esophag"),
    ("haem", "hem"),
    ("leukaem", "leukem"),
    ("anaem", "anem"),
    ("paediatr", "pediatr"),
    ("oestr", "estr"),
    ("orthopaed", "orthoped"),
    ("gynaec", "gynec"),
    ("oedem", "edem"),
    ("caec", "cec"),
    ("coeliac", "celiac"),
)

NEOPLASM_WORDS = frozenset({"tumor", "neoplasm", "neoplasia"})
# Words that already say "malignant", so an extra "malignant" adds nothing.
MALIGNANT_SUFFIXES = ("carcinoma", "sarcoma", "blastoma", "melanoma", "lymphoma", "leukemia")

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_BRITISH_PREFIX = re.compile("|".join(british for british, _ in BRITISH_PREFIXES))
_AMERICAN_BY_BRITISH_PREFIX = MappingProxyType(dict(BRITISH_PREFIXES))
_CAPITALISED_WORD = re.compile(r"\b[A-Z][A-Z0-9]{1,5}\b")
_POSSESSIVE = re.compile(r"(\w)'s\b")


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


@dataclass(frozen=True)
class _Candidate:
    score: float
    source_name: str
    target_name: str
    level: int


def match_ontologies(
    source: Mapping[str, Term],
    target: Mapping[str, Term],
    *,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[PredictedMapping]:
    """Align ``source`` to ``target``; return one-to-one mappings with confidence >= threshold.

    >>> a = {"A:1": Term("A:1", "Breast Tumour", (), (), None, False)}
    >>> b = {"B:1": Term("B:1", "tumor of the breast", (), (), None, False)}
    >>> [(m.subject_id, m.object_id) for m in match_ontologies(a, b)]
    [('A:1', 'B:1')]
    """
    source_terms = _live_terms(source)
    target_terms = _live_terms(target)
    lexicon = learn_lexicon([*source_terms.values(), *target_terms.values()])
    candidates = _lexical_candidates(source_terms, target_terms, lexicon)
    scored = _add_parent_bonus(candidates, source_terms, target_terms)
    chosen = _select_one_to_one(scored, threshold)
    return [
        _predicted_mapping(source_terms[s], target_terms[t], scored[(s, t)])
        for s, t in sorted(chosen)
    ]


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
        names.append(TermName(term.id, synonym.text, NAME_WEIGHTS[synonym.scope]))
    return sorted(names, key=lambda name: -name.weight)


def fold_text(text: str) -> str:
    """Lowercase, strip accents, possessives and punctuation; keep word order.

    >>> fold_text("Ewing's Sarcoma/PNET, Müllerian")
    'ewing sarcoma pnet mullerian'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(_NON_ALNUM.sub(" ", _POSSESSIVE.sub(r"\1", ascii_text)).split())


def word_bag(text: str) -> list[str]:
    """Content words of a name, American-spelled and singular, in sorted order.

    >>> word_bag("Tumours of the Oesophagus")
    ['esophagus', 'tumor']
    """
    words = (_singular(_american(word)) for word in fold_text(text).split())
    return sorted(word for word in words if word not in STOP_WORDS)


def _american(word: str) -> str:
    if word in BRITISH_WORDS:
        return BRITISH_WORDS[word]
    prefix = _BRITISH_PREFIX.match(word)
    if prefix is None:
        return word
    return _AMERICAN_BY_BRITISH_PREFIX[prefix.group(0)] + word[prefix.end() :]


def _singular(word: str) -> str:
    # Plain "s" plurals only; Latin endings (-us, -is, -ss) stay as they are.
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is", "as")):
        return word[:-1]
    return word


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


def name_keys(text: str, lexicon: Lexicon) -> tuple[str, ...]:
    """The comparison key of a name at each exact-lookup level, strictest first.

    The last key expands abbreviations written in capitals ("NET", not "net").

    >>> lexicon = Lexicon({"NET": ("neuroendocrine", "tumor")}, {})
    >>> name_keys("Appendix NET", lexicon)[2:]
    ('appendix net', 'appendix neoplasm neuroendocrine')
    """
    bag = word_bag(text)
    pattern = " ".join(disease_pattern(bag))
    expanded_text = expand_abbreviations(text, lexicon)
    expanded = pattern if expanded_text == text else " ".join(pattern_words(expanded_text))
    return fold_text(text), " ".join(bag), pattern, expanded


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
    word_lists = [_words_in_order(text) for text in texts]
    for abbreviation in sorted(abbreviations):
        letters = abbreviation.lower()
        for words in word_lists:
            if letters in words:
                continue
            span = _abbreviated_span(letters, words)
            if span:
                yield abbreviation, span
                break


def _abbreviated_span(letters: str, words: list[str]) -> tuple[str, ...] | None:
    """The first, longest run of two or more words that ``letters`` abbreviates, if any.

    Every word gives the first of its letters and may give more from later in the word, so
    "net" abbreviates "neuroendocrine tumor" and "gist" "gastrointestinal stromal tumor".

    >>> _abbreviated_span("pnet", ["primitive", "neuroectodermal", "tumor", "of", "bone"])
    ('primitive', 'neuroectodermal', 'tumor')
    """
    for start in range(len(words)):
        for end in range(min(len(words), start + len(letters)), start + 1, -1):
            if _abbreviates(letters, words[start:end]):
                return tuple(words[start:end])
    return None


def _abbreviates(letters: str, words: list[str]) -> bool:
    if not words:
        return not letters
    if not letters or letters[0] != words[0][:1]:
        return False
    rest_of_word = words[0][1:]
    # Try giving this word 1, 2, ... letters (a subsequence of the word), the rest to later words.
    for taken in range(1, len(letters) - len(words) + 2):
        if _is_subsequence(letters[1:taken], rest_of_word) and _abbreviates(
            letters[taken:], words[1:]
        ):
            return True
    return False


def _is_subsequence(letters: str, word: str) -> bool:
    remaining = iter(word)
    return all(letter in remaining for letter in letters)


def _words_in_order(text: str) -> list[str]:
    return [_singular(_american(word)) for word in fold_text(text).split()]


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


def _lexical_candidates(
    source: Mapping[str, Term], target: Mapping[str, Term], lexicon: Lexicon
) -> dict[tuple[str, str], _Candidate]:
    """Best candidate per (source, target) pair over all names and levels."""
    source_keys = _keyed_names(source, lexicon)
    target_keys = _keyed_names(target, lexicon)
    best: dict[tuple[str, str], _Candidate] = {}
    for level in range(len(EXACT_LEVELS)):
        index: dict[str, list[TermName]] = defaultdict(list)
        for name, keys in target_keys:
            index[keys[level]].append(name)
        for name, keys in source_keys:
            for target_name in index.get(keys[level], ()):
                _keep_best(best, name, target_name, level)
    for name, target_name in _one_substitution_matches(source_keys, target_keys, lexicon):
        _keep_best(best, name, target_name, SUBSTITUTION_LEVEL)
    profiles = {term_id: _label_profile(term) for term_id, term in source.items()}
    profiles |= {term_id: _label_profile(term) for term_id, term in target.items()}
    return {
        pair: _scaled(candidate, _label_agreement(profiles[pair[0]], profiles[pair[1]]))
        for pair, candidate in best.items()
    }


def _keyed_names(
    terms: Mapping[str, Term], lexicon: Lexicon
) -> list[tuple[TermName, tuple[str, ...]]]:
    keys_by_text: dict[str, tuple[str, ...]] = {}
    keyed = []
    for term in terms.values():
        for name in term_names(term):
            if name.text not in keys_by_text:
                keys_by_text[name.text] = name_keys(name.text, lexicon)
            keyed.append((name, keys_by_text[name.text]))
    return keyed


def _keep_best(
    best: dict[tuple[str, str], _Candidate], name: TermName, target_name: TermName, level: int
) -> None:
    score = name.weight * target_name.weight * LEVEL_FACTORS[level]
    pair = (name.term_id, target_name.term_id)
    if pair not in best or score > best[pair].score:
        best[pair] = _Candidate(score, name.text, target_name.text, level)


def _one_substitution_matches(
    source_keys: list[tuple[TermName, tuple[str, ...]]],
    target_keys: list[tuple[TermName, tuple[str, ...]]],
    lexicon: Lexicon,
) -> Iterator[tuple[TermName, TermName]]:
    """Name pairs whose disease-pattern word bags differ by one learned word variant.

    Only one word may be swapped, so variants never chain (a~b and b~c do not make a~c).
    """
    pattern_level = EXACT_LEVELS.index("disease pattern")
    index: dict[str, list[tuple[str, TermName]]] = defaultdict(list)
    for name, keys in target_keys:
        for left_out, rest in _leave_one_out(keys[pattern_level]):
            index[rest].append((left_out, name))
    for name, keys in source_keys:
        for left_out, rest in _leave_one_out(keys[pattern_level]):
            variants = lexicon.word_variants.get(left_out, frozenset())
            for target_left_out, target_name in index.get(rest, ()):
                if target_left_out in variants:
                    yield name, target_name


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


def _label_profile(term: Term) -> tuple[str, str | None]:
    return label_malignancy(term), label_head(term)


def _label_agreement(first: tuple[str, str | None], second: tuple[str, str | None]) -> float:
    """Factor for what two labels say about the kind of disease (1.0 when they agree)."""
    factor = 1.0
    if first[0] != second[0]:
        unspecified = "unspecified" in (first[0], second[0])
        factor *= MALIGNANCY_UNSPECIFIED_FACTOR if unspecified else MALIGNANCY_CONFLICT_FACTOR
    if {first[1], second[1]} == {"cancer", "carcinoma"}:
        factor *= CANCER_VS_CARCINOMA_FACTOR
    return factor


def _scaled(candidate: _Candidate, factor: float) -> _Candidate:
    return _Candidate(
        candidate.score * factor, candidate.source_name, candidate.target_name, candidate.level
    )


def _add_parent_bonus(
    candidates: Mapping[tuple[str, str], _Candidate],
    source: Mapping[str, Term],
    target: Mapping[str, Term],
) -> dict[tuple[str, str], _Candidate]:
    """Raise pairs whose parents are candidates of each other (is_a agreement)."""
    raised = {}
    for (source_id, target_id), candidate in candidates.items():
        agree = any(
            (source_parent, target_parent) in candidates
            for source_parent in source[source_id].parents
            for target_parent in target[target_id].parents
        )
        score = candidate.score + PARENT_BONUS if agree else candidate.score
        raised[(source_id, target_id)] = _Candidate(
            score, candidate.source_name, candidate.target_name, candidate.level
        )
    return raised


def _select_one_to_one(
    candidates: Mapping[tuple[str, str], _Candidate], threshold: float
) -> list[tuple[str, str]]:
    """Greedy best-first: take pairs by falling score while both classes are free."""
    ranked = sorted(candidates.items(), key=lambda item: (-item[1].score, item[0]))
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


def _predicted_mapping(source: Term, target: Term, candidate: _Candidate) -> PredictedMapping:
    match_string = (
        f"{candidate.source_name} ~ {candidate.target_name} ({LEVEL_NAMES[candidate.level]})"
    )
    return PredictedMapping(
        subject_id=source.id,
        subject_label=source.label,
        object_id=target.id,
        object_label=target.label,
        predicate_id=EXACT_MATCH,
        confidence=round(min(candidate.score, 1.0), 4),
        mapping_justification=LEXICAL_MATCHING,
        match_string=match_string,
    )
