"""The readiness map as SVG: every settlement coloured by the share of its disasters fully served on time.

Takes the region's scenario (for positions and names) and the readiness
result (contract §7) as plain data, so a result read back from its JSON
draws the same map. The report package does not import the readiness package.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from ..model import Scenario
from ._format import coverage_colour, format_share
from ._svg import SvgDocument, points
from .projection import fit_projection, nice_scale_km

WIDTH = 900.0
HEIGHT = 640.0
_LEGEND_W = 210.0
#: Labels are drawn for at most this many settlements (the weakest first).
MAX_LABELS = 40


def readiness_svg(
    scenario: Scenario,
    result: Mapping[str, Any],
    *,
    label: str = "name",
    hazards: list[tuple[str, list[tuple[float, float]]]] | None = None,
) -> str:
    """Draw the readiness map.

    Parameters
    ----------
    scenario
        The region's scenario: warehouses and settlements with coordinates.
    result
        The readiness result: ``areas`` with ``full_on_time_share`` per settlement.
    label
        ``"name"`` for display names (falling back to ids), ``"id"`` for ids.
    hazards
        ``(kind, [(lat, lon), …])`` outlines of where hazards' centres are drawn.

    Returns
    -------
    str
        A standalone SVG document.
    """
    rows = {row["id"]: row for row in result["areas"]}
    share = result["weighted_coverage"]
    doc = SvgDocument(WIDTH, HEIGHT, title=f"{result['region']}: readiness map")
    positions = [(w.lon, w.lat) for w in scenario.warehouses]
    positions += [(a.lon, a.lat) for a in scenario.areas]
    for _kind, polygon in hazards or []:
        positions += [(lon, lat) for lat, lon in polygon]
    proj = fit_projection(
        positions, left=40, top=60, width=WIDTH - _LEGEND_W - 70, height=HEIGHT - 120
    )
    doc.add(
        "text",
        x=20.0,
        y=28.0,
        font_size=18,
        font_weight="bold",
        text=f"{result['region']} — readiness over {result['samples']} samples",
    )
    doc.add(
        "text",
        x=20.0,
        y=48.0,
        font_size=12,
        text=f"weighted on-time coverage: mean {format_share(share['mean'], 1)}, 5th percentile "
        f"{format_share(share['p05'], 1)}, worst {format_share(share['min'], 1)}",
    )
    for idx, (kind, polygon) in enumerate(hazards or []):
        xy = [proj(lon, lat) for lat, lon in polygon]
        doc.add(
            "polygon",
            points=points(xy),
            fill="none",
            stroke="#7b5ea7" if idx % 2 == 0 else "#4a90a4",
            stroke_width=1.5,
            stroke_dasharray="5 4",
            class_="hazard",
            title=f"{kind}: centres drawn here",
        )
    labelled = _labelled(scenario, rows)
    for area in scenario.areas:
        row = rows.get(area.id, {})
        value = row.get("full_on_time_share")
        x, y = proj(area.lon, area.lat)
        radius = 4.0 + 2.0 * math.log10(max(area.population or 1, 1)) / 2
        shown = "not affected" if value is None else f"{format_share(value)} fully on time"
        doc.add(
            "circle",
            cx=x,
            cy=y,
            r=radius,
            fill=coverage_colour(value),
            stroke="#222",
            stroke_width=1.0,
            class_="settlement",
            title=f"{_name(area.name, area.id, label)}: {shown} "
            f"(affected in {row.get('affected_in', 0)} samples)",
        )
        if area.id in labelled:
            text = _name(area.name, area.id, label)
            if value is not None:
                text += f" {format_share(value)}"
            doc.add("text", x=x + radius + 2, y=y + 4, font_size=10, text=text)
    for wh in scenario.warehouses:
        x, y = proj(wh.lon, wh.lat)
        doc.add(
            "rect",
            x=x - 7,
            y=y - 7,
            width=14.0,
            height=14.0,
            fill="#ffffff",
            stroke="#000",
            stroke_width=2.0,
            class_="warehouse",
            title=f"{_name(wh.name, wh.id, label)}: "
            + ", ".join(f"{item} {qty}" for item, qty in wh.stock.items()),
        )
    _legend(doc, hazards or [])
    _scale_bar(doc, proj.km_per_unit)
    return doc.render()


def _name(name: str | None, ident: str, label: str) -> str:
    return name if label == "name" and name else ident


def _labelled(scenario: Scenario, rows: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """The settlements labelled: all on a small map, else the weakest ``MAX_LABELS``."""
    if len(scenario.areas) <= MAX_LABELS:
        return {a.id for a in scenario.areas}
    scored = [
        (rows[a.id]["full_on_time_share"], a.id)
        for a in scenario.areas
        if rows.get(a.id, {}).get("full_on_time_share") is not None
    ]
    return {ident for _, ident in sorted(scored)[:MAX_LABELS]}


def _legend(doc: SvgDocument, hazards: list[tuple[str, list[tuple[float, float]]]]) -> None:
    x = WIDTH - _LEGEND_W
    y = 80.0
    doc.add("text", x=x, y=y, font_weight="bold", text="Fully served on time")
    doc.add("text", x=x, y=y + 14, font_size=10, text="(share of its disasters)")
    for idx, value in enumerate((0.0, 0.25, 0.5, 0.75, 1.0)):
        cy = y + 32 + idx * 18
        doc.add("circle", cx=x + 8, cy=cy, r=6.0, fill=coverage_colour(value), stroke="#222")
        doc.add("text", x=x + 20, y=cy + 4, text=format_share(value))
    cy = y + 32 + 5 * 18
    doc.add("circle", cx=x + 8, cy=cy, r=6.0, fill=coverage_colour(None), stroke="#222")
    doc.add("text", x=x + 20, y=cy + 4, text="never affected")
    cy += 26
    doc.add("rect", x=x + 2, y=cy - 6, width=12.0, height=12.0, fill="#fff", stroke="#000")
    doc.add("text", x=x + 20, y=cy + 4, text="warehouse")
    if hazards:
        cy += 22
        doc.add("line", x1=x, y1=cy, x2=x + 16, y2=cy, stroke="#7b5ea7", stroke_dasharray="5 4")
        doc.add("text", x=x + 20, y=cy + 4, font_size=10, text="where hazard centres fall")
    doc.add("text", x=x, y=cy + 26, font_size=10, text="circle size: population")


def _scale_bar(doc: SvgDocument, km_per_unit: float) -> None:
    km = nice_scale_km(150 * km_per_unit)
    length = km / km_per_unit
    x, y = 40.0, HEIGHT - 25
    doc.add("line", x1=x, y1=y, x2=x + length, y2=y, stroke="#000", stroke_width=3.0)
    doc.add("text", x=x, y=y - 6, font_size=11, text=f"{km:g} km")
