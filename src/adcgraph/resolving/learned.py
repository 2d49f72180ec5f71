"""Word variants learned from the index's own synonym data, for the resolver.

Two names of the same disease that differ in one place teach the resolver how disease names
vary, without a hand-written list:

- **word equivalents**: ``cerebellar tumor`` / ``tumor of cerebellum`` differ in one word
  each (after :func:`~adcgraph.resolving.text.concept_key`), so ``cerebellar`` and
  ``cerebellum`` are equivalent; a pair is kept when at least :data:`MIN_SUPPORT` diseases
  teach it;
- **abbreviations**: in ``CNS germinoma`` / ``central nervous system germinoma`` the
  capitalised word is spelled out by consecutive words of the other name, so ``cns`` stands
  for ``central nervous system`` (one disease is enough: the letters check the pair).

The learning itself (which words alone tell two names of one class apart, which capitalised
words other names spell out, which words are heads) has one home,
:mod:`adcgraph.align.nameforms`, shared with the ontology matcher; this module keeps the
resolver's choices and the readings it tries. Only names of diseases are read. The variants
are tried only when no name of the index matches the text at a table level (see
:mod:`~adcgraph.resolving.search`).

>>> learned = learn([["cerebellar tumor", "tumor of cerebellum"],
...                  ["cerebellar glioma", "glioma of the cerebellum"],
...                  ["CNS germinoma", "central nervous system germinoma"]])
>>> learned.words["cerebellar"], learned.abbreviations["cns"]
(('cerebellum',), ('central nervous system',))
>>> sorted(learned.variants("benign cerebellar neoplasm"))
['benign cerebellum neoplasm']
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from adcgraph.resolving.text import NO_EQUIVALENTS, STOP_WORDS, concept_word, words

#: Diseases that must teach a word pair before it is used.
MIN_SUPPORT = 2
#: Head words (``carcinoma``, ``neoplasm``, found by
#: :func:`~adcgraph.align.nameforms.head_words`) name the kind of disease, so they are never
#: swapped for another word (``lung neoplasm`` is not ``lung cancer``, though some cancers
#: list both names).
#: At most this many words of a text are replaced at once, and this many variants tried.
MAX_CHANGES = 2
MAX_VARIANTS = 64
#: A noun and its adjective differ in endings of at most this many letters (cortex/cortical).
_INFLECTION = 4
#: Abbreviations of at most this many letters are learned.
MAX_ABBREVIATION = 6
#: Words never learned as equivalents: they carry meaning the resolver keeps elsewhere
#: (negation, benign vs malignant, age groups, grades written as numbers).
_KEPT_WORDS = frozenset(
    {"non", "not", "no", "benign", "malignant", "adult", "childhood", "in", "situ", "invasive"}
)


def concept_words(text: str, equivalents: Mapping[str, str] = NO_EQUIVALENTS) -> list[str]:
    """The words of ``text`` as :func:`~adcgraph.resolving.text.concept_key` reads them, in
    order, without stop words.

    >>> concept_words("Tumour of the ovary", {"ovary": "ovarian"})
    ['neoplasm', 'ovarian']
    """
    found: list[str] = []
    for word in words(text.replace("'s", "s")):
        mapped = concept_word(word, equivalents)
        if mapped and mapped not in STOP_WORDS:
            found.append(mapped)
    return found


def _plain_words(text: str) -> list[str]:
    return [word for word in words(text.replace("'s", "s")) if word not in STOP_WORDS]


def _initials(phrase: list[str]) -> str:
    return "".join(word[0] for word in phrase if word)


@dataclass(frozen=True)
class Learned:
    """Word equivalents (word -> words) and abbreviations (token -> phrases), folded."""

    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    abbreviations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: The concept key's learned word equivalents (see
    #: :func:`adcgraph.align.nameforms.concept_equivalents`).
    equivalents: Mapping[str, str] = field(default_factory=dict)
    #: Word -> {word: the words beside which alone the two are one} (``broad`` ->
    #: ``{"uterine": ("ligament",)}``): a swap every teaching disease shows inside one
    #: phrase is tried only in a text that has the phrase's other words.
    phrases: Mapping[str, Mapping[str, tuple[str, ...]]] = field(default_factory=dict)

    def to_json(self) -> str:
        """The JSON form stored beside the index.

        >>> Learned.from_json(Learned({"a": ("b",)}, {}).to_json()).words["a"]
        ('b',)
        """
        return json.dumps(
            {
                "words": self.words,
                "abbreviations": self.abbreviations,
                "equivalents": self.equivalents,
                "phrases": self.phrases,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Learned:
        """Read :meth:`to_json`'s output."""
        data = json.loads(text)
        return cls(
            {key: tuple(value) for key, value in data.get("words", {}).items()},
            {key: tuple(value) for key, value in data.get("abbreviations", {}).items()},
            dict(data.get("equivalents", {})),
            {
                word: {other: tuple(phrase) for other, phrase in found.items()}
                for word, found in data.get("phrases", {}).items()
            },
        )

    def variants(self, text: str) -> Iterator[str]:
        """Readings of ``text`` with learned abbreviations written out and up to
        :data:`MAX_CHANGES` words replaced by learned equivalents (the text itself excluded).

        >>> list(Learned({}, {"cns": ("central nervous system",)}).variants("adult CNS teratoma"))
        ['adult central nervous system teratoma']
        """
        tokens = concept_words(text, self.equivalents)
        present = set(tokens)
        options = []
        for token in tokens:
            choices = [token, *self.abbreviations.get(token, ()), *self.words.get(token, ())]
            choices += [
                other
                for other, phrase in self.phrases.get(token, {}).items()
                if present.issuperset(phrase)
            ]
            options.append(list(dict.fromkeys(choices)))
        changeable = [number for number, choices in enumerate(options) if len(choices) > 1]
        seen = {" ".join(tokens)}
        produced = 0
        for count in range(1, MAX_CHANGES + 1):
            for chosen in itertools.combinations(changeable, count):
                for picks in itertools.product(*(options[number][1:] for number in chosen)):
                    variant = list(tokens)
                    for number, pick in zip(chosen, picks, strict=True):
                        variant[number] = pick
                    reading = " ".join(variant)
                    spelled = reading.split()
                    if reading in seen or len(set(spelled)) < len(spelled):
                        # a reading that repeats a word (``non squamous`` + ``non small
                        # cell``) would merge two words of the name into one
                        continue
                    seen.add(reading)
                    yield reading
                    produced += 1
                    if produced >= MAX_VARIANTS:
                        return


