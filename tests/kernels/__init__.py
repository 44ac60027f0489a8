"""Kernel tests: per-family tests and the generic, registry-driven harness."""
