"""Human-facing reports: terminal summaries (and, later, exports and figures)."""

from .summary import print_summary, summary_renderable

__all__ = ["print_summary", "summary_renderable"]