def learn(
    names_by_disease: Iterable[Iterable[str]],
    equivalents: Mapping[str, str] = NO_EQUIVALENTS,
    known_abbreviations: Mapping[str, tuple[str, ...]] = NO_EQUIVALENTS,  # type: ignore[assignment]
) -> Learned:
    """Learn word equivalents and abbreviations from the names of each disease (the first
    name of each is its label), reading names with the concept key's ``equivalents``.

    ``known_abbreviations`` (MONDO's, from :class:`~adcgraph.align.nameforms.NameForms`)
    are added for tokens that are no word of any disease name here, so an abbreviation
    never rewrites a word the names themselves use.

    The pairs of words and the abbreviations come from the one home of name variants,
    :mod:`adcgraph.align.nameforms` (:func:`~adcgraph.align.nameforms.word_swaps`,
    :func:`~adcgraph.align.nameforms.abbreviations_within`,
    :func:`~adcgraph.align.nameforms.head_words`,
    :func:`~adcgraph.align.nameforms.distinguishing_swaps`), read with the resolver's
    concept words; what is kept is the resolver's choice: :data:`MIN_SUPPORT` diseases, no
    head word (a number is none), no word of :data:`_KEPT_WORDS`, a number
    only for a number, and never a pair that alone tells two diseases apart. A pair every
    teaching disease shows beside one same word is kept with that phrase only
    (:attr:`Learned.phrases`).

    >>> learn([["HER2 positive breast carcinoma", "HER2 positive breast cancer"]]).words
    {}
    >>> learn([["ductal carcinoma in situ"]], {}, {"DCIS": ("ductal", "carcinoma", "in",
    ...     "situ"), "IN": ("intraepithelial", "neoplasia")}).abbreviations
    {'dcis': ('ductal carcinoma in situ',)}
    """
    from adcgraph.align.nameforms import (
        NamePair,
        abbreviations_within,
        distinguishing_swaps,
    )

    groups = _groups(names_by_disease)

    def read(text: str) -> list[str]:
        return concept_words(text, equivalents)

    heads = _heads(groups, read)
    apart = distinguishing_swaps(
        NamePair(str(number), " ".join(read(names[0])), "*", "")
        for number, names in enumerate(groups)
    )
    support: dict[tuple[str, str], set[str]] = {}
    settings: dict[tuple[str, str], list[frozenset[str]]] = {}
    for one, other, number, shared in _swaps(groups, read):
        if {one, other} & (_KEPT_WORDS | heads) or one.isdigit() != other.isdigit():
            continue
        if (one, other) not in apart:
            support.setdefault((one, other), set()).add(number)
            settings.setdefault((one, other), []).append(shared)
    swaps: dict[str, set[str]] = {}
    phrases: dict[str, dict[str, tuple[str, ...]]] = {}
    for (one, other), found in support.items():
        if len(found) < MIN_SUPPORT:
            continue
        phrase = _phrase_of(settings[(one, other)], heads)
        if phrase:
            phrases.setdefault(one, {})[other] = tuple(sorted(phrase))
            phrases.setdefault(other, {})[one] = tuple(sorted(phrase))
        else:
            swaps.setdefault(one, set()).add(other)
            swaps.setdefault(other, set()).add(one)
    abbreviations: dict[str, set[str]] = {}
    for names in groups:
        for short, expansion in abbreviations_within(names):
            if len(short) <= MAX_ABBREVIATION and short.isalpha():
                abbreviations.setdefault(short.casefold(), set()).add(expansion)
    vocabulary = {word for names in groups for name in names for word in words(name)}
    for short, expansion in known_abbreviations.items():
        token = short.casefold()
        if token not in vocabulary and token not in abbreviations and short.isalpha():
            abbreviations[token] = {" ".join(expansion)}
    return Learned(
        {word: tuple(sorted(found)) for word, found in sorted(swaps.items())},
        {token: tuple(sorted(found)) for token, found in sorted(abbreviations.items())},
        dict(equivalents),
        {word: dict(sorted(found.items())) for word, found in sorted(phrases.items())},
    )


