"""Unit tests, one folder per kg package (core: the flat modules of kg/)."""
