"""What-if analysis: compare scenario variants, run sweeps, rank critical roads and warehouses."""

from .criticality import criticality_variants
from .outcome import Outcome, outcome_of
from .runner import run_variants
from .sweep import Sweep, Variant, read_sweep
from .table import delta_rows, render_table, write_csv

__all__ = [
    "Outcome",
    "Sweep",
    "Variant",
    "criticality_variants",
    "delta_rows",
    "outcome_of",
    "read_sweep",
    "render_table",
    "run_variants",
    "write_csv",
]