def _groups(names_by_disease: Iterable[Iterable[str]]) -> list[list[str]]:
    groups = [list(dict.fromkeys(names)) for names in names_by_disease]
    return [names for names in groups if names]


def _heads(groups: list[list[str]], read: Callable[[str], list[str]]) -> set[str]:
    """Head words of the diseases' labels; a number ends many labels (``type 1``) but names
    no kind of disease, so it is no head."""
    from adcgraph.align.nameforms import head_words

    found = head_words(" ".join(read(names[0])) for names in groups)
    return {word for word in found if word.isalpha()}


def _swaps(
    groups: list[list[str]], read: Callable[[str], list[str]]
) -> Iterator[tuple[str, str, str, frozenset[str]]]:
    """One-word swaps between two names of one disease, with the words the names share."""
    from adcgraph.align.nameforms import NamePair, word_swaps_in_context

    pairs = (
        NamePair(str(number), first, "*", second)
        for number, names in enumerate(groups)
        for first, second in itertools.combinations(names, 2)
    )
    return word_swaps_in_context(pairs, read)


def _bound_to_a_phrase(settings: list[frozenset[str]], heads: set[str]) -> bool:
    """Whether every disease that teaches a swap has it beside one same word (other than a
    head word): the two words are then one only inside that phrase (``broad ligament`` is
    the ``uterine ligament``, not every uterine disease one of the broad; ``acute
    lymphoid leukemia`` is ``acute lymphoblastic leukemia``, not every lymphoid one).

    >>> _bound_to_a_phrase([frozenset({"ligament", "adenocarcinoma"}),
    ...                     frozenset({"ligament", "adenosarcoma"})], {"adenocarcinoma"})
    True
    >>> _bound_to_a_phrase([frozenset({"tumor"}), frozenset({"glioma"})], set())
    False
    """
    return bool(_phrase_of(settings, heads))


