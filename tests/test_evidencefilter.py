"""--status and --evidence-type on the real built graph: combos, cross-resistance and paths."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from adcgraph import vocab
from adcgraph.cli import cli
from adcgraph.combos import combos, cross_resistance, make_scorer, set_aside_drugs
from adcgraph.errors import ValidationError
from adcgraph.evidencefilter import EvidenceFilter, failing_edges, filtered_data
from adcgraph.graphdata import read_graph_data

SACITUZUMAB_GOVITECAN = vocab.expand("DRUGBANK:DB12893")
TNBC = vocab.expand("MONDO:0005494")
VERIFIED = EvidenceFilter.from_codes(["verified"])
CLINICAL = EvidenceFilter.from_codes(evidence_types=["clinical"])
#: Few permutations: the filters change which edges exist, not how p-values are found.
PERMUTATIONS = 2


@pytest.fixture(scope="module")
def store_path(built):
    return built.paths.store


@pytest.fixture(scope="module")
def rankings(store_path):
    """SG in TNBC on the whole graph and on verified claims only."""
    return {
        name: combos(
            store_path,
            SACITUZUMAB_GOVITECAN,
            TNBC,
            top=10,
            n_permutations=PERMUTATIONS,
            evidence_filter=chosen,
        )
        for name, chosen in (("all", EvidenceFilter()), ("verified", VERIFIED))
    }


def _steps(ranking):
    for candidate in [*ranking.candidates, *ranking.next_adcs]:
        for path in candidate.paths:
            for step, predicate in zip(path["steps"], path["predicates"], strict=True):
                yield candidate, path, {**step, "forward": not predicate.startswith("^")}


def _iri(node: str) -> str:
    """A step's node: a CURIE, or an IRI with no prefix of the project (a pathway)."""
    return node if "://" in node else vocab.expand(node)


def _edge(step) -> tuple[str, str, str]:
    """The stored edge of a path step (a step's ``source`` is where the walk came from)."""
    first, second = _iri(step["source"]), _iri(step["target"])
    return (
        (first, step["predicate"], second)
        if step["forward"]
        else (second, step["predicate"], first)
    )


def test_unknown_codes_are_refused_with_the_valid_ones():
    with pytest.raises(ValidationError, match="expected one of: unverified, verified"):
        EvidenceFilter.from_codes(["checked"])
    with pytest.raises(ValidationError, match="clinical, inferred, preclinical_in_vitro"):
        EvidenceFilter.from_codes(evidence_types=["in_vivo"])


@pytest.mark.parametrize("command", ["combos", "cross-resistance", "paths"])
def test_the_commands_refuse_unknown_values_listing_the_valid_ones(command, store_path):
    arguments = {"combos": ["SG", "TNBC"], "cross-resistance": ["SG"], "paths": ["SG", "olaparib"]}
    runner = CliRunner(env={"ADCGRAPH_STORE": str(store_path)})
    status = runner.invoke(cli, [command, *arguments[command], "--status", "checked"])
    assert status.exit_code == 2
    assert "expected one of: unverified, verified" in status.output
    kind = runner.invoke(cli, [command, *arguments[command], "--evidence-type", "trial"])
    assert kind.exit_code == 2
    assert "inferred" in kind.output and "preclinical_in_vivo" in kind.output


def test_filtering_drops_edges_only_failing_claims_support_and_keeps_structure(store_path):
    data = read_graph_data(store_path)
    kept = filtered_data(data, VERIFIED)
    dropped = set(data.edges) - set(kept.edges)
    assert dropped and dropped == failing_edges(data.evidence, VERIFIED)
    for edge in dropped:
        assert all(claim.status != "Verified" for claim in data.evidence[edge])
    structural = {edge for edge in data.edges if not data.evidence.get(edge)}
    assert structural and structural <= set(kept.edges)
    for edge in kept.edges:
        assert all(claim.status == "Verified" for claim in kept.evidence.get(edge, []))


def test_a_filter_removing_a_claim_changes_the_candidates_explanation(rankings, store_path):
    data = read_graph_data(store_path)
    removed = failing_edges(data.evidence, VERIFIED)
    before = {
        candidate.iri: candidate
        for candidate, _, step in _steps(rankings["all"])
        if _edge(step) in removed
    }
    assert before, "some explanation of SG in TNBC rests on an unverified claim"
    after = {c.iri: c for c in [*rankings["verified"].candidates, *rankings["verified"].next_adcs]}
    for iri, candidate in before.items():
        changed = after.get(iri)
        if changed is None:
            continue  # the filter took it out of the ranking
        assert changed.paths != candidate.paths or changed.score != candidate.score
    for _, _, step in _steps(rankings["verified"]):
        assert _edge(step) not in removed


