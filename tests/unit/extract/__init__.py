"""Unit tests of kg.extract."""