def _phrase_of(settings: list[frozenset[str]], heads: set[str]) -> frozenset[str]:
    """The words (other than head words) beside which every teaching disease has a swap."""
    return frozenset.intersection(*settings) - heads if settings else frozenset()


def _inflections(one: str, other: str) -> bool:
    """Whether two words are one stem with short endings (``ethmoid`` / ``ethmoidal``,
    ``cortex`` / ``cortical``): a noun and its adjective, one in every phrase. An ending
    ``-oid`` (resembling) is not one: ``endometrioid`` is not ``endometrial``.

    >>> _inflections("cortex", "cortical"), _inflections("endometrial", "endometrioid")
    (True, False)
    >>> _inflections("lymphoid", "lymphoblastic")
    False
    """
    common = 0
    while common < min(len(one), len(other)) and one[common] == other[common]:
        common += 1
    endings = (one[common:], other[common:])
    return (
        common >= 3
        and all(len(ending) <= _INFLECTION for ending in endings)
        and not any(ending.endswith("oid") for ending in endings)
    )


def phrase_free_equivalents(
    names_by_disease: Iterable[Iterable[str]], equivalents: Mapping[str, str]
) -> dict[str, str]:
    """``equivalents`` (the concept key's word -> word, learned by
    :func:`adcgraph.align.nameforms.concept_equivalents`) less the words the index's own
    disease names show swapped only inside one phrase (:func:`_bound_to_a_phrase`), in at
    least :data:`MIN_SUPPORT` diseases; a pair the names never swap, or a noun and its
    adjective (:func:`_inflections`), is kept.

    >>> names = [["uterine ligament adenocarcinoma", "broad ligament adenocarcinoma"],
    ...          ["uterine ligament adenosarcoma", "broad ligament adenosarcoma"],
    ...          ["ovarian cancer", "cancer of ovary"], ["ovarian sarcoma", "ovary sarcoma"]]
    >>> phrase_free_equivalents(names, {"uterine": "broad", "ovary": "ovarian"})
    {'ovary': 'ovarian'}
    """
    groups = _groups(names_by_disease)

    def read(text: str) -> list[str]:
        return concept_words(text)

    heads = _heads(groups, read)
    settings: dict[tuple[str, str], list[frozenset[str]]] = {}
    diseases: dict[tuple[str, str], set[str]] = {}
    for one, other, number, shared in _swaps(groups, read):
        if _inflections(one, other):
            continue
        if equivalents.get(one, one) == equivalents.get(other, other):
            settings.setdefault((one, other), []).append(shared)
            diseases.setdefault((one, other), set()).add(number)
    bound = {
        word
        for pair, found in settings.items()
        if len(diseases[pair]) >= MIN_SUPPORT and _bound_to_a_phrase(found, heads)
        for word in pair
    }
    return {word: canonical for word, canonical in equivalents.items() if word not in bound}


def initials_key(text: str) -> str:
    """The initials of a name's words, for reading an unseen abbreviation (``ASPS``);
    empty for names of fewer than two words or with words that are not letters.

    >>> initials_key("alveolar soft part sarcoma"), initials_key("non-Hodgkin lymphoma")
    ('asps', 'nhl')
    >>> initials_key("stage 2 breast cancer"), initials_key("sarcoma")
    ('', '')
    """
    found = _plain_words(text)
    if len(found) < 2 or not all(word.isalpha() for word in found):
        return ""
    return _initials(found)
