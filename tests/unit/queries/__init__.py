"""Unit tests of the read model (kg/queries/) and its SPARQL building (kg/sparql.py)."""
