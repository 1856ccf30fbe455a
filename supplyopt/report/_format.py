"""Shared formatting for reports: times from T0, shares, colours for coverage."""

from __future__ import annotations

import math
import re
from itertools import pairwise


def format_hours(hours: float) -> str:
    """Hours from T0 as ``T+hh:mm`` (rounded to the minute)."""
    if not math.isfinite(hours):
        return "—"
    minutes = round(hours * 60)
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    return f"T{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def format_share(share: float | None, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage, rounded down: a shortfall never reads 100 %.

    ``147 / 150`` is ``98%``; ``0.996`` is ``99%`` (``:.0%`` would say
    ``100%``); only a full 1.0 reads ``100%``. ``None`` (no demand) is ``—``.
    """
    if share is None or not math.isfinite(share):
        return "—"
    scale = 10**digits
    # A hair above the exact product so that 0.29 (28.999… × 100) still reads 29 %.
    shown = math.floor(share * 100 * scale + 1e-12) / scale
    return f"{shown:.{digits}f}%"


#: Coverage colour stops: red when nothing arrives on time, amber half-way, green when all does.
_STOPS = ((0.0, (0xC6, 0x28, 0x28)), (0.5, (0xF9, 0xA8, 0x25)), (1.0, (0x2E, 0x7D, 0x32)))


def coverage_colour(coverage: float | None) -> str:
    """Return a ``#rrggbb`` colour for an on-time coverage in [0, 1]; grey without demand."""
    if coverage is None or not math.isfinite(coverage):
        return "#9e9e9e"
    value = min(max(coverage, 0.0), 1.0)
    for (lo, lo_rgb), (hi, hi_rgb) in pairwise(_STOPS):
        if value <= hi:
            t = (value - lo) / (hi - lo)
            rgb = [round(a + (b - a) * t) for a, b in zip(lo_rgb, hi_rgb, strict=True)]
            return "#{:02x}{:02x}{:02x}".format(*rgb)
    return "#{:02x}{:02x}{:02x}".format(*_STOPS[-1][1])  # pragma: no cover


#: Distinct, colour-blind friendly hues (Okabe–Ito) for warehouses' trips.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")


def safe_filename(text: str) -> str:
    """Make a file name from an id such as ``urumqi/truck-10t/3`` (``urumqi_truck-10t_3``)."""
    cleaned = re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("._")
    return cleaned or "unnamed"
