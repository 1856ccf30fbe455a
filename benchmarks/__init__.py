"""Benchmarks of supplyopt: generated relief families and standard routing instances."""
