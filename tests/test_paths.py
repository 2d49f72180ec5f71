"""Path analysis on the real graph: projection, k-shortest paths, combos, cross-resistance."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest
from conftest import top1_inhibitor_adc_labels

from adcgraph import vocab
from adcgraph.combos import (
    PARTNER_METAPATHS,
    combos,
    cross_resistance,
    evidence_weight,
    make_scorer,
)
from adcgraph.evidencefilter import EvidenceFilter
from adcgraph.graphdata import Evidence, read_graph_data
from adcgraph.paths import load_projection, shortest_paths
from adcgraph.report import ranking_html
from adcgraph.validation import hold_one_out

SACITUZUMAB_GOVITECAN = vocab.expand("DRUGBANK:DB12893")
TRASTUZUMAB_EMTANSINE = vocab.expand("DRUGBANK:DB05773")
TNBC = vocab.expand("MONDO:0005494")
OLAPARIB = vocab.expand("DRUGBANK:DB09074")
TOP1_INHIBITOR_ADCS = top1_inhibitor_adc_labels(excluding="DRUGBANK:DB12893")


@pytest.fixture(scope="module")
def store_path(built):
    return built.paths.store


@pytest.fixture(scope="module")
def sg_in_tnbc(store_path):
    return combos(store_path, SACITUZUMAB_GOVITECAN, TNBC, top=10, n_permutations=10)


def test_projection_is_typed_and_carries_evidence(store_path):
    graph = load_projection(store_path)
    assert graph.nodes[SACITUZUMAB_GOVITECAN]["type"] == "ADC"
    claims = [a for _, _, a in graph.edges(data=True) if a["predicate"] == "confersResistanceTo"]
    assert claims and all(a["citations"] and a["evidence_types"] for a in claims)


def test_projection_is_cached_per_store_version(store_path):
    assert load_projection(store_path) is not load_projection(store_path)
    cached = list(store_path.parent.glob(f".{store_path.name}.cache/*/projection.pickle"))
    assert len(cached) == 1


def test_k_shortest_paths_link_sg_to_olaparib_with_citations(store_path):
    graph = load_projection(store_path)
    search = shortest_paths(graph, SACITUZUMAB_GOVITECAN, OLAPARIB, k=3, max_length=4)
    assert search.paths
    assert len(search.paths[0].steps) == 2  # SG <- strategy -> olaparib
    assert all(path.citations for path in search.paths)
    lengths = [len(p.steps) for p in search.paths]
    assert lengths == sorted(lengths)


def test_path_search_says_when_a_bound_cuts_it_short(store_path):
    graph = load_projection(store_path)
    search = shortest_paths(graph, SACITUZUMAB_GOVITECAN, OLAPARIB, k=1, max_length=6)
    assert search.truncated and "stopped after 1 path (--k)" in search.reason


def test_path_filters_restrict_evidence(store_path):
    verified = EvidenceFilter.from_codes(["verified"])
    graph = load_projection(store_path, evidence_filter=verified)
    search = shortest_paths(graph, SACITUZUMAB_GOVITECAN, OLAPARIB, k=5, max_length=5)
    assert search.paths
    for path in search.paths:
        for step in path.steps:
            assert set(step.statuses) <= {"Verified"}


def test_combos_for_sg_in_tnbc_ranks_parp_atr_and_checkpoint_partners(sg_in_tnbc):
    top = {c.label: c for c in sg_in_tnbc.candidates}
    assert {"talazoparib", "olaparib"} & set(top), "a PARP inhibitor"
    assert {"berzosertib", "ceralasertib"} & set(top), "an ATR inhibitor"
    assert "pembrolizumab" in top, "a checkpoint inhibitor"
    for candidate in sg_in_tnbc.candidates:
        assert candidate.paths and candidate.citations, candidate.label
        # Papers, and the trial ids of reference-layer indication records.
        assert all(c.startswith(("PMID:", "DOI:", "NCT:")) for c in candidate.citations)


def test_combos_reports_trials_and_permutation_adjusted_scores(sg_in_tnbc):
    top = {c.label: c for c in sg_in_tnbc.candidates}
    trials = {t for entry in top["pembrolizumab"].trials for t in entry["trial_ids"]}
    assert "NCT:NCT05382286" in trials
    # Curated combinations with the ADC come first, then predictions, each best first.
    known = [c.notes[0].startswith("curated combination") for c in sg_in_tnbc.candidates]
    assert known == sorted(known, reverse=True)
    for group in (True, False):
        scores = [c.score for c, k in zip(sg_in_tnbc.candidates, known, strict=True) if k == group]
        assert scores == sorted(scores, reverse=True)
    for candidate in sg_in_tnbc.candidates:
        assert 0 < candidate.p_value <= 1
        assert candidate.adjusted_score <= candidate.score


def test_combos_json_schema(sg_in_tnbc):
    document = json.loads(json.dumps(sg_in_tnbc.as_dict()))
    candidate = document["candidates"][0]
    for key in ("id", "label", "score", "adjusted_score", "paths", "citations", "trials"):
        assert key in candidate
    assert {"nodes", "predicates", "citations"} <= set(candidate["paths"][0])


def test_cross_resistance_for_sg_puts_top1_inhibitor_adcs_first(store_path):
    ranking = cross_resistance(
        store_path, SACITUZUMAB_GOVITECAN, top=len(TOP1_INHIBITOR_ADCS) + 5, n_permutations=5
    )
    first = [c.label for c in ranking.candidates[: len(TOP1_INHIBITOR_ADCS)]]
    assert set(first) == TOP1_INHIBITOR_ADCS
    assert first[0] == "sacituzumab tirumotecan"  # same antibody and payload class


def test_evidence_weights_discount_unverified_and_other_diseases():
    clinical = Evidence("c", "Clinical", "Verified", TNBC, ("PMID:1",))
    assert evidence_weight([clinical], {TNBC}) == 1.0
    assert evidence_weight([clinical], {"other"}) == pytest.approx(0.3)
    in_vitro = Evidence("c", "PreclinicalInVitro", "Unverified", None, ("PMID:1",))
    assert evidence_weight([in_vitro], None) == pytest.approx(0.25)


def test_scorer_cache_is_reused(store_path):
    first = make_scorer(store_path, TNBC, n_permutations=3)
    second = make_scorer(store_path, TNBC, n_permutations=3)  # from the cache
    built_scores = first.scores(SACITUZUMAB_GOVITECAN, PARTNER_METAPATHS, "Drug")
    cached_scores = second.scores(SACITUZUMAB_GOVITECAN, PARTNER_METAPATHS, "Drug")
    np.testing.assert_allclose(built_scores[0], cached_scores[0])
    np.testing.assert_allclose(built_scores[1], cached_scores[1])
    assert second.graph.edge_count() <= first.graph.edge_count()
    assert list(store_path.parent.glob(f".{store_path.name}.cache/*/hetmat/MONDO_0005494"))


def test_cached_permutations_are_read_in_the_calling_thread(store_path, monkeypatch):
    # np.load parses headers with ast.literal_eval, which CPython 3.11 cannot run in two
    # threads at once ("AST constructor recursion depth mismatch"): no worker may read them.
    make_scorer(store_path, TNBC, n_permutations=3)
    readers: list[int] = []
    real_load = np.load

    def recording_load(*args, **kwargs):
        readers.append(threading.get_ident())
        return real_load(*args, **kwargs)

    monkeypatch.setattr(np, "load", recording_load)
    cached = make_scorer(store_path, TNBC, n_permutations=3)
    assert len(cached.permuted) == 3
    assert readers and set(readers) == {threading.get_ident()}


def test_hold_one_out_beats_the_degree_baseline(store_path):
    summary = hold_one_out(store_path).summary()
    assert summary["pairs"] >= 10
    assert summary["auroc"] > summary["degree_auroc"]
    assert summary["hit_at_10"] >= summary["degree_hit_at_10"]


def test_html_report_pictures_the_paths(sg_in_tnbc):
    page = ranking_html(sg_in_tnbc, "SG in TNBC")
    drawn = sum(len(candidate.paths) for candidate in sg_in_tnbc.candidates)
    assert drawn and page.count("<svg xmlns='http://www.w3.org/2000/svg' class='path'") == drawn
    assert "talazoparib" in page
    assert "href='https://clinicaltrials.gov/study/NCT04039230'" in page


def test_graph_data_has_evidence_for_every_claim_edge(store_path):
    data = read_graph_data(store_path)
    claim_edges = [e for e in data.edges if e[1] == "confersResistanceTo"]
    assert claim_edges and all(data.evidence.get(e) for e in claim_edges)


def test_metapath_paths_are_exactly_the_typed_simple_paths_even_past_dead_end_hubs():
    # A hub gene inhibited by many drugs, only one of which reaches the candidate; the walk
    # must return the same paths as enumerating every typed simple path, nothing more.
    from adcgraph.graphdata import GraphData
    from adcgraph.hetmat import parse_metapath
    from adcgraph.paths import build_projection, metapath_paths

    types = {"adc": "ADC", "hub": "Gene", "g2": "Gene", "target": "Drug"}
    edges = [("adc", "hasTarget", "hub"), ("adc", "hasTarget", "g2")]
    for n in range(50):
        types[f"d{n}"] = "Drug"
        edges.append((f"d{n}", "inhibits", "hub"))
    edges += [("target", "inhibits", "hub"), ("target", "inhibits", "g2")]
    graph = build_projection(GraphData("v", types, edges))
    metapath = parse_metapath("ADC-hasTarget>Gene<inhibits-Drug")
    found = metapath_paths(graph, "adc", "target", metapath, limit=10)
    assert sorted(path.nodes for path in found.paths) == [
        ("adc", "g2", "target"),
        ("adc", "hub", "target"),
    ]
    assert not found.truncated
    assert not metapath_paths(graph, "adc", "d3", parse_metapath("ADC-hasTarget>Gene")).paths


def test_prepared_caches_leave_a_first_ranking_only_its_disease_weights(store_path):
    from adcgraph.combos import prepare_caches
    from adcgraph.storage.publish import cache_directory
    from adcgraph.storage.store import store_version

    prepare_caches(store_path)
    cache = cache_directory(store_path, store_version(store_path)["version"])
    before = {p.relative_to(cache) for p in cache.rglob("*") if p.is_file()}
    assert any(p.name.startswith("model-") for p in before)
    assert any(p.parts[:2] == ("hetmat", "permutations") for p in before)
    assert {"reference-projection.pickle", "resolve-index.sqlite"} <= {p.name for p in before}
    ovarian = vocab.expand("MONDO:0005140")
    combos(store_path, TRASTUZUMAB_EMTANSINE, ovarian, top=3, explain_paths=False)
    after = {p.relative_to(cache) for p in cache.rglob("*") if p.is_file()}
    assert {p.parts[:2] for p in after - before} == {("hetmat", "MONDO_0005140")}


def test_explanations_walk_the_metapath_graph_as_they_walk_the_whole_projection(store_path):
    # The explanation graph keeps only edges on some walk of a ranking metapath; every path
    # an explanation finds in the whole reference projection must be found there too.
    import copy

    from adcgraph.combos import (
        SWITCH_METAPATHS,
        backbone_diseases,
        explain,
        explanation_graph,
    )

    kept = explanation_graph(store_path)
    whole = load_projection(store_path, "reference")
    assert len(kept.nodes) < whole.number_of_nodes() / 2
    ranking = combos(store_path, SACITUZUMAB_GOVITECAN, TNBC, top=15, explain_paths=False)
    sources = backbone_diseases(make_scorer(store_path, TNBC).hierarchy, TNBC)
    explained = []
    for graph in (whole, kept):
        candidates = copy.deepcopy(ranking.candidates + ranking.next_adcs)
        metapaths = PARTNER_METAPATHS + SWITCH_METAPATHS
        explain(
            candidates,
            SACITUZUMAB_GOVITECAN,
            metapaths,
            graph,  # type: ignore[arg-type]
            time_limit_s=600,
            disease_sources=sources,
        )
        explained.append([(c.id, c.paths, c.citations) for c in candidates])
    assert explained[0] == explained[1]
    assert all(paths for _, paths, _ in explained[1])


def test_a_repeated_ranking_reads_its_null_and_permutes_nothing(
    store_path, sg_in_tnbc, monkeypatch
):
    from adcgraph import hetmat

    def refuse(*args, **kwargs):
        raise AssertionError("the permuted graphs were weighted again")

    monkeypatch.setattr(hetmat, "rewired", refuse)
    again = combos(store_path, SACITUZUMAB_GOVITECAN, TNBC, top=10, n_permutations=10)

    def figures(ranking):
        return [
            (c.id, c.score, c.adjusted_score, c.p_value)
            for c in ranking.candidates + ranking.next_adcs
        ]

    assert figures(again) == figures(sg_in_tnbc)


def test_partner_p_values_resolve_and_say_how(sg_in_tnbc):
    # Ten permutations alone resolve a drug's own p-value to 1/11; the pooled, tail-fitted
    # null must tell the top candidates apart, and the output must say how it was found.
    n = sg_in_tnbc.permutations
    assert "resolution 1/" in sg_in_tnbc.p_value_method
    assert "Knijnenburg" in sg_in_tnbc.p_value_method
    values = [c.p_value for c in sg_in_tnbc.candidates]
    assert all(0 < v <= 1 for v in values)
    assert sum(v < 1 / (n + 1) for v in values) >= 3, values
    assert len(set(values)) > len(values) / 2, values


def test_tail_p_values_fall_with_the_score_past_the_highest_null_score():
    from adcgraph.combos import pooled_p_values

    rng = np.random.default_rng(0)
    null = rng.normal(size=(10, 300))
    observed = np.zeros(300)
    observed[:4] = [null.max() + 0.1, null.max() + 1, null.max() + 2, 2.0]
    p = pooled_p_values(observed, null, np.arange(300), [0, 1, 2, 3])
    assert p[0] > p[1] > p[2] > 0
    assert p[0] < 11 / 2001 and p[3] > 11 / 2001


def test_supportive_care_drugs_are_set_aside_and_the_output_says_so(store_path):
    # Fluocinonide (a topical steroid, approved for skin disease) reaches TNBC only through a
    # phase-2 trial in breast carcinoma patients: supportive care, not an anticancer agent.
    from adcgraph.combos import set_aside_drugs

    curated = read_graph_data(store_path)
    aside = set_aside_drugs(store_path, curated)
    fluocinonide = vocab.expand("DRUGBANK:DB01047")
    assert fluocinonide in aside
    assert not [d for d in aside if curated.node_types.get(d) == "Drug"], "a curated drug"
    ranking = combos(store_path, SACITUZUMAB_GOVITECAN, TNBC, top=40, explain_paths=False)
    assert fluocinonide not in {c.iri for c in ranking.candidates}
    assert "DRUGBANK:DB01047" in ranking.set_aside
    assert "were set aside" in ranking.set_aside_note()
    assert len(ranking.set_aside_best) == 3 and ":" not in ranking.set_aside_best[0]
    approved_for_cancer = vocab.expand("DRUGBANK:DB01006")  # letrozole, approved in breast cancer
    assert approved_for_cancer not in aside
