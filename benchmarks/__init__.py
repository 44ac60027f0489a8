"""Benchmarks: per-kernel speed against TA-Lib (see README.md)."""
