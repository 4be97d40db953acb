"""Unit tests of kg.identity."""
