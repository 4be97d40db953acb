"""Unit tests of kg.analytics."""
