"""Name resolution: every curated label and synonym, codes, aliases, ambiguity, cache, speed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from adcgraph.errors import ResolutionError
from adcgraph.resolving import (
    Candidate,
    build_index,
    cache_path,
    index_for_store,
    resolve,
    resolve_one,
    store_version_of,
)

TNBC = "MONDO:0005494"
NSCLC = "MONDO:0005233"
AML = "MONDO:0018874"
TRASTUZUMAB_DERUXTECAN = "DRUGBANK:DB14962"
SACITUZUMAB_GOVITECAN = "DRUGBANK:DB12893"
TRASTUZUMAB_EMTANSINE = "DRUGBANK:DB05773"
TRASTUZUMAB_DRUG = "DRUGBANK:DB00072"
TRASTUZUMAB_ANTIBODY = "adcgraph:antibody/trastuzumab"
TACSTD2 = "HGNC:11530"
ERBB2 = "HGNC:3430"
ABCB1 = "HGNC:40"
ABCG2 = "HGNC:74"


@pytest.fixture(scope="module")
def index(built):
    return index_for_store(built.paths.store)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TNBC", TNBC),
        ("NSCLC", NSCLC),
        ("AML", AML),
        ("Enhertu", TRASTUZUMAB_DERUXTECAN),
        ("DS-8201a", TRASTUZUMAB_DERUXTECAN),
        ("Trodelvy", SACITUZUMAB_GOVITECAN),
        ("IMMU-132", SACITUZUMAB_GOVITECAN),
        ("T-DM1", TRASTUZUMAB_EMTANSINE),
        ("TROP2", TACSTD2),
        ("HER2", ERBB2),
        ("P-gp", ABCB1),
        ("MDR1", ABCB1),
        ("BCRP", ABCG2),
    ],
)
def test_abbreviations_brand_names_codes_and_gene_aliases_resolve(index, text, expected):
    assert resolve_one(index, text).id == expected


def test_looser_spellings_resolve_with_a_lower_score_saying_how(index):
    exact = resolve_one(index, "DS-8201a")
    folded = resolve_one(index, "ds8201A")
    reordered = resolve_one(index, "deruxtecan trastuzumab")
    assert exact.id == folded.id == reordered.id == TRASTUZUMAB_DERUXTECAN
    assert exact.score > folded.score > reordered.score
    assert folded.matched.startswith("normalised synonym")
    assert reordered.matched.startswith("word order label")


def test_every_curated_label_and_synonym_resolves_back_to_its_entity(index):
    ambiguous = set()
    # case means nothing in disease names: a synonym that is another disease's label up to
    # case ("Central nervous system teratoma" on the adult class) names that disease
    disease_labels = {
        entity.label.casefold(): entity.id for entity in index.entities if entity.kind == "disease"
    }
    for position, name_field, text in index.names:
        if name_field not in ("label", "synonym"):
            continue
        entity = index.entities[position]
        expected = entity.id
        if entity.kind == "disease" and name_field == "synonym":
            expected = disease_labels.get(text.casefold(), entity.id)
        try:
            assert resolve_one(index, text).id == expected, text
        except ResolutionError as error:
            assert "ambiguous" in error.message and entity.id in error.message, text
            ambiguous.add(text)
    assert ambiguous == {"trastuzumab"}


def test_ambiguous_text_lists_the_candidates_and_a_type_settles_it(index):
    with pytest.raises(ResolutionError) as error:
        resolve_one(index, "trastuzumab")
    assert TRASTUZUMAB_DRUG in error.value.message and TRASTUZUMAB_ANTIBODY in error.value.message
    assert resolve_one(index, "trastuzumab", kind="antibody").id == TRASTUZUMAB_ANTIBODY
    assert resolve_one(index, "trastuzumab", kind="drug").id == TRASTUZUMAB_DRUG


def test_unknown_text_says_so_and_suggests_the_nearest_names(index):
    with pytest.raises(ResolutionError, match="no entity of the graph is named") as error:
        resolve_one(index, "trastzmab drxtcan")
    assert TRASTUZUMAB_DERUXTECAN in error.value.message


def test_curies_iris_and_curated_cross_references_resolve(index):
    assert resolve_one(index, TNBC).matched == f"identifier {TNBC!r}"
    assert resolve_one(index, "http://purl.obolibrary.org/obo/MONDO_0005494").id == TNBC
    assert resolve_one(index, "mesh:D064726").id == TNBC
    with pytest.raises(ResolutionError, match="not an identifier of any entity"):
        resolve_one(index, "MONDO:9999999")


def test_candidates_are_best_first_and_filtered_by_type(index):
    candidates = resolve(index, "trastuzumab", limit=20)
    assert all(isinstance(c, Candidate) for c in candidates)
    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)
    assert all(c.kind in {"drug", "adc"} for c in resolve(index, "trastuzumab", kind="drug"))
    with pytest.raises(ResolutionError, match="unknown entity type"):
        resolve(index, "HER2", kind="planet")


def test_the_index_is_one_query_and_is_cached_per_store_version(built):
    store_path = built.paths.store
    cached = cache_path(store_path, store_version_of(store_path) or "")
    index_for_store(store_path)
    assert cached.exists()
    stored, fresh = index_for_store(store_path), build_index(built.backend)
    assert list(stored.entities) == list(fresh.entities)
    assert list(stored.names) == list(fresh.names)
    assert resolve(built.backend, "TNBC")[0].id == TNBC


def test_a_fresh_adcgraph_resolve_loads_no_heavy_library(built):
    # Start-up time is measured in bench/; here the cause of a slow start is checked instead:
    # resolving a name must not import the numeric, graph or RDF-parsing libraries.
    environment = {**os.environ, "ADCGRAPH_STORE": str(built.paths.store)}
    probe = (
        "import sys; from adcgraph.cli import main; sys.argv = ['adcgraph', 'resolve', 'TNBC']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = {'numpy', 'scipy', 'networkx', 'rdflib', 'owlready2', 'pyshacl', 'pandas'}\n"
        "print('loaded:', sorted(heavy & set(sys.modules)))"
    )
    command = [sys.executable, "-c", probe]
    subprocess.run(command, env=environment, check=True, capture_output=True)  # warm the cache
    result = subprocess.run(command, env=environment, check=True, capture_output=True, text=True)
    assert TNBC in result.stdout
    assert "loaded: []" in result.stdout


def test_each_acronym_of_a_joint_trial_resolves_to_the_trial(index):
    joint = [e for e in index.entities if e.kind == "trial" and "/" in e.label]
    assert joint, "the curated trials include joint acronyms such as ASCENT-04/KEYNOTE-D19"
    for trial in joint:
        for acronym in (part.strip() for part in trial.label.split("/")):
            assert resolve_one(index, acronym).id == trial.id, acronym


def test_the_cached_index_is_keyed_by_the_code_that_built_it(built):
    from adcgraph.resolving.index import builder_digest

    store_path = built.paths.store
    assert index_for_store(store_path).version.endswith(builder_digest())
