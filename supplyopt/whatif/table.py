"""Side-by-side KPI tables of variants against their base: terminal text and CSV."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..model import UnmetReason
from .outcome import Outcome

REASONS = [reason.value for reason in UnmetReason]
COLUMNS = [
    "variant",
    "coverage",
    "d_coverage",
    "worst_area",
    "worst_area_coverage",
    "latest_arrival_h",
    "d_latest_arrival_h",
    "distance_km",
    *(f"unmet_{reason}" for reason in REASONS),
    "time_limited",
]
#: Printed under a table with rows the clock cut short.
CUT_NOTE = (
    "cut: the time limit stopped this solve before its work budget was done; "
    "its figures may change with machine load (raise --time-limit)"
)


def delta_rows(
    base: Outcome, variants: Sequence[Outcome], *, rank: bool = False
) -> list[dict[str, Any]]:
    """One row for the base and one per variant, with deltas against the base.

    With ``rank``, variants are ordered by coverage lost (most first), then
    by how much later the last arrival is: the criticality ranking.
    """
    rows = [_row(base, base)]
    ordered = list(variants)
    if rank:
        ordered.sort(
            key=lambda o: (o.coverage - base.coverage, base.latest_arrival_h - o.latest_arrival_h)
        )
    rows += [_row(base, outcome) for outcome in ordered]
    return rows


def _row(base: Outcome, o: Outcome) -> dict[str, Any]:
    row: dict[str, Any] = {
        "variant": o.name,
        "coverage": round(o.coverage, 4),
        "d_coverage": round(o.coverage - base.coverage, 4),
        "worst_area": o.worst_area,
        "worst_area_coverage": round(o.worst_area_coverage, 4),
        "latest_arrival_h": round(o.latest_arrival_h, 2),
        "d_latest_arrival_h": round(o.latest_arrival_h - base.latest_arrival_h, 2),
        "distance_km": round(o.distance_km, 1),
    }
    for reason in REASONS:
        row[f"unmet_{reason}"] = o.unmet_units.get(reason, 0)
    row["time_limited"] = o.time_limited
    return row


def render_table(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as an aligned text table (first row: the base)."""
    headers = [
        "variant",
        "coverage",
        "Δ",
        "worst area",
        "latest h",
        "Δ h",
        "km",
        *(f"short:{r}" for r in REASONS),
        "cut",
    ]
    cells = [
        [
            str(r["variant"]),
            f"{r['coverage']:.3f}",
            _signed(r["d_coverage"], 3),
            f"{r['worst_area']} {r['worst_area_coverage']:.2f}".strip(),
            f"{r['latest_arrival_h']:.2f}",
            _signed(r["d_latest_arrival_h"], 2),
            f"{r['distance_km']:.0f}",
            *(str(r[f"unmet_{reason}"]) for reason in REASONS),
            "cut" if r.get("time_limited") else "",
        ]
        for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for idx, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        if idx == 0 and len(cells) > 1:
            lines.append("  ".join("·" * w for w in widths))
    if any(r.get("time_limited") for r in rows):
        lines.append(CUT_NOTE)
    return "\n".join(lines)


def _signed(value: float, digits: int) -> str:
    return "" if value == 0 else f"{value:+.{digits}f}"


def csv_text(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV text (UTF-8, header row first)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(rows: Sequence[dict[str, Any]], path: str | os.PathLike[str]) -> None:
    """Write the rows as a UTF-8 CSV file."""
    Path(path).write_text(csv_text(rows), encoding="utf-8")
