"""Unit tests of kg.ingest."""
