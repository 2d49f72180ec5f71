"""The prefix map: in step with the Bioregistry, and the fast lookups agree with curies."""

from __future__ import annotations

import json

import pytest

from adcgraph import vocab
from adcgraph.storage.locations import PROJECT_ROOT

RELEASE = PROJECT_ROOT / "graph" / "adcgraph.ttl"


def release_iris() -> list[str]:
    import pyoxigraph as ox

    iris = set()
    with RELEASE.open("rb") as stream:
        for triple in ox.parse(stream, format=ox.RdfFormat.TURTLE):
            for term in (triple.subject, triple.predicate, triple.object):
                if isinstance(term, ox.NamedNode):
                    iris.add(term.value)
    return sorted(iris)


def synonym_iris() -> list[str]:
    """One IRI per URI prefix synonym, with the local part of a real-looking identifier."""
    return [
        f"{uri_prefix}0001"
        for record in vocab.prefix_records()
        for uri_prefix in [record["uri_prefix"], *record["uri_prefix_synonyms"]]  # type: ignore[misc]
    ]


def test_committed_prefix_map_matches_its_sources():
    for package in ("bioregistry", "biolink_model", "prefixmaps"):
        pytest.importorskip(package)
    committed = json.loads(vocab.PREFIX_FILE.read_text(encoding="utf-8"))
    assert committed == vocab.generate_prefix_records(), (
        "prefixes.json drifted from the installed Bioregistry, Biolink Model or prefixmaps; "
        "regenerate it with: python -m adcgraph.vocab"
    )


def test_compress_agrees_with_curies_on_every_release_and_synonym_iri():
    converter = vocab.converter()
    iris = release_iris() + synonym_iris()
    assert len(iris) > 1000
    disagreements = [
        (iri, vocab.compress(iri), converter.compress(iri, passthrough=True))
        for iri in iris
        if vocab.compress(iri) != converter.compress(iri, passthrough=True)
    ]
    assert disagreements == []


def test_standardize_iri_agrees_with_curies():
    converter = vocab.converter()
    for iri in [*synonym_iris(), "https://example.org/not-a-known-prefix/1"]:
        assert vocab.standardize_iri(iri) == converter.standardize_uri(iri, strict=False), iri


def test_expand_reads_synonyms_and_rejects_unknown_prefixes():
    assert vocab.expand("hgnc:11530") == "http://identifiers.org/hgnc/11530"
    assert vocab.expand("MONDO:0005494") == vocab.converter().expand("MONDO:0005494")
    with pytest.raises(vocab.AdcGraphError, match="unknown CURIE prefix 'nosuch'"):
        vocab.expand("nosuch:1")


def test_an_iri_outside_every_prefix_passes_through_unchanged():
    iri = "https://example.org/hetnet/gene/12"
    assert vocab.compress(iri) == iri
    assert vocab.standardize_iri(iri) is None
