"""The per-ADC dossier: its sections and links on the real graph, and the page in a browser."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from adcgraph import vocab
from adcgraph.cli import cli
from adcgraph.evidencefilter import EvidenceFilter
from adcgraph.report import dossier_html
from adcgraph.report.dossier import build_dossier

SACITUZUMAB_GOVITECAN = vocab.expand("DRUGBANK:DB12893")
TNBC = vocab.expand("MONDO:0005494")
SECTIONS = (
    "summary",
    "components",
    "approvals",
    "mechanisms",
    "strategies",
    "cross-resistance",
    "combinations",
    "legend",
)
LINK_PATTERNS = (
    re.compile(r"^https://pubmed\.ncbi\.nlm\.nih\.gov/\d+/$"),
    re.compile(r"^https://doi\.org/10\.\S+$"),
    re.compile(r"^https://clinicaltrials\.gov/study/NCT\d{8}$"),
    re.compile(r"^#[a-z0-9_-]+$"),
)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def dossier(built):
    return build_dossier(built.paths.store, SACITUZUMAB_GOVITECAN, TNBC, n_permutations=2)


@pytest.fixture(scope="module")
def page(dossier) -> str:
    return dossier_html(dossier)


def test_the_dossier_holds_components_approvals_and_claims_of_sacituzumab_govitecan(dossier):
    assert dossier.components.label == "sacituzumab govitecan"
    assert dossier.components.targets == ("TACSTD2",)
    assert "topoisomerase I inhibitor" in dossier.components.payload_classes
    assert any(a.disease == "triple-negative breast carcinoma" for a in dossier.approvals)
    own = [claim for claim in dossier.claims if claim.own]
    by_class = [claim for claim in dossier.claims if not claim.own]
    assert own and by_class
    assert all(claim.applies_to == "sacituzumab govitecan" for claim in own)
    assert "antigen binding" in [step.label for step in dossier.steps]


def test_claims_are_grouped_in_the_order_of_the_adc_journey(dossier):
    orders = [step.order for step in dossier.steps]
    assert orders == sorted(orders)
    binding = next(step for step in dossier.steps if step.code == "binding")
    assert any(claim.genes == "TACSTD2" for claim in binding.claims)


def test_every_section_is_present_and_every_link_goes_to_its_record(page):
    for section in SECTIONS:
        assert f"id='{section}'" in page, section
    hrefs = re.findall(r"href='([^']+)'", page)
    assert hrefs
    for href in hrefs:
        assert any(pattern.match(href) for pattern in LINK_PATTERNS), href
    assert "href='https://pubmed.ncbi.nlm.nih.gov/34404686/'" in page
    assert "href='https://clinicaltrials.gov/study/NCT02574455'" in page
    ids = re.findall(r"id='([^']+)'", page)
    assert len(ids) == len(set(ids)), "element ids must be unique"


def _run_report(built, adc: str, disease: str, output, *options: str):
    """`adcgraph report ADC --disease DISEASE -o OUTPUT` on the test store (2 permutations)."""
    args = ["report", adc, "--disease", disease, "-o", str(output), "--permutations", "2", *options]
    return CliRunner().invoke(cli, [*args, "--store", str(built.paths.store)])


def test_report_command_writes_a_readable_page(built, tmp_path):
    output = tmp_path / "sg.html"
    result = _run_report(built, "Trodelvy", "TNBC", output)
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "sacituzumab govitecan: resistance dossier" in text
    assert "store version" in text


def test_report_reads_a_population_name_as_its_disease_like_combos_does(built, tmp_path):
    output = tmp_path / "tdxd.html"
    result = _run_report(built, "Enhertu", "HER2-low breast cancer", output)
    assert result.exit_code == 0, result.output
    assert "read as population breast cancer (ERBB2 low): disease MONDO:0007254" in result.output
    assert "trastuzumab deruxtecan: resistance dossier" in output.read_text(encoding="utf-8")


def test_a_filtered_report_shows_and_ranks_with_only_the_claims_that_pass(built, tmp_path, dossier):
    output = tmp_path / "sg-clinical.html"
    options = ["--status", "verified", "--evidence-type", "clinical"]
    result = _run_report(built, "Trodelvy", "TNBC", output, *options)
    assert result.exit_code == 0, result.output
    text = output.read_text(encoding="utf-8")
    assert "filter: verified; clinical" in text
    verified_clinical = build_dossier(
        built.paths.store,
        SACITUZUMAB_GOVITECAN,
        TNBC,
        n_permutations=2,
        evidence_filter=EvidenceFilter.from_codes(["verified"], ["clinical"]),
    )
    kept = {claim.id for claim in verified_clinical.claims}
    expected = {
        claim.id
        for claim in dossier.claims
        if claim.curation_status == "verified" and claim.evidence_type == "clinical evidence"
    }
    assert kept == expected
    assert 0 < len(kept) < len(dossier.claims)
    assert all(s.evidence_type == "clinical evidence" for s in verified_clinical.strategies)
    assert verified_clinical.approvals == dossier.approvals
    for ranking in (verified_clinical.combinations, verified_clinical.cross_resistance):
        assert ranking is not None and ranking.query["filter"] == "verified; clinical"


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_the_page_renders_in_headless_chromium_without_errors_or_sideways_scroll(page, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    path = tmp_path / "dossier.html"
    path.write_text(page, encoding="utf-8")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        view = browser.new_page(viewport={"width": 900, "height": 1200})
        errors: list[str] = []
        view.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        view.on("pageerror", lambda error: errors.append(str(error)))
        view.goto(path.as_uri())
        for section in SECTIONS:
            assert view.locator(f"#{section}").count() == 1, section
        scroll_width = view.evaluate("document.documentElement.scrollWidth")
        shot = tmp_path / "dossier.png"
        view.screenshot(path=str(shot), full_page=True)
        widest_svg = view.evaluate(
            "Math.max(...[...document.querySelectorAll('svg')]"
            ".map(s => s.getBoundingClientRect().right))"
        )
        browser.close()
    assert errors == []
    assert scroll_width <= 900
    assert widest_svg <= 900
    assert shot.stat().st_size > 10_000
