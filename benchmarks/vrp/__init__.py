"""Routing benchmarks: supplyopt against PyVRP, OR-Tools and VROOM on standard instances.

Run ``python -m benchmarks.vrp.run --set solomon --time-limit 10``; see ``run.py``.
"""
