"""Text keys for name matching, and a bounded edit distance (standard library only).

>>> normalise("Trastuzumab-Deruxtecan (DS-8201a)")
'trastuzumabderuxtecands8201a'
>>> word_order_key("Cancer of the Breast")
'breast cancer'
>>> edit_distance("sacituzimab", "sacituzumab", 2)
1
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from types import MappingProxyType

from adcgraph.align.text import american

STOP_WORDS = frozenset({"of", "the", "a", "an", "and", "or", "in", "with", "by", "to", "for"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
#: Biomarker signs kept as words by the looser keys (``HER2+`` is not ``HER2-``).
_SIGNS = ((re.compile(r"(?<=\w)\+"), " pos "), (re.compile(r"(?<=\w)-(?=\s|/|$)"), " neg "))
#: Dashes and minus signs people type for "negative" or as hyphens.
DASHES = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-"})
#: Plurals of disease heads, made one with the singular (British spellings are made
#: American first, by :func:`adcgraph.align.text.american`).
WORD_EQUIVALENTS: Mapping[str, str] = MappingProxyType(
    {
        "tumors": "tumor",
        "neoplasms": "neoplasm",
        "cancers": "cancer",
        "carcinomas": "carcinoma",
        "lymphomas": "lymphoma",
        "leukemias": "leukemia",
        "sarcomas": "sarcoma",
        "melanomas": "melanoma",
        "myelomas": "myeloma",
        "adenocarcinomas": "adenocarcinoma",
        "gliomas": "glioma",
        "nos": "",
    }
)


def fold(text: str) -> str:
    """Case-folded text without accents, dashes made plain.

    >>> fold("Lymphome Hodgkinien \u2212 Classique")
    'lymphome hodgkinien - classique'
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(DASHES).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalise(text: str) -> str:
    """Fold case and accents and drop spaces and punctuation: ``DS-8201a`` -> ``ds8201a``;
    a biomarker sign stays (``HER2+`` -> ``her2pos``, ``HER2-`` -> ``her2neg``).

    >>> normalise("HER2+ BC"), normalise("HER2- BC"), normalise("T-DM1")
    ('her2posbc', 'her2negbc', 'tdm1')
    """
    folded = fold(text)
    for pattern, word in _SIGNS:
        folded = pattern.sub(word, folded)
    return _NON_ALNUM.sub("", folded)


def words(text: str) -> list[str]:
    """The words of a text, folded, with plural and spelling variants made one.

    >>> words("Malignant Tumours of the Ovary, NOS")
    ['malignant', 'tumor', 'of', 'the', 'ovary']
    """
    found = []
    folded = fold(text)
    for pattern, sign in _SIGNS:
        folded = pattern.sub(sign, folded)
    for word in _NON_ALNUM.split(folded):
        word = american(word)
        word = WORD_EQUIVALENTS.get(word, word)
        if word:
            found.append(word)
    return found


def word_order_key(text: str) -> str:
    """Sorted words without stop words: ``cancer of the breast`` -> ``breast cancer``."""
    return " ".join(sorted(word for word in words(text) if word not in STOP_WORDS))


#: Rules of the concept key that are not word lists: a head word spelled two ways, words
#: that add nothing to a disease name, and grades, stages and types written in roman or
#: arabic numerals alike ("WHO grade" names the grading system, not a different grade).
#: Which site adjective stands for which organ (``ovarian`` / ``ovary``, ``renal`` /
#: ``kidney``) is learned from MONDO's names, not listed here:
#: :func:`adcgraph.align.nameforms.concept_equivalents`, passed in as ``equivalents``.
CONCEPT_RULES: Mapping[str, str] = MappingProxyType(
    {
        "tumor": "neoplasm",
        "gland": "",
        "primary": "",
        "cell": "",
        "s": "",
        "i": "1",
        "ii": "2",
        "iii": "3",
        "iv": "4",
        "who": "",
    }
)
NO_EQUIVALENTS: Mapping[str, str] = MappingProxyType({})
MALIGNANT_HEADS = frozenset(
    {"carcinoma", "sarcoma", "lymphoma", "melanoma", "leukemia", "cancer", "adenocarcinoma"}
)
#: A word ending so names a malignant disease (``hemangiosarcoma``, ``adenocarcinoma``).
MALIGNANT_ENDINGS = tuple(sorted(MALIGNANT_HEADS - {"adenocarcinoma"}))


def singular(word: str) -> str:
    """A plural made singular for the looser keys (``intestines`` -> ``intestine``); words
    ending in ``ss``, ``us``, ``is`` or ``os`` and short words stay as they are.

    >>> singular("intestines"), singular("nevus"), singular("metastasis"), singular("cns")
    ('intestine', 'nevus', 'metastasis', 'cns')
    """
    if len(word) >= 5 and word.endswith("s") and not word.endswith(("ss", "us", "is", "os")):
        return word[:-1]
    return word


def concept_word(word: str, equivalents: Mapping[str, str] = NO_EQUIVALENTS) -> str:
    """One word as the concept key writes it: singular, the rules, then the word that
    stands for its learned group (empty: a word the key leaves out).

    >>> concept_word("glands"), concept_word("renal", {"renal": "kidney"}), concept_word("iii")
    ('', 'kidney', '3')
    """
    word = singular(word)
    if word in CONCEPT_RULES:
        return CONCEPT_RULES[word]
    return equivalents.get(word, word)


