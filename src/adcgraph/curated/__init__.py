"""From the curated TSV sources to the RDF graph: read, validate, convert, check, reason, build.

``tsvfile`` is the one reader/writer of curated TSV lines, ``curation`` validates rows into
records, ``ontology`` reads the controlled lists of ``ontology/adcgraph.ttl``, ``triples``
turns records into RDF, ``shapes`` checks them with SHACL, ``reason`` runs HermiT through
owlready2, and ``build`` puts it together into the store and the Turtle release.
"""