def test_verified_only_explanations_cite_no_unverified_claim(rankings, store_path):
    data = read_graph_data(store_path)
    unverified_only = {
        citation
        for claims in data.evidence.values()
        for claim in claims
        if claim.status == "Unverified"
        for citation in claim.citations
    } - {
        citation
        for claims in data.evidence.values()
        for claim in claims
        if claim.status != "Unverified"
        for citation in claim.citations
    }
    assert unverified_only
    shown = list(_steps(rankings["verified"]))
    assert shown
    for _, _, step in shown:
        assert set(step["curation_statuses"]) <= {"Verified", "Imported"}, step
        assert not set(step["citations"]) & unverified_only, step
    for candidate in rankings["verified"].candidates:
        assert not set(candidate.citations) & unverified_only, candidate.label
        for trial in candidate.trials:
            strategy = vocab.expand(trial["strategy"])
            statuses = {
                e.status for e in data.evidence[(strategy, "usesAdc", SACITUZUMAB_GOVITECAN)]
            }
            assert "Verified" in statuses


def test_the_model_and_the_set_aside_drugs_come_from_the_whole_graph(rankings, store_path):
    whole, verified = rankings["all"], rankings["verified"]
    assert verified.model == whole.model
    # Those of the whole graph's set-aside drugs that the filtered features reach.
    aside = {vocab.compress(d) for d in set_aside_drugs(store_path, read_graph_data(store_path))}
    assert verified.set_aside and set(verified.set_aside) <= aside
    assert whole.query["filter"] == "none"
    assert verified.query["filter"] == "verified"


def test_a_filtered_graph_is_never_cached_under_the_unfiltered_key(store_path, rankings):
    filtered = make_scorer(store_path, TNBC, n_permutations=PERMUTATIONS, evidence_filter=VERIFIED)
    cached = make_scorer(store_path, TNBC, n_permutations=PERMUTATIONS)
    # Hiding an edge that is not there changes nothing but turns every cache off.
    uncached = make_scorer(
        store_path, TNBC, n_permutations=PERMUTATIONS, hidden={("none", "hasTarget", "none")}
    )
    assert cached.cache != filtered.cache
    assert cached.graph.edge_count() == uncached.graph.edge_count() > filtered.graph.edge_count()
    assert len(cached.data.edges) == len(uncached.data.edges) > len(filtered.data.edges)


def test_cross_resistance_on_clinical_claims(store_path):
    whole = cross_resistance(store_path, SACITUZUMAB_GOVITECAN, top=10, n_permutations=PERMUTATIONS)
    clinical = cross_resistance(
        store_path,
        SACITUZUMAB_GOVITECAN,
        top=10,
        n_permutations=PERMUTATIONS,
        evidence_filter=CLINICAL,
    )
    assert clinical.query["filter"] == "clinical"
    shown = list(_steps(clinical))
    assert shown
    for _, _, step in shown:
        assert set(step["evidence_types"]) <= {"Clinical", "SourceRecord"}, step
    shared = {c.iri: c.metapath_scores.get("shared-mechanism", 0) for c in whole.candidates}
    fewer = {c.iri: c.metapath_scores.get("shared-mechanism", 0) for c in clinical.candidates}
    assert any(fewer.get(iri, 0) < score for iri, score in shared.items())


def test_the_cli_says_which_filter_applied(store_path):
    runner = CliRunner(env={"ADCGRAPH_STORE": str(store_path)})
    arguments = ["combos", "SG", "TNBC", "--top", "3", "--no-explain", "--permutations", "2"]
    text = runner.invoke(cli, [*arguments, "--status", "verified", "--evidence-type", "clinical"])
    assert text.exit_code == 0, text.output
    assert "filter: verified; clinical" in text.output
    document = runner.invoke(
        cli,
        ["cross-resistance", "SG", "--top", "3", "--format", "json", "--status", "verified"],
    )
    assert document.exit_code == 0, document.output
    assert json.loads(document.stdout)["query"]["filter"] == "verified"
    paths = runner.invoke(
        cli, ["paths", "SG", "olaparib", "--format", "json", "--status", "verified"]
    )
    assert paths.exit_code == 0, paths.output
    found = json.loads(paths.stdout)
    assert found["filter"] == "verified" and found["paths"]
    for path in found["paths"]:
        for step in path["steps"]:
            assert set(step["curation_statuses"]) <= {"Verified"}