def concept_key(text: str, equivalents: Mapping[str, str] = NO_EQUIVALENTS) -> str:
    """A looser key: learned word equivalents (``equivalents``: site adjectives as nouns),
    ``malignant neoplasm`` as ``cancer``, no ``gland`` or ``primary``, words sorted.

    >>> concept_key("malignant tumor of the Thymus") == concept_key("thymus cancer")
    True
    >>> concept_key("epidermoid cell carcinoma of the vulva", {"epidermoid": "squamous",
    ...     "vulvar": "vulva"}) == concept_key("vulvar squamous cell carcinoma",
    ...     {"vulvar": "vulva"})
    True
    """
    found: list[str] = []
    for word in words(text.replace("'s", "s")):
        mapped = concept_word(word, equivalents)
        if mapped:
            found.append(mapped)
    kept = {word for word in found if word not in STOP_WORDS}
    if {"malignant", "neoplasm"} <= kept:
        kept -= {"malignant", "neoplasm"}
        kept.add("cancer")
    if "malignant" in kept and any(word.endswith(MALIGNANT_ENDINGS) for word in kept):
        kept.discard("malignant")  # "lymphangiosarcoma, malignant" is lymphangiosarcoma
    return " ".join(sorted(kept))


def edit_distance(first: str, second: str, bound: int) -> int:
    """Levenshtein distance of two strings, or ``bound + 1`` once it exceeds ``bound``.

    >>> edit_distance("kitten", "sitting", 3), edit_distance("kitten", "sitting", 2)
    (3, 3)
    """
    if abs(len(first) - len(second)) > bound:
        return bound + 1
    previous = list(range(len(second) + 1))
    for i, char in enumerate(first, start=1):
        current = [i] + [0] * len(second)
        low = max(1, i - bound)
        high = min(len(second), i + bound)
        if low > 1:
            current[low - 1] = bound + 1
        for j in range(low, high + 1):
            cost = 0 if char == second[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        if high < len(second):
            current[high + 1 :] = [bound + 1] * (len(second) - high)
        if min(current) > bound:
            return bound + 1
        previous = current
    return min(previous[-1], bound + 1)


def typo_bound(key: str) -> int:
    """Edits tolerated in a normalised name: none below 6 characters, 1 up to 9, then 2.

    >>> typo_bound("her2"), typo_bound("tucatnib"), typo_bound("sacituzimabgovitecan")
    (0, 1, 2)
    """
    if len(key) < 6:
        return 0
    return 1 if len(key) < 10 else 2


_NUMBER_WORD = re.compile(r"^(?:\d+\w*|[ivxl]+(?:th|st|nd|rd)?)$")


def word_typos_allowed(first: str, second: str) -> bool:
    """Whether two names differing by a typo still match word by word: a word of under 4
    characters must be equal, one of 4-7 within 1 edit, a longer one within 2. Not typos:
    a whole word more or less (``M0 acute myeloid leukemia``), a prefix or suffix of two
    letters or more (``undifferentiated``), a different number or roman numeral (``XIIth``),
    a different first letter (typists rarely change the letter a word starts with, while
    ``extrahepatic`` / ``intrahepatic`` and ``urachal`` / ``tracheal`` name other diseases;
    the first letter may be dropped).
    Names whose word counts differ otherwise (a word split in two) are left to the
    whole-name bound.

    >>> word_typos_allowed("sacituzimab govitecan", "sacituzumab govitecan")
    True
    >>> word_typos_allowed("acral melanoma", "anal melanoma")
    False
    >>> word_typos_allowed("undifferentiated carcinoma", "differentiated carcinoma")
    False
    >>> word_typos_allowed("M1 acute myeloid leukemia", "acute myeloid leukemia")
    False
    >>> word_typos_allowed("urachal carcinoma", "tracheal carcinoma")
    False
    >>> word_typos_allowed("sacituzumab ovitecan", "sacituzumab govitecan")
    True
    """
    first_words, second_words = words(first), words(second)
    if len(first_words) != len(second_words):
        one, other = set(first_words), set(second_words)
        return not (one < other or other < one)
    for one, other in zip(first_words, second_words, strict=True):
        if one == other:
            continue
        if _NUMBER_WORD.match(one) or _NUMBER_WORD.match(other):
            return False
        if one[0] != other[0] and one[1:] != other and other[1:] != one:
            return False
        shorter, longer = sorted((one, other), key=len)
        if len(longer) - len(shorter) >= 2 and (
            longer.startswith(shorter) or longer.endswith(shorter)
        ):
            return False
        bound = 0 if len(other) < 4 else 1 if len(other) < 8 else 2
        if edit_distance(one, other, bound) > bound:
            return False
    return True


def segments(key: str, parts: int = 3) -> list[str]:
    """``key`` cut into ``parts`` pieces: a string within ``parts - 1`` edits of ``key``
    contains one of them unchanged (the pigeonhole filter of the typo search).

    >>> segments("sacituzumab")
    ['sac', 'itu', 'zumab']
    """
    size = max(1, len(key) // parts)
    cuts = [key[i * size : (i + 1) * size] for i in range(parts - 1)]
    return [*cuts, key[(parts - 1) * size :]]
