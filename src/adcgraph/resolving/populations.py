"""Read patient-population names: a disease, biomarker criteria and clinical states.

``HER2-low breast cancer``, ``EGFR-mutant NSCLC``, ``FRα-high platinum-resistant ovarian
cancer``, ``R/R AML``, ``HR+/HER2− mBC``, ``1L mCRPC``: the parser takes out the clinical
states (the project's disease-state codes) and the biomarker criteria (a gene of the graph,
or one of the few biomarker words below, with a status code or a threshold such as
``PD-L1 CPS ≥ 10``, kept beside the status it states), then resolves what is left as
a disease through the name index (a stage such as ``stage IIIB``, which no state code says,
is reported as a qualifier). Each part says how it was matched. A disease named with its
biomarker (``HER2-positive breast cancer``) lands on the MONDO class that says so when there
is one; a population the graph curates is returned as that population.

What cannot be read is an error naming the part and the nearest candidates, never a guess.

>>> from adcgraph.resolving.index import Entity, NameIndex
>>> tiny = NameIndex("t", (Entity("MONDO:0007254", "m", "breast cancer", "disease"),
...                         Entity("HGNC:3430", "g", "ERBB2", "gene")),
...                  ((0, "label", "breast cancer"), (1, "label", "ERBB2"), (1, "synonym", "HER2")))
>>> found = parse_population(tiny, "HER2-low metastatic breast cancer")
>>> found.disease, [dict(b) for b in found.biomarkers], found.states
('MONDO:0007254', [{'gene': 'HGNC:3430', 'status': 'low'}], ('metastatic',))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from adcgraph.errors import ResolutionError
from adcgraph.resolving.index import NameIndex
from adcgraph.resolving.search import (
    Candidate,
    answers,
    nearest,
    search,
)
from adcgraph.resolving.text import DASHES

#: Biomarker words that are not gene symbols or aliases of the graph's genes, with the HGNC
#: gene they test (ids checked against HGNC's table; ``HR`` is read as ER, as labels do).
BIOMARKER_WORDS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "HR": ("HGNC:3467", "ESR1"),
        "ER": ("HGNC:3467", "ESR1"),
        "ESR1": ("HGNC:3467", "ESR1"),
        "PR": ("HGNC:8910", "PGR"),
        "PgR": ("HGNC:8910", "PGR"),
        "PGR": ("HGNC:8910", "PGR"),
        "BRCA1": ("HGNC:1100", "BRCA1"),
        "BRCA2": ("HGNC:1101", "BRCA2"),
        "ALK": ("HGNC:427", "ALK"),
        "KRAS": ("HGNC:6407", "KRAS"),
        "BRAF": ("HGNC:1097", "BRAF"),
        "ROS1": ("HGNC:10261", "ROS1"),
        "RET": ("HGNC:9967", "RET"),
        "NTRK1": ("HGNC:8031", "NTRK1"),
        "FGFR2": ("HGNC:3689", "FGFR2"),
        "FGFR3": ("HGNC:3690", "FGFR3"),
        "CLDN18.2": ("HGNC:2039", "CLDN18"),
        "CLDN18": ("HGNC:2039", "CLDN18"),
        "B7-H3": ("HGNC:19137", "CD276"),
        "CD276": ("HGNC:19137", "CD276"),
        "MSLN": ("HGNC:7371", "MSLN"),
        "mesothelin": ("HGNC:7371", "MSLN"),
        "CDH6": ("HGNC:1765", "CDH6"),
        "PTK7": ("HGNC:9618", "PTK7"),
        "DLL3": ("HGNC:2909", "DLL3"),
        "FRa": ("HGNC:3791", "FOLR1"),
        "FR alpha": ("HGNC:3791", "FOLR1"),
        "HER2": ("HGNC:3430", "ERBB2"),
        "HER3": ("HGNC:3431", "ERBB3"),
        "EGFR": ("HGNC:3236", "EGFR"),
        "c-MET": ("HGNC:7029", "MET"),
        "cMET": ("HGNC:7029", "MET"),
        "TROP2": ("HGNC:11530", "TACSTD2"),
        "CD30": ("HGNC:11923", "TNFRSF8"),
        "CD33": ("HGNC:1659", "CD33"),
        "PD-L1": ("HGNC:17635", "CD274"),
    }
)
#: Status words -> the project's biomarker status codes (after the gene: ``HER2-low``,
#: ``EGFRm``, ``HR+``, ``HER2−``, ``c-Met high``, ``CD30-positive``).
STATUS_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "+": "positive",
        "pos": "positive",
        "positive": "positive",
        "-": "negative",
        "neg": "negative",
        "negative": "negative",
        "low": "low",
        "lo": "low",
        "ultralow": "ultralow",
        "ultra-low": "ultralow",
        "null": "null",
        "0": "null",
        "high": "high",
        "hi": "high",
        "oe": "overexpressed",
        "overexpressing": "overexpressed",
        "overexpressed": "overexpressed",
        "overexpression": "overexpressed",
        "amplified": "amplified",
        "amplification": "amplified",
        "amp": "amplified",
        "m": "mutant",
        "mut": "mutant",
        "mutant": "mutant",
        "mutated": "mutant",
        "mutation": "mutant",
        "mutations": "mutant",
        "wild-type": "wild_type",
        "wildtype": "wild_type",
        "wt": "wild_type",
        "fusion": "fusion",
        "fusion-positive": "fusion",
        "rearranged": "fusion",
        "deleted": "deleted",
        "deletion": "deleted",
        "loss": "deleted",
        "expressing": "expressed",
        "expressed": "expressed",
        "expression": "expressed",
    }
)
#: Clinical-state phrases (folded, dashes plain) -> disease-state codes.
STATE_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"relapsed\s*(?:/|or|and|and/or)?\s*refractory", ("relapsed_or_refractory",)),
    (r"r\s*/\s*r", ("relapsed_or_refractory",)),
    (r"relapsed|refractory", ("relapsed_or_refractory",)),
    (
        r"locally\s+advanced\s+(?:or|/|and/or)\s+metasta(?:tic|sis|ses)",
        ("locally_advanced_or_metastatic",),
    ),
    (
        r"advanced\s*/\s*metastatic|advanced\s+or\s+metastatic|locally\s+advanced|advanced",
        ("locally_advanced_or_metastatic",),
    ),
    (r"metastatic|metastases|metastasis", ("metastatic",)),
    (r"unresectable|inoperable", ("unresectable",)),
    (r"newly\s+diagnosed|treatment\s*-?\s*naive|untreated", ("newly_diagnosed",)),
    (r"first\s*-?\s*line|frontline|front\s*-?\s*line|1\s*l", ("first_line",)),
    (
        r"(?:second|third|later)\s*-?\s*line|[23]\s*l\+?|previously\s+treated|pre\s*-?treated",
        ("previously_treated",),
    ),
    (r"early\s*-?\s*stage|early", ("early_stage",)),
    (r"platinum\s*-?\s*resistant", ("platinum_resistant",)),
    (r"muscle\s*-?\s*invasive", ("muscle_invasive",)),
    (r"residual\s+(?:invasive\s+)?disease", ("residual_disease",)),
    (r"castrat(?:ion|e)\s*-?\s*resistant", ("castration_resistant",)),
    (r"transplant\s*-?\s*ineligible", ("transplant_ineligible",)),
)
#: A stage of a staging system (``stage IV``, ``AJCC stage IIIB``, ``FIGO stage 2``): no
#: disease-state code says it (stage IV is metastatic for most solid tumours but not for
#: all: head and neck IVA/IVB are locoregional), so it is reported and the disease read
#: without it. Stage 0, the in situ form, is read by the disease search instead.
STAGE_PHRASE = re.compile(
    r"(?<![\w/])(?:(?:AJCC|FIGO|TNM|clinical|pathologic(?:al)?)\s+)?stage\s+"
    r"(?:IV|I{1,3}|[1-4])[A-Da-d]?[1-3]?(?![\w])",
    re.IGNORECASE,
)
#: Words of population names that carry no state code; they are reported, then dropped.
NO_CODE_WORDS = ("recurrent", "adult", "adults", "patients", "patient")
#: Connectors left at either end of the disease part once states are taken out.
EDGE_WORDS = ("with", "in", "of", "and", "or", "and/or")
#: Abbreviations that pack states into a disease name (``mBC``, ``mCRPC``, ``PROC``).
PACKED_ABBREVIATIONS: Mapping[str, tuple[str, tuple[str, ...]]] = MappingProxyType(
    {
        "mBC": ("breast cancer", ("metastatic",)),
        "eBC": ("breast cancer", ("early_stage",)),
        "BC": ("breast cancer", ()),
        "mCRPC": ("prostate cancer", ("metastatic", "castration_resistant")),
        "CRPC": ("prostate cancer", ("castration_resistant",)),
        "mCRC": ("colorectal cancer", ("metastatic",)),
        "CRC": ("colorectal cancer", ()),
        "mUC": ("urothelial carcinoma", ("metastatic",)),
        "UC": ("urothelial carcinoma", ()),
        "la/mUC": ("urothelial carcinoma", ("locally_advanced_or_metastatic",)),
        "GC": ("gastric cancer", ()),
        "mGC": ("gastric cancer", ("metastatic",)),
        "GEJC": ("gastroesophageal junction adenocarcinoma", ()),
        "PROC": ("ovarian cancer", ("platinum_resistant",)),
        "MIBC": ("bladder cancer", ("muscle_invasive",)),
        "MM": ("multiple myeloma", ()),
        "HL": ("Hodgkin lymphoma", ()),
        "cHL": ("classic Hodgkin lymphoma", ()),
        "ALL": ("acute lymphoblastic leukemia", ()),
        "B-ALL": ("B-cell acute lymphoblastic leukemia", ()),
        "HNSCC": ("head and neck squamous cell carcinoma", ()),
        "ESCC": ("esophageal squamous cell carcinoma", ()),
        "mNSCLC": ("non-small cell lung carcinoma", ("metastatic",)),
        "mTNBC": ("triple-negative breast carcinoma", ("metastatic",)),
    }
)
STATUS_LABELS = {
    "positive": ("positive",),
    "negative": ("negative", "receptor negative"),
    "low": ("low",),
    "mutant": ("mutant", "mutated", "mutation positive"),
    "amplified": ("amplified",),
    "high": ("high",),
    "overexpressed": ("overexpressing", "positive"),
}


@dataclass(frozen=True)
class Biomarker:
    """A biomarker criterion read from text."""

    gene: str
    symbol: str
    status: str
    text: str
    variant: str = ""
    threshold: str = ""

    def as_dict(self) -> dict[str, str]:
        """The JSON form ``{"gene", "status"}`` (and ``variant`` or ``threshold`` when one was
        named).

        >>> Biomarker("HGNC:17635", "CD274", "positive", "PD-L1 CPS>=10",
        ...           threshold="CPS >= 10").as_dict()["threshold"]
        'CPS >= 10'
        """
        data = {"gene": self.gene, "status": self.status}
        if self.variant:
            data["variant"] = self.variant
        if self.threshold:
            data["threshold"] = self.threshold
        return data


@dataclass(frozen=True)
class ParsedPopulation:
    """What a population name says: disease, biomarkers, states and how each part matched."""

    text: str
    disease: str
    disease_label: str
    biomarkers: tuple[Mapping[str, str], ...]
    states: tuple[str, ...]
    parts: tuple[Mapping[str, Any], ...]
    disease_candidate: Candidate
    marker_labels: tuple[str, ...] = ()


# --- finding the parts ----------------------------------------------------------------------


def _gene_words(index: NameIndex) -> dict[str, tuple[str, str]]:
    """Every name of a gene in the index (and the biomarker words) -> (HGNC id, symbol)."""
    found: dict[str, tuple[str, str]] = {}
    for position, name_field, text in index.names_of_kind("gene"):
        if name_field in ("label", "synonym") and len(text) >= 2:
            entity = index.entities[position]
            found.setdefault(text.translate(DASHES).casefold(), (entity.id, entity.label))
    for word, gene in BIOMARKER_WORDS.items():
        found.setdefault(word.casefold(), gene)
    return found


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(set(words), key=lambda w: (-len(w), w)))


#: A threshold written after the gene: an optional score or assay (``CPS``, ``TPS``, ``IHC``,
#: ``H-score``), a comparison and a number (``PD-L1 CPS ≥ 10``, ``FRα ≥ 75%``, ``TPS < 1%``).
THRESHOLD = (
    r"(?P<assay>CPS|TPS|TAP|TC|IC|H-?score|IHC|PS2\+?)?\s*"
    r"(?P<comparison>≥|>=|=>|>|≤|<=|=<|<)\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>%?)"
)
#: A threshold's comparison -> the status it states: at or above a cut-off is positive for
#: that assay, below it negative (the ontology's statuses; the threshold text is kept).
COMPARISON_STATUS: Mapping[str, str] = MappingProxyType(
    {">=": "positive", "=>": "positive", ">": "positive", "≥": "positive",
     "<=": "negative", "=<": "negative", "<": "negative", "≤": "negative"}
)


def _biomarker_pattern(genes: Iterable[str]) -> re.Pattern[str]:
    statuses = _alternation(word for word in STATUS_WORDS if word not in ("+", "-", "m"))
    return re.compile(
        rf"(?<![\w.])(?P<gene>{_alternation(genes)})"
        rf"(?:\s*-?\s*(?P<threshold>{THRESHOLD})(?![\w.])"
        rf"|(?P<sign>\+|-(?![\w])|m(?![\w])|mut(?![\w]))"
        rf"|(?:\s*-?\s*|\s+)(?P<variant>(?:exon\s*\d+\s*\w+|[A-Z]\d+[A-Z]))?\s*-?\s*"
        rf"(?P<word>{statuses})(?![\w]))",
        re.IGNORECASE,
    )


def find_biomarkers(index: NameIndex, text: str) -> tuple[list[Biomarker], str]:
    """The biomarker criteria of ``text`` and the text with them blanked out.

    >>> from adcgraph.resolving.index import NameIndex
    >>> markers, rest = find_biomarkers(NameIndex("t", (), ()), "HR+/HER2\u2212 breast cancer")
    >>> [(m.symbol, m.status) for m in markers], rest.strip()
    ([('ESR1', 'positive'), ('ERBB2', 'negative')], 'breast cancer')
    >>> markers, rest = find_biomarkers(NameIndex("t", (), ()), "PD-L1 CPS ≥ 10 gastric cancer")
    >>> [m.as_dict() for m in markers], rest.strip()
    ([{'gene': 'HGNC:17635', 'status': 'positive', 'threshold': 'CPS >= 10'}], 'gastric cancer')
    """
    genes = _gene_words(index)
    plain = text.translate(DASHES)
    found = []
    pieces = []
    last = 0
    for match in _biomarker_pattern(genes).finditer(plain):
        gene, symbol = genes[match.group("gene").casefold()]
        if match.group("threshold"):
            comparison = match.group("comparison")
            status, threshold = COMPARISON_STATUS[comparison], _threshold_text(match)
            found.append(Biomarker(gene, symbol, status, match.group(0), threshold=threshold))
        else:
            word = (match.group("sign") or match.group("word") or "").casefold()
            variant = (match.group("variant") or "").strip()
            found.append(Biomarker(gene, symbol, STATUS_WORDS[word], match.group(0), variant))
        pieces += [plain[last : match.start()], " "]
        last = match.end()
    pieces.append(plain[last:])
    rest = "".join(pieces)
    return found, re.sub(r"(?<=\s)/(?=\s)|^\s*/|/\s*$", " ", rest)


def _threshold_text(match: re.Match[str]) -> str:
    """A threshold written one way: ``CPS >= 10``, ``>= 75%``, ``TPS < 1%``."""
    comparison = {"≥": ">=", "=>": ">=", "≤": "<=", "=<": "<="}.get(
        match.group("comparison"), match.group("comparison")
    )
    assay = (match.group("assay") or "").upper().replace("H-SCORE", "H-score")
    value = f"{comparison} {match.group('number')}{match.group('unit')}"
    return f"{assay} {value}" if assay else value


def find_states(text: str) -> tuple[list[tuple[str, tuple[str, ...]]], str]:
    """The clinical states of ``text`` (phrase, codes) and the text without them.

    A negated phrase (``non-metastatic``, ``not metastatic``) is not the state.

    >>> states, rest = find_states("relapsed/refractory acute myeloid leukemia")
    >>> states, rest.strip()
    ([('relapsed/refractory', ('relapsed_or_refractory',))], 'acute myeloid leukemia')
    >>> find_states("non-metastatic breast cancer")[0]
    []
    """
    found = []
    rest = text
    for phrase, codes in STATE_PHRASES:
        pattern = re.compile(
            rf"(?<![\w/])(?<!non-)(?<!non )(?<!not )(?<!no )(?:{phrase})(?![\w/])",
            re.IGNORECASE,
        )
        for match in pattern.finditer(rest):
            found.append((match.group(0), codes))
        rest = pattern.sub(" ", rest)
    return found, rest


def _unpack_abbreviations(text: str) -> tuple[str, list[tuple[str, str, tuple[str, ...]]]]:
    unpacked = []
    words = []
    for word in re.split(r"(\s+)", text):
        if word in PACKED_ABBREVIATIONS:
            disease, states = PACKED_ABBREVIATIONS[word]
            unpacked.append((word, disease, states))
            words.append(disease)
        else:
            words.append(word)
    return "".join(words), unpacked


def _clean(rest: str) -> tuple[str, list[str]]:
    dropped = []
    words = []
    for word in re.split(r"\s+", re.sub(r"[,;()]", " ", rest)):
        if not word or word in ("/", "-"):
            continue
        if word.casefold() in NO_CODE_WORDS:
            dropped.append(word)
            continue
        words.append(word)
    while words and words[0].casefold() in EDGE_WORDS:
        dropped.append(words.pop(0))
    while words and words[-1].casefold() in EDGE_WORDS:
        dropped.append(words.pop())
    return " ".join(words).strip(" -/"), dropped


# --- resolving a population -----------------------------------------------------------------


def looks_like_population(text: str) -> bool:
    """Whether ``text`` has a biomarker sign, a state phrase or a packed abbreviation.

    >>> looks_like_population("EGFRm NSCLC"), looks_like_population("breast cancer")
    (True, False)
    """
    plain = text.translate(DASHES)
    if re.search(r"\w[+-](?:\s|/|$)|\w(?:m|mut)\b|(?:≥|>=|>|≤|<=|<)\s*\d", plain):
        return True
    if any(word in PACKED_ABBREVIATIONS for word in plain.split()):
        return True
    states, _ = find_states(plain)
    return bool(states) or bool(
        re.search(rf"\b(?:{_alternation(STATUS_WORDS)})\b", plain, re.IGNORECASE)
    )


def parse_population(index: NameIndex, text: str, *, explain: bool = True) -> ParsedPopulation:
    """Read ``text`` as a population; ResolutionError naming the part that failed.

    >>> parse_population(index, "FRα-high platinum-resistant ovarian cancer").states
    ... # doctest: +SKIP
    ('platinum_resistant',)
    """
    markers, rest = find_biomarkers(index, text)
    states, rest = find_states(rest)
    stages = [match.group(0) for match in STAGE_PHRASE.finditer(rest)]
    rest = STAGE_PHRASE.sub(" ", rest)
    rest, unpacked = _unpack_abbreviations(rest)
    disease_text, dropped = _clean(rest)
    parts: list[dict[str, Any]] = []
    for marker in markers:
        parts.append(
            {
                "part": marker.text.strip(),
                "as": "biomarker",
                "id": marker.gene,
                "matched": f"gene {marker.symbol}, status {marker.status}",
            }
        )
    codes: list[str] = []
    for phrase, phrase_codes in states:
        codes += phrase_codes
        parts.append({"part": phrase, "as": "state", "id": None, "matched": "|".join(phrase_codes)})
    for word, disease_name, packed in unpacked:
        codes += packed
        parts.append(
            {
                "part": word,
                "as": "abbreviation",
                "id": None,
                "matched": f"{disease_name!r}" + (f" + {'|'.join(packed)}" if packed else ""),
            }
        )
    for stage in stages:
        matched = "stage; no state code, reported"
        parts.append({"part": stage, "as": "qualifier", "id": None, "matched": matched})
    for word in dropped:
        parts.append({"part": word, "as": "ignored", "id": None, "matched": "no code; ignored"})
    if not disease_text:
        read = "; ".join(f"{p['as']} {p['part']!r}" for p in parts) or "nothing"
        raise ResolutionError(
            f"{text!r} names no disease: read {read}; add the disease, e.g. "
            f"'{text.strip()} breast cancer'"
        )
    disease = _resolve_disease_part(index, text, disease_text, parts, explain)
    disease = _specialised(index, disease, disease_text, markers)
    disease = narrowest_covering(index, disease, disease_text, _uncovered_words(parts))
    parts.insert(
        0,
        {"part": disease_text, "as": "disease", "id": disease.id, "matched": disease.matched},
    )
    return ParsedPopulation(
        text=text,
        disease=disease.id,
        disease_label=disease.label,
        biomarkers=tuple(marker.as_dict() for marker in markers),
        states=tuple(sorted(set(codes))),
        parts=tuple(parts),
        disease_candidate=disease,
        marker_labels=tuple(f"{marker.symbol} {marker.status}" for marker in markers),
    )


def _resolve_disease_part(
    index: NameIndex,
    text: str,
    disease_text: str,
    parts: list[dict[str, Any]],
    explain: bool = True,
) -> Candidate:
    found = answers(search(index, disease_text, "disease", suggest=False))
    qualifier, _, broader = disease_text.partition(" ")
    if not found and broader and qualifier.casefold().startswith("non-"):
        found = answers(search(index, broader, "disease", suggest=False))
        if found:
            parts.append(
                {
                    "part": qualifier,
                    "as": "qualifier",
                    "id": None,
                    "matched": f"not a disease of the index; read as the broader {broader!r}",
                }
            )
    if found:
        top = [c for c in found if c.score == found[0].score]
        if len(top) > 1:
            listing = ", ".join(f"{c.label!r} ({c.id})" for c in top[:5])
            raise ResolutionError(
                f"the disease part {disease_text!r} of {text!r} is ambiguous: {listing}; "
                "name the disease more precisely or give its MONDO id"
            )
        return found[0]
    if not explain:
        raise ResolutionError(f"could not read the disease part {disease_text!r} of {text!r}")
    read = "; ".join(f"{p['as']} {p['part']!r} ({p['matched']})" for p in parts)
    status = unknown_status(index, disease_text)
    if status:
        gene, word, close = status
        hint = f"; did you mean {gene}-{close}?" if close else ""
        raise ResolutionError(
            f"unknown biomarker status {word!r} of {gene} in {text!r}: expected one of "
            f"{', '.join(sorted(set(STATUS_WORDS.values())))}{hint}"
        )
    unknown = _unknown_biomarker(index, disease_text)
    if unknown:
        raise ResolutionError(
            f"unknown biomarker {unknown!r} in {text!r}: no gene of the graph or biomarker "
            f"word is named {unknown!r}" + _nearest_text(index, unknown, "gene", "genes")
        )
    raise ResolutionError(
        f"could not read the disease part {disease_text!r} of {text!r}"
        + (f" (read: {read})" if read else "")
        + _nearest_text(index, disease_text, "disease", "diseases")
    )


def unknown_status(index: NameIndex, disease_text: str) -> tuple[str, str, str] | None:
    """A gene of the graph (or a biomarker word) written with a status word the parser does
    not know (``HER2-lowish``): the gene as written, the word and the nearest status word
    ('' when none is near); None when there is none, or when the words name a disease.

    >>> from adcgraph.resolving.index import NameIndex
    >>> unknown_status(NameIndex("t", (), ()), "HER2-lowish breast cancer")
    ('HER2', 'lowish', 'low')
    """
    import difflib

    genes = _gene_words(index)
    match = re.search(
        rf"(?<![\w.])(?P<gene>{_alternation(genes)})\s*-\s*(?P<word>[A-Za-z]{{2,}})(?![\w])",
        disease_text.translate(DASHES),
        re.IGNORECASE,
    )
    if not match or match.group("word").casefold() in STATUS_WORDS:
        return None
    if search(index, match.group(0), "disease", loose=False):
        return None
    words = [word for word in STATUS_WORDS if len(word) > 2]
    close = difflib.get_close_matches(match.group("word").casefold(), words, n=1, cutoff=0.6)
    return match.group("gene"), match.group("word"), close[0] if close else ""


def _unknown_biomarker(index: NameIndex, disease_text: str) -> str | None:
    statuses = _alternation(word for word in STATUS_WORDS if len(word) > 1)
    match = re.search(
        rf"(?<![\w])([A-Za-z][A-Za-z0-9.]{{1,12}})"
        rf"(?:[+-](?=\s|$)|\s*-?\s*(?:{statuses})\b|\s*-?\s*{THRESHOLD})",
        disease_text,
        re.IGNORECASE,
    )
    if not match:
        return None
    word = match.group(1)
    if search(index, word, "disease", loose=False) or word.casefold() in ("triple", "double"):
        return None
    return word


def _nearest_text(index: NameIndex, text: str, kind: str, noun: str) -> str:
    near = nearest(index, text, kind)[:5]
    if not near:
        return ""
    return f"; nearest {noun}: " + ", ".join(f"{c.label!r} ({c.id})" for c in near)


def _specialised(
    index: NameIndex, disease: Candidate, disease_text: str, markers: list[Biomarker]
) -> Candidate:
    """A MONDO class that names the disease with its biomarker, when the index has one.

    ``HER2-positive`` + ``breast cancer`` -> ``HER2 positive breast carcinoma``.
    """
    if len(markers) != 1:
        return disease
    marker = markers[0]
    names = {marker.symbol, marker.text.split("-")[0].split("+")[0].strip()}
    names |= {word for word, gene in BIOMARKER_WORDS.items() if gene[0] == marker.gene}
    for name in sorted(names):
        for status in STATUS_LABELS.get(marker.status, ()):
            for form in (f"{name} {status} {disease_text}", f"{name}-{status} {disease_text}"):
                found = search(index, form, "disease", loose=False)
                if found and found[0][1].id != disease.id:
                    special = found[0][1]
                    return Candidate(
                        special.id,
                        special.iri,
                        special.label,
                        special.kind,
                        disease.score,
                        f"{disease.matched}; with {marker.text.strip()!r}: {special.matched}",
                        special.source,
                        disease=special.id,
                    )
    return disease


#: How far below the disease a class that covers the whole name is looked for.
COVER_DEPTH = 4
COVER_LIMIT = 400


def _uncovered_words(parts: list[dict[str, Any]]) -> list[str]:
    """Words the disease part lost: ignored words (``adult``) and dropped qualifiers."""
    return [
        str(part["part"])
        for part in parts
        if part["as"] in ("ignored", "qualifier")
        and str(part["part"]).casefold() not in (*EDGE_WORDS, "patients", "patient")
    ]


def narrowest_covering(
    index: NameIndex, disease: Candidate, disease_text: str, extra: list[str]
) -> Candidate:
    """The most specific class under ``disease`` that a name of it fully covers, when the
    disease part lost words (``adult CNS teratoma`` -> ``adult central nervous system
    teratoma``, not ``central nervous system teratoma``). Every word of the class's name
    must come from the text (its learned variants and abbreviations included) or from a
    name of ``disease``, and one must be a lost word; two such classes equally good leave
    ``disease`` as it is.
    """
    from adcgraph.resolving.learned import concept_words
    from adcgraph.resolving.text import normalise

    if not extra or disease.kind != "disease":
        return disease
    # a negated qualifier (``non-squamous``) is one idea: the class must say it as written
    equivalents = index.equivalents
    negated = [normalise(text) for text in extra if text.casefold().startswith("non")]
    lost = {word for text in extra for word in concept_words(text, equivalents)}
    allowed = set(lost) | set(concept_words(disease_text, equivalents))
    for name in index.names_of(disease.id):
        allowed |= set(concept_words(name, equivalents))
    learned = index.learned
    for word in list(allowed):
        for phrase in learned.abbreviations.get(word, ()):
            allowed |= set(phrase.split())
        allowed |= set(learned.words.get(word, ()))
    best: dict[str, tuple[int, str]] = {}
    for child in _descendants(index, disease.id):
        for name in index.names_of(child):
            found = set(concept_words(name, equivalents))
            if any(phrase not in normalise(name) for phrase in negated):
                continue
            if found and found <= allowed and found & lost:
                size = len(found & lost)
                if size > best.get(child, (0, ""))[0]:
                    best[child] = (size, name)
    if not best:
        return disease
    top = max(size for size, _ in best.values())
    winners = [child for child, (size, _) in best.items() if size == top]
    entity = index.entity(winners[0]) if len(winners) == 1 else None
    if entity is None:
        return disease
    name = best[winners[0]][1]
    return Candidate(
        entity.id,
        entity.iri,
        entity.label,
        "disease",
        disease.score,
        f"{disease.matched}; narrower class {name!r} covers {', '.join(map(repr, extra))}",
        entity.source,
        disease=entity.id,
    )


def _descendants(index: NameIndex, curie: str) -> list[str]:
    found: list[str] = []
    seen = {curie}
    frontier = [curie]
    for _ in range(COVER_DEPTH):
        below = [kid for parent in frontier for kid in index.children(parent) if kid not in seen]
        seen.update(below)
        found += below
        frontier = below
        if len(found) > COVER_LIMIT:
            break
    return found


def population_candidates(index: NameIndex, parsed: ParsedPopulation) -> list[Candidate]:
    """The curated populations that match the parse (same disease and biomarkers), then the
    parse itself as a population of the graph's disease.
    """
    wanted = sorted((m["gene"], m["status"]) for m in parsed.biomarkers)
    matches: list[tuple[int, Candidate]] = []
    for curie, details in index.details.items():
        markers = sorted((m["gene"], m["status"]) for m in details.get("biomarkers", ()))
        if details.get("disease") != parsed.disease or markers != wanted:
            continue
        entity = index.entity(curie)
        if entity is None:
            continue
        states = set(details.get("states", ()))
        missing = len(set(parsed.states) ^ states)
        score = round(0.9 - 0.05 * missing, 4)
        how = (
            "same disease, biomarkers and states"
            if not missing
            else (f"same disease and biomarkers; states differ ({missing})")
        )
        matches.append(
            (
                missing,
                Candidate(
                    curie,
                    entity.iri,
                    entity.label,
                    "population",
                    score,
                    f"population parts: {how}",
                    entity.source,
                    disease=parsed.disease,
                    biomarkers=tuple(details.get("biomarkers", ())),
                    states=tuple(details.get("states", ())),
                    parts=parsed.parts,
                ),
            )
        )
    matches.sort(key=lambda item: (item[0], item[1].id))
    disease = parsed.disease_candidate
    described = ", ".join([*parsed.marker_labels, *parsed.states])
    parsed_candidate = Candidate(
        disease.id,
        disease.iri,
        f"{disease.label} ({described})" if described else disease.label,
        "population" if described else "disease",
        round(min(disease.score, 0.9) - 0.01, 4),
        "population name: " + "; ".join(f"{p['as']} {p['part']!r}" for p in parsed.parts),
        "parsed",
        disease=parsed.disease,
        biomarkers=parsed.biomarkers,
        states=parsed.states,
        parts=parsed.parts,
    )
    if not described:
        return [parsed_candidate]  # a plain disease: no population to prefer
    exact = [candidate for missing, candidate in matches if missing == 0]
    rest = [candidate for missing, candidate in matches if missing != 0]
    if len(exact) > 1:
        # The name does not tell these curated populations apart (the same parts, told
        # apart by their labels only): the parse itself answers, and they follow it.
        exact = [
            replace(
                candidate,
                score=round(parsed_candidate.score - 0.01, 4),
                matched=f"{candidate.matched} (one of {len(exact)} with these parts)",
            )
            for candidate in exact
        ]
        return [parsed_candidate, *exact, *rest]
    return [*exact, parsed_candidate, *rest]
