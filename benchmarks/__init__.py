"""Benchmark harnesses; results are written to ``benchmarks/results/``."""
