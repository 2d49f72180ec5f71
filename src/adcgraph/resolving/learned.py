"""Word variants learned from the index's own synonym data (standard library only).

Two names of the same disease that differ in one place teach the resolver how disease names
vary, without a hand-written list:

- **word equivalents**: ``cerebellar tumor`` / ``tumor of cerebellum`` differ in one word
  each (after :func:`~adcgraph.resolving.text.concept_key`), so ``cerebellar`` and
  ``cerebellum`` are equivalent; a pair is kept when at least :data:`MIN_SUPPORT` diseases
  teach it;
- **abbreviations**: ``CNS germinoma`` / ``central nervous system germinoma`` differ by one
  word against a phrase whose initials spell it, so ``cns`` stands for
  ``central nervous system`` (one disease is enough: the initials check the pair).

Only names of diseases are read. The variants are tried only when no name of the index
matches the text at a table level (see :mod:`~adcgraph.resolving.search`).

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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from adcgraph.resolving.text import CONCEPT_WORDS, STOP_WORDS, words

#: Diseases that must teach a word pair before it is used.
MIN_SUPPORT = 2
#: A word that ends at least this many disease labels is a head (``carcinoma``,
#: ``neoplasm``): it names the kind of disease, so it is never swapped for another word
#: (``lung neoplasm`` is not ``lung cancer``, though some cancers list both names).
HEAD_LABELS = 15
#: At most this many words of a text are replaced at once, and this many variants tried.
MAX_CHANGES = 2
MAX_VARIANTS = 64
#: Words never learned as equivalents: they carry meaning the resolver keeps elsewhere
#: (negation, benign vs malignant, age groups, grades written as numbers).
_KEPT_WORDS = frozenset(
    {"non", "not", "no", "benign", "malignant", "adult", "childhood", "in", "situ", "invasive"}
)


def concept_words(text: str) -> list[str]:
    """The words of ``text`` as :func:`~adcgraph.resolving.text.concept_key` reads them, in
    order, without stop words.

    >>> concept_words("Tumour of the ovary")
    ['neoplasm', 'ovary']
    """
    return _concept_words(text)


def _concept_words(text: str) -> list[str]:
    found: list[str] = []
    for word in words(text.replace("'s", "s")):
        mapped = CONCEPT_WORDS.get(word, word)
        found += [part for part in mapped.split() if part and part not in STOP_WORDS]
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

    def to_json(self) -> str:
        """The JSON form stored beside the index.

        >>> Learned.from_json(Learned({"a": ("b",)}, {}).to_json()).words["a"]
        ('b',)
        """
        return json.dumps({"words": self.words, "abbreviations": self.abbreviations})

    @classmethod
    def from_json(cls, text: str) -> Learned:
        """Read :meth:`to_json`'s output."""
        data = json.loads(text)
        return cls(
            {key: tuple(value) for key, value in data.get("words", {}).items()},
            {key: tuple(value) for key, value in data.get("abbreviations", {}).items()},
        )

    def variants(self, text: str) -> Iterator[str]:
        """Readings of ``text`` with learned abbreviations written out and up to
        :data:`MAX_CHANGES` words replaced by learned equivalents (the text itself excluded).

        >>> list(Learned({}, {"cns": ("central nervous system",)}).variants("adult CNS teratoma"))
        ['adult central nervous system teratoma']
        """
        tokens = _concept_words(text)
        options = []
        for token in tokens:
            choices = [token, *self.abbreviations.get(token, ()), *self.words.get(token, ())]
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
                        continue
                    seen.add(reading)
                    yield reading
                    produced += 1
                    if produced >= MAX_VARIANTS:
                        return


def learn(names_by_disease: Iterable[Iterable[str]]) -> Learned:
    """Learn word equivalents and abbreviations from the names of each disease.

    >>> learn([["HER2 positive breast carcinoma", "HER2 positive breast cancer"]]).words
    {}
    """
    support: dict[tuple[str, str], int] = {}
    abbreviations: dict[str, set[str]] = {}
    heads: dict[str, int] = {}
    for names in names_by_disease:
        names = list(names)
        last = _concept_words(names[0])[-1:] if names else []
        for word in last:
            heads[word] = heads.get(word, 0) + 1
        taught: set[tuple[str, str]] = set()
        for reader, pairs in ((_concept_words, taught), (_plain_words, None)):
            readings = {tuple(reader(name)) for name in names}
            readings.discard(())
            for first, second in itertools.combinations(sorted(readings), 2):
                _compare(first, second, pairs, abbreviations)
                _compare(second, first, pairs, abbreviations)
        for pair in taught:
            support[pair] = support.get(pair, 0) + 1
    equivalents: dict[str, set[str]] = {}
    frequent = {word for word, count in heads.items() if count >= HEAD_LABELS}
    for (one, other), count in support.items():
        if count >= MIN_SUPPORT and not {one, other} & frequent:
            equivalents.setdefault(one, set()).add(other)
            equivalents.setdefault(other, set()).add(one)
    return Learned(
        {word: tuple(sorted(found)) for word, found in sorted(equivalents.items())},
        {token: tuple(sorted(found)) for token, found in sorted(abbreviations.items())},
    )


def _compare(
    first: tuple[str, ...],
    second: tuple[str, ...],
    taught: set[tuple[str, str]] | None,
    abbreviations: dict[str, set[str]],
) -> None:
    """One direction of a pair of readings: a word against a word (``taught``, when given),
    or a token against the phrase its initials spell."""
    only_first = [word for word in first if word not in second]
    only_second = [word for word in second if word not in first]
    if len(only_first) != 1 or not only_second:
        return
    (token,) = only_first
    if len(only_second) == 1:
        if taught is None:
            return
        other = only_second[0]
        if {token, other} & _KEPT_WORDS or token.isdigit() != other.isdigit():
            return
        taught.add((min(token, other), max(token, other)))
        return
    phrase = [word for word in second if word in only_second]
    if (
        2 <= len(token) <= 6
        and token.isalpha()
        and _initials(phrase) == token
        and _contiguous(second, phrase)
    ):
        abbreviations.setdefault(token, set()).add(" ".join(phrase))


def _contiguous(reading: tuple[str, ...], phrase: list[str]) -> bool:
    start = reading.index(phrase[0])
    return list(reading[start : start + len(phrase)]) == phrase


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
