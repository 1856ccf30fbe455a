"""Readiness (contract §7): is the deadline kept wherever a disaster strikes, where should stock sit.

Read a region file, draw hazard samples, plan every sample in full with the
real planner and summarise; recommend peacetime stock transfers between
warehouses with a two-stage stochastic LP, verified by full plans.
"""

from .outcome import SampleOutcome
from .region import Hazard, Region, RegionError, parse_region, read_region
from .report import coverage_stats, readiness_result
from .runner import run_samples
from .sampling import Sample, draw_sample, sample_scenario

__all__ = [
    "Hazard",
    "Region",
    "RegionError",
    "Sample",
    "SampleOutcome",
    "coverage_stats",
    "draw_sample",
    "parse_region",
    "read_region",
    "readiness_result",
    "run_samples",
    "sample_scenario",
]
