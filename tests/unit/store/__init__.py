"""Unit tests of kg.store."""
