"""Reports people read: the per-ADC resistance dossier and ranking pages (HTML with SVG).

``dossier`` gathers the facts with bound SPARQL and path analysis; ``html`` renders them;
``svg`` draws explanation paths that fit the page.
"""

from adcgraph.report.html import dossier_html, ranking_html

__all__ = ["dossier_html", "ranking_html"]
