"""Helpers the tests share: sample data, subprocess servers, typed term access."""
