"""Asking the store: named SPARQL queries, bounded execution, result tables and the HTTP endpoint.

``queries`` runs the ``queries/*.rq`` files with parameters bound as RDF terms,
``querylimits`` bounds every query (size, nesting, time, output, memory) in a forked child,
``results`` fits tables to the terminal, ``server`` is the read-only SPARQL endpoint.
"""
