"""Benchmarks: the scale generator's runner and the ballot seal (see benchmarks/run.py)."""
