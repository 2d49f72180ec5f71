"""Text normalisation shared by the matcher and the name-form derivation.

Names are folded (case, accents, possessives, punctuation), split into words, spelled the
American way, made singular, and stripped of stop words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from types import MappingProxyType

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

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_BRITISH_PREFIX = re.compile("|".join(british for british, _ in BRITISH_PREFIXES))
_AMERICAN_BY_BRITISH_PREFIX = MappingProxyType(dict(BRITISH_PREFIXES))
_POSSESSIVE = re.compile(r"(\w)'s\b")


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
    return list(_bag(text))


def words_in_order(text: str) -> list[str]:
    """All words of a name, American-spelled and singular, in their order.

    >>> words_in_order("Carcinoma, Ductal, Breast")
    ['carcinoma', 'ductal', 'breast']
    """
    return list(_words(text))


# Pure functions of the text, so their results can be remembered: matching reads the same
# names many times (keys, lexicon, label profiles, is_a context).
@lru_cache(maxsize=1 << 18)
def _words(text: str) -> tuple[str, ...]:
    return tuple(singular(american(word)) for word in fold_text(text).split())


@lru_cache(maxsize=1 << 18)
def _bag(text: str) -> tuple[str, ...]:
    return tuple(sorted(word for word in _words(text) if word not in STOP_WORDS))


def american(word: str) -> str:
    """The American spelling of a folded word.

    >>> american("haemangioma")
    'hemangioma'
    """
    if word in BRITISH_WORDS:
        return BRITISH_WORDS[word]
    prefix = _BRITISH_PREFIX.match(word)
    if prefix is None:
        return word
    return _AMERICAN_BY_BRITISH_PREFIX[prefix.group(0)] + word[prefix.end() :]


def singular(word: str) -> str:
    """Plain "s" plurals made singular; Latin endings (-us, -is, -ss) stay as they are.

    >>> singular("neoplasms"), singular("metastasis")
    ('neoplasm', 'metastasis')
    """
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is", "as")):
        return word[:-1]
    return word


def abbreviated_span(letters: str, words: list[str]) -> tuple[str, ...] | None:
    """The first, longest run of two or more words that ``letters`` abbreviates, if any.

    Every word gives the first of its letters and may give more from later in the word, so
    "net" abbreviates "neuroendocrine tumor" and "gist" "gastrointestinal stromal tumor".

    >>> abbreviated_span("pnet", ["primitive", "neuroectodermal", "tumor", "of", "bone"])
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
