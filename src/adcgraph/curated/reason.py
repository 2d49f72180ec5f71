"""The only home of owlready2: ontology consistency and inference of defined-class members.

The ontology and the part of the curated graph that the defined classes talk about (ADCs,
their payloads, payload classes and linkers) go to owlready2's HermiT reasoner; what comes
back that was not asserted (class memberships such as "ADC with a TOP1-inhibitor payload",
and ``hasPayloadClass`` edges through the payload-class hierarchy) is returned as triples
for the store's ``inferred`` graph.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.errors import ValidationError

#: Predicates of the curated graph the reasoner needs to see.
REASONED_PREDICATES = frozenset(
    vocab.ONTOLOGY + name
    for name in (
        "hasPayload",
        "inPayloadClass",
        "broaderPayloadClass",
        "hasLinker",
        "isCleavable",
        "hasTarget",
    )
)
REASONED_TYPES = frozenset(
    vocab.ONTOLOGY + name for name in ("ADC", "Payload", "PayloadClass", "Linker", "Gene")
)
INFERRED_PROPERTIES = frozenset({vocab.ONTOLOGY + "hasPayloadClass"})
RDF_TYPE = vocab.RDF + "type"
OWL_NAMED_INDIVIDUAL = vocab.OWL + "NamedIndividual"
OWL_THING = vocab.OWL + "Thing"


def reasoning_input(ontology: Iterable[ox.Triple], curated: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The ontology plus the curated triples the defined classes depend on."""
    selected = list(ontology)
    for triple in curated:
        predicate = triple.predicate.value
        if predicate in REASONED_PREDICATES or (
            predicate == RDF_TYPE and triple.object.value in REASONED_TYPES
        ):
            selected.append(triple)
            if predicate == RDF_TYPE:
                selected.append(
                    ox.Triple(triple.subject, triple.predicate, ox.NamedNode(OWL_NAMED_INDIVIDUAL))
                )
    return selected


def _java_dies_with_us() -> None:
    # Runs in the forked child before exec (Linux): the kernel kills the reasoner's JVM when
    # the Python thread that started it dies, even by kill -9, so no orphan keeps running.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


@contextlib.contextmanager
def _reasoner_child_options() -> Iterator[None]:
    """owlready2 starts Java with the keyword arguments of ``_subprocess_kargs``: for the
    duration of one call, make the JVM die with this process."""
    from owlready2 import reasoning

    saved = dict(reasoning._subprocess_kargs)
    reasoning._subprocess_kargs.update(preexec_fn=_java_dies_with_us)
    try:
        yield
    finally:
        reasoning._subprocess_kargs.clear()
        reasoning._subprocess_kargs.update(saved)


def infer(
    ontology: Iterable[ox.Triple], curated: Iterable[ox.Triple], workdir: Path | None = None
) -> list[ox.Triple]:
    """Check consistency and return the inferred, not asserted, triples about individuals.

    Raises ValidationError when the ontology with the data is inconsistent. Needs Java.
    Temporary files go to ``workdir`` (a build passes its store's staging area).
    """
    import owlready2

    asserted = reasoning_input(ontology, curated)
    asserted_set = set(asserted)
    individuals = {t.subject for t in asserted if t.object.value == OWL_NAMED_INDIVIDUAL}
    with tempfile.TemporaryDirectory(prefix="adcgraph-reason-", dir=workdir) as directory:
        path = os.path.join(directory, "input.nt")
        with open(path, "wb") as stream:
            stream.write(ox.serialize(asserted, format=ox.RdfFormat.N_TRIPLES) or b"")
        world = owlready2.World()
        world.get_ontology(f"file://{path}").load(format="ntriples")
        try:
            with world.get_ontology("http://inferrences/"), _reasoner_child_options():
                owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            raise ValidationError(
                "the ontology and the curated data are inconsistent (owlready2 / HermiT)"
            ) from None
        except FileNotFoundError:
            raise ValidationError(
                "the OWL reasoner needs a Java runtime (`java` on PATH); install one, or "
                "run `adcgraph build --no-reason` to skip reasoning"
            ) from None
        except owlready2.OwlReadyJavaError as error:
            raise ValidationError(f"the OWL reasoner failed: {str(error)[:500]}") from None
        inferred = []
        for subject_iri, predicate_iri, object_iri in _iri_triples(world):
            triple = ox.Triple(
                ox.NamedNode(subject_iri), ox.NamedNode(predicate_iri), ox.NamedNode(object_iri)
            )
            if triple.subject not in individuals or triple in asserted_set:
                continue
            is_class = predicate_iri == RDF_TYPE and object_iri.startswith(vocab.ONTOLOGY)
            if is_class or predicate_iri in INFERRED_PROPERTIES:
                inferred.append(triple)
        world.close()
    return sorted(set(inferred), key=str)


def _iri_triples(world: object) -> list[tuple[str, str, str]]:
    rows = world.sparql(  # type: ignore[attr-defined]
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o . FILTER(isIRI(?s) && isIRI(?o)) }"
    )
    triples = []
    for subject, predicate, obj in rows:
        triples.append((_iri_of(world, subject), _iri_of(world, predicate), _iri_of(world, obj)))
    return [t for t in triples if all(t)]


def _iri_of(world: object, entity: object) -> str:
    # owlready2 answers built-in predicates such as rdf:type with their internal number.
    if isinstance(entity, int):
        return str(world._unabbreviate(entity))  # type: ignore[attr-defined]
    value = getattr(entity, "iri", None)
    if value:
        return str(value)
    return str(entity) if isinstance(entity, str) and entity.startswith("http") else ""
