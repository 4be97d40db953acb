"""Unit tests of kg's flat modules (settings, rdf, namespace, validate, sandbox, media, tables, ontology, ...)."""
