"""Unit tests of kg.summary."""
